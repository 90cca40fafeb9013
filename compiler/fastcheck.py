"""A yes/no answer to "does cerberus accept this document?", fast.

cerberus walks its schema with a great deal of machinery per field (error trees,
rule resolution, sub-validators); on a typical spec that costs about 3× the YAML
parse, and most specs in a repository are valid. This module compiles the *same*
cerberus schema into nested closures that answer only valid/invalid. The linter
asks it first and runs cerberus, for the findings, only when the answer is no.

It reads the schema, it does not restate it: a rule it does not know makes
``compile_schema`` raise ``Unsupported`` and the linter then always uses cerberus.
tests/test_fastcheck.py holds it to cerberus' verdict on generated documents.
"""

from __future__ import annotations

from collections.abc import Mapping
import contextlib
from typing import Any, Callable, Iterable, Iterator

from compiler import service_rules, sugar
from compiler.patterns import compiled_pattern, first_non_json

Check = Callable[[Any, dict], bool]

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    # Documents are plain JSON-like data (dicts and lists from the loader, json or the
    # engine): concrete types are tested, as ABC checks cost several times more.
    "dict": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, (list, tuple)),
}
#: The types whose test is one isinstance (a bool is an int: "integer" and "boolean" keep their tests).
_CLASSES = {"string": str, "dict": dict}
_IGNORED = {"meta", "required", "nullable", "allow_unknown", "excludes"}


class Unsupported(ValueError):
    """The schema uses a rule this module cannot decide."""


