"""Output formats other tools read: SARIF and GitHub workflow commands from ``jobspec lint``,
and the JSON Schema editors validate specs with (``jobspec schema``).

The JSON Schema must agree with the linter on single-file specs without defaults: a
corpus of valid specs passes both; each invalid spec is rejected by both, except the
cases listed in ``LINTER_ONLY``, which JSON Schema cannot express (each with its reason).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from compiler import cli, loader
from compiler.findings import Finding
from compiler.formatters import github, sarif
from compiler.jsonschema import json_schema
from compiler.lint import Linter, lint_paths
from compiler.rules import RULES

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = REPO / "schema" / "jobspec.schema.json"

from conftest import HEAD, SPARK


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (``.git`` marker: no _defaults.yaml above it applies); the current directory."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_file(folder: Path, text: str, name: str = "job.yaml") -> list[Finding]:
    (folder / name).write_text(text, encoding="utf-8")
    return lint_paths([name], linter=Linter()).findings


# -- SARIF ----------------------------------------------------------------------------------------------

@pytest.fixture
def findings(folder: Path) -> list[Finding]:
    """A warning (W2010) and an error (E1001) at known positions, in the linter's order."""
    found = lint_file(folder, SPARK + "executionTimeoutMinutes: 0\nnmae: typo\n")
    assert [(f.rule, f.line, f.column) for f in found] == [("W2010", 6, 26), ("E1001", 7, 1)]
    return found


def test_sarif_declares_version_2_1_0_and_its_schema(findings):
    log = json.loads(sarif.render(findings))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    assert len(log["runs"]) == 1


def test_sarif_driver_lists_each_reported_rule_once_with_its_title(findings):
    driver = json.loads(sarif.render(findings))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "jobspec"
    assert [(r["id"], r["shortDescription"]["text"]) for r in driver["rules"]] == [
        ("E1001", RULES["E1001"].title), ("W2010", RULES["W2010"].title)]  # sorted by id
    assert [r["defaultConfiguration"]["level"] for r in driver["rules"]] == ["error", "warning"]


def test_sarif_result_carries_rule_level_message_and_position_of_its_finding(findings):
    run = json.loads(sarif.render(findings))["runs"][0]
    for finding, result in zip(findings, run["results"], strict=True):
        assert result["ruleId"] == finding.rule
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding.rule
        assert result["level"] == finding.severity
        assert finding.message in result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "job.yaml"
        assert location["region"] == {"startLine": finding.line, "startColumn": finding.column}


