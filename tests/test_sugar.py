"""The readable forms compile to one exact wire string, and import offers them only when exact."""

from __future__ import annotations

import copy
from textwrap import dedent

import pytest
from hypothesis import given, settings

import strategies
from compiler import fastcheck, sugar
from compiler.schema import spec_schema
from conftest import minimal_spec, where

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


def test_a_key_ending_in_equals_keeps_the_equals_spelling(project):
    assert compiled_spark(project, """\
        archives=: s3://b/env.tar.gz#env
        jars=: [s3://b/a.jar, s3://b/b.jar]
        conf=:
          spark.x: "1"
          spark.y: "2"
        """) == "--archives=s3://b/env.tar.gz#env --jars=s3://b/a.jar,s3://b/b.jar --conf=spark.x=1 --conf=spark.y=2"


def test_a_key_with_one_dash_is_a_short_flag_written_as_is(project):
    assert compiled_spark(project, "class: a.B\n-f: true\n-d: x=1\n") == "--class a.B -f -d x=1"


def hive_spec(params_yaml: str) -> str:
    return HEAD + "jobDriver:\n  hive:\n    query: s3://b/q.sql\n    parameters:\n" + \
        "".join("      " + line + "\n" for line in dedent(params_yaml).splitlines())


def test_hive_parameters_expand_hiveconf_and_hivevar_one_per_entry_in_order(project):
    # The README's example.
    project.write("job.yaml", hive_spec("""\
        hiveconf: {hive.exec.scratchdir: "s3://acme-tmp/hive"}
        hivevar: {day: "2024-06-01"}
        database: sales
        """))
    assert project.compile("job.yaml")["jobDriver"]["hive"] == {
        "query": "s3://b/q.sql",
        "parameters": "--hiveconf hive.exec.scratchdir=s3://acme-tmp/hive --hivevar day=2024-06-01 --database sales"}


def test_hive_parameters_take_every_spelling_of_the_spark_mapping(project):
    project.write("job.yaml", hive_spec("""\
        hiveconf:
          a: "1"
          b: x=y
        hivevar=: {d: "2"}
        silent: true
        verbose: false
        -i: s3://b/init.sql
        """))
    assert project.compile("job.yaml")["jobDriver"]["hive"]["parameters"] == \
        "--hiveconf a=1 --hiveconf b=x=y --hivevar=d=2 --silent -i s3://b/init.sql"


def test_a_flag_written_with_equals_needs_a_value(lint_text):
    findings = lint_text(spark_spec("archives=: true\n"))
    assert where(findings) == [("E2005", 7, 18, "jobDriver.sparkSubmit.sparkSubmitParameters.archives=")]
    assert findings[0].message == ("archives= is true, but a flag written with '=' takes a value: quote \"true\" "
                                   "to send that text, or write `archives: true` for the bare flag")


def test_whitespace_in_a_hive_value_says_to_write_parameters_as_a_string(lint_text):
    findings = lint_text(hive_spec("hiveconf:\n  hive.x: a b\n"))
    assert where(findings) == [("E2005", 8, 17, "jobDriver.hive.parameters.hiveconf.hive.x")]
    assert findings[0].message == ("hive.x contains whitespace, which the mapping form cannot quote; "
                                   "write parameters as one string instead")


def test_a_hive_flag_name_must_be_a_flag(lint_text):
    findings = lint_text(hive_spec("--database: sales\n"))
    assert where(findings) == [("E1012", 7, 7, "jobDriver.hive.parameters.--database")]


def test_hiveconf_must_be_a_mapping(lint_text):
    findings = lint_text(hive_spec("hiveconf: [a=b]\n"))
    assert where(findings) == [("E1003", 7, 17, "jobDriver.hive.parameters.hiveconf")]


def test_the_hive_mapping_is_a_sensitive_member_with_the_strings_fingerprint(project):
    from compiler.compile import fingerprints
    project.write("mapping.yaml", "name: job\n" + hive_spec("hiveconf: {a: b}\n"))
    project.write("string.yaml", "name: job\n" + hive_spec("").replace("parameters:\n", "parameters: --hiveconf a=b\n"))
    mapping, string = project.compile("mapping.yaml"), project.compile("string.yaml")
    assert mapping == string  # the same body: the same derived clientToken, nothing restarts
    assert list(fingerprints("job", mapping)) == ["jobDriver.hive.query", "jobDriver.hive.parameters"]


