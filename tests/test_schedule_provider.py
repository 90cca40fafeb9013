"""The Schedule dynamic provider against a real HTTP endpoint (moto's scheduler on 127.0.0.1).

create = CreateSchedule, any change = UpdateSchedule in place (a new name or group
replaces), delete = DeleteSchedule, read = GetSchedule. What the endpoint received is
compared with the compiled request.
"""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from compiler.compile import compile_document
from compiler.lint import Linter, lint_paths
from compiler.schedule import create_schedule_request
from providers import errors
from providers.schedule import ScheduleProvider, from_get_schedule, request_of
from endpointkit import aws_env, endpoint  # noqa: F401 - fixtures
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

SPEC = """\
name: nightly
applicationId: 00fkt3q8n4s5ab09
executionRoleArn: {role}
jobDriver:
  sparkSubmit:
    entryPoint: s3://bucket/etl.py
schedule:
  expression: cron(0 2 * * ? *)
  timezone: Europe/Berlin
  roleArn: arn:aws:iam::123456789012:role/scheduler-starts-emr
  flexibleWindowMinutes: 15
  startDate: "2030-01-01T00:00:00Z"
  retryPolicy: {{maximumRetryAttempts: 3}}
"""


def compiled(tmp_path: Path, text: str = SPEC, stack: str = "test") -> dict:
    spec = tmp_path / "nightly.yaml"
    spec.write_text(textwrap.dedent(text).format(role=ROLE_ARN))
    result = lint_paths([spec], stack=stack, all_stacks=False, linter=Linter())
    assert result.ok, result.findings
    (doc,) = result.documents
    return create_schedule_request(doc, compile_document(doc))


def props(request: dict, **meta) -> dict:
    return {**copy.deepcopy(request), "jobspec": {"jobName": "nightly", "specFile": "nightly.yaml", **meta}}


def sent(endpoint: LocalEndpoint, method: str, request: dict) -> list[dict]:
    """Bodies of ``method`` calls on this schedule, with the name from the path and botocore's ClientToken aside."""
    return [{"Name": r.path.rsplit("/", 1)[1], **{k: v for k, v in r.body.items() if k != "ClientToken"}}
            for r in endpoint.calls(method, f"/schedules/{request['Name']}")]


def test_create_sends_exactly_the_compiled_request_and_outputs_the_arn(tmp_path, aws_env):
    request = compiled(tmp_path, stack="create")
    result = ScheduleProvider().create(props(request))
    body = sent(aws_env, "POST", request)
    assert [{**b, "StartDate": "2030-01-01T00:00:00Z"} for b in body] == [request]  # botocore sends epoch seconds
    assert body[0]["StartDate"] == 1893456000
    assert result.id == f"default/{request['Name']}"
    assert result.outs["Arn"] == f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{request['Name']}"


def test_get_schedule_after_create_is_the_compiled_request(tmp_path, aws_env):
    request = compiled(tmp_path, stack="get")
    ScheduleProvider().create(props(request))
    got = aws_env.scheduler().get_schedule(Name=request["Name"], GroupName="default")
    assert from_get_schedule(got) == request


def test_a_changed_expression_or_state_or_body_is_an_update_in_place(tmp_path, aws_env):
    request = compiled(tmp_path, stack="diff")
    for change in ({"ScheduleExpression": "rate(6 hours)"}, {"State": "DISABLED"},
                   {"Target": {**request["Target"], "Input": request["Target"]["Input"].replace("etl.py", "v2.py")}}):
        result = ScheduleProvider().diff("id", props(request), props({**request, **change}))
        assert (result.changes, result.replaces) == (True, []), change


@pytest.mark.parametrize("member, value", [("Name", "test-renamed-0000abcd"), ("GroupName", "data-jobs")])
def test_a_new_name_or_group_replaces_the_schedule(tmp_path, aws_env, member, value):
    request = compiled(tmp_path, stack="replace")
    result = ScheduleProvider().diff("id", props(request), props({**request, member: value}))
    assert (result.changes, result.replaces) == (True, [member])


def test_the_same_request_and_keys_are_no_change_and_numbers_from_the_engine_are_the_same(tmp_path, aws_env):
    request = compiled(tmp_path, stack="same")
    as_doubles = copy.deepcopy(request)
    as_doubles["FlexibleTimeWindow"]["MaximumWindowInMinutes"] = 15.0
    as_doubles["Target"]["RetryPolicy"]["MaximumRetryAttempts"] = 3.0
    assert request_of(as_doubles) == request
    result = ScheduleProvider().diff("id", props(as_doubles), props(request))
    assert result.changes is False


