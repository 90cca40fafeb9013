"""``jobspec diff`` for scheduled jobs: schedules created, changed field by field, removed.

A spec with ``schedule:`` (and an expression) is an EventBridge Scheduler schedule, not a
run (``compiler.schedule``). ``split`` takes the schedules out of a side's jobs, so the
runs go through ``compiler.diff_compare`` as before (a scheduled job with
``deploy.runNow: true`` keeps its run there too); ``compare`` matches schedules by job
name and fills ``Report.schedules``:

- ``create``: only HEAD schedules the job. When BASE had it as a one-shot job, its run is
  listed as stopped with the runs, and the schedule says so;
- ``change``: UpdateSchedule in place, no run started or cancelled. Each member of the
  CreateSchedule request that changed (the expression; the state, as ``pause`` or
  ``resume``; the time zone, the window, the dates...), then each member of the StartJobRun
  body inside the target (``clientToken`` aside: each invocation's is the Scheduler's
  execution id). A new schedule name or group replaces the schedule;
- ``remove``: only BASE schedules the job: the schedule is deleted; the runs it started are
  not the stack's and go on;
- unchanged: counted, not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.diff_compare import changes_between
from compiler.diff_report import Change, Report
from compiler.diff_sides import Jobs
from compiler.plan import field_changes
from compiler.schedule import create_schedule_request
from compiler.schedule_model import is_scheduled, runs_now

CREATE, CHANGE, REMOVE = "create", "change", "remove"
#: Actions in the order they are summarised and listed.
SCHEDULE_ACTIONS = (CREATE, CHANGE, REMOVE)
PAUSE, RESUME = "pause", "resume"
#: Request members whose change makes it another schedule.
IDENTITY = ("Name", "GroupName")


@dataclass
class ScheduleJob:
    """What merging does to one job's schedule; ``schedule`` is its name (HEAD's, BASE's when removed)."""

    name: str
    action: str
    file: str
    schedule: str
    expression: str
    #: Members of the CreateSchedule request, the target's input aside.
    changes: list[Change] = field(default_factory=list)
    #: Members of the StartJobRun body inside the target, clientToken aside.
    body: list[Change] = field(default_factory=list)
    #: ``pause`` or ``resume`` when the state changed.
    state: str | None = None
    #: A new name or group: the schedule is replaced (the new one created, the old one deleted).
    replaces: bool = False
    note: str | None = None


@dataclass
class Schedules:
    """One side's scheduled jobs: the request and the StartJobRun body (clientToken aside) of each."""

    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def split(jobs: Jobs) -> tuple[Jobs, Schedules]:
    """The jobs that want a run of the stack (for ``compare`` of runs), and the schedules."""
    runs = Jobs(findings=jobs.findings, broken_files=jobs.broken_files, missing=jobs.missing)
    schedules = Schedules()
    for name, doc in jobs.documents.items():
        body = jobs.bodies[name]
        if is_scheduled(doc.data):
            schedules.requests[name] = create_schedule_request(doc, body)
            schedules.bodies[name] = {k: v for k, v in body.items() if k != "clientToken"}
            schedules.files[name] = jobs.files[name]
        if runs_now(doc.data):
            runs.bodies[name], runs.documents[name], runs.files[name] = body, doc, jobs.files[name]
    return runs, schedules


def _without_input(request: dict[str, Any] | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {**request, "Target": {k: v for k, v in request["Target"].items() if k != "Input"}}


def request_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """Leaf-level changes of the request, the target's input aside (no member of it is sensitive)."""
    return [Change(c.path, c.old, c.new, c.old, c.new)
            for c in field_changes(_without_input(old), _without_input(new))]


def _state(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    if old.get("State") == new.get("State"):
        return None
    return PAUSE if new.get("State") == "DISABLED" else RESUME


def compare(base: Schedules, head: Schedules, base_runs: Jobs, head_runs: Jobs, report: Report) -> Report:
    """Fill ``report.schedules`` (and ``schedules_unchanged``) from the schedules of both sides."""
    for name in sorted(set(base.requests) | set(head.requests)):
        old, new = base.requests.get(name), head.requests.get(name)
        if old is None:
            assert new is not None
            note = None
            if name in base_runs.bodies and name not in head_runs.bodies:
                note = ("was a one-shot job: its run is cancelled if it is still running "
                        "(deploy.runNow: true keeps one run of the stack's)")
            job = ScheduleJob(name, CREATE, head.files[name], new["Name"], new["ScheduleExpression"],
                              request_changes(None, new), changes_between(None, head.bodies[name], False), note=note)
        elif new is None:
            note = "becomes a one-shot job: it starts once now" \
                if name in head_runs.bodies and name not in base_runs.bodies else None
            job = ScheduleJob(name, REMOVE, base.files[name], old["Name"], old["ScheduleExpression"], note=note)
        else:
            changes = request_changes(old, new)
            body = changes_between(base.bodies[name], head.bodies[name], False)
            if not changes and not body:
                report.schedules_unchanged += 1
                continue
            job = ScheduleJob(name, CHANGE, head.files[name], new["Name"], new["ScheduleExpression"], changes, body,
                              state=_state(old, new), replaces=any(old.get(k) != new.get(k) for k in IDENTITY))
        report.schedules.append(job)
    report.schedules.sort(key=lambda job: (SCHEDULE_ACTIONS.index(job.action), job.name))
    return report


def summary(report: Report) -> dict[str, int]:
    counts = {action: 0 for action in SCHEDULE_ACTIONS}
    for job in report.schedules:
        counts[job.action] += 1
    return {**counts, "unchanged": report.schedules_unchanged}


def has_schedules(report: Report) -> bool:
    """Whether either side schedules a job (the report then has a schedules part)."""
    return bool(report.schedules) or report.schedules_unchanged > 0


def summary_line(report: Report) -> str:
    """``schedules: 1 to create, 1 to change, 0 to remove``."""
    counts = summary(report)
    return "schedules: " + ", ".join(f"{counts[action]} to {action}" for action in SCHEDULE_ACTIONS)


def effect(job: ScheduleJob) -> str:
    """What merging does to the schedule, in words (every format)."""
    if job.action == CREATE:
        return f"schedule {job.schedule} is created: {job.expression} starts a run each time"
    if job.action == REMOVE:
        return f"schedule {job.schedule} is deleted; the runs it started go on"
    if job.replaces:
        return (f"a new name or group: schedule {job.schedule} replaces the old one (created, then the old one "
                "deleted); no run is started or cancelled")
    what = {PAUSE: "paused", RESUME: "resumed", None: "updated"}[job.state]
    return f"schedule {job.schedule} is {what} in place; no run is started or cancelled"
