"""The CI definitions call commands that exist: GitHub workflows and the pre-commit hook.

A workflow is only run on GitHub, so a renamed subcommand or Makefile target would
break it unnoticed; these tests read the YAML and check every ``jobspec <subcommand>``
and ``make <target>`` of a ``run:`` step against ``jobspec --help`` and the Makefile.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler import cli

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
HOOKS = REPO / ".pre-commit-hooks.yaml"
JOBSPEC_SCRIPT = Path(sys.executable).parent / "jobspec"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def job_steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def run_scripts(path: Path) -> list[str]:
    return [step["run"] for step in steps(load(path)) if "run" in step]


def words_after(command: str, script: str) -> list[list[str]]:
    """The arguments of each ``command`` invocation in a shell script (one list per call)."""
    calls = []
    for line in script.splitlines():
        for match in re.finditer(rf"(?:^|[\s;&|(/])({command})(?=\s)", line):
            rest = line[match.end():]
            rest = re.split(r"[;&|>]", rest, maxsplit=1)[0]
            calls.append(shlex.split(rest))
    return calls


@pytest.fixture
def listed_subcommands(capsys) -> set[str]:
    """The subcommands ``jobspec --help`` lists."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    (choices,) = re.findall(r"\{([a-z,]+)\}", capsys.readouterr().out)[:1]
    return set(choices.split(","))


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, re.MULTILINE)}


def jobspec_calls(path: Path) -> list[list[str]]:
    return [args for script in run_scripts(path) for args in words_after("jobspec", script)]


def make_calls(path: Path) -> list[list[str]]:
    return [args for script in run_scripts(path) for args in words_after("make", script)]


# -- workflows -----------------------------------------------------------------------------------------

def test_there_is_a_pull_request_and_a_main_workflow():
    assert {"main.yml", "pr.yml"} <= {p.name for p in WORKFLOWS}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_jobspec_call_in_a_workflow_is_a_listed_subcommand(path, listed_subcommands):
    calls = jobspec_calls(path)
    assert calls, f"{path.name} runs no jobspec command"
    assert {args[0] for args in calls} <= listed_subcommands


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_jobspec_call_in_a_workflow_parses_with_the_cli_s_own_parser(path, capsys):
    """Options too: a renamed or removed flag fails here, not on GitHub (exit 2 is argparse's refusal)."""
    for args in jobspec_calls(path):
        try:
            cli._parser().parse_args([_shell_value(a) for a in args])
        except SystemExit as exit_:
            pytest.fail(f"{path.name}: `jobspec {' '.join(args)}` exits {exit_.code}: {capsys.readouterr().err}")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_make_call_in_a_workflow_names_a_makefile_target(path):
    calls = make_calls(path)
    assert calls, f"{path.name} runs no make target"
    targets = {word for args in calls for word in args if not word.startswith("-") and "=" not in word}
    assert targets <= makefile_targets()


def test_the_makefile_defines_the_targets_the_readme_and_ci_rely_on():
    assert {"setup", "engine", "demo", "test", "bench", "lint", "schema"} <= makefile_targets()


