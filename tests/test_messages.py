"""Messages that say what is really wrong (issue 14), through ``jobspec lint`` as a user runs it:

- a ``_defaults.yaml`` named on the command line is linted as a defaults file, not as a spec;
- an unknown key that is a known one with a look-alike (Cyrillic, Greek, full-width) or an
  invisible (zero-width) character says which character, where, and what it looks like;
- a ``stacks:`` block where stacks cannot nest (inside ``defaults:`` or inside a stack
  section) is E2016, not silently dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import cli

REPO = Path(__file__).resolve().parents[1]
ROLE = "arn:aws:iam::123456789012:role/emr-serverless-job"
HEAD = f"applicationId: 00fkt3q8n4s5ab09\nexecutionRoleArn: {ROLE}\n"
SPEC = "name: etl\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/main.py\n"
DEFAULTS = f"defaults:\n  applicationId: 00fkt3q8n4s5ab09\n  executionRoleArn: {ROLE}\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture, *paths: str) -> tuple[int, list[str], str]:
    code = cli.main(["lint", *paths])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


# -- a _defaults.yaml given on the command line ----------------------------------------------------------

def test_the_projects_own_defaults_file_lints_clean_on_its_own(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert lint(capsys, "jobspecs/_defaults.yaml") == (0, ["0 error(s), 0 warning(s)"], "")


def test_a_defaults_file_is_not_read_as_a_spec(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS + "  schedule:\n    roleArn: " + ROLE + "\n")
    assert lint(capsys, "_defaults.yaml") == (0, ["0 error(s), 0 warning(s)"], "")


def test_a_defaults_file_reports_a_misspelt_section(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS + "stakcs:\n  prod: {}\n")
    code, lines, _ = lint(capsys, "_defaults.yaml")
    assert (code, lines[:-1]) == (1, [
        "_defaults.yaml:4:1: error E1001 stakcs: unknown key 'stakcs' in a defaults file; did you mean 'stacks'?"])


def test_a_defaults_file_reports_an_unknown_member_and_a_wrong_type_in_its_values(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS + "  nmae: etl\nstacks:\n  prod:\n    executionTimeoutMinutes: soon\n")
    code, lines, _ = lint(capsys, "_defaults.yaml")
    assert (code, lines) == (1, [
        "_defaults.yaml:4:3: error E1001 nmae: unknown key 'nmae'; did you mean 'name'?",
        "_defaults.yaml:7:30: error E1003 executionTimeoutMinutes: executionTimeoutMinutes must be an integer, "
        "not a string",
        "2 error(s), 0 warning(s)",
    ])


def test_a_defaults_file_reports_a_secret_once(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS + "  tags:\n    password: hunter2\n")
    code, lines, _ = lint(capsys, "_defaults.yaml")
    assert code == 1
    assert [line.split(" E3001 ")[0] for line in lines if " E3001 " in line] == ["_defaults.yaml:5:15: error"]


def test_a_defaults_file_given_with_its_folder_reports_each_finding_once(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS + "  nmae: etl\n")
    (folder / "etl.yaml").write_text(SPEC)
    code, lines, _ = lint(capsys, "_defaults.yaml", ".")
    assert (code, lines) == (1, ["_defaults.yaml:4:3: error E1001 nmae: unknown key 'nmae'; did you mean 'name'?",
                                 "1 error(s), 0 warning(s)"])


def test_compile_of_a_defaults_file_is_a_usage_error(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS)
    assert cli.main(["compile", "_defaults.yaml"]) == 2
    assert capsys.readouterr() == ("", "jobspec: _defaults.yaml is a defaults file, not a job spec; compile a spec "
                                       "or the folder of specs it applies to\n")


# -- look-alike and invisible characters in a key --------------------------------------------------------

def test_a_cyrillic_letter_in_a_key_is_named_with_its_column(folder, capsys):
    (folder / "job.yaml").write_text(HEAD + SPEC.replace("name:", "n\u0430me:"))
    code, lines, _ = lint(capsys, "job.yaml")
    assert (code, lines[0]) == (1, "job.yaml:3:1: error E1001 n\u0430me: key 'n\u0430me' contains U+0430 CYRILLIC "
                                   "SMALL LETTER A at column 2, which looks like 'a'; did you mean 'name'?")


def test_a_zero_width_space_in_a_nested_key_is_named_as_invisible(folder, capsys):
    (folder / "job.yaml").write_text(HEAD + SPEC.replace("entryPoint:", "entry\u200bPoint:"))
    code, lines, _ = lint(capsys, "job.yaml")
    assert (code, lines[1]) == (1, "job.yaml:6:5: error E1001 jobDriver.sparkSubmit.entry\u200bPoint: key "
                                   "'entry\u200bPoint' contains U+200B ZERO WIDTH SPACE at column 10, which is "
                                   "invisible; did you mean 'entryPoint'?")


def test_a_quoted_key_counts_the_quote_in_the_column(folder, capsys):
    (folder / "job.yaml").write_text(HEAD + SPEC.replace("name:", "\"n\u0430me\":"))
    _, lines, _ = lint(capsys, "job.yaml")
    assert "contains U+0430 CYRILLIC SMALL LETTER A at column 3, which looks like 'a'" in lines[0]


def test_every_odd_character_of_a_key_is_named(folder, capsys):
    (folder / "job.yaml").write_text(HEAD + SPEC + "m\u043ede\u00a0: BATCH\n".replace("\u00a0", "\u200d"))
    _, lines, _ = lint(capsys, "job.yaml")
    assert lines[0] == ("job.yaml:7:1: error E1001 m\u043ede\u200d: key 'm\u043ede\u200d' contains U+043E "
                        "CYRILLIC SMALL LETTER O at column 2, which looks like 'o', and U+200D ZERO WIDTH JOINER at "
                        "column 5, which is invisible; did you mean 'mode'?")


def test_a_full_width_letter_looks_like_its_ascii_letter(folder, capsys):
    (folder / "job.yaml").write_text(HEAD + SPEC.replace("name:", "\uff4eame:"))
    _, lines, _ = lint(capsys, "job.yaml")
    assert lines[0] == ("job.yaml:3:1: error E1001 \uff4eame: key '\uff4eame' contains U+FF4E FULLWIDTH LATIN "
                        "SMALL LETTER N at column 1, which looks like 'n'; did you mean 'name'?")


def test_a_foreign_key_that_looks_like_no_member_keeps_the_plain_message(folder, capsys):
    (folder / "job.yaml").write_text(HEAD + SPEC + "pr\u00e9nom: etl\n")
    _, lines, _ = lint(capsys, "job.yaml")
    assert lines[0] == "job.yaml:7:1: error E1001 pr\u00e9nom: unknown key 'pr\u00e9nom'"


def test_a_look_alike_in_a_defaults_file_section_name_is_named(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS.replace("defaults:", "d\u0435faults:"))
    _, lines, _ = lint(capsys, "_defaults.yaml")
    assert lines[0] == ("_defaults.yaml:1:1: error E1001 d\u0435faults: key 'd\u0435faults' contains U+0435 "
                        "CYRILLIC SMALL LETTER IE at column 2, which looks like 'e'; did you mean 'defaults'?")


# -- stacks where stacks cannot nest ------------------------------------------------------------------------

def test_stacks_inside_defaults_is_e2016(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS + "  stacks:\n    prod:\n      executionTimeoutMinutes: 60\n")
    (folder / "etl.yaml").write_text(SPEC)
    code, lines, _ = lint(capsys, ".")
    assert (code, lines) == (1, [
        "_defaults.yaml:4:3: error E2016 defaults.stacks: 'stacks' inside 'defaults' is ignored: stack sections "
        "go at the top of the file, beside 'defaults' (stacks.prod)",
        "1 error(s), 0 warning(s)"])


def test_stacks_inside_a_stack_section_of_a_spec_is_e2016(folder, capsys):
    (folder / "etl.yaml").write_text(HEAD + SPEC + "stacks:\n  prod:\n    stacks:\n      dev:\n        name: x\n")
    code, lines, _ = lint(capsys, "etl.yaml")
    assert (code, lines) == (1, [
        "etl.yaml:9:5: error E2016 stacks.prod.stacks: 'stacks' inside 'stacks.prod' is ignored: stack sections "
        "do not nest; put each at the top level (stacks.dev)",
        "1 error(s), 0 warning(s)"])


def test_stacks_inside_a_stack_section_of_a_defaults_file_is_e2016(folder, capsys):
    (folder / "_defaults.yaml").write_text(DEFAULTS + "stacks:\n  prod:\n    stacks: {dev: {}, test: {}}\n")
    code, lines, _ = lint(capsys, "_defaults.yaml")
    assert (code, lines) == (1, [
        "_defaults.yaml:6:5: error E2016 stacks.prod.stacks: 'stacks' inside 'stacks.prod' is ignored: stack "
        "sections do not nest; put each at the top level (stacks.dev, stacks.test)",
        "1 error(s), 0 warning(s)"])


def test_stacks_at_the_top_of_a_spec_is_fine(folder, capsys):
    (folder / "etl.yaml").write_text(HEAD + SPEC + "stacks:\n  prod:\n    executionTimeoutMinutes: 60\n")
    assert lint(capsys, "etl.yaml") == (0, ["0 error(s), 0 warning(s)"], "")
