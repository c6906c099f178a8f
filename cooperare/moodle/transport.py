"""HTTP transport to Moodle's REST web service: one ``call(wsfunction, params)``.

What it does: encodes parameters the PHP way with ``wstoken``, ``wsfunction`` and ``moodlewsrestformat=json`` first
(PHP's max_input_vars truncation drops trailing variables, and losing the token would turn the answer into an
``invalidtoken`` error in XML); decodes Moodle's error objects (sent with HTTP 200) into typed exceptions; refuses
bodies that are not JSON with the first bytes shown; records every ``warnings`` entry; counts calls.

Retries: only for read functions, and for any function when the failure happened before the request left (the
connection could not be opened). A write whose answer was lost raises :class:`ResponseLost` and is never re-sent:
the caller reconciles by reading back.

What it must not do: know about courses or trainees, or let the token reach a log, an exception or a URL.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from cooperare import __version__
from cooperare.errors import (
    AccessDenied,
    ConfigError,
    InvalidParameter,
    InvalidToken,
    LoginFailed,
    MoodleError,
    MoodleWarning,
    NotFound,
    NotImplementedBySite,
    ResponseLost,
    TransportError,
)
from cooperare.moodle.contract import Contract, full_contract
from cooperare.moodle.encoding import Pair, flatten, urlencode
from cooperare.secrets import Secret, redact

log = logging.getLogger("cooperare.moodle")

REST_PATH = "/webservice/rest/server.php"
UPLOAD_PATH = "/webservice/upload.php"
TOKEN_PATH = "/login/token.php"

RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
PREVIEW_BYTES = 200

_INVALID_TOKEN_CODES = frozenset({"invalidtoken", "invalidtokenexpired"})
_ACCESS_CODES = frozenset(
    {
        "accessexception",
        "nopermissions",
        "requireloginerror",
        "wsusercannotassign",
        "servicenotavailable",
        "webservicesnotenabled",
        "usernotfullysetup",
        "forcepasswordchangenotice",
        "sitepolicynotagreed",
        "restoredaccountresetpassword",
        "invalidtokensession",
    }
)
_NOT_IMPLEMENTED_CODES = frozenset({"sandboxnotimplemented"})
_NOT_FOUND_CODES = frozenset(
    {"invalidrecord", "invalidrecordunknown", "invaliduser", "invalidcourseid", "invalidcoursemodule", "nocourseid"}
)


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalise_site_url(url: str) -> str:
    """Validate a Moodle site URL: https required except for loopback hosts; no query, no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"Moodle URL {url!r} is not an http(s) URL", hint="for example https://moodle.example.ro")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"Moodle URL {url!r} uses plain http; the token would travel in clear text",
            hint="use https (http is allowed only for loopback hosts such as 127.0.0.1)",
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"Moodle URL {url!r} must not have a query or fragment")
    if parts.username or parts.password:
        raise ConfigError("Moodle URL must not embed credentials")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass
class CallStats:
    """Web-service calls made through one transport (every HTTP request counts, retries included)."""

    calls: int = 0
    reads: int = 0
    writes: int = 0
    retries: int = 0
    uploads: int = 0
    by_function: Counter[str] = field(default_factory=Counter)
    seconds_by_function: dict[str, float] = field(default_factory=dict)
    """Wall time waiting for answers, per function (concurrent calls add up: it can exceed the run's time)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "reads": self.reads,
            "writes": self.writes,
            "retries": self.retries,
            "uploads": self.uploads,
            "by_function": dict(sorted(self.by_function.items())),
        }


def error_from_json(data: Mapping[str, Any], *, wsfunction: str | None) -> MoodleError:
    """Map Moodle's ``{exception, errorcode, message, debuginfo?}`` object to the pack's exception classes."""
    errorcode = str(data.get("errorcode") or "") or None
    exception = data.get("exception")
    message = redact(str(data.get("message") or data.get("error") or "unknown Moodle error"))
    debuginfo = data.get("debuginfo")
    debuginfo = redact(str(debuginfo)) if debuginfo else None
    kwargs = {"wsfunction": wsfunction, "errorcode": errorcode, "exception": exception, "debuginfo": debuginfo}
    if errorcode in _INVALID_TOKEN_CODES:
        return InvalidToken(
            message, hint="check the token (COOPERARE_MOODLE_TOKEN or the token file) and its service", **kwargs
        )
    if errorcode in _ACCESS_CODES:
        return AccessDenied(message, **kwargs)
    if errorcode == "invalidparameter" or (exception or "").endswith("invalid_parameter_exception"):
        hint = None if debuginfo else "Moodle hides the reason unless debugging is on (Site administration > Debugging)"
        return InvalidParameter(message, hint=hint, **kwargs)
    if errorcode in _NOT_IMPLEMENTED_CODES:
        return NotImplementedBySite(message, **kwargs)
    if errorcode in _NOT_FOUND_CODES or exception == "dml_missing_record_exception":
        return NotFound(message, **kwargs)
    return MoodleError(message, **kwargs)


def _preview(body: bytes) -> str:
    text = body[:PREVIEW_BYTES].decode("utf-8", errors="replace")
    more = "…" if len(body) > PREVIEW_BYTES else ""
    return redact(repr(text)[1:-1] + more)


def _connection_not_established(exc: BaseException) -> bool:
    """True when the request certainly never reached the server (so even a write may be retried)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        if name in ("NewConnectionError", "NameResolutionError", "ConnectionRefusedError", "ConnectTimeoutError"):
            return True
        if isinstance(current, requests.exceptions.ConnectionError) and current.args:
            inner = current.args[0]
            if isinstance(inner, BaseException):
                current = inner
                continue
            if hasattr(inner, "reason") and isinstance(inner.reason, BaseException):
                current = inner.reason
                continue
        current = current.__cause__ or current.__context__ or getattr(current, "reason", None)
    return False


