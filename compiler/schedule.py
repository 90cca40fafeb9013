"""A lint-clean scheduled spec → the exact EventBridge Scheduler CreateSchedule request.

The target is the universal target for StartJobRun, ``TARGET_ARN``; its ``Input`` is the
job's StartJobRun body (what ``jobspec compile`` prints for the spec without ``schedule:``)
as a JSON string, member names as AWS SDK integrations take them (``compiler.sdk_casing``),
with ``ClientToken`` = ``<aws.scheduler.execution-id>``: the Scheduler puts the id of each
invocation there ("context attributes",
https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html),
so each invocation starts one new run.

Members are printed in the order of botocore's ``scheduler`` model. Where the service
has a default (the time zone, the state, the group, the target's retry policy), the
request says it: what GetSchedule returns is then what the request said, so a refresh
finds no drift that is not there.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any, Iterable

from compiler import collector, cron, sdk_casing
from compiler.compile import canonical_json, compile_document, job_name
from compiler.document import Document
from compiler.schedule_model import MEMBERS, is_scheduled, request_shape, runs_now, spec_name

__all__ = ["EXECUTION_ID", "TARGET_ARN", "compile_output", "compile_outputs", "create_schedule_request",
           "is_scheduled", "runs_now", "schedule_name", "target_input"]

TARGET_ARN = "arn:aws:scheduler:::aws-sdk:emrserverless:startJobRun"
#: The context attribute the Scheduler replaces with the id of each invocation.
EXECUTION_ID = "<aws.scheduler.execution-id>"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_STATE = "ENABLED"
DEFAULT_GROUP = "default"
#: The service's retry policy for a target that gives none (CreateSchedule, ``RetryPolicy``).
DEFAULT_RETRY = {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
#: Scheduler's limits for a schedule name (the model's ``Name`` shape: 1-64 of ``[0-9a-zA-Z-_.]``).
NAME_MAX = 64
NAME_HEX = 8


def schedule_name(stack: str | None, job: str) -> str:
    """``<stack>-<job>-<8 hex>``: stable for a stack and job, within the Scheduler's 64 characters.

    Characters the Scheduler does not take become ``-`` and a long name is cut; the
    digest of the exact stack and job keeps two jobs (or stacks) apart all the same.
    """
    readable = "-".join(part for part in (stack, job) if part)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in readable)
    digest = hashlib.sha256(canonical_json([stack or "", job]).encode()).hexdigest()[:NAME_HEX]
    return f"{safe[:NAME_MAX - NAME_HEX - 1]}-{digest}"


def target_input(body: dict[str, Any]) -> str:
    """The StartJobRun body as the target's ``Input``: SDK member names, the execution id as its token."""
    sdk = sdk_casing.to_sdk({**body, "clientToken": EXECUTION_ID})
    return json.dumps(sdk, ensure_ascii=False, separators=(",", ":"))


def _utc(text: str) -> str:
    """A ``startDate``/``endDate`` as the request carries it: UTC, ``Z``."""
    when = cron.zoned_time(text)
    assert when is not None, text  # lint-clean documents only (E4007)
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _put(out: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        out = out.setdefault(part, {})
    out[path[-1]] = value


def _ordered(value: Any, shape: Any) -> Any:
    if not isinstance(value, dict) or shape.type_name != "structure":
        return value
    return {name: _ordered(value[name], member) for name, member in shape.members.items() if name in value}


def create_schedule_request(doc: Document, body: dict[str, Any], stack: str | None = None) -> dict[str, Any]:
    """The CreateSchedule request of a scheduled, lint-clean document whose StartJobRun body is ``body``."""
    schedule = doc.data["schedule"]
    out: dict[str, Any] = {
        "Name": schedule_name(stack if stack is not None else doc.stack, job_name(doc)),
        "GroupName": DEFAULT_GROUP,
        "ScheduleExpressionTimezone": DEFAULT_TIMEZONE,
        "State": DEFAULT_STATE,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": TARGET_ARN, "RetryPolicy": dict(DEFAULT_RETRY), "Input": target_input(body)},
    }
    for key, (path, _) in MEMBERS.items():
        if key not in schedule:
            continue
        value = schedule[key]
        if key == "retryPolicy":
            value = {**DEFAULT_RETRY, **{member: value[spec_name(member)] for member in DEFAULT_RETRY
                                         if spec_name(member) in value}}
        elif key in ("startDate", "endDate"):
            value = _utc(value)
        _put(out, path, value)
    if "MaximumWindowInMinutes" in out["FlexibleTimeWindow"]:
        out["FlexibleTimeWindow"]["Mode"] = "FLEXIBLE"
    return _ordered(out, request_shape())


def compile_output(doc: Document) -> dict[str, Any]:
    """What ``jobspec compile`` prints for one document: its CreateSchedule request, or its StartJobRun body."""
    body = compile_document(doc)
    return create_schedule_request(doc, body) if is_scheduled(doc.data) else body


def compile_outputs(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """``compile_output`` of many documents, with the collector paused (as ``compile.compile_documents``)."""
    with collector.paused():
        return [compile_output(doc) for doc in docs]
