"""clientToken: verbatim when given; otherwise derived from what is sent, never from tags."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler import model
from conftest import dump, minimal_spec


def spec(**changes) -> dict:
    base = {
        "name": "nightly",
        **minimal_spec(),
        "jobDriver": {"sparkSubmit": {
            "entryPoint": "s3://bucket/main.py",
            "entryPointArguments": ["--date", "2024-01-01"],
            "sparkSubmitParameters": {"conf": {"spark.executor.memory": "4g", "spark.executor.cores": "2"}},
        }},
        "executionTimeoutMinutes": 60,
        "tags": {"team": "data"},
    }
    base.update(changes)
    return base


def token(project, data: dict, stack: str | None = None, name: str = "job.yaml") -> str:
    project.write(name, dump(data))
    return project.compile(name, stack=stack)["clientToken"]


def test_given_token_is_kept_verbatim(project):
    assert token(project, spec(clientToken="my-own.Token_1")) == "my-own.Token_1"


def test_derived_token_is_pinned(project):
    # The derivation is versioned (js1-): changing it would start every job once more.
    # sha256 of the canonical JSON of {name, stack, rerun, body without tags/clientToken}.
    assert token(project, spec()) == "js1-" + _recipe()


def _recipe() -> str:
    body = {
        "applicationId": "00fkt3q8n4s5ab09",
        "executionRoleArn": "arn:aws:iam::123456789012:role/emr-serverless-job",
        "jobDriver": {"sparkSubmit": {
            "entryPoint": "s3://bucket/main.py",
            "entryPointArguments": ["--date", "2024-01-01"],
            "sparkSubmitParameters": "--conf spark.executor.memory=4g --conf spark.executor.cores=2",
        }},
        "executionTimeoutMinutes": 60,
        "name": "nightly",
    }
    seed = {"name": "nightly", "stack": "", "rerun": None, "body": body}
    text = json.dumps(seed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def test_same_spec_gives_the_same_token_in_another_process(project):
    project.write("job.yaml", dump(spec()))
    jobspec = Path(sys.executable).parent / "jobspec"
    runs = [subprocess.run([str(jobspec), "compile", "job.yaml"], capture_output=True, text=True, check=True,
                           cwd=project.root, env={**os.environ, "PYTHONHASHSEED": seed})
            for seed in ("1", "2")]
    tokens = [yaml.safe_load(r.stdout)["clientToken"] for r in runs]
    assert tokens[0] == tokens[1] == token(project, spec())


def test_key_order_does_not_change_the_token(project):
    data = spec()
    reordered = dict(reversed(list(data.items())))
    assert token(project, data) == token(project, reordered)


@pytest.mark.parametrize("change", [
    {"executionTimeoutMinutes": 61},
    {"name": "nightly-2"},
    {"applicationId": "00fkt3q8n4s5ab10"},
    {"executionRoleArn": "arn:aws:iam::123456789012:role/other"},
    {"mode": "BATCH"},
    {"jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/main.py"}}},
    {"jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/main.py", "entryPointArguments": ["--date", "2024-01-02"],
                                   "sparkSubmitParameters": {"conf": {"spark.executor.cores": "2", "spark.executor.memory": "4g"}}}}},
    {"configurationOverrides": {"applicationConfiguration": [{"classification": "spark-defaults"}]}},
    {"retryPolicy": {"maxAttempts": 2}},
    {"executionIamPolicy": {"policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}},
], ids=lambda c: ",".join(c))
def test_any_change_to_the_body_gives_a_new_token(project, change):
    assert token(project, spec(**change)) != token(project, spec())


def test_reordering_spark_flags_gives_a_new_token_because_the_wire_string_changes(project):
    # (the ids above include this case for conf; here for top-level flags)
    a = spec(jobDriver={"sparkSubmit": {"entryPoint": "s3://b/m.py", "sparkSubmitParameters": {"class": "A", "name": "n"}}})
    b = spec(jobDriver={"sparkSubmit": {"entryPoint": "s3://b/m.py", "sparkSubmitParameters": {"name": "n", "class": "A"}}})
    assert token(project, a) != token(project, b)


@pytest.mark.parametrize("before, after", [(None, 1), (1, 2), (1, "1"), ("2024-06-01", "2024-06-02")],
                         ids=["added", "bumped", "int-to-string", "date-string"])
def test_a_rerun_change_gives_a_new_token(project, before, after):
    old = spec() if before is None else spec(rerun=before)
    assert token(project, spec(rerun=after)) != token(project, old)


@pytest.mark.parametrize("tags", [{"team": "platform"}, {}, {"team": "data", "cost-center": "42"}],
                         ids=["changed", "removed", "added"])
def test_a_tag_only_change_keeps_the_token(project, tags):
    changed = spec(tags=tags) if tags else {k: v for k, v in spec().items() if k != "tags"}
    assert token(project, changed) == token(project, spec())


def test_a_tag_change_in_defaults_keeps_the_token(project):
    project.write("jobs/_defaults.yaml", "defaults:\n  tags: {env: a}\n")
    first = token(project, spec(), name="jobs/job.yaml")
    project.write("jobs/_defaults.yaml", "defaults:\n  tags: {env: b}\n")
    assert token(project, spec(), name="jobs/job.yaml") == first


def test_a_different_stack_gives_a_different_token(project):
    data = spec(stacks={"dev": {}, "prod": {}})
    tokens = {token(project, data, stack=s) for s in (None, "dev", "prod")}
    assert len(tokens) == 3


def test_a_given_token_is_the_same_for_every_stack(project):
    data = spec(clientToken="fixed", stacks={"dev": {}, "prod": {}})
    assert {token(project, data, stack=s) for s in (None, "dev", "prod")} == {"fixed"}


@pytest.mark.parametrize("name", ["x", "a" * 256, "名前 with spaces/and:colons"])
def test_derived_token_fits_the_model(project, name):
    value = token(project, spec(name=name))
    meta = model.input_shape().members["clientToken"].metadata
    assert re.fullmatch(r"[A-Za-z0-9._-]+", value) and len(value) <= 64
    assert re.fullmatch(meta["pattern"], value) and meta["min"] <= len(value) <= meta["max"]


def test_a_date_rerun_compiles_and_a_new_date_gives_a_new_token(project):
    # `rerun: 2024-06-01` is a YAML date, not a string
    first = token(project, spec(rerun=datetime.date(2024, 6, 1)))
    assert first == token(project, spec(rerun=datetime.date(2024, 6, 1)))
    assert first != token(project, spec(rerun=datetime.date(2024, 6, 2)))

