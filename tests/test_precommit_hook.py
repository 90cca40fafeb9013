"""The pre-commit hook (.pre-commit-hooks.yaml) as a team's repository runs it, with the real pre-commit.

pre-commit clones the hook repository at a commit and installs it with ``pip install .``
into a virtualenv of its own: the core install, no Pulumi. The hook repository here is
a fresh git repository holding a copy of the working tree (``installkit.copy_source``),
committed, so the hook under test is exactly this checkout's (``try-repo`` on a checkout
with uncommitted changes would use a shadow copy of the tracked files only). The team's
repository is a scratch git repository with a few specs, staged.

``try-repo`` builds its environment in a temporary store it deletes; the size is measured
through a ``.pre-commit-config.yaml`` naming the hook, as a team adds it, with
``PRE_COMMIT_HOME`` in a scratch folder: everything pre-commit keeps there (the clone and
the hook's virtualenv, pip and setuptools included) must stay under 120 MB.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from installkit import MB, clean_env, copy_source

pytestmark = pytest.mark.e2e

#: Installing the hook's environment is a pip install of jobspec and its dependencies.
TIMEOUT = 600
LIMIT = 120 * MB
GIT = ("git", "-c", "user.name=jobspec tests", "-c", "user.email=tests@jobspec.invalid", "-c", "commit.gpgsign=false")
DEFAULTS = """\
defaults:
  applicationId: 00fkt3q8n4s5ab09
  executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
"""
CLEAN = """\
name: nightly
jobDriver:
  sparkSubmit:
    entryPoint: s3://bucket/nightly.py
"""
BAD = """\
name: hourly
jobDriver:
  sparkSubmit:
    entryPoint: s3://bucket/hourly.py
    entryPointArgs: [--date, today]
"""


def git(*args: str, cwd: Path) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60).stdout


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    """The pre-commit of the test environment (the test extra), with no PYTHONPATH to leak into the hook."""
    return subprocess.run([sys.executable, "-m", "pre_commit", *args, "--color", "never"], cwd=cwd, capture_output=True,
                          text=True, env=clean_env(PRE_COMMIT_HOME=str(home)), timeout=TIMEOUT)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout as a hook repository: its path and the commit to pin."""
    repo = copy_source(tmp_path_factory.mktemp("hook") / "jobspec")
    git("init", "--quiet", cwd=repo)
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "--message", "jobspec under test", cwd=repo)
    return repo, git("rev-parse", "HEAD", cwd=repo).strip()


def team_repo(root: Path, specs: dict[str, str]) -> Path:
    """A team's repository with ``specs`` (relative path → text) staged, as before a commit."""
    root.mkdir()
    git("init", "--quiet", cwd=root)
    (root / "README.md").write_text("# data jobs\n", encoding="utf-8")
    for name, text in specs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git("add", "--all", cwd=root)
    return root


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_symlink() or p.is_file())


def test_try_repo_fails_the_commit_on_a_bad_spec_with_its_file_line_and_column(hook_repo, tmp_path):
    repo, rev = hook_repo
    team = team_repo(tmp_path / "team", {"jobspecs/_defaults.yaml": DEFAULTS, "jobspecs/nightly.yaml": CLEAN,
                                         "jobspecs/hourly.yaml": BAD})
    proc = pre_commit("try-repo", str(repo), "jobspec-lint", "--all-files", cwd=team, home=tmp_path / "cache")
    lines = proc.stdout.splitlines()
    assert f"    rev: {rev}" in lines and "    -   id: jobspec-lint" in lines
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert lines[lines.index("[INFO] This may take a few minutes...") + 1:] == [
        "jobspec lint.............................................................Failed",
        "- hook id: jobspec-lint",
        "- exit code: 1",
        "",
        "jobspecs/hourly.yaml:5:5: error E1001 jobDriver.sparkSubmit.entryPointArgs: unknown key 'entryPointArgs' in "
        "jobDriver.sparkSubmit; did you mean 'entryPointArguments'?",
        "1 error(s), 0 warning(s)",
        "",
    ]


def test_the_hook_passes_clean_specs_and_its_environment_stays_under_120_mb(hook_repo, tmp_path):
    repo, rev = hook_repo
    team = team_repo(tmp_path / "team", {
        "jobspecs/_defaults.yaml": DEFAULTS, "jobspecs/nightly.yaml": CLEAN,
        ".pre-commit-config.yaml": f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: jobspec-lint\n",
    })
    home = tmp_path / "pre-commit-home"
    proc = pre_commit("run", "--all-files", cwd=team, home=home)
    assert (proc.returncode, proc.stdout.splitlines()[-1]) == (
        0, "jobspec lint.............................................................Passed"), proc.stdout + proc.stderr
    (env,) = home.glob("repo*/py_env-*")
    installed = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "list", "--format", "freeze"],
                               capture_output=True, text=True, env=clean_env(), timeout=120, check=True).stdout
    names = {line.split("==")[0].lower() for line in installed.splitlines()}
    assert "jobspec" in names and not {"pulumi", "pulumi-aws", "pulumi_aws", "boto3"} & names
    print(f"\npre-commit hook: {folder_size(home) / MB:.1f} MB in PRE_COMMIT_HOME")
    assert folder_size(home) <= LIMIT
