"""Cost of ``pulumi up``, ``refresh`` and ``destroy``: jobspec vs a do-nothing provider, with peak memory.

    python -m bench.apply_bench [--sizes 100,300,1000] [--runs 3] [--up-repeats 3] [--engine-env NAME=VALUE ...]
                                [--no-write]

For each size N: N distinct generated specs (bench/preview_bench.py's), one stack of
jobspec's program and one of the do-nothing program (bench/noop: the same compiled
bodies, the same members secret; its read returns the state unchanged, its delete
does nothing), both against the local endpoint (moto, in this process). Each run
times, through the real engine, in this order: ``up`` creating all N, a no-change
``up``, a one-change ``up`` (one spec's entry point edited: one replace), ``refresh``
and ``destroy``; the two ``up`` steps ``--up-repeats`` times in a row (the edit, then
back...), the run keeping the median, since at 100 jobs they take ~2 s and the
machine's noise alone moves one of them by ±0.15 s. jobspec and the do-nothing stack
take turns step by step (who goes first alternates per run), so drift hits both
alike. Every command is checked (exit status, and the engine's step summary: N
created, one replaced, N deleted)
and bounded (``TIMEOUT_BASE + TIMEOUT_PER_JOB * N`` seconds, then its whole
process tree gets SIGKILL). Peak memory is the whole tree's: engine, language host
and provider processes (bench/proctree.py).

Commands run as the demo runs them (``--skip-preview``: previews are
bench/preview_bench.py's) with the engine's default settings, unless
``--engine-env`` adds variables (both stacks get them; the results then go to a
section of their own).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import bytecode, preview_bench, proctree
from bench.results import write_section
from tools.engine import REPO, PulumiWorkspace, pulumi_bin_dir
from tools.local_endpoint import LocalEndpoint

SIZES = (100, 300, 1000)
RUNS = 3
KINDS = ("jobspec", "noop")
#: Step, pulumi arguments, target (≤ this × the do-nothing provider).
STEPS = (
    ("create", ("up", "--yes", "--skip-preview"), 1.5),
    ("no-change up", ("up", "--yes", "--skip-preview"), 1.3),
    ("one-change up", ("up", "--yes", "--skip-preview"), 1.3),
    # A run's life as a refresh sees it (providers/run_reads.py): created RUNNING and still running (one
    # ListJobRuns of the runs not ended for all); ended since the last refresh (that list, then one ListJobRuns
    # of the recent runs, which lists their ends: no GetJobRun while they fit in its MAX_PAGES pages); recorded
    # as ended (nothing asked). The endpoint starts the create's runs RUNNING and ends them before the 2nd refresh.
    ("refresh, runs not ended", ("refresh", "--yes", "--skip-preview"), 1.5),
    ("refresh, runs ended since", ("refresh", "--yes", "--skip-preview"), 1.5),
    ("refresh, runs recorded ended", ("refresh", "--yes", "--skip-preview"), 1.5),
    ("destroy", ("destroy", "--yes", "--skip-preview"), 1.5),
)
#: Steps short enough at 100 jobs (~2 s) for the machine's noise (±0.15 s) to move one run's ratio by ±0.1:
#: each run times them UP_REPEATS times in a row (the providers taking turns) and keeps the median.
REPEATED = ("no-change up", "one-change up")
UP_REPEATS = 3
TIMEOUT_BASE, TIMEOUT_PER_JOB = 180.0, 1.2
#: The spec edited by the one-change step, and the edit (its entry point: a body change, so a replace).
EDITED, EDIT = "job-0000.yaml", ("etl/job_0.py", "etl/job_0_v2.py")
#: "Linear in N": jobspec's extra cost per added job (the slope between two sizes) may grow by this factor
#: plus SLOPE_SLACK_MS from the first pair of sizes to the last (it stays flat when linear).
SLOPE_FACTOR, SLOPE_SLACK_MS = 1.5, 2.0
SECTIONS = {False: "apply_bench", True: "apply_bench_engine_env"}


class BenchError(RuntimeError):
    """A step that failed, timed out or did not do what the benchmark expects."""


@dataclass(frozen=True)
class Sample:
    n: int
    run: int
    step: str
    kind: str
    seconds: float
    peak_tree_mib: float
    peak_process_mib: float
    state_kib: float
    #: CPU seconds of the program, provider and preflight worker processes (bench/proctree.py's OWN).
    own_cpu_s: float = 0.0
    #: CPU seconds of the engine process.
    engine_cpu_s: float = 0.0


def summary(stdout: str) -> dict[str, int]:
    """The engine's step counts from its ``Resources:`` block: ``{"created": 101, "unchanged": 3, ...}``."""
    block = stdout.split("Resources:", 1)[1] if "Resources:" in stdout else ""
    counts = {}
    for line in block.splitlines()[1:]:
        match = re.match(r"^\s+[-+~<>]*\s*(\d+) (\w+)", line)
        if not match:
            break
        counts[match.group(2)] = int(match.group(1))
    return counts


