"""Comparing the compiled jobs of two sides: one ``Job`` of the report per job that merging acts on.

Jobs are matched by ``job_name``; ``compiler.plan.plan`` decides restart or update, as
the provider's ``diff`` does. A job only in BASE and one only in HEAD may be one job
renamed (``compiler.renames`` pairs them and says what happens to it). Sensitive members are masked here once, into each
``Change``'s ``masked_*`` values, so every formatter can choose which to show.
"""

from __future__ import annotations

from typing import Any

from compiler import model, renames
from compiler.diff_report import ACTIONS, RENAME, SENSITIVE, START, STOP, Change, Job, Rename, Report
from compiler.diff_sides import Jobs
from compiler.plan import MISSING, RESTART, UPDATE, field_changes, plan

# -- masking -------------------------------------------------------------------------------------------


def _replace_at(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace_at(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace_at(copy[head], rest, new)
    return copy


def masked(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with each member the AWS model marks sensitive replaced by ``SENSITIVE``."""
    out: Any = body
    for path in model.sensitive_value_paths(body):
        out = _replace_at(out, path, SENSITIVE)
    return out


def value_at(value: Any, path: tuple) -> Any:
    """The value at ``path``; ``SENSITIVE`` when the path runs into a masked member."""
    for part in path:
        if value is SENSITIVE:
            return SENSITIVE
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return value


def changes_between(old: dict[str, Any] | None, new: dict[str, Any] | None, derived_token: bool) -> list[Change]:
    """Leaf-level changes (``compiler.plan.field_changes``), the derived clientToken last."""
    old, new = old or {}, new or {}
    old_masked, new_masked = masked(old), masked(new)
    out = []
    for change in field_changes(old, new):
        mb, ma = value_at(old_masked, change.path), value_at(new_masked, change.path)
        out.append(Change(change.path, change.old, change.new,
                          change.old if _same(mb, change.old) else mb,
                          change.new if _same(ma, change.new) else ma,
                          derived=derived_token and change.path == ("clientToken",)))
    return sorted(out, key=lambda c: c.derived)


def _same(a: Any, b: Any) -> bool:
    """Whether masking left the value as it was (no sensitive member inside)."""
    if a is b:
        return True
    if a is SENSITIVE or b is SENSITIVE:
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


# -- comparing -----------------------------------------------------------------------------------------

def _token_derived(*sides: tuple[Jobs, str]) -> bool:
    """Whether no spec of the job, on each ``(side, its name there)`` that has it, gives a clientToken."""
    return all("clientToken" not in jobs.documents[name].data for jobs, name in sides if name in jobs.documents)


def _rerun(base: Jobs, old: str, head: Jobs, new: str) -> tuple[Any, Any] | None:
    reruns = base.documents[old].data.get("rerun"), head.documents[new].data.get("rerun")
    if reruns[0] != reruns[1] or type(reruns[0]) is not type(reruns[1]):
        return reruns
    return None


def _stops_first(jobs: Jobs, name: str) -> bool:
    deploy = jobs.documents[name].data.get("deploy")
    return isinstance(deploy, dict) and deploy.get("stopBeforeStart") is True


def _one_side(jobs: Jobs, names: set[str]) -> renames.Side:
    return renames.Side({name: jobs.files[name] for name in names},
                        {name: renames.identity_free(jobs.bodies[name], _token_derived((jobs, name)))
                         for name in names})


def _renamed(base: Jobs, head: Jobs, pair: renames.Pair) -> Job:
    old_body, new_body, new_doc = base.bodies[pair.old], head.bodies[pair.new], head.documents[pair.new]
    derived = _token_derived((base, pair.old), (head, pair.new))
    as_same_job = renames.same_job_plan(old_body, new_body, pair.old, new_doc.stack, new_doc.data.get("rerun"),
                                        derived).action
    rename = Rename(pair.old, base.files[pair.old], pair.matched_by, as_same_job,
                    (_stops_first(base, pair.old), _stops_first(head, pair.new)))
    return Job(pair.new, RENAME, head.files[pair.new], changes_between(old_body, new_body, derived),
               rerun=_rerun(base, pair.old, head, pair.new), rename=rename)


def compare(base: Jobs, head: Jobs, report: Report) -> Report:
    """Fill ``report`` with one Job per job that merging BASE → HEAD would act on."""
    base_only, head_only = set(base.bodies) - set(head.bodies), set(head.bodies) - set(base.bodies)
    previous = {name: head.documents[name].data.get("previousNames") or [] for name in head_only}
    pairs = renames.pair(_one_side(base, base_only), _one_side(head, head_only), previous)
    paired = {p.old for p in pairs} | {p.new for p in pairs}
    for name in sorted((set(base.bodies) | set(head.bodies)) - paired):
        old, new = base.bodies.get(name), head.bodies.get(name)
        derived = _token_derived((base, name), (head, name))
        if old is None:
            job = Job(name, START, head.files[name], changes_between(None, new, derived))
        elif new is None:
            job = Job(name, STOP, base.files[name], changes_between(old, None, derived))
        else:
            decided = plan(old, new)
            if decided.action not in (RESTART, UPDATE):
                report.unchanged += 1
                continue
            job = Job(name, decided.action, head.files[name], changes_between(old, new, derived),
                      rerun=_rerun(base, name, head, name))
        report.jobs.append(job)
    report.jobs += [_renamed(base, head, pair) for pair in pairs]
    report.jobs.sort(key=lambda job: (ACTIONS.index(job.action), job.name))
    return report
