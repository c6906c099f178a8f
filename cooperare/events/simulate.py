"""Simulated attendance exports for the demo, the tests and the benchmark: a Microsoft Teams attendance report
(the 2022+ layout: ``1. Summary``, ``2. Participants``, ``3. In-Meeting Activities``; tab-separated UTF-16 with a
byte-order mark, as Teams downloads it) for a list of people, with late arrivals, early leavers, reconnections and a
few guests. Deterministic for a seed. This module must not read the store or write anywhere but the path given.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cooperare.config.events import Event

GUEST_NAMES = ("Ioana Mureșan", "Radu Țăranu", "Elena Știrbu", "Mihai Bălănescu", "Ana-Maria Ciobanu")


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str


def _stamp(moment: datetime) -> str:
    """Teams' US-style reading: ``4/20/27, 10:02:11 AM`` (local clock time)."""
    hour = moment.hour % 12 or 12
    return (f"{moment.month}/{moment.day}/{moment.year % 100:02d}, {hour}:{moment.minute:02d}:{moment.second:02d} "
            f"{'AM' if moment.hour < 12 else 'PM'}")


def _span(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    return " ".join(part for part in (f"{hours}h" if hours else "", f"{mins}m" if mins else "",
                                      f"{secs}s" if secs or not total else "") if part)


def teams_report(event: Event, people: Sequence[Invitee], *, seed: int, guests: int = 3,
                 no_show: float = 0.15) -> str:
    """The text of a Teams attendance report for ``event``: most people present for most of it, some briefly."""
    rng = random.Random(seed)
    start = event.starts_at.astimezone(UTC)  # arithmetic in UTC: elapsed time, whatever the clocks do
    end = event.ends_at.astimezone(UTC)
    length = (end - start).total_seconds()
    rows: list[tuple[str, str, list[tuple[datetime, datetime]]]] = []
    everyone = [*people, *(Invitee(name + " (Guest)", "") for name in GUEST_NAMES[:guests])]
    for person in everyone:
        if rng.random() < no_show:
            continue
        late = rng.choice((0, 0, 0, 60, 180, 600, 1500)) + rng.randint(-120, 90)
        stay = length * rng.choice((1.0, 1.0, 0.9, 0.7, 0.35, 0.2))
        joined = start + timedelta(seconds=late)
        left = min(end + timedelta(seconds=rng.randint(0, 300)), joined + timedelta(seconds=max(60.0, stay)))
        sessions = [(joined, left)]
        if rng.random() < 0.2 and (left - joined).total_seconds() > 900:  # dropped and came back
            cut = joined + (left - joined) / 2
            sessions = [(joined, cut), (cut + timedelta(seconds=rng.randint(30, 400)), left)]
        rows.append((person.name, person.email, sessions))
    lines = ["1. Summary", f"Meeting title\t{event.title}", f"Attended participants\t{len(rows)}",
             f"Start time\t{_stamp(start.astimezone(event.tz))}", f"End time\t{_stamp(end.astimezone(event.tz))}",
             f"Meeting duration\t{_span(length)}", "",
             "2. Participants",
             "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole"]
    for name, email, sessions in rows:
        present = sum((b - a).total_seconds() for a, b in sessions)
        lines.append("\t".join((name, _stamp(sessions[0][0].astimezone(event.tz)),
                                _stamp(sessions[-1][1].astimezone(event.tz)), _span(present), email, email,
                                "Attendee")))
    lines += ["", "3. In-Meeting Activities", "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole"]
    for name, email, sessions in rows:
        for a, b in sessions:
            lines.append("\t".join((name, _stamp(a.astimezone(event.tz)), _stamp(b.astimezone(event.tz)),
                                    _span((b - a).total_seconds()), email, "Attendee")))
    return "\r\n".join(lines) + "\r\n"


def write_teams_report(path: Path, event: Event, people: Sequence[Invitee], *, seed: int, guests: int = 3) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(teams_report(event, people, seed=seed, guests=guests), encoding="utf-16")
    return path
