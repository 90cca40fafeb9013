"""Suppressing a finding with a comment in the YAML file, as linters do (yamllint's ``# yamllint disable-line``).

Forms, each a real YAML comment (the same text inside a quoted or block string is string
content, not a suppression)::

    mode: batch  # jobspec: disable=E1014 the reason    the findings on this line
    # jobspec: disable=E3001,W2011 the reason            the next line with YAML on it
    # jobspec: disable-file=W2011 the reason             the whole file (at the top only)

The rule list is comma-separated, without spaces; everything after it is the reason.
"This line" is the line a finding is reported at (the start of its value or key). A
comment alone on its line applies to the next line holding YAML: blank lines and other
comment lines in between are skipped. ``disable-file`` works only at the top of the file:
before its first key, where only blank lines, comments and a ``---`` line may come.
A comment in a ``_defaults.yaml`` suppresses the findings reported in that file. A
finding reported once per stack (the same line linted for the base, dev and prod) is
suppressed by the one comment. A comment is read as one for jobspec when it starts with
``jobspec:`` and then a space or ``disable`` (``# jobspec:applicationId is set in Pulumi
config`` is an ordinary comment).

Rules about the comments themselves (these cannot be suppressed):

E0013
    A suppression of a credential finding (E3xxx) without a reason. A credential is
    suppressed only with a reason that says why it is not one (a revoked test key, a
    documented example value), so a reviewer can check it; without one the finding stands.
W0014
    A suppression that suppresses nothing: no finding of that rule on that line (or in
    that file). Remove it, or the rule from it. Reported by ``jobspec lint`` for the base
    and every stack, since a suppression may be for one stack's findings; a lint of one
    stack (``--stack``, ``compile``, Pulumi) does not report it. A suppression of a finding
    between files (E2004, E2008) is used only when lint reads both files.
W0015
    A ``# jobspec:`` comment that cannot be used: not of a form above, an unknown rule id
    (with the ids it may have meant), a rule no comment can suppress (those above, the
    preflight's E2012-E2014, and the errors of a file that cannot be read as YAML, whose
    comments are not read), or ``disable-file`` below the top of the file.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import yaml

from compiler.findings import Finding, Suppressed
from compiler.rules import RULES

#: A file whose text lacks this has no suppression: the only cost for almost every file.
MARK = "jobspec:"

#: Rules about suppression comments; a comment cannot suppress them.
META = ("E0013", "W0014", "W0015")
#: Why a rule cannot be suppressed by a comment.
UNSUPPRESSIBLE = {
    **{rule: "it is about suppression comments themselves" for rule in META},
    **{rule: "the preflight finds it against the live service, after lint" for rule in ("E2012", "E2013", "E2014")},
    **{rule: "it is reported for a file that cannot be read as YAML, whose comments are not read"
       for rule in ("E0001", "E0003", "E0004", "E0006", "E0007", "E0008", "E0009", "E0012")},
}

#: YAML's line breaks (the parser counts lines by these).
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_DIRECTIVE = re.compile(r"#[ \t]*jobspec:(?=[ \t]|$|disable)")
_FORM = re.compile(r"#[ \t]*jobspec:[ \t]*(?P<kind>disable-file|disable)=(?P<rules>[^ \t]*)(?:[ \t]+(?P<reason>.*))?$")
_ID = re.compile(r"[EW]\d{4}")
_FORMS = "`# jobspec: disable=RULE[,RULE] reason` or `# jobspec: disable-file=RULE[,RULE] reason`"
#: Tokens that are no line's content: a suppression above ``---`` applies to the key below it.
_NOT_CONTENT = (yaml.StreamStartToken, yaml.StreamEndToken, yaml.BlockEndToken, yaml.DocumentStartToken,
                yaml.DocumentEndToken, yaml.DirectiveToken)
_Scanner = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Suppression:
    """One usable ``# jobspec: disable`` comment: where it is, the rules it names and the lines it covers."""

    file: str
    line: int  #: of the comment, 1-based
    column: int  #: of its ``#``, 1-based
    rules: tuple[str, ...]
    reason: str
    #: The line whose findings it suppresses; None for ``disable-file``.
    target: int | None

    def covers(self, finding: Finding) -> bool:
        return finding.file == self.file and finding.rule in self.rules and self.target in (None, finding.line)


