"""Lint job specs: every file, every stack, every constraint, as positioned findings.

cerberus (through ``SpecValidator`` and the schema from ``compiler.schema``) decides
what is wrong; this module only turns cerberus' ``document_path`` into
``file:line:col`` through the document's layers and words each error for a reviewer.
``fastcheck`` answers first for the common case of a valid spec.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from compiler import collector, fastcheck, loader, schedule_rules, schema as spec_schema_mod, secrets, suppress, walk
from compiler.compile import job_name
from compiler.document import DEFAULTS_FILE, Document, Layer, MergeMemo, defaults_files, merge, stacks_named
from compiler.sections import check_stacks as _check_stacks, load_defaults as _load_defaults
from compiler.findings import Finding, Suppressed, dotted, has_errors, kind_of

_STRING_LIKE = (bool, int, float)
#: What a ``_defaults.yaml`` linted on its own may lack, since the specs it applies to give it:
#: a required member (E1002), the one job driver (E1020), a schedule's expression (E4005).
LEFT_TO_SPECS = ("E1002", "E1020", "E4005")


@dataclass
class Result:
    """What linting found, and the merged documents of every spec that could be read."""

    findings: list[Finding] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    #: Stack names with a ``stacks.<name>`` section in any spec or ``_defaults.yaml`` read.
    stacks: set[str] = field(default_factory=set)
    #: What the walk wants the user to know that is not wrong (a link not followed), in walk order.
    notes: list[walk.Note] = field(default_factory=list)
    #: Findings a ``# jobspec: disable`` comment suppresses (not in ``findings``; ``ok`` ignores them).
    suppressed: list[Suppressed] = field(default_factory=list)
    #: The suppression comments of every file read.
    suppressions: list[suppress.Suppression] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


class Linter:
    """One validator and one compiled fast check, reused for every document."""

    def __init__(self, schema: tuple[dict[str, Any], dict[str, Any]] | None = None, yaml_input: bool = True) -> None:
        self.schema, self.registry = schema or spec_schema_mod.spec_schema()
        self.yaml_input = yaml_input
        self._explainer: Any = None
        try:
            self.fast = fastcheck.compile_schema(self.schema, self.registry)
        except fastcheck.Unsupported:  # pragma: no cover - a schema rule fastcheck lacks
            self.fast = _never_valid

        self._defaults: dict[Path, loader.Source | Finding] = {}
        self._defaults_files: dict[Path, list[Path]] = {}  # spec folder → its _defaults.yaml files

    # -- one document ------------------------------------------------------------------------------

    def check(self, doc: Document, scan_secrets: bool = True) -> list[Finding]:
        """Findings for one merged document (empty when cerberus accepts it).

        ``scan_secrets=False`` when the caller scans the files themselves (a lint run:
        each file once, and a credential is flagged where it is written, even where a
        closer layer overrides it, since git holds it all the same).
        """
        found = [doc.finding("E3001", path, message) for path, message in secrets.find(doc.data)] \
            if scan_secrets else []
        if "schedule" in doc.data:  # what the scheduler model cannot say (compiler/schedule_rules.py)
            found += schedule_rules.findings(doc)
        if self.fast(doc.data):
            return found
        return self.explainer().findings(doc) + found

    def explainer(self) -> Any:
        """cerberus, for the findings of an invalid document; imported only when one is met."""
        if self._explainer is None:
            from compiler.explain import Explainer
            self._explainer = Explainer(self.schema, self.registry, self.yaml_input)
        return self._explainer

    # -- files -------------------------------------------------------------------------------------

    def defaults_for(self, spec: Path, result: Result) -> list[loader.Source]:
        sources = []
        # A linked spec takes the defaults of the folder it links into; the walk's listing tells most files apart.
        if not isinstance(spec, walk.ListedFile) and spec.is_symlink():
            files = defaults_files(spec)
        else:  # the same for every spec of a folder: look them up once a run
            files = self._defaults_files.get(spec.parent)
            if files is None:
                files = self._defaults_files[spec.parent] = defaults_files(spec)
        for path in files:
            if path not in self._defaults:
                self._defaults[path] = _load_defaults(path)
                if isinstance(self._defaults[path], Finding):
                    result.findings.append(self._defaults[path])
                else:
                    result.findings.extend(self._defaults[path].findings)
                    result.suppressions.extend(self._defaults[path].suppressions)
                    result.findings.extend(_secret_findings(self._defaults[path]))
            loaded = self._defaults[path]
            if isinstance(loaded, loader.Source):
                sources.append(loaded)
        return sources

    @contextlib.contextmanager
    def run(self) -> Iterator[None]:
        """One lint run: verdicts on subtrees shared by a spec's stack documents are reused."""
        with self.fast.run():
            yield

    def lint_defaults_file(self, path: Path, stack: str | None, all_stacks: bool, result: Result) -> None:
        """A ``_defaults.yaml`` named on the command line, linted as what it is: its own shape and
        secrets, and its values (with those of the files above it) checked for the base and each
        stack as far as a defaults file can be: a member a spec must have may be left to the spec."""
        defaults = self.defaults_for(path, result)
        if not defaults or not isinstance(self._defaults.get(defaults_files(path)[-1]), loader.Source):
            return  # it cannot be read: defaults_for reported why
        named = stacks_named(defaults)
        result.stacks |= named
        stacks: list[str | None] = [stack]
        if all_stacks and stack is None:
            stacks += sorted(named)
        spec = loader.Source(str(path), {}, None)
        for each in stacks:
            doc = merge(spec, defaults, each)
            result.findings.extend(f for f in self.check(doc, scan_secrets=False) if f.rule not in LEFT_TO_SPECS)

    def lint_file(self, path: Path, stack: str | None, all_stacks: bool, result: Result,
                  overrides: dict[str, Any] | None = None) -> None:
        if path.name == DEFAULTS_FILE:
            self.lint_defaults_file(path, stack, all_stacks, result)
            return
        try:
            source = loader.load(path)
        except loader.LoadError as exc:
            result.findings.append(exc.finding)
            return
        result.findings.extend(source.findings)
        result.suppressions.extend(source.suppressions)
        if not isinstance(source.data, dict):
            got = "empty" if source.data is None else kind_of(source.data)
            result.findings.append(Finding(source.file, 1, 1, "E0005", "",
                                           f"a job spec is a mapping of StartJobRun members; this file is {got}"))
            return
        defaults = self.defaults_for(path, result)
        stack_findings = _check_stacks(source)
        result.findings.extend(stack_findings)
        named = stacks_named([*defaults, source])
        result.stacks |= named
        stacks: list[str | None] = [stack]
        if all_stacks and stack is None:
            stacks += sorted(named)
        written = _secret_findings(source)
        result.findings.extend(written)
        clean = not source.findings and not stack_findings and not written
        memo: MergeMemo = {}  # the stack documents share what they merge alike with the base one
        for each in stacks:
            doc = merge(source, defaults, each, overrides, memo)
            found = self.check(doc, scan_secrets=False)
            clean = clean and not found
            result.findings.extend(found)
            result.documents.append(doc)
        if clean:
            source.release()


