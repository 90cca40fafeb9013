"""A fault-injecting HTTP proxy on 127.0.0.1, in front of the local endpoint.

Tests put it between a client (boto3 in the provider, or the provider inside the
Pulumi engine) and ``LocalEndpoint``, and queue faults for the requests that match
a method and a path pattern::

    with FaultProxy(endpoint.url) as proxy:
        proxy.add("POST", JOBRUNS, status(503), throttle(), reset())
        env = {**endpoint.env(), "AWS_ENDPOINT_URL_EMR_SERVERLESS": proxy.url}
        ...
        assert [s.fault for s in proxy.seen("POST", JOBRUNS)] == ["status", "throttle", "reset", "forward"]

Each matching request takes the next fault of the first rule that matches it and
still has faults queued; a request that takes none is forwarded unchanged. Every
request is recorded (method, path, parsed JSON body, the fault applied, the status
sent back), at arrival, so a test can wait for a request that is still held.

Faults:

``status(code)``           answer ``code`` with an AWS JSON error, without forwarding.
``throttle()``             HTTP 400 ``ThrottlingException`` (body ``__type`` and header
                           ``x-amzn-ErrorType``), what a restJson1 service sends when it
                           throttles; botocore's standard mode retries it as throttling.
``reset()``                drop the connection before forwarding: a TCP reset, no response.
``forward_then_reset()``   forward (the endpoint acts on the request), then reset the
                           client's connection instead of answering: the response is lost.
``slow(seconds)``          hold the request up to ``seconds`` (or until ``release()``),
                           then forward it, even if the client has given up by then, as a
                           real service would still act on a request it received.
``forward()``              forward unchanged (placeholder to skip a request in a queue).

Standard library only (``http.server`` + ``http.client``); every wait is bounded:
the client socket, the upstream connection and ``slow`` all have timeouts. Request
bodies are read by ``Content-Length`` (botocore always sends one; chunked uploads are
not supported).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

#: StartJobRun: ``POST /applications/{applicationId}/jobruns`` (not GetJobRun's ``.../jobruns/{id}``).
JOBRUNS = r"^/applications/[^/]+/jobruns$"

#: Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1).
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                         "trailer", "transfer-encoding", "upgrade", "content-length"})

#: The AWS error type sent with each injected status (restJson1: ``__type`` and ``x-amzn-ErrorType``).
_ERROR_TYPES = {400: "ValidationException", 500: "InternalServerException", 503: "ServiceUnavailableException"}


@dataclass(frozen=True)
class Fault:
    """What the proxy does with one request. Make them with the functions below."""

    kind: str  # "status" | "throttle" | "reset" | "forward_then_reset" | "slow" | "forward"
    status: int | None = None
    seconds: float = 0.0
    error_type: str | None = None


def status(code: int, error_type: str | None = None) -> Fault:
    """Answer ``code`` with an AWS JSON error body (``__type``: ``error_type``, a default by code)."""
    return Fault("status", status=code, error_type=error_type or _ERROR_TYPES.get(code, "InjectedFault"))


def throttle() -> Fault:
    """HTTP 400 ``ThrottlingException``: botocore's standard mode retries it (with throttling backoff)."""
    return Fault("throttle", status=400, error_type="ThrottlingException")


def reset() -> Fault:
    """Reset the connection without forwarding and without any response."""
    return Fault("reset")


def forward_then_reset() -> Fault:
    """Forward to the endpoint, read its answer, then reset the client's connection: the answer is lost."""
    return Fault("forward_then_reset")


def slow(seconds: float) -> Fault:
    """Hold the request up to ``seconds`` (``FaultProxy.release()`` ends the hold early), then forward it."""
    if not 0 < seconds <= 120:
        raise ValueError("slow(seconds): 0 < seconds <= 120")
    return Fault("slow", seconds=float(seconds))


def forward() -> Fault:
    """Forward unchanged."""
    return Fault("forward")


_FORWARD = forward()


@dataclass
class Seen:
    """One request the proxy received and what it did with it."""

    method: str
    path: str
    body: Any
    fault: str
    #: The HTTP status sent back to the client; None for a reset (or while not done).
    status: int | None = None
    #: The endpoint's status when the request was forwarded (None if it was not).
    upstream_status: int | None = None
    #: False while the request is being handled (held by ``slow``, or forwarding).
    done: bool = False
    #: Set when the answer could not be delivered (the client had gone away).
    client_gone: bool = False


