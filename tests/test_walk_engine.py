"""A spec the walk cannot read fails the stack's preview and update; it never reads as a deleted job.

Through the real Pulumi CLI and the local endpoint (as tests/test_e2e.py): a stack
with two runs, one still RUNNING, whose spec is then replaced by a FIFO. Were the
FIFO skipped, ``pulumi up`` would delete that job and cancel its run; were it opened,
the program would hang. Instead preview and up fail with the finding's text and the
endpoint hears nothing.
"""

from __future__ import annotations

import os

import pytest

from conftest import engine_stack
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

SPECS = {
    "first.yaml": "name: first\njobDriver:\n  hive:\n    query: s3://acme-jobs/first.sql\n",
    "second.yaml": "name: second\njobDriver:\n  hive:\n    query: s3://acme-jobs/second.sql\n",
}
#: Bound on each engine command: a program blocked on a FIFO would otherwise never end.
WAIT = 180
FINDING = ("jobspecs/second.yaml:1:1: error E0012 a FIFO (named pipe), not a regular file; "
           "lint reads only regular files: replace it with a file, or remove it")


def jobs(ws) -> list[tuple]:
    """The stack's job runs as state holds them (secret values aside: each export encrypts them anew)."""
    return [(r["urn"], r["id"], r["outputs"]["jobRunId"], r["outputs"]["clientToken"], r["outputs"]["state"])
            for r in ws.resources()]


def test_a_fifo_in_place_of_a_spec_fails_preview_and_up_and_touches_no_run(tmp_path):
    with LocalEndpoint() as endpoint:
        app = endpoint.create_application("walk", type="HIVE")
        specs, ws = engine_stack(tmp_path, endpoint, app, "jobspec-walk", "walk", SPECS)
        ws.run("up", "--yes", "--skip-preview", timeout=WAIT)
        runs = {job: out["jobRunId"] for job, out in ws.outputs()["jobs"].items()}
        endpoint.set_run_state(app, runs["second"], "RUNNING")  # a delete would cancel it
        resources = jobs(ws)
        heard = len(endpoint.requests)

        (specs / "second.yaml").unlink()
        os.mkfifo(specs / "second.yaml")
        preview = ws.run("preview", check=False, timeout=WAIT)
        up = ws.run("up", "--yes", "--skip-preview", check=False, timeout=WAIT)

        assert preview.returncode != 0 and up.returncode != 0
        for proc in (preview, up):
            assert FINDING in proc.stdout + proc.stderr
            assert "Traceback" not in proc.stdout + proc.stderr
        assert endpoint.requests[heard:] == []  # no StartJobRun, no CancelJobRun, not even a read
        assert jobs(ws) == resources
        assert endpoint.client().get_job_run(applicationId=app, jobRunId=runs["second"])["jobRun"]["state"] == "RUNNING"
