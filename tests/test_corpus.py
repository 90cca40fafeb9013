"""Real bodies from public repositories (``tests/fixtures/real-bodies``, a copy of the shared corpus with its
manifest naming each source) through ``jobspec import``.

- ``valid/``: imported as written, the spec lints clean and compiles back to the body
  (its clientToken aside: dropped with a note, jobspec derives one);
- ``credentials/``: refused with E3001 at the element holding the credential;
- ``invalid/``: refused with a finding naming the field or position.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.cli import main
from conftest import REPO, canonical

CORPUS = REPO / "tests" / "fixtures" / "real-bodies"
VALID = sorted((CORPUS / "valid").glob("*.json"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_corpus_is_complete():
    assert len(VALID) == 55
    listed = {line.split("\t")[0] for line in (CORPUS / "manifest.tsv").read_text().splitlines()[1:] if line}
    assert {f"{p.parent.name}/{p.name}" for p in CORPUS.glob("*/*.json")} == listed


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_a_valid_body_imports_as_written_lints_clean_and_compiles_back(project, capsys, path):
    body = json.loads(path.read_text(encoding="utf-8"))
    code, spec, err = run(capsys, "import", str(path))
    token = body.pop("clientToken", None)
    assert code == 0, err
    assert err == ("" if token is None else f"jobspec: note: {path}: clientToken {token!r} dropped: a fixed token "
                   "makes the service answer every later start with the first run, so an edit or a rerun would start "
                   "nothing; jobspec derives one from the spec (keep it with --keep-client-token)\n")
    project.write("jobs/job.yaml", spec)
    assert run(capsys, "lint", "jobs") == (0, "0 error(s), 0 warning(s)\n", "")
    code, out, err = run(capsys, "compile", "jobs/job.yaml")
    again = json.loads(out)
    assert again.pop("clientToken").startswith("js1-")
    assert canonical(again) == canonical(body)


def test_a_valid_body_with_its_token_kept_comes_back_byte_for_byte(project, capsys):
    tokened = [p for p in VALID if "clientToken" in json.loads(p.read_text())]
    assert len(tokened) == 7
    for path in tokened:
        code, spec, _ = run(capsys, "import", str(path), "--keep-client-token")
        project.write(f"jobs/{path.stem}.yaml", spec)
        code, out, _ = run(capsys, "compile", f"jobs/{path.stem}.yaml")
        assert json.loads(out) == json.loads(path.read_text()), path.name


def test_all_valid_bodies_import_into_one_folder(project, capsys):
    code, out, err = run(capsys, "import", *map(str, VALID), "--out", "jobs")
    assert code == 0
    assert len(out.splitlines()) == 55
    assert run(capsys, "lint", "jobs") == (0, "0 error(s), 0 warning(s)\n", "")
    shared = [line for line in err.splitlines() if "is also the name of" in line]
    assert shared, "the corpus has bodies sharing a name"


CREDENTIALS = {
    "hctaehoon_medistream.json": (11, 9, "jobDriver.sparkSubmit.entryPointArguments[3]"),
    "yhyyz_mysql2redshift.json": (13, 9, "jobDriver.sparkSubmit.entryPointArguments[5]"),
}


@pytest.mark.parametrize("name", sorted(CREDENTIALS))
def test_a_body_with_a_credential_is_refused_at_the_element(project, capsys, name):
    path = CORPUS / "credentials" / name
    code, out, err = run(capsys, "import", str(path))
    line, col, field = CREDENTIALS[name]
    assert (code, out) == (1, "")
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{col}: error E3001 {field}: "), first


INVALID = {
    "airflow_unit_test_fixture.json": (3, 20, "E1012", "applicationId"),
    "aws-samples_streaming_kinesis_ASWRITTEN.json": (9, 64, "E0001", "jobDriver.sparkSubmit.sparkSubmitParameters"),
    "davidshtian_delta_simple_ASWRITTEN.json": (8, 39, "E0001", "jobDriver.sparkSubmit.sparkSubmitParameters"),
    "emr_containers_sparksql_body.json": (1, 1, "E1002", "applicationId"),
    "moradology_literal_app_id.json": (2, 20, "E1012", "applicationId"),
    "sfn_parameters_pascalcase.json": (2, 3, "E1001", "ApplicationId"),
    "symeta_literal_placeholders.json": (2, 20, "E1012", "applicationId"),
    "yhyyz_mysql2redshift_ASWRITTEN.json": (7, 299, "E0001", "jobDriver.sparkSubmit.entryPointArguments[6]"),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_an_invalid_body_is_refused_naming_the_field_and_position(project, capsys, name):
    path = CORPUS / "invalid" / name
    code, out, err = run(capsys, "import", str(path))
    line, col, rule, field = INVALID[name]
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith(f"{path}:{line}:{col}: error {rule} {field}: ")


def test_every_corpus_file_is_covered_by_a_test():
    assert {p.name for p in (CORPUS / "invalid").glob("*.json")} == set(INVALID)
    assert {p.name for p in (CORPUS / "credentials").glob("*.json")} == set(CREDENTIALS)
