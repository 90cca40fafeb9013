"""The ``jobspec`` command: lint, compile, import, schema, diff, stacks, recover, init.

Exit codes are a contract other tools rely on: 0 clean, 1 findings (errors),
2 usage or I/O errors. No user error ever ends in a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Sequence

from compiler import __version__, pretty_json
from compiler.compile import job_name, to_json
from compiler.cli_paths import missing_paths
from compiler.findings import Finding, Suppressed
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
    lint.add_argument("--show-suppressed", action="store_true",
                      help="also print the findings `# jobspec: disable` comments suppress, with their reasons "
                           "(SARIF always carries them, marked suppressed)")
    lint.add_argument("--help-base-uri", default=None, metavar="URL",
                      help="SARIF: where docs/reference.md is published; each rule's helpUri is URL#<rule id> "
                           "(default: the project's documentation URL)")

    comp = sub.add_parser("compile", help="print the StartJobRun request body of a spec (or of every spec in a folder); "
                                           "for a spec with schedule:, its CreateSchedule request")
    comp.add_argument("path")
    comp.add_argument("--stack", help="apply this stack's overrides")

    from compiler.import_cmd import add_parser as add_import_parser
    add_import_parser(sub)

    schema = sub.add_parser("schema", help="print the JSON Schema of the job spec language")
    schema.add_argument("--defaults", action="store_true",
                        help="print the JSON Schema of a _defaults.yaml instead (schema/defaults.schema.json)")

    from compiler.diff import add_parser as add_diff_parser
    add_diff_parser(sub)

    from compiler.stacks import add_parser as add_stacks_parser
    add_stacks_parser(sub)

    rec = sub.add_parser("recover", help="finish what a killed `pulumi up` left: its lock and pending job runs",
                         description=RECOVER_HELP)
    rec.add_argument("--stack", required=True, help="the Pulumi stack (backend and secrets from the environment)")
    rec.add_argument("--cwd", default=".", help="the Pulumi project folder (default: the current folder)")

    from compiler.init_cmd import add_parser as add_init_parser
    add_init_parser(sub)
    return p


def _print_findings(findings: Sequence[Finding], fmt: str = "text", stream=None,
                    suppressed: Sequence[Suppressed] = (), show_suppressed: bool = False) -> None:
    (stream or sys.stdout).write(FORMATS[fmt](findings, suppressed, show_suppressed))


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
    missing = missing_paths(args.paths)
    if missing:
        print(f"jobspec: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    result = lint_paths(args.paths, stack=args.stack)
    _notes(result)
    _note_unknown_stack(args.stack, result)
    if args.format == "sarif":
        _print_sarif(result, args.help_base_uri)
    else:
        _print_findings(result.findings, args.format, suppressed=result.suppressed,
                        show_suppressed=args.show_suppressed)
    return FINDINGS if not result.ok else OK


def _print_sarif(result: Result, help_base_uri: str | None) -> None:
    """SARIF URIs are relative to the repository root; without a ``.git`` above, to the current folder."""
    from compiler.formatters import sarif
    root, found = sarif.repository_root()
    if not found:
        print(f"jobspec: note: no .git at or above {root}; SARIF paths are relative to this folder",
              file=sys.stderr)
    sys.stdout.write(sarif.render(result.findings, result.suppressed, help_base_uri=help_base_uri or sarif.DOCS_URL,
                                  root=root))


def cmd_compile(args: argparse.Namespace) -> int:
    from compiler.lint import lint_paths
    if missing_paths([args.path]):
        print(f"jobspec: no such file or folder: {args.path}", file=sys.stderr)
        return USAGE
    if os.path.basename(args.path) == "_defaults.yaml" and not os.path.isdir(args.path):
        print(f"jobspec: {args.path} is a defaults file, not a job spec; compile a spec or the folder of specs "
              "it applies to", file=sys.stderr)
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
        print(pretty_json.dumps(bodies))
    else:
        (body,) = bodies.values()
        print(to_json(body))
    return OK


def cmd_import(args: argparse.Namespace) -> int:
    from compiler.import_cmd import command
    return command(args)


def cmd_schema(args: argparse.Namespace) -> int:
    if args.defaults:
        from compiler.defaults_schema import defaults_json_schema as json_schema
    else:
        from compiler.jsonschema import json_schema
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return OK


def cmd_diff(args: argparse.Namespace) -> int:
    from compiler.diff import command
    return command(args)


def cmd_stacks(args: argparse.Namespace) -> int:
    from compiler.stacks import command
    return command(args)


def cmd_recover(args: argparse.Namespace) -> int:
    from compiler.extras import needs_extra
    missing = needs_extra("recover")  # `pip install jobspec` alone has no Pulumi SDK
    if missing:
        print(missing, file=sys.stderr)
        return USAGE
    from providers.recover import command  # the Pulumi SDK loads only for this command
    return command(args)


def cmd_init(args: argparse.Namespace) -> int:
    from compiler.init_cmd import command
    return command(args)


COMMANDS = {"lint": cmd_lint, "compile": cmd_compile, "import": cmd_import, "schema": cmd_schema, "diff": cmd_diff,
            "stacks": cmd_stacks, "recover": cmd_recover, "init": cmd_init}


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
