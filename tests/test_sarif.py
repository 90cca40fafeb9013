"""``jobspec lint --format sarif`` as GitHub code scanning reads it: valid SARIF 2.1.0, rules that
explain themselves and link to their heading in docs/reference.md, credential rules ranked as
security alerts, fingerprints that survive moved lines, and URIs relative to the repository root
wherever in the checkout lint runs."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

from compiler import cli
from compiler.formatters import sarif
from compiler.rule_docs import DOCS
from compiler.rules import RULES

from conftest import SPARK

REPO = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = REPO / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
SECRET = SPARK + "tags:\n  password: hunter2\n"
SUPPRESSED = SPARK + "tags:\n  password: hunter2  # jobspec: disable=E3001 revoked test value\nnmae: typo\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (``.git`` at its top) with a ``jobspecs`` folder; the current folder is its top."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "jobspecs").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_sarif(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, dict, str]:
    code = cli.main(["lint", "--format", "sarif", *argv])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def rules_of(log: dict) -> dict[str, dict]:
    return {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a markdown heading: lower case, punctuation but '-' and '_' removed,
    spaces to '-' (github.com/gjtorikian/html-pipeline's TableOfContentsFilter)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def reference_anchors() -> list[str]:
    text = (REPO / "docs" / "reference.md").read_text()
    return [github_anchor(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.MULTILINE)]


# -- the log is valid SARIF 2.1.0 -----------------------------------------------------------------------

def test_log_with_errors_warnings_secrets_and_suppressions_is_valid_sarif_2_1_0(repo, capsys):
    (repo / "jobspecs" / "a.yaml").write_text(SUPPRESSED + "executionTimeoutMinutes: 0\n")
    (repo / "jobspecs" / "b.yaml").write_text(SECRET)
    code, log, _ = lint_sarif(capsys, "jobspecs")
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    assert code == 1
    assert sorted(rules_of(log)) == ["E1001", "E3001", "W2010"]


# -- rules: documentation, link, security ranking -------------------------------------------------------

def test_every_rule_has_documentation():
    assert [rule for rule in RULES if not DOCS.get(rule, "").strip()] == []
    assert sorted(DOCS) == sorted(RULES)


def test_rule_carries_its_documentation_as_full_description_and_help(repo, capsys):
    (repo / "jobspecs" / "a.yaml").write_text(SPARK + "nmae: typo\n")
    _, log, _ = lint_sarif(capsys, "jobspecs")
    rule = rules_of(log)["E1001"]
    assert rule["shortDescription"] == {"text": "Unknown key"}
    assert rule["fullDescription"] == {"text": DOCS["E1001"]}
    assert rule["help"] == {
        "text": f"{DOCS['E1001']}\n\n{sarif.DOCS_URL}#e1001",
        "markdown": f"**Unknown key**\n\n{DOCS['E1001']}\n\n[E1001 in the reference]({sarif.DOCS_URL}#e1001)",
    }


def test_help_uri_is_the_documentation_url_with_the_rule_anchor(repo, capsys):
    (repo / "jobspecs" / "a.yaml").write_text(SPARK + "nmae: typo\n")
    _, log, _ = lint_sarif(capsys, "jobspecs")
    assert rules_of(log)["E1001"]["helpUri"] == \
        "https://github.com/jobspec/jobspec/blob/main/docs/reference.md#e1001"


def test_help_base_uri_option_replaces_the_documentation_url(repo, capsys):
    (repo / "jobspecs" / "a.yaml").write_text(SPARK + "nmae: typo\n")
    _, log, _ = lint_sarif(capsys, "--help-base-uri", "https://git.example.com/team/jobs/docs/reference.md",
                           "jobspecs")
    assert rules_of(log)["E1001"]["helpUri"] == "https://git.example.com/team/jobs/docs/reference.md#e1001"


def test_documentation_url_is_the_one_pyproject_names():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["urls"]["Documentation"] == sarif.DOCS_URL


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_id_has_a_reference_heading_whose_github_anchor_is_its_help_uri_fragment(rule):
    fragment = sarif.descriptor(rule, sarif.DOCS_URL)["helpUri"].rsplit("#", 1)[1]
    assert fragment == rule.lower()
    assert reference_anchors().count(fragment) == 1  # a second one would be #e3001-1 on GitHub


def test_github_anchor_matches_how_github_renders_headings():
    assert [github_anchor(h) for h in ("E3001", "jobspec reference", "Rules: E3001 (secrets)")] == [
        "e3001", "jobspec-reference", "rules-e3001-secrets"]


def test_credential_rule_is_a_security_alert_with_a_security_severity(repo, capsys):
    (repo / "jobspecs" / "a.yaml").write_text(SECRET + "nmae: typo\n")
    _, log, _ = lint_sarif(capsys, "jobspecs")
    rules = rules_of(log)
    assert rules["E3001"]["properties"] == {"tags": ["security", "secrets"], "security-severity": "8.0"}
    assert rules["E1001"]["properties"] == {"tags": ["model"]}


def test_every_family_3_rule_is_tagged_security_with_a_severity():
    for rule in (r for r in RULES if r[1] == "3"):
        properties = sarif.descriptor(rule, sarif.DOCS_URL)["properties"]
        assert "security" in properties["tags"] and float(properties["security-severity"]) >= 7.0


# -- fingerprints ----------------------------------------------------------------------------------------

def fingerprints(log: dict) -> list[tuple[str, int, str]]:
    return [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["partialFingerprints"]["jobspecFinding/v1"]) for r in log["runs"][0]["results"]]


def test_fingerprint_stays_when_lines_are_added_above_the_finding(repo, capsys):
    spec = repo / "jobspecs" / "a.yaml"
    spec.write_text(SECRET)
    _, before, _ = lint_sarif(capsys, "jobspecs")
    spec.write_text("# the nightly sales job\n\nname: sales\n" + SECRET)
    _, after, _ = lint_sarif(capsys, "jobspecs")
    ((rule, line, print_before),) = fingerprints(before)
    assert fingerprints(after) == [(rule, line + 3, print_before)]


def test_fingerprint_changes_with_the_text_of_the_line(repo, capsys):
    spec = repo / "jobspecs" / "a.yaml"
    spec.write_text(SECRET)
    _, before, _ = lint_sarif(capsys, "jobspecs")
    spec.write_text(SECRET.replace("hunter2", "hunter3"))
    _, after, _ = lint_sarif(capsys, "jobspecs")
    assert fingerprints(before)[0][2] != fingerprints(after)[0][2]


def test_the_same_finding_twice_on_one_line_gets_two_fingerprints():
    from compiler.findings import Finding
    twice = [Finding("a.yaml", 3, 1, "E1001", "x", "unknown key 'x'"), Finding("a.yaml", 3, 9, "E1001", "x", "other")]
    first, second = sarif.fingerprints(twice, Path("/nonexistent"))
    assert (first[:-2], first[-2:], second[-2:]) == (second[:-2], ":1", ":2")


# -- URIs relative to the repository root ------------------------------------------------------------

def locations(log: dict) -> list[dict]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]]


def test_lint_from_a_subfolder_gives_uris_relative_to_the_repository_root(repo, capsys, monkeypatch):
    (repo / "jobspecs" / "team a").mkdir()
    (repo / "jobspecs" / "team a" / "etl.yaml").write_text(SPARK + "nmae: typo\n")
    monkeypatch.chdir(repo / "jobspecs")
    code, log, err = lint_sarif(capsys, "team a")
    assert (code, err) == (1, "")
    assert locations(log) == [{"uri": "jobspecs/team%20a/etl.yaml", "uriBaseId": "%SRCROOT%"}]
    assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.as_uri() + "/"}}


def test_lint_from_the_root_gives_the_same_uris(repo, capsys):
    (repo / "jobspecs" / "etl.yaml").write_text(SPARK + "nmae: typo\n")
    _, log, _ = lint_sarif(capsys, "jobspecs/etl.yaml")
    assert locations(log) == [{"uri": "jobspecs/etl.yaml", "uriBaseId": "%SRCROOT%"}]


def test_a_git_file_marks_the_root_too(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")  # a worktree or submodule
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "etl.yaml").write_text(SPARK + "nmae: typo\n")
    monkeypatch.chdir(tmp_path / "specs")
    _, log, _ = lint_sarif(capsys, "etl.yaml")
    assert locations(log) == [{"uri": "specs/etl.yaml", "uriBaseId": "%SRCROOT%"}]


def test_without_git_the_current_folder_is_the_root_and_lint_says_so(tmp_path, capsys, monkeypatch):
    if any((folder / ".git").exists() for folder in tmp_path.parents):
        pytest.fail(f"a .git above {tmp_path}: this test needs a temporary folder outside any repository")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "etl.yaml").write_text(SPARK + "nmae: typo\n")
    monkeypatch.chdir(tmp_path / "specs")
    _, log, err = lint_sarif(capsys, "etl.yaml")
    assert locations(log) == [{"uri": "etl.yaml", "uriBaseId": "%SRCROOT%"}]
    assert err == f"jobspec: note: no .git at or above {tmp_path / 'specs'}; SARIF paths are relative to this folder\n"


def test_a_file_outside_the_repository_is_a_file_uri_without_base(repo, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "etl.yaml"
    outside.write_text(SPARK + "nmae: typo\n")
    _, log, _ = lint_sarif(capsys, str(outside))
    assert locations(log) == [{"uri": outside.as_uri()}]
