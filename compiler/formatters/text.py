"""``file:line:col: severity RULE field: message``, one line a finding, then a summary."""

from __future__ import annotations

from typing import Sequence

from compiler.findings import Finding


def line(f: Finding) -> str:
    field = f" {f.field}:" if f.field else ""
    return f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule}{field} {f.message}"


def summary(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def render(findings: Sequence[Finding]) -> str:
    return "".join(line(f) + "\n" for f in findings) + summary(findings) + "\n"
