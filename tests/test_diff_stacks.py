"""``jobspec diff --stack S`` in a repository split into one stack per team folder.

Without ``--specs`` each side reads the folder its own ``Pulumi.S.yaml`` names, as
``pulumi preview`` of S at that version would. The repository: stacks ``payments``
(``teams/payments``: nightly, ledger) and ``search`` (``teams/search``: a job also
named nightly); the second commit moves ledger to search and edits search's nightly.
"""

from __future__ import annotations

import json

import pytest

from compiler import cli
from test_diff import git, make_repo

DEFAULTS = """\
defaults:
  applicationId: 00fkt3q8n4s5ab09
  executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
"""


def job(name: str, entry: str) -> str:
    return f"name: {name}\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://acme-jobs/{entry}.py\n"


BASE = {
    "Pulumi.payments.yaml": "config:\n  jobspec:specs: teams/payments\n",
    "Pulumi.search.yaml": "config:\n  jobspec:specs: teams/search\n",
    "teams/_defaults.yaml": DEFAULTS,
    "teams/payments/nightly.yaml": job("nightly", "payments/nightly"),
    "teams/payments/ledger.yaml": job("ledger", "payments/ledger"),
    "teams/search/nightly.yaml": job("nightly", "search/nightly"),
}
MOVE = {
    "teams/payments/ledger.yaml": None,
    "teams/search/ledger.yaml": job("ledger", "payments/ledger"),
    "teams/search/nightly.yaml": job("nightly", "search/reindex"),
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "repo", BASE, MOVE)
    monkeypatch.chdir(root)
    return root


def diff(capsys, *args: str) -> tuple[int, dict | str, str]:
    code = cli.main(["diff", "HEAD~1", "HEAD", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "json" in args and code == 0 else out), err


def actions(report: dict) -> dict[str, str]:
    return {job["name"]: job["action"] for job in report["jobs"]}


def test_each_stack_sees_only_its_own_folder_a_moved_job_stops_in_one_and_starts_in_the_other(repo, capsys):
    code, payments, err = diff(capsys, "--stack", "payments", "--format", "json")
    assert (code, err, payments["specs"], actions(payments)) == (0, "", "teams/payments", {"ledger": "stop"})
    code, search, err = diff(capsys, "--stack", "search", "--format", "json")
    assert (code, err, search["specs"]) == (0, "", "teams/search")
    assert actions(search) == {"ledger": "start", "nightly": "restart"}
    assert payments["summary"]["unchanged"] == 1  # payments' own nightly, not search's


def test_the_text_report_names_the_stack_and_its_folder(repo, capsys):
    code, out, _ = diff(capsys, "--stack", "payments")
    assert code == 0
    assert out.splitlines()[0].endswith(", stack payments, specs in teams/payments")


def test_specs_given_on_the_command_line_wins_over_the_stack_file(repo, capsys):
    code, report, _ = diff(capsys, "--stack", "payments", "--specs", "teams/search", "--format", "json")
    assert (code, report["specs"], actions(report)) == (0, "teams/search", {"ledger": "start", "nightly": "restart"})


def test_a_stack_whose_folder_moved_compares_each_side_in_its_own_folder(repo, capsys):
    git(repo, "mv", "teams/payments", "teams/pay")
    (repo / "Pulumi.payments.yaml").write_text("config:\n  jobspec:specs: teams/pay\n")
    git(repo, "commit", "--quiet", "-am", "rename the folder")
    code, report, _ = diff(capsys, "--stack", "payments", "--format", "json")
    assert (code, report["specs"], report["jobs"]) == (0, "teams/payments → teams/pay", [])
    assert report["summary"]["unchanged"] == 1


def test_a_stack_new_in_head_reads_the_projects_folder_in_base_and_says_it_has_none(repo, capsys):
    (repo / "Pulumi.ml.yaml").write_text("config:\n  jobspec:specs: teams/ml\n")
    (repo / "teams" / "ml").mkdir()
    (repo / "teams" / "ml" / "train.yaml").write_text(job("train", "ml/train"))
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "a new team")
    code, report, err = diff(capsys, "--stack", "ml", "--format", "json")
    assert (code, actions(report)) == (0, {"train": "start"})
    base = git(repo, "rev-parse", "HEAD~1")[:7]
    assert err == f"jobspec: warning: BASE HEAD~1 ({base}) has no jobspecs folder: it has no jobs\n"


def test_a_broken_stack_file_is_a_usage_error_naming_the_version(repo, capsys):
    (repo / "Pulumi.search.yaml").write_text("config: [\n")
    git(repo, "commit", "--quiet", "-am", "broken")
    code, out, err = diff(capsys, "--stack", "search")
    assert (code, out) == (2, "")
    assert err.startswith("jobspec: HEAD: Pulumi.search.yaml:2:1: not valid YAML (")


def test_a_stack_folder_outside_the_repository_is_refused(repo, capsys):
    (repo / "Pulumi.search.yaml").write_text("config:\n  jobspec:specs: ../elsewhere\n")
    git(repo, "commit", "--quiet", "-am", "outside")
    code, _, err = diff(capsys, "--stack", "search")
    assert (code, err) == (2, "jobspec: jobspec:specs of stack search must be a path inside the repository, "
                              "relative to its top: ../elsewhere\n")
