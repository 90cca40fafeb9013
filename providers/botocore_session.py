"""The botocore session the provider and the program make their clients from.

Imported only when a client is made (providers/aws.py), so a preview that makes none
never loads botocore's session machinery.

Two things botocore does on the way to a first client cost more than the client:

- ``import boto3`` loads s3transfer and boto3's resource layer (~0.1 s), none of which
  jobspec uses: clients come from botocore's own session, as the AWS CLI makes them.
  The endpoint, region, credential and retry settings are botocore's either way.
- Before loading a model, botocore's loader checks that the service exists by listing
  every folder of its data, ~400 services (~50 ms a process). This loader answers that
  question for the services jobspec calls (``SERVICES``) by looking in their folders
  only; everything else it does is botocore's, search paths (``AWS_DATA_PATH``) included.
"""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import botocore.loaders
import botocore.session

#: The services jobspec makes clients of.
SERVICES = ("emr-serverless", "scheduler")


class KnownServicesLoader(botocore.loaders.Loader):
    """botocore's Loader, whose list of available services is ``SERVICES`` that have data of the type asked."""

    def list_available_services(self, type_name: str) -> list[str]:
        # Same answer as botocore's for these services: those with at least one API version holding the file.
        return [s for s in SERVICES if self._has(s, type_name)]

    def _has(self, service: str, type_name: str) -> bool:
        try:
            return bool(self.list_api_versions(service, type_name))
        except botocore.exceptions.DataNotFoundError:
            return False


def new_session() -> Any:
    """A botocore session with botocore's configuration chain and the ``KnownServicesLoader``."""
    session = botocore.session.get_session()
    default = botocore.loaders.create_loader(session.get_config_variable("data_path"))
    session.register_component("data_loader", KnownServicesLoader(
        extra_search_paths=default.search_paths, include_default_search_paths=False))
    return session
