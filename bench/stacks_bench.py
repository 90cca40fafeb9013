"""``pulumi up`` creating N jobs as one stack, against K stacks of N/K (one after the other, and side by side).

The layout of README "Several stacks in one repository": one project, a folder per
team (``teams/t0`` …), each stack reading its own (``jobspec:specs``). For each run,
in fresh stacks and a fresh application of the local endpoint (moto on 127.0.0.1):

- **one stack**: every spec in ``jobspecs/``, one ``pulumi up``;
- **K stacks, one after the other**: ``pulumi up`` of each team stack in turn (the
  wall time of all of them);
- **K stacks, side by side**: the K updates started together, as the deploy
  workflow's matrix runs them (the wall time until the last one ends). On one
  machine they share its cores; on CI each matrix job has a runner of its own.

The specs are bench/preview_bench.py's (same bodies, same secrets). Wall time of the
``pulumi up --yes --skip-preview`` processes only; stack creation and config are not
timed. Every update is bounded (``--timeout``); a run that does not finish is killed
with every process it started and the benchmark fails.

    .venv/bin/python -m bench.stacks_bench --jobs 40 --stacks 4 --runs 1     # a quick look (~1 min)
    .venv/bin/python -m bench.stacks_bench --jobs 1000 --stacks 4 --runs 3 --write

``--write`` puts the table into bench/RESULTS.md and README.md, between the
``<!-- stacks_bench:start -->`` / ``<!-- stacks_bench:end -->`` markers.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import bytecode
from bench.preview_bench import spec_text
from bench.proctree import kill_session
from bench.results import write_section
from tools.engine import REPO, PulumiWorkspace, pulumi_bin_dir, scratch_project
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

START, END = "<!-- stacks_bench:start -->", "<!-- stacks_bench:end -->"
UP = ("up", "--yes", "--skip-preview", "--non-interactive")
LAYOUTS = ("one stack", "one after the other", "side by side")


class Timeout(RuntimeError):
    """An update that did not finish within the bound; its processes were killed."""


def _teams(n: int, k: int) -> list[list[int]]:
    """Spec numbers of each team: N split into K folders as evenly as it goes."""
    return [list(range(n))[t::k] for t in range(k)]


def _project(root: Path, app: str, folders: dict[str, list[int]]) -> Path:
    """A project with a folder of specs for each stack (``jobspecs`` for the one stack, ``teams/<stack>`` else)."""
    project = scratch_project(root, "bench-stacks")
    (project / "_defaults.yaml").write_text(f"defaults:\n  applicationId: {app}\n  executionRoleArn: {ROLE_ARN}\n")
    for folder, numbers in folders.items():
        (project / folder).mkdir(parents=True)
        for i in numbers:
            (project / folder / f"job-{i:04d}.yaml").write_text(spec_text(i))
    return project


def _stack(project: Path, state: Path, stack: str, folder: str, env: dict[str, str], bin_dir: Path) -> PulumiWorkspace:
    ws = PulumiWorkspace(project, state, stack, env, bin_dir)
    ws.init()
    ws.run("config", "set", "jobspec:specs", folder)
    return ws


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL every process of ``proc``'s session (the engine starts its plugins in process groups of their own)."""
    kill_session(proc.pid)
    proc.wait(timeout=60)


def _ups(spaces: list[PulumiWorkspace], timeout: float) -> list[float]:
    """Start ``pulumi up`` of every stack at once; seconds each took. Raises Timeout (all killed) past ``timeout``."""
    logs = [ws.state_dir / "up.log" for ws in spaces]  # files, not pipes: a full pipe would stall an update
    start = time.perf_counter()
    procs = []
    for ws, log in zip(spaces, logs):
        (ws.state_dir / "backend").mkdir(parents=True, exist_ok=True)
        with open(log, "w") as out:
            procs.append(subprocess.Popen(["pulumi", *UP], cwd=ws.project_dir, env=ws.command_env("up"), stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True))
    took = []
    try:
        for ws, proc, log in zip(spaces, procs, logs):
            proc.wait(timeout=max(1.0, start + timeout - time.perf_counter()))
            took.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise RuntimeError(f"pulumi up of stack {ws.stack} exited {proc.returncode}:\n{log.read_text()[-4000:]}")
    except subprocess.TimeoutExpired:
        raise Timeout(f"pulumi up did not finish within {timeout:.0f} s") from None
    finally:
        for proc in procs:
            if proc.poll() is None:
                _kill(proc)
    return took


