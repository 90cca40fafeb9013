"""The stack's ``aws:region`` wins over ``AWS_REGION``, as with pulumi-aws, through the real engine.

One stack through the module: its config says ``aws:region: us-east-1`` while the
environment of every command says ``AWS_REGION=eu-west-1`` (and ``AWS_DEFAULT_REGION``).
The local endpoint records the region each request was signed for, and moto keeps
each region's applications, runs and schedules apart, so a call that went to the
wrong region both shows in the log and finds nothing. Each test is one step of the
stack's life (preview, up, refresh, an update in place, ``jobspec recover``, destroy) and
asserts that every AWS call of that step went to us-east-1.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import engine_stack
from tools.engine import PulumiWorkspace
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

STACK, PROJECT = "regions", "jobspec-regions"
STACK_REGION, ENV_REGION = "us-east-1", "eu-west-1"
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
TIMEOUT = 300


@dataclass
class World:
    endpoint: LocalEndpoint
    app: str
    specs: Path
    ws: PulumiWorkspace

    def mark(self) -> int:
        return len(self.endpoint.requests)

    def calls_since(self, mark: int) -> list[tuple[str, str, str]]:
        """(region, method, path) of each request since ``mark``."""
        return [(r.region, r.method, r.path) for r in self.endpoint.requests[mark:]]

    def regions_since(self, mark: int) -> set[str]:
        return {r.region for r in self.endpoint.requests[mark:]}

    def schedules(self, region: str) -> list[str]:
        """This stack's schedules in ``region`` (moto's backends are shared by every endpoint of the test process)."""
        listed = self.endpoint.client("scheduler", region).list_schedules(NamePrefix=f"{STACK}-")["Schedules"]
        return [s["Name"] for s in listed]

    def leave_pending_create(self, job: str) -> dict:
        """The state a killed ``up`` leaves: ``job``'s run out of the resources, its create pending; returns the run.

        Written into the file backend's checkpoint (``pulumi stack import`` would drop the
        pending operation), with the checksum the backend keeps next to it.
        """
        path = self.ws.state_dir / "backend" / ".pulumi" / "stacks" / PROJECT / f"{STACK}.json"
        checkpoint = json.loads(path.read_text())
        deployment = checkpoint["checkpoint"]["latest"]
        (index,) = [i for i, r in enumerate(deployment["resources"]) if r["urn"].endswith(f":JobRun::{job}")]
        run = deployment["resources"].pop(index)
        pending = {k: v for k, v in run.items() if k not in ("id", "outputs", "created", "modified")}
        deployment["pending_operations"] = [{"resource": pending, "type": "creating"}]
        text = json.dumps(checkpoint).encode()
        path.write_bytes(text)
        attrs = path.with_name(path.name + ".attrs")
        meta = json.loads(attrs.read_text())
        meta["md5"] = base64.b64encode(hashlib.md5(text).digest()).decode()
        attrs.write_text(json.dumps(meta))
        return run

    def run(self) -> dict:
        (run,) = self.endpoint.job_runs(self.app, STACK_REGION)
        return run


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("regions")
    # Idempotent: `jobspec recover` sends a StartJobRun again with its clientToken.
    with LocalEndpoint(idempotent=True) as endpoint:
        app = endpoint.create_application("regions")  # in us-east-1, the stack's region
        folder, ws = engine_stack(root, endpoint, app, PROJECT, STACK, {"etl.yaml": ETL, "nightly.yaml": NIGHTLY})
        ws.extra_env.update(AWS_REGION=ENV_REGION, AWS_DEFAULT_REGION=ENV_REGION)
        ws.run("config", "set", "aws:region", STACK_REGION)
        yield World(endpoint, app, folder, ws)


def test_preview_reads_the_application_in_the_stacks_region(world):
    mark = world.mark()
    preview = json.loads(world.ws.run("preview", "--json").stdout)
    assert sorted((s["urn"].rsplit("::", 1)[1], s["op"]) for s in preview["steps"] if ":dynamic" in s["urn"]) == \
        [("etl", "create"), ("nightly", "create")]
    assert world.calls_since(mark) == [(STACK_REGION, "GET", f"/applications/{world.app}")]


def test_up_starts_the_run_and_creates_the_schedule_in_the_stacks_region(world):
    mark = world.mark()
    with world.endpoint.runs_start("RUNNING"):  # as on the service: a refresh and a destroy then ask about it
        world.ws.run("up", "--yes", "--skip-preview")
    assert world.regions_since(mark) == {STACK_REGION}
    assert world.run()["state"] == "RUNNING"
    assert world.endpoint.job_runs(world.app, ENV_REGION) == []
    assert len(world.schedules(STACK_REGION)) == 1 and world.schedules(ENV_REGION) == []


def test_refresh_reads_the_run_and_the_schedule_in_the_stacks_region(world):
    (schedule,) = world.schedules(STACK_REGION)
    run_id = world.run()["jobRunId"]
    mark = world.mark()
    world.ws.run("refresh", "--yes", "--skip-preview")
    assert sorted(world.calls_since(mark)) == [
        (STACK_REGION, "GET", f"/applications/{world.app}/jobruns"),  # ListJobRuns: the run is still RUNNING
        (STACK_REGION, "GET", f"/schedules/{schedule}"),
    ]
    assert [r["outputs"]["state"] for r in world.ws.resources() if r["id"] == run_id] == ["RUNNING"]


def test_an_edit_updates_the_schedule_in_the_stacks_region(world):
    spec = world.specs / "nightly.yaml"
    spec.write_text(spec.read_text().replace("cron(0 2 * * ? *)", "cron(30 3 * * ? *)"))
    (name,) = world.schedules(STACK_REGION)
    mark = world.mark()
    world.ws.run("up", "--yes", "--skip-preview")
    assert world.regions_since(mark) == {STACK_REGION}
    assert [(m, p) for _, m, p in world.calls_since(mark) if m == "PUT"] == [("PUT", f"/schedules/{name}")]
    got = world.endpoint.client("scheduler", STACK_REGION).get_schedule(Name=name)
    assert got["ScheduleExpression"] == "cron(30 3 * * ? *)"


def test_recover_reads_the_stacks_region_from_its_config(world):
    """A pending create (as a killed ``up`` leaves it) resolved by ``jobspec recover`` run in that environment."""
    run = world.leave_pending_create("etl")
    mark = world.mark()
    proc = subprocess.run([sys.executable, "-m", "compiler", "recover", "--stack", STACK], cwd=world.ws.project_dir,
                          env=world.ws.env(), capture_output=True, text=True, timeout=TIMEOUT)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == f"etl: adopted run {run['id']} (started by the interrupted update)\n"
    assert world.calls_since(mark) == [
        (STACK_REGION, "POST", f"/applications/{world.app}/jobruns"),
        (STACK_REGION, "GET", f"/applications/{world.app}/jobruns/{run['id']}"),
    ]
    assert [r["id"] for r in world.ws.resources()] == [run["id"]]


def test_destroy_cancels_the_run_and_deletes_the_schedule_in_the_stacks_region(world):
    mark = world.mark()
    world.ws.run("destroy", "--yes", "--skip-preview")
    assert world.regions_since(mark) == {STACK_REGION}
    assert world.run()["state"] == "CANCELLED"
    assert world.schedules(STACK_REGION) == []
