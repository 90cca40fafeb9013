"""Several stacks in one project, through the real engine: a folder per team, `jobspec:specs` per stack.

One project, two stacks: ``payments`` reads ``teams/payments`` (nightly, ledger) and
``search`` reads ``teams/search`` (a job also named nightly), each set with ``pulumi
config set jobspec:specs`` as a team would, each with its state of its own. The tests
run in order as the steps of the layout's life: each ``up`` starts its own folder's
jobs only; a stack file whose folder holds both is refused before anything is read or
started; a job moved from one team's folder to the other's is started by its new stack
and cancelled by its old one, and each preview says so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools.engine import PulumiWorkspace, pulumi_bin_dir, scratch_project
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

pytestmark = pytest.mark.e2e

UP = ("up", "--yes", "--skip-preview")
TEAMS = {"payments": ("nightly", "ledger"), "search": ("nightly",)}


def spec(team: str, name: str) -> str:
    return f"name: {name}\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://acme-jobs/{team}/{name}.py\n"


@dataclass
class World:
    endpoint: LocalEndpoint
    app: str
    project: Path
    stacks: dict[str, PulumiWorkspace]

    def starts(self, since: int = 0) -> list[dict]:
        return self.endpoint.start_job_run_bodies()[since:]

    def compiled(self, stack: str) -> dict[str, dict]:
        """``jobspec compile`` of the stack's folder for the stack, as a user would run it."""
        out = subprocess.run([sys.executable, "-m", "compiler", "compile", f"teams/{stack}", "--stack", stack],
                             cwd=self.project, capture_output=True, text=True, check=True).stdout
        return json.loads(out)

    def tracked(self, stack: str) -> dict[str, str]:
        """Job name → jobRunId in the stack's state."""
        return {r["urn"].rsplit("::", 1)[1]: r["outputs"]["jobRunId"] for r in self.stacks[stack].resources()}

    def changes(self, stack: str) -> list[tuple[str, str]]:
        """(op, job) of each step of ``pulumi preview --json`` that is not "same"."""
        preview = json.loads(self.stacks[stack].run("preview", "--json").stdout)
        return sorted((s["op"], s["urn"].rsplit("::", 1)[1]) for s in preview["steps"]
                      if s["urn"].split("::")[-2].endswith(":JobRun") and s["op"] != "same")

    def operations(self, since: int) -> list[str]:
        """EMR Serverless operations the endpoint received since request ``since``, in order."""
        names = {("GET", 2): "GetApplication", ("POST", 3): "StartJobRun", ("GET", 4): "GetJobRun",
                 ("DELETE", 4): "CancelJobRun"}
        out = []
        for request in self.endpoint.requests[since:]:
            parts = request.path.strip("/").split("/")
            out.append(names.get((request.method, len(parts)), request.method) + (f" {parts[3]}" if len(parts) == 4 else ""))
        return out


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("stacks")
    with LocalEndpoint(idempotent=True) as endpoint:
        app = endpoint.create_application("teams")
        project = scratch_project(root / "project", "jobspec-teams")
        (project / "teams").mkdir()
        (project / "teams" / "_defaults.yaml").write_text(
            f"defaults:\n  applicationId: {app}\n  executionRoleArn: {ROLE_ARN}\n")
        stacks = {}
        for team, jobs in TEAMS.items():
            (project / "teams" / team).mkdir()
            for name in jobs:
                (project / "teams" / team / f"{name}.yaml").write_text(spec(team, name))
            # State of its own (and a PULUMI_HOME of its own, where the selected stack is kept).
            ws = PulumiWorkspace(project, root / f"state-{team}", team, endpoint.env(), pulumi_bin_dir())
            ws.init()
            ws.run("config", "set", "jobspec:specs", f"teams/{team}")
            stacks[team] = ws
        yield World(endpoint, app, project, stacks)


def test_each_stack_file_names_its_teams_folder(world):
    for team in TEAMS:
        assert f"  jobspec:specs: teams/{team}\n" in (world.project / f"Pulumi.{team}.yaml").read_text()


