"""The job spec schema as JSON Schema (draft-07), for editors and yaml-language-server.

Generated from the same cerberus schema the linter uses; nothing is restated here.
It accepts and rejects the same single-file specs as the linter, except for what
JSON Schema cannot express, which stays with the linter (the final word):

- rules that span fields or files: ``retryPolicy`` against ``mode`` (E2001, E2002,
  W2010), since ``mode`` may come from ``_defaults.yaml`` or a stack section;
- a policy string that must parse as JSON (E2003), and the length or pattern of the
  string a readable mapping compiles to (E2006);
- ``true``/``false`` for a flag written ``archives=:`` (E2005): every flag of a flags
  mapping has the same rules here, and the ``=`` spelling is checked when it compiles;
- plain-text secrets (E3001) and duplicate keys (E0002, invisible once parsed);
- what ``schedule:`` needs beyond its members' types and limits (E4001-E4007, W4003,
  W4008 and a scheduled spec's ``schedule.roleArn``): the expression grammar, time zones, dates;
- YAML types JSON lacks: ``60.0`` is an integer to JSON Schema, a date is a string
  to an editor reading YAML 1.2.

How the linter's rules are carried over:

- patterns: the model's are Java regexes matched whole with ASCII classes and a
  ``.`` that matches newlines; JSON Schema's are ECMA 262 searches (and Python's
  ``jsonschema`` uses ``re.search``, whose ``$`` also matches before a final
  newline). So ``.``, ``\\w``, ``\\d`` and ``\\s`` are spelled out as classes and the
  pattern is anchored with ``^(?:...)(?![\\s\\S])``, which means the same to both engines;
- ``minlength``/``maxlength`` count characters, items or entries, as cerberus does
  for whatever type the value has;
- map keys must be strings (YAML reads ``1:`` as a number);
- a flag value without whitespace (E2005) is a ``not`` of Python's ``\\s``
  class spelled out; members that exclude each other (``application`` and
  ``applicationId``) are a ``not`` of both being present; no member may be null;
- a ``stacks.<name>`` section is checked as a partial spec: the same members and
  types, nothing required (the spec and its defaults fill the rest), no size bounds
  on mappings (they merge key by key).

Nothing is required at the top level: a single file may leave members to
``_defaults.yaml``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from compiler import schema as spec_schema_mod
from compiler.model import RECURSIVE

DRAFT = "http://json-schema.org/draft-07/schema#"
_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "dict": "object", "list": "array"}
STACK_OVERRIDES = "StackOverrides"

#: Python's (and so cerberus') ASCII classes, for patterns matched with ``re.ASCII``.
_ASCII_CLASSES = {"w": "A-Za-z0-9_", "d": "0-9", "s": "\\t\\n\\x0B\\f\\r "}


def _unicode_whitespace() -> str:
    """Python's ``\\s`` without ``re.ASCII`` (what ``sugar.has_whitespace`` uses) as an explicit class."""
    points = [c for c in range(0x110000) if re.match(r"\s", chr(c))]
    ranges: list[list[int]] = []
    for c in points:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    parts = [f"\\u{a:04X}" + (f"-\\u{b:04X}" if b > a else "") for a, b in ranges]
    return "[" + "".join(parts) + "]"


WHITESPACE = _unicode_whitespace()


