"""Whatever a pull request feeds the linter, it answers with positioned findings.

Each input below gets a finding with a rule id and a location, exit code 1 (or 2
for a path that does not exist), and no traceback. Sizes are bounded before
parsing (MAX_BYTES), alias expansion by value count (MAX_NODES), nesting by depth.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings, strategies as st

from compiler import loader
from compiler.cli import main
from compiler.lint import lint_paths

VALID = (
    "name: ok\n"
    "applicationId: 00fabc\n"
    "executionRoleArn: arn:aws:iam::123456789012:role/emr-job\n"
    "jobDriver:\n"
    "  sparkSubmit:\n"
    "    entryPoint: s3://bucket/job.py\n"
)


def lint_bytes(tmp_path, raw: bytes, name: str = "spec.yaml"):
    (tmp_path / name).write_bytes(raw)
    return lint_paths([tmp_path])


def only(result) -> tuple:
    (finding,) = [f for f in result.findings if f.severity == "error"]
    return finding.rule, finding.line, finding.column


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


CASES = {
    # name: (bytes, expected (rule, line, column))
    "yaml syntax error": (b"name: [unclosed\n", ("E0001", 2, 1)),
    "tab indentation": (b"name: a\njobDriver:\n\tsparkSubmit: {}\n", ("E0001", 3, 1)),
    "duplicate key": (VALID.encode() + b"name: again\n", ("E0002", 7, 1)),
    "alias bomb": (billion_laughs().encode(), ("E0007", 1, 38)),
    "deep nesting": (b"a: " + b"[" * 200 + b"]" * 200 + b"\n", ("E0007", 1, 68)),
    "not utf-8": (b"name: caf\xe9\n", ("E0003", 1, 10)),
    "binary": (b"\x00\x01\x02\x03", ("E0003", 1, 1)),
    "empty file": (b"", ("E0005", 1, 1)),
    "several documents": (b"name: a\n---\nname: b\n", ("E0006", 2, 1)),
    "top-level list": (b"- a\n- b\n", ("E0005", 1, 1)),
    "top-level scalar": (b"just text\n", ("E0005", 1, 1)),
    "unsupported tag": (b"name: !Ref other\n", ("E0008", 1, 7)),
    "too large": (b"name: a\n#" + b"x" * loader.MAX_BYTES + b"\n", ("E0004", 1, 1)),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_file_gets_one_positioned_finding(tmp_path, case):
    raw, expected = CASES[case]
    assert only(lint_bytes(tmp_path, raw)) == expected


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_file_exits_1_without_traceback(tmp_path, capsys, case):
    (tmp_path / "spec.yaml").write_bytes(CASES[case][0])
    assert main(["lint", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert f"{tmp_path / 'spec.yaml'}:" in out.out


def test_byte_order_mark_is_a_warning_and_the_spec_still_lints(tmp_path):
    result = lint_bytes(tmp_path, b"\xef\xbb\xbf" + VALID.encode())
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("W0010", 1, 1)]
    assert result.ok


def test_wrong_types_everywhere_are_each_reported_at_their_value(tmp_path):
    text = ("name: 1\napplicationId: null\nexecutionRoleArn: [a]\ntags: 5\n"
            "jobDriver: {sparkSubmit: {entryPoint: true, entryPointArguments: [1, null]}}\n")
    found = [(f.rule, f.line, f.column, f.field) for f in lint_bytes(tmp_path, text.encode()).findings]
    assert found == [
        ("E1004", 1, 7, "name"),
        ("E1003", 2, 16, "applicationId"),
        ("E1003", 3, 19, "executionRoleArn"),
        ("E1003", 4, 7, "tags"),
        ("E1004", 5, 39, "jobDriver.sparkSubmit.entryPoint"),
        ("E1004", 5, 67, "jobDriver.sparkSubmit.entryPointArguments[0]"),
        ("E1003", 5, 70, "jobDriver.sparkSubmit.entryPointArguments[1]"),
    ]


def test_a_link_out_of_the_repository_is_refused_not_read(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "jobspecs").mkdir()
    outside = tmp_path / "secret.yaml"
    outside.write_text(VALID)
    os.symlink(outside, repo / "jobspecs" / "link.yaml")
    result = lint_paths([repo / "jobspecs"])
    assert [(f.rule, f.line) for f in result.findings] == [("E0009", 1)]
    assert result.documents == []


def test_a_spec_reached_through_a_folder_linked_out_of_the_repository_is_refused(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "jobspecs").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.yaml").write_text(VALID)
    os.symlink(elsewhere, repo / "jobspecs" / "shared")
    result = lint_paths([repo / "jobspecs" / "shared" / "a.yaml", repo / "jobspecs"])
    # the spec given through the link, and the linked folder met while walking jobspecs
    assert [(f.file, f.rule, f.line) for f in result.findings] == [
        (str(repo / "jobspecs" / "shared"), "E0009", 1), (str(repo / "jobspecs" / "shared" / "a.yaml"), "E0009", 1)]
    assert result.documents == []


def test_a_link_that_stays_in_the_repository_is_read(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "jobspecs").mkdir()
    (repo / "shared").mkdir()
    (repo / "shared" / "a.yaml").write_text(VALID)
    os.symlink(repo / "shared" / "a.yaml", repo / "jobspecs" / "a.yaml")
    result = lint_paths([repo / "jobspecs"])
    assert result.findings == [] and len(result.documents) == 1


def test_a_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["lint", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_json_format_of_a_hostile_file_is_valid_json(tmp_path, capsys):
    (tmp_path / "spec.yaml").write_bytes(b"\x00")
    main(["lint", "--format", "json", str(tmp_path)])
    (finding,) = json.loads(capsys.readouterr().out)
    assert finding["rule"] == "E0003"


# -- fuzzing: no input makes the loader or the linter raise ----------------------------------------
# Inputs the fuzzers below once crashed on, kept as regressions.

def test_regression_a_null_key_from_a_bare_question_mark(tmp_path):
    # `?` is an explicit key with no text: once a None key that crashed cerberus' error sorting.
    found = [(f.rule, f.line, f.column) for f in lint_bytes(tmp_path, b"?\n" + VALID.encode()).findings]
    assert found == [("E1001", 1, 2), ("E1004", 1, 2)]  # an unknown key, and not a string


def test_regression_non_string_keys_are_reported_once_at_the_key(tmp_path):
    found = [(f.rule, f.line, f.column, f.field) for f in lint_bytes(tmp_path, VALID.encode() + b"tags:\n  on: x\n  1: y\n").findings]
    assert found == [("E1004", 8, 3, "tags.on"), ("E1004", 9, 3, "tags.1")]



YAMLISH = st.lists(st.sampled_from(list("ab: -[]{},&*!|>'\"#\n\t\\%@`?~01.") + ["name", "jobDriver", "<<", "  "]),
                   max_size=80).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(raw=st.binary(max_size=300))
def test_fuzz_arbitrary_bytes_never_raise(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("fuzz")
    result = lint_bytes(folder, raw)
    assert all(f.line >= 1 and f.column >= 1 and f.rule for f in result.findings)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=YAMLISH)
def test_fuzz_yaml_like_text_never_raises(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("fuzz")
    result = lint_bytes(folder, text.encode())
    assert all(f.line >= 1 and f.column >= 1 and f.rule for f in result.findings)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(doc=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                        lambda children: st.lists(children, max_size=4)
                        | st.dictionaries(st.sampled_from(["name", "jobDriver", "sparkSubmit", "hive", "tags", "mode",
                                                           "configurationOverrides", "applicationConfiguration",
                                                           "properties", "retryPolicy", "x"]), children, max_size=4),
                        max_leaves=20))
def test_fuzz_wrong_shapes_in_valid_yaml_never_raise(tmp_path_factory, doc):
    import yaml
    folder = tmp_path_factory.mktemp("fuzz")
    result = lint_bytes(folder, yaml.safe_dump({"name": "x", **(doc if isinstance(doc, dict) else {"tags": doc})}).encode())
    assert all(f.rule for f in result.findings)


def test_docs_faults_md_counts_the_bad_inputs_tried_here():
    from pathlib import Path
    text = (Path(__file__).resolve().parents[1] / "docs" / "faults.md").read_text()
    fuzzed = sum(f._hypothesis_internal_use_settings.max_examples  # type: ignore[attr-defined]
                 for f in (test_fuzz_arbitrary_bytes_never_raise, test_fuzz_yaml_like_text_never_raises,
                           test_fuzz_wrong_shapes_in_valid_yaml_never_raise))
    assert f"| Bad inputs tried | {len(CASES)} kinds of bad file + {fuzzed} fuzzed inputs |" in text
