"""What a ``jobspec diff`` report holds, and the words its formatters share.

The formatters (``compiler/formatters/diff_*.py``) read these types; ``compiler.diff_compare``
fills them; ``compiler.diff`` (the command) calls both. This module imports none of those,
so there is no import circle between them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Sequence

import yaml

from compiler.findings import dotted
from compiler.plan import RESTART, UPDATE
from compiler.renames import PREVIOUS_NAMES, SAME_BODY, SAME_FILE

START, STOP, RENAME = "start", "stop", "rename"
#: Actions in the order they are summarised and listed.
ACTIONS = (START, RESTART, UPDATE, STOP, RENAME)
UNCHANGED = "unchanged"

__all__ = ["ACTIONS", "PREVIOUS_NAMES", "RENAME", "RESTART", "SAME_BODY", "SAME_FILE", "SENSITIVE",
           "START", "STOP", "UNCHANGED", "UPDATE", "Change", "Job", "Rename", "Report", "as_same_job", "flow_list",
           "rename_advice", "rename_effect", "rename_warning", "summary_line"]


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


@dataclass(frozen=True)
class Rename:
    """How a HEAD job continues a job that BASE has under another name (see ``compiler.renames``)."""

    old_name: str
    old_file: str
    #: ``PREVIOUS_NAMES`` (aliased: the same Pulumi resource), ``SAME_FILE`` or ``SAME_BODY``.
    matched_by: str
    #: What ``compiler.plan`` says for the two as one job (NONE, UPDATE, RESTART): what happens when
    #: aliased, and what ``previousNames`` would make of it otherwise.
    as_same_job: str
    #: ``deploy.stopBeforeStart`` of the BASE spec and of the HEAD spec.
    stop_before_start: tuple[bool, bool] = (False, False)

    @property
    def aliased(self) -> bool:
        return self.matched_by == PREVIOUS_NAMES

    @property
    def restarts(self) -> bool:
        """Unaliased, Pulumi deletes one resource and creates another: always a new run."""
        return not self.aliased or self.as_same_job == RESTART

    @property
    def cancels_first(self) -> bool:
        """As one job, a restart is a replace honouring HEAD's stopBeforeStart (the provider reads the new inputs)."""
        return self.as_same_job == RESTART and self.stop_before_start[1]

    @property
    def order(self) -> str | None:
        """The order of the two API calls of a restart: the JSON format's ``order``."""
        if not self.restarts:
            return None
        return "cancel-then-start" if self.aliased and self.cancels_first else "start-then-cancel"

    @property
    def warned(self) -> bool:
        """Unaliased with stopBeforeStart on either side: two runs at once, which the key is there to prevent."""
        return not self.aliased and any(self.stop_before_start)


@dataclass
class Job:
    name: str
    action: str
    file: str
    changes: list[Change] = field(default_factory=list)
    #: ``(before, after)`` of the spec's ``rerun`` key when it changed (never sent to AWS).
    rerun: tuple[Any, Any] | None = None
    #: Set for ``RENAME`` only; ``name``/``file`` are then HEAD's.
    rename: Rename | None = None


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
    #: Scheduled jobs (``compiler.diff_schedules.ScheduleJob``), and how many of them stay as they were.
    schedules: list[Any] = field(default_factory=list)
    schedules_unchanged: int = 0

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

    @property
    def warnings(self) -> list[str]:
        return [rename_warning(job) for job in self.jobs if job.rename is not None and job.rename.warned]


def _label(ref: str, commit: str | None) -> str:
    return f"{ref} ({commit[:7]})" if commit else ref


def summary_line(report: Report) -> str:
    """``2 to start, 1 to restart, 0 to update, 1 to stop``, then ``, 2 to rename (1 restart)`` if any."""
    counts = report.summary
    line = ", ".join(f"{counts[action]} to {action}" for action in ACTIONS if action != RENAME)
    if counts[RENAME]:
        restarts = sum(1 for job in report.jobs if job.rename is not None and job.rename.restarts)
        line += f", {counts[RENAME]} to rename ({restarts} restart{'' if restarts == 1 else 's'})"
    return line


# -- words shared by the formatters --------------------------------------------------------------------

HOW = {SAME_FILE: "same spec file", SAME_BODY: "same body"}


def flow_list(names: Sequence[str]) -> str:
    """``[a, b]`` as a YAML flow list; a name that plain YAML would not read back as itself is quoted (JSON)."""
    return "[" + ", ".join(_yaml_scalar(name) for name in names) + "]"


def _yaml_scalar(name: str) -> str:
    try:
        plain = yaml.safe_load(f"[{name}]") == [name]
    except yaml.YAMLError:
        plain = False
    return name if plain else json.dumps(name, ensure_ascii=False)


def as_same_job(rename: Rename) -> str:
    """What happens to the renamed job as one job (with previousNames), in words."""
    if rename.as_same_job == RESTART:
        return "a new run replaces the current one" + (", the old run cancelled first" if rename.cancels_first else "")
    if rename.as_same_job == UPDATE:
        return "tags change in place, the run goes on"
    return "the run goes on"


def rename_effect(rename: Rename) -> str:
    """What merging does to a renamed job, in words (text and markdown)."""
    if rename.aliased:
        if rename.as_same_job == RESTART:
            return "the same job (previousNames), a new run replaces the current one" + (
                "; stopBeforeStart: the old run is cancelled first" if rename.cancels_first else "")
        return f"the same job (previousNames), {as_same_job(rename)}"
    return (f"renamed without previousNames ({HOW[rename.matched_by]}): stop + start, "
            "the new run starts before the old one is cancelled")


def rename_advice(job: Job) -> str | None:
    """How to keep an unaliased rename the same job, and what that would do (None when aliased)."""
    rename = job.rename
    if rename is None or rename.aliased:
        return None
    return (f"add previousNames: {flow_list([rename.old_name])} to {job.file} to keep it the same job: "
            f"then {as_same_job(rename)}")


def rename_warning(job: Job) -> str:
    """The warning for an unaliased rename of a stopBeforeStart job (stderr, text and JSON)."""
    assert job.rename is not None
    return (f"{job.rename.old_name} → {job.name} ({job.file}): deploy.stopBeforeStart is set, but renamed "
            "without previousNames the new run starts before the old one is cancelled; "
            f"add previousNames: {flow_list([job.rename.old_name])} to {job.file}")
