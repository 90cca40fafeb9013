"""A small Language Server Protocol client over stdio, for driving yaml-language-server in tests.

The server is the real one from npm (``yaml-language-server``, installed by the test run
into ``.tools/npm``: ``install_yaml_language_server``). Messages are JSON-RPC with a
``Content-Length`` header; a reader thread queues what the server sends and answers the
requests it makes of the client (``workspace/configuration``: the settings given,
anything else: null). Every wait is bounded by a timeout.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
NPM_PREFIX = REPO / ".tools" / "npm"
VERSION = "1.25.x"
SERVER = NPM_PREFIX / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
TIMEOUT = 30


def install_yaml_language_server(timeout: float = 300) -> Path:
    """yaml-language-server 1.25 in ``.tools/npm`` (npm install, once); the path of its executable script."""
    package = SERVER.parents[1] / "package.json"
    if not (package.is_file() and json.loads(package.read_text())["version"].startswith("1.25.")):
        subprocess.run(["npm", "install", "--prefix", str(NPM_PREFIX), "--no-audit", "--no-fund",
                        f"yaml-language-server@{VERSION}"], check=True, timeout=timeout,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return SERVER


class LanguageServer:
    """One yaml-language-server process; use as a context manager (it is shut down and waited for)."""

    def __init__(self, settings: dict[str, Any], root: Path) -> None:
        self.settings = settings
        self.root = root
        self.proc = subprocess.Popen(["node", str(install_yaml_language_server()), "--stdio"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.responses: dict[int, dict[str, Any]] = {}
        self.next_id = 0
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # -- the wire ----------------------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        with self.lock:
            self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:  # a request of the server's
                self._send({"id": message["id"], "result": self._answer(message)})
            else:
                self.messages.put(message)

    def _answer(self, request: dict[str, Any]) -> Any:
        if request["method"] == "workspace/configuration":
            return [self.settings.get(item.get("section", "")) for item in request["params"]["items"]]
        return None

    # -- requests and notifications ---------------------------------------------------------------------

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = TIMEOUT) -> Any:
        self.next_id += 1
        ident = self.next_id
        self._send({"id": ident, "method": method, "params": params})
        message = self.wait_for(lambda m: m.get("id") == ident, timeout, f"a response to {method}")
        if "error" in message:
            raise AssertionError(f"{method} failed: {message['error']}")
        return message.get("result")

    def wait_for(self, matches: Callable[[dict[str, Any]], bool], timeout: float, what: str) -> dict[str, Any]:
        """The first message from the server (not yet taken) that ``matches``; others are kept for later waits."""
        skipped: list[dict[str, Any]] = []
        try:
            while True:
                try:
                    message = self.messages.get(timeout=timeout)
                except queue.Empty:
                    raise AssertionError(f"no {what} from yaml-language-server within {timeout} s; stderr: "
                                         f"{self._stderr()}") from None
                if matches(message):
                    return message
                skipped.append(message)
        finally:
            for message in skipped:
                self.messages.put(message)

    def _stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read().decode(errors="replace")[-2000:]

    # -- the editor's side ------------------------------------------------------------------------------

    def __enter__(self) -> "LanguageServer":
        self.request("initialize", {
            "processId": None, "rootUri": self.root.as_uri(), "workspaceFolders": None,
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                                              "publishDiagnostics": {}},
                             "workspace": {"configuration": True}},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                stream.close()

    def open(self, path: Path) -> str:
        """``textDocument/didOpen`` of a file (its text as on disk); its URI."""
        uri = path.resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}})
        return uri

    def diagnostics(self, uri: str, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for ``uri`` (the next ``publishDiagnostics`` for it)."""
        message = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"]["uri"] == uri, timeout, f"diagnostics for {uri}")
        return message["params"]["diagnostics"]

    def hover(self, uri: str, line: int, character: int) -> str:
        """The hover text at a 0-based position ('' when there is none)."""
        result = self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                     "position": {"line": line, "character": character}})
        if not result:
            return ""
        contents = result["contents"]
        return contents["value"] if isinstance(contents, dict) else str(contents)


def settings(schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    """yaml-language-server settings: validation and hover on, no schema store (no network), ``yaml.schemas``."""
    return {"yaml": {"validate": True, "hover": True, "completion": True, "format": {"enable": False},
                     "schemaStore": {"enable": False}, "schemas": schemas or {}}}
