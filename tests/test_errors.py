"""How failures are worded (providers/errors.py), and how the provider's process prints them.

tests/test_apply_errors.py shows the sentences through the real engine; these tests
pin the wording of every error code, and the hook that keeps the traceback away from
expected failures, but not from bugs.
"""

from __future__ import annotations

import inspect
import re
import sys
import types
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from providers import errors
from providers.errors import JobspecError, describe, plain_messages


def client_error(code: str, message: str = "the message", status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "StartJobRun")


@pytest.mark.parametrize("code, status, advice", [
    ("ConflictException", 409, "The application or run is changing state: run `pulumi up` again in a minute."),
    ("ServiceQuotaExceededException", 402, "A service quota is reached: raise it, or wait for runs to finish, then "
                                           "run `pulumi up` again."),
    ("ExpiredTokenException", 400, "The AWS credentials are invalid or expired: renew them and run pulumi again."),
    ("TooManyRequestsException", 429, "Still throttled after 5 attempts: run `pulumi up` again later (a retry "
                                      "sends the same clientToken, so nothing starts twice)."),
    ("SomethingNew", 502, "AWS failed after 5 attempts: run `pulumi up` again (a retry sends the same clientToken, "
                          "so nothing starts twice)."),
    ("SomethingNew", 400, "See the AWS message."),
])
def test_each_aws_error_code_gets_what_to_do(code, status, advice):
    said = describe(client_error(code, status=status), "StartJobRun", "etl", "jobspecs/etl.yaml", attempts=5)
    assert str(said) == f"etl (jobspecs/etl.yaml): StartJobRun failed: {code}: the message. {advice}"


def test_without_a_job_the_sentence_starts_with_the_operation():
    said = describe(NoCredentialsError(), "GetApplication")
    assert str(said).startswith("GetApplication failed: no usable AWS credentials (Unable to locate credentials).")


def test_an_unreachable_endpoint_names_the_url_and_the_attempts():
    said = describe(EndpointConnectionError(endpoint_url="https://emr-serverless.eu-west-1.amazonaws.com/x"),
                    "StartJobRun", "etl", "e.yaml", attempts=3)
    assert str(said).startswith("etl (e.yaml): StartJobRun failed: could not reach "
                                "https://emr-serverless.eu-west-1.amazonaws.com/x after 3 attempts (no connection "
                                "could be made).")


def test_anything_that_is_not_an_aws_failure_is_not_described():
    assert describe(KeyError("applicationId"), "StartJobRun", "etl", "e.yaml") is None


class Provider:
    @errors.sentences("StartJobRun", props_arg=0)
    def create(self, props):
        raise props.pop("raise")


def test_the_decorator_names_the_job_from_its_jobspec_keys():
    with pytest.raises(JobspecError) as err:
        Provider().create({"raise": client_error("ValidationException"), "jobspec": {"jobName": "etl", "specFile": "e.yaml"}})
    assert str(err.value).startswith("etl (e.yaml): StartJobRun failed: ValidationException: the message.")
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_the_decorator_lets_a_bug_through_unchanged():
    bug = KeyError("applicationId")
    with pytest.raises(KeyError) as err:
        Provider().create({"raise": bug})
    assert err.value is bug


def server_module() -> types.ModuleType:
    """A stand-in for ``python -m pulumi.dynamic``'s ``__main__``: the same wrapper, the same ``traceback`` use."""
    import traceback
    module = types.ModuleType("__main__")
    module.traceback = traceback
    exec(inspect.getsource(_abort_with_traceback), module.__dict__)
    return module


def _abort_with_traceback(fn):  # the SDK's wrapper, as pulumi/dynamic/__main__.py has it (checked below)
    def wrapper(self, request, context):
        try:
            return fn(self, request, context)
        except Exception:  # noqa
            context.abort(grpc.StatusCode.UNKNOWN, traceback.format_exc())  # noqa: F821

    return wrapper


def formatted(module: types.ModuleType, exc: Exception) -> str:
    try:
        raise exc
    except Exception:
        return module.traceback.format_exc()


def test_after_the_hook_an_expected_failure_is_its_message_alone():
    module = server_module()
    assert plain_messages(module) is True
    assert formatted(module, JobspecError("etl (e.yaml): StartJobRun failed: X.")) == "etl (e.yaml): StartJobRun failed: X."


def test_after_the_hook_a_bug_keeps_its_traceback():
    module = server_module()
    plain_messages(module)
    text = formatted(module, KeyError("applicationId"))
    assert text.startswith("Traceback (most recent call last):") and text.endswith("KeyError: 'applicationId'\n")


def test_the_hook_leaves_any_other_module_alone():
    assert plain_messages(types.ModuleType("__main__")) is False
    assert plain_messages(sys.modules[__name__]) is False  # pytest's process: no dynamic-provider server here


def test_the_installed_sdk_still_reports_provider_exceptions_through_traceback_format_exc():
    """The hook relies on this line of the SDK; an upgrade that changes it must fail here, not in front of users."""
    import pulumi
    source = (Path(pulumi.__file__).parent / "dynamic" / "__main__.py").read_text()
    wrapper = re.search(r"def _abort_with_traceback\(fn\):\n(.*?)\n\n", source, re.S).group(0)
    assert "context.abort(grpc.StatusCode.UNKNOWN, traceback.format_exc())" in wrapper
    assert "\nimport traceback\n" in source
