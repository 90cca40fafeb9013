"""One small module per output format of ``jobspec lint``; ``FORMATS`` names them."""

from __future__ import annotations

from typing import Callable, Sequence

from compiler.findings import Finding
from compiler.formatters import github, json_, sarif, text

Formatter = Callable[[Sequence[Finding]], str]

FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_.render,
    "sarif": sarif.render,
    "github": github.render,
}
