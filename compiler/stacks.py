"""Which folder of specs each stack of a Pulumi project reads, and whether two stacks' folders overlap.

A repository split by team gives each team a folder and a stack that reads only it::

    Pulumi.yaml                 # the project (jobspec's program)
    Pulumi.payments.yaml        # config: {jobspec:specs: teams/payments}
    Pulumi.search.yaml          # config: {jobspec:specs: teams/search}
    teams/payments/*.yaml
    teams/search/*.yaml

What is read is what the engine reads: the project file (``Pulumi.yaml``, ``.yml`` or
``.json``), its ``stackConfigDir``, and each ``Pulumi.<stack>.<ext>`` there (the
project file's extension). A stack's folder is its file's ``jobspec:specs``, else the
project's (``config: {jobspec:specs: {value: …}}`` or ``default:``), else ``jobspecs``.
Config kept outside the files (Pulumi ESC environments, ``--config``) is not seen.

A job belongs to exactly one stack of a kind: a folder inside another stack's folder
is E2015 (both stacks would start a run of each of its jobs, and moving a job between
them would mean nothing). Stacks that read the very same folder are environments of
the same jobs (``dev`` and ``prod`` over ``jobspecs/``, told apart by ``stacks.<name>``
sections): that is the layout jobspec has always had, and it is allowed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

import yaml

from compiler.findings import Finding
from compiler.formatters import text

#: The stack config key naming a stack's folder of specs, and the folder when nothing names one.
SPECS_KEY, DEFAULT_SPECS = "jobspec:specs", "jobspecs"
#: The engine's project file names, in the order it looks for them (sdk/go/common/encoding Exts).
PROJECT_FILES = ("Pulumi.json", "Pulumi.yaml", "Pulumi.yml")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ProjectError(Exception):
    """A project or stack file that cannot say which folder a stack reads; the message says which and why."""


@dataclass(frozen=True)
class StackFolder:
    """``stack`` reads ``folder`` (as written); ``file:line:column`` is where it is written (file None: nowhere)."""

    stack: str
    folder: str
    file: str | None = None
    line: int = 1
    column: int = 1
    #: The folder is the project's default, not the stack's own setting.
    inherited: bool = False

    @property
    def written(self) -> str:
        """Where the folder comes from, for a message."""
        if self.file is None:  # the program's own value, when no file sets it
            return "jobspec's default" if self.inherited else "its stack config"
        return f"{self.file}, the project's default" if self.inherited else self.file


@dataclass
class Project:
    """A Pulumi project folder: the folder a stack without its own setting reads, and every stack file's."""

    root: Path
    default: StackFolder
    stacks: dict[str, StackFolder]
    #: The extension of the project file, which stack files share.
    suffix: str = ".yaml"

    def folder_of(self, stack: str | None) -> StackFolder:
        """The folder ``stack`` reads (None: the project's default)."""
        if stack is not None and stack in self.stacks:
            return self.stacks[stack]
        return replace(self.default, stack=stack or "", inherited=True)


def project_file(root: Path) -> Path | None:
    """The project file in ``root``, as the engine finds it; None when there is none."""
    return next((root / name for name in PROJECT_FILES if (root / name).is_file()), None)


def read_project(root: Path) -> Project:
    """The project in ``root`` and its stack files; a folder with no project file reads ``jobspecs`` for every stack."""
    found = project_file(root)
    default = StackFolder("", DEFAULT_SPECS, inherited=True)
    if found is None:
        return Project(root, default, {})
    top = _load(found, root)
    config = _mapping(top, "config", found, root)
    # In the project file a key of the project's own namespace may be written without it.
    short = SPECS_KEY.split(":", 1)
    keys = (SPECS_KEY, short[1]) if _scalar(_value(top, "name", found, root)) == short[0] else (SPECS_KEY,)
    node = _value(config, keys, found, root)
    if node is not None:
        default = _folder("", node, found, root, project=True)
    stack_dir = _scalar(_value(top, "stackConfigDir", found, root) if top is not None else None)
    where = root / stack_dir if stack_dir else root
    stacks = {}
    prefix, ext = "Pulumi.", found.suffix
    for path in sorted(where.glob(f"{prefix}*{ext}")) if where.is_dir() else []:
        name = path.name[len(prefix):-len(ext)]
        if not name or path == found:
            continue
        node = _value(_mapping(_load(path, root), "config", path, root), SPECS_KEY, path, root)
        stacks[name] = (_folder(name, node, path, root) if node is not None
                        else replace(default, stack=name, inherited=True))
    return Project(root, default, stacks, ext)


