"""hypothesis strategies built from botocore's StartJobRun model.

``bodies()`` draws bodies the model accepts (and the service rules: retryPolicy
members that match the mode, a JSON policy); ``mutated()`` breaks one thing in a
body; ``spec_documents()`` adds jobspec's readable forms and keys. Sizes are kept
small (a few items per list) so a property test runs in seconds; the edges of every
size are covered by test_model_boundaries.py instead.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import re
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

import modelgen
from compiler import model, schema as spec_schema_mod
from compiler.patterns import compiled_pattern

#: Extra items drawn beyond a list's or map's minimum.
EXTRA = 2
#: Extra characters drawn beyond a plain string's minimum length.
TEXT = 12
#: A pattern that is one character class repeated: ``[a-z]+``, ``([...]+)``.
_REPEATED_CLASS = re.compile(r"\(?(?P<cls>\[(?:[^\]\\]|\\.)+\])[+*]\)?")


def _string(shape: Shape) -> st.SearchStrategy[str]:
    meta = shape.metadata
    if "enum" in meta:
        return st.sampled_from(meta["enum"])
    lo, hi = meta.get("min", 0), meta.get("max", modelgen.UNBOUNDED)
    if "pattern" in meta:
        pattern = compiled_pattern(meta["pattern"])
        repeated = _REPEATED_CLASS.fullmatch(meta["pattern"])
        if repeated:  # one character class repeated: draw the length directly instead of filtering
            regex = re.compile(f"{repeated['cls']}{{{lo},{min(hi, lo + TEXT)}}}", pattern.flags)
            strategy = st.from_regex(regex, fullmatch=True)
        else:
            strategy = st.from_regex(pattern, fullmatch=True)
        return strategy.filter(lambda s: lo <= len(s) <= hi and pattern.fullmatch(s) is not None)
    return st.text(min_size=lo, max_size=min(hi, lo + TEXT))


def valid(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of ``shape`` the model accepts."""
    meta = shape.metadata
    kind = shape.type_name
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return st.integers(min_value=meta.get("min"), max_value=meta.get("max"))
    if kind == "boolean":
        return st.booleans()
    lo, hi = meta.get("min", 0), meta.get("max", modelgen.UNBOUNDED)
    if kind == "list":
        return st.lists(valid(shape.member, depth + 1), min_size=lo, max_size=min(hi, lo + EXTRA))
    if kind == "map":
        return st.dictionaries(valid(shape.key, depth + 1), valid(shape.value, depth + 1),
                               min_size=lo, max_size=min(hi, lo + EXTRA))
    if kind == "structure":
        members = dict(shape.members)
        if shape.name == model.RECURSIVE and depth > 4:
            members.pop("configurations", None)  # the recursive Configuration: two levels are enough
        if meta.get("union"):
            return st.one_of([st.fixed_dictionaries({name: valid(m, depth + 1)}) for name, m in members.items()])
        required = {name: valid(members[name], depth + 1) for name in shape.required_members}
        optional = {name: valid(m, depth + 1) for name, m in members.items() if name not in required}
        return st.fixed_dictionaries(required, optional=optional)
    raise AssertionError(kind)


# -- the service's rules on top of the model -----------------------------------------------------------------

#: JSON text the policy pattern accepts (printable Latin-1, no tabs or newlines; see modelgen).
_POLICY_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters='"\\'), max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | _POLICY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_POLICY_TEXT, inner, max_size=3),
    max_leaves=8,
)
_POLICY_OBJECT = st.dictionaries(_POLICY_TEXT, _JSON, min_size=1, max_size=4)


@st.composite
def policy_text(draw) -> str:
    """A JSON policy as a string: compact (import offers the mapping form) or spaced (it does not)."""
    document = draw(st.one_of(_POLICY_OBJECT, _JSON))
    separators = draw(st.sampled_from([(",", ":"), (", ", ": ")]))
    return json.dumps(document, separators=separators, ensure_ascii=False)


_FLAG = st.from_regex(r"[A-Za-z][A-Za-z0-9-]*", fullmatch=True).filter(lambda s: len(s) <= 12)
_FLAG_KEY = st.from_regex(compiled_pattern(spec_schema_mod.FLAG_KEY), fullmatch=True).filter(lambda s: len(s) <= 12)
_WORD = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8)
#: Between flags: mostly one space; sometimes what `--normalize-whitespace` is for.
_GAP = st.sampled_from([" "] * 6 + ["  ", "\n  ", " \n", "\t"])


