"""Cost of ``jobspec lint`` + compile per spec, against merely parsing the same YAML.

For 10, 1,000 and 10,000 generated specs (realistic and varied, 40-50 lines each,
under a ``_defaults.yaml`` with dev and prod stack sections), in one process, warm:

- parse: ``yaml.load(f, Loader=yaml.CSafeLoader)`` of every spec file;
- ``jobspec lint DIR`` and ``jobspec compile DIR``, run as the command line runs them
  (``compiler.cli.main``, its output to /dev/null): lint checks the base and every
  stack named (3 documents a spec), compile the base stack and prints every body;
- lint+compile: ``lint_paths`` of the folder as ``jobspec lint`` runs it, then
  ``compile_documents`` of every merged document it produced (what the Pulumi
  program does, for all stacks): more than either command does.

Median of a few repetitions each. Targets at 10,000 specs: lint+compile ≤ 2.5× parse,
growing linearly; stretch: each command ≤ 1.5× parse. Prints a markdown table and
writes it into bench/RESULTS.md (between markers, so other benchmarks' sections stay).

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
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

from bench.results import write_section
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

DEFAULTS = """\
# Shared by every spec below; stacks override per environment.
defaults:
  applicationId: 00fkt3q8n4s5ab09
  executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job-dev
  executionTimeoutMinutes: 180
  configurationOverrides:
    monitoringConfiguration:
      s3MonitoringConfiguration:
        logUri: s3://acme-logs/emr-serverless/
  tags:
    managed-by: jobspec
    cost-center: data-platform
stacks:
  dev:
    tags: {env: dev}
  prod:
    applicationId: 00fprd7x2m1k4c88
    executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job-prod
    tags: {env: prod}
