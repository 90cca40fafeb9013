"""The two sides of ``jobspec diff``: a folder, the working tree, or a git revision, and their compiled jobs.

A revision is materialized in a temporary folder with ``git archive``, with a ``.git``
marker at its top, so ``_defaults.yaml`` lookups stop at the same project root as in a
checkout. ``--specs`` is relative to each side's root (the repository's top folder, or
the folder given).
"""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Sequence

from compiler.compile import compile_document, job_name
from compiler.document import DEFAULTS_FILE, OVERRIDES_FILE, Document
from compiler.findings import Finding


class UsageError(Exception):
    """A one-line reason the command cannot run (exit 2)."""


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


def _specs_folder(specs: str, root: Path, source: str) -> Path:
    rel = Path(specs)
    if rel.is_absolute() or ".." in rel.parts:
        raise UsageError(f"{source} must be a path inside the repository, relative to its top: {specs}")
    return root / rel


def stack_folder(where: Side, stack: str | None) -> str:
    """The folder ``stack`` reads in this version: its Pulumi.<stack>.yaml, the project's default, or jobspecs."""
    from compiler.stacks import ProjectError, read_project
    try:
        return read_project(where.root).folder_of(stack).folder
    except ProjectError as exc:
        raise UsageError(f"{where.label}: {exc}") from None


def read_jobs(where: Side, specs: str, stack: str | None, source: str = "--specs") -> Jobs:
    """Lint and compile every spec of one side for ``stack``; ``source`` names where ``specs`` was set."""
    # Imported here, as in cli.py: building the argument parser need not load the linter (cerberus).
    from compiler.lint import Linter, lint_paths
    folder = _specs_folder(specs, where.root, source)
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
