"""Lint job specs: every file, every stack, every constraint, as positioned findings.

cerberus (through ``SpecValidator`` and the schema from ``compiler.schema``) decides
what is wrong; this module only turns cerberus' ``document_path`` into
``file:line:col`` through the document's layers and words each error for a reviewer.
``fastcheck`` answers first for the common case of a valid spec.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from cerberus import errors as cerr

from compiler import fastcheck, loader, schema as spec_schema_mod, secrets
from compiler.document import Document, defaults_files, merge, outside, spec_files, stacks_named
from compiler.findings import Finding, dotted, has_errors
from compiler.validator import SpecValidator

_STRING_LIKE = (bool, int, float)


@dataclass
class Result:
    """What linting found, and the merged documents of every spec that could be read."""

    findings: list[Finding] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


class Linter:
    """One validator and one compiled fast check, reused for every document."""

    def __init__(self, schema: tuple[dict[str, Any], dict[str, Any]] | None = None) -> None:
        self.schema, self.registry = schema or spec_schema_mod.spec_schema()
        self.validator = SpecValidator(self.schema, rules_set_registry=self.registry)
        try:
            self.fast = fastcheck.compile_schema(self.schema, self.registry)
        except fastcheck.Unsupported:  # pragma: no cover - a schema rule fastcheck lacks
            self.fast = lambda document: False
        self._defaults: dict[Path, loader.Source | Finding] = {}

    # -- one document ------------------------------------------------------------------------------

    def check(self, doc: Document) -> list[Finding]:
        """Findings for one merged document (empty when cerberus accepts it)."""
        found = [doc.finding("E3001", path, message) for path, message in secrets.find(doc.data)]
        if self.fast(doc.data):
            return found
        self.validator.validate(doc.data, normalize=False)
        return [self._finding(doc, error) for error in _leaves(self.validator._errors) if not _paired(error)] + found

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
            return "E1001", self._unknown(path)
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
            if "string" in expected and isinstance(value, _STRING_LIKE) or _is_date(value):
                return "E1004", self._quote_hint(doc, path, what, value, is_key)
            text = _text_of(doc, path, key=is_key)
            read = f" (YAML read {text} as {_kind(value)})" if text is not None and text != str(value) else ""
            return "E1003", f"{what} must be {' or '.join(_article(t) for t in expected)}, not {_kind(value)}{read}"
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
                    "nowhitespace": "E2005", "compiles_to": "E2006"}
        return rule_ids.get(rule, "E1003"), f"{what} {custom}"

    def _quote_hint(self, doc: Document, path: tuple, what: str, value: Any, is_key: bool = False) -> str:
        text = _text_of(doc, path, key=is_key) or str(value)
        return (f"{what} must be a string, but YAML read {text} as {loader.YAML_TYPE_NAMES.get(type(value), 'a non-string')}; "
                f"quote it: \"{text}\"")

    def _unknown(self, path: tuple) -> str:
        known = _keys_at(self.schema, self.registry, path[:-1])
        close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6) if known else []
        where = f" in {dotted(path[:-1])}" if path[:-1] else ""
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key '{path[-1]}'{where}{hint}"

    # -- files -------------------------------------------------------------------------------------

    def defaults_for(self, spec: Path, result: Result) -> list[loader.Source]:
        sources = []
        for path in defaults_files(spec):
            if path not in self._defaults:
                self._defaults[path] = _load_defaults(path)
                if isinstance(self._defaults[path], Finding):
                    result.findings.append(self._defaults[path])
                else:
                    result.findings.extend(self._defaults[path].findings)
            loaded = self._defaults[path]
            if isinstance(loaded, loader.Source):
                sources.append(loaded)
        return sources

    def lint_file(self, path: Path, stack: str | None, all_stacks: bool, result: Result,
                  overrides: dict[str, Any] | None = None) -> None:
        try:
            source = loader.load(path)
        except loader.LoadError as exc:
            result.findings.append(exc.finding)
            return
        result.findings.extend(source.findings)
        if not isinstance(source.data, dict):
            got = "empty" if source.data is None else _kind(source.data)
            result.findings.append(Finding(source.file, 1, 1, "E0005", "",
                                           f"a job spec is a mapping of StartJobRun members; this file is {got}"))
            return
        defaults = self.defaults_for(path, result)
        stack_findings = _check_stacks(source)
        result.findings.extend(stack_findings)
        stacks: list[str | None] = [stack]
        if all_stacks and stack is None:
            stacks += sorted(stacks_named([*defaults, source]))
        for each in stacks:
            doc = merge(source, defaults, each, overrides)
            result.findings.extend(self.check(doc))
            result.documents.append(doc)


def lint_paths(paths: Iterable[str | Path], stack: str | None = None, all_stacks: bool = True,
               linter: Linter | None = None, overrides: dict[str, Any] | None = None) -> Result:
    """Lint every spec under ``paths`` for ``stack`` (or the base and every named stack)."""
    linter = linter or default_linter()
    result = Result()
    for path, root in spec_files(list(paths)):
        if outside(path, root):
            result.findings.append(Finding(str(path), 1, 1, "E0009", "",
                                           f"links to {path.resolve()}, outside {root}; specs must live in the repository"))
            continue
        linter.lint_file(path, stack, all_stacks, result, overrides)
    result.findings.extend(duplicate_names(result.documents))
    result.findings = sorted(set(result.findings))
    return result


@functools.lru_cache(maxsize=1)
def default_linter() -> Linter:
    return Linter()


@functools.lru_cache(maxsize=1)
def body_linter() -> Linter:
    """The linter for StartJobRun bodies (``jobspec import``), not specs."""
    return Linter(spec_schema_mod.body_schema())


def duplicate_names(documents: list[Document]) -> list[Finding]:
    """Two specs with the same ``name`` in one stack would fight over one resource."""
    seen: dict[tuple[str | None, str], Document] = {}
    found = []
    for doc in documents:
        name = doc.data.get("name")
        if not isinstance(name, str):
            continue
        first = seen.setdefault((doc.stack, name), doc)
        if first is not doc and first.file != doc.file:
            file, line, _ = first.locate(("name",))
            found.append(doc.finding("E2004", ("name",), f"job name '{name}' is also used by {file}:{line}; names must be unique"))
    return found


# -- helpers ---------------------------------------------------------------------------------------

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


def _is_date(value: Any) -> bool:
    import datetime
    return isinstance(value, (datetime.date, datetime.datetime))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _article(type_name: str) -> str:
    return {"string": "a string", "integer": "an integer", "boolean": "a boolean (true/false)",
            "dict": "a mapping", "list": "a list"}.get(type_name, type_name)


def _load_defaults(path: Path) -> loader.Source | Finding:
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
        if key not in ("defaults", "stacks"):
            _, node = loader.node_at(source.root, ())
            key_node, _ = loader.node_at(source.root, (key,))
            mark = (key_node or node).start_mark
            close = difflib.get_close_matches(str(key), ["defaults", "stacks"], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else "; put shared values under 'defaults:'"
            source.findings.append(Finding(source.file, mark.line + 1, mark.column + 1, "E1001", str(key),
                                           f"unknown key '{key}' in a defaults file{hint}"))
    for key in ("defaults",):
        if key in data and not isinstance(data[key], dict):
            _, node = loader.node_at(source.root, (key,))
            source.findings.append(Finding(source.file, node.start_mark.line + 1, node.start_mark.column + 1, "E1003",
                                           key, f"'{key}' must be a mapping, not {_kind(data[key])}"))
    source.findings.extend(_check_stacks(source))
    return source


def _check_stacks(source: loader.Source) -> list[Finding]:
    stacks = source.data.get("stacks")
    if stacks is None and "stacks" not in source.data:
        return []
    bad = []
    if not isinstance(stacks, dict):
        _, node = loader.node_at(source.root, ("stacks",))
        mark = node.start_mark
        return [Finding(source.file, mark.line + 1, mark.column + 1, "E1003", "stacks",
                        f"'stacks' must be a mapping of stack name to overrides, not {_kind(stacks)}")]
    for name, section in stacks.items():
        if not isinstance(section, dict):
            _, node = loader.node_at(source.root, ("stacks", name))
            mark = node.start_mark
            bad.append(Finding(source.file, mark.line + 1, mark.column + 1, "E1003", f"stacks.{name}",
                               f"'stacks.{name}' must be a mapping of overrides, not {_kind(section)}"))
    return bad
