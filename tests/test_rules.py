"""One behaviour per test, yamllint style: the YAML is inline, the findings exact.

Each assertion names (rule, line, column, field); columns are 1-based and point at
the value, or at the key for unknown keys, duplicate keys and problems with a key.
"""

from __future__ import annotations

from textwrap import dedent

import pytest

from conftest import HEAD, SPARK, dump, minimal_spec, where



def test_valid_spec_has_no_findings(lint_text):
    assert lint_text(SPARK) == []


# -- E1001 unknown keys ------------------------------------------------------------------------------

def test_unknown_top_level_key_suggests_the_member(lint_text):
    findings = lint_text(SPARK + "executionTimeoutMinuts: 30\n")
    assert where(findings) == [("E1001", 6, 1, "executionTimeoutMinuts")]
    assert findings[0].message == "unknown key 'executionTimeoutMinuts'; did you mean 'executionTimeoutMinutes'?"


def test_unknown_nested_key_suggests_the_member(lint_text):
    findings = lint_text(HEAD + dedent("""\
        jobDriver:
          sparkSubmit:
            entryPoint: s3://bucket/main.py
            entryPointArgs: [a]
        """))
    assert where(findings) == [("E1001", 6, 5, "jobDriver.sparkSubmit.entryPointArgs")]
    assert findings[0].message.endswith("in jobDriver.sparkSubmit; did you mean 'entryPointArguments'?")


def test_unknown_key_without_a_close_match_has_no_suggestion(lint_text):
    findings = lint_text(SPARK + "zzz: 1\n")
    assert where(findings) == [("E1001", 6, 1, "zzz")]
    assert "did you mean" not in findings[0].message


# -- E0002 duplicate keys ----------------------------------------------------------------------------

def test_duplicate_key_is_reported_at_the_second_key(lint_text):
    findings = lint_text(SPARK + "name: first\nname: second\n")
    assert where(findings) == [("E0002", 7, 1, "name")]
    assert "first at line 6" in findings[0].message


def test_duplicate_nested_key_is_reported_with_its_path(lint_text):
    findings = lint_text(SPARK + "tags:\n  team: a\n  team: b\n")
    assert where(findings) == [("E0002", 8, 3, "tags.team")]


# -- E1004 YAML 1.1 scalars where a string is expected ------------------------------------------------

@pytest.mark.parametrize("written, read_as", [
    ("on", "a boolean"),
    ("no", "a boolean"),
    ("1.0", "a number"),
    ("2024-01-01", "a date"),
], ids=["on", "no", "1.0", "date"])
def test_yaml_scalar_where_a_string_is_expected_gets_a_quoting_hint(lint_text, written, read_as):
    findings = lint_text(SPARK + f"name: {written}\n")
    assert where(findings) == [("E1004", 6, 7, "name")]
    assert findings[0].message == (f"name must be a string, but YAML read {written} as {read_as}; "
                                   f"quote it: \"{written}\"")


def test_yaml_scalar_as_a_map_key_gets_a_quoting_hint(lint_text):
    findings = lint_text(SPARK + "tags:\n  yes: x\n")
    assert [f.rule for f in findings] == ["E1004"]
    assert (findings[0].line, findings[0].column) == (7, 3)
    assert 'quote it: "yes"' in findings[0].message


def test_yaml_scalar_in_a_list_of_strings_gets_a_quoting_hint(lint_text):
    findings = lint_text(HEAD + dedent("""\
        jobDriver:
          sparkSubmit:
            entryPoint: s3://bucket/main.py
            entryPointArguments: [--flag, off]
        """))
    assert where(findings) == [("E1004", 6, 35, "jobDriver.sparkSubmit.entryPointArguments[1]")]


def test_quoted_scalar_is_a_string(lint_text):
    assert lint_text(SPARK + 'name: "on"\n') == []


# -- E1003 other wrong types ---------------------------------------------------------------------------

def test_string_where_an_integer_is_expected(lint_text):
    findings = lint_text(SPARK + 'executionTimeoutMinutes: "30"\n')
    assert where(findings) == [("E1003", 6, 26, "executionTimeoutMinutes")]


def test_boolean_is_not_an_integer(lint_text):
    findings = lint_text(SPARK + "executionTimeoutMinutes: yes\n")
    assert where(findings) == [("E1003", 6, 26, "executionTimeoutMinutes")]


# -- E1002 required members ----------------------------------------------------------------------------

