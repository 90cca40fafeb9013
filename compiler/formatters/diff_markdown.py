"""``jobspec diff --format markdown``: a pull-request comment.

A PR comment is readable by everyone with access to the repository's PRs, so every
member the AWS model marks sensitive is masked here (``*(sensitive)*``), whole or
inside a larger value. The comment starts with an HTML marker so CI can find and
edit its own comment. A job's table goes in a collapsible ``<details>`` when it has
more than ``LONG`` rows, and a long value is cut at ``MAX_CELL`` characters.

A renamed job is one row, ``old`` → ``new``, saying what merging does to it; one renamed
without ``previousNames`` says how to keep it the same job, and when it has
``deploy.stopBeforeStart`` a warning opens the comment.
"""

from __future__ import annotations

import json
import re
from typing import Any

from compiler.diff_report import (RESTART, SENSITIVE, START, STOP, UPDATE, Change, Job, Report,
                                  as_same_job, flow_list, rename_effect, summary_line)
from compiler.formatters.diff_schedules import markdown_lines as schedule_lines
from compiler.plan import MISSING

MARKER = "<!-- jobspec-diff -->"
LONG = 8
MAX_CELL = 300
EFFECT = {
    START: "starts a new run",
    RESTART: "a new run replaces the current one",
    UPDATE: "tags change in place",
    STOP: "run cancelled if still running",
}
MASKED = "*(sensitive)*"
ABSENT = "*(absent)*"


def code(text: str) -> str:
    """``text`` as an inline code span that survives a table cell (pipes escaped, backticks fenced)."""
    text = text.replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    ticks = max((len(run) for run in re.findall(r"`+", text)), default=0) + 1
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{'`' * ticks}{pad}{text}{pad}{'`' * ticks}"


def cell(value: Any) -> str:
    """A before/after cell: JSON in a code span, or a word for absent and masked values."""
    if value is MISSING:
        return ABSENT
    if value is SENSITIVE:
        return MASKED
    text = json.dumps(value, ensure_ascii=False, default=lambda v: "***" if v is SENSITIVE else repr(v))
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 1] + "…"
    return code(text)


def _field(change: Change) -> str:
    return code(change.name) + (" *(derived)*" if change.derived else "")


def _table(job: Job) -> list[str]:
    if not job.changes and job.rerun is None:
        return ["No member of the request body changes."]
    rows = ["| field | before | after |", "|---|---|---|"]
    rows += [f"| {_field(c)} | {cell(c.masked_before)} | {cell(c.masked_after)} |" for c in job.changes]
    if job.rerun is not None:
        rows.append(f"| `rerun` *(not sent to AWS)* | {cell(job.rerun[0])} | {cell(job.rerun[1])} |")
    if len(rows) - 2 <= LONG:
        return rows
    what = "members of the new job" if job.action == START else "changed fields"
    return [f"<details><summary>{len(rows) - 2} {what}</summary>", "", *rows, "", "</details>"]


def _name(job: Job) -> str:
    return f"{code(job.rename.old_name)} → {code(job.name)}" if job.rename is not None else code(job.name)


def _spec(job: Job) -> str:
    if job.rename is None or job.rename.old_file == job.file:
        return code(job.file)
    return f"{code(job.rename.old_file)} → {code(job.file)}"


def _effect(job: Job) -> str:
    return rename_effect(job.rename) if job.rename is not None else EFFECT[job.action]


def _previous_names(job: Job) -> str:
    assert job.rename is not None
    return code(f"previousNames: {flow_list([job.rename.old_name])}")


def _advice(job: Job) -> list[str]:
    """``compiler.diff_report.rename_advice`` with code spans."""
    if job.rename is None or job.rename.aliased:
        return []
    return [f"Add {_previous_names(job)} to {code(job.file)} to keep it the same job: "
            f"then {as_same_job(job.rename)}.", ""]


def _warning(job: Job) -> str:
    """``compiler.diff_report.rename_warning`` with code spans."""
    assert job.rename is not None
    return (f"> **Warning:** {_name(job)} ({code(job.file)}): `deploy.stopBeforeStart` is set, but renamed "
            "without `previousNames` the new run starts before the old one is cancelled; "
            f"add {_previous_names(job)} to {code(job.file)}.")


def heading(report: Report) -> list[str]:
    """The marker, the title, the summary line, the two sides, and the rename warnings."""
    stack = f"stack `{report.stack}`" if report.stack else "base specs (no stack)"
    out = [MARKER, f"### jobspec diff: {stack}", "",
           f"**{summary_line(report)}** ({report.unchanged} unchanged)", "",
           f"{code(report.base_label)} → {code(report.head_label)}, specs in {code(report.specs)}", ""]
    for job in report.jobs:
        if job.rename is not None and job.rename.warned:
            out += [_warning(job), ""]
    return out


def sensitive_note(report: Report) -> list[str]:
    if any(c.sensitive for job in report.jobs for c in job.changes if job.action != STOP) or \
            any(c.sensitive for job in report.schedules for c in job.body):
        return ["Values the AWS API marks sensitive are shown as *(sensitive)*; "
                "`jobspec diff` in a terminal shows them.", ""]
    return []


def render(report: Report) -> str:
    out = heading(report)
    if report.jobs:
        out += ["| action | job | spec | effect |", "|---|---|---|---|"]
        out += [f"| **{job.action}** | {_name(job)} | {_spec(job)} | {_effect(job)} |" for job in report.jobs]
        out.append("")
    for job in report.jobs:
        if job.action == STOP:
            continue
        out += [f"#### {job.action} {_name(job)}", "", *_advice(job), *_table(job), ""]
    out += schedule_lines(report, code, cell)
    out += sensitive_note(report)
    return "\n".join(out)
