"""Runs looked up by id in moto's EMR Serverless backend, as the service looks them up.

moto 5.2 keeps an application's runs in a list and scans it on every GetJobRun and
CancelJobRun (twice: the ids, then the run). The service answers both in constant
time. With 1,000 runs in one application a `pulumi refresh` then spends most of its
time in moto's scans, and a benchmark would time the emulator rather than jobspec.
``install()`` replaces those two lookups with a dict per application, rebuilt when the
list changed, with moto's own errors; everything else is moto's.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = False


def _run(backend: Any, application_id: str, job_run_id: str) -> Any:
    from moto.emrserverless.exceptions import ResourceNotFoundException

    runs = backend.job_runs.get(application_id)
    if runs is None:
        raise ResourceNotFoundException(application_id, "Application")
    cache = backend.__dict__.setdefault("_jobspec_run_index", {})
    owner, size, index = cache.get(application_id, (None, -1, {}))
    if owner is not runs or size != len(runs):  # moto only appends; a forgotten list is a new list
        index = {run.id: run for run in runs}
        cache[application_id] = (runs, len(runs), index)
    run = index.get(job_run_id)
    if run is None:
        raise ResourceNotFoundException(job_run_id, "JobRun")
    return run


def install() -> None:
    """Patch moto's EMR Serverless backend class once per process."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.emrserverless.models import EMRServerlessBackend

    def get_job_run(self: Any, application_id: str, job_run_id: str) -> Any:
        return _run(self, application_id, job_run_id)

    def cancel_job_run(self: Any, application_id: str, job_run_id: str) -> tuple[str, str]:
        _run(self, application_id, job_run_id).state = "CANCELLED"
        return application_id, job_run_id

    EMRServerlessBackend.get_job_run = get_job_run
    EMRServerlessBackend.cancel_job_run = cancel_job_run
    _INSTALLED = True
