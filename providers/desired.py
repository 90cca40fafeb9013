"""The StartJobRun body each job of a stack wants now: one computation for the program and recover.

``lint_stack``, ``empty_stack`` and ``compile_jobs`` are the steps the Pulumi program
(``providers.program.declare_jobs``) takes before it declares resources, and
``desired`` takes them outside the engine for ``jobspec recover``: lint every spec
for the stack with the stack's deploy-time overrides (``jobspec:applicationId``,
``jobspec:executionRoleArn``), any error stops; a stack with no specs stops unless it
allows it; then compile each spec, with the applications and roles the stack
declares (``application: etl``) resolved (from the resources in the program, from
the stack's state in recover).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from compiler.compile import compile_document, job_name, reference
from compiler.document import Document
from compiler.formatters import text
from compiler.lint import Result, lint_paths
from compiler.schedule_model import runs_now

# Stack config the program reads (providers/program.py): the folder's key, and the folder when none is set.
from compiler.stacks import DEFAULT_SPECS, SPECS_KEY  # noqa: F401 - names of this module too
#: A stack may have no jobs only when it says so (issue 10: an emptied folder must not stop every run).
ALLOW_EMPTY = "jobspec:allowEmpty"
OVERRIDABLE = ("applicationId", "executionRoleArn")
#: pulumi-aws resource types behind ``application:`` / ``executionRole:`` (providers/infra.py), and the output used.
DECLARED = {"application": ("aws:emrserverless/application:Application", "id"),
            "executionRole": ("aws:iam/role:Role", "arn")}
#: How many findings an error message quotes before "and N more".
QUOTED = 5


class SpecsError(Exception):
    """The specs cannot say what the stack wants (a missing folder, lint errors); the message says so."""


@dataclass
class Desired:
    """``bodies[job]``: the body each job wants; ``renamed[old]``: the job that lists ``old`` in ``previousNames``."""

    folder: str
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)

    def job(self, name: str) -> str | None:
        """The job ``name`` is now: itself, the job that names it in ``previousNames``, or None (gone)."""
        if name in self.bodies:
            return name
        return self.renamed.get(name)


def overrides(config: dict[str, str]) -> dict[str, Any]:
    """The deploy-time overrides set in the stack's config (as ``program.main`` reads them)."""
    return {key: config[f"jobspec:{key}"] for key in OVERRIDABLE if config.get(f"jobspec:{key}")}


def state_resolver(resources: list[dict[str, Any]]) -> Callable[[str, str], Any]:
    """``resolve(kind, name)`` from the declared applications and roles in state; a placeholder when absent.

    A placeholder never equals a real id, so a run asked for with a resource that is
    not in state is never taken for what the spec wants.
    """
    values: dict[tuple[str, str], Any] = {}
    for kind, (type_, output) in DECLARED.items():
        for res in resources:
            if res.get("type") == type_ and not res.get("delete"):
                value = res.get("id") if output == "id" else (res.get("outputs") or {}).get(output)
                values[(kind, res["urn"].rsplit("::", 1)[-1])] = value

    def resolve(kind: str, name: str) -> Any:
        return values.get((kind, name)) or reference(kind, name)

    return resolve


def lint_stack(folder: str | Path, stack: str, overrides: dict[str, Any] | None) -> Result:
    """Every spec under ``folder`` linted for ``stack`` only, with the deploy-time overrides."""
    return lint_paths([folder], stack=stack, all_stacks=False, overrides=overrides)


def empty_stack(folder: str | Path, stack: str) -> str:
    """Why a stack with no specs is refused, and how to mean it."""
    # Cancelling every run because a folder came out empty would be a mistake, not a change of plan.
    return (f"no job specs in {folder} for stack {stack}. With no specs, `pulumi up` would cancel every run this "
            "stack tracks: check the folder (and the stack's `jobspec:specs`), or, to stop them all on purpose, "
            f"`pulumi config set {ALLOW_EMPTY} true`.")


def compile_jobs(documents: list[Document], resolve: Callable[[str, str], Any]) -> dict[str, tuple[Document, dict]]:
    """Job name → (its document, the body it wants), references resolved by ``resolve(kind, name)``."""
    return {job_name(doc): (doc, compile_document(doc, resolve)) for doc in documents}


def desired(cwd: Path, stack: str, config: dict[str, str], resolve: Callable[[str, str], Any]) -> Desired:
    """Every job of ``stack`` with the body it wants; SpecsError when the specs cannot tell."""
    folder = config.get(SPECS_KEY) or DEFAULT_SPECS
    path = Path(folder) if Path(folder).is_absolute() else cwd / folder
    if not path.is_dir():
        raise SpecsError(f"the specs folder {folder} (stack config {SPECS_KEY}) does not exist in {cwd}")
    result = lint_stack(path, stack, overrides(config))
    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        quoted = "; ".join(text.line(f) for f in errors[:QUOTED])
        more = f" and {len(errors) - QUOTED} more" if len(errors) > QUOTED else ""
        raise SpecsError(f"the specs in {folder} have errors for stack {stack}, so which runs they want is unknown "
                         f"(`pulumi up` would fail on them too): {quoted}{more}")
    if not result.documents and config.get(ALLOW_EMPTY, "").lower() != "true":
        raise SpecsError(empty_stack(folder, stack))
    out = Desired(folder)
    for name, (doc, body) in compile_jobs(result.documents, resolve).items():
        if not runs_now(doc.data):
            continue  # a scheduled job without deploy.runNow wants no run of this stack's (its schedule starts them)
        out.bodies[name] = body
        for old in doc.data.get("previousNames") or []:
            out.renamed[str(old)] = name
    return out
