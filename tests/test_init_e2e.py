"""A new user's first deploy: jobspec installed from its wheel, ``jobspec init``, lint, preview, up.

Nothing here imports from this checkout in a child process: jobspec is built as a
wheel (``pip wheel``) and installed with its ``pulumi`` extra into the new
repository's own ``.venv`` (the folder its ``Pulumi.yaml`` names), every command runs
in the new repository with no ``PYTHONPATH`` and that venv first on ``PATH``, and the
Pulumi engine runs the program and the provider from that venv, against the local
endpoint. The user's only edits: the stack's ``jobspec:applicationId`` (their
application, here the endpoint's).

Until the install part of issue 14 lands, ``[pulumi]`` names no extra and pip warns
and installs the base package (which still brings pulumi); afterwards the extra
brings it. tests/installkit.py (from that part) can replace ``_build_wheel`` and ``_venv``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler import __version__
from conftest import REPO
from test_init import FILES, NEXT
from tools.engine import PulumiWorkspace, pulumi_bin_dir
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

STACK, JOB = "dev", "example-spark"
INSTALL_TIMEOUT = 900  # the first install downloads pulumi and pulumi-aws (a later one reads pip's cache)


class NewUserWorkspace(PulumiWorkspace):
    """The engine's environment without anything that points into this checkout."""

    def env(self) -> dict[str, str]:
        env = super().env()
        for key in ("PYTHONPATH", "VIRTUAL_ENV"):
            env.pop(key, None)
        return env


@dataclass
class NewRepo:
    root: Path
    venv: Path
    app: str
    endpoint: LocalEndpoint
    ws: NewUserWorkspace

    def run(self, *argv: str) -> subprocess.CompletedProcess:
        """A command in the new repository, with the user's environment (no checkout on any path)."""
        return subprocess.run(list(argv), cwd=self.root, env=self.ws.env(), capture_output=True, text=True,
                              timeout=300)

    def jobspec(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(str(self.venv / "bin" / "jobspec"), *args)


def _build_wheel(out: Path) -> Path:
    """The wheel of a copy of the checkout: setuptools' build/ and egg-info land there, never in the checkout."""
    source = out / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", ".tools", ".state", "build",
                                                                 "*.egg-info", "__pycache__", "bench"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
                    str(source), "-w", str(out)], check=True, capture_output=True, timeout=INSTALL_TIMEOUT)
    (wheel,) = out.glob("jobspec-*.whl")
    return wheel


def _venv(venv: Path, wheel: Path, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, env=env)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    f"{wheel}[pulumi]"], check=True, capture_output=True, timeout=INSTALL_TIMEOUT, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> NewRepo:
    tmp = tmp_path_factory.mktemp("new-user")
    root = tmp / "team-jobs"
    root.mkdir()
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _venv(root / ".venv", _build_wheel(tmp / "dist"), clean)
    with LocalEndpoint() as endpoint:
        app = endpoint.create_application("team-jobs")
        venv_bin = root / ".venv" / "bin"
        bin_dir = pulumi_bin_dir()
        env = {**endpoint.env(), "PATH": f"{bin_dir}:{venv_bin}:/usr/bin:/bin",
               "PULUMI_PYTHON_CMD": str(venv_bin / "python")}
        ws = NewUserWorkspace(root, tmp / "state", STACK, env, bin_dir)
        yield NewRepo(root, root / ".venv", app, endpoint, ws)


def test_jobspec_runs_from_the_installed_wheel_not_from_the_checkout(repo):
    proc = repo.run(str(repo.venv / "bin" / "python"), "-c",
                    "import compiler, providers.program; print(compiler.__file__); print(providers.program.__file__)")
    site = next((repo.venv / "lib").glob("python3.*")) / "site-packages"
    assert proc.stdout.splitlines() == [str(site / "compiler" / "__init__.py"), str(site / "providers" / "program.py")]


def test_init_in_the_new_repository_prints_what_it_wrote(repo):
    proc = repo.jobspec("init")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == "".join(f"{f}\n" for f in FILES) + NEXT.replace("  cd team-jobs\n", "")
    assert (repo.root / "requirements.txt").read_text().splitlines()[2] == f"jobspec[pulumi]=={__version__}"


def test_the_new_repository_lints_clean(repo):
    proc = repo.jobspec("lint", "jobspecs")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "0 error(s), 0 warning(s)\n", "")


def test_the_stack_is_created_as_the_deploy_workflow_creates_it(repo):
    repo.ws.run("stack", "select", "--create", STACK)
    repo.ws.run("config", "set", "jobspec:applicationId", repo.app)
    assert [s["name"] for s in json.loads(repo.ws.run("stack", "ls", "--json").stdout)] == [STACK]


def test_preview_shows_the_example_job_to_create_and_starts_nothing(repo):
    preview = json.loads(repo.ws.run("preview", "--json").stdout)
    steps = [(s["op"], s["urn"].rsplit("::", 1)[1]) for s in preview["steps"] if s["urn"].endswith(f"::{JOB}")]
    assert steps == [("create", JOB)]
    assert repo.endpoint.start_job_run_bodies() == []


def test_up_starts_the_example_job_with_its_compiled_body_on_the_users_application(repo):
    repo.ws.run("up", "--yes", "--skip-preview")
    compiled = json.loads(repo.jobspec("compile", "jobspecs/example-spark.yaml", "--stack", STACK).stdout)
    (body,) = repo.endpoint.start_job_run_bodies()
    # The stack's applicationId is part of what the clientToken is derived from: not the one compile prints.
    assert re.fullmatch(r"js1-[0-9a-f]{40}", body["clientToken"]) and body["clientToken"] != compiled["clientToken"]
    assert body == {**compiled, "applicationId": repo.app, "clientToken": body["clientToken"]}
    (run,) = repo.endpoint.job_runs(repo.app)
    assert run["clientToken"] == body["clientToken"]
    assert repo.ws.outputs() == {"jobs": {JOB: {
        "arn": f"arn:aws:emr-serverless:us-east-1:123456789012:/applications/{repo.app}/jobruns/{run['jobRunId']}",
        "jobRunId": run["jobRunId"], "state": run["state"]}}}
