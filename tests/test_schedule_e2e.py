"""Scheduled jobs through the real engine: the Pulumi CLI, the providers in their own process, and a
local endpoint (moto serves EMR Serverless and EventBridge Scheduler on one server).

One stack through the module, in the order of a schedule's life: preview, up, the
Scheduler firing it, an edit of the expression, a pause, the spec deleted.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from compiler.schedule import EXECUTION_ID
from compiler.sdk_casing import from_sdk
from providers.schedule import from_get_schedule
from conftest import engine_stack
from tools.engine import PulumiWorkspace
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

STACK = "e2e"
SCHEDULER_ROLE = "arn:aws:iam::123456789012:role/scheduler-starts-emr"
NIGHTLY = """\
    name: nightly
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/nightly.py
        entryPointArguments: ["--day", "yesterday"]
    schedule:
      expression: cron(0 2 * * ? *)
      flexibleWindowMinutes: 15
    """
HOURLY = """\
    name: hourly
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/hourly.py
    deploy: {runNow: true}
    schedule:
      expression: rate(1 hour)
    """
ONCE = """\
    name: once
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/once.py
    """
#: Shared by every spec; a spec without an expression stays a one-shot job.
DEFAULTS = f"schedule:\n  roleArn: {SCHEDULER_ROLE}\n  timezone: Europe/Berlin\n"


@dataclass
class World:
    endpoint: LocalEndpoint
    app: str
    specs: Path
    ws: PulumiWorkspace

    def compiled(self, spec: Path) -> dict:
        out = subprocess.run([sys.executable, "-m", "compiler", "compile", str(spec), "--stack", STACK],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)

    def without_schedule(self, name: str) -> dict:
        """``jobspec compile`` of the spec with its ``schedule:`` left out (its defaults kept)."""
        folder = self.specs.parent / "unscheduled"
        folder.mkdir(exist_ok=True)
        shutil.copy(self.specs / "_defaults.yaml", folder)
        text = (self.specs / name).read_text()
        (folder / name).write_text(text[:text.index("schedule:")])
        return self.compiled(folder / name)

    def schedule(self, job: str) -> dict:
        name = self.compiled(self.specs / f"{job}.yaml")["Name"]
        return self.endpoint.scheduler().get_schedule(Name=name, GroupName="default")

    def steps(self) -> list[tuple[str, str, str]]:
        """(name, resource type, op) of every step ``pulumi preview`` plans (unchanged ones included)."""
        preview = json.loads(self.ws.run("preview", "--json", "--show-sames").stdout)
        return sorted((s["urn"].rsplit("::", 1)[1], s["urn"].split("::")[-2].rsplit(":", 1)[1], s["op"])
                      for s in preview["steps"] if ":dynamic" in s["urn"])

    def calls(self, method: str) -> list:
        return [r for r in self.endpoint.requests if r.method == method and r.path.startswith("/schedules/")]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("schedule-e2e")
    with LocalEndpoint() as endpoint:
        app = endpoint.create_application("schedule-e2e")
        specs = {"nightly.yaml": NIGHTLY, "hourly.yaml": HOURLY, "once.yaml": ONCE}
        folder, ws = engine_stack(root, endpoint, app, "jobspec-schedule-e2e", STACK, specs, defaults=DEFAULTS)
        yield World(endpoint, app, folder, ws)


def test_preview_shows_each_schedule_created_and_calls_nothing(world):
    assert world.steps() == [("hourly", "JobRun", "create"), ("hourly", "Schedule", "create"),
                             ("nightly", "Schedule", "create"), ("once", "JobRun", "create")]
    assert world.calls("POST") == [] and world.endpoint.start_job_run_bodies() == []


def test_up_creates_each_schedule_as_jobspec_compile_prints_it(world):
    with world.endpoint.runs_start("RUNNING"):  # the one-shot and run-now jobs' runs, as on the service
        world.ws.run("up", "--yes", "--skip-preview")
    for job in ("nightly", "hourly"):
        got = world.schedule(job)
        assert from_get_schedule(got) == world.compiled(world.specs / f"{job}.yaml")
    outputs = world.ws.outputs()["schedules"]
    assert outputs == {job: {"arn": world.schedule(job)["Arn"], "state": "ENABLED"} for job in ("nightly", "hourly")}


def test_up_starts_the_one_shot_job_and_the_run_now_job_only(world):
    received = sorted(world.endpoint.start_job_run_bodies(), key=lambda b: b["name"])
    assert received == [world.without_schedule("hourly.yaml"), world.compiled(world.specs / "once.yaml")]


def test_state_holds_the_target_input_only_as_a_secret(world):
    exported = json.dumps(world.ws.export())
    assert "s3://acme-jobs/nightly.py" not in exported and "yesterday" not in exported
    assert SCHEDULER_ROLE in exported  # not sensitive: stays readable
    (nightly,) = [r for r in world.ws.resources(":Schedule") if r["outputs"]["jobspec"]["jobName"] == "nightly"]
    assert nightly["outputs"]["jobspec"]["body"]["jobDriver"]["sparkSubmit"]["entryPoint"].startswith("sha256:")


def test_state_records_each_schedule_as_declared_at_its_spec_file(world):
    recorded = {r["outputs"]["jobspec"]["jobName"]: r["sourcePosition"] for r in world.ws.resources(":Schedule")}
    assert recorded == {"nightly": "project:///jobspecs/nightly.yaml#1", "hourly": "project:///jobspecs/hourly.yaml#1"}


def test_the_schedule_firing_starts_the_body_compile_gives_without_schedule(world):
    """As the Scheduler does: the execution id for the placeholder, the casing mapped back, StartJobRun."""
    target = world.schedule("nightly")["Target"]
    execution_id = "d32c5kddcf5bb8c3"
    body = from_sdk(json.loads(target["Input"].replace(EXECUTION_ID, execution_id)))
    world.endpoint.client().start_job_run(**body)
    received = world.endpoint.start_job_run_bodies()[-1]
    expected = world.without_schedule("nightly.yaml")
    assert received["clientToken"] == execution_id
    assert {k: v for k, v in received.items() if k != "clientToken"} == \
        {k: v for k, v in expected.items() if k != "clientToken"}


def test_editing_the_expression_updates_the_schedule_in_place_and_starts_no_run(world):
    spec = world.specs / "nightly.yaml"
    spec.write_text(spec.read_text().replace("cron(0 2 * * ? *)", "cron(30 3 ? * MON-FRI *)"))
    assert ("nightly", "Schedule", "update") in world.steps()
    runs, updates = len(world.endpoint.start_job_run_bodies()), len(world.calls("PUT"))
    world.ws.run("up", "--yes", "--skip-preview")
    assert world.schedule("nightly")["ScheduleExpression"] == "cron(30 3 ? * MON-FRI *)"
    assert len(world.calls("PUT")) == updates + 1 and world.calls("DELETE") == []
    assert len(world.endpoint.start_job_run_bodies()) == runs


def test_a_new_entry_point_updates_the_target_in_place_and_the_preview_names_it_by_fingerprint(world):
    spec = world.specs / "nightly.yaml"
    spec.write_text(spec.read_text().replace("s3://acme-jobs/nightly.py", "s3://acme-jobs/nightly-v2.py"))
    diff = world.ws.run("preview", "--diff").stdout
    assert re.search(r'~ entryPoint\s*: "sha256:[0-9a-f]{12}" => "sha256:[0-9a-f]{12}"', diff), diff
    assert "nightly-v2.py" not in diff and "Input      : [secret]" in diff
    runs = len(world.endpoint.start_job_run_bodies())
    world.ws.run("up", "--yes", "--skip-preview")
    body = from_sdk(json.loads(world.schedule("nightly")["Target"]["Input"]))
    assert body["jobDriver"]["sparkSubmit"]["entryPoint"] == "s3://acme-jobs/nightly-v2.py"
    assert len(world.endpoint.start_job_run_bodies()) == runs


def test_refresh_reads_a_schedule_paused_elsewhere_and_up_puts_the_spec_back(world):
    request = world.compiled(world.specs / "nightly.yaml")
    world.endpoint.scheduler().update_schedule(**{**request, "State": "DISABLED"})  # paused in the console
    world.ws.run("refresh", "--yes", "--skip-preview")
    (nightly,) = [r for r in world.ws.resources(":Schedule") if r["outputs"]["jobspec"]["jobName"] == "nightly"]
    assert nightly["outputs"]["State"] == "DISABLED"
    assert "s3://acme-jobs/nightly.py" not in json.dumps(world.ws.export())  # still a secret after the read
    assert ("nightly", "Schedule", "update") in world.steps()
    world.ws.run("up", "--yes", "--skip-preview")
    assert world.schedule("nightly")["State"] == "ENABLED"


def test_state_disabled_pauses_the_schedule(world):
    spec = world.specs / "nightly.yaml"
    spec.write_text(spec.read_text().replace("  flexibleWindowMinutes: 15\n", "  flexibleWindowMinutes: 15\n  state: DISABLED\n"))
    world.ws.run("up", "--yes", "--skip-preview")
    assert world.schedule("nightly")["State"] == "DISABLED"
    assert world.ws.outputs()["schedules"]["nightly"]["state"] == "DISABLED"


def test_scheduling_a_one_shot_job_cancels_its_run_still_going_and_creates_the_schedule(world):
    (run,) = [r for r in world.endpoint.job_runs(world.app) if r["clientToken"] == world.compiled(
        world.specs / "once.yaml")["clientToken"]]
    world.endpoint.set_run_state(world.app, run["jobRunId"], "RUNNING")
    spec = world.specs / "once.yaml"
    spec.write_text(spec.read_text() + "schedule:\n  expression: rate(7 days)\n")
    assert [s for s in world.steps() if s[0] == "once"] == [("once", "JobRun", "delete"),
                                                             ("once", "Schedule", "create")]
    world.ws.run("up", "--yes", "--skip-preview")
    state = world.endpoint.client().get_job_run(applicationId=world.app, jobRunId=run["jobRunId"])["jobRun"]["state"]
    assert state == "CANCELLED"
    assert world.schedule("once")["ScheduleExpression"] == "rate(7 days)"


def test_deleting_the_spec_deletes_the_schedule(world):
    name = world.compiled(world.specs / "nightly.yaml")["Name"]
    (world.specs / "nightly.yaml").unlink()
    world.ws.run("up", "--yes", "--skip-preview")
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        world.endpoint.scheduler().get_schedule(Name=name)
    assert [r.path for r in world.calls("DELETE")] == [f"/schedules/{name}"]