def test_sarif_counts_columns_in_unicode_code_points(findings):
    assert json.loads(sarif.render(findings))["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_sarif_without_findings_is_a_run_with_no_results():
    run = json.loads(sarif.render([]))["runs"][0]
    assert (run["tool"]["driver"]["rules"], run["results"]) == ([], [])


def test_sarif_uri_of_a_file_below_the_current_folder_is_relative_and_percent_encoded(folder):
    finding = Finding(str(folder / "my jobs" / "a#1.yaml"), 2, 3, "E1001", "x", "unknown key 'x'")
    (result,) = json.loads(sarif.render([finding]))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20jobs/a%231.yaml"


def test_sarif_uri_of_a_file_elsewhere_is_a_file_uri(folder):
    outside = folder.parent / "elsewhere" / "_defaults.yaml"
    finding = Finding(str(outside), 1, 1, "E1001", "x", "unknown key 'x'")
    (result,) = json.loads(sarif.render([finding]))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == outside.as_uri()


# -- GitHub workflow commands ---------------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning) file=([^,:]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)$")


def test_github_writes_one_well_formed_command_per_finding(findings):
    lines = github.render(findings).splitlines()
    assert [COMMAND.match(line).groups() for line in lines] == [
        ("warning", "job.yaml", "6", "26", "W2010 executionTimeoutMinutes", findings[0].message),
        ("error", "job.yaml", "7", "1", "E1001 nmae", findings[1].message),
    ]


def test_github_escapes_percent_and_line_breaks_in_the_message():
    finding = Finding("job.yaml", 1, 1, "E1012", "name", "100% wrong\r\nsecond line")
    assert github.render([finding]) == "::error file=job.yaml,line=1,col=1,title=E1012 name::100%25 wrong%0D%0Asecond line\n"


def test_github_escapes_colons_and_commas_in_properties():
    finding = Finding("a,b:c.yaml", 1, 2, "E1001", "tags.a:b,c", "unknown")
    assert github.render([finding]) == (
        "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=E1001 tags.a%3Ab%2Cc::unknown\n")


def test_github_names_a_file_below_the_current_folder_relative_to_it(folder):
    finding = Finding(str(folder / "jobspecs" / "_defaults.yaml"), 3, 1, "E1001", "x", "unknown key 'x'")
    assert github.render([finding]).startswith("::error file=jobspecs/_defaults.yaml,line=3,col=1,")


# -- the JSON Schema: committed, referenced, up to date -------------------------------------------------

def test_committed_schema_is_what_jobspec_schema_prints(capsys):
    assert cli.main(["schema"]) == 0
    assert capsys.readouterr().out == SCHEMA_FILE.read_text(encoding="utf-8"), "run `make schema` and commit"


def test_committed_schema_is_a_valid_draft_07_schema():
    jsonschema.Draft7Validator.check_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


EXAMPLES = sorted(p for p in (REPO / "jobspecs").rglob("*.y*ml") if not p.name.startswith("_"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(REPO)))
def test_example_spec_points_its_editor_at_the_committed_schema(example):
    first = example.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (example.parent / match.group(1)).resolve() == SCHEMA_FILE


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(REPO)))
def test_example_spec_is_valid_against_the_committed_schema(example):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(loader.load(example).data)) == []


# -- the JSON Schema agrees with the linter --------------------------------------------------------------

def schema_errors(folder: Path, text: str) -> list[str]:
    """JSON Schema errors for the spec as the linter reads it (YAML 1.1 types included)."""
    (folder / "job.yaml").write_text(text, encoding="utf-8")
    data = loader.load(folder / "job.yaml").data
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in jsonschema.Draft7Validator(json_schema()).iter_errors(data)]


SCHEDULED = SPARK + "schedule:\n  expression: cron(0 2 * * ? *)\n  roleArn: arn:aws:iam::123456789012:role/sched\n"

VALID = {
    "minimal spark job": SPARK,
    "hive job with a multi-line query": HEAD + "jobDriver:\n  hive:\n    query: |\n      SELECT 1;\n\n      SELECT 2;\n",
    "query of a no-break space (not whitespace to the AWS pattern)": HEAD + "jobDriver:\n  hive:\n    query: \"\u00a0\"\n",
    "spark parameters as a mapping": SPARK + (
        "    sparkSubmitParameters:\n      class: org.example.Main\n      jars: [s3://b/a.jar, s3://b/b.jar]\n"
        "      verbose: true\n      conf:\n        spark.executor.memory: 4g\n"),
    "spark parameters with = spellings, short flags and lists": SPARK + (
        "    sparkSubmitParameters:\n      archives=: s3://b/env.tar.gz#env\n      conf=: {spark.x: \"1\"}\n"
        "      packages: [a:b:1, c:d:2]\n      -f: true\n"),
    "hive parameters as a mapping": HEAD + (
        "jobDriver:\n  hive:\n    query: s3://b/q.sql\n    parameters:\n      hiveconf: {hive.exec.scratchdir: s3://b/s}\n"
        "      hivevar: {day: \"2024-06-01\"}\n      database: sales\n"),
    "policy as a mapping": SPARK + (
        "executionIamPolicy:\n  policy:\n    Version: \"2012-10-17\"\n    Statement:\n"
        "      - Effect: Allow\n        Action: s3:GetObject\n        Resource: \"*\"\n"),
    "streaming job with a failure budget": SPARK + "mode: STREAMING\nretryPolicy:\n  maxFailedAttemptsPerHour: 5\n",
    "monitoring and nested configurations": SPARK + (
        "configurationOverrides:\n  applicationConfiguration:\n    - classification: spark-defaults\n"
        "      properties: {spark.sql.shuffle.partitions: \"200\"}\n"
        "      configurations:\n        - classification: export\n          properties: {A: b}\n"
        "  monitoringConfiguration:\n    cloudWatchLoggingConfiguration:\n      enabled: true\n"
        "      logTypes: {SPARK_DRIVER: [stdout, stderr]}\n"),
    "jobspec keys: name, tags, rerun, deploy, stacks": SPARK + (
        "name: nightly\ntags: {team: data}\nrerun: 2\n"
        "deploy:\n  stopBeforeStart: true\n  wait: {until: RUNNING, timeoutSeconds: 600}\n"
        "stacks:\n  prod:\n    executionTimeoutMinutes: 60\n    deploy: {wait: {timeoutSeconds: 60}}\n"
        "    tags: {env: prod}\n"),
    "a scheduled job": SCHEDULED + (
        "  timezone: Europe/Berlin\n  flexibleWindowMinutes: 15\n  retryPolicy: {maximumRetryAttempts: 3}\n"
        "deploy: {runNow: true}\n"),
    "application and role by reference": (
        "application: etl\nexecutionRole: etl-job\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/m.py\n"),
}

