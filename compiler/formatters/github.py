"""GitHub Actions workflow commands, so findings show on the PR's changed lines.

``::error file=F,line=L,col=C,title=T::message``, escaped as the Actions toolkit does
(``%``, CR and LF in the message; also ``:`` and ``,`` in properties). Files below the
current folder (the checkout) are named relative to it. Suppressed findings make no
annotation; with ``--show-suppressed`` each is a ``::notice`` whose title ends
``(suppressed)``, with the comment's reason after the message.
"""

from __future__ import annotations

from typing import Sequence

from compiler.findings import Finding, Suppressed
from compiler.formatters import paths


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, f: Finding, title: str, message: str) -> str:
    return (f"::{level} file={_escape_property(paths.display(f.file))},line={f.line},col={f.column},"
            f"title={_escape_property(title)}::{_escape_data(message)}\n")


def render(findings: Sequence[Finding], suppressed: Sequence[Suppressed] = (), show_suppressed: bool = False) -> str:
    out = [(f, _command("error" if f.severity == "error" else "warning", f, f"{f.rule} {f.field}".strip(), f.message))
           for f in findings]
    if show_suppressed:
        out += [(s.finding, _command("notice", s.finding, f"{s.finding.rule} {s.finding.field}".strip() + " (suppressed)",
                                     s.finding.message + (f" (reason: {s.reason})" if s.reason else " (no reason given)")))
                for s in suppressed]
    return "".join(text for _, text in sorted(out, key=lambda pair: pair[0]))
