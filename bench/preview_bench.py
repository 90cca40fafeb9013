"""Cost of ``pulumi preview`` per job: jobspec's program and provider vs a do-nothing provider.

For 10, 100 and 300 generated specs, in one run on the same engine: a fresh stack
of the real program (lint + compile in the program, the linter again in the
provider's ``check``) against a program that declares the same bodies with a
dynamic provider whose check/diff do nothing, and against that same program with
the members jobspec keeps secret marked secret. Wall time of the whole ``pulumi
preview`` process, median of REPEATS runs, interleaved.

Each is measured twice: with the environment jobspec's tooling gives a preview
(``tools.engine.PREVIEW_ENV``: PULUMI_SKIP_CHECKPOINTS=true, see there why) and
with the engine's default. Target: ≤ 1.3× the do-nothing provider.
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

from bench import bytecode
from bench.results import write_section
from compiler import model
from tools.engine import PREVIEW_ENV, REPO, PulumiWorkspace, pulumi_bin_dir, scratch_project
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

SIZES = (10, 100, 300)
#: The application every bench spec names; the local endpoint holds it, so the program's preflight
#: (one GetApplication per preview, providers/preflight.py) is measured as a CI preview with credentials pays it.
APPLICATION = "00benchapp00001"
REPEATS = int(os.environ.get("JOBSPEC_BENCH_REPEATS", "5"))
#: (label, environment for the preview): jobspec's preview environment, then the engine default.
SETTINGS = (("jobspec preview env", PREVIEW_ENV),
            ("engine default", {key: "false" for key in PREVIEW_ENV}))
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


def _workspaces(root: Path, bin_dir: Path, setting: dict[str, str], aws: dict[str, str]) -> dict[str, PulumiWorkspace]:
    # The repository on PYTHONPATH: the baseline's provider imports from bench/ (by reference, as jobspec's does).
    env = {**aws, "JOBSPEC_BENCH_BODIES": str(root / "bodies.json"), "PYTHONPATH": str(REPO), **setting}
    return {
        "jobspec": PulumiWorkspace(root / "ours", root / "state-ours", "bench", env, bin_dir),
        "noop": PulumiWorkspace(root / "noop", root / "state-noop", "bench", env, bin_dir),
        "noop_secrets": PulumiWorkspace(root / "noop", root / "state-noop-secrets", "bench",
                                        {**env, "JOBSPEC_BENCH_SECRETS": "1"}, bin_dir),
    }


def _projects(root: Path, n: int) -> None:
    specs = root / "ours" / "jobspecs"
    scratch_project(root / "ours", "bench-ours")
    specs.mkdir()
    (specs / "_defaults.yaml").write_text(
        f"defaults:\n  applicationId: {APPLICATION}\n  executionRoleArn: {ROLE_ARN}\n")
    for i in range(n):
        (specs / f"job-{i:04d}.yaml").write_text(spec_text(i))
    write_bodies(specs, root / "bodies.json")
    scratch_project(root / "noop", "bench-noop", REPO / "bench" / "noop" / "__main__.py")


def write_bodies(specs: Path, out: Path) -> None:
    """The compiled bodies of ``specs`` and the paths of their secret members, for the do-nothing program."""
    bodies = json.loads(subprocess.run([sys.executable, "-m", "compiler", "compile", str(specs), "--stack", "bench"],
                                       check=True, capture_output=True, text=True, cwd=REPO, timeout=600).stdout)
    secrets = {name: [list(p) for p in model.sensitive_value_paths(body)] for name, body in bodies.items()}
    out.write_text(json.dumps({"bodies": bodies, "secrets": secrets}))


def run(sizes: tuple[int, ...] = SIZES) -> list[dict]:
    bin_dir = pulumi_bin_dir()
    bytecode.compile_modules()
    rows = []
    with LocalEndpoint() as endpoint:
        endpoint.create_application("bench", application_id=APPLICATION)
        for n in sizes:
            rows += _run_size(n, bin_dir, endpoint.env())
    return rows


def _run_size(n: int, bin_dir: Path, aws: dict[str, str]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="jobspec-preview-bench-") as tmp:
        root = Path(tmp)
        _projects(root, n)
        for label, setting in SETTINGS:
            spaces = _workspaces(root, bin_dir, setting, aws)
            for ws in spaces.values():
                ws.init()
                timed_preview(ws)  # warm-up: bytecode, plugin start, file caches
            times: dict[str, list[float]] = {key: [] for key in spaces}
            for _ in range(REPEATS):  # interleaved, so drift hits all alike
                for key, ws in spaces.items():
                    times[key].append(timed_preview(ws))
            m = {key: statistics.median(values) for key, values in times.items()}
            rows.append({"specs": n, "setting": label, "jobspec_s": m["jobspec"], "noop_s": m["noop"],
                         "ratio": m["jobspec"] / m["noop"], "noop_secrets_s": m["noop_secrets"],
                         "ratio_secrets": m["jobspec"] / m["noop_secrets"],
                         "per_job_ms": 1000 * m["jobspec"] / n, "noop_per_job_ms": 1000 * m["noop"] / n})
            print(f"preview {n:>4} specs, {label}: jobspec {m['jobspec']:.2f}s, do-nothing {m['noop']:.2f}s "
                  f"({m['jobspec'] / m['noop']:.2f}x), do-nothing with the same secrets {m['noop_secrets']:.2f}s "
                  f"({m['jobspec'] / m['noop_secrets']:.2f}x)", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| specs | engine setting | jobspec (s) | do-nothing (s) | ratio | do-nothing, same secrets (s) | ratio "
        "| jobspec ms/job | do-nothing ms/job |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['specs']} | {r['setting']} | {r['jobspec_s']:.2f} | {r['noop_s']:.2f} | {r['ratio']:.2f}× | "
                     f"{r['noop_secrets_s']:.2f} | {r['ratio_secrets']:.2f}× | "
                     f"{r['per_job_ms']:.1f} | {r['noop_per_job_ms']:.1f} |")
    lines.append("")
    for label, _ in SETTINGS:
        mine = [r for r in rows if r["setting"] == label]
        verdict = "met" if all(r["ratio"] <= TARGET for r in mine) else "NOT met"
        worst = max(mine, key=lambda r: r["ratio"])
        lines.append(f"- {label}: target ≤ {TARGET}× the do-nothing provider **{verdict}** "
                     f"(worst {worst['ratio']:.2f}× at {worst['specs']} specs).")
    lines.append("")
    lines.append(f"Wall time of `pulumi preview` on a fresh stack, median of {REPEATS} interleaved runs each, "
                 f"{os.cpu_count()} cores, Python {platform.python_version()}, {datetime.date.today()}. "
                 "Both providers are pickled by reference (from installed or importable modules).")
    lines.append("")
    lines.append("*jobspec preview env* is how `make demo`, the end-to-end tests and the PR workflow run a preview "
                 "(`tools/engine.py` `PREVIEW_ENV`: `PULUMI_SKIP_CHECKPOINTS=true`). The engine's default "
                 "serializes and encrypts the whole snapshot after every step of a preview and then discards it, "
                 "work that grows with the square of the resource count and with every secret; the "
                 "*same secrets* column shows that cost falls on any provider whose inputs are secret. "
                 "The remaining ratio is jobspec's own work: lint + compile in the program, the linter again "
                 "in `check`, and its extra properties (`jobspec`, the three outputs the program reads).")
    return "\n".join(lines)


def write_results(text: str) -> None:
    write_section(REPO / "bench" / "RESULTS.md", START, END,
                  f"## pulumi preview per job vs a do-nothing provider (`python -m bench.preview_bench`)\n\n{text}")


if __name__ == "__main__":
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    out = table(run(sizes))
    print(out)
    write_results(out)