@functools.lru_cache(maxsize=1)
def _free_spark_text() -> st.SearchStrategy[str]:
    return _string(model.input_shape().members["jobDriver"].members["sparkSubmit"].members["sparkSubmitParameters"])


@functools.lru_cache(maxsize=1)
def _free_hive_text() -> st.SearchStrategy[str]:
    return _string(model.input_shape().members["jobDriver"].members["hive"].members["parameters"])


@st.composite
def flags_text(draw, expanded: tuple[str, ...], names: tuple[str, ...]) -> str:
    """A flags string as spark-submit or hive takes it: ``--flag value``, ``--flag=value``, ``-f``,
    comma lists, ``--conf k=v`` for each ``expanded`` flag, now and then odd whitespace around them."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        flag = draw(st.sampled_from(expanded + names) | _FLAG)
        dashes = draw(st.sampled_from(["--"] * 5 + ["-"]))
        glue = draw(st.sampled_from([" "] * 4 + ["="]))
        if flag in expanded:
            value = draw(_WORD.filter(lambda w: not w.startswith("-"))) + "=" + draw(_WORD)
        else:
            value = ",".join(draw(st.lists(_WORD.filter(lambda w: "," not in w), min_size=1, max_size=3)))
        if draw(st.booleans()) and flag not in expanded:
            parts.append(dashes + flag)
        else:
            parts.append(dashes + flag + glue + value)
    gaps = [draw(_GAP) for _ in parts]
    ends = draw(st.sampled_from([("", "")] * 6 + [(" ", ""), ("", " "), ("\n", "")]))
    return ends[0] + "".join(p + g for p, g in zip(parts, gaps[:-1] + [""])) + ends[1]


@st.composite
def spark_text(draw) -> str:
    """sparkSubmitParameters strings: flags as spark-submit takes them, or free text."""
    if draw(st.booleans()):
        return draw(_free_spark_text())
    return draw(flags_text(("conf",), ("class", "jars", "verbose", "py-files", "packages", "archives")))


@st.composite
def hive_text(draw) -> str:
    """Hive parameters strings: ``--hiveconf k=v`` and other flags, or free text."""
    if draw(st.booleans()):
        return draw(_free_hive_text())
    return draw(flags_text(("hiveconf", "hivevar"), ("database", "silent")))


def follow_service_rules(body: dict[str, Any]) -> dict[str, Any]:
    """retryPolicy members that fit the mode (E2001/E2002)."""
    retry = body.get("retryPolicy")
    if isinstance(retry, dict):
        drop = "maxAttempts" if body.get("mode") == "STREAMING" else "maxFailedAttemptsPerHour"
        retry.pop(drop, None)
    return body


@functools.lru_cache(maxsize=1)
def _model_bodies() -> st.SearchStrategy[dict[str, Any]]:
    return valid(model.input_shape())  # built once: from_regex strategies are costly to build


@st.composite
def bodies(draw) -> dict[str, Any]:
    """StartJobRun bodies the model and the service rules accept (clientToken included)."""
    body = draw(_model_bodies())
    policy = body.get("executionIamPolicy")
    if isinstance(policy, dict) and "policy" in policy:
        policy["policy"] = draw(policy_text())
    spark = body["jobDriver"].get("sparkSubmit") if isinstance(body.get("jobDriver"), dict) else None
    if isinstance(spark, dict) and "sparkSubmitParameters" in spark:
        spark["sparkSubmitParameters"] = draw(spark_text())
    hive = body["jobDriver"].get("hive") if isinstance(body.get("jobDriver"), dict) else None
    if isinstance(hive, dict) and "parameters" in hive:
        hive["parameters"] = draw(hive_text())
    return follow_service_rules(body)


# -- breaking things ---------------------------------------------------------------------------------------

JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True), st.just(""), st.text(max_size=4),
    st.just("x" * 2049), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(datetime.date(2024, 1, 1)), st.integers(10**6, 10**7),
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, path + (i,))
    return found


def _containers(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _containers(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _containers(item, path + (i,))
    return found


def shape_at(path: tuple) -> Shape | None:
    """The model's shape of the member at a concrete path (None outside the model)."""
    shape = model.input_shape()
    for part in path:
        kind = shape.type_name
        if kind == "structure" and isinstance(part, str) and part in shape.members:
            shape = shape.members[part]
        elif kind == "list" and isinstance(part, int):
            shape = shape.member
        elif kind == "map" and isinstance(part, str):
            shape = shape.value
        else:
            return None
    return shape


