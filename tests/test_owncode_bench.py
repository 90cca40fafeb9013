"""bench/owncode_bench.py: the CPU of jobspec's own code, as the timed provider and program write it down."""

from __future__ import annotations

import json
import os

import pytest

from bench import owncode_bench
from bench.owncode.provider import TimedJobRunProvider

BODY = {"applicationId": "00f1234567890abc", "executionRoleArn": "arn:aws:iam::123456789012:role/etl",
        "clientToken": "t" * 16, "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/etl.py"}},
        "jobspec": json.dumps({"jobName": "etl", "specFile": "jobspecs/etl.yaml"})}


def test_the_parts_are_the_programs_main_and_the_providers_methods_summed_over_processes(tmp_path):
    (tmp_path / "program-11.json").write_text(json.dumps({"main": 0.5}))
    (tmp_path / "provider-12.json").write_text(json.dumps({"check": [3, 0.25], "create": [1, 1.0], "read": [1, 9.0]}))
    (tmp_path / "provider-13.json").write_text(json.dumps({"check": [1, 0.25], "diff": [2, 0.125]}))
    assert owncode_bench.parts_of(tmp_path) == {"program": 0.5, "check": 0.5, "diff": 0.125, "create": 1.0}


def run(n: int, per_job_ms: float) -> dict[str, float]:
    """One create whose parts cost ``per_job_ms`` a job in all, a quarter each."""
    return {"wall": 2.0, **{part: n * per_job_ms / 4000 for part in owncode_bench.PARTS}}


def test_the_table_gives_each_part_per_job_and_judges_the_sum_per_added_job():
    text = owncode_bench.table({100: [run(100, 8.0)], 300: [run(300, 8.0)], 1000: [run(1000, 8.0)]})
    assert "| 100 | 2.0 | 2.00 | 2.00 | 2.00 | 2.00 | 8.00 |" in text
    assert "- jobspec's code, CPU per added job, ms (100→300: 8.00, 300→1,000: 8.00): linear." in text


def test_several_runs_give_the_median_of_each_part_and_the_range_of_the_sum():
    text = owncode_bench.table({100: [run(100, 8.0), run(100, 6.0), run(100, 12.0)]})
    assert "| 100 | 2.0 | 2.00 | 2.00 | 2.00 | 2.00 | 8.00 (6.00–12.00) |" in text


def test_code_whose_cost_per_job_grows_with_n_is_not_linear():
    text = owncode_bench.table({100: [run(100, 4.0)], 300: [run(300, 8.0)], 1000: [run(1000, 40.0)]})
    assert "**NOT linear**" in text


def test_the_timed_provider_answers_as_jobspecs_and_counts_each_call(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBSPEC_BENCH_OWN_CPU_DIR", str(tmp_path))
    provider = TimedJobRunProvider()
    assert provider.diff("run-1", dict(BODY), dict(BODY)).changes is False
    assert provider.diff("run-1", dict(BODY), dict(BODY)).changes is False
    calls, seconds = json.loads((tmp_path / f"provider-{os.getpid()}.json").read_text())["diff"]
    assert calls >= 2 and seconds >= 0.0


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--sizes", "0,10"], ["--sizes", "x"]])
def test_bad_arguments_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        owncode_bench.parse_args(argv)
    assert exit_.value.code == 2
