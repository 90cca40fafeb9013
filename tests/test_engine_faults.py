"""Faults around the real engine: ``pulumi up`` killed mid-update, and two ``pulumi up`` at once.

The Pulumi CLI drives jobspec's program and provider (in their own processes, as in
tests/test_e2e.py) against the local endpoint in idempotent mode (it answers a
repeated StartJobRun clientToken with the first run, as the service does), with a
``FaultProxy`` in between that holds a chosen StartJobRun, so the moment of the
kill, and the update that owns the lock, are chosen by the test and not by timing.
Updates run with ``--parallel 1``: when the 2nd StartJobRun is held, the 1st run is
in state, the 2nd is being created, the 3rd is not started.

What the engine (Pulumi v3.274.1, file backend) does, found by these tests:

* Pulumi starts its language host and each provider plugin in a process group of
  their own, so ``killpg`` on the ``pulumi`` process leaves them running (the
  provider then finishes its call and gets its answer). A CI runner that cancels a
  job kills the whole tree; the tests do the same: every process of the session
  ``pulumi up`` was started in gets SIGKILL.
* After the kill, state holds the runs created so far and a *pending operation*
  ("creating") for the run in flight; the lock file of the dead process stays.
* The file backend locks each stack by default in this version (no setting
  needed): an update writes ``.pulumi/locks/<org>/<project>/<stack>/<uuid>.json``,
  then lists the folder, and gives up if it finds a lock other than its own. So a
  second update is refused with "the stack is currently locked by 1 lock(s)" (and
  the pid of the holder) before it runs the program; two updates started at the
  very same instant may both be refused, never both run.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tools.engine import PulumiWorkspace, pulumi_bin_dir, scratch_project
from tools.fault_proxy import JOBRUNS, FaultProxy, Seen, forward, slow
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

pytestmark = pytest.mark.e2e

PROJECT, STACK = "jobspec-faults", "faults"
#: Longest a held StartJobRun waits (``release()`` ends it early); below the provider's 60 s read timeout.
HOLD = 30.0
#: Bound on every wait for the engine (a ``pulumi up`` here takes 1-3 s).
WAIT = 120.0
UP = ("up", "--yes", "--skip-preview", "--parallel", "1")

#: Faults each test queues for the StartJobRun calls of its stack (docs/faults.md counts them).
KILL_PLAN = [forward(), slow(HOLD)]  # the 1st run starts, the 2nd is held: SIGKILL then
LOCK_PLAN = [slow(HOLD)]  # the winner's 1st StartJobRun is held while the loser tries
ENGINE_PLANS = {"sigkill": KILL_PLAN, "lock": LOCK_PLAN}
#: Faults made by the tests themselves, not by the proxy.
ENGINE_EVENTS = {"sigkill": 1, "concurrent_up": 1}
#: What every test here asserts after the fault: no run twice, no run the state does not know.
RUNS_DUPLICATED = 0
RUNS_LOST = 0

SPECS = {
    "orders-etl": "s3://acme-jobs/etl/orders.py",
    "daily-revenue": "s3://acme-jobs/etl/revenue.py",
    "clickstream": "s3://acme-jobs/streaming/sessionize.py",
}


@dataclass
class Stack:
    endpoint: LocalEndpoint
    proxy: FaultProxy
    app: str
    project: Path
    ws: PulumiWorkspace
    logs: Path
    started: list[subprocess.Popen] = field(default_factory=list)

    @property
    def jobruns(self) -> str:
        """Path pattern of this stack's StartJobRun calls (each test has its own application)."""
        return JOBRUNS.replace("[^/]+", self.app)

    def start_up(self, log: str) -> subprocess.Popen:
        """``pulumi up`` in a new session (so all its processes can be found and killed), output to a file."""
        with open(self.logs / log, "w") as out:
            proc = subprocess.Popen(["pulumi", *UP, "--non-interactive"], cwd=self.project, env=self.ws.env(),
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(proc)
        return proc

    def log(self, name: str) -> str:
        return (self.logs / name).read_text()

    def starts(self) -> list[Seen]:
        return self.proxy.seen("POST", self.jobruns)

    def runs(self) -> list[dict]:
        return self.endpoint.job_runs(self.app)

    def tracked(self) -> set[str]:
        """Run ids the stack's state knows."""
        return {r["outputs"]["jobRunId"] for r in self.ws.resources()}

    def state_file(self) -> Path:
        return self.ws.state_dir / "backend" / ".pulumi" / "stacks" / PROJECT / f"{STACK}.json"


def held(starts: list[Seen]) -> bool:
    return any(s.fault == "slow" and not s.done for s in starts)


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ...
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def kill_session(proc: subprocess.Popen, timeout: float = 30.0) -> list[int]:
    """SIGKILL every process of ``proc``'s session; wait (bounded, pidfd) until each has exited."""
    members = session_members(proc.pid)
    fds = []
    for pid in members:
        try:
            fds.append(os.pidfd_open(pid))
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=timeout)
        for fd in fds:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            assert poller.poll(timeout * 1000), "a killed process did not exit"
    finally:
        for fd in fds:
            os.close(fd)
    return members


