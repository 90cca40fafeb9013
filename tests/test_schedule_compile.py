"""``jobspec compile`` of a spec with ``schedule:``: the exact EventBridge Scheduler CreateSchedule request.

The target is StartJobRun's universal target; its Input is the StartJobRun body that
``jobspec compile`` prints for the same spec without ``schedule:``, in the SDK
integrations' member casing, with the Scheduler's execution id as clientToken.
"""

from __future__ import annotations

import json
import re
from textwrap import dedent, indent

import botocore.session
import botocore.validate
import pytest

from compiler import sdk_casing
from compiler.cli import main
from compiler.schedule import EXECUTION_ID, TARGET_ARN, schedule_name

SPEC = dedent("""\
    name: nightly
    applicationId: 00fkt3q8n4s5ab09
    executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
    jobDriver:
      sparkSubmit:
        entryPoint: s3://bucket/main.py
        sparkSubmitParameters:
          conf: {spark.executor.memory: 4g}
    configurationOverrides:
      monitoringConfiguration:
        cloudWatchLoggingConfiguration:
          enabled: true
          logTypes: {SPARK_DRIVER: [stdout]}
    tags: {cost-center: analytics}
    """)
SCHEDULE = dedent("""\
    schedule:
      expression: cron(0 2 * * ? *)
      timezone: Europe/Berlin
      roleArn: arn:aws:iam::123456789012:role/scheduler-starts-emr
    """)
ROLE = "arn:aws:iam::123456789012:role/scheduler-starts-emr"


def compiled(project, capsys, text: str, *args: str, name: str = "jobs/nightly.yaml") -> dict:
    project.write(name, text)
    assert main(["compile", name, *args]) == 0, capsys.readouterr()
    return json.loads(capsys.readouterr().out)


def test_compile_prints_the_exact_create_schedule_request(project, capsys):
    request = compiled(project, capsys, SPEC + SCHEDULE, "--stack", "prod")
    assert request == {
        "Name": "prod-nightly-" + schedule_name("prod", "nightly")[-8:],
        "GroupName": "default",
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "ScheduleExpressionTimezone": "Europe/Berlin",
        "State": "ENABLED",
        "Target": {
            "Arn": "arn:aws:scheduler:::aws-sdk:emrserverless:startJobRun",
            "RoleArn": ROLE,
            "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
            "Input": (
                '{"ApplicationId":"00fkt3q8n4s5ab09","ClientToken":"<aws.scheduler.execution-id>",'
                '"ExecutionRoleArn":"arn:aws:iam::123456789012:role/emr-serverless-job",'
                '"JobDriver":{"SparkSubmit":{"EntryPoint":"s3://bucket/main.py",'
                '"SparkSubmitParameters":"--conf spark.executor.memory=4g"}},'
                '"ConfigurationOverrides":{"MonitoringConfiguration":{"CloudWatchLoggingConfiguration":'
                '{"Enabled":true,"LogTypes":{"SPARK_DRIVER":["stdout"]}}}},'
                '"Tags":{"cost-center":"analytics"},"Name":"nightly"}'),
        },
        "FlexibleTimeWindow": {"Mode": "OFF"},
    }


def test_members_are_printed_in_the_scheduler_models_order(project, capsys):
    text = SPEC + SCHEDULE + "  description: nightly orders\n  endDate: '2030-01-01T00:00:00Z'\n"
    request = compiled(project, capsys, text)
    model = botocore.session.get_session().get_service_model("scheduler")
    members = list(model.operation_model("CreateSchedule").input_shape.members)
    assert list(request) == [m for m in members if m in request]
    assert list(request) == ["Name", "GroupName", "ScheduleExpression", "EndDate", "Description",
                             "ScheduleExpressionTimezone", "State", "Target", "FlexibleTimeWindow"]


def test_the_input_is_the_body_compile_prints_without_schedule_in_sdk_casing(project, capsys):
    body = compiled(project, capsys, SPEC, "--stack", "prod", name="jobs/once.yaml")
    request = compiled(project, capsys, SPEC + SCHEDULE, "--stack", "prod")
    sent = json.loads(request["Target"]["Input"])
    assert sent["ClientToken"] == EXECUTION_ID
    assert sdk_casing.from_sdk(sent) == {**body, "clientToken": EXECUTION_ID}