# -- writing one -----------------------------------------------------------------------------------

def comment(rules: Sequence[str], reason: str = "") -> str:
    """The comment that suppresses ``rules`` on the line it ends: ``# jobspec: disable=E3001 reason``.

    Raises ValueError for what would not suppress: no rule, an unknown or unsuppressible
    rule, a credential rule (E3xxx) without a reason, a reason with a line break.
    """
    if not rules:
        raise ValueError("a suppression names at least one rule")
    for rule in rules:
        if rule not in RULES or rule in UNSUPPRESSIBLE:
            raise ValueError(f"{rule} cannot be suppressed: " + (UNSUPPRESSIBLE.get(rule) or "no such rule"))
    reason = reason.strip()
    if _BREAK.search(reason):
        raise ValueError("a suppression's reason is one line")
    if not reason and any(_needs_reason(rule) for rule in rules):
        raise ValueError("a suppression of a credential finding (E3xxx) needs a reason")
    return f"# jobspec: disable={','.join(dict.fromkeys(rules))}" + (f" {reason}" if reason else "")


def _needs_reason(rule: str) -> bool:
    return rule[1] == "3"  # family 3: credentials


# -- reading a file's ------------------------------------------------------------------------------

def read(file: str, text: str) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions written in ``text`` (already parsed as YAML), and findings about the
    ``# jobspec:`` comments that cannot be used (E0013, W0015)."""
    if MARK not in text:
        return [], []
    lines = _BREAK.split(text)
    # every '#' on the few lines that mention jobspec: one of them may start a comment
    hashes = [(n, m.start()) for n, line in enumerate(lines) if MARK in line for m in re.finditer("#", line)]
    if not hashes:
        return [], []
    inside, content, first_key = _layout(text, hashes)
    found: list[Suppression] = []
    problems: list[Finding] = []
    seen_lines: set[int] = set()
    for (n, col), in_token in zip(hashes, inside):
        if in_token or n in seen_lines:
            continue  # string content, or inside the comment this line already has
        seen_lines.add(n)
        line = lines[n]
        if not _DIRECTIVE.match(line, col):
            continue  # an ordinary comment
        one, bad = _parse(file, n + 1, col + 1, line[col:].rstrip(), _target(n, line[:col], content), first_key)
        found += one
        problems += bad
    return found, problems


def _target(n: int, before: str, content: list[int]) -> int:
    """The 1-based line a comment on 0-based line ``n`` applies to: its own when it ends a line
    of YAML, else the next line where YAML starts (0 when none follows)."""
    if before.strip():
        return n + 1
    after = bisect.bisect_right(content, n)
    return content[after] + 1 if after < len(content) else 0


def _layout(text: str, hashes: list[tuple[int, int]]) -> tuple[list[bool], list[int], int]:
    """For each ``(line, column)`` in ``hashes`` (sorted), whether a token (a string) holds it;
    the 0-based lines where YAML content starts; the line of the first key (the top ends there)."""
    inside = [False] * len(hashes)
    content: list[int] = []
    last = hashes[-1][0]
    scanner = _Scanner(text)
    try:
        while scanner.check_token():
            token = scanner.get_token()
            start, end = token.start_mark, token.end_mark
            if not isinstance(token, _NOT_CONTENT) and (not content or content[-1] != start.line):
                content.append(start.line)
                if start.line > last:
                    break  # the rest of the file holds no comment to place
            a, b = (start.line, start.column), (end.line, end.column)
            if a < b:
                for i in range(bisect.bisect_left(hashes, a), bisect.bisect_left(hashes, b)):
                    inside[i] = True
    finally:
        scanner.dispose()
    return inside, content, content[0] if content else len(text)


