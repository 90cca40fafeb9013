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
