"""``jobspec diff --format markdown``: a pull-request comment.

A PR comment is readable by everyone with access to the repository's PRs, so every
member the AWS model marks sensitive is masked here (``*(sensitive)*``), whole or
inside a larger value. The comment starts with an HTML marker so CI can find and
edit its own comment. A job's table goes in a collapsible ``<details>`` when it has
more than ``LONG`` rows, and a long value is cut at ``MAX_CELL`` characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from compiler.diff_report import RESTART, SENSITIVE, START, STOP, UPDATE, Change, Job, Report, summary_line
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
    rows = ["| field | before | after |", "|---|---|---|"]
    rows += [f"| {_field(c)} | {cell(c.masked_before)} | {cell(c.masked_after)} |" for c in job.changes]
    if job.rerun is not None:
        rows.append(f"| `rerun` *(not sent to AWS)* | {cell(job.rerun[0])} | {cell(job.rerun[1])} |")
    if len(rows) - 2 <= LONG:
        return rows
    what = "members of the new job" if job.action == START else "changed fields"
    return [f"<details><summary>{len(rows) - 2} {what}</summary>", "", *rows, "", "</details>"]


def render(report: Report) -> str:
    stack = f"stack `{report.stack}`" if report.stack else "base specs (no stack)"
    out = [MARKER, f"### jobspec diff: {stack}", "",
           f"**{summary_line(report)}** ({report.unchanged} unchanged)", "",
           f"{code(report.base_label)} → {code(report.head_label)}, specs in {code(report.specs)}", ""]
    if report.jobs:
        out += ["| action | job | spec | effect |", "|---|---|---|---|"]
        out += [f"| **{job.action}** | {code(job.name)} | {code(job.file)} | {EFFECT[job.action]} |"
                for job in report.jobs]
        out.append("")
    for job in report.jobs:
        if job.action == STOP:
            continue
        out += [f"#### {job.action} {code(job.name)}", "", *_table(job), ""]
    if any(c.sensitive for job in report.jobs for c in job.changes if job.action != STOP):
        out += ["Values the AWS API marks sensitive are shown as *(sensitive)*; "
                "`jobspec diff` in a terminal shows them.", ""]
    return "\n".join(out)
