"""The apply benchmark's own judgement: the engine's step summary it checks, and what it calls linear."""

from __future__ import annotations

import pytest

from bench.apply_bench import linear, parse_args, slopes, summary

#: The end of `pulumi up` output after one spec's entry point changed (engine v3.274.1, 100 jobs).
ONE_CHANGE = """\
    +-  bench:index:JobRun job-0000 replaced (0.41s) [diff: ~clientToken,jobDriver]

Resources:
    +-1 replaced
    100 unchanged

Duration: 5s
"""


def test_summary_reads_the_step_counts_of_the_resources_block():
    assert summary(ONE_CHANGE) == {"replaced": 1, "unchanged": 100}


def test_summary_of_output_without_a_resources_block_is_empty():
    assert summary("error: update failed\n") == {}


def rows(*extras: tuple[int, float]) -> list[dict]:
    """Table rows of the create step whose jobspec − do-nothing difference is ``extra`` seconds at ``n`` jobs."""
    return [{"n": n, "step": "create", "ours": [10.0 + extra], "noop": [10.0]} for n, extra in extras]


def test_a_constant_cost_per_added_job_is_linear():
    step_slopes = slopes(rows((100, 1.0), (300, 3.0), (1000, 10.0)), "create")
    assert [(a, b, round(ms, 6)) for a, b, ms in step_slopes] == [(100, 300, 10.0), (300, 1000, 10.0)]
    assert linear(step_slopes) is True


def test_a_cost_per_added_job_that_grows_with_n_is_not_linear():
    assert linear(slopes(rows((100, 1.0), (300, 3.0), (1000, 30.0)), "create")) is False


def test_two_sizes_cannot_show_linearity():
    assert linear(slopes(rows((100, 1.0), (300, 3.0)), "create")) is None


@pytest.mark.parametrize("argv", [["--engine-env", "no-equals-sign"], ["--runs", "0"], ["--sizes", "0,10"]])
def test_bad_arguments_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv)
    assert exit_.value.code == 2
    assert "python -m bench.apply_bench: error:" in capsys.readouterr().err
