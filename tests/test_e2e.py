"""The real thing: the Pulumi CLI and Python language host, the dynamic provider in its
own process, and a local EMR Serverless endpoint (moto server on 127.0.0.1).

One stack lives through the whole module, so the tests run in order as the steps of
a deployment's life: preview, up, no-op up, a change, a bad spec, refresh, destroy.
Each test asserts one behaviour of one step. One refresh test has a stack of its own
on the same endpoint: its runs all end between its up and its refresh.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import engine_stack
from providers import own_keys
from tools.engine import PulumiWorkspace
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

pytestmark = pytest.mark.e2e

STACK = "e2e"
JOBS = ("orders-etl", "daily-revenue", "clickstream")

SPECS = {
    "orders-etl.yaml": """\
        name: orders-etl
        jobDriver:
          sparkSubmit:
            entryPoint: s3://acme-jobs/etl/orders.py
            entryPointArguments: ["--source", "acme-raw-orders-bucket"]
            sparkSubmitParameters:
              conf:
                spark.executor.memory: 4g
        """,
    "daily-revenue.yaml": """\
        name: daily-revenue
        applicationId: HIVE_APP
        jobDriver:
          hive:
            query: s3://acme-jobs/hive/daily_revenue.sql
        executionTimeoutMinutes: 60
        """,
    "clickstream.yaml": """\
        name: clickstream
        mode: STREAMING
        jobDriver:
          sparkSubmit:
            entryPoint: s3://acme-jobs/streaming/sessionize.py
        retryPolicy:
          maxFailedAttemptsPerHour: 5
        """,
}


@dataclass
class World:
    endpoint: LocalEndpoint
    app: str
    hive: str
    project: Path
    specs: Path
    ws: PulumiWorkspace

    def app_of(self, job: str) -> str:
        return self.hive if job == "daily-revenue" else self.app

    def starts(self) -> list[dict]:
        return self.endpoint.start_job_run_bodies()

    def compiled(self, spec: str) -> dict:
        out = subprocess.run([sys.executable, "-m", "compiler", "compile", str(self.specs / spec), "--stack", STACK],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)

    def steps(self) -> list[dict]:
        """``pulumi preview --json`` steps for the job runs (unchanged ones included)."""
        preview = json.loads(self.ws.run("preview", "--json", "--show-sames").stdout)
        return [s for s in preview["steps"] if s["urn"].split("::")[-2].endswith(":JobRun")]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    with LocalEndpoint() as endpoint:
        app = endpoint.create_application("e2e")
        hive = endpoint.create_application("e2e-hive", type="HIVE")  # an application runs one engine
        specs = {name: text.replace("HIVE_APP", hive) for name, text in SPECS.items()}
        folder, ws = engine_stack(root, endpoint, app, "jobspec-e2e", STACK, specs, defaults="tags: {team: data}\n")
        yield World(endpoint, app, hive, ws.project_dir, folder, ws)


def run_ids(world: World) -> dict[str, str]:
    return {name: job["jobRunId"] for name, job in world.ws.outputs()["jobs"].items()}


def test_preview_shows_one_create_per_spec_and_starts_nothing(world):
    steps = world.steps()
    assert sorted((s["op"], s["urn"].rsplit("::", 1)[1]) for s in steps) == sorted(("create", j) for j in JOBS)
    assert world.starts() == []


def test_up_starts_exactly_one_run_per_spec_with_the_compiled_body(world):
    world.endpoint.new_runs("RUNNING")  # as the service has them a moment after StartJobRun
    try:
        world.ws.run("up", "--yes", "--skip-preview")
    finally:
        world.endpoint.new_runs(None)
    received = sorted(world.starts(), key=lambda b: b["name"])
    assert received == sorted((world.compiled(f"{j}.yaml") for j in JOBS), key=lambda b: b["name"])
    client = world.endpoint.client()
    listed = [run for app in (world.app, world.hive) for run in client.list_job_runs(applicationId=app)["jobRuns"]]
    assert len(listed) == 3


def test_stack_outputs_are_the_runs_the_endpoint_has(world):
    outputs = world.ws.outputs()
    client = world.endpoint.client()
    for name in JOBS:
        job = outputs["jobs"][name]
        run = client.get_job_run(applicationId=world.app_of(name), jobRunId=job["jobRunId"])["jobRun"]
        assert (job["arn"], job["jobRunId"], job["state"]) == (run["arn"], run["jobRunId"], run["state"])


def test_up_again_without_changes_changes_and_starts_nothing(world):
    before = len(world.starts())
    assert [s["op"] for s in world.steps()] == ["same"] * 3
    out = world.ws.run("up", "--yes", "--skip-preview").stdout
    assert "4 unchanged" in out  # the stack and its three job runs
    assert len(world.starts()) == before


def test_state_holds_no_sensitive_member_in_plain_text(world):
    exported = json.dumps(world.ws.export())
    for sensitive in ("s3://acme-jobs/etl/orders.py", "spark.executor.memory", "daily_revenue.sql", "acme-raw-orders-bucket"):
        assert sensitive not in exported
    assert ROLE_ARN in exported  # not sensitive: stays readable


def test_state_records_each_job_as_declared_at_its_spec_file_not_in_jobspecs_python_code(world):
    recorded = {own_keys.of(r["outputs"])["jobName"]: (r["sourcePosition"], r["stackTrace"])
                for r in world.ws.resources()}
    spec = "project:///jobspecs/{}.yaml#1"
    assert recorded == {job: (spec.format(job), [{"sourcePosition": spec.format(job)}]) for job in JOBS}


def test_changing_spark_conf_previews_a_replace_of_that_job_only_with_the_changed_path(world):
    spec = world.specs / "orders-etl.yaml"
    spec.write_text(spec.read_text().replace("spark.executor.memory: 4g", "spark.executor.memory: 7777m"))
    steps = {s["urn"].rsplit("::", 1)[1]: s for s in world.steps()}
    assert steps["orders-etl"]["op"] == "replace"
    # The engine reports the provider's `replaces` in no fixed order.
    assert sorted(steps["orders-etl"]["replaceReasons"]) == ["clientToken", "jobDriver"]
    assert {name: s["op"] for name, s in steps.items() if name != "orders-etl"} == {"daily-revenue": "same", "clickstream": "same"}
    diff = world.ws.run("preview", "--diff").stdout
    # The changed secret, by path, not by value: jobspec's keys are one JSON string in state
    # (providers/own_keys.py), which the engine's display decodes into an object diff.
    assert re.search(r"~ jobspec +: \(json\) \{\n +~ fingerprints: \{\n", diff)
    changed = [line.strip() for line in diff.splitlines() if "~ jobDriver.sparkSubmit." in line]
    assert [re.sub(r"sha256:[0-9a-f]{12}", "sha256:…", line) for line in changed] == [
        '~ jobDriver.sparkSubmit.sparkSubmitParameters : "sha256:…" => "sha256:…"']
    assert "7777m" not in diff  # the value itself stays secret


def test_up_after_the_change_starts_one_new_run_and_cancels_the_old_one_still_running(world):
    old = run_ids(world)
    world.endpoint.set_run_state(world.app, old["orders-etl"], "RUNNING")
    before = len(world.starts())
    world.ws.run("up", "--yes", "--skip-preview")
    new = run_ids(world)
    assert len(world.starts()) == before + 1
    assert world.starts()[-1] == world.compiled("orders-etl.yaml")
    assert new["orders-etl"] != old["orders-etl"]
    assert {k: v for k, v in new.items() if k != "orders-etl"} == {k: v for k, v in old.items() if k != "orders-etl"}
    old_run = world.endpoint.client().get_job_run(applicationId=world.app, jobRunId=old["orders-etl"])["jobRun"]
    assert old_run["state"] == "CANCELLED"


def test_a_spec_with_a_lint_error_fails_preview_at_its_position_and_starts_nothing(world):
    bad = world.specs / "broken.yaml"
    bad.write_text("name: broken\nmode: NIGHTLY\njobDriver: {hive: {query: q}}\n")
    before = len(world.starts())
    try:
        preview = world.ws.run("preview", check=False)
        up = world.ws.run("up", "--yes", "--skip-preview", check=False)
    finally:
        bad.unlink()
    assert preview.returncode != 0 and up.returncode != 0
    assert "jobspecs/broken.yaml:2:7: error E1014 mode: mode is 'NIGHTLY', not one of BATCH, STREAMING" in preview.stdout + preview.stderr
    assert "Traceback" not in preview.stdout + preview.stderr
    assert len(world.starts()) == before


def test_refresh_lists_the_runs_not_ended_once_per_application_and_reads_no_run_alone(world):
    runs = run_ids(world)
    world.endpoint.set_run_state(world.app, runs["clickstream"], "PENDING")  # a streaming run retried
    before = len(world.endpoint.requests)
    world.ws.run("refresh", "--yes", "--skip-preview")
    states = {own_keys.of(r["outputs"])["jobName"]: r["outputs"]["state"] for r in world.ws.resources()}
    assert states == {"orders-etl": "SUCCESS", "daily-revenue": "RUNNING", "clickstream": "PENDING"}
    # orders-etl's run is recorded SUCCESS, an end: it is not asked about at all.
    assert sorted((r.method, r.path) for r in world.endpoint.requests[before:]) == sorted(
        [("GET", f"/applications/{world.app}/jobruns"), ("GET", f"/applications/{world.hive}/jobruns")])


def test_refresh_reads_runs_ended_since_the_last_refresh_from_two_listings_and_no_get_job_run(world, tmp_path):
    endpoint = world.endpoint
    app = endpoint.create_application("ended-since")
    specs = {f"job-{i}.yaml": f"name: job-{i}\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/{i}.py\n"
             for i in range(3)}
    _, ws = engine_stack(tmp_path, endpoint, app, "jobspec-ended", "ended", specs)
    with endpoint.runs_start("RUNNING"):
        ws.run("up", "--yes", "--skip-preview")
    endpoint.end_runs(app)
    before = len(endpoint.requests)
    ws.run("refresh", "--yes", "--skip-preview")
    not_ended = ["SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "CANCELLING", "QUEUED"]
    assert [(r.method, r.path, urllib.parse.parse_qs(r.query)) for r in endpoint.requests[before:]] == [
        ("GET", f"/applications/{app}/jobruns", {"states": not_ended, "maxResults": ["50"]}),  # none: all ended
        ("GET", f"/applications/{app}/jobruns", {"maxResults": ["50"]}),  # the recent runs, every state
    ]
    assert sorted((own_keys.of(r["outputs"])["jobName"], r["outputs"]["state"]) for r in ws.resources()) == [
        ("job-0", "SUCCESS"), ("job-1", "SUCCESS"), ("job-2", "SUCCESS")]


def test_up_after_a_run_failed_starts_nothing_and_says_to_change_rerun(world):
    runs = run_ids(world)
    world.endpoint.set_run_state(world.hive, runs["daily-revenue"], "FAILED")
    world.ws.run("refresh", "--yes", "--skip-preview")
    before = len(world.starts())
    out = world.ws.run("up", "--yes", "--skip-preview").stdout
    assert len(world.starts()) == before
    assert "daily-revenue: its run is FAILED" in out and "change `rerun:` to start it again" in out


def test_destroy_cancels_runs_still_going_and_empties_the_stack(world):
    runs = run_ids(world)
    cancels_before = len(world.endpoint.calls("DELETE", runs["daily-revenue"]))
    world.ws.run("destroy", "--yes", "--skip-preview")
    client = world.endpoint.client()
    assert client.get_job_run(applicationId=world.app, jobRunId=runs["clickstream"])["jobRun"]["state"] == "CANCELLED"
    assert client.get_job_run(applicationId=world.hive, jobRunId=runs["daily-revenue"])["jobRun"]["state"] == "FAILED"
    assert len(world.endpoint.calls("DELETE", runs["daily-revenue"])) == cancels_before  # ended: not cancelled
    assert world.ws.resources() == []
