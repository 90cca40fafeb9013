"""_defaults.yaml and stacks: which layer wins, how layers merge, where findings point.

Precedence, lowest first: defaults < defaults.stacks.S < spec < spec.stacks.S
(outer _defaults.yaml before inner ones within each step); mappings merge key by
key, lists and scalars are replaced whole.
"""

from __future__ import annotations

from textwrap import dedent

from compiler.lint import Linter, lint_paths
from conftest import where

ROLE = "arn:aws:iam::123456789012:role/"
SPEC = dedent("""\
    name: etl
    jobDriver:
      sparkSubmit:
        entryPoint: s3://b/main.py
    """)


def layered(project, *, defaults: str = "", defaults_stacks: str = "", spec: str = "", spec_stacks: str = ""):
    """Write one _defaults.yaml and one spec, each section given as YAML lines (2-space indented)."""
    text = "defaults:\n  applicationId: app0\n  executionRoleArn: " + ROLE + "d\n" + defaults
    if defaults_stacks:
        text += "stacks:\n  prod:\n" + defaults_stacks
    project.write("jobs/_defaults.yaml", text)
    body = SPEC + spec
    if spec_stacks:
        body += "stacks:\n  prod:\n" + spec_stacks
    project.write("jobs/etl.yaml", body)


def test_each_layer_wins_over_the_one_below(project):
    layered(project,
            defaults="  executionTimeoutMinutes: 1\n  mode: BATCH\n",
            defaults_stacks="    executionTimeoutMinutes: 2\n    mode: STREAMING\n",
            spec="executionTimeoutMinutes: 3\n",
            spec_stacks="    executionTimeoutMinutes: 4\n")
    base = project.compile("jobs/etl.yaml")
    prod = project.compile("jobs/etl.yaml", stack="prod")
    assert (base["executionTimeoutMinutes"], base["mode"], base["applicationId"]) == (3, "BATCH", "app0")
    assert (prod["executionTimeoutMinutes"], prod["mode"], prod["applicationId"]) == (4, "STREAMING", "app0")


def test_the_spec_beats_the_defaults_stack_section(project):
    layered(project, defaults_stacks="    name: from-defaults-stack\n")
    assert project.compile("jobs/etl.yaml", stack="prod")["name"] == "etl"


def test_mappings_merge_key_by_key_across_all_layers(project):
    layered(project,
            defaults="  tags: {a: d, b: d, c: d, d: d}\n",
            defaults_stacks="    tags: {b: ds, c: ds, d: ds}\n",
            spec="tags: {c: s, d: s}\n",
            spec_stacks="    tags: {d: ss}\n")
    assert project.compile("jobs/etl.yaml")["tags"] == {"a": "d", "b": "d", "c": "s", "d": "s"}
    assert project.compile("jobs/etl.yaml", stack="prod")["tags"] == {"a": "d", "b": "ds", "c": "s", "d": "ss"}


def test_nested_mappings_merge(project):
    layered(project,
            defaults="  jobDriver: {sparkSubmit: {entryPoint: s3://b/default.py, entryPointArguments: [--x]}}\n")
    driver = project.compile("jobs/etl.yaml")["jobDriver"]["sparkSubmit"]
    assert driver == {"entryPoint": "s3://b/main.py", "entryPointArguments": ["--x"]}


def test_lists_are_replaced_not_merged(project):
    layered(project,
            defaults="  configurationOverrides:\n    applicationConfiguration: [{classification: a}, {classification: b}]\n",
            spec_stacks="    configurationOverrides:\n      applicationConfiguration: [{classification: c}]\n")
    base = project.compile("jobs/etl.yaml")["configurationOverrides"]["applicationConfiguration"]
    prod = project.compile("jobs/etl.yaml", stack="prod")["configurationOverrides"]["applicationConfiguration"]
    assert base == [{"classification": "a"}, {"classification": "b"}]
    assert prod == [{"classification": "c"}]


def test_a_scalar_replaces_a_mapping(project):
    layered(project,
            defaults="  executionIamPolicy: {policy: {Version: '2012-10-17'}}\n",
            spec="executionIamPolicy: {policy: '{\"Version\":\"2008-10-17\"}'}\n")
    assert project.compile("jobs/etl.yaml")["executionIamPolicy"] == {"policy": '{"Version":"2008-10-17"}'}


