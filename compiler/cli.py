"""The ``jobspec`` command: lint, compile, import, schema, diff, recover.

Exit codes are a contract other tools rely on: 0 clean, 1 findings (errors),
2 usage or I/O errors. No user error ever ends in a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from compiler import __version__
from compiler.compile import job_name, to_json
from compiler.findings import Finding
from compiler.formatters import FORMATS

if TYPE_CHECKING:  # lint is imported lazily: `jobspec --help` and `schema` stay fast
    from compiler.lint import Result

OK, FINDINGS, USAGE = 0, 1, 2
RECOVER_HELP = ("finish what a killed `pulumi up` left: clear the stack's lock, adopt or cancel the job runs it "
                "was starting, drop its other pending operations. Never run it while an update of the stack is "
                "in progress.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors already; keep the text short
        self.print_usage(sys.stderr)
        print(f"jobspec: error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="jobspec", description="Lint and compile EMR Serverless job specs.")
    p.add_argument("--version", action="version", version=f"jobspec {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = sub.add_parser("lint", help="check job specs; exit 1 when any error is found")
    lint.add_argument("paths", nargs="*", default=["jobspecs"], help="files or folders (default: jobspecs)")
    lint.add_argument("--format", choices=sorted(FORMATS), default="text")
    lint.add_argument("--stack", help="lint for this stack only (default: the base and every stack named in the specs)")

    comp = sub.add_parser("compile", help="print the StartJobRun request body of a spec (or of every spec in a folder); "
                                           "for a spec with schedule:, its CreateSchedule request")
    comp.add_argument("path")
    comp.add_argument("--stack", help="apply this stack's overrides")

    imp = sub.add_parser("import", help="a job spec for each existing StartJobRun body (JSON)",
                         description="Print the job spec of one StartJobRun request body, or write one spec per "
                                     "body into a folder (--out).")
    imp.add_argument("inputs", nargs="+", metavar="FILE",
                     help="a StartJobRun request body as a JSON file (what `aws ... --cli-input-json` takes); - for stdin")
    imp.add_argument("--out", metavar="DIR", help="write one spec per body into DIR, named after its job "
                     "(needed for several inputs; never overwrites)")
    imp.add_argument("--keep-client-token", action="store_true",
                     help="keep a body's clientToken (by default it is dropped: a fixed token blocks re-runs and edits)")

    sub.add_parser("schema", help="print the JSON Schema of the job spec language")

    from compiler.diff import add_parser as add_diff_parser
    add_diff_parser(sub)

    rec = sub.add_parser("recover", help="finish what a killed `pulumi up` left: its lock and pending job runs",
                         description=RECOVER_HELP)
    rec.add_argument("--stack", required=True, help="the Pulumi stack (backend and secrets from the environment)")
    rec.add_argument("--cwd", default=".", help="the Pulumi project folder (default: the current folder)")
    return p


def _print_findings(findings: Sequence[Finding], fmt: str = "text", stream=None) -> None:
    (stream or sys.stdout).write(FORMATS[fmt](findings))


def _missing(paths: Sequence[str]) -> list[str]:
    """Paths that name nothing. Any other error (unreadable, too long, a loop of links) is lint's
    to report as a finding at the path, so it is not taken for "no such file" here."""
    missing = []
    for path in paths:
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            missing.append(path)
        except OSError:
            pass
    return missing


def _notes(result: Result) -> None:
    """What lint wants the user to know that is not wrong (a link it did not follow), on stderr."""
    for note in result.notes:
        print(f"jobspec: note: {note.text()}", file=sys.stderr)


def _note_unknown_stack(stack: str | None, result: Result) -> None:
    """A ``--stack`` no spec or ``_defaults.yaml`` names is legal (it gets the base values), but often a typo."""
    if stack and result.documents and stack not in result.stacks:
        known = ", ".join(sorted(result.stacks)) or "none"
        print(f"jobspec: note: no spec or _defaults.yaml has a `stacks.{stack}` section (named: {known}); "
              "base values used", file=sys.stderr)


def cmd_lint(args: argparse.Namespace) -> int:
    from compiler.lint import lint_paths
    missing = _missing(args.paths)
    if missing:
        print(f"jobspec: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    result = lint_paths(args.paths, stack=args.stack)
    _notes(result)
    _note_unknown_stack(args.stack, result)
    _print_findings(result.findings, args.format)
    return FINDINGS if not result.ok else OK


def cmd_compile(args: argparse.Namespace) -> int:
    from compiler.lint import lint_paths
    if _missing([args.path]):
        print(f"jobspec: no such file or folder: {args.path}", file=sys.stderr)
        return USAGE
    result = lint_paths([args.path], stack=args.stack, all_stacks=False)
    _notes(result)
    _note_unknown_stack(args.stack, result)
    if not result.ok:
        _print_findings(result.findings, stream=sys.stderr)
        return FINDINGS
    from compiler.schedule import compile_outputs  # a scheduled spec prints its CreateSchedule request
    bodies = dict(zip((job_name(doc) for doc in result.documents), compile_outputs(result.documents)))
    if os.path.isdir(args.path):
        print(json.dumps(bodies, indent=2, ensure_ascii=False))
    else:
        (body,) = bodies.values()
        print(to_json(body))
    return OK


def cmd_import(args: argparse.Namespace) -> int:
    from compiler import import_out
    from compiler.importer import STDIN, Options, import_path
    inputs = args.inputs
    if len(inputs) > 1 and not args.out:
        print("jobspec: import of several bodies needs --out DIR (one spec file each)", file=sys.stderr)
        return USAGE
    if inputs.count(STDIN) > 1:
        print("jobspec: - (stdin) can be given once", file=sys.stderr)
        return USAGE
    missing = _missing([path for path in inputs if path != STDIN])
    if missing:
        print(f"jobspec: no such file: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    folders = [path for path in inputs if path != STDIN and os.path.isdir(path)]
    if folders:
        print(f"jobspec: import takes JSON files (StartJobRun bodies); {', '.join(folders)} "
              f"{'is a folder' if len(folders) == 1 else 'are folders'}", file=sys.stderr)
        return USAGE
    options = Options(keep_client_token=args.keep_client_token)
    imported = [import_path(path, options) for path in inputs]
    findings = [f for item in imported for f in item.findings]
    if not all(item.ok for item in imported):
        _print_findings(findings, stream=sys.stderr)
        if args.out:
            print(f"jobspec: nothing written: {sum(not item.ok for item in imported)} of {len(imported)} "
                  "bodies refused", file=sys.stderr)
        return FINDINGS
    if findings:  # warnings only
        _print_findings(findings, stream=sys.stderr)
    for item in imported:
        for text in item.notes:
            print(f"jobspec: note: {item.file}: {text}", file=sys.stderr)
    if not args.out:
        sys.stdout.write(imported[0].text())
        return OK
    try:
        planned = import_out.plan(imported, Path(args.out))
    except import_out.Conflict as exc:
        print(f"jobspec: nothing written: {exc}", file=sys.stderr)
        return USAGE
    for entry in planned:
        text = import_out.note(entry)
        if text:
            print(f"jobspec: note: {entry.imported.file}: {text}", file=sys.stderr)
    try:
        import_out.write(planned)
    except OSError as exc:
        print(f"jobspec: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return USAGE
    for entry in planned:
        print(f"{entry.path}  <- {entry.imported.file}")
    return OK


def cmd_schema(args: argparse.Namespace) -> int:
    from compiler.jsonschema import json_schema
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return OK


def cmd_diff(args: argparse.Namespace) -> int:
    from compiler.diff import command
    return command(args)


def cmd_recover(args: argparse.Namespace) -> int:
    from providers.recover import command  # the Pulumi SDK and boto3 load only for this command
    return command(args)


COMMANDS = {"lint": cmd_lint, "compile": cmd_compile, "import": cmd_import, "schema": cmd_schema, "diff": cmd_diff,
            "recover": cmd_recover}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:
        return OK
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
