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
from typing import Any

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


#: ``deep_merge``'s results by the ids of the two mappings merged, each entry holding both (so that
#: neither id can be reused by another object while the entry lives).
MergeMemo = dict[tuple[int, int], tuple[dict, dict, dict]]


def deep_merge(base: dict, over: dict, memo: MergeMemo | None = None) -> dict:
    """``over`` on top of ``base``: mappings merge recursively, anything else is replaced.

    With a ``memo``, merging the same two mappings again returns the same result object:
    a spec's base and stack documents then share the subtrees no stack layer changes
    (``configurationOverrides`` merged with the defaults' is the usual one), and the
    linter checks each shared subtree once (compiler/fastcheck.py). Documents are never
    changed after merging, so sharing is safe.
    """
    if memo is not None:
        hit = memo.get((id(base), id(over)))
        if hit is not None and hit[0] is base and hit[1] is over:
            return hit[2]
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = deep_merge(old, value, memo)
        else:
            out[key] = value
    if memo is not None:
        memo[(id(base), id(over))] = (base, over, out)
    return out


def project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with Pulumi.yaml or .git (else the filesystem root)."""
    for folder in (start, *start.parents):
        if any(os.path.exists(folder / m) for m in ROOT_MARKERS):  # an unreadable folder is no marker
            return folder
    return Path(start.anchor)


def containment_root(path: Path) -> Path:
    """The folder no spec or link may point out of: the repository, else the folder being linted."""
    # Found from the path as given, not its real path: a spec reached through a linked
    # folder belongs to the repository it was named in, and must not leave it.
    # os.path, not Path: they answer False (not raise) for a path too long or not traversable,
    # and realpath ends at a loop of links; lint then reports the path itself.
    folder = (path if os.path.isdir(path) else path.parent).absolute()
    root = project_root(folder)
    return Path(os.path.realpath(root if root != Path(root.anchor) else folder))


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
        # Any kind of file counts, not only a regular one: a FIFO, a folder or a link to
        # nothing named _defaults.yaml is reported (E0012, E0009), not skipped, since the
        # specs below it would otherwise deploy without its values.
        if os.path.lexists(candidate):
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
          overrides: dict[str, Any] | None = None, memo: MergeMemo | None = None) -> Document:
    """The spec for ``stack`` with its defaults merged in (see the module doc for precedence).

    ``overrides`` (deploy-time values such as Pulumi config ``jobspec:applicationId``)
    win over everything. One ``memo`` for the documents of one spec lets them share
    what they merge alike (``deep_merge``).
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
        data = deep_merge(data, section, memo) if data else dict(section)
        used.append(layer)
    data.pop("stacks", None)
    return Document(spec.file, stack, data, used[::-1])
