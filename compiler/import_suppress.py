"""``jobspec import --disable E3001 --reason "…"``: import a body past a finding, visibly.

A body a team already runs may hold a placeholder that looks like a credential (or a
credential they will move to Secrets Manager later). Refusing it leaves them nowhere;
dropping the finding silently would hide it from review. So import writes the spec
with the same comment a person would write, ``# jobspec: disable=E3001 reason``, at
the end of each line a suppressed finding lands on: ``jobspec lint`` then counts it as
suppressed and a reviewer sees the reason next to the value.

The lines come from linting the written text itself (the readable forms move values),
and the annotated text is read back to check that it means the same data and that
every suppressed finding is covered; anything else is refused, never written wrong.
"""

from __future__ import annotations

from typing import Any, Sequence

from compiler import loader, suppress
from compiler.findings import Finding

#: What import can put past: warnings never stop it; errors other than credentials mean the
#: body is not one the service takes, and a spec for it would not compile to it.
SUPPRESSIBLE_FAMILY = "3"


class CannotAnnotate(ValueError):
    """The comments could not be placed so that they cover every finding (nothing is written)."""


def check_rules(rules: Sequence[str], reason: str) -> str:
    """The comment for ``rules`` (raises ValueError, worded for the user, when it could not be written)."""
    for rule in rules:
        if rule[:1] == "E" and rule[1:2] != SUPPRESSIBLE_FAMILY:
            raise ValueError(f"{rule}: import can put past credential findings (E3xxx) only; an error of another "
                             "kind means the service would refuse the body")
    return suppress.comment(rules, reason)


def annotate(file: str, text: str, rules: Sequence[str], reason: str, findings: Sequence[Finding]) -> str:
    """``text`` (a spec) with the suppression comment ending each line one of ``findings`` is on in it."""
    from compiler.lint import text_findings  # lint is loaded only when a comment is to be written
    comment = check_rules(rules, reason)
    wanted = {f.rule for f in findings}
    located = [f for f in text_findings(file, text) if f.rule in wanted]
    lines = text.split("\n")
    for line in sorted({f.line for f in located}):
        lines[line - 1] += "  " + comment
    annotated = "\n".join(lines)
    _verify(file, text, annotated, located)
    return annotated


def _verify(file: str, text: str, annotated: str, located: list[Finding]) -> None:
    before: Any = loader.parse(file, text).data
    after = loader.parse(file, annotated)
    if after.data != before:
        raise CannotAnnotate("a comment would change a value")
    suppressions, problems = suppress.read(file, annotated)
    if problems:
        raise CannotAnnotate(problems[0].message)
    standing, _ = suppress.apply(located, suppressions, report_unused=False)
    if standing:
        raise CannotAnnotate(f"no line to put a comment on for {standing[0].field}")