def test_every_optional_member_lands_where_the_scheduler_model_puts_it(project, capsys):
    text = SPEC + SCHEDULE + indent(dedent("""\
          state: DISABLED
          flexibleWindowMinutes: 15
          startDate: "2097-01-01T00:00:00+01:00"
          endDate: "2097-12-31T23:00:00Z"
          retryPolicy: {maximumRetryAttempts: 3}
          deadLetterArn: arn:aws:sqs:eu-west-1:123456789012:scheduler-dlq
          groupName: data-jobs
          description: nightly orders
          kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        """), "  ")
    request = compiled(project, capsys, text)
    target = {k: v for k, v in request.pop("Target").items() if k != "Input"}
    assert {k: v for k, v in request.items() if k != "Name"} == {
        "GroupName": "data-jobs",
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "StartDate": "2096-12-31T23:00:00Z",  # UTC, as the service reads it
        "EndDate": "2097-12-31T23:00:00Z",
        "Description": "nightly orders",
        "ScheduleExpressionTimezone": "Europe/Berlin",
        "State": "DISABLED",
        "KmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
    }
    assert target == {
        "Arn": TARGET_ARN,
        "RoleArn": ROLE,
        "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-west-1:123456789012:scheduler-dlq"},
        "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 3},
    }


def test_the_request_passes_botocores_validation_of_create_schedule(project, capsys):
    text = SPEC + SCHEDULE + "  flexibleWindowMinutes: 15\n  startDate: '2097-01-01T00:00:00Z'\n"
    request = compiled(project, capsys, text)
    shape = botocore.session.get_session().get_service_model("scheduler").operation_model("CreateSchedule").input_shape
    report = botocore.validate.ParamValidator().validate(request, shape)
    assert not report.has_errors(), report.generate_report()


def test_a_folder_compiles_each_spec_to_what_it_asks_for(project, capsys):
    project.write("jobs/once.yaml", SPEC.replace("nightly", "once"))
    project.write("jobs/nightly.yaml", SPEC + SCHEDULE)
    assert main(["compile", "jobs"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(out) == ["nightly", "once"]
    assert out["once"]["jobDriver"]["sparkSubmit"]["entryPoint"] == "s3://bucket/main.py"
    assert out["nightly"]["Target"]["Arn"] == TARGET_ARN


# -- the schedule's name ----------------------------------------------------------------------------------

def test_the_name_is_stack_and_job_with_a_digest_of_both():
    assert schedule_name("prod", "nightly") == "prod-nightly-" + schedule_name("prod", "nightly")[-8:]
    assert schedule_name("prod", "nightly") == schedule_name("prod", "nightly")  # stable
    assert len({schedule_name("prod", "a-b"), schedule_name("prod-a", "b"), schedule_name(None, "prod-a-b")}) == 3


def test_the_name_keeps_to_the_schedulers_limits_for_any_job_name():
    pattern = botocore.session.get_session().get_service_model("scheduler").shape_for("Name").metadata["pattern"]
    for stack, job in [("prod", "x" * 256), ("dev", "orders etl (nightly)/ä"), (None, "a")]:
        name = schedule_name(stack, job)
        assert len(name) <= 64 and re.fullmatch(pattern, name), name
    assert schedule_name("dev", "orders etl/ä").startswith("dev-orders-etl--")
    assert schedule_name("dev", "orders etl") != schedule_name("dev", "orders-etl")


@pytest.mark.parametrize("spec, field", [
    ("  retryPolicy: {maximumEventAgeInSeconds: 3600}\n",
     {"RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 185}}),
    ("  retryPolicy: {maximumRetryAttempts: 0}\n",
     {"RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 0}}),
])
def test_a_partial_retry_policy_keeps_the_services_default_for_the_other_member(project, capsys, spec, field):
    request = compiled(project, capsys, SPEC + SCHEDULE + spec)
    assert request["Target"]["RetryPolicy"] == field["RetryPolicy"]