def _edges(shape: Shape) -> list[Any]:
    """Values just outside what the model allows for ``shape``."""
    meta = shape.metadata
    out: list[Any] = []
    if shape.type_name == "string":
        if "enum" in meta:
            return [meta["enum"][0].lower()]
        lo, hi = meta.get("min", 0), meta.get("max")
        if lo > 0:
            out.append(modelgen.string_of(shape, lo - 1) or "")
        if hi is not None:
            out.append(modelgen.string_of(shape, hi + 1) or "a" * (hi + 1))
        if "pattern" in meta and modelgen.seed_for(shape).bad is not None:
            out.append(modelgen.seed_for(shape).bad)
    elif shape.type_name in ("integer", "long"):
        out += [meta[k] + d for k, d in (("min", -1), ("max", 1)) if k in meta]
    elif shape.type_name == "list" and "max" in meta:
        out.append([modelgen.minimal(shape.member)] * (meta["max"] + 1))
    elif shape.type_name == "list" and meta.get("min"):
        out.append([])
    return out


def _key_edges(shape: Shape, value: Any) -> list[Any]:
    """A map with one key the model refuses (too long, or breaking the key pattern)."""
    if shape.type_name != "map" or not isinstance(value, dict) or not value:
        return []
    first = next(iter(value.values()))
    key_shape, out = shape.key, []
    for key in _edges(key_shape):
        if isinstance(key, str):
            out.append({**value, key: first})
    return out


@st.composite
def mutated(draw, base: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """``base`` with one to three things changed: a value replaced (by junk or by a value just
    outside the model's limits for that member), a member removed, a key added or renamed."""
    doc = draw(base)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["replace", "edge", "edge", "remove", "add", "rename"]))
        if op == "edge":
            edged = [(p, edges) for p in _paths(doc) if (shape := shape_at(p)) is not None
                     and (edges := _edges(shape) + _key_edges(shape, modelgen.get(doc, p)))]
            if edged:
                path, edges = draw(st.sampled_from(edged))  # a member first, then one of its edges
                edge = draw(st.sampled_from(edges))
                modelgen.get(doc, path[:-1])[path[-1]] = copy.deepcopy(edge)
            continue
        if op in ("replace", "remove", "rename"):
            paths = _paths(doc)
            if not paths:
                continue
            path = draw(st.sampled_from(paths))
            parent = modelgen.get(doc, path[:-1])
            if op == "replace":
                parent[path[-1]] = draw(JUNK)
            elif isinstance(parent, dict) and op == "remove":
                del parent[path[-1]]
            elif isinstance(parent, list) and op == "remove":
                parent.pop(path[-1])
            elif isinstance(parent, dict):
                parent[str(path[-1]) + draw(st.sampled_from(["s", "_", "X"]))] = parent.pop(path[-1])
        else:
            path = draw(st.sampled_from(_containers(doc)))
            target = modelgen.get(doc, path)
            target[draw(st.sampled_from(["extra", "Name", "mode", "tags", "enabled", "query", "conf"]))] = draw(JUNK)
    return doc


# -- jobspec documents: readable forms and jobspec keys --------------------------------------------------------

_FLAG_VALUE = st.one_of(_WORD, st.text(max_size=6), st.lists(st.one_of(_WORD, st.text(max_size=4), st.integers()), max_size=3),
                        st.booleans(), st.integers(), st.none(), st.floats(allow_nan=False))
_CONF = st.dictionaries(st.one_of(_WORD, st.just(""), st.text(max_size=3)),
                        st.one_of(_WORD, st.text(max_size=4), st.integers(), st.none()), max_size=3)


@st.composite
def _flags_mapping(draw, expanded: tuple[str, ...], names: list[str]) -> dict[str, Any]:
    flags = st.one_of(st.sampled_from(names + ["--class", "", "a b", "-", "x=="]), _FLAG_KEY)
    mapping = draw(st.dictionaries(flags, _FLAG_VALUE, max_size=4))
    for flag in expanded:
        if draw(st.booleans()):
            mapping[flag + draw(st.sampled_from(["", "="]))] = draw(_CONF | _FLAG_VALUE)
    return mapping


