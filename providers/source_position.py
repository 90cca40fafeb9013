"""Where a job is declared, as Pulumi records it: the spec file, not jobspec's Python frames.

For every resource the Python SDK sends the engine the Python call stack of its
constructor, and the engine keeps it in state (``sourcePosition``, ``stackTrace``).
For a job that stack is jobspec's own code and the SDK's runtime: 13 to 16 frames,
about 1.3 KB of every job's state, and none of them says where the job comes from.
The engine rewrites the whole state twice per created or deleted resource during
``up`` and ``destroy`` (docs/engine-snapshots.md), so those bytes cost time that grows
with the square of the stack's jobs.

``declared_at`` makes the SDK record the spec file instead, as a one-frame stack:
``project:///jobspecs/nightly.yaml#1`` in ``pulumi stack export`` (and wherever
Pulumi shows a resource's source). The engine does not compare these fields when it
decides whether a step writes state (``sameSnapshotMutation.mustWrite``), so a state
recorded with the Python frames is not rewritten for them.

The SDK has no option for it: the constructor asks ``pulumi.runtime.resource.
_get_stack_trace`` by name, synchronously, and ``declared_at`` swaps that function
for the constructor's duration. If an SDK release renames it, nothing breaks and
the Python frames are recorded again; ``tests/test_source_position.py`` fails then.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

#: The line recorded: a spec file holds one job.
LINE = 1


def stack_trace(spec_file: str) -> source_pb2.StackTrace:
    """The one-frame stack the SDK sends for a job declared in ``spec_file``.

    The engine wants an absolute ``file:`` URI and makes it relative to the project.
    """
    uri = Path(os.path.abspath(spec_file)).as_uri()
    return source_pb2.StackTrace(frames=[source_pb2.StackFrame(pc=source_pb2.SourcePosition(uri=uri, line=LINE))])


@contextlib.contextmanager
def declared_at(spec_file: str) -> Iterator[None]:
    """Within the block, resources constructed are recorded as declared at ``spec_file``'s first line.

    Only the program's thread constructs resources, and the SDK reads the stack
    synchronously in the constructor, so the swap is seen by nothing else.
    """
    trace = stack_trace(spec_file)
    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:
        yield
        return
    sdk_resource._get_stack_trace = lambda: trace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original
