"""``file:line:col: severity RULE field: message``, one line a finding, then a summary.

Suppressed findings are counted in the summary; with ``--show-suppressed`` each is a line
too, in position order among the others, starting ``suppressed`` where the severity would be
(so nothing that reads ``: error `` lines takes one for a finding that stands).
"""

from __future__ import annotations

from typing import Sequence

from compiler.findings import Finding, Suppressed


def line(f: Finding) -> str:
    field = f" {f.field}:" if f.field else ""
    return f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule}{field} {f.message}"


def suppressed_line(s: Suppressed) -> str:
    f = s.finding
    field = f" {f.field}:" if f.field else ""
    why = f"reason: {s.reason}" if s.reason else "no reason given"
    return f"{f.file}:{f.line}:{f.column}: suppressed {f.severity} {f.rule}{field} {f.message} ({why})"


def summary(findings: Sequence[Finding], suppressed: int = 0) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)" + (f", {suppressed} suppressed" if suppressed else "")


def render(findings: Sequence[Finding], suppressed: Sequence[Suppressed] = (), show_suppressed: bool = False) -> str:
    lines = [(f, line(f)) for f in findings]
    if show_suppressed:
        lines = sorted(lines + [(s.finding, suppressed_line(s)) for s in suppressed], key=lambda pair: pair[0])
    return "".join(text + "\n" for _, text in lines) + summary(findings, len(suppressed)) + "\n"
