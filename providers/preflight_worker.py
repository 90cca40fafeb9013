"""The preflight's GetApplication reads (providers/applications.py), in a process of their own.

Importing botocore and making a client costs the program ~0.13 s of CPU, and a thread
cannot hide it: an import holds the GIL. Started as the program starts, this process
pays it on another core while the program imports, lints and compiles; the program
then sends the applicationIds and waits only for the answers (bench/RESULTS.md:
no-change ``up`` of 100 jobs). The program's own process then never loads botocore.

One JSON line in (the applicationIds), one JSON line out: ``{"apps": {id: {...} or
null}, "region": ...}``, or ``{"skipped": note}`` when the service cannot be asked
(the same note the program would print). Stdin closed without a line: nothing to
read, the process exits. A worker that cannot start, dies, answers anything else or
takes longer than its bound: the program reads the applications in its own process,
as it did before, so the findings and notes are the same either way.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from typing import Any, Callable

from providers import applications

#: Seconds the program waits for an answer, beyond what the client's own timeouts allow per application.
MARGIN_SECONDS = 30.0


def _client_for(region: str | None) -> Callable[[], Any]:
    def make() -> Any:
        from providers import aws
        return aws.emr_client(region, attempts=applications.ATTEMPTS)
    return make


def in_process(region: str | None) -> applications.Fetch:
    """The reads made in the calling process (botocore loaded then, and only then)."""
    make = _client_for(region)
    return lambda app_ids: applications.fetch(make, app_ids)


class Worker:
    """A started worker process; ``fetch`` is a ``applications.Fetch``. Use once, then ``close``."""

    def __init__(self, region: str | None) -> None:
        self.region = region
        try:
            self.proc: subprocess.Popen[str] | None = subprocess.Popen(
                [sys.executable, "-m", "providers.preflight_worker", region or ""],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            self.proc = None

    def fetch(self, app_ids: list[str]) -> tuple[dict[str, applications.Application | None], str | None]:
        """The worker's answer for ``app_ids``; the calling process's own reads if it has none."""
        return self.answer(self.ask(app_ids), app_ids)

    def ask(self, app_ids: list[str]) -> dict[str, Any] | None:
        """The worker's raw answer, None if it has none. Pipe I/O only, so safe in a thread: botocore is not imported."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        from providers.aws import CONNECT_TIMEOUT, READ_TIMEOUT

        bound = MARGIN_SECONDS + applications.ATTEMPTS * (CONNECT_TIMEOUT + READ_TIMEOUT) * len(app_ids)
        try:
            out, _ = proc.communicate(json.dumps(app_ids) + "\n", timeout=bound)
            answer = json.loads(out.splitlines()[0]) if proc.returncode == 0 and out else None
        except (subprocess.TimeoutExpired, OSError, ValueError, IndexError):
            proc.kill()
            proc.wait()
            return None
        ok = isinstance(answer, dict) and (isinstance(answer.get("skipped"), str) or isinstance(answer.get("apps"), dict))
        return answer if ok else None

    def answer(self, raw: dict[str, Any] | None, app_ids: list[str]) -> tuple[dict[str, applications.Application | None], str | None]:
        """``ask``'s answer as ``applications.fetch`` gives it; without one, the reads made here (main thread only)."""
        if raw is None:
            return in_process(self.region)(app_ids)
        if "skipped" in raw:
            raise applications.Skipped(raw["skipped"])
        apps = {k: (applications.Application(**v) if v is not None else None) for k, v in raw["apps"].items()}
        return apps, raw.get("region")

    def close(self) -> None:
        """Let an unused worker go: it reads end of input and exits."""
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                proc.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass


def start(region: str | None) -> Worker:
    """A worker for ``region`` (the stack's ``aws:region``; None: the SDKs' region chain), starting now."""
    return Worker(region)


def serve(region: str | None, stdin: Any = sys.stdin, stdout: Any = sys.stdout) -> None:
    """The worker's side: make the client at once, then answer one line of applicationIds."""
    make = _client_for(region)
    try:
        make()  # the slow part, done before the program asks
    except Exception:  # noqa: BLE001 - applications.fetch makes it again and says why it cannot
        pass
    line = stdin.readline()
    if not line.strip():
        return
    try:
        apps, asked = applications.fetch(make, json.loads(line))
    except applications.Skipped as skipped:
        answer: dict[str, Any] = {"skipped": str(skipped)}
    else:
        answer = {"apps": {k: (dataclasses.asdict(v) if v is not None else None) for k, v in apps.items()},
                  "region": asked}
    stdout.write(json.dumps(answer) + "\n")
    stdout.flush()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None)
    # Exit without the interpreter's teardown: nothing is left to flush, and the program is waiting.
    os._exit(0)
