"""jobspec's own keys of a resource (job name, spec file, fingerprints...), as one JSON string.

Every ``JobRun`` carries, beside the StartJobRun members, the keys jobspec itself needs
(``providers/jobrun.py``) under one property, ``jobspec``. It is stored as a JSON string,
not as a map, because the engine rewrites the whole state after every step of an ``up``
or ``destroy``, and its cost per write grows with the count of property values, not
with their bytes: measured with the do-nothing provider at 300 jobs, adding jobspec's
keys as a map and the run's outputs (26 values a job) made a create 29% slower, the
same bytes as strings did not (docs/engine-snapshots.md). A preview loses nothing: the
engine's display decodes a JSON string and shows a change inside it as an object diff
(``~ jobspec: (json) { ~ fingerprints: { ~ jobDriver.sparkSubmit.entryPoint: ... } }``).

State written before holds a map there, or (session-1 versions) the keys at the top
level: ``of`` reads every shape, so such a job diffs as unchanged; the next ``up``
records the string in its inputs, and the next refresh (or restart) in its outputs.

A ``Schedule`` keeps a map (``providers/schedule.py``): its keys hold the target's body,
whose values may be known only once a declared application exists, and a stack has
few schedules.
"""

from __future__ import annotations

import json
from typing import Any

#: The property that carries them.
META = "jobspec"


def encode(keys: dict[str, Any]) -> str:
    """The keys as compact JSON with sorted keys (one text per value); empty values are dropped."""
    return json.dumps({k: v for k, v in keys.items() if v not in (None, {})}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def decode(value: Any) -> dict[str, Any]:
    """The keys from a ``jobspec`` property: a JSON string, or a map in state written before; else ``{}``."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            keys = json.loads(value)
        except ValueError:
            return {}
        return keys if isinstance(keys, dict) else {}
    return {}


def of(props: dict[str, Any]) -> dict[str, Any]:
    """The keys of a property bag (inputs or outputs), where the bag's version put them.

    No ``jobspec`` property: state of session-1 versions, which kept the keys at the top
    level; the bag itself is returned, to be read by key.
    """
    value = props.get(META)
    return decode(value) if isinstance(value, (dict, str)) else props
