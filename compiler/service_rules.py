"""The service's documented rules that span more than one field.

Each rule is attached to a field in the schema (``service: [name, ...]``) so cerberus
reports it at that field, and ``fastcheck`` decides it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

#: StartJobRun's ``mode`` when a spec leaves it out.
DEFAULT_MODE = "BATCH"
#: EMR 7.11+ caps BATCH runs at 7 days and no longer accepts 0 (no timeout).
BATCH_MAX_MINUTES = 10080


def mode_of(root: dict) -> Any:
    return root.get("mode", DEFAULT_MODE)


@dataclass(frozen=True)
class ServiceRule:
    name: str
    rule_id: str
    test: Callable[[Any, dict], bool]
    message: Callable[[Any, dict], str]

    def holds(self, value: Any, root: dict) -> bool:
        return self.test(value, root)


RULES: dict[str, ServiceRule] = {r.name: r for r in (
    ServiceRule(
        "batch_only", "E2001",
        lambda v, root: mode_of(root) == "BATCH",
        lambda v, root: f"is only allowed for BATCH jobs, and mode is {mode_of(root)}; "
                        "use maxFailedAttemptsPerHour for STREAMING jobs",
    ),
    ServiceRule(
        "streaming_only", "E2002",
        lambda v, root: mode_of(root) == "STREAMING",
        lambda v, root: f"is only allowed for STREAMING jobs, and mode is {mode_of(root)}"
                        + (" (the default)" if "mode" not in root else "")
                        + "; use maxAttempts for BATCH jobs",
    ),
    ServiceRule(
        "batch_timeout", "W2010",
        lambda v, root: mode_of(root) != "BATCH" or not isinstance(v, int) or 0 < v <= BATCH_MAX_MINUTES,
        lambda v, root: (f"is {v}: BATCH jobs on EMR 7.11 and later need 1 to {BATCH_MAX_MINUTES} minutes "
                         "(0, no timeout, is no longer accepted)"),
    ),
    ServiceRule(
        "rerun_with_token", "W2011",
        lambda v, root: "clientToken" not in root,
        lambda v, root: ("has no effect while clientToken is set: the token stays the same, so the service "
                         "answers with the run it already started and nothing starts again; remove clientToken "
                         "(jobspec then derives one that includes rerun), or change clientToken instead"),
    ),
)}
