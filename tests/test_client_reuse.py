"""One botocore session and one client per provider process (providers/aws.py), however often the engine calls.

A new session loads the service models again (~170 ms, under the GIL of the one
provider process), so a session per call made ``pulumi up`` 2-6× slower than a
do-nothing provider (issue 12). The counts come from botocore itself: ``Session.__init__``
and ``Session.create_client`` are wrapped to count and then do their real work, and every
call goes to the local endpoint.
"""

from __future__ import annotations

import collections
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import botocore.session
import pytest

from conftest import engine_stack
from endpointkit import aws_env, endpoint  # noqa: F401 - fixtures
from providers import aws
from providers.jobrun import JobRunProvider
from tools.engine import REPO
from tools.local_endpoint import ROLE_ARN

#: Threads calling the provider at once: the engine's default parallelism is higher, but this many all miss the
#: empty cache together.
THREADS = 8


@pytest.fixture
def app(aws_env):
    return aws_env.create_application()


@pytest.fixture
def made(monkeypatch) -> dict[str, list]:
    """Sessions and clients botocore makes from now on, in this process; the process's client cache starts empty."""
    made: dict[str, list] = {"sessions": [], "clients": []}
    init, client = botocore.session.Session.__init__, botocore.session.Session.create_client

    def counted_init(self, *args, **kwargs):
        made["sessions"].append(threading.get_ident())  # list.append is atomic: threads may count at once
        init(self, *args, **kwargs)

    def counted_client(self, *args, **kwargs):
        made["clients"].append(args[0] if args else kwargs.get("service_name"))
        return client(self, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "__init__", counted_init)
    monkeypatch.setattr(botocore.session.Session, "create_client", counted_client)
    monkeypatch.setattr(aws, "_clients", {})
    return made


def props(app: str, name: str) -> dict:
    return {"applicationId": app, "executionRoleArn": ROLE_ARN, "clientToken": f"token-{name}",
            "jobDriver": {"sparkSubmit": {"entryPoint": f"s3://bucket/{name}.py"}}, "tags": {"team": "data"},
            "jobspec": {"jobName": name, "specFile": f"{name}.yaml", "deploy": {}}}


def test_create_read_and_delete_of_many_jobs_make_one_session_and_one_client(app, endpoint, made):
    provider = JobRunProvider()
    before = len(endpoint.requests)
    created = [provider.create(props(app, f"job-{i}")) for i in range(3)]
    for job in created:
        not_ended = {**job.outs, "state": "RUNNING"}
        provider.read(job.id, not_ended)
        provider.delete(job.id, not_ended)
    # StartJobRun + GetJobRun per create; for the reads one ListJobRuns of the runs not ended and, as moto's
    # runs have ended, one of the recent runs; GetJobRun per delete.
    assert len(endpoint.requests) - before == 3 * 2 + 2 + 3
    assert made == {"sessions": [made["sessions"][0]], "clients": ["emr-serverless"]}


def test_concurrent_first_calls_share_one_session(app, endpoint, made):
    provider = JobRunProvider()
    start = threading.Barrier(THREADS, timeout=30)

    def create(i: int):
        start.wait()  # every thread reaches the empty cache together
        return provider.create(props(app, f"job-{i}"))

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(create, range(THREADS), timeout=120))
    assert len({r.id for r in results}) == THREADS
    assert len(made["sessions"]) == 1 and made["clients"] == ["emr-serverless"]


#: Loaded by every Python process the engine starts (PYTHONPATH): logs "<pid> <argv[0]>" for each botocore session.
SITECUSTOMIZE = '''\
import os, sys
import botocore.session

_init = botocore.session.Session.__init__


def _counted(self, *args, **kwargs):
    with open(os.environ["JOBSPEC_TEST_SESSION_LOG"], "a") as log:
        log.write(f"{os.getpid()} {sys.argv[0]}\\n")
    _init(self, *args, **kwargs)


botocore.session.Session.__init__ = _counted
'''


@pytest.mark.e2e
def test_up_refresh_and_destroy_through_the_engine_make_one_session_per_provider_process(tmp_path, endpoint):
    app = endpoint.create_application("reuse")
    jobs = {f"job-{i}.yaml": f"name: job-{i}\njobDriver:\n  sparkSubmit:\n    entryPoint: s3://b/{i}.py\n"
            for i in range(6)}
    _, ws = engine_stack(tmp_path, endpoint, app, "jobspec-reuse", "reuse", jobs)
    site, log = tmp_path / "site", tmp_path / "sessions.log"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    ws.extra_env.update(PYTHONPATH=f"{site}:{REPO}", JOBSPEC_TEST_SESSION_LOG=str(log))

    before = len(endpoint.requests)
    endpoint.new_runs("RUNNING")  # runs that have not ended, so refresh and destroy ask about them
    try:
        for command in (("up", "--yes", "--skip-preview"), ("refresh", "--yes", "--skip-preview"),
                        ("destroy", "--yes", "--skip-preview")):
            ws.run(*command)
    finally:
        endpoint.new_runs(None)
    calls = collections.Counter((r.method, "/jobruns/" in r.path) for r in endpoint.requests[before:]
                                if "/jobruns" in r.path)
    # up: StartJobRun and GetJobRun per run; refresh: one ListJobRuns for all; destroy: GetJobRun and CancelJobRun per run
    assert calls == {("POST", False): 6, ("GET", True): 6 + 6, ("GET", False): 1, ("DELETE", True): 6}

    lines = [line.split(" ", 1) for line in log.read_text().splitlines()]
    per_process = collections.Counter(pid for pid, _ in lines)
    providers = {pid for pid, argv0 in lines if Path(argv0).parts[-2:] == ("dynamic", "__main__.py")}
    assert set(per_process.values()) == {1}, lines
    assert len(providers) == 3, lines  # up, refresh and destroy: one provider process each


@pytest.mark.parametrize("type_name", ["service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2"])
def test_the_session_loader_knows_jobspecs_services_as_botocores_own_loader_does(type_name):
    from botocore.loaders import create_loader

    from providers.botocore_session import SERVICES, KnownServicesLoader

    ours = KnownServicesLoader().list_available_services(type_name)
    assert ours == [s for s in SERVICES if s in create_loader().list_available_services(type_name)]


def test_the_session_loader_never_lists_the_other_services_folders(monkeypatch):
    import os

    from providers.botocore_session import new_session

    listed = []
    listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(str(path)) or listdir(path))
    new_session().create_client("emr-serverless", region_name="us-east-1").get_paginator("list_job_runs")
    folders = {Path(p).name for p in listed}
    assert "emr-serverless" in folders
    assert not folders & {"s3", "ec2", "dynamodb"}, sorted(folders)[:20]
