"""Hold every registration of a program run until all of its checks have passed.

The Pulumi Python SDK sends a resource's registration to the engine from the event
loop, after the program's function returns, and ``run_pulumi_func`` still sends the
ones a failing program queued. So a program that declared its resources and then
found an error (a finding of the preflight, providers/preflight.py) would leave them
created: a half-applied stack. A ``Gate`` is an Output every held resource depends on
(``depends_on``: nothing reaches state). It resolves, to no dependencies, when the
``with`` block ends normally; an exception in the block rejects it with that
exception, so each held registration fails before its request is built and the
engine receives none of them. The program reports the same exception.

This lets the program declare its resources while the preflight's worker still
reads the applications (providers/preflight_worker.py), instead of waiting for the
answer first: the SDK's work per resource then overlaps the worker's start-up.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import pulumi


class Gate:
    """``with Gate() as held:`` declare resources with ``held.opts``; they register only if the block succeeds."""

    def __init__(self) -> None:
        loop = asyncio.get_event_loop()
        self._future: asyncio.Future[list[Any]] = loop.create_future()
        known, secret = loop.create_future(), loop.create_future()
        known.set_result(True)
        secret.set_result(False)
        #: Depend on this and nothing more: it resolves to no resources.
        self.opts = pulumi.ResourceOptions(depends_on=pulumi.Output(set(), self._future, known, secret))

    def __enter__(self) -> Gate:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._future.done():
            return
        if exc is None:
            self._future.set_result([])
        else:
            self._future.set_exception(exc if isinstance(exc, Exception) else pulumi.RunError(
                f"jobspec: the program was interrupted ({kind.__name__ if kind else 'unknown'}); nothing was applied"))
            # Retrieved here, once: each held registration awaits it too, and the SDK handles their failures.
            self._future.exception()
