"""E3001: credentials written in plain text, found where they are written."""

from __future__ import annotations

import textwrap

from conftest import where

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


HIVE = FLAT.replace("  sparkSubmit:\n    entryPoint: s3://bucket/job.py\n", "  hive:\n    query: s3://bucket/q.sql\n")


def test_a_secret_hiveconf_entry_of_the_readable_form_is_flagged_at_the_entry(lint_text):
    text = HIVE + "    parameters:\n      hiveconf:\n        javax.jdo.option.ConnectionPassword: hunter2\n"
    assert e3001(lint_text(text)) == [
        ("E3001", 9, 46, "jobDriver.hive.parameters.hiveconf.javax.jdo.option.ConnectionPassword")]


def test_a_secret_in_the_equals_spelling_of_a_conf_entry_is_flagged(lint_text):
    text = HIVE + "    parameters: --hivevar=x.password=hunter2 --hiveconf=a=b\n"
    assert e3001(lint_text(text)) == [("E3001", 7, 17, "jobDriver.hive.parameters")]
    mapping = FLAT + "    sparkSubmitParameters:\n      conf=:\n        spark.db.password: hunter2\n"
    assert e3001(lint_text(mapping)) == [
        ("E3001", 9, 28, "jobDriver.sparkSubmit.sparkSubmitParameters.conf=.spark.db.password")]
