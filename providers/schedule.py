"""The dynamic provider behind ``Schedule``: CreateSchedule, UpdateSchedule, DeleteSchedule, GetSchedule.

A scheduled spec (``schedule:`` with an expression) is an EventBridge Scheduler schedule
whose target starts the job (``compiler.schedule``). Unlike a run, a schedule can be
edited: any change (the expression, the state, the body inside the target) is an
UpdateSchedule in place, which starts and cancels nothing; only a new ``Name`` or
``GroupName`` (a renamed job, another group) replaces it. Pulumi pickles this provider by
reference, as ``JobRunProvider``: it holds no client and no state; keep
``providers.schedule.ScheduleProvider`` importable, since ``refresh`` and ``destroy`` run
the provider recorded in state.

Properties: the CreateSchedule request members under their AWS names (``Target.Input``,
which holds the StartJobRun body, is a Pulumi secret), jobspec's own keys in one
``jobspec`` map (``jobName``, ``specFile``, ``body``: the body with each sensitive member
replaced by its fingerprint, so a preview shows which member of the target changed).
Outputs add ``Arn``.
"""

from __future__ import annotations

import datetime
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from compiler import schedule_model
from providers import aws, errors
from providers.regional import RegionalProvider

META = "jobspec"
#: CreateSchedule members a schedule's properties carry (the idempotency token and
#: ActionAfterCompletion are left to the service).
MEMBERS = tuple(m for m in schedule_model.request_shape().members if m not in ("ClientToken", "ActionAfterCompletion"))
#: What makes a schedule another schedule: changing them replaces it.
IDENTITY = ("Name", "GroupName")
#: Members of GetSchedule's answer that are timestamps, as the request spells them.
_TIMES = ("StartDate", "EndDate")


def request_of(props: dict[str, Any]) -> dict[str, Any]:
    """The CreateSchedule request in a property bag (inputs or outputs), numbers as the model types them."""
    return schedule_model.coerce_numbers({k: props[k] for k in MEMBERS if props.get(k) is not None})


def _utc(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


def from_get_schedule(got: dict[str, Any]) -> dict[str, Any]:
    """GetSchedule's answer as the request that would make it (what refresh records)."""
    return _without_none({k: _utc(got[k]) if k in _TIMES else got[k] for k in MEMBERS if got.get(k) is not None})


def schedule_id(request: dict[str, Any]) -> str:
    return f"{request.get('GroupName') or 'default'}/{request['Name']}"


def _outs(props: dict[str, Any], arn: Any) -> dict[str, Any]:
    return {**{k: v for k, v in props.items() if k != "__provider"}, "Arn": arn}


class ScheduleProvider(RegionalProvider):
    """CRUD for one EventBridge Scheduler schedule, driven by a compiled CreateSchedule request."""

    def _client(self) -> Any:
        return aws.scheduler_client(getattr(self, "region", None))

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The program linted and compiled the spec: nothing is left to check."""
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Update in place on any change; replace only when the name or the group changes."""
        old, new = request_of(olds), request_of(news)
        if old == new and (olds.get(META) or {}) == (news.get(META) or {}):
            return DiffResult(changes=False, replaces=[])
        replaces = [k for k in IDENTITY if old.get(k, "default" if k == "GroupName" else None)
                    != new.get(k, "default" if k == "GroupName" else None)]
        return DiffResult(changes=True, replaces=replaces, delete_before_replace=False)

    @errors.sentences("CreateSchedule", props_arg=0)
    def create(self, props: dict[str, Any]) -> CreateResult:
        """CreateSchedule; a schedule of this name that exists already is updated and adopted.

        The name is derived from the stack and the job (``compiler.schedule.schedule_name``),
        so one that exists is this job's, left by an update that died before it could
        record it: updating it to the spec converges instead of failing every ``up``.
        """
        client = self._client()
        request = request_of(props)
        try:
            arn = client.create_schedule(**request)["ScheduleArn"]
        except Exception as exc:  # noqa: BLE001 - only "it exists" is handled here
            if aws.error_code(exc) != "ConflictException":
                raise
            arn = client.update_schedule(**request)["ScheduleArn"]
        return CreateResult(schedule_id(request), _outs(props, arn))

    @errors.sentences("UpdateSchedule", props_arg=2)
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """UpdateSchedule with the whole new request (the API replaces every member); nothing for jobspec keys only."""
        request = request_of(news)
        arn = olds.get("Arn")
        if request != request_of(olds):
            arn = self._client().update_schedule(**request)["ScheduleArn"]
        return UpdateResult(_outs(news, arn))

    @errors.sentences("GetSchedule", props_arg=1)
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """GetSchedule: the schedule as the service has it, so refresh shows drift; gone: dropped from state."""
        request = request_of(props)
        try:
            got = self._client().get_schedule(Name=request["Name"], GroupName=request.get("GroupName", "default"))
        except Exception as exc:  # noqa: BLE001
            if aws.error_code(exc) == "ResourceNotFoundException":
                return ReadResult("", {})  # the next `pulumi up` creates it again
            raise
        outs = {k: v for k, v in props.items() if k not in MEMBERS and k != "__provider"}
        outs.update(from_get_schedule(got))
        outs["Arn"] = got.get("Arn", props.get("Arn"))
        return ReadResult(id_, outs)

    @errors.sentences("DeleteSchedule", props_arg=1)
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """DeleteSchedule; one that is gone already is fine."""
        request = request_of(props)
        try:
            self._client().delete_schedule(Name=request["Name"], GroupName=request.get("GroupName", "default"))
        except Exception as exc:  # noqa: BLE001
            if aws.error_code(exc) != "ResourceNotFoundException":
                raise
