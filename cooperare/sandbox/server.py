"""The sandbox's HTTP semantics: Moodle's REST server, ``login/token.php`` and ``webservice/upload.php``.

Takes a request (method, path, headers, body), returns what Moodle would send: always HTTP 200 for REST, error
objects in JSON or XML, responses cleaned along the function's return description. The same object serves the
in-process ``requests`` adapter and the loopback HTTP server. It also applies fault injection.

Order of checks, as in Moodle: parse (with max_input_vars truncation) → token → function exists → function in the
token's service → validate parameters → run (in a transaction) → clean the return value → encode.
"""

from __future__ import annotations

import copy
import random
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cooperare.sandbox import exceptions as mx
from cooperare.sandbox.faults import Fault, FaultKind, Faults
from cooperare.sandbox.functions.course import installed_langs
from cooperare.sandbox.php import htmlspecialchars, installed_languages, json_encode, php_str
from cooperare.sandbox.plugin import sitefiles
from cooperare.sandbox.registry import Call, load_all
from cooperare.sandbox.request import ParsedRequest, parse_body, php_array
from cooperare.sandbox.site import Site
from cooperare.sandbox.timing import ServerTimeModel
from cooperare.sandbox.validation import clean_returnvalue, validate_parameters

REST_PATH = "/webservice/rest/server.php"
TOKEN_PATH = "/login/token.php"
REST_USE = "webservice/rest:use"
UPLOAD_PATH = "/webservice/upload.php"

JSON_TYPE = "application/json"
XML_TYPE = "application/xml; charset=utf-8"
TOKEN_JSON_TYPE = "application/json; charset=utf-8"
UPLOAD_TYPE = "text/plain; charset=utf-8"


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    delay: float = 0.0
    server_seconds: float = 0.0
    """What a real Moodle would have spent on this call (set when the server has a time model)."""
    headers: dict[str, str] = field(default_factory=dict)


class ConnectionLost(Exception):
    """The server processed the request (or not) and then dropped the connection without answering."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__("connection dropped by the sandbox (fault injection)")
        self.delay = delay


def _xml_value(value: Any) -> str:
    if value is None:
        return '<VALUE null="null"/>\n'
    if isinstance(value, bool):
        value = int(value)
    return f"<VALUE>{htmlspecialchars(php_str(value))}</VALUE>\n"


def xmlize(value: Any, description: dict[str, Any] | None) -> str:
    """Moodle's ``webservice_rest_server::xmlize_result``."""
    if description is None:
        return ""
    kind = description["type"]
    if kind == "value":
        return _xml_value(value)
    if kind == "multiple":
        inner = "".join(xmlize(item, description["content"]) for item in (value or []))
        return f"<MULTIPLE>\n{inner}</MULTIPLE>\n"
    inner = "".join(
        f'<KEY name="{key}">{xmlize((value or {}).get(key), sub)}</KEY>\n' for key, sub in description["keys"].items()
    )
    return f"<SINGLE>\n{inner}</SINGLE>\n"


def xml_error(error: mx.MoodleException, *, debugging: bool) -> str:
    text = '<?xml version="1.0" encoding="UTF-8" ?>\n'
    text += f'<EXCEPTION class="{error.exception}">\n'
    text += f"<ERRORCODE>{htmlspecialchars(error.errorcode)}</ERRORCODE>\n"
    text += f"<MESSAGE>{htmlspecialchars(error.message)}</MESSAGE>\n"
    if debugging and error.debuginfo is not None:
        text += f"<DEBUGINFO>{htmlspecialchars(error.debuginfo)}</DEBUGINFO>\n"
    return text + "</EXCEPTION>\n"


_REASONS = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out"}


def _error_page(status: int) -> bytes:
    title = f"{status} {_REASONS.get(status, 'Error')}"
    return (f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n"
            f"<body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n").encode()
_PHP_NOTICE = (
    "<br />\n<b>Notice</b>:  Undefined index: something in <b>/var/www/moodle/lib/weblib.php</b> on line "
    "<b>1234</b><br />\n"
)


