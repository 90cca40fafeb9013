"""How much of jobspec's extra create cost is the engine writing jobspec's larger state.

    python -m bench.outputs_bench [--sizes 100,300,1000] [--runs 2] [--no-write]

bench/apply_bench.py finds jobspec's own cost per added job (jobspec − the do-nothing
provider, between two sizes) growing with N for ``create``. The engine rewrites the whole
snapshot after every step, at a cost that follows the number of property values in it
(docs/engine-snapshots.md), and a JobRun holds more of them than the do-nothing
provider's resource: jobspec's own keys (one string input) and the six run outputs
(``arn``, ``jobRunId``, ``state``, ``stateDetails``, ``createdAt``, ``updatedAt``).
This benchmark adds a third stack: the do-nothing provider holding a state of that
shape (``JOBSPEC_BENCH_RUN_OUTPUTS=1``: the same keys, values of the same size, still
no call). Then:

- (do-nothing with outputs) − (do-nothing) is the engine's cost of jobspec's state shape;
- jobspec − (do-nothing with outputs) is what jobspec's provider and program add.

Each run creates N jobs with each of the three stacks, taking turns (who goes first
rotates), then forgets the stacks' state and the endpoint's runs (no destroy: it is not
measured here). Only ``create`` is timed: the step whose own cost apply_bench finds
growing. The table goes into bench/RESULTS.md between markers.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import apply_bench, bytecode, preview_bench, proctree
from bench.results import write_section
from tools.engine import PulumiWorkspace, pulumi_bin_dir
from tools.local_endpoint import LocalEndpoint

SIZES = (100, 300, 1000)
RUNS = 2
KINDS = ("jobspec", "noop", "noop+outputs")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- outputs_bench:start -->", "<!-- outputs_bench:end -->"


def stacks_for(root: Path, n: int, bin_dir: Path, aws: dict[str, str]) -> apply_bench.Stacks:
    """apply_bench's two stacks, and the do-nothing program's again with jobspec's state shape."""
    stacks = apply_bench.Stacks(root, n, bin_dir, aws, {})
    noop = stacks.spaces["noop"]
    shaped = PulumiWorkspace(noop.project_dir, root / "state-noop-outputs", "bench",
                             {**noop.extra_env, "JOBSPEC_BENCH_RUN_OUTPUTS": "1"}, bin_dir)
    shaped.init()
    shaped.run("preview", timeout=stacks.timeout())
    stacks.spaces["noop+outputs"] = shaped
    return stacks


def forget(stacks: apply_bench.Stacks) -> None:
    """Empty every stack again without a destroy: a fresh backend and a new stack of the same name."""
    for ws in stacks.spaces.values():
        shutil.rmtree(ws.state_dir / "backend", ignore_errors=True)
        ws.init()


def run_size(n: int, runs: int, bin_dir: Path,
             endpoint: LocalEndpoint) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall seconds and own CPU seconds (program, provider, preflight worker: bench/proctree.py) per kind."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with tempfile.TemporaryDirectory(prefix="jobspec-outputs-bench-") as tmp:
        stacks = stacks_for(Path(tmp), n, bin_dir, endpoint.env())
        for r in range(runs):
            forget(stacks)
            endpoint.forget_runs(preview_bench.APPLICATION)
            endpoint.new_runs("RUNNING")
            for kind in KINDS[r % len(KINDS):] + KINDS[:r % len(KINDS)]:
                measured: proctree.Measured = stacks.step(kind, "create", ("up", "--yes", "--skip-preview"))
                times[kind].append(measured.seconds)
                cpu[kind].append(measured.own_cpu_seconds)
                print(f"outputs {n:>5} jobs, run {r + 1}/{runs}, create {kind:<13} {measured.seconds:7.2f}s "
                      f"own CPU {measured.own_cpu_seconds:6.2f}s {measured.cpu_seconds}", file=sys.stderr, flush=True)
    return times, cpu


