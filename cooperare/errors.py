"""The one exception tree of the pack.

Every error the library raises on purpose derives from :class:`CooperareError`. Each class carries the exit code
the CLI maps it to (1 input/config, 3 Moodle or network); only ``cooperare.cli`` turns them into messages and exit
codes. Exception texts never contain secrets: code that may see a token passes its text through
``cooperare.secrets.redact`` before raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_MOODLE = 3


class CooperareError(Exception):
    """Root of every error raised by the pack."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Location:
    """Where in an input file a fault is: file, line (1-based), column (1-based) and key path or column name."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            parts.append(where)
        if self.key:
            parts.append(self.key)
        return ": ".join(parts) if parts else "<input>"


class InputError(CooperareError):
    """Bad input from a file the user gave us; always says where."""

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None) -> None:
        self.location = location
        text = f"{location}: {message}" if location else message
        super().__init__(text, hint=hint)
        self.reason = message


class ConfigError(InputError):
    """Configuration file or environment is invalid."""


class PlanError(CooperareError):
    """A plan cannot be built or applied."""


class StalePlanError(PlanError):
    """A saved plan no longer matches what Moodle holds."""


class StoreError(CooperareError):
    """The state store (journal, registry, runs) failed or is inconsistent."""


class CertificateError(CooperareError):
    """Certificate issuance, signing or verification failed."""


class SecretError(ConfigError):
    """A secret is missing, or is held in a file others can read."""


# --- Moodle -----------------------------------------------------------------------------------------------------


class MoodleError(CooperareError):
    """An error reported by Moodle, or met while talking to it.

    ``errorcode`` and ``moodle_message`` are Moodle's own; ``wsfunction`` names the web-service function called.
    """

    exit_code = EXIT_MOODLE

    def __init__(
        self,
        message: str,
        *,
        wsfunction: str | None = None,
        errorcode: str | None = None,
        exception: str | None = None,
        debuginfo: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.wsfunction = wsfunction
        self.errorcode = errorcode
        self.exception = exception
        self.debuginfo = debuginfo
        self.moodle_message = message
        prefix = f"{wsfunction}: " if wsfunction else ""
        code = f" [{errorcode}]" if errorcode else ""
        text = f"{prefix}{message}{code}"
        if debuginfo:
            text += f" ({debuginfo})"
        super().__init__(text, hint=hint)


class InvalidToken(MoodleError):
    """The token is unknown, expired, or not allowed for this service."""


class AccessDenied(MoodleError):
    """The token's user lacks a capability, or the function is not in the token's service."""


class InvalidParameter(MoodleError):
    """Moodle rejected the parameters (it often hides the real reason unless debugging is on)."""


class NotFound(MoodleError):
    """A record Moodle looked for does not exist (unknown id, unknown function)."""


class NotImplementedBySite(MoodleError):
    """The site lists the function but cannot run it (the sandbox's ``sandboxnotimplemented``): nothing about the
    records sent, so a caller never retries item by item."""


class LoginFailed(MoodleError):
    """``login/token.php`` refused the credentials or the service."""


class TransportError(MoodleError):
    """The server could not be reached, or answered with something that is not Moodle's JSON."""


class ResponseLost(TransportError):
    """A write was sent but no answer came back: it may or may not have been applied.

    Never re-send blindly; reconcile by reading back (idnumber, username) instead.
    """


class BatchShortfall(MoodleError):
    """Moodle answered a batch with fewer results than items sent (typically PHP's max_input_vars truncation)."""

    def __init__(self, message: str, *, wsfunction: str, sent: int, received: int, hint: str | None = None) -> None:
        self.sent = sent
        self.received = received
        super().__init__(message, wsfunction=wsfunction, hint=hint)


class MissingCapability(MoodleError):
    """The site lacks functions (or the pack's plugin) that a command needs."""


class UnknownRole(MissingCapability):
    """The site has no role with the shortname the pack was told to use."""


@dataclass(frozen=True)
class MoodleWarning:
    """One entry of a ``warnings`` array returned by Moodle; never dropped silently."""

    wsfunction: str
    message: str
    warningcode: str | None = None
    item: str | None = None
    itemid: Any = None

    def __str__(self) -> str:
        subject = f"{self.item} {self.itemid}: " if self.item else ""
        code = f" [{self.warningcode}]" if self.warningcode else ""
        return f"{self.wsfunction}: {subject}{self.message}{code}"
