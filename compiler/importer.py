"""``jobspec import``: an existing StartJobRun body (``--cli-input-json`` file) → a job spec.

The body is read once and as strict JSON (``compiler.jsonbody``: the CLI refuses what
is not JSON, so jobspec does too, at its line and column), linted as a body
(``compiler.schema.body_schema``: what botocore would send, no spec sugar) so an
invalid body is refused with ``file:line:col`` findings, and written back as YAML
using the readable forms only where they compile back to the very same string.

``clientToken``: most real bodies have none (the AWS CLI and SDKs fill one in), and
compile derives one. A body that has one is imported without it by default, with a
note: a fixed token makes the service answer every later start with the first run,
so an edit or a rerun would start nothing. ``keep_client_token`` keeps it, and then
``compile(import(body)) == body`` exactly.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compiler import jsonbody, loader, sugar
from compiler.document import Document, Layer
from compiler.findings import Finding, dotted, has_errors
from compiler.lint import Linter, body_linter

HEADER = "# Imported by `jobspec import` from {name}\n"
STDIN = "-"
#: How stdin is named in findings and headers.
STDIN_NAME = "<stdin>"


class _Dumper(yaml.SafeDumper):
    """Block style, and multi-line strings (Hive queries) as literal blocks when safe."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\x85" in value:  # a raw NEL reads back as a line break; only double quotes escape it (\N)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value and value == value.strip() and "\r" not in value and "\t" not in value \
            and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


#: Members with a readable form: (path in the body, kind of sugar).
SUGARED = (
    (("jobDriver", "sparkSubmit", sugar.SPARK), sugar.SPARK),
    (("jobDriver", "hive", sugar.HIVE), sugar.HIVE),
    (("executionIamPolicy", sugar.POLICY), sugar.POLICY),
)


def readable(body: dict[str, Any]) -> dict[str, Any]:
    """The body with sugar applied where it round-trips exactly."""
    return readable_forms(body)[0]


def readable_forms(body: dict[str, Any], normalize_whitespace: bool = False) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """(the body with sugar applied, [(dotted member, what changed)]).

    Without ``normalize_whitespace`` the list is empty and every readable form compiles
    to the very same string. With it, a flags string that has a readable form only once
    the whitespace between its flags is one space gets that form too, and is listed
    with what changed (``"runs of spaces → one"``): its compiled body differs from
    ``body`` in that whitespace only.
    """
    spec = copy.deepcopy(body)
    normalized: list[tuple[str, str]] = []
    for path, kind in SUGARED:
        parent: Any = spec
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        text = parent.get(path[-1]) if isinstance(parent, dict) else None
        if not isinstance(text, str):
            continue
        if kind == sugar.POLICY:
            mapping = sugar.decompile_policy(text)
        else:
            mapping = sugar.decompile(kind, text)
            if mapping is None and normalize_whitespace:
                mapping = sugar.decompile(kind, text, normalize=True)
                if mapping is not None:
                    normalized.append((dotted(path), "whitespace normalized (" + sugar.whitespace_changes(text) + ")"))
        if mapping is not None:
            parent[path[-1]] = mapping
    return spec, normalized


def to_yaml(spec: dict[str, Any]) -> str:
    return yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1 << 16)


@dataclass(frozen=True)
class Options:
    """How ``jobspec import`` treats what it reads."""

    keep_client_token: bool = False
    #: See ``readable_forms``: flags strings that differ from a readable form only in whitespace get it.
    normalize_whitespace: bool = False
    #: Rules whose findings are written into the spec as suppressed (``compiler.import_suppress``), and why.
    disable: tuple[str, ...] = ()
    reason: str = ""
    #: ``--var NAME=VALUE``: values of the shell variables an ``aws`` command file uses.
    variables: tuple[tuple[str, str], ...] = ()


@dataclass
class Imported:
    """One input read: its body and spec when it is valid, its findings, and notes for stderr."""

    file: str
    body: dict[str, Any] | None = None
    spec: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Findings ``--disable`` puts past; the written spec carries a comment for each.
    suppressed: list[Finding] = field(default_factory=list)
    options: Options = Options()

    @property
    def ok(self) -> bool:
        return self.spec is not None and not has_errors(self.findings)

    def text(self, header_name: str | None = None) -> str:
        """The spec file's text: a header naming where it came from, then YAML (with a suppression
        comment on each line a suppressed finding is on; raises import_suppress.CannotAnnotate)."""
        assert self.spec is not None
        text = HEADER.format(name=header_name or Path(self.file).name) + to_yaml(self.spec)
        if not self.suppressed:
            return text
        from compiler.import_suppress import annotate
        return annotate(self.file, text, self.options.disable, self.options.reason, self.suppressed)


