"""Running the real Pulumi CLI for this project: a local file backend and a clean environment.

``PulumiWorkspace`` runs ``pulumi`` commands in the project folder with state in a
folder of its own (``file://`` backend, passphrase secrets), its own
``PULUMI_HOME`` so nothing touches the user's, plugin downloads switched off (the
stack needs no plugin but the Python language host, built by
``tools/ensure-pulumi.sh``), and the local endpoint's environment when given.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PASSPHRASE = "jobspec-local-passphrase"
#: Environment for ``pulumi preview`` only. In v3.274.1 (not yet in v3.252.0) the diy backend gives a preview
#: a snapshot manager with a persister that discards everything (backend/diy/backend.go),
#: yet it still serializes the whole snapshot, secrets encrypted, after every step: work
#: that grows with the square of the resource count and is thrown away. With
#: PULUMI_SKIP_CHECKPOINTS the engine serializes once, at the end; nothing differs, as a
#: preview persists nothing. Never set for ``up``/``destroy``/``refresh``: there the
#: checkpoints are what keeps state right when the process dies (tests/test_engine_faults.py).
PREVIEW_ENV = {"PULUMI_SKIP_CHECKPOINTS": "true"}



class EngineError(RuntimeError):
    """A pulumi command that exited non-zero; carries its output."""

    def __init__(self, args: list[str], proc: subprocess.CompletedProcess) -> None:
        # The engine's own error lines first: with --json they sit at the end of a
        # long document, past where pytest and CI logs cut a failure message.
        super().__init__(f"pulumi {' '.join(args)} exited {proc.returncode}:\n"
                         f"{''.join(_error_diagnostics(proc.stdout))}{proc.stderr}\n{proc.stdout}")
        self.proc = proc


def _error_diagnostics(stdout: str) -> list[str]:
    """The ``diagnostics`` messages of severity error in ``--json`` output (none when it is not JSON)."""
    try:
        document = json.loads(stdout)
    except ValueError:
        return []
    if not isinstance(document, dict):
        return []
    return [f"[{d.get('urn', '')}] {d.get('message', '')}\n" for d in document.get("diagnostics", [])
            if isinstance(d, dict) and d.get("severity") == "error"]


def scratch_project(folder: Path, name: str = "jobspec", main: Path | None = None,
                    specs: Path | None = None) -> Path:
    """A Pulumi project in ``folder`` running ``main`` (default: jobspec's program) with this venv.

    Demo, end-to-end tests and benchmarks run the engine here, never in the
    repository, so no ``Pulumi.<stack>.yaml`` or state lands in the working tree.
    ``specs`` is copied to ``folder/jobspecs``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(main or REPO / "__main__.py", folder / "__main__.py")
    (folder / "Pulumi.yaml").write_text(
        f"name: {name}\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        f"    virtualenv: {Path(sys.prefix)}\n")
    if specs is not None:
        shutil.copytree(specs, folder / "jobspecs", dirs_exist_ok=True)
    return folder


def pulumi_bin_dir() -> Path:
    """Where ``pulumi`` is: PATH, or the pinned build (made by ensure-pulumi.sh when missing)."""
    out = subprocess.run(["bash", str(REPO / "tools" / "ensure-pulumi.sh")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return Path(out.strip().splitlines()[-1])


@dataclass
class PulumiWorkspace:
    """One stack of one project folder, with state under ``state_dir``."""

    project_dir: Path
    state_dir: Path
    stack: str
    extra_env: dict[str, str] = field(default_factory=dict)
    bin_dir: Path | None = None

    def env(self) -> dict[str, str]:
        bin_dir = self.bin_dir or pulumi_bin_dir()
        venv_bin = Path(sys.executable).parent
        env = {
            **os.environ,
            "PATH": os.pathsep.join([str(bin_dir), str(venv_bin), os.environ.get("PATH", "")]),
            "PULUMI_HOME": str(self.state_dir / "home"),
            "PULUMI_BACKEND_URL": f"file://{self.state_dir / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "NO_COLOR": "1",
            **self.extra_env,
        }
        env.pop("PULUMI_ACCESS_TOKEN", None)
        return env

    def command_env(self, command: str) -> dict[str, str]:
        """The environment for one pulumi command: ``PREVIEW_ENV`` for previews only."""
        if command == "preview":
            return {**PREVIEW_ENV, **self.env()}  # the caller's environment or extra_env may say otherwise
        return self.env()

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        (self.state_dir / "backend").mkdir(parents=True, exist_ok=True)
        command = ["pulumi", *args]
        if args[0] != "version":
            command.append("--non-interactive")
        proc = subprocess.run(command, cwd=self.project_dir, env=self.command_env(args[0]), capture_output=True,
                              text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise EngineError(list(args), proc)
        return proc

    def init(self) -> None:
        if self.run("stack", "select", self.stack, check=False).returncode != 0:
            self.run("stack", "init", self.stack)

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "output", "--json", "--show-secrets").stdout or "{}")

    def export(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "export").stdout)

    def resources(self, type_suffix: str = ":JobRun") -> list[dict[str, Any]]:
        deployment = self.export().get("deployment", {})
        return [r for r in deployment.get("resources") or [] if r.get("type", "").endswith(type_suffix)]
