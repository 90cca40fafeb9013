"""Shell words of a command file, as bash would split them, with where each came from.

``jobspec import`` reads a file holding one ``aws emr-serverless start-job-run``
command. What the AWS CLI receives is what the shell makes of that text, so the
words here follow bash: single quotes are literal; in double quotes a backslash
escapes only ``$ ` " \\`` and a newline; outside quotes it escapes any character;
backslash-newline joins lines; ``#`` starts a comment only at the start of a word;
a newline, ``;``, ``&``, ``|``, ``(``, ``)``, ``<`` and ``>`` end a command.

``shlex`` (posix mode) is close but not the shell: it ends a word at a ``#``
inside it, keeps the backslash of ``\\$`` in double quotes, keeps the newline of a
backslash-newline in the word, and gives neither the position of a word nor which
parts were quoted. Both are needed here: a finding
points at the character it is about, and ``$VAR`` is expanded in double quotes and
bare words but not in single quotes. tests/test_shellwords.py holds these words
equal to bash's own (and to shlex's where the two agree).

Expansions: ``$NAME``, ``${NAME}``, ``${NAME:-word}`` / ``${NAME-word}`` take the value
given (``--var``; else a ``NAME=value`` or ``export NAME=value`` line earlier in the
file: the user's ``--var`` wins over the file, so one file serves several values;
``NAME=value aws …`` on the command's own line is the CLI's environment, not a
variable, as in bash). Anything the file cannot decide alone (a variable without a
value, ``$(…)``, backticks, ``$((…))``, ``$1``, ``~``) is kept as written and
recorded as an ``Issue`` on its word. A value
substituted outside quotes is split at blanks, as bash does. Not done: globbing
(bash leaves a pattern that matches no file as it is, and a command file names no
local files but through ``file://``); an unquoted ``{a,b}`` (brace expansion, which
would turn one value into several words) is reported instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

BLANKS = " \t"
IFS = " \t\n"
OPERATORS = ";&|()<>"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])(.*))?", re.S)
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_SPECIAL = "0123456789@*#?-$!"
_WORD_END = frozenset(BLANKS + "\n" + OPERATORS)


@dataclass(frozen=True)
class Issue:
    """Something at ``offset`` the file alone does not decide (``text`` as written)."""

    offset: int
    text: str
    message: str


@dataclass
class Word:
    """One shell word: its text after quote removal and expansion, and the source
    offset of every character (a substituted value's characters all point at its ``$``)."""

    text: str
    offsets: list[int]
    start: int
    issues: list[Issue] = field(default_factory=list)
    quoted: bool = False

    def offset(self, index: int) -> int:
        """Source offset of character ``index`` (the end of the word for ``len(text)``)."""
        if not self.offsets:
            return self.start
        return self.offsets[min(index, len(self.offsets) - 1)] + (1 if index >= len(self.offsets) else 0)

    def assignment(self) -> str | None:
        """``NAME`` when the word is ``NAME=value`` with ``NAME=`` written bare, as bash wants it."""
        match = _ASSIGNMENT.match(self.text)
        if match and all(self.offsets[i] == self.start + i for i in range(match.end())):
            return match.group(1)
        return None


@dataclass
class Command:
    words: list[Word]

    @property
    def assigns_only(self) -> bool:
        """Only ``NAME=value`` words (after an optional ``export``): it defines variables."""
        words = self.words[1:] if self.words and self.words[0].text == "export" and not self.words[0].quoted \
            else self.words
        return bool(words) and all(w.assignment() for w in words)


@dataclass
class Script:
    commands: list[Command]
    operators: list[Issue]  # |, &&, >, ( … : anything but newline and ; between commands
    syntax: list[Issue]  # unterminated quotes, brace expansion


class _Lexer:
    def __init__(self, text: str, variables: dict[str, str]) -> None:
        self.t = text
        self.i = 0
        self.given = dict(variables)
        self.assigned: dict[str, tuple[str, list[Issue]]] = {}
        self.commands: list[Command] = []
        self.current: list[Word] = []
        self.operators: list[Issue] = []
        self.syntax: list[Issue] = []
        self.brace_end = 0  # the braces of the word up to here are checked
        self.assigning = True  # every word of the command so far is NAME=value (after an optional export)

    # -- commands -----------------------------------------------------------------------------------------------
    def run(self) -> Script:
        t, n = self.t, len(self.t)
        while self.i < n:
            c = t[self.i]
            if c in BLANKS:
                self.i += 1
            elif c == "\\" and t.startswith("\n", self.i + 1):
                self.i += 2
            elif c == "\n":
                self._end_command()
                self.i += 1
            elif c == "#":
                end = t.find("\n", self.i)
                self.i = n if end < 0 else end
            elif c in OPERATORS:
                start = self.i
                while self.i < n and t[self.i] in OPERATORS:
                    self.i += 1
                op = t[start:self.i]
                if op != ";":
                    self.operators.append(Issue(start, op, ""))
                self._end_command()
            else:
                self._word()
        self._end_command()
        return Script(self.commands, self.operators, self.syntax)

    def _end_command(self) -> None:
        if not self.current:
            return
        command = Command(self.current)
        self.current = []
        self.assigning = True
        self.commands.append(command)
        if command.assigns_only:
            for word in command.words:
                name = word.assignment()
                if name:
                    self.assigned[name] = (word.text[len(name) + 1:], list(word.issues))

    # -- words --------------------------------------------------------------------------------------------------
    def _word(self) -> None:
        t, n = self.t, len(self.t)
        self.chars: list[str] = []
        self.offs: list[int] = []
        self.split: list[bool] = []
        self.issues: list[Issue] = []
        self.quoted = False
        self.expanded = False  # an unquoted substitution: the word is split at its blanks
        start = self.i
        while self.i < n:
            c = t[self.i]
            if c in BLANKS or c == "\n" or c in OPERATORS:
                break
            if c == "\\":
                if self.i + 1 >= n:
                    self._add(c, self.i)
                    self.i += 1
                elif t[self.i + 1] == "\n":
                    self.i += 2
                else:
                    self.quoted = True
                    self._add(t[self.i + 1], self.i + 1)
                    self.i += 2
            elif c == "'":
                self.quoted = True
                end = t.find("'", self.i + 1)
                if end < 0:
                    self.syntax.append(Issue(self.i, "'", "this ' quote is never closed"))
                    end = n
                for k in range(self.i + 1, end):
                    self._add(t[k], k)
                self.i = end + 1
            elif c == '"':
                self._double_quoted()
            elif c == "$":
                self._dollar(in_quotes=False)
            elif c == "`":
                self._backticks()
            elif c == "~" and self.i == start:
                self.issues.append(Issue(self.i, "~", "~ is the home folder of whoever runs the command; "
                                                      "write the path out"))
                self._add(c, self.i)
                self.i += 1
            else:
                if c == "{" and self.i >= self.brace_end:
                    self._check_braces()
                self._add(c, self.i)
                self.i += 1
        self._finish(start)

    def _add(self, text: str, offset: int, value: bool = False, split: bool = False) -> None:
        """Characters from ``offset`` on; a substituted ``value``'s all point at its ``$``."""
        for ch in text:
            self.chars.append(ch)
            self.offs.append(offset)
            self.split.append(split)
            if not value:
                offset += 1

    def _finish(self, start: int) -> None:
        word = Word("".join(self.chars), self.offs, start, self.issues, self.quoted)
        assignment = word.assignment() is not None
        export = not self.current and word.text == "export" and not word.quoted
        assigning, self.assigning = self.assigning, self.assigning and (assignment or export)
        # bash splits neither an assignment's value nor a word without an unquoted substitution
        if not self.expanded or (assigning and assignment):
            self.current.append(word)
            return
        # An unquoted substituted value is split at blanks, as bash splits fields.
        fields: list[Word] = []
        begin = 0
        for k in range(len(self.chars) + 1):
            if k == len(self.chars) or (self.split[k] and self.chars[k] in IFS):
                if k > begin:
                    fields.append(Word("".join(self.chars[begin:k]), self.offs[begin:k], self.offs[begin],
                                       list(self.issues), self.quoted))
                begin = k + 1
        if not fields and self.quoted:
            fields.append(Word("", [], start, list(self.issues), True))
        self.current.extend(fields)

    def _double_quoted(self) -> None:
        t, n = self.t, len(self.t)
        self.quoted = True
        open_at = self.i
        self.i += 1
        while self.i < n:
            c = t[self.i]
            if c == '"':
                self.i += 1
                return
            if c == "\\" and self.i + 1 < n and t[self.i + 1] in '$`"\\\n':
                if t[self.i + 1] != "\n":
                    self._add(t[self.i + 1], self.i + 1)
                self.i += 2
            elif c == "$":
                self._dollar(in_quotes=True)
            elif c == "`":
                self._backticks()
            else:
                self._add(c, self.i)
                self.i += 1
        self.syntax.append(Issue(open_at, '"', 'this " quote is never closed'))

    def _backticks(self) -> None:
        t, start = self.t, self.i
        k = start + 1
        while k < len(t) and t[k] != "`":
            k += 2 if t[k] == "\\" else 1
        end = min(k + 1, len(t))
        self._unresolved(start, end, "command substitution {} is not run by jobspec; write its output in its place")

    def _unresolved(self, start: int, end: int, message: str) -> None:
        written = self.t[start:end]
        shown = written if len(written) <= 60 else written[:57] + "..."
        self.issues.append(Issue(start, shown, message.format(shown)))
        self._add(written, start)
        self.i = end

    def _dollar(self, in_quotes: bool) -> None:
        t, n, start = self.t, len(self.t), self.i
        nxt = t[start + 1] if start + 1 < n else ""
        if nxt == "{":
            end = t.find("}", start + 2)
            if end < 0:
                self.syntax.append(Issue(start, "${", "this ${ is never closed"))
                self._add(t[start:], start)
                self.i = n
                return
            match = _BRACED.fullmatch(t, start + 2, end)
            if match is None or (match.group(3) and any(ch in match.group(3) for ch in "$`'\"\\")):
                self._unresolved(start, end + 1, "shell expansion {} is not supported; write the value in its place")
                return
            operator = match.group(2) or ""
            self._variable(match.group(1), start, end + 1, in_quotes, default=match.group(3) if operator else None,
                           or_empty=operator.startswith(":"))
        elif nxt == "(":
            if t.startswith("((", start + 1):
                end = t.find("))", start + 3)
                end = n if end < 0 else end + 2
                self._unresolved(start, end, "arithmetic {} is not evaluated by jobspec; write the number")
                return
            depth, k = 0, start + 1
            while k < n:
                if t[k] in "'\"":
                    close = t.find(t[k], k + 1)
                    k = n if close < 0 else close + 1
                    continue
                depth += {"(": 1, ")": -1}.get(t[k], 0)
                k += 2 if t[k] == "\\" else 1
                if depth == 0:
                    break
            self._unresolved(start, min(k, n), "command substitution {} is not run by jobspec; "
                                               "write its output in its place")
        elif nxt == "'" and not in_quotes:
            k = start + 2
            while k < n and t[k] != "'":
                k += 2 if t[k] == "\\" else 1
            self.quoted = True
            self._unresolved(start, min(k + 1, n),
                             "ANSI-C quoting {} is not supported; write the value in '...' quotes")
        elif nxt == '"' and not in_quotes:
            self.i += 1  # $"…" is a double-quoted string (translated only under a message catalog)
        elif nxt and _NAME.match(nxt):
            name = _NAME.match(t, start + 1).group(0)
            self._variable(name, start, start + 1 + len(name), in_quotes, default=None)
        elif nxt and nxt in _SPECIAL:
            self._unresolved(start, start + 2, "shell parameter {} has no value in a command file; "
                                               "write the value in its place")
        else:
            self._add("$", start)
            self.i += 1

    def _variable(self, name: str, start: int, end: int, in_quotes: bool, default: str | None,
                  or_empty: bool = False) -> None:
        """``$NAME``; ``${NAME-default}`` when unset, ``${NAME:-default}`` when unset or empty."""
        written = self.t[start:end]
        value, issues = (self.given[name], []) if name in self.given else self.assigned.get(name, (None, []))
        if default is not None and (value is None or (or_empty and value == "")):
            value, issues = default, []
        if value is None:
            self.issues.append(Issue(start, written, f"shell variable {written} is not set; pass --var {name}=VALUE"))
            self._add(written, start)
            self.i = end
            return
        self.issues.extend(issues)
        self._add(value, start, value=True, split=not in_quotes)
        self.expanded |= not in_quotes
        self.i = end

    def _check_braces(self) -> None:
        """An unquoted ``{…,…}`` is brace-expanded by bash into several words. One pass over the rest
        of the word (nested groups on a stack), so a long word of braces costs no more than its length."""
        t, n = self.t, len(self.t)
        opened: list[list[Any]] = []  # [offset of an open "{", a comma at its level]
        found, k = None, self.i
        while k < n and t[k] not in _WORD_END:
            c = t[k]
            if c == "\\":
                k += 2
            elif c in "'\"" or (c == "$" and t.startswith("{", k + 1)):
                k = self._skip_quoted(k + (c == "$"))
            else:
                if c == "{":
                    opened.append([k, False])
                elif c == "," and opened:
                    opened[-1][1] = True
                elif c == "}" and opened:
                    start, comma = opened.pop()
                    found = start if comma and found is None else found
                k += 1
        self.brace_end = k
        if found is not None:
            self.syntax.append(Issue(found, "{", "bash expands this unquoted {…,…} into several words; "
                                                 "put the value in '...' quotes"))

    def _skip_quoted(self, k: int) -> int:
        """The offset after the '…', "…" or {…} that opens at ``k``."""
        t, close = self.t, {"'": "'", '"': '"', "{": "}"}[self.t[k]]
        k += 1
        while k < len(t) and t[k] != close:
            k += 2 if t[k] == "\\" and close == '"' else 1
        return k + 1


def split(text: str, variables: dict[str, str] | None = None) -> Script:
    """The commands of ``text``, each a list of words; ``variables`` are the values given for ``$NAME``."""
    return _Lexer(text, variables or {}).run()


class Lines:
    """1-based (line, column) of offsets in one text, by bisection over its line starts."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset`` in ``text`` (``Lines`` for many offsets of one text)."""
    return Lines(text).position(offset)
