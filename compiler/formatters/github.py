"""GitHub Actions workflow commands, so findings show on the PR's changed lines.

``::error file=F,line=L,col=C,title=T::message``, escaped as the Actions toolkit does
(``%``, CR and LF in the message; also ``:`` and ``,`` in properties). Files below the
current folder (the checkout) are named relative to it.
"""

from __future__ import annotations

from typing import Sequence

from compiler.findings import Finding
from compiler.formatters import paths


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding]) -> str:
    out = []
    for f in findings:
        level = "error" if f.severity == "error" else "warning"
        title = _escape_property(f"{f.rule} {f.field}".strip())
        out.append(f"::{level} file={_escape_property(paths.display(f.file))},line={f.line},col={f.column},title={title}::"
                   f"{_escape_data(f.message)}\n")
    return "".join(out)
