"""Which job that left BASE continues as which new job of HEAD, and what ``pulumi up`` does to it.

A job's identity is its job name (``name``, else the file name), so a rename looks like
one job gone and another new. Two kinds of renames:

- **aliased**: the HEAD spec lists the old name in ``previousNames``. The program turns it
  into a Pulumi alias, so it is the same resource: ``same_job_plan`` says what happens
  (nothing, tags in place, or one replace honouring ``deploy.stopBeforeStart``).
- **unaliased**: no ``previousNames``, but the two are evidently one job: the same spec
  file (its ``name:`` changed) or the same body (equal but for ``name`` and a derived
  clientToken: the file was renamed). Pulumi sees a delete and a create: the new run
  starts, then the old one is cancelled, ``stopBeforeStart`` or not.

Pairing is deterministic. Only a job absent from the other side can pair, each at most
once, in tiers, strongest evidence first:

1. ``previousNames``: HEAD jobs in name order, each taking the first name of its list
   that is a BASE-only job not yet taken (two jobs claiming one name is lint error
   E2008; the first by name still wins here);
2. the same spec file and the same body;
3. the same body (in another file);
4. the same spec file (the body changed besides the name).

In tiers 2-4 the BASE jobs go in name order, each taking the first free HEAD job by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from compiler.compile import canonical_json, derive_client_token
from compiler.plan import Plan, plan

PREVIOUS_NAMES, SAME_FILE, SAME_BODY = "previousNames", "sameFile", "sameBody"


@dataclass(frozen=True)
class Side:
    """The jobs of one side that are absent from the other: name → spec file, name → body without identity."""

    files: Mapping[str, str]
    bodies: Mapping[str, dict[str, Any]]


@dataclass(frozen=True)
class Pair:
    old: str
    new: str
    matched_by: str


def identity_free(body: dict[str, Any], token_derived: bool) -> dict[str, Any]:
    """``body`` without what a rename changes by itself: ``name``, and the clientToken when it is derived."""
    drop = ("name", "clientToken") if token_derived else ("name",)
    return {k: v for k, v in body.items() if k not in drop}


def pair(base: Side, head: Side, previous: Mapping[str, Sequence[str]]) -> list[Pair]:
    """The renames between BASE-only and HEAD-only jobs (see the module doc for the order).

    ``previous`` maps a HEAD-only job to its ``previousNames``.
    """
    pairs: list[Pair] = []
    free_old, free_new = set(base.files), set(head.files)

    def take(old: str, new: str, how: str) -> None:
        pairs.append(Pair(old, new, how))
        free_old.discard(old)
        free_new.discard(new)

    for new in sorted(head.files):
        for old in previous.get(new, ()):
            if old in free_old:
                take(old, new, PREVIOUS_NAMES)
                break
    # Bodies are compared by their canonical JSON (values and types, not key order, as
    # compiler.plan compares them), so that moving many files stays linear.
    key = {name: canonical_json(body) for side in (base, head) for name, body in side.bodies.items()}
    new_in_file = {file: new for new, file in head.files.items()}
    new_with_body: dict[str, list[str]] = {}
    for new in sorted(head.files):
        new_with_body.setdefault(key[new], []).append(new)

    def in_same_file(old: str) -> list[str]:
        new = new_in_file.get(base.files[old])
        return [new] if new is not None else []

    tiers = (
        (SAME_FILE, lambda old: [new for new in in_same_file(old) if key[new] == key[old]]),
        (SAME_BODY, lambda old: new_with_body.get(key[old], [])),
        (SAME_FILE, in_same_file),
    )
    for how, candidates in tiers:
        for old in sorted(free_old):
            new = next((new for new in candidates(old) if new in free_new), None)
            if new is not None:
                take(old, new, how)
    return pairs


def same_job_plan(old_body: dict[str, Any], new_body: dict[str, Any], old_name: str, stack: str | None,
                  rerun: Any, token_derived: bool) -> Plan:
    """What applying ``new_body`` to the job renamed from ``old_name`` does, when it stays the same job.

    ``compiler.plan.plan`` as the provider's ``diff`` runs it, except for a clientToken derived
    on both sides (``token_derived``): the name is one of its inputs, so a rename alone changes
    it. HEAD's token is derived again under the old name (HEAD's stack, ``rerun`` and body):
    when that gives BASE's token, the name was the only cause and the change is ignored; when
    not (a ``rerun`` bump, a body change), it counts, as it does without a rename.
    """
    if token_derived:
        new_body = {**new_body, "clientToken": derive_client_token(old_name, stack, new_body, rerun)}
    return plan(old_body, new_body)