@pytest.fixture(scope="module")
def bin_dir():
    return pulumi_bin_dir()


@pytest.fixture(scope="module")
def endpoint():
    with LocalEndpoint(idempotent=True) as ep:
        yield ep


@pytest.fixture(scope="module")
def proxy(endpoint):
    with FaultProxy(endpoint.url) as px:
        yield px


@pytest.fixture
def stack(tmp_path, bin_dir, endpoint, proxy):
    app = endpoint.create_application("faults")
    project = scratch_project(tmp_path / "project", PROJECT)
    specs = project / "jobspecs"
    specs.mkdir()
    (specs / "_defaults.yaml").write_text(textwrap.dedent(f"""\
        defaults:
          applicationId: {app}
          executionRoleArn: {ROLE_ARN}
        """))
    for name, entry in SPECS.items():
        (specs / f"{name}.yaml").write_text(f"name: {name}\njobDriver:\n  sparkSubmit:\n    entryPoint: {entry}\n")
    env = {**endpoint.env(), "AWS_ENDPOINT_URL_EMR_SERVERLESS": proxy.url}
    ws = PulumiWorkspace(project, tmp_path / "state", STACK, env, bin_dir)
    ws.init()
    logs = tmp_path / "logs"
    logs.mkdir()
    world = Stack(endpoint, proxy, app, project, ws, logs)
    try:
        yield world
    finally:
        for proc in world.started:
            if proc.poll() is None:
                kill_session(proc)
        proxy.clear()
        proxy.release()
        proxy.wait_idle(WAIT)


def assert_converged(stack: Stack) -> None:
    """One run per spec, one run per clientToken, every run in state, nothing pending."""
    runs = stack.runs()
    per_token = Counter(r["clientToken"] for r in runs)
    assert sum(n - 1 for n in per_token.values()) == RUNS_DUPLICATED
    assert len(runs) == len(SPECS)
    assert len({r["jobRunId"] for r in runs} - stack.tracked()) == RUNS_LOST
    assert stack.tracked() == {r["jobRunId"] for r in runs}
    assert not stack.ws.export()["deployment"].get("pending_operations")
    out = stack.ws.run(*UP).stdout
    assert "4 unchanged" in out  # the stack and its three runs
    assert len(stack.runs()) == len(SPECS)