def _jobs_in_state(ws: PulumiWorkspace) -> int:
    return len(ws.resources())


def measure(n: int, k: int, timeout: float, bin_dir: Path, endpoint: LocalEndpoint, run: int = 0) -> dict[str, float]:
    """One run of the three layouts, each in fresh stacks and a fresh application: wall seconds per layout."""
    env = endpoint.env()
    teams = _teams(n, k)
    out = {}
    with tempfile.TemporaryDirectory(prefix="jobspec-stacks-bench-") as tmp:
        root = Path(tmp)
        for layout in LAYOUTS:
            app = endpoint.create_application(f"bench-{run}-{layout.replace(' ', '-')}")
            where = root / layout.replace(" ", "-")
            if layout == "one stack":
                project = _project(where / "project", app, {"jobspecs": list(range(n))})
                spaces = [_stack(project, where / "state", "all", "jobspecs", env, bin_dir)]
            else:
                project = _project(where / "project", app, {f"teams/t{t}": numbers for t, numbers in enumerate(teams)})
                spaces = [_stack(project, where / f"state-t{t}", f"t{t}", f"teams/t{t}", env, bin_dir)
                          for t in range(k)]
            if layout == "side by side":
                out[layout] = max(_ups(spaces, timeout))
            else:
                out[layout] = sum(_ups([ws], timeout)[0] for ws in spaces)
            created = sum(_jobs_in_state(ws) for ws in spaces)
            if created != n:
                raise RuntimeError(f"{layout}: {created} jobs in state, not {n}")
            print(f"  {layout}: {out[layout]:.1f} s", file=sys.stderr)
    return out


def table(n: int, k: int, runs: list[dict[str, float]]) -> str:
    base = statistics.median(r["one stack"] for r in runs)
    size = f"{k} stacks of {n // k:,}" if n % k == 0 else f"{k} stacks of about {n // k:,}"
    names = {"one stack": f"one stack of {n:,}", "one after the other": f"{size}, one after the other",
             "side by side": f"{size}, side by side"}
    lines = ["| jobs | layout | `pulumi up` creating all, s (median) | range | per job, ms | vs one stack |",
             "|---:|---|---:|---:|---:|---:|"]
    for layout in LAYOUTS:
        values = [r[layout] for r in runs]
        median = statistics.median(values)
        lines.append(f"| {n:,} | {names[layout]} | {median:.1f} | {min(values):.1f}–{max(values):.1f} | "
                     f"{1000 * median / n:.0f} | {median / base:.2f}× |")
    lines += ["", f"{len(runs)} run(s), fresh stacks each; {os.cpu_count()} cores, Python {platform.python_version()}, "
                  f"{datetime.date.today()}. Wall time of the `pulumi up --yes --skip-preview` processes "
                  "(one after the other: their sum; side by side: until the last ends), against the local "
                  "endpoint. Side by side here the stacks share one machine's cores; the deploy workflow gives "
                  "each its own runner. Command: `python -m bench.stacks_bench "
                  f"--jobs {n} --stacks {k} --runs {len(runs)} --write`."]
    return "\n".join(lines)


def write(text: str) -> None:
    """The table into bench/RESULTS.md (its own section) and README.md, between the markers."""
    write_section(REPO / "bench" / "RESULTS.md", START, END,
                  f"## One stack or several: `pulumi up` creating all (`python -m bench.stacks_bench`)\n\n{text}")
    write_section(REPO / "README.md", START, END, text, create=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stacks_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000, help="jobs in all (default 1000)")
    parser.add_argument("--stacks", type=int, default=4, help="stacks they are split into (default 4)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the three layouts (default 3)")
    parser.add_argument("--timeout", type=float, default=1800, help="bound on each `pulumi up`, seconds (default 1800)")
    parser.add_argument("--write", action="store_true", help="write the table into bench/RESULTS.md and README.md")
    args = parser.parse_args(argv)
    if args.jobs < args.stacks or args.stacks < 2:
        parser.error("--stacks must be 2 or more, and --jobs at least --stacks")
    bin_dir = pulumi_bin_dir()
    bytecode.compile_modules()
    results = []
    with LocalEndpoint() as endpoint:
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}: {args.jobs} jobs, 1 stack vs {args.stacks}", file=sys.stderr)
            results.append(measure(args.jobs, args.stacks, args.timeout, bin_dir, endpoint, run))
    out = table(args.jobs, args.stacks, results)
    print(out)
    if args.write:
        write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
