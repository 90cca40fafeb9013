"""``jobspec diff --format json``: the report for tools.

``{"base", "head", "stack", "specs", "warnings": [str], "jobs": [{"name", "action", "file",
"changes": [{"path", "before", "after", "sensitive", "derived"}]}], "summary": {...}}``.
``path`` is the AWS dotted path; ``before``/``after`` are ``null`` for a member that is
absent on that side (a request body never holds null). Values are not masked:
``sensitive`` says which ones the AWS model marks sensitive, for a tool to mask.

A job with ``"action": "rename"`` (``name``/``file`` are HEAD's) also has ``"rename": {"from",
"fromFile", "matchedBy": "previousNames" | "sameFile" | "sameBody", "restarts", "order":
"cancel-then-start" | "start-then-cancel" | null, "withPreviousNames": "none" | "update" |
"restart", "stopBeforeStart": {"base", "head"}, "advice": str | null}``. ``withPreviousNames``
is what happens to it as one job: what does happen when matched by previousNames, and what
adding them would make of it otherwise (``advice`` says how). ``summary`` always has every
action's count, ``rename`` included.
"""

from __future__ import annotations

import json
from typing import Any

from compiler.diff_report import Job, Rename, Report, rename_advice
from compiler.formatters.diff_schedules import json_fields
from compiler.plan import MISSING


def _value(value: Any) -> Any:
    return None if value is MISSING else value


def job_dict(job: Job) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": job.name,
        "action": job.action,
        "file": job.file,
        "changes": [{"path": c.name, "before": _value(c.before), "after": _value(c.after),
                     "sensitive": c.sensitive, "derived": c.derived} for c in job.changes],
    }
    if job.rerun is not None:
        out["rerun"] = {"before": job.rerun[0], "after": job.rerun[1]}
    if job.rename is not None:
        out["rename"] = {**_rename(job.rename), "advice": rename_advice(job)}
    return out


def _rename(rename: Rename) -> dict[str, Any]:
    return {"from": rename.old_name, "fromFile": rename.old_file, "matchedBy": rename.matched_by,
            "restarts": rename.restarts, "order": rename.order, "withPreviousNames": rename.as_same_job,
            "stopBeforeStart": {"base": rename.stop_before_start[0], "head": rename.stop_before_start[1]}}


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "base": {"ref": report.base, "commit": report.base_commit},
        "head": {"ref": report.head, "commit": report.head_commit},
        "stack": report.stack,
        "specs": report.specs,
        "warnings": report.warnings,
        "jobs": [job_dict(job) for job in report.jobs],
        "summary": report.summary,
        **json_fields(report),  # "schedules", "scheduleSummary" when either side schedules a job
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False, default=str) + "\n"
