"""Run one command and measure its whole process tree: wall time and peak resident memory.

``pulumi`` starts its language host and each provider plugin in a process group of
their own (tests/enginekit.py), so the tree is found by *session*: the command is
started in a new session, and every process of that session is the tree. A sampling
loop reads ``/proc`` (no psutil here) every ``interval`` seconds until the command
exits or its time is up; then the whole session gets SIGKILL, so a stuck run leaves
nothing behind.

Two figures: the peak of the tree's summed resident memory (``VmRSS`` of every member,
summed per sample: sampled, so a spike shorter than ``interval`` can be missed) and the
largest single process's high-water mark (``VmHWM``, kept by the kernel, so exact for
every process alive at one sample).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 0.1


@dataclass(frozen=True)
class Measured:
    returncode: int
    seconds: float
    stdout: str
    stderr: str
    peak_tree_kib: int
    peak_process_kib: int
    processes: int
    timed_out: bool


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``, from /proc."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                stat = fh.read()
        except OSError:  # gone since the listing
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ...
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in KiB; (0, 0) when it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def kill_session(sid: int) -> None:
    """SIGKILL every process of session ``sid`` (the one this module started)."""
    for pid in session_members(sid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float,
        interval: float = INTERVAL) -> Measured:
    """Run ``command`` in a new session; sample its tree until it exits or ``timeout`` seconds pass."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        deadline = start + timeout
        peak_tree = peak_process = 0
        seen: set[int] = set()
        timed_out = False
        while True:  # bounded: every pass waits up to `interval`, and the deadline ends it
            tree = 0
            for pid in session_members(proc.pid):
                rss, hwm = _memory_kib(pid)
                tree += rss
                peak_process = max(peak_process, hwm)
                seen.add(pid)
            peak_tree = max(peak_tree, tree)
            try:
                proc.wait(timeout=interval)
                break
            except subprocess.TimeoutExpired:
                if time.perf_counter() >= deadline:
                    timed_out = True
                    kill_session(proc.pid)
                    proc.wait(timeout=30)
                    break
        seconds = time.perf_counter() - start
        # The engine's plugins may outlive it by a moment; nothing of the session may stay.
        kill_session(proc.pid)
        out.seek(0)
        err.seek(0)
        return Measured(proc.returncode, seconds, out.read(), err.read(), peak_tree, peak_process, len(seen),
                        timed_out)