def lint_paths(paths: Iterable[str | Path], stack: str | None = None, all_stacks: bool = True,
               linter: Linter | None = None, overrides: dict[str, Any] | None = None) -> Result:
    """Lint every spec under ``paths`` for ``stack`` (or the base and every named stack)."""
    linter = linter or default_linter()
    # read _defaults.yaml afresh each run: edits count, and so do its findings
    linter._defaults, linter._defaults_files = {}, {}
    result = Result()
    with collector.paused(), linter.run():
        for found in walk.specs(paths):
            if isinstance(found, Path):
                linter.lint_file(found, stack, all_stacks, result, overrides)
            elif isinstance(found, Finding):
                result.findings.append(found)
            else:
                result.notes.append(found)
        result.findings.extend(duplicate_names(result.documents))
        result.findings.extend(previous_name_conflicts(result.documents))
        # W0014 only when every stack was linted: a suppression may be for another stack's finding
        result.findings, result.suppressed = suppress.apply(set(result.findings), result.suppressions,
                                                            report_unused=all_stacks and stack is None)
    return result


def _secret_findings(source: loader.Source) -> list[Finding]:
    """E3001 for a file's own text: every section (defaults, stacks.*) scanned once."""
    if source.text is not None and not secrets.could_hold(source.text):
        return []
    out = []
    for path, message in secrets.find(source.data):
        key_node, node = loader.node_at(source.node_root(), path)
        mark = (node or key_node).start_mark if (node or key_node) is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        out.append(Finding(source.file, line, col, "E3001", dotted(path), message))
    return out


