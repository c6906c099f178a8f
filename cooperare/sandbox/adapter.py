"""A ``requests`` transport adapter that hands requests to an in-process sandbox instead of the network.

Mounted on a ``requests.Session`` for the sandbox's URL, it lets the real client (encoding, retries, error decoding)
talk to the sandbox with no socket, like moto does for AWS. Timeouts are honoured: a ``slow`` fault longer than the
read timeout becomes ``requests.exceptions.ReadTimeout`` after the call ran, and a lost acknowledgement becomes a
``ConnectionError``, exactly what the client sees on a real network. With a server-time model on the server, each
answer is held as long as a real Moodle would take, with at most as many calls at once as it has PHP workers.
"""

from __future__ import annotations

import time
from io import BytesIO
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from cooperare.sandbox.server import ConnectionLost, SandboxServer

_REASONS = {200: "OK", 404: "Not Found", 502: "Bad Gateway", 503: "Service Unavailable"}


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout


class SandboxAdapter(BaseAdapter):
    """Route every request of a session prefix to ``server.handle``."""

    def __init__(self, server: SandboxServer, *, sleep: Any = time.sleep) -> None:
        super().__init__()
        self.server = server
        self._sleep = sleep

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = dict(request.headers)
        read_timeout = _read_timeout(timeout)
        try:
            timing = self.server.timing
            if timing is None:
                answer = self.server.handle(request.method or "GET", request.url or "", headers, body)
            else:
                answer = timing.serve(lambda: self.server.handle(request.method or "GET", request.url or "", headers,
                                                                 body))
        except ConnectionLost as lost:
            raise requests.exceptions.ConnectionError(
                "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
                request=request,
            ) from lost
        if answer.delay:
            if read_timeout is not None and answer.delay > read_timeout:
                self._sleep(read_timeout)
                raise requests.exceptions.ReadTimeout(
                    f"HTTPConnectionPool: Read timed out. (read timeout={read_timeout})", request=request)
            self._sleep(answer.delay)
        response = requests.Response()
        response.status_code = answer.status
        response.reason = _REASONS.get(answer.status, "")
        response.headers = CaseInsensitiveDict({"Content-Type": answer.content_type, **answer.headers})
        response.raw = BytesIO(answer.body)
        response._content = answer.body
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:  # nothing to release
        pass
