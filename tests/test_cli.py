"""The ``jobspec`` command's contract: exit codes, outputs, and no traceback for a user error.

0 clean, 1 findings, 2 usage or I/O error. Most tests call ``compiler.cli.main`` in
process; a few run the installed ``jobspec`` script to hold the real process to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
import yaml

from compiler.cli import main
from compiler.sdk_casing import from_sdk
from conftest import REPO, canonical, minimal_body, minimal_spec

JOBSPEC = Path(sys.executable).parent / "jobspec"
SPEC = dedent("""\
    name: nightly
    applicationId: 00fkt3q8n4s5ab09
    executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
    jobDriver:
      sparkSubmit:
        entryPoint: s3://bucket/main.py
        sparkSubmitParameters:
          conf: {spark.executor.memory: 4g}
    """)
BAD = SPEC.replace("00fkt3q8n4s5ab09", "NOT_AN_ID")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def script(*argv: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(JOBSPEC), *argv], cwd=cwd, capture_output=True, text=True, input=stdin,
                          env={**os.environ, "NO_COLOR": "1"})


# -- lint -------------------------------------------------------------------------------------------------------

def test_lint_clean_exits_0(project, capsys):
    project.write("jobs/a.yaml", SPEC)
    code, out, err = run(capsys, "lint", "jobs")
    assert (code, out, err) == (0, "0 error(s), 0 warning(s)\n", "")


def test_lint_with_an_error_exits_1_and_prints_file_line_col(project, capsys):
    project.write("jobs/a.yaml", BAD)
    code, out, _ = run(capsys, "lint", "jobs")
    assert code == 1
    assert out.splitlines()[0].startswith("jobs/a.yaml:2:16: error E1012 applicationId: ")
    assert out.splitlines()[-1] == "1 error(s), 0 warning(s)"


def test_lint_with_only_warnings_exits_0(project, capsys):
    project.write("a.yaml", SPEC + "executionTimeoutMinutes: 0\n")
    code, out, _ = run(capsys, "lint", "a.yaml")
    assert code == 0 and "W2010" in out


def test_lint_defaults_to_the_jobspecs_folder(project, capsys):
    project.write("jobspecs/a.yaml", BAD)
    assert run(capsys, "lint")[0] == 1


def test_lint_several_paths(project, capsys):
    project.write("a.yaml", SPEC)
    project.write("b.yaml", BAD.replace("nightly", "other"))
    code, out, _ = run(capsys, "lint", "a.yaml", "b.yaml")
    assert code == 1 and out.startswith("b.yaml:2:16:")


def test_lint_missing_path_exits_2(project, capsys):
    project.write("a.yaml", SPEC)
    code, out, err = run(capsys, "lint", "a.yaml", "nope.yaml")
    assert (code, out) == (2, "")
    assert err == "jobspec: no such file or folder: nope.yaml\n"


@pytest.mark.parametrize("argv", [["lint", "--format", "xml"], ["frobnicate"], [], ["compile"], ["lint", "--stak", "x"]],
                         ids=["bad-format", "bad-command", "no-command", "compile-without-path", "typo-option"])
def test_usage_errors_exit_2(project, capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage: jobspec" in capsys.readouterr().err


def test_lint_format_json(project, capsys):
    project.write("jobs/a.yaml", BAD + "nmae: x\n")
    code, out, _ = run(capsys, "lint", "--format", "json", "jobs")
    assert code == 1
    findings = json.loads(out)
    assert [(f["file"], f["line"], f["column"], f["rule"], f["severity"], f["field"]) for f in findings] == [
        ("jobs/a.yaml", 2, 16, "E1012", "error", "applicationId"),
        ("jobs/a.yaml", 9, 1, "E1001", "error", "nmae"),
    ]
    assert findings[1]["message"] == "unknown key 'nmae'; did you mean 'name'?"


def test_lint_format_json_clean_is_an_empty_list(project, capsys):
    project.write("a.yaml", SPEC)
    assert run(capsys, "lint", "--format", "json", "a.yaml") == (0, "[]\n", "")


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_other_formats_name_the_rule_and_position(project, capsys, fmt):
    project.write("a.yaml", BAD)
    code, out, _ = run(capsys, "lint", "--format", fmt, "a.yaml")
    assert code == 1 and "E1012" in out and "a.yaml" in out


def test_lint_stack_option_lints_that_stack_only(project, capsys):
    project.write("a.yaml", SPEC + "stacks:\n  prod:\n    mode: nope\n")
    assert run(capsys, "lint", "--stack", "dev", "a.yaml")[0] == 0
    assert run(capsys, "lint", "--stack", "prod", "a.yaml")[0] == 1
    assert run(capsys, "lint", "a.yaml")[0] == 1  # the base and every stack named


# -- compile ----------------------------------------------------------------------------------------------------

def test_compile_file_prints_one_body(project, capsys):
    project.write("a.yaml", SPEC)
    code, out, err = run(capsys, "compile", "a.yaml")
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body["applicationId"] == "00fkt3q8n4s5ab09"
    assert body["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"] == "--conf spark.executor.memory=4g"
    assert body["clientToken"].startswith("js1-")
    assert list(body) == ["applicationId", "clientToken", "executionRoleArn", "jobDriver", "name"]


def test_a_stack_no_file_names_gets_a_note_on_stderr_and_the_base_values(project, capsys):
    project.write("a.yaml", SPEC + "stacks:\n  prod:\n    mode: STREAMING\n")
    code, out, err = run(capsys, "compile", "a.yaml", "--stack", "prdo")
    assert code == 0 and "mode" not in json.loads(out)
    assert err == ("jobspec: note: no spec or _defaults.yaml has a `stacks.prdo` section (named: prod); "
                   "base values used\n")


def test_a_stack_a_file_names_gets_no_note(project, capsys):
    project.write("a.yaml", SPEC + "stacks:\n  prod:\n    mode: STREAMING\n")
    code, _, err = run(capsys, "lint", "--stack", "prod", "a.yaml")
    assert (code, err) == (0, "")


def test_compile_with_a_stack(project, capsys):
    project.write("a.yaml", SPEC + "stacks:\n  prod:\n    applicationId: 00fprd7x2m1k4c88\n")
    assert json.loads(run(capsys, "compile", "a.yaml", "--stack", "prod")[1])["applicationId"] == "00fprd7x2m1k4c88"
    assert json.loads(run(capsys, "compile", "a.yaml")[1])["applicationId"] == "00fkt3q8n4s5ab09"


def test_compile_dir_prints_every_body_keyed_by_job_name(project, capsys):
    project.write("jobs/a.yaml", SPEC)
    project.write("jobs/deeper/b.yaml", SPEC.replace("name: nightly\n", ""))
    project.write("jobs/_defaults.yaml", "defaults:\n  tags: {team: data}\n")
    code, out, _ = run(capsys, "compile", "jobs")
    bodies = json.loads(out)
    assert code == 0 and sorted(bodies) == ["b", "nightly"]
    assert "name" not in bodies["b"]  # named after its file, not given a name member
    assert all(b["tags"] == {"team": "data"} and b["applicationId"] for b in bodies.values())


def test_compile_empty_dir_prints_an_empty_object(project, capsys):
    (project.root / "jobs").mkdir()
    assert run(capsys, "compile", "jobs") == (0, "{}\n", "")


def test_compile_invalid_spec_exits_1_with_findings_on_stderr(project, capsys):
    project.write("a.yaml", BAD)
    code, out, err = run(capsys, "compile", "a.yaml")
    assert (code, out) == (1, "")
    assert err.startswith("a.yaml:2:16: error E1012")


def test_compile_missing_path_exits_2(project, capsys):
    code, out, err = run(capsys, "compile", "nope.yaml")
    assert (code, out, err) == (2, "", "jobspec: no such file or folder: nope.yaml\n")


# -- import -----------------------------------------------------------------------------------------------------

def test_import_prints_a_yaml_spec(project, capsys):
    body = {**minimal_body(), "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/m.py",
                                                            "sparkSubmitParameters": "--class a.B --conf x=1"}},
            "executionIamPolicy": {"policy": '{"Version":"2012-10-17"}'}}
    project.write("body.json", json.dumps(body, indent=2))
    code, out, err = run(capsys, "import", "body.json", "--keep-client-token")
    assert (code, err) == (0, "")
    assert out.startswith("# Imported by `jobspec import` from body.json\n")
    spec = yaml.safe_load(out)
    assert spec["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"] == {"class": "a.B", "conf": {"x": "1"}}
    assert spec["executionIamPolicy"]["policy"] == {"Version": "2012-10-17"}
    assert spec["clientToken"] == "token-1"


def test_import_then_compile_gives_the_body_back(project, capsys):
    body = {**minimal_body(), "name": "yes", "mode": "STREAMING", "retryPolicy": {"maxFailedAttemptsPerHour": 2},
            "tags": {"on": "off"}, "jobDriver": {"hive": {"query": "SELECT 1\nFROM t", "parameters": "--hiveconf a=b"}}}
    project.write("body.json", json.dumps(body))
    code, out, _ = run(capsys, "import", "body.json", "--keep-client-token")
    project.write("spec.yaml", out)
    code, out, _ = run(capsys, "compile", "spec.yaml")
    assert code == 0 and canonical(json.loads(out)) == canonical(body)


@pytest.mark.parametrize("body, rule, line, column", [
    ({**minimal_body(), "applicationId": "NOT_AN_ID"}, "E1012", 2, 20),
    ({k: v for k, v in minimal_body().items() if k != "applicationId"}, "E1002", 1, 1),
    ({**minimal_body(), "rerun": 1}, "E1001", 10, 3),
    ({**minimal_body(), "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/m.py", "sparkSubmitParameters": {"class": "a.B"}}}},
     "E1003", 7, 32),
], ids=["pattern", "no-applicationId", "jobspec-key", "spec-sugar"])
def test_import_refuses_an_invalid_body_with_positions(project, capsys, body, rule, line, column):
    project.write("body.json", json.dumps(body, indent=2))
    code, out, err = run(capsys, "import", "body.json")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith(f"body.json:{line}:{column}: error {rule} ")


def test_import_missing_file_exits_2(project, capsys):
    assert run(capsys, "import", "nope.json") == (2, "", "jobspec: no such file: nope.json\n")


def test_import_of_a_folder_is_a_usage_error(project, capsys):
    (project.root / "bodies").mkdir()
    assert run(capsys, "import", "bodies") == (
        2, "", "jobspec: import takes JSON files (StartJobRun bodies); bodies is a folder\n")


# -- recover (its runs through the real engine: tests/test_recover.py) ------------------------------------------

def test_recover_needs_a_stack(project, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["recover"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "jobspec: error: the following arguments are required: --stack"


def test_recover_outside_a_pulumi_project_is_a_usage_error(project, capsys):
    code, out, err = run(capsys, "recover", "--stack", "dev", "--cwd", "jobs")
    assert (code, out, err) == (2, "", "jobspec recover: jobs is not a Pulumi project folder (no Pulumi.yaml); pass --cwd\n")


def test_recover_without_the_pulumi_cli_says_so_and_exits_1(project, capsys, monkeypatch):
    project.write("Pulumi.yaml", "name: jobs\nruntime: python\n")
    monkeypatch.setenv("PATH", str(project.root / "empty"))
    code, out, err = run(capsys, "recover", "--stack", "dev")
    assert (code, out) == (1, "")
    assert err == ("jobspec recover: stack dev: `pulumi` is not on PATH; install the Pulumi CLI (`make engine` "
                   "builds it into .tools/pulumi/bin) and run again.\n")


# -- the examples in the repository ----------------------------------------------------------------------------

def test_every_example_round_trips_through_import(project, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    for stack in (None, "dev", "prod"):
        code, out, _ = run(capsys, "compile", "jobspecs", *(["--stack", stack] if stack else []))
        assert code == 0
        for name, body in json.loads(out).items():
            if "Target" in body:  # a scheduled example: the body inside its target, as one invocation sends it
                body = {**from_sdk(json.loads(body["Target"]["Input"])), "clientToken": "execution-1"}
            path = project.root / f"{name}.json"
            path.write_text(json.dumps(body, indent=2, ensure_ascii=False))
            code, spec, err = run(capsys, "import", str(path), "--keep-client-token")
            assert (code, err) == (0, ""), name
            (project.root / f"{name}.yaml").write_text(spec)
            code, again, _ = run(capsys, "compile", str(project.root / f"{name}.yaml"))
            assert code == 0 and canonical(json.loads(again)) == canonical(body), name


# -- no traceback, whatever the input ---------------------------------------------------------------------------

NASTY = {
    "binary.yaml": b"\x00\x01\x02",
    "latin1.yaml": "name: caf\xe9\n".encode("latin-1"),
    "huge.yaml": b"name: " + b"x" * (1 << 21) + b"\n",
    "deep.yaml": b"a: " + b"[" * 500 + b"]" * 500 + b"\n",
    "bomb.yaml": b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                 b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                 b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "tag.yaml": b"name: !!python/object/apply:os.system [echo hi]\n",
    "tabs.yaml": b"a:\n\tb: 1\n",
    "list.yaml": b"- 1\n",
    "empty.yaml": b"",
    "int-flag.yaml": (SPEC + "    sparkSubmitParameters:\n      num-executors: 4\n").encode(),
    "int-key.yaml": (SPEC + "tags: {1: a, null: b, 2024-01-01: c}\n").encode(),
    "merge.yaml": b"base: &b {applicationId: x}\n<<: *b\n<<: [1]\n",
    "complex-key.yaml": b"? [a]\n: 1\n",
    "nan-policy.yaml": (SPEC + "executionIamPolicy:\n  policy: {a: .nan}\n").encode(),
    "stacks-list.yaml": (SPEC + "stacks: [dev]\n").encode(),
    "stack-scalar.yaml": (SPEC + "stacks: {dev: 1}\n").encode(),
    "null-driver.yaml": (SPEC.split("jobDriver")[0] + "jobDriver:\n").encode(),
    "bom.yaml": b"\xef\xbb\xbf" + SPEC.encode(),
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_no_traceback_for_a_broken_spec(project, capsys, name):
    project.write_bytes(name, NASTY[name])
    for argv in (["lint", name], ["lint", "--format", "json", name], ["compile", name], ["import", name]):
        code, out, err = run(capsys, *argv)
        assert code in (0, 1), (argv, code)
        assert "Traceback" not in out + err


def test_no_traceback_for_a_broken_defaults_file(project, capsys):
    project.write("jobs/_defaults.yaml", "defaults: [1]\nstacks: 3\nextra: {a: b}\n")
    project.write("jobs/a.yaml", SPEC)
    code, out, err = run(capsys, "lint", "jobs")
    assert code == 1 and "Traceback" not in out + err
    assert "jobs/_defaults.yaml:1:11: error E1003" in out


def test_the_installed_script_keeps_the_exit_codes(project):
    project.write("good.yaml", SPEC)
    project.write("bad.yaml", BAD.replace("nightly", "bad"))
    assert script("lint", "good.yaml", cwd=project.root).returncode == 0
    bad = script("lint", "bad.yaml", cwd=project.root)
    assert bad.returncode == 1 and "bad.yaml:2:16: error E1012" in bad.stdout
    missing = script("lint", "missing.yaml", cwd=project.root)
    assert missing.returncode == 2 and missing.stderr == "jobspec: no such file or folder: missing.yaml\n"
    usage = script("lint", "--format", "xml", cwd=project.root)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    compiled = script("compile", "good.yaml", cwd=project.root)
    assert compiled.returncode == 0 and json.loads(compiled.stdout)["name"] == "nightly"


def test_the_installed_script_survives_a_closed_pipe(project):
    for i in range(200):
        project.write(f"jobs/j{i:03d}.yaml", SPEC.replace("nightly", f"job-{i}"))
    proc = subprocess.Popen([str(JOBSPEC), "compile", "jobs"], cwd=project.root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == 0 and "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("jobspec ")


def test_a_spec_named_by_absolute_path_reports_defaults_absolutely(project, capsys):
    project.write("jobs/_defaults.yaml", "defaults:\n  mode: nope\n")
    project.write("jobs/a.yaml", SPEC)
    absolute = str(project.root / "jobs" / "a.yaml")
    code, out, _ = run(capsys, "lint", absolute)
    assert code == 1 and out.startswith(str(project.root / "jobs" / "_defaults.yaml") + ":2:9: error E1014")
    code, out, _ = run(capsys, "lint", "jobs/a.yaml")
    assert out.startswith("jobs/_defaults.yaml:2:9: error E1014")


def test_json_bodies_from_minimal_spec_are_specs_too(project, capsys):
    # A body is a spec: `jobspec lint` reads JSON files named .yaml as well.
    project.write("a.yaml", json.dumps({**minimal_spec(), "name": "json-spec"}))
    assert run(capsys, "lint", "a.yaml")[0] == 0
