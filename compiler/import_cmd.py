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
from compiler.importer import STDIN, Options, import_path

OK, FINDINGS, USAGE = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="a job spec for each existing StartJobRun body (JSON)",
                         description="Print the job spec of one StartJobRun request body, or write one spec per "
                                     "body into a folder (--out).")
    imp.add_argument("inputs", nargs="+", metavar="FILE",
                     help="a StartJobRun request body as a JSON file (what `aws ... --cli-input-json` takes); - for stdin")
    imp.add_argument("--out", metavar="DIR", help="write one spec per body into DIR, named after its job "
                     "(needed for several inputs; never overwrites)")
    imp.add_argument("--keep-client-token", action="store_true",
                     help="keep a body's clientToken (by default it is dropped: a fixed token blocks re-runs and edits)")
    imp.add_argument("--normalize-whitespace", action="store_true",
                     help="give sparkSubmitParameters and Hive parameters their readable form even where that "
                          "changes the whitespace between flags (runs of spaces, line breaks); says which on stderr")


def command(args: argparse.Namespace) -> int:
    """Run ``jobspec import``; the exit code."""
    inputs = args.inputs
    if len(inputs) > 1 and not args.out:
        print("jobspec: import of several bodies needs --out DIR (one spec file each)", file=sys.stderr)
        return USAGE
    if inputs.count(STDIN) > 1:
        print("jobspec: - (stdin) can be given once", file=sys.stderr)
        return USAGE
    missing = missing_paths([path for path in inputs if path != STDIN])
    if missing:
        print(f"jobspec: no such file: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    folders = [path for path in inputs if path != STDIN and os.path.isdir(path)]
    if folders:
        print(f"jobspec: import takes JSON files (StartJobRun bodies); {', '.join(folders)} "
              f"{'is a folder' if len(folders) == 1 else 'are folders'}", file=sys.stderr)
        return USAGE
    options = Options(keep_client_token=args.keep_client_token, normalize_whitespace=args.normalize_whitespace)
    imported = [import_path(path, options) for path in inputs]
    findings = [f for item in imported for f in item.findings]
    if not all(item.ok for item in imported):
        sys.stderr.write(text.render(findings))
        if args.out:
            print(f"jobspec: nothing written: {sum(not item.ok for item in imported)} of {len(imported)} "
                  "bodies refused", file=sys.stderr)
        return FINDINGS
    if findings:  # warnings only
        sys.stderr.write(text.render(findings))
    for item in imported:
        for message in item.notes:
            print(f"jobspec: note: {item.file}: {message}", file=sys.stderr)
    if not args.out:
        sys.stdout.write(imported[0].text())
        return OK
    try:
        planned = import_out.plan(imported, Path(args.out))
    except import_out.Conflict as exc:
        print(f"jobspec: nothing written: {exc}", file=sys.stderr)
        return USAGE
    for entry in planned:
        message = import_out.note(entry)
        if message:
            print(f"jobspec: note: {entry.imported.file}: {message}", file=sys.stderr)
    try:
        import_out.write(planned)
    except OSError as exc:
        print(f"jobspec: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return USAGE
    for entry in planned:
        print(f"{entry.path}  <- {entry.imported.file}")
    return OK
