"""Failures a person can act on, worded as one or two lines of `pulumi up` output.

Every expected failure of the provider (no credentials or region, access denied, a
request the service refuses, an application that does not exist, throttling or an
unreachable endpoint after botocore's retries, a waited-for run that FAILED, a run
gone at refresh) becomes a ``JobspecError`` whose message is the whole text the user
reads: the job, its spec file, the AWS operation, error code and message, and what to
do. Anything else is a bug in jobspec and keeps its traceback.

Why a hook is needed at all: the Python SDK's dynamic-provider server answers every
exception with ``traceback.format_exc()`` (``_abort_with_traceback`` in
``pulumi/dynamic/__main__.py``), so a plain ``raise`` prints 40-200 lines of Python.
``plain_messages`` gives that server, and only it, a ``traceback`` whose
``format_exc`` returns a ``JobspecError``'s message alone, and the full traceback for
everything else. It is installed by the provider's ``configure``, which runs in the
provider's own process only (never in the program or in tests that import this).
"""

from __future__ import annotations

import functools
import sys
import traceback
from typing import Any, Callable, TypeVar

from providers import own_keys

#: What each AWS error code means for the person running ``pulumi up``.
_ADVICE: dict[str, str] = {
    "AccessDeniedException": "the AWS identity running pulumi is not allowed to do this: grant it "
                             "emr-serverless:{action} on the application{pass_role}, or run pulumi with a role "
                             "that has {them}",
    "ValidationException": "the service refused the request although it passes `jobspec lint`: fix the spec "
                           "as the message says",
    "ResourceNotFoundException": "check applicationId (or the stack's jobspec:applicationId) and the region",
    "ConflictException": "the application or run is changing state: run `pulumi up` again in a minute",
    "ServiceQuotaExceededException": "a service quota is reached: raise it, or wait for runs to finish, "
                                     "then run `pulumi up` again",
    "ThrottlingException": "still throttled after {attempts} attempts: run `pulumi up` again later (a retry "
                           "sends the same clientToken, so nothing starts twice)",
    "InternalServerException": "AWS failed after {attempts} attempts: run `pulumi up` again (a retry sends "
                               "the same clientToken, so nothing starts twice)",
}
#: EventBridge Scheduler's operations (providers/schedule.py): the same failures, other advice.
SCHEDULER_ACTIONS = ("CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule")
_SCHEDULER_ADVICE: dict[str, str] = {
    "AccessDeniedException": "the AWS identity running pulumi is not allowed to do this: grant it "
                             "scheduler:{action} on the schedule{pass_role}, or run pulumi with a role that has {them}",
    "ResourceNotFoundException": "check schedule.groupName (the group must exist) and the region",
    "ConflictException": "the schedule is being changed elsewhere: run `pulumi up` again in a minute",
    "ThrottlingException": "still throttled after {attempts} attempts: run `pulumi up` again later",
    "InternalServerException": "AWS failed after {attempts} attempts: run `pulumi up` again",
}
_CREDENTIALS = ("UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException",
                "ExpiredToken", "ExpiredTokenException", "RequestExpired", "SignatureDoesNotMatch")
_THROTTLING = ("Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
               "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException")


class JobspecError(Exception):
    """An expected failure; its message is all the user sees (no traceback)."""


def _job(job: str | None, spec_file: str | None) -> str:
    """``etl (jobspecs/etl.yaml): `` before a message about one job; nothing otherwise."""
    if job and spec_file:
        return f"{job} ({spec_file}): "
    return f"{job or spec_file}: " if job or spec_file else ""


