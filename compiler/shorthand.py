"""The AWS CLI's shorthand syntax (``--tags k=v,k2=v2``), parsed as the CLI parses it.

A port of ``awscli/shorthand.py`` (AWS CLI v1.46): ``ShorthandParser`` (the grammar,
which knows no model) and ``BackCompatVisitor`` (which then uses the model: a scalar
where the model wants a list becomes a one-item list; integers, floats and booleans
are converted). Grammar, as the CLI documents it::

    parameter   = keyval *("," keyval)
    keyval      = key "=" [values] / key "@=" [file-value]
    key         = 1*( ALPHA / DIGIT / "-" / "_" / "." / "#" / "/" / ":" )
    values      = csv-list / explicit-list / hash-literal
    csv-list    = first-value *("," second-value)      ; a=b,c  -> {"a": ["b", "c"]}
    explicit-list = "[" [ values *("," values) ] "]"
    hash-literal  = "{" keyval *("," keyval) "}"
    first-value = 'single quoted' / "double quoted" / bare value (\\, is a comma)

The awscli package is not needed at run time (it is a test dependency only:
tests/test_awscmd.py holds this parser to the CLI's on every option, and on
generated values). Errors carry the index in the value, so a finding can point at
the character in the command file.
"""

from __future__ import annotations

import re
import string
from typing import Any, Callable

from compiler.shapes import Shape

_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "-_.#/:")
_START_WORD = r'\!\#-&\(-\+\--\<\>-Z\\\\-z\u007c-\uffff'
_FIRST_FOLLOW = r'\s\!\#-&\(-\+\--\\\\\^-\|~-\uffff'
_SECOND_FOLLOW = r'\s\!\#-&\(-\+\--\<\>-\uffff'
_ESCAPED_COMMA = '(\\\\,)'
_FIRST_VALUE = re.compile(f"({_ESCAPED_COMMA}|[{_START_WORD}])({_ESCAPED_COMMA}|[{_FIRST_FOLLOW}])*")
_SECOND_VALUE = re.compile(f"({_ESCAPED_COMMA}|[{_START_WORD}])({_ESCAPED_COMMA}|[{_SECOND_FOLLOW}])*")
_SINGLE_QUOTED = re.compile(r"'(?:\\'|[^'])*'")
_DOUBLE_QUOTED = re.compile(r'"(?:\\"|[^"])*"')
_WHITESPACE = string.whitespace


