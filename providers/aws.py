"""The EMR Serverless client, made where it is used (never captured in a pickled provider).

Endpoint and region come from boto3's standard resolution (``AWS_REGION``,
``AWS_ENDPOINT_URL_EMR_SERVERLESS``, profiles), with the stack's ``aws:region`` as
a fallback pulumi-aws users already set. Retries are botocore's standard mode:
throttling, 5xx, connection errors and read timeouts are retried with backoff, and
``JOBSPEC_AWS_MAX_ATTEMPTS`` (default 5) bounds the attempts per call, the first one
included (botocore's ``total_max_attempts``, as ``AWS_MAX_ATTEMPTS`` counts them).
"""

from __future__ import annotations

import os
from typing import Any


#: Attempts per API call, the first one included.
MAX_ATTEMPTS = int(os.environ.get("JOBSPEC_AWS_MAX_ATTEMPTS", "5"))
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60

#: States after which a run will never change again.
TERMINAL = frozenset({"SUCCESS", "FAILED", "CANCELLED"})


def client_config() -> Any:
    # boto3/botocore are imported here, not at module import: a preview never makes a
    # client, and the program and the provider process each save ~0.1 s of start-up.
    from botocore.config import Config

    return Config(
        # Not "max_attempts": in a client Config that counts retries, so 5 would mean 6 attempts.
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        user_agent_extra="jobspec",
    )


def emr_client(region: str | None = None) -> Any:
    """A new ``emr-serverless`` client; ``region`` only when boto3 finds none itself."""
    import boto3

    session = boto3.session.Session()
    # AWS_REGION is what the AWS CLI v2 and SDKs set; older botocore reads only AWS_DEFAULT_REGION.
    resolved = session.region_name or os.environ.get("AWS_REGION") or region
    return session.client("emr-serverless", region_name=resolved, config=client_config())


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")
