"""A JSON array of findings, each with file, line, column, rule, severity, field, message."""

from __future__ import annotations

import json
from typing import Sequence

from compiler.findings import Finding


def render(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