class ShorthandError(ValueError):
    """A value the CLI's shorthand parser refuses; ``index`` is where, in the value."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


def _shown(char: str | None) -> str:
    return "the end of the value" if char is None else repr(char)


class Parser:
    """``key=value,…`` → dict, as ``awscli.shorthand.ShorthandParser``.

    ``read_file(path_with_prefix)`` loads a ``key@=file://…`` value (None: not a file
    reference); it may raise ShorthandError.
    """

    def __init__(self, read_file: Callable[[str, int], str | None] | None = None) -> None:
        self._read_file = read_file or (lambda value, index: None)

    def parse(self, value: str) -> dict[str, Any]:
        self._v = value
        self._i = 0
        self._files = False
        return self._parameter()

    # -- grammar --------------------------------------------------------------------------------------------------
    def _parameter(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        key, val = self._keyval()
        params[key] = val
        last = self._i
        while self._i < len(self._v):
            self._expect(",", True)
            key, val = self._keyval()
            if key in params:
                raise ShorthandError(f"second {key!r} key: a ',' where a space was meant?", last + 1)
            params[key] = val
            last = self._i
        return params

    def _keyval(self) -> tuple[str, Any]:
        key = self._key()
        self._files = self._optional("@")
        self._expect("=", True)
        return key, self._values()

    def _optional(self, char: str) -> bool:
        saved = self._i
        try:
            self._expect(char, True)
            return True
        except ShorthandError:
            self._i = saved
            return False

    def _key(self) -> str:
        start = self._i
        while self._i < len(self._v) and self._v[self._i] in _KEY_CHARS:
            self._i += 1
        return self._v[start:self._i]

    def _values(self) -> Any:
        if self._i >= len(self._v):
            return ""
        if self._current() == "[":
            return self._explicit_list()
        if self._current() == "{":
            return self._hash_literal()
        return self._csv_value()

    def _csv_value(self) -> Any:
        first = self._first_value()
        self._whitespace()
        if self._i >= len(self._v) or self._v[self._i] != ",":
            return first
        self._expect(",", True)
        items = [first]
        while True:
            try:
                current = self._second_value()
                self._whitespace()
                if self._i >= len(self._v):
                    items.append(current)
                    break
                self._expect(",", True)
                items.append(current)
            except ShorthandError:
                if self._i >= len(self._v):
                    raise
                while self._i >= 0 and self._v[self._i] != ",":  # back to the comma: a=b,c=d
                    self._i -= 1
                break
        return first if len(items) == 1 else items

    def _explicit_list(self) -> list[Any]:
        self._expect("[", True)
        values = []
        while self._current() != "]":
            values.append(self._explicit_values())
            self._whitespace()
            if self._current() != "]":
                self._expect(",")
                self._whitespace()
        self._expect("]")
        return values

    def _explicit_values(self) -> Any:
        if self._current() == "[":
            return self._explicit_list()
        if self._current() == "{":
            return self._hash_literal()
        return self._first_value()

    def _hash_literal(self) -> dict[str, Any]:
        self._expect("{", True)
        pairs: dict[str, Any] = {}
        while self._current() != "}":
            key = self._key()
            self._files = self._optional("@")
            self._expect("=", True)
            value = self._explicit_values()
            self._whitespace()
            if self._current() != "}":
                self._expect(",")
                self._whitespace()
            pairs[key] = value
        self._expect("}")
        return pairs

    def _first_value(self) -> str:
        if self._current() == "'":
            return self._quoted(_SINGLE_QUOTED, "'")
        if self._current() == '"':
            return self._quoted(_DOUBLE_QUOTED, '"')
        start = self._i
        match = _FIRST_VALUE.match(self._v, self._i)
        if match is None:
            return ""
        self._i = match.end()
        return self._file(match.group(0).replace("\\,", ",").rstrip(), start)

    def _second_value(self) -> str:
        if self._current() == "'":
            return self._quoted(_SINGLE_QUOTED, "'")
        if self._current() == '"':
            return self._quoted(_DOUBLE_QUOTED, '"')
        start = self._i
        text = self._must(_SECOND_VALUE, "second")
        return self._file(text.replace("\\,", ",").rstrip(), start)

    def _quoted(self, regex: re.Pattern[str], quote: str) -> str:
        start = self._i
        text = self._must(regex, "single quoted" if quote == "'" else "double quoted")[1:-1]
        text = text.replace("\\" + quote, quote).replace("\\\\", "\\")
        return self._file(text, start)

    def _file(self, value: str, index: int) -> str:
        if self._files:
            loaded = self._read_file(value, index)
            if loaded is not None:
                return loaded
        return value

    # -- scanning -------------------------------------------------------------------------------------------------
    def _current(self) -> str | None:
        return self._v[self._i] if self._i < len(self._v) else None

    def _expect(self, char: str, whitespace: bool = False) -> None:
        if whitespace:
            self._whitespace()
        actual = self._current()
        if actual != char:
            raise ShorthandError(f"expected {char!r}, found {_shown(actual)}", self._i)
        self._i += 1
        if whitespace:
            self._whitespace()

    def _must(self, regex: re.Pattern[str], name: str) -> str:
        match = regex.match(self._v, self._i)
        if match is None:
            raise ShorthandError(f"expected a {name} value, found {_shown(self._current())}", self._i)
        self._i = match.end()
        return match.group(0)

    def _whitespace(self) -> None:
        while self._i < len(self._v) and self._v[self._i] in _WHITESPACE:
            self._i += 1


def apply_model(value: Any, shape: Shape) -> Any:
    """``BackCompatVisitor``: a list where the model wants one; numbers and booleans converted.

    Raises ValueError (with the dotted member) for a number that is not one, as the
    CLI fails there.
    """
    return _visit(value, shape, "")


def _visit(value: Any, shape: Shape, path: str) -> Any:
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure":
        if isinstance(value, dict):
            return {k: (_visit(v, shape.members[k], _join(path, k)) if k in shape.members else v)
                    for k, v in value.items()}
        return value
    if kind == "list":
        if not isinstance(value, list):
            return [value]
        return [_visit(v, shape.member, f"{path}[{i}]") for i, v in enumerate(value)]
    if kind == "map":
        if isinstance(value, dict):
            return {k: _visit(v, shape.value, _join(path, k)) for k, v in value.items()}
        return value
    return _scalar(value, kind, path)


def _scalar(value: Any, kind: str, path: str) -> Any:
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("float", "double"):
            return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{path} takes {'an integer' if kind in ('integer', 'long') else 'a number'}, "
                         f"not {value!r}") from None
    if kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
