"""Applications and execution roles a stack declares with pulumi-aws, referred to by name.

Stack config (``Pulumi.<stack>.yaml``)::

    config:
      jobspec:applications:
        etl: {releaseLabel: emr-7.5.0, type: SPARK}      # any ApplicationArgs, camelCase
      jobspec:roles:
        etl-job:
          policyArns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]

A spec then says ``application: etl`` / ``executionRole: etl-job`` instead of an id or
ARN. pulumi-aws is imported only when a stack declares one of these, so stacks that
give ids directly need neither the module's import time nor the AWS provider plugin.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

import pulumi

#: The trust policy that lets EMR Serverless assume a job execution role.
TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "emr-serverless.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }],
})


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _snake_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake(k): _snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake_keys(v) for v in value]
    return value


class Infra:
    """The declared applications and roles, and a ``resolve(kind, name)`` for the compiler."""

    def __init__(self, applications: dict[str, dict[str, Any]] | None, roles: dict[str, dict[str, Any]] | None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        """Declares the applications and roles with ``opts`` (the program's ``Gate``: providers/gate.py)."""
        self.applications: dict[str, Any] = {}
        self.roles: dict[str, Any] = {}
        self.attachments: list[Any] = []
        if not applications and not roles:
            return
        try:
            import pulumi_aws as aws  # only stacks that declare infrastructure pay for (and need) pulumi-aws
        except ModuleNotFoundError as error:
            if error.name != "pulumi_aws":
                raise
            raise pulumi.RunError("jobspec: this stack declares jobspec:applications or jobspec:roles, which need "
                                  "pulumi-aws: pip install 'jobspec[aws]'") from None

        for name, args in (applications or {}).items():
            self.applications[name] = aws.emrserverless.Application(name, **_snake_keys({"name": name, **args}),
                                                                    opts=opts)
        for name, args in (roles or {}).items():
            args = dict(args)
            policy_arns = args.pop("policyArns", [])
            role = aws.iam.Role(name, assume_role_policy=args.pop("assumeRolePolicy", TRUST_POLICY),
                                **_snake_keys(args), opts=opts)
            for i, arn in enumerate(policy_arns):
                child = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=role))
                self.attachments.append(aws.iam.RolePolicyAttachment(f"{name}-policy-{i}", role=role.name,
                                                                     policy_arn=arn, opts=child))
            self.roles[name] = role

    def resolver(self) -> Callable[[str, str], Any]:
        def resolve(kind: str, name: str) -> Any:
            if kind == "application":
                return self.applications[name].id
            return self.roles[name].arn
        return resolve

    def missing(self, kind: str, name: str) -> str | None:
        """Why ``name`` cannot be resolved, or None when it can."""
        declared = self.applications if kind == "application" else self.roles
        if name in declared:
            return None
        key = "applications" if kind == "application" else "roles"
        known = ", ".join(sorted(declared)) or "none"
        return f"{kind} '{name}' is not declared in stack config jobspec:{key} (declared: {known})"
