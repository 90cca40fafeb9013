"""The Pulumi program: every spec under ``jobspecs/`` for this stack becomes a ``JobRun``.

A spec with ``schedule:`` becomes a ``Schedule`` instead (providers/schedule_resource.py),
and also a ``JobRun`` when it says ``deploy.runNow: true``.

Lint runs first, for all specs: one finding fails the preview or update before any
resource is registered, so a bad spec never leaves a half-applied stack.

Stack config (all optional):
  jobspec:specs            folder of specs (default ``jobspecs``); no other stack's folder may contain it or be
                           inside it (compiler/stacks.py, E2015)
  jobspec:applications     EMR Serverless applications to declare with pulumi-aws (see providers/infra.py)
  jobspec:roles            job execution roles to declare with pulumi-aws
  jobspec:applicationId    deploy-time override of every spec's applicationId
  jobspec:executionRoleArn deploy-time override of every spec's executionRoleArn
  jobspec:allowEmpty       true lets a stack have no specs at all (its runs are then cancelled)
"""

from __future__ import annotations

import concurrent.futures
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pulumi

from compiler import collector, stacks
from compiler.compile import references
from compiler.document import Document
from compiler.findings import Finding
from compiler.formatters import text
from compiler.schedule_model import is_scheduled, runs_now
from providers import preflight, schedule_resource
from providers.desired import DEFAULT_SPECS, OVERRIDABLE, compile_jobs, empty_stack, lint_stack
from providers.infra import Infra
from providers.resource import JobRun


def _overrides(config: pulumi.Config) -> dict[str, Any]:
    return {key: config.get(key) for key in OVERRIDABLE if config.get(key)}


