"""Provider paths the local endpoint cannot show, against botocore's Stubber.

moto has no TagResource/UntagResource for EMR Serverless, ignores clientToken
idempotency and finishes every run at once; the real service does none of that.
The Stubber checks the exact parameters of every call and fails on any extra call.
"""

from __future__ import annotations

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.stub import Stubber

from providers import aws, jobrun, own_keys, run_reads
from providers.errors import JobspecError
from providers.jobrun import META_KEYS, JobRunError, JobRunProvider

APP, RUN = "00fabc", "00run1"
#: The states ListJobRuns is asked for by a refresh (providers/run_reads.py): every state that is not an end.
ACTIVE = ["SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "CANCELLING", "QUEUED"]
#: ListJobRuns of the recent runs (a run missing from the first list has ended since, or is gone): every state.
RECENT = {"applicationId": APP, "maxResults": 50}
ARN = f"arn:aws:emr-serverless:us-east-1:123456789012:/applications/{APP}/jobruns/{RUN}"
BODY = {
    "applicationId": APP,
    "clientToken": "js1-0123456789abcdef",
    "executionRoleArn": "arn:aws:iam::123456789012:role/emr-job",
    "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/e.py"}},
    "tags": {"team": "data", "env": "dev"},
}
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def stub(monkeypatch):
    client = boto3.client("emr-serverless", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    monkeypatch.setattr(aws, "emr_client", lambda region=None: client)
    monkeypatch.setattr(jobrun, "POLL_SECONDS", 0.0)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def run(state: str, details: str = "") -> dict:
    job = {"applicationId": APP, "jobRunId": RUN, "arn": ARN, "createdBy": BODY["executionRoleArn"],
           "createdAt": NOW, "updatedAt": NOW,
           "executionRole": BODY["executionRoleArn"], "state": state, "stateDetails": details or state.lower(),
           "releaseLabel": "emr-7.5.0", "jobDriver": BODY["jobDriver"]}
    return {"jobRun": job}


def props(**extra) -> dict:
    own = {"jobName": "nightly", "specFile": "jobspecs/nightly.yaml", "deploy": {}}
    own.update({k: extra.pop(k) for k in META_KEYS if k in extra})
    return {**BODY, "jobspec": own_keys.encode(own), "arn": ARN, "jobRunId": RUN, **extra}


def expect_start(stub: Stubber) -> None:
    stub.add_response("start_job_run", {"applicationId": APP, "jobRunId": RUN, "arn": ARN}, BODY)


def expect_get(stub: Stubber, state: str, details: str = "") -> None:
    stub.add_response("get_job_run", run(state, details), {"applicationId": APP, "jobRunId": RUN})


def test_tags_change_calls_tag_and_untag_resource_only(stub):
    stub.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": {"env": "prod", "owner": "ana"}})
    stub.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["team"]})
    new = props(tags={"env": "prod", "owner": "ana"})
    outs = JobRunProvider().update(RUN, props(state="RUNNING"), new).outs
    assert (outs["arn"], outs["jobRunId"], outs["state"]) == (ARN, RUN, "RUNNING")
    assert outs["tags"] == {"env": "prod", "owner": "ana"}


def test_update_of_jobspec_keys_only_calls_nothing_and_keeps_outputs(stub):
    outs = JobRunProvider().update(RUN, props(state="SUCCESS"), props(specFile="jobspecs/moved.yaml")).outs
    assert (outs["arn"], outs["jobRunId"], outs["state"]) == (ARN, RUN, "SUCCESS")
    assert own_keys.of(outs)["specFile"] == "jobspecs/moved.yaml"


def test_a_retried_create_sends_the_same_client_token_and_gets_the_same_run(stub):
    # The service answers a repeated clientToken with the run it already started.
    for _ in range(2):
        expect_start(stub)
        expect_get(stub, "RUNNING")
    first = JobRunProvider().create(props())
    second = JobRunProvider().create(props())
    assert first.id == second.id == RUN
    assert first.outs["clientToken"] == second.outs["clientToken"] == BODY["clientToken"]


def test_wait_until_running_returns_once_running(stub):
    expect_start(stub)
    expect_get(stub, "SUBMITTED")
    expect_get(stub, "SCHEDULED")
    expect_get(stub, "RUNNING")
    outs = JobRunProvider().create(props(deploy={"wait": {"until": "RUNNING", "timeoutSeconds": 60}})).outs
    assert outs["state"] == "RUNNING"


def test_wait_fails_the_update_with_state_details_and_the_rerun_hint(stub):
    expect_start(stub)
    expect_get(stub, "RUNNING")
    expect_get(stub, "FAILED", "Job failed, ExitCode: 1. Error: NameError")
    with pytest.raises(JobRunError) as err:
        JobRunProvider().create(props(deploy={"wait": {"until": "TERMINAL", "timeoutSeconds": 60}}))
    assert str(err.value) == (
        "nightly (jobspecs/nightly.yaml): job run 00run1 ended FAILED: Job failed, ExitCode: 1. Error: NameError. "
        "Re-applying jobspecs/nightly.yaml unchanged starts nothing (same clientToken); change its `rerun:` value "
        "to start the job again.")


