"""The JobRun dynamic provider against a real HTTP endpoint (moto server on 127.0.0.1).

Paths moto does not implement (tags, clientToken idempotency, runs that fail or
are still running) are in test_provider_stubbed.py.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from compiler.compile import compile_document
from compiler.lint import lint_paths
from providers import own_keys
from providers.jobrun import META_KEYS, UNKNOWN, JobRunError, JobRunProvider
from endpointkit import aws_env, endpoint  # noqa: F401 - fixtures
from tools.local_endpoint import ROLE_ARN

SPEC = """\
name: nightly
applicationId: {app}
executionRoleArn: {role}
jobDriver:
  sparkSubmit:
    entryPoint: s3://bucket/etl.py
    sparkSubmitParameters:
      conf:
        spark.executor.memory: 4g
tags:
  team: data
"""


@pytest.fixture
def app(aws_env):
    return aws_env.create_application()


def compiled(tmp_path: Path, app: str, text: str = SPEC) -> dict:
    spec = tmp_path / "job.yaml"
    spec.write_text(textwrap.dedent(text).format(app=app, role=ROLE_ARN))
    result = lint_paths([spec], all_stacks=False)
    assert result.ok, result.findings
    (doc,) = result.documents
    return compile_document(doc)


def props(body: dict, **extra) -> dict:
    """Inputs as JobRun declares them: the body, jobspec's keys (overridable by name) under ``jobspec``."""
    own = {"jobName": "nightly", "specFile": "job.yaml", "deploy": {}}
    own.update({k: extra.pop(k) for k in META_KEYS if k in extra})
    return {**body, "jobspec": own_keys.encode(own), **extra}


def test_create_sends_exactly_the_compiled_body(tmp_path, app, aws_env):
    body = compiled(tmp_path, app)
    before = len(aws_env.start_job_run_bodies())
    JobRunProvider().create(props(body))
    assert aws_env.start_job_run_bodies()[before:] == [body]


def test_create_outputs_arn_job_run_id_state_and_client_token(tmp_path, app, aws_env):
    body = compiled(tmp_path, app)
    result = JobRunProvider().create(props(body))
    outs = result.outs
    assert result.id == outs["jobRunId"]
    assert outs["arn"].endswith(f"/applications/{app}/jobruns/{outs['jobRunId']}")
    assert outs["applicationId"] == app
    assert outs["clientToken"] == body["clientToken"]
    run = aws_env.client().get_job_run(applicationId=app, jobRunId=outs["jobRunId"])["jobRun"]
    assert outs["state"] == run["state"]


def test_read_refreshes_state_from_the_service(tmp_path, app):
    provider = JobRunProvider()
    created = provider.create(props(compiled(tmp_path, app)))
    stale = {**created.outs, "state": "PENDING", "updatedAt": None}
    read = provider.read(created.id, stale)
    assert read.id == created.id
    assert read.outs["state"] == "SUCCESS"  # moto finishes runs at once
    assert read.outs["updatedAt"]


def test_read_reports_a_run_the_service_no_longer_has(app):
    with pytest.raises(JobRunError, match="no longer exists"):
        JobRunProvider().read("0000000000000000", props({"applicationId": app}))


def test_delete_of_a_finished_run_cancels_nothing(tmp_path, app, aws_env):
    provider = JobRunProvider()
    created = provider.create(props(compiled(tmp_path, app)))
    cancels = len(aws_env.calls("DELETE", created.id))
    provider.delete(created.id, created.outs)
    assert len(aws_env.calls("DELETE", created.id)) == cancels


def test_delete_of_a_vanished_run_is_a_no_op(app):
    JobRunProvider().delete("0000000000000000", {"applicationId": app})


# -- diff: pure, the same answers during preview and update --------------------------------------

BODY = {
    "applicationId": "00fabc",
    "clientToken": "js1-aaa",
    "executionRoleArn": ROLE_ARN,
    "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/e.py", "sparkSubmitParameters": "--conf a=1"}},
    "tags": {"team": "data", "env": "dev"},
}


def test_diff_of_identical_inputs_is_no_change():
    assert JobRunProvider().diff("id", props(BODY), props(BODY)).changes is False


def test_diff_ignores_mapping_key_order():
    reordered = dict(reversed(list(BODY.items())))
    reordered["tags"] = {"env": "dev", "team": "data"}
    assert JobRunProvider().diff("id", props(BODY), props(reordered)).changes is False


def test_diff_ignores_a_change_of_provider_code_only():
    old, new = props(BODY, __provider="old-pickle"), props(BODY, __provider="new-pickle")
    assert JobRunProvider().diff("id", old, new).changes is False


