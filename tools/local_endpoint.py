"""A local EMR Serverless and EventBridge Scheduler endpoint: moto's server on 127.0.0.1, with a request log.

The provider reaches it through boto3's own endpoint settings
(``AWS_ENDPOINT_URL_EMR_SERVERLESS``, ``AWS_ENDPOINT_URL_SCHEDULER``: moto serves both on
one server), so nothing in the provider knows it is local.
Every request body is recorded, so tests compare what StartJobRun actually received
with ``jobspec compile`` output.

``LocalEndpoint(idempotent=True)`` adds what moto lacks and the service documents:
StartJobRun's ``clientToken`` idempotency (see ``_Recorder``).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from werkzeug.serving import WSGIRequestHandler, make_server

ACCESS_KEY = "testing"
REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/emr-serverless-job-local"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any
    #: The region the client signed the request for (moto keeps each region's resources apart).
    region: str = ""
    #: The query string as received (ListJobRuns sends its filters there): ``states=RUNNING&maxResults=50``.
    query: str = ""


#: StartJobRun: ``POST /applications/{applicationId}/jobruns``.
_START_JOB_RUN = re.compile(r"^/applications/([^/]+)/jobruns$")
#: The credential scope of a SigV4 ``Authorization`` header: ``Credential=KEY/DATE/REGION/SERVICE/aws4_request``.
_SIGNED_REGION = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/")


def signed_region(environ: dict) -> str:
    """The region a request was signed for ("" when unsigned)."""
    found = _SIGNED_REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
    return found.group(1) if found else ""


class _Recorder:
    """WSGI middleware: log each request, then hand it to moto.

    With ``idempotent=True`` it also emulates StartJobRun's ``clientToken`` contract,
    which moto does not implement (every moto StartJobRun creates a run): the first
    successful StartJobRun for an (application, clientToken) is answered by moto and
    its response kept; a later StartJobRun with the same token for the same
    application gets that same response, and moto never sees it, so no second run
    is created. That is what the service does for a retried request ("the client
    idempotency token of the job run to start"), and what makes a retry after a
    lost response safe. StartJobRun calls are serialized in this mode, so two
    concurrent calls with one token cannot both reach moto. The request is logged
    either way: the log is what the endpoint received.
    """

    def __init__(self, app: Callable, log: list[Request], lock: threading.Lock, idempotent: bool = False) -> None:
        self.app, self.log, self.lock = app, log, lock
        self.idempotent = idempotent
        self._started: dict[tuple[str, str, str], tuple[str, list, bytes]] = {}
        self._start_lock = threading.Lock()
        #: Called with (applicationId, jobRunId) of each run moto starts (LocalEndpoint.new_runs).
        self.new_run_state: Callable[[str, str], None] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        with self.lock:
            self.log.append(Request(method, path, body, signed_region(environ), environ.get("QUERY_STRING", "")))
        match = _START_JOB_RUN.match(path) if method == "POST" else None
        token = body.get("clientToken") if isinstance(body, dict) else None
        if not match:
            return self.app(environ, start_response)
        if not (self.idempotent and token):
            status, headers, payload = self._start(environ, match.group(1))
            start_response(status, headers)
            return [payload]
        with self._start_lock:
            key = (signed_region(environ), match.group(1), token)  # each region is a service of its own
            if key not in self._started:
                response = self._start(environ, match.group(1))
                if not response[0].startswith("2"):
                    start_response(*response[:2])
                    return [response[2]]
                self._started[key] = response
            status, headers, payload = self._started[key]
        start_response(status, headers)
        return [payload]

    def _start(self, environ: dict, application_id: str) -> tuple[str, list, bytes]:
        """moto's answer to a StartJobRun; the new run is then given ``new_run_state``, when set."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured.update(status=status, headers=headers)
            return lambda data: None

        result = self.app(environ, capture)
        try:
            payload = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        if captured["status"].startswith("2") and self.new_run_state is not None:
            self.new_run_state(application_id, json.loads(payload)["jobRunId"])
        return captured["status"], captured["headers"], payload


def remembering_hosts(dispatcher: Any) -> Any:
    """moto's dispatcher, with the backend it finds for a host remembered.

    To find it, moto lists its own package folder (some 190 entries, an ``isdir`` each)
    on every request, under the dispatcher's one lock: 11% of the endpoint's time per
    request in a create of 300 jobs (py-spy), time a benchmark would count as the
    provider's. The answer for a host does not change while the process runs.
    """
    find = dispatcher.get_backend_for_host
    known: dict[Any, Any] = {}

    def get_backend_for_host(host: Any) -> Any:
        if host not in known:  # moto calls this under its lock: one writer at a time
            known[host] = find(host)
        return known[host]

    dispatcher.get_backend_for_host = get_backend_for_host
    return dispatcher


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: the request log above is the record."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class LocalEndpoint:
    """``with LocalEndpoint() as ep:`` a moto server on a free loopback port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, idempotent: bool = False) -> None:
        self.host, self.port = host, port
        self.idempotent = idempotent
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment for any process (boto3, the Pulumi provider) that should use this endpoint."""
        return {
            "AWS_ENDPOINT_URL_EMR_SERVERLESS": self.url,
            "AWS_ENDPOINT_URL_SCHEDULER": self.url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": ACCESS_KEY,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }

    def start(self) -> "LocalEndpoint":
        from moto.server import DomainDispatcherApplication, create_backend_app

        from tools import moto_index
        moto_index.install()
        dispatcher = remembering_hosts(DomainDispatcherApplication(create_backend_app))
        app = self._recorder = _Recorder(dispatcher, self.requests, self._lock, self.idempotent)
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=_QuietHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "LocalEndpoint":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def client(self, service: str = "emr-serverless", region: str = REGION) -> Any:
        import boto3
        return boto3.client(service, endpoint_url=self.url, region_name=region,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=ACCESS_KEY)

    def scheduler(self) -> Any:
        """An EventBridge Scheduler client of this endpoint."""
        return self.client("scheduler")

    def create_application(self, name: str = "jobspec-local", type: str = "SPARK", release: str = "emr-7.5.0",
                           application_id: str | None = None, auto_start: bool = True) -> str:
        """CreateApplication; ``application_id`` gives it a chosen id (as the example specs name one).

        The service picks application ids; moto does too, so a chosen id is set in
        moto's backend afterwards, where every later call finds it.
        """
        made = self.client().create_application(name=name, releaseLabel=release, type=type,
                                                autoStartConfiguration={"enabled": auto_start})["applicationId"]
        if application_id is None or application_id == made:
            return made
        backend = self._backend()
        app = backend.applications.pop(made)
        app.arn = app.arn.replace(made, application_id)
        app.id = application_id
        backend.applications[application_id] = app
        return application_id

    def new_runs(self, state: str | None, details: str = "") -> None:
        """Runs started from now on are in ``state`` (moto's are SUCCESS at once); None: moto's own again.

        Shows what the service does over time: a run that FAILED, or one still PENDING.
        """
        def move(application_id: str, job_run_id: str) -> None:
            run = self._backend().get_job_run(application_id, job_run_id)
            run.state, run.state_details = state, details

        self._recorder.new_run_state = move if state is not None else None

    @contextlib.contextmanager
    def runs_start(self, state: str) -> Iterator[None]:
        """Within the block, runs start in ``state`` (RUNNING: as the service has them when StartJobRun answers)."""
        self.new_runs(state)
        try:
            yield
        finally:
            self.new_runs(None)

    def set_application_state(self, application_id: str, state: str) -> None:
        """Move an application to ``state`` inside the emulator (TERMINATED, STOPPED...)."""
        self._backend().applications[application_id].state = state

    @staticmethod
    def _backend(region: str = REGION) -> Any:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.emrserverless.models import emrserverless_backends

        return emrserverless_backends[DEFAULT_ACCOUNT_ID][region]

    def start_job_run_bodies(self) -> list[dict[str, Any]]:
        """StartJobRun bodies received, with ``applicationId`` from the path, as the compiler prints them."""
        with self._lock:
            requests = list(self.requests)
        out = []
        for r in requests:
            parts = r.path.strip("/").split("/")
            if r.method == "POST" and len(parts) == 3 and parts[0] == "applications" and parts[2] == "jobruns":
                out.append({"applicationId": parts[1], **(r.body or {})})
        return out

    def set_run_state(self, application_id: str, job_run_id: str, state: str) -> None:
        """Move a run to ``state`` inside the emulator (moto finishes every run at once).

        Lets tests see what happens to runs that are still going, as on the real
        service: cancellation on replace and destroy, state read back by refresh.
        A run the stack recorded as ended (SUCCESS...) is never asked about again
        (providers/run_reads.py), as on the service an end is final: to have a run
        still going, start it so (``runs_start``).
        """
        self._backend().get_job_run(application_id, job_run_id).state = state

    def job_runs(self, application_id: str, region: str = REGION) -> list[dict[str, Any]]:
        """Every run the emulator holds for an application in ``region``: ``jobRunId``, ``clientToken``, ``state``.

        Read from moto's backend directly (the API does not return ``clientToken``),
        so tests can count runs per token.
        """
        backend = self._backend(region)
        return [{"jobRunId": r.id, "clientToken": r.client_token, "state": r.state}
                for r in backend.job_runs.get(application_id, [])]

    def forget_runs(self, application_id: str) -> None:
        """Drop every run the emulator holds for an application.

        A benchmark that starts thousands of runs clears them between its rounds, so each
        round starts from the same emulator (``tools.moto_index`` keeps lookups by id cheap).
        """
        self._backend().job_runs.pop(application_id, None)

    def end_runs(self, application_id: str, state: str = "SUCCESS") -> None:
        """End every run of an application that has not ended (a benchmark's runs, all at once)."""
        for run in self._backend().job_runs.get(application_id, []):
            if run.state not in ("SUCCESS", "FAILED", "CANCELLED"):
                run.state = state

    def calls(self, method: str, suffix: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.endswith(suffix)]