#: What each step must have done, from its summary (the stack resource counts too: N + 1).
EXPECTED = {
    "create": lambda n, c: c.get("created") == n + 1,
    "no-change up": lambda n, c: set(c) == {"unchanged"},
    "one-change up": lambda n, c: c.get("replaced") == 1 and c.get("unchanged") == n,
    "refresh, runs not ended": lambda n, c: sum(c.values()) == n + 1,
    "refresh, runs ended since": lambda n, c: sum(c.values()) == n + 1,
    "refresh, runs recorded ended": lambda n, c: sum(c.values()) == n + 1,
    "destroy": lambda n, c: c.get("deleted") == n + 1,
}


class Stacks:
    """The two stacks of one size, in a scratch folder, and the edit the one-change step makes."""

    def __init__(self, root: Path, n: int, bin_dir: Path, aws: dict[str, str], engine_env: dict[str, str]) -> None:
        self.root, self.n = root, n
        preview_bench._projects(root, n)  # ours/jobspecs, bodies.json, the noop project
        specs = root / "ours" / "jobspecs"
        self.spec = specs / EDITED
        self.original = self.spec.read_text()
        assert EDIT[0] in self.original, "the edit must change the spec"
        self.edited = self.original.replace(*EDIT)
        shutil.copy(root / "bodies.json", root / "bodies-original.json")
        self.spec.write_text(self.edited)
        preview_bench.write_bodies(specs, root / "bodies-edited.json")
        self.spec.write_text(self.original)
        env = {**aws, "JOBSPEC_BENCH_BODIES": str(root / "bodies.json"), "PYTHONPATH": str(REPO), **engine_env}
        self.spaces = {
            "jobspec": PulumiWorkspace(root / "ours", root / "state-ours", "bench", env, bin_dir),
            "noop": PulumiWorkspace(root / "noop", root / "state-noop", "bench",
                                    {**env, "JOBSPEC_BENCH_SECRETS": "1"}, bin_dir),
        }
        for ws in self.spaces.values():
            ws.init()
            ws.run("preview", timeout=self.timeout())  # warm-up: bytecode, plugin start, file caches

    def timeout(self) -> float:
        return TIMEOUT_BASE + TIMEOUT_PER_JOB * self.n

    def edit(self, edited: bool) -> None:
        self.spec.write_text(self.edited if edited else self.original)
        shutil.copy(self.root / ("bodies-edited.json" if edited else "bodies-original.json"), self.root / "bodies.json")

    def step(self, kind: str, step: str, args: tuple[str, ...]) -> proctree.Measured:
        ws = self.spaces[kind]
        (ws.state_dir / "backend").mkdir(parents=True, exist_ok=True)
        command = ["pulumi", *args, "--non-interactive"]
        measured = proctree.run(command, ws.project_dir, ws.command_env(args[0]), self.timeout())
        counts = summary(measured.stdout)
        if measured.timed_out or measured.returncode != 0 or not EXPECTED[step](self.n, counts):
            why = "timed out" if measured.timed_out else f"exited {measured.returncode}, steps {counts}"
            raise BenchError(f"{kind} {step} at {self.n} jobs {why}:\n{measured.stdout[-3000:]}\n"
                             f"{measured.stderr[-3000:]}")
        return measured

    def state_kib(self, kind: str) -> float:
        """Size of the stack's state file: the engine rewrites all of it at every checkpoint."""
        files = list((self.spaces[kind].state_dir / "backend" / ".pulumi" / "stacks").glob("*/bench.json"))
        return sum(f.stat().st_size for f in files) / 1024


