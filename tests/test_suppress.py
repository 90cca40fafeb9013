"""Suppressing a finding with a ``# jobspec: disable`` comment, through ``jobspec lint``.

The forms: a comment ending the finding's line, a comment alone on the line above it
(the next line of YAML), ``disable-file`` at the top of the file. A credential (E3xxx)
needs a reason; a suppression that suppresses nothing is W0014; a ``# jobspec:`` comment
that cannot be used is W0015. Only real YAML comments count, never string content.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from compiler import loader, suppress
from compiler.cli import main
from compiler.rules import RULES
from conftest import REPO

SPEC = """\
name: job
applicationId: 00fkt3q8n4s5ab09
executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
jobDriver:
  sparkSubmit:
    entryPoint: s3://bucket/main.py
"""
CREDENTIAL = ("password is a credential in plain text; it would be readable in git and in Pulumi state; store it "
              "in AWS Secrets Manager, pass the secret's ARN, and read it in the job through its execution role")
RERUN = ("rerun has no effect while clientToken is set: the token stays the same, so the service answers with the "
         "run it already started and nothing starts again; remove clientToken (jobspec then derives one that "
         "includes rerun), or change clientToken instead")
TIMEOUT = ("executionTimeoutMinutes is 0: BATCH jobs on EMR 7.11 and later need 1 to 10080 minutes "
           "(0, no timeout, is no longer accepted)")
NO_REASON = ("error E0013 a suppression of E3001 (secret written in plain text) needs a reason after the rule list, "
             "so a reviewer can check it: `# jobspec: disable=E3001 <why this is no live credential>`; "
             "without one E3001 stands")
TYPO = "unknown key 'entryPointArgs' in jobDriver.sparkSubmit; did you mean 'entryPointArguments'?"


def lint(capsys, *argv: str) -> tuple[int, list[str]]:
    """Exit code and stdout lines of ``jobspec lint ARGV``."""
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out.splitlines()


# -- the forms ---------------------------------------------------------------------------------------------------

def test_a_comment_ending_the_line_suppresses_its_finding_and_the_summary_counts_it(project, capsys):
    project.write("job.yaml", SPEC + "tags:\n  password: hunter2  # jobspec: disable=E3001 revoked test value\n")
    assert lint(capsys, "job.yaml") == (0, ["0 error(s), 0 warning(s), 1 suppressed"])


def test_show_suppressed_prints_the_finding_marked_suppressed_with_its_reason(project, capsys):
    project.write("job.yaml", SPEC + "tags:\n  password: hunter2  # jobspec: disable=E3001 revoked test value\n")
    assert lint(capsys, "job.yaml", "--show-suppressed") == (0, [
        f"job.yaml:8:13: suppressed error E3001 tags.password: {CREDENTIAL} (reason: revoked test value)",
        "0 error(s), 0 warning(s), 1 suppressed",
    ])


def test_a_comment_alone_applies_to_the_next_line_of_yaml_past_blank_and_comment_lines(project, capsys):
    project.write("job.yaml", SPEC.replace("    entryPoint:", """\
    # jobspec: disable=E1001 the next release reads it

    # an ordinary comment
    entryPointArgs: [a]
    entryPoint:"""))
    assert lint(capsys, "job.yaml", "--show-suppressed") == (0, [
        f"job.yaml:9:5: suppressed error E1001 jobDriver.sparkSubmit.entryPointArgs: {TYPO} "
        "(reason: the next release reads it)",
        "0 error(s), 0 warning(s), 1 suppressed",
    ])


def test_a_comment_alone_covers_only_the_next_line(project, capsys):
    project.write("job.yaml", SPEC + "# jobspec: disable=E1001 one of them\nnmae: x\nnmea: y\n")
    code, out = lint(capsys, "job.yaml")
    assert (code, out) == (1, ["job.yaml:9:1: error E1001 nmea: unknown key 'nmea'; did you mean 'name'?",
                               "1 error(s), 0 warning(s), 1 suppressed"])


def test_two_comments_above_one_line_both_apply_to_it(project, capsys):
    project.write("job.yaml", SPEC + "# jobspec: disable=E3001 a revoked test value\n"
                                     "# jobspec: disable=E1004 the tag is named true\ntags: {password: x, on: y}\n")
    assert lint(capsys, "job.yaml") == (0, ["0 error(s), 0 warning(s), 2 suppressed"])


def test_disable_file_at_the_top_covers_the_whole_file(project, capsys):
    project.write("job.yaml", "# yaml-language-server: $schema=schema.json\n"
                              "# jobspec: disable-file=W2011 the token is pinned; rerun documents each start\n---\n"
                              + SPEC + "clientToken: t1\nrerun: 1\nstacks:\n  prod:\n    rerun: 2\n")
    assert lint(capsys, "job.yaml", "--show-suppressed") == (0, [
        f"job.yaml:11:8: suppressed warning W2011 rerun: {RERUN} "
        "(reason: the token is pinned; rerun documents each start)",
        f"job.yaml:14:12: suppressed warning W2011 rerun: {RERUN} "
        "(reason: the token is pinned; rerun documents each start)",
        "0 error(s), 0 warning(s), 2 suppressed",
    ])


def test_disable_file_below_the_first_key_is_w0015_and_suppresses_nothing(project, capsys):
    project.write("job.yaml", SPEC + "clientToken: t1\n# jobspec: disable-file=W2011 pinned\nrerun: 1\n")
    assert lint(capsys, "job.yaml") == (0, [
        "job.yaml:8:1: warning W0015 disable-file works only at the top of the file, before its first key (line 1); "
        "move it there, or write disable= on the finding's line",
        f"job.yaml:9:8: warning W2011 rerun: {RERUN}",
        "0 error(s), 2 warning(s)",
    ])


def test_a_reason_is_optional_below_credentials(project, capsys):
    project.write("job.yaml", SPEC + "clientToken: t1\nrerun: 1  # jobspec: disable=W2011\n")
    assert lint(capsys, "job.yaml", "--show-suppressed") == (0, [
        f"job.yaml:8:8: suppressed warning W2011 rerun: {RERUN} (no reason given)",
        "0 error(s), 0 warning(s), 1 suppressed",
    ])


def test_a_suppression_in_a_defaults_file_covers_its_finding_for_every_spec_and_stack(project, capsys):
    project.write("jobs/_defaults.yaml", "defaults:\n"
                                         "  executionTimeoutMinutes: 0  # jobspec: disable=W2010 our apps run EMR 7.5\n"
                                         "stacks:\n  prod: {mode: BATCH}\n")
    project.write("jobs/a.yaml", SPEC)
    project.write("jobs/b.yaml", SPEC.replace("name: job", "name: job-b") + "stacks:\n  dev: {}\n")
    assert lint(capsys, "jobs", "--show-suppressed") == (0, [
        f"jobs/_defaults.yaml:2:28: suppressed warning W2010 executionTimeoutMinutes: {TIMEOUT} "
        "(reason: our apps run EMR 7.5)",
        "0 error(s), 0 warning(s), 1 suppressed",
    ])


# -- comments, not strings ---------------------------------------------------------------------------------------

def test_suppression_text_in_a_quoted_string_is_not_a_suppression(project, capsys):
    project.write("job.yaml", SPEC + 'tags:\n  team: "a # jobspec: disable=E1012 b"\n')
    assert lint(capsys, "job.yaml") == (1, [
        "job.yaml:8:9: error E1012 tags.team: team 'a # jobspec: disable=E1012 b' does not match the pattern "
        "[A-Za-z0-9 /_.:=+@-]*",
        "1 error(s), 0 warning(s)",
    ])


def test_suppression_text_in_a_block_string_is_not_a_suppression(project, capsys):
    project.write("job.yaml", """\
