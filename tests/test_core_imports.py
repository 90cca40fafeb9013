"""The command line never loads the Pulumi SDK, pulumi-aws or boto3: ``pip install jobspec`` has none of them.

tests/test_install.py holds the installed command to it in a venv without them (e2e);
this is the quick check of the same promise for the fast suite: each command runs in a
fresh interpreter of the test environment (where the extras are installed) and prints
which of those modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from installkit import clean_env

EXTRA_MODULES = ("pulumi", "pulumi_aws", "boto3")
COMMANDS = [["lint", "jobspecs"], ["compile", "jobspecs/a.yaml"], ["schema"], ["stacks"], ["diff", "base", "head"],
            ["import", "body.json"], ["--version"]]
#: Runs each command in turn in one interpreter (one botocore load, not seven) and prints, per command, its exit
#: code and the extras' modules loaded so far.
PROBE = """\
import contextlib, io, json, sys
sys.path.insert(0, sys.argv[1])
from compiler.cli import main
for argv in json.loads(sys.argv[2]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exit:  # --version
            code = exit.code
    print(json.dumps([argv, code, sorted(m for m in sys.modules if m.split(".")[0] in {extra})]))
""".replace("{extra}", repr(set(EXTRA_MODULES)))
BODY = {"applicationId": "00fkt3q8n4s5ab09", "executionRoleArn": "arn:aws:iam::123456789012:role/r",
        "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/m.py"}}}


@pytest.fixture
def team(tmp_path: Path) -> Path:
    for side in ("", "base/", "head/"):
        (tmp_path / side / "jobspecs").mkdir(parents=True, exist_ok=True)
        (tmp_path / side / "jobspecs" / "a.yaml").write_text(json.dumps({"name": "a", **BODY}), encoding="utf-8")
    (tmp_path / "Pulumi.yaml").write_text("name: team\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n", encoding="utf-8")
    (tmp_path / "body.json").write_text(json.dumps(BODY), encoding="utf-8")
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_no_command_of_the_command_line_loads_a_module_of_the_pulumi_extras(team):
    proc = subprocess.run([sys.executable, "-c", PROBE, str(REPO), json.dumps(COMMANDS)], cwd=team,
                          capture_output=True, text=True, env=clean_env(), timeout=120)
    assert proc.stderr == ""
    assert [json.loads(line) for line in proc.stdout.splitlines()] == [[argv, 0, []] for argv in COMMANDS]