def run_size(n: int, runs: int, bin_dir: Path, endpoint: LocalEndpoint, engine_env: dict[str, str],
             up_repeats: int = UP_REPEATS) -> list[Sample]:
    samples = []
    with tempfile.TemporaryDirectory(prefix="jobspec-apply-bench-") as tmp:
        stacks = Stacks(Path(tmp), n, bin_dir, endpoint.env(), engine_env)
        for r in range(runs):
            endpoint.forget_runs(preview_bench.APPLICATION)  # both stacks are empty now: every run starts alike
            stacks.edit(False)
            order = KINDS if r % 2 == 0 else KINDS[::-1]
            for step, args, _ in STEPS:
                # Runs start RUNNING, as on the service, and all end before the second refresh.
                endpoint.new_runs("RUNNING" if step == "create" else None)
                if step == "refresh, runs ended since":
                    endpoint.end_runs(preview_bench.APPLICATION)
                timed: dict[str, list[proctree.Measured]] = {kind: [] for kind in order}
                for i in range(up_repeats if step in REPEATED else 1):
                    if step == "one-change up":
                        stacks.edit(i % 2 == 0)  # the edit, then back: one replace each time
                    for kind in order:
                        m = stacks.step(kind, step, args)
                        timed[kind].append(m)
                        print(f"apply {n:>5} jobs, run {r + 1}/{runs}, {step:<13} {kind:<7} {m.seconds:7.2f}s "
                              f"tree peak {m.peak_tree_kib / 1024:6.0f} MiB ({m.processes} processes)",
                              file=sys.stderr, flush=True)
                for kind in order:
                    samples.append(sample_of(n, r, step, kind, timed[kind], stacks.state_kib(kind)))
    return samples


def sample_of(n: int, run: int, step: str, kind: str, timed: list[proctree.Measured], state_kib: float) -> Sample:
    """One run's figure for a step timed once or more: the median time, the highest memory."""
    return Sample(n, run, step, kind, statistics.median(m.seconds for m in timed),
                  max(m.peak_tree_kib for m in timed) / 1024, max(m.peak_process_kib for m in timed) / 1024,
                  state_kib, statistics.median(m.own_cpu_seconds for m in timed),
                  statistics.median(m.cpu_seconds.get("engine", 0.0) for m in timed))


def run(sizes: tuple[int, ...] = SIZES, runs: int = RUNS, engine_env: dict[str, str] | None = None,
        up_repeats: int = UP_REPEATS) -> list[Sample]:
    bin_dir = pulumi_bin_dir()
    bytecode.compile_modules()
    samples: list[Sample] = []
    with LocalEndpoint() as endpoint:
        endpoint.create_application("bench", application_id=preview_bench.APPLICATION)
        for n in sizes:
            samples += run_size(n, runs, bin_dir, endpoint, engine_env or {}, up_repeats)
    return samples


def _of(samples: list[Sample], n: int, step: str, kind: str) -> list[Sample]:
    return sorted((s for s in samples if s.n == n and s.step == step and s.kind == kind), key=lambda s: s.run)


def rows(samples: list[Sample]) -> list[dict]:
    out = []
    for n in sorted({s.n for s in samples}):
        for step, _, target in STEPS:
            ours, noop = _of(samples, n, step, "jobspec"), _of(samples, n, step, "noop")
            a, b = [s.seconds for s in ours], [s.seconds for s in noop]
            ratios = [x / y for x, y in zip(a, b)]
            ratio = statistics.median(a) / statistics.median(b)
            out.append({"n": n, "step": step, "target": target, "ours": a, "noop": b, "ratio": ratio,
                        "own_cpu": ([s.own_cpu_s for s in ours], [s.own_cpu_s for s in noop]),
                        "engine_cpu": ([s.engine_cpu_s for s in ours], [s.engine_cpu_s for s in noop]),
                        "ratios": ratios, "met": ratio <= target,
                        "extra_ms": 1000 * (statistics.median(a) - statistics.median(b)) / n,
                        "tree_mib": (max(s.peak_tree_mib for s in ours), max(s.peak_tree_mib for s in noop)),
                        "process_mib": (max(s.peak_process_mib for s in ours), max(s.peak_process_mib for s in noop))})
    return out


