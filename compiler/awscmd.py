"""One ``aws emr-serverless start-job-run`` command (shell syntax) → its StartJobRun body.

``jobspec import`` takes such a command file as well as a ``--cli-input-json`` body.
The body built here is the one the AWS CLI (v1, whose parser is the reference: see
tests/test_awscmd.py) would send, as ``--cli-input-json`` would hold it:

* words as bash splits them (``compiler.shellwords``); ``$NAME`` takes the value of
  ``--var NAME=VALUE``, else of a ``NAME=value`` line earlier in the file; a
  variable with neither, a command substitution and the like are E0017 at their
  ``line:col``. Findings only for the words the body is made of: an unset
  ``$AWS_REGION`` after ``--region`` changes no body.
* options from botocore's model: each StartJobRun member is ``--`` + its name in
  kebab-case (``applicationId`` → ``--application-id``), as the CLI derives them; an
  abbreviation the CLI would take (``--applic``) is taken. Strings as written, a
  ``long`` through ``int()`` (argparse's conversion), structures and maps as JSON
  (a value starting with ``{``) or the CLI's shorthand (``compiler.shorthand``).
* ``file://PATH`` reads PATH, relative to the command file's folder (as if the
  command were run there; the CLI itself reads relative to the shell's folder), as
  UTF-8. ``fileb://`` (bytes, for blob members, which StartJobRun has none of) and
  ``http(s)://`` (CLI v1 downloads those) are refused.
* ``--cli-input-json`` (JSON or ``file://``) gives the members the command line does
  not: the command line wins, as in the CLI. The body lists the command line's
  members in model order, then the JSON's others in its order.
* the CLI's global options (``--region``, ``--profile``, ``--output``, ``--debug``,
  v2's ``--no-cli-pager``…) change no body and are skipped; ``--generate-cli-skeleton``,
  ``--version`` and ``--cli-input-yaml`` are refused.

Rules: E0017 (shell expansion), E0018 (not one such command: unknown option, a
second command, a pipe…), E0019 (a value the CLI cannot read), E0004/E0009/E0012
(a ``file://`` file too large, unreadable, not a regular file), W0020 (an option
given twice: the CLI keeps the last).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler import shellwords
from compiler.awsopts import GLOBAL_FLAGS, GLOBAL_VALUES, V2_FLAGS, V2_VALUES, Option, options
from compiler.awsvalues import FAILED, Value, convert, load_input_json
from compiler.findings import Finding, has_errors

COMMAND = "aws emr-serverless start-job-run"
_INPUT_JSON, _SKELETON = "--cli-input-json", "--generate-cli-skeleton"  # the operation's own, besides the members
_INPUT_YAML, _VERSION = "--cli-input-yaml", "--version"  # AWS CLI v2's operation option; v1's global
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")  # argparse's: such a word is a value, not an option


@dataclass
class Parsed:
    """What ``parse`` made of a command: the body (None after an error), the findings, and
    where each top-level member's value is written (for findings about the body)."""

    body: dict[str, Any] | None
    findings: list[Finding]
    positions: dict[str, tuple[str, int, int]] = field(default_factory=dict)


def looks_like_command(text: str) -> bool:
    """True when the first command of ``text`` (after comments, variable lines and ``VAR=x``
    prefixes) runs ``aws``: a command file, not a JSON body. Any ``aws`` command counts, so
    that ``aws emr-serverless get-job-run …`` gets a finding rather than a JSON syntax error."""
    script = shellwords.split(_normalized(text))
    for command in script.commands:
        if command.assigns_only:
            continue
        words = [w for w in command.words if not w.assignment()]
        return bool(words) and _is_aws(words[0].text)
    return False


def parse_command(text: str, file: str, base_dir: Path,
                  variables: dict[str, str]) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The StartJobRun body of the one command in ``text`` (read from ``file``), and findings.

    ``base_dir`` is the folder ``file://`` paths are relative to (the command file's;
    the current folder for stdin); ``variables`` the ``--var`` values. The body is None
    when any finding is an error.
    """
    parsed = parse(text, file, base_dir, variables)
    return parsed.body, parsed.findings


def parse(text: str, file: str, base_dir: Path, variables: dict[str, str]) -> Parsed:
    """``parse_command`` with the position of each member's value."""
    parsed = _Reader(_normalized(text), file, Path(base_dir), variables).read()
    parsed.findings.sort()
    return parsed