class SandboxServer:
    """Answers HTTP requests as the Moodle site ``site`` would. Thread-safe (calls are serialised)."""

    def __init__(self, site: Site | None = None, *, faults: Faults | None = None) -> None:
        self.site = site or Site()
        # The settings the site started with: a reset brings them back, as a database restore does on a real Moodle
        # (settings changed later, through /_sandbox/config for instance, are part of the state a reset drops).
        self.baseline_settings = copy.deepcopy(self.site.settings)
        self.faults = faults or Faults()
        self.handlers = load_all()
        self.lock = threading.RLock()
        self.calls: list[str] = []
        self.timing: ServerTimeModel | None = None
        """When set, answers are held for the time a real server would take (see :mod:`cooperare.sandbox.timing`)."""

    def reset(self) -> None:
        """Back to the fresh baseline: a new database with the settings the site started with, no faults."""
        with self.lock:
            self.site = Site(copy.deepcopy(self.baseline_settings), clock=self.site.clock)
            self.faults.clear()

    # -- entry point ----------------------------------------------------------------------------------------------

    def handle(self, method: str, url: str, headers: dict[str, str], body: bytes) -> Response:
        parts = urlsplit(url)
        path = parts.path
        root_path = urlsplit(self.site.wwwroot).path.rstrip("/")
        if root_path and path.startswith(root_path):
            path = path[len(root_path):]
        content_type = headers.get("Content-Type") or headers.get("content-type") or ""
        with self.lock:
            parsed = parse_body(body, content_type, max_input_vars=self.site.settings.max_input_vars)
            query = parse_qsl(parts.query, keep_blank_values=True)
            if path == REST_PATH:
                return self._rest(parsed, query)
            if path == TOKEN_PATH:
                return self._token(parsed, query)
            if path == UPLOAD_PATH:
                return self._upload(parsed, query)
            if path.startswith(sitefiles.SCRIPT_PREFIX + "verify.php"):
                status, content_type, answer, headers = sitefiles.serve(self.site, path, parts.query)
                return Response(status, content_type, answer, headers=headers)
            return Response(404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>")

    # -- REST -----------------------------------------------------------------------------------------------------

    def _rest(self, parsed: ParsedRequest, query: list[tuple[str, str]]) -> Response:
        args: dict[Any, Any] = {**php_array(query), **parsed.post()}
        fmt = "json" if args.get("moodlewsrestformat") == "json" else "xml"
        args.pop("moodlewsrestformat", None)
        token = args.pop("wstoken", None)
        wsfunction = args.pop("wsfunction", None)
        wsfunction = wsfunction if isinstance(wsfunction, str) else None
        self.calls.append(wsfunction or "")
        server_seconds = self.timing.seconds(wsfunction or "", args) if self.timing is not None else 0.0
        response = self._rest_call(wsfunction, token, args, fmt, files=tuple(parsed.files))
        response.server_seconds = server_seconds
        return response

    def _rest_call(self, wsfunction: str | None, token: Any, args: dict[Any, Any], fmt: str, *,
                   files: tuple[Any, ...]) -> Response:
        fault = self.faults.take(wsfunction)
        if fault is not None and fault.kind in (FaultKind.HTTP_503, FaultKind.HTML_PAGE):
            status = 503 if fault.kind is FaultKind.HTTP_503 else fault.status
            return Response(status, "text/html", _error_page(status), delay=fault.delay)
        try:
            user = self._authenticate(token)
            spec = self._function(wsfunction, user)
            with installed_languages(installed_langs(self.site)):  # PARAM_LANG: a language this site has
                params = validate_parameters(spec.parameters, args)  # Moodle rejects bad parameters before running
            registered = self.handlers.get(spec.name)
            if registered is None:
                raise mx.MoodleException(
                    "sandboxnotimplemented",
                    f"The sandbox does not implement {spec.name} (it exists in Moodle {self.site.version})",
                    exception=mx.CODING_EXCEPTION,
                )
            result = self._execute(registered, Call(self.site, user, spec.name, params, files), fault)
            cleaned = clean_returnvalue(spec.returns, result) if spec.returns is not None else None
        except mx.MoodleException as error:
            return self._error_response(error, fmt, fault)
        if fmt == "json":
            body = json_encode(cleaned)
        else:
            body = '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n' + xmlize(cleaned, spec.returns) + \
                "</RESPONSE>\n"
        return self._deliver(Response(200, JSON_TYPE if fmt == "json" else XML_TYPE, body.encode("utf-8")), fault)

    def _authenticate(self, token: Any) -> dict[str, Any]:
        if not isinstance(token, str) or not token:
            raise mx.invalid_token()
        user = self.site.user_for_token(token)
        if user is None:
            raise mx.invalid_token()
        if not self.site.is_siteadmin(user) and REST_USE not in (user.get("capabilities") or ()):
            # webservice_server::authenticate_user(), before the function is even looked up.
            raise mx.access_exception(f"You are not allowed to use the {{$a}} protocol (missing capability: {REST_USE})")
        return user

    def _function(self, wsfunction: str | None, user: dict[str, Any]) -> Any:
        if not wsfunction:
            raise mx.InvalidParameterException("Missing function name")
        spec = self.site.contract.get(wsfunction)
        if spec is None:
            raise mx.missing_record(self.site, "external_functions", field="name", value=wsfunction)
        token_row = self.site.db["external_tokens"].first(userid=user["id"])
        service = self.site.db["external_services"].get(token_row["externalserviceid"]) if token_row else None
        allowed = service is not None and service["enabled"] and (
            service["functions"] is None or wsfunction in service["functions"])
        if not allowed:
            raise mx.access_exception(
                f"Access to the function {wsfunction}() is not allowed. There could be multiple reasons for this: "
                "1. The service linked to the user token does not contain the function. 2. The service is "
                "user-restricted and the user is not listed. 3. The service is IP-restricted and the user IP is not "
                "listed. 4. The service is time-restricted and the time has expired. 5. The token is time-restricted "
                "and the time has expired. 6. The user has a capability that is required by the service. 7. The "
                "function is called with username/password (no user token is sent) and none of the services has "
                "the function to allow the user. These settings can be found in Administration > Site "
                "administration > Server > Web services > External services and Manage tokens.")
        return spec

    def _execute(self, registered: Any, call: Call, fault: Fault | None) -> Any:
        db = self.site.db
        db.begin()
        try:
            result = registered.handler(call)
        except mx.MoodleException:
            if registered.atomic:
                db.rollback()
            else:
                db.commit()
            raise
        except Exception:
            db.rollback()
            raise
        if fault is not None and fault.kind is FaultKind.FAIL_BEFORE_COMMIT:
            db.rollback()
            raise mx.write_failure("injected failure before commit")
        db.commit()
        return result

    def _error_response(self, error: mx.MoodleException, fmt: str, fault: Fault | None) -> Response:
        debugging = self.site.debugging
        if fmt == "json":
            return self._deliver(Response(200, JSON_TYPE, json_encode(error.as_json(debugging=debugging)).encode()),
                                 fault)
        return self._deliver(Response(200, XML_TYPE, xml_error(error, debugging=debugging).encode("utf-8")), fault)

    def _deliver(self, response: Response, fault: Fault | None) -> Response:
        if fault is None:
            return response
        if fault.kind is FaultKind.LOST_ACK:
            raise ConnectionLost(fault.delay)
        if fault.kind is FaultKind.SLOW:
            response.delay = fault.delay
        if fault.kind is FaultKind.PHP_NOTICE:
            response.body = _PHP_NOTICE.encode() + response.body
        return response

    # -- login/token.php ------------------------------------------------------------------------------------------

    def _token(self, parsed: ParsedRequest, query: list[tuple[str, str]]) -> Response:
        args = {**php_array(query), **parsed.post()}

        def error(errorcode: str, message: str) -> Response:
            body = {"error": message, "errorcode": errorcode, "stacktrace": None, "debuginfo": None,
                    "reproductionlink": None}
            return Response(200, TOKEN_JSON_TYPE, json_encode(body).encode())

        username = str(args.get("username", "")).strip().lower()
        password = str(args.get("password", ""))
        service_name = str(args.get("service", ""))
        user = self.site.db["user"].first(username=username)
        if user is None or user.get("password") != password or user.get("deleted") or user.get("suspended"):
            return error("invalidlogin", "Invalid login, please try again")
        service = self.site.db["external_services"].first(shortname=service_name)
        if service is None or not service["enabled"]:
            return error("servicenotavailable",
                         "Web service is not available. (It doesn't exist or might be disabled.)")
        existing = self.site.db["external_tokens"].first(userid=user["id"], externalserviceid=service["id"])
        if existing is None:
            token = f"{random.getrandbits(128):032x}"
            self.site.add_token(token, userid=user["id"], serviceid=service["id"])
        else:
            token = existing["token"]
        return Response(200, TOKEN_JSON_TYPE, json_encode({"token": token, "privatetoken": None}).encode())

    # -- webservice/upload.php ------------------------------------------------------------------------------------

    def _upload(self, parsed: ParsedRequest, query: list[tuple[str, str]]) -> Response:
        from cooperare.sandbox.functions.files import handle_upload

        args = {**php_array(query), **parsed.post()}
        fault = self.faults.take("upload.php")
        if fault is not None and fault.kind in (FaultKind.HTTP_503, FaultKind.HTML_PAGE):
            status = 503 if fault.kind is FaultKind.HTTP_503 else fault.status
            return Response(status, "text/html", _error_page(status))
        user = self.site.user_for_token(str(args.get("token", "")))
        db = self.site.db
        db.begin()
        try:
            body = handle_upload(self.site, user, args, parsed.files)
        except Exception:
            db.rollback()
            raise
        if fault is not None and fault.kind is FaultKind.FAIL_BEFORE_COMMIT:
            db.rollback()
            body = {"error": "Error writing to database", "errorcode": "dmlwriteexception", "stacktrace": None,
                    "debuginfo": None, "reproductionlink": None}
        else:
            db.commit()
        return self._deliver(Response(200, UPLOAD_TYPE, json_encode(body).encode()), fault)