def test_a_started_run_whose_state_cannot_be_read_is_still_recorded(stub):
    """StartJobRun succeeded: failing the create now would leave a running run out of state."""
    expect_start(stub)
    stub.add_client_error("get_job_run", service_error_code="InternalServerException", http_status_code=500)
    outs = JobRunProvider().create(props()).outs
    assert (outs["jobRunId"], outs["arn"], outs["state"]) == (RUN, ARN, "SUBMITTED")
    assert outs["stateDetails"] == "state not read yet; `pulumi refresh` reads it"


def test_wait_is_bounded_by_its_timeout_and_cancels_the_run_it_gave_up_on(stub, monkeypatch):
    """A failed create leaves nothing in state: a run left going would be tracked by nobody."""
    clock = iter(range(0, 1000, 30))
    monkeypatch.setattr(jobrun.time, "monotonic", lambda: float(next(clock)))
    monkeypatch.setattr(jobrun.time, "sleep", lambda s: None)
    expect_start(stub)
    expect_get(stub, "PENDING")
    expect_get(stub, "PENDING")
    stub.add_response("cancel_job_run", {"applicationId": APP, "jobRunId": RUN}, {"applicationId": APP, "jobRunId": RUN})
    with pytest.raises(JobRunError) as err:
        JobRunProvider().create(props(deploy={"wait": {"until": "RUNNING", "timeoutSeconds": 60}}))
    assert str(err.value) == (
        "nightly (jobspecs/nightly.yaml): job run 00run1 was still PENDING after 60s of deploy.wait, so it was "
        "cancelled and the update failed. Raise deploy.wait.timeoutSeconds (or find why the run is slow to start); "
        "change its `rerun:` value to start the job again.")


def test_delete_cancels_a_running_run(stub):
    expect_get(stub, "RUNNING")
    stub.add_response("cancel_job_run", {"applicationId": APP, "jobRunId": RUN}, {"applicationId": APP, "jobRunId": RUN})
    JobRunProvider().delete(RUN, props())


@pytest.mark.parametrize("state", ["SUCCESS", "FAILED", "CANCELLED"])
def test_delete_leaves_a_finished_run_alone(stub, state):
    expect_get(stub, state)
    JobRunProvider().delete(RUN, props())


def test_read_words_errors_other_than_not_found_as_a_sentence(stub):
    stub.add_client_error("list_job_runs", service_error_code="AccessDeniedException", http_status_code=403)
    stub.add_client_error("get_job_run", service_error_code="AccessDeniedException", service_message="User: x is not authorized",
                          http_status_code=403)
    with pytest.raises(JobspecError) as err:
        JobRunProvider().read(RUN, props())
    assert str(err.value) == (
        "nightly (jobspecs/nightly.yaml): GetJobRun failed: AccessDeniedException: User: x is not authorized. The AWS "
        "identity running pulumi is not allowed to do this: grant it emr-serverless:GetJobRun on the application, "
        "or run pulumi with a role that has it.")


def test_read_of_runs_not_ended_falls_back_to_get_job_run_when_list_job_runs_is_refused(stub):
    stub.add_client_error("list_job_runs", service_error_code="AccessDeniedException", http_status_code=403,
                          expected_params={"applicationId": APP, "states": ACTIVE, "maxResults": 50})
    expect_get(stub, "RUNNING")
    read = JobRunProvider().read(RUN, props(state="PENDING"))
    assert read.outs["state"] == "RUNNING"


def test_read_of_a_run_the_listing_holds_makes_no_get_job_run(stub):
    listed = {k: v for k, v in run("RUNNING", "running on 3 workers")["jobRun"].items()
              if k not in ("jobRunId", "jobDriver")}
    stub.add_response("list_job_runs", {"jobRuns": [{**listed, "id": RUN, "name": "nightly", "type": "Spark"}]},
                      {"applicationId": APP, "states": ACTIVE, "maxResults": 50})
    read = JobRunProvider().read(RUN, props(state="PENDING"))
    assert (read.outs["state"], read.outs["stateDetails"]) == ("RUNNING", "running on 3 workers")


@pytest.mark.parametrize("state", ["SUCCESS", "FAILED", "CANCELLED"])
def test_read_of_a_run_recorded_as_ended_calls_nothing(stub, state):
    recorded = props(state=state, stateDetails="done")
    read = JobRunProvider().read(RUN, recorded)
    assert (read.id, read.outs) == (RUN, recorded)


