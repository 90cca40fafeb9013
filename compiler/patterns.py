"""The model's regular expressions, compiled once, and the JSON-data check.

Kept apart from ``compiler.validator`` so the fast path never imports cerberus.
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: AWS patterns are Java/Smithy regexes: ``\\w`` and ``\\s`` are ASCII classes there.
#: ``.`` matches newlines so ``.*\\S.*`` means "has a non-blank character" for
#: multi-line values such as Hive queries, as the service accepts them.
_FLAGS = re.ASCII | re.DOTALL


@functools.lru_cache(maxsize=None)
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled form of a model pattern, shared by every validation."""
    return re.compile(pattern, _FLAGS)


def full_match(pattern: str, value: str) -> bool:
    """Whether ``value`` matches the model ``pattern`` as a whole."""
    return compiled_pattern(pattern).fullmatch(value) is not None


def first_non_json(value: Any, path: tuple[str, ...]) -> tuple[tuple[str, ...], Any] | None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return path + (str(key),), key
            found = first_non_json(item, path + (key,))
            if found:
                return found
        return None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = first_non_json(item, path + (str(i),))
            if found:
                return found
        return None
    if value is None or isinstance(value, (str, bool, int, float)):
        return None
    return path, value
