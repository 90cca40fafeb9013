"""Faults around the real engine: ``pulumi up`` killed mid-update, and two ``pulumi up`` at once.

The Pulumi CLI drives jobspec's program and provider (in their own processes, as in
tests/test_e2e.py) against the local endpoint in idempotent mode (it answers a
repeated StartJobRun clientToken with the first run, as the service does), with a
``FaultProxy`` in between that holds a chosen StartJobRun, so the moment of the
kill, and the update that owns the lock, are chosen by the test and not by timing
(the helpers, shared with tests/test_recover.py, are in tests/enginekit.py).
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
import signal
from collections import Counter

import pytest

from enginekit import HOLD, STACK, UP, WAIT, Stack, bin_dir, endpoint, held, kill_session, open_stack, proxy, spec_text  # noqa: F401
from tools.fault_proxy import forward, slow

pytestmark = pytest.mark.e2e

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


@pytest.fixture
def stack(tmp_path, bin_dir, endpoint, proxy):  # noqa: F811 - the fixtures imported above
    with open_stack(tmp_path, bin_dir, endpoint, proxy, {n: spec_text(n, e) for n, e in SPECS.items()}) as world:
        yield world


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


def test_sigkill_mid_update_then_jobspec_recover_converges(stack, proxy):
    """``pulumi up`` killed (SIGKILL, every process) while a StartJobRun is in flight.

    What the kill leaves: the run created before it in state, a pending "creating"
    operation for the run in flight (which the service started all the same), and
    the dead process's lock, which refuses every later update. ``jobspec recover``
    (CI on merge runs it before ``pulumi up``) clears the lock, asks the service
    again with the pending request's clientToken and adopts the run it answers
    with; tests/test_recover.py holds its output, its calls and the other cases.
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
    recovered = stack.jobspec("recover", "--stack", STACK)
    assert recovered.returncode == 0, recovered.stderr
    assert started_before_recovery == stack.tracked()  # the interrupted run was adopted, not started again
    state_text = json.dumps(stack.ws.export())
    assert not [entry for entry in SPECS.values() if entry in state_text]  # the adopted run's secrets too
    stack.ws.run(*UP)  # starts the job the killed update never reached

    assert_converged(stack)


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