def _spark_mapping() -> st.SearchStrategy[dict[str, Any]]:
    return _flags_mapping(("conf",), ["class", "jars", "verbose", "py-files", "archives=", "-f"])


def _hive_mapping() -> st.SearchStrategy[dict[str, Any]]:
    return _flags_mapping(("hiveconf", "hivevar"), ["database", "silent", "database=", "-i"])


_NOT_JSON = st.one_of(st.just(datetime.date(2024, 1, 1)), st.just(float("nan")), st.just(float("inf")),
                      st.just(frozenset({1})))
_POLICY_MAPPING = st.dictionaries(
    st.one_of(_POLICY_TEXT, st.integers(0, 3), st.booleans()),
    st.one_of(_JSON, _NOT_JSON, st.text(max_size=3)),
    max_size=4,
)


@st.composite
def spec_documents(draw) -> dict[str, Any]:
    """Merged spec documents: bodies, optionally without a clientToken, with sugar and jobspec keys."""
    doc = draw(bodies())
    if draw(st.booleans()):
        doc.pop("clientToken", None)
    spark = doc["jobDriver"].get("sparkSubmit") if isinstance(doc.get("jobDriver"), dict) else None
    if isinstance(spark, dict) and draw(st.booleans()):
        spark["sparkSubmitParameters"] = draw(_spark_mapping())
    hive = doc["jobDriver"].get("hive") if isinstance(doc.get("jobDriver"), dict) else None
    if isinstance(hive, dict) and draw(st.booleans()):
        hive["parameters"] = draw(_hive_mapping())
    if draw(st.booleans()):
        doc.setdefault("executionIamPolicy", {})["policy"] = draw(_POLICY_MAPPING)
    if draw(st.booleans()):
        doc["mode"] = draw(st.sampled_from(["BATCH", "STREAMING", "batch"]))
    if draw(st.booleans()):
        doc["retryPolicy"] = draw(st.fixed_dictionaries({}, optional={
            "maxAttempts": st.integers(-1, 3), "maxFailedAttemptsPerHour": st.integers(-1, 3)}))
    if draw(st.booleans()):
        doc["executionTimeoutMinutes"] = draw(st.sampled_from([0, 1, 10080, 10081, 1000000, -1, True]))
    schema, _ = spec_schema_mod.spec_schema()
    for key in spec_schema_mod.JOBSPEC_KEYS:
        if key in schema and draw(st.booleans()):
            doc[key] = draw(_jobspec_value(key))
    return doc


@functools.lru_cache(maxsize=None)
def _jobspec_value(key: str) -> st.SearchStrategy[Any]:
    rules = spec_schema_mod.spec_schema()[0][key]
    if key == "deploy":
        return st.fixed_dictionaries({}, optional={
            "stopBeforeStart": st.booleans(),
            "wait": st.fixed_dictionaries({"until": st.sampled_from(["RUNNING", "TERMINAL", "DONE"]),
                                           "timeoutSeconds": st.integers(0, 4000)}),
        })
    if key == "stacks":
        return st.dictionaries(st.sampled_from(["dev", "prod", "a b"]), st.one_of(st.just({}), st.just([])), max_size=2)
    if rules.get("type") == "string" and "pattern" in rules:
        return st.from_regex(compiled_pattern(rules["pattern"]), fullmatch=True) | st.just("")
    return st.one_of(st.integers(0, 3), st.text(max_size=4), st.booleans())


def _member_edges() -> list[tuple[tuple, list[Any]]]:
    out = []
    for member in modelgen.members():
        edges = _edges(member.shape)
        if member.path[-1] == modelgen.KEY:
            edges = [e for e in edges if isinstance(e, str)]
        if edges:
            out.append((member.path, edges))
    return out


@st.composite
def edged(draw) -> dict[str, Any]:
    """A valid body with one member, any member of the model, just outside its limits."""
    path, edges = draw(st.sampled_from(MEMBER_EDGES))
    body, _ = modelgen.put(draw(bodies()), model.input_shape(), path, copy.deepcopy(draw(st.sampled_from(edges))))
    if path != ("mode",):
        mode = draw(st.sampled_from([None, "BATCH", "STREAMING"]))
        if mode is None:
            body.pop("mode", None)
        else:
            body["mode"] = mode
    return body


MEMBER_EDGES = _member_edges()
