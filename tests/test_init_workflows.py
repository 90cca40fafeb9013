"""The PR and deploy workflows ``jobspec init`` writes: they run only on GitHub, so they are read here.

Each step that can be run off GitHub is run (the stacks step, the comment step with
``gh`` replaced by a stub whose ``--jq`` is gojq, the library gh embeds); the rest is
read from the YAML: pinned actions, least-privilege permissions, the pinned Pulumi
CLI, the order create stack → recover → up.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler import cli
from compiler.init_cmd import contents
from conftest import REPO
from test_ci_definitions import jobspec_calls, triggers, words_after

PR, DEPLOY = ".github/workflows/jobspec-pr.yml", ".github/workflows/jobspec-deploy.yml"
FILES = contents(Path("team-jobs"))
GOJQ_VERSION = "v0.12.17"
USES = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40})  # (v\d+\.\d+\.\d+)$")


def load(name: str) -> dict:
    return yaml.safe_load(FILES[name])


def steps(name: str, job: str) -> list[dict]:
    return load(name)["jobs"][job]["steps"]


def uses(name: str) -> list[str]:
    return [line for line in FILES[name].splitlines() if re.match(r"^\s*(- )?uses:", line)]


def pinned_pulumi() -> str:
    """The Pulumi CLI this repository builds and tests with (tools/pulumi/go.mod)."""
    (version,) = re.findall(r"github\.com/pulumi/pulumi/pkg/v3 v(\S+)", (REPO / "tools/pulumi/go.mod").read_text())
    return version


@pytest.fixture(scope="session")
def gojq() -> Path:
    """gojq, built from the Go module proxy into .tools/go/bin once (seconds)."""
    bin_dir = REPO / ".tools" / "go" / "bin"
    if not (bin_dir / "gojq").exists():
        go = shutil.which("go") or "/usr/local/go/bin/go"
        subprocess.run([go, "install", f"github.com/itchyny/gojq/cmd/gojq@{GOJQ_VERSION}"], check=True, timeout=300,
                       env={**os.environ, "GOBIN": str(bin_dir)}, capture_output=True)
    return bin_dir / "gojq"


@pytest.mark.parametrize("name", [PR, DEPLOY])
def test_each_workflow_is_yaml_and_every_job_runs_on_ubuntu(name):
    workflow = load(name)
    assert workflow["name"] == Path(name).stem
    assert {job["runs-on"] for job in workflow["jobs"].values()} == {"ubuntu-latest"}


def test_the_pr_workflow_runs_on_pull_requests_and_the_deploy_workflow_on_pushes_to_main():
    assert triggers(load(PR)) == {"pull_request": None}
    assert triggers(load(DEPLOY)) == {"push": {"branches": ["main"]}}


@pytest.mark.parametrize("name", [PR, DEPLOY])
def test_every_action_is_pinned_by_commit_with_its_version_in_a_comment(name):
    lines = uses(name)
    assert lines and [line for line in lines if not USES.match(line)] == []


def test_both_workflows_pin_each_action_to_the_same_commit():
    pins: dict[str, set[tuple[str, str]]] = {}
    for name in (PR, DEPLOY):
        for line in uses(name):
            action, sha, version = USES.match(line).groups()
            pins.setdefault(action, set()).add((sha, version))
    assert {action for action, seen in pins.items() if len(seen) > 1} == set()
    assert sorted(pins) == ["actions/cache", "actions/checkout", "actions/download-artifact", "actions/setup-python",
                            "actions/upload-artifact", "aws-actions/configure-aws-credentials",
                            "github/codeql-action/upload-sarif", "pulumi/actions"]


@pytest.mark.parametrize("name", [PR, DEPLOY])
def test_no_permission_is_granted_to_the_whole_workflow_and_each_job_names_its_own(name):
    workflow = load(name)
    assert workflow["permissions"] == {}
    assert all("permissions" in job for job in workflow["jobs"].values())


def test_each_job_has_only_the_permissions_its_steps_use():
    assert {(name, job): spec["permissions"] for name in (PR, DEPLOY) for job, spec in load(name)["jobs"].items()} == {
        (PR, "stacks"): {"contents": "read"},
        (PR, "review"): {"contents": "read", "actions": "read", "security-events": "write", "id-token": "write"},
        (PR, "comment"): {"pull-requests": "write"},
        (DEPLOY, "stacks"): {"contents": "read"},
        (DEPLOY, "up"): {"contents": "read", "id-token": "write"},
    }


@pytest.mark.parametrize("name", [PR, DEPLOY])
def test_checkouts_keep_no_credentials(name):
    checkouts = [s for job in load(name)["jobs"] for s in steps(name, job) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_the_pr_preview_assumes_a_read_only_role_and_the_deploy_the_deploy_role():
    def roles(name: str) -> list[str]:
        return [s["with"]["role-to-assume"] for job in load(name)["jobs"] for s in steps(name, job)
                if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    assert roles(PR) == ["${{ vars.AWS_PREVIEW_ROLE_ARN }}"]
    assert roles(DEPLOY) == ["${{ vars.AWS_ROLE_ARN }}"]


@pytest.mark.parametrize("name, job", [(PR, "review"), (DEPLOY, "up")])
def test_the_pulumi_cli_is_the_pinned_version_installed_before_any_pulumi_command(name, job):
    job_steps = steps(name, job)
    (install,) = [i for i, s in enumerate(job_steps) if s.get("uses", "").startswith("pulumi/actions@")]
    assert job_steps[install]["with"] == {"pulumi-version": pinned_pulumi()}
    commands = [i for i, s in enumerate(job_steps) if re.search(r"^\s*(if ! )?pulumi ", s.get("run", ""), re.M)]
    assert commands and install < min(commands)


@pytest.mark.parametrize("name", [PR, DEPLOY])
def test_jobspec_comes_from_requirements_txt_with_pip_cached_and_no_make(name):
    for job in load(name)["jobs"]:
        python = [s for s in steps(name, job) if s.get("uses", "").startswith("actions/setup-python@")]
        assert all(s["with"]["cache"] == "pip" and s["with"]["cache-dependency-path"] == "requirements.txt"
                   for s in python)
    scripts = [s.get("run", "") for job in load(name)["jobs"] for s in steps(name, job)]
    assert not any(words_after("make", script) for script in scripts)
    installs = [s for s in scripts if "pip install" in s]
    assert installs and all(".venv/bin/pip install --disable-pip-version-check -r requirements.txt" in s
                            for s in installs)


@pytest.mark.parametrize("name", [PR, DEPLOY])
def test_every_jobspec_call_parses_with_the_cli_s_own_parser(name, tmp_path, capsys):
    path = tmp_path / "workflow.yml"
    path.write_text(FILES[name])
    calls = jobspec_calls(path)
    assert calls
    for args in calls:
        try:
            cli._parser().parse_args([_shell_value(a) for a in args])
        except SystemExit as exit_:
            pytest.fail(f"`jobspec {' '.join(args)}` exits {exit_.code}: {capsys.readouterr().err}")


def test_the_deploy_creates_the_stack_when_missing_then_recovers_then_updates_with_the_same_backend():
    up = load(DEPLOY)["jobs"]["up"]
    runs = [s for s in up["steps"] if "run" in s]
    order = [next(i for i, s in enumerate(runs) if text in s["run"])
             for text in ('pulumi stack select --create "$STACK"', 'jobspec recover --stack "$STACK"',
                          'pulumi up --yes --stack "$STACK"')]
    assert order == sorted(order)
    assert {json.dumps(runs[i]["env"]) for i in order} == {
        '{"PULUMI_CONFIG_PASSPHRASE": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"}'}
    assert up["env"]["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert up["concurrency"] == {"group": "jobspec-deploy-${{ matrix.stack }}", "cancel-in-progress": False}
    assert up["strategy"]["fail-fast"] is False


def test_after_a_lint_failure_the_pr_still_gets_the_diff_and_the_preview():
    review = steps(PR, "review")
    lint = next(i for i, s in enumerate(review) if s.get("name") == "Lint (annotations on the changed lines)")
    assert [s.get("name") or s["uses"].split("@")[0] for s in review[lint + 1:] if not s["if"].startswith("${{ !cancelled()")] == []


def test_the_pr_preview_skips_checkpoints_and_the_deploy_does_not():
    from tools.engine import PREVIEW_ENV
    (preview,) = [s for s in steps(PR, "review") if "pulumi preview" in s.get("run", "")]
    assert {k: preview["env"][k] for k in PREVIEW_ENV} == PREVIEW_ENV
    assert not any(set(PREVIEW_ENV) & set(s.get("env", {})) for s in steps(DEPLOY, "up"))


def _stacks_step(tmp_path: Path, name: str) -> tuple[subprocess.CompletedProcess, str]:
    """The stacks job's step, run as GitHub runs it, in a repository init wrote."""
    assert cli.main(["init", str(tmp_path / "repo")]) == 0
    (step,) = [s for s in steps(name, "stacks") if s.get("id") == "stacks"]
    output = tmp_path / "github_output"
    output.touch()
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": str(REPO),
           "STACKS": load(name)["env"]["STACKS"].split("'")[1], "GITHUB_OUTPUT": str(output)}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path / "repo",
                          env=env, capture_output=True, text=True, timeout=120)
    return proc, output.read_text()


