"""Fault injection for the sandbox: the failures a real Moodle behind a real network produces.

- ``fail_before_commit``: the call runs, then the database write fails; nothing is kept and Moodle answers with a
  ``dml_write_exception`` error object;
- ``lost_ack``: the call commits, then the connection drops before the answer (the client cannot know);
- ``http_503``: a proxy or maintenance page answers 503 without running the call;
- ``slow``: the answer comes after ``delay`` seconds (a client read timeout shorter than that loses the answer
  although the call committed);
- ``html_page``: a proxy error page (HTML) instead of Moodle's answer, the call not run;
- ``php_notice``: the call commits and PHP prints a notice before the JSON.

Faults match calls by web-service function (or any), let ``skip`` matching calls pass, then fire ``times`` times.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    FAIL_BEFORE_COMMIT = "fail_before_commit"
    LOST_ACK = "lost_ack"
    HTTP_503 = "http_503"
    SLOW = "slow"
    HTML_PAGE = "html_page"
    PHP_NOTICE = "php_notice"


@dataclass
class Fault:
    kind: FaultKind
    function: str | None = None
    skip: int = 0
    times: int = 1
    delay: float = 0.0
    status: int = 502

    def matches(self, wsfunction: str | None) -> bool:
        return self.function in (None, "*") or self.function == wsfunction


class Faults:
    """The faults armed on one sandbox, consumed as calls come in; ``fired`` records what happened."""

    def __init__(self) -> None:
        self._armed: list[Fault] = []
        self.fired: list[tuple[FaultKind, str | None]] = []
        self._lock = threading.Lock()

    def add(self, kind: FaultKind | str, *, function: str | None = None, skip: int = 0, times: int = 1,
            delay: float = 0.0, status: int = 502) -> Fault:
        fault = Fault(FaultKind(kind), function, skip, times, delay, status)
        with self._lock:
            self._armed.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    @property
    def armed(self) -> int:
        return len(self._armed)

    def take(self, wsfunction: str | None) -> Fault | None:
        """The fault that fires on this call, if any (counters are consumed)."""
        with self._lock:
            for fault in self._armed:
                if not fault.matches(wsfunction):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self._armed.remove(fault)
                self.fired.append((fault.kind, wsfunction))
                return fault
        return None