def test_missing_required_member_is_reported_at_its_parent(lint_text):
    findings = lint_text(SPARK.replace("applicationId: 00fkt3q8n4s5ab09\n", ""))
    assert where(findings) == [("E1002", 1, 1, "applicationId")]


def test_missing_required_nested_member_is_reported_at_its_parent_key(lint_text):
    findings = lint_text(HEAD + "jobDriver:\n  hive:\n    parameters: --hiveconf a=b\n")
    assert where(findings) == [("E1002", 4, 3, "jobDriver.hive.query")]


# -- E1020 the jobDriver union -------------------------------------------------------------------------

def test_job_driver_with_both_members(lint_text):
    findings = lint_text(HEAD + dedent("""\
        jobDriver:
          sparkSubmit:
            entryPoint: s3://bucket/main.py
          hive:
            query: SELECT 1
        """))
    assert where(findings) == [("E1020", 4, 3, "jobDriver")]
    assert findings[0].message.endswith("(has: sparkSubmit, hive)")


def test_job_driver_with_no_member(lint_text):
    findings = lint_text(HEAD + "jobDriver: {}\n")
    assert where(findings) == [("E1020", 3, 12, "jobDriver")]
    assert findings[0].message.endswith("(has: none)")


# -- E2001 / E2002 retryPolicy and mode -----------------------------------------------------------------

def test_max_attempts_with_streaming(lint_text):
    findings = lint_text(SPARK + "mode: STREAMING\nretryPolicy:\n  maxAttempts: 3\n")
    assert where(findings) == [("E2001", 8, 16, "retryPolicy.maxAttempts")]


def test_max_attempts_with_batch_is_fine(lint_text):
    assert lint_text(SPARK + "mode: BATCH\nretryPolicy:\n  maxAttempts: 3\n") == []


def test_max_failed_attempts_per_hour_with_batch(lint_text):
    findings = lint_text(SPARK + "mode: BATCH\nretryPolicy:\n  maxFailedAttemptsPerHour: 3\n")
    assert where(findings) == [("E2002", 8, 29, "retryPolicy.maxFailedAttemptsPerHour")]
    assert "(the default)" not in findings[0].message


def test_max_failed_attempts_per_hour_without_mode_means_batch(lint_text):
    findings = lint_text(SPARK + "retryPolicy:\n  maxFailedAttemptsPerHour: 3\n")
    assert where(findings) == [("E2002", 7, 29, "retryPolicy.maxFailedAttemptsPerHour")]
    assert "mode is BATCH (the default)" in findings[0].message


def test_max_failed_attempts_per_hour_with_streaming_is_fine(lint_text):
    assert lint_text(SPARK + "mode: STREAMING\nretryPolicy:\n  maxFailedAttemptsPerHour: 3\n") == []


# -- W0011 stack sections no Pulumi stack can select -------------------------------------------------------

def test_a_stack_section_named_what_no_pulumi_stack_can_be_is_flagged_at_its_key(project):
    project.write("a.yaml", dump(minimal_spec()) + "stacks:\n  prod eu:\n    mode: STREAMING\n  org/proj/dev: {}\n")
    # minimal_spec() dumps to 5 lines, so `stacks:` is line 6
    assert where(project.lint("a.yaml")) == [("W0011", 7, 3, "stacks.prod eu"), ("W0011", 9, 3, "stacks.org/proj/dev")]


def test_stack_sections_with_pulumi_stack_names_pass(project):
    project.write("a.yaml", dump(minimal_spec()) + "stacks:\n  prod-eu_1.blue: {mode: STREAMING}\n")
    assert project.lint("a.yaml") == []


# -- W2010 BATCH timeouts --------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [0, 10081])
def test_batch_timeout_outside_the_emr_7_11_range_warns(lint_text, minutes):
    findings = lint_text(SPARK + f"executionTimeoutMinutes: {minutes}\n")
    assert where(findings) == [("W2010", 6, 26, "executionTimeoutMinutes")]


def test_streaming_timeout_of_zero_is_fine(lint_text):
    assert lint_text(SPARK + "mode: STREAMING\nexecutionTimeoutMinutes: 0\n") == []


def test_a_warning_alone_does_not_fail_the_run(project):
    from compiler.cli import main
    project.write("job.yaml", SPARK + "executionTimeoutMinutes: 0\n")
    assert main(["lint", "job.yaml"]) == 0


# -- W2011 rerun beside a fixed clientToken -------------------------------------------------------------