#: Paths that name a stream the user hands over (``/dev/stdin``, bash's ``<(cmd)``): read as
#: stdin is, once. Any other pipe, device or socket is refused (E0012) without blocking, as lint does.
STREAMS = ("/dev/stdin", "/dev/fd/", "/proc/self/fd/")


def read_input(path: str) -> tuple[str, bytes]:
    """(name shown in findings, bytes) of one input, read once; ``-`` is stdin.

    Raises LoadError when it cannot be read (E0009), or is a FIFO or device not given as a stream (E0012).
    """
    if path == STDIN:
        return STDIN_NAME, sys.stdin.buffer.read(loader.MAX_BYTES + 1)
    if not path.startswith(STREAMS):
        return path, loader.read_bytes(path, loader.MAX_BYTES + 1)
    try:
        with open(path, "rb") as stream:
            return path, stream.read(loader.MAX_BYTES + 1)
    except OSError as exc:
        raise loader.LoadError(loader.unreadable(path, exc)) from None


def load_body(path: str | Path) -> loader.Source:
    """The body in the file at ``path``, read as strict JSON with positions; raises LoadError."""
    name, raw = read_input(str(path))
    return jsonbody.decode(name, raw)


def import_source(source: loader.Source, options: Options = Options(), linter: Linter | None = None) -> Imported:
    """Lint one body read from ``source`` and turn it into a spec."""
    result = Imported(source.file, findings=list(source.findings), options=options)
    if not isinstance(source.data, dict):
        result.findings.append(Finding(source.file, 1, 1, "E0005", "", "a StartJobRun body is a JSON object"))
        return result
    doc = Document(source.file, None, source.data, [Layer(source, ())])
    result.findings += (linter or body_linter()).check(doc)
    if options.disable:
        result.suppressed = [f for f in result.findings if f.rule in options.disable]
        result.findings = [f for f in result.findings if f.rule not in options.disable]
        result.notes += [f"{f.rule} {f.field}: suppressed in the spec ({options.reason or 'no reason'})"
                         for f in result.suppressed]
    if has_errors(result.findings):
        return result
    body = source.data
    spec, normalized = readable_forms(body, options.normalize_whitespace)
    result.notes += [f"{member}: {change}" for member, change in normalized]
    token = spec.get("clientToken")
    if token is not None and not options.keep_client_token:
        del spec["clientToken"]
        result.notes.append(
            f"clientToken {token!r} dropped: a fixed token makes the service answer every later start with the "
            "first run, so an edit or a rerun would start nothing; jobspec derives one from the spec "
            "(keep it with --keep-client-token)")
    result.body, result.spec = body, spec
    return result


def import_path(path: str, options: Options = Options(), linter: Linter | None = None) -> Imported:
    """Read and import one input (a file, or ``-`` for stdin): a JSON body, or a file holding an
    ``aws emr-serverless start-job-run`` command (``compiler.awscmd``)."""
    try:
        name, raw = read_input(path)
        command = _command_text(raw)
        if command is None:
            return import_source(jsonbody.decode(name, raw), options, linter)
    except loader.LoadError as exc:
        return Imported(STDIN_NAME if path == STDIN else path, findings=[exc.finding])
    return _import_command(name, command, Path.cwd() if path == STDIN else Path(path).parent, options, linter)


def _command_text(raw: bytes) -> str | None:
    """The text of ``raw`` when it holds an ``aws`` command rather than JSON (None for JSON, or not text)."""
    if raw.lstrip()[:1] in (b"{", b"["):
        return None  # JSON; its own reader says what is wrong with it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    from compiler.awscmd import looks_like_command
    return text if looks_like_command(text) else None


def _import_command(file: str, text: str, base_dir: Path, options: Options, linter: Linter | None) -> Imported:
    from compiler.awscmd import parse
    parsed = parse(text, file, base_dir, dict(options.variables))
    if parsed.body is None or has_errors(parsed.findings):
        return Imported(file, findings=parsed.findings, options=options)
    result = import_source(loader.Source(file, parsed.body, None), options, linter)
    # The body has no node graph: its findings are placed at the option that wrote the member.
    result.findings = parsed.findings + [_placed(f, parsed.positions) for f in result.findings]
    result.suppressed = [_placed(f, parsed.positions) for f in result.suppressed]
    return result


def _placed(finding: Finding, positions: dict[str, tuple[str, int, int]]) -> Finding:
    member = finding.field.split(".")[0].split("[")[0]
    if member not in positions or (finding.line, finding.column) != (1, 1):
        return finding
    file, line, column = positions[member]
    return Finding(file, line, column, finding.rule, finding.field, finding.message)


def import_file(path: str | Path, linter: Linter | None = None,
                options: Options = Options()) -> tuple[str | None, list[Finding]]:
    """(YAML spec, findings) of one body file; the spec is None when the body is invalid."""
    imported = import_path(str(path), options, linter)
    return (imported.text() if imported.ok else None), imported.findings
