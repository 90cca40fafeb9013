"""``Schedule``: a scheduled job as a Pulumi resource (an EventBridge Scheduler schedule), and its declaration."""

# No ``from __future__ import annotations``: the SDK reads the annotations (see providers/resource.py).
from typing import Any, Optional

import pulumi
from pulumi.dynamic import Resource

from compiler import model
from compiler.compile import fingerprints
from compiler.document import Document
from compiler.findings import dotted
from compiler.schedule import create_schedule_request, target_input
from providers.resource import with_aliases
from providers.schedule import META, ScheduleProvider
from providers.source_position import declared_at


def fingerprinted(name: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body with each member the model marks sensitive replaced by its fingerprint (as for runs).

    Readable in state and in a preview, so a reviewer sees which member of the target
    changed, while the values stay in the secret ``Target.Input``.
    """
    prints = fingerprints(name, body)
    out: Any = dict(body)
    for path in model.sensitive_value_paths(body):
        parent = out
        for part in path[:-1]:
            parent[part] = parent[part].copy()  # copies on the way down: ``body`` stays as it was
            parent = parent[part]
        parent[path[-1]] = prints[dotted(path)]
    return out


class Schedule(Resource, module="scheduler", name="Schedule"):
    """An EventBridge Scheduler schedule that starts a job run; updated in place on any change."""

    Arn: pulumi.Output[str]
    State: pulumi.Output[str]

    def __init__(self, name: str, request: dict[str, Any], body: dict[str, Any], *, spec_file: str,
                 previous_names: Optional[list[str]] = None, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        props: dict[str, Any] = dict(request)
        # The body may hold outputs of declared applications or roles (application: etl): the
        # Input is made when they are known. A secret either way: it holds the sensitive members.
        text = pulumi.Output.from_input(body).apply(target_input)
        props["Target"] = {**request["Target"], "Input": pulumi.Output.secret(text)}
        # The body's derived clientToken is not sent (each invocation's is the execution id): left out.
        shown = {k: v for k, v in body.items() if k != "clientToken"}
        props[META] = {"jobName": name, "specFile": spec_file, "body": fingerprinted(name, shown)}
        props.setdefault("Arn", None)
        opts = with_aliases(name, previous_names, opts)
        with declared_at(spec_file):
            super().__init__(ScheduleProvider(), name, props, opts)
        self.spec_file = spec_file


def declare(name: str, doc: Document, body: dict[str, Any], stack: str,
            opts: Optional[pulumi.ResourceOptions] = None) -> Schedule:
    """The Schedule of one scheduled spec whose (resolved) StartJobRun body is ``body``, with resource options ``opts``."""
    plain = {k: v for k, v in body.items() if not isinstance(v, pulumi.Output)}
    request = create_schedule_request(doc, plain, stack)
    return Schedule(name, request, body, spec_file=doc.file, previous_names=doc.data.get("previousNames"), opts=opts)


def outputs(schedules: dict[str, Schedule]) -> pulumi.Output:
    """The ``schedules`` stack output: ``{name: {arn, state}}``."""
    names = list(schedules)
    values = [value for s in schedules.values() for value in (s.Arn, s.State)]
    return pulumi.Output.all(*values).apply(
        lambda got: {name: {"arn": got[2 * i], "state": got[2 * i + 1]} for i, name in enumerate(names)})
