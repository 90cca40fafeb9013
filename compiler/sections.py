"""The sections of a file that ``merge`` takes apart: ``defaults:`` and ``stacks:``.

``compiler.document.merge`` reads ``defaults:`` of a ``_defaults.yaml`` and the
``stacks.<name>`` sections of it and of a spec, and drops any ``stacks`` key left in
what it merged, so the schema never sees these sections' shapes. The checks here say
what would otherwise be lost in that merge:

- a ``_defaults.yaml`` holds only ``defaults`` and ``stacks`` (E1001), ``defaults`` a
  mapping (E1003);
- ``stacks`` is a mapping (E1003) of stack names (W0011) to mappings (E1003);

E2016
    A ``stacks:`` block where stack sections cannot nest: inside ``defaults:`` of a
    ``_defaults.yaml``, or inside a ``stacks.<name>`` section of a spec or a defaults
    file. ``merge`` would drop it without a word, so its overrides would never apply.
    Move each stack section to the top-level ``stacks:`` of the file.

    FAIL::

        defaults:
          executionTimeoutMinutes: 60
          stacks:                      # E2016
            prod: {executionTimeoutMinutes: 120}

    PASS::

        defaults:
          executionTimeoutMinutes: 60
        stacks:
          prod: {executionTimeoutMinutes: 120}
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from compiler import loader, lookalikes, schema as spec_schema_mod
from compiler.findings import Finding, kind_of

SECTIONS = ("defaults", "stacks")
#: The schema's stack-name pattern (what Pulumi accepts; an org/project/ prefix is not part of it).
#: Checked here because ``merge`` removes ``stacks`` before the schema sees a document.
STACK_NAME = re.compile(spec_schema_mod.STACK_NAME)


def _at(source: loader.Source, path: tuple, key: bool = False) -> tuple[int, int]:
    key_node, node = loader.node_at(source.root, path)
    mark = (key_node if key and key_node is not None else node).start_mark
    return mark.line + 1, mark.column + 1


def load_defaults(path: Path) -> loader.Source | Finding:
    """A ``_defaults.yaml``, with the findings about its own shape in ``source.findings``."""
    try:
        source = loader.load(path)
    except loader.LoadError as exc:
        return exc.finding
    data = source.data
    if data is None:
        source.data = {}
        return source
    if not isinstance(data, dict):
        return Finding(source.file, 1, 1, "E0005", "", "a defaults file is a mapping with 'defaults' and 'stacks'")
    for key in data:
        if key not in SECTIONS:
            key_node, _ = loader.node_at(source.root, (key,))
            line, col = _at(source, (key,), key=True)
            column = col + (1 if getattr(key_node, "style", None) in ("'", '"') else 0)
            odd = lookalikes.unknown_key_message(str(key), column, SECTIONS)
            close = difflib.get_close_matches(str(key), SECTIONS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else "; put shared values under 'defaults:'"
            source.findings.append(Finding(source.file, line, col, "E1001", str(key),
                                           odd or f"unknown key '{key}' in a defaults file{hint}"))
    if "defaults" in data and not isinstance(data["defaults"], dict):
        line, col = _at(source, ("defaults",))
        source.findings.append(Finding(source.file, line, col, "E1003", "defaults",
                                       f"'defaults' must be a mapping, not {kind_of(data['defaults'])}"))
    elif isinstance(data.get("defaults"), dict) and "stacks" in data["defaults"]:
        source.findings.append(_nested(source, ("defaults", "stacks"), data["defaults"]["stacks"],
                                       "stack sections go at the top of the file, beside 'defaults'"))
    source.findings.extend(check_stacks(source))
    return source


def check_stacks(source: loader.Source) -> list[Finding]:
    """The ``stacks:`` section of a spec or a defaults file: its shape, names, and no nested ``stacks``."""
    stacks = source.data.get("stacks")
    if stacks is None and "stacks" not in source.data:
        return []
    if not isinstance(stacks, dict):
        line, col = _at(source, ("stacks",))
        return [Finding(source.file, line, col, "E1003", "stacks",
                        f"'stacks' must be a mapping of stack name to overrides, not {kind_of(stacks)}")]
    bad = []
    for name, section in stacks.items():
        if isinstance(name, str) and not STACK_NAME.fullmatch(name):
            key, _ = loader.node_at(source.node_root(), ("stacks", name))
            mark = key.start_mark
            bad.append(Finding(source.file, mark.line + 1, mark.column + 1, "W0011", f"stacks.{name}",
                               f"no Pulumi stack can be named {name!r} (letters, digits, '-', '_' and '.', "
                               "at most 100), so this section never applies"))
        if not isinstance(section, dict):
            line, col = _at(source, ("stacks", name))
            bad.append(Finding(source.file, line, col, "E1003", f"stacks.{name}",
                               f"'stacks.{name}' must be a mapping of overrides, not {kind_of(section)}"))
        elif "stacks" in section:
            bad.append(_nested(source, ("stacks", name, "stacks"), section["stacks"],
                               "stack sections do not nest; put each at the top level"))
    return bad


def _nested(source: loader.Source, path: tuple, value: Any, advice: str) -> Finding:
    """E2016 at the key of a ``stacks`` block that ``merge`` would drop."""
    line, col = _at(source, path, key=True)
    inside = ".".join(str(part) for part in path[:-1])
    names = ", ".join(f"stacks.{name}" for name in value) if isinstance(value, dict) and value else ""
    return Finding(source.file, line, col, "E2016", ".".join(str(part) for part in path),
                   f"'stacks' inside '{inside}' is ignored: {advice}" + (f" ({names})" if names else ""))
