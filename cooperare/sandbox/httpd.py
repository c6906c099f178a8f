"""The sandbox as a loopback HTTP server (``cooperare sandbox serve``), for trying the CLI or other clients.

Binds to loopback only. With ``control=True`` it also answers test-harness requests:
``POST /_sandbox/reset`` (back to the fresh baseline: the settings the server started with, same token),
``POST /_sandbox/config`` with ``max_input_vars=N`` or ``name=…&value=…`` (a Moodle setting such as ``debug``), and
``POST /_sandbox/fault`` with ``kind=…&function=…&skip=…&times=…&delay=…`` (fault injection).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cooperare.sandbox.server import ConnectionLost, SandboxServer

LOOPBACK = "127.0.0.1"


class _Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small answers go out at once (otherwise ~40 ms per call on loopback)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return  # request lines may carry nothing secret, but stay quiet like a test fixture

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch(b"")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch(self._body())

    def _dispatch(self, body: bytes) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/_sandbox/"):
            if not self.server.control:
                self._send(404, "text/plain", b"control endpoints are off (start with --control)")
                return
            self._control(path, body)
            return
        try:
            answer = self.server.sandbox.handle(self.command, self.path, dict(self.headers), body)
        except ConnectionLost as lost:
            if lost.delay:
                time.sleep(lost.delay)
            self.close_connection = True
            return
        if answer.delay:
            time.sleep(answer.delay)
        self._send(answer.status, answer.content_type, answer.body, answer.headers)

    def _control(self, path: str, body: bytes) -> None:
        args = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        sandbox = self.server.sandbox
        if path == "/_sandbox/reset":
            sandbox.reset()
            self._send(200, "application/json", b'{"reset":true}')
        elif path == "/_sandbox/config":
            with sandbox.lock:
                if "max_input_vars" in args:
                    sandbox.site.settings.max_input_vars = int(args["max_input_vars"])
                elif "name" in args:
                    sandbox.site.settings.config[args["name"]] = args.get("value", "")
                else:
                    self._send(400, "text/plain", b"give max_input_vars=N or name=...&value=...")
                    return
            self._send(200, "application/json", b'{"ok":true}')
        elif path == "/_sandbox/fault":
            sandbox.faults.add(args.get("kind", ""), function=args.get("function") or None,
                               skip=int(args.get("skip", 0)), times=int(args.get("times", 1)),
                               delay=float(args.get("delay", 0)), status=int(args.get("status", 502)))
            self._send(200, "application/json", b'{"ok":true}')
        else:
            self._send(404, "text/plain", b"unknown control endpoint")


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sandbox: SandboxServer, *, port: int = 0, control: bool = False) -> None:
        super().__init__((LOOPBACK, port), _Handler)
        self.sandbox = sandbox
        self.control = control

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="cooperare-sandbox", daemon=True)
        thread.start()
        return thread
