"""``jobspec diff`` on a renamed job: one job under a new name, not a stop and a start.

A job's identity is its job name (``name``, else the file name). Each test builds a
two-commit git repository below ``tmp_path`` (see ``test_diff.make_repo``) and checks the
exact output of ``jobspec diff HEAD~1 HEAD`` in each format:

- renamed with ``previousNames`` (``pulumi up`` aliases the old name): the same job; it
  restarts only when the request body changed, and with ``deploy.stopBeforeStart`` the old
  run is cancelled first;
- renamed without it (same spec file with a new ``name:``, or the same body under a new
  file name): a stop and a start, so the new run starts before the old one is cancelled;
  the output says how to keep the same job, and warns when ``stopBeforeStart`` is set.

Expected client tokens are derived here from the documented inputs (job name, stack,
``rerun``, the body without tags), not read back from the output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.compile import derive_client_token
from test_diff import git, jobspec, make_repo

APP = "00fkt3q8n4s5ab09"
ROLE = "arn:aws:iam::123456789012:role/emr-serverless-job-dev"
DEFAULTS = f"defaults:\n  applicationId: {APP}\n  executionRoleArn: {ROLE}\n"

NIGHTLY = """\
jobDriver:
  sparkSubmit:
    entryPoint: s3://acme-jobs/nightly.py
"""
NIGHTLY_BODY = {"applicationId": APP, "executionRoleArn": ROLE,
                "jobDriver": {"sparkSubmit": {"entryPoint": "s3://acme-jobs/nightly.py"}}}


def stream(name: str, previous: str | None = None) -> str:
    """A streaming job that must never run twice (one checkpoint): ``stopBeforeStart``."""
    return (f"name: {name}\n" + (f"previousNames: [{previous}]\n" if previous else "") + """\
mode: STREAMING
jobDriver:
  sparkSubmit:
    entryPoint: s3://acme-jobs/clicks.py
deploy:
  stopBeforeStart: true
