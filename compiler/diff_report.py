"""What a ``jobspec diff`` report holds: the types the formatters (``compiler/formatters/diff_*.py``) read.

This module imports no other part of ``jobspec diff``, so the formatters and the code
that fills a report both depend on it and not on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler.findings import dotted
from compiler.plan import RESTART, UPDATE

START, STOP = "start", "stop"
#: Actions in the order they are summarised and listed.
ACTIONS = (START, RESTART, UPDATE, STOP)
UNCHANGED = "unchanged"

__all__ = ["ACTIONS", "RESTART", "SENSITIVE", "START", "STOP", "UNCHANGED", "UPDATE",
           "Change", "Job", "Report", "summary_line"]


class _Sensitive:
    """Stands in for a value the model marks sensitive (see ``compiler.diff_compare.masked``)."""

    def __repr__(self) -> str:
        return "***"


SENSITIVE: Any = _Sensitive()


@dataclass(frozen=True)
class Change:
    """One changed member of a request body; ``MISSING`` on the side that lacks it.

    ``masked_before``/``masked_after`` are the same values with every sensitive
    member replaced by ``SENSITIVE``; ``derived`` marks the derived clientToken.
    """

    path: tuple
    before: Any
    after: Any
    masked_before: Any
    masked_after: Any
    derived: bool = False

    @property
    def name(self) -> str:
        return dotted(self.path)

    @property
    def sensitive(self) -> bool:
        return self.masked_before is not self.before or self.masked_after is not self.after


@dataclass
class Job:
    name: str
    action: str
    file: str
    changes: list[Change] = field(default_factory=list)
    #: ``(before, after)`` of the spec's ``rerun`` key when it changed (never sent to AWS).
    rerun: tuple[Any, Any] | None = None


@dataclass
class Report:
    """``base``/``head`` as given (a revision or a folder), or ``working tree``."""

    base: str
    head: str
    stack: str | None
    specs: str
    base_commit: str | None = None
    head_commit: str | None = None
    jobs: list[Job] = field(default_factory=list)
    unchanged: int = 0

    @property
    def base_label(self) -> str:
        return _label(self.base, self.base_commit)

    @property
    def head_label(self) -> str:
        return _label(self.head, self.head_commit)

    @property
    def summary(self) -> dict[str, int]:
        counts = {action: 0 for action in ACTIONS}
        for job in self.jobs:
            counts[job.action] += 1
        return {**counts, UNCHANGED: self.unchanged}


def _label(ref: str, commit: str | None) -> str:
    return f"{ref} ({commit[:7]})" if commit else ref


def summary_line(report: Report) -> str:
    """``2 to start, 1 to restart, 0 to update, 1 to stop``."""
    counts = report.summary
    return ", ".join(f"{counts[action]} to {action}" for action in ACTIONS)