#: Invalid specs both reject: (the linter's rule, the spec).
INVALID = {
    "unknown top-level key": ("E1001", SPARK + "nmae: x\n"),
    "unknown nested key": ("E1001", SPARK + "    entryPointArgs: [a]\n"),
    "required nested member missing": ("E1002", HEAD + "jobDriver:\n  sparkSubmit:\n    entryPointArguments: [a]\n"),
    "required deploy.wait member missing": ("E1002", SPARK + "deploy:\n  wait: {until: RUNNING}\n"),
    "wrong type": ("E1003", SPARK + "executionTimeoutMinutes: soon\n"),
    "boolean for an integer": ("E1003", SPARK + "executionTimeoutMinutes: true\n"),
    "null for a mapping": ("E1003", SPARK + "tags:\n"),
    "null rerun": ("E1003", SPARK + "rerun: ~\n"),
    "boolean read from yes": ("E1004", SPARK + "name: yes\n"),
    "date read from an unquoted date": ("E1004", SPARK + "name: 2024-01-01\n"),
    "empty string under the minimum length": ("E1010", SPARK.replace("00fkt3q8n4s5ab09", '""')),
    "string over the maximum length": ("E1011", SPARK + f"name: {'n' * 257}\n"),
    "pattern mismatch": ("E1012", SPARK.replace("00fkt3q8n4s5ab09", "00FKT")),
    "pattern matched only before a trailing newline": ("E1012", SPARK.replace("00fkt3q8n4s5ab09", "|\n  00fkt3")),
    "non-ASCII letter where the AWS pattern has \\w": ("E1012", SPARK.replace("emr-serverless-job", "emr-jöb")),
    "blank hive query": ("E1012", HEAD + "jobDriver:\n  hive:\n    query: \"\\t \\n\"\n"),
    "number under the minimum": ("E1013", SPARK + "retryPolicy:\n  maxAttempts: 0\n"),
    "number over the maximum": ("E1013", SPARK + "deploy:\n  wait: {until: RUNNING, timeoutSeconds: 3601}\n"),
    "value not in the enum": ("E1014", SPARK + "mode: batch\n"),
    "too many list items": ("E1015", SPARK + "executionIamPolicy:\n  policyArns: [" + ", ".join(
        [f"arn:aws:iam::123456789012:policy/p{i:02}" for i in range(11)]) + "]\n"),
    "empty spark parameters mapping": ("E1015", SPARK + "    sparkSubmitParameters: {}\n"),
    "two job drivers": ("E1020", SPARK + "  hive:\n    query: s3://b/q.sql\n"),
    "no job driver": ("E1020", HEAD + "jobDriver: {}\n"),
    "both applicationId and application": ("E1003", SPARK + "application: etl\n"),
    "whitespace in a spark flag value": ("E2005", SPARK + "    sparkSubmitParameters:\n      conf:\n        a: b c\n"),
    "a flag written with = given true": ("E2005", SPARK + "    sparkSubmitParameters:\n      archives=: true\n"),
    "whitespace in a spark conf key": ("E2005", SPARK + "    sparkSubmitParameters:\n      conf:\n        \"a b\": c\n"),
    "whitespace in a hiveconf value": ("E2005", HEAD + (
        "jobDriver:\n  hive:\n    query: s3://b/q.sql\n    parameters:\n      hiveconf: {a: b c}\n")),
    "a hive flag that is no flag": ("E1012", HEAD + (
        "jobDriver:\n  hive:\n    query: s3://b/q.sql\n    parameters:\n      --database: sales\n")),
    "hivevar as a list": ("E1003", HEAD + (
        "jobDriver:\n  hive:\n    query: s3://b/q.sql\n    parameters:\n      hivevar: [a=b]\n")),
    "wrong type in a stack section": ("E1003", SPARK + "stacks:\n  prod:\n    executionTimeoutMinutes: soon\n"),
    "unknown key in a stack section": ("E1001", SPARK + "stacks:\n  prod:\n    nmae: x\n"),
    "stacks inside a stack section": ("E2016", SPARK + "stacks:\n  prod:\n    stacks:\n      dev: {}\n"),
    "schedule state not in the enum": ("E1014", SCHEDULED + "  state: PAUSED\n"),
    "schedule window over the scheduler's maximum": ("E1013", SCHEDULED + "  flexibleWindowMinutes: 1441\n"),
}

