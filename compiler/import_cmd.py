"""``jobspec import``: its arguments and what it prints and writes.

One body → its spec on stdout. Several (or ``--out DIR``) → a spec file each in DIR,
all or nothing: a refused body, an existing file or a job name DIR already has stops
the import before anything is written. Findings and notes go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from compiler import import_out
from compiler.cli_paths import missing_paths
from compiler.formatters import text
from compiler.import_suppress import CannotAnnotate, check_rules
from compiler.importer import STDIN, Imported, Options, import_path

OK, FINDINGS, USAGE = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="a job spec for each existing StartJobRun body (JSON, or an aws command)",
                         description="Print the job spec of one StartJobRun request body, or write one spec per "
                                     "body into a folder (--out).")
    imp.add_argument("inputs", nargs="+", metavar="FILE",
                     help="a StartJobRun request body as a JSON file (what `aws ... --cli-input-json` takes), or a "
                          "file holding one `aws emr-serverless start-job-run` command; - for stdin")
    imp.add_argument("--out", metavar="DIR", help="write one spec per body into DIR, named after its job "
                     "(needed for several inputs; never overwrites)")
    imp.add_argument("--keep-client-token", action="store_true",
                     help="keep a body's clientToken (by default it is dropped: a fixed token blocks re-runs and edits)")
    imp.add_argument("--normalize-whitespace", action="store_true",
                     help="give sparkSubmitParameters and Hive parameters their readable form even where that "
                          "changes the whitespace between flags (runs of spaces, line breaks); says which on stderr")
    imp.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                     help="the value of a shell variable an `aws ... start-job-run` command file uses ($NAME); "
                          "repeatable")
    imp.add_argument("--disable", metavar="RULE[,RULE]",
                     help="import past these findings (credentials, E3xxx, or warnings): the spec gets a "
                          "`# jobspec: disable=RULE reason` comment on each line they are on")
    imp.add_argument("--reason", help="why, written into that comment (required for E3xxx)")


def _usage_error(args: argparse.Namespace) -> str | None:
    """Why the arguments cannot be taken (exit 2), or None."""
    inputs = args.inputs
    if len(inputs) > 1 and not args.out:
        return "import of several bodies needs --out DIR (one spec file each)"
    if inputs.count(STDIN) > 1:
        return "- (stdin) can be given once"
    missing = missing_paths([path for path in inputs if path != STDIN])
    if missing:
        return f"no such file: {', '.join(missing)}"
    folders = [path for path in inputs if path != STDIN and os.path.isdir(path)]
    if folders:
        return (f"import takes JSON files (StartJobRun bodies); {', '.join(folders)} "
                f"{'is a folder' if len(folders) == 1 else 'are folders'}")
    for item in args.var:
        name, eq, _ = item.partition("=")
        if not eq or not name.isidentifier() or not name.isascii():
            return f"--var takes NAME=VALUE (NAME a shell variable name), not {item!r}"
    if args.reason is not None and not args.disable:
        return "--reason goes with --disable RULE"
    if args.disable:
        try:
            check_rules(_rules(args), args.reason or "")
        except ValueError as exc:
            return f"--disable {args.disable}: {exc}"
    return None


def _rules(args: argparse.Namespace) -> tuple[str, ...]:
    return tuple(rule.strip().upper() for rule in (args.disable or "").split(",") if rule.strip())


def command(args: argparse.Namespace) -> int:
    """Run ``jobspec import``; the exit code."""
    problem = _usage_error(args)
    if problem:
        print(f"jobspec: {problem}", file=sys.stderr)
        return USAGE
    options = Options(keep_client_token=args.keep_client_token, normalize_whitespace=args.normalize_whitespace,
                      disable=_rules(args), reason=args.reason or "",
                      variables=tuple(tuple(item.split("=", 1)) for item in args.var))
    imported = [import_path(path, options) for path in args.inputs]
    findings = [f for item in imported for f in item.findings]
    if findings:
        sys.stderr.write(text.render(findings))
    if not all(item.ok for item in imported):
        if args.out:
            print(f"jobspec: nothing written: {sum(not item.ok for item in imported)} of {len(imported)} "
                  "bodies refused", file=sys.stderr)
        return FINDINGS
    for item in imported:
        for message in item.notes:
            print(f"jobspec: note: {item.file}: {message}", file=sys.stderr)
    try:
        return _write(imported, args.out)
    except CannotAnnotate as exc:
        print(f"jobspec: nothing written: --disable: {exc}", file=sys.stderr)
        return FINDINGS


def _write(imported: list[Imported], out: str | None) -> int:
    if not out:
        sys.stdout.write(imported[0].text())
        return OK
    try:
        planned = import_out.plan(imported, Path(out))
    except import_out.Conflict as exc:
        print(f"jobspec: nothing written: {exc}", file=sys.stderr)
        return USAGE
    contents = import_out.texts(planned)
    for entry in planned:
        message = import_out.note(entry)
        if message:
            print(f"jobspec: note: {entry.imported.file}: {message}", file=sys.stderr)
    try:
        import_out.write(planned, contents)
    except OSError as exc:
        print(f"jobspec: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return USAGE
    for entry in planned:
        print(f"{entry.path}  <- {entry.imported.file}")
    return OK