def test_pr_workflow_runs_on_pull_requests_with_the_full_history():
    workflow = load(REPO / ".github" / "workflows" / "pr.yml")
    assert "pull_request" in triggers(workflow)
    (checkout,) = [s for s in job_steps(workflow, "review") if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0


def test_pr_workflow_lints_each_stacks_folder_as_annotations_and_as_sarif_it_uploads_per_stack():
    path = REPO / ".github" / "workflows" / "pr.yml"
    lints = [args for args in jobspec_calls(path) if args[0] == "lint"]
    assert lints == [["lint", "--format", "github", "--stack", "$STACK", "$SPECS"],
                     ["lint", "--format", "sarif", "--stack", "$STACK", "$SPECS"]]
    (upload,) = [s for s in steps(load(path)) if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"] == {"sarif_file": "results.sarif", "category": "jobspec-${{ matrix.stack }}"}
    assert any("> results.sarif" in script for script in run_scripts(path))


def test_pr_workflow_diffs_each_stack_against_the_base_branch_in_its_own_folder():
    path = REPO / ".github" / "workflows" / "pr.yml"
    comment, summary = [args for args in jobspec_calls(path) if args[0] == "diff"]
    same = ["diff", "origin/$BASE_REF", "HEAD", "--stack", "$STACK", "--format", "markdown"]
    # For the comment, each stack's share of one GitHub comment, pointing to the run for the rest;
    # the run's summary has the whole diff.
    assert comment == [*same, "--max-chars", "$share", "--full-diff-url", "$RUN_URL"]
    assert summary == [*same, "--max-chars", "0"]


def test_pr_workflow_posts_every_stacks_diff_in_one_comment():
    """A comment per stack would each replace the last: one job gathers them after the matrix."""
    workflow = load(REPO / ".github" / "workflows" / "pr.yml")
    (upload,) = [s for s in job_steps(workflow, "review") if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"] == {"name": "diff-${{ matrix.stack }}", "path": "diff-${{ matrix.stack }}.md"}
    assert upload["if"] == "${{ !cancelled() && steps.diff.outcome == 'success' }}"
    assert any('> "diff-$STACK.md"' in s.get("run", "") for s in job_steps(workflow, "review"))
    comment = workflow["jobs"]["comment"]
    assert comment["needs"] == "review" and comment["if"].startswith("${{ !cancelled() && ")
    (download,) = [s for s in comment["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    assert download["with"] == {"pattern": "diff-*", "merge-multiple": True}
    (post,) = [s["run"] for s in comment["steps"] if "run" in s]
    assert post.splitlines()[-1] == 'bash tools/pr_comment.sh "$PR" diff.md'


def test_the_comment_joins_the_stacks_diffs_and_posts_nothing_when_no_stack_got_to_its_diff(tmp_path):
    """The comment step, run by bash with tools/pr_comment.sh (tests/test_pr_comment.py) replaced by a stub."""
    comment = load(REPO / ".github" / "workflows" / "pr.yml")["jobs"]["comment"]
    (post,) = [s["run"] for s in comment["steps"] if "run" in s]
    stub = tmp_path / "tools" / "pr_comment.sh"
    stub.parent.mkdir()
    stub.write_text('[ "$1" = 7 ] && cp "$2" posted.md\n')
    env = {"PATH": "/usr/bin:/bin", "PR": "7"}

    def step() -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", post], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)

    proc = step()
    assert (proc.returncode, proc.stdout, (tmp_path / "posted.md").exists()) == (0, "no stack's diff to post\n", False)
    (tmp_path / "diff-payments.md").write_text("payments\n")
    (tmp_path / "diff-search.md").write_text("search\n")
    assert step().returncode == 0
    assert (tmp_path / "posted.md").read_text() == "payments\nsearch\n"


def test_pr_workflow_previews_the_target_stack_with_the_makefile_engine():
    scripts = run_scripts(REPO / ".github" / "workflows" / "pr.yml")
    engine = [i for i, s in enumerate(scripts) if "make engine" in s]
    preview = [i for i, s in enumerate(scripts) if "pulumi preview --diff" in s]
    assert engine and preview and engine[0] < preview[0]


def test_main_workflow_runs_pulumi_up_on_push_to_main_one_run_at_a_time_per_stack():
    workflow = load(REPO / ".github" / "workflows" / "main.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    up = workflow["jobs"]["up"]
    assert up["concurrency"] == {"group": "deploy-${{ matrix.stack }}", "cancel-in-progress": False}
    assert any("pulumi up --yes" in script for script in run_scripts(REPO / ".github" / "workflows" / "main.yml"))


def test_main_workflow_never_cancels_one_stacks_update_because_another_failed():
    assert load(REPO / ".github" / "workflows" / "main.yml")["jobs"]["up"]["strategy"]["fail-fast"] is False


def test_main_workflow_recovers_an_interrupted_deploy_before_pulumi_up_with_the_same_backend():
    """``jobspec recover`` runs on every deploy, before ``pulumi up``, on the same stack, backend and secrets.

    It needs AWS credentials (it asks the service about the runs a killed update
    started), and the concurrency group is what makes clearing a lock there safe.
    """
    workflow = load(REPO / ".github" / "workflows" / "main.yml")
    run_steps = [s for s in steps(workflow) if "run" in s]
    (recover,) = [i for i, s in enumerate(run_steps)
                  if words_after("jobspec", s["run"])[:1] == [["recover", "--stack", "$STACK"]]]
    (up,) = [i for i, s in enumerate(run_steps) if "pulumi up --yes" in s["run"]]
    assert recover < up
    assert run_steps[recover]["env"] == run_steps[up]["env"]
    assert '--stack "$STACK"' in run_steps[up]["run"]
    all_steps = steps(workflow)
    (credentials,) = [i for i, s in enumerate(all_steps)
                      if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    assert credentials < all_steps.index(run_steps[recover])
    assert workflow["jobs"]["up"]["concurrency"]["cancel-in-progress"] is False


# -- the stacks as a matrix ----------------------------------------------------------------------------

MATRIX_JOBS = [("main.yml", "up"), ("pr.yml", "preview"), ("pr.yml", "review")]


@pytest.mark.parametrize(("name", "job"), MATRIX_JOBS)
def test_each_workflow_runs_a_job_per_stack_from_the_list_jobspec_stacks_checked(name, job):
    workflow = load(REPO / ".github" / "workflows" / name)
    assert workflow["env"]["STACKS"] == "${{ vars.JOBSPEC_STACKS || vars.JOBSPEC_STACK || 'prod' }}"
    stacks = workflow["jobs"]["stacks"]
    (step,) = [s for s in stacks["steps"] if s.get("id") == "stacks"]
    assert stacks["outputs"] == {"matrix": "${{ steps.stacks.outputs.matrix }}"}
    assert words_after("jobspec", step["run"]) == [["stacks", "${stacks[@]}"],
                                                   ["stacks", "--format", "json", "${stacks[@]}"]]
    per_stack = workflow["jobs"][job]
    assert per_stack["needs"] == "stacks"
    assert per_stack["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.stacks.outputs.matrix) }}"}
    assert per_stack["env"] == {"STACK": "${{ matrix.stack }}", "SPECS": "${{ matrix.specs }}"}


@pytest.mark.parametrize(("name", "job"), MATRIX_JOBS)
def test_every_stack_command_of_a_matrix_job_names_its_stack(name, job):
    scripts = [s["run"] for s in job_steps(load(REPO / ".github" / "workflows" / name), job) if "run" in s]
    calls = [args for script in scripts for args in words_after("jobspec", script)]
    pulumi = [line.strip() for script in scripts for line in script.splitlines() if line.strip().startswith("pulumi ")]
    assert calls or pulumi
    assert all(args[args.index("--stack") + 1] == "$STACK" for args in calls)
    assert all('--stack "$STACK"' in line for line in pulumi)


def _stacks_step(tmp_path: Path, stack_files: dict[str, str], stacks: str) -> tuple[subprocess.CompletedProcess, str]:
    """The ``stacks`` job's step, run as GitHub runs it (bash -eo pipefail) in a project with these stack files."""
    (step,) = [s for s in load(REPO / ".github" / "workflows" / "main.yml")["jobs"]["stacks"]["steps"]
               if s.get("id") == "stacks"]
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    for stack, folder in stack_files.items():
        (tmp_path / f"Pulumi.{stack}.yaml").write_text(f"config:\n  jobspec:specs: {folder}\n")
    output = tmp_path / "github_output"
    output.touch()
    # PYTHONPATH: the console script imports this checkout's code, as `make setup`'s editable install does in CI.
    env = {"PATH": f"{JOBSPEC_SCRIPT.parent}:/usr/bin:/bin", "PYTHONPATH": str(REPO), "STACKS": stacks,
           "GITHUB_OUTPUT": str(output)}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    return proc, output.read_text()


def test_the_stacks_step_writes_the_matrix_of_the_stacks_named_with_their_folders(tmp_path):
    proc, output = _stacks_step(tmp_path, {"payments": "teams/payments", "search": "teams/search"}, "payments search")
    assert proc.returncode == 0, proc.stderr
    assert output == 'matrix=[{"stack": "payments", "specs": "teams/payments"}, {"stack": "search", "specs": "teams/search"}]\n'


def test_the_stacks_step_fails_and_writes_no_matrix_when_a_folder_is_inside_another(tmp_path):
    proc, output = _stacks_step(tmp_path, {"payments": "teams/payments", "all": "teams"}, "payments")
    assert proc.returncode == 1 and output == ""
    assert "error E2015 jobspec:specs: stack payments reads teams/payments" in proc.stderr


def test_by_default_the_workflows_deploy_the_one_stack_they_always_did(tmp_path):
    """No JOBSPEC_STACKS: JOBSPEC_STACK, else prod, reading the project's folder (no stack file needed)."""
    proc, output = _stacks_step(tmp_path, {}, "prod")
    assert (proc.returncode, output) == (0, 'matrix=[{"stack": "prod", "specs": "jobspecs"}]\n')


# -- pre-commit ----------------------------------------------------------------------------------------

def test_pre_commit_hook_lints_spec_files_with_jobspec():
    (hook,) = load(HOOKS)
    assert (hook["id"], hook["entry"], hook["language"]) == ("jobspec-lint", "jobspec lint", "python")
    files = re.compile(hook["files"])
    assert files.search("jobspecs/analytics/orders-etl.yaml") and files.search("jobspecs/a/b.yml")
    assert not files.search("README.md") and not files.search("schema/jobspec.schema.json")


def test_pre_commit_hook_entry_passes_on_the_example_specs():
    (hook,) = load(HOOKS)
    files = re.compile(hook["files"])
    staged = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "jobspecs").rglob("*")
                    if files.search(p.relative_to(REPO).as_posix()))
    assert staged, "no file matches the hook"
    program, *args = shlex.split(hook["entry"])
    assert program == "jobspec"
    command = [str(JOBSPEC_SCRIPT), *args, *(staged if hook.get("pass_filenames", True) else [])]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_pr_preview_runs_with_jobspecs_preview_environment_and_the_merge_up_without_it():
    from tools.engine import PREVIEW_ENV

    previews = [s for s in steps(load(REPO / ".github" / "workflows" / "pr.yml")) if "pulumi preview" in s.get("run", "")]
    merge = load(REPO / ".github" / "workflows" / "main.yml")
    ups = [s for s in steps(merge) if "pulumi up" in s.get("run", "")]
    assert not set(PREVIEW_ENV) & set(merge.get("env", {}))
    assert previews and ups
    for step in previews:
        assert {k: step.get("env", {}).get(k) for k in PREVIEW_ENV} == PREVIEW_ENV
    for step in ups:
        assert not set(PREVIEW_ENV) & set(step.get("env", {}))


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


def _shell_value(word: str) -> str:
    """A word that is one shell expansion (``$share``) stands for a value the parser takes anywhere: "1"."""
    return "1" if re.fullmatch(r"\$\{?\w+\}?", word) else word
