"""Specs that name an application or role the stack declares with pulumi-aws.

The AWS provider plugin cannot be installed offline, so this path runs under
Pulumi's runtime mocks; everything that needs no plugin runs under the real engine
in the end-to-end tests.
"""

from __future__ import annotations

import gc
import textwrap

import pulumi
import pytest

ROLE_ARN = "arn:aws:iam::123456789012:role/etl-job"


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.created: list[tuple[str, str, dict]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.created.append((args.typ, args.name, dict(args.inputs)))
        if args.typ == "aws:emrserverless/application:Application":
            return "00app" + args.name.replace("-", ""), {**args.inputs, "arn": f"arn:aws:emr-serverless:::{args.name}"}
        if args.typ == "aws:iam/role:Role":
            return args.name, {**args.inputs, "arn": f"arn:aws:iam::123456789012:role/{args.name}", "name": args.name}
        return args.name + "-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


MOCKS = Mocks()
pulumi.runtime.set_mocks(MOCKS, preview=False)

from providers.infra import TRUST_POLICY, Infra  # noqa: E402  (mocks first, as Pulumi requires)
from providers.declare import declare_jobs  # noqa: E402


def write_spec(tmp_path, text: str):
    folder = tmp_path / "jobspecs"
    folder.mkdir(exist_ok=True)
    (folder / "etl.yaml").write_text(textwrap.dedent(text))
    return folder


SPEC = """\
    name: etl
    application: etl
    executionRole: etl-job
    jobDriver:
      sparkSubmit:
        entryPoint: s3://bucket/etl.py
"""


@pulumi.runtime.test
def test_named_application_and_role_resolve_to_the_declared_resources(tmp_path):
    infra = Infra({"etl": {"releaseLabel": "emr-7.5.0", "type": "SPARK"}},
                  {"etl-job": {"policyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}})
    jobs = declare_jobs(write_spec(tmp_path, SPEC), "dev", infra=infra)

    def check(values):
        app_id, role_arn = values
        assert app_id == "00appetl"
        assert role_arn == ROLE_ARN

    return pulumi.Output.all(jobs["etl"].applicationId, jobs["etl"].executionRoleArn).apply(check)


@pulumi.runtime.test
def test_declared_application_gets_its_args_in_snake_case_and_the_role_the_emr_trust_policy(tmp_path):
    infra = Infra({"etl2": {"releaseLabel": "emr-7.5.0", "type": "SPARK", "maximumCapacity": {"cpu": "4 vCPU"}}},
                  {"etl2-job": {"policyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}})

    def check(_):
        apps = [inputs for typ, name, inputs in MOCKS.created if name == "etl2"]
        roles = [inputs for typ, name, inputs in MOCKS.created if name == "etl2-job"]
        attachments = [inputs for typ, name, inputs in MOCKS.created if name == "etl2-job-policy-0"]
        assert apps[0]["releaseLabel"] == "emr-7.5.0" and apps[0]["maximumCapacity"] == {"cpu": "4 vCPU"}
        assert roles[0]["assumeRolePolicy"] == TRUST_POLICY
        assert attachments[0]["policyArn"] == "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

    registered = [infra.applications["etl2"].id, infra.roles["etl2-job"].arn, *(a.id for a in infra.attachments)]
    return pulumi.Output.all(*registered).apply(check)


def test_an_undeclared_name_fails_with_the_spec_position_and_what_is_declared(tmp_path):
    with pytest.raises(pulumi.RunError) as err:
        declare_jobs(write_spec(tmp_path, SPEC), "dev", infra=Infra({"other": {"releaseLabel": "emr-7.5.0", "type": "SPARK"}}, None))
    message = str(err.value)
    assert "etl.yaml:2:14: error E2007 application: application 'etl' is not declared in stack config " \
           "jobspec:applications (declared: other)" in message
    assert "etl.yaml:3:16: error E2007 executionRole: executionRole 'etl-job' is not declared" in message


# A stack's own infrastructure is declared before its specs are linted. The SDK sends every registration a
# failed program queued, so without the program's gate (providers/gate.py) a bad spec would leave the
# application and role created: a half-applied stack.

BAD_SPEC = """\
    name: etl
    application: etl
    executionRole: etl-job
    executionTimeoutMinutes: soon
    jobDriver:
      sparkSubmit:
        entryPoint: s3://bucket/etl.py
"""


def run_program(tmp_path, monkeypatch, spec: str, app: str) -> list[str]:
    """jobspec's program (providers/program.py) under the mocks, as the engine runs it; the names it registered."""
    from providers import program

    write_spec(tmp_path, spec)
    (tmp_path / "Pulumi.yaml").write_text("name: gate\nruntime: python\n")
    monkeypatch.chdir(tmp_path)
    pulumi.runtime.set_all_config({
        "jobspec:applications": '{"%s": {"releaseLabel": "emr-7.5.0", "type": "SPARK"}}' % app,
        "jobspec:roles": '{"%s-job": {}}' % app,
        "aws:region": "us-east-1",
    })
    before = len(MOCKS.created)
    try:
        pulumi.runtime.test(program.main)()
    finally:
        pulumi.runtime.set_all_config({})
        # The held registrations' own futures failed with the error and nothing awaits them: asyncio logs that
        # when they are collected, here, inside the test, rather than at the end of the whole run.
        gc.collect()
    return [name for _, name, _ in MOCKS.created[before:]]


def test_a_spec_with_an_error_leaves_the_declared_application_and_role_uncreated(tmp_path, monkeypatch):
    with pytest.raises(pulumi.RunError) as err:
        run_program(tmp_path, monkeypatch, BAD_SPEC.replace("etl", "gated"), "gated")
    assert str(err.value) == (
        "job specs have errors; nothing was applied:\n"
        "jobspecs/etl.yaml:4:26: error E1003 executionTimeoutMinutes: executionTimeoutMinutes must be an integer, "
        "not a string\n1 error(s), 0 warning(s)")
    assert [name for _, name, _ in MOCKS.created if name.startswith("gated")] == []


def test_a_good_spec_creates_the_application_the_role_and_the_job(tmp_path, monkeypatch):
    created = run_program(tmp_path, monkeypatch, SPEC.replace("etl", "open"), "open")
    assert sorted(n for n in created if n.startswith("open")) == ["open", "open", "open-job"]
