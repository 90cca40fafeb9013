"""``jobspec import`` writes flags strings in their readable forms, exactly, and with
``--normalize-whitespace`` also where only the whitespace between flags differs.

The real bodies are the shared corpus of StartJobRun bodies from public repositories
(``tests/fixtures/real-bodies``, a copy of the shared corpus with its manifest).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from textwrap import dedent

import pytest

from compiler.cli import main
from compiler.importer import readable_forms, to_yaml
from conftest import minimal_body

CORPUS = Path(__file__).resolve().parent / "fixtures" / "real-bodies"
REAL_BODIES = sorted((CORPUS / "valid").glob("*.json"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def body_with(driver: dict) -> dict:
    return {**minimal_body(), "jobDriver": driver}


def test_a_hive_body_imports_with_its_parameters_as_a_mapping(project, capsys):
    project.write("body.json", json.dumps(body_with({"hive": {
        "query": "s3://b/q.sql",
        "parameters": "--hiveconf hive.exec.scratchdir=s3://b/scratch --hiveconf hive.metastore.warehouse.dir=s3://b/wh "
                      "--hivevar day=2024-06-01 --database=sales"}})))
    assert run(capsys, "import", "body.json", "--keep-client-token") == (0, dedent("""\
        # Imported by `jobspec import` from body.json
        applicationId: 00fkt3q8n4s5ab09
        executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
        jobDriver:
          hive:
            query: s3://b/q.sql
            parameters:
              hiveconf:
                hive.exec.scratchdir: s3://b/scratch
                hive.metastore.warehouse.dir: s3://b/wh
              hivevar:
                day: '2024-06-01'
              database=: sales
        clientToken: token-1
        """), "")


def test_a_packages_body_imports_with_its_list_flags_as_lists(project, capsys):
    project.write("body.json", json.dumps(body_with({"sparkSubmit": {
        "entryPoint": "s3://b/m.py",
        "sparkSubmitParameters": "--packages io.delta:delta-core_2.12:2.1.1,org.postgresql:postgresql:42.5.0 "
                                 "--archives=s3://b/env.tar.gz#environment --jars s3://b/x.jar --conf spark.x=1"}})))
    assert run(capsys, "import", "body.json", "--keep-client-token") == (0, dedent("""\
        # Imported by `jobspec import` from body.json
        applicationId: 00fkt3q8n4s5ab09
        executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
        jobDriver:
          sparkSubmit:
            entryPoint: s3://b/m.py
            sparkSubmitParameters:
              packages:
              - io.delta:delta-core_2.12:2.1.1
              - org.postgresql:postgresql:42.5.0
              archives=: s3://b/env.tar.gz#environment
              jars: s3://b/x.jar
              conf:
                spark.x: '1'
        clientToken: token-1
        """), "")


SPACED = "--conf spark.executor.cores=4\n    --conf spark.executor.memory=16g \n    --class  a.B "


def test_whitespace_between_flags_keeps_the_string_by_default(project, capsys):
    project.write("body.json", json.dumps(body_with({"sparkSubmit": {"entryPoint": "s3://b/m.py",
                                                                     "sparkSubmitParameters": SPACED}})))
    code, out, err = run(capsys, "import", "body.json", "--keep-client-token")
    assert (code, err) == (0, "")
    assert "    sparkSubmitParameters: \"--conf spark.executor.cores=4\\n    --conf spark.executor.memory=16g" \
           " \\n    --class  a.B \"\n" in out


def test_normalize_whitespace_uses_the_mapping_and_says_where(project, capsys):
    project.write("body.json", json.dumps(body_with({"sparkSubmit": {"entryPoint": "s3://b/m.py",
                                                                     "sparkSubmitParameters": SPACED}})))
    code, out, err = run(capsys, "import", "body.json", "--keep-client-token", "--normalize-whitespace")
    assert (code, err) == (0, "jobspec: note: body.json: jobDriver.sparkSubmit.sparkSubmitParameters: whitespace "
                              "normalized (line breaks → one space, runs of spaces → one, trailing whitespace removed)\n")
    assert out.endswith(dedent("""\
            sparkSubmitParameters:
              conf:
                spark.executor.cores: '4'
                spark.executor.memory: 16g
              class: a.B
        clientToken: token-1
        """))
    project.write("spec.yaml", out)
    code, compiled, _ = run(capsys, "compile", "spec.yaml")
    assert json.loads(compiled)["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"] == \
        "--conf spark.executor.cores=4 --conf spark.executor.memory=16g --class a.B"


def test_normalize_whitespace_leaves_an_exact_body_alone(project, capsys):
    project.write("body.json", json.dumps(body_with({"hive": {"query": "q", "parameters": "--hiveconf a=b"}})))
    plain = run(capsys, "import", "body.json", "--keep-client-token")
    assert run(capsys, "import", "body.json", "--keep-client-token", "--normalize-whitespace") == plain


def test_the_corpus_is_there():
    assert len(REAL_BODIES) >= 50, CORPUS


@pytest.mark.parametrize("path", REAL_BODIES, ids=lambda p: p.stem)
def test_every_real_body_compiles_back_from_its_readable_spec(project, path):
    body = json.loads(path.read_text(encoding="utf-8"))
    spec, normalized = readable_forms(body)
    assert normalized == []
    assert compiled(project, spec, body) == body


@pytest.mark.parametrize("path", REAL_BODIES, ids=lambda p: p.stem)
def test_normalizing_a_real_body_changes_only_whitespace_of_the_members_it_names(project, path):
    body = json.loads(path.read_text(encoding="utf-8"))
    spec, normalized = readable_forms(body, normalize_whitespace=True)
    after = compiled(project, spec, body)
    changed = {member for member, _ in normalized}
    for member in ("jobDriver.sparkSubmit.sparkSubmitParameters", "jobDriver.hive.parameters"):
        driver, kind, name = member.split(".")
        before_text, after_text = (side.get(driver, {}).get(kind, {}).get(name) for side in (body, after))
        if member in changed:
            assert before_text != after_text and before_text.split() == after_text.split()
            assert after_text == " ".join(before_text.split())
            body = {**body, driver: {kind: {**body[driver][kind], name: after_text}}}
        else:
            assert before_text == after_text
    assert after == body


def compiled(project, spec: dict, body: dict) -> dict:
    """The body the spec compiles to; a body without a clientToken is compared without the derived one."""
    project.write("job.yaml", to_yaml(spec))
    out = project.compile("job.yaml")
    if "clientToken" not in body:
        assert re.fullmatch(r"js1-[0-9a-f]{40}", out.pop("clientToken"))
    return out
