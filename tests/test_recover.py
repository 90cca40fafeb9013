"""``jobspec recover --stack S`` after a killed ``pulumi up``, through the real engine.

Each test kills an update (SIGKILL of every process, while the proxy holds the
request the test chose: tests/enginekit.py), runs ``jobspec recover`` as a user or
CI does (a process in the project folder, the stack's backend and passphrase in the
environment) and asserts its exact output, the AWS calls it made in order, and what
is left: no pending operation, no lock, and every run in the endpoint either
tracked in state or CANCELLED (``untracked``). Moto finishes every run at once;
runs that must be seen cancelled are first moved to RUNNING, as a streaming job is.

Specs: two batch jobs, and a streaming job with ``deploy.stopBeforeStart``.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from enginekit import (HOLD, STACK, UP, Stack, bin_dir, endpoint, kill_when_held, open_stack,  # noqa: F401
                       proxy, spec_text)
from providers import own_keys
from tools.fault_proxy import Seen, forward, slow, status

pytestmark = pytest.mark.e2e

RECOVER = ("recover", "--stack", STACK)
NOTHING = (f"nothing to recover in stack {STACK}: no pending operation "
           "(a lock left by an interrupted update, if any, is cleared)\n")
JOBS = {
    "orders-etl": ("s3://acme-jobs/etl/orders.py", ""),
    "daily-revenue": ("s3://acme-jobs/etl/revenue.py", ""),
    "clickstream": ("s3://acme-jobs/streaming/sessionize.py", "mode: STREAMING\ndeploy: {stopBeforeStart: true}\n"),
}
#: What every test here asserts once ``jobspec recover`` has run (docs/faults.md reports it).
RUNS_UNTRACKED_AFTER_RECOVERY = 0

#: Fault plans (docs/faults.md counts them): which request the proxy holds while the update is killed.
KILL_CREATE = [forward(), slow(HOLD)]  # StartJobRun: the 1st run starts, the 2nd is held
KILL_RESTART = [slow(HOLD)]  # StartJobRun of the one job whose spec changed
KILL_STOP = [slow(HOLD)]  # CancelJobRun of a stopBeforeStart restart
KILL_READ = [slow(HOLD)]  # ListJobRuns of a `pulumi refresh` (providers/run_reads.py)
#: Path pattern of ListJobRuns (a GET; StartJobRun is the POST to the same path).
LIST_RUNS = r"^/applications/{app}/jobruns$"
KILL_TAG = [slow(HOLD)]  # TagResource of an update in place
KILL_ALL = [slow(HOLD)] * len(JOBS)  # every StartJobRun of an update at the engine's default parallelism
DENIED = [status(403, "AccessDeniedException")]
#: Each test case: the fault the test itself makes (a SIGKILL), and the plans it queues at the proxy.
CASES = {
    "unchanged": ("sigkill", [KILL_CREATE]), "edited": ("sigkill", [KILL_CREATE]),
    "removed": ("sigkill", [KILL_CREATE]), "restart": ("sigkill", [KILL_RESTART]),
    "stopBeforeStart restart": ("sigkill", [KILL_RESTART]), "stop": ("sigkill", [KILL_STOP]),
    "tag update": ("sigkill", [KILL_TAG]), "parallel": ("sigkill", [KILL_ALL]),
    "refresh": ("sigkill_refresh", [KILL_READ]), "failures": ("sigkill", [KILL_CREATE, DENIED]),
    "import-pending-creates": ("sigkill", [KILL_CREATE]), "nothing": (None, []),
}
RECOVER_PLANS = [plan for _, plans in CASES.values() for plan in plans]
RECOVER_EVENTS = dict(Counter(event for event, _ in CASES.values() if event))


@pytest.fixture
def stack(tmp_path, bin_dir, endpoint, proxy):  # noqa: F811 - the fixtures imported above
    specs = {name: spec_text(name, entry, extra) for name, (entry, extra) in JOBS.items()}
    with open_stack(tmp_path, bin_dir, endpoint, proxy, specs) as world:
        yield world
        assert proxy.pending() == 0, "a queued fault was not applied"


def edit(stack: Stack, job: str) -> None:
    entry, extra = JOBS[job]
    stack.write_spec(job, entry.replace(".py", "_v2.py"), extra)


def api_calls(seen: list[Seen]) -> list[str]:
    """The AWS calls the proxy saw, by API name and clientToken or run id."""
    out = []
    for s in seen:
        parts = s.path.strip("/").split("/")
        if s.method == "POST" and parts[-1] == "jobruns":
            out.append(f"StartJobRun {s.body['clientToken']}")
        else:
            out.append({"GET": "GetJobRun", "DELETE": "CancelJobRun"}.get(s.method, s.method) + f" {parts[-1]}")
    return out


def recover(stack: Stack) -> tuple[int, str, str, list[str]]:
    """``jobspec recover``: exit code, stdout, stderr and the AWS calls it made."""
    mark = len(stack.proxy.seen())
    proc = stack.jobspec(*RECOVER)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc.returncode, proc.stdout, proc.stderr, api_calls(stack.proxy.seen()[mark:])


def untracked(stack: Stack) -> list[dict]:
    """Runs in the endpoint that the state does not hold and that were not cancelled."""
    tracked = stack.tracked()
    return [r for r in stack.runs() if r["jobRunId"] not in tracked and r["state"] != "CANCELLED"]


def run_of_job(stack: Stack, job: str) -> str:
    (run,) = [r["outputs"]["jobRunId"] for r in stack.ws.resources() if own_keys.of(r["inputs"])["jobName"] == job]
    return run


def preview_ops(stack: Stack) -> dict[str, str]:
    """What the next ``pulumi up`` does to each job (``same``, ``create``, ``replace`` ...)."""
    preview = json.loads(stack.ws.run("preview", "--json", "--show-sames").stdout)
    return {s["urn"].rsplit("::", 1)[1]: s["op"] for s in preview["steps"]
            if s["urn"].split("::")[-2].endswith(":JobRun")}


def locks(stack: Stack) -> list[str]:
    """The stack's lock files (the file backend's ``.pulumi/locks/<org>/<project>/<stack>/<uuid>.json``)."""
    return [p.name for p in (stack.state_file().parents[2] / "locks").rglob("*.json")]


def assert_recovered(stack: Stack) -> None:
    """No pending operation, no lock, no run the state does not know unless it was cancelled."""
    assert not stack.pending()
    assert not locks(stack)
    assert len(untracked(stack)) == RUNS_UNTRACKED_AFTER_RECOVERY


@pytest.fixture
def killed_create(stack, proxy):
    """``pulumi up`` of the three jobs killed while the 2nd StartJobRun is in flight: (job, clientToken, run id)."""
    proxy.add("POST", stack.jobruns, *KILL_CREATE)
    kill_when_held(stack, stack.start("killed.log"), "killed.log")
    first, second = stack.starts()
    assert [first.fault, second.fault, second.upstream_status] == ["forward", "slow", 200]
    assert [op["type"] for op in stack.pending()] == ["creating"]
    token = second.body["clientToken"]
    return second.body["name"], token, stack.run_of(token)["jobRunId"]


def kill_restart(stack: Stack, job: str, method: str = "POST") -> tuple[str, str]:
    """Up the three jobs, make ``job``'s run RUNNING, edit it, kill the restart at ``method``: (old run, its app)."""
    stack.endpoint.new_runs("RUNNING")  # recorded RUNNING by the up, as the service has them then
    try:
        stack.ws.run(*UP)
    finally:
        stack.endpoint.new_runs(None)
    old = run_of_job(stack, job)
    edit(stack, job)
    path = stack.jobruns if method == "POST" else stack.jobrun
    stack.proxy.add(method, path, *(KILL_RESTART if method == "POST" else KILL_STOP))
    kill_when_held(stack, stack.start("restart.log"), "restart.log", method, path)
    return old, stack.app