def slopes(table_rows: list[dict], step: str, measure: str = "wall") -> list[tuple[int, int, float]]:
    """jobspec's extra seconds per added job between consecutive sizes, in ms: (n1, n2, ms/job).

    ``measure`` "wall": the wall time over the do-nothing provider's, the engine's work on
    jobspec's larger state included. "cpu": the CPU time of jobspec's own processes (program,
    provider, preflight worker) over the do-nothing's same processes: jobspec's own cost.
    """
    mine = sorted((r for r in table_rows if r["step"] == step), key=lambda r: r["n"])
    if measure == "cpu":
        extra = [(r["n"], statistics.median(r["own_cpu"][0]) - statistics.median(r["own_cpu"][1])) for r in mine]
    else:
        extra = [(r["n"], statistics.median(r["ours"]) - statistics.median(r["noop"])) for r in mine]
    return [(n1, n2, 1000 * (e2 - e1) / (n2 - n1)) for (n1, e1), (n2, e2) in zip(extra, extra[1:])]


def linear(step_slopes: list[tuple[int, int, float]]) -> bool | None:
    """True when the extra cost per added job does not grow with N; None with fewer than three sizes."""
    if len(step_slopes) < 2:
        return None
    return step_slopes[-1][2] <= SLOPE_FACTOR * max(step_slopes[0][2], 0.0) + SLOPE_SLACK_MS


def _spread(values: list[float]) -> str:
    med = statistics.median(values)
    return f"{med:.2f} ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else f"{med:.2f}"


def _pair(values: tuple[list[float], list[float]]) -> str:
    return f"{statistics.median(values[0]):.2f} / {statistics.median(values[1]):.2f}"


def _shown(step_slopes: list[tuple[int, int, float]]) -> str:
    return ", ".join(f"{n1:,}→{n2:,}: {ms:.1f}" for n1, n2, ms in step_slopes) or "one size only"


def _linear_word(step_slopes: list[tuple[int, int, float]]) -> str:
    return {None: "not judged (needs three sizes)", True: "linear", False: "**NOT linear**"}[linear(step_slopes)]


