"""``JobSpecs``: jobspec inside a team's own Pulumi program, as one component resource.

    from providers.component import JobSpecs

    jobs = JobSpecs("emr-jobs", "jobspecs", opts=pulumi.ResourceOptions(depends_on=[bucket]))
    pulumi.export("jobs", jobs.jobs)

Every spec of the folder for the stack becomes a ``JobRun`` (and a scheduled one a
``Schedule``), as in jobspec's own program (providers/program.py), each a child of the
component: the component's resource options reach them all. ``protect`` and
``providers`` by the engine's own inheritance from a parent; ``depends_on`` and
``retain_on_delete`` are passed to every child, so each one's state lists them. Lint and
the service preflight run first, for all specs, so one finding fails the preview or
update before any job is declared: nothing is half-applied.

A stack that ran jobspec's own program (``__main__.py``) and now declares the same
jobs in a ``JobSpecs`` changes nothing: each child carries an alias to the top-level
resource of the same name (providers/resource.py ``with_aliases``). The component itself
is the one new resource in state (it calls no provider).

The region is the stack's ``aws:region`` (then ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the
profile's: providers/aws.py), for the preflight and the providers alike; an explicit
pulumi-aws provider in ``providers`` does not apply to the jobs (their provider is
jobspec's own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi

from providers import schedule_resource
from providers.desired import DEFAULT_SPECS
from providers.declare import check_jobs, declare_checked, job_outputs

#: The component's type token (package ``jobspec``, module ``index``).
TYPE = "jobspec:index:JobSpecs"


class JobSpecs(pulumi.ComponentResource):
    """The jobs of one folder of specs, for one stack; ``jobs`` and ``schedules`` are its outputs.

    ``jobs``: ``{name: {arn, jobRunId, state}}`` for every run it starts; ``schedules``:
    ``{name: {arn, state}}`` for every scheduled spec. ``stack`` picks the specs' stack
    section (default: the Pulumi stack's name); ``overrides`` replace every spec's
    ``applicationId`` / ``executionRoleArn`` (plain strings, as the stack config
    ``jobspec:applicationId`` does); ``allow_empty`` lets a folder with no specs cancel every
    run the component started before. Raises ``pulumi.RunError`` with every finding when
    a spec has errors.
    """

    jobs: pulumi.Output[dict[str, dict[str, Any]]]
    schedules: pulumi.Output[dict[str, dict[str, Any]]]

    def __init__(self, name: str, specs: str | Path = DEFAULT_SPECS, *, stack: str | None = None,
                 overrides: dict[str, str] | None = None, allow_empty: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        stack = stack or pulumi.get_stack()
        # Checked before the component registers: a finding leaves no trace of it in a preview or state.
        checked = check_jobs(specs, stack, overrides, allow_empty=allow_empty, region=pulumi.Config("aws").get("region"),
                             defer_service_check=pulumi.runtime.is_dry_run())
        super().__init__(TYPE, name, None, opts)
        given = opts or pulumi.ResourceOptions()
        children = pulumi.ResourceOptions(parent=self, depends_on=given.depends_on,
                                          retain_on_delete=given.retain_on_delete)
        schedules: dict[str, Any] = {}
        jobs = declare_checked(checked, stack, schedules, children)
        self.jobs = job_outputs(jobs)
        self.schedules = schedule_resource.outputs(schedules)
        self.register_outputs({"jobs": self.jobs, "schedules": self.schedules})
