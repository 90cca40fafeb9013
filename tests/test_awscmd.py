"""compiler.awscmd: an `aws emr-serverless start-job-run` command file gives the body the AWS CLI sends.

Each equivalence test runs the same file through bash and the AWS CLI's own parser
(tests/awsclikit.py: AWS CLI v1 in-process, the call stopped before it is sent) and
asserts that parse_command gives exactly the parameters the CLI passed to StartJobRun,
in the same order. Findings: tests/test_awscmd_findings.py.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from awsclikit import AwsCli, clidriver
from compiler import awscmd
from compiler.awsopts import GLOBAL_FLAGS, GLOBAL_VALUES, options
from compiler.cli import main
from compiler.findings import Finding

HEAD = "aws emr-serverless start-job-run --application-id 00fkt3q8n4s5ab09 \\\n" \
       "  --execution-role-arn arn:aws:iam::123456789012:role/job \\\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def aws_cli(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> AwsCli:
    return AwsCli(monkeypatch, tmp_path_factory.mktemp("awscli"))


def command(folder: Path, text: str, name: str = "run.sh") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text))
    return path


def parse(path: Path, variables: dict[str, str] | None = None) -> tuple[dict[str, Any] | None, list[Finding]]:
    return awscmd.parse_command(path.read_text(), path.name, Path("."), variables or {})


def same_as_cli(aws_cli: AwsCli, path: Path, variables: dict[str, str] | None = None) -> dict[str, Any]:
    """The body, after asserting it is the CLI's to the key order and that there was no finding."""
    body, findings = parse(path, variables)
    sent = aws_cli.file(path, variables)
    assert (findings, sent.error) == ([], "")
    assert body == sent.params and list(body) == list(sent.params)
    return body


def test_every_option_gives_the_body_the_aws_cli_sends(folder, aws_cli):
    (folder / "overrides.json").write_text(json.dumps({"monitoringConfiguration": {
        "s3MonitoringConfiguration": {"logUri": "s3://acme-logs/emr/"}}}))
    path = command(folder, """\
        #!/bin/bash
        # every StartJobRun member, in an order of its own
        aws emr-serverless start-job-run \\
          --name "nightly orders" \\
          --mode BATCH \\
          --retry-policy maxAttempts=2 \\
          --flex-execution enabled=true \\
          --tags team=data,cost-center=analytics \\
          --execution-timeout-minutes 120 \\
          --configuration-overrides file://overrides.json \\
          --job-driver '{
              "sparkSubmit": {
                "entryPoint": "s3://acme/etl/orders.py",
                "entryPointArguments": ["--day", "2024-01-01"],
                "sparkSubmitParameters": "--conf spark.executor.cores=2"
              }
            }' \\
          --execution-iam-policy "policy='{\\"Version\\":\\"2012-10-17\\"}',policyArns=[arn:aws:iam::aws:policy/A]" \\
          --client-token orders-2024-01-01 \\
          --execution-role-arn arn:aws:iam::123456789012:role/job \\
          --application-id 00fkt3q8n4s5ab09  # the Spark application
        """)
    body = same_as_cli(aws_cli, path)
    assert list(body) == [o.member for o in options().values()]  # every member, in the model's order
    assert body["executionIamPolicy"] == {"policy": '{"Version":"2012-10-17"}',
                                          "policyArns": ["arn:aws:iam::aws:policy/A"]}


@pytest.mark.parametrize("tags", ["team=data,env=prod", "'{\"team\": \"data\", \"env\": \"prod\"}'",
                                  "'team = data , env = prod'", "team=data,\\\nenv=prod"])
def test_tags_as_shorthand_or_json_are_the_cli_tags(folder, aws_cli, tags):
    path = command(folder, HEAD + f"  --tags {tags}\n")
    assert same_as_cli(aws_cli, path)["tags"] == {"team": "data", "env": "prod"}


@pytest.mark.parametrize("option, value", [
    ("--job-driver", "'sparkSubmit={entryPoint=s3://b/x.py,entryPointArguments=[a,b],sparkSubmitParameters=--verbose}'"),
    ("--job-driver", "\"hive={query='SELECT 1, 2',initQueryFile=s3://b/init.sql}\""),
    ("--configuration-overrides", "'applicationConfiguration=[{classification=spark-defaults,"
                                  "properties={spark.a=1,spark.b=2}}],monitoringConfiguration={"
                                  "cloudWatchLoggingConfiguration={enabled=true,logTypes={SPARK_DRIVER=[STDOUT,STDERR]}}}'"),
    ("--retry-policy", "maxFailedAttemptsPerHour=5"),
    ("--flex-execution", "enabled=FALSE"),
    ("--execution-iam-policy", "policyArns=arn:aws:iam::aws:policy/A,arn:aws:iam::aws:policy/B"),
])
def test_shorthand_structures_are_the_cli_structures(folder, aws_cli, option, value):
    same_as_cli(aws_cli, command(folder, HEAD + f"  {option} {value}\n"))


