"""Which run a job is, through the real engine: fixed tokens, renames, an emptied folder.

Each test is an ordinary action of a team (edit an imported spec, rename a job, empty
the specs folder) through `pulumi preview` and `pulumi up` against the local endpoint
in idempotent mode (it answers a repeated clientToken with the run it already started,
as the service does), and asserts what the endpoint received, in order: no run
cancelled by mistake, none started twice.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import engine_stack
from tools.engine import PulumiWorkspace
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

UP = ("up", "--yes", "--skip-preview")
ETL = textwrap.dedent("""\
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/etl/orders.py
    """)
SESSIONIZER = textwrap.dedent("""\
    name: sessionizer
    mode: STREAMING
    jobDriver:
      sparkSubmit:
        entryPoint: s3://acme-jobs/streaming/sessionize.py
    deploy: {stopBeforeStart: true}
    """)


@pytest.fixture(scope="module")
def endpoint():
    with LocalEndpoint(idempotent=True) as ep:
        yield ep


@dataclass
class Stack:
    endpoint: LocalEndpoint
    app: str
    folder: Path
    ws: PulumiWorkspace
    mark: int = 0

    def write(self, name: str, text: str) -> None:
        (self.folder / name).write_text(text)

    def since_mark(self) -> list[str]:
        """The EMR Serverless operations the endpoint received since the last ``mark()``, in order."""
        out = []
        for request in self.endpoint.requests[self.mark:]:
            parts = request.path.strip("/").split("/")
            if parts[:2] != ["applications", self.app]:
                continue
            out.append({("GET", 2): "GetApplication", ("POST", 3): "StartJobRun", ("GET", 4): "GetJobRun",
                        ("DELETE", 4): "CancelJobRun"}.get((request.method, len(parts)), request.method)
                       + (f" {parts[3]}" if len(parts) == 4 else ""))
        return out

    def up_running(self) -> None:
        """``pulumi up`` whose runs are RUNNING when started, as on the service (moto's would end at once)."""
        with self.endpoint.runs_start("RUNNING"):
            self.ws.run(*UP)

    def set_mark(self) -> None:
        self.mark = len(self.endpoint.requests)

    def runs(self) -> dict[str, str]:
        """jobRunId → state, for every run the endpoint holds for this stack's application."""
        return {r["jobRunId"]: r["state"] for r in self.endpoint.job_runs(self.app)}

    def tracked(self) -> dict[str, str]:
        """Resource name → jobRunId, from the stack's state."""
        return {r["urn"].rsplit("::", 1)[1]: r["outputs"]["jobRunId"] for r in self.ws.resources()}

    def steps(self) -> list[tuple[str, str]]:
        preview = json.loads(self.ws.run("preview", "--json").stdout)
        return sorted((s["op"], s["urn"].rsplit("::", 1)[1]) for s in preview["steps"]
                      if s["urn"].split("::")[-2].endswith(":JobRun"))


@pytest.fixture
def stack(tmp_path: Path, endpoint: LocalEndpoint):
    def make(specs: dict[str, str]) -> Stack:
        app = endpoint.create_application("identity")
        folder, ws = engine_stack(tmp_path, endpoint, app, "jobspec-identity", "identity", specs)
        return Stack(endpoint, app, folder, ws)

    return make


def text(proc) -> str:
    return proc.stdout + proc.stderr


# -- a fixed clientToken ---------------------------------------------------------------------------------

FIXED = ETL + "clientToken: imported-0001\n"
FIXED_REFUSAL = (
    "jobspecs/etl.yaml: clientToken 'imported-0001' is fixed, and the request body changed (jobDriver). "
    "StartJobRun answers a token it has seen with the run it already started, so the new body would never run "
    "and the replace would cancel the running one. Remove `clientToken:` from the spec (jobspec then derives a "
    "new token for every body) or give it a new value.")


def test_a_body_edit_under_a_fixed_client_token_is_refused_and_the_running_job_is_left_alone(stack):
    s = stack({"etl.yaml": FIXED})
    s.up_running()
    (run,) = s.runs()
    s.endpoint.set_run_state(s.app, run, "RUNNING")
    s.write("etl.yaml", FIXED.replace("orders.py", "orders_v2.py"))
    s.set_mark()
    preview, up = s.ws.run("preview", check=False), s.ws.run(*UP, check=False)
    for proc in (preview, up):
        assert proc.returncode != 0
        assert FIXED_REFUSAL in text(proc) and "Traceback" not in text(proc)
    assert s.since_mark() == ["GetApplication", "GetApplication"]  # the preflight of each; nothing started or cancelled
    assert s.runs() == {run: "RUNNING"} and s.tracked() == {"etl": run}


def test_removing_the_fixed_token_restarts_the_job_with_its_new_body(stack):
    s = stack({"etl.yaml": FIXED})
    s.up_running()
    (old,) = s.runs()
    s.endpoint.set_run_state(s.app, old, "RUNNING")
    s.write("etl.yaml", ETL.replace("orders.py", "orders_v2.py"))
    s.set_mark()
    s.ws.run(*UP)
    (new,) = set(s.runs()) - {old}
    assert s.since_mark() == ["GetApplication", "StartJobRun", f"GetJobRun {new}", f"GetJobRun {old}",
                              f"CancelJobRun {old}"]
    assert s.runs() == {old: "CANCELLED", new: "SUCCESS"} and s.tracked() == {"etl": new}


def test_rerun_beside_a_fixed_token_is_a_warning_in_the_preview(stack):
    s = stack({"etl.yaml": FIXED + "rerun: 2\n"})
    preview = s.ws.run("preview")
    assert ("warning: jobspecs/etl.yaml:5:8: warning W2011 rerun: rerun has no effect while clientToken is set: the "
            "token stays the same, so the service answers with the run it already started and nothing starts "
            "again; remove clientToken (jobspec then derives one that includes rerun), or change clientToken "
            "instead") in " ".join(text(preview).split())


# -- renames ---------------------------------------------------------------------------------------------

def test_a_spec_file_renamed_with_previous_names_keeps_its_run(stack):
    s = stack({"etl.yaml": ETL})
    s.up_running()
    (run,) = s.runs()
    s.endpoint.set_run_state(s.app, run, "RUNNING")
    (s.folder / "etl.yaml").unlink()
    s.write("orders-etl.yaml", ETL + "previousNames: [etl]\n")
    assert s.steps() == [("update", "orders-etl")]  # no create, no delete, no replace
    s.set_mark()
    s.ws.run(*UP)
    assert s.since_mark() == ["GetApplication"]
    assert s.runs() == {run: "RUNNING"} and s.tracked() == {"orders-etl": run}
    assert "2 unchanged" in s.ws.run(*UP).stdout  # the stack and its one job


def test_a_renamed_stop_before_start_job_is_cancelled_before_its_new_run_starts(stack):
    s = stack({"sessionizer.yaml": SESSIONIZER})
    s.up_running()
    (old,) = s.runs()
    s.endpoint.set_run_state(s.app, old, "RUNNING")
    # `name` is the StartJobRun member too: renaming it changes the body, so the job restarts.
    s.write("sessionizer.yaml", SESSIONIZER.replace("name: sessionizer", "name: sessions\npreviousNames: [sessionizer]"))
    assert s.steps() == [("replace", "sessions")]
    s.set_mark()
    s.ws.run(*UP)
    (new,) = set(s.runs()) - {old}
    assert s.since_mark() == ["GetApplication", f"GetJobRun {old}", f"CancelJobRun {old}", "StartJobRun",
                              f"GetJobRun {new}"]
    assert s.runs()[old] == "CANCELLED" and s.tracked() == {"sessions": new}


def test_without_previous_names_a_rename_starts_the_new_run_before_cancelling_the_old(stack):
    """Why `jobspec diff` warns about this rename: the engine creates before it deletes."""
    s = stack({"sessionizer.yaml": SESSIONIZER})
    s.up_running()
    (old,) = s.runs()
    s.endpoint.set_run_state(s.app, old, "RUNNING")
    s.write("sessionizer.yaml", SESSIONIZER.replace("name: sessionizer", "name: sessions"))
    assert s.steps() == [("create", "sessions"), ("delete", "sessionizer")]
    s.set_mark()
    s.ws.run(*UP)
    (new,) = set(s.runs()) - {old}
    assert s.since_mark() == ["GetApplication", "StartJobRun", f"GetJobRun {new}", f"GetJobRun {old}",
                              f"CancelJobRun {old}"]


# -- nothing vanishes silently ----------------------------------------------------------------------------

EMPTY = ("jobspec: no job specs in jobspecs for stack identity. With no specs, `pulumi up` would cancel every run "
         "this stack tracks: check the folder (and the stack's `jobspec:specs`), or, to stop them all on purpose, "
         "`pulumi config set jobspec:allowEmpty true`. Nothing was applied.")


def test_an_emptied_specs_folder_fails_preview_and_up_and_cancels_nothing(stack):
    s = stack({"etl.yaml": ETL, "sessionizer.yaml": SESSIONIZER})
    s.up_running()
    for run in s.runs():
        s.endpoint.set_run_state(s.app, run, "RUNNING")
    for spec in ("etl.yaml", "sessionizer.yaml"):
        (s.folder / spec).unlink()
    s.set_mark()
    preview, up = s.ws.run("preview", check=False), s.ws.run(*UP, check=False)
    for proc in (preview, up):
        assert proc.returncode != 0 and EMPTY in " ".join(text(proc).split()) and "Traceback" not in text(proc)
    assert s.since_mark() == []
    assert set(s.runs().values()) == {"RUNNING"} and len(s.tracked()) == 2


def test_a_specs_setting_naming_an_empty_folder_is_refused_too(stack):
    s = stack({"etl.yaml": ETL})
    s.up_running()
    (run,) = s.runs()
    s.endpoint.set_run_state(s.app, run, "RUNNING")
    (s.ws.project_dir / "elsewhere").mkdir()
    s.ws.run("config", "set", "jobspec:specs", "elsewhere")
    s.set_mark()
    up = s.ws.run(*UP, check=False)
    assert up.returncode != 0
    assert EMPTY.replace("in jobspecs", "in elsewhere") in " ".join(text(up).split())
    assert s.since_mark() == [] and s.runs() == {run: "RUNNING"} and s.tracked() == {"etl": run}


def test_allow_empty_lets_a_stack_stop_every_job_on_purpose(stack):
    s = stack({"etl.yaml": ETL})
    s.up_running()
    (run,) = s.runs()
    s.endpoint.set_run_state(s.app, run, "RUNNING")
    (s.folder / "etl.yaml").unlink()
    s.ws.run("config", "set", "--type", "bool", "jobspec:allowEmpty", "true")
    s.set_mark()
    s.ws.run(*UP)
    assert s.since_mark() == [f"GetJobRun {run}", f"CancelJobRun {run}"]
    assert s.runs() == {run: "CANCELLED"} and s.tracked() == {}