def text_findings(file: str, text: str) -> list[Finding]:
    """Findings of one spec given as text, for the base stack and without ``_defaults.yaml``: what
    ``jobspec import`` writes, positioned in that text. Raises LoadError when it is not YAML."""
    source = loader.parse(file, text)
    doc = Document(file, None, source.data, [Layer(source, ())])
    return _secret_findings(source) + default_linter().check(doc, scan_secrets=False)


class _NeverValid:
    """Stands in for fastcheck if the schema ever uses a rule it cannot decide: cerberus always runs."""

    def __call__(self, document: dict) -> bool:
        return False

    @contextlib.contextmanager
    def run(self) -> Iterator[None]:
        yield


_never_valid = _NeverValid()


@functools.lru_cache(maxsize=1)
def default_linter() -> Linter:
    return Linter()


@functools.lru_cache(maxsize=1)
def body_linter() -> Linter:
    """The linter for StartJobRun bodies (``jobspec import``, JSON), not specs."""
    return Linter(spec_schema_mod.body_schema(), yaml_input=False)


def duplicate_names(documents: list[Document]) -> list[Finding]:
    """Two specs with the same job name in one stack would fight over one resource.

    The job name is ``name``, else the file name (``compile.job_name``): two unnamed
    ``etl.yaml`` in different folders collide too (``compile DIR`` keys bodies by it).
    """
    seen: dict[tuple[str | None, str], Document] = {}
    found = []
    for doc in documents:
        if "name" in doc.data and not isinstance(doc.data["name"], str):
            continue  # the type check reports it
        name = job_name(doc)
        first = seen.setdefault((doc.stack, name), doc)
        if first is not doc and first.file != doc.file:
            file, line, _ = first.locate(("name",))
            found.append(doc.finding("E2004", ("name",), f"job name '{name}' is also used by {file}:{line}; names must be unique"))
    return found


def previous_name_conflicts(documents: list[Document]) -> list[Finding]:
    """A ``previousNames`` entry must name no current job and be claimed by one job only (E2008).

    Each entry becomes a Pulumi alias: the resource of that name *is* this job. A job
    still using the name, or a second job claiming it, would make two jobs one resource.
    """
    current: dict[tuple[str | None, str], Document] = {}
    for doc in documents:
        current.setdefault((doc.stack, job_name(doc)), doc)
    claimed: dict[tuple[str | None, str], Document] = {}
    found = []
    for doc in documents:
        names = doc.data.get("previousNames")
        if not isinstance(names, list):
            continue
        own = job_name(doc)
        for i, old in enumerate(names):
            if not isinstance(old, str):
                continue  # the type check reports it
            key = (doc.stack, old)
            if old == own:
                found.append(doc.finding("E2008", ("previousNames", i), f"'{old}' is this job's own name; list only names it had before"))
            elif key in current:
                other = current[key]
                where = ":".join(map(str, other.locate(("name",))[:2])) if "name" in other.data else other.file
                found.append(doc.finding("E2008", ("previousNames", i),
                                         f"'{old}' is the name of the job in {where}; a job still using a "
                                         "name cannot also be the renamed one (both would be one resource)"))
            elif claimed.setdefault(key, doc) is not doc and claimed[key].file != doc.file:
                file, line, _ = claimed[key].locate(("previousNames",))
                found.append(doc.finding("E2008", ("previousNames", i),
                                         f"'{old}' is also a previous name in {file}:{line}; only one job can be "
                                         "the renamed one"))
    return found
