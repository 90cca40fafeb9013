"""Pausing Python's cyclic garbage collector around batch work.

A lint or compile run over thousands of specs allocates millions of objects that
all stay alive until the run ends; the collector would rescan them again and again
(bench/lint_bench.py: 10,000 specs took 12.8 s with it on, about 9.5 s paused).
Clean specs make no reference cycles; an invalid one's cerberus errors do, and
they are collected once the collector is back on.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside; the previous setting afterwards (nesting is fine).

    On the way out, everything the batch allocated is moved to the oldest generation
    (``gc.freeze()`` then ``gc.unfreeze()``): otherwise the first allocation after
    re-enabling would scan those millions of young objects at once. They stay
    collectable; the next full collection sees them as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


#: Young-generation threshold for a Pulumi program's process (CPython's default is 700).
PROGRAM_GEN0_THRESHOLD = 10_000


def relax_for_process(gen0: int = PROGRAM_GEN0_THRESHOLD) -> None:
    """Run the cyclic collector less often for the rest of this process; cycles are still collected.

    For the Pulumi program: the SDK makes asyncio tasks and futures for every property
    of every resource, most of which stay alive until the program ends, and at the
    default threshold the collector rescans that growing heap again and again. At 300
    jobs that was about 0.4 s of a 2.5 s ``pulumi preview`` (bench/RESULTS.md); any
    threshold from 5,000 up removed it.
    """
    gc.set_threshold(gen0, *gc.get_threshold()[1:])
