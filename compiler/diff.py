"""``jobspec diff BASE [HEAD]``: what merging a change to the job specs does to each job.

BASE and HEAD are git revisions of the repository the command runs in, or folders
(HEAD left out: the working tree). A revision is materialized in a temporary
folder with ``git archive``, with a ``.git`` marker at its top, so ``_defaults.yaml``
lookups stop at the same project root as in a checkout. ``--specs`` is relative to
each side's root (the repository's top folder, or the folder given); ``--stack``
merges that stack's overrides, as ``pulumi up`` on that stack would.

Jobs are matched by ``job_name``. Each one is:

- ``start``: only in HEAD; merging starts it;
- ``stop``: only in BASE; merging cancels its run if it is still running;
- ``restart``: the request body changed; a job run cannot be edited, so a new run
  replaces it (``compiler.plan.plan`` decides, as the provider's ``diff`` does);
- ``update``: only ``tags`` changed; applied in place (TagResource/UntagResource);
- unchanged: counted, not listed.

``clientToken`` is derived from the body, so it changes with any other change: it is
listed last and marked ``derived`` so it does not hide the change that matters.

Members the AWS model marks sensitive (``compiler.model.sensitive_value_paths``) are
masked by the markdown format only, which is meant to be posted as a PR comment.
The terminal and JSON formats show them: the terminal is the author's own, and the
JSON is for tools, which get a ``sensitive`` flag on each such change to mask by.
Either way the values are the ones already in the repository's spec files.

Exit codes: 0 whatever the changes, 1 when HEAD has lint errors (printed as text
on stderr), 2 for usage errors (unknown revision, missing folder). A BASE with lint
errors is only warned about: the jobs with errors count as absent from BASE.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Sequence

from compiler import model
from compiler.compile import compile_document, job_name
from compiler.document import DEFAULTS_FILE, OVERRIDES_FILE, Document
from compiler.findings import Finding, dotted
from compiler.plan import MISSING, RESTART, UPDATE, field_changes, plan

START, STOP = "start", "stop"
#: Actions in the order they are summarised and listed.
ACTIONS = (START, RESTART, UPDATE, STOP)
UNCHANGED = "unchanged"
FORMAT_NAMES = ("text", "markdown", "json")

OK, FINDINGS, USAGE = 0, 1, 2


class UsageError(Exception):
    """A one-line reason the command cannot run (exit 2)."""


class _Sensitive:
    """Stands in for a value the model marks sensitive (see ``masked``)."""

    def __repr__(self) -> str:
        return "***"


SENSITIVE: Any = _Sensitive()


# -- what a report holds -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One changed member of a request body; ``MISSING`` on the side that lacks it.

    ``masked_before``/``masked_after`` are the same values with every sensitive
    member replaced by ``SENSITIVE``; ``derived`` marks the derived clientToken.
    """

    path: tuple
    before: Any
    after: Any
    masked_before: Any
    masked_after: Any
    derived: bool = False

    @property
    def name(self) -> str:
        return dotted(self.path)

    @property
    def sensitive(self) -> bool:
        return self.masked_before is not self.before or self.masked_after is not self.after


@dataclass
class Job:
    name: str
    action: str
    file: str
    changes: list[Change] = field(default_factory=list)
    #: ``(before, after)`` of the spec's ``rerun`` key when it changed (never sent to AWS).
    rerun: tuple[Any, Any] | None = None


@dataclass
class Report:
    """``base``/``head`` as given (a revision or a folder), or ``working tree``."""

    base: str
    head: str
    stack: str | None
    specs: str
    base_commit: str | None = None
    head_commit: str | None = None
    jobs: list[Job] = field(default_factory=list)
    unchanged: int = 0

    @property
    def base_label(self) -> str:
        return _label(self.base, self.base_commit)

    @property
    def head_label(self) -> str:
        return _label(self.head, self.head_commit)

    @property
    def summary(self) -> dict[str, int]:
        counts = {action: 0 for action in ACTIONS}
        for job in self.jobs:
            counts[job.action] += 1
        return {**counts, UNCHANGED: self.unchanged}


def _label(ref: str, commit: str | None) -> str:
    return f"{ref} ({commit[:7]})" if commit else ref


def summary_line(report: Report) -> str:
    """``2 to start, 1 to restart, 0 to update, 1 to stop``."""
    counts = report.summary
    return ", ".join(f"{counts[action]} to {action}" for action in ACTIONS)


# -- masking -------------------------------------------------------------------------------------------

