"""CPU time of jobspec's own code while ``pulumi up`` creates N jobs: is it linear in N?

    python -m bench.owncode_bench [--sizes 100,300,1000] [--runs 1] [--no-write]

bench/apply_bench.py finds create's cost over a do-nothing provider growing faster than
N, in wall time and in the CPU of jobspec's processes alike; both also hold work that is
not jobspec's: the engine's state writes, and the Python SDK's, which grows with N and
with how long the engine takes. This benchmark counts jobspec's code only, through the
real engine and the local endpoint: the program's ``main`` (imports, lint, compile, the
jobs declared: bench/owncode/__main__.py) and each provider method's own call
(bench/owncode/provider.py). Linear: jobspec's CPU per added job between two sizes may
grow by apply_bench's factor and slack from the first pair of sizes to the last.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import apply_bench, bytecode, preview_bench, proctree
from bench.results import write_section
from tools.engine import REPO, PulumiWorkspace, pulumi_bin_dir
from tools.local_endpoint import LocalEndpoint

SIZES = (100, 300, 1000)
RUNS = 1
START, END = "<!-- owncode_bench:start -->", "<!-- owncode_bench:end -->"
PARTS = ("program", "check", "diff", "create")


def create_once(n: int, bin_dir: Path, endpoint: LocalEndpoint) -> dict[str, float]:
    """CPU seconds of each part of jobspec's code in one ``up`` creating ``n`` jobs, and its wall seconds."""
    with tempfile.TemporaryDirectory(prefix="jobspec-owncode-bench-") as tmp:
        root = Path(tmp)
        preview_bench._projects(root, n)
        shutil.copy(REPO / "bench" / "owncode" / "__main__.py", root / "ours" / "__main__.py")
        counts = root / "cpu"
        counts.mkdir()
        ws = PulumiWorkspace(root / "ours", root / "state", "bench",
                             {**endpoint.env(), "PYTHONPATH": str(REPO), "JOBSPEC_BENCH_OWN_CPU_DIR": str(counts)},
                             bin_dir)
        ws.init()
        (ws.state_dir / "backend").mkdir(parents=True, exist_ok=True)
        endpoint.forget_runs(preview_bench.APPLICATION)
        endpoint.new_runs("RUNNING")
        measured = proctree.run(["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"], ws.project_dir,
                                ws.command_env("up"), apply_bench.TIMEOUT_BASE + apply_bench.TIMEOUT_PER_JOB * n)
        created = apply_bench.summary(measured.stdout).get("created")
        if measured.returncode != 0 or created != n + 1:
            raise apply_bench.BenchError(f"create of {n} jobs: exit {measured.returncode}, created {created}:\n"
                                         f"{measured.stdout[-3000:]}\n{measured.stderr[-3000:]}")
        return {"wall": measured.seconds, **parts_of(counts)}


def parts_of(counts: Path) -> dict[str, float]:
    """The CPU seconds the program and provider processes wrote to ``counts``, per part (``PARTS``)."""
    parts = dict.fromkeys(PARTS, 0.0)
    for path in counts.glob("program-*.json"):
        parts["program"] += json.loads(path.read_text())["main"]
    for path in counts.glob("provider-*.json"):
        for method, (_, seconds) in json.loads(path.read_text()).items():
            if method in parts:
                parts[method] += seconds
    return parts


def table(results: dict[int, list[dict[str, float]]]) -> str:
    """Per-job CPU of each part (median over the runs), and the linearity of their sum."""
    med = {n: {k: statistics.median(run[k] for run in runs) for k in ("wall", *PARTS)} for n, runs in results.items()}
    lines = ["| jobs | `up` s | program `main`, ms/job | provider check | diff | create "
             "| jobspec's code, ms/job (min–max of the runs) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for n, m in med.items():
        cells = [f"{1000 * m[k] / n:.2f}" for k in PARTS]
        totals = [1000 * sum(run[k] for k in PARTS) / n for run in results[n]]
        spread = f" ({min(totals):.2f}–{max(totals):.2f})" if len(totals) > 1 else ""
        lines.append(f"| {n:,} | {m['wall']:.1f} | " + " | ".join(cells) + f" | {1000 * sum(m[k] for k in PARTS) / n:.2f}"
                     f"{spread} |")
    sizes = sorted(med)
    slopes = [(a, b, 1000 * (sum(med[b][k] for k in PARTS) - sum(med[a][k] for k in PARTS)) / (b - a))
              for a, b in zip(sizes, sizes[1:])]
    verdict = {None: "not judged (needs three sizes)", True: "linear", False: "**NOT linear**"}[apply_bench.linear(slopes)]
    shown = ", ".join(f"{a:,}→{b:,}: {ms:.2f}" for a, b, ms in slopes) or "one size only"
    runs = min(len(r) for r in results.values())
    return "\n".join([
        "## create: CPU of jobspec's own code (`python -m bench.owncode_bench`)", "",
        *lines, "",
        f"- jobspec's code, CPU per added job, ms ({shown}): {verdict}.", "",
        f"`pulumi up` creating N jobs through the real engine and the local endpoint, median of {runs} run(s); "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, 2 cores. *program `main`*: the "
        "program process's CPU in providers/program.py's `main` (imports, lint, compile, the jobs declared, the "
        "SDK's resource construction included); *provider*: the thread CPU of each method's own call, summed. "
        "Neither holds the SDK's work around them nor the engine's (bench/apply_bench.py has those)."])


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.owncode_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda t: tuple(int(x) for x in t.split(",")), default=SIZES)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-write", action="store_true", help="print the table only; leave bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.runs < 1 or any(n < 1 for n in args.sizes):
        parser.error("--runs and every size must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bin_dir = pulumi_bin_dir()
    bytecode.compile_modules()
    results: dict[int, list[dict[str, float]]] = {}
    with LocalEndpoint() as endpoint:
        endpoint.create_application("bench", application_id=preview_bench.APPLICATION)
        for n in args.sizes:
            for r in range(args.runs):
                results.setdefault(n, []).append(create_once(n, bin_dir, endpoint))
                print(f"owncode {n:>5} jobs, run {r + 1}/{args.runs}: {results[n][-1]}", file=sys.stderr, flush=True)
    text = table(results)
    print(text)
    if not args.no_write:
        write_section(REPO / "bench" / "RESULTS.md", START, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
