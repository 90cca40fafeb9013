"""Values made from botocore's StartJobRun model, for tests that must not hand-list members.

- ``members()`` walks the model: every member's path and shape (the recursive
  ``Configuration`` is entered once more, so its nested copy is covered too).
- ``SEEDS`` holds, per model pattern, a way to build a matching string of any length
  the pattern allows, and a string that breaks the pattern. Which lengths a pattern
  allows at all comes from the regex itself (``pattern_width``), not from the table.
- ``minimal()`` is the smallest valid value of a shape; ``put()`` places a value at a
  member's path in an otherwise valid body, creating what the path needs on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from botocore.model import Shape

from compiler import model
from compiler.findings import dotted
from compiler.patterns import compiled_pattern

try:  # Python 3.11+
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Path markers: a map's key, a map's value (list items are the index 0).
KEY, VALUE = "<key>", "<value>"
UNBOUNDED = 1 << 40


@dataclass(frozen=True)
class Member:
    path: tuple
    shape: Shape

    @property
    def name(self) -> str:
        return dotted(self.path)


def members() -> list[Member]:
    """Every member of the request, outermost first."""
    found: list[Member] = []

    def walk(shape: Shape, path: tuple, seen: tuple[str, ...]) -> None:
        if path:
            found.append(Member(path, shape))
        kind = shape.type_name
        if kind == "structure":
            if seen.count(shape.name) >= 2:
                return
            for name, member in shape.members.items():
                walk(member, path + (name,), seen + (shape.name,))
        elif kind == "list":
            walk(shape.member, path + (0,), seen)
        elif kind == "map":
            walk(shape.key, path + (KEY,), seen)
            walk(shape.value, path + (VALUE,), seen)

    walk(model.input_shape(), (), ())
    return found


def pattern_width(pattern: str) -> tuple[int, int]:
    """Shortest and longest string the pattern can match, read from the regex."""
    lo, hi = _sre_parse.parse(pattern, compiled_pattern(pattern).flags).getwidth()
    return lo, min(hi, UNBOUNDED)


# -- seeds: matching strings of a chosen length ------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _variant(i: int) -> str:
    """Three letters, different for each i < 26**3 (to make distinct map keys)."""
    return "".join(_LETTERS[(i // 26 ** k) % 26] for k in (2, 1, 0))


@dataclass(frozen=True)
class Seed:
    """``prefix + filler * k + suffix``: matches the pattern for every k ≥ min_fill."""

    prefix: str = ""
    filler: str = "a"
    suffix: str = ""
    min_fill: int = 1
    #: A string of ordinary length that breaks the pattern (None: nothing can).
    bad: str | None = None
    make_fn: Callable[[int], str | None] | None = None

    def make(self, n: int, variant: int = 0) -> str | None:
        """A string of length ``n`` that matches the pattern (None when this seed has none)."""
        if self.make_fn is not None:
            return self.make_fn(n) if variant == 0 else None
        fill = n - len(self.prefix) - len(self.suffix)
        if fill < self.min_fill:
            return None
        body = self.filler * fill
        if variant:
            if fill < 3 or self.filler not in _LETTERS:
                return None
            body = body[:-3] + _variant(variant)
        return self.prefix + body + self.suffix


def _prometheus(n: int) -> str | None:
    # https://aps-workspaces.<region>.amazonaws(.[0-9A-Za-z]{2,4})+/workspaces/<id>/api/v1/remote_write
    head, tail = "https://aps-workspaces.aa-a-1.amazonaws", "/workspaces/a/api/v1/remote_write"
    g = n - len(head) - len(tail)  # characters left for the (.xx) groups: any g >= 3 is a sum of 3s, 4s, 5s
    if g < 3:
        return None
    groups = []
    while g:
        take = g if g in (3, 4, 5) else 3 if g == 6 else 4
        groups.append("." + "a" * (take - 1))
        g -= take
    return head + "".join(groups) + tail


_KMS = Seed(prefix="arn:aws:kms::123456789012:key/", bad="arn:aws:kms:us-east-1:123456789012:alias/x")

#: One entry per pattern in the model. A botocore upgrade that brings a new pattern
#: fails test_every_model_pattern_has_a_seed until a seed is added here.
SEEDS: dict[str, Seed] = {
    "[0-9a-z]+": Seed(bad="ABC"),
    "[A-Za-z0-9._-]+": Seed(bad="a b"),
    r"arn:(aws[a-zA-Z0-9-]*):iam::([0-9]{12}):(role((\u002F)|(\u002F[\u0021-\u007F]+\u002F))[\w+=,.@-]+)":
        Seed(prefix="arn:aws:iam::123456789012:role/", bad="arn:aws:iam::123456789012:user/someone"),
    # botocore's data has four spaces where the service's pattern has \t \n \r and a space.
    # The policy is also a JSON document for jobspec (E2003): a run of digits is JSON.
    "([\u0020\u0020\u0020\u0020-\u00FF]+)": Seed(filler="1", bad='"\u20ac"'),
    # ... and reads the Java escapes \u10000 and \u10FFFF as \u1000 + "0" and \u10FF + "FF".
    "([\u0020\u0020\u0020\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)":
        Seed(bad="\u0001" * 20),
    r".*\S.*": Seed(bad="   "),
    # .* on both sides (with DOTALL) matches every string: nothing can break this pattern.
    r".*[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\r\n\t]*.*": Seed(min_fill=0),
    r"arn:(aws[a-zA-Z0-9-]*):kms:[a-zA-Z0-9\-]*:([0-9]{12}):key\/[a-zA-Z0-9-]+": _KMS,
    r"[\.\-_/#A-Za-z0-9]+": Seed(bad="a b"),
    "[^:*]*": Seed(min_fill=0, bad="a:b"),
    "[a-zA-Z]+[-_]*[a-zA-Z]+": Seed(bad="a1"),
    r"https://aps-workspaces.([a-z]{2}-[a-z-]{1,20}-[1-9]).amazonaws(.[0-9A-Za-z]{2,4})+/workspaces/[-_.0-9A-Za-z]{1,100}/api/v1/remote_write":
        Seed(make_fn=_prometheus, bad="https://example.com/api/v1/remote_write"),
    "[A-Za-z0-9 /_.:=+@-]+": Seed(bad="a#"),
    "[A-Za-z0-9 /_.:=+@-]*": Seed(min_fill=0, bad="#"),
}
_PLAIN = Seed(min_fill=0)


def seed_for(shape: Shape) -> Seed:
    pattern = shape.metadata.get("pattern")
    return _PLAIN if pattern is None else SEEDS[pattern]


def length_bounds(shape: Shape) -> tuple[int, int]:
    """Lengths a string member can have: the model's min/max, within what its pattern can match."""
    meta = shape.metadata
    lo, hi = meta.get("min", 0), meta.get("max", UNBOUNDED)
    if "pattern" in meta:
        plo, phi = pattern_width(meta["pattern"])
        lo, hi = max(lo, plo), min(hi, phi)
    return lo, hi


