"""The job spec schema as JSON Schema (draft-07), for editors and yaml-language-server.

Generated from the same cerberus schema the linter uses; nothing is restated here.
It accepts and rejects the same single-file specs as the linter, except for what
JSON Schema cannot express, which stays with the linter (the final word):

- rules that span fields or files: ``retryPolicy`` against ``mode`` (E2001, E2002,
  W2010), since ``mode`` may come from ``_defaults.yaml`` or a stack section;
- a policy string that must parse as JSON (E2003), and the length or pattern of the
  string a readable mapping compiles to (E2006);
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
- a flag value without whitespace (E2005) is a pattern of anything but Python's ``\\s``
  class spelled out, and a ``flag=`` key takes no ``true``/``false`` (``patternProperties``);
  members that exclude each other (``application`` and ``applicationId``, the ``jobDriver``
  union) are ``if``/``then`` pairs; no member may be null;
- the failures the linter words (the union, either/or pairs, whitespace, ``flag=``, null)
  carry the linter's words as ``errorMessage``/``patternErrorMessage``, which
  yaml-language-server shows instead of "Matches multiple schemas" or "Matches a
  schema that is not allowed" (it ignores ``errorMessage`` on ``oneOf`` and ``not``,
  so neither is used);
- descriptions: botocore's documentation of each member (HTML, as plain text in
  ``description`` and markdown in ``markdownDescription``, the hover), then jobspec's
  notes (compiler/htmldoc.py);
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

from compiler import htmldoc, schema as spec_schema_mod, sugar
from compiler.model import RECURSIVE

DRAFT = "http://json-schema.org/draft-07/schema#"
_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "dict": "object", "list": "array"}
STACK_OVERRIDES = "StackOverrides"
SENSITIVE = "Sensitive: stored as a Pulumi secret."
NESTED_STACKS = ("stacks: inside a stack section or under defaults: is never read; write stacks: at the top level "
                 "of the file")

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


def _describe(meta: dict[str, Any]) -> dict[str, str]:
    """``description`` (plain text) and ``markdownDescription`` (the hover): AWS's words, then jobspec's notes."""
    notes = [meta[key] for key in ("doc",) if meta.get(key)]
    if meta.get("sensitive"):
        notes.append(SENSITIVE)
    html = meta.get("aws_doc")
    text = ([htmldoc.to_text(html)] if html else []) + notes
    markdown = ([htmldoc.to_markdown(html)] if html else []) + notes
    if not text:
        return {}
    return {"description": "\n\n".join(text), "markdownDescription": "\n\n".join(markdown)}


def _not_both(first: str, second: str, message: str) -> dict[str, Any]:
    """``first`` may not be given with ``second``, reported at ``first`` with the linter's words.

    An ``if``/``then`` rather than a ``not``: yaml-language-server words a failed ``not``
    as "Matches a schema that is not allowed" whatever ``errorMessage`` says.
    """
    return {"if": {"required": [second]}, "then": {"properties": {first: False}, "errorMessage": message}}


def _union(out: dict[str, Any], members: list[str], label: str) -> None:
    """Exactly one of ``members``: worded as the linter's E1020 (compiler/validator.py), not as a ``oneOf``."""
    union = f"{label} must have exactly one of {', '.join(members)}"
    # "none": any one member satisfies it (a stack section drops this part: _partial).
    out["anyOf"] = [{"required": [m], "errorMessage": f"{union} (has: none)"} for m in members]
    for i, later in enumerate(members[1:], 1):
        for earlier in members[:i]:
            _add(out, _not_both(earlier, later, f"{union} (has: {earlier}, {later})"))


def _no_whitespace(member: str | bool, label: str) -> dict[str, Any]:
    """A flag mapping's text without whitespace (E2005), worded as the linter's."""
    name = member if isinstance(member, str) else sugar.SPARK
    return {"pattern": f"^[^{WHITESPACE[1:-1]}]*(?![\\s\\S])",
            "patternErrorMessage": f"{label} contains whitespace, which the mapping form cannot quote; "
                                   f"write {name} as one string instead"}


