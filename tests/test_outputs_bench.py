"""bench/outputs_bench.py: the split of jobspec's extra create cost, from its timings."""

from __future__ import annotations

from bench import outputs_bench


def test_the_table_splits_the_cost_per_added_job_into_the_engine_part_and_jobspec_part():
    results = {  # seconds
        100: {"jobspec": [5.0, 5.2], "noop": [4.0, 4.0], "noop+outputs": [4.1, 4.1]},
        300: {"jobspec": [17.2, 17.0], "noop": [15.0, 15.0], "noop+outputs": [17.1, 17.1]},
    }
    text = outputs_bench.table(results, runs=2)
    assert "| 100 | 5.10 (5.00–5.20) | 4.00 (4.00–4.00) | 4.10 (4.10–4.10) |" in text
    # jobspec − do-nothing: (2.1 − 1.1) / 200 = 5 ms; engine: (2.1 − 0.1) / 200 = 10 ms; jobspec over it: −5 ms
    assert "| 100 → 300 | 5.0 | 10.0 | -5.0 |" in text


def test_own_cpu_is_compared_with_the_same_shaped_do_nothing_stack():
    results = {100: {"jobspec": [5.0], "noop": [4.0], "noop+outputs": [4.1]},
               300: {"jobspec": [17.0], "noop": [15.0], "noop+outputs": [17.1]}}
    cpu = {100: {"jobspec": [2.0], "noop": [1.0], "noop+outputs": [1.5]},
           300: {"jobspec": [5.0], "noop": [3.0], "noop+outputs": [4.1]}}
    text = outputs_bench.table(results, runs=1, cpu=cpu)
    assert "| 100 | 5.00 (5.00–5.00) | 4.00 (4.00–4.00) | 4.10 (4.10–4.10) | 2.00 / 1.00 / 1.50 |" in text
    # wall as above; own CPU, jobspec − with outputs: (0.9 − 0.5) / 200 = 2 ms a job
    assert "| 100 → 300 | 5.0 | 10.0 | -5.0 | 2.0 |" in text


def test_bad_arguments_are_usage_errors(capsys):
    try:
        outputs_bench.parse_args(["--sizes", "x"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("expected a usage error")
