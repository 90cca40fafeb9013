"""``jobspec diff`` on scheduled jobs: schedules created, changed field by field, removed.

A two-commit repository where the second commit

- edits ``nightly``'s expression, pauses it and changes its entry point (change in place),
- schedules the one-shot job ``once`` (its run stops, a schedule is created),
- removes the scheduled job ``legacy`` (its schedule is deleted),
- leaves the scheduled job ``steady`` as it was (counted, not listed).
"""

from __future__ import annotations

import json

import pytest

from compiler.schedule import schedule_name
from test_diff import DEFAULTS, jobspec, make_repo

ROLE = "arn:aws:iam::123456789012:role/scheduler-starts-emr"


def spec(name: str, entry: str, schedule: str | None = None) -> str:
    text = f"name: {name}\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://acme-jobs/{entry}\n"
    return text + (f"schedule:\n  expression: {schedule}\n" if schedule else "")


BASE = {
    "jobspecs/_defaults.yaml": DEFAULTS.replace("  tags:\n    team", f"  schedule:\n    roleArn: {ROLE}\n  tags:\n    team", 1),
    "jobspecs/nightly.yaml": spec("nightly", "nightly.py", "cron(0 2 * * ? *)"),
    "jobspecs/once.yaml": spec("once", "once.py"),
    "jobspecs/legacy.yaml": spec("legacy", "legacy.py", "rate(1 day)"),
    "jobspecs/steady.yaml": spec("steady", "steady.py", "rate(1 hour)"),
}
HEAD = {
    "jobspecs/nightly.yaml": spec("nightly", "nightly-v2.py", "cron(30 3 ? * MON-FRI *)") + "  state: DISABLED\n",
    "jobspecs/once.yaml": spec("once", "once.py", "rate(7 days)"),
    "jobspecs/legacy.yaml": None,
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "repo", BASE, HEAD)
    monkeypatch.chdir(root)
    return root


def report(capsys, fmt: str = "json", *args: str):
    code, out, err = jobspec(capsys, "HEAD~1", "HEAD", "--format", fmt, *args)
    assert (code, err) == (0, "")
    return json.loads(out) if fmt == "json" else out


def test_json_lists_each_schedule_with_its_action(repo, capsys):
    got = report(capsys)
    assert [(s["name"], s["action"]) for s in got["schedules"]] == [
        ("once", "create"), ("nightly", "change"), ("legacy", "remove")]
    assert got["scheduleSummary"] == {"create": 1, "change": 1, "remove": 1, "unchanged": 1}


def test_a_one_shot_job_that_is_scheduled_now_stops_its_run_and_says_so(repo, capsys):
    got = report(capsys)
    assert [(j["name"], j["action"]) for j in got["jobs"]] == [("once", "stop")]
    (once,) = [s for s in got["schedules"] if s["name"] == "once"]
    assert once["note"] == ("was a one-shot job: its run is cancelled if it is still running "
                            "(deploy.runNow: true keeps one run of the stack's)")


def test_a_change_lists_the_expression_the_state_as_pause_and_the_body_inside_the_target(repo, capsys):
    (nightly,) = [s for s in report(capsys)["schedules"] if s["name"] == "nightly"]
    assert (nightly["state"], nightly["replaces"], nightly["schedule"]) == ("pause", False,
                                                                            schedule_name(None, "nightly"))
    assert nightly["changes"] == [
        {"path": "ScheduleExpression", "before": "cron(0 2 * * ? *)", "after": "cron(30 3 ? * MON-FRI *)",
         "sensitive": False},
        {"path": "State", "before": "ENABLED", "after": "DISABLED", "sensitive": False}]
    assert nightly["body"] == [{"path": "jobDriver.sparkSubmit.entryPoint", "before": "s3://acme-jobs/nightly.py",
                                "after": "s3://acme-jobs/nightly-v2.py", "sensitive": True}]