def translate(pattern: str) -> str:
    """A model pattern (``re.ASCII | re.DOTALL``) as an ECMA 262 regex with the same meaning."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            i += 2
            low = nxt.lower()
            if low in _ASCII_CLASSES:
                negated = nxt.isupper()
                if in_class:
                    if negated:
                        raise ValueError(f"cannot translate \\{nxt} inside a character class: {pattern}")
                    out.append(_ASCII_CLASSES[low])
                else:
                    out.append(f"[{'^' if negated else ''}{_ASCII_CLASSES[low]}]")
            else:
                out.append(char + nxt)
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            out.append(char)
            i += 1
            if pattern[i:i + 1] == "^":
                out.append("^")
                i += 1
            continue
        elif char == ".":
            char = "[\\s\\S]"
        out.append(char)
        i += 1
    return "".join(out)


def _anchored(pattern: str) -> str:
    # Anchored as a whole match; (?![\s\S]) is the true end of input in ECMA 262 and in Python.
    return f"^(?:{translate(pattern)})(?![\\s\\S])"


def _add(out: dict[str, Any], condition: dict[str, Any]) -> None:
    out.setdefault("allOf", []).append(condition)


def _convert(rules: dict[str, Any] | str) -> dict[str, Any]:
    if isinstance(rules, str):
        return {"$ref": f"#/definitions/{rules}"}
    out: dict[str, Any] = {}
    types = rules.get("type")
    if types:
        names = [types] if isinstance(types, str) else list(types)
        mapped = [_TYPES[t] for t in names]
        out["type"] = mapped[0] if len(mapped) == 1 else mapped
    else:
        names = []
    doc = rules.get("meta", {}).get("doc")
    if doc:
        out["description"] = doc
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"])
    if "pattern" in rules:
        out["pattern"] = _anchored(rules["pattern"])
    for rule, (string_kw, array_kw, object_kw) in {
        "minlength": ("minLength", "minItems", "minProperties"),
        "maxlength": ("maxLength", "maxItems", "maxProperties"),
    }.items():
        if rule in rules:
            # cerberus measures any sized value: characters, items or entries.
            if "string" in names:
                out[string_kw] = rules[rule]
            if "list" in names:
                out[array_kw] = rules[rule]
            if "dict" in names:
                out[object_kw] = rules[rule]
    if "min" in rules:
        out["minimum"] = rules["min"]
    if "max" in rules:
        out["maximum"] = rules["max"]
    if "schema" in rules:
        if "list" in names:
            out["items"] = _convert(rules["schema"])
        else:
            out.update(_object(rules["schema"], rules.get("allow_unknown", False)))
    if "keysrules" in rules:
        key = _convert(rules["keysrules"])
        key.pop("description", None)
        out["propertyNames"] = {**key, "type": "string"}
    if "valuesrules" in rules:
        out["additionalProperties"] = _convert(rules["valuesrules"])
    if "exactly_one_of" in rules:
        out["oneOf"] = [{"required": [m]} for m in rules["exactly_one_of"]]
    if rules.get("nowhitespace"):
        _add(out, {"not": {"type": "string", "pattern": WHITESPACE}})
    if not types and not rules.get("nullable", False):
        _add(out, {"not": {"type": "null"}})
    if rules.get("meta", {}).get("sensitive"):
        out.setdefault("description", "Sensitive: stored as a Pulumi secret.")
    return out


def _object(schema: dict[str, Any], allow_unknown: Any = False) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": {name: _convert(rules) for name, rules in schema.items()}}
    required = [n for n, r in schema.items() if isinstance(r, dict) and r.get("required")]
    if required:
        out["required"] = required
    if isinstance(allow_unknown, dict):
        out["additionalProperties"] = _convert(allow_unknown)
    elif not allow_unknown:
        out["additionalProperties"] = False
    pairs = []
    for name, rules in schema.items():
        if isinstance(rules, dict) and "excludes" in rules:
            pair = sorted([name, rules["excludes"]])
            if pair not in pairs:
                pairs.append(pair)
    for pair in pairs:
        _add(out, {"not": {"required": pair}})
    return out


def _partial(node: dict[str, Any]) -> dict[str, Any]:
    """A mapping's schema as a stack section may write it: merged key by key over the spec.

    Nothing is required, no union must be complete and mappings have no size bounds
    (the merge fills them); lists and scalars replace the spec's whole, so items keep
    every rule.
    """
    out = {k: v for k, v in node.items()
           if k not in ("required", "oneOf", "minProperties", "maxProperties")}
    if "properties" in out:
        out["properties"] = {name: _partial(sub) for name, sub in out["properties"].items()}
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = _partial(out["additionalProperties"])
    return out


def json_schema() -> dict[str, Any]:
    """JSON Schema of one spec file (before defaults are merged, so nothing is required)."""
    schema, registry = spec_schema_mod.spec_schema()
    top = _object(schema)
    # A single file may leave required members to _defaults.yaml.
    top.pop("required", None)
    overrides = _partial(copy.deepcopy(top))
    stack_ref = {"$ref": f"#/definitions/{STACK_OVERRIDES}"}
    top["properties"]["stacks"]["additionalProperties"] = stack_ref
    overrides["properties"]["stacks"]["additionalProperties"] = stack_ref
    overrides["description"] = "Overrides for one stack, deep-merged over the spec: a partial spec."
    return {
        "$schema": DRAFT,
        "$id": "https://jobspec.dev/schema/jobspec.schema.json",
        "title": "jobspec: an EMR Serverless StartJobRun job spec",
        "type": "object",
        **top,
        "definitions": {RECURSIVE: _convert(registry[RECURSIVE]), STACK_OVERRIDES: {"type": "object", **overrides}},
    }