class _Compiler:
    def __init__(self, registry: dict[str, dict[str, Any]]) -> None:
        self.registry = registry
        self.named: dict[str, Check] = {}
        #: Verdicts of this run, by id of the checked dict or list (see ``compile_schema``).
        self.memo: dict[int, tuple[Any, bool]] | None = None

    def _pure(self, rules: Any, seen: frozenset = frozenset()) -> bool:
        """Whether a verdict depends only on the value itself (no service rule reads the root)."""
        if isinstance(rules, str):  # a registry name, or just a constraint such as a type name
            if rules not in self.registry or rules in seen:
                return True
            return self._pure(self.registry[rules], seen | {rules})
        if isinstance(rules, dict):
            return "service" not in rules and all(self._pure(v, seen) for v in rules.values())
        if isinstance(rules, list):
            return all(self._pure(v, seen) for v in rules)
        return True

    def _memoized(self, check: Check) -> Check:
        """The same check, answered once per dict or list object in a run.

        A spec's base and stack documents share every subtree no layer overrides
        (``deep_merge`` copies only what it merges), so each is checked once.
        """
        compiler = self

        def memo_check(value: Any, root: dict) -> bool:
            memo = compiler.memo
            if memo is None or type(value) not in (dict, list):
                return check(value, root)
            hit = memo.get(id(value))
            if hit is not None and hit[0] is value:
                return hit[1]
            verdict = check(value, root)
            memo[id(value)] = (value, verdict)  # holding the value keeps its id from being reused
            return verdict

        return memo_check

    def rules(self, rules: dict[str, Any] | str) -> Check:
        if isinstance(rules, str):
            return self._named(rules)
        leaf = self._string_leaf(rules) or self._container(rules) or self._string_map(rules)
        if leaf is not None:
            return leaf
        checks: list[Check] = []
        nullable = rules.get("nullable", False)
        for rule, constraint in rules.items():
            if rule in _IGNORED:
                continue
            maker = getattr(self, "_r_" + rule, None)
            if maker is None:
                raise Unsupported(rule)
            checks.append(maker(constraint, rules))

        def check(value: Any, root: dict) -> bool:
            if value is None:
                return nullable
            for c in checks:
                if not c(value, root):
                    return False
            return True

        types = rules.get("type")
        holds_containers = any(t in ("dict", "list") for t in ([types] if isinstance(types, str) else types or []))
        return self._memoized(check) if holds_containers and self._pure(rules) else check

    _LEAF_RULES = frozenset({"type", "minlength", "maxlength", "pattern", "allowed", "meta", "required", "excludes"})

    def _string_leaf(self, rules: dict[str, Any]) -> Check | None:
        """Most members are plain strings: one closure instead of one per rule (same verdicts)."""
        if rules.get("type") != "string" or not set(rules) <= self._LEAF_RULES:
            return None
        lo, hi = rules.get("minlength", 0), rules.get("maxlength")
        pattern = rules.get("pattern")
        match = compiled_pattern(pattern).fullmatch if pattern else None
        allowed = frozenset(rules["allowed"]) if "allowed" in rules else None
        if hi is None:
            hi = float("inf")

        def check(v: Any, r: dict) -> bool:
            if not isinstance(v, str) or not lo <= len(v) <= hi:
                return False  # None too: these leaves are never nullable
            if match is not None and match(v) is None:
                return False
            return allowed is None or v in allowed

        return check

    def _container(self, rules: dict[str, Any]) -> Check | None:
        """A plain structure or list of one item rule: one closure (same verdicts as the generic path)."""
        kind, extra = rules.get("type"), set(rules) - {"meta", "required", "excludes"}
        if kind == "dict" and extra == {"type", "schema"} and isinstance(rules["schema"], dict):
            mapping = self.mapping(rules["schema"])

            def structure(v: Any, r: dict) -> bool:
                return isinstance(v, dict) and mapping(v, r)

            return self._memoized(structure) if self._pure(rules) else structure
        if kind == "list" and extra <= {"type", "schema", "minlength", "maxlength"} and "schema" in rules:
            item = self.rules(rules["schema"])
            lo, hi = rules.get("minlength", 0), rules.get("maxlength", float("inf"))

            def sequence(v: Any, r: dict) -> bool:
                if not isinstance(v, (list, tuple)) or not lo <= len(v) <= hi:
                    return False
                for x in v:
                    if not item(x, r):
                        return False
                return True

            return self._memoized(sequence) if self._pure(rules) else sequence
        return None

    _MAP_RULES = frozenset({"type", "keysrules", "valuesrules", "minlength", "maxlength", "nullable", "meta",
                            "required", "excludes"})

    def _string_map(self, rules: dict[str, Any]) -> Check | None:
        """A free-form map (tags, properties, conf): one loop over keys and values (same verdicts)."""
        if rules.get("type") != "dict" or not set(rules) <= self._MAP_RULES:
            return None
        key = self.rules(rules["keysrules"]) if "keysrules" in rules else None
        item = self.rules(rules["valuesrules"]) if "valuesrules" in rules else None
        lo, hi = rules.get("minlength", 0), rules.get("maxlength", float("inf"))
        nullable = rules.get("nullable", False)

        def string_map(v: Any, r: dict) -> bool:
            if v is None:
                return nullable
            if not isinstance(v, dict) or not lo <= len(v) <= hi:
                return False
            for k, x in v.items():
                if (key is not None and not key(k, r)) or (item is not None and not item(x, r)):
                    return False
            return True

        return self._memoized(string_map) if self._pure(rules) else string_map

    def _named(self, name: str) -> Check:
        if name not in self.named:
            self.named[name] = lambda v, r: self.named[name + "!"](v, r)
            self.named[name + "!"] = self.rules(self.registry[name])
        return self.named[name]

    def mapping(self, schema: dict[str, Any], allow_unknown: Any = False) -> Check:
        fields = {name: self.rules(rules) for name, rules in schema.items()}
        required = [name for name, rules in schema.items() if isinstance(rules, dict) and rules.get("required")]
        unknown = self.rules(allow_unknown) if isinstance(allow_unknown, dict) else None
        # cerberus: a present field excludes others (both present is an error), and a
        # required field it excludes is then no longer required.
        excludes = {name: _as_list(rules["excludes"]) for name, rules in schema.items()
                    if isinstance(rules, dict) and "excludes" in rules}

        def members_ok(value: Mapping, root: dict) -> bool:
            for key, item in value.items():
                c = fields.get(key)
                if c is None:
                    if unknown is not None:
                        c = unknown
                    elif allow_unknown is True:
                        continue
                    else:
                        return False
                if not c(item, root):
                    return False
            return True

        if not excludes:  # most structures: no either/or members to weigh first
            def simple(value: Mapping, root: dict) -> bool:
                for name in required:
                    if name not in value:
                        return False
                return members_ok(value, root)

            return simple

        def check(value: Mapping, root: dict) -> bool:
            waived: set[str] = set()
            for name, others in excludes.items():
                if name in value:
                    if any(other in value for other in others):
                        return False
                    if name in required:
                        waived.update(others)
            for name in required:
                if name not in value and name not in waived:
                    return False
            return members_ok(value, root)

        return check

    # -- one maker per rule: (constraint, whole rules set) -> check -------------------------------

    def _r_type(self, types: str | list[str], _: dict) -> Check:
        names = [types] if isinstance(types, str) else list(types)
        if "integer" not in names and "boolean" not in names:  # one isinstance, not a call per type
            classes = tuple(c for t in names for c in ((list, tuple) if t == "list" else (_CLASSES[t],)))
            return lambda v, r: isinstance(v, classes)
        tests = [_TYPES[t] for t in names]
        if len(tests) == 1:
            only = tests[0]
            return lambda v, r: only(v)
        return lambda v, r: any(t(v) for t in tests)

    def _r_minlength(self, n: int, _: dict) -> Check:
        return lambda v, r: not hasattr(v, "__len__") or len(v) >= n

    def _r_maxlength(self, n: int, _: dict) -> Check:
        return lambda v, r: not hasattr(v, "__len__") or len(v) <= n

    def _r_min(self, n: int, _: dict) -> Check:
        return lambda v, r: not isinstance(v, (int, float)) or v >= n

    def _r_max(self, n: int, _: dict) -> Check:
        return lambda v, r: not isinstance(v, (int, float)) or v <= n

    def _r_allowed(self, values: list, _: dict) -> Check:
        allowed = frozenset(values)
        return lambda v, r: not isinstance(v, (str, int)) or v in allowed

    def _r_pattern(self, pattern: str, _: dict) -> Check:
        match = compiled_pattern(pattern).fullmatch
        return lambda v, r: not isinstance(v, str) or match(v) is not None

    def _r_schema(self, schema: Any, rules: dict) -> Check:
        types = rules.get("type")
        types = [types] if isinstance(types, str) else (types or [])
        if "list" in types:
            item = self.rules(schema)

            def items(v: Any, r: dict) -> bool:
                if isinstance(v, list):
                    for x in v:
                        if not item(x, r):
                            return False
                return True

            return items
        mapping = self.mapping(schema, rules.get("allow_unknown", False))
        return lambda v, r: not isinstance(v, dict) or mapping(v, r)

    def _r_keysrules(self, rules: Any, _: dict) -> Check:
        return _each_of_dict(dict.keys, self.rules(rules))

    def _r_valuesrules(self, rules: Any, _: dict) -> Check:
        return _each_of_dict(dict.values, self.rules(rules))

    def _r_exactly_one_of(self, members: list[str], _: dict) -> Check:
        return lambda v, r: not isinstance(v, dict) or sum(m in v for m in members) == 1

    def _r_json_string(self, enabled: bool, _: dict) -> Check:
        import json

        def check(v: Any, r: dict) -> bool:
            if not enabled or not isinstance(v, str):
                return True
            try:
                json.loads(v)
            except ValueError:
                return False
            return True

        return check

    def _r_json_value(self, enabled: bool, _: dict) -> Check:
        return lambda v, r: not enabled or not isinstance(v, dict) or first_non_json(v, ()) is None

    def _r_nowhitespace(self, enabled: bool, _: dict) -> Check:
        return lambda v, r: not enabled or not isinstance(v, str) or not sugar.has_whitespace(v)

    def _r_compiles_to(self, wire: dict, _: dict) -> Check:
        lo, hi, pattern = wire.get("minlength", 0), wire.get("maxlength"), wire.get("pattern")
        match = compiled_pattern(pattern).fullmatch if pattern else None

        def check(v: Any, r: dict) -> bool:
            if not isinstance(v, dict):
                return True
            try:
                text = sugar.compile_value(wire["sugar"], v)
            except sugar.SugarError:
                return False
            except TypeError:
                return True  # a value of the wrong type, which another rule refuses (as in the validator)
            return len(text) >= lo and (hi is None or len(text) <= hi) and (match is None or match(text) is not None)

        return check

    def _r_service(self, names: list[str], _: dict) -> Check:
        rules = [service_rules.RULES[name] for name in names]
        return lambda v, r: all(rule.holds(v, r) for rule in rules)


