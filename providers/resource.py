"""``JobRun``: one EMR Serverless job run as a Pulumi resource."""

# No ``from __future__ import annotations`` here: the SDK reads JobRun's annotations with
# get_type_hints for every resource, and string annotations are compiled again each time.
import copy
from typing import Any, Optional

import pulumi
from pulumi.dynamic import Resource

from compiler import model
from compiler.compile import fingerprints
from providers import own_keys
from providers.jobrun import META, JobRunProvider
from providers.source_position import declared_at

#: Outputs the program reads. Each top-level property costs the SDK an Output per
#: resource, so the other outputs (stateDetails, timestamps) stay in state only.
ATTRIBUTES = ("arn", "jobRunId", "state")


def with_secrets(body: dict[str, Any]) -> dict[str, Any]:
    """The body with every member the AWS model marks sensitive wrapped as a Pulumi secret.

    Entry points, arguments, spark-submit and Hive parameters and configuration
    properties then sit encrypted in state (inputs and, by the engine's secret
    propagation, outputs alike). One secret per sensitive value: a secret mapping or
    list costs the SDK an Output per item anyway (``Output.from_input`` recurses).
    Only the containers on the way to a secret are copied; ``body`` is left as it was.
    """
    out = dict(body)
    copied: set[tuple] = {()}
    for path in model.sensitive_value_paths(body):
        parent = out
        for depth, part in enumerate(path[:-1], start=1):
            if path[:depth] not in copied:
                parent[part] = copy.copy(parent[part])
                copied.add(path[:depth])
            parent = parent[part]
        parent[path[-1]] = pulumi.Output.secret(parent[path[-1]])
    return out


def with_aliases(name: str, previous_names: Optional[list[str]],
                 opts: Optional[pulumi.ResourceOptions]) -> Optional[pulumi.ResourceOptions]:
    """``opts`` (the caller's, kept as given) plus the aliases that keep a job's resource the same resource.

    Earlier names of the job (``previousNames``) are the same resource: a rename is not
    a delete plus a create. A job declared under a parent (the ``JobSpecs`` component,
    providers/component.py) is also the resource jobspec's own program declared at the
    top of the stack, under this name or an earlier one, so moving a stack's jobs into a
    component replaces nothing. Nothing is added for a job at the top level without
    earlier names: each alias costs the SDK work per resource.
    """
    earlier = list(previous_names or [])
    aliases = [pulumi.Alias(name=old) for old in earlier]
    if opts is not None and opts.parent is not None:
        aliases += [pulumi.Alias(name=n, parent=pulumi.ROOT_STACK_RESOURCE) for n in (name, *earlier)]
    if not aliases:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=aliases))


class JobRun(Resource, module="emrserverless", name="JobRun"):
    """A started job run; replaced (restarted) whenever its request body changes."""

    arn: pulumi.Output[str]
    jobRunId: pulumi.Output[str]
    applicationId: pulumi.Output[str]
    clientToken: pulumi.Output[str]
    state: pulumi.Output[str]

    def __init__(self, name: str, body: dict[str, Any], *, spec_file: str, deploy: Optional[dict[str, Any]] = None,
                 rerun: Any = None, token_given: bool = False, previous_names: Optional[list[str]] = None,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        props: dict[str, Any] = with_secrets(body)
        # clientTokenGiven only when true: state written before it existed then reads the same.
        props[META] = own_keys.encode({"jobName": name, "specFile": spec_file, "deploy": deploy, "rerun": rerun,
                                       "fingerprints": fingerprints(name, body),
                                       "clientTokenGiven": True if token_given else None})
        opts = with_aliases(name, previous_names, opts)
        for key in ATTRIBUTES:
            props.setdefault(key, None)
        with declared_at(spec_file):  # the spec, not jobspec's frames: less state per job
            super().__init__(JobRunProvider(), name, props, opts)
        self.spec_file = spec_file
        self.token_given = token_given