@pytest.mark.parametrize("written, minutes", [("60", 60), ("' 060 '", 60), ("1_000", 1000), ("-5", -5),
                                              ("=90", 90)])
def test_an_integer_is_what_the_cli_reads(folder, aws_cli, written, minutes):
    gap = "" if written.startswith("=") else " "
    path = command(folder, HEAD + f"  --execution-timeout-minutes{gap}{written}\n")
    assert same_as_cli(aws_cli, path)["executionTimeoutMinutes"] == minutes


def test_file_paths_are_read_from_the_command_files_folder(folder, aws_cli):
    (folder / "jobs" / "conf").mkdir(parents=True)
    (folder / "jobs" / "conf" / "driver.json").write_text('{"hive": {"query": "SELECT 1"}}')
    (folder / "jobs" / "name.txt").write_text("from-a-file")
    path = command(folder, HEAD + "  --job-driver file://conf/driver.json --name file://name.txt\n", "jobs/run.sh")
    body, findings = awscmd.parse_command(path.read_text(), "jobs/run.sh", Path("jobs"), {})
    assert findings == [] and body == {**aws_cli.file(path).params}
    assert body["jobDriver"] == {"hive": {"query": "SELECT 1"}} and body["name"] == "from-a-file"


def test_cli_input_json_gives_the_members_the_command_line_does_not(folder, aws_cli):
    (folder / "body.json").write_text(json.dumps({
        "name": "from-json", "applicationId": "00fromjson", "jobDriver": {"hive": {"query": "SELECT 1"}},
        "tags": {"a": "1"}}))
    path = command(folder, """\
        aws emr-serverless start-job-run --cli-input-json file://body.json \\
          --application-id 00fromcommand --execution-role-arn arn:aws:iam::123456789012:role/job --tags b=2
        """)
    body = same_as_cli(aws_cli, path)
    assert body == {"applicationId": "00fromcommand", "executionRoleArn": "arn:aws:iam::123456789012:role/job",
                    "tags": {"b": "2"}, "name": "from-json", "jobDriver": {"hive": {"query": "SELECT 1"}}}


def test_cli_input_json_inline_needs_no_other_option(folder, aws_cli):
    path = command(folder, """aws emr-serverless start-job-run --cli-input-json '{"applicationId": "00a", "x": 1}'\n""")
    assert same_as_cli(aws_cli, path) == {"applicationId": "00a", "x": 1}


def test_global_options_anywhere_change_nothing(folder, aws_cli):
    path = command(folder, """\
        AWS_PAGER="" aws --region eu-west-1 --output json emr-serverless --debug start-job-run \\
          --profile prod --no-verify-ssl --endpoint-url http://127.0.0.1:1 --query jobRunId \\
          --application-id 00a --execution-role-arn arn:aws:iam::123456789012:role/job --cli-read-timeout 5
        """)
    assert same_as_cli(aws_cli, path) == {"applicationId": "00a", "executionRoleArn": "arn:aws:iam::123456789012:role/job"}


def test_abbreviated_options_are_taken_as_the_cli_takes_them(folder, aws_cli):
    path = command(folder, "aws emr-serverless start-job-run --applic 00a --execution-r arn:aws:iam::1:role/r "
                           "--na job --retry maxAttempts=3 --reg eu-west-1\n")
    assert same_as_cli(aws_cli, path) == {"applicationId": "00a", "executionRoleArn": "arn:aws:iam::1:role/r",
                                          "name": "job", "retryPolicy": {"maxAttempts": 3}}


def test_an_option_given_twice_keeps_the_last_and_says_so(folder, aws_cli):
    path = command(folder, HEAD + "  --name first \\\n  --name second\n")
    body, findings = parse(path)
    assert body == aws_cli.file(path).params and body["name"] == "second"
    assert findings == [Finding("run.sh", 4, 3, "W0020", "name", "--name is given again; the AWS CLI uses this last one")]


