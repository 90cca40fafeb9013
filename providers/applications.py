"""What GetApplication says of each application the specs name: the service's side of the preflight.

Kept apart from the findings (providers/preflight.py) so the preflight's worker process
(providers/preflight_worker.py) loads botocore and nothing of the linter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

_RELEASE = re.compile(r"emr-(\d+)\.(\d+)")
#: Attempts per GetApplication: a preflight that cannot reach the service is skipped, not retried for long.
ATTEMPTS = 2


@dataclass(frozen=True)
class Application:
    """The facts of GetApplication that decide whether a job can run there."""

    id: str
    type: str
    release: str
    state: str
    auto_start: bool

    @classmethod
    def from_api(cls, app: dict[str, Any]) -> "Application":
        return cls(app["applicationId"], str(app.get("type", "")).upper(), app.get("releaseLabel", ""),
                   app.get("state", ""), (app.get("autoStartConfiguration") or {}).get("enabled", True))

    @property
    def release_version(self) -> tuple[int, int] | None:
        match = _RELEASE.match(self.release)
        return (int(match.group(1)), int(match.group(2))) if match else None


#: Reads the applications: ``{id: Application or None (it does not exist)}`` and the region asked; raises Skipped.
Fetch = Callable[[list[str]], "tuple[dict[str, Application | None], str | None]"]


class Skipped(Exception):
    """The service could not be asked; the message is the note to print."""


def fetch(client_for: Callable[[], Any], app_ids: list[str]) -> tuple[dict[str, Application | None], str | None]:
    """GetApplication for each id (None: it does not exist), and the region asked.

    Raises Skipped when the service cannot be asked.
    """
    from providers.aws import error_code
    from providers.errors import describe

    found: dict[str, Application | None] = {}
    try:
        client = client_for()
        for app in app_ids:
            try:
                found[app] = Application.from_api(client.get_application(applicationId=app)["application"])
            except Exception as exc:  # noqa: BLE001 - "not found" is an answer; the rest is handled below
                if error_code(exc) != "ResourceNotFoundException":
                    raise
                found[app] = None
    except Exception as exc:  # noqa: BLE001 - AWS failures skip the check; anything else is a bug
        said = describe(exc, "GetApplication", attempts=ATTEMPTS)
        if said is None:
            raise
        raise Skipped(f"applications not checked against the service: {said}") from None
    return found, getattr(getattr(client, "meta", None), "region_name", None)
