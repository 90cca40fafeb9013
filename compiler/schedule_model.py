"""A spec's ``schedule:`` and the CreateSchedule request as botocore's ``scheduler`` model describes it.

Each key of ``schedule:`` stands for one member of EventBridge Scheduler's CreateSchedule
request (``MEMBERS``); its cerberus rules (lengths, patterns, ranges, enums) are generated
from that member's shape in botocore's ``scheduler`` model, as ``compiler.model`` does for
StartJobRun, so nothing here restates a limit. What the model cannot say (the expression
grammar, time zones, dates) is checked by ``compiler.schedule_rules``.

``extend(schema)`` adds ``schedule`` and ``deploy.runNow`` to the spec schema.
"""

from __future__ import annotations

import functools
from typing import Any

from compiler import model, shapes
from compiler.shapes import Shape

SERVICE = "scheduler"
OPERATION = "CreateSchedule"

#: ``schedule:`` key → path of the CreateSchedule member it gives, and what it means.
MEMBERS: dict[str, tuple[tuple[str, ...], str]] = {
    "expression": (("ScheduleExpression",),
                   "When the job runs: `cron(minutes hours day-of-month month day-of-week year)`, "
                   "`rate(value unit)` or `at(yyyy-mm-ddThh:mm:ss)`."),
    "timezone": (("ScheduleExpressionTimezone",), "IANA time zone the expression is read in (default UTC)."),
    "roleArn": (("Target", "RoleArn"),
                "The role EventBridge Scheduler assumes to call StartJobRun (required for a scheduled spec)."),
    "state": (("State",), "ENABLED (default) or DISABLED: a paused schedule starts nothing."),
    "flexibleWindowMinutes": (("FlexibleTimeWindow", "MaximumWindowInMinutes"),
                              "Start within this many minutes of the scheduled time; absent: exactly on time (OFF)."),
    "startDate": (("StartDate",), "A date-time with a zone (`2027-01-01T00:00:00Z`) before which nothing runs."),
    "endDate": (("EndDate",), "A date-time with a zone after which nothing runs."),
    "retryPolicy": (("Target", "RetryPolicy"),
                    "How EventBridge Scheduler retries a StartJobRun call that fails (the service's defaults: "
                    "185 attempts within 86400 s)."),
    "deadLetterArn": (("Target", "DeadLetterConfig", "Arn"), "SQS queue for invocations that failed every retry."),
    "groupName": (("GroupName",), "Schedule group (default: `default`); the group must exist."),
    "description": (("Description",), "Shown in the EventBridge Scheduler console."),
    "kmsKeyArn": (("KmsKeyArn",), "Customer managed KMS key that encrypts the target's input."),
}

RUN_NOW_DOC = ("For a spec with `schedule:`, also start one run at deploy, as a one-shot spec does. "
               "Never sent to AWS.")


def is_scheduled(data: dict[str, Any]) -> bool:
    """A spec is scheduled when its ``schedule`` has an ``expression``.

    The other keys may come from a ``_defaults.yaml`` for every spec of a folder (the
    scheduler's role, a time zone); a spec without an expression is then a one-shot job.
    """
    schedule = data.get("schedule")
    return isinstance(schedule, dict) and "expression" in schedule


def runs_now(data: dict[str, Any]) -> bool:
    """Whether the spec wants a run started at deploy: a one-shot spec, or a scheduled one with ``deploy.runNow``."""
    deploy = data.get("deploy")
    return not is_scheduled(data) or (isinstance(deploy, dict) and deploy.get("runNow") is True)


def spec_name(member: str) -> str:
    """A model member name as a spec writes it: ``MaximumRetryAttempts`` → ``maximumRetryAttempts``."""
    return member[:1].lower() + member[1:]


@functools.lru_cache(maxsize=None)
def request_shape(operation: str = OPERATION) -> Shape:
    return shapes.input_shape(operation, SERVICE)


def shape_at(path: tuple[str, ...], operation: str = OPERATION) -> Shape:
    shape = request_shape(operation)
    for part in path:
        shape = shape.members[part]
    return shape


def _rules(shape: Shape) -> dict[str, Any]:
    if shape.type_name == "timestamp":
        return {"type": "string"}  # the date-time itself: compiler.schedule_rules (E4007)
    if shape.type_name == "structure":
        return {"type": "dict", "schema": {spec_name(name): _with_doc(_rules(member), shape, name)
                                           for name, member in shape.members.items()}}
    return model.shape_rules(shape)


def _with_doc(rules: dict[str, Any], parent: Shape, name: str) -> dict[str, Any]:
    """The scheduler model's documentation of member ``name`` of ``parent`` as the rules' ``aws_doc``."""
    html = parent.member_documentation.get(name)
    return {**rules, "meta": {**rules.get("meta", {}), "aws_doc": html}} if html else rules


@functools.lru_cache(maxsize=1)
def schedule_rules() -> dict[str, Any]:
    """The cerberus rules of ``schedule:`` (``expression`` and ``roleArn`` are required by schedule_rules)."""
    schema = {}
    for key, (path, doc) in MEMBERS.items():
        rules = _with_doc(_rules(shape_at(path)), shape_at(path[:-1]), path[-1])
        schema[key] = {**rules, "meta": {**rules.get("meta", {}), "doc": doc}}
    return {"type": "dict", "schema": schema,
            "meta": {"doc": "Start the job on a schedule (EventBridge Scheduler) instead of once at deploy. "
                            "Never sent to StartJobRun; see README, Scheduled jobs."}}


def extend(schema: dict[str, Any]) -> None:
    """Add ``schedule`` and ``deploy.runNow`` to a spec schema (``compiler.schema.spec_schema``)."""
    schema["schedule"] = schedule_rules()
    schema["deploy"]["schema"]["runNow"] = {"type": "boolean", "meta": {"doc": RUN_NOW_DOC}}


def coerce_numbers(request: dict[str, Any], operation: str = OPERATION) -> dict[str, Any]:
    """Integral floats back to the model's integers (Pulumi carries numbers as doubles)."""

    def walk(value: Any, shape: Shape) -> Any:
        if shape.type_name in ("integer", "long") and isinstance(value, float) and value.is_integer():
            return int(value)
        if shape.type_name == "structure" and isinstance(value, dict):
            return {k: walk(v, shape.members[k]) if k in shape.members else v for k, v in value.items()}
        return value

    return walk(request, request_shape(operation))