@pytest.mark.parametrize("name", [PR, DEPLOY])
def test_by_default_both_workflows_run_the_dev_stack_of_the_example_stack_file(name, tmp_path, capsys):
    assert load(name)["env"]["STACKS"] == "${{ vars.JOBSPEC_STACKS || 'dev' }}"
    proc, output = _stacks_step(tmp_path, name)
    assert (proc.returncode, proc.stderr, output) == (0, "", 'matrix=[{"stack": "dev", "specs": "jobspecs"}]\n')


# -- the PR comment, found by its marker -----------------------------------------------------------------

def comment_step(tmp_path: Path, gojq: Path, comments: list[dict], diffs: dict[str, str]) -> tuple[str, list[str]]:
    """Run the comment step with a ``gh`` that answers from ``comments`` and logs each call; (stdout, calls)."""
    (post,) = [s["run"] for s in steps(PR, "comment") if "run" in s]
    stub = tmp_path / "bin" / "gh"
    stub.parent.mkdir()
    (tmp_path / "comments.json").write_text(json.dumps(comments))
    # gh api --paginate URL --jq FILTER: the filter over the comments; anything else is logged.
    stub.write_text(f'#!/bin/bash\necho "$*" >> calls.log\n'
                    f'if [ "$1 $2" = "api --paginate" ]; then exec {gojq} -r "$5" comments.json; fi\n')
    stub.chmod(0o755)
    for name, text in diffs.items():
        (tmp_path / name).write_text(text)
    env = {"PATH": f"{stub.parent}:/usr/bin:/bin", "PR": "7", "GH_REPO": "acme/jobs"}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", post], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    log = tmp_path / "calls.log"
    return proc.stdout, log.read_text().splitlines() if log.exists() else []