def _glued_flags(rules: dict[str, Any], label: str) -> dict[str, Any]:
    """``patternProperties`` for the ``flag=`` keys of a flags mapping: they take a value, never true/false (E2005).

    The keys with entries of their own (``conf=``) are left to ``properties``: JSON Schema
    applies a matching ``patternProperties`` to a key ``properties`` names too.
    """
    named = "|".join(k for k in rules.get("schema", {}) if k.endswith("="))  # flag keys: no regex syntax
    pattern = (f"^(?!(?:{named})(?![\\s\\S]))" if named else "^") + "[\\s\\S]*=(?![\\s\\S])"
    value = _convert(rules["allow_unknown"], f"a value of {label}")
    message = (f"a flag of {label} written with '=' takes a value, not true or false: quote \"true\" to send "
               "that text, or drop the '=' from the key for the bare flag")
    _add(value, {"if": {"type": "boolean"}, "then": {"type": ["string", "array"], "errorMessage": message}})
    return {pattern: value}


def _convert(rules: dict[str, Any] | str, label: str = "this value") -> dict[str, Any]:
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
    out.update(_describe(rules.get("meta", {})))
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
            # An item of a flag's list is still "a value of sparkSubmitParameters"; of a member, "an item of it".
            out["items"] = _convert(rules["schema"], label if label.startswith("a ") else f"an item of {label}")
        else:
            out.update(_object(rules["schema"], rules.get("allow_unknown", False), label))
    if "keysrules" in rules:
        key = _convert(rules["keysrules"], f"a key of {label}")
        key.pop("description", None)
        key.pop("markdownDescription", None)
        out["propertyNames"] = {**key, "type": "string"}
    if "valuesrules" in rules:
        out["additionalProperties"] = _convert(rules["valuesrules"], f"a value of {label}")
    if "exactly_one_of" in rules:
        _union(out, rules["exactly_one_of"], label)
    if rules.get("compiles_to", {}).get("sugar") in sugar.EXPANDED and "allow_unknown" in rules:
        out["patternProperties"] = _glued_flags(rules, label)
    if rules.get("nowhitespace"):
        _add(out, _no_whitespace(rules["nowhitespace"], label))
    if not types and not rules.get("nullable", False):
        # Any value but null; a type list (not a `not`) so the editor can say it as the linter does.
        _add(out, {"type": ["string", "number", "boolean", "object", "array"],
                   "errorMessage": f"{label} is empty (null); give it a value or remove the key"})
    return out


def _object(schema: dict[str, Any], allow_unknown: Any = False, label: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"properties": {name: _convert(rules, name) for name, rules in schema.items()}}
    required = [n for n, r in schema.items() if isinstance(r, dict) and r.get("required")]
    if required:
        out["required"] = required
    if isinstance(allow_unknown, dict):
        out["additionalProperties"] = _convert(allow_unknown, f"a value of {label}")
    elif not allow_unknown:
        out["additionalProperties"] = False
    pairs = []
    for name, rules in schema.items():
        if isinstance(rules, dict) and "excludes" in rules:
            pair = sorted([name, rules["excludes"]])
            if pair not in pairs:
                pairs.append(pair)
    for first, second in pairs:
        _add(out, _not_both(first, second, f"give either '{first}' or '{second}', not both"))
    return out


def _partial(node: dict[str, Any]) -> dict[str, Any]:
    """A mapping's schema as a stack section may write it: merged key by key over the spec.

    Nothing is required, no union must be complete and mappings have no size bounds
    (the merge fills them); lists and scalars replace the spec's whole, so items keep
    every rule.
    """
    out = {k: v for k, v in node.items()
           if k not in ("required", "anyOf", "minProperties", "maxProperties")}
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
    # Nothing reads a section's own stacks: (nor one under a _defaults.yaml's defaults:): known, never
    # suggested, refused with a sentence (a bare "Property stacks is not allowed" would not say where it goes).
    overrides["properties"]["stacks"] = {"doNotSuggest": True}
    _add(overrides, {"properties": {"stacks": False}, "errorMessage": NESTED_STACKS})
    overrides["description"] = "Overrides for one stack, deep-merged over the spec: a partial spec."
    return {
        "$schema": DRAFT,
        "$id": "https://jobspec.dev/schema/jobspec.schema.json",
        "title": "jobspec: an EMR Serverless StartJobRun job spec",
        "type": "object",
        **top,
        "definitions": {RECURSIVE: _convert(registry[RECURSIVE], "configuration"), STACK_OVERRIDES: {"type": "object", **overrides}},
    }
