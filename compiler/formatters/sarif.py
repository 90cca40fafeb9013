"""SARIF 2.1.0 for code scanning: one result per finding, rules from compiler.rules.

Artifact URIs are relative to the current folder (the checkout, in CI) and
percent-encoded; a file outside it gets a ``file://`` URI.

Findings a ``# jobspec: disable`` comment suppresses are always results, with
``suppressions: [{"kind": "inSource", "justification": reason}]`` (GitHub code scanning
then shows them as dismissed); every other result has ``suppressions: []``, which in
SARIF says suppressions were looked for and none applies.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from compiler import __version__
from compiler.findings import Finding, Suppressed
from compiler.formatters import paths
from compiler.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _suppression(reason: str) -> dict[str, str]:
    return {"kind": "inSource", "justification": reason} if reason else {"kind": "inSource"}


def render(findings: Sequence[Finding], suppressed: Sequence[Suppressed] = (), show_suppressed: bool = True) -> str:
    """``show_suppressed`` is ignored: SARIF carries suppressed results, marked, for its readers to show or hide."""
    every: list[tuple[Finding, list[dict[str, Any]]]] = sorted(
        [(f, []) for f in findings] + [(s.finding, [_suppression(s.reason)]) for s in suppressed],
        key=lambda pair: pair[0])
    used = sorted({f.rule for f, _ in every})
    index = {rule: i for i, rule in enumerate(used)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jobspec",
                "version": __version__,
                "rules": [{
                    "id": rule,
                    "shortDescription": {"text": RULES[rule].title},
                    "defaultConfiguration": {"level": "error" if RULES[rule].severity == "error" else "warning"},
                } for rule in used],
            }},
            # Columns come from the YAML parser, which counts code points (SARIF's default is UTF-16 units).
            "columnKind": "unicodeCodePoints",
            "results": [{
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": "error" if f.severity == "error" else "warning",
                "message": {"text": f"{f.field}: {f.message}" if f.field else f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": paths.uri(f.file)},
                    "region": {"startLine": f.line, "startColumn": f.column},
                }}],
                "suppressions": suppressions,
            } for f, suppressions in every],
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