def test_sigkill_mid_update_then_cancel_refresh_up_converges(stack, proxy):
    """``pulumi up`` killed (SIGKILL, every process) while a StartJobRun is in flight.

    Recovery procedure, as CI on merge runs it (deploys of one stack never overlap,
    e.g. a concurrency group, so a lock left behind can only be a dead run's):

    1. ``pulumi cancel --yes`` - deletes the stack's lock files. Without it every
       command that writes the stack is refused: "the stack is currently locked".
    2. ``pulumi refresh --yes --skip-preview --clear-pending-creates`` - reads every
       run in state back and drops the interrupted create from state. (A plain
       ``pulumi up`` does run after step 1 and creates the dropped resource, but
       the pending operation stays in state, with a warning on every update, and
       non-interactive ``refresh`` keeps it too unless told to clear it.)
    3. ``pulumi up --yes`` - creates what is missing. The interrupted run was asked
       for with the same clientToken, so the service answers with the run it
       already started: the state adopts it instead of starting a second one.

    Step 3 leans on clientToken idempotency (emulated here, moto lacks it); an
    ``--import-pending-creates <urn> <id>`` in step 2 would need the run id, which
    the killed update never learned.
    """
    proxy.add("POST", stack.jobruns, *KILL_PLAN)
    up = stack.start_up("killed.log")
    assert proxy.wait_for(lambda log: held(stack.starts()), WAIT), stack.log("killed.log")
    killed = kill_session(up)
    assert up.returncode == -signal.SIGKILL
    assert len(killed) >= 3, killed  # the CLI, the language host, the provider: each in its own group

    # The service still acts on the request it received before the client died.
    proxy.release()
    assert proxy.wait_idle(WAIT)
    starts = stack.starts()
    assert [s.fault for s in starts] == ["forward", "slow"]
    assert starts[1].upstream_status == 200
    assert len(stack.runs()) == 2

    # What the kill left: one run in state, the other pending, the dead process's lock.
    deployment = stack.ws.export()["deployment"]
    pending = deployment.get("pending_operations") or []
    assert [op["type"] for op in pending] == ["creating"]
    assert pending[0]["resource"]["inputs"]["clientToken"] == starts[1].body["clientToken"]
    assert len(stack.tracked()) == 1
    state_text = json.dumps(deployment)
    assert not [entry for entry in SPECS.values() if entry in state_text]  # secrets stay encrypted, pending too

    refused = stack.ws.run(*UP, check=False)
    assert refused.returncode != 0
    assert "the stack is currently locked by 1 lock(s)" in refused.stdout + refused.stderr
    assert f"(pid {up.pid})" in refused.stdout + refused.stderr
    assert len(stack.starts()) == 2

    started_before_recovery = {r["jobRunId"] for r in stack.runs()}
    stack.ws.run("cancel", "--yes")
    stack.ws.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
    assert not stack.ws.export()["deployment"].get("pending_operations")
    stack.ws.run(*UP)

    assert_converged(stack)
    assert started_before_recovery <= stack.tracked()  # the interrupted run was adopted, not started again


def test_a_second_up_while_one_runs_is_refused_by_the_lock_and_changes_nothing(stack, proxy, endpoint):
    """Two ``pulumi up`` on one stack: the one that comes second is refused and does nothing.

    The first update is held at its first StartJobRun (so it surely holds the lock)
    while the second runs to its end; then the first is released and finishes.
    """
    proxy.add("POST", stack.jobruns, *LOCK_PLAN)
    winner = stack.start_up("winner.log")
    assert proxy.wait_for(lambda log: held(stack.starts()), WAIT), stack.log("winner.log")
    state_before = stack.state_file().read_bytes()
    seen_before, endpoint_before = len(proxy.seen()), len(endpoint.requests)

    loser = stack.start_up("loser.log")
    loser_rc = loser.wait(timeout=WAIT)
    still_held = held(stack.starts())
    state_after = stack.state_file().read_bytes()
    seen_after, endpoint_after = len(proxy.seen()), len(endpoint.requests)
    proxy.release()
    winner_rc = winner.wait(timeout=WAIT)

    lost = stack.log("loser.log")
    assert still_held  # the winner was mid-update the whole time the loser ran
    assert loser_rc != 0
    assert "the stack is currently locked by 1 lock(s)" in lost
    assert f"(pid {winner.pid})" in lost
    assert seen_after == seen_before and endpoint_after == endpoint_before  # the loser sent nothing at all
    assert state_after == state_before
    assert winner_rc == 0, stack.log("winner.log")
    assert [s.fault for s in stack.starts()] == ["slow", "forward", "forward"]
    assert_converged(stack)
