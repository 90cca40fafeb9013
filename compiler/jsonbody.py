"""Reading a StartJobRun body the way the AWS CLI reads ``--cli-input-json``: strict JSON.

``jobspec import`` must take exactly what the CLI would send, so the file is read as
JSON and nothing else: no YAML fallback (YAML would turn a raw line break inside a
string into a space, where the CLI refuses the file), no ``NaN``, no duplicate keys
(JSON readers silently keep the last; the second is reported, at its position), no
lone surrogate escape (``"\\ud83d"`` is not Unicode text and cannot be sent as UTF-8).

One pass over the text builds both the values and a node graph of PyYAML nodes with
marks, the same graph ``compiler.loader`` builds for a spec, so every later finding
(lint of the body, E3001) lands on the body's own line and column. Strings are
decoded by the json module's own ``scanstring`` (C-accelerated), numbers by its
number grammar, so values are exactly what ``json.loads`` gives.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
import unicodedata
from typing import Any

import yaml

from compiler import loader
from compiler.findings import Finding, dotted

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = json.scanner.NUMBER_RE
_LITERALS = {"true": ("bool", True), "false": ("bool", False), "null": ("null", None)}
_SURROGATE = re.compile("[\ud800-\udfff]")
_TAGS = {"str": loader.STR, "int": "tag:yaml.org,2002:int", "float": "tag:yaml.org,2002:float",
         "bool": "tag:yaml.org,2002:bool", "null": "tag:yaml.org,2002:null"}


class _Text:
    """Index → (line, column) for marks and findings (columns count characters, as YAML's do)."""

    def __init__(self, file: str, text: str) -> None:
        self.file, self.text = file, text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def mark(self, index: int) -> yaml.Mark:
        line = bisect.bisect_right(self.starts, index) - 1
        return yaml.Mark(self.file, index, line, index - self.starts[line], None, None)

    def error(self, rule: str, index: int, message: str, path: tuple = ()) -> loader.LoadError:
        mark = self.mark(index)
        return loader.LoadError(Finding(self.file, mark.line + 1, mark.column + 1, rule, dotted(path), message))


def _shown(char: str) -> str:
    """A character as a message shows it: printable ones quoted, the rest by code point and name."""
    if char.isprintable() and char.isascii():
        return f"'{char}'"
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


class _Parser:
    def __init__(self, text: _Text) -> None:
        self.t = text
        self.s = text.text
        self.nodes = 0

    def skip(self, i: int) -> int:
        return _WS.match(self.s, i).end()

    def unexpected(self, i: int, wanted: str, path: tuple) -> loader.LoadError:
        if i >= len(self.s):
            return self.t.error("E0001", i, f"not JSON: the file ends where {wanted} was expected", path)
        return self.t.error("E0001", i, f"not JSON: expected {wanted}, found {_shown(self.s[i])}", path)

    def string(self, i: int, path: tuple) -> tuple[str, int]:
        """The string starting at the quote at ``i``, and the index after it."""
        try:
            value, end = json.decoder.scanstring(self.s, i + 1, True)
        except json.JSONDecodeError as exc:
            if exc.msg.startswith("Invalid control character"):
                char = self.s[exc.pos]
                what = "a raw line break" if char in "\n\r" else f"a raw control character ({_shown(char)})"
                escape = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")
                raise self.t.error("E0001", exc.pos, f"not JSON: {what} inside a string; JSON writes it as "
                                   f"{escape} (the AWS CLI refuses this file too)", path) from None
            if exc.msg.startswith("Unterminated string"):
                raise self.t.error("E0001", i, "not JSON: a string that is never closed", path) from None
            raise self.t.error("E0001", exc.pos, f"not JSON: {exc.msg.lower()} in a string", path) from None
        lone = _SURROGATE.search(value)
        if lone:
            raise self.t.error(
                "E0003", i, f"the string escapes a lone surrogate (\\u{ord(lone.group()):04x}): not Unicode text, "
                "and the service takes only UTF-8; escape the whole pair or write the character itself", path)
        return value, end

    def value(self, i: int, path: tuple, depth: int) -> tuple[Any, yaml.Node, int]:
        self.nodes += 1
        if depth > loader.MAX_DEPTH or self.nodes > loader.MAX_NODES:
            what = f"nesting deeper than {loader.MAX_DEPTH} levels" if depth > loader.MAX_DEPTH \
                else f"more than {loader.MAX_NODES} values"
            raise self.t.error("E0007", i, f"refused: {what}", path)
        char = self.s[i:i + 1]
        if char == "{":
            return self.obj(i, path, depth)
        if char == "[":
            return self.array(i, path, depth)
        if char == '"':
            value, end = self.string(i, path)
            return value, self.scalar("str", value, i, end), end
        match = _NUMBER.match(self.s, i)
        if match and match.end() > i:
            whole, frac, exp = match.groups()
            text = match.group()
            value = float(text) if frac or exp else int(whole)
            return value, self.scalar("float" if frac or exp else "int", text, i, match.end()), match.end()
        for word, (kind, value) in _LITERALS.items():
            if self.s.startswith(word, i):
                return value, self.scalar(kind, word, i, i + len(word)), i + len(word)
        for word in ("NaN", "Infinity", "-Infinity"):
            if self.s.startswith(word, i):
                raise self.t.error("E0001", i, f"not JSON: {word} is not a JSON number", path)
        raise self.unexpected(i, "a value", path)

    def scalar(self, kind: str, text: str, start: int, end: int) -> yaml.ScalarNode:
        return yaml.ScalarNode(_TAGS[kind], text, self.t.mark(start), self.t.mark(end))

    def obj(self, start: int, path: tuple, depth: int) -> tuple[dict, yaml.Node, int]:
        out: dict[str, Any] = {}
        first: dict[str, int] = {}
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        i = self.skip(start + 1)
        if self.s.startswith("}", i):
            return out, yaml.MappingNode(loader.MAP, pairs, self.t.mark(start), self.t.mark(i + 1)), i + 1
        while True:
            if not self.s.startswith('"', i):
                raise self.unexpected(i, "a key in double quotes", path)
            key, end = self.string(i, path)
            if key in first:
                line = self.t.mark(first[key]).line + 1
                raise self.t.error("E0002", i, f"duplicate key '{key}' (first at line {line}); JSON readers "
                                   "silently keep one of the two: remove the other", path + (key,))
            first[key] = i
            key_node = self.scalar("str", key, i, end)
            i = self.skip(end)
            if not self.s.startswith(":", i):
                raise self.unexpected(i, "':' after the key", path + (key,))
            value, node, i = self.value(self.skip(i + 1), path + (key,), depth + 1)
            out[key] = value
            pairs.append((key_node, node))
            i = self.skip(i)
            if self.s.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.s.startswith("}", i):
                return out, yaml.MappingNode(loader.MAP, pairs, self.t.mark(start), self.t.mark(i + 1)), i + 1
            raise self.unexpected(i, "',' or '}' after a member", path + (key,))

    def array(self, start: int, path: tuple, depth: int) -> tuple[list, yaml.Node, int]:
        out: list[Any] = []
        nodes: list[yaml.Node] = []
        i = self.skip(start + 1)
        if self.s.startswith("]", i):
            return out, yaml.SequenceNode(loader.SEQ, nodes, self.t.mark(start), self.t.mark(i + 1)), i + 1
        while True:
            value, node, i = self.value(i, path + (len(out),), depth + 1)
            out.append(value)
            nodes.append(node)
            i = self.skip(i)
            if self.s.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.s.startswith("]", i):
                return out, yaml.SequenceNode(loader.SEQ, nodes, self.t.mark(start), self.t.mark(i + 1)), i + 1
            raise self.unexpected(i, "',' or ']' after an element", path + (len(out) - 1,))


def parse(file: str, text: str) -> loader.Source:
    """The JSON ``text`` as a Source (values and positioned nodes); raises LoadError when it is not JSON."""
    t = _Text(file, text)
    parser = _Parser(t)
    i = parser.skip(0)
    if i == len(text):
        raise t.error("E0005", 0, "the file is empty; a StartJobRun body is a JSON object")
    try:
        data, root, end = parser.value(i, (), 0)
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops well before Python's limit
        raise t.error("E0007", i, f"refused: nesting deeper than {loader.MAX_DEPTH} levels") from None
    end = parser.skip(end)
    if end < len(text):
        raise t.error("E0001", end, f"not JSON: {_shown(text[end])} after the end of the body; "
                      "a file holds one JSON value")
    return loader.Source(file, data, root)


def decode(file: str, raw: bytes) -> loader.Source:
    """Bytes read once (a file or stdin) → Source: UTF-8 only, as the AWS CLI reads a file."""
    if len(raw) > loader.MAX_BYTES:
        raise loader.LoadError(Finding(file, 1, 1, "E0004", "",
                                       f"larger than {loader.MAX_BYTES // 1024} KiB; a request body is a few KB"))
    text, findings = loader.decode(file, raw)
    source = parse(file, text)
    source.findings[:0] = findings
    return source
