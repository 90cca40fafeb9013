"""bench/proctree.py: which process of the engine's tree is which, and the CPU time each kind spends."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import proctree


@pytest.mark.parametrize("argv, role", [
    (["/repo/.tools/pulumi/bin/pulumi", "up", "--yes"], "engine"),
    (["/bin/sh", "/repo/.tools/pulumi/bin/pulumi", "up"], "engine"),
    (["/venv/bin/python", "-u", "/bin/pulumi-language-python-exec", "--engine_address", "x"], "program"),
    (["/bin/pulumi-language-python", "-root", "/project"], "language host"),
    (["/venv/bin/python", "-u", "-m", "pulumi.dynamic"], "provider"),
    (["/venv/bin/python", "-m", "providers.preflight_worker", "us-east-1"], "preflight worker"),
    (["/venv/bin/python", "-m", "pip", "list", "--format", "json"], "pip"),
    (["/usr/bin/git", "status"], "other"),
])
def test_a_process_is_known_by_its_command_line(argv, role):
    assert proctree.role(argv) == role


def test_own_cpu_counts_the_program_provider_and_preflight_worker_only():
    measured = proctree.Measured(0, 1.0, "", "", 0, 0, 5, False, {
        "engine": 4.0, "language host": 0.5, "program": 1.0, "provider": 2.0, "preflight worker": 0.25, "pip": 0.5})
    assert measured.own_cpu_seconds == 3.25


#: A child that starts a grandchild (same session) whose command line names the provider (the child's own
#: does not: the name is joined at run time), then both spend CPU until ``process_time`` reaches the given
#: seconds: no sleep, bounded by the CPU spent.
BURN = "import time\nwhile time.process_time() < {seconds}: pass\n"
PARENT = ("import subprocess, sys\n"
          "child = subprocess.Popen([sys.executable, '-c', {code!r}, 'pulumi.' + 'dynamic'])\n" + BURN.format(seconds=0.3)
          + "child.wait()\n")


def test_cpu_time_is_summed_per_kind_of_process_over_the_whole_session(tmp_path: Path):
    code = PARENT.format(code=BURN.format(seconds=0.6))
    measured = proctree.run([sys.executable, "-c", code], tmp_path, None, timeout=60)
    assert measured.returncode == 0
    # The grandchild ends between two samples: up to one interval of its CPU may be missed, never more.
    assert 0.6 - proctree.INTERVAL - 0.02 <= measured.cpu_seconds["provider"] <= 0.75
    assert 0.3 - proctree.INTERVAL - 0.02 <= measured.cpu_seconds["other"] <= 0.45
    assert measured.own_cpu_seconds == measured.cpu_seconds["provider"]


def test_a_process_keeps_the_role_it_was_known_by_when_its_command_line_changes(tmp_path: Path):
    # Known as the provider, then exec'd into a shell that counts for a while (sampled several times as "sh").
    code = (BURN.format(seconds=0.2) + "import os\n"
            "os.execv('/bin/sh', ['sh', '-c', 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done'])\n")
    measured = proctree.run([sys.executable, "-c", code, "pulumi.dynamic"], tmp_path, None, timeout=60)
    assert measured.returncode == 0
    assert measured.cpu_seconds["provider"] >= 0.2 + proctree.INTERVAL
    assert measured.cpu_seconds.get("other", 0.0) == 0.0
