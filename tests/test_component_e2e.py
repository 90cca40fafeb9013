"""``JobSpecs`` (providers/component.py) inside a team's own Pulumi program, through the real engine.

Programs of a team's own, each its own stack against one local endpoint: the README's
example as written there; a program with a resource of its own that the jobs depend
on, under a parent, protected; a stack that ran jobspec's own ``__main__.py`` and moves
to the README's program; and ``declare_jobs`` with resource options, the level below.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, engine_stack
from tools.engine import EngineError
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

ETL = """\
    name: etl
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/etl.py
    """
NIGHTLY = """\
    name: nightly
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/nightly.py
    schedule:
      expression: cron(0 2 * * ? *)
      roleArn: arn:aws:iam::123456789012:role/scheduler-starts-emr
    """
SPECS = {"etl.yaml": ETL, "nightly.yaml": NIGHTLY}
JOBRUN = "pulumi-python:dynamic/emrserverless:JobRun"
SCHEDULE = "pulumi-python:dynamic/scheduler:Schedule"
COMPONENT = "jobspec:index:JobSpecs"

#: A program of a team's own: a resource the jobs depend on (a dynamic one, as pulumi-aws needs a plugin
#: that cannot be installed offline), a component of its own as their parent, and `protect`.
OWN_PROGRAM = '''\
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

from providers.component import JobSpecs


class Made(ResourceProvider):
    def create(self, props):
        return CreateResult("logs-bucket", props)


class Bucket(Resource):
    def __init__(self, name):
        super().__init__(Made(), name, {}, None)


bucket = Bucket("job-logs")
team = pulumi.ComponentResource("acme:index:Team", "data")
jobs = JobSpecs("emr-jobs", opts=pulumi.ResourceOptions(parent=team, depends_on=[bucket], protect=True))
pulumi.export("jobs", jobs.jobs)
'''


def readme_example() -> str:
    """The python block of the README's section on using jobspec inside a program, as written there."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Using jobspec inside your own Pulumi program\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    return block


