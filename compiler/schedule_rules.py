"""Findings about a spec's ``schedule:`` that the scheduler model cannot state (rules E4001-E4007).

cerberus checks each key against its CreateSchedule member (``compiler.schedule_model``);
these checks read the values and the document around them:

- E4001: the expression follows EventBridge Scheduler's grammar (``compiler.cron``);
- E4002: the time zone is in the IANA database (``zoneinfo``);
- W4003: an ``at()`` in the past, which would never run;
- E4004: an ``endDate`` that is not after the ``startDate``;
- E4005: a spec that writes ``schedule:`` but has no ``expression`` even after merging
  (``_defaults.yaml`` may hold the shared keys of every spec's schedule; a spec is
  scheduled only when an expression is there);
- E4006: a fixed ``clientToken``: each invocation must start a new run, so the token is
  the Scheduler's execution id;
- E4007: a ``startDate``/``endDate`` that is not a date-time with a zone;
- W4008: a ``startDate`` of a recurring schedule that has passed: CreateSchedule answers "The
  StartDate you specify cannot be earlier than 5 minutes ago", so a schedule not created yet
  (another stack, a renamed job) would fail;
- E1002: a scheduled spec without ``schedule.roleArn``.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import zoneinfo
from typing import Any

from compiler import cron
from compiler.document import Document
from compiler.findings import Finding
from compiler.schedule_model import is_scheduled

SCHEDULE = "schedule"
DEFAULT_TIMEZONE = "UTC"


@functools.lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _written_by_spec(doc: Document) -> bool:
    """Whether the spec file itself (or its stack section) writes ``schedule:``, not only a _defaults.yaml."""
    for layer in doc.layers:
        if layer.source.file != doc.file:
            continue
        section: Any = layer.source.data
        for part in layer.prefix:
            section = section.get(part) if isinstance(section, dict) else None
        if isinstance(section, dict) and SCHEDULE in section:
            return True
    return False


def findings(doc: Document) -> list[Finding]:
    """Every schedule finding of one merged document (none for a spec without ``schedule:``)."""
    schedule = doc.data.get(SCHEDULE)
    if not isinstance(schedule, dict):
        return []  # absent, or the wrong type (cerberus says so)
    if not is_scheduled(doc.data):
        if _written_by_spec(doc):
            return [doc.finding("E4005", (SCHEDULE,), "schedule has no expression, so the job would run once at "
                                "deploy and never on a schedule; add expression: (cron(...), rate(...) or at(...)) "
                                "or remove schedule:", key=True)]
        return []
    out = []
    if "roleArn" not in schedule:
        out.append(doc.finding("E1002", (SCHEDULE, "roleArn"), "required member 'schedule.roleArn' is missing: the "
                               "role EventBridge Scheduler assumes to start the job (a _defaults.yaml may set it "
                               "for every spec)", key=True))
    if "clientToken" in doc.data:
        out.append(doc.finding("E4006", ("clientToken",), "a scheduled job starts a new run at every invocation, so "
                               "its clientToken is the Scheduler's execution id (<aws.scheduler.execution-id>); "
                               "remove clientToken:"))
    out += _expression(doc, schedule)
    out += _dates(doc, schedule)
    return out


#: How long ago a recurring schedule's StartDate may be, for CreateSchedule.
START_GRACE = datetime.timedelta(minutes=5)


def _zone(doc: Document, schedule: dict[str, Any]) -> tuple[zoneinfo.ZoneInfo | None, list[Finding]]:
    name = schedule.get("timezone", DEFAULT_TIMEZONE)
    if not isinstance(name, str):
        return None, []
    if name in time_zones():
        return zoneinfo.ZoneInfo(name), []
    close = difflib.get_close_matches(name, sorted(time_zones()), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else " (such as Europe/Berlin or UTC)"
    return None, [doc.finding("E4002", (SCHEDULE, "timezone"), f"timezone '{name}' is not an IANA time zone{hint}")]


def _expression(doc: Document, schedule: dict[str, Any]) -> list[Finding]:
    expression = schedule["expression"]
    zone, out = _zone(doc, schedule)
    if not isinstance(expression, str):
        return out
    wrong = cron.problem(expression)
    if wrong:
        return out + [doc.finding("E4001", (SCHEDULE, "expression"), f"expression '{cron.shown(expression, 80)}': {wrong}")]
    when = cron.at_time(expression)
    if when is not None and zone is not None and _passed(when.replace(tzinfo=zone)):
        out.append(doc.finding("W4003", (SCHEDULE, "expression"),
                               f"expression '{expression}' is in the past ({zone.key}): a one-time schedule "
                               "never runs then; give a later time, or remove the spec once it has run"))
    return out


def _passed(when: datetime.datetime) -> bool:
    try:
        return when <= datetime.datetime.now(datetime.timezone.utc)
    except OverflowError:  # a time at the very edge of the calendar, in a zone ahead of UTC
        return True


def _dates(doc: Document, schedule: dict[str, Any]) -> list[Finding]:
    out, times = [], {}
    for key in ("startDate", "endDate"):
        text = schedule.get(key)
        if not isinstance(text, str):
            continue
        times[key] = cron.zoned_time(text)
        if times[key] is None:
            out.append(doc.finding("E4007", (SCHEDULE, key), f"{key} '{text}' is not a date-time with a zone: "
                                   "write it as 2027-01-01T00:00:00Z (UTC) or 2027-01-01T01:00:00+01:00"))
    start, end = times.get("startDate"), times.get("endDate")
    expression = schedule.get("expression")
    recurring = isinstance(expression, str) and not expression.startswith("at(")
    if start is not None and recurring and start < datetime.datetime.now(datetime.timezone.utc) - START_GRACE:
        out.append(doc.finding("W4008", (SCHEDULE, "startDate"), f"startDate '{schedule['startDate']}' has passed: "
                               "CreateSchedule refuses a start more than 5 minutes ago, so creating this schedule "
                               "(a new stack, a renamed job) fails; remove startDate once it has passed"))
    if start is not None and end is not None and end <= start:
        out.append(doc.finding("E4004", (SCHEDULE, "endDate"), f"endDate '{schedule['endDate']}' is not after "
                               f"startDate '{schedule['startDate']}': the schedule would never run"))
    return out
