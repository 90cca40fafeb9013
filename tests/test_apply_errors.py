"""Every expected failure of `pulumi up` reads as a sentence, through the real engine.

The Pulumi CLI runs jobspec's program and provider against the local endpoint. Each
test makes one thing go wrong the way it goes wrong for users (no credentials, no
region, a role the service refuses, a request it refuses, an unreachable endpoint, a
failed TagResource, a run gone at refresh, a waited-for run that FAILED) and asserts
the exact lines `pulumi` prints for it, and that no Python traceback is among them.
The count of these scenarios is a figure of docs/faults.md.
"""

from __future__ import annotations

import socket
import textwrap
from pathlib import Path

import pytest

from conftest import engine_stack
from tools.fault_proxy import JOBRUNS, FaultProxy, status, throttle
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

SPEC = """\
    name: etl
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/etl.py
    """
UP = ("up", "--yes", "--skip-preview")
#: Environment without any AWS credentials (nor a file or instance metadata to find them in).
NO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                  "AWS_CONFIG_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture(scope="module")
def endpoint():
    with LocalEndpoint() as ep:
        yield ep


@pytest.fixture
def make_stack(tmp_path: Path, endpoint: LocalEndpoint):
    """``make_stack(spec_text, **env)``: a fresh stack with one spec ``etl.yaml``; env overrides the endpoint's."""

    def make(spec: str = SPEC, **env: str):
        app = endpoint.create_application("errors")
        folder, ws = engine_stack(tmp_path, endpoint, app, "jobspec-errors", "errors", {"etl.yaml": spec})
        ws.extra_env.update(env)
        return app, folder, ws

    return make


def output(proc) -> str:
    return proc.stdout + proc.stderr


def assert_sentence(proc, sentence: str) -> None:
    """The update failed, said ``sentence`` on one line, and printed no Python traceback."""
    text = output(proc)
    assert proc.returncode != 0
    assert "Traceback" not in text and 'File "' not in text, text
    assert sentence in [line.strip() for line in text.splitlines()], text


def test_no_credentials_skip_the_preflight_with_a_note_and_fail_up_with_a_sentence(make_stack):
    _, _, ws = make_stack(**NO_CREDENTIALS)
    preview = ws.run("preview", check=False)
    assert preview.returncode == 0, output(preview)
    assert ("jobspec: note: applications not checked against the service: GetApplication failed: no usable AWS "
            "credentials (Unable to locate credentials). Set them as for the AWS CLI (AWS_PROFILE, "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role; in CI aws-actions/configure-aws-credentials), then "
            "run pulumi again.") in output(preview)
    assert_sentence(ws.run(*UP, check=False), (
        "error: etl (jobspecs/etl.yaml): StartJobRun failed: no usable AWS credentials (Unable to locate "
        "credentials). Set them as for the AWS CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role; "
        "in CI aws-actions/configure-aws-credentials), then run pulumi again."))


def test_no_region_fails_up_with_a_sentence(make_stack):
    _, _, ws = make_stack(AWS_REGION="", AWS_DEFAULT_REGION="")
    assert_sentence(ws.run(*UP, check=False), (
        "error: etl (jobspecs/etl.yaml): StartJobRun failed: no AWS region is set. Set AWS_REGION, or "
        "`pulumi config set aws:region <region>` on the stack."))


def test_access_denied_names_the_job_the_code_and_the_permission(make_stack, endpoint):
    # The local endpoint, as the service, refuses to pass a role of another account.
    app, _, ws = make_stack(SPEC + "executionRoleArn: arn:aws:iam::999999999999:role/elsewhere\n")
    assert_sentence(ws.run(*UP, check=False), (
        "error: etl (jobspecs/etl.yaml): StartJobRun failed: AccessDeniedException: Cross-account pass role is not "
        "allowed. The AWS identity running pulumi is not allowed to do this: grant it emr-serverless:StartJobRun on "
        "the application and iam:PassRole on its executionRoleArn, or run pulumi with a role that has them."))
    assert endpoint.job_runs(app) == []


def test_a_request_the_service_refuses_names_its_message(make_stack):
    _, _, ws = make_stack(SPEC + "executionTimeoutMinutes: 3\n")
    assert_sentence(ws.run(*UP, check=False), (
        "error: etl (jobspecs/etl.yaml): StartJobRun failed: ValidationException: RunTimeout must be at least 5 "
        "minutes. The service refused the request although it passes `jobspec lint`: fix the spec as the message "
        "says."))


