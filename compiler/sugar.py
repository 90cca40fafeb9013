"""Readable spellings of long one-line API strings, and their exact wire form.

Three members are single strings on the wire but unreadable in a PR diff.

``jobDriver.sparkSubmit.sparkSubmitParameters`` may be a mapping of flags, in order::

    sparkSubmitParameters:
      class: org.example.Main              # --class org.example.Main
      jars: [s3://b/a.jar, s3://b/b.jar]   # --jars s3://b/a.jar,s3://b/b.jar
      conf:                                # --conf k=v, one per entry
        spark.executor.memory: 4g
      verbose: true                        # --verbose (false leaves it out)
      archives=: s3://b/env.tar.gz#env     # --archives=s3://b/env.tar.gz#env
      -f: true                             # -f (a key with one dash is written as is)

``jobDriver.hive.parameters`` the same way, with ``hiveconf`` and ``hivevar`` expanded
like ``conf``::

    parameters:
      hiveconf:                            # --hiveconf k=v, one per entry
        hive.exec.scratchdir: s3://b/scratch
      hivevar: {day: 2024-06-01}           # --hivevar day=2024-06-01
      database: sales                      # --database sales

A key ending in ``=`` keeps the ``--flag=value`` spelling (``conf=``/``hiveconf=`` with
entries give ``--conf=k=v``); such a flag needs a value, so ``true``/``false`` there
cannot be written (E2005).

``executionIamPolicy.policy`` may be a YAML mapping, compiled to compact JSON.

``decompile`` and ``decompile_policy`` go the other way for ``jobspec import``; they only
offer the mapping form when compiling it back gives the very same string, so
``compile(import(body)) == body`` always holds. The comma-separated values of
spark-submit's list flags (``--packages``, ``--jars``…) become YAML lists when every item
is non-empty. With ``normalize=True`` a string whose flags are separated by runs of
whitespace (line breaks, several spaces, a leading or trailing space) gets the mapping of
its flags, which compiles to them separated by one space (``jobspec import
--normalize-whitespace``).
"""

from __future__ import annotations

import json
import re
from typing import Any

SPARK = "sparkSubmitParameters"
HIVE = "parameters"
POLICY = "policy"

#: A key of a flags mapping: the flag's name; one leading dash for a short flag
#: (written as is), a trailing ``=`` for the ``--flag=value`` spelling.
FLAG_KEY = r"-?[A-Za-z][A-Za-z0-9-]*=?"

#: Flags whose mapping expands to one ``--flag k=v`` per entry, per sugared member.
EXPANDED: dict[str, tuple[str, ...]] = {SPARK: ("conf",), HIVE: ("hiveconf", "hivevar")}
#: spark-submit flags that take a comma-separated list, decompiled to YAML lists.
LIST_FLAGS: dict[str, frozenset[str]] = {
    SPARK: frozenset({"packages", "jars", "py-files", "archives", "files", "repositories", "exclude-packages"}),
    HIVE: frozenset(),
}

_WS = re.compile(r"\s")
#: What ``normalize`` treats as a separator: ASCII whitespace only, as a shell would split.
_ASCII_WS = " \t\n\r\f\v"
_SEPARATORS = re.compile(f"[{_ASCII_WS}]+")
_TOKEN = re.compile(r"(--?)([A-Za-z][A-Za-z0-9-]*)(?:(=)(.*))?\Z", re.DOTALL)


class SugarError(ValueError):
    """A mapping form that has no exact string form; ``path`` is the key inside the mapping, if any."""

    def __init__(self, message: str, path: tuple = ()) -> None:
        super().__init__(message)
        self.path = path


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(value)
    return value


def compile_flags(params: dict[str, Any], expanded: tuple[str, ...] = ()) -> str:
    """Flag tokens in the mapping's order, one space apart; each ``expanded`` flag gives one token per entry.

    Raises TypeError for a value of the wrong type (the schema's own rules report it)
    and SugarError for ``true``/``false`` on a key that ends in ``=``.
    """
    tokens: list[str] = []
    for key, value in params.items():
        glued = key.endswith("=")
        flag = key[:-1] if glued else key
        name = flag if flag.startswith("-") else "--" + flag
        if flag in expanded and isinstance(value, dict):
            values = [f"{k}={v}" for k, v in value.items()]
        elif isinstance(value, bool):
            if glued:
                raise SugarError(f"is {str(value).lower()}, but a flag written with '=' takes a value: quote "
                                 f"\"{str(value).lower()}\" to send that text, or write `{flag}: true` for the "
                                 "bare flag", (key,))
            if value:
                tokens.append(name)
            continue
        else:
            values = [_joined(value)]
        for text in values:
            tokens += [name + "=" + text] if glued else [name, text]
    return " ".join(tokens)


