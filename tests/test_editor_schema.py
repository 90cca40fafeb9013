"""What an editor reads from the JSON Schemas: botocore's documentation as hover text, and the schema of
``_defaults.yaml`` (``jobspec schema --defaults``). tests/test_editor_lsp.py shows both in yaml-language-server."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import jsonschema
import pytest

from compiler import cli, htmldoc, loader
from compiler.defaults_schema import defaults_json_schema
from compiler.jsonschema import json_schema
from compiler.lint import lint_paths

REPO = Path(__file__).resolve().parents[1]
DEFAULTS_SCHEMA_FILE = REPO / "schema" / "defaults.schema.json"
SPARK_SUBMIT = ("properties", "jobDriver", "properties", "sparkSubmit", "properties")


def at(schema: dict, path: tuple) -> dict:
    for key in path:
        schema = schema[key]
    return schema


def botocore_doc(shape: str, member: str) -> str:
    """The documentation botocore itself gives a member (its own model API, not compiler.shapes)."""
    model = botocore.session.get_session().get_service_model("emr-serverless")
    return model.shape_for(shape).members[member].documentation


# -- descriptions from botocore ------------------------------------------------------------------------

def test_entry_point_description_is_botocores_documentation_then_the_secret_note():
    assert botocore_doc("SparkSubmit", "entryPoint") == "<p>The entry point for the Spark submit job run.</p>"
    node = at(json_schema(), SPARK_SUBMIT + ("entryPoint",))
    assert node["description"] == "The entry point for the Spark submit job run.\n\nSensitive: stored as a Pulumi secret."
    assert node["markdownDescription"] == node["description"]


def test_execution_role_arn_description_is_botocores_documentation():
    assert botocore_doc("StartJobRunRequest", "executionRoleArn") == "<p>The execution role ARN for the job run.</p>"
    node = json_schema()["properties"]["executionRoleArn"]
    assert (node["description"], node["markdownDescription"]) == ("The execution role ARN for the job run.",) * 2


def test_spark_submit_parameters_description_is_botocores_documentation_then_the_secret_note():
    assert botocore_doc("SparkSubmit", "sparkSubmitParameters") == "<p>The parameters for the Spark submit job run.</p>"
    node = at(json_schema(), SPARK_SUBMIT + ("sparkSubmitParameters",))
    assert node["description"] == "The parameters for the Spark submit job run.\n\nSensitive: stored as a Pulumi secret."


def test_a_jobspec_key_keeps_its_own_note_after_the_scheduler_models_documentation():
    node = json_schema()["properties"]["schedule"]["properties"]["timezone"]
    assert node["description"] == ("The timezone in which the scheduling expression is evaluated.\n\n"
                                   "IANA time zone the expression is read in (default UTC).")


def test_links_lists_and_code_are_markdown_in_the_hover_and_plain_in_the_description():
    node = at(json_schema(), ("properties", "configurationOverrides", "properties", "monitoringConfiguration",
                              "properties", "cloudWatchLoggingConfiguration", "properties", "logTypes"))
    link = "https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/logging.html#jobs-log-storage-cw"
    first = ("The types of logs that you want to publish to CloudWatch. If you don't specify any log types, driver "
             "STDOUT and STDERR logs will be published to CloudWatch Logs by default. For more information "
             "including the supported worker types for Hive and Spark, see ")
    assert node["markdownDescription"] == (
        f"{first}[Logging for EMR Serverless with CloudWatch]({link}).\n\n"
        "- **Key Valid Values**: `SPARK_DRIVER`, `SPARK_EXECUTOR`, `HIVE_DRIVER`, `TEZ_TASK`\n"
        "- **Array Members Valid Values**: `STDOUT`, `STDERR`, `HIVE_LOG`, `TEZ_AM`, `SYSTEM_LOGS`")
    assert node["description"] == (
        f"{first}Logging for EMR Serverless with CloudWatch.\n\n"
        "- Key Valid Values: SPARK_DRIVER, SPARK_EXECUTOR, HIVE_DRIVER, TEZ_TASK\n"
        "- Array Members Valid Values: STDOUT, STDERR, HIVE_LOG, TEZ_AM, SYSTEM_LOGS")


def test_every_request_member_has_a_description():
    schema = json_schema()
    model = botocore.session.get_session().get_service_model("emr-serverless")
    members = model.operation_model("StartJobRun").input_shape.members
    assert [name for name in members if not schema["properties"][name].get("description")] == []


def test_html_paragraphs_entities_and_markdown_syntax_in_running_text():
    html = "<p>Use <i>A</i> &amp; <b>B</b>\n   for a_b or *x* [y].</p><p>See <a href='https://e/x'>this</a>.</p>"
    assert htmldoc.to_markdown(html) == "Use *A* & **B** for a_b or \\*x\\* \\[y\\].\n\nSee [this](https://e/x)."
    assert htmldoc.to_text(html) == "Use A & B for a_b or *x* [y].\n\nSee this."


def test_html_list_items_with_and_without_paragraphs():
    html = "<p>Either:</p><ul><li><p>one</p></li><li>two <code>2</code></li></ul>"
    assert htmldoc.to_markdown(html) == "Either:\n\n- one\n- two `2`"


# -- the defaults file's schema ------------------------------------------------------------------------

def test_committed_defaults_schema_is_what_jobspec_schema_defaults_prints(capsys):
    assert cli.main(["schema", "--defaults"]) == 0
    assert capsys.readouterr().out == DEFAULTS_SCHEMA_FILE.read_text(encoding="utf-8"), "run `make schema` and commit"


def test_committed_defaults_schema_is_a_valid_draft_07_schema():
    jsonschema.Draft7Validator.check_schema(json.loads(DEFAULTS_SCHEMA_FILE.read_text(encoding="utf-8")))


def test_example_defaults_file_points_its_editor_at_the_defaults_schema_and_is_valid_against_it():
    path = REPO / "jobspecs" / "_defaults.yaml"
    assert path.read_text(encoding="utf-8").splitlines()[0] == \
        "# yaml-language-server: $schema=../schema/defaults.schema.json"
    errors = jsonschema.Draft7Validator(defaults_json_schema()).iter_errors(loader.load(path).data)
    assert [e.message for e in errors] == []


SPEC = ("name: job\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/x.py\n")

#: Defaults files the linter rejects, and the first error the JSON Schema gives for each.
INVALID_DEFAULTS = {
    "unknown top-level key": ("defualts:\n  mode: BATCH\n",
                              "Additional properties are not allowed ('defualts' was unexpected)"),
    "defaults not a mapping": ("defaults: [1]\n", "[1] is not of type 'object'"),
    "unknown key in defaults": ("defaults:\n  nmae: x\n", "Additional properties are not allowed ('nmae' was unexpected)"),
    "wrong type in a stack section": ("stacks:\n  prod:\n    executionTimeoutMinutes: soon\n",
                                      "'soon' is not of type 'integer'"),
    "a value out of the model's range": ("defaults:\n  executionTimeoutMinutes: -1\n",
                                         "-1 is less than the minimum of 0"),
}


def defaults_errors(text: str) -> list[str]:
    import yaml
    return [e.message for e in jsonschema.Draft7Validator(defaults_json_schema()).iter_errors(yaml.safe_load(text))]


@pytest.mark.parametrize("text, error", INVALID_DEFAULTS.values(), ids=INVALID_DEFAULTS.keys())
def test_invalid_defaults_file_is_rejected_by_the_linter_and_the_defaults_schema(tmp_path, text, error):
    (tmp_path / "_defaults.yaml").write_text(text)
    (tmp_path / "job.yaml").write_text("applicationId: abc\nexecutionRoleArn: arn:aws:iam::123456789012:role/r\n"
                                       + SPEC)
    assert [f.file for f in lint_paths([str(tmp_path / "job.yaml")]).findings
            if f.severity == "error"][:1] == [str(tmp_path / "_defaults.yaml")]
    assert defaults_errors(text)[:1] == [error]


def test_stacks_inside_a_section_of_a_defaults_file_is_refused_by_the_schema():
    assert defaults_errors("defaults:\n  stacks:\n    prod: {}\n") == ["False schema does not allow {'prod': {}}"]


def test_stacks_inside_a_specs_stack_section_is_refused_by_the_spec_schema():
    import yaml
    spec = yaml.safe_load(SPEC + "stacks:\n  prod:\n    stacks:\n      dev: {mode: STREAMING}\n")
    errors = jsonschema.Draft7Validator(json_schema()).iter_errors(spec)
    assert [e.message for e in errors] == ["False schema does not allow {'dev': {'mode': 'STREAMING'}}"]