def test_delete_of_a_run_recorded_as_ended_calls_nothing(stub):
    JobRunProvider().delete(RUN, props(state="SUCCESS"))


# -- a run ended since the last refresh: answered by the list of recent runs, when it lists an end ----------------


def summary(run_id: str, state: str) -> dict:
    """A JobRunSummary as ListJobRuns answers it."""
    return {"applicationId": APP, "id": run_id, "name": "nightly", "arn": ARN.replace(RUN, run_id),
            "createdBy": BODY["executionRoleArn"], "createdAt": NOW, "updatedAt": NOW,
            "executionRole": BODY["executionRoleArn"], "state": state, "stateDetails": f"{state.lower()} at noon",
            "releaseLabel": "emr-7.5.0", "type": "Spark"}


def expect_lists(stub: Stubber, *recent_pages: list[dict], more: bool = False) -> None:
    """ListJobRuns of the runs not ended (none), then the pages of the recent runs; ``more``: the last names another."""
    stub.add_response("list_job_runs", {"jobRuns": []}, {"applicationId": APP, "states": ACTIVE, "maxResults": 50})
    for number, page in enumerate(recent_pages, 1):
        asked = {**RECENT, "nextToken": f"page-{number}"} if number > 1 else RECENT
        following = {"nextToken": f"page-{number + 1}"} if number < len(recent_pages) or more else {}
        stub.add_response("list_job_runs", {"jobRuns": page, **following}, asked)


def test_read_of_a_run_ended_since_trusts_the_end_the_recent_listing_shows_and_makes_no_get_job_run(stub):
    expect_lists(stub, [summary("00other", "RUNNING"), summary(RUN, "SUCCESS")])
    read = JobRunProvider().read(RUN, props(state="RUNNING"))
    assert (read.outs["state"], read.outs["stateDetails"]) == ("SUCCESS", "success at noon")
    assert read.outs["updatedAt"] == NOW.isoformat()


def test_read_of_a_run_the_recent_listing_shows_not_ended_asks_get_job_run(stub):
    expect_lists(stub, [summary(RUN, "RUNNING")])  # not in the first list, yet listed RUNNING: the lists disagree
    expect_get(stub, "FAILED")
    read = JobRunProvider().read(RUN, props(state="RUNNING"))
    assert read.outs["state"] == "FAILED"


def test_read_falls_back_to_get_job_run_when_the_recent_listing_is_refused(stub):
    stub.add_response("list_job_runs", {"jobRuns": []}, {"applicationId": APP, "states": ACTIVE, "maxResults": 50})
    stub.add_client_error("list_job_runs", service_error_code="AccessDeniedException", http_status_code=403,
                          expected_params=RECENT)
    expect_get(stub, "CANCELLED")
    read = JobRunProvider().read(RUN, props(state="RUNNING"))
    assert read.outs["state"] == "CANCELLED"


def test_a_run_past_max_pages_of_the_recent_listing_is_read_with_get_job_run_and_no_later_page_is_asked(stub,
                                                                                                          monkeypatch):
    monkeypatch.setattr(run_reads, "ACTIVE", run_reads.ActiveRuns(max_pages=2))
    expect_lists(stub, [summary("00new1", "SUCCESS")], [summary("00new2", "SUCCESS")], more=True)
    expect_get(stub, "SUCCESS")
    read = JobRunProvider().read(RUN, props(state="RUNNING"))
    assert read.outs["state"] == "SUCCESS"


def test_a_run_in_neither_listing_that_the_service_no_longer_has_is_the_same_error_as_before(stub):
    expect_lists(stub, [summary("00other", "SUCCESS")])
    stub.add_client_error("get_job_run", service_error_code="ResourceNotFoundException", http_status_code=404,
                          expected_params={"applicationId": APP, "jobRunId": RUN})
    with pytest.raises(JobRunError) as err:
        JobRunProvider().read(RUN, props(state="RUNNING"))
    assert str(err.value) == (
        f"nightly (jobspecs/nightly.yaml): job run {RUN} no longer exists in application {APP} (GetJobRun: "
        "ResourceNotFoundException). Drop it from state with `pulumi state delete <urn>` (`pulumi stack --show-urns` "
        "lists it); to start the job again, change `rerun:` and run `pulumi up`.")


def test_concurrent_reads_of_runs_ended_since_share_one_recent_listing(stub):
    runs = [f"00run{i}" for i in range(8)]
    expect_lists(stub, [summary(run_id, "SUCCESS") for run_id in runs])
    start = threading.Barrier(len(runs), timeout=30)

    def read(run_id: str) -> str:
        start.wait()  # every read finds no listing made yet
        return JobRunProvider().read(run_id, props(state="RUNNING", jobRunId=run_id)).outs["state"]

    with ThreadPoolExecutor(len(runs)) as pool:
        assert list(pool.map(read, runs, timeout=60)) == ["SUCCESS"] * len(runs)