""")


def stream_body(name: str) -> dict[str, Any]:
    return {"applicationId": APP, "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://acme-jobs/clicks.py"}},
            "name": name, "mode": "STREAMING"}


def etl(name: str) -> str:
    return f"name: {name}\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://acme-jobs/etl.py\n"


def etl_body(name: str) -> dict[str, Any]:
    return {"applicationId": APP, "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://acme-jobs/etl.py"}}, "name": name}


def token(name: str, body: dict[str, Any]) -> str:
    return derive_client_token(name, None, body)


def repo_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: dict[str, str],
              head: dict[str, str | None]) -> dict[str, str]:
    """The repository (current folder) and the labels of its two commits, for the expected text."""
    root = make_repo(tmp_path / "repo", {"jobspecs/_defaults.yaml": DEFAULTS, **base}, head)
    monkeypatch.chdir(root)
    base_commit, head_commit = git(root, "rev-parse", "HEAD~1", "HEAD").split()
    return {"base": f"HEAD~1 ({base_commit[:7]})", "head": f"HEAD ({head_commit[:7]})",
            "base_commit": base_commit, "head_commit": head_commit}


def run(capsys: pytest.CaptureFixture, fmt: str) -> tuple[str, str]:
    code, out, err = jobspec(capsys, "HEAD~1", "HEAD", "--format", fmt)
    assert code == 0
    return out, err


def text_heading(sides: dict[str, str]) -> str:
    return f"jobspec diff {sides['base']} → {sides['head']}, no stack (base specs), specs in jobspecs\n"


def markdown_heading(sides: dict[str, str], summary: str) -> str:
    return ("<!-- jobspec-diff -->\n### jobspec diff: base specs (no stack)\n\n"
            f"**{summary}** (0 unchanged)\n\n`{sides['base']}` → `{sides['head']}`, specs in `jobspecs`\n\n")


def json_report(sides: dict[str, str], jobs: list[dict], summary: dict[str, int],
                warnings: list[str] | None = None) -> dict[str, Any]:
    return {"base": {"ref": "HEAD~1", "commit": sides["base_commit"]},
            "head": {"ref": "HEAD", "commit": sides["head_commit"]},
            "stack": None, "specs": "jobspecs", "warnings": warnings or [], "jobs": jobs,
            "summary": {"start": 0, "restart": 0, "update": 0, "stop": 0, "rename": 0, "unchanged": 0, **summary}}


def token_change(before: str, after: str) -> dict[str, Any]:
    return {"path": "clientToken", "before": before, "after": after, "sensitive": False, "derived": True}


def name_change(before: str, after: str) -> dict[str, Any]:
    return {"path": "name", "before": before, "after": after, "sensitive": False, "derived": False}


def no_stop_before_start() -> dict[str, bool]:
    return {"base": False, "head": False}


# -- renamed with previousNames, the body unchanged: the run goes on ------------------------------------

@pytest.fixture
def aliased(tmp_path, monkeypatch) -> dict[str, str]:
    """``nightly.yaml`` (no ``name:``) renamed to ``nightly-orders.yaml`` that lists ``previousNames: [nightly]``."""
    return repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": NIGHTLY},
                     {"jobspecs/nightly.yaml": None,
                      "jobspecs/nightly-orders.yaml": NIGHTLY + "previousNames: [nightly]\n"})


ALIASED_TOKENS = token("nightly", NIGHTLY_BODY), token("nightly-orders", NIGHTLY_BODY)


def test_text_a_rename_with_previous_names_and_the_same_body_keeps_the_run(aliased, capsys):
    out, err = run(capsys, "text")
    assert err == ""
    assert out == text_heading(aliased) + (
        "> rename   nightly → nightly-orders (jobspecs/nightly.yaml → jobspecs/nightly-orders.yaml): "
        "the same job (previousNames), the run goes on\n"
        f'    clientToken (derived): "{ALIASED_TOKENS[0]}" → "{ALIASED_TOKENS[1]}"\n'
        "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (0 restarts); 0 unchanged\n")


def test_markdown_a_rename_with_previous_names_and_the_same_body_keeps_the_run(aliased, capsys):
    out, _ = run(capsys, "markdown")
    assert out == markdown_heading(aliased, "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (0 restarts)") + (
        "| action | job | spec | effect |\n|---|---|---|---|\n"
        "| **rename** | `nightly` → `nightly-orders` | `jobspecs/nightly.yaml` → `jobspecs/nightly-orders.yaml` "
        "| the same job (previousNames), the run goes on |\n\n"
        "#### rename `nightly` → `nightly-orders`\n\n"
        "| field | before | after |\n|---|---|---|\n"
        f'| `clientToken` *(derived)* | `"{ALIASED_TOKENS[0]}"` | `"{ALIASED_TOKENS[1]}"` |\n')


def test_json_a_rename_with_previous_names_and_the_same_body_keeps_the_run(aliased, capsys):
    out, _ = run(capsys, "json")
    assert json.loads(out) == json_report(aliased, [{
        "name": "nightly-orders", "action": "rename", "file": "jobspecs/nightly-orders.yaml",
        "changes": [token_change(*ALIASED_TOKENS)],
        "rename": {"from": "nightly", "fromFile": "jobspecs/nightly.yaml", "matchedBy": "previousNames",
                   "restarts": False, "order": None, "withPreviousNames": "none",
                   "stopBeforeStart": no_stop_before_start(), "advice": None},
    }], {"rename": 1})


# -- renamed with previousNames and a body change: one restart, the old run cancelled first --------------

@pytest.fixture
def aliased_restart(tmp_path, monkeypatch) -> dict[str, str]:
    """``name: clicks-stream`` becomes ``clicks-ingest`` with ``previousNames``; ``name`` is a body member."""
    return repo_with(tmp_path, monkeypatch, {"jobspecs/stream.yaml": stream("clicks-stream")},
                     {"jobspecs/stream.yaml": stream("clicks-ingest", previous="clicks-stream")})


STREAM_TOKENS = token("clicks-stream", stream_body("clicks-stream")), token("clicks-ingest", stream_body("clicks-ingest"))


def test_text_a_rename_with_previous_names_and_a_body_change_restarts_cancelling_first(aliased_restart, capsys):
    out, err = run(capsys, "text")
    assert err == ""
    assert out == text_heading(aliased_restart) + (
        "> rename   clicks-stream → clicks-ingest (jobspecs/stream.yaml): the same job (previousNames), "
        "a new run replaces the current one; stopBeforeStart: the old run is cancelled first\n"
        '    name: "clicks-stream" → "clicks-ingest"\n'
        f'    clientToken (derived): "{STREAM_TOKENS[0]}" → "{STREAM_TOKENS[1]}"\n'
        "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart); 0 unchanged\n")


def test_markdown_a_rename_with_previous_names_and_a_body_change_restarts_cancelling_first(aliased_restart, capsys):
    out, _ = run(capsys, "markdown")
    assert out == markdown_heading(aliased_restart, "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart)") + (
        "| action | job | spec | effect |\n|---|---|---|---|\n"
        "| **rename** | `clicks-stream` → `clicks-ingest` | `jobspecs/stream.yaml` "
        "| the same job (previousNames), a new run replaces the current one; "
        "stopBeforeStart: the old run is cancelled first |\n\n"
        "#### rename `clicks-stream` → `clicks-ingest`\n\n"
        "| field | before | after |\n|---|---|---|\n"
        '| `name` | `"clicks-stream"` | `"clicks-ingest"` |\n'
        f'| `clientToken` *(derived)* | `"{STREAM_TOKENS[0]}"` | `"{STREAM_TOKENS[1]}"` |\n')


def test_json_a_rename_with_previous_names_and_a_body_change_restarts_cancelling_first(aliased_restart, capsys):
    out, _ = run(capsys, "json")
    assert json.loads(out) == json_report(aliased_restart, [{
        "name": "clicks-ingest", "action": "rename", "file": "jobspecs/stream.yaml",
        "changes": [name_change("clicks-stream", "clicks-ingest"), token_change(*STREAM_TOKENS)],
        "rename": {"from": "clicks-stream", "fromFile": "jobspecs/stream.yaml", "matchedBy": "previousNames",
                   "restarts": True, "order": "cancel-then-start", "withPreviousNames": "restart",
                   "stopBeforeStart": {"base": True, "head": True}, "advice": None},
    }], {"rename": 1})


# -- a spec file renamed, no name: and no previousNames: the same body, a stop and a start ---------------

@pytest.fixture
def moved(tmp_path, monkeypatch) -> dict[str, str]:
    """``nightly.yaml`` moved to ``nightly-orders.yaml`` as it was: its job name (the file name) changes."""
    return repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": NIGHTLY},
                     {"jobspecs/nightly.yaml": None, "jobspecs/nightly-orders.yaml": NIGHTLY})


MOVED_ADVICE = "add previousNames: [nightly] to jobspecs/nightly-orders.yaml to keep it the same job: then the run goes on"


def test_text_a_moved_spec_without_previous_names_restarts_and_says_how_to_avoid_it(moved, capsys):
    out, err = run(capsys, "text")
    assert err == ""
    assert out == text_heading(moved) + (
        "> rename   nightly → nightly-orders (jobspecs/nightly.yaml → jobspecs/nightly-orders.yaml): "
        "renamed without previousNames (same body): stop + start, the new run starts before the old one is cancelled\n"
        f"    {MOVED_ADVICE}\n"
        f'    clientToken (derived): "{ALIASED_TOKENS[0]}" → "{ALIASED_TOKENS[1]}"\n'
        "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart); 0 unchanged\n")


def test_markdown_a_moved_spec_without_previous_names_restarts_and_says_how_to_avoid_it(moved, capsys):
    out, _ = run(capsys, "markdown")
    assert out == markdown_heading(moved, "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart)") + (
        "| action | job | spec | effect |\n|---|---|---|---|\n"
        "| **rename** | `nightly` → `nightly-orders` | `jobspecs/nightly.yaml` → `jobspecs/nightly-orders.yaml` "
        "| renamed without previousNames (same body): stop + start, "
        "the new run starts before the old one is cancelled |\n\n"
        "#### rename `nightly` → `nightly-orders`\n\n"
        "Add `previousNames: [nightly]` to `jobspecs/nightly-orders.yaml` to keep it the same job: "
        "then the run goes on.\n\n"
        "| field | before | after |\n|---|---|---|\n"
        f'| `clientToken` *(derived)* | `"{ALIASED_TOKENS[0]}"` | `"{ALIASED_TOKENS[1]}"` |\n')


def test_json_a_moved_spec_without_previous_names_restarts_and_says_how_to_avoid_it(moved, capsys):
    out, _ = run(capsys, "json")
    assert json.loads(out) == json_report(moved, [{
        "name": "nightly-orders", "action": "rename", "file": "jobspecs/nightly-orders.yaml",
        "changes": [token_change(*ALIASED_TOKENS)],
        "rename": {"from": "nightly", "fromFile": "jobspecs/nightly.yaml", "matchedBy": "sameBody",
                   "restarts": True, "order": "start-then-cancel", "withPreviousNames": "none",
                   "stopBeforeStart": no_stop_before_start(), "advice": MOVED_ADVICE},
    }], {"rename": 1})


# -- name: changed in the same file, no previousNames --------------------------------------------------

@pytest.fixture
def renamed_in_place(tmp_path, monkeypatch) -> dict[str, str]:
    return repo_with(tmp_path, monkeypatch, {"jobspecs/etl.yaml": etl("orders-etl")},
                     {"jobspecs/etl.yaml": etl("orders-etl-v2")})


ETL_TOKENS = token("orders-etl", etl_body("orders-etl")), token("orders-etl-v2", etl_body("orders-etl-v2"))
ETL_ADVICE = ("add previousNames: [orders-etl] to jobspecs/etl.yaml to keep it the same job: "
              "then a new run replaces the current one")


def test_text_a_name_changed_in_its_file_without_previous_names_is_a_rename_that_restarts(renamed_in_place, capsys):
    out, err = run(capsys, "text")
    assert err == ""
    assert out == text_heading(renamed_in_place) + (
        "> rename   orders-etl → orders-etl-v2 (jobspecs/etl.yaml): renamed without previousNames (same spec file): "
        "stop + start, the new run starts before the old one is cancelled\n"
        f"    {ETL_ADVICE}\n"
        '    name: "orders-etl" → "orders-etl-v2"\n'
        f'    clientToken (derived): "{ETL_TOKENS[0]}" → "{ETL_TOKENS[1]}"\n'
        "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart); 0 unchanged\n")


def test_markdown_a_name_changed_in_its_file_without_previous_names_is_a_rename_that_restarts(renamed_in_place, capsys):
    out, _ = run(capsys, "markdown")
    assert out == markdown_heading(renamed_in_place, "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart)") + (
        "| action | job | spec | effect |\n|---|---|---|---|\n"
        "| **rename** | `orders-etl` → `orders-etl-v2` | `jobspecs/etl.yaml` "
        "| renamed without previousNames (same spec file): stop + start, "
        "the new run starts before the old one is cancelled |\n\n"
        "#### rename `orders-etl` → `orders-etl-v2`\n\n"
        "Add `previousNames: [orders-etl]` to `jobspecs/etl.yaml` to keep it the same job: "
        "then a new run replaces the current one.\n\n"
        "| field | before | after |\n|---|---|---|\n"
        '| `name` | `"orders-etl"` | `"orders-etl-v2"` |\n'
        f'| `clientToken` *(derived)* | `"{ETL_TOKENS[0]}"` | `"{ETL_TOKENS[1]}"` |\n')


def test_json_a_name_changed_in_its_file_without_previous_names_is_a_rename_that_restarts(renamed_in_place, capsys):
    out, _ = run(capsys, "json")
    assert json.loads(out) == json_report(renamed_in_place, [{
        "name": "orders-etl-v2", "action": "rename", "file": "jobspecs/etl.yaml",
        "changes": [name_change("orders-etl", "orders-etl-v2"), token_change(*ETL_TOKENS)],
        "rename": {"from": "orders-etl", "fromFile": "jobspecs/etl.yaml", "matchedBy": "sameFile",
                   "restarts": True, "order": "start-then-cancel", "withPreviousNames": "restart",
                   "stopBeforeStart": no_stop_before_start(), "advice": ETL_ADVICE},
    }], {"rename": 1})


# -- a stopBeforeStart job renamed without previousNames: a warning ------------------------------------

@pytest.fixture
def unaliased_stream(tmp_path, monkeypatch) -> dict[str, str]:
    return repo_with(tmp_path, monkeypatch, {"jobspecs/stream.yaml": stream("clicks-stream")},
                     {"jobspecs/stream.yaml": stream("clicks-ingest")})


WARNING = ("clicks-stream → clicks-ingest (jobspecs/stream.yaml): deploy.stopBeforeStart is set, but renamed "
           "without previousNames the new run starts before the old one is cancelled; "
           "add previousNames: [clicks-stream] to jobspecs/stream.yaml")
STREAM_ADVICE = ("add previousNames: [clicks-stream] to jobspecs/stream.yaml to keep it the same job: "
                 "then a new run replaces the current one, the old run cancelled first")


def test_text_a_stop_before_start_job_renamed_without_previous_names_is_warned_about(unaliased_stream, capsys):
    out, err = run(capsys, "text")
    assert err == f"jobspec: warning: {WARNING}\n"
    assert out == text_heading(unaliased_stream) + (
        f"warning: {WARNING}\n"
        "> rename   clicks-stream → clicks-ingest (jobspecs/stream.yaml): renamed without previousNames "
        "(same spec file): stop + start, the new run starts before the old one is cancelled\n"
        f"    {STREAM_ADVICE}\n"
        '    name: "clicks-stream" → "clicks-ingest"\n'
        f'    clientToken (derived): "{STREAM_TOKENS[0]}" → "{STREAM_TOKENS[1]}"\n'
        "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart); 0 unchanged\n")


def test_markdown_a_stop_before_start_job_renamed_without_previous_names_is_warned_about(unaliased_stream, capsys):
    out, err = run(capsys, "markdown")
    assert err == f"jobspec: warning: {WARNING}\n"
    assert out == markdown_heading(unaliased_stream, "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart)") + (
        "> **Warning:** `clicks-stream` → `clicks-ingest` (`jobspecs/stream.yaml`): `deploy.stopBeforeStart` is set, "
        "but renamed without `previousNames` the new run starts before the old one is cancelled; "
        "add `previousNames: [clicks-stream]` to `jobspecs/stream.yaml`.\n\n"
        "| action | job | spec | effect |\n|---|---|---|---|\n"
        "| **rename** | `clicks-stream` → `clicks-ingest` | `jobspecs/stream.yaml` "
        "| renamed without previousNames (same spec file): stop + start, "
        "the new run starts before the old one is cancelled |\n\n"
        "#### rename `clicks-stream` → `clicks-ingest`\n\n"
        "Add `previousNames: [clicks-stream]` to `jobspecs/stream.yaml` to keep it the same job: "
        "then a new run replaces the current one, the old run cancelled first.\n\n"
        "| field | before | after |\n|---|---|---|\n"
        '| `name` | `"clicks-stream"` | `"clicks-ingest"` |\n'
        f'| `clientToken` *(derived)* | `"{STREAM_TOKENS[0]}"` | `"{STREAM_TOKENS[1]}"` |\n')


def test_json_a_stop_before_start_job_renamed_without_previous_names_is_warned_about(unaliased_stream, capsys):
    out, err = run(capsys, "json")
    assert err == f"jobspec: warning: {WARNING}\n"
    assert json.loads(out) == json_report(unaliased_stream, [{
        "name": "clicks-ingest", "action": "rename", "file": "jobspecs/stream.yaml",
        "changes": [name_change("clicks-stream", "clicks-ingest"), token_change(*STREAM_TOKENS)],
        "rename": {"from": "clicks-stream", "fromFile": "jobspecs/stream.yaml", "matchedBy": "sameFile",
                   "restarts": True, "order": "start-then-cancel", "withPreviousNames": "restart",
                   "stopBeforeStart": {"base": True, "head": True}, "advice": STREAM_ADVICE},
    }], {"rename": 1}, warnings=[WARNING])


# -- two candidates: the first HEAD job by name takes the rename ---------------------------------------

@pytest.fixture
def two_copies(tmp_path, monkeypatch) -> dict[str, str]:
    """``nightly.yaml`` replaced by two copies of itself, ``nightly-us.yaml`` and ``nightly-eu.yaml``."""
    return repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": NIGHTLY},
                     {"jobspecs/nightly.yaml": None, "jobspecs/nightly-us.yaml": NIGHTLY,
                      "jobspecs/nightly-eu.yaml": NIGHTLY})


EU_TOKEN, US_TOKEN = token("nightly-eu", NIGHTLY_BODY), token("nightly-us", NIGHTLY_BODY)
EU_ADVICE = "add previousNames: [nightly] to jobspecs/nightly-eu.yaml to keep it the same job: then the run goes on"


def test_text_of_two_equal_candidates_the_first_by_name_is_the_rename(two_copies, capsys):
    out, err = run(capsys, "text")
    assert err == ""
    assert out == text_heading(two_copies) + (
        "+ start    nightly-us (jobspecs/nightly-us.yaml): starts a new run\n"
        f'    applicationId: (absent) → "{APP}"\n'
        f'    executionRoleArn: (absent) → "{ROLE}"\n'
        '    jobDriver: (absent) → {"sparkSubmit": {"entryPoint": "s3://acme-jobs/nightly.py"}}\n'
        f'    clientToken (derived): (absent) → "{US_TOKEN}"\n'
        "> rename   nightly → nightly-eu (jobspecs/nightly.yaml → jobspecs/nightly-eu.yaml): "
        "renamed without previousNames (same body): stop + start, the new run starts before the old one is cancelled\n"
        f"    {EU_ADVICE}\n"
        f'    clientToken (derived): "{ALIASED_TOKENS[0]}" → "{EU_TOKEN}"\n'
        "1 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart); 0 unchanged\n")


def test_markdown_of_two_equal_candidates_the_first_by_name_is_the_rename(two_copies, capsys):
    out, _ = run(capsys, "markdown")
    assert out == markdown_heading(two_copies, "1 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (1 restart)") + (
        "| action | job | spec | effect |\n|---|---|---|---|\n"
        "| **start** | `nightly-us` | `jobspecs/nightly-us.yaml` | starts a new run |\n"
        "| **rename** | `nightly` → `nightly-eu` | `jobspecs/nightly.yaml` → `jobspecs/nightly-eu.yaml` "
        "| renamed without previousNames (same body): stop + start, "
        "the new run starts before the old one is cancelled |\n\n"
        "#### start `nightly-us`\n\n"
        "| field | before | after |\n|---|---|---|\n"
        f'| `applicationId` | *(absent)* | `"{APP}"` |\n'
        f'| `executionRoleArn` | *(absent)* | `"{ROLE}"` |\n'
        "| `jobDriver` | *(absent)* | `{\"sparkSubmit\": {\"entryPoint\": \"***\"}}` |\n"
        f'| `clientToken` *(derived)* | *(absent)* | `"{US_TOKEN}"` |\n\n'
        "#### rename `nightly` → `nightly-eu`\n\n"
        "Add `previousNames: [nightly]` to `jobspecs/nightly-eu.yaml` to keep it the same job: "
        "then the run goes on.\n\n"
        "| field | before | after |\n|---|---|---|\n"
        f'| `clientToken` *(derived)* | `"{ALIASED_TOKENS[0]}"` | `"{EU_TOKEN}"` |\n\n'
        "Values the AWS API marks sensitive are shown as *(sensitive)*; `jobspec diff` in a terminal shows them.\n")


def test_json_of_two_equal_candidates_the_first_by_name_is_the_rename(two_copies, capsys):
    out, _ = run(capsys, "json")
    report = json.loads(out)
    assert [(job["action"], job["name"], job.get("rename", {}).get("from")) for job in report["jobs"]] == [
        ("start", "nightly-us", None), ("rename", "nightly-eu", "nightly")]
    assert report["jobs"][1]["rename"] == {
        "from": "nightly", "fromFile": "jobspecs/nightly.yaml", "matchedBy": "sameBody", "restarts": True,
        "order": "start-then-cancel", "withPreviousNames": "none", "stopBeforeStart": no_stop_before_start(),
        "advice": EU_ADVICE}
    assert (report["summary"], report["warnings"]) == (
        {"start": 1, "restart": 0, "update": 0, "stop": 0, "rename": 1, "unchanged": 0}, [])


# -- what decides a rename's effect, and which jobs pair -----------------------------------------------

def renames(capsys: pytest.CaptureFixture) -> list[tuple[str, str, str, dict]]:
    """``(action, name, from, rename)`` of each listed job (the JSON report)."""
    report = json.loads(run(capsys, "json")[0])
    return [(job["action"], job["name"], job.get("rename", {}).get("from"), job.get("rename"))
            for job in report["jobs"]]


def test_a_rename_with_previous_names_and_only_a_tag_change_updates_in_place(tmp_path, monkeypatch, capsys):
    repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": NIGHTLY},
              {"jobspecs/nightly.yaml": None,
               "jobspecs/nightly-orders.yaml": NIGHTLY + "previousNames: [nightly]\ntags: {owner: bob}\n"})
    ((_, _, _, rename),) = renames(capsys)
    assert (rename["restarts"], rename["withPreviousNames"], rename["order"]) == (False, "update", None)
    out, _ = run(capsys, "text")
    assert ("> rename   nightly → nightly-orders (jobspecs/nightly.yaml → jobspecs/nightly-orders.yaml): "
            "the same job (previousNames), tags change in place, the run goes on") in out.splitlines()


def test_a_rename_with_previous_names_and_a_rerun_bump_restarts(tmp_path, monkeypatch, capsys):
    """The new clientToken comes from ``rerun`` too, not from the name alone: a new run."""
    repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": NIGHTLY},
              {"jobspecs/nightly.yaml": None,
               "jobspecs/nightly-orders.yaml": NIGHTLY + "previousNames: [nightly]\nrerun: 2\n"})
    report = json.loads(run(capsys, "json")[0])
    (job,) = report["jobs"]
    assert (job["rename"]["restarts"], job["rename"]["withPreviousNames"], job["rerun"]) == (
        True, "restart", {"before": None, "after": 2})


def test_a_rename_with_previous_names_without_stop_before_start_starts_the_new_run_first(tmp_path, monkeypatch, capsys):
    repo_with(tmp_path, monkeypatch, {"jobspecs/etl.yaml": etl("orders-etl")},
              {"jobspecs/etl.yaml": etl("orders-etl-v2") + "previousNames: [orders-etl]\n"})
    ((_, _, _, rename),) = renames(capsys)
    assert (rename["restarts"], rename["order"], rename["advice"]) == (True, "start-then-cancel", None)
    out, err = run(capsys, "text")
    assert err == ""
    assert ("> rename   orders-etl → orders-etl-v2 (jobspecs/etl.yaml): the same job (previousNames), "
            "a new run replaces the current one") in out.splitlines()


def test_a_same_body_pairs_before_a_same_file(tmp_path, monkeypatch, capsys):
    """``etl.yaml`` now holds another job, and the old job's body moved to ``moved.yaml``."""
    repo_with(tmp_path, monkeypatch, {"jobspecs/etl.yaml": etl("orders-etl")},
              {"jobspecs/etl.yaml": "name: billing\njobDriver:\n  hive:\n    query: SELECT 1\n",
               "jobspecs/moved.yaml": etl("orders-etl-v2")})
    assert [job[:3] for job in renames(capsys)] == [("start", "billing", None),
                                                   ("rename", "orders-etl-v2", "orders-etl")]


