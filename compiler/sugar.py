"""Readable spellings of long one-line API strings, and their exact wire form.

Two members are single strings on the wire but unreadable in a PR diff:

``jobDriver.sparkSubmit.sparkSubmitParameters`` may be a mapping of flags::

    sparkSubmitParameters:
      class: org.example.Main              # --class org.example.Main
      jars: [s3://b/a.jar, s3://b/b.jar]   # --jars s3://b/a.jar,s3://b/b.jar
      conf:                                # --conf k=v, one per entry
        spark.executor.memory: 4g
      verbose: true                        # --verbose (false leaves it out)

``executionIamPolicy.policy`` may be a YAML mapping, compiled to compact JSON.

``decompile_*`` go the other way for ``jobspec import``; they only offer the
mapping form when compiling it back gives the very same string, so
``compile(import(body)) == body`` always holds.
"""

from __future__ import annotations

import json
import re
from typing import Any

SPARK = "sparkSubmitParameters"
POLICY = "policy"

_WS = re.compile(r"\s")
_FLAG = re.compile(r"[A-Za-z][A-Za-z0-9-]*\Z")


class SugarError(ValueError):
    """A mapping form that has no exact string form."""


def _spark_value(flag: str, value: Any) -> str:
    if isinstance(value, list):
        return ",".join(value)
    return value


def compile_spark(params: dict[str, Any]) -> str:
    """``--flag value`` tokens in the mapping's order; ``conf`` expands to one ``--conf`` each."""
    tokens: list[str] = []
    for flag, value in params.items():
        if flag == "conf" and isinstance(value, dict):
            for key, conf_value in value.items():
                tokens += ["--conf", f"{key}={conf_value}"]
        elif value is True:
            tokens.append("--" + flag)
        elif value is False:
            continue
        else:
            tokens += ["--" + flag, _spark_value(flag, value)]
    return " ".join(tokens)


def compile_policy(policy: dict[str, Any]) -> str:
    """Compact JSON in the mapping's key order, as IAM stores what it is sent."""
    try:
        return json.dumps(policy, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:  # NaN or infinity; values of other types raise TypeError (see json_value)
        raise SugarError(f"cannot be written as JSON: {exc}") from None


def compile_value(kind: str, value: dict[str, Any]) -> str:
    """The wire string for a sugared member of kind ``kind``."""
    if kind == SPARK:
        return compile_spark(value)
    if kind == POLICY:
        return compile_policy(value)
    raise SugarError(f"unknown sugar {kind!r}")


def decompile_spark(text: str) -> dict[str, Any] | None:
    """The mapping form of a ``sparkSubmitParameters`` string, or None when it has none."""
    tokens = text.split(" ")
    params: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("--") or not _FLAG.match(token[2:]):
            return None
        flag = token[2:]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is None or nxt.startswith("--"):
            if flag in params:
                return None
            params[flag] = True
            i += 1
            continue
        if flag == "conf":
            key, sep, value = nxt.partition("=")
            conf = params.setdefault("conf", {})
            if not sep or not key or key in conf or not isinstance(conf, dict):
                return None
            conf[key] = value
        else:
            if flag in params or not nxt:
                return None
            params[flag] = nxt
        i += 2
    if not params or any(_has_ws(v) for v in params.values()):
        return None
    return params if compile_spark(params) == text else None


def _has_ws(value: Any) -> bool:
    if isinstance(value, dict):
        return any(has_whitespace(k) or has_whitespace(v) for k, v in value.items())
    return isinstance(value, str) and has_whitespace(value)


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
