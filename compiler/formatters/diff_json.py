"""``jobspec diff --format json``: the report for tools.

``{"base", "head", "stack", "specs", "jobs": [{"name", "action", "file", "changes":
[{"path", "before", "after", "sensitive", "derived"}]}], "summary": {...}}``.
``path`` is the AWS dotted path; ``before``/``after`` are ``null`` for a member that is
absent on that side (a request body never holds null). Values are not masked:
``sensitive`` says which ones the AWS model marks sensitive, for a tool to mask.
"""

from __future__ import annotations

import json
from typing import Any

from compiler.diff_report import Job, Report
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
    return out


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "base": {"ref": report.base, "commit": report.base_commit},
        "head": {"ref": report.head, "commit": report.head_commit},
        "stack": report.stack,
        "specs": report.specs,
        "jobs": [job_dict(job) for job in report.jobs],
        "summary": report.summary,
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False, default=str) + "\n"
