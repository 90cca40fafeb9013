"""SARIF 2.1.0 for code scanning: one result per finding, rules from compiler.rules.

Artifact URIs are relative to the repository root (the nearest folder at or above the
current one holding ``.git``), with ``uriBaseId: "%SRCROOT%"`` and that root in the run's
``originalUriBaseIds``, so GitHub places a result in the right file wherever in the
checkout lint ran. Without a ``.git`` above, the current folder stands in for the root
(``jobspec lint`` says so on stderr). A file outside the root gets a ``file://`` URI.

Each rule carries its documentation (``compiler.rule_docs``) as ``fullDescription`` and
``help``, and a ``helpUri`` to its heading in docs/reference.md (the base is
``--help-base-uri``, by default the project's documentation URL). Credential rules
(family 3) are tagged ``security`` with a ``security-severity``, which GitHub uses to rank
the alert.

Each result has ``partialFingerprints["jobspecFinding/v1"]``: a hash of the rule, the
file, the field and the text of the finding's line with its spacing normalised, so an
alert keeps its identity when lines above it move. (GitHub computes its own
``primaryLocationLineHash`` on upload and warns when a tool's value differs; jobspec
leaves that key to it.) Equal hashes in one file are told apart by ``:<n>``, in order.

Findings a ``# jobspec: disable`` comment suppresses are always results, with
``suppressions: [{"kind": "inSource", "justification": reason}]`` (GitHub code scanning
then shows them as dismissed); every other result has ``suppressions: []``, which in
SARIF says suppressions were looked for and none applies.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any, Sequence
from urllib.parse import quote

from compiler import __version__
from compiler.findings import Finding, Suppressed
from compiler.rule_docs import DOCS
from compiler.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The project's documentation (pyproject.toml's ``[project.urls] Documentation``); a rule's
#: ``helpUri`` is this plus ``#<id>``, the anchor GitHub gives its ``### <id>`` heading.
DOCS_URL = "https://github.com/jobspec/jobspec/blob/main/docs/reference.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "jobspecFinding/v1"
#: GitHub ranks an alert with a security-severity over 7.0 as high, over 9.0 as critical.
SECURITY_SEVERITY = {"3": "8.0"}
FAMILY_TAGS = {"0": ["input"], "1": ["model"], "2": ["service"], "3": ["security", "secrets"], "4": ["schedule"]}


def repository_root(start: Path | None = None) -> tuple[Path, bool]:
    """The nearest folder at or above ``start`` (the current folder) with a ``.git`` (a folder,
    or a file in a worktree or submodule), and True; the current folder and False when none has."""
    here = Path(start or os.getcwd())
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder, True
    return here, False


def _within(file: str, root: Path) -> str | None:
    """``file`` relative to ``root`` with ``/`` separators; None when it lies elsewhere."""
    path = Path(os.path.normpath(Path(os.getcwd()) / file))
    for candidate in (path, path.resolve()):
        for base in (root, root.resolve()):
            try:
                return PurePosixPath(*candidate.relative_to(base).parts).as_posix()
            except ValueError:
                pass
    return None


def artifact(file: str, root: Path) -> dict[str, str]:
    rel = _within(file, root)
    if rel is None:
        return {"uri": Path(file).resolve().as_uri()}
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _suppression(reason: str) -> dict[str, str]:
    return {"kind": "inSource", "justification": reason} if reason else {"kind": "inSource"}


def descriptor(rule: str, help_base_uri: str) -> dict[str, Any]:
    """The reportingDescriptor of one rule: its title, documentation, link and tags."""
    info, doc = RULES[rule], DOCS[rule]
    help_uri = f"{help_base_uri}#{rule.lower()}"
    family = rule[1]
    properties: dict[str, Any] = {"tags": FAMILY_TAGS.get(family, [])}
    if family in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[family]
    return {
        "id": rule,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": doc},
        "help": {"text": f"{doc}\n\n{help_uri}", "markdown": f"**{info.title}**\n\n{doc}\n\n[{rule} in the reference]({help_uri})"},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": "error" if info.severity == "error" else "warning"},
        "properties": properties,
    }


class _Lines:
    """The text of a finding's line, for fingerprints: each file read once, never a FIFO or device."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def line(self, file: str, number: int) -> str:
        if file not in self._files:
            from compiler import loader
            try:
                text = loader.read_bytes(file, loader.MAX_BYTES).decode("utf-8", errors="replace")
            except loader.LoadError:
                text = ""
            self._files[file] = text.splitlines()
        lines = self._files[file]
        return " ".join(lines[number - 1].split()) if 0 < number <= len(lines) else ""


def fingerprints(findings: Sequence[Finding], root: Path) -> list[str]:
    """One fingerprint per finding, in order: the line's position is not part of it."""
    lines, seen, out = _Lines(), {}, []
    for f in findings:
        where = _within(f.file, root) or f.file
        digest = hashlib.sha256("\0".join((f.rule, where, f.field, lines.line(f.file, f.line))).encode()).hexdigest()
        seen[digest] = seen.get(digest, 0) + 1
        out.append(f"{digest[:32]}:{seen[digest]}")
    return out


def render(findings: Sequence[Finding], suppressed: Sequence[Suppressed] = (), show_suppressed: bool = True,
           help_base_uri: str = DOCS_URL, root: Path | None = None) -> str:
    """``show_suppressed`` is ignored: SARIF carries suppressed results, marked, for its readers to show or hide.
    ``root``: the folder URIs are relative to (default: the repository root, see ``repository_root``)."""
    if root is None:
        root, _ = repository_root()
    every: list[tuple[Finding, list[dict[str, Any]]]] = sorted(
        [(f, []) for f in findings] + [(s.finding, [_suppression(s.reason)]) for s in suppressed],
        key=lambda pair: pair[0])
    used = sorted({f.rule for f, _ in every})
    index = {rule: i for i, rule in enumerate(used)}
    prints = fingerprints([f for f, _ in every], root)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jobspec",
                "version": __version__,
                "informationUri": help_base_uri,
                "rules": [descriptor(rule, help_base_uri) for rule in used],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
            # Columns come from the YAML parser, which counts code points (SARIF's default is UTF-16 units).
            "columnKind": "unicodeCodePoints",
            "results": [{
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": "error" if f.severity == "error" else "warning",
                "message": {"text": f"{f.field}: {f.message}" if f.field else f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": artifact(f.file, root),
                    "region": {"startLine": f.line, "startColumn": f.column},
                }}],
                "partialFingerprints": {FINGERPRINT: fingerprint},
                "suppressions": suppressions,
            } for (f, suppressions), fingerprint in zip(every, prints)],
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