def _slope(rows: dict[int, dict[str, float]], a: int, b: int, minus: str, base: str) -> float:
    """(minus − base) per added job between sizes a and b, in ms."""
    return ((rows[b][minus] - rows[b][base]) - (rows[a][minus] - rows[a][base])) / (b - a) * 1000


def table(results: dict[int, dict[str, list[float]]], runs: int,
          cpu: dict[int, dict[str, list[float]]] | None = None) -> str:
    """The results section; ``cpu`` (own CPU seconds, as ``results``) adds its columns and slopes."""
    med = {n: {kind: statistics.median(ts) for kind, ts in by_kind.items()} for n, by_kind in results.items()}
    cpu_med = {n: {kind: statistics.median(ts) for kind, ts in by_kind.items()} for n, by_kind in (cpu or {}).items()}
    lines = ["| jobs | jobspec s | do-nothing s | do-nothing with jobspec's outputs s |"
             + (" own CPU s: jobspec / do-nothing / with outputs |" if cpu else ""),
             "|---:|---:|---:|---:|" + ("---:|" if cpu else "")]
    for n, by_kind in results.items():
        cells = [f"{med[n][k]:.2f} ({min(ts):.2f}–{max(ts):.2f})" for k, ts in by_kind.items()]
        if cpu:
            cells.append(" / ".join(f"{cpu_med[n][k]:.2f}" for k in KINDS))
        lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    sizes = sorted(results)
    pairs = list(zip(sizes, sizes[1:]))
    lines += ["", "Cost per added job between two sizes, ms (of the medians):", "",
              "| sizes | jobspec − do-nothing | engine: jobspec's state shape | jobspec's provider and program |"
              + (" jobspec's provider and program, own CPU |" if cpu else ""),
              "|---|---:|---:|---:|" + ("---:|" if cpu else "")]
    for a, b in pairs:
        lines.append(f"| {a:,} → {b:,} | {_slope(med, a, b, 'jobspec', 'noop'):.1f} "
                     f"| {_slope(med, a, b, 'noop+outputs', 'noop'):.1f} "
                     f"| {_slope(med, a, b, 'jobspec', 'noop+outputs'):.1f} |"
                     + (f" {_slope(cpu_med, a, b, 'jobspec', 'noop+outputs'):.1f} |" if cpu else ""))
    return "\n".join([
        "## create: jobspec's state shape vs jobspec's work (`python -m bench.outputs_bench`)", "",
        f"`pulumi up` creating N jobs, median (min–max) of {runs} runs, the three stacks taking turns; "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, 2 cores, engine defaults, local "
        "endpoint. *do-nothing with jobspec's outputs*: bench/noop with `JOBSPEC_BENCH_RUN_OUTPUTS=1`, holding "
        "jobspec's own-keys string and its six run outputs (values of the same size) and calling nothing. "
        "*engine: jobspec's state shape* is its cost over the plain do-nothing provider; *jobspec's provider "
        "and program* is jobspec's over it." + (
            " *Own CPU*: CPU seconds of the program, provider and preflight worker processes (bench/proctree.py); "
            "the SDK's work in them grows with N and with the engine's duration alike, so only the same-shaped "
            "do-nothing stack is a fair base for it." if cpu else ""), "", *lines])


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.outputs_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda t: tuple(int(x) for x in t.split(",")), default=SIZES)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-write", action="store_true", help="print the table only; leave bench/RESULTS.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bin_dir = pulumi_bin_dir()
    bytecode.compile_modules()
    results, cpu = {}, {}
    with LocalEndpoint() as endpoint:
        endpoint.create_application("bench", application_id=preview_bench.APPLICATION)
        for n in args.sizes:
            results[n], cpu[n] = run_size(n, args.runs, bin_dir, endpoint)
    text = table(results, args.runs, cpu)
    print(text)
    if not args.no_write:
        write_section(RESULTS, START, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
