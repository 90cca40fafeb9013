"""``jobspec diff`` for a terminal: warnings, a line a job, its changed members under it, then the counts.

Plain text when the output is not a terminal; coloured with ``rich`` when it is.
Values are shown as JSON (strings quoted), sensitive ones included: this is the
author's own terminal (the markdown format masks them).
"""

from __future__ import annotations

import io
import json
from typing import Any

from compiler.diff_report import (RENAME, RESTART, SENSITIVE, START, STOP, UPDATE, Change, Job, Report,
                                  rename_advice, rename_effect, summary_line)
from compiler.formatters.diff_schedules import text_lines as schedule_lines
from compiler.plan import MISSING

MARK = {START: "+", RESTART: "!", UPDATE: "~", STOP: "-", RENAME: ">"}
STYLE = {START: "green", RESTART: "yellow", UPDATE: "cyan", STOP: "red", RENAME: "magenta"}
EXPLAIN = {
    START: "starts a new run",
    RESTART: "a new run replaces the current one",
    UPDATE: "tags change in place, the run goes on",
    STOP: "its run is cancelled if it is still running",
}

Segment = tuple[str, str]  # (text, rich style; "" for none)


def show(value: Any) -> str:
    """A value as JSON on one line; ``(absent)`` for a missing member, ``***`` for a masked one."""
    if value is MISSING:
        return "(absent)"
    if value is SENSITIVE:
        return "***"
    return json.dumps(value, ensure_ascii=False, default=lambda v: "***" if v is SENSITIVE else repr(v))


def heading(report: Report) -> str:
    stack = f"stack {report.stack}" if report.stack else "no stack (base specs)"
    return f"jobspec diff {report.base_label} → {report.head_label}, {stack}, specs in {report.specs}"


def _change(change: Change) -> list[Segment]:
    name = change.name + (" (derived)" if change.derived else "")
    return [("    " + name, "dim" if change.derived else "bold"), (": ", ""),
            (show(change.before), "red"), (" → ", ""), (show(change.after), "green")]


def _job(job: Job) -> list[list[Segment]]:
    if job.rename is not None:
        return _renamed(job)
    out = [[(f"{MARK[job.action]} {job.action:<8} {job.name}", f"bold {STYLE[job.action]}"),
            (f" ({job.file}): {EXPLAIN[job.action]}", "")]]
    return out + _details(job)


def _renamed(job: Job) -> list[list[Segment]]:
    """``> rename   old → new (old file → new file): effect``, then how to keep it the same job."""
    assert job.rename is not None
    files = job.file if job.file == job.rename.old_file else f"{job.rename.old_file} → {job.file}"
    out = [[(f"{MARK[RENAME]} {RENAME:<8} {job.rename.old_name} → {job.name}", f"bold {STYLE[RENAME]}"),
            (f" ({files}): {rename_effect(job.rename)}", "")]]
    advice = rename_advice(job)
    if advice is not None:
        out.append([("    " + advice, "yellow")])
    return out + _details(job)


def _details(job: Job) -> list[list[Segment]]:
    out: list[list[Segment]] = []
    if job.rerun is not None:
        out.append([("    rerun: ", "bold"), (f"{show(job.rerun[0])} → {show(job.rerun[1])}", ""),
                    (" (not sent to AWS; forces a new run)", "dim")])
    if job.action != STOP:
        out += [_change(change) for change in job.changes]
    return out


def lines(report: Report) -> list[list[Segment]]:
    out: list[list[Segment]] = [[(heading(report), "bold")]]
    out += [[("warning: ", "bold yellow"), (message, "")] for message in report.warnings]
    for job in report.jobs:
        out += _job(job)
    schedules = schedule_lines(report, show)
    if not report.jobs and not report.schedules:
        out.append([("no job changes", "")])
    out.append([(summary_line(report), "bold"), (f"; {report.unchanged} unchanged", "")])
    return out[:-1] + schedules[:-1] + out[-1:] + schedules[-1:]  # the counts last


def render(report: Report, color: bool = False) -> str:
    if not color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines(report))
    from rich.console import Console
    from rich.text import Text
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", highlight=False,
                      soft_wrap=True, emoji=False)
    for line in lines(report):
        text = Text()
        for part, style in line:
            text.append(part, style=style or None)
        console.print(text)
    return buffer.getvalue()
