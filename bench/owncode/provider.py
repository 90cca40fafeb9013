"""``JobRunProvider`` with the thread CPU time of each of its methods summed, for bench/owncode_bench.py.

Only the method's own call is timed (``time.thread_time`` of the engine's calling thread):
not the SDK's (de)serialization around it, nor other threads. The sums go to
``$JOBSPEC_BENCH_OWN_CPU_DIR/provider-<pid>.json`` after each call, outside the timed part.
The class is pickled by reference into state, so it must stay importable from the repository.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any, Callable

from providers.jobrun import JobRunProvider

_lock = threading.Lock()
_totals: dict[str, list[float]] = {}  # method: [calls, CPU seconds]


def _record(method: str, seconds: float) -> None:
    with _lock:
        calls = _totals.setdefault(method, [0, 0.0])
        calls[0] += 1
        calls[1] += seconds
        out = os.environ.get("JOBSPEC_BENCH_OWN_CPU_DIR")
        if out:
            with open(os.path.join(out, f"provider-{os.getpid()}.json"), "w") as fh:
                json.dump(_totals, fh)


def _timed(method: str) -> Callable[..., Any]:
    inner = getattr(JobRunProvider, method)

    def call(self: Any, *args: Any) -> Any:
        start = time.thread_time()
        try:
            return inner(self, *args)
        finally:
            _record(method, time.thread_time() - start)

    call.__name__ = method
    return call


class TimedJobRunProvider(JobRunProvider):
    check = _timed("check")
    diff = _timed("diff")
    create = _timed("create")
    update = _timed("update")
    read = _timed("read")
    delete = _timed("delete")
