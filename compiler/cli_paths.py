"""Paths given on the command line that name nothing: a usage error (exit 2), not a finding."""

from __future__ import annotations

import os
from typing import Sequence


def missing_paths(paths: Sequence[str]) -> list[str]:
    """Paths that name nothing. Any other error (unreadable, too long, a loop of links) is a
    finding at the path when it is read, so it is not taken for "no such file" here."""
    missing = []
    for path in paths:
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            missing.append(path)
        except OSError:
            pass
    return missing