def _normalized(text: str) -> str:
    # A CRLF file (saved on Windows) means the same command; bash would read each \r as part of a word.
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _is_aws(word: str) -> bool:
    return word == "aws" or word.endswith("/aws")


def _ambiguous(name: str, matches: list[str]) -> str:
    return f"{name} is ambiguous: it abbreviates {', '.join(sorted(matches))}; write the option out"


class _Reader:
    def __init__(self, text: str, file: str, base_dir: Path, variables: dict[str, str]) -> None:
        self.text, self.file, self.base_dir, self.variables = text, file, base_dir, variables
        self.lines = shellwords.Lines(text)
        self.findings: list[Finding] = []
        self.given: dict[str, tuple[Option, Value]] = {}
        self.input_json: Value | None = None
        self.positions: dict[str, tuple[str, int, int]] = {}
        self.expected: list[str] = []  # the words of COMMAND not read yet

    # -- findings ----------------------------------------------------------------------------------------------
    def _add(self, offset: int, rule: str, message: str, member: str = "") -> None:
        line, col = self.lines.position(offset)
        self.findings.append(Finding(self.file, line, col, rule, member, message))

    def _unresolved(self, issues: list[shellwords.Issue], member: str = "") -> bool:
        for issue in issues:
            self._add(issue.offset, "E0017", issue.message, member)
        return bool(issues)

    def _word_value(self, word: shellwords.Word, skip: int = 0) -> Value:
        return Value(word.text[skip:], self.file,
                      lambda k: self.lines.position(word.offset(skip + k)), list(word.issues))

    # -- the command -------------------------------------------------------------------------------------------
    def read(self) -> Parsed:
        script = shellwords.split(self.text, self.variables)
        for issue in script.syntax:
            self._add(issue.offset, "E0018", issue.message)
        for op in script.operators:
            self._add(op.offset, "E0018", f"`{op.text}`: a command file holds one `{COMMAND}` command and nothing "
                                          "else (no pipe, redirection, `&&` or subshell)")
        commands = [c for c in script.commands if not c.assigns_only]
        if not commands:
            self.findings.append(Finding(self.file, 1, 1, "E0018", "", f"no command here; write one `{COMMAND}` "
                                                                       "command"))
            return Parsed(None, self.findings)
        for extra in commands[1:]:
            self._add(extra.words[0].start, "E0018", f"a second command (`{extra.words[0].text}`); a command file "
                                                     f"holds one `{COMMAND}` command")
        words = list(commands[0].words)
        while words and words[0].assignment():  # VAR=x aws …: the CLI's environment, not its arguments
            words.pop(0)
        if self._unresolved(words[0].issues):
            return Parsed(None, self.findings)
        if not _is_aws(words[0].text):
            self._add(words[0].start, "E0018", f"`{words[0].text}` is not the AWS CLI; write one `{COMMAND}` command")
            return Parsed(None, self.findings)
        body = self._body() if self._walk(words[0], words[1:]) else None  # every value's findings, at once
        return Parsed(body if not has_errors(self.findings) else None, self.findings, self.positions)

    def _walk(self, aws: shellwords.Word, words: list[shellwords.Word]) -> bool:
        """Read the words after ``aws``; False when they are no start-job-run command at all."""
        self.expected = expected = ["emr-serverless", "start-job-run"]
        last = aws
        i = 0
        while i < len(words):
            word = words[i]
            last = word
            i += 1
            if word.issues and not word.text.startswith("-"):
                self._unresolved(word.issues)
                if expected:
                    return False
                continue
            if not _looks_like_option(word.text):
                if expected:
                    if word.text != expected[0]:
                        self._add(word.start, "E0018", f"`aws … {word.text}`: jobspec imports `{COMMAND}` commands")
                        return False
                    expected.pop(0)
                    if not expected:
                        operation = word
                else:
                    self._add(word.start, "E0018", f"`{word.text}` is not an option of `{COMMAND}` "
                                                   "(a value without its option?)")
                continue
            i = self._option(word, words, i)
        if expected:
            self._add(last.offset(len(last.text)) if last is not aws else aws.start, "E0018",
                      f"`{' '.join(expected)}` is missing; write one `{COMMAND}` command")
            return False
        if self.input_json is None:
            for option in options().values():
                if option.required and option.member not in self.given:
                    self._add(operation.start, "E0018", f"{option.cli} is missing; the AWS CLI refuses the "
                                                        "command without it", option.member)
        return True

    def _option(self, word: shellwords.Word, words: list[shellwords.Word], i: int) -> int:
        """Handle the option in ``word`` (its value the next word, or after ``=``); returns the next index."""
        name, eq, _ = word.text.partition("=")
        resolved = self._resolve(name, word)
        if resolved is None:
            if i < len(words) and not _looks_like_option(words[i].text):
                i += 1  # its value, most likely: one finding is enough
            return i
        if resolved in GLOBAL_FLAGS or resolved in V2_FLAGS:
            if eq:
                self._add(word.start, "E0018", f"{resolved} takes no value")
            return i
        if resolved in (_VERSION, _SKELETON, _INPUT_YAML):
            what = {"--version": "prints the CLI's version", _SKELETON: "prints a template",
                    _INPUT_YAML: "reads a YAML body (AWS CLI v2)"}[resolved]
            self._add(word.start, "E0018", f"{resolved} {what}, not a job run jobspec can import; "
                                           + ("use --cli-input-json" if resolved == _INPUT_YAML else "remove it"))
            if not eq and i < len(words) and not _looks_like_option(words[i].text):
                i += 1
            return i
        if eq:
            value = self._word_value(word, len(name) + 1)
        elif i < len(words) and not _looks_like_option(words[i].text):
            value = self._word_value(words[i])
            i += 1
        else:
            self._add(word.offset(len(word.text)), "E0018", f"{resolved} needs a value")
            return i
        if resolved in GLOBAL_VALUES or resolved in V2_VALUES:
            return i  # --region $REGION: changes no body, so its value need not be known
        if self.expected:
            self._add(word.start, "E0018", f"{resolved} comes before `{' '.join(self.expected)}`; the AWS CLI takes "
                                           f"it only after `{COMMAND}`")
            return i
        if resolved == _INPUT_JSON:
            if self.input_json is not None:
                self._add(word.start, "W0020", f"{_INPUT_JSON} is given again; the AWS CLI uses this last one")
            self.input_json = value
            return i
        option = options()[resolved]
        if option.member in self.given:
            self._add(word.start, "W0020", f"{resolved} is given again; the AWS CLI uses this last one", option.member)
        self.given[option.member] = (option, value)
        self.positions[option.member] = (value.file, *value.locate(0))
        return i

    def _resolve(self, name: str, word: shellwords.Word) -> str | None:
        """The option ``name`` means, as the CLI's two argparse parsers (globals, then the
        operation's) would take it, abbreviations included; None after a finding."""
        if word.issues:
            self._unresolved(word.issues)
            return None
        operation = [*(o.cli for o in options().values()), _INPUT_JSON, _SKELETON]
        v1_globals = [*GLOBAL_FLAGS, *GLOBAL_VALUES, _VERSION]
        if name in v1_globals or name in V2_FLAGS or name in V2_VALUES or name in operation or name == _INPUT_YAML:
            return name
        for table in (v1_globals, operation):
            matches = [o for o in table if o.startswith(name)] if name.startswith("--") and len(name) > 2 else []
            if len(matches) > 1:
                self._add(word.start, "E0018", _ambiguous(name, matches))
                return None
            if matches:
                return matches[0]
        self._add(word.start, "E0018", f"unknown option {name} for `{COMMAND}`{_did_you_mean(name, operation)}")
        return None

    # -- the body ------------------------------------------------------------------------------------------------
    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for option in options().values():
            if option.member in self.given:
                _, value = self.given[option.member]
                if self._unresolved(value.issues, option.member):
                    continue
                converted = convert(option, value, self.base_dir, self.findings)
                if converted is not FAILED:
                    body[option.member] = converted
        if self.input_json is not None and not self._unresolved(self.input_json.issues):
            data = load_input_json(self.input_json, self.base_dir, self.findings)
            if data is not FAILED:
                for key, item in data.items():  # the command line wins, as in the CLI
                    if key not in body:
                        body[key] = item
                        self.positions.setdefault(key, (self.input_json.file, *self.input_json.locate(0)))
        return body


def _looks_like_option(text: str) -> bool:
    """argparse's test: ``-x`` is an option; ``-``, ``-5`` and ``-a b`` (a space) are values."""
    return len(text) > 1 and text.startswith("-") and not _NEGATIVE_NUMBER.match(text) and " " not in text


def _did_you_mean(name: str, candidates: list[str]) -> str:
    bare = name.lstrip("-")
    for option in options().values():
        if bare == option.member:
            return f"; did you mean {option.cli}?"
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    return f"; did you mean {close[0]}?" if close else ""
