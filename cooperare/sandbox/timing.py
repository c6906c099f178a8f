"""A server-time model for the sandbox: how long a real Moodle would take to answer each call, and how many calls
it can answer at once.

The sandbox answers in microseconds; a real Moodle 4.5 on two cores spends tens of milliseconds per user created.
To judge what the client does about that (batching, running independent batches concurrently) without a real
server, the sandbox can hold each answer for the time a real server would take — a fixed cost per call plus a cost
per item of the call's list — with at most ``workers`` calls served at once, as PHP-FPM's pool allows. Costs come
from the timings recorded on real Moodle 4.5.6 and 5.0.6+ (``timing.json`` in the shared contract: a least-squares
line through batches of 1, 10, 100 and 500) and, for what those recordings do not cover, from the per-call figures
measured on a real 4.5.6 during a 292-person roster sync (:data:`MEASURED`). ``scale`` shrinks every wait (0.1 = ten
times faster) so a benchmark can run quickly and scale its figures back. This module must not change what any call
returns: it only decides how long the answer is held.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cooperare.errors import ConfigError


@dataclass(frozen=True)
class Cost:
    """Seconds a call takes on the server: ``fixed`` + ``per_item`` × the length of its longest list parameter."""

    fixed: float
    per_item: float

    def seconds(self, items: int) -> float:
        return self.fixed + self.per_item * items


DEFAULT_COST = Cost(0.025, 0.0)
"""A call the recordings say nothing about: the median bare call on the recorded 4.5.6 (get_site_info, 23–28 ms)."""

MEASURED: dict[str, Cost] = {
    # A real Moodle 4.5.6 on 2 cores, a 292-person roster sync (issue 14, section 2): users with a generated
    # password cost 23 ms each (Moodle hashes the password and queues the e-mail), group members 18 ms each, the
    # cohort-sync instances of 4 courses 2.7 s together (each instance enrols its cohort at once: about 9 ms a
    # person), 255 groups 2.4 s (9.4 ms each).
    "core_user_create_users": Cost(0.025, 0.023),
    "core_group_add_group_members": Cost(0.025, 0.018),
    "local_cooperare_save_cohort_sync": Cost(0.025, 0.675),
    "core_group_create_groups": Cost(0.025, 0.0094),
}


def fit(points: Iterable[tuple[int, float]]) -> Cost:
    """The least-squares line ``seconds = fixed + per_item × batch`` through (batch, seconds) points."""
    pairs = list(points)
    if not pairs:
        raise ValueError("no points to fit")
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    spread = sum((x - mean_x) ** 2 for x, _ in pairs)
    slope = 0.0 if spread == 0 else sum((x - mean_x) * (y - mean_y) for x, y in pairs) / spread
    return Cost(max(0.0, mean_y - slope * mean_x), max(0.0, slope))


def costs_from_recording(path: Path) -> dict[str, Cost]:
    """Per-function costs fitted to a recorded ``timing.json`` (calls with ``function``, ``batch``, ``seconds``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        calls = data["calls"]
        points: dict[str, list[tuple[int, float]]] = {}
        for call in calls:
            points.setdefault(str(call["function"]), []).append((int(call["batch"]), float(call["seconds"])))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: not a timing recording ({error})") from None
    return {function: fit(pairs) for function, pairs in points.items()}


def items_in(params: Mapping[str, Any]) -> int:
    """The length of the longest list among a call's parameters (users, members, enrolments, groups…)."""
    longest = 0
    for value in params.values():
        if isinstance(value, (list, tuple)):
            longest = max(longest, len(value))
        elif isinstance(value, dict) and value and all(str(key).isdigit() for key in value):
            longest = max(longest, len(value))  # a PHP list decoded as {"0": …, "1": …}
    return longest


@dataclass
class ServerTimeModel:
    """What a call costs and how many run at once; also keeps the server time it handed out."""

    costs: dict[str, Cost]
    workers: int = 2
    scale: float = 1.0
    default: Cost = DEFAULT_COST
    busy_seconds: float = 0.0
    calls: int = 0
    peak: int = 0
    """The most calls that were being served at the same moment."""
    _running: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError(f"server-time model: workers must be at least 1, not {self.workers}")
        if not 0 < self.scale <= 1000:
            raise ConfigError(f"server-time model: scale must be above 0, not {self.scale}")
        self._pool = threading.BoundedSemaphore(self.workers)

    @classmethod
    def calibrated(cls, recordings: Iterable[Path] = (), *, workers: int = 2, scale: float = 1.0) -> ServerTimeModel:
        """Costs from the given ``timing.json`` recordings (averaged where several cover a function), then the
        figures measured during a real roster sync on top."""
        fitted: dict[str, list[Cost]] = {}
        for path in recordings:
            for function, cost in costs_from_recording(path).items():
                fitted.setdefault(function, []).append(cost)
        costs = {function: Cost(sum(c.fixed for c in found) / len(found), sum(c.per_item for c in found) / len(found))
                 for function, found in fitted.items()}
        costs.update(MEASURED)
        return cls(costs, workers=workers, scale=scale)

    def seconds(self, wsfunction: str, params: Mapping[str, Any]) -> float:
        """Server seconds for one call (unscaled)."""
        return self.costs.get(wsfunction, self.default).seconds(items_in(params))

    def serve(self, answer: Callable[[], Any], *, sleep: Callable[[float], None] = time.sleep) -> Any:
        """Run ``answer`` as one PHP worker would: wait for a free worker, compute, then hold the worker for the
        modelled time (the answer's ``server_seconds``, which the server set from the call it answered)."""
        with self._pool:
            with self._lock:
                self._running += 1
                self.peak = max(self.peak, self._running)
            try:
                result = answer()
                cost = float(getattr(result, "server_seconds", 0.0))
                sleep(cost * self.scale)
            finally:
                with self._lock:
                    self._running -= 1
        with self._lock:
            self.busy_seconds += cost
            self.calls += 1
        return result
