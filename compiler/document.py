"""A job spec as the service will see it: defaults and stack overrides merged in.

Precedence, lowest first (a later layer wins where two set the same key; mappings
merge key by key, lists and scalars are replaced whole):

1. ``defaults:`` of each ``_defaults.yaml`` from the outermost folder inward,
2. ``stacks.<stack>:`` of those same files, in the same order,
3. the spec file itself,
4. ``stacks.<stack>:`` of the spec file.

So the file closest to the job wins, and within one file the stack section wins.
Every merged value remembers the layer it came from, so a finding points into the
file that actually wrote the value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from compiler import loader
from compiler.findings import Finding, dotted

DEFAULTS_FILE = "_defaults.yaml"
#: Where findings about deploy-time overrides point.
OVERRIDES_FILE = "<deploy-time overrides>"
SPEC_SUFFIXES = (".yaml", ".yml")
#: Folders that end the upward search for ``_defaults.yaml``.
ROOT_MARKERS = ("Pulumi.yaml", ".git")


@dataclass(frozen=True)
class Layer:
    """Part of one file merged into a spec: ``source.data`` at ``prefix``."""

    source: loader.Source
    prefix: tuple

    def node(self, path: tuple) -> tuple[yaml.Node | None, yaml.Node | None]:
        return loader.node_at(self.source.node_root(), self.prefix + path)


@dataclass
class Document:
    """One merged spec for one stack, and the layers it was made of (highest first)."""

    file: str
    stack: str | None
    data: dict[str, Any]
    layers: list[Layer]

    def locate(self, path: tuple, key: bool = False) -> tuple[str, int, int]:
        """``file, line, column`` of the value (or of its key) at ``path``.

        A missing member is reported at the nearest mapping that would hold it.
        """
        for cut in range(len(path), -1, -1):
            for layer in self.layers:
                key_node, node = layer.node(path[:cut])
                if node is None:
                    continue
                target = key_node if (key or cut < len(path)) and key_node is not None else node
                mark = target.start_mark
                return layer.source.file, mark.line + 1, mark.column + 1
        return self.file, 1, 1

    def finding(self, rule: str, path: tuple, message: str, key: bool = False) -> Finding:
        file, line, col = self.locate(path, key)
        return Finding(file, line, col, rule, dotted(path), message)


def deep_merge(base: dict, over: dict) -> dict:
    """``over`` on top of ``base``: mappings merge recursively, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = deep_merge(old, value)
        else:
            out[key] = value
    return out


def project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with Pulumi.yaml or .git (else the filesystem root)."""
    for folder in (start, *start.parents):
        if any((folder / m).exists() for m in ROOT_MARKERS):
            return folder
    return Path(start.anchor)


def containment_root(path: Path) -> Path:
    """The folder no spec or link may point out of: the repository, else the folder being linted."""
    # Found from the path as given, not its real path: a spec reached through a linked
    # folder belongs to the repository it was named in, and must not leave it.
    folder = (path if path.is_dir() else path.parent).absolute()
    root = project_root(folder)
    return (root if root != Path(root.anchor) else folder).resolve()


def outside(path: Path, root: Path, resolved_dirs: dict[Path, Path]) -> bool:
    """Whether ``path`` (following links) leaves ``root``.

    ``resolved_dirs`` caches each folder's real path for one run: a file that is not a
    link then costs one ``lstat`` instead of a full ``resolve()`` of its every folder
    (about 5% of lint's time per spec in a profile of bench/lint_bench.py).
    """
    if path.is_symlink():
        real = path.resolve()
    else:
        parent = path.parent
        if parent not in resolved_dirs:
            resolved_dirs[parent] = parent.resolve()
        real = resolved_dirs[parent] / path.name
    try:
        real.relative_to(root)
    except ValueError:
        return True
    return False


def defaults_files(spec: Path) -> list[Path]:
    """``_defaults.yaml`` files that apply to ``spec``, outermost first.

    Spelled like ``spec``: relative to the working folder when the spec path is, so a
    finding in a defaults file reads ``jobs/_defaults.yaml`` as the spec's finding reads
    ``jobs/etl.yaml`` (annotations on a pull request need repository paths).
    """
    folder = spec.resolve().parent
    top = project_root(folder)
    found = []
    for parent in (folder, *folder.parents):
        candidate = parent / DEFAULTS_FILE
        if candidate.is_file():
            found.append(candidate if spec.is_absolute() else Path(os.path.relpath(candidate)))
        if parent == top:
            break
    return found[::-1]


def _section(source: loader.Source, prefix: tuple) -> dict | None:
    value: Any = source.data
    for part in prefix:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, dict) else None


def stacks_named(sources: list[loader.Source]) -> set[str]:
    """Every stack name that any of these files has a section for."""
    names: set[str] = set()
    for source in sources:
        stacks = source.data.get("stacks") if isinstance(source.data, dict) else None
        if isinstance(stacks, dict):
            names.update(str(name) for name in stacks)
    return names


def merge(spec: loader.Source, defaults: list[loader.Source], stack: str | None,
          overrides: dict[str, Any] | None = None) -> Document:
    """The spec for ``stack`` with its defaults merged in (see the module doc for precedence).

    ``overrides`` (deploy-time values such as Pulumi config ``jobspec:applicationId``)
    win over everything.
    """
    order: list[Layer] = [Layer(d, ("defaults",)) for d in defaults]
    if stack is not None:
        order += [Layer(d, ("stacks", stack)) for d in defaults]
    order.append(Layer(spec, ()))
    if stack is not None:
        order.append(Layer(spec, ("stacks", stack)))
    if overrides:
        order.append(Layer(loader.Source(OVERRIDES_FILE, {"overrides": overrides}, None), ("overrides",)))
    data: dict[str, Any] = {}
    used: list[Layer] = []
    for layer in order:
        section = _section(layer.source, layer.prefix)
        if section is None:
            continue
        data = deep_merge(data, section) if data else dict(section)
        used.append(layer)
    data.pop("stacks", None)
    return Document(spec.file, stack, data, used[::-1])


def spec_files(paths: list[str | Path]) -> Iterator[tuple[Path, Path]]:
    """(spec file, containment root) under ``paths``, recursively and sorted.

    ``_``-prefixed files are not specs (``_defaults.yaml``); hidden folders are skipped.
    """
    for raw in paths:
        path = Path(raw)
        root = containment_root(path)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.suffix in SPEC_SUFFIXES and not found.name.startswith(("_", ".")) and found.is_file():
                    if not any(part.startswith(".") for part in found.relative_to(path).parts[:-1]):
                        yield found, root
        else:
            yield path, root
