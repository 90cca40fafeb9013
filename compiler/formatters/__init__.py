"""One small module per output format of ``jobspec lint``; ``FORMATS`` names them."""

from __future__ import annotations

from typing import Protocol, Sequence

from compiler.findings import Finding, Suppressed
from compiler.formatters import github, json_, sarif, text


class Formatter(Protocol):
    """The findings that stand; the suppressed ones, counted or shown as the format does."""

    def __call__(self, findings: Sequence[Finding], suppressed: Sequence[Suppressed] = (),
                 show_suppressed: bool = False) -> str: ...


FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_.render,
    "sarif": sarif.render,
    "github": github.render,
}