def test_variables_given_are_the_values_bash_would_give(folder, aws_cli):
    path = command(folder, """\
        APP=00fkt3q8n4s5ab09
        aws emr-serverless start-job-run --application-id "$APP" --execution-role-arn "${ROLE}" \\
          --name "run-$DAY" --tags day=$DAY,team=${TEAM:-data} --mode ${MODE-BATCH} --client-token '$literal'
        """)
    same_as_cli(aws_cli, path, {"ROLE": "arn:aws:iam::123456789012:role/job", "DAY": "2024-01-01"})


def test_a_crlf_file_reads_as_its_lf_twin(folder):
    text = HEAD + "  --name job\n"
    assert awscmd.parse_command(text.replace("\n", "\r\n"), "run.sh", Path("."), {}) == \
        awscmd.parse_command(text, "run.sh", Path("."), {})


def test_each_members_value_position_is_known(folder):
    (folder / "body.json").write_text('{"name": "n"}')
    path = command(folder, HEAD + "  --tags a=1 --cli-input-json file://body.json\n")
    parsed = awscmd.parse(path.read_text(), "run.sh", Path("."), {})
    assert parsed.positions == {"applicationId": ("run.sh", 1, 51), "executionRoleArn": ("run.sh", 2, 24),
                                "tags": ("run.sh", 3, 10), "name": ("run.sh", 3, 31)}


@pytest.mark.parametrize("text", [
    "aws emr-serverless start-job-run --application-id x",
    "# a job\n\nAPP=1\nexport AWS_REGION=eu-west-1\nAWS_PROFILE=p /usr/local/bin/aws --region x emr-serverless start-job-run",
    "aws s3 ls",
])
def test_a_file_that_runs_aws_looks_like_a_command(text):
    assert awscmd.looks_like_command(text)


@pytest.mark.parametrize("text", ['{"applicationId": "00a"}', "applicationId: 00a\n", "", "# aws\n", "echo aws"])
def test_a_json_body_or_anything_else_does_not(text):
    assert not awscmd.looks_like_command(text)


def test_the_global_options_are_the_clis():
    table = json.loads((Path(clidriver.__file__).parent / "data" / "cli.json").read_text())["options"]
    assert sorted(["--" + name for name in table]) == sorted([*GLOBAL_FLAGS, *GLOBAL_VALUES, "--version"])


# -- jobspec import COMMAND-FILE --------------------------------------------------------------------------------------

def test_jobspec_import_of_a_command_file_prints_its_spec(folder, capsys):
    (folder / "jobs").mkdir()
    (folder / "jobs" / "driver.json").write_text('{"sparkSubmit": {"entryPoint": "s3://b/etl.py"}}')
    command(folder, HEAD + "  --job-driver file://driver.json --tags day=$DAY --name etl\n", "jobs/run.sh")
    assert main(["import", "jobs/run.sh", "--var", "DAY=2024-01-01"]) == 0
    assert capsys.readouterr() == (dedent("""\
        # Imported by `jobspec import` from run.sh
        applicationId: 00fkt3q8n4s5ab09
        executionRoleArn: arn:aws:iam::123456789012:role/job
        jobDriver:
          sparkSubmit:
            entryPoint: s3://b/etl.py
        tags:
          day: '2024-01-01'
        name: etl
        """), "")


def test_jobspec_import_of_a_command_with_an_unset_variable_exits_1_naming_it(folder, capsys):
    command(folder, HEAD + "  --name \"etl-$DAY\"\n", "jobs/run.sh")
    assert main(["import", "jobs/run.sh"]) == 1
    assert capsys.readouterr() == ("", "jobs/run.sh:3:15: error E0017 name: shell variable $DAY is not set; "
                                       "pass --var DAY=VALUE\n1 error(s), 0 warning(s)\n")


def test_jobspec_import_reads_a_command_from_stdin(folder, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((HEAD + "  --mode STREAMING\n").encode())))
    assert main(["import", "-"]) == 0
    assert capsys.readouterr().out.endswith("executionRoleArn: arn:aws:iam::123456789012:role/job\nmode: STREAMING\n")


def test_jobspec_import_var_without_a_name_is_a_usage_error(folder, capsys):
    command(folder, HEAD)
    assert main(["import", "run.sh", "--var", "1X=2"]) == 2
    assert capsys.readouterr().err == "jobspec: --var takes NAME=VALUE (NAME a shell variable name), not '1X=2'\n"