def urn(stack: str, project: str, *types: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{'$'.join(types)}::{name}"


def tree(ws) -> list[tuple[str, str | None]]:
    """(urn, parent) of every resource in state but the stack and providers, sorted (siblings are made in parallel)."""
    resources = ws.export()["deployment"]["resources"]
    return sorted((r["urn"], r.get("parent")) for r in resources
                  if not r["type"].startswith("pulumi:providers:") and r["type"] != "pulumi:pulumi:Stack")


def steps(ws) -> list[tuple[str, str]]:
    """(op, urn) of every step ``pulumi preview`` plans, unchanged ones included."""
    preview = json.loads(ws.run("preview", "--json", "--show-sames").stdout)
    return sorted((s["op"], s["urn"]) for s in preview["steps"] if s["urn"].split("::")[-2] != "pulumi:pulumi:Stack")


@pytest.fixture(scope="module")
def endpoint():
    with LocalEndpoint() as ep:
        yield ep


def make(tmp_path: Path, endpoint: LocalEndpoint, project: str, program: str | None, specs: dict = SPECS):
    """A stack of ``project`` running ``program`` (None: jobspec's own ``__main__.py``), with its own application."""
    app = endpoint.create_application(project)
    folder, ws = engine_stack(tmp_path, endpoint, app, project, "dev", specs)
    if program is not None:
        (ws.project_dir / "__main__.py").write_text(program)
    return app, folder, ws


def test_the_readme_example_declares_every_job_under_the_component_under_its_parent(tmp_path, endpoint):
    app, _, ws = make(tmp_path, endpoint, "readme", readme_example())
    ws.run("up", "--yes", "--skip-preview")
    platform, jobspecs = "acme:index:DataPlatform", COMPONENT
    assert tree(ws) == sorted([
        (urn("dev", "readme", platform, name="data-platform"), urn("dev", "readme", "pulumi:pulumi:Stack",
                                                                      name="readme-dev")),
        (urn("dev", "readme", platform, jobspecs, name="emr-jobs"), urn("dev", "readme", platform,
                                                                         name="data-platform")),
        (urn("dev", "readme", platform, jobspecs, SCHEDULE, name="nightly"),
         urn("dev", "readme", platform, jobspecs, name="emr-jobs")),
        (urn("dev", "readme", platform, jobspecs, JOBRUN, name="etl"),
         urn("dev", "readme", platform, jobspecs, name="emr-jobs")),
    ])
    (run,) = endpoint.job_runs(app)
    jobs = ws.outputs()["jobs"]
    assert jobs == {"etl": {"arn": jobs["etl"]["arn"], "jobRunId": run["jobRunId"], "state": "SUCCESS"}}
    assert list(ws.outputs()["schedules"]) == ["nightly"]


def test_every_job_depends_on_the_programs_own_resource_and_is_protected(tmp_path, endpoint):
    app, _, ws = make(tmp_path, endpoint, "own", OWN_PROGRAM)
    ws.run("up", "--yes", "--skip-preview")
    bucket = urn("dev", "own", "pulumi-python:dynamic:Resource", name="job-logs")
    component = urn("dev", "own", "acme:index:Team", COMPONENT, name="emr-jobs")
    resources = {r["urn"]: r for r in ws.export()["deployment"]["resources"]}
    order = list(resources)
    for job, kind in (("etl", JOBRUN), ("nightly", SCHEDULE)):
        state = resources[urn("dev", "own", "acme:index:Team", COMPONENT, kind, name=job)]
        assert (state["parent"], state["dependencies"], state.get("protect")) == (component, [bucket], True)
        assert order.index(bucket) < order.index(state["urn"])  # the engine created the bucket first
    assert [r["state"] for r in endpoint.job_runs(app)] == ["SUCCESS"]


FINDINGS = (
    "error: job specs have errors; nothing was applied:\n"
    "jobspecs/broken.yaml:3:3: error E1002 jobDriver.sparkSubmit.entryPoint: required member "
    "'jobDriver.sparkSubmit.entryPoint' is missing\n"
    "jobspecs/broken.yaml:4:5: error E1001 jobDriver.sparkSubmit.entryPont: unknown key 'entryPont' in "
    "jobDriver.sparkSubmit; did you mean 'entryPoint'?\n"
    "2 error(s), 0 warning(s)\n"
)


def test_a_lint_error_fails_the_preview_with_every_finding_before_the_component_is_declared(tmp_path, endpoint):
    app, folder, ws = make(tmp_path, endpoint, "bad", OWN_PROGRAM, {"etl.yaml": ETL})
    (folder / "broken.yaml").write_text("name: broken\njobDriver:\n  sparkSubmit:\n    entryPont: s3://x/y.py\n")
    proc = ws.run("preview", "--json", check=False)
    preview = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert [d["message"] for d in preview["diagnostics"] if d["severity"] == "error"][0] == FINDINGS
    assert sorted(s["urn"].rsplit("::", 2)[1] for s in preview["steps"]) == [
        "acme:index:Team", "pulumi-python:dynamic:Resource", "pulumi:pulumi:Stack"]  # the program's own only


def test_an_update_with_a_lint_error_applies_nothing(tmp_path, endpoint):
    app, folder, ws = make(tmp_path, endpoint, "badup", OWN_PROGRAM, {"etl.yaml": ETL})
    (folder / "broken.yaml").write_text("name: broken\njobDriver:\n  sparkSubmit:\n    entryPont: s3://x/y.py\n")
    with pytest.raises(EngineError) as failed:
        ws.run("up", "--yes")
    assert "    " + FINDINGS.replace("\n", "\n    ") in failed.value.proc.stdout
    assert endpoint.job_runs(app) == []
    assert ws.export()["deployment"].get("resources") is None


def test_an_update_whose_application_does_not_exist_applies_nothing_not_even_the_component(tmp_path, endpoint):
    _, ws = engine_stack(tmp_path, endpoint, "00nosuchapp00002", "noapp", "dev", {"etl.yaml": ETL})
    (ws.project_dir / "__main__.py").write_text(OWN_PROGRAM)
    proc = ws.run("up", "--yes", "--skip-preview", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in out, out
    assert [line.strip() for line in out.splitlines() if " E2012 " in line] == [
        "jobspecs/_defaults.yaml:2:18: error E2012 applicationId: application 00nosuchapp00002 does not exist in "
        "us-east-1 (GetApplication: ResourceNotFoundException); check applicationId and the region"]
    # The program's own resources are its own; of the component's, nothing reached the state.
    assert sorted(urn.split("::")[2] for urn, _ in tree(ws)) == ["acme:index:Team", "pulumi-python:dynamic:Resource"]


def test_a_stack_moved_from_jobspecs_program_into_the_component_keeps_every_job(tmp_path, endpoint):
    app, folder, ws = make(tmp_path, endpoint, "moved", None)
    ws.run("up", "--yes", "--skip-preview")
    before = {r["urn"].rsplit("::", 1)[1]: r["id"] for r in ws.export()["deployment"]["resources"] if r.get("id")}
    (ws.project_dir / "__main__.py").write_text(readme_example())
    platform = "acme:index:DataPlatform"
    assert steps(ws) == sorted([
        ("create", urn("dev", "moved", platform, name="data-platform")),
        ("create", urn("dev", "moved", platform, COMPONENT, name="emr-jobs")),
        ("same", urn("dev", "moved", platform, COMPONENT, JOBRUN, name="etl")),
        ("same", urn("dev", "moved", platform, COMPONENT, SCHEDULE, name="nightly")),
    ])
    starts = len(endpoint.start_job_run_bodies())
    ws.run("up", "--yes", "--skip-preview")
    after = {r["urn"].rsplit("::", 1)[1]: r["id"] for r in ws.export()["deployment"]["resources"] if r.get("id")}
    assert {k: after[k] for k in before} == before
    assert len(endpoint.start_job_run_bodies()) == starts and len(endpoint.job_runs(app)) == 1
    assert [op for op, _ in steps(ws)] == ["same"] * 4


def test_a_job_renamed_while_its_stack_moves_into_the_component_keeps_its_run(tmp_path, endpoint):
    unnamed = ETL.replace("    name: etl\n", "")  # the file names the job: a rename changes nothing sent but the token
    app, folder, ws = make(tmp_path, endpoint, "renamed", None, {"etl.yaml": unnamed})
    ws.run("up", "--yes", "--skip-preview")
    (run,) = endpoint.job_runs(app)
    (folder / "etl.yaml").unlink()
    (folder / "etl-v2.yaml").write_text(textwrap.dedent(unnamed) + "previousNames: [etl]\n")
    (ws.project_dir / "__main__.py").write_text(readme_example())
    (job,) = [s for s in steps(ws) if s[1].endswith(f"{JOBRUN}::etl-v2")]
    assert job == ("update", urn("dev", "renamed", "acme:index:DataPlatform", COMPONENT, JOBRUN, name="etl-v2"))
    ws.run("up", "--yes", "--skip-preview")
    assert endpoint.job_runs(app) == [run]
    assert [r["id"] for r in ws.resources()] == [run["jobRunId"]]


def test_declare_jobs_gives_its_options_to_every_resource_it_declares(tmp_path, endpoint):
    program = ("import pulumi\n\nfrom providers.program import declare_jobs\n\n"
               "team = pulumi.ComponentResource('acme:index:Team', 'data')\n"
               "declare_jobs('jobspecs', pulumi.get_stack(), opts=pulumi.ResourceOptions(parent=team, protect=True))\n")
    app, _, ws = make(tmp_path, endpoint, "low", program)
    ws.run("up", "--yes", "--skip-preview")
    team = urn("dev", "low", "acme:index:Team", name="data")
    assert sorted((r["urn"], r["parent"], r.get("protect")) for r in ws.export()["deployment"]["resources"]
                  if r["type"] in (JOBRUN, SCHEDULE)) == [
        (urn("dev", "low", "acme:index:Team", JOBRUN, name="etl"), team, True),
        (urn("dev", "low", "acme:index:Team", SCHEDULE, name="nightly"), team, True),
    ]
    assert [r["state"] for r in endpoint.job_runs(app)] == ["SUCCESS"]
