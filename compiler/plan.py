"""What applying a new request body to a job does: nothing, an in-place update, or a restart.

A job run cannot be edited. Any change to what StartJobRun was sent means a new
run (a restart); only ``tags`` can change on a live run (TagResource and
UntagResource). This is computed here, in the compiler, because ``pulumi
preview`` never runs the provider's create or update: the provider's ``diff`` and
``jobspec diff`` both call ``plan``, so a PR review and a preview agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.findings import dotted

#: Members that can change on a running job without starting it again.
IN_PLACE = frozenset({"tags"})

NONE, UPDATE, RESTART = "none", "update", "restart"


@dataclass(frozen=True)
class FieldChange:
    """One changed value; ``old``/``new`` are ``MISSING`` when the member was added/removed."""

    path: tuple
    old: Any
    new: Any

    @property
    def name(self) -> str:
        return dotted(self.path)


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Plan:
    action: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def replaces(self) -> list[str]:
        """Top-level members whose change forces a restart (Pulumi's ``replaces``)."""
        seen: list[str] = []
        for change in self.changes:
            top = change.path[0]
            if top not in IN_PLACE and top not in seen:
                seen.append(top)
        return seen


def field_changes(old: Any, new: Any, path: tuple = ()) -> list[FieldChange]:
    """Leaf-level differences; mapping key order never counts, list order does."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        for key in list(old) + [k for k in new if k not in old]:
            out += field_changes(old.get(key, MISSING), new.get(key, MISSING), path + (key,))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new)):
            out += field_changes(a, b, path + (i,))
        return out
    if old is MISSING and new is MISSING:
        return []
    if type(old) is type(new) and old == new:
        return []
    return [FieldChange(path, old, new)]


def plan(old_body: dict[str, Any], new_body: dict[str, Any]) -> Plan:
    """How ``new_body`` would be applied over a job started with ``old_body``."""
    changes = field_changes(old_body, new_body)
    if not changes:
        return Plan(NONE)
    restart = any(c.path[0] not in IN_PLACE for c in changes)
    return Plan(RESTART if restart else UPDATE, changes)
