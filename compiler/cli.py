"""The ``jobspec`` command: lint, compile, import, schema, diff, recover.

Exit codes are a contract other tools rely on: 0 clean, 1 findings (errors),
2 usage or I/O errors. No user error ever ends in a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Sequence

from compiler import __version__
from compiler.compile import compile_documents, job_name, to_json
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

    comp = sub.add_parser("compile", help="print the StartJobRun request body of a spec (or of every spec in a folder)")
    comp.add_argument("path")
    comp.add_argument("--stack", help="apply this stack's overrides")

    imp = sub.add_parser("import", help="print a job spec for an existing StartJobRun body (JSON)")
    imp.add_argument("body", help="one StartJobRun request body as a JSON file (what `jobspec compile FILE` prints), "
                                  "or a file (- for stdin) holding one `aws emr-serverless start-job-run` command")
    imp.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                     help="the value of a shell variable the command uses ($NAME); repeatable")

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
    bodies = dict(zip((job_name(doc) for doc in result.documents), compile_documents(result.documents)))
    if os.path.isdir(args.path):
        print(json.dumps(bodies, indent=2, ensure_ascii=False))
    else:
        (body,) = bodies.values()
        print(to_json(body))
    return OK


def cmd_import(args: argparse.Namespace) -> int:
    from compiler.importer import import_file
    variables = {}
    for item in args.var:
        name, eq, value = item.partition("=")
        if not eq or not name.isidentifier() or not name.isascii():
            print(f"jobspec: --var takes NAME=VALUE (NAME a shell variable name), not {item!r}", file=sys.stderr)
            return USAGE
        variables[name] = value
    if args.body == "-":
        return _import_command(args.body, sys.stdin.read(), variables)
    if _missing([args.body]):
        print(f"jobspec: no such file: {args.body}", file=sys.stderr)
        return USAGE
    if os.path.isdir(args.body):
        print(f"jobspec: import takes one JSON file (a StartJobRun body); {args.body} is a folder", file=sys.stderr)
        return USAGE
    from compiler.awscmd import looks_like_command
    from compiler.loader import LoadError, read_bytes
    try:
        head = read_bytes(args.body, 1 << 20).decode("utf-8", "replace")
    except LoadError as exc:
        _print_findings([exc.finding], stream=sys.stderr)
        return FINDINGS
    if looks_like_command(head):
        return _import_command(args.body, head, variables)
    text, findings = import_file(args.body)
    if text is None:
        _print_findings(findings, stream=sys.stderr)
        return FINDINGS
    sys.stdout.write(text)
    return OK


def _import_command(path: str, text: str, variables: dict[str, str]) -> int:
    """``jobspec import`` of a file holding an ``aws emr-serverless start-job-run`` command (compiler.awscmd)."""
    from pathlib import Path

    from compiler.awscmd import parse_command
    from compiler.document import Document, Layer
    from compiler.findings import has_errors
    from compiler.importer import HEADER, readable, to_yaml
    from compiler.lint import body_linter
    from compiler.loader import Source
    name = "<stdin>" if path == "-" else path
    body, findings = parse_command(text, name, Path.cwd() if path == "-" else Path(path).parent, variables)
    if body is not None:  # the body's own findings point at the file's first line for now
        checked = body_linter().check(Document(name, None, body, [Layer(Source(name, body, None), ())]))
        # without --client-token the CLI makes a token up; the spec then derives one (README, clientToken)
        findings += [f for f in checked if (f.rule, f.field) != ("E1002", "clientToken")]
    if body is None or has_errors(findings):
        _print_findings(findings, stream=sys.stderr)
        return FINDINGS
    if findings:
        _print_findings(findings, stream=sys.stderr)
    sys.stdout.write(HEADER.format(name=Path(name).name) + to_yaml(readable(body)))
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