def test_previous_names_pair_before_an_equal_body(tmp_path, monkeypatch, capsys):
    repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": NIGHTLY},
              {"jobspecs/nightly.yaml": None, "jobspecs/a-copy.yaml": NIGHTLY,
               "jobspecs/nightly-orders.yaml": NIGHTLY + "previousNames: [nightly]\n"})
    assert [job[:3] for job in renames(capsys)] == [("start", "a-copy", None),
                                                   ("rename", "nightly-orders", "nightly")]


def test_of_two_equal_old_jobs_each_pairs_with_one_new_job_in_name_order(tmp_path, monkeypatch, capsys):
    repo_with(tmp_path, monkeypatch, {"jobspecs/b-old.yaml": NIGHTLY, "jobspecs/a-old.yaml": NIGHTLY},
              {"jobspecs/a-old.yaml": None, "jobspecs/b-old.yaml": None,
               "jobspecs/d-new.yaml": NIGHTLY, "jobspecs/c-new.yaml": NIGHTLY})
    assert [job[:3] for job in renames(capsys)] == [("rename", "c-new", "a-old"), ("rename", "d-new", "b-old")]


def test_a_different_body_in_another_file_is_a_stop_and_a_start(repo_unrelated, capsys):
    assert [job[:3] for job in renames(capsys)] == [("start", "fresh", None), ("stop", "nightly", None)]


