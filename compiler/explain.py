"""Why cerberus refused a document, as findings a reviewer can act on.

Only imported when the fast check says a document is invalid: cerberus walks the
schema again with ``SpecValidator`` and each leaf error's ``document_path`` becomes
``file:line:col`` through the document's layers, with a message that names the
field and the constraint.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Mapping
from typing import Any, Iterable

from cerberus import errors as cerr

from compiler import lookalikes, loader, schema as spec_schema_mod
from compiler.document import Document
from compiler.findings import Finding, dotted, kind_of
from compiler.validator import SpecValidator

_STRING_LIKE = (bool, int, float)


class Explainer:
    """One SpecValidator, reused; ``findings(doc)`` validates and words every error."""

    def __init__(self, schema: dict[str, Any], registry: dict[str, Any], yaml_input: bool = True) -> None:
        self.schema, self.registry = schema, registry
        #: False for a JSON body: a number there is a number as written, not YAML's reading of a word.
        self.yaml_input = yaml_input
        self.validator = SpecValidator(schema, rules_set_registry=registry)

    def findings(self, doc: Document) -> list[Finding]:
        self.validator.validate(doc.data, normalize=False)
        return [self._finding(doc, error) for error in _leaves(self.validator._errors)
                if not _paired(error) and not _present(error, doc.data)]

    def _finding(self, doc: Document, error: cerr.ValidationError) -> Finding:
        path = tuple(error.document_path)
        is_key = len(error.schema_path) >= 2 and error.schema_path[-2] == "keysrules"
        rule_id, message = self._describe(doc, error, path, is_key)
        if error.code == cerr.REQUIRED_FIELD.code:
            return doc.finding(rule_id, path, message, key=True)
        return doc.finding(rule_id, path, message, key=is_key or error.code == cerr.UNKNOWN_FIELD.code)

    def _describe(self, doc: Document, error: cerr.ValidationError, path: tuple, is_key: bool) -> tuple[str, str]:
        name = dotted(path) or "(top level)"
        leaf = _leaf(path) or name
        what = f"key '{_text_of(doc, path, key=True) or path[-1]}' of {dotted(path[:-1])}" if is_key else leaf
        value, rule, constraint = error.value, error.rule, error.constraint
        if error.code == cerr.UNKNOWN_FIELD.code:
            return "E1001", self._unknown(doc, path)
        if rule == "required":
            rules = _rules_at(self.schema, self.registry, path)
            alternative = f" (or '{rules['excludes']}')" if isinstance(rules.get("excludes"), str) else ""
            return "E1002", f"required member '{name}'{alternative} is missing"
        if rule == "excludes":
            return "E1003", f"give either '{leaf}' or '{constraint}', not both"
        if rule == "nullable":
            return "E1003", f"{what} is empty (null); give it a value or remove the key"
        if rule == "type":
            expected = [constraint] if isinstance(constraint, str) else list(constraint)
            if self.yaml_input and ("string" in expected and isinstance(value, _STRING_LIKE) or _is_date(value)):
                return "E1004", self._quote_hint(doc, path, what, value, is_key)
            text = _text_of(doc, path, key=is_key) if self.yaml_input else None
            read = f" (YAML read {text} as {kind_of(value)})" if text is not None and text != str(value) else ""
            return "E1003", f"{what} must be {' or '.join(_article(t) for t in expected)}, not {kind_of(value)}{read}"
        if rule in ("minlength", "maxlength"):
            under = rule == "minlength"
            bound = "minimum" if under else "maximum"
            if isinstance(value, str):
                return ("E1010" if under else "E1011"), (
                    f"{what} is {len(value)} characters, {'under' if under else 'over'} the {bound} length of {constraint}")
            unit = "entries" if isinstance(value, Mapping) else "items"
            return "E1015", f"{what} has {len(value)} {unit}, {'under' if under else 'over'} the {bound} of {constraint}"
        if rule in ("min", "max"):
            return "E1013", f"{what} is {value}, {'under the minimum' if rule == 'min' else 'over the maximum'} of {constraint}"
        if rule == "allowed":
            hint = [a for a in constraint if str(a).lower() == str(value).lower()]
            extra = f"; did you mean {hint[0]}?" if hint else ""
            return "E1014", f"{what} is '{value}', not one of {', '.join(map(str, constraint))}{extra}"
        custom = error.info[0] if error.info else str(constraint)
        if rule == "pattern":
            shown = value if len(str(value)) <= 80 else str(value)[:77] + "..."
            return "E1012", f"{what} '{shown}' {custom}"
        if rule == "service":
            return error.info[1], f"{what} {custom}"
        rule_ids = {"exactly_one_of": "E1020", "json_string": "E2003", "json_value": "E1004",
                    "nowhitespace": "E2005", "flag_form": "E2005", "compiles_to": "E2006"}
        return rule_ids.get(rule, "E1003"), f"{what} {custom}"

    def _quote_hint(self, doc: Document, path: tuple, what: str, value: Any, is_key: bool = False) -> str:
        text = _text_of(doc, path, key=is_key) or str(value)
        return (f"{what} must be a string, but YAML read {text} as {loader.YAML_TYPE_NAMES.get(type(value), 'a non-string')}; "
                f"quote it: \"{text}\"")

    def _unknown(self, doc: Document, path: tuple) -> str:
        known = _keys_at(self.schema, self.registry, path[:-1])
        odd = lookalikes.unknown_key_message(str(path[-1]), _key_column(doc, path), known)
        if odd is not None:
            return odd
        close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6) if known else []
        where = f" in {dotted(path[:-1])}" if path[:-1] else ""
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key '{path[-1]}'{where}{hint}"


def _paired(error: cerr.ValidationError) -> bool:
    """The second report of an either/or pair (applicationId/application): said once is enough."""
    path = tuple(error.document_path)
    if len(path) != 1:
        return False
    if error.rule == "required":
        return path[0] in spec_schema_mod.REFERENCES
    if error.code == cerr.EXCLUDES_FIELD.code:
        return any(path[0] == member for member, _ in spec_schema_mod.REFERENCES.values())
    return False


def _present(error: cerr.ValidationError, data: dict) -> bool:
    """A "required" error for a member that is there but null: the null finding says it better."""
    if error.rule != "required":
        return False
    parent: Any = data
    for part in error.document_path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(parent, dict) and error.document_path[-1] in parent


def _leaf(path: tuple) -> str:
    """The member's own name with any list indices after it: ``entryPointArguments[1]``."""
    for i in range(len(path) - 1, -1, -1):
        if isinstance(path[i], str):
            return dotted(path[i:])
    return dotted(path)