def test_body_change_replaces_the_changed_members():
    new = {**BODY, "clientToken": "js1-bbb",
           "jobDriver": {"sparkSubmit": {**BODY["jobDriver"]["sparkSubmit"], "sparkSubmitParameters": "--conf a=2"}}}
    result = JobRunProvider().diff("id", props(BODY), props(new))
    assert result.changes is True
    assert result.replaces == ["clientToken", "jobDriver"]
    assert result.delete_before_replace is False


def test_tags_only_change_is_an_in_place_update():
    new = {**BODY, "tags": {"team": "data", "env": "prod"}}
    result = JobRunProvider().diff("id", props(BODY), props(new))
    assert (result.changes, result.replaces) == (True, [])


def test_stop_before_start_deletes_the_old_run_first():
    new = {**BODY, "clientToken": "js1-ccc"}
    result = JobRunProvider().diff("id", props(BODY), props(new, deploy={"stopBeforeStart": True}))
    assert result.replaces == ["clientToken"]
    assert result.delete_before_replace is True


def test_a_rename_whose_only_change_is_the_derived_token_restarts_nothing():
    renamed = props({**BODY, "clientToken": "js1-renamed"}, jobName="orders-etl")
    result = JobRunProvider().diff("id", props(BODY, jobName="etl"), renamed)
    assert (result.changes, result.replaces, result.delete_before_replace) == (True, [], False)


def test_a_rename_with_a_new_rerun_value_restarts():
    renamed = props({**BODY, "clientToken": "js1-renamed"}, jobName="orders-etl", rerun=2)
    assert JobRunProvider().diff("id", props(BODY, jobName="etl"), renamed).replaces == ["clientToken"]


def test_a_rename_with_a_token_the_spec_fixes_restarts():
    renamed = props({**BODY, "clientToken": "mine-2"}, jobName="orders-etl", clientTokenGiven=True)
    assert JobRunProvider().diff("id", props(BODY, jobName="etl"), renamed).replaces == ["clientToken"]


def test_check_refuses_a_body_change_under_the_same_token():
    new = {**BODY, "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/v2.py"}}}
    (failure,) = JobRunProvider().check(props(BODY), props(new)).failures
    assert failure.property == "clientToken"
    assert failure.reason.startswith("job.yaml: clientToken 'js1-aaa' is fixed, and the request body changed (jobDriver).")


def test_check_accepts_a_tag_change_under_the_same_token():
    new = {**BODY, "tags": {"team": "data"}}
    assert JobRunProvider().check(props(BODY), props(new)).failures == []


def test_a_jobspec_key_change_is_an_in_place_update():
    result = JobRunProvider().diff("id", props(BODY), props(BODY, specFile="jobs/moved.yaml"))
    assert (result.changes, result.replaces) == (True, [])


def test_empty_deploy_and_null_rerun_equal_their_absence_in_state():
    # The engine may drop an empty map or a null inside a map when it writes state.
    old = {**BODY, "jobspec": {"jobName": "nightly", "specFile": "job.yaml"}}
    new = props(BODY, deploy={}, rerun=None)
    assert JobRunProvider().diff("id", old, new).changes is False


def test_state_with_jobspec_keys_at_the_top_level_reads_the_same_and_never_restarts():
    # State written before jobspec's keys moved under ``jobspec``.
    legacy = {**BODY, "jobName": "nightly", "specFile": "job.yaml", "deploy": {}}
    assert JobRunProvider().diff("id", legacy, props(BODY)).changes is False
    moved = JobRunProvider().diff("id", legacy, props(BODY, specFile="jobs/moved.yaml"))
    assert (moved.changes, moved.replaces) == (True, [])


def test_unknown_values_during_preview_count_as_changes_without_crashing():
    new = {**BODY, "applicationId": UNKNOWN, "executionTimeoutMinutes": UNKNOWN}
    result = JobRunProvider().diff("id", props(BODY), props(new))
    assert result.replaces == ["applicationId", "executionTimeoutMinutes"]


# -- check: the linter, on the compiled body --------------------------------------------------------

def test_check_accepts_a_valid_body():
    assert JobRunProvider().check({}, props(BODY)).failures == []


def test_check_reports_a_model_violation_with_field_and_rule():
    (failure,) = JobRunProvider().check({}, props({**BODY, "mode": "NIGHTLY"})).failures
    assert failure.property == "mode"
    assert "not one of BATCH, STREAMING" in failure.reason and "[E1014]" in failure.reason
    assert failure.reason.startswith("job.yaml: mode:")


def test_check_does_not_lint_a_body_equal_to_the_one_applied_again():
    # What is in state passed when it was applied (or predates a newer rule); unchanged, it starts nothing.
    applied = props({**BODY, "mode": "NIGHTLY"})
    assert JobRunProvider().check(applied, props({**BODY, "mode": "NIGHTLY"})).failures == []


