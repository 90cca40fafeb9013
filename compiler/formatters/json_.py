"""A JSON array of findings, each with file, line, column, rule, severity, field, message.

With ``--show-suppressed`` the findings a comment suppresses are in it too, in position
order, with ``"suppressed": true`` and the comment's reason as ``justification`` ("" when it
gives none). Without it they are left out, so a tool that counts errors counts only those
that stand; an entry without ``suppressed`` stands.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from compiler.findings import Finding, Suppressed


def render(findings: Sequence[Finding], suppressed: Sequence[Suppressed] = (), show_suppressed: bool = False) -> str:
    entries: list[tuple[Finding, dict[str, Any]]] = [(f, f.as_dict()) for f in findings]
    if show_suppressed:
        entries = sorted(entries + [(s.finding, {**s.finding.as_dict(), "suppressed": True, "justification": s.reason})
                                    for s in suppressed], key=lambda pair: pair[0])
    return json.dumps([entry for _, entry in entries], indent=2, ensure_ascii=False) + "\n"