# -- a killed create -------------------------------------------------------------------------------------

def test_spec_unchanged_recover_adopts_the_run_the_killed_update_started(stack, killed_create):
    job, token, run = killed_create
    code, out, err, calls = recover(stack)

    assert (code, out, err) == (0, f"{job}: adopted run {run} (started by the interrupted update)\n", "")
    assert calls == [f"StartJobRun {token}", f"GetJobRun {run}"]
    assert_recovered(stack)
    assert run in stack.tracked()
    ops = preview_ops(stack)
    assert ops.pop(job) == "same" and sorted(ops.values()) == ["create", "same"]  # one job was never reached
    up = stack.ws.run(*UP).stdout
    assert "+ 1 created" in up and "3 unchanged" in up  # the stack and the two runs started before the kill
    runs = stack.runs()
    assert len(runs) == len(JOBS) and set(Counter(r["clientToken"] for r in runs).values()) == {1}
    assert stack.tracked() == {r["jobRunId"] for r in runs}


def test_every_run_in_flight_at_default_parallelism_is_adopted_one_line_each(stack, proxy):
    """CI runs ``pulumi up`` at the engine's default parallelism: all three creates are in flight at the kill."""
    proxy.add("POST", stack.jobruns, *KILL_ALL)
    kill_when_held(stack, stack.start("killed.log", "up", "--yes", "--skip-preview"), "killed.log", count=len(JOBS))
    pending = stack.pending()
    assert [op["type"] for op in pending] == ["creating"] * len(JOBS)
    tokens = [op["resource"]["inputs"]["clientToken"] for op in pending]
    jobs = [own_keys.of(op["resource"]["inputs"])["jobName"] for op in pending]
    runs = [stack.run_of(token)["jobRunId"] for token in tokens]
    code, out, err, calls = recover(stack)

    assert (code, err) == (0, "")
    assert out == "".join(f"{job}: adopted run {run} (started by the interrupted update)\n"
                          for job, run in zip(jobs, runs))
    assert calls == [call for token, run in zip(tokens, runs) for call in (f"StartJobRun {token}", f"GetJobRun {run}")]
    assert_recovered(stack)
    assert set(preview_ops(stack).values()) == {"same"}