def test_rerun_beside_an_explicit_client_token_warns_that_it_does_nothing(lint_text):
    findings = lint_text(SPARK + "clientToken: fixed-1\nrerun: 2\n")
    assert where(findings) == [("W2011", 7, 8, "rerun")]
    assert findings[0].message == (
        "rerun has no effect while clientToken is set: the token stays the same, so the service answers with "
        "the run it already started and nothing starts again; remove clientToken (jobspec then derives one "
        "that includes rerun), or change clientToken instead")


def test_rerun_without_a_client_token_is_fine(lint_text):
    assert lint_text(SPARK + "rerun: 2\n") == []


# -- E2008 previousNames ----------------------------------------------------------------------------------

def test_previous_names_of_a_renamed_job_are_fine(lint_text):
    assert lint_text(SPARK + "name: orders\npreviousNames: [orders-etl, etl]\n") == []


def test_a_previous_name_still_used_by_another_job_is_refused(project):
    project.write("other.yaml", SPARK + "name: old\n")
    project.write("job.yaml", SPARK + "name: new\npreviousNames: [old]\n")
    findings = project.lint(".")
    assert where(findings, file=True) == [("job.yaml", "E2008", 7, 17, "previousNames[0]")]
    assert findings[0].message == ("'old' is the name of the job in other.yaml:6; a job still using a name cannot "
                                   "also be the renamed one (both would be one resource)")


def test_a_previous_name_that_is_the_jobs_own_name_is_refused(lint_text):
    findings = lint_text(SPARK + "previousNames:\n  - job\n")
    assert where(findings) == [("E2008", 7, 5, "previousNames[0]")]
    assert findings[0].message == "'job' is this job's own name; list only names it had before"


def test_one_previous_name_claimed_by_two_jobs_is_refused_at_the_second(project):
    project.write("a.yaml", SPARK + "previousNames: [old]\n")
    project.write("b.yaml", SPARK + "previousNames: [old]\n")
    findings = project.lint(".")
    assert where(findings, file=True) == [("b.yaml", "E2008", 6, 17, "previousNames[0]")]
    assert findings[0].message == "'old' is also a previous name in a.yaml:6; only one job can be the renamed one"


# -- E2003 policy JSON -----------------------------------------------------------------------------------

def test_policy_string_that_is_not_json(lint_text):
    findings = lint_text(SPARK + "executionIamPolicy:\n  policy: '{\"Version\": 2012-10-17}'\n")
    assert where(findings) == [("E2003", 7, 11, "executionIamPolicy.policy")]
    assert "is not valid JSON" in findings[0].message


def test_policy_json_string_is_fine(lint_text):
    assert lint_text(SPARK + "executionIamPolicy:\n  policy: '{\"Version\": \"2012-10-17\"}'\n") == []


def test_policy_mapping_with_a_non_json_value(lint_text):
    findings = lint_text(SPARK + "executionIamPolicy:\n  policy:\n    Version: 2012-10-17\n")
    assert where(findings) == [("E1004", 8, 5, "executionIamPolicy.policy")]
    assert "Version is a date, not JSON data; quote it" in findings[0].message


# -- E2004 duplicate job names -----------------------------------------------------------------------------

def test_two_specs_with_the_same_name(project):
    project.write("jobs/a.yaml", SPARK + "name: nightly\n")
    project.write("jobs/b.yaml", "# second\n" + SPARK + "name: nightly\n")
    findings = project.lint("jobs")
    assert where(findings, file=True) == [("jobs/b.yaml", "E2004", 7, 7, "name")]
    assert findings[0].message == "job name 'nightly' is also used by jobs/a.yaml:6; names must be unique"


def test_the_same_name_in_different_stacks_of_one_spec_is_fine(lint_text):
    assert lint_text(SPARK + "name: a\nstacks:\n  dev: {name: a}\n  prod: {name: a}\n") == []


def test_two_unnamed_specs_with_the_same_file_name(project):
    # Without `name`, the job is named after its file: compile DIR keys bodies by that
    # name, so two such jobs would silently collapse into one.
    project.write("jobs/a/etl.yaml", SPARK)
    project.write("jobs/b/etl.yaml", SPARK)
    findings = project.lint("jobs")
    assert where(findings, file=True) == [("jobs/b/etl.yaml", "E2004", 1, 1, "name")]
    assert findings[0].message == "job name 'etl' is also used by jobs/a/etl.yaml:1; names must be unique"


# -- E2005 / E2006 sparkSubmitParameters mapping ------------------------------------------------------------