def compile_spark(params: dict[str, Any]) -> str:
    """``sparkSubmitParameters`` from its mapping; ``conf`` expands to one ``--conf`` each."""
    return compile_flags(params, EXPANDED[SPARK])


def compile_hive(params: dict[str, Any]) -> str:
    """Hive ``parameters`` from its mapping; ``hiveconf``/``hivevar`` expand to one flag each."""
    return compile_flags(params, EXPANDED[HIVE])


def compile_policy(policy: dict[str, Any]) -> str:
    """Compact JSON in the mapping's key order, as IAM stores what it is sent."""
    try:
        return json.dumps(policy, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:  # NaN or infinity; values of other types raise TypeError (see json_value)
        raise SugarError(f"cannot be written as JSON: {exc}") from None


def compile_value(kind: str, value: dict[str, Any]) -> str:
    """The wire string for a sugared member of kind ``kind``."""
    if kind in EXPANDED:
        return compile_flags(value, EXPANDED[kind])
    if kind == POLICY:
        return compile_policy(value)
    raise SugarError(f"unknown sugar {kind!r}")


def decompile(kind: str, text: str, normalize: bool = False) -> dict[str, Any] | None:
    """The mapping form of a flags string (``SPARK`` or ``HIVE``), or None when it has none.

    Exact unless ``normalize``: then the mapping may compile to the string's flags
    joined by single spaces where the string had other whitespace between them.
    """
    if normalize:
        tokens = _SEPARATORS.split(text.strip(_ASCII_WS))
    else:
        tokens = text.split(" ")
    params = _parse(tokens, EXPANDED[kind], LIST_FLAGS[kind])
    if params is None:
        return None
    wire = " ".join(tokens) if normalize else text
    return params if compile_flags(params, EXPANDED[kind]) == wire else None


def decompile_spark(text: str) -> dict[str, Any] | None:
    """The mapping form of a ``sparkSubmitParameters`` string, or None when it has none."""
    return decompile(SPARK, text)


def _parse(tokens: list[str], expanded: tuple[str, ...], lists: frozenset[str]) -> dict[str, Any] | None:
    params: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        match = _TOKEN.match(tokens[i])
        if match is None:
            return None
        dashes, flag, glued, value = match.groups()
        key = ("-" if dashes == "-" else "") + flag + (glued or "")
        if glued:
            i += 1
        else:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or nxt.startswith("--"):
                value, i = True, i + 1
            elif not nxt:
                return None  # two spaces in a row: the mapping would compile to one
            else:
                value, i = nxt, i + 2
        if flag in expanded and dashes == "--":
            if value is True:
                return None  # a bare --conf: the mapping form's conf is a mapping of entries
            name, sep, entry = value.partition("=")
            group = params.setdefault(key, {})
            if not sep or not name or not isinstance(group, dict) or name in group:
                return None
            group[name] = entry
            continue
        if key in params:
            return None
        if flag in lists and dashes == "--" and isinstance(value, str) and "," in value \
                and all(value.split(",")):
            value = value.split(",")
        params[key] = value
    if not params or any(_has_ws(v) for v in params.values()):
        return None
    return params


def _has_ws(value: Any) -> bool:
    if isinstance(value, dict):
        return any(has_whitespace(k) or has_whitespace(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_whitespace(v) for v in value)
    return isinstance(value, str) and has_whitespace(value)


def whitespace_changes(text: str) -> str:
    """What ``decompile(..., normalize=True)`` changes in ``text``, in words (for import's note)."""
    inner = text.strip(_ASCII_WS)
    runs = [run for run in _SEPARATORS.findall(inner) if run != " "]
    changes = []
    if any("\n" in run or "\r" in run for run in runs):
        changes.append("line breaks → one space")
    if any(run.strip(" ") == "" for run in runs):
        changes.append("runs of spaces → one")
    if any(run.strip(" \n\r") for run in runs):
        changes.append("tabs and other whitespace → one space")
    if text != text.lstrip(_ASCII_WS):
        changes.append("leading whitespace removed")
    if text != text.rstrip(_ASCII_WS):
        changes.append("trailing whitespace removed")
    return ", ".join(changes)


def decompile_policy(text: str) -> dict[str, Any] | None:
    """The mapping form of a policy string, or None unless it is compact JSON of an object."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or not parsed:
        return None  # `{}` stays a string: the model's minimum length of 1 is also a mapping's minimum size
    try:
        return parsed if compile_policy(parsed) == text else None
    except SugarError:  # 1e400 reads as infinity, which has no JSON spelling
        return None


def has_whitespace(value: str) -> bool:
    """Whether a flag value would be split by the service's whitespace tokenizer."""
    return bool(_WS.search(value))
