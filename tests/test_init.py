"""``jobspec init [DIR]``: what it writes, that it never overwrites, and that what it writes works.

Each test runs the command as a user does (``compiler.cli.main`` in a folder of its
own, with ``.git`` at the top so nothing above it is read) and reads the files back.
The workflows it writes are checked in tests/test_init_workflows.py; the whole
repository through the real engine, with jobspec installed from its wheel, in
tests/test_init_e2e.py.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from compiler import __version__
from compiler.cli import main
from compiler.defaults_schema import defaults_json_schema
from compiler.jsonschema import json_schema
from conftest import REPO

FILES = [
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "__main__.py",
    "requirements.txt",
    "jobspecs/_defaults.yaml",
    "jobspecs/example-spark.yaml",
    ".github/workflows/jobspec-pr.yml",
    ".github/workflows/jobspec-deploy.yml",
    ".pre-commit-config.yaml",
    ".jobspec/jobspec.schema.json",
    ".jobspec/defaults.schema.json",
]
NEXT = """\
next:
  cd team-jobs
  python -m venv .venv && .venv/bin/pip install -r requirements.txt
  edit jobspecs/_defaults.yaml: your applicationId and executionRoleArn
  .venv/bin/jobspec lint jobspecs
  pulumi stack select --create dev && pulumi preview
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> list[str]:
    """Every file and folder below ``folder``, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture
def repo(project, capsys) -> Path:
    """A repository ``jobspec init team-jobs`` wrote; the current folder while the test runs."""
    assert run(capsys, "init", "team-jobs")[0] == 0
    os.chdir(project.root / "team-jobs")
    return project.root / "team-jobs"


def modeline(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), first
    return first[len(prefix):]


# -- what it writes ------------------------------------------------------------------------------------

def test_init_writes_these_files_into_dir_and_prints_each_then_the_next_commands(project, capsys):
    assert run(capsys, "init", "team-jobs") == (0, "".join(f"team-jobs/{f}\n" for f in FILES) + NEXT, "")
    files = [f for f in tree(project.root / "team-jobs") if (project.root / "team-jobs" / f).is_file()]
    assert files == sorted(FILES)


def test_init_without_dir_writes_into_the_current_folder(project, capsys):
    code, out, err = run(capsys, "init")
    assert (code, err) == (0, "")
    assert out == "".join(f"{f}\n" for f in FILES) + NEXT.replace("  cd team-jobs\n", "")
    assert all((project.root / f).is_file() for f in FILES)


def test_init_creates_dir_and_its_parents_when_missing(project, capsys):
    assert run(capsys, "init", "teams/data/jobs")[0] == 0
    assert all((project.root / "teams" / "data" / "jobs" / f).is_file() for f in FILES)


def test_init_into_a_folder_with_other_files_leaves_them_alone(project, capsys):
    project.write("team-jobs/README.md", "ours\n")
    project.write("team-jobs/jobspecs/old/job.yaml", "name: old\n")
    assert run(capsys, "init", "team-jobs")[0] == 0
    assert (project.root / "team-jobs" / "README.md").read_text() == "ours\n"
    assert (project.root / "team-jobs" / "jobspecs" / "old" / "job.yaml").read_text() == "name: old\n"


# -- never overwrites ----------------------------------------------------------------------------------

def test_init_lists_every_file_that_exists_and_writes_nothing(project, capsys):
    project.write("team-jobs/Pulumi.yaml", "name: ours\n")
    project.write("team-jobs/.github/workflows/jobspec-pr.yml", "ours\n")
    before = tree(project.root)
    assert run(capsys, "init", "team-jobs") == (2, "", (
        "jobspec: team-jobs/Pulumi.yaml exists\n"
        "jobspec: team-jobs/.github/workflows/jobspec-pr.yml exists\n"
        "jobspec: nothing written: init never overwrites; move these away or init another folder\n"))
    assert tree(project.root) == before
    assert (project.root / "team-jobs" / "Pulumi.yaml").read_text() == "name: ours\n"


def test_a_second_init_into_the_same_folder_lists_all_its_files_and_changes_nothing(project, capsys):
    assert run(capsys, "init", "team-jobs")[0] == 0
    (project.root / "team-jobs" / "jobspecs" / "example-spark.yaml").write_text("name: edited\n")
    code, out, err = run(capsys, "init", "team-jobs")
    assert (code, out) == (2, "")
    assert err.splitlines()[:-1] == [f"jobspec: team-jobs/{f} exists" for f in FILES]
    assert (project.root / "team-jobs" / "jobspecs" / "example-spark.yaml").read_text() == "name: edited\n"


def test_a_dangling_symlink_in_the_way_counts_as_existing(project, capsys):
    (project.root / "team-jobs").mkdir()
    (project.root / "team-jobs" / "requirements.txt").symlink_to(project.root / "nowhere.txt")
    assert run(capsys, "init", "team-jobs")[2].splitlines()[0] == "jobspec: team-jobs/requirements.txt exists"
    assert not (project.root / "nowhere.txt").exists()


def test_a_file_where_init_puts_a_folder_is_named_once_and_nothing_is_written(project, capsys):
    project.write("team-jobs/jobspecs", "not a folder\n")
    before = tree(project.root)
    assert run(capsys, "init", "team-jobs") == (2, "", (
        "jobspec: team-jobs/jobspecs exists and is not a folder\n"
        "jobspec: nothing written: init never overwrites; move these away or init another folder\n"))
    assert tree(project.root) == before


def test_dir_that_is_a_file_is_refused(project, capsys):
    project.write("notes.txt", "x\n")
    assert run(capsys, "init", "notes.txt") == (2, "", (
        "jobspec: notes.txt exists and is not a folder\n"
        "jobspec: nothing written: init never overwrites; move these away or init another folder\n"))


def test_a_write_that_fails_half_way_removes_the_files_it_wrote(project, capsys):
    """A DIR so long that the first files fit in PATH_MAX (4,096 bytes) and the workflows do not."""
    folder = "/".join(["d" * 200] * 20) + "/" + "e" * 45  # 4,065 characters
    assert len(f"{folder}/jobspecs/example-spark.yaml") < 4096 <= len(f"{folder}/.github/workflows/jobspec-pr.yml")
    code, out, err = run(capsys, "init", folder)
    assert (code, out) == (2, "")
    assert err == f"jobspec: nothing written: cannot write {folder}/.github/workflows/jobspec-pr.yml: File name too long\n"
    # fwalk: paths this long only open relative to their folder's descriptor.
    assert [name for _, _, names, _ in os.fwalk(project.root / ("d" * 200)) for name in names] == []


# -- what it writes works ------------------------------------------------------------------------------

def test_the_new_repository_lints_clean(repo, capsys):
    assert run(capsys, "lint", "jobspecs") == (0, "0 error(s), 0 warning(s)\n", "")
    assert run(capsys, "lint", "--stack", "dev", "jobspecs") == (0, "0 error(s), 0 warning(s)\n", "")


def test_the_example_spec_compiles_to_a_start_job_run_request(repo, capsys):
    code, out, err = run(capsys, "compile", "jobspecs/example-spark.yaml", "--stack", "dev")
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body == {
        "applicationId": "00fexample0app01",
        "clientToken": body["clientToken"],  # derived from the spec: tests/test_client_token.py
        "executionRoleArn": "arn:aws:iam::123456789012:role/emr-serverless-job",
        "jobDriver": {"sparkSubmit": {
            "entryPoint": "s3://my-bucket/jobs/example.py",
            "entryPointArguments": ["--date", "2026-01-01"],
            "sparkSubmitParameters": "--conf spark.executor.memory=4g --conf spark.executor.cores=2"}},
        "tags": {"managed-by": "jobspec", "env": "dev"},
        "executionTimeoutMinutes": 60,
        "name": "example-spark",
    }


def test_the_pulumi_project_runs_jobspecs_program_from_the_virtualenv(repo):
    assert yaml.safe_load((repo / "Pulumi.yaml").read_text()) == {
        "name": "team-jobs",
        "description": "EMR Serverless job runs declared by the YAML specs in jobspecs/",
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
        "config": {"jobspec:specs": {"value": "jobspecs"}},
    }
    # The program is the repository's own entry point: the same statements, docstring aside.
    ours, theirs = (ast.parse(p.read_text()).body[1:] for p in (repo / "__main__.py", REPO / "__main__.py"))
    assert ast.dump(ast.Module(ours, [])) == ast.dump(ast.Module(theirs, []))


def test_the_project_name_is_the_folders_name_made_valid_for_pulumi(project, capsys):
    assert run(capsys, "init", "Data Jobs (EU)")[0] == 0
    assert yaml.safe_load((project.root / "Data Jobs (EU)" / "Pulumi.yaml").read_text())["name"] == "Data-Jobs-EU"


def test_the_example_stack_sets_a_region_and_jobspec_lists_it(repo, capsys):
    assert yaml.safe_load((repo / "Pulumi.dev.yaml").read_text()) == {"config": {"aws:region": "us-east-1"}}
    assert run(capsys, "stacks") == (0, "dev  jobspecs  Pulumi.yaml:11:12, the project's default\n", "")


def test_the_stack_file_documents_every_jobspec_config_key_the_program_reads(repo):
    from providers import program
    keys = {line.split()[0] for line in program.__doc__.split("Stack config (all optional):")[1].splitlines()
            if line.strip().startswith("jobspec:")}
    text = (repo / "Pulumi.dev.yaml").read_text()
    assert keys == {"jobspec:specs", "jobspec:applications", "jobspec:roles", "jobspec:applicationId",
                    "jobspec:executionRoleArn", "jobspec:allowEmpty"}
    assert [key for key in sorted(keys) if f"#   {key} " not in text] == []


def test_requirements_pin_this_jobspec_with_the_pulumi_extra_and_say_how_to_add_pulumi_aws(repo):
    lines = (repo / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [f"jobspec[pulumi]=={__version__}"]
    assert f"# jobspec[aws]=={__version__}" in lines


def test_the_spec_schema_is_jobspec_schemas_output_and_the_example_spec_names_it(repo, capsys):
    assert run(capsys, "schema")[1] == (repo / ".jobspec" / "jobspec.schema.json").read_text()
    target = (repo / "jobspecs" / modeline(repo / "jobspecs" / "example-spark.yaml")).resolve()
    assert target == (repo / ".jobspec" / "jobspec.schema.json").resolve()


def test_the_example_spec_is_valid_against_the_schema_its_modeline_names(repo):
    schema = json.loads((repo / ".jobspec" / "jobspec.schema.json").read_text())
    spec = yaml.safe_load((repo / "jobspecs" / "example-spark.yaml").read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(spec)) == []
    assert schema == json_schema()


def test_defaults_modeline_names_the_defaults_schema_it_writes_and_the_file_is_valid_against_it(repo):
    assert modeline(repo / "jobspecs" / "_defaults.yaml") == "../.jobspec/defaults.schema.json"
    schema = json.loads((repo / ".jobspec" / "defaults.schema.json").read_text())
    assert schema == defaults_json_schema()
    defaults = yaml.safe_load((repo / "jobspecs" / "_defaults.yaml").read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(defaults)) == []


def test_pre_commit_runs_the_jobspec_lint_hook_as_jobspecs_own_hook_defines_it(repo):
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (local,) = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"]
    (ours,) = local["hooks"]
    assert local["repo"] == "local"
    assert ours == {**hook, "additional_dependencies": [f"jobspec=={__version__}"]}
