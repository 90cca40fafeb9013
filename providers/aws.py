"""The EMR Serverless (and EventBridge Scheduler) clients: one per provider process, made on first use, never pickled.

The clients are botocore's (providers/botocore_session.py says why not boto3's). The region
is the stack's ``aws:region`` first, then the SDKs' chain (``AWS_REGION``,
``AWS_DEFAULT_REGION``, the profile's), as pulumi-aws resolves it, so one stack's jobs and
its pulumi-aws resources land in one region. The endpoint is botocore's own setting
(``AWS_ENDPOINT_URL_EMR_SERVERLESS``, ``AWS_ENDPOINT_URL_SCHEDULER``). Retries are botocore's standard mode:
throttling, 5xx, connection errors and read timeouts are retried with backoff, and
``JOBSPEC_AWS_MAX_ATTEMPTS`` (default 5) bounds the attempts per call, the first one
included (botocore's ``total_max_attempts``, as ``AWS_MAX_ATTEMPTS`` counts them).
"""

from __future__ import annotations

import os
import threading
from typing import Any


#: Attempts per API call, the first one included.
MAX_ATTEMPTS = int(os.environ.get("JOBSPEC_AWS_MAX_ATTEMPTS", "5"))
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60

#: States after which a run will never change again.
TERMINAL = frozenset({"SUCCESS", "FAILED", "CANCELLED"})


def client_config(attempts: int | None = None) -> Any:
    # botocore is imported here, not at module import: a preview never makes a
    # client, and the program and the provider process each save ~0.1 s of start-up.
    from botocore.config import Config

    return Config(
        # Not "max_attempts": in a client Config that counts retries, so 5 would mean 6 attempts.
        retries={"mode": "standard", "total_max_attempts": attempts or MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        user_agent_extra="jobspec",
    )


#: Environment that decides which client is made; a client is reused while it stays the same.
_CLIENT_ENV = ("AWS_ENDPOINT_URL_EMR_SERVERLESS", "AWS_ENDPOINT_URL_SCHEDULER", "AWS_ENDPOINT_URL", "AWS_REGION",
               "AWS_DEFAULT_REGION",
               "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE")
_clients: dict[tuple, Any] = {}
_clients_lock = threading.Lock()


def emr_client(region: str | None = None, attempts: int | None = None) -> Any:
    """The process's ``emr-serverless`` client (see ``client``)."""
    return client("emr-serverless", region, attempts)


def scheduler_client(region: str | None = None, attempts: int | None = None) -> Any:
    """The process's EventBridge Scheduler client, for schedules (providers/schedule.py)."""
    return client("scheduler", region, attempts)


def client(service: str, region: str | None = None, attempts: int | None = None) -> Any:
    """The process's client of ``service`` in ``region`` (the stack's ``aws:region``), else the SDKs' region chain.

    ``attempts`` bounds the attempts per call (default ``MAX_ATTEMPTS``).

    Made once per process (and per region and AWS environment): a new session loads
    the service models again, ~170 ms each, under the GIL of the one provider process.
    botocore clients are thread-safe, sessions are not, hence the lock around making
    one; the engine calls the provider from several threads at once.
    """
    key = (service, region, attempts or MAX_ATTEMPTS, CONNECT_TIMEOUT, READ_TIMEOUT,
           *(os.environ.get(name) for name in _CLIENT_ENV))
    made = _clients.get(key)
    if made is not None:
        return made
    with _clients_lock:
        made = _clients.get(key)
        if made is None:
            from providers.botocore_session import new_session

            session = new_session()
            # The stack's region first, as pulumi-aws. AWS_REGION is what the AWS CLI v2 and SDKs set, ahead of
            # AWS_DEFAULT_REGION; older botocore reads only AWS_DEFAULT_REGION (and the profile's region).
            resolved = region or os.environ.get("AWS_REGION") or session.get_config_variable("region")
            if not resolved:  # an empty AWS_REGION (an unset CI variable) would make a host name of ".."
                from botocore.exceptions import NoRegionError
                raise NoRegionError()
            made = _clients[key] = session.create_client(service, region_name=resolved, config=client_config(attempts))
    return made


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")