@pytest.mark.parametrize("change", ["edited", "removed"])
def test_spec_changed_recover_cancels_the_run_the_killed_update_started(stack, killed_create, change):
    job, token, run = killed_create
    stack.endpoint.set_run_state(stack.app, run, "RUNNING")  # it would run on, untracked (a streaming job: forever)
    if change == "edited":
        edit(stack, job)
    else:
        (stack.project / "jobspecs" / f"{job}.yaml").unlink()
    code, out, err, calls = recover(stack)

    why = "the spec changed" if change == "edited" else "the job is no longer in jobspecs"
    assert (code, out, err) == (0, f"{job}: cancelled run {run} because {why}\n", "")
    assert calls == [f"StartJobRun {token}", f"GetJobRun {run}", f"CancelJobRun {run}"]
    assert stack.run_of(token)["state"] == "CANCELLED"
    assert_recovered(stack)
    first = stack.starts()[0].body["name"]
    mark = len(stack.starts())
    stack.ws.run(*UP)
    never_reached = set(JOBS) - {first, job}
    assert {s.body["name"] for s in stack.starts()[mark:]} == never_reached | ({job} if change == "edited" else set())
    assert len(untracked(stack)) == RUNS_UNTRACKED_AFTER_RECOVERY
    assert set(preview_ops(stack).values()) == {"same"}


# -- a killed restart ------------------------------------------------------------------------------------