def _fail(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    raise pulumi.RunError("job specs have errors; nothing was applied:\n"
                          + "".join(text.line(f) + "\n" for f in errors) + text.summary(findings))


def _client_for(region: str | None) -> Callable[[], Any]:
    """Makes the preflight's client when it is needed (botocore is loaded then, and only then)."""
    def make() -> Any:
        from providers import aws
        return aws.emr_client(region, attempts=preflight.ATTEMPTS)
    return make


def declare_jobs(specs: str | Path, stack: str, overrides: dict[str, Any] | None = None,
                 infra: Infra | None = None, allow_empty: bool = False, region: str | None = None,
                 check_service: bool = True, defer_service_check: bool = False,
                 schedules: dict[str, Any] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> dict[str, JobRun]:
    """Lint and compile every spec for ``stack``; declare one JobRun each. Raises RunError on findings.

    Every spec is checked (and, with ``check_service``, each application read from the
    service: providers/preflight.py) before any resource is declared, so one bad spec
    stops the whole preview or update and nothing is half-applied. So does a folder
    with no specs, unless ``allow_empty``: it would cancel every run of the stack.

    ``defer_service_check`` (previews only, where declaring a resource starts nothing)
    reads the applications in a thread while the specs are compiled and the resources
    declared, and fails the program once it knows: the read then costs a preview
    almost no wall time. An update always reads them first.

    A scheduled spec's ``Schedule`` goes into ``schedules`` (when given).

    ``opts`` (parent, depends_on, protect, providers...) go to every ``JobRun`` and
    ``Schedule`` declared, with each one's own aliases added (earlier names; under a
    parent, also the top-level resource jobspec's program declared: providers/resource.py).
    The resource options of a program's own resources (``infra``) are the caller's.
    """
    checked = check_jobs(specs, stack, overrides, infra, allow_empty, region, check_service, defer_service_check)
    return declare_checked(checked, stack, schedules, opts)


@dataclass(frozen=True)
class Checked:
    """Specs that passed ``check_jobs``: ready to be declared (``declare_checked``)."""

    documents: list[Document]
    infra: Infra
    #: The deferred service check, still running (``defer_service_check``), or None.
    later: concurrent.futures.Future | None


def check_jobs(specs: str | Path, stack: str, overrides: dict[str, Any] | None = None,
               infra: Infra | None = None, allow_empty: bool = False, region: str | None = None,
               check_service: bool = True, defer_service_check: bool = False) -> Checked:
    """``declare_jobs``' checks, declaring nothing: RunError with every finding, else the specs to declare.

    The ``JobSpecs`` component (providers/component.py) runs them before it registers
    itself, so a failed check leaves no trace of it either.
    """
    # lexists: a path too long or under a folder that cannot be entered is the linter's to report (E0009).
    if not os.path.lexists(specs):
        raise pulumi.RunError(f"jobspec: no such folder: {specs}")
    infra = infra or Infra(None, None)
    result = lint_stack(specs, stack, overrides)
    for note in result.notes:
        pulumi.log.info(f"jobspec: note: {note.text()}")
    findings = result.findings
    if not result.documents and result.ok and not allow_empty:
        raise pulumi.RunError(f"jobspec: {empty_stack(specs, stack)} Nothing was applied.")
    unresolved = [doc.finding("E2007", (kind,), why)
                  for doc in result.documents
                  for kind, name in ((k, n) for _, (k, n) in references(doc).items())
                  if (why := infra.missing(kind, name))]
    service = result.ok and not unresolved and check_service
    later = None
    if service and defer_service_check:
        make_client = _client_for(region)
        _warm(make_client)
        later = _in_thread(lambda: preflight.check(result.documents, findings, make_client))
        _report([f for f in findings if f.rule != "W2010"], unresolved)  # the release decides W2010
    elif service:
        _report(_outcome(preflight.check(result.documents, findings, _client_for(region))), unresolved)
    else:
        _report(findings, unresolved)
    return Checked(result.documents, infra, later)


def declare_checked(checked: Checked, stack: str, schedules: dict[str, Any] | None = None,
                    opts: pulumi.ResourceOptions | None = None) -> dict[str, JobRun]:
    """The JobRun (and Schedule) of each checked spec, with ``opts``; see ``declare_jobs``."""
    jobs: dict[str, JobRun] = {}
    for name, (doc, body) in compile_jobs(checked.documents, checked.infra.resolver()).items():
        if is_scheduled(doc.data):
            declared = schedule_resource.declare(name, doc, body, stack, opts)
            if schedules is not None:
                schedules[name] = declared
        if not runs_now(doc.data):
            continue
        jobs[name] = JobRun(name, body, spec_file=doc.file, deploy=doc.data.get("deploy"), rerun=doc.data.get("rerun"),
                            token_given="clientToken" in doc.data, previous_names=doc.data.get("previousNames"),
                            opts=opts)
    if checked.later is not None:
        _after(checked.later)
    return jobs


def _report(findings: list[Finding], unresolved: list[Finding]) -> None:
    """Warnings to the log; errors fail the program (RunError) with every finding."""
    for finding in findings:
        if finding.severity != "error":
            pulumi.log.warn(text.line(finding))
    if any(f.severity == "error" for f in findings) or unresolved:
        _fail(sorted(findings + unresolved))


def _outcome(outcome: preflight.Outcome) -> list[Finding]:
    if outcome.note:
        pulumi.log.info(f"jobspec: note: {outcome.note}")
    return outcome.findings


def _in_thread(work: Callable[[], Any]) -> concurrent.futures.Future:
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobspec-preflight")
    future = executor.submit(work)
    executor.shutdown(wait=False)
    return future


def _warm(make_client: Callable[[], Any]) -> None:
    """Load botocore and make the preflight's client here, in the main thread, before the thread starts.

    The thread then only waits on the network. Importing botocore in it while the main
    thread imports and compiles can hand one of them a partly initialised module.
    """
    try:
        make_client()
    except Exception:  # noqa: BLE001 - the thread makes it again, and preflight.fetch says why it cannot
        pass


def _after(later: concurrent.futures.Future) -> None:
    """The deferred preflight's findings: W2010 as its release decided, errors fail the preview.

    Joined in the program's own code, not in ``pulumi.run``: a RunError raised there is
    reported as its message alone, the way every other finding fails the program.
    """
    findings = _outcome(later.result())
    for finding in findings:
        if finding.rule == "W2010":
            pulumi.log.warn(text.line(finding))
    if any(f.severity == "error" for f in findings):
        _fail(sorted(findings))


def job_outputs(jobs: dict[str, JobRun]) -> pulumi.Output:
    """The ``jobs`` stack output, ``{name: {arn, jobRunId, state}}``, warning of runs that ended badly.

    One Output over every job rather than one export and one apply per job: each
    Output costs the SDK a task per resource (bench/RESULTS.md). During a preview
    that starts a job the whole map is unknown, as its arn and id are.
    """
    names = list(jobs)
    fields = ("arn", "jobRunId", "state")

    def build(values: list[Any]) -> dict[str, dict[str, Any]]:
        out = {}
        for i, name in enumerate(names):
            out[name] = dict(zip(fields, values[3 * i:3 * i + 3]))
            if out[name]["state"] in ("FAILED", "CANCELLED"):
                what = "change or remove `clientToken:`" if jobs[name].token_given else "change `rerun:`"
                pulumi.log.warn(f"{name}: its run is {out[name]['state']}. Re-applying {jobs[name].spec_file} "
                                f"unchanged starts nothing (same clientToken); {what} to start it again.")
        return out

    return pulumi.Output.all(*[getattr(job, field) for job in jobs.values() for field in fields]).apply(build)


def check_layout(project: Path, stack: str, specs: str) -> None:
    """RunError when ``stack``'s folder is inside another stack's of the project, or the other way round.

    Before anything is linted or declared, so a preview or update of either stack
    changes nothing. The other stacks' folders come from their Pulumi.<stack>.yaml
    files (compiler/stacks.py).
    """
    try:
        findings = stacks.check_stack(project, stack, specs)
    except stacks.ProjectError as exc:
        raise pulumi.RunError(f"jobspec: {exc}") from None
    if findings:
        raise pulumi.RunError("jobspec: a job belongs to one stack; nothing was applied:\n"
                              + "".join(text.line(f) + "\n" for f in findings) + text.summary(findings))


def main() -> None:
    collector.relax_for_process()
    config = pulumi.Config("jobspec")
    specs, stack = config.get("specs") or DEFAULT_SPECS, pulumi.get_stack()
    check_layout(Path.cwd(), stack, specs)
    infra = Infra(config.get_object("applications"), config.get_object("roles"))
    region = pulumi.Config("aws").get("region")
    schedules: dict[str, Any] = {}
    jobs = declare_jobs(specs, stack, _overrides(config), infra,
                        allow_empty=bool(config.get_bool("allowEmpty")), region=region,
                        defer_service_check=pulumi.runtime.is_dry_run(), schedules=schedules)
    pulumi.export("jobs", job_outputs(jobs))
    if schedules:
        pulumi.export("schedules", schedule_resource.outputs(schedules))