def test_diff_masks_the_hive_mapping_and_a_string_turned_mapping_changes_nothing(project, capsys):
    from compiler import cli
    string = "name: report\n" + hive_spec("").replace("parameters:\n", "parameters: --hiveconf a=b\n")
    project.write("old/.git/HEAD", "")  # each folder its own project root
    project.write("new/.git/HEAD", "")
    project.write("old/jobspecs/report.yaml", string)
    project.write("old/jobspecs/other.yaml", "name: other\n" + hive_spec("hiveconf: {a: b}\n"))
    project.write("new/jobspecs/report.yaml", "name: report\n" + hive_spec("hiveconf: {a: b}\n"))
    project.write("new/jobspecs/other.yaml", "name: other\n" + hive_spec("hiveconf: {a: hunter}\n"))
    assert cli.main(["diff", "old", "new", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| `jobDriver.hive.parameters` | *(sensitive)* | *(sensitive)* |" in out.splitlines()
    assert "**0 to start, 1 to restart, 0 to update, 0 to stop** (1 unchanged)" in out.splitlines()  # report: same body
    assert "hunter" not in out


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
    ("--jars s3://b/a.jar,s3://b/b.jar", {"jars": ["s3://b/a.jar", "s3://b/b.jar"]}),
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


@pytest.mark.parametrize("text, mapping", [
    ("--packages a:b:1,c:d:2 --jars s3://b/x.jar", {"packages": ["a:b:1", "c:d:2"], "jars": "s3://b/x.jar"}),
    ("--packages a,,b", {"packages": "a,,b"}),  # an empty item: a list would lose it, the string keeps it
    ("--files a,", {"files": "a,"}),
    ("--conf spark.jars=a,b", {"conf": {"spark.jars": "a,b"}}),  # conf values are not flags
    ("--archives=s3://b/e.tar.gz#env --jars x", {"archives=": "s3://b/e.tar.gz#env", "jars": "x"}),
    ("--py-files=a.zip,b.zip", {"py-files=": ["a.zip", "b.zip"]}),
    ("--conf=a=1 --conf=b=2", {"conf=": {"a": "1", "b": "2"}}),
    ("--name=", {"name=": ""}),
    ("--class X -f", {"class": "X", "-f": True}),
    ("-e SELECT", {"-e": "SELECT"}),
])
def test_decompile_spark_lists_equals_spellings_and_short_flags(text, mapping):
    assert sugar.decompile(sugar.SPARK, text) == mapping
    assert sugar.compile_spark(mapping) == text


@pytest.mark.parametrize("text, mapping", [
    ("--hiveconf a=1 --hiveconf b=2 --hivevar d=x", {"hiveconf": {"a": "1", "b": "2"}, "hivevar": {"d": "x"}}),
    ("--hiveconf=a=1 --database sales -S", {"hiveconf=": {"a": "1"}, "database": "sales", "-S": True}),
    ("--jars a,b", {"jars": "a,b"}),  # comma lists are spark-submit's
])
def test_decompile_hive_gives_a_mapping_that_compiles_back(text, mapping):
    assert sugar.decompile(sugar.HIVE, text) == mapping
    assert sugar.compile_hive(mapping) == text


@pytest.mark.parametrize("text", [
    "--hiveconf a=1 --hivevar b=2 --hiveconf c=3",  # the mapping would group the two hiveconf
    "--hiveconf a=1 --hiveconf=b=2 --hiveconf c=3",
    "--hiveconf",  # a bare --hiveconf has no entries
    "--conf x=1  --conf y=2",
    "---x",
    "--x=a b",
])
def test_decompile_refuses_what_would_not_compile_back(text):
    assert sugar.decompile(sugar.HIVE, text.replace("--conf", "--hiveconf")) is None
    assert sugar.decompile(sugar.SPARK, text.replace("hive", "")) is None


@pytest.mark.parametrize("text, changes", [
    ("--conf a=1   --conf b=2", "runs of spaces → one"),
    ("--conf a=1\n  --conf b=2 \n --class X", "line breaks → one space"),
    ("--conf a=1\t--conf b=2", "tabs and other whitespace → one space"),
    (" --hiveconf a=1", "leading whitespace removed"),
    ("--class X ", "trailing whitespace removed"),
    ("\n--class X  --verbose\n", "runs of spaces → one, leading whitespace removed, trailing whitespace removed"),
])
def test_normalize_gives_the_mapping_of_the_flags_joined_by_one_space(text, changes):
    kind = sugar.HIVE if "hiveconf" in text else sugar.SPARK
    assert sugar.decompile(kind, text) is None
    mapping = sugar.decompile(kind, text, normalize=True)
    assert sugar.compile_value(kind, mapping) == " ".join(text.split())
    assert sugar.whitespace_changes(text) == changes


def test_normalize_keeps_whitespace_inside_a_value_a_string():
    assert sugar.decompile(sugar.SPARK, "--conf a=b\u00a0c  --verbose", normalize=True) is None


_SPEC_CHECK = fastcheck.compile_schema(*spec_schema())


def _fits_the_spec_schema(kind: str, mapping: dict) -> bool:
    doc = copy.deepcopy(minimal_spec())
    doc["jobDriver"] = {"sparkSubmit": {"entryPoint": "s3://b/m.py", kind: mapping}} if kind == sugar.SPARK else \
        {"hive": {"query": "SELECT 1", kind: mapping}}
    return _SPEC_CHECK(doc)


@settings(max_examples=300)
@given(spark=strategies.flags_text(("conf",), ("class", "jars", "verbose", "packages", "archives")),
       hive=strategies.flags_text(("hiveconf", "hivevar"), ("database", "silent")))
def test_every_mapping_decompiled_compiles_back_and_lints(spark, hive):
    for kind, text in ((sugar.SPARK, spark), (sugar.HIVE, hive)):
        exact = sugar.decompile(kind, text)
        if exact is not None:
            assert sugar.compile_value(kind, exact) == text
            assert _fits_the_spec_schema(kind, exact), exact
        normalized = sugar.decompile(kind, text, normalize=True)
        if normalized is not None:
            assert sugar.compile_value(kind, normalized) == " ".join(text.split())
            assert _fits_the_spec_schema(kind, normalized), normalized
        if exact is not None:
            assert normalized == exact


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