class Transport:
    """Talks to one Moodle site with one token. Thread-compatible, not thread-safe (one per thread)."""

    def __init__(
        self,
        url: str,
        token: Secret,
        *,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = (10.0, 120.0),
        retries: int = 3,
        backoff: float = 0.5,
        contract: Contract | None = None,
        var_budget: int = 1000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(token, Secret):
            raise TypeError("token must be a cooperare.secrets.Secret")
        self.url = normalise_site_url(url)
        self._token = token
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", f"cooperare/{__version__}")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.contract = contract or full_contract()
        self.var_budget = var_budget
        self.stats = CallStats()
        self._stats_lock = threading.Lock()
        self.warnings: list[MoodleWarning] = []
        self._sleep = sleep

    # -- public API ---------------------------------------------------------------------------------------------

    def call(self, wsfunction: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call one web-service function and return its decoded JSON result (``None`` for functions without one)."""
        return self.call_pairs(wsfunction, flatten(params or {}))

    def call_pairs(self, wsfunction: str, pairs: Sequence[Pair]) -> Any:
        """Like :meth:`call` for parameters already flattened (used by batching).

        The token, function and format go first: PHP drops the variables beyond max_input_vars from the end.
        """
        head: list[Pair] = [
            ("wstoken", self._token.reveal()),
            ("wsfunction", wsfunction),
            ("moodlewsrestformat", "json"),
        ]
        return self._post_rest(wsfunction, head + list(pairs))

    def upload(self, filename: str, content: bytes, *, content_type: str = "application/octet-stream",
               itemid: int = 0, filepath: str = "/") -> list[dict[str, Any]]:
        """Upload one file into a draft area through ``webservice/upload.php``; returns Moodle's file records.

        Uploads are writes: a lost answer raises :class:`ResponseLost` and is not re-sent.
        """
        data = [("token", self._token.reveal()), ("filearea", "draft"), ("itemid", str(itemid)),
                ("filepath", filepath)]
        files = {"file_1": (filename, content, content_type)}
        self.stats.uploads += 1
        response = self._send(
            "upload.php", self.url + UPLOAD_PATH, is_read=False, data=data, files=files
        )
        decoded = self._decode("upload.php", response)
        if isinstance(decoded, Mapping) and ("error" in decoded or "exception" in decoded):
            raise error_from_json(decoded, wsfunction="upload.php")
        if not isinstance(decoded, list):
            raise TransportError(f"upload.php answered with an unexpected shape: {_preview(response.content)}",
                                 wsfunction="upload.php")
        return decoded

    def drain_warnings(self) -> list[MoodleWarning]:
        """Return and forget the warnings collected so far."""
        collected, self.warnings = self.warnings, []
        return collected

    def __repr__(self) -> str:
        return f"Transport(url={self.url!r}, token={self._token!r})"

    # -- internals ------------------------------------------------------------------------------------------------

    def _post_rest(self, wsfunction: str, pairs: list[Pair]) -> Any:
        is_read = self.contract.is_read(wsfunction)
        body = urlencode(pairs).encode("ascii")
        log.debug("call %s (%s, %d variables, %d bytes)", wsfunction, "read" if is_read else "write",
                  len(pairs), len(body))
        response = self._send(
            wsfunction,
            self.url + REST_PATH,
            is_read=is_read,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        decoded = self._decode(wsfunction, response, is_read=is_read)
        if isinstance(decoded, Mapping) and "exception" in decoded and "errorcode" in decoded:
            raise error_from_json(decoded, wsfunction=wsfunction)
        self._collect_warnings(wsfunction, decoded)
        return decoded

    def _send(self, label: str, url: str, *, is_read: bool, **kwargs: Any) -> requests.Response:
        attempt = 0
        while True:
            attempt += 1
            with self._stats_lock:  # batches may be sent from several threads at once (site.concurrency)
                self.stats.calls += 1
                self.stats.by_function[label] += 1
                if is_read:
                    self.stats.reads += 1
                else:
                    self.stats.writes += 1
            started = time.perf_counter()
            try:
                response = self.session.post(url, timeout=self.timeout, allow_redirects=False, **kwargs)
            except requests.exceptions.RequestException as exc:
                not_sent = _connection_not_established(exc)
                reason = redact(f"{type(exc).__name__}: {exc}")
                if (is_read or not_sent) and attempt <= self.retries:
                    self._pause(attempt, label, reason)
                    continue
                if not is_read and not not_sent:
                    raise ResponseLost(
                        f"no answer from {self.url} ({reason}); the write may or may not have been applied",
                        wsfunction=label,
                        hint="re-run the command: it reads back what exists before writing again",
                    ) from None
                raise TransportError(f"cannot reach {self.url}: {reason}", wsfunction=label,
                                     hint="check the URL, the network and that Moodle is up") from None
            elapsed = (time.perf_counter() - started) * 1000
            with self._stats_lock:
                waited = self.stats.seconds_by_function
                waited[label] = waited.get(label, 0.0) + elapsed / 1000
            log.debug("answer %s: HTTP %s in %.0f ms, %d bytes", label, response.status_code, elapsed,
                      len(response.content))
            if response.status_code == 200:
                return response
            if response.status_code in RETRYABLE_STATUS and is_read and attempt <= self.retries:
                self._pause(attempt, label, f"HTTP {response.status_code}")
                continue
            message = f"HTTP {response.status_code} from {self.url}: {_preview(response.content)}"
            if response.status_code in (301, 302, 303, 307, 308):
                raise TransportError(
                    message, wsfunction=label,
                    hint="the URL redirects (wrong site URL, or http to https); use the final address")
            if not is_read and response.status_code in RETRYABLE_STATUS:
                raise ResponseLost(message + "; the write may or may not have been applied", wsfunction=label,
                                   hint="re-run the command: it reads back what exists before writing again")
            raise TransportError(message, wsfunction=label)

    def _pause(self, attempt: int, label: str, reason: str) -> None:
        with self._stats_lock:
            self.stats.retries += 1
        delay = self.backoff * (2 ** (attempt - 1))
        log.info("retrying %s in %.1fs after %s (attempt %d of %d)", label, delay, reason, attempt + 1,
                 self.retries + 1)
        self._sleep(delay)

    def _decode(self, label: str, response: requests.Response, *, is_read: bool = False) -> Any:
        body = response.content
        if not body.strip():
            raise self._unreadable(label, is_read, "an empty body")
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            kind = "an HTML page" if body.lstrip()[:1] == b"<" else "a body that is not JSON"
            raise self._unreadable(label, is_read, f"{kind} (first bytes: {_preview(body)})") from None

    def _unreadable(self, label: str, is_read: bool, what: str) -> TransportError:
        message = f"{self.url} answered {label} with {what}"
        hint = ("a proxy, a PHP notice (debug display on) or a maintenance page may sit in front of Moodle; "
                "check the server's error log")
        if not is_read:
            return ResponseLost(message + "; the write may or may not have been applied", wsfunction=label, hint=hint)
        return TransportError(message, wsfunction=label, hint=hint)

    def _collect_warnings(self, wsfunction: str, decoded: Any) -> None:
        if not isinstance(decoded, Mapping):
            return
        warnings = decoded.get("warnings")
        if not isinstance(warnings, list):
            return
        for entry in warnings:
            if not isinstance(entry, Mapping):
                continue
            warning = MoodleWarning(
                wsfunction=wsfunction,
                message=redact(str(entry.get("message", ""))),
                warningcode=None if entry.get("warningcode") is None else str(entry.get("warningcode")),
                item=entry.get("item"),
                itemid=entry.get("itemid"),
            )
            self.warnings.append(warning)
            log.warning("%s", warning)


def request_token(
    url: str,
    username: str,
    password: Secret,
    *,
    service: str,
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] = (10.0, 60.0),
) -> Secret:
    """Ask ``login/token.php`` for a token (the user's existing permanent token for ``service``)."""
    site = normalise_site_url(url)
    http = session or requests.Session()
    data = {"username": username, "password": password.reveal(), "service": service}
    try:
        response = http.post(site + TOKEN_PATH, data=data, timeout=timeout, allow_redirects=False)
    except requests.exceptions.RequestException as exc:
        raise TransportError(f"cannot reach {site}: {redact(str(exc))}", wsfunction="login/token.php") from None
    try:
        decoded = response.json()
    except ValueError:
        raise TransportError(f"login/token.php answered with a body that is not JSON: {_preview(response.content)}",
                             wsfunction="login/token.php") from None
    if "token" in decoded and decoded["token"]:
        return Secret(str(decoded["token"]), source="login/token.php")
    error = error_from_json(decoded, wsfunction="login/token.php")
    raise LoginFailed(error.moodle_message, wsfunction="login/token.php", errorcode=error.errorcode,
                      debuginfo=error.debuginfo)
