"""``jobspec init [DIR]``: a ready GitOps repository of job specs, from the templates in compiler/scaffold/.

It writes the Pulumi project that runs jobspec's program (``Pulumi.yaml``,
``__main__.py``, ``requirements.txt`` pinning this jobspec), an example stack file,
``jobspecs/`` with ``_defaults.yaml`` and an example spec (each with a
yaml-language-server modeline), the JSON Schema those modelines name, the PR and
deploy workflows and a pre-commit config.

All or nothing: when any of those files exists (or a folder on its way is a file),
init lists them and writes nothing; it never overwrites. A write that fails half-way
removes what it wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Callable

from compiler import __version__

USAGE = 2
#: Target file (relative to DIR) -> its template in compiler/scaffold/ (flat, no dot names: package data).
TEMPLATES = {
    "Pulumi.yaml": "Pulumi.yaml",
    "Pulumi.dev.yaml": "Pulumi.dev.yaml",
    "__main__.py": "main.py",
    "requirements.txt": "requirements.txt",
    "jobspecs/_defaults.yaml": "defaults.yaml",
    "jobspecs/example-spark.yaml": "example-spark.yaml",
    ".github/workflows/jobspec-pr.yml": "jobspec-pr.yml",
    ".github/workflows/jobspec-deploy.yml": "jobspec-deploy.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}
SPEC_SCHEMA = ".jobspec/jobspec.schema.json"
#: The schema _defaults.yaml's modeline names (``jobspec schema --defaults``).
DEFAULTS_SCHEMA = ".jobspec/defaults.schema.json"
NEXT = ("python -m venv .venv && .venv/bin/pip install -r requirements.txt",
        "edit jobspecs/_defaults.yaml: your applicationId and executionRoleArn",
        ".venv/bin/jobspec lint jobspecs",
        "pulumi stack select --create dev && pulumi preview")


def add_parser(sub: argparse._SubParsersAction) -> None:
    init = sub.add_parser("init", help="write a ready repository of job specs: Pulumi project, example spec, "
                                       "workflows, pre-commit (never overwrites)",
                          description="Write a ready GitOps repository of job specs into DIR: " + ", ".join(
                              [*TEMPLATES, SPEC_SCHEMA, DEFAULTS_SCHEMA]) + ". Nothing is written when any of them exists.")
    init.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the repository folder (default: the "
                                                                         "current folder; created when missing)")


def project_name(folder: Path) -> str:
    """A Pulumi project name (letters, digits, ``_ . -``; at most 100) from the folder's name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", folder.resolve().name).strip("-.")[:100]
    return name or "jobspecs"


def _schemas() -> dict[str, Callable[[], dict]]:
    """The schema files the modelines name (path -> what makes it), from this jobspec: never stale for it."""
    from compiler.defaults_schema import defaults_json_schema
    from compiler.jsonschema import json_schema
    return {SPEC_SCHEMA: json_schema, DEFAULTS_SCHEMA: defaults_json_schema}


def contents(folder: Path) -> dict[str, str]:
    """Every file init writes into ``folder``: relative path -> text, in the order they are written."""
    scaffold = resources.files("compiler") / "scaffold"
    values = {"@PROJECT@": project_name(folder), "@VERSION@": __version__}
    out = {}
    for target, template in TEMPLATES.items():
        text = scaffold.joinpath(template).read_text(encoding="utf-8")
        for marker, value in values.items():
            text = text.replace(marker, value)
        out[target] = text
    for target, make in _schemas().items():
        out[target] = json.dumps(make(), indent=2, ensure_ascii=False) + "\n"
    return out


class InTheWay(Exception):
    """Files (or files where a folder must go) that stop init; one sentence each, in ``lines``."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines)
        self.lines = lines


def _in_the_way(folder: Path, targets: list[str]) -> list[str]:
    """Each target that exists, and each file where a folder must go, once, in order."""
    found: list[str] = []
    for at in [folder, *(folder / p for rel in targets for p in reversed(Path(rel).parents[:-1]))]:
        line = f"{at} exists and is not a folder"
        if os.path.lexists(at) and not at.is_dir() and line not in found:
            found.append(line)
    return found + [f"{folder / rel} exists" for rel in targets if os.path.lexists(folder / rel)]


def write(folder: Path) -> list[Path]:
    """Write the repository into ``folder``; the files written. Raises InTheWay, writing nothing, when blocked."""
    files = contents(folder)
    blocked = _in_the_way(folder, list(files))
    if blocked:
        raise InTheWay(blocked)
    written: list[Path] = []
    try:
        for rel, text in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as out:  # "x": never replaces a file that appeared meanwhile
                written.append(path)
                out.write(text)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise InTheWay([f"{exc.filename} exists"]) from None
        raise
    return written


def next_steps(folder: Path) -> str:
    cd = [] if folder == Path(".") else [f"cd {folder}"]
    return "\n".join(["next:", *(f"  {step}" for step in [*cd, *NEXT])]) + "\n"


def command(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    try:
        written = write(folder)
    except InTheWay as exc:
        for line in exc.lines:
            print(f"jobspec: {line}", file=sys.stderr)
        print("jobspec: nothing written: init never overwrites; move these away or init another folder",
              file=sys.stderr)
        return USAGE
    except OSError as exc:
        print(f"jobspec: nothing written: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return USAGE
    for path in written:
        print(path)
    print(next_steps(folder), end="")
    return 0
