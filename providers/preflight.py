"""What only the live service knows, checked before anything starts.

A spec can pass every rule of the StartJobRun model and still be refused by the
service: its application does not exist or cannot take runs, a Hive job names a
Spark application, a timeout the application's release refuses. Found at
StartJobRun, such a refusal fails ``pulumi up`` after other jobs were already
started. So the program reads each distinct application once (GetApplication)
while it runs, before any resource is declared, and turns what it learns into
findings at the spec's own ``file:line:col``: one error fails the preview (or the
update) with nothing started.

The application's ``releaseLabel`` also decides W2010 exactly: the lint warning
(BATCH timeouts outside 1..10080 minutes, refused from EMR 7.11) becomes E2014 on
7.11 and later and disappears before it.

The check needs AWS credentials, which a pull request from a fork or a laptop may
not have: then it is skipped with one note, never an error. So is a check that
cannot reach the service or may not read applications; the provider's own
failures still read as sentences then (providers/errors.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from compiler.document import Document
from compiler.findings import Finding
from compiler.service_rules import BATCH_MAX_MINUTES, RULES, mode_of
from providers.applications import Application, Fetch, Skipped

#: Application states from which a submitted run can start (with auto-start for the idle ones).
_READY = frozenset({"STARTED", "STARTING"})
_IDLE = frozenset({"CREATED", "STOPPED", "STOPPING"})
#: The job driver each application type runs.
_DRIVER = {"SPARK": "sparkSubmit", "HIVE": "hive"}
#: The first release whose BATCH runs need a timeout of 1..10080 minutes.
STRICT_TIMEOUT_RELEASE = (7, 11)
@dataclass
class Outcome:
    findings: list[Finding]
    note: str | None = None


def application_ids(documents: Iterable[Document]) -> list[str]:
    """Distinct applicationIds given as ids (an ``application:`` the stack declares may not exist yet)."""
    seen: dict[str, None] = {}
    for doc in documents:
        app = doc.data.get("applicationId")
        if isinstance(app, str) and "application" not in doc.data:
            seen.setdefault(app, None)
    return list(seen)


def findings_for(documents: list[Document], apps: dict[str, Application | None], region: str | None,
                 lint_findings: list[Finding]) -> list[Finding]:
    """The lint findings with W2010 decided by each application's release, plus E2012-E2014."""
    out: list[Finding] = []
    decided: set[tuple] = set()
    undecided: set[tuple] = set()
    for doc in documents:
        app_id = doc.data.get("applicationId")
        if not isinstance(app_id, str) or app_id not in apps:
            continue
        app = apps[app_id]
        if app is None:
            where = f" in {region}" if region else ""
            out.append(doc.finding("E2012", ("applicationId",),
                                   f"application {app_id} does not exist{where} (GetApplication: "
                                   "ResourceNotFoundException); check applicationId and the region"))
            continue
        problem = _cannot_run(app)
        if problem:
            out.append(doc.finding("E2012", ("applicationId",), f"application {app_id} {problem}"))
        out += _driver_mismatch(doc, app)
        timeout = _timeout(doc, app)
        if timeout is not None:
            key, finding = timeout
            (decided if key is not None else undecided).add(key or _loc(doc))
            if finding is not None:
                out.append(finding)
    kept = [f for f in lint_findings if not (f.rule == "W2010" and (f.file, f.line, f.column) in decided - undecided)]
    return sorted(set(kept + out))


def _loc(doc: Document) -> tuple:
    return doc.locate(("executionTimeoutMinutes",))


def _cannot_run(app: Application) -> str | None:
    if app.state in _READY:
        return None
    if app.state in _IDLE:
        return None if app.auto_start else (
            f"is {app.state} with auto-start off, so it takes no job runs; start it "
            f"(`aws emr-serverless start-application --application-id {app.id}`) or turn auto-start on")
    if app.state == "CREATING":
        return "is still CREATING and takes no job runs yet; run again once it is CREATED"
    return f"is {app.state or 'in an unknown state'} and takes no job runs; use another application"


def _driver_mismatch(doc: Document, app: Application) -> list[Finding]:
    driver = doc.data.get("jobDriver")
    wanted = _DRIVER.get(app.type)
    if not isinstance(driver, dict) or wanted is None or wanted in driver:
        return []
    given = next(iter(driver), None)
    if given is None:
        return []
    kind = {"sparkSubmit": "a Spark job (sparkSubmit)", "hive": "a Hive job (hive)"}.get(given, given)
    return [doc.finding("E2013", ("jobDriver", given),
                        f"{kind}, but application {app.id} is a {app.type} application ({app.release}); "
                        f"it runs only `jobDriver.{wanted}` jobs: use an application of the right type", key=True)]


def _timeout(doc: Document, app: Application) -> tuple[tuple | None, Finding | None] | None:
    """For a spec that W2010 warns about: (its location if the release decides it, E2014 or None)."""
    value = doc.data.get("executionTimeoutMinutes")
    if RULES["batch_timeout"].holds(value, doc.data):
        return None
    version = app.release_version
    if version is None:
        return None, None
    if version < STRICT_TIMEOUT_RELEASE:
        return _loc(doc), None
    return _loc(doc), doc.finding(
        "E2014", ("executionTimeoutMinutes",),
        f"executionTimeoutMinutes is {value}, and application {app.id} runs {app.release}: from EMR 7.11, {mode_of(doc.data)} jobs need "
        f"1 to {BATCH_MAX_MINUTES} minutes (0, no timeout, is refused)")


def check(documents: list[Document], lint_findings: list[Finding], read: Fetch) -> Outcome:
    """Preflight every document against the live service; see the module doc.

    ``read`` makes the GetApplication calls: providers/preflight_worker.py's process, or the caller's own.
    """
    app_ids = application_ids(documents)
    if not app_ids:
        return Outcome(lint_findings)
    try:
        apps, region = read(app_ids)
    except Skipped as skipped:
        return Outcome(lint_findings, str(skipped))
    return Outcome(findings_for(documents, apps, region, lint_findings))
