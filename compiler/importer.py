"""``jobspec import``: an existing StartJobRun body (``--cli-input-json`` file) → a job spec.

The body is read as JSON (its positions from the YAML loader, see ``load_body``),
linted as a body (``compiler.schema.body_schema``: what botocore would send, no spec
sugar) so an invalid body is refused with ``file:line:col`` findings, and written back
as YAML using the readable forms only where they compile back to the very same
string. ``clientToken`` is kept verbatim, so ``compile(import(body)) == body``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import yaml

from compiler import loader, sugar
from compiler.document import Document, Layer
from compiler.findings import Finding, dotted
from compiler.lint import Linter, body_linter

HEADER = "# Imported by `jobspec import` from {name}\n"


class _Dumper(yaml.SafeDumper):
    """Block style, and multi-line strings (Hive queries) as literal blocks when safe."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\x85" in value:  # a raw NEL reads back as a line break; only double quotes escape it (\N)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value and value == value.strip() and "\r" not in value and "\t" not in value \
            and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


#: Members with a readable form: (path in the body, kind of sugar).
SUGARED = (
    (("jobDriver", "sparkSubmit", sugar.SPARK), sugar.SPARK),
    (("jobDriver", "hive", sugar.HIVE), sugar.HIVE),
    (("executionIamPolicy", sugar.POLICY), sugar.POLICY),
)


def readable(body: dict[str, Any]) -> dict[str, Any]:
    """The body with sugar applied where it round-trips exactly."""
    return readable_forms(body)[0]


def readable_forms(body: dict[str, Any], normalize_whitespace: bool = False) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """(the body with sugar applied, [(dotted member, what changed)]).

    Without ``normalize_whitespace`` the list is empty and every readable form compiles
    to the very same string. With it, a flags string that has a readable form only once
    the whitespace between its flags is one space gets that form too, and is listed
    with what changed (``"runs of spaces → one"``): its compiled body differs from
    ``body`` in that whitespace only.
    """
    spec = copy.deepcopy(body)
    normalized: list[tuple[str, str]] = []
    for path, kind in SUGARED:
        parent: Any = spec
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        text = parent.get(path[-1]) if isinstance(parent, dict) else None
        if not isinstance(text, str):
            continue
        if kind == sugar.POLICY:
            mapping = sugar.decompile_policy(text)
        else:
            mapping = sugar.decompile(kind, text)
            if mapping is None and normalize_whitespace:
                mapping = sugar.decompile(kind, text, normalize=True)
                if mapping is not None:
                    normalized.append((dotted(path), "whitespace normalized (" + sugar.whitespace_changes(text) + ")"))
        if mapping is not None:
            parent[path[-1]] = mapping
    return spec, normalized


def to_yaml(spec: dict[str, Any]) -> str:
    return yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1 << 16)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")  # the YAML loader reports it, with its position (E0002)
    return dict(pairs)


def load_body(path: str | Path) -> loader.Source:
    """The body exactly as JSON reads it, with the YAML loader's nodes to place findings.

    JSON is YAML, almost: libyaml refuses an escaped surrogate pair (how ``json.dumps``
    writes an emoji) and the DEL character, and reads a raw NEL (U+0085) in a string as
    a line break. So the values come from the json module; a file that is not JSON is
    read as YAML. Raises LoadError like ``loader.load``.
    """
    try:
        source, failure = loader.load(path), None
    except loader.LoadError as exc:
        if exc.finding.rule != "E0001":
            raise
        source, failure = None, exc
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"), object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError):
        if failure is not None:
            raise failure from None
        return source
    if source is None:
        return loader.Source(str(path), data, None)  # findings then point at 1:1
    source.data = data
    return source


def import_file(path: str | Path, linter: Linter | None = None, normalize_whitespace: bool = False,
                note: Callable[[str], None] | None = None) -> tuple[str | None, list[Finding]]:
    """(YAML spec, findings); the spec is None when the body is invalid.

    ``normalize_whitespace``: see ``readable_forms``; each member it changed is told to
    ``note`` (``body.json: jobDriver.hive.parameters: whitespace normalized (…)``).
    """
    linter = linter or body_linter()
    try:
        source = load_body(path)
    except loader.LoadError as exc:
        return None, [exc.finding]
    findings = list(source.findings)
    if not isinstance(source.data, dict):
        findings.append(Finding(source.file, 1, 1, "E0005", "", "a StartJobRun body is a JSON object"))
        return None, findings
    doc = Document(source.file, None, source.data, [Layer(source, ())])
    findings += linter.check(doc)
    if any(f.severity == "error" for f in findings):
        return None, findings
    spec, normalized = readable_forms(source.data, normalize_whitespace)
    for member, change in normalized:
        if note is not None:
            note(f"{source.file}: {member}: {change}")
    text = HEADER.format(name=Path(path).name) + to_yaml(spec)
    return text, findings
