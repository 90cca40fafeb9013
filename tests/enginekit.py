"""What the tests that kill the real engine share (tests/test_engine_faults.py, tests/test_recover.py).

A stack of jobspec's program in a scratch project, driven by the Pulumi CLI against
the local endpoint in idempotent mode (it answers a repeated StartJobRun clientToken
with the first run, as the service does), with a ``FaultProxy`` in between that can
hold a chosen request, so the moment of a kill is chosen by the test and not by
timing. Updates run with ``--parallel 1``: when the 2nd StartJobRun is held, the 1st
run is in state, the 2nd is being created, the 3rd is not started.

Pulumi starts its language host and each provider plugin in a process group of
their own, so ``killpg`` on the ``pulumi`` process leaves them running (the provider
then finishes its call and gets its answer). A CI runner that cancels a job kills
the whole tree; the tests do the same: every process of the session the command
was started in gets SIGKILL (``kill_session``).

Test modules import the fixtures they use: ``from enginekit import bin_dir, endpoint, proxy``.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from tools.engine import PulumiWorkspace, pulumi_bin_dir, scratch_project
from tools.fault_proxy import JOBRUNS, FaultProxy, Seen
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

PROJECT, STACK = "jobspec-faults", "faults"
#: Longest a held request waits (``release()`` ends it early); below the provider's 60 s read timeout.
HOLD = 30.0
#: Bound on every wait for the engine (a ``pulumi up`` here takes 1-3 s).
WAIT = 120.0
UP = ("up", "--yes", "--skip-preview", "--parallel", "1")


def spec_text(name: str, entry_point: str, extra: str = "") -> str:
    """A spec for job ``name`` running ``entry_point``; ``extra`` adds top-level YAML lines."""
    return f"name: {name}\njobDriver:\n  sparkSubmit:\n    entryPoint: {entry_point}\n" + textwrap.dedent(extra)


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

    @property
    def jobrun(self) -> str:
        """Path pattern of GetJobRun and CancelJobRun (GET / DELETE) of this stack's runs."""
        return rf"^/applications/{self.app}/jobruns/[^/]+$"

    def write_spec(self, name: str, entry_point: str, extra: str = "") -> None:
        (self.project / "jobspecs" / f"{name}.yaml").write_text(spec_text(name, entry_point, extra))

    def start(self, log: str, *args: str) -> subprocess.Popen:
        """``pulumi ARGS`` (default: ``up``) in a new session, so all its processes can be found and killed."""
        with open(self.logs / log, "w") as out:
            proc = subprocess.Popen(["pulumi", *(args or UP), "--non-interactive"], cwd=self.project,
                                    env=self.ws.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(proc)
        return proc

    def start_up(self, log: str) -> subprocess.Popen:
        return self.start(log)

    def log(self, name: str) -> str:
        return (self.logs / name).read_text()

    def starts(self) -> list[Seen]:
        return self.proxy.seen("POST", self.jobruns)

    def runs(self) -> list[dict]:
        return self.endpoint.job_runs(self.app)

    def run_of(self, token: str) -> dict:
        (run,) = [r for r in self.runs() if r["clientToken"] == token]
        return run

    def tracked(self) -> set[str]:
        """Run ids the stack's state knows."""
        return {r["outputs"]["jobRunId"] for r in self.ws.resources()}

    def pending(self) -> list[dict]:
        return self.ws.export()["deployment"].get("pending_operations") or []

    def state_file(self) -> Path:
        return self.ws.state_dir / "backend" / ".pulumi" / "stacks" / PROJECT / f"{STACK}.json"

    def jobspec(self, *args: str) -> subprocess.CompletedProcess:
        """``jobspec ARGS`` as a user runs it in the project folder, with the stack's environment."""
        return subprocess.run([sys.executable, "-m", "compiler", *args], cwd=self.project, env=self.ws.env(),
                              capture_output=True, text=True, timeout=WAIT)


def held(starts: list[Seen], count: int = 1) -> bool:
    """At least ``count`` of these requests are being held by the proxy."""
    return sum(s.fault == "slow" and not s.done for s in starts) >= count


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


def kill_when_held(stack: Stack, proc: subprocess.Popen, log: str, method: str = "POST",
                   path: str | None = None, count: int = 1) -> list[int]:
    """Wait (bounded) until ``count`` of ``proc``'s requests are held, SIGKILL its session, let them through.

    The service still acts on a request it received before the client died: the
    held request is forwarded after the kill and the tests wait until it is done.
    """
    assert stack.proxy.wait_for(lambda log_: held(stack.proxy.seen(method, path or stack.jobruns), count), WAIT), \
        stack.log(log)
    killed = kill_session(proc)
    assert proc.returncode == -signal.SIGKILL
    stack.proxy.release()
    assert stack.proxy.wait_idle(WAIT)
    return killed


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


@contextmanager
def open_stack(tmp_path: Path, bin_dir: Path, endpoint: LocalEndpoint, proxy: FaultProxy,
               specs: dict[str, str]) -> Iterator[Stack]:
    """A fresh application and stack with ``specs`` (job name -> YAML text); its processes are killed after."""
    app = endpoint.create_application("faults")
    project = scratch_project(tmp_path / "project", PROJECT)
    folder = project / "jobspecs"
    folder.mkdir()
    (folder / "_defaults.yaml").write_text(f"defaults:\n  applicationId: {app}\n  executionRoleArn: {ROLE_ARN}\n")
    for name, text in specs.items():
        (folder / f"{name}.yaml").write_text(text)
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
