"""The local endpoint finds runs by id as the service does (tools/moto_index.py), with moto's own answers."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tools.local_endpoint import ROLE_ARN, LocalEndpoint


@pytest.fixture(scope="module")
def emr():
    with LocalEndpoint() as endpoint:
        client = boto3.client("emr-serverless", endpoint_url=endpoint.url, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        yield endpoint, client


def _start(client, app: str, n: int) -> list[str]:
    driver = {"sparkSubmit": {"entryPoint": "s3://b/m.py"}}
    return [client.start_job_run(applicationId=app, clientToken=f"t{i}", executionRoleArn=ROLE_ARN,
                                 jobDriver=driver)["jobRunId"] for i in range(n)]


def test_every_run_is_found_by_its_id_after_more_runs_start(emr):
    endpoint, client = emr
    app = endpoint.create_application("index-a")
    first = _start(client, app, 3)
    assert client.get_job_run(applicationId=app, jobRunId=first[0])["jobRun"]["jobRunId"] == first[0]
    later = _start(client, app, 2)
    assert [client.get_job_run(applicationId=app, jobRunId=i)["jobRun"]["jobRunId"] for i in first + later] == \
        first + later


def test_cancel_moves_only_that_run(emr):
    endpoint, client = emr
    app = endpoint.create_application("index-b")
    ids = _start(client, app, 3)
    client.cancel_job_run(applicationId=app, jobRunId=ids[1])
    assert [client.get_job_run(applicationId=app, jobRunId=i)["jobRun"]["state"] for i in ids] == \
        ["SUCCESS", "CANCELLED", "SUCCESS"]


def test_an_unknown_run_and_a_forgotten_one_are_not_found(emr):
    endpoint, client = emr
    app = endpoint.create_application("index-c")
    (run,) = _start(client, app, 1)
    with pytest.raises(ClientError) as unknown:
        client.get_job_run(applicationId=app, jobRunId="nosuchrun")
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFoundException"
    endpoint.forget_runs(app)
    with pytest.raises(ClientError) as forgotten:
        client.get_job_run(applicationId=app, jobRunId=run)
    assert forgotten.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_moto_finds_the_backend_for_a_host_once_not_on_every_request(monkeypatch):
    from moto import backends

    listed = []
    real = backends.list_of_moto_modules

    def counted():
        listed.append(1)
        return real()

    monkeypatch.setattr(backends, "list_of_moto_modules", counted)
    with LocalEndpoint() as endpoint:
        client = endpoint.client()
        app = endpoint.create_application("hosts")
        runs = _start(client, app, 3)
        answers = [client.get_job_run(applicationId=app, jobRunId=run)["jobRun"]["state"] for run in runs]
        calls = len(endpoint.requests)
    assert answers == ["SUCCESS"] * 3
    # moto lists its modules to find the backend of a request's (signed) service: once for all 7 requests.
    assert calls == 7 and len(listed) == 1