def describe(exc: BaseException, action: str, job: str | None = None, spec_file: str | None = None,
             attempts: int | None = None) -> JobspecError | None:
    """The sentence for an AWS/botocore failure of ``action`` (``StartJobRun``…), or None for anything else.

    None means "not an expected failure": the caller lets it propagate, traceback and all.
    """
    from botocore import exceptions as bx

    who = _job(job, spec_file)
    if attempts is None:
        from providers.aws import MAX_ATTEMPTS
        attempts = MAX_ATTEMPTS
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.CredentialRetrievalError):
        return JobspecError(f"{who}{action} failed: no usable AWS credentials ({exc}). Set them as for the AWS "
                            "CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role; in CI "
                            "aws-actions/configure-aws-credentials), then run pulumi again.")
    if isinstance(exc, bx.NoRegionError):
        return JobspecError(f"{who}{action} failed: no AWS region is set. Set AWS_REGION, or "
                            "`pulumi config set aws:region <region>` on the stack.")
    unreachable = {bx.EndpointConnectionError: "no connection could be made",
                   bx.ConnectionClosedError: "the connection closed before an answer came",
                   bx.ConnectTimeoutError: "connecting timed out",
                   bx.ReadTimeoutError: "no answer came within the read timeout"}
    reason = next((text for kind, text in unreachable.items() if isinstance(exc, kind)), None)
    scheduler = action in SCHEDULER_ACTIONS
    if reason is not None and scheduler:
        url = getattr(exc, "kwargs", {}).get("endpoint_url") or "the EventBridge Scheduler endpoint"
        return JobspecError(f"{who}{action} failed: could not reach {url} after {attempts} attempts ({reason}). "
                            "Check the network and AWS_REGION / AWS_ENDPOINT_URL_SCHEDULER, then run `pulumi up` "
                            "again.")
    if reason is not None:
        url = getattr(exc, "kwargs", {}).get("endpoint_url") or "the EMR Serverless endpoint"
        return JobspecError(f"{who}{action} failed: could not reach {url} after {attempts} attempts ({reason}). "
                            "Check the network and AWS_REGION / AWS_ENDPOINT_URL_EMR_SERVERLESS, then run "
                            "`pulumi up` again (a retry sends the same clientToken, so nothing starts twice).")
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code") or "UnknownError", (error.get("Message") or "").rstrip(".")
        table = {**_ADVICE, **_SCHEDULER_ADVICE} if scheduler else _ADVICE
        if code in _CREDENTIALS:
            advice = "the AWS credentials are invalid or expired: renew them and run pulumi again"
        elif code in _THROTTLING:
            advice = table["ThrottlingException"]
        else:
            advice = table.get(code)
            if advice is None:
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
                advice = table["InternalServerException"] if status >= 500 else "see the AWS message"
        starts = action == "StartJobRun"
        passes = action in ("CreateSchedule", "UpdateSchedule")
        advice = advice.format(action=action, attempts=attempts, them="them" if starts or passes else "it",
                               pass_role=" and iam:PassRole on its executionRoleArn" if starts else
                               " and iam:PassRole on its schedule.roleArn" if passes else "")
        return JobspecError(f"{who}{action} failed: {code}: {message or 'no message'}. {advice[0].upper()}{advice[1:]}.")
    if isinstance(exc, bx.BotoCoreError):
        return JobspecError(f"{who}{action} failed: {exc}.")
    return None


F = TypeVar("F", bound=Callable[..., Any])


def sentences(action: str, props_arg: int) -> Callable[[F], F]:
    """Decorate a provider method: AWS failures leave it as ``JobspecError`` naming the job.

    ``props_arg`` is the position of the property bag among the method's arguments
    (after ``self``), where the job's name and spec file are found.
    """

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def call(self: Any, *args: Any) -> Any:
            try:
                return method(self, *args)
            except JobspecError:
                raise
            except Exception as exc:  # noqa: BLE001 - only AWS/botocore failures are translated
                props = args[props_arg] if len(args) > props_arg and isinstance(args[props_arg], dict) else {}
                own = own_keys.of(props)
                found = describe(exc, getattr(exc, "operation_name", None) or action,
                                 own.get("jobName"), own.get("specFile"))
                if found is None:
                    raise
                raise found from None

        return call  # type: ignore[return-value]

    return wrap


class _PlainTraceback:
    """``traceback`` as the dynamic-provider server sees it: a JobspecError is its message alone."""

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def format_exc(limit: int | None = None, chain: bool = True) -> str:
        exc = sys.exc_info()[1]
        if isinstance(exc, JobspecError):
            return str(exc)
        return traceback.format_exc(limit, chain)


def plain_messages(server: Any = None) -> bool:
    """Make the dynamic-provider server report ``JobspecError`` without a traceback; True if installed.

    ``server`` is the server's module: ``__main__`` of ``python -m pulumi.dynamic``. Nothing
    happens anywhere else (the program, tests), so a changed SDK fails safe: messages
    would carry a traceback again, and tests/test_errors_engine.py would say so.
    """
    server = server if server is not None else sys.modules.get("__main__")
    if server is None or not hasattr(server, "_abort_with_traceback") or getattr(server, "traceback", None) is None:
        return False
    if not isinstance(server.traceback, _PlainTraceback):
        server.traceback = _PlainTraceback()
    return True
