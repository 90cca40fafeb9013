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


def _shell_value(word: str) -> str:
    """A word that is one shell expansion (``$share``) stands for a value the parser takes anywhere: "1"."""
    return "1" if re.fullmatch(r"\$\{?\w+\}?", word) else word
