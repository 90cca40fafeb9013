"""compiler.awscmd: what a command file cannot give is a finding at its line and column.

Where the AWS CLI refuses the command too, the test shows that (tests/awsclikit.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from compiler import awscmd
from compiler.findings import Finding, has_errors
from test_awscmd import HEAD, aws_cli, command, folder, parse  # noqa: F401 (aws_cli, folder: fixtures)

ROLE = "arn:aws:iam::123456789012:role/job"


def refused(path: Path, variables: dict[str, str] | None = None) -> list[Finding]:
    body, findings = parse(path, variables)
    assert body is None
    return findings


# -- shell variables and substitutions: E0017 ---------------------------------------------------------------------

def test_an_unset_variable_is_named_at_its_line_and_column(folder):
    path = command(folder, "aws emr-serverless start-job-run \\\n  --application-id \"$APP_ID\" \\\n"
                           f"  --execution-role-arn {ROLE}\n")
    assert refused(path) == [Finding("run.sh", 2, 21, "E0017", "applicationId",
                                     "shell variable $APP_ID is not set; pass --var APP_ID=VALUE")]


def test_var_gives_the_value(folder):
    path = command(folder, f"aws emr-serverless start-job-run --application-id ${{APP_ID}} --execution-role-arn {ROLE}\n")
    assert parse(path, {"APP_ID": "00given"}) == ({"applicationId": "00given", "executionRoleArn": ROLE}, [])


def test_a_variable_line_in_the_file_gives_the_value_and_var_overrides_it(folder):
    path = command(folder, f"APP_ID=00file\naws emr-serverless start-job-run --application-id $APP_ID "
                           f"--execution-role-arn {ROLE}\n")
    assert parse(path)[0]["applicationId"] == "00file"
    assert parse(path, {"APP_ID": "00given"})[0]["applicationId"] == "00given"


def test_single_quoted_text_is_literal(folder, aws_cli):
    path = command(folder, HEAD + "  --name 'cost$HOME`x`$(y)'\n")
    body, findings = parse(path)
    assert (body["name"], findings) == ("cost$HOME`x`$(y)", []) and aws_cli.file(path).params == body


def test_a_command_substitution_is_named(folder):
    path = command(folder, HEAD + "  --name \"etl-$(date +%Y%m%d)\" --client-token `uuidgen`\n")
    assert refused(path) == [
        Finding("run.sh", 3, 15, "E0017", "name", "command substitution $(date +%Y%m%d) is not run by jobspec; "
                                                  "write its output in its place"),
        Finding("run.sh", 3, 47, "E0017", "clientToken", "command substitution `uuidgen` is not run by jobspec; "
                                                         "write its output in its place")]


def test_an_unset_variable_where_it_changes_no_body_is_no_finding(folder):
    path = command(folder, f"AWS_PROFILE=$WHO aws --region \"$AWS_REGION\" --profile $P emr-serverless start-job-run "
                           f"--application-id 00a --execution-role-arn {ROLE}\n")
    assert parse(path) == ({"applicationId": "00a", "executionRoleArn": ROLE}, [])


def test_a_variable_in_a_file_path_the_cli_would_take_from_its_environment(folder):
    path = command(folder, HEAD + "  --job-driver 'file://$HOME/driver.json'\n")
    assert refused(path) == [Finding("run.sh", 3, 24, "E0017", "jobDriver", "--job-driver: the AWS CLI takes $HOME in "
                                     "a file:// path from its environment; write the path out")]


# -- not one start-job-run command: E0018 -------------------------------------------------------------------------

def test_an_unknown_option_says_which_and_what_was_meant(folder, aws_cli):
    path = command(folder, HEAD + "  --job-drivers '{}' --executionTimeoutMinutes 5\n")
    assert refused(path) == [
        Finding("run.sh", 3, 3, "E0018", "", "unknown option --job-drivers for `aws emr-serverless start-job-run`; "
                                             "did you mean --job-driver?"),
        Finding("run.sh", 3, 22, "E0018", "", "unknown option --executionTimeoutMinutes for "
                                              "`aws emr-serverless start-job-run`; did you mean --execution-timeout-minutes?")]
    assert "Unknown options: --job-drivers, --executionTimeoutMinutes" in aws_cli.file(path).error


def test_an_ambiguous_abbreviation_is_refused_as_the_cli_refuses_it(folder, aws_cli):
    path = command(folder, HEAD + "  --exec 5\n")
    assert refused(path) == [Finding("run.sh", 3, 3, "E0018", "", "--exec is ambiguous: it abbreviates "
                                     "--execution-iam-policy, --execution-role-arn, --execution-timeout-minutes; "
                                     "write the option out")]
    assert "ambiguous option: --exec could match" in aws_cli.file(path).error


def test_a_missing_required_option_is_refused_as_the_cli_refuses_it(folder, aws_cli):
    path = command(folder, "aws emr-serverless start-job-run --name x\n")
    assert refused(path) == [
        Finding("run.sh", 1, 20, "E0018", "applicationId", "--application-id is missing; the AWS CLI refuses the "
                                                           "command without it"),
        Finding("run.sh", 1, 20, "E0018", "executionRoleArn", "--execution-role-arn is missing; the AWS CLI refuses "
                                                              "the command without it")]
    assert "the following arguments are required: --application-id, --execution-role-arn" in aws_cli.file(path).error


def test_an_option_without_its_value(folder, aws_cli):
    path = command(folder, HEAD + "  --name --mode BATCH\n")
    assert refused(path) == [Finding("run.sh", 3, 9, "E0018", "", "--name needs a value")]
    assert "argument --name: expected one argument" in aws_cli.file(path).error


_ONE = "a command file holds one `aws emr-serverless start-job-run` command"


@pytest.mark.parametrize("tail, finding", [
    ("| jq -r .jobRunId", Finding("run.sh", 3, 12, "E0018", "", f"`|`: {_ONE} and nothing else (no pipe, "
                                                               "redirection, `&&` or subshell)")),
    ("> run.json", Finding("run.sh", 3, 12, "E0018", "", f"`>`: {_ONE} and nothing else (no pipe, redirection, "
                                                         "`&&` or subshell)")),
    ("\nset -e", Finding("run.sh", 4, 1, "E0018", "", f"a second command (`set`); {_ONE}")),
])
def test_anything_but_one_command_is_refused(folder, tail, finding):
    path = command(folder, HEAD + "  --name x " + tail.replace("\\n", "\n") + "\n")
    assert finding in refused(path)


@pytest.mark.parametrize("text, column, message", [
    ("aws emr-serverless get-job-run --job-run-id 1", 20,
     "`aws … get-job-run`: jobspec imports `aws emr-serverless start-job-run` commands"),
    ("aws emr start-job-run", 5, "`aws … emr`: jobspec imports `aws emr-serverless start-job-run` commands"),
    ("aws emr-serverless", 19, "`start-job-run` is missing; write one `aws emr-serverless start-job-run` command"),
    ("echo start", 1, "`echo` is not the AWS CLI; write one `aws emr-serverless start-job-run` command"),
    ("aws emr-serverless --name x start-job-run --application-id a --execution-role-arn r", 20,
     "--name comes before `start-job-run`; the AWS CLI takes it only after `aws emr-serverless start-job-run`"),
    ("aws emr-serverless start-job-run --generate-cli-skeleton", 34,
     "--generate-cli-skeleton prints a template, not a job run jobspec can import; remove it"),
    ("aws emr-serverless start-job-run --cli-input-yaml file://x.yaml", 34,
     "--cli-input-yaml reads a YAML body (AWS CLI v2), not a job run jobspec can import; use --cli-input-json"),
    ("aws emr-serverless start-job-run --tags {a=1,b=2}", 41,
     "bash expands this unquoted {…,…} into several words; put the value in '...' quotes"),
    ("aws emr-serverless start-job-run --name 'x", 41, "this ' quote is never closed"),
])
def test_what_is_not_a_start_job_run_command_is_said_where_it_is(folder, text, column, message):
    assert Finding("run.sh", 1, column, "E0018", "", message) in refused(command(folder, text + "\n"))


def test_an_empty_file_has_no_command(folder):
    assert refused(command(folder, "# nothing yet\nAPP=1\n")) == [
        Finding("run.sh", 1, 1, "E0018", "", "no command here; write one `aws emr-serverless start-job-run` command")]


def test_aws_cli_v2_options_are_taken(folder):
    path = command(folder, HEAD + "  --no-cli-pager --cli-binary-format raw-in-base64-out --name x\n")
    assert parse(path) == ({"applicationId": "00fkt3q8n4s5ab09", "executionRoleArn": ROLE, "name": "x"}, [])


# -- values the CLI cannot read: E0019 (and the file:// file's own findings) --------------------------------------

def test_invalid_json_is_refused_at_the_character(folder, aws_cli):
    path = command(folder, HEAD + "  --job-driver '{\n    \"hive\": {\"query\": \"SELECT 1\",}\n  }'\n")
    assert refused(path) == [Finding("run.sh", 4, 34, "E0019", "jobDriver", "--job-driver: invalid JSON: "
                                                                            "Expecting property name enclosed in double quotes")]
    assert "Invalid JSON: Expecting property name enclosed in double quotes" in aws_cli.file(path).error


def test_invalid_json_in_a_file_is_refused_in_that_file(folder):
    (folder / "conf").mkdir()
    (folder / "conf" / "driver.json").write_text('{\n  "hive": {"query": "SELECT 1"\n}\n')
    path = command(folder, HEAD + "  --job-driver file://conf/driver.json\n")
    assert refused(path) == [Finding("conf/driver.json", 4, 1, "E0019", "jobDriver",
                                     "--job-driver: invalid JSON: Expecting ',' delimiter")]


def test_invalid_shorthand_is_refused_at_the_character(folder, aws_cli):
    path = command(folder, HEAD + "  --tags team=data,team=ops\n")
    assert refused(path) == [Finding("run.sh", 3, 20, "E0019", "tags", "--tags: second 'team' key: a ',' where a "
                                     "space was meant? (the AWS CLI's shorthand syntax, key=value,key2=value2)")]
    assert 'Second instance of key "team" encountered' in aws_cli.file(path).error


@pytest.mark.parametrize("value, message", [
    ("sixty", "--execution-timeout-minutes takes an integer, not 'sixty'"),
    ("file://t.txt", "--execution-timeout-minutes takes an integer, not 'file://t.txt' (the AWS CLI reads no "
                     "file:// for a number)"),
])
def test_an_integer_that_is_not_one_is_refused(folder, aws_cli, value, message):
    (folder / "t.txt").write_text("60")
    path = command(folder, HEAD + f"  --execution-timeout-minutes {value}\n")
    assert refused(path) == [Finding("run.sh", 3, 31, "E0019", "executionTimeoutMinutes", message)]
    assert f"argument --execution-timeout-minutes: invalid int value: '{value}'" in aws_cli.file(path).error


def test_a_shorthand_number_that_is_not_one_is_refused(folder):
    path = command(folder, HEAD + "  --retry-policy maxAttempts=two\n")
    assert refused(path) == [Finding("run.sh", 3, 18, "E0019", "retryPolicy",
                                     "--retry-policy: maxAttempts takes an integer, not 'two'")]


def test_a_structure_written_as_a_list_is_refused(folder):
    path = command(folder, HEAD + "  --retry-policy '[1]'\n")
    assert refused(path) == [Finding("run.sh", 3, 19, "E0019", "retryPolicy",
                                     "--retry-policy takes a JSON object, not a list")]


@pytest.mark.parametrize("value, rule, message", [
    ("fileb://driver.json", "E0019", "--job-driver: fileb:// passes bytes, for binary members, and StartJobRun has "
                                     "none; use file://"),
    ("https://example.com/d.json", "E0019", "--job-driver: AWS CLI v1 downloads a value that starts with https://; "
                                            "jobspec reads no URL: write the value, or save it and use file://"),
    ("file://nope.json", "E0009", "--job-driver: file://nope.json: no such file (a file:// path is read relative "
                                  "to the command file's folder)"),
])
def test_values_jobspec_does_not_read_are_refused(folder, value, rule, message):
    path = command(folder, HEAD + f"  --job-driver {value}\n")
    assert refused(path) == [Finding("run.sh", 3, 16, rule, "jobDriver", message)]


def test_a_file_that_is_not_utf8_is_refused_at_the_byte(folder):
    (folder / "q.sql").write_bytes(b"SELECT 1\n-- caf\xe9\n")
    path = command(folder, HEAD + "  --job-driver 'hive={query@=file://q.sql}'\n")
    assert refused(path) == [Finding("q.sql", 2, 7, "E0003", "jobDriver", "byte 0xe9 is not UTF-8; save the file as UTF-8")]


def test_a_shorthand_file_value_is_read(folder, aws_cli):
    (folder / "q.sql").write_text("SELECT 1\nFROM t\n")
    path = command(folder, HEAD + "  --job-driver 'hive={query@=file://q.sql}'\n")
    body, findings = parse(path)
    assert findings == [] and body["jobDriver"] == {"hive": {"query": "SELECT 1\nFROM t\n"}}
    assert aws_cli.file(path).params == body


def test_cli_input_json_must_hold_an_object(folder):
    (folder / "body.json").write_text(json.dumps([{"name": "x"}]))
    path = command(folder, "aws emr-serverless start-job-run --cli-input-json file://body.json\n")
    assert refused(path) == [Finding("body.json", 1, 1, "E0019", "", "--cli-input-json holds a JSON object "
                                                                     "(a StartJobRun body), not a list")]


def test_a_finding_and_a_body_are_never_both_returned_for_an_error(folder):
    path = command(folder, HEAD + "  --name $NAME --tags a=1,a=2 --bogus\n")
    body, findings = awscmd.parse_command(path.read_text(), "run.sh", Path("."), {})
    assert body is None and [f.rule for f in findings] == ["E0017", "E0019", "E0018"]


def test_shorthand_nested_deeper_than_python_can_follow_is_refused(folder):
    path = command(folder, HEAD + "  --job-driver a=" + "[" * 5000 + "\n")
    assert refused(path) == [Finding("run.sh", 3, 16, "E0019", "jobDriver", "--job-driver: shorthand nested too deep")]


# -- any text -----------------------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "aws", " emr-serverless", " start-job-run", " --name", " --tags", " --job-driver", " --retry-policy",
    " --execution-timeout-minutes", " --cli-input-json", " --e", " --", " -5", " a=b", " maxAttempts=", "1", "=x",
    " '", '"', "$", "${", "$(", "`", "\\", "\n", "\r\n", "{", "}", ",", "=", "[", "]", "@=", "#", "|", ";", "~",
    "file://", "fileb://", "'{\"a\":1}'", "\x00", "é"])


@given(st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join)))
def test_any_text_gives_a_body_or_error_findings_never_a_traceback(folder, text):
    awscmd.looks_like_command(text)
    body, findings = awscmd.parse_command(text, "run.sh", Path("."), {"X": "a b"})
    assert (body is None) == has_errors(findings)
    assert all(f.file == "run.sh" and f.line >= 1 and f.column >= 1 for f in findings)