def test_killed_restart_recover_adopts_the_new_run_and_cancels_the_one_it_replaces(stack):
    old, _ = kill_restart(stack, "orders-etl")
    (start,) = [s for s in stack.starts() if s.fault == "slow"]
    token = start.body["clientToken"]
    new = stack.run_of(token)["jobRunId"]
    stack.endpoint.set_run_state(stack.app, new, "RUNNING")
    code, out, err, calls = recover(stack)

    assert (code, err) == (0, "")
    assert out == (f"orders-etl: adopted run {new} (started by the interrupted update); "
                   f"cancelled run {old} it replaces\n")
    assert calls == [f"StartJobRun {token}", f"GetJobRun {new}", f"GetJobRun {old}", f"CancelJobRun {old}"]
    assert {r["jobRunId"]: r["state"] for r in stack.runs()}[old] == "CANCELLED"
    assert_recovered(stack)
    assert run_of_job(stack, "orders-etl") == new
    assert set(preview_ops(stack).values()) == {"same"}


def test_killed_stop_before_start_restart_recover_adopts_the_new_run_the_old_one_already_cancelled(stack):
    old, _ = kill_restart(stack, "clickstream")
    restart = api_calls(stack.proxy.seen())[-3:]
    (start,) = [s for s in stack.starts() if s.fault == "slow"]
    token = start.body["clientToken"]
    new = stack.run_of(token)["jobRunId"]
    assert restart == [f"GetJobRun {old}", f"CancelJobRun {old}", f"StartJobRun {token}"]  # stop, then start
    (old_state,) = [r for r in stack.ws.resources() if r.get("id") == old]
    assert old_state.get("pendingReplacement") is True
    code, out, err, calls = recover(stack)

    assert (code, err) == (0, "")
    assert out == (f"clickstream: adopted run {new} (started by the interrupted update); "
                   f"run {old} it replaces had already ended (CANCELLED)\n")
    assert calls == [f"StartJobRun {token}", f"GetJobRun {new}", f"GetJobRun {old}"]
    assert_recovered(stack)
    assert run_of_job(stack, "clickstream") == new
    assert set(preview_ops(stack).values()) == {"same"}


def test_killed_stop_recover_keeps_the_run_in_state_for_the_next_up(stack):
    old, _ = kill_restart(stack, "clickstream", method="DELETE")
    assert [op["type"] for op in stack.pending()] == ["deleting"]
    code, out, err, calls = recover(stack)

    assert (code, err, calls) == (0, "", [])
    assert out == (f"clickstream: dropped the interrupted stop of run {old}; it stays in state, and the next "
                   "`pulumi up` stops it if the spec no longer wants it\n")
    assert_recovered(stack)
    assert run_of_job(stack, "clickstream") == old
    assert preview_ops(stack)["clickstream"] == "replace"
    stack.ws.run(*UP)
    assert len(untracked(stack)) == RUNS_UNTRACKED_AFTER_RECOVERY
    assert {r["jobRunId"]: r["state"] for r in stack.runs()}[old] == "CANCELLED"


def test_killed_tag_update_recover_keeps_the_run_and_the_next_up_tags_it_again(stack, proxy):
    stack.ws.run(*UP)
    run = run_of_job(stack, "orders-etl")
    entry, extra = JOBS["orders-etl"]
    stack.write_spec("orders-etl", entry, extra + "tags: {team: data}\n")
    proxy.add("POST", r"^/tags/", *KILL_TAG)
    kill_when_held(stack, stack.start("tags.log"), "tags.log", "POST", r"^/tags/")
    assert [op["type"] for op in stack.pending()] == ["updating"]
    code, out, err, calls = recover(stack)

    assert (code, err, calls) == (0, "", [])
    assert out == (f"orders-etl: dropped the interrupted tag update of run {run}; the next `pulumi up` applies "
                   "the tags again\n")
    assert_recovered(stack)
    assert run_of_job(stack, "orders-etl") == run
    assert preview_ops(stack)["orders-etl"] == "update"  # TagResource again (moto lacks it: not run here)


# -- nothing pending -------------------------------------------------------------------------------------

def test_nothing_to_recover_says_so_and_changes_nothing(stack):
    stack.ws.run(*UP)
    before = stack.state_file().read_bytes()
    code, out, err, calls = recover(stack)

    assert (code, out, err, calls) == (0, NOTHING, "", [])
    assert stack.state_file().read_bytes() == before


