"""The workflows as a GitHub Actions user reads them: pinned actions, least privilege, caches, roles.

Split from test_ci_definitions.py (which checks the commands they call); helpers are shared from there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_ci_definitions import REPO, WORKFLOWS, job_steps, load, steps

# -- as a GitHub Actions user reads them ---------------------------------------------------------------

PR, MAIN = REPO / ".github" / "workflows" / "pr.yml", REPO / ".github" / "workflows" / "main.yml"
PERMISSIONS = {
    ("pr.yml", "stacks"): {"contents": "read"},
    ("pr.yml", "review"): {"contents": "read", "security-events": "write", "actions": "read"},
    ("pr.yml", "preview"): {"contents": "read", "id-token": "write"},
    ("pr.yml", "comment"): {"contents": "read", "pull-requests": "write"},
    ("main.yml", "stacks"): {"contents": "read"},
    ("main.yml", "up"): {"contents": "read", "id-token": "write"},
}


def uses_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if re.match(r"\s*(- )?uses:", line)]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path):
    lines = uses_lines(path)
    assert lines
    for line in lines:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}  # v\d+\.\d+\.\d+", line), line


def test_one_action_is_pinned_to_one_commit_in_every_workflow():
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in uses_lines(path):
            action, pin = line.split("uses: ")[1].split("@")
            pins.setdefault(action, set()).add(pin)
    assert {action: len(shas) for action, shas in pins.items()} == dict.fromkeys(pins, 1)


def test_sarif_is_uploaded_with_codeql_action_v4():
    (line,) = [line for line in uses_lines(PR) if "github/codeql-action/upload-sarif@" in line]
    assert line.endswith("# v4.36.2")


@pytest.mark.parametrize("path", [PR, MAIN], ids=lambda p: p.name)
def test_a_workflow_grants_nothing_by_default_and_each_job_only_what_it_needs(path):
    workflow = load(path)
    assert workflow["permissions"] == {}
    assert {job: spec["permissions"] for job, spec in workflow["jobs"].items()} == {
        job: permissions for (name, job), permissions in PERMISSIONS.items() if name == path.name}


@pytest.mark.parametrize("path", [PR, MAIN], ids=lambda p: p.name)
def test_every_checkout_leaves_no_token_behind(path):
    checkouts = [s for s in steps(load(path)) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


@pytest.mark.parametrize("path", [PR, MAIN], ids=lambda p: p.name)
def test_every_python_setup_caches_pip_on_the_project_s_dependencies(path):
    setups = [s for s in steps(load(path)) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setups and all(s["with"] == {"python-version": "3.11", "cache": "pip",
                                        "cache-dependency-path": "pyproject.toml"} for s in setups)


@pytest.mark.parametrize(("path", "job"), [(PR, "preview"), (MAIN, "up")], ids=["pr.yml", "main.yml"])
def test_the_pinned_engine_is_restored_from_a_cache_and_go_set_up_only_to_build_it(path, job):
    """Never the runner image's own pulumi (ENSURE_PULUMI_IGNORE_PATH); Go only on a cache miss."""
    all_steps = job_steps(load(path), job)
    (cache,) = [i for i, s in enumerate(all_steps) if s.get("uses", "").startswith("actions/cache@")]
    (go,) = [i for i, s in enumerate(all_steps) if s.get("uses", "").startswith("actions/setup-go@")]
    (engine,) = [i for i, s in enumerate(all_steps) if "make engine" in s.get("run", "")]
    assert cache < go < engine
    assert all_steps[cache]["with"] == {
        "path": ".tools/pulumi/bin",
        "key": "pulumi-${{ runner.os }}-${{ hashFiles('tools/ensure-pulumi.sh', 'tools/pulumi/**/go.mod', "
               "'tools/pulumi/**/go.sum') }}"}
    assert all_steps[go]["if"] == f"${{{{ steps.{all_steps[cache]['id']}.outputs.cache-hit != 'true' }}}}"
    assert all_steps[engine]["env"] == {"ENSURE_PULUMI_IGNORE_PATH": "1"}
    assert all_steps[engine]["run"].splitlines()[1] == 'echo "$PWD/.tools/pulumi/bin" >> "$GITHUB_PATH"'


def test_the_deploy_creates_a_missing_stack_before_recover_and_up_with_the_same_backend():
    run_steps = [s for s in job_steps(load(MAIN), "up") if "run" in s]
    (create,) = [i for i, s in enumerate(run_steps)
                 if s["run"] == 'pulumi stack select --create --stack "$STACK" --non-interactive']
    (recover,) = [i for i, s in enumerate(run_steps) if "jobspec recover" in s["run"]]
    assert create < recover and run_steps[create]["env"] == run_steps[recover]["env"]


def test_the_pr_preview_assumes_the_read_only_preview_role_and_the_deploy_only_the_deploy_role():
    def roles(path: Path) -> list[str]:
        return [s["with"]["role-to-assume"] for s in steps(load(path))
                if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]

    assert roles(PR) == ["${{ vars.AWS_PREVIEW_ROLE_ARN }}"] and "AWS_ROLE_ARN" not in PR.read_text()
    assert roles(MAIN) == ["${{ vars.AWS_ROLE_ARN }}"]


def test_after_a_failed_lint_the_review_still_diffs_and_the_comment_is_posted():
    """Each step after the first lint runs unless cancelled or the virtualenv failed; the comment job too."""
    workflow = load(PR)
    review = job_steps(workflow, "review")
    (lint,) = [i for i, s in enumerate(review) if s.get("run", "").startswith("jobspec lint --format github")]
    after = review[lint + 1:]
    assert [s.get("name", s.get("uses", "").split("@")[0]) for s in after] == [
        "Lint (SARIF for code scanning)", "Upload SARIF", "What merging does to each job", "actions/upload-artifact"]
    assert all(s["if"].startswith("${{ !cancelled() && steps.") for s in after)
    assert "lint" not in " ".join(s["if"] for s in after)
    assert workflow["jobs"]["comment"]["if"].startswith("${{ !cancelled() && needs.review.result != 'skipped'")
    assert workflow["jobs"]["preview"]["needs"] == "stacks"


def test_every_repository_setting_the_workflows_read_is_documented_in_the_readme():
    used = {m for path in WORKFLOWS for m in re.findall(r"\b(?:vars|secrets)\.([A-Z_]+)", path.read_text())}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## CI and PR review\n"):]
    section = section[:section.index("\n## ", 1)]
    assert used == {"AWS_PREVIEW_ROLE_ARN", "AWS_REGION", "AWS_ROLE_ARN", "JOBSPEC_STACK", "JOBSPEC_STACKS",
                    "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"}
    assert {name for name in used if f"`{name}`" not in section} == set()
