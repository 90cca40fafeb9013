"""What ``pulumi refresh`` learns of each run, with as few calls as the service allows.

A refresh reads every run of the stack. One GetJobRun per run made refresh cost
about twice a provider that calls nothing (bench/RESULTS.md). Two facts make most
of those calls unneeded:

- A run that has ended (SUCCESS, FAILED, CANCELLED: ``aws.TERMINAL``) never changes
  again, so a run whose state already records an end is not read at all.
- The runs that have not ended are the few a service has at once: one ListJobRuns
  per application, filtered to the states that are not an end (botocore's
  ``JobRunState`` less ``aws.TERMINAL``), answers for all of them.

A run missing from that list has ended (or is gone) since the last read, and only
that run is read with GetJobRun, as before. So is every run when ListJobRuns is
refused (it needs ``emr-serverless:ListJobRuns``) or the list is longer than
``MAX_PAGES`` pages: the list only ever saves calls, it never decides alone.

The list is made once per application and provider process, by the first read that
needs it (the engine reads in parallel: the others wait for it), and kept for
``TTL_SECONDS``, as long as one refresh takes.
"""

from __future__ import annotations

import functools
import threading
import time
from typing import Any

from providers import aws

#: Pages of ListJobRuns (50 runs each) read per application before falling back to GetJobRun.
MAX_PAGES = 20
#: How long one listing answers for its application, in seconds.
TTL_SECONDS = 30.0


@functools.lru_cache(maxsize=1)
def active_states() -> tuple[str, ...]:
    """The run states that are not an end, from botocore's model (``JobRunState``)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("emr-serverless")
    return tuple(s for s in model.shape_for("JobRunState").enum if s not in aws.TERMINAL)


def has_ended(props: dict[str, Any]) -> bool:
    """True when the state recorded for a run is an end: reading it again cannot change it."""
    return props.get("state") in aws.TERMINAL and bool(props.get("arn"))


class ActiveRuns:
    """Per provider process: application id -> its runs that have not ended, by run id (ListJobRuns)."""

    def __init__(self, ttl: float = TTL_SECONDS, max_pages: int = MAX_PAGES) -> None:
        self.ttl, self.max_pages = ttl, max_pages
        self._lock = threading.Lock()
        self._apps: dict[tuple[int, str], tuple[float, dict[str, dict[str, Any]] | None]] = {}

    def summary(self, client: Any, app: str, run_id: str) -> dict[str, Any] | None:
        """The run's JobRunSummary when the service lists it among the runs not ended, else None."""
        listed = self._listing(client, app)
        return None if listed is None else listed.get(run_id)

    def _listing(self, client: Any, app: str) -> dict[str, dict[str, Any]] | None:
        # One lock for all applications: listing is rare (once per application and
        # refresh) and the reads waiting for it would wait for the service anyway.
        key = (id(client), app)
        with self._lock:
            made = self._apps.get(key)
            if made is not None and time.monotonic() - made[0] < self.ttl:
                return made[1]
            listed = self._list(client, app)
            self._apps[key] = (time.monotonic(), listed)
            return listed

    def _list(self, client: Any, app: str) -> dict[str, dict[str, Any]] | None:
        """Every run of ``app`` not ended, or None when the service will not list them all."""
        runs: dict[str, dict[str, Any]] = {}
        pages = client.get_paginator("list_job_runs").paginate(
            applicationId=app, states=list(active_states()), PaginationConfig={"PageSize": 50})
        try:
            for number, page in enumerate(pages, 1):
                if number > self.max_pages:
                    return None
                runs.update((run["id"], run) for run in page.get("jobRuns", []))
        except Exception as exc:  # noqa: BLE001 - AWS refusals fall back to GetJobRun; anything else is a bug
            from providers.errors import describe

            if describe(exc, "ListJobRuns") is None:
                raise
            return None
        return runs


#: The process's listings (the provider process serves one engine command).
ACTIVE = ActiveRuns()