def test_each_stacks_up_starts_the_jobs_of_its_own_folder_only(world):
    for team in TEAMS:
        before = len(world.starts())
        with world.endpoint.runs_start("RUNNING"):  # as on the service: a later update may cancel them
            world.stacks[team].run(*UP)
        received = {body["name"]: body for body in world.starts(before)}
        assert received == world.compiled(team)
        assert set(world.tracked(team)) == set(TEAMS[team])


def test_two_stacks_may_each_have_a_job_of_the_same_name_with_runs_of_their_own(world):
    (payments,), (search,) = ([b for b in world.starts() if b["name"] == "nightly" and team in
                               b["jobDriver"]["sparkSubmit"]["entryPoint"]] for team in TEAMS)
    assert payments["clientToken"] != search["clientToken"]  # the stack is part of the derived token
    assert world.tracked("payments")["nightly"] != world.tracked("search")["nightly"]


OVERLAP = ("jobspec: a job belongs to one stack; nothing was applied: "
           "Pulumi.{stack}.yaml:{line}:18: error E2015 jobspec:specs: stack {stack} reads teams/{stack} "
           "(Pulumi.{stack}.yaml), which is inside teams, the folder of stack all (Pulumi.all.yaml): each job "
           "there would belong to both stacks, and each would start its own run of it.")


def test_a_stack_whose_folder_holds_both_teams_fails_their_preview_and_up_and_nothing_is_called(world):
    lines = {team: next(i for i, line in enumerate((world.project / f"Pulumi.{team}.yaml").read_text().splitlines(), 1)
                        if "jobspec:specs" in line) for team in TEAMS}
    (world.project / "Pulumi.all.yaml").write_text("config:\n  jobspec:specs: teams\n")
    before = len(world.endpoint.requests)
    try:
        results = [world.stacks["payments"].run("preview", check=False),
                   world.stacks["payments"].run(*UP, check=False), world.stacks["search"].run("preview", check=False)]
    finally:
        (world.project / "Pulumi.all.yaml").unlink()
    for team, proc in zip(("payments", "payments", "search"), results):
        output = " ".join((proc.stdout + proc.stderr).split())
        assert proc.returncode != 0 and "Traceback" not in output
        assert OVERLAP.format(stack=team, line=lines[team]) in output
    assert world.endpoint.requests[before:] == []


def test_a_job_moved_to_another_teams_folder_shows_as_a_create_in_one_preview_and_a_delete_in_the_other(world):
    (old_run,) = [world.tracked("payments")["ledger"]]
    world.endpoint.set_run_state(world.app, old_run, "RUNNING")
    shutil.move(world.project / "teams" / "payments" / "ledger.yaml", world.project / "teams" / "search" / "ledger.yaml")
    assert world.changes("payments") == [("delete", "ledger")]
    assert world.changes("search") == [("create", "ledger")]


def test_the_new_stack_starts_the_moved_job_as_a_new_run_and_the_old_stack_cancels_its_run(world):
    old_run = world.tracked("payments")["ledger"]
    before = len(world.endpoint.requests)
    world.stacks["search"].run(*UP)
    (started,) = world.starts(len(world.starts()) - 1)
    assert started["name"] == "ledger" and started == world.compiled("search")["ledger"]
    new_run = world.tracked("search")["ledger"]
    assert new_run != old_run
    runs = {r["jobRunId"]: r["state"] for r in world.endpoint.job_runs(world.app)}
    assert runs[old_run] == "RUNNING"  # until the old stack's update: two runs for a while
    world.stacks["payments"].run(*UP)
    assert [op for op in world.operations(before) if op != "GetApplication"] == [
        "StartJobRun", f"GetJobRun {new_run}", f"GetJobRun {old_run}", f"CancelJobRun {old_run}"]
    runs = {r["jobRunId"]: r["state"] for r in world.endpoint.job_runs(world.app)}
    assert runs[old_run] == "CANCELLED" and set(world.tracked("payments")) == {"nightly"}
