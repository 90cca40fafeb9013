"""``JobRun``: one EMR Serverless job run as a Pulumi resource."""

from __future__ import annotations

import copy
from typing import Any, Optional

import pulumi
from pulumi.dynamic import Resource

from compiler import model
from compiler.compile import fingerprints
from providers.jobrun import META, JobRunProvider

#: Outputs the program reads. Each top-level property costs the SDK an Output per
#: resource, so the other outputs (stateDetails, timestamps) stay in state only.
ATTRIBUTES = ("arn", "jobRunId", "state")


def with_secrets(body: dict[str, Any]) -> dict[str, Any]:
    """The body with every member the AWS model marks sensitive wrapped as a Pulumi secret.

    Entry points, arguments, spark-submit and Hive parameters and configuration
    properties then sit encrypted in state (inputs and, by the engine's secret
    propagation, outputs alike).
    """
    paths = model.sensitive_value_paths(body)
    out = dict(body)
    for top in {path[0] for path in paths}:  # copy only what gets wrapped; other members may be Outputs
        out[top] = copy.deepcopy(body[top])
    for path in paths:
        parent = out
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = pulumi.Output.secret(parent[path[-1]])
    return out


class JobRun(Resource, module="emrserverless", name="JobRun"):
    """A started job run; replaced (restarted) whenever its request body changes."""

    arn: pulumi.Output[str]
    jobRunId: pulumi.Output[str]
    applicationId: pulumi.Output[str]
    clientToken: pulumi.Output[str]
    state: pulumi.Output[str]

    def __init__(self, name: str, body: dict[str, Any], *, spec_file: str, deploy: Optional[dict[str, Any]] = None,
                 rerun: Any = None, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        props: dict[str, Any] = with_secrets(body)
        props[META] = {"jobName": name, "specFile": spec_file, "deploy": deploy or {}, "rerun": rerun,
                       "fingerprints": fingerprints(name, body)}
        for key in ATTRIBUTES:
            props.setdefault(key, None)
        super().__init__(JobRunProvider(), name, props, opts)
        self.spec_file = spec_file