def _each_of_dict(part: Callable[[dict], Iterable[Any]], check: Check) -> Check:
    """``check`` holds for each key (``dict.keys``) or value (``dict.values``) of a dict; anything else passes."""

    def each(v: Any, r: dict) -> bool:
        if isinstance(v, dict):
            for x in part(v):
                if not check(x, r):
                    return False
        return True

    return each


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


class FastCheck:
    """``fast(document)``: would cerberus (unknown keys refused) accept it?

    Inside ``with fast.run():`` verdicts on subtrees that do not depend on the rest of
    the document are remembered by object, for documents that are not changed
    during the run (a lint run's merged documents). Not for use from several threads.
    """

    def __init__(self, compiler: _Compiler, top: Check) -> None:
        self._compiler, self._top = compiler, top

    def __call__(self, document: dict) -> bool:
        return self._top(document, document)

    @contextlib.contextmanager
    def run(self) -> Iterator[None]:
        self._compiler.memo = {}
        try:
            yield
        finally:
            self._compiler.memo = None


def compile_schema(schema: dict[str, Any], registry: dict[str, dict[str, Any]]) -> FastCheck:
    """A callable telling whether cerberus (unknown keys refused) would accept a document."""
    compiler = _Compiler(registry)
    return FastCheck(compiler, compiler.mapping(schema))
