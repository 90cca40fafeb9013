"""Several stacks in one repository: each stack's folder of specs, and no folder inside another's (E2015).

A project split by team: ``Pulumi.payments.yaml`` says ``jobspec:specs: teams/payments``,
``Pulumi.search.yaml`` says ``teams/search``. ``jobspec stacks`` lists them (text, or
JSON for a GitHub Actions matrix) and refuses a folder inside another stack's; the
Pulumi program refuses the same before it declares anything (``check_layout``; through
the real engine in tests/test_stacks_engine.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pulumi
import pytest

from compiler.cli import main
from conftest import REPO
from providers.declare import check_layout

PROJECT = (REPO / "Pulumi.yaml").read_text()
ADVICE = ("each job there would belong to both stacks, and each would start its own run of it. Give every stack a "
          "folder of its own, beside the others' (teams/payments, teams/search); stacks that read the very same "
          "folder are environments of the same jobs (dev, prod) and are fine")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["stacks", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def teams(project):
    """Two team stacks and a dev stack with no folder of its own (the project's ``jobspecs``)."""
    project.write("Pulumi.yaml", PROJECT)
    project.write("Pulumi.payments.yaml", "encryptionsalt: v1:abc\nconfig:\n  jobspec:specs: teams/payments\n")
    project.write("Pulumi.search.yaml", "config:\n  aws:region: eu-west-1\n  jobspec:specs: teams/search\n")
    project.write("Pulumi.dev.yaml", "config:\n  aws:region: eu-west-1\n")
    return project


def test_lists_every_stack_file_with_the_folder_it_reads_and_where_that_is_written(teams, capsys):
    assert run(capsys) == (0, "dev       jobspecs        Pulumi.yaml:10:12, the project's default\n"
                              "payments  teams/payments  Pulumi.payments.yaml:3:18\n"
                              "search    teams/search    Pulumi.search.yaml:3:18\n", "")


def test_json_is_one_line_of_stack_and_folder_pairs_for_a_workflow_matrix(teams, capsys):
    code, out, err = run(capsys, "--format", "json", "search", "payments")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    assert json.loads(out) == [{"stack": "search", "specs": "teams/search"},
                               {"stack": "payments", "specs": "teams/payments"}]


def test_a_named_stack_with_no_file_reads_the_projects_folder_and_says_so(teams, capsys):
    code, out, err = run(capsys, "--format", "json", "prod")
    assert (code, json.loads(out)) == (0, [{"stack": "prod", "specs": "jobspecs"}])
    assert err == ("jobspec: note: stack prod has no Pulumi.prod.yaml in .; it reads jobspecs "
                   "(Pulumi.yaml, the project's default)\n")


def test_a_project_with_no_stack_files_lists_nothing_and_says_so(project, capsys):
    project.write("Pulumi.yaml", PROJECT)
    assert run(capsys, "--format", "json") == (
        0, "[]\n", "jobspec: note: no Pulumi.<stack>.yaml in .; name the stacks (they all read jobspecs)\n")


def test_a_folder_inside_another_stacks_folder_is_e2015_at_the_inner_stacks_setting(teams, capsys):
    teams.write("Pulumi.all.yaml", "config:\n  jobspec:specs: teams\n")
    code, out, err = run(capsys, "--format", "json")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Pulumi.payments.yaml:3:18: error E2015 jobspec:specs: stack payments reads teams/payments "
        f"(Pulumi.payments.yaml), which is inside teams, the folder of stack all (Pulumi.all.yaml): {ADVICE}",
        "Pulumi.search.yaml:3:18: error E2015 jobspec:specs: stack search reads teams/search "
        f"(Pulumi.search.yaml), which is inside teams, the folder of stack all (Pulumi.all.yaml): {ADVICE}",
        "2 error(s), 0 warning(s)"]


def test_every_stack_is_checked_even_when_only_some_are_listed(teams, capsys):
    teams.write("Pulumi.all.yaml", "config:\n  jobspec:specs: teams\n")
    code, out, err = run(capsys, "dev")
    assert (code, out, err.splitlines()[-1]) == (1, "", "2 error(s), 0 warning(s)")


def test_a_stack_with_no_folder_of_its_own_is_checked_with_the_projects_folder(teams, capsys):
    teams.write("Pulumi.legacy.yaml", "config:\n  jobspec:specs: jobspecs/legacy\n")
    code, _, err = run(capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        "Pulumi.legacy.yaml:2:18: error E2015 jobspec:specs: stack legacy reads jobspecs/legacy "
        "(Pulumi.legacy.yaml), which is inside jobspecs, the folder of stack dev (Pulumi.yaml, the project's "
        f"default): {ADVICE}")


