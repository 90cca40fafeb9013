"""The one type every check reports, and how findings are ordered and counted."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from collections.abc import Mapping
from typing import Any, Iterable

from compiler.rules import severity


@dataclass(frozen=True, order=True)
class Finding:
    """A problem at ``file:line:column`` (1-based) in the member ``field`` (dotted AWS path)."""

    file: str
    line: int
    column: int
    rule: str
    field: str
    message: str

    @property
    def severity(self) -> str:
        return severity(self.rule)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "severity": self.severity}


@dataclass(frozen=True, order=True)
class Suppressed:
    """A finding that a ``# jobspec: disable`` comment suppresses (see ``compiler.suppress``),
    with the comment's reason ("" when it gives none)."""

    finding: Finding
    reason: str


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def dotted(path: Iterable[Any]) -> str:
    """``('a', 0, 'b')`` → ``a[0].b``: the way AWS documentation names nested members."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def kind_of(value: Any) -> str:
    """How a message names the kind of a value: "a string", "a list", "null"…"""
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
