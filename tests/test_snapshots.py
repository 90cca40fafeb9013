"""Snapshot tests, cfn-lint style: tests/fixtures/{good,bad}/**/*.yaml against tests/snapshots/.

For each fixture, ``tests/snapshots/<name>.json`` holds what ``jobspec lint --format json
<fixture>`` prints, run from the repository root (so paths are relative to it); for a
good fixture, ``<name>.compiled.json`` also holds ``jobspec compile`` of it for the base
and each stack it names. Regenerate after an intended change with

    JOBSPEC_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_snapshots.py

and review the diff like code: a snapshot is only as right as the last person who read it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from compiler.cli import main
from compiler.document import stacks_named
from compiler import loader
from conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"
SNAPSHOTS = REPO / "tests" / "snapshots"
UPDATE = os.environ.get("JOBSPEC_UPDATE_SNAPSHOTS") == "1"


def fixtures(kind: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / kind).rglob("*.yaml") if not p.name.startswith("_"))


GOOD, BAD = fixtures("good"), fixtures("bad")


def _run(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


def _check(path: Path, text: str) -> None:
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no snapshot {path.relative_to(REPO)}; create it with JOBSPEC_UPDATE_SNAPSHOTS=1 and review it")
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.relative_to(REPO)} differs (JOBSPEC_UPDATE_SNAPSHOTS=1 to accept)"


def lint_snapshot(capsys, monkeypatch, fixture: Path) -> list[dict]:
    monkeypatch.chdir(REPO)
    code, out = _run(capsys, ["lint", "--format", "json", str(fixture.relative_to(REPO))])
    findings = json.loads(out)
    assert code == (1 if any(f["severity"] == "error" for f in findings) else 0)
    _check(SNAPSHOTS / f"{fixture.stem}.json", out)
    return findings


def test_fixture_names_are_unique():
    stems = [p.stem for p in GOOD + BAD]
    assert len(stems) == len(set(stems))


def test_every_snapshot_has_its_fixture():
    names = {p.stem for p in GOOD + BAD}
    orphans = [p.name for p in SNAPSHOTS.glob("*.json") if p.name.split(".")[0] not in names]
    assert orphans == []


@pytest.mark.parametrize("fixture", GOOD, ids=[p.stem for p in GOOD])
def test_good(capsys, monkeypatch, fixture):
    assert lint_snapshot(capsys, monkeypatch, fixture) == []
    source = loader.load(fixture)
    compiled = {}
    for stack in [None, *sorted(stacks_named([source]))]:
        code, out = _run(capsys, ["compile", str(fixture.relative_to(REPO)), *(["--stack", stack] if stack else [])])
        assert code == 0
        compiled[stack or "(base)"] = json.loads(out)
    _check(SNAPSHOTS / f"{fixture.stem}.compiled.json", json.dumps(compiled, indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("fixture", BAD, ids=[str(p.relative_to(FIXTURES / "bad").with_suffix("")) for p in BAD])
def test_bad(capsys, monkeypatch, fixture):
    findings = lint_snapshot(capsys, monkeypatch, fixture)
    assert any(f["severity"] == "error" for f in findings)
    assert all(not Path(f["file"]).is_absolute() for f in findings)
