"""An option's value of ``aws emr-serverless start-job-run`` → what the AWS CLI would send.

As ``awscli.argprocess`` and ``awscli.paramfile`` do it, in their order: a ``long``
member goes through ``int()`` first (argparse's ``type=int``, so no ``file://`` for
it); any other value naming ``file://PATH`` is replaced by the file's text; then a
string is kept, and a structure or map is JSON when it starts with ``{`` or ``[``
(``json.loads``: duplicate keys keep the last, as in the CLI) and the CLI's
shorthand otherwise (``compiler.shorthand``). A ``file://`` path is relative to the
command file's folder (``~`` is the home folder, as in the CLI) and read as UTF-8.
Every failure is a finding at the character it is about, in the command file or in
the file ``file://`` named.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from compiler import shellwords, shorthand
from compiler.awsopts import Option
from compiler.findings import Finding, kind_of
from compiler.loader import MAX_BYTES, LoadError, read_bytes

#: What ``convert`` and ``load_input_json`` return after a finding.
FAILED: Any = object()
_ENV_IN_PATH = re.compile(r"\$(\w+|\{[^}]*\})")


@dataclass
class Value:
    """A value as the CLI receives it, and where its character ``k`` is written in ``file``."""

    text: str
    file: str
    locate: Callable[[int], tuple[int, int]]
    issues: list[shellwords.Issue] = field(default_factory=list)

    def finding(self, index: int, rule: str, message: str, member: str = "") -> Finding:
        line, col = self.locate(index)
        return Finding(self.file, line, col, rule, member, message)


class _Reported(Exception):
    """A finding was recorded; stop reading this value."""


def convert(option: Option, value: Value, base_dir: Path, findings: list[Finding]) -> Any:
    """The member's value as the CLI would put it in the request, or FAILED (findings added)."""
    kind = option.shape.type_name
    try:
        if kind == "long":  # argparse converts with int() before the CLI looks for file://
            return _integer(option, value)
        value = _param_file(option.cli, option.member, value, base_dir)
        if kind == "string":
            return value.text
        if kind in ("structure", "map"):
            return _structure(option, value, base_dir)
        raise _Reported(value.finding(0, "E0018", f"{option.cli} is a {kind} member; jobspec does not read "
                                                  "this kind of option", option.member))
    except _Reported as reported:
        findings.append(reported.args[0])
        return FAILED


def load_input_json(value: Value, base_dir: Path, findings: list[Finding]) -> Any:
    """The body ``--cli-input-json`` gives (inline JSON, ``file://`` or ``fileb://``), or FAILED."""
    option = "--cli-input-json"
    try:
        if value.text.startswith(("file://", "fileb://")):
            value = _param_file(option, "", value, base_dir, binary_ok=True)
        data = _json(option, "", value)
    except _Reported as reported:
        findings.append(reported.args[0])
        return FAILED
    if not isinstance(data, dict):
        findings.append(value.finding(0, "E0019", f"{option} holds a JSON object (a StartJobRun body), "
                                                  f"not {kind_of(data)}"))
        return FAILED
    return data


def _integer(option: Option, value: Value) -> int:
    try:
        return int(value.text)
    except ValueError:
        hint = " (the AWS CLI reads no file:// for a number)" if value.text.startswith(("file:", "fileb:")) else ""
        raise _Reported(value.finding(0, "E0019", f"{option.cli} takes an integer, not {value.text!r}{hint}",
                                      option.member)) from None


def _structure(option: Option, value: Value, base_dir: Path) -> Any:
    text = value.text
    if text.strip().startswith(("[", "{")):
        if text.lstrip()[0] != "{":
            raise _Reported(value.finding(0, "E0019", f"{option.cli} takes a JSON object, not a list", option.member))
        return _json(option.cli, option.member, value)

    def read_file(written: str, index: int) -> str | None:  # key@=file://PATH
        if not written.startswith(("file://", "fileb://")):
            return None
        part = Value(written, value.file, lambda k: value.locate(index + k))
        return _param_file(option.cli, option.member, part, base_dir).text

    try:
        return shorthand.apply_model(shorthand.Parser(read_file).parse(text), option.shape)
    except shorthand.ShorthandError as exc:
        raise _Reported(value.finding(exc.index, "E0019", f"{option.cli}: {exc.message} (the AWS CLI's shorthand "
                                                          "syntax, key=value,key2=value2)", option.member)) from None
    except ValueError as exc:  # a number that is not one
        raise _Reported(value.finding(0, "E0019", f"{option.cli}: {exc}", option.member)) from None
    except RecursionError:  # the CLI fails the same way; Python's stack is the limit
        raise _Reported(value.finding(0, "E0019", f"{option.cli}: shorthand nested too deep", option.member)) from None


def _json(cli: str, member: str, value: Value) -> Any:
    try:
        return json.loads(value.text)
    except json.JSONDecodeError as exc:
        raise _Reported(value.finding(exc.pos, "E0019", f"{cli}: invalid JSON: {exc.msg}", member)) from None
    except RecursionError:
        raise _Reported(value.finding(0, "E0019", f"{cli}: JSON nested too deep", member)) from None


def _param_file(cli: str, member: str, value: Value, base_dir: Path, binary_ok: bool = False) -> Value:
    """The value itself, or the text of the file a ``file://`` value names (relative to ``base_dir``)."""
    text = value.text
    binary = text.startswith("fileb://")
    if binary and not binary_ok:
        raise _Reported(value.finding(0, "E0019", f"{cli}: fileb:// passes bytes, for binary members, and "
                                                  "StartJobRun has none; use file://", member))
    if text.startswith(("http://", "https://")):
        raise _Reported(value.finding(0, "E0019", f"{cli}: AWS CLI v1 downloads a value that starts with "
                                                  f"{text.split(':', 1)[0]}://; jobspec reads no URL: write the "
                                                  "value, or save it and use file://", member))
    if not text.startswith("file://") and not binary:
        return value
    prefix = len("fileb://") if binary else len("file://")
    written = text[prefix:]
    variable = _ENV_IN_PATH.search(written)
    if variable:
        raise _Reported(value.finding(prefix + variable.start(), "E0017", f"{cli}: the AWS CLI takes "
                                      f"{variable.group(0)} in a file:// path from its environment; write the "
                                      "path out", member))
    path = base_dir / os.path.expanduser(written)
    try:
        raw = read_bytes(str(path), MAX_BYTES + 1)
    except LoadError as exc:
        message = exc.finding.message
        if not os.path.lexists(path):
            message = "no such file (a file:// path is read relative to the command file's folder)"
        raise _Reported(value.finding(0, exc.finding.rule, f"{cli}: {text}: {message}", member)) from None
    if len(raw) > MAX_BYTES:
        raise _Reported(value.finding(0, "E0004", f"{cli}: {text}: larger than {MAX_BYTES // 1024} KiB", member))
    shown = str(path)
    if binary:  # --cli-input-json fileb://: json.loads reads bytes in any UTF encoding
        content = json.detect_encoding(raw)
        try:
            decoded = raw.decode(content)
        except UnicodeDecodeError:
            decoded = raw.decode("utf-8", "replace")
    else:
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise _Reported(Finding(shown, line, col, "E0003", member,
                                    f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8")) from None
    return Value(decoded, shown, shellwords.Lines(decoded).position)