def test_check_lints_a_body_that_differs_from_the_one_applied():
    applied = props({**BODY, "mode": "NIGHTLY"})
    (failure,) = JobRunProvider().check(applied, props({**BODY, "mode": "NIGHTLY", "name": "v2", "clientToken": "js1-bbb"})).failures
    assert failure.property == "mode" and "[E1014]" in failure.reason


def test_check_tolerates_unknown_values_of_any_type():
    news = props({**BODY, "applicationId": UNKNOWN, "executionTimeoutMinutes": UNKNOWN, "tags": UNKNOWN})
    assert JobRunProvider().check({}, news).failures == []


def test_pickled_provider_is_small():
    from pulumi.dynamic.dynamic import serialize_provider
    assert len(serialize_provider(JobRunProvider())) < 10 * 1024


def test_pickling_one_provider_costs_the_same_however_many_came_before():
    # The SDK's serialize_provider leaves a sorting wrapper on pickle._Pickler at every call,
    # and pickling instance state walks all of them: the provider must carry none.
    import sys

    from pulumi.dynamic.dynamic import serialize_provider
    for _ in range(20):
        serialize_provider(JobRunProvider())
    calls = []

    def count(frame, event, _arg):
        if event == "call" and frame.f_code.co_name.startswith("batch_set_items_sorted"):
            calls.append(frame.f_code.co_name)

    sys.setprofile(count)
    try:
        serialize_provider(JobRunProvider())
    finally:
        sys.setprofile(None)
    assert calls == []


def test_numbers_arrive_as_doubles_from_the_engine_and_are_read_as_integers():
    # Pulumi's wire format has only doubles: 60 arrives as 60.0.
    body = {**BODY, "executionTimeoutMinutes": 60.0, "retryPolicy": {"maxAttempts": 2.0}}
    assert JobRunProvider().check({}, props(body)).failures == []
    from providers.jobrun import body_of
    coerced = body_of(props(body))
    assert coerced["executionTimeoutMinutes"] == 60 and type(coerced["executionTimeoutMinutes"]) is int
    assert type(coerced["retryPolicy"]["maxAttempts"]) is int


def test_the_stacks_aws_region_wins_over_the_environment_as_with_pulumi_aws(monkeypatch):
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    provider = JobRunProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": "eu-west-1"}, "jobspec")))
    assert provider._client().meta.region_name == "eu-west-1"


def test_without_aws_region_config_the_region_is_boto3s_aws_region_then_default_then_profile(monkeypatch, tmp_path):
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config
    profile = tmp_path / "config"
    profile.write_text("[default]\nregion = sa-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(profile))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    provider = JobRunProvider()
    provider.configure(ConfigureRequest(Config({}, "jobspec")))
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    assert provider._client().meta.region_name == "ap-southeast-2"
    monkeypatch.delenv("AWS_REGION")
    assert provider._client().meta.region_name == "ca-central-1"
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert provider._client().meta.region_name == "sa-east-1"


def test_reads_of_runs_not_ended_list_them_once_and_read_none_alone(tmp_path, app, aws_env):
    provider = JobRunProvider()
    created = [provider.create(props(compiled(tmp_path, app, SPEC.replace("etl.py", f"etl{i}.py")))) for i in range(3)]
    for c in created:
        aws_env.set_run_state(app, c.id, "RUNNING")
    before = len(aws_env.requests)
    states = [provider.read(c.id, {**c.outs, "state": "PENDING"}).outs["state"] for c in created]
    assert states == ["RUNNING"] * 3
    assert [(r.method, r.path) for r in aws_env.requests[before:]] == [("GET", f"/applications/{app}/jobruns")]


def test_a_run_that_ended_since_the_last_read_is_answered_by_the_list_of_recent_runs(tmp_path, app, aws_env):
    provider = JobRunProvider()
    created = provider.create(props(compiled(tmp_path, app)))
    before = len(aws_env.requests)
    read = provider.read(created.id, {**created.outs, "state": "RUNNING"})
    assert read.outs["state"] == "SUCCESS"  # moto finishes runs at once
    # The runs not ended (it is not one of them), then the recent runs in every state: no GetJobRun.
    assert [(r.method, r.path) for r in aws_env.requests[before:]] == [("GET", f"/applications/{app}/jobruns")] * 2


def test_read_of_a_run_recorded_as_ended_asks_the_service_nothing(tmp_path, app, aws_env):
    provider = JobRunProvider()
    created = provider.create(props(compiled(tmp_path, app)))
    before = len(aws_env.requests)
    assert provider.read(created.id, created.outs).outs == created.outs
    assert aws_env.requests[before:] == []
