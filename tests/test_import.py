"""``jobspec import`` takes bodies as people wrote them, strictly as JSON, one or many at once.

Through the command line, as a user runs it: exact stderr notes, exact finding
positions, exact files written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from compiler.cli import main
from conftest import REPO, canonical, minimal_body

NO_TOKEN = {k: v for k, v in minimal_body().items() if k != "clientToken"}
DROPPED = ("clientToken 'token-1' dropped: a fixed token makes the service answer every later start with the first "
           "run, so an edit or a rerun would start nothing; jobspec derives one from the spec (keep it with "
           "--keep-client-token)")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def compiled(project, capsys, spec_text: str, name: str = "job.yaml") -> dict:
    project.write(name, spec_text)
    code, out, err = run(capsys, "compile", name)
    assert (code, err) == (0, ""), err
    return json.loads(out)


# -- bodies as written: clientToken ------------------------------------------------------------------------------

def test_a_body_without_a_client_token_imports_and_compiles_back_with_a_derived_one(project, capsys):
    project.write("body.json", json.dumps(NO_TOKEN, indent=2))
    code, out, err = run(capsys, "import", "body.json")
    assert (code, err) == (0, "")
    assert "clientToken" not in yaml.safe_load(out)
    body = compiled(project, capsys, out)
    assert body.pop("clientToken").startswith("js1-")
    assert canonical(body) == canonical(NO_TOKEN)


def test_a_client_token_is_dropped_by_default_with_a_note(project, capsys):
    project.write("body.json", json.dumps(minimal_body(), indent=2))
    code, out, err = run(capsys, "import", "body.json")
    assert (code, err) == (0, f"jobspec: note: body.json: {DROPPED}\n")
    assert "clientToken" not in yaml.safe_load(out)


def test_keep_client_token_keeps_it_and_the_body_comes_back_exactly(project, capsys):
    project.write("body.json", json.dumps(minimal_body(), indent=2))
    code, out, err = run(capsys, "import", "body.json", "--keep-client-token")
    assert (code, err) == (0, "")
    assert compiled(project, capsys, out) == minimal_body()


# -- strict JSON -------------------------------------------------------------------------------------------------

def test_a_raw_line_break_inside_a_string_is_refused_at_its_position(project, capsys):
    project.write_bytes("body.json", b'{\n  "name": "two\nlines"\n}\n')
    code, out, err = run(capsys, "import", "body.json")
    assert (code, out) == (1, "")
    assert err == ("body.json:2:15: error E0001 name: not JSON: a raw line break inside a string; JSON writes it as "
                   "\\n (the AWS CLI refuses this file too)\n1 error(s), 0 warning(s)\n")


def test_a_full_width_comma_is_refused_naming_the_character(project, capsys):
    project.write("body.json", '{"name": "a"\uff0c "mode": "BATCH"}')
    code, _, err = run(capsys, "import", "body.json")
    assert code == 1
    assert err.splitlines()[0] == ("body.json:1:13: error E0001 name: not JSON: expected ',' or '}' after a member, "
                                   "found U+FF0C FULLWIDTH COMMA")


def test_yaml_that_is_not_json_is_not_read_as_yaml(project, capsys):
    project.write("body.json", "name: nightly\napplicationId: 00fkt3q8n4s5ab09\n")
    code, _, err = run(capsys, "import", "body.json")
    assert code == 1
    assert err.splitlines()[0] == "body.json:1:1: error E0001 not JSON: expected a value, found 'n'"


def test_a_duplicate_key_is_refused_at_the_second_one(project, capsys):
    text = json.dumps(NO_TOKEN, indent=2)[:-2] + ',\n  "name": "b",\n  "name": "c"\n}'
    project.write("body.json", text)
    code, _, err = run(capsys, "import", "body.json")
    assert code == 1
    line = text.splitlines().index('  "name": "c"') + 1
    assert err.splitlines()[0] == (f"body.json:{line}:3: error E0002 name: duplicate key 'name' (first at line "
                                   f"{line - 1}); JSON readers silently keep one of the two: remove the other")


def test_a_lone_surrogate_is_refused_at_its_string(project, capsys):
    project.write("body.json", '{"name": "smile \\ud83d"}')
    code, _, err = run(capsys, "import", "body.json")
    assert code == 1
    assert err.splitlines()[0] == ("body.json:1:10: error E0003 name: the string escapes a lone surrogate (\\ud83d): "
                                   "not Unicode text, and the service takes only UTF-8; escape the whole pair or "
                                   "write the character itself")


def test_an_escaped_surrogate_pair_is_the_character_it_spells(project, capsys):
    project.write("body.json", json.dumps({**NO_TOKEN, "name": "smile \U0001F600"}, ensure_ascii=True))
    code, out, err = run(capsys, "import", "body.json")
    assert (code, err) == (0, "")
    assert compiled(project, capsys, out)["name"] == "smile \U0001F600"


def test_nan_is_not_json(project, capsys):
    project.write("body.json", '{"executionTimeoutMinutes": NaN}')
    code, _, err = run(capsys, "import", "body.json")
    assert err.splitlines()[0] == ("body.json:1:29: error E0001 executionTimeoutMinutes: not JSON: NaN is not a "
                                   "JSON number")


# -- stdin, read once -----------------------------------------------------------------------------------------------

def _jobspec(*argv: str, cwd: Path, stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compiler", *argv], cwd=cwd, input=stdin, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)


ESCAPED = {**NO_TOKEN, "name": 'tab\there "quoted" back\\slash caf\u00e9 \U0001F600'}


def test_stdin_as_dash_is_read_once_and_escapes_survive(project, capsys):
    proc = _jobspec("import", "-", cwd=project.root, stdin=json.dumps(ESCAPED, ensure_ascii=True).encode())
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert proc.stdout.startswith(b"# Imported by `jobspec import` from <stdin>\n")
    assert yaml.safe_load(proc.stdout)["name"] == ESCAPED["name"]


def test_dev_stdin_from_a_pipe_is_read_once(project, capsys):
    proc = _jobspec("import", "/dev/stdin", cwd=project.root, stdin=json.dumps(ESCAPED, ensure_ascii=True).encode())
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert yaml.safe_load(proc.stdout)["name"] == ESCAPED["name"]


def test_findings_on_stdin_name_it(project, capsys):
    proc = _jobspec("import", "-", cwd=project.root, stdin=json.dumps({"name": 1, **NO_TOKEN}).encode())
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines()[0] == "<stdin>:1:10: error E1003 name: name must be a string, not a number"


# -- many at once -------------------------------------------------------------------------------------------------

def _bodies(project, **named: dict) -> list[str]:
    for file, body in named.items():
        project.write(f"in/{file}.json", json.dumps(body, indent=2))
    return [f"in/{file}.json" for file in named]


def test_out_writes_one_spec_per_body_named_after_its_job(project, capsys):
    files = _bodies(project, a={**NO_TOKEN, "name": "Nightly ETL"}, b={**NO_TOKEN, "name": "hourly"})
    code, out, err = run(capsys, "import", *files, "--out", "jobs")
    assert (code, err) == (0, "")
    assert out == "jobs/Nightly-ETL.yaml  <- in/a.json\njobs/hourly.yaml  <- in/b.json\n"
    assert (project.root / "jobs/hourly.yaml").read_text().startswith("# Imported by `jobspec import` from b.json\n")
    assert run(capsys, "lint", "jobs")[0] == 0


def test_bodies_sharing_a_name_get_distinct_names_and_a_note(project, capsys):
    files = _bodies(project, first={**NO_TOKEN, "name": "wordcount"}, second={**NO_TOKEN, "name": "wordcount",
                                                                              "mode": "BATCH"})
    code, out, err = run(capsys, "import", *files, "--out", "jobs")
    assert code == 0
    assert err == ("jobspec: note: in/second.json: name 'wordcount' is also the name of in/first.json; imported as "
                   "'wordcount-2' into wordcount-2.yaml, since jobspec refuses two jobs of one name\n")
    assert out == "jobs/wordcount.yaml  <- in/first.json\njobs/wordcount-2.yaml  <- in/second.json\n"
    assert (project.root / "jobs/wordcount-2.yaml").read_text().splitlines()[0] == (
        "# Imported by `jobspec import` from second.json (named 'wordcount' there, like first.json)")
    assert run(capsys, "lint", "jobs")[0] == 0
    assert compiled(project, capsys, (project.root / "jobs/wordcount-2.yaml").read_text(), "x/w.yaml")["name"] == \
        "wordcount-2"


def test_a_body_without_a_name_is_named_by_its_input_file(project, capsys):
    files = _bodies(project, **{"daily.revenue": NO_TOKEN})
    code, out, _ = run(capsys, "import", *files, "--out", "jobs")
    assert (code, out) == (0, "jobs/daily.revenue.yaml  <- in/daily.revenue.json\n")


def test_several_bodies_without_out_is_a_usage_error(project, capsys):
    files = _bodies(project, a=NO_TOKEN, b=NO_TOKEN)
    assert run(capsys, "import", *files) == (
        2, "", "jobspec: import of several bodies needs --out DIR (one spec file each)\n")


def test_one_invalid_body_writes_nothing(project, capsys):
    files = _bodies(project, a=NO_TOKEN, b={**NO_TOKEN, "applicationId": "NOT_AN_ID"})
    code, out, err = run(capsys, "import", *files, "--out", "jobs")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("in/b.json:2:20: error E1012 applicationId: ")
    assert err.splitlines()[-1] == "jobspec: nothing written: 1 of 2 bodies refused"
    assert not (project.root / "jobs").exists()


def test_an_existing_spec_file_is_never_overwritten(project, capsys):
    project.write("jobs/hourly.yaml", "# mine\n")
    files = _bodies(project, a={**NO_TOKEN, "name": "daily"}, b={**NO_TOKEN, "name": "hourly"})
    code, out, err = run(capsys, "import", *files, "--out", "jobs")
    assert (code, out) == (2, "")
    assert err == ("jobspec: nothing written: jobs/hourly.yaml exists; import never overwrites a spec: remove it or "
                   "import into another folder\n")
    assert sorted(p.name for p in (project.root / "jobs").iterdir()) == ["hourly.yaml"]


def test_a_job_name_the_folder_already_has_is_refused(project, capsys):
    project.write("jobs/existing.yaml", yaml.safe_dump({**NO_TOKEN, "name": "hourly"}))
    files = _bodies(project, a={**NO_TOKEN, "name": "hourly"})
    code, out, err = run(capsys, "import", *files, "--out", "jobs")
    assert (code, out) == (2, "")
    assert err == ("jobspec: nothing written: jobs already has a job named 'hourly' (jobs/existing.yaml), the name of "
                   "in/a.json; import never overwrites a spec: remove that spec or import into another folder\n")


# -- importing past a credential finding, visibly -------------------------------------------------------------------

CREDENTIAL = {**NO_TOKEN, "jobDriver": {"sparkSubmit": {
    "entryPoint": "s3://bucket/main.py",
    "entryPointArguments": ["--db", "jdbc:postgresql://db:5432/sales?user=etl&password=placeholder"]}}}


def test_a_body_with_a_credential_is_refused_at_the_element(project, capsys):
    project.write("body.json", json.dumps(CREDENTIAL, indent=2))
    code, out, err = run(capsys, "import", "body.json")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("body.json:9:9: error E3001 jobDriver.sparkSubmit.entryPointArguments[1]: ")


def test_disable_with_a_reason_writes_the_suppression_on_the_line_and_lint_counts_it(project, capsys):
    project.write("body.json", json.dumps(CREDENTIAL, indent=2))
    code, out, err = run(capsys, "import", "body.json", "--disable", "E3001", "--reason", "placeholder, set in CI")
    assert code == 0
    assert err == ("jobspec: note: body.json: E3001 jobDriver.sparkSubmit.entryPointArguments[1]: suppressed in the "
                   "spec (placeholder, set in CI)\n")
    assert out.splitlines()[8] == ("    - jdbc:postgresql://db:5432/sales?user=etl&password=placeholder  "
                                   "# jobspec: disable=E3001 placeholder, set in CI")
    project.write("jobs/job.yaml", out)
    assert run(capsys, "lint", "jobs") == (0, "0 error(s), 0 warning(s), 1 suppressed\n", "")
    body = compiled(project, capsys, out, "jobs/job.yaml")
    body.pop("clientToken")
    assert canonical(body) == canonical(CREDENTIAL)


def test_disable_of_a_credential_rule_without_a_reason_is_a_usage_error(project, capsys):
    project.write("body.json", json.dumps(CREDENTIAL, indent=2))
    assert run(capsys, "import", "body.json", "--disable", "E3001") == (
        2, "", "jobspec: --disable E3001: a suppression of a credential finding (E3xxx) needs a reason\n")


def test_disable_of_a_model_error_is_refused(project, capsys):
    project.write("body.json", json.dumps(CREDENTIAL, indent=2))
    assert run(capsys, "import", "body.json", "--disable", "E1012", "--reason", "x") == (
        2, "", "jobspec: --disable E1012: E1012: import can put past credential findings (E3xxx) only; an error of "
               "another kind means the service would refuse the body\n")


def test_reason_without_disable_is_a_usage_error(project, capsys):
    project.write("body.json", json.dumps(NO_TOKEN))
    assert run(capsys, "import", "body.json", "--reason", "x") == (2, "", "jobspec: --reason goes with --disable RULE\n")


# -- aws commands, through the same import --------------------------------------------------------------------------

COMMAND = """\
#!/bin/bash
# the nightly job, as the team's script starts it
aws emr-serverless start-job-run \\
  --application-id $APP \\
  --execution-role-arn arn:aws:iam::123456789012:role/emr-serverless-job \\
  --name nightly \\
  --job-driver '{"sparkSubmit": {"entryPoint": "s3://bucket/main.py"}}' \\
  --tags team=data,env=prod
"""


def test_a_finding_about_a_commands_body_is_placed_at_the_option_that_wrote_it(project, capsys):
    project.write("run.sh", COMMAND)
    code, out, err = run(capsys, "import", "run.sh", "--var", "APP=NOT_AN_ID")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == ("run.sh:4:20: error E1012 applicationId: applicationId 'NOT_AN_ID' does not match "
                                   "the pattern [0-9a-z]+")


def test_commands_and_bodies_import_together_into_one_folder(project, capsys):
    project.write("run.sh", COMMAND)
    files = _bodies(project, a={**NO_TOKEN, "name": "nightly"})
    code, out, err = run(capsys, "import", "run.sh", *files, "--out", "jobs", "--var", "APP=00fkt3q8n4s5ab09")
    assert code == 0
    assert out == "jobs/nightly.yaml  <- run.sh\njobs/nightly-2.yaml  <- in/a.json\n"
    assert compiled(project, capsys, (project.root / "jobs/nightly.yaml").read_text(), "x/n.yaml")["tags"] == {
        "team": "data", "env": "prod"}
