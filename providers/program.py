"""The Pulumi program: every spec under ``jobspecs/`` for this stack becomes a ``JobRun``.

Lint runs first, for all specs: one finding fails the preview or update before any
resource is registered, so a bad spec never leaves a half-applied stack.

Stack config (all optional):
  jobspec:specs            folder of specs (default ``jobspecs``)
  jobspec:applications     EMR Serverless applications to declare with pulumi-aws (see providers/infra.py)
  jobspec:roles            job execution roles to declare with pulumi-aws
  jobspec:applicationId    deploy-time override of every spec's applicationId
  jobspec:executionRoleArn deploy-time override of every spec's executionRoleArn
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi

from compiler.compile import compile_document, job_name, references
from compiler.findings import Finding
from compiler.formatters import text
from compiler.lint import lint_paths
from providers.infra import Infra
from providers.resource import JobRun

OVERRIDABLE = ("applicationId", "executionRoleArn")


def _overrides(config: pulumi.Config) -> dict[str, Any]:
    return {key: config.get(key) for key in OVERRIDABLE if config.get(key)}


def _fail(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    raise pulumi.RunError("job specs have errors; nothing was applied:\n"
                          + "".join(text.line(f) + "\n" for f in errors) + text.summary(findings))


def declare_jobs(specs: str | Path, stack: str, overrides: dict[str, Any] | None = None,
                 infra: Infra | None = None) -> dict[str, JobRun]:
    """Lint and compile every spec for ``stack``; declare one JobRun each. Raises RunError on findings.

    Every spec is checked before any resource is declared, so one bad spec stops
    the whole preview or update and nothing is half-applied.
    """
    if not Path(specs).exists():
        raise pulumi.RunError(f"jobspec: no such folder: {specs}")
    infra = infra or Infra(None, None)
    result = lint_paths([specs], stack=stack, all_stacks=False, overrides=overrides)
    for finding in result.findings:
        if finding.severity != "error":
            pulumi.log.warn(text.line(finding))
    unresolved = [doc.finding("E2007", (kind,), why)
                  for doc in result.documents
                  for kind, name in ((k, n) for _, (k, n) in references(doc).items())
                  if (why := infra.missing(kind, name))]
    if not result.ok or unresolved:
        _fail(sorted(result.findings + unresolved))
    jobs: dict[str, JobRun] = {}
    resolve = infra.resolver()
    for doc in result.documents:
        name = job_name(doc)
        body = compile_document(doc)
        for member, (kind, ref) in references(doc).items():
            body[member] = resolve(kind, ref)
        jobs[name] = JobRun(name, body, spec_file=doc.file, deploy=doc.data.get("deploy"), rerun=doc.data.get("rerun"))
    return jobs


def _warn_if_failed(name: str, spec_file: str):
    def check(state: Any) -> Any:
        if state in ("FAILED", "CANCELLED"):
            pulumi.log.warn(f"{name}: its run is {state}. Re-applying {spec_file} unchanged starts nothing "
                            "(same clientToken); change `rerun:` to start it again.")
        return state
    return check


def main() -> None:
    config = pulumi.Config("jobspec")
    infra = Infra(config.get_object("applications"), config.get_object("roles"))
    jobs = declare_jobs(config.get("specs") or "jobspecs", pulumi.get_stack(), _overrides(config), infra)
    for name, job in jobs.items():
        job.state.apply(_warn_if_failed(name, job.spec_file))
        pulumi.export(name, {"arn": job.arn, "jobRunId": job.jobRunId})
    pulumi.export("jobs", {name: {"arn": job.arn, "jobRunId": job.jobRunId, "state": job.state}
                           for name, job in jobs.items()})