class FaultProxy:
    """``with FaultProxy(upstream_url) as proxy:`` a proxy on a free loopback port."""

    def __init__(self, upstream: str, host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0) -> None:
        parts = urlsplit(upstream)
        if parts.hostname != "127.0.0.1" or host != "127.0.0.1":
            raise ValueError("FaultProxy listens on and forwards to 127.0.0.1 only")
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.host, self.port, self.timeout = host, port, timeout
        self._rules: list[tuple[str, re.Pattern[str], list[Fault]]] = []
        self._log: list[Seen] = []
        self._cond = threading.Condition()
        self._generation = 0  # bumped by release(): ends the holds in progress
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "FaultProxy":
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- programming and reading ---------------------------------------------------------------

    def add(self, method: str, path_regex: str, *faults: Fault) -> None:
        """Queue ``faults``, one per request matching ``method`` and ``path_regex`` (``re.search``), in order."""
        with self._cond:
            self._rules.append((method.upper(), re.compile(path_regex), list(faults)))

    def pending(self) -> int:
        """Faults queued and not yet used."""
        with self._cond:
            return sum(len(faults) for _, _, faults in self._rules)

    def clear(self) -> int:
        """Drop every queued fault; returns how many were dropped."""
        with self._cond:
            dropped = sum(len(faults) for _, _, faults in self._rules)
            self._rules.clear()
            return dropped

    def release(self) -> None:
        """End every ``slow`` hold in progress now (each then forwards its request)."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def seen(self, method: str | None = None, path_regex: str | None = None) -> list[Seen]:
        """Requests received so far (copies), optionally only those matching."""
        pattern = re.compile(path_regex) if path_regex else None
        with self._cond:
            return [Seen(**vars(s)) for s in self._log
                    if (method is None or s.method == method.upper()) and (pattern is None or pattern.search(s.path))]

    def wait_for(self, predicate: Callable[[list[Seen]], bool], timeout: float) -> bool:
        """Block until ``predicate(log)`` holds (re-checked on every change of the log), at most ``timeout`` s."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self._log), timeout=timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Block until every request received so far is done, at most ``timeout`` s."""
        return self.wait_for(lambda log: all(s.done for s in log), timeout)

    # -- used by the handler -------------------------------------------------------------------

    def _take(self, method: str, path: str, body: Any) -> tuple[Fault, Seen]:
        with self._cond:
            fault = _FORWARD
            for rule_method, pattern, faults in self._rules:
                if faults and rule_method == method and pattern.search(path):
                    fault = faults.pop(0)
                    break
            seen = Seen(method, path, body, fault.kind)
            self._log.append(seen)
            self._cond.notify_all()
            return fault, seen

    def _hold(self, seconds: float) -> None:
        with self._cond:
            start = self._generation
            self._cond.wait_for(lambda: self._generation != start, timeout=seconds)

    def _update(self, seen: Seen, **changes: Any) -> None:
        with self._cond:
            for key, value in changes.items():
                setattr(seen, key, value)
            self._cond.notify_all()


def _handler_for(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        pass

    Handler.proxy = proxy
    Handler.timeout = proxy.timeout  # the client socket's timeout (StreamRequestHandler)
    return Handler


class _Handler(BaseHTTPRequestHandler):
    proxy: FaultProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # the proxy's own log is the record
        pass

    def _serve(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path = self.path.split("?", 1)[0]
        fault, seen = self.proxy._take(self.command, path, body)
        try:
            if fault.kind in ("status", "throttle"):
                self._error(fault, seen)
            elif fault.kind == "reset":
                self._reset(seen)
            else:
                if fault.kind == "slow":
                    self.proxy._hold(fault.seconds)
                code, headers, payload = self._forward(raw)
                self.proxy._update(seen, upstream_status=code)
                if fault.kind == "forward_then_reset":
                    self._reset(seen)
                else:
                    self._answer(seen, code, headers, payload)
        except (OSError, http.client.HTTPException) as exc:
            # Upstream unreachable or too slow: a 502, as a load balancer would answer.
            if not seen.done:
                self._answer(seen, 502, [], json.dumps({"__type": "BadGateway", "message": str(exc)}).encode())
        finally:
            self.proxy._update(seen, done=True)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def _forward(self, raw: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.proxy.upstream_host, self.proxy.upstream_port,
                                          timeout=self.proxy.timeout)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            conn.request(self.command, self.path, body=raw, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            return response.status, kept, payload
        finally:
            conn.close()

    def _error(self, fault: Fault, seen: Seen) -> None:
        payload = json.dumps({"__type": fault.error_type, "message": f"injected by fault proxy: {fault.kind}"}).encode()
        self._answer(seen, fault.status or 500, [("Content-Type", "application/json"),
                                                  ("x-amzn-ErrorType", fault.error_type or "")], payload)

    def _answer(self, seen: Seen, code: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        try:
            self.send_response(code)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()
            self.proxy._update(seen, status=code, done=True)
        except OSError:
            self.proxy._update(seen, client_gone=True, done=True)
        self.close_connection = True

    def _reset(self, seen: Seen) -> None:
        """Close with SO_LINGER 0: the kernel sends RST, the client sees "connection reset", no response."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            socket.close(self.connection.detach())
            self.proxy._update(seen, done=True)
        except OSError:
            self.proxy._update(seen, client_gone=True, done=True)
