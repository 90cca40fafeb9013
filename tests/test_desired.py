"""What ``jobspec recover`` takes a stack's specs to want: the body each job compiles to, as the program compiles it.

``providers.desired`` lints and compiles outside the engine; ``jobspec recover`` adopts
an interrupted run only when its body is the one wanted here. The secrets of an
exported state are unwrapped by ``providers.pulumi_cli.reveal``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.compile import reference
from providers.desired import Desired, SpecsError, desired, state_resolver
from providers.pulumi_cli import SECRET_SIG, SIG_KEY, reveal

ETL = """\
    name: etl
    applicationId: 00fkt3q8n4s5ab09
    executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
    jobDriver:
      sparkSubmit:
        entryPoint: s3://bucket/etl.py
    """
APP_ID, ROLE = "00fprd7x2m1k4c88", "arn:aws:iam::123456789012:role/other"


def no_state(kind: str, name: str) -> str:
    return state_resolver([])(kind, name)


def test_bodies_are_what_jobspec_compile_prints(project):
    project.write("jobspecs/etl.yaml", ETL)
    wants = desired(Path("."), "dev", {}, no_state)
    assert wants.bodies == {"etl": project.compile("jobspecs/etl.yaml", stack="dev")}


def test_the_stacks_deploy_time_overrides_apply(project):
    project.write("jobspecs/etl.yaml", ETL)
    config = {"jobspec:applicationId": APP_ID, "jobspec:executionRoleArn": ROLE}
    body = desired(Path("."), "dev", config, no_state).bodies["etl"]
    assert (body["applicationId"], body["executionRoleArn"]) == (APP_ID, ROLE)


def test_the_specs_folder_comes_from_the_stack_config_relative_to_the_project(project):
    project.write("deploy/etl.yaml", ETL)
    assert list(desired(Path("."), "dev", {"jobspec:specs": "deploy"}, no_state).bodies) == ["etl"]


def test_declared_applications_and_roles_resolve_from_state_else_stay_placeholders(project):
    project.write("jobspecs/etl.yaml", ETL.replace("applicationId: 00fkt3q8n4s5ab09", "application: etl"))
    resources = [{"urn": "urn:pulumi:dev::p::aws:emrserverless/application:Application::etl", "id": APP_ID,
                  "type": "aws:emrserverless/application:Application", "outputs": {"id": APP_ID}}]
    assert desired(Path("."), "dev", {}, state_resolver(resources)).bodies["etl"]["applicationId"] == APP_ID
    assert desired(Path("."), "dev", {}, no_state).bodies["etl"]["applicationId"] == reference("application", "etl")


def test_a_previous_name_leads_to_the_job_it_became():
    wants = Desired("jobspecs", {"etl": {}}, {"etl-old": "etl"})
    assert [wants.job("etl"), wants.job("etl-old"), wants.job("gone")] == ["etl", "etl", None]


def test_previous_names_are_read_from_the_specs(project):
    project.write("jobspecs/etl.yaml", ETL + "previousNames: [orders]\n")
    assert desired(Path("."), "dev", {}, no_state).job("orders") == "etl"


def test_lint_errors_stop_with_the_findings(project):
    project.write("jobspecs/etl.yaml", ETL + "mode: batch\n")
    with pytest.raises(SpecsError) as error:
        desired(Path("."), "dev", {}, no_state)
    assert str(error.value) == (
        "the specs in jobspecs have errors for stack dev, so which runs they want is unknown (`pulumi up` would fail "
        "on them too): jobspecs/etl.yaml:7:7: error E1014 mode: mode is 'batch', not one of BATCH, STREAMING; "
        "did you mean BATCH?")


def test_a_missing_folder_stops(project):
    with pytest.raises(SpecsError) as error:
        desired(Path("."), "dev", {}, no_state)
    assert str(error.value) == "the specs folder jobspecs (stack config jobspec:specs) does not exist in ."


def test_an_empty_folder_stops_unless_the_stack_allows_it(project):
    (project.root / "jobspecs").mkdir()
    with pytest.raises(SpecsError) as error:
        desired(Path("."), "dev", {}, no_state)
    assert str(error.value) == ("no job specs in jobspecs for stack dev. With no specs, `pulumi up` would cancel every "
                                "run this stack tracks: check the folder (and the stack's `jobspec:specs`), or, to "
                                "stop them all on purpose, `pulumi config set jobspec:allowEmpty true`.")
    assert desired(Path("."), "dev", {"jobspec:allowEmpty": "true"}, no_state).bodies == {}


def test_reveal_unwraps_every_secret_of_a_show_secrets_export():
    def secret(value):
        return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(value)}

    exported = {"jobDriver": {"sparkSubmit": {"entryPoint": secret("s3://b/x.py"),
                                              "entryPointArguments": [secret("--a"), "b"]}},
                "configurationOverrides": secret({"applicationConfiguration": [{"properties": {"k": "v"}}]})}
    assert reveal(exported) == {"jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/x.py",
                                                              "entryPointArguments": ["--a", "b"]}},
                                "configurationOverrides": {"applicationConfiguration": [{"properties": {"k": "v"}}]}}
