"""``jobspec diff --format markdown`` fits one GitHub PR comment (at most 65,536 characters).

A diff that fits is what it always was (a snapshot taken before the limit existed). A longer
one keeps the marker and the summary first, folds each job into a ``<details>``, and past
``--max-chars`` counts the jobs it leaves out and says where the full diff is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler import cli, diff
from compiler.formatters import diff_fit
from test_diff import BASE_TREE, CHANGES, jobspec, make_repo, write_tree

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "diff-markdown-small.md"
GITHUB_COMMENT_LIMIT = 65_536

DEFAULTS = ("defaults:\n  applicationId: 00fkt3q8n4s5ab09\n"
            "  executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job-{}\n")


def spec(i: int) -> str:
    return (f"name: job-{i:03d}\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://acme-jobs/etl/job_{i:03d}.py\n")


@pytest.fixture
def three_hundred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """300 jobs sharing a _defaults.yaml whose executionRoleArn the second commit changes: all restart."""
    base = {"jobspecs/_defaults.yaml": DEFAULTS.format("v1"),
            **{f"jobspecs/job-{i:03d}.yaml": spec(i) for i in range(300)}}
    root = make_repo(tmp_path / "repo", base, {"jobspecs/_defaults.yaml": DEFAULTS.format("v2")})
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """test_diff's change (a start, a restart, an update, a stop) as two folders, ``base`` and ``head``."""
    write_tree(tmp_path / "base", BASE_TREE)
    write_tree(tmp_path / "head", BASE_TREE)
    write_tree(tmp_path / "head", CHANGES)
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_small_diff_is_as_it_was_before_the_limit(small, capsys):
    code, out, err = jobspec(capsys, "base", "head", "--format", "markdown")
    assert (code, err) == (0, "")
    assert out == SNAPSHOT.read_text()


def test_the_diff_of_300_restarted_jobs_is_longer_than_a_comment_without_a_limit(three_hundred, capsys):
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown", "--max-chars", "0")
    assert len(out) > GITHUB_COMMENT_LIMIT
    assert len(re.findall(r"^#### restart `job-\d{3}`$", out, re.MULTILINE)) == 300


def test_the_diff_of_300_restarted_jobs_fits_one_comment_summary_first_cut_with_counts(three_hundred, capsys):
    code, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown")
    lines = out.splitlines()
    assert code == 0
    assert len(out) <= GITHUB_COMMENT_LIMIT
    assert lines[:4] == ["<!-- jobspec-diff -->", "### jobspec diff: base specs (no stack)", "",
                         "**0 to start, 300 to restart, 0 to update, 0 to stop** (0 unchanged)"]
    shown = re.findall(r"^<details><summary><b>restart</b> <code>(job-\d{3})</code> "
                       r"\(<code>jobspecs/job-\d{3}\.yaml</code>\): a new run replaces the current one</summary>$",
                       out, re.MULTILINE)
    assert shown == [f"job-{i:03d}" for i in range(138)]
    assert lines[-1] == ("**… and 162 more jobs (162 to restart) not shown**; the full diff: "
                         "`jobspec diff 'HEAD~1' HEAD --format markdown --max-chars 0`.")


def test_the_cut_line_names_the_full_diff_url(three_hundred, capsys):
    url = "https://github.com/acme/jobs/actions/runs/42"
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown", "--full-diff-url", url)
    assert out.splitlines()[-1] == f"**… and 162 more jobs (162 to restart) not shown**; the full diff is [here]({url})."


def test_max_chars_is_never_exceeded_and_counts_each_action_in_order(small, capsys):
    _, out, _ = jobspec(capsys, "base", "head", "--format", "markdown", "--max-chars", "1200")
    assert len(out) <= 1200
    assert out.splitlines()[-3:-1] == [(
        "**… and 3 more jobs (1 to restart, 1 to update, 1 to stop) not shown**; "
        "the full diff: `jobspec diff base head --format markdown --max-chars 0`."), ""]
    assert out.splitlines()[-1].startswith("Values the AWS API marks sensitive")
    assert out.splitlines()[9] == ("<details><summary><b>start</b> <code>fresh-job</code> "
                                   "(<code>jobspecs/fresh.yaml</code>): starts a new run</summary>")


def test_folded_every_job_but_a_stopped_one_is_a_fold_and_nothing_is_cut_when_all_fit(small):
    report, _, _ = diff.diff("base", "head")
    lines = diff_fit.folded(report, 10_000).splitlines()
    assert [line for line in lines if line.startswith(("<details>", "- <b>"))] == [
        "<details><summary><b>start</b> <code>fresh-job</code> (<code>jobspecs/fresh.yaml</code>): "
        "starts a new run</summary>",
        "<details><summary><b>restart</b> <code>orders-etl</code> (<code>jobspecs/analytics/etl.yaml</code>): "
        "a new run replaces the current one</summary>",
        "<details><summary><b>update</b> <code>daily-report</code> (<code>jobspecs/analytics/report.yaml</code>): "
        "tags change in place</summary>",
        "- <b>stop</b> <code>legacy-export</code> (<code>jobspecs/legacy.yaml</code>): run cancelled if still running",
    ]
    assert not any("not shown" in line for line in lines)


def test_a_job_name_is_escaped_in_its_fold(tmp_path, monkeypatch):
    (tmp_path / "base" / "jobspecs").mkdir(parents=True)
    write_tree(tmp_path / "head", {"jobspecs/_defaults.yaml": BASE_TREE["jobspecs/_defaults.yaml"],
                                   "jobspecs/a.yaml": BASE_TREE["jobspecs/steady.yaml"].replace("steady", "a<b>&c")})
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    report, _, _ = diff.diff("base", "head")
    assert "<details><summary><b>start</b> <code>a&lt;b&gt;&amp;c</code> (<code>jobspecs/a.yaml</code>): " \
           "starts a new run</summary>" in diff_fit.folded(report, 10_000).splitlines()


@pytest.mark.parametrize("value", ["-1", "many"])
def test_max_chars_must_be_a_count(small, capsys, value):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["diff", "base", "head", "--format", "markdown", "--max-chars", value])
    assert exit_.value.code == 2
    assert f"argument --max-chars: not a number of characters: '{value}'" in capsys.readouterr().err
