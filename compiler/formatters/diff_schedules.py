"""The schedules part of a ``jobspec diff`` report, in each format (text, markdown, JSON).

Each diff formatter adds it after its jobs when either side schedules a job
(``compiler.diff_schedules.has_schedules``); a report without schedules reads as before.
The formatters pass their own ways of showing a value (``show``, ``cell``, ``code``),
so values read the same in both parts and this module imports no formatter.
"""

from __future__ import annotations

from typing import Any, Callable

from compiler.diff_report import Change, Report
from compiler.diff_schedules import (CHANGE, CREATE, PAUSE, REMOVE, ScheduleJob, effect, has_schedules, summary,
                                     summary_line)
from compiler.plan import MISSING

MARK = {CREATE: "+", CHANGE: "~", REMOVE: "-"}
STYLE = {CREATE: "green", CHANGE: "cyan", REMOVE: "red"}
#: How a member of the StartJobRun body inside the target is named next to the request's own members.
TARGET_BODY = "target body "

Segment = tuple[str, str]


def _state_word(job: ScheduleJob, change: Change) -> str:
    return f" ({job.state})" if change.path == ("State",) and job.state else ""


def text_lines(report: Report, show: Callable[[Any], str]) -> list[list[Segment]]:
    """Lines of (text, rich style) segments, as ``compiler.formatters.diff_text`` prints them."""
    if not has_schedules(report):
        return []
    out: list[list[Segment]] = [[("schedules:", "bold")]]
    for job in report.schedules:
        out.append([(f"{MARK[job.action]} {job.action:<8} {job.name}", f"bold {STYLE[job.action]}"),
                    (f" ({job.file}): {effect(job)}", "")])
        if job.note:
            out.append([("    " + job.note, "yellow")])
        if job.action == REMOVE:
            continue
        for change in job.changes:
            out.append([("    " + change.name, "bold"), (": ", ""), (show(change.before), "red"), (" → ", ""),
                        (show(change.after), "green"), (_state_word(job, change), "bold")])
        for change in job.body:
            out.append([("    " + TARGET_BODY + change.name, "bold"), (": ", ""), (show(change.before), "red"),
                        (" → ", ""), (show(change.after), "green")])
    out.append([(summary_line(report), "bold"), (f"; {report.schedules_unchanged} unchanged", "")])
    return out


def markdown_lines(report: Report, code: Callable[[str], str], cell: Callable[[Any], str]) -> list[str]:
    """A table of schedules, then one table of changed fields per created or changed schedule."""
    if not has_schedules(report):
        return []
    out = [f"**{summary_line(report)}** ({report.schedules_unchanged} unchanged)", ""]
    if report.schedules:
        out += ["| action | job | spec | effect |", "|---|---|---|---|"]
        for job in report.schedules:
            note = f" {job.note[0].upper()}{job.note[1:]}." if job.note else ""
            out.append(f"| **{job.action}** | {code(job.name)} | {code(job.file)} | {effect(job)}.{note} |")
        out.append("")
    for job in report.schedules:
        if job.action == REMOVE:
            continue
        rows = ["| field | before | after |", "|---|---|---|"]
        rows += [f"| {code(c.name)}{' *(' + job.state + ')*' if _state_word(job, c) else ''} | "
                 f"{cell(c.masked_before)} | {cell(c.masked_after)} |" for c in job.changes]
        rows += [f"| {code(c.name)} *(target body)* | {cell(c.masked_before)} | {cell(c.masked_after)} |"
                 for c in job.body]
        out += [f"#### schedule {job.action} {code(job.name)}", "", *rows, ""]
    return out


def _value(value: Any) -> Any:
    return None if value is MISSING else value


def _changes(changes: list[Change]) -> list[dict[str, Any]]:
    return [{"path": c.name, "before": _value(c.before), "after": _value(c.after), "sensitive": c.sensitive}
            for c in changes]


def json_fields(report: Report) -> dict[str, Any]:
    """``schedules`` and ``scheduleSummary`` for ``compiler.formatters.diff_json`` (nothing without schedules).

    ``{"name", "action": "create" | "change" | "remove", "file", "schedule", "expression", "state": "pause" |
    "resume" | null, "replaces", "note", "changes": [{"path", "before", "after", "sensitive"}], "body": [...]}``:
    ``changes`` are the CreateSchedule request's members (the target's input aside), ``body`` the
    StartJobRun body's inside the target (clientToken aside).
    """
    if not has_schedules(report):
        return {}
    jobs = [{"name": job.name, "action": job.action, "file": job.file, "schedule": job.schedule,
             "expression": job.expression, "state": job.state, "replaces": job.replaces, "note": job.note,
             "changes": _changes(job.changes), "body": _changes(job.body)} for job in report.schedules]
    return {"schedules": jobs, "scheduleSummary": summary(report)}


__all__ = ["PAUSE", "json_fields", "markdown_lines", "text_lines"]