"""

TEAMS = ["analytics", "growth", "payments", "search", "ml", "risk", "ops", "marketing"]
MEMORY = ["2g", "4g", "8g", "16g"]


def spark_spec(i: int, rnd: random.Random, team: str) -> str:
    mapping = rnd.random() < 0.7
    lines = [
        f"# {team}: nightly Spark job {i}, owned by the {team} team.",
        f"name: {team}-spark-{i:05d}",
        "mode: BATCH",
        "jobDriver:",
        "  sparkSubmit:",
        f"    entryPoint: s3://acme-{team}-jobs/etl/job_{i:05d}.py",
        f'    entryPointArguments: ["--date", "{{{{ds}}}}", "--partition", "p{i % 97}", "--output", "s3://acme-{team}-curated/t{i}/"]',
    ]
    if mapping:
        lines += [
            "    sparkSubmitParameters:",
            f"      py-files: s3://acme-{team}-jobs/libs/common-{i % 7}.zip",
            f"      jars: [s3://acme-{team}-jobs/jars/a.jar, s3://acme-{team}-jobs/jars/b-{i % 5}.jar]",
            "      conf:",
            f"        spark.executor.memory: {rnd.choice(MEMORY)}",
            f'        spark.executor.cores: "{rnd.choice([1, 2, 4])}"',
            f'        spark.dynamicAllocation.maxExecutors: "{rnd.randint(4, 200)}"',
            "        spark.sql.adaptive.enabled: \"true\"",
            f"        spark.sql.shuffle.partitions: \"{rnd.choice([64, 200, 400])}\"",
        ]
    else:
        lines.append(f"    sparkSubmitParameters: --conf spark.executor.memory={rnd.choice(MEMORY)} "
                     f"--conf spark.executor.instances={rnd.randint(2, 20)} --conf spark.sql.adaptive.enabled=true")
    lines += [
        "retryPolicy:",
        f"  maxAttempts: {rnd.randint(1, 5)}",
        f"executionTimeoutMinutes: {rnd.choice([60, 120, 240, 720])}",
        "configurationOverrides:",
        "  applicationConfiguration:",
        "    - classification: spark-defaults",
        "      properties:",
        f'        spark.sql.shuffle.partitions: "{rnd.choice([64, 200, 400])}"',
        "        spark.hadoop.hive.metastore.client.factory.class: com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
        "  monitoringConfiguration:",
        "    cloudWatchLoggingConfiguration:",
        "      enabled: true",
        f"      logGroupName: /aws/emr-serverless/{team}",
        f"      logStreamNamePrefix: job-{i:05d}",
        "      logTypes:",
        "        SPARK_DRIVER: [stdout, stderr]",
        "        SPARK_EXECUTOR: [stderr]",
    ]
    if rnd.random() < 0.5:
        lines += [
            "executionIamPolicy:",
            "  policy:",
            '    Version: "2012-10-17"',
            "    Statement:",
            "      - Effect: Allow",
            "        Action: [s3:GetObject, s3:ListBucket]",
            f'        Resource: ["arn:aws:s3:::acme-{team}-raw", "arn:aws:s3:::acme-{team}-raw/*"]',
            "      - Effect: Allow",
            "        Action: s3:PutObject",
            f"        Resource: arn:aws:s3:::acme-{team}-curated/t{i}/*",
        ]
    lines += ["tags:", f"  team: {team}", f"  job: spark-{i:05d}"]
    if rnd.random() < 0.3:
        lines += ["stacks:", "  prod:", f"    executionTimeoutMinutes: {rnd.choice([240, 480])}",
                  "    tags: {tier: critical}"]
    if rnd.random() < 0.2:
        lines.append(f"rerun: {rnd.randint(1, 9)}")
    return "\n".join(lines) + "\n"


def hive_spec(i: int, rnd: random.Random, team: str) -> str:
    lines = [
        f"# {team}: Hive report {i}.",
        f"name: {team}-hive-{i:05d}",
        "jobDriver:",
        "  hive:",
        "    query: |",
        f"      INSERT OVERWRITE TABLE {team}.report_{i} PARTITION (ds = '${{hivevar:run_date}}')",
        "      SELECT customer_id, count(*) AS orders, sum(total) AS revenue",
        f"      FROM {team}.orders_{i % 13}",
        "      WHERE ds = '${hivevar:run_date}'",
        "      GROUP BY customer_id",
        f"    initQueryFile: s3://acme-{team}-jobs/hive/init_{i % 3}.sql",
        "    parameters: --hiveconf hive.exec.dynamic.partition=true --hivevar run_date=2024-01-01",
        f"executionTimeoutMinutes: {rnd.choice([30, 60, 90])}",
        "configurationOverrides:",
        "  applicationConfiguration:",
        "    - classification: hive-site",
        "      properties:",
        "        hive.exec.dynamic.partition.mode: nonstrict",
        f'        hive.exec.max.dynamic.partitions: "{rnd.randint(100, 5000)}"',
        "        hive.metastore.client.factory.class: com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
        "    - classification: spark-defaults",
        "      properties:",
        f"        spark.executor.memory: {rnd.choice(MEMORY)}",
        "  monitoringConfiguration:",
        "    s3MonitoringConfiguration:",
        f"      logUri: s3://acme-logs/hive/{team}/",
        "    managedPersistenceMonitoringConfiguration:",
        "      enabled: true",
        "retryPolicy:",
        f"  maxAttempts: {rnd.randint(1, 3)}",
        "executionIamPolicy:",
        "  policyArns:",
        "    - arn:aws:iam::123456789012:policy/glue-catalog-read",
        f"    - arn:aws:iam::123456789012:policy/{team}-reports-write",
        "tags:",
        f"  team: {team}",
        f"  report: r{i:05d}",
        "  schedule: daily",
        "deploy:",
        "  wait: {until: TERMINAL, timeoutSeconds: 3600}",
    ]
    if rnd.random() < 0.3:
        lines += ["stacks:", "  dev:", "    executionTimeoutMinutes: 15"]
    return "\n".join(lines) + "\n"


def streaming_spec(i: int, rnd: random.Random, team: str) -> str:
    lines = [
        f"# {team}: always-on stream {i}; restarts on failure.",
        f"name: {team}-stream-{i:05d}",
        "mode: STREAMING",
        "jobDriver:",
        "  sparkSubmit:",
        f"    entryPoint: s3://acme-{team}-jobs/streaming/stream_{i:05d}.py",
        f'    entryPointArguments: ["--topic", "{team}-events-{i % 11}", "--group", "g{i}"]',
        "    sparkSubmitParameters:",
        "      conf:",
        f"        spark.executor.memory: {rnd.choice(MEMORY)}",
        f"        spark.sql.streaming.checkpointLocation: s3://acme-checkpoints/{team}/{i}/",
        "        spark.streaming.backpressure.enabled: \"true\"",
        f'        spark.executor.instances: "{rnd.randint(2, 12)}"',
        "retryPolicy:",
        f"  maxFailedAttemptsPerHour: {rnd.randint(1, 10)}",
        "executionTimeoutMinutes: 0",
        "configurationOverrides:",
        "  monitoringConfiguration:",
        "    cloudWatchLoggingConfiguration:",
        "      enabled: true",
        f"      logGroupName: /aws/emr-serverless/streaming/{team}",
        "      logTypes:",
        "        SPARK_DRIVER: [stdout, stderr]",
        "        SPARK_EXECUTOR: [stdout, stderr]",
        "    prometheusMonitoringConfiguration:",
        "      remoteWriteUrl: https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0123/api/v1/remote_write",
        "  diskEncryptionConfiguration:",
        "    encryptionKeyArn: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        f"    encryptionContext: {{team: {team}}}",
        "deploy:",
        "  stopBeforeStart: true",
        "  wait: {until: RUNNING, timeoutSeconds: 900}",
        "tags:",
        f"  team: {team}",
        f"  stream: s{i:05d}",
        "  tier: always-on",
        "stacks:",
        "  prod:",
        "    retryPolicy: {maxFailedAttemptsPerHour: 20}",
    ]
    return "\n".join(lines) + "\n"


KINDS = ((spark_spec, 0.6), (hive_spec, 0.25), (streaming_spec, 0.15))


def generate(root: Path, n: int, seed: int = 7) -> list[Path]:
    """n spec files under root/<team>/, one _defaults.yaml at the top; returns the spec paths."""
    rnd = random.Random(seed)
    (root / ".git").mkdir(parents=True, exist_ok=True)  # the repository's top: defaults search stops here
    (root / "_defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    paths = []
    kinds, weights = zip(*KINDS)
    for i in range(n):
        team = TEAMS[i % len(TEAMS)]
        make = rnd.choices(kinds, weights)[0]
        path = root / team / f"{make.__name__.split('_')[0]}-{i:05d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(make(i, rnd, team), encoding="utf-8")
        paths.append(path)
    return paths


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