def test_inner_defaults_beat_outer_defaults(project):
    project.write("_defaults.yaml", "defaults:\n  applicationId: outer\n  executionRoleArn: " + ROLE + "o\n"
                  "  executionTimeoutMinutes: 1\nstacks:\n  prod:\n    executionTimeoutMinutes: 10\n")
    project.write("jobs/_defaults.yaml", "defaults:\n  applicationId: inner\n")
    project.write("jobs/etl.yaml", SPEC)
    base = project.compile("jobs/etl.yaml")
    assert (base["applicationId"], base["executionRoleArn"], base["executionTimeoutMinutes"]) == ("inner", ROLE + "o", 1)
    # every file's stack section comes after every file's defaults: outer prod beats inner defaults
    project.write("jobs/_defaults.yaml", "defaults:\n  applicationId: inner\n  executionTimeoutMinutes: 5\n")
    assert project.compile("jobs/etl.yaml")["executionTimeoutMinutes"] == 5
    assert project.compile("jobs/etl.yaml", stack="prod")["executionTimeoutMinutes"] == 10


def test_defaults_above_the_repository_root_are_not_used(project, tmp_path_factory):
    # project.root has .git: the search for _defaults.yaml stops there
    project.write("jobs/etl.yaml", SPEC)
    (project.root.parent / "_defaults.yaml").write_text("defaults:\n  applicationId: leaked\n")
    try:
        findings = project.lint("jobs/etl.yaml")
    finally:
        (project.root.parent / "_defaults.yaml").unlink()
    assert [f.rule for f in findings] == ["E1002", "E1002"]  # applicationId and executionRoleArn


def test_a_finding_for_a_value_from_defaults_points_into_defaults(project):
    layered(project, defaults="  executionTimeoutMinutes: -5\n")
    findings = project.lint("jobs")
    assert where(findings, file=True) == [
        ("jobs/_defaults.yaml", "E1013", 4, 28, "executionTimeoutMinutes"),
        ("jobs/_defaults.yaml", "W2010", 4, 28, "executionTimeoutMinutes"),
    ]


def test_a_finding_for_a_value_from_a_defaults_stack_points_there(project):
    layered(project, defaults_stacks="    tags: {team: 'bad#tag'}\n")
    assert where(project.lint("jobs"), file=True) == [("jobs/_defaults.yaml", "E1012", 6, 18, "tags.team")]


def test_a_finding_for_a_spec_stack_value_points_into_the_stack_section(project):
    layered(project, spec_stacks="    mode: streaming\n")
    assert where(project.lint("jobs"), file=True) == [("jobs/etl.yaml", "E1014", 7, 11, "mode")]


def test_a_value_overridden_by_the_spec_is_not_reported_in_defaults(project):
    layered(project, defaults="  executionTimeoutMinutes: -5\n", spec="executionTimeoutMinutes: 30\n")
    assert project.lint("jobs") == []


def test_stack_findings_are_reported_for_every_stack_named(project):
    project.write("jobs/_defaults.yaml", "defaults:\n  applicationId: app0\n  executionRoleArn: " + ROLE + "d\n"
                  "stacks:\n  dev: {}\n  prod: {}\n")
    project.write("jobs/etl.yaml", SPEC + "stacks:\n  qa:\n    mode: nope\n")
    assert where(project.lint("jobs"), file=True) == [("jobs/etl.yaml", "E1014", 7, 11, "mode")]
    assert project.lint("jobs", stack="dev") == []


def test_broken_defaults_file_is_reported_once_and_on_every_run(project):
    project.write("jobs/_defaults.yaml", "defaults:\n  applicationId: app0\nextra: 1\n")
    project.write("jobs/a.yaml", SPEC.replace("etl", "a") + "executionRoleArn: " + ROLE + "x\n")
    project.write("jobs/b.yaml", SPEC.replace("etl", "b") + "executionRoleArn: " + ROLE + "x\n")
    linter = Linter()
    first = lint_paths(["jobs"], linter=linter).findings
    assert where(first, file=True) == [("jobs/_defaults.yaml", "E1001", 3, 1, "extra")]
    # the same Linter again (a long-lived process): the finding must not be lost
    assert lint_paths(["jobs"], linter=linter).findings == first


def test_an_edited_defaults_file_is_read_again_by_a_long_lived_linter(project):
    layered(project)
    linter = Linter()
    assert lint_paths(["jobs"], linter=linter).findings == []
    project.write("jobs/_defaults.yaml", "defaults:\n  applicationId: BAD\n  executionRoleArn: " + ROLE + "d\n")
    assert [f.rule for f in lint_paths(["jobs"], linter=linter).findings] == ["E1012"]
