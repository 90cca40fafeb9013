"""The options of ``aws emr-serverless start-job-run``, derived from botocore's model as the AWS CLI derives them.

Each member of the StartJobRun request is an option named ``--`` + the member in
kebab-case (``botocore.xform_name``: ``executionTimeoutMinutes`` →
``--execution-timeout-minutes``); it is required when the model requires the member
and it is not an idempotency token (``clientToken``: the CLI makes one up). A
botocore upgrade that adds a member adds its option.

The global options are the CLI's own (``awscli/data/cli.json`` of AWS CLI v1, and
``--version``); tests/test_awscmd.py holds this list to that file. AWS CLI v2's
additions are taken only when written out in full, as v1 would not know them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from botocore import xform_name

from compiler import shapes
from compiler.model import OPERATION
from compiler.shapes import Shape

#: v1 global options that take no value / one value.
GLOBAL_FLAGS = ("--debug", "--no-verify-ssl", "--no-paginate", "--no-sign-request", "--v2-debug")
GLOBAL_VALUES = ("--endpoint-url", "--output", "--query", "--profile", "--region", "--color", "--ca-bundle",
                 "--cli-read-timeout", "--cli-connect-timeout")
#: AWS CLI v2's global options (v1 refuses them; a command written for v2 is read all the same).
V2_FLAGS = ("--no-cli-pager", "--cli-auto-prompt", "--no-cli-auto-prompt")
V2_VALUES = ("--cli-binary-format",)


@dataclass(frozen=True)
class Option:
    cli: str
    member: str
    shape: Shape
    required: bool


@functools.lru_cache(maxsize=1)
def options() -> dict[str, Option]:
    """``--option`` → Option, in the model's member order."""
    model = shapes.raw_model()
    request = model["shapes"][model["operations"][OPERATION]["input"]["shape"]]
    shape = shapes.input_shape(OPERATION)
    required = set(request.get("required", ()))
    table = {}
    for name, member in shape.members.items():
        token = request["members"][name].get("idempotencyToken", False)
        cli = "--" + xform_name(name, "-")
        table[cli] = Option(cli, name, member, name in required and not token)
    return table
