"""``JobRun``'s inputs: which values travel as Pulumi secrets, and what the program's body keeps."""

import asyncio
import copy

import pulumi

from compiler import model
from providers.resource import with_secrets
from tools.local_endpoint import ROLE_ARN

BODY = {
    "name": "nightly",
    "applicationId": "00fabc",
    "executionRoleArn": ROLE_ARN,
    "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/e.py", "entryPointArguments": ["--day", "1"]}},
    "configurationOverrides": {
        "applicationConfiguration": [{"classification": "spark-defaults", "properties": {"spark.a": "1"}}],
        "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://logs/"}},
    },
    "tags": {"team": "data"},
}


def at(value, path):
    for part in path:
        value = value[part]
    return value


def wrapped(body):
    async def build():
        out = with_secrets(body)
        secret = {path: await at(out, path)._is_secret for path in model.sensitive_value_paths(body)}
        return out, secret
    return asyncio.run(build())


def test_every_sensitive_value_is_a_secret_output():
    _, secret = wrapped(BODY)
    assert secret == {
        ("jobDriver", "sparkSubmit", "entryPoint"): True,
        ("jobDriver", "sparkSubmit", "entryPointArguments", 0): True,
        ("jobDriver", "sparkSubmit", "entryPointArguments", 1): True,
        ("configurationOverrides", "applicationConfiguration", 0, "properties"): True,
    }


def test_values_the_model_does_not_mark_sensitive_stay_plain():
    out, _ = wrapped(BODY)
    assert out["configurationOverrides"]["applicationConfiguration"][0]["classification"] == "spark-defaults"
    assert out["configurationOverrides"]["monitoringConfiguration"] == BODY["configurationOverrides"]["monitoringConfiguration"]
    assert (out["name"], out["executionRoleArn"], out["tags"]) == ("nightly", ROLE_ARN, {"team": "data"})
    assert not any(isinstance(v, pulumi.Output) for v in (out["name"], out["applicationId"], out["tags"]["team"]))


def test_the_programs_body_is_left_as_it_was():
    body = copy.deepcopy(BODY)
    wrapped(body)
    assert body == BODY