def _parse(file: str, line: int, col: int, text: str, target: int,
           first_key: int) -> tuple[list[Suppression], list[Finding]]:
    def problem(rule: str, message: str) -> Finding:
        return Finding(file, line, col, rule, "", message)

    form = _FORM.fullmatch(text)
    if form is None:
        return [], [problem("W0015", f"not a suppression; write {_FORMS}")]
    whole_file = form["kind"] == "disable-file"
    if whole_file and line > first_key:
        return [], [problem("W0015", f"disable-file works only at the top of the file, before its first key "
                                     f"(line {first_key + 1}); move it there, or write disable= on the finding's line")]
    reason = (form["reason"] or "").strip()
    problems: list[Finding] = []
    rules: list[str] = []
    names = form["rules"].split(",")
    if names == [""]:
        return [], [problem("W0015", f"names no rule; write {_FORMS}")]
    for name in dict.fromkeys(names):
        why = _unusable(name)
        if why:
            problems.append(problem("W0015", why))
        elif _needs_reason(name) and not reason:
            problems.append(problem("E0013", f"a suppression of {name} ({RULES[name].title.lower()}) needs a reason "
                                             f"after the rule list, so a reviewer can check it: `# jobspec: disable="
                                             f"{name} <why this is no live credential>`; without one {name} stands"))
        else:
            rules.append(name)
    if not rules:
        return [], problems
    return [Suppression(file, line, col, tuple(rules), reason, None if whole_file else target)], problems


def _unusable(name: str) -> str | None:
    """Why ``name`` cannot be in a suppression's rule list, or None."""
    if name == "":
        return "an empty rule id in the list; separate rules with commas and no spaces: disable=E1001,W2011"
    if name in UNSUPPRESSIBLE:
        return f"{name} cannot be suppressed: {UNSUPPRESSIBLE[name]}"
    if name in RULES:
        return None
    known = [rule for rule in RULES if rule not in UNSUPPRESSIBLE]
    close = [name.upper()] if name.upper() in known else difflib.get_close_matches(name.upper(), known, n=3, cutoff=0.6)
    if close:
        hint = f"did you mean {' or '.join(close) if len(close) < 3 else ', '.join(close[:-1]) + ' or ' + close[-1]}?"
    else:
        hint = "rule ids are E or W and four digits, such as E1001 or W2011; docs/reference.md#rules lists them"
    what = "no rule" if _ID.fullmatch(name) else "not a rule id:"
    return f"{what} {name}; {hint}"


# -- applying them ---------------------------------------------------------------------------------

def apply(findings: Iterable[Finding], suppressions: Iterable[Suppression],
          report_unused: bool = True) -> tuple[list[Finding], list[Suppressed]]:
    """``findings`` split into those that stand and those a suppression covers, with W0014 for
    each suppression (or rule of one) that covers none when ``report_unused``.

    A line's own suppression is preferred to its file's; each finding uses one suppression.
    """
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    by_file: dict[str, list[Suppression]] = {}
    every = list(dict.fromkeys(suppressions))  # a _defaults.yaml read twice is one file's comments
    for s in every:
        if s.target is None:
            by_file.setdefault(s.file, []).append(s)
        else:
            by_line.setdefault((s.file, s.target), []).append(s)
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    used: set[tuple[Suppression, str]] = set()
    for finding in findings:
        candidates = by_line.get((finding.file, finding.line), []) + by_file.get(finding.file, [])
        match = next((s for s in candidates if s.covers(finding)), None)
        if match is None:
            kept.append(finding)
        else:
            used.add((match, finding.rule))
            suppressed.append(Suppressed(finding, match.reason))
    if report_unused:
        kept += [f for s in every if (f := _unused(s, used)) is not None]
    return sorted(set(kept)), sorted(set(suppressed))


def _unused(s: Suppression, used: set[tuple[Suppression, str]]) -> Finding | None:
    idle = [rule for rule in s.rules if (s, rule) not in used]
    if not idle:
        return None
    names = ", ".join(idle)
    fix = "remove the comment" if len(idle) == len(s.rules) else f"remove {names} from it"
    if s.target is None:
        why = f"no {names} finding in this file"
    elif s.target == 0:
        why = "no line of YAML follows it"
    elif s.target == s.line:
        why = f"no {names} finding on this line"
    else:
        why = f"no {names} finding on line {s.target}, the line it applies to"
    return Finding(s.file, s.line, s.column, "W0014", "", f"suppresses nothing: {why}; {fix}")