MARKED = "<!-- jobspec-diff -->\n## dev\n"
BOT = {"login": "github-actions[bot]"}


def test_the_comment_is_edited_in_place_where_the_bot_posted_the_marker_before(tmp_path, gojq):
    comments = [{"id": 1, "user": BOT, "body": "another bot comment"},
                {"id": 2, "user": {"login": "alice"}, "body": MARKED + "quoted by a person"},
                {"id": 3, "user": BOT, "body": MARKED + "the last run's diff"}]
    out, calls = comment_step(tmp_path, gojq, comments, {"diff-dev.md": MARKED, "diff-prod.md": "## prod\n"})
    assert calls[1:] == ["api --method PATCH repos/acme/jobs/issues/comments/3 -F body=@diff.md"]
    assert (tmp_path / "diff.md").read_text() == MARKED + "## prod\n"


def test_the_first_diff_is_posted_as_a_new_comment(tmp_path, gojq):
    out, calls = comment_step(tmp_path, gojq, [{"id": 1, "user": BOT, "body": "another bot comment"}],
                              {"diff-dev.md": MARKED})
    assert calls[1:] == ["pr comment 7 --body-file diff.md"]


def test_no_comment_when_no_stack_got_as_far_as_its_diff(tmp_path, gojq):
    assert comment_step(tmp_path, gojq, [], {}) == ("no stack's diff to post\n", [])


def _shell_value(word: str) -> str:
    """A word that is one shell expansion (``$share``) stands for a value the parser takes anywhere: "1"."""
    return "1" if re.fullmatch(r"\$\{?\w+\}?", word) else word