def test_update_sends_the_whole_new_request_and_starts_no_run(tmp_path, aws_env):
    request = compiled(tmp_path, stack="update")
    ScheduleProvider().create(props(request))
    runs_before = len(aws_env.start_job_run_bodies())
    new = {**request, "ScheduleExpression": "rate(6 hours)", "State": "DISABLED"}
    ScheduleProvider().update("id", {**props(request), "Arn": "arn"}, props(new))
    assert sent(aws_env, "PUT", request)[-1] == {**new, "StartDate": 1893456000}
    got = aws_env.scheduler().get_schedule(Name=request["Name"])
    assert (got["ScheduleExpression"], got["State"]) == ("rate(6 hours)", "DISABLED")
    assert len(aws_env.start_job_run_bodies()) == runs_before


def test_an_update_of_jobspec_keys_only_calls_nothing(tmp_path, aws_env):
    request = compiled(tmp_path, stack="meta")
    before = len(aws_env.requests)
    result = ScheduleProvider().update("id", {**props(request), "Arn": "arn"}, props(request, specFile="moved.yaml"))
    assert len(aws_env.requests) == before
    assert result.outs["Arn"] == "arn" and result.outs["jobspec"]["specFile"] == "moved.yaml"


def test_read_records_what_the_service_has_so_refresh_shows_drift(tmp_path, aws_env):
    request = compiled(tmp_path, stack="drift")
    ScheduleProvider().create(props(request))
    aws_env.scheduler().update_schedule(**{**request, "State": "DISABLED"})  # paused in the console
    outs = ScheduleProvider().read(f"default/{request['Name']}", props(request)).outs
    assert outs["State"] == "DISABLED"
    assert {k: v for k, v in outs.items() if k not in ("Arn", "jobspec")} == {**request, "State": "DISABLED"}
    assert outs["jobspec"] == {"jobName": "nightly", "specFile": "nightly.yaml"}


def test_read_of_a_schedule_deleted_elsewhere_drops_it_so_up_creates_it_again(tmp_path, aws_env):
    request = compiled(tmp_path, stack="gone")
    ScheduleProvider().create(props(request))
    aws_env.scheduler().delete_schedule(Name=request["Name"])
    result = ScheduleProvider().read(f"default/{request['Name']}", props(request))
    assert (result.id, result.outs) == ("", {})


def test_delete_deletes_and_a_schedule_already_gone_is_fine(tmp_path, aws_env):
    request = compiled(tmp_path, stack="delete")
    ScheduleProvider().create(props(request))
    ScheduleProvider().delete("id", props(request))
    ScheduleProvider().delete("id", props(request))
    assert [r.method for r in aws_env.calls("DELETE", f"/schedules/{request['Name']}")] == ["DELETE", "DELETE"]
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        aws_env.scheduler().get_schedule(Name=request["Name"])


def test_create_of_a_name_that_exists_updates_and_adopts_it(tmp_path, aws_env):
    request = compiled(tmp_path, stack="adopt")
    aws_env.scheduler().create_schedule(**{**request, "ScheduleExpression": "rate(1 day)"})  # left by a killed up
    result = ScheduleProvider().create(props(request))
    assert result.outs["Arn"].endswith(f"/default/{request['Name']}")
    got = aws_env.scheduler().get_schedule(Name=request["Name"])
    assert from_get_schedule(got) == request


def test_a_refused_create_is_one_sentence_naming_the_job_and_the_scheduler_permission():
    exc = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, "CreateSchedule")
    assert str(errors.describe(exc, "CreateSchedule", "nightly", "jobspecs/nightly.yaml")) == (
        "nightly (jobspecs/nightly.yaml): CreateSchedule failed: AccessDeniedException: not authorized. The AWS "
        "identity running pulumi is not allowed to do this: grant it scheduler:CreateSchedule on the schedule and "
        "iam:PassRole on its schedule.roleArn, or run pulumi with a role that has them.")


def test_a_missing_group_says_to_check_the_group():
    exc = ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "Schedule group x does not exist."}},
                      "CreateSchedule")
    assert str(errors.describe(exc, "CreateSchedule", "nightly", "jobspecs/nightly.yaml")) == (
        "nightly (jobspecs/nightly.yaml): CreateSchedule failed: ResourceNotFoundException: Schedule group x does "
        "not exist. Check schedule.groupName (the group must exist) and the region.")


def test_an_unreachable_scheduler_endpoint_names_its_setting():
    from botocore.exceptions import EndpointConnectionError
    exc = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    assert str(errors.describe(exc, "UpdateSchedule", "nightly", "jobspecs/nightly.yaml", attempts=5)) == (
        "nightly (jobspecs/nightly.yaml): UpdateSchedule failed: could not reach http://127.0.0.1:9 after 5 attempts "
        "(no connection could be made). Check the network and AWS_REGION / AWS_ENDPOINT_URL_SCHEDULER, then run "
        "`pulumi up` again.")
