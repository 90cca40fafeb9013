"""What ``pulumi refresh`` learns of each run, with as few calls as the service allows.

A refresh reads every run of the stack. One GetJobRun per run made refresh cost
about twice a provider that calls nothing (bench/RESULTS.md). Three facts make most
of those calls unneeded:

- A run that has ended (SUCCESS, FAILED, CANCELLED: ``aws.TERMINAL``) never changes
  again, so a run whose state already records an end is not read at all.
- The runs that have not ended are the few a service has at once: one ListJobRuns
  per application, filtered to the states that are not an end (botocore's
  ``JobRunState`` less ``aws.TERMINAL``), answers for all of them.
- A run missing from that list has ended (or is gone) since the last read. The runs
  that ended since are recent ones: a second ListJobRuns per application, of the
  recent runs in every state (no filter; the service lists the newest first, and at
  most ``MAX_PAGES`` pages are read), answers for those it lists with an end. An end
  is final, so it is right whenever it was listed.

Everything else is read with GetJobRun, one call per run, as before: a run in neither
list (so a run the service no longer has is still the same error), a run the second
list shows in a state that is not an end (the lists disagree: the run is asked), every
run not ended when the first list is longer than ``MAX_PAGES`` pages, and every run
when ListJobRuns is refused (it needs ``emr-serverless:ListJobRuns``; the second list
is not asked for when the first was refused). The lists only ever save calls, they
never decide alone.

Each list is made once per application and provider process, by the first read that
needs it (the engine reads in parallel: the others wait for it), and kept for
``TTL_SECONDS``, as long as one refresh takes.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from providers import aws

#: Pages of ListJobRuns (50 runs each) read per application before falling back to GetJobRun.
MAX_PAGES = 20
#: How long one listing answers for its application, in seconds.
TTL_SECONDS = 30.0


def active_states(client: Any) -> tuple[str, ...]:
    """The run states that are not an end, from the client's own model of the service (``JobRunState``).

    The client's model, not a new botocore session's: that would load the model again (~25 ms).
    """
    return tuple(s for s in client.meta.service_model.shape_for("JobRunState").enum if s not in aws.TERMINAL)


def has_ended(props: dict[str, Any]) -> bool:
    """True when the state recorded for a run is an end: reading it again cannot change it."""
    return props.get("state") in aws.TERMINAL and bool(props.get("arn"))


class ActiveRuns:
    """Per provider process: application id -> its runs not ended, and its recent runs, by run id (ListJobRuns)."""

    def __init__(self, ttl: float = TTL_SECONDS, max_pages: int = MAX_PAGES) -> None:
        self.ttl, self.max_pages = ttl, max_pages
        self._lock = threading.Lock()
        self._apps: dict[tuple[int, str, bool], tuple[float, dict[str, dict[str, Any]] | None]] = {}

    def summary(self, client: Any, app: str, run_id: str) -> dict[str, Any] | None:
        """The run's JobRunSummary when a listing answers for it (module docstring), else None: ask GetJobRun."""
        not_ended = self._listing(client, app, recent=False)
        if not_ended is None:  # refused, or too long: the runs are read one by one
            return None
        if run_id in not_ended:
            return not_ended[run_id]
        recent = self._listing(client, app, recent=True) or {}
        listed = recent.get(run_id)
        return listed if listed is not None and listed.get("state") in aws.TERMINAL else None

    def _listing(self, client: Any, app: str, recent: bool) -> dict[str, dict[str, Any]] | None:
        # One lock for all applications and both lists: listing is rare (twice per application
        # and refresh at most) and the reads waiting for it would wait for the service anyway.
        key = (id(client), app, recent)
        with self._lock:
            made = self._apps.get(key)
            if made is not None and time.monotonic() - made[0] < self.ttl:
                return made[1]
            if not recent:
                listed = self._list(client, app, states=list(active_states(client)), whole=True)
            elif self._apps.get((id(client), app, False), (0.0, None))[1] is None:
                listed = None  # the first list was refused (or too long): this one would not save a call
            else:
                listed = self._list(client, app, states=None, whole=False)
            self._apps[key] = (time.monotonic(), listed)
            return listed

    def _list(self, client: Any, app: str, states: list[str] | None, whole: bool) -> dict[str, dict[str, Any]] | None:
        """Runs of ``app`` in ``states`` (None: all) from at most ``max_pages`` pages; None when refused.

        ``whole``: the list must be complete (a run missing from it is taken to have ended),
        so one longer than ``max_pages`` pages is None. Otherwise the pages read are kept.
        """
        runs: dict[str, dict[str, Any]] = {}
        filters = {"states": states} if states is not None else {}
        pages = client.get_paginator("list_job_runs").paginate(
            applicationId=app, **filters, PaginationConfig={"PageSize": 50})
        try:
            for number, page in enumerate(pages, 1):
                if number > self.max_pages:
                    return None
                runs.update((run["id"], run) for run in page.get("jobRuns", []))
                if number == self.max_pages and not whole:
                    break  # no page after the last one read is asked for
        except Exception as exc:  # noqa: BLE001 - AWS refusals fall back to GetJobRun; anything else is a bug
            from providers.errors import describe

            if describe(exc, "ListJobRuns") is None:
                raise
            return None
        return runs


#: The process's listings (the provider process serves one engine command).
ACTIVE = ActiveRuns()