def test_a_lock_left_without_pending_operation_is_cleared(stack, proxy):
    stack.endpoint.new_runs("RUNNING")  # runs that have not ended: the refresh asks about them
    try:
        stack.ws.run(*UP)
    finally:
        stack.endpoint.new_runs(None)
    proxy.add("GET", LIST_RUNS.format(app=stack.app), *KILL_READ)
    refresh = stack.start("refresh.log", "refresh", "--yes", "--skip-preview", "--parallel", "1")
    kill_when_held(stack, refresh, "refresh.log", "GET", LIST_RUNS.format(app=stack.app))
    assert not stack.pending()
    assert len(locks(stack)) == 1
    refused = stack.ws.run(*UP, check=False)
    assert "the stack is currently locked by 1 lock(s)" in refused.stdout + refused.stderr
    code, out, err, calls = recover(stack)

    assert (code, out, err, calls) == (0, NOTHING, "", [])
    assert_recovered(stack)
    assert "4 unchanged" in stack.ws.run(*UP).stdout


# -- failures --------------------------------------------------------------------------------------------

def test_a_failure_is_one_sentence_changes_no_state_and_recover_can_run_again(stack, killed_create, proxy):
    job, token, run = killed_create
    entry, extra = JOBS[job]
    stack.write_spec(job, entry, extra + "executionTimeoutMinutes: lots\n")
    lint = stack.jobspec("lint", "--stack", STACK, "jobspecs")
    (finding,) = [line for line in lint.stdout.splitlines() if " error " in line]
    code, out, err, calls = recover(stack)
    assert (code, out, calls) == (1, "", [])
    assert err == (f"jobspec recover: stack {STACK}: the specs in jobspecs have errors for stack {STACK}, so which "
                   f"runs they want is unknown (`pulumi up` would fail on them too): {finding}. The stack's state "
                   f"and lock are unchanged; fix that, then run `jobspec recover --stack {STACK}` again.\n")

    stack.write_spec(job, entry, extra)
    proxy.add("POST", stack.jobruns, *DENIED)
    code, out, err, calls = recover(stack)
    assert (code, out, calls) == (1, "", [f"StartJobRun {token}"])
    assert err == (f"jobspec recover: stack {STACK}: {job}: StartJobRun with the interrupted update's clientToken "
                   f"{token} failed: AccessDeniedException: injected by fault proxy: status. The stack's state and "
                   f"lock are unchanged; fix that, then run `jobspec recover --stack {STACK}` again.\n")
    assert [op["type"] for op in stack.pending()] == ["creating"]
    assert len(locks(stack)) == 1

    code, out, _, _ = recover(stack)
    assert (code, out) == (0, f"{job}: adopted run {run} (started by the interrupted update)\n")
    assert_recovered(stack)



def test_an_engine_failure_is_one_sentence(stack):
    proc = stack.jobspec("recover", "--stack", "nosuch")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == "jobspec recover: stack nosuch: `pulumi stack export` failed: no stack named 'nosuch' found\n"


# -- why recover edits the state itself ------------------------------------------------------------------

def test_the_engines_import_pending_creates_drops_the_resource_instead(stack, killed_create):
    """``pulumi refresh --import-pending-creates URN ID`` (v3.274.1) loses the run: recover must not use it.

    The flag turns the pending create into a pending "importing" operation, and the
    refresh carries only "creating" operations into the new state: the resource is
    in neither the resources nor the pending operations. If a Pulumi upgrade makes
    this test fail, the flag may have become a way to adopt a run.
    """
    job, _, run = killed_create
    (pending,) = stack.pending()
    stack.ws.run("cancel", "--yes")
    stack.ws.run("refresh", "--yes", "--skip-preview", "--import-pending-creates", pending["resource"]["urn"],
                 "--import-pending-creates", run)

    assert not stack.pending()
    assert job not in {own_keys.of(r["inputs"])["jobName"] for r in stack.ws.resources()}
    assert run not in stack.tracked()