def table(samples: list[Sample], engine_env: dict[str, str] | None = None, up_repeats: int = UP_REPEATS) -> str:
    table_rows = rows(samples)
    runs = max(s.run for s in samples) + 1
    lines = [
        "| jobs | step | jobspec s | do-nothing s | ratio | target | met | jobspec − do-nothing, ms/job "
        "| own CPU s, jobspec / do-nothing | engine CPU s, jobspec / do-nothing "
        "| peak tree MiB, jobspec / do-nothing | largest process MiB, jobspec / do-nothing |",
        "|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in table_rows:
        ratio = (f"{r['ratio']:.2f}× ({min(r['ratios']):.2f}–{max(r['ratios']):.2f})" if runs > 1
                 else f"{r['ratio']:.2f}×")
        lines.append(f"| {r['n']:,} | {r['step']} | {_spread(r['ours'])} | {_spread(r['noop'])} | {ratio} | "
                     f"≤ {r['target']}× | {'yes' if r['met'] else '**no**'} | {r['extra_ms']:.1f} | "
                     f"{_pair(r['own_cpu'])} | {_pair(r['engine_cpu'])} | "
                     f"{r['tree_mib'][0]:.0f} / {r['tree_mib'][1]:.0f} | "
                     f"{r['process_mib'][0]:.0f} / {r['process_mib'][1]:.0f} |")
    lines.append("")
    for step, _, target in STEPS:
        mine = [r for r in table_rows if r["step"] == step]
        worst = max(mine, key=lambda r: r["ratio"])
        verdict = "met" if all(r["met"] for r in mine) else "NOT met"
        own, wall = slopes(table_rows, step, "cpu"), slopes(table_rows, step)
        lines.append(f"- {step}: ≤ {target}× the do-nothing provider **{verdict}** (worst {worst['ratio']:.2f}× "
                     f"at {worst['n']:,} jobs); jobspec's own CPU per added job, ms ({_shown(own)}): "
                     f"{_linear_word(own)}; its wall time over the do-nothing provider per added job, ms "
                     f"({_shown(wall)}): {_linear_word(wall)}.")
    sizes = ", ".join(f"{n:,} jobs: {_of(samples, n, 'create', 'jobspec')[0].state_kib:,.0f} / "
                      f"{_of(samples, n, 'create', 'noop')[0].state_kib:,.0f} KiB"
                      for n in sorted({s.n for s in samples}))
    lines.append(f"- State file after create, jobspec / do-nothing (rewritten whole at every checkpoint): {sizes}.")
    lines.append("")
    setting = ", ".join(f"`{k}={v}`" for k, v in sorted((engine_env or {}).items())) or "the engine's defaults"
    repeated = (f"A run's no-change and one-change `up` is the median of {up_repeats} in a row (one-change: the "
                "edit, then back, and so on: one replace each), the providers taking turns. " if up_repeats > 1 else "")
    lines.append(
        f"Wall time of each `pulumi` command (`--skip-preview`), median (min–max) of {runs} run(s), jobspec and the "
        f"do-nothing provider taking turns step by step; ratio: of the medians (min–max of each run's ratio). "
        f"{repeated}Engine v3.274.1, file backend, {setting}; local endpoint (moto) in the benchmark's process; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {datetime.date.today()}. "
        "Peak tree: the largest sum of resident memory over the engine, language host and provider processes "
        "(sampled every 0.1 s); largest process: the highest `VmHWM` of one of them. "
        "*Own CPU*: CPU seconds of the processes running the program's and the provider's code (program, provider, "
        "preflight worker), sampled with the memory; *engine CPU*: the engine process's. *Per added job*: "
        "(jobspec − do-nothing) between two sizes divided by the added jobs; linear when the last is "
        f"≤ {SLOPE_FACTOR}× the first + {SLOPE_SLACK_MS:.0f} ms. jobspec's own cost is its own CPU; its wall time "
        "over the do-nothing provider also holds the engine's work on jobspec's larger state "
        "(bench/outputs_bench.py measures that part). The do-nothing provider declares the "
        "same bodies with the same members secret and keeps its inputs as outputs, so its state holds the same "
        "bodies (jobspec's adds its own keys and the run's outputs: see the state sizes); its refresh and destroy "
        "call nothing. The create's runs start RUNNING (one-change: the new run ends at once) and all end before "
        "the second refresh.")
    return "\n".join(lines)


def write_results(text: str, engine_env: dict[str, str] | None = None) -> None:
    name = SECTIONS[bool(engine_env)]
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    title = "pulumi up / refresh / destroy vs a do-nothing provider (`python -m bench.apply_bench`)"
    if engine_env:
        title += ", with " + ", ".join(f"`{k}={v}`" for k, v in sorted(engine_env.items()))
    write_section(REPO / "bench" / "RESULTS.md", start, end, f"## {title}\n\n{text}")


def _env_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.apply_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda t: tuple(int(x) for x in t.split(",")), default=SIZES,
                        help="comma-separated job counts (default: 100,300,1000)")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per size (default: 3)")
    parser.add_argument("--up-repeats", type=int, default=UP_REPEATS,
                        help=f"times each run repeats the no-change and one-change up, keeping the median "
                             f"(default: {UP_REPEATS})")
    parser.add_argument("--engine-env", type=_env_pair, action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for every pulumi command of both stacks (repeatable)")
    parser.add_argument("--no-write", action="store_true", help="print the table only; leave bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.up_repeats < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--runs, --up-repeats and every size must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    engine_env = dict(args.engine_env)
    try:
        out = table(run(args.sizes, args.runs, engine_env, args.up_repeats), engine_env, args.up_repeats)
    except BenchError as exc:
        print(f"apply_bench: {exc}", file=sys.stderr)
        return 1
    print(out)
    if not args.no_write:
        write_results(out, engine_env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
