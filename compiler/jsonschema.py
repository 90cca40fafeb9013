"""The job spec schema as JSON Schema (draft-07), for editors and yaml-language-server.

Generated from the same cerberus schema the linter uses; nothing is restated here.
Rules JSON Schema cannot express (cross-field service rules, "compiles to" checks)
stay with the linter, which is the final word.
"""

from __future__ import annotations

from typing import Any

from compiler import schema as spec_schema_mod
from compiler.model import RECURSIVE

DRAFT = "http://json-schema.org/draft-07/schema#"
_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "dict": "object", "list": "array"}


def _anchored(pattern: str) -> str:
    # JSON Schema patterns are searches; the model's are full matches.
    return f"^(?:{pattern})$"


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
            if "string" in names:
                out[string_kw] = rules[rule]
            if "list" in names:
                out[array_kw] = rules[rule]
            if "dict" in names and "string" not in names:
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
        out["propertyNames"] = {k: v for k, v in key.items() if k in ("pattern", "minLength", "maxLength")}
    if "valuesrules" in rules:
        out["additionalProperties"] = _convert(rules["valuesrules"])
    if "exactly_one_of" in rules:
        out["oneOf"] = [{"required": [m]} for m in rules["exactly_one_of"]]
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
    return out


def json_schema() -> dict[str, Any]:
    """JSON Schema of one spec file (before defaults are merged, so nothing is required)."""
    schema, registry = spec_schema_mod.spec_schema()
    top = _object(schema)
    # A single file may leave required members to _defaults.yaml.
    top.pop("required", None)
    return {
        "$schema": DRAFT,
        "$id": "https://jobspec.dev/schema/jobspec.schema.json",
        "title": "jobspec: an EMR Serverless StartJobRun job spec",
        "type": "object",
        **top,
        "definitions": {RECURSIVE: _convert(registry[RECURSIVE])},
    }