def _leaves(errors: Iterable[cerr.ValidationError]) -> Iterable[cerr.ValidationError]:
    for error in errors:
        if error.is_group_error:
            yield from _leaves(error.child_errors)
        else:
            yield error


def _rules_at(schema: dict, registry: dict, path: tuple) -> dict:
    """The rules set of the member at ``path``."""
    if not path:
        return {}
    known = schema
    rules: Any = {}
    for i, part in enumerate(path):
        if isinstance(rules, str):
            rules = registry[rules]
        if i and isinstance(part, int):
            rules = rules.get("schema", {})
            continue
        container = known if i == 0 else rules.get("schema", {})
        rules = container.get(part, {}) if isinstance(container, dict) else {}
    return registry[rules] if isinstance(rules, str) else rules


def _keys_at(schema: dict, registry: dict, path: tuple) -> list[str]:
    """Keys the schema knows at ``path`` (list indices skipped), for "did you mean"."""
    rules: Any = {"type": "dict", "schema": schema}
    for part in path:
        if isinstance(rules, str):
            rules = registry[rules]
        if isinstance(part, int):
            rules = rules.get("schema", {})
        else:
            rules = rules.get("schema", {}).get(part, {})
        if isinstance(rules, str):
            rules = registry[rules]
    if isinstance(rules, str):
        rules = registry[rules]
    inner = rules.get("schema", {}) if isinstance(rules, dict) else {}
    return list(inner) if isinstance(inner, dict) and "type" not in inner else []


def _text_of(doc: Document, path: tuple, key: bool = False) -> str | None:
    """The scalar as written in the file (``on``, not ``True``), for messages."""
    for layer in doc.layers:
        key_node, node = layer.node(path)
        target = key_node if key else node
        if node is not None:
            value = getattr(target, "value", None)
            return value if isinstance(value, str) else None
    return None


def _key_column(doc: Document, path: tuple) -> int:
    """The column of the first character of the key at ``path`` (after its quote, if quoted)."""
    for layer in doc.layers:
        key_node, _ = layer.node(path)
        if key_node is not None:
            return key_node.start_mark.column + 1 + (1 if getattr(key_node, "style", None) in ("'", '"') else 0)
    return 1


def _is_date(value: Any) -> bool:
    return isinstance(value, (datetime.date, datetime.datetime))


def _article(type_name: str) -> str:
    return {"string": "a string", "integer": "an integer", "boolean": "a boolean (true/false)",
            "dict": "a mapping", "list": "a list"}.get(type_name, type_name)
