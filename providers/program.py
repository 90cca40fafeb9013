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

from pathlib import Path
from typing import Any

import pulumi

from providers import gate, preflight_worker

#: Names ``providers.program`` has always offered, now in providers/declare.py (see ``__getattr__``).
_DECLARE = frozenset({"declare_jobs", "check_jobs", "declare_checked", "job_outputs", "check_layout", "Checked"})


def __getattr__(name: str) -> Any:
    # Imported on first use, not with this module: ``main`` starts the preflight worker before the linter,
    # the compiler and the resource classes load, so its start-up overlaps theirs.
    if name in _DECLARE:
        from providers import declare
        return getattr(declare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    region = pulumi.Config("aws").get("region")
    # First, before the linter, the compiler and the resource classes are imported: the worker's own
    # start-up (botocore, a client: ~0.15 s) then runs on another core meanwhile (providers/preflight_worker.py).
    worker = preflight_worker.start(region)
    # Every resource waits for the gate, opened only when the block ends without an error: the jobs can be
    # declared while the worker still reads the applications, and a finding still sends none of them.
    try:
        with gate.Gate() as held:
            from compiler import collector
            from providers import declare, schedule_resource
            from providers.desired import DEFAULT_SPECS, OVERRIDABLE
            from providers.infra import Infra

            collector.relax_for_process()
            config = pulumi.Config("jobspec")
            specs, stack = config.get("specs") or DEFAULT_SPECS, pulumi.get_stack()
            declare.check_layout(Path.cwd(), stack, specs)
            infra = Infra(config.get_object("applications"), config.get_object("roles"), held.opts)
            schedules: dict[str, Any] = {}
            overrides = {key: config.get(key) for key in OVERRIDABLE if config.get(key)}
            jobs = declare.declare_jobs(specs, stack, overrides, infra,
                                        allow_empty=bool(config.get_bool("allowEmpty")), region=region,
                                        defer_service_check=True, schedules=schedules, opts=held.opts,
                                        worker=worker)
    finally:
        worker.close()
    pulumi.export("jobs", declare.job_outputs(jobs))
    if schedules:
        pulumi.export("schedules", schedule_resource.outputs(schedules))
