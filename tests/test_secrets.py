"""E3001: credentials written in plain text, found where they are written."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler import secrets
from compiler.cli import main
from conftest import REPO, where

SPEC = """\
    name: job
    applicationId: 00fabc
    executionRoleArn: arn:aws:iam::123456789012:role/emr-job
    jobDriver:
      sparkSubmit:
        entryPoint: s3://bucket/job.py
"""
FLAT = textwrap.dedent(SPEC)


def e3001(findings):
    return [w for w in where(findings) if w[0] == "E3001"]


def test_secret_named_property_is_flagged_at_its_value(lint_text):
    text = SPEC + """\
    configurationOverrides:
      applicationConfiguration:
        - classification: hive-site
          properties:
            javax.jdo.option.ConnectionPassword: hunter2
    """
    assert e3001(lint_text(text)) == [
        ("E3001", 11, 46, "configurationOverrides.applicationConfiguration[0].properties.javax.jdo.option.ConnectionPassword")]


def test_a_pointer_to_a_secret_is_not_a_secret(lint_text):
    text = SPEC + """\
    configurationOverrides:
      applicationConfiguration:
        - classification: hive-site
          properties:
            javax.jdo.option.ConnectionPasswordSecretArn: arn:aws:secretsmanager:us-east-1:123456789012:secret:db
    """
    assert e3001(lint_text(text)) == []


def test_access_key_id_in_an_argument_is_flagged(lint_text):
    text = SPEC.replace("entryPoint: s3://bucket/job.py",
                        'entryPoint: s3://bucket/job.py\n        entryPointArguments: ["--key", "AKIAIOSFODNN7EXAMPLE"]')
    assert e3001(lint_text(text)) == [("E3001", 7, 36, "jobDriver.sparkSubmit.entryPointArguments[1]")]


def test_value_after_a_password_flag_is_flagged(lint_text):
    text = SPEC.replace("entryPoint: s3://bucket/job.py",
                        'entryPoint: s3://bucket/job.py\n        entryPointArguments: ["--db-password", "hunter2"]')
    assert e3001(lint_text(text)) == [("E3001", 7, 44, "jobDriver.sparkSubmit.entryPointArguments[1]")]


def test_conf_secret_inside_spark_submit_parameters_is_flagged(lint_text):
    text = SPEC.replace("entryPoint: s3://bucket/job.py",
                        "entryPoint: s3://bucket/job.py\n"
                        "        sparkSubmitParameters: --conf spark.hadoop.fs.s3a.secret.key=abc --conf x=y")
    assert e3001(lint_text(text)) == [("E3001", 7, 28, "jobDriver.sparkSubmit.sparkSubmitParameters")]


def test_a_request_member_named_like_a_secret_is_not_one(lint_text):
    assert e3001(lint_text(SPEC + "clientToken: my-token-1\n")) == []


def test_a_secret_in_defaults_is_flagged_in_defaults_even_where_a_spec_overrides_it(lint_text):
    # git holds the defaults file whatever a spec overrides: the finding is where it is written.
    defaults = "defaults:\n  tags:\n    password: hunter2\n"
    findings = lint_text(FLAT + "tags:\n  password: arn:aws:secretsmanager:us-east-1:123456789012:secret:x\n",
                         files={"_defaults.yaml": defaults})
    assert [(f.rule, f.line, f.column, f.field, f.file.endswith("_defaults.yaml")) for f in findings
            if f.rule == "E3001"] == [("E3001", 3, 15, "defaults.tags.password", True)]


def test_a_secret_in_a_stack_section_is_flagged_once(lint_text):
    text = FLAT + "stacks:\n  prod:\n    tags:\n      api-key: abc123\n"
    assert e3001(lint_text(text)) == [("E3001", 10, 16, "stacks.prod.tags.api-key")]


# -- the messages, as a reviewer reads them --------------------------------------------------------------------

HOW = ("it would be readable in git and in Pulumi state; store it in AWS Secrets Manager, pass the secret's ARN, "
       "and read it in the job through its execution role")
CONNECTION = ("in plain text; it would be readable in git and in Pulumi state; store the password in AWS Secrets "
              "Manager and read it in the job through its execution role, or connect with IAM database authentication")
URL = ("holds a URL with a password in it (user:password@host); it would be readable in git and in Pulumi state; "
       "keep only the user in the URL, store the password in AWS Secrets Manager and read it in the job through its "
       "execution role")
REVOKE = ("revoke it (it is readable in git and in Pulumi state), store the new one in AWS Secrets Manager, "
          "pass the secret's ARN, and read it in the job through its execution role")
AWS_SECRET = ("holds an AWS secret access key (40 characters beside an AWS access key id): deactivate the key pair "
              "in IAM; a job gets AWS credentials from its executionRoleArn, never from keys in the spec")

HIVE = """\
    name: job
    applicationId: 00fabc
    executionRoleArn: arn:aws:iam::123456789012:role/emr-job
    jobDriver:
      hive:
        query: s3://bucket/q.sql
