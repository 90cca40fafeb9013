"""State written before jobspec's own keys moved under ``jobspec``, through the real engine.

Session-1 versions of the program kept ``jobName``, ``specFile``, ``deploy``, ``rerun``
and ``fingerprints`` at the top level of each JobRun's inputs and outputs. This test
makes such a stack the way it would have been left: a normal ``up``, then the state
exported, those keys moved back to the top level, and imported again. What must hold:
the keys mean the same in either place, so the next preview shows every job unchanged
(no restart, no update), and ``up`` starts no run and records the keys under ``jobspec``.
"""

from __future__ import annotations

import json

import pytest

from conftest import engine_stack
from providers.jobrun import META, META_KEYS
from tools.local_endpoint import LocalEndpoint

pytestmark = pytest.mark.e2e

SPECS = {
    "etl.yaml": """\
        name: etl
        jobDriver:
          sparkSubmit:
            entryPoint: s3://acme-jobs/etl.py
            sparkSubmitParameters: {conf: {spark.executor.memory: 4g}}
        deploy: {stopBeforeStart: true}
        """,
    "report.yaml": """\
        name: report
        rerun: 2
        jobDriver:
          sparkSubmit:
            entryPoint: s3://acme-jobs/report.py
        """,
}


def flatten(resource: dict) -> None:
    for side in ("inputs", "outputs"):
        props = resource[side]
        props.update(props.pop(META))


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    root = tmp_path_factory.mktemp("migration")
    with LocalEndpoint() as endpoint:
        app = endpoint.create_application("migration")
        _, ws = engine_stack(root, endpoint, app, "jobspec-migration", "legacy", SPECS)
        ws.run("up", "--yes", "--skip-preview")
        state = ws.export()
        for resource in state["deployment"]["resources"]:
            if resource["type"].endswith(":JobRun"):
                flatten(resource)
        (root / "legacy.json").write_text(json.dumps(state))
        ws.run("stack", "import", "--file", str(root / "legacy.json"))
        yield endpoint, ws


def test_the_imported_state_has_the_old_shape(legacy):
    _, ws = legacy
    for resource in ws.resources():
        assert META not in resource["inputs"]
        assert resource["inputs"]["jobName"] in ("etl", "report")


def test_preview_of_old_state_shows_every_job_unchanged(legacy):
    _, ws = legacy
    preview = json.loads(ws.run("preview", "--json", "--show-sames").stdout)
    ops = {s["urn"].rsplit("::", 1)[1]: s["op"] for s in preview["steps"] if s["urn"].split("::")[-2].endswith(":JobRun")}
    assert ops == {"etl": "same", "report": "same"}


def test_up_over_old_state_starts_no_run_and_moves_the_keys_under_jobspec(legacy):
    endpoint, ws = legacy
    before = len(endpoint.start_job_run_bodies())
    ws.run("up", "--yes", "--skip-preview")
    assert len(endpoint.start_job_run_bodies()) == before
    for resource in ws.resources():
        assert set(resource["inputs"][META]) <= set(META_KEYS)
        assert not set(META_KEYS) & set(resource["inputs"])
    assert {r["inputs"][META]["jobName"]: r["inputs"][META].get("rerun") for r in ws.resources()} == {"etl": None, "report": 2}