def test_spark_mapping_value_with_whitespace(lint_text):
    findings = lint_text(SPARK + dedent("""\
        __sparkSubmitParameters:
        __  conf:
        __    spark.driver.extraJavaOptions: -Da=1 -Db=2
        """).replace("__", "    "))
    assert where(findings) == [
        ("E2005", 8, 40, "jobDriver.sparkSubmit.sparkSubmitParameters.conf.spark.driver.extraJavaOptions")]


def test_spark_mapping_list_item_with_whitespace(lint_text):
    findings = lint_text(SPARK + "    sparkSubmitParameters:\n      jars: [s3://b/a.jar, 's3://b/my jar.jar']\n")
    assert where(findings) == [("E2005", 7, 28, "jobDriver.sparkSubmit.sparkSubmitParameters.jars[1]")]


def test_spark_mapping_flag_name_must_be_a_flag(lint_text):
    findings = lint_text(SPARK + "    sparkSubmitParameters:\n      --class: a.B\n")
    assert where(findings) == [("E1012", 7, 7, "jobDriver.sparkSubmit.sparkSubmitParameters.--class")]


def test_spark_mapping_number_gets_a_quoting_hint(lint_text):
    findings = lint_text(SPARK + "    sparkSubmitParameters:\n      num-executors: 4\n")
    assert where(findings) == [("E1004", 7, 22, "jobDriver.sparkSubmit.sparkSubmitParameters.num-executors")]


def test_spark_mapping_that_compiles_to_nothing(lint_text):
    findings = lint_text(SPARK + "    sparkSubmitParameters:\n      verbose: false\n")
    # "" breaks two of the model's rules, its minimum length and its pattern .*\S.*
    assert where(findings) == [("E2006", 7, 7, "jobDriver.sparkSubmit.sparkSubmitParameters")] * 2
    messages = sorted(f.message.split(" compiles to ", 1)[1] for f in findings)
    assert messages == ["0 characters, under the minimum of 1", r"a string that does not match the pattern .*\S.*"]


# -- model constraints (one example each; test_model_boundaries.py covers every member) -------------------

def test_enum_value_in_the_wrong_case_suggests_the_right_one(lint_text):
    findings = lint_text(SPARK + "mode: streaming\n")
    assert where(findings) == [("E1014", 6, 7, "mode")]
    assert findings[0].message.endswith("did you mean STREAMING?")


def test_pattern_mismatch(lint_text):
    findings = lint_text(SPARK.replace("00fkt3q8n4s5ab09", "00FKT"))
    assert where(findings) == [("E1012", 1, 16, "applicationId")]


# -- E0001 / E0005 / E0006 reading YAML ------------------------------------------------------------------------

def test_yaml_syntax_error_has_a_position(lint_text):
    findings = lint_text(SPARK + "tags: {team: a\n")
    assert where(findings) == [("E0001", 7, 1, "")]


def test_tab_indentation(lint_text):
    findings = lint_text(HEAD + "jobDriver:\n\tsparkSubmit: {entryPoint: s3://b/m.py}\n")
    assert where(findings) == [("E0001", 4, 1, "")]
    assert "tabs" in findings[0].message


def test_multiple_documents(lint_text):
    findings = lint_text(SPARK + "---\n" + SPARK)
    assert where(findings) == [("E0006", 6, 1, "")]


def test_a_document_end_marker_alone_is_one_document(lint_text):
    assert lint_text("---\n" + SPARK + "...\n") == []


@pytest.mark.parametrize("text, shown", [
    ("", "empty"),
    ("# only a comment\n", "empty"),
    ("- applicationId: x\n", "a list"),
    ("just text\n", "a string"),
], ids=["empty", "comment-only", "list", "scalar"])
def test_not_a_mapping(lint_text, text, shown):
    findings = lint_text(text)
    assert where(findings) == [("E0005", 1, 1, "")]
    assert findings[0].message.endswith(f"this file is {shown}")


def test_unsupported_tag(lint_text):
    findings = lint_text(SPARK + "name: !!python/name:os.system x\n")
    assert where(findings) == [("E0008", 6, 7, "name")]


def test_alias_bomb_is_refused(lint_text):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    findings = lint_text("\n".join(lines) + "\n")
    assert [f.rule for f in findings] == ["E0007"]


def test_not_utf8(project):
    project.write_bytes("job.yaml", SPARK.encode() + b"name: caf\xe9\n")
    findings = project.lint("job.yaml")
    assert where(findings) == [("E0003", 6, 10, "")]


def test_byte_order_mark_is_a_warning(project):
    project.write_bytes("job.yaml", b"\xef\xbb\xbf" + SPARK.encode())
    assert where(project.lint("job.yaml")) == [("W0010", 1, 1, "")]