"""


def with_args(*args: str) -> str:
    """SPEC with ``entryPointArguments`` as a flow list on line 7; its first element is at column 27."""
    return SPEC + f"        entryPointArguments: {json.dumps(list(args))}\n"


def with_properties(**props: str) -> str:
    """SPEC with a spark-defaults ``properties`` mapping whose first value is on line 11."""
    lines = "".join(f"            {k.replace('__', '.')}: {v}\n" for k, v in props.items())
    return SPEC + ("    configurationOverrides:\n      applicationConfiguration:\n"
                   "        - classification: spark-defaults\n          properties:\n") + lines


def e3001_messages(findings):
    return [(f.line, f.column, f.field, f.message) for f in findings if f.rule == "E3001"]


# -- --flag=value arguments ------------------------------------------------------------------------------------

def test_password_equals_form_as_the_last_argument_is_flagged_on_it(lint_text):
    findings = lint_text(with_args("--input", "s3://b/in/", "--password=hunter2"))
    assert e3001_messages(findings) == [
        (7, 52, "jobDriver.sparkSubmit.entryPointArguments[2]", f"sets --password in plain text; {HOW}")]


def test_password_equals_form_followed_by_an_argument_blames_itself_not_the_next(lint_text):
    findings = lint_text(with_args("--password=hunter2", "--verbose"))
    assert e3001(findings) == [("E3001", 7, 27, "jobDriver.sparkSubmit.entryPointArguments[0]")]


@pytest.mark.parametrize("arg, key", [
    ("--secret=abc123", "--secret"),
    ("--token=abc123", "--token"),
    ("--api-key=abc123", "--api-key"),
    ("--aws-secret-access-key=abc123", "--aws-secret-access-key"),
    ("-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStorePassword"),
])
def test_any_secret_named_flag_in_equals_form_is_flagged(lint_text, arg, key):
    assert e3001_messages(lint_text(with_args(arg))) == [
        (7, 27, "jobDriver.sparkSubmit.entryPointArguments[0]", f"sets {key} in plain text; {HOW}")]


@pytest.mark.parametrize("args", [
    ("--password-file", "/mnt/secrets/db"),
    ("--password-file=/mnt/secrets/db",),
    ("--passwordSecretArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:db",),
    ("--password", "arn:aws:ssm:us-east-1:123456789012:parameter/db/password"),
    ("--password", "${DB_PASSWORD}"),
    ("--password={{resolve:secretsmanager:db:SecretString:password}}",),
    ("--password=",),
    ("--token", "--verbose"),
])
def test_an_argument_that_only_points_at_a_secret_is_not_flagged(lint_text, args):
    assert e3001(lint_text(with_args(*args))) == []



@pytest.mark.parametrize("params", [
    "--conf spark.sql.bypass=true",
    "--conf spark.security.credentials.renewalRatio=0.75",
    "--conf spark.nlp.tokenizer=whitespace",
    "--conf spark.hadoop.fs.s3a.aws.credentials.provider=com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
])
def test_a_name_that_only_contains_a_secret_word_is_not_a_secret(lint_text, params):
    assert e3001(lint_text(SPEC + f"        sparkSubmitParameters: {params}\n")) == []


def test_a_camel_case_name_ending_in_pass_is_a_secret(lint_text):
    assert e3001_messages(lint_text(with_args("--dbPass=hunter2"))) == [
        (7, 27, "jobDriver.sparkSubmit.entryPointArguments[0]", f"sets --dbPass in plain text; {HOW}")]

# -- parameter strings and Hive queries ------------------------------------------------------------------------

def test_password_flag_inside_spark_submit_parameters_is_flagged(lint_text):
    text = SPEC + "        sparkSubmitParameters: --conf spark.executor.memory=4g --password=hunter2\n"
    assert e3001_messages(lint_text(text)) == [
        (7, 28, "jobDriver.sparkSubmit.sparkSubmitParameters", f"sets --password in plain text; {HOW}")]


def test_conf_secret_in_equals_form_inside_spark_submit_parameters_is_flagged(lint_text):
    text = SPEC + "        sparkSubmitParameters: --conf=spark.hadoop.fs.s3a.secret.key=abc123\n"
    assert e3001_messages(lint_text(text)) == [
        (7, 28, "jobDriver.sparkSubmit.sparkSubmitParameters",
         f"sets spark.hadoop.fs.s3a.secret.key in plain text; {HOW}")]


def test_a_secret_flag_in_the_spark_submit_parameters_mapping_is_flagged(lint_text):
    text = SPEC + "        sparkSubmitParameters:\n          class: a.B\n          db-password: hunter2\n"
    assert e3001_messages(lint_text(text)) == [
        (9, 20, "jobDriver.sparkSubmit.sparkSubmitParameters.db-password",
         f"db-password is a credential in plain text; {HOW}")]


def test_hiveconf_password_inside_hive_parameters_is_flagged(lint_text):
    text = HIVE + "        parameters: --hiveconf hive.exec.scratchdir=s3://b/s --hiveconf " \
                  "javax.jdo.option.ConnectionPassword=hunter2\n"
    assert e3001_messages(lint_text(text)) == [
        (7, 17, "jobDriver.hive.parameters", f"sets javax.jdo.option.ConnectionPassword in plain text; {HOW}")]


def test_set_of_a_password_inside_a_hive_query_is_flagged(lint_text):
    text = HIVE.replace("query: s3://bucket/q.sql",
                        "query: |\n          SELECT 1;\n          SET hive.metastore.password = hunter2;\n"
                        "          SELECT 2;")
    assert e3001_messages(lint_text(text)) == [
        (6, 12, "jobDriver.hive.query", f"sets hive.metastore.password in plain text; {HOW}")]


def test_a_query_comparing_a_token_column_is_not_flagged(lint_text):
    text = HIVE.replace("query: s3://bucket/q.sql",
                        "query: SELECT * FROM sessions s WHERE s.token='abc' AND s.password = 'x'")
    assert e3001(lint_text(text)) == []


def test_a_java_option_setting_a_password_in_a_property_value_is_flagged(lint_text):
    text = with_properties(spark__driver__extraJavaOptions="-Dlog4j.configuration=x "
                                                           "-Djavax.net.ssl.trustStorePassword=changeit")
    assert e3001_messages(lint_text(text)) == [
        (11, 40, "configurationOverrides.applicationConfiguration[0].properties.spark.driver.extraJavaOptions",
         f"sets -Djavax.net.ssl.trustStorePassword in plain text; {HOW}")]


def test_a_secret_flag_in_a_tag_value_is_flagged(lint_text):
    text = FLAT + "tags:\n  run-args: --api-token=abc123\n"
    assert e3001_messages(lint_text(text)) == [(8, 13, "tags.run-args", f"sets --api-token in plain text; {HOW}")]


# -- connection strings and URLs -------------------------------------------------------------------------------

def test_jdbc_url_with_a_password_parameter_is_flagged(lint_text):
    findings = lint_text(with_args("--jdbc", "jdbc:postgresql://db.example.com:5432/sales?user=etl&password=hunter2"))
    assert e3001_messages(findings) == [
        (7, 37, "jobDriver.sparkSubmit.entryPointArguments[1]",
         f"holds a connection string with its password (password=…) {CONNECTION}")]


def test_sql_server_jdbc_url_with_a_password_property_is_flagged(lint_text):
    text = with_properties(
        spark__datasource__url="jdbc:sqlserver://db:1433;databaseName=sales;user=etl;password=hunter2")
    assert e3001_messages(lint_text(text)) == [
        (11, 31, "configurationOverrides.applicationConfiguration[0].properties.spark.datasource.url",
         f"holds a connection string with its password (password=…) {CONNECTION}")]


def test_odbc_connection_string_with_pwd_is_flagged(lint_text):
    text = FLAT + "tags:\n  odbc: Driver={PostgreSQL Unicode};Server=db;UID=etl;PWD=hunter2\n"
    assert e3001_messages(lint_text(text)) == [
        (8, 9, "tags.odbc", f"holds a connection string with its password (PWD=…) {CONNECTION}")]


@pytest.mark.parametrize("url", [
    "jdbc:postgresql://db:5432/sales?user=etl",
    "jdbc:postgresql://db:5432/sales?user=etl&password=${DB_PASSWORD}",
    "jdbc:postgresql://db:5432/sales?user=etl&password={{resolve:secretsmanager:db:SecretString:password}}",
    "jdbc:sqlserver://db;user=etl;password=;",
    "jdbc:mysql://db/sales?passwordCharacterEncoding=utf8",
    "jdbc:redshift:iam://cluster:5439/dev?DbUser=etl",
])
def test_a_connection_string_without_a_password_is_not_flagged(lint_text, url):
    assert e3001(lint_text(with_args("--jdbc", url))) == []


def test_url_with_a_password_in_its_user_info_is_flagged(lint_text):
    findings = lint_text(with_args("postgresql://etl:hunter2@db.example.com:5432/sales"))
    assert e3001_messages(findings) == [(7, 27, "jobDriver.sparkSubmit.entryPointArguments[0]", URL)]


@pytest.mark.parametrize("value", [
    "s3://bucket@acme/data/",
    "https://etl@git.example.com/repo.git",
    "ssh://git@github.com:22/org/repo",
    "etl@db.example.com",
    "https://example.com/a:b@c",
    "postgresql://etl:${DB_PASSWORD}@db/sales",
])
def test_a_url_without_a_password_is_not_flagged(lint_text, value):
    assert e3001(lint_text(with_args(value))) == []


# -- well-known token shapes -----------------------------------------------------------------------------------

def test_slack_token_anywhere_is_flagged(lint_text):
    text = FLAT + "tags:\n  notify: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n"
    assert e3001_messages(lint_text(text)) == [(8, 11, "tags.notify", f"holds a Slack token (xoxb-…): {REVOKE}")]


@pytest.mark.parametrize("token, prefix", [
    ("ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "ghp_"),
    ("gho_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "gho_"),
    ("ghu_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "ghu_"),
    ("ghs_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "ghs_"),
    ("ghr_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "ghr_"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU", "github_pat_"),
])
def test_github_token_anywhere_is_flagged(lint_text, token, prefix):
    assert e3001_messages(lint_text(with_args("--repo-auth", token))) == [
        (7, 42, "jobDriver.sparkSubmit.entryPointArguments[1]", f"holds a GitHub token ({prefix}…): {REVOKE}")]


def test_a_fine_grained_github_token_without_gh_in_it_is_flagged(lint_text):
    # "github_pat_" itself holds no "gh": the shape test once looked for one and passed over such tokens.
    token = "github_pat_" + "A1b2C3d4E5" * 4
    assert "gh" not in token
    assert e3001_messages(lint_text(with_args("--repo-auth", token))) == [
        (7, 42, "jobDriver.sparkSubmit.entryPointArguments[1]", f"holds a GitHub token (github_pat_…): {REVOKE}")]


def test_words_that_merely_start_like_a_token_are_not_flagged(lint_text):
    words = ("ghp_test", "the_ghs_tables_of_2024_and_2025_in_full", "xoxb-", "xoxo-party")
    assert e3001(lint_text(with_args(*words))) == []


def test_private_key_anywhere_is_flagged(lint_text):
    text = FLAT + "tags:\n  deploy-key: '-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA'\n"
    assert e3001_messages(lint_text(text)) == [
        (8, 15, "tags.deploy-key", f"holds a private key (BEGIN … PRIVATE KEY): {REVOKE}")]


def test_aws_secret_access_key_beside_an_access_key_id_is_flagged(lint_text):
    findings = lint_text(with_args("--key", "AKIAIOSFODNN7EXAMPLE",
                                   "--other", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
    assert e3001_messages(findings) == [
        (7, 36, "jobDriver.sparkSubmit.entryPointArguments[1]", "holds an AWS access key id; a job gets AWS "
         "credentials from its executionRoleArn, never from keys in the spec"),
        (7, 71, "jobDriver.sparkSubmit.entryPointArguments[3]", AWS_SECRET)]


def test_forty_characters_without_an_access_key_id_are_not_a_secret_key(lint_text):
    assert e3001(lint_text(with_args("--other", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))) == []


def test_no_message_repeats_the_secret(lint_text):
    text = with_args("--password=hunter2", "postgresql://etl:hunter2@db/x", "jdbc:mysql://db/x?password=hunter2",
                     "--token", "hunter2")
    messages = [f.message for f in lint_text(text) if f.rule == "E3001"]
    assert len(messages) == 4 and not [m for m in messages if "hunter2" in m]


# -- through the command, as a user runs it --------------------------------------------------------------------

VALID = FLAT.replace("00fabc", "00fkt3q8n4s5ab09")


def test_cli_lint_prints_the_last_password_argument_at_its_position(project, capsys):
    project.write("job.yaml", VALID + '    entryPointArguments: ["--input", "s3://b/in/", "--password=hunter2"]\n')
    code = main(["lint", "job.yaml"])
    assert (code, capsys.readouterr().out) == (1, (
        "job.yaml:7:52: error E3001 jobDriver.sparkSubmit.entryPointArguments[2]: "
        f"sets --password in plain text; {HOW}\n1 error(s), 0 warning(s)\n"))


def test_cli_lint_prints_a_jdbc_password_in_a_hive_parameter(project, capsys):
    project.write("job.yaml", VALID.replace("sparkSubmit:\n    entryPoint: s3://bucket/job.py",
                                            "hive:\n    query: s3://bucket/q.sql\n"
                                            "    parameters: --hivevar url=jdbc:mysql://db/x?user=a&password=hunter2"))
    code = main(["lint", "job.yaml"])
    assert (code, capsys.readouterr().out) == (1, (
        "job.yaml:7:17: error E3001 jobDriver.hive.parameters: "
        f"holds a connection string with its password (password=…) {CONNECTION}\n1 error(s), 0 warning(s)\n"))


# -- real bodies (tests/fixtures/real-bodies) ------------------------------------------------------------------

BODIES = REPO / "tests" / "fixtures" / "real-bodies" / "credentials"
REAL = [
    ("hctaehoon_medistream.json", 11, 9, 10, 3, f"holds a Slack token (xoxb-…): {REVOKE}"),
    ("yhyyz_mysql2redshift.json", 13, 9, 12, 5,
     f"holds a connection string with its password (password=…) {CONNECTION}"),
]


@pytest.mark.parametrize("name, line, column, yaml_line, index, message", REAL)
def test_import_refuses_a_real_body_at_the_element_holding_the_credential(
        project, capsys, name, line, column, yaml_line, index, message):
    project.write("body.json", (BODIES / name).read_text())
    code = main(["import", "body.json"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert [x for x in err.splitlines() if " E3001 " in x] == [
        f"body.json:{line}:{column}: error E3001 jobDriver.sparkSubmit.entryPointArguments[{index}]: {message}"]


@pytest.mark.parametrize("name, line, column, yaml_line, index, message", REAL)
def test_lint_of_a_real_body_written_as_yaml_flags_the_same_element(
        project, capsys, name, line, column, yaml_line, index, message):
    body = json.loads((BODIES / name).read_text())
    project.write("job.yaml", yaml.safe_dump(body, sort_keys=False, width=1 << 16))
    code = main(["lint", "job.yaml"])
    assert (code, capsys.readouterr().out) == (1, (
        f"job.yaml:{yaml_line}:7: error E3001 jobDriver.sparkSubmit.entryPointArguments[{index}]: {message}\n"
        "1 error(s), 0 warning(s)\n"))


HIVE_FLAT = FLAT.replace("  sparkSubmit:\n    entryPoint: s3://bucket/job.py\n", "  hive:\n    query: s3://bucket/q.sql\n")


def test_a_secret_hiveconf_entry_of_the_readable_form_is_flagged_at_the_entry(lint_text):
    text = HIVE_FLAT + "    parameters:\n      hiveconf:\n        javax.jdo.option.ConnectionPassword: hunter2\n"
    assert e3001(lint_text(text)) == [
        ("E3001", 9, 46, "jobDriver.hive.parameters.hiveconf.javax.jdo.option.ConnectionPassword")]


def test_a_secret_in_the_equals_spelling_of_a_conf_entry_is_flagged(lint_text):
    text = HIVE_FLAT + "    parameters: --hivevar=x.password=hunter2 --hiveconf=a=b\n"
    assert e3001(lint_text(text)) == [("E3001", 7, 17, "jobDriver.hive.parameters")]
    mapping = FLAT + "    sparkSubmitParameters:\n      conf=:\n        spark.db.password: hunter2\n"
    assert e3001(lint_text(mapping)) == [
        ("E3001", 9, 28, "jobDriver.sparkSubmit.sparkSubmitParameters.conf=.spark.db.password")]


# -- the whole-text test that spares most files the scan (secrets.could_hold) --------------------------------

def test_a_secret_named_key_spelled_with_an_escape_is_flagged(lint_text):
    # "\u0050" is "P": the file's text never spells "password", the key YAML reads from it does.
    text = FLAT + 'tags:\n  "db\\u0050assword": hunter2\n'
    assert "password" not in text.lower()
    assert e3001(lint_text(text)) == [("E3001", 8, 22, "tags.dbPassword")]


def test_a_file_without_a_word_a_credential_needs_is_not_scanned():
    assert secrets.could_hold(FLAT) is False
    assert secrets.could_hold(FLAT + "tags:\n  encryptionKeyArn: arn:aws:kms:us-east-1:1:key/k\n") is False


NAMES = ("pass", "dbPass", "PWD", "passwd", "passphrase", "api-token", "credentials", "aws.Secret", "apiKey",
         "api_key", "apikey", "accessKey", "access-key", "PrivateKey", "private.key")
SHAPES = ("xoxb-1-a", "xapp-1-a", "ghs_" + "a1" * 15, "github_pat_" + "a1" * 15, "-----BEGIN RSA PRIVATE KEY-----",
          "AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "AIDAIOSFODNN7EXAMPLE", "AROAIOSFODNN7EXAMPLE",
          "jdbc:postgresql://h/db?PWD=x", "redis://:pw@host")


def _spec(tags=None, args=(), conf=None, query="SELECT 1", params="--verbose"):
    return {"tags": tags or {}, "configurationOverrides": {"applicationConfiguration": [
                {"classification": "c", "properties": conf or {}}]},
            "jobDriver": {"sparkSubmit": {"entryPointArguments": list(args), "sparkSubmitParameters": params},
                          "hive": {"query": query}}}


def _texts(data):
    """``data`` as YAML in each style a scalar may be written in (plain, quoted, literal)."""
    return [yaml.safe_dump(data, default_style=style, allow_unicode=True, width=40) for style in (None, '"', "'", "|")]


@pytest.mark.parametrize("data", [
    *(_spec(tags={name: "x"}) for name in NAMES),
    *(_spec(conf={name: "x"}) for name in NAMES),
    *(_spec(args=["--" + name, "x"]) for name in NAMES),
    *(_spec(args=[f"-Dspark.{name}=x"]) for name in NAMES),
    *(_spec(params=f"--conf spark.{name}=x") for name in NAMES),
    *(_spec(query=f"SET {name}=x;") for name in NAMES),
    *(_spec(tags={"n": value}) for value in SHAPES),
    *(_spec(args=["--in", value]) for value in SHAPES),
])
def test_every_credential_the_scan_flags_is_in_a_text_it_scans(data):
    assert secrets.find(data), "each example is a finding"
    for text in _texts(data):
        assert secrets.could_hold(text), text


_FRAGMENTS = st.sampled_from([
    "db", "Pass", "pass", "word", "PWD", "api", "Key", "key", "access", "private", "Secret", "tok", "en", "Token",
    "credential", "s", "_", ".", "-", "=", " ", "x", "xox", "b-", "1", "-a", "xapp-", "gh", "p_", "github_pat_",
    "A" * 30, "AKIA", "IOSFODNN7EXAMPLE", "ASIA", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "://", "u", ":", "@",
    "host", "jdbc:pg://h/db?", "&", ";", "SET ", "--", "-D", "--conf ", "arn:aws:secretsmanager:r:1:secret:s",
    "PRIVATE KEY-----", "é", "\u212a",
])
_WORDS = st.lists(_FRAGMENTS, min_size=1, max_size=6).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tags=st.dictionaries(_WORDS, _WORDS, max_size=3), args=st.lists(_WORDS, max_size=4),
       conf=st.dictionaries(_WORDS, _WORDS, max_size=3), query=_WORDS, params=_WORDS)
def test_whatever_the_scan_would_flag_in_words_made_of_fragments_is_scanned(tags, args, conf, query, params):
    data = _spec(tags, args, conf, query, params)
    for text in _texts(data):
        if secrets.find(yaml.safe_load(text)):
            assert secrets.could_hold(text), text
