"""Run one command and measure its whole process tree: wall time and peak resident memory.

``pulumi`` starts its language host and each provider plugin in a process group of
their own (tests/enginekit.py), so the tree is found by *session*: the command is
started in a new session, and every process of that session is the tree. A sampling
loop reads ``/proc`` (no psutil here) every ``interval`` seconds until the command
exits or its time is up; then the whole session gets SIGKILL, so a stuck run leaves
nothing behind.

Three figures: the CPU time of each kind of process (``ROLES``: the engine, the language
host, the program, the provider, the preflight worker), the peak of the tree's summed resident memory (``VmRSS`` of every member,
summed per sample: sampled, so a spike shorter than ``interval`` can be missed) and the
largest single process's high-water mark (``VmHWM``, kept by the kernel, so exact for
every process alive at one sample).

CPU time is each process's ``utime + stime`` at the last sample that saw it, an exited but
not yet reaped process included (its figures are final then): a process that ends between
two samples loses at most ``interval`` seconds of its CPU time. So it suits long steps and
sums over many processes; a one-second command's figures are rough.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

INTERVAL = 0.1
_TICKS = os.sysconf("SC_CLK_TCK")
#: What each process of the tree is, from its command line (first match): jobspec's own code (or the
#: do-nothing provider's) runs in "program", "provider" and "preflight worker".
ROLES = (
    ("providers.preflight_worker", "preflight worker"),
    ("pulumi.dynamic", "provider"),
    ("language-python-exec", "program"),
    ("pulumi-language-python", "language host"),
    ("pip", "pip"),
)
#: The processes running the program's and the provider's own code.
OWN = ("program", "provider", "preflight worker")


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
    #: CPU seconds per role (``ROLES``; the engine is "engine", the rest "other").
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def own_cpu_seconds(self) -> float:
        """CPU seconds of the program, provider and preflight worker processes."""
        return sum(self.cpu_seconds.get(role, 0.0) for role in OWN)


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``, from /proc."""
    return [pid for pid, zombie, _ in _scan(sid) if not zombie]


def role(argv: list[str]) -> str:
    """The ``ROLES`` name of a process with command line ``argv``: "engine" for the pulumi CLI, else "other"."""
    line = " ".join(argv)
    for needle, name in ROLES:
        if needle in line:
            return name
    return "engine" if any(os.path.basename(arg) == "pulumi" for arg in argv[:2]) else "other"


def _argv(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().decode(errors="replace").rstrip("\0").split("\0")
    except OSError:
        return []


def _scan(sid: int) -> list[tuple[int, bool, float]]:
    """(pid, is a zombie, CPU seconds) of every process of session ``sid``, from /proc."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                stat = fh.read()
        except OSError:  # gone since the listing
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ..., utime, stime (11, 12)
        if int(fields[3]) == sid:
            members.append((int(entry.name), fields[0] == "Z", (int(fields[11]) + int(fields[12])) / _TICKS))
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
        cpu: dict[int, tuple[str, float]] = {}
        timed_out = False
        while True:  # bounded: every pass waits up to `interval`, and the deadline ends it
            tree = 0
            for pid, zombie, seconds in _scan(proc.pid):
                # Read each time: a process forked by a wrapper script shows the script's command line until it
                # execs. Once known, a role stays: a zombie, or a process on its way out, has no command line left.
                known = cpu.get(pid, ("other", 0.0))[0]
                now = role(_argv(pid)) if not zombie else "other"
                cpu[pid] = (now if now != "other" else known, seconds)
                if zombie:
                    continue
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
        by_role: dict[str, float] = {}
        for name, used in cpu.values():
            by_role[name] = by_role.get(name, 0.0) + used
        return Measured(proc.returncode, seconds, out.read(), err.read(), peak_tree, peak_process, len(seen),
                        timed_out, by_role)
