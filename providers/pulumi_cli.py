"""One stack through the ``pulumi`` on PATH, as ``jobspec recover`` uses it.

The environment decides the backend and the secrets (``PULUMI_BACKEND_URL``,
``PULUMI_CONFIG_PASSPHRASE``, ``PULUMI_ACCESS_TOKEN`` ...), as for any ``pulumi``
command; the project folder is the working directory. State is read with ``stack
export`` and written with ``stack import``, the engine's own commands: the file
written for ``import`` holds secrets as the backend encrypted them, never in
plain text, and is deleted at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Bound on one pulumi command (a stack export or import takes about a second here).
TIMEOUT = 600
#: How the engine marks a secret in exported state: ``{SIG_KEY: SECRET_SIG, "ciphertext" | "plaintext": ...}``.
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
#: ``pulumi cancel`` on Pulumi Cloud when no update is running (pkg/backend/httpstate/backend.go); not tested here.
NO_ACTIVE_UPDATE = "has never been updated"


class EngineFailure(Exception):
    """A pulumi command that could not be run or failed; the message is a sentence for the user."""


def reveal(value: Any) -> Any:
    """``value`` with every secret of a ``stack export --show-secrets`` replaced by its plain value."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG and "plaintext" in value:
            return reveal(json.loads(value["plaintext"]))
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def _reason(proc: subprocess.CompletedProcess) -> str:
    """The engine's own error lines (``error: ...``), else the last line it printed."""
    lines = [line.strip() for line in (proc.stderr + "\n" + proc.stdout).splitlines() if line.strip()]
    errors = [line[len("error:"):].strip() for line in lines if line.startswith("error:")]
    return " ".join(errors) or (lines[-1] if lines else f"exit status {proc.returncode}")


def _label(args: tuple[str, ...]) -> str:
    """The command's name for a message: ``stack export``, ``config``, ``cancel`` (no flags, no file paths)."""
    return " ".join(args[:2]) if args[0] == "stack" else args[0]


@dataclass
class PulumiStack:
    """``name`` of the project in ``cwd``, through the Pulumi CLI."""

    name: str
    cwd: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = ["pulumi", *args, "--stack", self.name, "--non-interactive"]
        try:
            proc = subprocess.run(command, cwd=self.cwd, capture_output=True, text=True, timeout=TIMEOUT,
                                  env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"})
        except FileNotFoundError:
            raise EngineFailure("`pulumi` is not on PATH; install the Pulumi CLI (`make engine` builds it into "
                                ".tools/pulumi/bin) and run again.") from None
        except subprocess.TimeoutExpired:
            raise EngineFailure(f"`pulumi {_label(args)}` did not finish within {TIMEOUT} s.") from None
        if check and proc.returncode != 0:
            raise EngineFailure(f"`pulumi {_label(args)}` failed: {_reason(proc)}")
        return proc

    def export(self, show_secrets: bool = False) -> dict[str, Any]:
        """The stack's state (``{"version", "deployment"}``); secrets encrypted unless ``show_secrets``."""
        args = ("stack", "export", "--show-secrets") if show_secrets else ("stack", "export")
        return json.loads(self.run(*args).stdout)

    def import_state(self, state: dict[str, Any]) -> None:
        """``pulumi stack import`` of ``state`` (which must hold its secrets encrypted, as ``export`` gives them)."""
        with tempfile.TemporaryDirectory(prefix="jobspec-recover-") as folder:
            path = Path(folder) / "state.json"
            path.write_text(json.dumps(state), encoding="utf-8")
            self.run("stack", "import", "--file", str(path))

    def config(self) -> dict[str, str]:
        """The stack's config values as strings (secrets decrypted; they are only compared, never printed)."""
        raw = json.loads(self.run("config", "--json", "--show-secrets").stdout or "{}")
        return {key: entry["value"] for key, entry in raw.items() if isinstance(entry.get("value"), str)}

    def cancel(self) -> None:
        """Delete the lock of an update that no longer runs (``pulumi cancel``); a no-op when there is none."""
        proc = self.run("cancel", "--yes", check=False)
        if proc.returncode != 0 and NO_ACTIVE_UPDATE not in proc.stderr + proc.stdout:
            raise EngineFailure(f"`pulumi cancel` failed: {_reason(proc)}")
