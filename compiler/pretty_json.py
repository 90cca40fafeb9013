"""``json.dumps(value, indent=2, ensure_ascii=False)``, the same text in three fifths of the time.

``jobspec compile DIR`` prints every body of the folder this way, and with an indent the
standard library leaves its C encoder for a pure-Python one built on generators: a sixth
of the command's time at 10,000 specs (bench/lint_bench.py). This one builds the same
text into one list, with the standard library's own C function for strings. It handles
what a compiled body holds (dicts with string keys, lists, strings, numbers, booleans,
None); for anything else it hands the whole value to ``json.dumps``, so the text is
always the standard library's (tests/test_pretty_json.py holds it to that).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C one when the _json module is there, as json.dumps uses
from typing import Any

_INF = float("inf")


class _Other(Exception):
    """A value this module leaves to ``json.dumps``."""


def _number(value: float) -> str:
    # json's floatstr with allow_nan (its default)
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return float.__repr__(value)


def _write(value: Any, pad: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        opening = "{\n"
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Other  # json turns such keys into strings its own way
            if isinstance(item, str):  # most members: written here, without a call
                out.append(opening + inner + encode_basestring(key) + ": " + encode_basestring(item))
            else:
                out.append(opening + inner + encode_basestring(key) + ": ")
                _write(item, inner, out)
            opening = ",\n"
        out.append("\n" + pad + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        opening = "[\n"
        for item in value:
            if isinstance(item, str):
                out.append(opening + inner + encode_basestring(item))
            else:
                out.append(opening + inner)
                _write(item, inner, out)
            opening = ",\n"
        out.append("\n" + pad + "]")
    else:
        raise _Other


def dumps(value: Any) -> str:
    """The text of ``json.dumps(value, indent=2, ensure_ascii=False)``."""
    out: list[str] = []
    try:
        _write(value, "", out)
    except _Other:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)
