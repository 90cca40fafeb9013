"""The readable forms compile to one exact wire string, and import offers them only when exact."""

from __future__ import annotations

from textwrap import dedent

import pytest

from compiler import sugar
from conftest import where

HEAD = dedent("""\
    applicationId: 00fkt3q8n4s5ab09
    executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
    """)


def spark_spec(params_yaml: str) -> str:
    return HEAD + "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/main.py\n    sparkSubmitParameters:\n" + \
        "".join("      " + line + "\n" for line in dedent(params_yaml).splitlines())


def compiled_spark(project, params_yaml: str) -> str:
    project.write("job.yaml", spark_spec(params_yaml))
    return project.compile("job.yaml")["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"]


def test_flags_in_mapping_order_with_conf_expanded_in_place(project):
    assert compiled_spark(project, """\
        class: org.example.Main
        conf:
          spark.executor.memory: 4g
          spark.executor.cores: "2"
        name: etl
        """) == ("--class org.example.Main --conf spark.executor.memory=4g --conf spark.executor.cores=2 "
                 "--name etl")


def test_lists_are_joined_with_commas(project):
    assert compiled_spark(project, "jars: [s3://b/a.jar, s3://b/b.jar]\npy-files: [s3://b/x.zip]\n") == \
        "--jars s3://b/a.jar,s3://b/b.jar --py-files s3://b/x.zip"


def test_true_is_a_bare_flag_and_false_is_left_out(project):
    assert compiled_spark(project, "verbose: true\nsupervise: false\nclass: a.B\n") == "--verbose --class a.B"


def test_conf_values_keep_equals_signs(project):
    assert compiled_spark(project, "conf:\n  spark.driver.extraJavaOptions: -Dkey=value\n") == \
        "--conf spark.driver.extraJavaOptions=-Dkey=value"


def test_policy_mapping_compiles_to_compact_json_in_key_order(project):
    project.write("job.yaml", HEAD + dedent("""\
        jobDriver:
          hive: {query: SELECT 1}
        executionIamPolicy:
          policy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:GetObject]
                Resource: "arn:aws:s3:::café/*"
                Condition: {Bool: {aws:SecureTransport: true}, NumericLessThan: {s3:max-keys: 10}}
        """))
    policy = project.compile("job.yaml")["executionIamPolicy"]["policy"]
    assert policy == ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],'
                      '"Resource":"arn:aws:s3:::café/*","Condition":{"Bool":{"aws:SecureTransport":true},'
                      '"NumericLessThan":{"s3:max-keys":10}}}]}')


def test_policy_string_is_sent_as_written(project):
    text = '{ "Version": "2012-10-17" }'
    project.write("job.yaml", HEAD + "jobDriver:\n  hive: {query: SELECT 1}\nexecutionIamPolicy:\n  policy: '" + text + "'\n")
    assert project.compile("job.yaml")["executionIamPolicy"]["policy"] == text


def test_policy_mapping_over_the_model_length_is_refused(lint_text):
    statements = "".join(f"\n      - Sid: s{i:04d}\n        Effect: Allow" for i in range(80))
    findings = lint_text(HEAD + "jobDriver:\n  hive: {query: SELECT 1}\nexecutionIamPolicy:\n  policy:\n    Statement:" + statements + "\n")
    assert where(findings) == [("E2006", 7, 5, "executionIamPolicy.policy")]
    assert "over the maximum of 2048" in findings[0].message


# -- decompiling (jobspec import) -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, mapping", [
    ("--class a.B --conf x=1 --conf y=2 --verbose", {"class": "a.B", "conf": {"x": "1", "y": "2"}, "verbose": True}),
    ("--jars s3://b/a.jar,s3://b/b.jar", {"jars": "s3://b/a.jar,s3://b/b.jar"}),
    ("--conf x=", {"conf": {"x": ""}}),
    ("--conf a=b=c", {"conf": {"a": "b=c"}}),
])
def test_decompile_spark_gives_a_mapping_that_compiles_back(text, mapping):
    assert sugar.decompile_spark(text) == mapping
    assert sugar.compile_spark(mapping) == text


@pytest.mark.parametrize("text", [
    "--class a.B  --verbose",  # two spaces: the mapping would compile to one
    "--jars a --jars b",  # a repeated flag
    "--conf x=1 --conf x=2",  # a repeated conf key
    "--conf novalue",
    "--conf =x",
    "class a.B",  # not a flag
    " --verbose",
    "--verbose ",
])
def test_decompile_spark_refuses_what_would_not_compile_back(text):
    assert sugar.decompile_spark(text) is None


def test_a_lone_flag_decompiles_to_true():
    assert sugar.decompile_spark("--class") == {"class": True}


@pytest.mark.parametrize("text, expected", [
    ('{"Version":"2012-10-17"}', {"Version": "2012-10-17"}),
    ('{"a":1.0,"b":[true,null]}', {"a": 1.0, "b": [True, None]}),
    ('{ "Version": "2012-10-17" }', None),  # spaced: kept as a string
    ('{"a":1,"a":2}', None),  # duplicate keys
    ("[1,2]", None),  # not an object
    ("{}", None),  # an empty mapping is shorter than the model's minimum of 1 entry
    ('{"a":1e400}', None),  # infinity has no JSON spelling
    ('{"a":"\\u00e9"}', None),  # written escaped, would compile unescaped
])
def test_decompile_policy_only_when_exact(text, expected):
    result = sugar.decompile_policy(text)
    assert result == expected
    if expected is not None:
        assert sugar.compile_policy(result) == text