def test_an_unreachable_endpoint_is_retried_a_bounded_number_of_times_then_named(make_stack):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    _, _, ws = make_stack(AWS_ENDPOINT_URL_EMR_SERVERLESS=url, JOBSPEC_AWS_MAX_ATTEMPTS="2")
    preview = ws.run("preview", check=False)
    assert preview.returncode == 0
    assert "jobspec: note: applications not checked against the service: GetApplication failed: could not reach" \
           in output(preview)
    up = ws.run(*UP, check=False)
    text = output(up)
    assert_sentence(up, next(line.strip() for line in text.splitlines() if "StartJobRun failed" in line))
    assert (f"error: etl (jobspecs/etl.yaml): StartJobRun failed: could not reach {url}/applications/"
            in text)
    assert ("after 2 attempts (no connection could be made). Check the network and AWS_REGION / "
            "AWS_ENDPOINT_URL_EMR_SERVERLESS, then run `pulumi up` again (a retry sends the same clientToken, so "
            "nothing starts twice).") in text


def test_throttling_past_the_bounded_retries_says_a_retry_is_safe(make_stack, endpoint):
    app, _, ws = make_stack(JOBSPEC_AWS_MAX_ATTEMPTS="2")
    with FaultProxy(endpoint.url) as proxy:
        proxy.add("POST", JOBRUNS, throttle(), throttle())
        ws.extra_env["AWS_ENDPOINT_URL_EMR_SERVERLESS"] = proxy.url
        up = ws.run(*UP, check=False)
        assert [s.fault for s in proxy.seen("POST", JOBRUNS)] == ["throttle", "throttle"]
    assert_sentence(up, (
        "error: etl (jobspecs/etl.yaml): StartJobRun failed: ThrottlingException: injected by fault proxy: throttle. "
        "Still throttled after 2 attempts: run `pulumi up` again later (a retry sends the same clientToken, so "
        "nothing starts twice)."))
    assert endpoint.job_runs(app) == []


def test_an_application_gone_between_preview_and_up_is_named(make_stack, endpoint):
    """The preflight found it; the service says it is gone when the run is asked for."""
    app, _, ws = make_stack()
    with FaultProxy(endpoint.url) as proxy:
        proxy.add("POST", JOBRUNS, status(404, "ResourceNotFoundException"))
        ws.extra_env["AWS_ENDPOINT_URL_EMR_SERVERLESS"] = proxy.url
        up = ws.run(*UP, check=False)
    assert_sentence(up, (
        "error: etl (jobspecs/etl.yaml): StartJobRun failed: ResourceNotFoundException: injected by fault proxy: "
        "status. Check applicationId (or the stack's jobspec:applicationId) and the region."))


def test_a_failed_tag_resource_names_the_job_and_keeps_the_run(make_stack, endpoint):
    app, folder, ws = make_stack()
    ws.run(*UP)
    with FaultProxy(endpoint.url) as proxy:
        proxy.add("POST", r"^/tags/", status(403, "AccessDeniedException"))
        ws.extra_env["AWS_ENDPOINT_URL_EMR_SERVERLESS"] = proxy.url
        (folder / "etl.yaml").write_text(textwrap.dedent(SPEC) + "tags: {owner: ana}\n")
        up = ws.run(*UP, check=False)
    assert_sentence(up, (
        "error: etl (jobspecs/etl.yaml): TagResource failed: AccessDeniedException: injected by fault proxy: status. "
        "The AWS identity running pulumi is not allowed to do this: grant it emr-serverless:TagResource on the "
        "application, or run pulumi with a role that has it."))
    assert len(endpoint.job_runs(app)) == 1 and len(ws.resources()) == 1


def test_a_run_gone_at_refresh_says_how_to_drop_it(make_stack, endpoint):
    app, _, ws = make_stack()
    endpoint.new_runs("RUNNING")  # a run recorded as ended is not asked about again
    try:
        ws.run(*UP)
    finally:
        endpoint.new_runs(None)
    (run,) = endpoint.job_runs(app)
    endpoint._backend().job_runs[app].clear()  # the service no longer has it
    assert_sentence(ws.run("refresh", "--yes", "--skip-preview", check=False), (
        f"error: etl (jobspecs/etl.yaml): job run {run['jobRunId']} no longer exists in application {app} "
        "(GetJobRun: ResourceNotFoundException). Drop it from state with `pulumi state delete <urn>` (`pulumi stack "
        "--show-urns` lists it); to start the job again, change `rerun:` and run `pulumi up`."))


def test_a_waited_for_run_that_failed_fails_up_with_its_state_details(make_stack, endpoint):
    app, _, ws = make_stack(SPEC + "deploy: {wait: {until: TERMINAL, timeoutSeconds: 30}}\n")
    endpoint.new_runs("FAILED", "Job failed, ExitCode: 1. Error: NameError: name 'spark' is not defined")
    try:
        up = ws.run(*UP, check=False)
    finally:
        endpoint.new_runs(None)
    (run,) = endpoint.job_runs(app)
    assert_sentence(up, (
        f"error: etl (jobspecs/etl.yaml): job run {run['jobRunId']} ended FAILED: Job failed, ExitCode: 1. Error: "
        "NameError: name 'spark' is not defined. Re-applying jobspecs/etl.yaml unchanged starts nothing (same "
        "clientToken); change its `rerun:` value to start the job again."))