def overlaps(stacks: Iterable[StackFolder], root: Path) -> list[Finding]:
    """E2015 for every stack whose folder is inside another stack's (the same folder is no overlap)."""
    return sorted({_finding(inner, outer) for inner, outer in _nested(list(stacks), root)})


def check_stack(root: Path, stack: str, folder: str) -> list[Finding]:
    """E2015 findings naming ``stack``, which reads ``folder`` (as the running program knows it)."""
    project = read_project(root)
    mine = project.folder_of(stack)
    if os.path.normpath(mine.folder) != os.path.normpath(folder):  # set outside the files (ESC, --config)
        mine = StackFolder(stack, folder)
    others = [s for name, s in project.stacks.items() if name != stack]
    return sorted({_finding(inner, outer) for inner, outer in _nested([mine, *others], root)
                   if stack in (inner.stack, outer.stack)})


def _nested(stacks: list[StackFolder], root: Path) -> list[tuple[StackFolder, StackFolder]]:
    """(inner, outer) for each stack whose folder is strictly inside another's (links followed)."""
    real = {s.stack: Path(os.path.realpath(root / s.folder)) for s in stacks}
    return [(inner, outer) for inner in stacks for outer in stacks
            if real[inner.stack] != real[outer.stack] and real[inner.stack].is_relative_to(real[outer.stack])]


def _finding(inner: StackFolder, outer: StackFolder) -> Finding:
    """At the inner stack's setting (where a fix usually goes), else the outer's, else the inner's stack file."""
    at = inner if inner.file is not None else outer
    file, line, column = (at.file, at.line, at.column) if at.file is not None else (f"Pulumi.{inner.stack}.yaml", 1, 1)
    return Finding(file, line, column, "E2015", SPECS_KEY,
                   f"stack {inner.stack} reads {inner.folder} ({inner.written}), which is inside {outer.folder}, "
                   f"the folder of stack {outer.stack} ({outer.written}): each job there would belong to both "
                   "stacks, and each would start its own run of it. Give every stack a folder of its own, beside "
                   "the others' (teams/payments, teams/search); stacks that read the very same folder are "
                   "environments of the same jobs (dev, prod) and are fine")


def _show(path: Path, root: Path) -> str:
    try:
        return PurePosixPath(*path.relative_to(root).parts).as_posix()
    except ValueError:
        return str(path)


def _load(path: Path, root: Path) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectError(f"{_show(path, root)}: cannot be read ({reason})") from None
    try:
        top = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise ProjectError(f"{_show(path, root)}{at}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if top is not None and not isinstance(top, yaml.MappingNode) and not _null(top):
        raise ProjectError(f"{_show(path, root)}:1:1: not a mapping (a Pulumi project or stack file is one)")
    return top


def _value(node: yaml.Node | None, keys: str | tuple[str, ...], path: Path, root: Path) -> yaml.Node | None:
    """The value of the key (any of ``keys``) in a mapping node; None when absent or not a mapping."""
    keys = (keys,) if isinstance(keys, str) else keys
    if not isinstance(node, yaml.MappingNode):
        return None
    found = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value in keys]
    if len(found) > 1:  # the engine refuses such a file; the last one must not win silently here
        mark = found[1][0].start_mark
        raise ProjectError(f"{_show(path, root)}:{mark.line + 1}:{mark.column + 1}: {found[1][0].value} is set twice")
    return found[0][1] if found else None