#: Invalid specs only the linter rejects: (the linter's rule, the spec, why JSON Schema cannot say it).
LINTER_ONLY = {
    "maxAttempts on a STREAMING job": (
        "E2001", SPARK + "mode: STREAMING\nretryPolicy:\n  maxAttempts: 2\n",
        "depends on mode, which _defaults.yaml or a stack section may set: a per-file schema cannot know it"),
    "maxFailedAttemptsPerHour on a BATCH job": (
        "E2002", SPARK + "retryPolicy:\n  maxFailedAttemptsPerHour: 2\n",
        "depends on mode, and mode defaults to BATCH only when no file of the merge sets it"),
    "no timeout on a BATCH job": (
        "W2010", SPARK + "executionTimeoutMinutes: 0\n",
        "depends on mode and the EMR release; a warning, not a constraint of the model"),
    "policy string that is not JSON": (
        "E2003", SPARK + "executionIamPolicy:\n  policy: '{\"Version\": '\n",
        "JSON Schema cannot parse a string as JSON"),
    "spark parameters mapping that compiles to an empty string": (
        "E2006", SPARK + "    sparkSubmitParameters:\n      verbose: false\n",
        "the length and pattern of the compiled string are not properties of the mapping"),
    "password in plain text": (
        "E3001", SPARK + "configurationOverrides:\n  applicationConfiguration:\n    - classification: x\n"
        "      properties: {javax.jdo.option.ConnectionPassword: hunter2}\n",
        "a heuristic on key names and values, not a constraint of the API"),
    "duplicate key": (
        "E0002", SPARK + "name: a\nname: b\n",
        "a JSON object has no duplicate keys: the schema only ever sees one of them"),
    "float for an integer": (
        "E1003", SPARK + "executionTimeoutMinutes: 60.0\n",
        "JSON has one number type: 60.0 is an integer to JSON Schema, a float to YAML and to the API"),
    "number as a map key": (
        "E1004", SPARK + "tags:\n  1: one\n",
        "keys are text in JSON; the linter reads the YAML key's type and reports it, then goes on with its text"),
    "schedule expression outside the grammar": (
        "E4001", SCHEDULED.replace("? *)", "* *)"),
        "the cron, rate and at grammar is the linter's (compiler/cron.py), not a pattern"),
    "scheduled spec without the scheduler's role": (
        "E1002", SPARK + "schedule:\n  expression: rate(1 day)\n",
        "the role may come from _defaults.yaml or a stack section, and is needed only with an expression"),
    "schedule time zone not in the IANA database": (
        "E4002", SCHEDULED + "  timezone: Mars/Olympus\n",
        "the time zone database is the machine's (zoneinfo)"),
    "date inside a policy mapping": (
        "E1004", SPARK + "executionIamPolicy:\n  policy:\n    Version: 2012-10-17\n",
        "JSON has no dates; editors read YAML 1.2, where 2012-10-17 is a string"),
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_spec_passes_the_linter_and_the_json_schema(folder, text):
    assert (lint_file(folder, text), schema_errors(folder, text)) == ([], [])


@pytest.mark.parametrize("rule, text", INVALID.values(), ids=INVALID.keys())
def test_invalid_spec_is_rejected_by_the_linter_and_the_json_schema(folder, rule, text):
    errors = [f for f in lint_file(folder, text) if f.severity == "error"]
    assert rule in {f.rule for f in errors}
    assert schema_errors(folder, text) != []


@pytest.mark.parametrize("rule, text, reason", LINTER_ONLY.values(), ids=LINTER_ONLY.keys())
def test_rule_json_schema_cannot_express_is_the_linters_alone(folder, rule, text, reason):
    assert rule in {f.rule for f in lint_file(folder, text)}
    assert schema_errors(folder, text) == [], f"JSON Schema catches it now: move it to INVALID ({reason})"


# -- suppressed findings in each format -----------------------------------------------------------------

SUPPRESSED = SPARK + "tags:\n  password: hunter2  # jobspec: disable=E3001 revoked test value\nnmae: typo\n"


def lint_cli(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(["lint", "job.yaml", *argv])
    return code, capsys.readouterr().out


def test_sarif_always_carries_a_suppressed_result_with_an_in_source_suppression(folder, capsys):
    (folder / "job.yaml").write_text(SUPPRESSED)
    code, out = lint_cli(capsys, "--format", "sarif")
    run = json.loads(out)["runs"][0]
    assert code == 1
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"], r["suppressions"]) for r in run["results"]] == [
        ("E3001", {"startLine": 7, "startColumn": 13}, [{"kind": "inSource", "justification": "revoked test value"}]),
        ("E1001", {"startLine": 8, "startColumn": 1}, []),
    ]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["E1001", "E3001"]


def test_sarif_suppression_without_a_reason_has_no_justification(folder, capsys):
    (folder / "job.yaml").write_text(SPARK + "clientToken: t1\nrerun: 1  # jobspec: disable=W2011\n")
    (result,) = json.loads(lint_cli(capsys, "--format", "sarif")[1])["runs"][0]["results"]
    assert (result["ruleId"], result["suppressions"]) == ("W2011", [{"kind": "inSource"}])


def test_json_leaves_suppressed_findings_out_unless_asked(folder, capsys):
    (folder / "job.yaml").write_text(SUPPRESSED)
    code, out = lint_cli(capsys, "--format", "json")
    assert code == 1
    assert [(f["rule"], f["line"], "suppressed" in f) for f in json.loads(out)] == [("E1001", 8, False)]


def test_json_with_show_suppressed_marks_them_with_the_justification(folder, capsys):
    (folder / "job.yaml").write_text(SUPPRESSED)
    found = json.loads(lint_cli(capsys, "--format", "json", "--show-suppressed")[1])
    assert [(f["rule"], f["line"], f["column"], f["severity"], f.get("suppressed"), f.get("justification"))
            for f in found] == [("E3001", 7, 13, "error", True, "revoked test value"),
                                ("E1001", 8, 1, "error", None, None)]


def test_github_annotates_no_suppressed_finding(folder, capsys):
    (folder / "job.yaml").write_text(SUPPRESSED)
    code, out = lint_cli(capsys, "--format", "github")
    assert (code, out) == (1, "::error file=job.yaml,line=8,col=1,title=E1001 nmae::unknown key 'nmae'; "
                              "did you mean 'name'?\n")


def test_github_with_show_suppressed_makes_a_notice_of_each(folder, capsys):
    (folder / "job.yaml").write_text(SUPPRESSED)
    first = lint_cli(capsys, "--format", "github", "--show-suppressed")[1].splitlines()[0]
    assert first.startswith("::notice file=job.yaml,line=7,col=13,title=E3001 tags.password (suppressed)::password is "
                            "a credential in plain text;")
    assert first.endswith(" (reason: revoked test value)")