def _replace_at(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace_at(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace_at(copy[head], rest, new)
    return copy


def masked(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with each member the AWS model marks sensitive replaced by ``SENSITIVE``."""
    out: Any = body
    for path in model.sensitive_value_paths(body):
        out = _replace_at(out, path, SENSITIVE)
    return out


def value_at(value: Any, path: tuple) -> Any:
    """The value at ``path``; ``SENSITIVE`` when the path runs into a masked member."""
    for part in path:
        if value is SENSITIVE:
            return SENSITIVE
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return value


def changes_between(old: dict[str, Any] | None, new: dict[str, Any] | None, derived_token: bool) -> list[Change]:
    """Leaf-level changes (``compiler.plan.field_changes``), the derived clientToken last."""
    old, new = old or {}, new or {}
    old_masked, new_masked = masked(old), masked(new)
    out = []
    for change in field_changes(old, new):
        mb, ma = value_at(old_masked, change.path), value_at(new_masked, change.path)
        out.append(Change(change.path, change.old, change.new,
                          change.old if _same(mb, change.old) else mb,
                          change.new if _same(ma, change.new) else ma,
                          derived=derived_token and change.path == ("clientToken",)))
    return sorted(out, key=lambda c: c.derived)


def _same(a: Any, b: Any) -> bool:
    """Whether masking left the value as it was (no sensitive member inside)."""
    if a is b:
        return True
    if a is SENSITIVE or b is SENSITIVE:
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


# -- the two sides -------------------------------------------------------------------------------------

@dataclass
class Side:
    """One version of the repository: where it is, and how to name it in the output."""

    label: str
    root: Path
    commit: str | None = None


@dataclass
class Jobs:
    """The compiled jobs of one side, keyed by job name."""

    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    #: Every finding of the lint (warnings too), files relative to the side's root.
    findings: list[Finding] = field(default_factory=list)
    broken_files: list[str] = field(default_factory=list)
    missing: bool = False

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def _git(args: Sequence[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, **kwargs)
    except FileNotFoundError:
        raise UsageError("git is not installed; give two folders instead of revisions") from None


def git_toplevel(cwd: Path) -> Path | None:
    """The top folder of the git work tree around ``cwd`` (None outside a repository)."""
    proc = _git(["rev-parse", "--show-toplevel"], cwd, text=True)
    return Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None


def _commit_of(top: Path, rev: str) -> str | None:
    proc = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], top, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def _extract(top: Path, commit: str, dest: Path) -> None:
    """The tree of ``commit`` into ``dest`` (``git archive``; links kept as links, as in a checkout)."""
    with subprocess.Popen(["git", "archive", "--format=tar", commit], cwd=top,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
            # The "tar" filter refuses absolute and ``..`` member names; a link that points out of
            # the tree is kept, and the linter reports a spec read through it (E0009) as in a checkout.
            if hasattr(tarfile, "tar_filter"):
                archive.extractall(dest, filter="tar")
            else:  # pragma: no cover - Python before 3.10.12/3.11.4
                archive.extractall(dest)
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise UsageError(f"git archive {commit[:12]} failed: {stderr.strip().splitlines()[-1:] or ''}")


@contextlib.contextmanager
def side(arg: str | None, cwd: Path) -> Iterator[Side]:
    """A folder as it is, the working tree (``arg`` None), or a revision in a temporary folder."""
    if arg is None:
        root = git_toplevel(cwd) or cwd
        yield Side("working tree", root.resolve())
        return
    if Path(cwd, arg).is_dir():
        yield Side(arg, Path(cwd, arg).resolve())
        return
    top = git_toplevel(cwd)
    commit = _commit_of(top, arg) if top is not None and not arg.startswith("-") else None
    if commit is None:
        where = "" if top is not None else " (and this is not a git repository)"
        raise UsageError(f"unknown revision or folder: {arg}{where}")
    with tempfile.TemporaryDirectory(prefix="jobspec-diff-") as tmp:
        root = Path(tmp).resolve()
        _extract(top, commit, root)
        # The checkout's own root marker: the upward search for _defaults.yaml stops here.
        (root / ".git").mkdir(exist_ok=True)
        yield Side(arg, root, commit)


def _relative(file: str, root: Path) -> str:
    if file == OVERRIDES_FILE:
        return file
    for path in (Path(file).absolute(), Path(file).resolve()):  # a link in the tree is named as such
        try:
            return PurePosixPath(*path.relative_to(root).parts).as_posix()
        except ValueError:
            continue
    return file


def _specs_folder(specs: str, root: Path) -> Path:
    rel = Path(specs)
    if rel.is_absolute() or ".." in rel.parts:
        raise UsageError(f"--specs must be a path inside the repository, relative to its top: {specs}")
    return root / rel


def read_jobs(where: Side, specs: str, stack: str | None) -> Jobs:
    """Lint and compile every spec of one side for ``stack``."""
    from compiler.lint import Linter, lint_paths
    folder = _specs_folder(specs, where.root)
    if not folder.exists():
        return Jobs(missing=True)
    # A fresh linter: its cache of _defaults.yaml files is keyed by path, and two sides
    # (or two runs in one process) may hold different files at the same path.
    result = lint_paths([folder], stack=stack, all_stacks=False, linter=Linter())
    jobs = Jobs()
    errors = [f for f in result.findings if f.severity == "error"]
    jobs.findings = [dataclasses.replace(f, file=_relative(f.file, where.root)) for f in result.findings]
    bad = {Path(f.file).resolve() for f in errors if f.file != OVERRIDES_FILE}
    jobs.broken_files = sorted({_relative(str(p), where.root) for p in bad})
    for doc in result.documents:
        if _broken(doc, bad):
            continue
        name = job_name(doc)
        if name in jobs.bodies:
            continue  # a duplicate name is an error (E2004) on the later file
        jobs.bodies[name] = compile_document(doc)
        jobs.documents[name] = doc
        jobs.files[name] = _relative(doc.file, where.root)
    return jobs


def _broken(doc: Document, bad: set[Path]) -> bool:
    """Whether an error was found in the spec or in a file it is merged with."""
    spec = Path(doc.file).resolve()
    if spec in bad or any(Path(layer.source.file).resolve() in bad for layer in doc.layers):
        return True
    # A _defaults.yaml that could not be read at all is in no layer, but still applies.
    return any(p.name == DEFAULTS_FILE and spec.is_relative_to(p.parent) for p in bad)


# -- comparing -----------------------------------------------------------------------------------------

def compare(base: Jobs, head: Jobs, report: Report) -> Report:
    """Fill ``report`` with one Job per job that merging BASE → HEAD would act on."""
    for name in sorted(set(base.bodies) | set(head.bodies)):
        old, new = base.bodies.get(name), head.bodies.get(name)
        derived = all("clientToken" not in jobs.documents[name].data
                      for jobs in (base, head) if name in jobs.documents)
        if old is None:
            job = Job(name, START, head.files[name], changes_between(None, new, derived))
        elif new is None:
            job = Job(name, STOP, base.files[name], changes_between(old, None, derived))
        else:
            decided = plan(old, new)
            if decided.action not in (RESTART, UPDATE):
                report.unchanged += 1
                continue
            job = Job(name, decided.action, head.files[name], changes_between(old, new, derived))
            reruns = base.documents[name].data.get("rerun"), head.documents[name].data.get("rerun")
            if reruns[0] != reruns[1] or type(reruns[0]) is not type(reruns[1]):
                job.rerun = reruns
        report.jobs.append(job)
    report.jobs.sort(key=lambda job: (ACTIONS.index(job.action), job.name))
    return report


def diff(base_arg: str, head_arg: str | None, specs: str = "jobspecs", stack: str | None = None,
         cwd: Path | None = None, warn=None) -> tuple[Report, Jobs, Jobs]:
    """Materialize both sides and compare them (not when HEAD has lint errors: no jobs then)."""
    cwd = Path(cwd or os.getcwd())
    with side(base_arg, cwd) as base_side, side(head_arg, cwd) as head_side:
        base = read_jobs(base_side, specs, stack)
        head = read_jobs(head_side, specs, stack)
        if base.missing and head.missing:
            raise UsageError(f"no such folder in either version: {specs}")
        report = Report(base_side.label, head_side.label, stack, specs, base_side.commit, head_side.commit)
    if not head.ok:
        return report, base, head
    if warn is not None:
        for which, label, jobs in (("BASE", report.base_label, base), ("HEAD", report.head_label, head)):
            if jobs.missing:
                warn(f"{which} {label} has no {specs} folder: it has no jobs")
        if base.broken_files:
            warn(f"BASE {report.base_label} has lint errors in {', '.join(base.broken_files)}; "
                 "the jobs with errors count as absent from BASE")
    return compare(base, head, report), base, head


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
    p.add_argument("--specs", default="jobspecs", help="folder of specs, relative to each side's top (default: jobspecs)")
    p.add_argument("--stack", help="merge this stack's overrides (the stack the change is deployed to)")
    p.add_argument("--format", choices=FORMAT_NAMES, default="text",
                   help="text (coloured on a terminal), markdown (a PR comment; sensitive values masked) or json")
    return p


def render(report: Report, fmt: str, color: bool = False) -> str:
    from compiler.formatters import diff_json, diff_markdown, diff_text
    if fmt == "markdown":
        return diff_markdown.render(report)
    if fmt == "json":
        return diff_json.render(report)
    return diff_text.render(report, color=color)


def command(args: argparse.Namespace) -> int:
    from compiler.formatters import text

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
    color = args.format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render(report, args.format, color=color))
    return OK