def _mapping(top: yaml.Node | None, key: str, path: Path, root: Path) -> yaml.Node | None:
    node = _value(top, key, path, root)
    if node is not None and not isinstance(node, yaml.MappingNode) and not _null(node):
        mark = node.start_mark
        raise ProjectError(f"{_show(path, root)}:{mark.line + 1}:{mark.column + 1}: `{key}` is not a mapping")
    return node


def _null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and not _null(node) else None


def _folder(stack: str, node: yaml.Node, path: Path, root: Path, project: bool = False) -> StackFolder:
    """The folder a ``jobspec:specs`` value node names: a string, or (project file) ``{value|default: string}``."""
    value = node
    if isinstance(node, yaml.MappingNode) and project:
        value = _value(node, "value", path, root) or _value(node, "default", path, root)
    folder = _scalar(value) if value is not None else None
    if not folder:
        mark = node.start_mark
        what = "a secret" if isinstance(node, yaml.MappingNode) and _value(node, "secure", path, root) else "not a folder"
        raise ProjectError(f"{_show(path, root)}:{mark.line + 1}:{mark.column + 1}: {SPECS_KEY} is {what}; "
                           "it must be a plain folder name, relative to the project (e.g. teams/payments)")
    mark = value.start_mark
    return StackFolder(stack, folder, _show(path, root), mark.line + 1, mark.column + 1)


# -- the command ---------------------------------------------------------------------------------------

OK, FINDINGS, USAGE = 0, 1, 2


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("stacks", help="each stack's folder of specs; exit 1 when one is inside another's",
                       description="List the stacks of the Pulumi project (its Pulumi.<stack>.yaml files, and the "
                                   "stacks named) with the folder of specs each reads (jobspec:specs), and check "
                                   "that no stack's folder is inside another's (E2015). Exit 0, 1 on an overlap, "
                                   "2 when the project cannot be read.")
    p.add_argument("stacks", nargs="*", metavar="STACK",
                   help="only these stacks (default: every stack with a Pulumi.<stack>.yaml); all are checked")
    p.add_argument("--cwd", default=".", help="the Pulumi project folder (default: the current folder)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help='text, or json: [{"stack": …, "specs": …}] on one line (a GitHub Actions matrix)')
    return p


def command(args: argparse.Namespace) -> int:
    root = Path(args.cwd)
    if project_file(root) is None:
        print(f"jobspec: no Pulumi.yaml in {args.cwd}: run in the Pulumi project's folder, or give --cwd",
              file=sys.stderr)
        return USAGE
    try:
        project = read_project(root)
    except ProjectError as exc:
        print(f"jobspec: {exc}", file=sys.stderr)
        return USAGE
    chosen = [project.folder_of(name) for name in dict.fromkeys(args.stacks)] or list(project.stacks.values())
    for name in args.stacks:
        if name not in project.stacks:
            print(f"jobspec: note: stack {name} has no Pulumi.{name}{project.suffix} in {args.cwd}; it reads "
                  f"{project.default.folder} ({project.folder_of(name).written})", file=sys.stderr)
    if not chosen:
        print(f"jobspec: note: no Pulumi.<stack>{project.suffix} in {args.cwd}; name the stacks (they all read "
              f"{project.default.folder})", file=sys.stderr)
    findings = overlaps({s.stack: s for s in [*project.stacks.values(), *chosen]}.values(), root)
    if findings:
        sys.stderr.write(text.render(findings))
        return FINDINGS
    if args.format == "json":
        print(json.dumps([{"stack": s.stack, "specs": s.folder} for s in chosen]))
    else:
        width = max((len(s.stack) for s in chosen), default=0)
        folders = max((len(s.folder) for s in chosen), default=0)
        for s in chosen:
            where = f"{s.file}:{s.line}:{s.column}" if s.file is not None else "jobspec's default"
            print(f"{s.stack:<{width}}  {s.folder:<{folders}}  {where}"
                  + (", the project's default" if s.inherited and s.file is not None else ""))
    return OK
