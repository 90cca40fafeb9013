"""The committed JSON Schemas as a user's editor shows them: yaml-language-server 1.25 (from npm, installed
into .tools/npm by the run) driven over LSP stdio (tests/lspkit.py).

Each file points at the committed schema by a modeline, as the examples do; the schemas are
copied beside it (file paths: the server fetches nothing from the network). Positions are
1-based (line, column), as the linter prints them; the server's 0-based ones are converted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.lint import lint_paths
import lspkit

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
SPEC_MODELINE = "# yaml-language-server: $schema=../schema/jobspec.schema.json\n"
NESTED = "stacks: inside a stack section or under defaults: is never read; write stacks: at the top level of the file"
HEAD = SPEC_MODELINE + "name: job\napplicationId: abc\nexecutionRoleArn: arn:aws:iam::123456789012:role/r\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("editor")
    (root / "jobspecs").mkdir()
    shutil.copytree(REPO / "schema", root / "schema")
    return root


@pytest.fixture(scope="module")
def server(workspace):
    with lspkit.LanguageServer(lspkit.settings(), workspace) as ls:
        yield ls


def write(workspace: Path, name: str, text: str) -> Path:
    path = workspace / "jobspecs" / name
    path.write_text(text, encoding="utf-8")
    return path


def shown(server: lspkit.LanguageServer, path: Path) -> list[tuple[int, int, str]]:
    """What the editor underlines in ``path``: (line, column, message)."""
    found = server.diagnostics(server.open(path))
    return sorted((d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["message"]) for d in found)


def linted(path: Path) -> list[tuple[int, int, str]]:
    return sorted((f.line, f.column, f.message) for f in lint_paths([str(path)]).findings)


def test_hover_on_entry_point_shows_the_aws_documentation(server, workspace):
    path = write(workspace, "hover.yaml", HEAD + "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/x.py\n")
    uri = server.open(path)
    schema = (workspace / "schema" / "jobspec.schema.json").as_uri()
    assert server.hover(uri, 6, 6) == (
        "#### jobspec: an EMR Serverless StartJobRun job spec\n\n"
        "The entry point for the Spark submit job run.\n\n"
        "Sensitive: stored as a Pulumi secret.\n\n"
        f"Source: [jobspec.schema.json]({schema})")


def test_the_example_defaults_file_with_its_modeline_has_no_diagnostics(server, workspace):
    text = (REPO / "jobspecs" / "_defaults.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/defaults.schema.json\n")
    assert shown(server, write(workspace, "_defaults.yaml", text)) == []


def test_hover_inside_a_defaults_section_shows_the_aws_documentation(server, workspace):
    path = write(workspace, "hover_defaults.yaml", "# yaml-language-server: $schema=../schema/defaults.schema.json\n"
                                                   "stacks:\n  prod:\n    executionRoleArn: x\n")
    schema = (workspace / "schema" / "defaults.schema.json").as_uri()
    assert server.hover(server.open(path), 3, 6) == (
        "#### jobspec: a \\_defaults.yaml (values shared by the specs of a folder)\n\n"
        "The execution role ARN for the job run.\n\n"
        f"Source: [defaults.schema.json]({schema})")


def test_an_unknown_key_of_a_defaults_file_is_worded_as_the_linter_words_it(server, workspace):
    path = write(workspace, "typo_defaults.yaml",
                 "# yaml-language-server: $schema=../schema/defaults.schema.json\ndefualts:\n  mode: BATCH\n")
    assert shown(server, path) == [(2, 1, "unknown key in a defaults file; put shared values under 'defaults:' "
                                          "(a defaults file has 'defaults' and 'stacks')")]


def test_a_stacks_block_inside_defaults_says_where_it_belongs(server, workspace):
    path = write(workspace, "nested_defaults.yaml", "# yaml-language-server: $schema=../schema/defaults.schema.json\n"
                                                    "defaults:\n  stacks:\n    prod: {}\n")
    assert shown(server, path) == [(3, 3, NESTED)]


def test_a_stacks_block_inside_a_specs_stack_section_says_where_it_belongs(server, workspace):
    path = write(workspace, "nested.yaml", HEAD + "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/x.py\n"
                                                  "stacks:\n  prod:\n    stacks:\n      dev: {}\n")
    assert shown(server, path) == [(10, 5, NESTED)]


def test_job_driver_with_both_members_reads_as_the_linters_e1020(server, workspace):
    path = write(workspace, "both.yaml", HEAD + "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/x.py\n"
                                                "  hive:\n    query: s3://b/q.sql\n")
    expected = [(6, 3, "jobDriver must have exactly one of sparkSubmit, hive (has: sparkSubmit, hive)")]
    assert shown(server, path) == expected
    assert linted(path) == expected


def test_job_driver_with_neither_member_reads_as_the_linters_e1020_on_the_same_line(server, workspace):
    path = write(workspace, "neither.yaml", HEAD + "jobDriver: {}\n")
    assert shown(server, path) == [(5, 1, "jobDriver must have exactly one of sparkSubmit, hive (has: none)")]
    assert linted(path) == [(5, 12, "jobDriver must have exactly one of sparkSubmit, hive (has: none)")]


def test_whitespace_in_the_readable_forms_reads_as_the_linters_e2005(server, workspace):
    path = write(workspace, "sugar.yaml", HEAD + (
        "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/x.py\n    sparkSubmitParameters:\n"
        "      jars: [s3://b/a.jar, s3://b/b c.jar]\n      conf:\n        spark.x: a b\n"))
    tail = "contains whitespace, which the mapping form cannot quote; write sparkSubmitParameters as one string instead"
    assert shown(server, path) == [(9, 28, f"a value of sparkSubmitParameters {tail}"),
                                   (11, 18, f"a value of conf {tail}")]
    assert linted(path) == [(9, 28, f"jars[1] {tail}"), (11, 18, f"spark.x {tail}")]


def test_whitespace_in_a_hive_parameters_mapping_names_parameters(server, workspace):
    path = write(workspace, "hive.yaml", HEAD + (
        "jobDriver:\n  hive:\n    query: s3://b/q.sql\n    parameters:\n      database: a b\n"))
    assert shown(server, path) == [(9, 17, "a value of parameters contains whitespace, which the mapping form "
                                           "cannot quote; write parameters as one string instead")]


def test_true_for_a_flag_written_with_equals_says_it_takes_a_value(server, workspace):
    path = write(workspace, "glued.yaml", HEAD + (
        "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/x.py\n    sparkSubmitParameters:\n      archives=: true\n"))
    assert shown(server, path) == [(9, 18, "a flag of sparkSubmitParameters written with '=' takes a value, not true "
                                           "or false: quote \"true\" to send that text, or drop the '=' from the key "
                                           "for the bare flag")]
    assert linted(path) == [(9, 18, "archives= is true, but a flag written with '=' takes a value: quote \"true\" "
                                    "to send that text, or write `archives: true` for the bare flag")]


def test_application_with_application_id_and_a_null_rerun_read_as_the_linter(server, workspace):
    path = write(workspace, "pair.yaml", HEAD + "application: main\nrerun:\n"
                                                "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/x.py\n")
    assert shown(server, path) == [(5, 1, "give either 'application' or 'applicationId', not both"),
                                   (6, 7, "rerun is empty (null); give it a value or remove the key")]
    assert [message for _, _, message in linted(path)] == [
        "give either 'application' or 'applicationId', not both",
        "rerun is empty (null); give it a value or remove the key"]
