"""Specs to resources: lint every spec of a stack, read its applications, then declare one ``JobRun`` each.

The Pulumi program (providers/program.py) and the ``JobSpecs`` component
(providers/component.py) both come here. Lint runs first, for all specs: one finding
fails the preview or update before any resource is registered, so a bad spec never
leaves a half-applied stack. ``providers.program`` still answers for ``declare_jobs``
and the rest, as the README documents.
"""

from __future__ import annotations

import concurrent.futures
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pulumi

from compiler import stacks
from compiler.compile import references
from compiler.document import Document
from compiler.findings import Finding
from compiler.formatters import text
from compiler.schedule_model import is_scheduled, runs_now
from providers import preflight, preflight_worker, schedule_resource
from providers.desired import compile_jobs, empty_stack, lint_stack
from providers.infra import Infra
from providers.resource import JobRun


def _fail(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    raise pulumi.RunError("job specs have errors; nothing was applied:\n"
                          + "".join(text.line(f) + "\n" for f in errors) + text.summary(findings))


def declare_jobs(specs: str | Path, stack: str, overrides: dict[str, Any] | None = None,
                 infra: Infra | None = None, allow_empty: bool = False, region: str | None = None,
                 check_service: bool = True, defer_service_check: bool = False,
                 schedules: dict[str, Any] | None = None,
                 opts: pulumi.ResourceOptions | None = None,
                 worker: preflight_worker.Worker | None = None) -> dict[str, JobRun]:
    """Lint and compile every spec for ``stack``; declare one JobRun each. Raises RunError on findings.

    Every spec is checked (and, with ``check_service``, each application read from the
    service: providers/preflight.py) before any resource is declared, so one bad spec
    stops the whole preview or update and nothing is half-applied. So does a folder
    with no specs, unless ``allow_empty``: it would cancel every run of the stack.

    ``defer_service_check`` waits for the applications in a thread while the specs are
    compiled and the resources declared, and fails the program once it knows: the read
    then costs almost no wall time. Only for a preview (declaring starts nothing), or
    when ``opts`` holds every resource until the program has passed (providers/gate.py,
    as jobspec's program does): the SDK sends the registrations of a failed program.
    Without it the applications are read first. ``worker`` reads them
    (providers/preflight_worker.py): give one started early, or one is started here.

    A scheduled spec's ``Schedule`` goes into ``schedules`` (when given).

    ``opts`` (parent, depends_on, protect, providers...) go to every ``JobRun`` and
    ``Schedule`` declared, with each one's own aliases added (earlier names; under a
    parent, also the top-level resource jobspec's program declared: providers/resource.py).
    The resource options of a program's own resources (``infra``) are the caller's.
    """
    checked = check_jobs(specs, stack, overrides, infra, allow_empty, region, check_service, defer_service_check,
                         worker)
    return declare_checked(checked, stack, schedules, opts)


@dataclass(frozen=True)
class Checked:
    """Specs that passed ``check_jobs``: ready to be declared (``declare_checked``)."""

    documents: list[Document]
    infra: Infra
    #: Settles the deferred service check, still running (``defer_service_check``), or None.
    later: Callable[[], preflight.Outcome] | None


def check_jobs(specs: str | Path, stack: str, overrides: dict[str, Any] | None = None,
               infra: Infra | None = None, allow_empty: bool = False, region: str | None = None,
               check_service: bool = True, defer_service_check: bool = False,
               worker: preflight_worker.Worker | None = None) -> Checked:
    """``declare_jobs``' checks, declaring nothing: RunError with every finding, else the specs to declare.

    The ``JobSpecs`` component (providers/component.py) runs them before it registers
    itself, so a failed check leaves no trace of it either. The applications are read
    by ``worker`` (providers/preflight_worker.py), started here unless the caller
    started it earlier; one this call does not hand to a deferred check is closed.
    """
    if worker is None and check_service:
        worker = preflight_worker.start(region)
    later = None
    try:
        checked = _check(specs, stack, overrides, infra, allow_empty, check_service, defer_service_check, worker)
        later = checked.later
        return checked
    finally:
        if worker is not None and later is None:
            worker.close()


def _check(specs: str | Path, stack: str, overrides: dict[str, Any] | None, infra: Infra | None,
           allow_empty: bool, check_service: bool, defer_service_check: bool,
           worker: preflight_worker.Worker | None) -> Checked:
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
    service = result.ok and not unresolved and check_service and worker is not None
    later = None
    if service and defer_service_check:
        later = _deferred(result.documents, findings, worker)
        _report([f for f in findings if f.rule != "W2010"], unresolved)  # the release decides W2010
    elif service:
        assert worker is not None
        _report(_outcome(preflight.check(result.documents, findings, worker.fetch)), unresolved)
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


def _deferred(documents: list[Document], findings: list[Finding],
              worker: preflight_worker.Worker | None) -> Callable[[], preflight.Outcome]:
    """The preflight, asked now and settled later (``_after``): a thread waits on the worker's answer meanwhile.

    The thread only waits on the worker's pipe. Reads the worker could not make are
    made when the preflight is settled, in the main thread: botocore imported in a
    thread while the main thread imports and compiles can hand one of them a partly
    initialised module.
    """
    assert worker is not None
    app_ids = preflight.application_ids(documents)
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobspec-preflight")
    asked = executor.submit(worker.ask, app_ids)
    executor.shutdown(wait=False)
    return lambda: preflight.check(documents, findings, lambda ids: worker.answer(asked.result(), ids))


def _after(later: Callable[[], preflight.Outcome]) -> None:
    """The deferred preflight's findings: W2010 as its release decided, errors fail the preview.

    Joined in the program's own code, not in ``pulumi.run``: a RunError raised there is
    reported as its message alone, the way every other finding fails the program.
    """
    findings = _outcome(later())
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
