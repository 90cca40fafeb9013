"""The apply benchmark's own judgement: the engine's step summary it checks, and what it calls linear."""

from __future__ import annotations

import pytest

from bench.apply_bench import linear, parse_args, sample_of, slopes, summary
from bench.proctree import Measured

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


def rows(*extras: tuple[int, float], cpu: tuple[float, ...] = ()) -> list[dict]:
    """Create-step rows: jobspec − do-nothing is ``extra`` seconds of wall time (and ``cpu`` of own CPU) at ``n`` jobs."""
    cpu = cpu or tuple(0.0 for _ in extras)
    return [{"n": n, "step": "create", "ours": [10.0 + extra], "noop": [10.0], "own_cpu": ([2.0 + c], [2.0])}
            for (n, extra), c in zip(extras, cpu)]


def test_a_constant_cost_per_added_job_is_linear():
    step_slopes = slopes(rows((100, 1.0), (300, 3.0), (1000, 10.0)), "create")
    assert [(a, b, round(ms, 6)) for a, b, ms in step_slopes] == [(100, 300, 10.0), (300, 1000, 10.0)]
    assert linear(step_slopes) is True


def test_a_cost_per_added_job_that_grows_with_n_is_not_linear():
    assert linear(slopes(rows((100, 1.0), (300, 3.0), (1000, 30.0)), "create")) is False


def test_own_cost_is_judged_on_the_cpu_of_jobspecs_processes_not_on_wall_time():
    # The wall time grows faster than linearly (the engine's part); jobspec's own CPU per added job is flat.
    table = rows((100, 1.0), (300, 3.0), (1000, 30.0), cpu=(0.5, 1.5, 5.0))
    assert [round(ms, 6) for _, _, ms in slopes(table, "create", "cpu")] == [5.0, 5.0]
    assert linear(slopes(table, "create", "cpu")) is True
    assert linear(slopes(table, "create")) is False


def test_two_sizes_cannot_show_linearity():
    assert linear(slopes(rows((100, 1.0), (300, 3.0)), "create")) is None


def timed(seconds: float, tree_kib: int, process_kib: int, program_cpu: float = 0.0) -> Measured:
    cpu = {"engine": 1.0, "language host": 0.5, "program": program_cpu, "provider": 0.25, "preflight worker": 0.125}
    return Measured(0, seconds, "", "", tree_kib, process_kib, 3, False, cpu)


def test_a_step_timed_several_times_in_a_run_counts_its_median_time_and_its_highest_memory():
    sample = sample_of(100, 0, "one-change up", "jobspec",
                       [timed(2.9, 2048, 1024), timed(2.1, 4096, 1024), timed(2.3, 1024, 3072)], 600.0)
    assert (sample.seconds, sample.peak_tree_mib, sample.peak_process_mib, sample.state_kib) == (2.3, 4.0, 3.0, 600.0)


def test_own_cpu_is_the_program_provider_and_preflight_workers_median_without_the_engine():
    sample = sample_of(100, 0, "create", "jobspec", [timed(3.0, 1, 1, 2.0), timed(2.0, 1, 1, 1.0),
                                                     timed(4.0, 1, 1, 3.0)], 1.0)
    assert (sample.own_cpu_s, sample.engine_cpu_s) == (2.375, 1.0)


@pytest.mark.parametrize("argv", [["--engine-env", "no-equals-sign"], ["--runs", "0"], ["--sizes", "0,10"],
                                  ["--up-repeats", "0"]])
def test_bad_arguments_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv)
    assert exit_.value.code == 2
    assert "python -m bench.apply_bench: error:" in capsys.readouterr().err
