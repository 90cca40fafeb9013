"""The StartJobRun body each job of a stack wants now, computed as the Pulumi program computes it.

The same steps as ``providers.program.declare_jobs`` without declaring resources
(so it runs outside the engine): lint every spec for the stack, with the stack's
deploy-time overrides (``jobspec:applicationId``, ``jobspec:executionRoleArn``);
any error stops, as it stops ``pulumi up``; then compile each spec, with the
applications and roles the stack declares (``application: etl``) resolved from the
stack's state, where the program gets them from the same resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from compiler.compile import compile_document, job_name, reference
from compiler.formatters import text
from compiler.lint import lint_paths

#: Stack config the program reads (providers/program.py): its keys, and the default folder.
SPECS_KEY, DEFAULT_SPECS = "jobspec:specs", "jobspecs"
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
    """The deploy-time overrides set in the stack's config (as ``program._overrides`` reads them)."""
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


def desired(cwd: Path, stack: str, config: dict[str, str], resolve: Callable[[str, str], Any]) -> Desired:
    """Every job of ``stack`` with the body it wants; SpecsError when the specs cannot tell."""
    folder = config.get(SPECS_KEY) or DEFAULT_SPECS
    path = Path(folder) if Path(folder).is_absolute() else cwd / folder
    if not path.is_dir():
        raise SpecsError(f"the specs folder {folder} (stack config {SPECS_KEY}) does not exist in {cwd}")
    result = lint_paths([path], stack=stack, all_stacks=False, overrides=overrides(config))
    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        quoted = "; ".join(text.line(f) for f in errors[:QUOTED])
        more = f" and {len(errors) - QUOTED} more" if len(errors) > QUOTED else ""
        raise SpecsError(f"the specs in {folder} have errors for stack {stack}, so which runs they want is unknown "
                         f"(`pulumi up` would fail on them too): {quoted}{more}")
    if not result.documents and config.get(ALLOW_EMPTY, "").lower() != "true":
        # Cancelling every interrupted run because a folder came out empty would be a mistake, not a change of plan.
        raise SpecsError(f"the specs folder {folder} has no spec for stack {stack}; if that is meant, set "
                         f"`pulumi config set {ALLOW_EMPTY} true`")
    out = Desired(folder)
    for doc in result.documents:
        name = job_name(doc)
        out.bodies[name] = compile_document(doc, resolve)
        for old in doc.data.get("previousNames") or []:
            out.renamed[str(old)] = name
    return out
