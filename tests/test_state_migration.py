"""State written by earlier versions, where jobspec's own keys had another shape, through the real engine.

jobspec's own keys of a JobRun (``jobName``, ``specFile``, ``deploy``, ``rerun``,
``fingerprints``...) are one JSON string under ``jobspec`` (providers/own_keys.py).
Earlier versions kept them at the top level of each JobRun's inputs and outputs
(session 1), then as a map under ``jobspec``. These tests make such a stack the way it
would have been left: a normal ``up``, then the state exported, the keys put back in
the old shape, and imported again. What must hold for each shape: the keys mean the
same, so the next preview shows every job unchanged (no restart, no update); ``up``
starts no run and records the string in the inputs; a refresh records it in the
outputs, asking the service nothing new.
"""

from __future__ import annotations

import json

import pytest

from conftest import engine_stack
from providers import own_keys
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


def top_level(props: dict) -> None:
    """Session 1: the keys beside the request members."""
    props.update(own_keys.decode(props.pop(META)))


def as_map(props: dict) -> None:
    """Until the string: the keys as a map under ``jobspec``."""
    props[META] = own_keys.decode(props[META])


SHAPES = {"top level": top_level, "map": as_map}


@pytest.fixture(scope="module", params=sorted(SHAPES))
def legacy(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("migration")
    with LocalEndpoint() as endpoint:
        app = endpoint.create_application("migration")
        _, ws = engine_stack(root, endpoint, app, "jobspec-migration", "legacy", SPECS)
        with endpoint.runs_start("RUNNING"):  # runs still going: a refresh reads them
            ws.run("up", "--yes", "--skip-preview")
        state = ws.export()
        for resource in state["deployment"]["resources"]:
            if resource["type"].endswith(":JobRun"):
                for side in ("inputs", "outputs"):
                    SHAPES[request.param](resource[side])
        (root / "legacy.json").write_text(json.dumps(state))
        ws.run("stack", "import", "--file", str(root / "legacy.json"))
        yield request.param, endpoint, ws


def test_the_imported_state_has_the_old_shape(legacy):
    shape, _, ws = legacy
    for resource in ws.resources():
        for side in ("inputs", "outputs"):
            props = resource[side]
            if shape == "top level":
                assert META not in props and props["jobName"] in ("etl", "report")
            else:
                assert isinstance(props[META], dict) and props[META]["jobName"] in ("etl", "report")


def test_preview_of_old_state_shows_every_job_unchanged(legacy):
    _, _, ws = legacy
    preview = json.loads(ws.run("preview", "--json", "--show-sames").stdout)
    ops = {s["urn"].rsplit("::", 1)[1]: s["op"] for s in preview["steps"] if s["urn"].split("::")[-2].endswith(":JobRun")}
    assert ops == {"etl": "same", "report": "same"}


def test_up_over_old_state_starts_no_run_and_records_the_keys_as_one_string(legacy):
    _, endpoint, ws = legacy
    before = len(endpoint.start_job_run_bodies())
    ws.run("up", "--yes", "--skip-preview")
    assert len(endpoint.start_job_run_bodies()) == before
    for resource in ws.resources():
        assert isinstance(resource["inputs"][META], str)
        assert set(own_keys.decode(resource["inputs"][META])) <= set(META_KEYS)
        assert not set(META_KEYS) & set(resource["inputs"])
    assert {own_keys.of(r["inputs"])["jobName"]: own_keys.of(r["inputs"]).get("rerun") for r in ws.resources()} == {
        "etl": None, "report": 2}


def test_refresh_records_the_keys_as_one_string_in_the_outputs_too(legacy):
    _, endpoint, ws = legacy
    before = len(endpoint.requests)
    ws.run("refresh", "--yes", "--skip-preview")
    outputs = {own_keys.of(r["outputs"])["jobName"]: r["outputs"] for r in ws.resources()}
    assert sorted(outputs) == ["etl", "report"]
    for props in outputs.values():
        assert isinstance(props[META], str) and not set(META_KEYS) & set(props)
    assert own_keys.decode(outputs["etl"][META])["deploy"] == {"stopBeforeStart": True}
    assert own_keys.decode(outputs["report"][META])["rerun"] == 2
    # The runs still going were read as any refresh reads them: one listing of the application's runs.
    assert [(r.method, r.path) for r in endpoint.requests[before:]] == [
        ("GET", f"/applications/{next(iter(outputs.values()))['applicationId']}/jobruns")]
