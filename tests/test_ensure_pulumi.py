"""tools/ensure-pulumi.sh runs the pinned Pulumi CLI, whatever else is on PATH.

GitHub's runner images carry a current ``pulumi``; a ``pulumi`` on PATH is used only when it
reports the version tools/pulumi/go.mod pins. Each test runs the script from a copy of its
folder (so the real ``.tools`` build is never touched) with stubs for ``pulumi`` and for ``go``:
the stub ``go`` records its calls and "builds" a ``pulumi`` printing the version it is given,
in milliseconds instead of the real build's minutes (that build runs in ``make engine``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PINNED = re.search(r"^\s*github\.com/pulumi/pulumi/pkg/v3 (v\S+)", (REPO / "tools/pulumi/go.mod").read_text(),
                   re.MULTILINE).group(1)

FAKE_GO = """#!/bin/bash
# go list -m ... | go install ... PKG | go mod download -json MOD, as ensure-pulumi.sh calls them.
printf '%s\\n' "$*" >> "$GO_CALLS"
case "$1" in
  list) echo "$FAKE_VERSION" ;;
  install) pkg=${!#}; printf '#!/bin/sh\\necho %s\\n' "$FAKE_VERSION" > "$GOBIN/${pkg##*/}"; chmod +x "$GOBIN/${pkg##*/}" ;;
  mod) printf '{\\n\\t"Dir": "%s",\\n}\\n' "$FAKE_SDK" ;;
esac
"""


def _stub(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The script and the go.mod/go.sum files it reads, in a folder of their own."""
    root = tmp_path / "project"
    for rel in ("tools/ensure-pulumi.sh", "tools/pulumi/go.mod", "tools/pulumi/go.sum",
                "tools/pulumi/language-python/go.mod", "tools/pulumi/language-python/go.sum"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / rel, root / rel)
    sdk = tmp_path / "sdk"
    _stub(sdk / "python/cmd/pulumi-language-python-exec", "#!/bin/sh\n")
    _stub(sdk / "python/dist/pulumi-resource-pulumi-python", "#!/bin/sh\n")
    return root


def _run(project: Path, path_pulumi_version: str) -> tuple[subprocess.CompletedProcess, Path, list[str]]:
    tmp = project.parent
    on_path = tmp / "runner-bin"
    _stub(on_path / "pulumi", f"#!/bin/sh\necho {path_pulumi_version}\n")
    _stub(on_path / "pulumi-language-python", "#!/bin/sh\n")
    go = _stub(tmp / "go-stub" / "go", FAKE_GO)
    calls = tmp / "go-calls"
    env = {"PATH": f"{on_path}:/usr/bin:/bin", "GO": str(go), "GO_CALLS": str(calls), "FAKE_VERSION": PINNED,
           "FAKE_SDK": str(tmp / "sdk")}
    proc = subprocess.run(["bash", str(project / "tools/ensure-pulumi.sh")], env=env, capture_output=True, text=True,
                          timeout=60)
    return proc, on_path, calls.read_text().splitlines() if calls.exists() else []


def test_a_pulumi_on_path_of_another_version_is_not_used_the_pinned_one_is_built(project):
    proc, on_path, go_calls = _run(project, "v3.100.0")
    bin_dir = project / ".tools/pulumi/bin"
    assert (proc.returncode, proc.stdout) == (0, f"{bin_dir}\n"), proc.stderr
    assert proc.stderr.splitlines()[0] == (
        f"ensure-pulumi: not using pulumi on PATH ({on_path}/pulumi is v3.100.0, the pin is {PINNED})")
    assert [c.split()[-1] for c in go_calls if c.startswith("install ")] == [
        "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"]
    assert subprocess.run([bin_dir / "pulumi", "version"], capture_output=True, text=True,
                          timeout=10).stdout == f"{PINNED}\n"


def test_the_pinned_build_once_made_is_reported_without_building_again(project):
    _run(project, "v3.100.0")
    (project.parent / "go-calls").unlink()
    proc, _, go_calls = _run(project, "v3.100.0")
    assert (proc.returncode, proc.stdout, go_calls) == (0, f"{project}/.tools/pulumi/bin\n", [])
    assert proc.stderr.splitlines()[1] == f"ensure-pulumi: up to date: {project}/.tools/pulumi/bin"


def test_a_pulumi_on_path_of_the_pinned_version_is_used_as_it_is(project):
    proc, on_path, go_calls = _run(project, PINNED)
    assert (proc.returncode, proc.stdout, go_calls) == (0, f"{on_path}\n", [])
    assert proc.stderr == f"ensure-pulumi: using pulumi {PINNED} found on PATH: {on_path}/pulumi\n"
