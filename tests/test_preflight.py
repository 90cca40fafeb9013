"""The preflight: what only the live service knows fails the preview before anything starts.

Through the real engine and the local endpoint: each distinct application is read
once (GetApplication); an application that does not exist or cannot take runs, a
driver of the wrong engine, a timeout the release refuses are findings at the spec's
`file:line:col`, and `pulumi up` then starts nothing at all (no half-applied stack).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import engine_stack
from tools.engine import REPO
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

UP = ("up", "--yes", "--skip-preview")
SPARK = "jobDriver: {sparkSubmit: {entryPoint: s3://acme-jobs/etl.py}}\n"
HIVE = "jobDriver:\n  hive:\n    query: s3://acme-jobs/report.sql\n"


@pytest.fixture(scope="module")
def endpoint():
    with LocalEndpoint() as ep:
        yield ep


@pytest.fixture
def stack(tmp_path: Path, endpoint: LocalEndpoint):
    """``stack(specs, app=None)``: a fresh stack whose _defaults.yaml names ``app`` (default: a new Spark one)."""

    def make(specs: dict[str, str], app: str | None = None):
        app = app or endpoint.create_application("preflight")
        folder, ws = engine_stack(tmp_path, endpoint, app, "jobspec-preflight", "preflight", specs)
        return app, folder, ws

    return make


def text(proc) -> str:
    return proc.stdout + proc.stderr


def starts(endpoint: LocalEndpoint) -> int:
    return len(endpoint.calls("POST", "/jobruns"))


def finding_lines(proc) -> list[str]:
    return [line.strip() for line in text(proc).splitlines() if " error E2" in line or " warning W2" in line]


def test_an_application_that_does_not_exist_fails_the_preview_and_up_starts_no_job(stack, endpoint):
    good = endpoint.create_application("preflight-good")
    specs = {"a.yaml": SPARK, "b.yaml": SPARK, "c.yaml": f"applicationId: {good}\n" + SPARK}
    _, _, ws = stack(specs, app="00nosuchapp00001")
    before = starts(endpoint)
    preview, up = ws.run("preview", check=False), ws.run(*UP, check=False)
    for proc in (preview, up):
        assert proc.returncode != 0 and "Traceback" not in text(proc)
        # a.yaml and b.yaml take the id from _defaults.yaml: one finding, where the id is written
        assert finding_lines(proc) == [
            "jobspecs/_defaults.yaml:2:18: error E2012 applicationId: application 00nosuchapp00001 does not exist in "
            "us-east-1 (GetApplication: ResourceNotFoundException); check applicationId and the region"]
    assert starts(endpoint) == before  # c.yaml's application exists, yet nothing started: no half-applied stack
    assert ws.resources() == []


def test_a_hive_job_on_a_spark_application_fails_at_its_driver(stack):
    app, _, ws = stack({"report.yaml": HIVE})
    assert finding_lines(ws.run("preview", check=False)) == [
        f"jobspecs/report.yaml:2:3: error E2013 jobDriver.hive: a Hive job (hive), but application {app} is a SPARK "
        "application (emr-7.5.0); it runs only `jobDriver.sparkSubmit` jobs: use an application of the right type"]


def test_a_spark_job_on_a_hive_application_fails_too(stack, endpoint):
    hive = endpoint.create_application("preflight-hive", type="HIVE")
    _, _, ws = stack({"etl.yaml": SPARK}, app=hive)
    assert finding_lines(ws.run("preview", check=False)) == [
        f"jobspecs/etl.yaml:1:13: error E2013 jobDriver.sparkSubmit: a Spark job (sparkSubmit), but application {hive} "
        "is a HIVE application (emr-7.5.0); it runs only `jobDriver.hive` jobs: use an application of the right type"]


def test_on_emr_7_11_a_batch_job_without_timeout_is_an_error(stack, endpoint):
    app = endpoint.create_application("preflight-711", release="emr-7.11.0")
    _, _, ws = stack({"etl.yaml": SPARK + "executionTimeoutMinutes: 0\n"}, app=app)
    before = starts(endpoint)
    up = ws.run(*UP, check=False)
    assert finding_lines(up) == [
        f"jobspecs/etl.yaml:2:26: error E2014 executionTimeoutMinutes: executionTimeoutMinutes is 0, and application "
        f"{app} runs emr-7.11.0: from EMR 7.11, BATCH jobs need 1 to 10080 minutes (0, no timeout, is refused)"]
    assert starts(endpoint) == before


def test_before_emr_7_11_the_timeout_warning_is_dropped_because_the_release_accepts_it(stack, endpoint):
    _, folder, ws = stack({"etl.yaml": SPARK + "executionTimeoutMinutes: 0\n"})
    lint = subprocess.run([sys.executable, "-m", "compiler", "lint", str(folder)], capture_output=True, text=True)
    assert "W2010" in lint.stdout  # the linter cannot know the release
    preview = ws.run("preview")
    assert finding_lines(preview) == [] and "W2010" not in text(preview)


@pytest.mark.parametrize("state, auto_start, why", [
    ("TERMINATED", True, "is TERMINATED and takes no job runs; use another application"),
    ("STOPPED", False, "is STOPPED with auto-start off, so it takes no job runs; start it (`aws emr-serverless "
                       "start-application --application-id {app}`) or turn auto-start on"),
    ("CREATING", True, "is still CREATING and takes no job runs yet; run again once it is CREATED"),
])
def test_an_application_that_cannot_take_runs_fails_the_preview(stack, endpoint, state, auto_start, why):
    app = endpoint.create_application("preflight-state", auto_start=auto_start)
    endpoint.set_application_state(app, state)
    _, _, ws = stack({"etl.yaml": SPARK}, app=app)
    assert finding_lines(ws.run("preview", check=False)) == [
        f"jobspecs/_defaults.yaml:2:18: error E2012 applicationId: application {app} {why.format(app=app)}"]


def test_a_stopped_application_with_auto_start_takes_runs(stack, endpoint):
    app = endpoint.create_application("preflight-stopped")
    endpoint.set_application_state(app, "STOPPED")
    _, _, ws = stack({"etl.yaml": SPARK}, app=app)
    assert ws.run("preview").returncode == 0


def test_each_application_is_read_once_per_program_run(stack, endpoint):
    app, _, ws = stack({f"job{i}.yaml": SPARK for i in range(4)})
    before = len(endpoint.calls("GET", f"/applications/{app}"))
    ws.run("preview")
    assert len(endpoint.calls("GET", f"/applications/{app}")) == before + 1


#: Loaded by every Python process the engine starts: logs "<argv[0]> botocore" when it imports botocore, and
#: "<argv[0]> exited" at a normal exit (argv[0] is not set yet while sitecustomize runs).
WHO_LOADS_BOTOCORE = '''\
import os, sys
def _log(what):
    with open(os.environ["JOBSPEC_TEST_BOTOCORE_LOG"], "a") as log:
        log.write(f"{os.path.basename(sys.argv[0])} {what}\\n")
class _Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "botocore.client":  # a real import (the model lookup only finds "botocore")
            _log("botocore")
        return None
import atexit
atexit.register(_log, "exited")
sys.meta_path.insert(0, _Watch())
'''


def test_up_reads_the_applications_in_a_worker_process_and_the_program_never_loads_botocore(stack, endpoint, tmp_path):
    app, _, ws = stack({"a.yaml": SPARK, "b.yaml": SPARK})
    site, log = tmp_path / "site", tmp_path / "botocore.log"
    site.mkdir()
    (site / "sitecustomize.py").write_text(WHO_LOADS_BOTOCORE)
    ws.extra_env.update(PYTHONPATH=f"{site}:{REPO}", JOBSPEC_TEST_BOTOCORE_LOG=str(log))
    before = len(endpoint.calls("GET", f"/applications/{app}"))
    assert ws.run(*UP).returncode == 0
    assert len(endpoint.calls("GET", f"/applications/{app}")) == before + 1
    lines = sorted(set(log.read_text().splitlines()) - {"__main__.py exited"})
    # The program (argv ".", the language host's exec) runs to its end and never imports botocore; the
    # preflight worker and the provider (pulumi.dynamic's __main__.py) do.
    assert lines == [". exited", "__main__.py botocore", "preflight_worker.py botocore"]
