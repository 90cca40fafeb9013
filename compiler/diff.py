"""``jobspec diff BASE [HEAD]``: what merging a change to the job specs does to each job.

BASE and HEAD are git revisions of the repository the command runs in, or folders
(HEAD left out: the working tree); ``compiler.diff_sides`` materializes them. ``--specs``
is relative to each side's root (the repository's top folder, or the folder given);
``--stack`` merges that stack's overrides, as ``pulumi up`` on that stack would. Without
``--specs``, each side reads the folder its own Pulumi project files name for the stack
(``jobspec:specs`` in ``Pulumi.<stack>.yaml``, else the project's, else ``jobspecs``:
``compiler.stacks``), as ``pulumi preview`` at that version would, so in a repository
split into one stack per team folder ``--stack payments`` compares that team's jobs only.

Jobs are matched by ``job_name`` (``compiler.diff_compare``). Each one is:

- ``start``: only in HEAD; merging starts it;
- ``stop``: only in BASE; merging cancels its run if it is still running;
- ``restart``: the request body changed; a job run cannot be edited, so a new run
  replaces it (``compiler.plan.plan`` decides, as the provider's ``diff`` does);
- ``update``: only ``tags`` changed; applied in place (TagResource/UntagResource);
- ``rename``: a job only in BASE continues as a job only in HEAD (``compiler.renames``):
  listed by ``previousNames`` (the same job under ``pulumi up``: it restarts only if the
  body changed), or the same spec file or the same body without them (a stop and a
  start: the new run starts first; said how to avoid, warned about with stopBeforeStart);
- unchanged: counted, not listed.

Scheduled jobs (``schedule:``) are schedules, not runs: created, changed field by field
(the expression, the state as pause/resume, the body inside the target) or removed
(``compiler.diff_schedules``).

``clientToken`` is derived from the body, so it changes with any other change: it is
listed last and marked ``derived`` so it does not hide the change that matters.

Members the AWS model marks sensitive (``compiler.model.sensitive_value_paths``) are
masked by the markdown format only, which is meant to be posted as a PR comment.
The terminal and JSON formats show them: the terminal is the author's own, and the
JSON is for tools, which get a ``sensitive`` flag on each such change to mask by.
Either way the values are the ones already in the repository's spec files.

Exit codes: 0 whatever the changes, 1 when HEAD has lint errors (printed as text
on stderr), 2 for usage errors (unknown revision, missing folder). A BASE with lint
errors is only warned about: the jobs with errors count as absent from BASE. Warnings
(and the report's own, about renames) go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable

from compiler import diff_schedules
from compiler.diff_compare import compare
from compiler.diff_report import Report
from compiler.diff_sides import Jobs, UsageError, read_jobs, side, stack_folder
from compiler.formatters import diff_fit, diff_json, diff_text, text
from compiler.stacks import SPECS_KEY

FORMAT_NAMES = ("text", "markdown", "json")

OK, FINDINGS, USAGE = 0, 1, 2


def diff(base_arg: str, head_arg: str | None, specs: str | None = None, stack: str | None = None,
         cwd: Path | None = None, warn: Callable[[str], None] | None = None) -> tuple[Report, Jobs, Jobs]:
    """Materialize both sides and compare them (not when HEAD has lint errors: no jobs then).

    ``specs`` None: each side's folder for ``stack`` from its own Pulumi project files.
    """
    cwd = Path(cwd or os.getcwd())
    with side(base_arg, cwd) as base_side, side(head_arg, cwd) as head_side:
        folders = [specs or stack_folder(where, stack) for where in (base_side, head_side)]
        source = "--specs" if specs else (f"{SPECS_KEY} of stack {stack}" if stack else f"the project's {SPECS_KEY}")
        base = read_jobs(base_side, folders[0], stack, source)
        head = read_jobs(head_side, folders[1], stack, source)
        shown = folders[1] if folders[0] == folders[1] else f"{folders[0]} → {folders[1]}"
        if base.missing and head.missing:
            raise UsageError(f"no such folder in either version: {shown}")
        report = Report(base_side.label, head_side.label, stack, shown, base_side.commit, head_side.commit)
    if not head.ok:
        return report, base, head
    if warn is not None:
        for which, label, jobs, folder in (("BASE", report.base_label, base, folders[0]),
                                           ("HEAD", report.head_label, head, folders[1])):
            if jobs.missing:
                warn(f"{which} {label} has no {folder} folder: it has no jobs")
        if base.broken_files:
            warn(f"BASE {report.base_label} has lint errors in {', '.join(base.broken_files)}; "
                 "the jobs with errors count as absent from BASE")
    base_runs, base_schedules = diff_schedules.split(base)
    head_runs, head_schedules = diff_schedules.split(head)
    compare(base_runs, head_runs, report)
    return diff_schedules.compare(base_schedules, head_schedules, base_runs, head_runs, report), base, head


# -- the command ---------------------------------------------------------------------------------------

def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("diff", help="what merging a change does to each job: start, restart, update or stop",
                       description="Compare the job specs of two git revisions (or two folders) and tell, "
                                   "job by job, what applying HEAD over BASE does. An argument naming an "
                                   "existing folder is that folder, else a revision of the repository "
                                   "around the current folder. Exit 0 (changes or not), 1 when HEAD has "
                                   "lint errors, 2 on usage errors.")
    p.add_argument("base", help="git revision or folder before the change (e.g. origin/main)")
    p.add_argument("head", nargs="?", help="git revision or folder after the change (default: the working tree)")
    p.add_argument("--specs", help="folder of specs, relative to each side's top (default: the stack's "
                                   "jobspec:specs in that side's Pulumi.<stack>.yaml, else the project's, else jobspecs)")
    p.add_argument("--stack", help="merge this stack's overrides and read its folder (the stack the change is deployed to)")
    p.add_argument("--format", choices=FORMAT_NAMES, default="text",
                   help="text (coloured on a terminal), markdown (a PR comment; sensitive values masked) or json")
    p.add_argument("--max-chars", type=_count, default=diff_fit.DEFAULT_MAX_CHARS, metavar="N",
                   help="markdown: at most N characters, to fit one PR comment (GitHub takes 65,536); a longer "
                        f"diff lists each job folded and counts those past the limit (default {diff_fit.DEFAULT_MAX_CHARS:,}; "
                        "0: no limit)")
    p.add_argument("--full-diff-url", metavar="URL",
                   help="markdown: where the full diff is (the workflow run, an artifact), named when the diff is cut")
    return p


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of characters: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a number of characters: {text!r} (0 for no limit)")
    return value


def render(report: Report, fmt: str, color: bool = False, max_chars: int = diff_fit.DEFAULT_MAX_CHARS,
           full_diff_url: str | None = None) -> str:
    if fmt == "markdown":
        return diff_fit.render(report, max_chars, full_diff_url)
    if fmt == "json":
        return diff_json.render(report)
    return diff_text.render(report, color=color)


def command(args: argparse.Namespace) -> int:
    def warn(message: str) -> None:
        print(f"jobspec: warning: {message}", file=sys.stderr)

    try:
        report, _, head = diff(args.base, args.head, specs=args.specs, stack=args.stack, warn=warn)
    except UsageError as exc:
        print(f"jobspec: {exc}", file=sys.stderr)
        return USAGE
    if not head.ok:
        print(f"jobspec: {report.head_label} has lint errors; fix them first:", file=sys.stderr)
        sys.stderr.write(text.render(head.findings))
        return FINDINGS
    for message in report.warnings:
        warn(message)
    color = args.format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render(report, args.format, color=color, max_chars=args.max_chars,
                            full_diff_url=args.full_diff_url))
    return OK
