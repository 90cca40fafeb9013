"""Cost of ``pulumi preview`` per job: jobspec's program and provider vs a do-nothing provider.

For 10, 100 and 300 generated specs, in one run on the same engine: a fresh stack
of the real program (lint + compile in the program, the linter again in the
provider's ``check``) against a program that declares the same bodies with a
dynamic provider whose check/diff do nothing. Wall time of the whole ``pulumi
preview`` process, median of REPEATS runs. Target: ≤ 1.3× the do-nothing provider.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from compiler import model
from tools.engine import REPO, PulumiWorkspace, pulumi_bin_dir, scratch_project
from tools.local_endpoint import ROLE_ARN

SIZES = (10, 100, 300)
REPEATS = int(os.environ.get("JOBSPEC_BENCH_REPEATS", "3"))
TARGET = 1.3
START, END = "<!-- preview_bench:start -->", "<!-- preview_bench:end -->"


def spec_text(i: int) -> str:
    return textwrap.dedent(f"""\
        name: job-{i:04d}
        mode: BATCH
        jobDriver:
          sparkSubmit:
            entryPoint: s3://acme-jobs/etl/job_{i}.py
            entryPointArguments: ["--partition", "p{i % 97}"]
            sparkSubmitParameters:
              conf:
                spark.executor.memory: {4 + i % 4}g
                spark.executor.cores: "{1 + i % 3}"
        configurationOverrides:
          applicationConfiguration:
            - classification: spark-defaults
              properties:
                spark.sql.shuffle.partitions: "{100 + i}"
          monitoringConfiguration:
            s3MonitoringConfiguration:
              logUri: s3://acme-logs/job-{i:04d}/
        retryPolicy:
          maxAttempts: {1 + i % 3}
        tags:
          owner: team-{i % 7}
        """)


def timed_preview(ws: PulumiWorkspace) -> float:
    start = time.perf_counter()
    ws.run("preview")
    return time.perf_counter() - start


def run(sizes: tuple[int, ...] = SIZES) -> list[dict]:
    bin_dir = pulumi_bin_dir()
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="jobspec-preview-bench-") as tmp:
            root = Path(tmp)
            specs = root / "ours" / "jobspecs"
            ours = scratch_project(root / "ours", "bench-ours")
            specs.mkdir()
            (specs / "_defaults.yaml").write_text(
                f"defaults:\n  applicationId: 00benchapp00001\n  executionRoleArn: {ROLE_ARN}\n")
            for i in range(n):
                (specs / f"job-{i:04d}.yaml").write_text(spec_text(i))
            bodies = json.loads(subprocess.run([sys.executable, "-m", "compiler", "compile", str(specs), "--stack", "bench"],
                                               check=True, capture_output=True, text=True).stdout)
            secrets = {name: [list(p) for p in model.sensitive_value_paths(body)] for name, body in bodies.items()}
            (root / "bodies.json").write_text(json.dumps({"bodies": bodies, "secrets": secrets}))
            noop = scratch_project(root / "noop", "bench-noop", REPO / "bench" / "noop" / "__main__.py")
            env = {"AWS_REGION": "us-east-1", "JOBSPEC_BENCH_BODIES": str(root / "bodies.json")}
            a = PulumiWorkspace(ours, root / "state-ours", "bench", env, bin_dir)
            b = PulumiWorkspace(noop, root / "state-noop", "bench", env, bin_dir)
            c = PulumiWorkspace(noop, root / "state-noop-secrets", "bench", {**env, "JOBSPEC_BENCH_SECRETS": "1"}, bin_dir)
            for ws in (a, b, c):
                ws.init()
                timed_preview(ws)  # warm-up: bytecode, plugin start, file caches
            ta, tb, tc = [], [], []
            for _ in range(REPEATS):  # interleaved, so drift hits all alike
                ta.append(timed_preview(a))
                tb.append(timed_preview(b))
                tc.append(timed_preview(c))
            ma, mb, mc = statistics.median(ta), statistics.median(tb), statistics.median(tc)
            rows.append({"specs": n, "jobspec_s": ma, "noop_s": mb, "ratio": ma / mb,
                         "noop_secrets_s": mc, "ratio_secrets": ma / mc,
                         "per_job_ms": 1000 * ma / n, "noop_per_job_ms": 1000 * mb / n})
            print(f"preview {n:>4} specs: jobspec {ma:.2f}s, do-nothing {mb:.2f}s ({ma / mb:.2f}x), "
                  f"do-nothing with the same secrets {mc:.2f}s ({ma / mc:.2f}x)", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| specs | jobspec (s) | do-nothing (s) | ratio | do-nothing, same secrets (s) | ratio | jobspec ms/job | do-nothing ms/job |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['specs']} | {r['jobspec_s']:.2f} | {r['noop_s']:.2f} | {r['ratio']:.2f}× | "
                     f"{r['noop_secrets_s']:.2f} | {r['ratio_secrets']:.2f}× | "
                     f"{r['per_job_ms']:.1f} | {r['noop_per_job_ms']:.1f} |")
    verdict = "met" if all(r["ratio"] <= TARGET for r in rows) else "NOT met"
    lines.append("")
    lines.append(f"Target ≤ {TARGET}× the do-nothing provider: **{verdict}** "
                 f"(wall time of `pulumi preview` on a fresh stack, median of {REPEATS} runs each, "
                 f"{os.cpu_count()} cores, Python {platform.python_version()}, {datetime.date.today()}).")
    lines.append("")
    lines.append("The second baseline declares the same bodies with the same members marked secret as jobspec "
                 "does (issue 3 requires the model's sensitive members to be Pulumi secrets). Secret inputs alone "
                 "make the engine's preview of a do-nothing provider markedly slower per resource; the remaining "
                 "ratio is jobspec's own work (lint + compile in the program, the linter again in `check`).")
    return "\n".join(lines)


def write_results(text: str) -> None:
    results = REPO / "bench" / "RESULTS.md"
    current = results.read_text() if results.exists() else "# Benchmark results\n"
    section = f"{START}\n## pulumi preview per job vs a do-nothing provider (`python -m bench.preview_bench`)\n\n{text}\n{END}"
    if START in current:
        head, rest = current.split(START, 1)
        current = head + section + rest.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + section + "\n"
    results.write_text(current)


if __name__ == "__main__":
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    out = table(run(sizes))
    print(out)
    write_results(out)
