"""The markdown diff cut to fit one PR comment (``jobspec diff --format markdown --max-chars N``).

GitHub refuses a comment longer than 65,536 characters, and a change to many jobs (a
shared ``_defaults.yaml`` edit restarts them all) gives a longer diff. A diff that fits
is exactly ``compiler.formatters.diff_markdown``'s. One that does not keeps its heading
(the marker, the summary line, the two sides, the warnings) and then lists every job,
and every schedule, folded in a ``<details>`` of its own, in the report's order, for as
long as the limit allows; the rest is counted in a last line that says where the full
diff is: the page given with ``--full-diff-url`` (the workflow run, an artifact), or the
command that prints it.
"""

from __future__ import annotations

import html
import shlex
from typing import Iterable

from compiler.diff_report import ACTIONS, STOP, Job, Report
from compiler.diff_schedules import CHANGE, CREATE, REMOVE, ScheduleJob, effect as schedule_effect, has_schedules
from compiler.diff_schedules import summary_line as schedules_summary_line
from compiler.formatters import diff_markdown as md

#: GitHub's limit on a comment (65,536) less room for what CI may put around the diff.
DEFAULT_MAX_CHARS = 65_000


def render(report: Report, max_chars: int = DEFAULT_MAX_CHARS, full_diff_url: str | None = None) -> str:
    """The markdown diff when it fits in ``max_chars`` (0: no limit), else its folded and cut form."""
    text = md.render(report)
    if not max_chars or len(text) <= max_chars:
        return text
    return folded(report, max_chars, full_diff_url)


def folded(report: Report, max_chars: int, full_diff_url: str | None = None) -> str:
    head = md.heading(report)
    if has_schedules(report):
        head += [f"**{schedules_summary_line(report)}** ({report.schedules_unchanged} unchanged)", ""]
    head += [f"The full diff is longer than one comment ({max_chars:,} characters): each job is folded below, "
             "and the list stops at the limit.", ""]
    blocks = [(("job", job.action), _job(job)) for job in report.jobs]
    blocks += [(("schedule", job.action), _schedule(job)) for job in report.schedules]
    tail = md.sensitive_note(report)
    out = "\n".join(head) + "\n"
    for i, (_, block) in enumerate(blocks):
        rest = [kind for kind, _ in blocks[i + 1:]]
        after = out + block + "\n" + ("\n".join([_cut(report, rest, full_diff_url), ""]) if rest else "")
        if len(after + "\n".join(tail)) > max_chars:
            out += _cut(report, [kind for kind, _ in blocks[i:]], full_diff_url) + "\n\n"
            break
        out += block + "\n"
    out = (out + "\n".join(tail)).rstrip("\n") + "\n"
    if len(out) > max_chars:  # a heading alone over the limit (thousands of rename warnings): cut it hard
        cut = _cut(report, [kind for kind, _ in blocks], full_diff_url)
        out = out[:max(0, max_chars - len(cut) - 3)].rsplit("\n", 1)[0] + "\n\n" + cut + "\n"
    return out


def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>"


def _details(summary: str, lines: Iterable[str]) -> str:
    return "\n".join([f"<details><summary>{summary}</summary>", "", *lines, "", "</details>", ""])


def _job(job: Job) -> str:
    name = f"{_code(job.rename.old_name)} → {_code(job.name)}" if job.rename is not None else _code(job.name)
    spec = _code(job.file) if job.rename is None or job.rename.old_file == job.file \
        else f"{_code(job.rename.old_file)} → {_code(job.file)}"
    summary = f"<b>{job.action}</b> {name} ({spec}): {html.escape(md._effect(job))}"
    if job.action == STOP:
        return f"- {summary}\n"
    rows = ["| field | before | after |", "|---|---|---|"]
    rows += [f"| {md._field(c)} | {md.cell(c.masked_before)} | {md.cell(c.masked_after)} |" for c in job.changes]
    if job.rerun is not None:
        rows.append(f"| `rerun` *(not sent to AWS)* | {md.cell(job.rerun[0])} | {md.cell(job.rerun[1])} |")
    if len(rows) == 2:
        rows = ["No member of the request body changes."]
    return _details(summary, [*md._advice(job), *rows])


def _schedule(job: ScheduleJob) -> str:
    summary = (f"<b>schedule {job.action}</b> {_code(job.name)} ({_code(job.file)}): "
               f"{html.escape(schedule_effect(job))}")
    if job.action == REMOVE:
        return f"- {summary}\n"
    rows = ["| field | before | after |", "|---|---|---|"]
    rows += [f"| {md.code(c.name)} | {md.cell(c.masked_before)} | {md.cell(c.masked_after)} |" for c in job.changes]
    rows += [f"| {md.code(c.name)} *(target body)* | {md.cell(c.masked_before)} | {md.cell(c.masked_after)} |"
             for c in job.body]
    return _details(summary, rows)


def _counts(actions: list[str], order: Iterable[str]) -> str:
    return ", ".join(f"{actions.count(action)} to {action}" for action in order if action in actions)


def _cut(report: Report, rest: list[tuple[str, str]], full_diff_url: str | None) -> str:
    """``**… and 212 more jobs not shown** (212 to restart); the full diff: …``."""
    parts = []
    jobs = [action for kind, action in rest if kind == "job"]
    schedules = [action for kind, action in rest if kind == "schedule"]
    if jobs:
        parts.append(f"{len(jobs)} more job{'' if len(jobs) == 1 else 's'} ({_counts(jobs, ACTIONS)})")
    if schedules:
        parts.append(f"{len(schedules)} more schedule{'' if len(schedules) == 1 else 's'} "
                     f"({_counts(schedules, (CREATE, CHANGE, REMOVE))})")
    if full_diff_url:
        where = f"the full diff is [here]({full_diff_url})"
    else:
        where = f"the full diff: `{full_command(report)}`"
    return f"**… and {' and '.join(parts)} not shown**; {where}."


def full_command(report: Report) -> str:
    """The command that prints this diff whole."""
    argv = ["jobspec", "diff", report.base]
    if report.head != "working tree":
        argv.append(report.head)
    if report.stack:
        argv += ["--stack", report.stack]
    return shlex.join([*argv, "--format", "markdown", "--max-chars", "0"])
