"""A StartJobRun body in the member casing AWS SDK integrations take, and back: the one place it is converted.

EventBridge Scheduler's universal target ``arn:aws:scheduler:::aws-sdk:emrserverless:startJobRun``
sends its ``Input`` to the API as the request parameters, named as AWS SDK integrations
name them: "Parameters in Step Functions are expressed in PascalCase, even if the native
service API is in camelCase" (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
So every *structure member* of the body gets its first letter capitalised, walking
botocore's emr-serverless model: ``applicationId`` → ``ApplicationId``,
``jobDriver.sparkSubmit.entryPoint`` → ``JobDriver.SparkSubmit.EntryPoint``,
``s3MonitoringConfiguration`` → ``S3MonitoringConfiguration``. *Map keys* are data, not
member names, and stay as written: tag keys, configuration property names
(``spark.executor.memory``), log types (``SPARK_DRIVER``), encryption context keys.

``from_sdk`` maps a converted body back through the same model (what the Scheduler's
target does before it calls the API); tests hold ``from_sdk(to_sdk(body)) == body``.
"""

from __future__ import annotations

import functools
from typing import Any

from compiler import shapes
from compiler.shapes import Shape

OPERATION = "StartJobRun"


class CasingError(ValueError):
    """A key that names no member of the structure it is in."""


def pascal(name: str) -> str:
    """A member name as AWS SDK integrations spell it: the first letter capitalised."""
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=None)
def _by_sdk_name(shape: Shape) -> dict[str, str]:
    """SDK name → model name of a structure's members (no two members of a structure differ only there)."""
    return {pascal(name): name for name in shape.members}


def _walk(value: Any, shape: Shape, rename: Any) -> Any:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name, member = rename(shape, key)
            out[name] = _walk(item, member, rename)
        return out
    if kind == "list" and isinstance(value, list):
        return [_walk(item, shape.member, rename) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _walk(item, shape.value, rename) for key, item in value.items()}
    return value


def _to(shape: Shape, key: str) -> tuple[str, Shape]:
    if key not in shape.members:
        raise CasingError(f"{key!r} is not a member of {shape.name}")
    return pascal(key), shape.members[key]


def _from(shape: Shape, key: str) -> tuple[str, Shape]:
    name = _by_sdk_name(shape).get(key)
    if name is None:
        raise CasingError(f"{key!r} is not a member of {shape.name} (members: {', '.join(_by_sdk_name(shape))})")
    return name, shape.members[name]


def request_shape() -> Shape:
    return shapes.input_shape(OPERATION)


def to_sdk(body: dict[str, Any]) -> dict[str, Any]:
    """The StartJobRun body (``jobspec compile`` output) with its member names as SDK integrations take them."""
    return _walk(body, request_shape(), _to)


def from_sdk(body: dict[str, Any]) -> dict[str, Any]:
    """``to_sdk`` undone through the model: the body boto3's ``start_job_run(**body)`` takes."""
    return _walk(body, request_shape(), _from)
