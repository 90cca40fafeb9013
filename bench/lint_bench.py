"""Cost of ``jobspec lint`` + compile per spec, against merely parsing the same YAML.

For 10, 1,000 and 10,000 generated specs (bench/specgen.py: realistic and varied, 40-50
lines each, under a ``_defaults.yaml`` with dev and prod stack sections), in one process, warm:

- parse: ``yaml.load(f, Loader=yaml.CSafeLoader)`` of every spec file;
- ``jobspec lint DIR`` and ``jobspec compile DIR``, run as the command line runs them
  (``compiler.cli.main``, its output to /dev/null): lint checks the base and every
  stack named (3 documents a spec), compile the base stack and prints every body;
- lint+compile: ``lint_paths`` of the folder as ``jobspec lint`` runs it, then
  ``compile_documents`` of every merged document it produced (what the Pulumi
  program does, for all stacks): more than either command does.

Each repetition times the four one after the other, and a ratio is of one repetition's
pair (``paired``): the median and range over the repetitions. Targets at 10,000 specs:
lint+compile ≤ 2.5× parse, growing linearly; stretch: each command ≤ 1.5× parse. Prints a
markdown table and writes it into bench/RESULTS.md (between markers, so other benchmarks'
sections stay).

    .venv/bin/python -m bench.lint_bench            # all sizes
    .venv/bin/python -m bench.lint_bench 10 1000    # some sizes
    .venv/bin/python -m bench.lint_bench --profile 10000   # cProfile of lint+compile
"""

from __future__ import annotations

import contextlib
import cProfile
import datetime
import gc
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

from bench.results import write_section
from bench.specgen import generate
from compiler.cli import main as jobspec
from compiler.compile import compile_documents
from compiler.lint import default_linter, lint_paths

SIZES = (10, 1_000, 10_000)
REPEATS = {10: 7, 1_000: 5, 10_000: 5}
TARGET = 2.5
#: Stretch target of each command, ``jobspec lint DIR`` and ``jobspec compile DIR``.
COMMAND_TARGET = 1.5
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- lint_bench:start -->", "<!-- lint_bench:end -->"

# -- measuring --------------------------------------------------------------------------------------------

def parse_all(paths: list[Path]) -> None:
    for path in paths:
        with open(path, "rb") as f:
            yaml.load(f, Loader=yaml.CSafeLoader)


def lint_and_compile(root: Path) -> int:
    result = lint_paths([root], linter=default_linter())
    if not result.ok:
        raise SystemExit(f"generated specs do not lint clean: {result.findings[:3]}")
    compile_documents(result.documents)
    return len(result.documents)


def command(*args: str) -> None:
    """``jobspec ARGS`` in this process, its output thrown away; it must succeed."""
    with open(os.devnull, "w", encoding="utf-8") as null, contextlib.redirect_stdout(null):
        code = jobspec(list(args))
    if code != 0:
        raise SystemExit(f"jobspec {' '.join(args)} exited {code}")


def paired(steps: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float, float, float]]:
    """Each step timed once per repetition, one after the other (``parse`` first): the machine's drift
    then moves a repetition's steps alike. Per step: (median seconds, and the median, lowest and highest
    of its ratio to the same repetition's ``parse``)."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, fn in steps.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    out = {}
    for name, ts in times.items():
        ratios = [t / p for t, p in zip(ts, times["parse"])]
        out[name] = (statistics.median(ts), statistics.median(ratios), min(ratios), max(ratios))
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()} on {platform.system()} "
            f"{platform.release()}, PyYAML {yaml.__version__} with libyaml {yaml.__with_libyaml__}, "
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")


def run(sizes: tuple[int, ...]) -> str:
    rows = []
    with tempfile.TemporaryDirectory(prefix="jobspec-bench-") as tmp:
        for n in sizes:
            root = Path(tmp) / f"n{n}"
            paths = generate(root, n)
            lines = sum(p.read_text().count("\n") for p in paths) / n
            docs = lint_and_compile(root)  # warm: imports, schema, file cache
            command("lint", str(root))
            command("compile", str(root))
            parse_all(paths)
            timed = paired({"parse": lambda: parse_all(paths), "lint": lambda: command("lint", str(root)),
                            "compile": lambda: command("compile", str(root)),
                            "full": lambda: lint_and_compile(root)}, REPEATS.get(n, 3))
            rows.append((n, timed, docs, lines))
            print(f"  {n:>6} specs: parse {timed['parse'][0]:.3f} s, lint {timed['lint'][1]:.2f}x, "
                  f"compile {timed['compile'][1]:.2f}x, lint+compile {timed['full'][0]:.3f} s "
                  f"({timed['full'][1]:.2f}x)", file=sys.stderr)
    table = ["| specs | parse s | `jobspec lint` s | ratio | `jobspec compile` s | ratio | lint+compile s | ratio "
             "| µs/spec | documents | lines/spec |",
             "|------:|--------:|------:|------:|------:|------:|---------------:|------:|--------:|----------:|"
             "-----------:|"]
    for n, timed, docs, lines in rows:
        cells = [f"{timed[k][0]:.3f} | {timed[k][1]:.2f}× ({timed[k][2]:.2f}–{timed[k][3]:.2f})"
                 for k in ("lint", "compile", "full")]
        table.append(f"| {n:,} | {timed['parse'][0]:.3f} | " + " | ".join(cells)
                     + f" | {timed['full'][0] / n * 1e6:,.0f} | {docs:,} | {lines:.0f} |")
    n, timed = rows[-1][:2]
    lint, comp, full = timed["lint"][1], timed["compile"][1], timed["full"][1]

    def verdict(ratio: float, target: float) -> str:
        return f"{'met' if ratio <= target else 'MISSED'} ({ratio:.2f}×)"

    return "\n".join([
        "## lint and compile vs YAML parse (`python -m bench.lint_bench`)",
        "",
        f"Machine: {machine()}.",
        "",
        "parse: `yaml.load(f, Loader=yaml.CSafeLoader)` of every spec. `jobspec lint DIR` and `jobspec compile DIR`: "
        "the commands as the command line runs them (in this process, output to /dev/null); lint checks base, "
        "dev and prod for every spec, with the `_defaults.yaml` merged; compile the base stack, and prints every "
        "body. lint+compile: `lint_paths` of the folder (base + dev + prod) and `compile_documents` (collector "
        "paused) of every document, what the Pulumi program does for all stacks together. Same process, warm; "
        "each repetition times the four one after the other, so a ratio is of one repetition's pair: median "
        "(min–max) over " + ", ".join(f"{REPEATS.get(size, 3)} ({size:,})" for size in sizes)
        + " repetitions; the times are medians.",
        "",
        *table,
        "",
        f"At {n:,} specs: lint+compile ≤ {TARGET}× {verdict(full, TARGET)}; stretch, each command ≤ "
        f"{COMMAND_TARGET}×: `jobspec lint` {verdict(lint, COMMAND_TARGET)}, `jobspec compile` "
        f"{verdict(comp, COMMAND_TARGET)}.",
    ])


def write_results(section: str) -> None:
    write_section(RESULTS, START, END, section)


def profile(n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jobspec-bench-") as tmp:
        root = Path(tmp)
        generate(root, n)
        lint_and_compile(root)
        profiler = cProfile.Profile()
        profiler.enable()
        lint_and_compile(root)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--profile"]:
        profile(int(argv[1]) if len(argv) > 1 else 10_000)
        return
    sizes = tuple(int(a) for a in argv) or SIZES
    section = run(sizes)
    print(section)
    if sizes == SIZES:
        write_results(section)


if __name__ == "__main__":
    main(sys.argv[1:])
