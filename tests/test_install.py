"""``pip install jobspec`` as a user runs it: the wheel, a fresh venv, the installed command.

The core install is the command line alone (lint, compile, import, diff, schema, stacks):
at most 120 MB besides the venv's own pip and setuptools, and without the Pulumi SDK,
pulumi-aws or boto3. The ``pulumi`` extra brings the Pulumi program. Each command runs
from a folder outside the checkout with no PYTHONPATH (``installkit.clean_env``), so
what answers is the installed package, and it must answer as the checkout does.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from compiler import cli
from installkit import MB, REPO, jobspec_venv, jobspec_wheel  # noqa: F401  (pytest fixtures)

pytestmark = pytest.mark.e2e

LIMIT = 120 * MB
SPEC = "jobspecs/analytics/orders-etl.yaml"
BODY = {"applicationId": "00fkt3q8n4s5ab09", "executionRoleArn": "arn:aws:iam::123456789012:role/r",
        "name": "nightly", "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/m.py"}}}


@pytest.fixture(scope="module")
def core(jobspec_venv):
    return jobspec_venv()


@pytest.fixture
def user_project(tmp_path: Path) -> Path:
    """A repository of a team using jobspec: a copy of this one's specs and Pulumi.yaml, and one stack file."""
    project = tmp_path / "team-repo"
    shutil.copytree(REPO / "jobspecs", project / "jobspecs")
    shutil.copy(REPO / "Pulumi.yaml", project / "Pulumi.yaml")
    (project / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n", encoding="utf-8")
    (project / ".git").mkdir()  # the upward search for _defaults.yaml stops here, as in a real repository
    return project


def checkout_says(capsys, monkeypatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    """What ``jobspec ARGV`` answers from the source tree, in process, in ``cwd``."""
    monkeypatch.chdir(cwd)
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the wheel --------------------------------------------------------------------------------------------------

def test_the_wheel_holds_every_module_of_compiler_and_providers(jobspec_wheel):
    source = {p.relative_to(REPO).as_posix() for top in ("compiler", "providers") for p in (REPO / top).rglob("*.py")}
    with zipfile.ZipFile(jobspec_wheel) as wheel:
        packaged = {name for name in wheel.namelist() if name.endswith(".py")}
    assert packaged == source


def test_the_wheel_names_the_command_and_the_extras(jobspec_wheel):
    with zipfile.ZipFile(jobspec_wheel) as wheel:
        (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text, scripts = wheel.read(metadata).decode(), wheel.read(entry_points).decode()
    assert "[console_scripts]\njobspec = compiler.cli:run\n" in scripts
    assert [line for line in text.splitlines() if line.startswith("Provides-Extra:")] == [
        "Provides-Extra: pulumi", "Provides-Extra: aws", "Provides-Extra: test"]


# -- the core install -------------------------------------------------------------------------------------------

def test_pip_install_jobspec_takes_at_most_120_mb_besides_pip_and_setuptools(core):
    largest = ", ".join(f"{name} {size / MB:.1f} MB" for name, size in list(core.sizes().items())[:5])
    print(f"\njobspec (core): {core.size() / MB:.1f} MB; largest: {largest}")
    assert core.size() <= LIMIT, largest


def test_pip_install_jobspec_brings_the_model_and_no_pulumi_nor_boto3(core):
    installed = core.distributions()
    assert {"jobspec", "botocore", "pyyaml", "cerberus", "rich"} <= installed.keys()
    assert not {"pulumi", "pulumi-aws", "boto3", "grpcio"} & installed.keys()


def test_the_installed_command_imports_from_the_venv_not_from_the_checkout(core, tmp_path):
    proc = core.run("python", "-c", "import compiler, providers; print(compiler.__file__); print(providers.__file__)",
                    cwd=tmp_path)
    site = core.site_packages
    assert proc.stdout.splitlines() == [str(site / "compiler" / "__init__.py"), str(site / "providers" / "__init__.py")]


def test_installed_lint_passes_the_example_specs(core, user_project):
    proc = core.run("jobspec", "lint", "jobspecs", cwd=user_project)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "0 error(s), 0 warning(s)\n", "")


def test_installed_lint_reports_a_finding_at_its_line_and_column(core, user_project):
    (user_project / "jobspecs" / "typo.yaml").write_text(
        "name: typo\napplicationId: 00fkt3q8n4s5ab09\nexecutionRoleArn: arn:aws:iam::123456789012:role/r\n"
        "jobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/m.py\n    entryPointArgs: [x]\n", encoding="utf-8")
    proc = core.run("jobspec", "lint", "jobspecs", cwd=user_project)
    assert (proc.returncode, proc.stdout) == (1, (
        "jobspecs/typo.yaml:7:5: error E1001 jobDriver.sparkSubmit.entryPointArgs: unknown key 'entryPointArgs' in "
        "jobDriver.sparkSubmit; did you mean 'entryPointArguments'?\n1 error(s), 0 warning(s)\n"))


def test_installed_compile_prints_the_body_the_checkout_prints(core, user_project, capsys, monkeypatch):
    proc = core.run("jobspec", "compile", SPEC, "--stack", "dev", cwd=user_project)
    assert (proc.returncode, proc.stdout, proc.stderr) == checkout_says(capsys, monkeypatch, user_project,
                                                                       "compile", SPEC, "--stack", "dev")
    body = json.loads(proc.stdout)
    assert (body["name"], body["retryPolicy"]) == ("orders-etl", {"maxAttempts": 2})


def test_installed_schema_is_the_schema_in_the_repository(core, tmp_path):
    proc = core.run("jobspec", "schema", cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == json.loads((REPO / "schema" / "jobspec.schema.json").read_text(encoding="utf-8"))


def test_installed_stacks_lists_the_stack_files(core, user_project, capsys, monkeypatch):
    proc = core.run("jobspec", "stacks", cwd=user_project)
    assert (proc.returncode, proc.stdout) == (0, "dev  jobspecs  Pulumi.yaml:10:12, the project's default\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == checkout_says(capsys, monkeypatch, user_project, "stacks")


def test_installed_diff_of_two_folders_says_what_the_checkout_says(core, user_project, tmp_path, capsys, monkeypatch):
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(user_project / "jobspecs", base / "jobspecs")
    shutil.copytree(user_project / "jobspecs", head / "jobspecs")
    spec = head / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("maxAttempts: 2", "maxAttempts: 3"), encoding="utf-8")
    proc = core.run("jobspec", "diff", "base", "head", cwd=tmp_path)
    assert "    retryPolicy.maxAttempts: 2 → 3\n" in proc.stdout
    assert (proc.returncode, proc.stdout, proc.stderr) == checkout_says(capsys, monkeypatch, tmp_path,
                                                                       "diff", "base", "head")


def test_installed_import_turns_a_request_body_into_a_spec(core, tmp_path):
    (tmp_path / "body.json").write_text(json.dumps(BODY), encoding="utf-8")
    proc = core.run("jobspec", "import", "body.json", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, (
        "# Imported by `jobspec import` from body.json\napplicationId: 00fkt3q8n4s5ab09\n"
        "executionRoleArn: arn:aws:iam::123456789012:role/r\nname: nightly\njobDriver:\n  sparkSubmit:\n"
        "    entryPoint: s3://b/m.py\n"))


def test_installed_recover_without_the_pulumi_extra_says_which_extra_to_install(core, user_project):
    proc = core.run("jobspec", "recover", "--stack", "dev", cwd=user_project)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2, "", "jobspec recover needs the Pulumi extra: pip install 'jobspec[pulumi]'\n")


# -- the pulumi extra -------------------------------------------------------------------------------------------

def test_the_pulumi_extra_brings_the_pulumi_program_without_pulumi_aws(jobspec_venv, tmp_path):
    venv = jobspec_venv("pulumi")
    print(f"\njobspec[pulumi]: {venv.size() / MB:.1f} MB")
    installed = venv.distributions()
    assert "pulumi" in installed and not {"pulumi-aws", "boto3"} & installed.keys()  # clients are botocore's
    proc = venv.run("python", "-c", "import providers.program, providers.recover", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_a_stack_declaring_applications_without_the_aws_extra_is_told_to_install_it(jobspec_venv, tmp_path):
    code = ("from providers.infra import Infra\ntry:\n    Infra({'etl': {'releaseLabel': 'emr-7.5.0'}}, None)\n"
            "except Exception as error:\n    print(type(error).__name__, error)\n")
    proc = jobspec_venv("pulumi").run("python", "-c", code, cwd=tmp_path)
    assert proc.stdout == ("RunError jobspec: this stack declares jobspec:applications or jobspec:roles, which need "
                           "pulumi-aws: pip install 'jobspec[aws]'\n")