name: job
applicationId: 00fkt3q8n4s5ab09
executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
jobDriver:
  hive:
    query: |
      SELECT 1
      # jobspec: disable=E1001 part of the query
    nmae: x
""")
    assert lint(capsys, "job.yaml") == (1, [
        "job.yaml:9:5: error E1001 jobDriver.hive.nmae: unknown key 'nmae' in jobDriver.hive",
        "1 error(s), 0 warning(s)",
    ])


def test_a_comment_after_a_string_holding_the_same_text_is_one(project, capsys):
    project.write("job.yaml", SPEC + 'clientToken: t1\nrerun: "# jobspec: disable=E1001 x"  # jobspec: disable=W2011 pinned\n')
    assert lint(capsys, "job.yaml") == (0, ["0 error(s), 0 warning(s), 1 suppressed"])


def test_a_suppression_later_in_a_comment_is_part_of_that_comment(project, capsys):
    project.write("job.yaml", SPEC + "clientToken: t1\nrerun: 1  # pinned # jobspec: disable=W2011 x\n")
    assert lint(capsys, "job.yaml") == (0, [f"job.yaml:8:8: warning W2011 rerun: {RERUN}", "0 error(s), 1 warning(s)"])


def test_crlf_line_endings_keep_lines_and_columns(project, capsys):
    text = SPEC + "tags:\n  password: hunter2  # jobspec: disable=E3001 revoked\n  pwd: x # jobspec: disable=E3001\n"
    (project.root / "job.yaml").write_bytes(text.replace("\n", "\r\n").encode())
    assert lint(capsys, "job.yaml") == (1, [
        "job.yaml:9:8: error E3001 tags.pwd: " + CREDENTIAL.replace("password", "pwd"),
        f"job.yaml:9:10: {NO_REASON}",
        "2 error(s), 0 warning(s), 1 suppressed",
    ])


# -- credentials need a reason -----------------------------------------------------------------------------------

def test_a_credential_suppression_without_a_reason_is_e0013_and_the_credential_stands(project, capsys):
    project.write("job.yaml", SPEC + "tags:\n  password: hunter2  # jobspec: disable=E3001\n")
    assert lint(capsys, "job.yaml") == (1, [
        f"job.yaml:8:13: error E3001 tags.password: {CREDENTIAL}",
        f"job.yaml:8:22: {NO_REASON}",
        "2 error(s), 0 warning(s)",
    ])


def test_without_a_reason_the_other_rules_of_the_comment_still_apply(project, capsys):
    project.write("job.yaml", SPEC + "clientToken: t1\nrerun: 1  # jobspec: disable=W2011,E3001\n")
    assert lint(capsys, "job.yaml") == (1, [f"job.yaml:8:11: {NO_REASON}", "1 error(s), 0 warning(s), 1 suppressed"])


# -- comments that suppress nothing ------------------------------------------------------------------------------

def test_a_suppression_with_nothing_to_suppress_is_w0014_at_the_comment(project, capsys):
    project.write("job.yaml", SPEC + "mode: BATCH  # jobspec: disable=E1014 old\n# jobspec: disable=E1001 x\n\n"
                                     "tags: {}\n# jobspec: disable=E1001 at the end\n")
    assert lint(capsys, "job.yaml") == (0, [
        "job.yaml:7:14: warning W0014 suppresses nothing: no E1014 finding on this line; remove the comment",
        "job.yaml:8:1: warning W0014 suppresses nothing: no E1001 finding on line 10, the line it applies to; "
        "remove the comment",
        "job.yaml:11:1: warning W0014 suppresses nothing: no line of YAML follows it; remove the comment",
        "0 error(s), 3 warning(s)",
    ])


def test_an_unused_rule_of_a_list_is_named(project, capsys):
    project.write("job.yaml", SPEC + "clientToken: t1\nrerun: 1  # jobspec: disable=W2011,E1004 pinned\n")
    assert lint(capsys, "job.yaml") == (0, [
        "job.yaml:8:11: warning W0014 suppresses nothing: no E1004 finding on this line; remove E1004 from it",
        "0 error(s), 1 warning(s), 1 suppressed",
    ])


def test_an_unused_disable_file_says_so(project, capsys):
    project.write("job.yaml", "# jobspec: disable-file=W2011 pinned\n" + SPEC)
    assert lint(capsys, "job.yaml") == (0, [
        "job.yaml:1:1: warning W0014 suppresses nothing: no W2011 finding in this file; remove the comment",
        "0 error(s), 1 warning(s)",
    ])


def test_a_stack_section_suppression_is_used_in_a_full_lint(project, capsys):
    project.write("job.yaml", SPEC + "stacks:\n  prod:\n    executionTimeoutMinutes: 0  # jobspec: disable=W2010 7.5\n")
    assert lint(capsys, "job.yaml") == (0, ["0 error(s), 0 warning(s), 1 suppressed"])


def test_a_lint_of_another_stack_does_not_call_it_unused(project, capsys):
    project.write("job.yaml", SPEC + "stacks:\n  prod:\n    executionTimeoutMinutes: 0  # jobspec: disable=W2010 7.5\n"
                                     "  dev: {}\n")
    assert lint(capsys, "job.yaml", "--stack", "dev") == (0, ["0 error(s), 0 warning(s)"])


# -- comments that cannot be used --------------------------------------------------------------------------------

def test_an_unknown_rule_id_is_w0015_with_the_ids_it_may_mean(project, capsys):
    project.write("job.yaml", SPEC + "tags:\n  password: x  # jobspec: disable=E3010,e3001,nonsense revoked\n")
    assert lint(capsys, "job.yaml") == (1, [
        f"job.yaml:8:13: error E3001 tags.password: {CREDENTIAL}",
        "job.yaml:8:16: warning W0015 no rule E3010; did you mean E3001, E1010 or W2010?",
        "job.yaml:8:16: warning W0015 not a rule id: e3001; did you mean E3001?",
        "job.yaml:8:16: warning W0015 not a rule id: nonsense; rule ids are E or W and four digits, such as E1001 "
        "or W2011; docs/reference.md#rules lists them",
        "1 error(s), 3 warning(s)",
    ])


def test_a_rule_no_comment_can_suppress_is_w0015_saying_why(project, capsys):
    project.write("job.yaml", SPEC + "applicationId: x  # jobspec: disable=E2012,W0014 not created yet\n"
                  .replace("applicationId: x", "mode: BATCH"))
    assert lint(capsys, "job.yaml") == (0, [
        "job.yaml:7:14: warning W0015 E2012 cannot be suppressed: the preflight finds it against the live service, "
        "after lint",
        "job.yaml:7:14: warning W0015 W0014 cannot be suppressed: it is about suppression comments themselves",
        "0 error(s), 2 warning(s)",
    ])


@pytest.mark.parametrize("comment", ["# jobspec: disabel=E1001 typo", "# jobspec: disable E1001", "# jobspec:",
                                     "#jobspec: enable=E1001"])
def test_a_jobspec_comment_of_no_known_form_is_w0015(project, capsys, comment):
    project.write("job.yaml", SPEC + f"mode: BATCH  {comment}\n")
    assert lint(capsys, "job.yaml") == (0, [
        "job.yaml:7:14: warning W0015 not a suppression; write `# jobspec: disable=RULE[,RULE] reason` or "
        "`# jobspec: disable-file=RULE[,RULE] reason`",
        "0 error(s), 1 warning(s)",
    ])


def test_a_comment_that_only_mentions_jobspec_config_is_an_ordinary_comment(project, capsys):
    project.write("job.yaml", "# jobspec:applicationId overrides this under Pulumi\n"
                              + SPEC.replace("00fkt3q8n4s5ab09", "00fkt3q8n4s5ab09  # see jobspec: the README"))
    assert lint(capsys, "job.yaml") == (0, ["0 error(s), 0 warning(s)"])


def test_an_empty_rule_list_is_w0015(project, capsys):
    project.write("job.yaml", SPEC + "mode: BATCH  # jobspec: disable= why\nclientToken: t1\n"
                                     "rerun: 1  # jobspec: disable=W2011, x\n")
    assert lint(capsys, "job.yaml") == (0, [
        "job.yaml:7:14: warning W0015 names no rule; write `# jobspec: disable=RULE[,RULE] reason` or "
        "`# jobspec: disable-file=RULE[,RULE] reason`",
        "job.yaml:9:11: warning W0015 an empty rule id in the list; separate rules with commas and no spaces: "
        "disable=E1001,W2011",
        "0 error(s), 2 warning(s), 1 suppressed",
    ])


# -- where suppressions count --------------------------------------------------------------------------------------

def test_a_stack_lint_suppresses_that_stacks_finding(project, capsys):
    project.write("job.yaml", SPEC + "stacks:\n  prod:\n    executionTimeoutMinutes: 0  # jobspec: disable=W2010 7.5\n")
    assert lint(capsys, "job.yaml", "--stack", "prod") == (0, ["0 error(s), 0 warning(s), 1 suppressed"])


def test_compile_takes_a_suppressed_error_as_no_error(project, capsys):
    project.write("job.yaml", SPEC + "tags:\n  password: hunter2  # jobspec: disable=E3001 revoked test value\n")
    assert main(["compile", "job.yaml"]) == 0
    out, err = capsys.readouterr()
    assert (json.loads(out)["tags"], err) == ({"password": "hunter2"}, "")


def test_the_comments_of_a_file_that_is_not_yaml_are_not_read(project, capsys):
    project.write("job.yaml", SPEC + "tags: [  # jobspec: disable=E0001 broken on purpose\n")
    assert lint(capsys, "job.yaml") == (1, [
        "job.yaml:8:1: error E0001 while parsing a flow node, did not find expected node content",
        "1 error(s), 0 warning(s)",
    ])


# -- writing a suppression ---------------------------------------------------------------------------------------

def test_comment_writes_a_suppression_the_linter_reads(project, capsys):
    text = suppress.comment(["E3001"], "a revoked test value")
    assert text == "# jobspec: disable=E3001 a revoked test value"
    project.write("job.yaml", SPEC + f"tags:\n  password: hunter2  {text}\n")
    assert lint(capsys, "job.yaml") == (0, ["0 error(s), 0 warning(s), 1 suppressed"])


def test_comment_of_several_rules_without_a_reason(project):
    assert suppress.comment(["W2011", "E1004"]) == "# jobspec: disable=W2011,E1004"


@pytest.mark.parametrize("rules, reason, message", [
    ([], "x", "a suppression names at least one rule"),
    (["E3001"], " ", "a suppression of a credential finding (E3xxx) needs a reason"),
    (["E9999"], "x", "E9999 cannot be suppressed: no such rule"),
    (["W0014"], "x", "W0014 cannot be suppressed: it is about suppression comments themselves"),
    (["E1001"], "two\nlines", "a suppression's reason is one line"),
])
def test_comment_refuses_what_would_not_suppress(rules, reason, message):
    with pytest.raises(ValueError) as refused:
        suppress.comment(rules, reason)
    assert str(refused.value) == message


def test_every_rule_a_comment_cannot_suppress_is_a_rule():
    assert set(suppress.UNSUPPRESSIBLE) <= set(RULES)


def test_the_readme_example_lints_as_it_says(project, capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Suppressing a finding"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml\n") + 8)]
    project.write("jobs/_defaults.yaml", "defaults:\n  applicationId: 00fkt3q8n4s5ab09\n"
                                         "  executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job\n")
    project.write("jobs/job.yaml", example)
    code, out = lint(capsys, "jobs", "--show-suppressed")
    assert (code, [line.split(": suppressed ")[0] + " " + line.split(" ")[3] for line in out[:-1]], out[-1]) == (
        0, ["jobs/job.yaml:4:8 W2011", "jobs/job.yaml:9:41 E3001", "jobs/job.yaml:11:13 E3001"],
        "0 error(s), 0 warning(s), 3 suppressed")


# -- what is a comment: fuzzed --------------------------------------------------------------------------------------

D = "# jobspec: disable=E1001 r"
#: Lines of YAML holding the text of a suppression, as a comment or as string content ({k}: a unique key).
SHAPES = [f"{{k}}: b  {D}", f"{{k}}: 'x {D}'", f'{{k}}: "x {D}"', f"{{k}}: |\n  {D}\n  x", f"{{k}}: >-\n  y\n  {D}",
          D, f"  {D}", f"{{k}}: [x, '{D}']  {D}", f'{{k}}: "x\n  {D}"', f"{{k}}: x\n  {D}", f"{{k}}: 'x\n\n  {D}'",
          f"{{k}}:\n  a: '{D}'\n  {D}\n  b: |\n    {D}\n  c: d {D}", f"{{k}}: x#{D[1:]}", f"{{k}}: !!str '#' {D}",
          f"{{k}}: &a{{k}} x {D}", "---", f"--- {D}", f"{{k}}: |\n  x\n{D}", f"{{k}}: {{{{a: '{D}', b: c}}}} {D}"]
FILES = st.tuples(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=8),
                  st.sampled_from(["\n", "\r\n", "\r", "\x85", "\u2028"])).map(
    lambda pair: pair[1].join(shape.format(k=f"k{i}").replace("\n", pair[1]) for i, shape in enumerate(pair[0])))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(text=FILES)
def test_fuzz_a_suppression_is_found_only_where_a_comment_starts(text):
    """Cutting each line at a suppression found there leaves the data as it was: it was a comment."""
    try:
        before = loader.parse("f.yaml", text).data
    except loader.LoadError:
        return
    found, problems = suppress.read("f.yaml", text)
    parts = re.split(f"({suppress._BREAK.pattern})", text)  # lines at even indexes, their breaks between
    for s in found:
        line = parts[2 * (s.line - 1)]
        assert line[s.column - 1] == "#"
        parts[2 * (s.line - 1)] = line[:s.column - 1]
    assert loader.parse("f.yaml", "".join(parts)).data == before
    assert all(f.line >= 1 and f.column >= 1 for f in problems)
