"""``jobspec import A B C --out DIR``: one spec file per body, named after its job.

A team's bodies often share a ``name`` (one per environment, a copy per script), and
jobspec refuses two jobs of one name (E2004). So the first body keeps its name, and
each later one is imported as ``<name>-2``, ``-3``… with a note saying which body it
shared the name with. Files are named after the job (``<name>.yaml``, in characters
every file system takes); nothing is ever overwritten: a file that exists, or a job
name a spec already in DIR has, stops the import before anything is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from compiler.importer import STDIN_NAME, Imported

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: File names stay well below every file system's 255-byte limit.
_MAX_STEM = 100


class Conflict(Exception):
    """DIR already holds what an import would write; nothing was written."""


@dataclass(frozen=True)
class Planned:
    """Where one imported body goes, and under which job name."""

    imported: Imported
    path: Path
    name: str
    renamed_from: str | None = None
    shares_with: str | None = None


def file_stem(job: str, fallback: str = "job") -> str:
    """A spec file's stem for job ``job``: letters, digits, ``.``, ``_``, ``-``; not hidden, not ``_defaults``."""
    stem = _UNSAFE.sub("-", job).strip("-._")[:_MAX_STEM].rstrip("-._")
    return stem or fallback


def _own_name(imported: Imported) -> tuple[str, bool]:
    """(job name, whether the body names it): its ``name``, else the input file's stem."""
    name = imported.body.get("name") if imported.body else None
    if isinstance(name, str) and name:
        return name, True
    stem = "job" if imported.file == STDIN_NAME else Path(imported.file).stem
    return file_stem(stem), False


def existing_jobs(out: Path) -> dict[str, str]:
    """Job name → spec file of the specs already in ``out`` (nothing when it does not exist yet)."""
    if not out.is_dir():
        return {}
    from compiler.compile import job_name
    from compiler.lint import lint_paths
    return {job_name(doc): doc.file for doc in lint_paths([out], all_stacks=False).documents}


def plan(imported: list[Imported], out: Path) -> list[Planned]:
    """Job names and file paths for every body; raises Conflict when DIR already holds one of them."""
    existing = existing_jobs(out)
    taken: dict[str, str] = {}
    files: set[str] = set()
    planned: list[Planned] = []
    for item in imported:
        own, named = _own_name(item)
        if own in existing:
            raise Conflict(f"{out} already has a job named {own!r} ({existing[own]}), the name of {item.file}; "
                           "import never overwrites a spec: remove that spec or import into another folder")
        name, k = own, 1
        while name in taken or name in existing:
            k += 1
            name = f"{own}-{k}"
        stem, j = file_stem(name), 1
        path = out / f"{stem}.yaml"
        while path.name.lower() in files:  # two names that differ only in unsafe characters, or in case
            j += 1
            path = out / f"{stem}-{j}.yaml"
        if os.path.lexists(path):
            raise Conflict(f"{path} exists; import never overwrites a spec: remove it or import into another folder")
        files.add(path.name.lower())
        if not named:  # the job is then named by its file
            name = path.stem
        taken[name] = item.file
        renamed = own if name != own else None
        if renamed and named:
            item.spec["name"] = name
        planned.append(Planned(item, path, name, renamed, taken[own] if renamed else None))
    return planned


def note(entry: Planned) -> str | None:
    """What a reader of the written spec must know about its name, or None."""
    if entry.renamed_from is None:
        return None
    return (f"name {entry.renamed_from!r} is also the name of {entry.shares_with}; imported as {entry.name!r} "
            f"into {entry.path.name}, since jobspec refuses two jobs of one name")


def texts(planned: list[Planned]) -> list[str]:
    """Every spec file's text, before any is written (raises import_suppress.CannotAnnotate)."""
    out = []
    for entry in planned:
        header = Path(entry.imported.file).name
        if entry.renamed_from is not None:
            header += f" (named {entry.renamed_from!r} there, like {Path(entry.shares_with).name})"
        out.append(entry.imported.text(header))
    return out


def write(planned: list[Planned], contents: list[str]) -> None:
    """Create every file (never replacing one: ``x`` mode fails if another process made it meanwhile)."""
    for entry, text in zip(planned, contents):
        entry.path.parent.mkdir(parents=True, exist_ok=True)
        with open(entry.path, "x", encoding="utf-8") as stream:
            stream.write(text)
