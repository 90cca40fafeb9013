"""The StartJobRun request as botocore models it, turned into a cerberus schema.

botocore's ``emr-serverless`` service model is the authoritative, machine-readable
description of the API (the web page lags behind it: ``diskEncryptionConfiguration``
and ``flexExecution`` are only here). Every length, pattern, range, enum, map size
and the ``jobDriver`` union below comes from that model; nothing is typed in by hand,
so a botocore upgrade that adds a member makes it lintable without a code change.

The generated rules use these cerberus rules and our custom ones (see
``compiler.validator.SpecValidator``):

- ``type``, ``required``, ``minlength``, ``maxlength``, ``min``, ``max``, ``allowed``,
  ``schema``, ``keysrules``, ``valuesrules``, ``meta`` (stock cerberus);
- ``pattern``: a *full* match (``re.fullmatch``), Java-like classes (``re.ASCII``) and
  ``.`` matching newlines so multi-line Hive queries pass ``.*\\S.*``;
- ``exactly_one_of``: the one-of ``jobDriver`` union.

Each rule's ``meta`` carries the model's documentation of the member (else of its
shape) as ``aws_doc``, the HTML botocore ships; ``jobspec schema`` turns it into the
editor's hover text (compiler/htmldoc.py). The linter never reads it.
"""

from __future__ import annotations

import functools
from typing import Any

from compiler import shapes
from compiler.shapes import Shape

SERVICE = "emr-serverless"
OPERATION = "StartJobRun"

#: cerberus registry name of the recursive ``Configuration`` structure.
RECURSIVE = "Configuration"


@functools.lru_cache(maxsize=1)
def input_shape() -> Any:
    """botocore's own shape of the StartJobRun request (for botocore's ParamValidator)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(SERVICE)
    return model.operation_model(OPERATION).input_shape


def _request() -> Shape:
    """The same shape through the light view the compiler walks (see compiler.shapes)."""
    return shapes.input_shape(OPERATION)


@functools.lru_cache(maxsize=1)
def member_order() -> list[str]:
    """Top-level request members in model order (the order ``compile`` prints them)."""
    return list(_request().members)


def _string_rules(shape: Shape) -> dict[str, Any]:
    meta = shape.metadata
    rules: dict[str, Any] = {"type": "string"}
    if "min" in meta:
        rules["minlength"] = meta["min"]
    if "max" in meta:
        rules["maxlength"] = meta["max"]
    if "pattern" in meta:
        rules["pattern"] = meta["pattern"]
    if "enum" in meta:
        rules["allowed"] = list(meta["enum"])
    return rules


def _rules(shape: Shape, registry: dict[str, dict[str, Any]], stack: tuple[str, ...]) -> dict[str, Any]:
    meta = shape.metadata
    kind = shape.type_name
    if kind == "string":
        rules = _string_rules(shape)
    elif kind in ("integer", "long"):
        rules = {"type": "integer"}
        if "min" in meta:
            rules["min"] = meta["min"]
        if "max" in meta:
            rules["max"] = meta["max"]
    elif kind == "boolean":
        rules = {"type": "boolean"}
    elif kind == "list":
        rules = {"type": "list", "schema": _rules(shape.member, registry, stack)}
        if meta.get("min"):
            rules["minlength"] = meta["min"]
        if "max" in meta:
            rules["maxlength"] = meta["max"]
    elif kind == "map":
        rules = {
            "type": "dict",
            "keysrules": _rules(shape.key, registry, stack),
            "valuesrules": _rules(shape.value, registry, stack),
        }
        if meta.get("min"):
            rules["minlength"] = meta["min"]
        if "max" in meta:
            rules["maxlength"] = meta["max"]
    elif kind == "structure":
        if shape.name in stack:
            # A structure that contains itself (Configuration.configurations):
            # cerberus resolves a registry name lazily, so recursion is finite.
            return RECURSIVE
        inner = stack + (shape.name,)
        required = set(shape.required_members)
        schema = {}
        for name, member in shape.members.items():
            if member.serialization.get("location") == "uri":
                continue  # applicationId is handled like the body members below
            member_rules = _rules(member, registry, inner)
            if isinstance(member_rules, dict) and name in shape.member_documentation:
                member_rules = _documented(member_rules, shape.member_documentation[name])
            if isinstance(member_rules, dict) and name in required:
                member_rules = {**member_rules, "required": True}
            schema[name] = member_rules
        rules = {"type": "dict", "schema": schema}
        if meta.get("union"):
            rules["exactly_one_of"] = list(shape.members)
        if shape.name == RECURSIVE:
            registry[RECURSIVE] = rules
    else:  # pragma: no cover - the model has no other kinds today
        raise ValueError(f"unsupported shape type {kind!r} for {shape.name}")
    if meta.get("sensitive"):
        rules["meta"] = {"sensitive": True}
    if shape.documentation:
        rules["meta"] = {**rules.get("meta", {}), "aws_doc": shape.documentation}
    return rules


def _documented(rules: dict[str, Any], html: str) -> dict[str, Any]:
    """``rules`` with the model's documentation of the member that uses them (over its shape's)."""
    if not html:
        return rules
    return {**rules, "meta": {**rules.get("meta", {}), "aws_doc": html}}


def shape_rules(shape: Shape) -> dict[str, Any]:
    """The cerberus rules of one shape of any model ``compiler.shapes`` reads (the scheduler's too)."""
    return _rules(shape, {}, ())


@functools.lru_cache(maxsize=1)
def request_schema() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(schema, rules-set registry) of the StartJobRun request body, from the model.

    ``applicationId`` is a URI parameter on the wire but a body member for boto3
    and for ``jobspec compile``, so it is included here with its model constraints.
    """
    shape = _request()
    registry: dict[str, dict[str, Any]] = {}
    top = _rules(shape, registry, ())
    schema = dict(top["schema"])
    app = _string_rules(shape.members["applicationId"])
    app = _documented(app, shape.member_documentation.get("applicationId", ""))
    schema = {"applicationId": {**app, "required": True}, **schema}
    return schema, registry


def sensitive_value_paths(body: dict[str, Any]) -> list[tuple]:
    """Concrete paths in ``body`` whose model shape is marked sensitive (recursion included)."""
    found: list[tuple] = []

    def walk(value: Any, shape: Shape, path: tuple) -> None:
        if shape.metadata.get("sensitive"):
            found.append(path)
        elif shape.type_name == "structure" and isinstance(value, dict):
            for name, member in shape.members.items():
                if name in value:
                    walk(value[name], member, path + (name,))
        elif shape.type_name == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, shape.member, path + (i,))
        elif shape.type_name == "map" and isinstance(value, dict):
            for key, item in value.items():
                walk(item, shape.value, path + (key,))

    walk(body, _request(), ())
    return found


def coerce_numbers(body: dict[str, Any]) -> dict[str, Any]:
    """Integral floats back to ints where the model wants an integer.

    Pulumi carries every number as a double (a protobuf Struct), so a provider
    receives ``60.0`` for ``executionTimeoutMinutes: 60``; botocore and the linter
    want the integer the spec said.
    """

    def walk(value: Any, shape: Shape) -> Any:
        kind = shape.type_name
        if kind in ("integer", "long") and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind == "structure" and isinstance(value, dict):
            return {k: walk(v, shape.members[k]) if k in shape.members else v for k, v in value.items()}
        if kind == "list" and isinstance(value, list):
            return [walk(v, shape.member) for v in value]
        if kind == "map" and isinstance(value, dict):
            return {k: walk(v, shape.value) for k, v in value.items()}
        return value

    return walk(body, _request())