def string_of(shape: Shape, n: int, variant: int = 0) -> str | None:
    """A string of length n that matches the member's pattern (the model's length limits aside)."""
    text = seed_for(shape).make(n, variant)
    pattern = shape.metadata.get("pattern")
    if text is not None:
        assert len(text) == n, (shape.name, n, text)
        assert pattern is None or compiled_pattern(pattern).fullmatch(text), (shape.name, text)
    return text


# -- valid values --------------------------------------------------------------------------------------------

def minimal(shape: Shape) -> Any:
    """The smallest valid value of a shape (required members only, one union member)."""
    meta = shape.metadata
    kind = shape.type_name
    if kind == "string":
        if "enum" in meta:
            return meta["enum"][0]
        lo, _ = length_bounds(shape)
        return string_of(shape, max(lo, 1))
    if kind in ("integer", "long"):
        return meta.get("min", 0)
    if kind == "boolean":
        return True
    if kind == "list":
        return [minimal(shape.member) for _ in range(meta.get("min", 0))]
    if kind == "map":
        return {key: minimal(shape.value) for key in distinct_keys(shape.key, meta.get("min", 0))}
    if kind == "structure":
        if meta.get("union"):
            first = next(iter(shape.members))
            return {first: minimal(shape.members[first])}
        return {name: minimal(shape.members[name]) for name in shape.required_members}
    raise AssertionError(f"unexpected shape type {kind}")


def distinct_keys(shape: Shape, count: int) -> list[str]:
    lo, _ = length_bounds(shape)
    n = max(lo, 3)
    keys = [string_of(shape, n, variant=i) for i in range(count)]
    assert None not in keys and len(set(keys)) == count, (shape.name, count)
    return keys


def minimal_body() -> dict[str, Any]:
    """The smallest body the model accepts: its required members."""
    return minimal(model.input_shape())


def put(value: Any, shape: Shape, path: tuple, leaf: Any) -> tuple[Any, tuple]:
    """``value`` with ``leaf`` at ``path``; also the concrete path (keys instead of markers)."""
    if not path:
        return leaf, ()
    head, rest = path[0], path[1:]
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("union"):
            current: Any = {}  # a union holds only the member on the path
        else:
            current = dict(value) if isinstance(value, dict) else minimal(shape)
        child, concrete = put(current.get(head), shape.members[head], rest, leaf)
        current[head] = child
        return current, (head,) + concrete
    if kind == "list":
        items = list(value) if isinstance(value, list) else []
        child, concrete = put(items[0] if items else None, shape.member, rest, leaf)
        items[:1] = [child]
        return items, (0,) + concrete
    if kind == "map":
        if head == KEY:
            assert not rest
            return {leaf: minimal(shape.value)}, (leaf,)
        (key,) = distinct_keys(shape.key, 1)
        child, concrete = put(None, shape.value, rest, leaf)
        return {key: child}, (key,) + concrete
    raise AssertionError(f"cannot descend into {kind} at {path}")


def body_with(path: tuple, leaf: Any) -> tuple[dict[str, Any], tuple]:
    """A minimal valid body with ``leaf`` at ``path`` (a member path from ``members()``)."""
    return put(minimal_body(), model.input_shape(), path, leaf)


def model_patterns() -> Iterator[tuple[Member, str]]:
    for member in members():
        pattern = member.shape.metadata.get("pattern")
        if pattern is not None:
            yield member, pattern


def get(value: Any, path: tuple) -> Any:
    for part in path:
        value = value[part]
    return value


def compiled(pattern: str) -> re.Pattern[str]:
    return compiled_pattern(pattern)
