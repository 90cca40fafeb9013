"""How formats for other tools name a finding's file.

Findings in ``_defaults.yaml`` files carry absolute paths (the upward search
resolves them); code scanning and workflow annotations want paths relative to the
checkout, which is where CI runs ``jobspec lint``.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote


def relative(file: str) -> str | None:
    """``file`` relative to the current folder, with ``/`` separators; None when it lies elsewhere."""
    path = Path(file)
    if not path.is_absolute():
        return PurePosixPath(*path.parts).as_posix() if path.parts else file
    try:
        return PurePosixPath(*path.relative_to(Path(os.getcwd()).resolve()).parts).as_posix()
    except ValueError:
        try:
            return PurePosixPath(*path.resolve().relative_to(Path(os.getcwd()).resolve()).parts).as_posix()
        except ValueError:
            return None


def display(file: str) -> str:
    """Relative to the current folder when below it, else as it is."""
    return relative(file) or file


def uri(file: str) -> str:
    """A URI reference for SARIF: relative and percent-encoded below the current folder, else ``file://``."""
    rel = relative(file)
    if rel is not None:
        return quote(rel, safe="/")
    return Path(file).resolve().as_uri()
