"""The PR workflow's preview step, run by bash as GitHub runs it, with a ``pulumi`` that records its calls.

The preview role is read-only: it cannot create a stack. A stack the first merge will create is
previewed as a new stack in a scratch state folder; any other failure to select the stack fails
the step instead of previewing against an empty state.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

# Records "BACKEND pulumi ARGS"; `stack select` answers as $SELECT says (exists, missing, denied).
FAKE_PULUMI = """#!/bin/bash
echo "$PULUMI_BACKEND_URL pulumi $*" >> "$CALLS"
if [ "$1 $2" = "stack select" ]; then
  case $SELECT in
    missing) echo "error: no stack named 'prod' found" >&2; exit 255 ;;
    denied) echo "error: read s3://state/.pulumi/meta.yaml: AccessDenied" >&2; exit 255 ;;
  esac
fi
"""


def _preview(tmp_path: Path, select: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pr.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"]["preview"]["steps"] if s.get("name") == "Pulumi preview"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text(FAKE_PULUMI)
    (bin_dir / "pulumi").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STACK": "prod", "PULUMI_BACKEND_URL": "s3://state",
           "RUNNER_TEMP": str(tmp_path / "runner"), "CALLS": str(tmp_path / "calls"), "SELECT": select}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=30)
    return proc, (tmp_path / "calls").read_text().splitlines()


def test_an_existing_stack_is_previewed_in_the_state_backend(tmp_path):
    proc, calls = _preview(tmp_path, "exists")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert calls == ["s3://state pulumi stack select --stack prod --non-interactive",
                     "s3://state pulumi preview --diff --stack prod --non-interactive"]


def test_a_stack_not_created_yet_is_previewed_as_new_in_a_scratch_state_folder(tmp_path):
    proc, calls = _preview(tmp_path, "missing")
    scratch = f"file://{tmp_path}/runner/pulumi-state"
    assert (proc.returncode, proc.stdout) == (
        0, "::notice::stack prod does not exist yet: previewed as a new stack (merging creates it)\n")
    assert calls == ["s3://state pulumi stack select --stack prod --non-interactive",
                     f"{scratch} pulumi stack init --stack prod --non-interactive",
                     f"{scratch} pulumi preview --diff --stack prod --non-interactive"]


def test_any_other_failure_to_select_the_stack_fails_the_step_without_a_preview(tmp_path):
    proc, calls = _preview(tmp_path, "denied")
    assert (proc.returncode, proc.stderr) == (1, "error: read s3://state/.pulumi/meta.yaml: AccessDenied\n")
    assert calls == ["s3://state pulumi stack select --stack prod --non-interactive"]