@pytest.fixture
def repo_unrelated(tmp_path, monkeypatch) -> dict[str, str]:
    return repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": NIGHTLY},
                     {"jobspecs/nightly.yaml": None, "jobspecs/fresh.yaml": NIGHTLY.replace("nightly.py", "fresh.py")})


def test_a_name_that_needs_quoting_in_yaml_is_quoted_in_the_advice(tmp_path, monkeypatch, capsys):
    repo_with(tmp_path, monkeypatch, {"jobspecs/etl.yaml": etl("'on'")}, {"jobspecs/etl.yaml": etl("orders-etl")})
    ((_, _, _, rename),) = renames(capsys)
    assert rename["advice"].startswith('add previousNames: ["on"] to jobspecs/etl.yaml')


def test_a_rename_with_previous_names_and_a_given_client_token_changes_no_member(tmp_path, monkeypatch, capsys):
    given = NIGHTLY + "clientToken: nightly-2024-06\n"
    sides = repo_with(tmp_path, monkeypatch, {"jobspecs/nightly.yaml": given},
                      {"jobspecs/nightly.yaml": None,
                       "jobspecs/nightly-orders.yaml": given + "previousNames: [nightly]\n"})
    out, _ = run(capsys, "text")
    assert out.splitlines()[1:] == [
        "> rename   nightly → nightly-orders (jobspecs/nightly.yaml → jobspecs/nightly-orders.yaml): "
        "the same job (previousNames), the run goes on",
        "0 to start, 0 to restart, 0 to update, 0 to stop, 1 to rename (0 restarts); 0 unchanged"]
    out, _ = run(capsys, "markdown")
    assert out.endswith("#### rename `nightly` → `nightly-orders`\n\nNo member of the request body changes.\n")
    assert sides["head"] in out
