"""Moodle's exceptions as the sandbox raises them: PHP class name, errorcode, message, debuginfo.

Handlers raise these; the server serialises them exactly as Moodle's REST server does. Messages and class names are
those recorded from Moodle 4.5 and 5.0 (``moodle-contract``); where the two versions differ, the factory functions
take the site so they can answer as either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.sandbox.site import Site

MOODLE_EXCEPTION = "core\\exception\\moodle_exception"
INVALID_PARAMETER_EXCEPTION = "core\\exception\\invalid_parameter_exception"
INVALID_RESPONSE_EXCEPTION = "core\\exception\\invalid_response_exception"
MISSING_RECORD_EXCEPTION = "dml_missing_record_exception"
REQUIRED_CAPABILITY_EXCEPTION = "core\\exception\\required_capability_exception"
# webservice/lib.php defines it in the global namespace (recorded: plugin_permission_denied, 4.5 and 5.0).
WEBSERVICE_ACCESS_EXCEPTION = "webservice_access_exception"
REQUIRE_LOGIN_EXCEPTION = "core\\exception\\require_login_exception"
CODING_EXCEPTION = "core\\exception\\coding_exception"
DML_WRITE_EXCEPTION = "dml_write_exception"


class MoodleException(Exception):
    """An exception as Moodle would throw it (serialised by the server into the error JSON or XML)."""

    def __init__(self, errorcode: str, message: str, *, exception: str = MOODLE_EXCEPTION,
                 debuginfo: str | None = None) -> None:
        super().__init__(message)
        self.errorcode = errorcode
        self.message = message
        self.exception = exception
        self.debuginfo = debuginfo

    def as_json(self, *, debugging: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"exception": self.exception, "errorcode": self.errorcode, "message": self.message}
        if debugging and self.debuginfo is not None:
            body["debuginfo"] = self.debuginfo
        return body


class InvalidParameterException(MoodleException):
    def __init__(self, debuginfo: str = "") -> None:
        super().__init__("invalidparameter", "Invalid parameter value detected",
                         exception=INVALID_PARAMETER_EXCEPTION, debuginfo=debuginfo)


class InvalidResponseException(MoodleException):
    def __init__(self, debuginfo: str = "") -> None:
        super().__init__("invalidresponse", "Invalid response value detected",
                         exception=INVALID_RESPONSE_EXCEPTION, debuginfo=debuginfo)


def _sql_debuginfo(table: str, field: str, value: Any) -> str:
    rendered = f"'{value}'" if isinstance(value, str) else str(value)
    return f"SELECT * FROM {{{table}}} WHERE {field} = ?\n[array (\n  0 => {rendered},\n)]"


def missing_record(site: Site, table: str, *, field: str = "id", value: Any = None,
                   errorcode: str = "invalidrecord", message: str | None = None) -> MoodleException:
    """``dml_missing_record_exception``: Moodle 4.5 names the table; 5.0 anonymises it unless debugging is on."""
    if site.version == "5.0" and not site.debugging:
        return MoodleException("invalidrecordunknown", "Can't find data record in database.",
                               exception=MISSING_RECORD_EXCEPTION, debuginfo=_sql_debuginfo(table, field, value))
    text = message if message is not None else f"Can't find data record in database table {table}."
    return MoodleException(errorcode, text, exception=MISSING_RECORD_EXCEPTION,
                           debuginfo=_sql_debuginfo(table, field, value))


def invalid_token() -> MoodleException:
    return MoodleException("invalidtoken", "Invalid token - token not found")


def access_exception(debuginfo: str = "") -> MoodleException:
    return MoodleException("accessexception", "Access control exception", exception=WEBSERVICE_ACCESS_EXCEPTION,
                           debuginfo=debuginfo)


def require_login() -> MoodleException:
    """``validate_context`` of a course the user may not enter (not enrolled, no moodle/course:view)."""
    return MoodleException("requireloginerror", "Course or activity not accessible.", exception=REQUIRE_LOGIN_EXCEPTION)


def required_capability(capability: str, capability_name: str | None = None) -> MoodleException:
    name = capability_name or capability
    return MoodleException(
        "nopermissions",
        f"Sorry, but you do not currently have permissions to do that ({name}).",
        exception=REQUIRED_CAPABILITY_EXCEPTION,
        debuginfo=capability,
    )


def write_failure(debuginfo: str = "") -> MoodleException:
    """What a database failure mid-call looks like (used by fault injection)."""
    return MoodleException("dmlwriteexception", "Error writing to database", exception=DML_WRITE_EXCEPTION,
                           debuginfo=debuginfo)