def test_text_shows_each_schedule_and_its_fields_then_both_counts(repo, capsys):
    name = schedule_name(None, "nightly")
    text = report(capsys, "text")
    assert (f"schedules:\n+ create   once (jobspecs/once.yaml): schedule {schedule_name(None, 'once')} is created: "
            "rate(7 days) starts a run each time\n"
            "    was a one-shot job: its run is cancelled if it is still running (deploy.runNow: true keeps one run "
            "of the stack's)\n") in text
    assert (f"~ change   nightly (jobspecs/nightly.yaml): schedule {name} is paused in place; no run is started "
            "or cancelled\n"
            '    ScheduleExpression: "cron(0 2 * * ? *)" → "cron(30 3 ? * MON-FRI *)"\n'
            '    State: "ENABLED" → "DISABLED" (pause)\n'
            '    target body jobDriver.sparkSubmit.entryPoint: "s3://acme-jobs/nightly.py" → '
            '"s3://acme-jobs/nightly-v2.py"\n'
            f"- remove   legacy (jobspecs/legacy.yaml): schedule {schedule_name(None, 'legacy')} is deleted; the "
            "runs it started go on\n"
            "0 to start, 0 to restart, 0 to update, 1 to stop; 0 unchanged\n"
            "schedules: 1 to create, 1 to change, 1 to remove; 1 unchanged") in text


def test_a_created_schedule_lists_its_request_and_the_body_inside_the_target(repo, capsys):
    (once,) = [s for s in report(capsys)["schedules"] if s["name"] == "once"]
    assert [c["path"] for c in once["changes"]] == [
        "Name", "GroupName", "ScheduleExpression", "ScheduleExpressionTimezone", "State", "Target",
        "FlexibleTimeWindow"]
    (target,) = [c["after"] for c in once["changes"] if c["path"] == "Target"]
    assert target == {"Arn": "arn:aws:scheduler:::aws-sdk:emrserverless:startJobRun", "RoleArn": ROLE,
                      "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}}
    assert all(c["before"] is None for c in once["changes"] + once["body"])
    assert [c["path"] for c in once["body"]] == ["applicationId", "executionRoleArn", "jobDriver", "tags", "name"]
    assert "clientToken" not in [c["path"] for c in once["body"]]


def test_markdown_masks_the_sensitive_members_of_the_body_inside_the_target(repo, capsys):
    out = report(capsys, "markdown")
    assert "**schedules: 1 to create, 1 to change, 1 to remove** (1 unchanged)" in out
    assert "| `State` *(pause)* | `\"ENABLED\"` | `\"DISABLED\"` |" in out
    assert "| `jobDriver.sparkSubmit.entryPoint` *(target body)* | *(sensitive)* | *(sensitive)* |" in out
    assert "nightly-v2.py" not in out


def test_a_new_group_replaces_the_schedule(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", BASE, {"jobspecs/steady.yaml": spec("steady", "steady.py", "rate(1 hour)")
                                               + "  groupName: data-jobs\n"})
    monkeypatch.chdir(root)
    (steady,) = report(capsys)["schedules"]
    assert (steady["action"], steady["replaces"]) == ("change", True)
    assert steady["changes"] == [{"path": "GroupName", "before": "default", "after": "data-jobs", "sensitive": False}]


def test_a_scheduled_job_made_one_shot_again_starts_once_and_deletes_its_schedule(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", BASE, {"jobspecs/steady.yaml": spec("steady", "steady.py")})
    monkeypatch.chdir(root)
    got = report(capsys)
    assert [(j["name"], j["action"]) for j in got["jobs"]] == [("steady", "start")]
    assert [(s["name"], s["action"], s["note"]) for s in got["schedules"]] == [
        ("steady", "remove", "becomes a one-shot job: it starts once now")]


def test_run_now_keeps_a_run_with_the_schedule(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", BASE, {"jobspecs/once.yaml": spec("once", "once.py", "rate(7 days)")
                                               + "deploy: {runNow: true}\n"})
    monkeypatch.chdir(root)
    got = report(capsys)
    assert got["jobs"] == [] and got["summary"]["unchanged"] == 1  # the run goes on, unchanged
    assert [(s["name"], s["action"], s["note"]) for s in got["schedules"]] == [("once", "create", None)]


def test_a_report_without_schedules_has_no_schedules_part(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", {"jobspecs/_defaults.yaml": DEFAULTS, "jobspecs/a.yaml": spec("a", "a.py")},
                     {"jobspecs/a.yaml": spec("a", "b.py")})
    monkeypatch.chdir(root)
    assert "schedules" not in report(capsys) and "scheduleSummary" not in report(capsys)
    assert "schedules" not in report(capsys, "text") and "schedules" not in report(capsys, "markdown")
