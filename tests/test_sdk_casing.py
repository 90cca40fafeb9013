"""The one conversion of a StartJobRun body to the member names AWS SDK integrations take, and back.

Structure members are capitalised through botocore's emr-serverless model; map keys
(tags, configuration properties, log types) are data and stay as written; the way back
goes through the same model, so every body comes back exactly.
"""

from __future__ import annotations

import json

import botocore.session
import pytest
from hypothesis import given

import strategies
from compiler.compile import compile_document
from compiler.lint import Linter, lint_paths
from compiler.sdk_casing import CasingError, from_sdk, pascal, to_sdk
from conftest import REPO, canonical, minimal_body

BODY = {
    "applicationId": "00fkt3q8n4s5ab09",
    "clientToken": "t-1",
    "executionRoleArn": "arn:aws:iam::123456789012:role/emr-serverless-job",
    "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/m.py", "entryPointArguments": ["--day", "1"]}},
    "configurationOverrides": {
        "applicationConfiguration": [{"classification": "spark-defaults",
                                      "properties": {"spark.executor.memory": "4g"},
                                      "configurations": [{"classification": "export", "properties": {"A": "b"}}]}],
        "monitoringConfiguration": {
            "s3MonitoringConfiguration": {"logUri": "s3://logs/"},
            "cloudWatchLoggingConfiguration": {"enabled": True, "logTypes": {"SPARK_DRIVER": ["stdout"]}},
        },
        "diskEncryptionConfiguration": {"encryptionContext": {"team": "data"}},
    },
    "tags": {"cost-center": "analytics"},
    "executionTimeoutMinutes": 60,
    "retryPolicy": {"maxAttempts": 2},
}


def test_structure_members_are_capitalised_and_map_keys_kept():
    assert to_sdk(BODY) == {
        "ApplicationId": "00fkt3q8n4s5ab09",
        "ClientToken": "t-1",
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/emr-serverless-job",
        "JobDriver": {"SparkSubmit": {"EntryPoint": "s3://b/m.py", "EntryPointArguments": ["--day", "1"]}},
        "ConfigurationOverrides": {
            "ApplicationConfiguration": [{"Classification": "spark-defaults",
                                          "Properties": {"spark.executor.memory": "4g"},
                                          "Configurations": [{"Classification": "export", "Properties": {"A": "b"}}]}],
            "MonitoringConfiguration": {
                "S3MonitoringConfiguration": {"LogUri": "s3://logs/"},
                "CloudWatchLoggingConfiguration": {"Enabled": True, "LogTypes": {"SPARK_DRIVER": ["stdout"]}},
            },
            "DiskEncryptionConfiguration": {"EncryptionContext": {"team": "data"}},
        },
        "Tags": {"cost-center": "analytics"},
        "ExecutionTimeoutMinutes": 60,
        "RetryPolicy": {"MaxAttempts": 2},
    }


def test_mapping_back_through_the_model_gives_the_exact_body():
    assert canonical(from_sdk(to_sdk(BODY))) == canonical(BODY)


@given(strategies.bodies())
def test_every_body_the_model_allows_comes_back_exactly(body):
    assert canonical(from_sdk(json.loads(json.dumps(to_sdk(body))))) == canonical(body)


EXAMPLES = sorted(p for p in (REPO / "jobspecs").rglob("*.yaml") if not p.name.startswith("_"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_body_comes_back_exactly(example):
    result = lint_paths([example], stack="prod", all_stacks=False, linter=Linter())
    (doc,) = result.documents
    body = compile_document(doc)
    assert canonical(from_sdk(to_sdk(body))) == canonical(body)


def test_no_two_members_of_a_structure_differ_only_in_their_first_letter():
    model = botocore.session.get_session().get_service_model("emr-serverless")
    for name in model.shape_names:
        shape = model.shape_for(name)
        if shape.type_name == "structure":
            members = list(shape.members)
            assert len({pascal(m) for m in members}) == len(members), name


def test_a_name_the_model_does_not_know_is_refused_both_ways():
    with pytest.raises(CasingError, match="'JobDriverX' is not a member of StartJobRunRequest"):
        from_sdk({**to_sdk(minimal_body()), "JobDriverX": {}})
    with pytest.raises(CasingError, match="'jobdriver' is not a member of StartJobRunRequest"):
        to_sdk({"jobdriver": {}})