def test_stacks_reading_the_very_same_folder_are_environments_not_an_overlap(teams, capsys):
    teams.write("Pulumi.payments-prod.yaml", "config:\n  jobspec:specs: teams/payments/\n")
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    assert "payments-prod  teams/payments/  Pulumi.payments-prod.yaml:2:18\n" in out


def test_a_folder_whose_name_starts_like_another_is_beside_it_not_inside(teams, capsys):
    teams.write("Pulumi.payments.yaml", "config:\n  jobspec:specs: teams/pay\n")
    teams.write("Pulumi.search.yaml", "config:\n  jobspec:specs: teams/payments\n")
    assert run(capsys)[0] == 0


def test_a_folder_reached_through_a_link_is_the_folder_it_links_to(teams, capsys):
    (teams.root / "teams").mkdir()
    os.symlink("teams", teams.root / "everything")
    teams.write("Pulumi.all.yaml", "config:\n  jobspec:specs: everything\n")
    code, _, err = run(capsys)
    assert code == 1 and "which is inside everything, the folder of stack all" in err


def test_stack_files_are_read_from_the_projects_stack_config_dir(project, capsys):
    project.write("Pulumi.yaml", PROJECT + "stackConfigDir: stacks\n")
    project.write("stacks/Pulumi.payments.yaml", "config:\n  jobspec:specs: teams/payments\n")
    project.write("Pulumi.ignored.yaml", "config:\n  jobspec:specs: teams\n")
    assert run(capsys) == (0, "payments  teams/payments  stacks/Pulumi.payments.yaml:2:18\n", "")


def test_a_stack_file_that_is_not_yaml_is_a_usage_error_at_its_position(teams, capsys):
    teams.write("Pulumi.search.yaml", "config:\n  jobspec:specs: [teams\n")
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert err.startswith("jobspec: Pulumi.search.yaml:3:1: not valid YAML (") and "Traceback" not in err


def test_a_secret_folder_setting_is_refused(teams, capsys):
    teams.write("Pulumi.search.yaml", "config:\n  jobspec:specs:\n    secure: v1:AAAA\n")
    assert run(capsys) == (2, "", "jobspec: Pulumi.search.yaml:3:5: jobspec:specs is a secret; it must be a plain "
                                  "folder name, relative to the project (e.g. teams/payments)\n")


def test_a_folder_set_twice_in_one_stack_file_is_refused_not_the_last_taken(teams, capsys):
    teams.write("Pulumi.search.yaml", "config:\n  jobspec:specs: teams/search\n  jobspec:specs: teams\n")
    assert run(capsys) == (2, "", "jobspec: Pulumi.search.yaml:3:3: jobspec:specs is set twice\n")


def test_a_folder_with_no_project_file_is_a_usage_error(project, capsys):
    assert run(capsys, "--cwd", "elsewhere") == (
        2, "", "jobspec: no Pulumi.yaml in elsewhere: run in the Pulumi project's folder, or give --cwd\n")


# -- the program -------------------------------------------------------------------------------------------

def test_the_program_refuses_its_stacks_folder_inside_another_naming_both(teams):
    teams.write("Pulumi.all.yaml", "config:\n  jobspec:specs: teams\n")
    with pytest.raises(pulumi.RunError) as refused:
        check_layout(teams.root, "search", "teams/search")
    assert str(refused.value) == (
        "jobspec: a job belongs to one stack; nothing was applied:\n"
        "Pulumi.search.yaml:3:18: error E2015 jobspec:specs: stack search reads teams/search (Pulumi.search.yaml), "
        f"which is inside teams, the folder of stack all (Pulumi.all.yaml): {ADVICE}\n"
        "1 error(s), 0 warning(s)")


def test_the_program_checks_the_folder_its_config_gives_when_no_file_sets_it(teams):
    with pytest.raises(pulumi.RunError) as refused:
        check_layout(teams.root, "canary", "teams/search/canary")
    assert "stack canary reads teams/search/canary (its stack config), which is inside teams/search, the folder " \
           "of stack search (Pulumi.search.yaml)" in str(refused.value)


def test_the_program_accepts_folders_beside_each_other_and_a_project_without_stack_files(teams, tmp_path):
    check_layout(teams.root, "payments", "teams/payments")
    check_layout(Path(tmp_path / "nowhere"), "dev", "jobspecs")
