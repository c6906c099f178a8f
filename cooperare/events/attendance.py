"""Attendance: sessions per person merged into time present, people matched to the roster and to registered guests,
and the rule that says who attended.

:func:`merge` unites overlapping or touching intervals (two devices, a reconnection) so no minute counts twice;
minutes are elapsed time between aware datetimes, so an event across a daylight-saving change counts right.
:func:`collect` groups a file's sessions by person (e-mail, else the name as folded), and :class:`Matcher` finds each
one in the roster snapshot — by e-mail first, then by name (diacritics, case, order of first and last name
ignored), a name shared by two roster people never matched — then among the event's registered guests; anyone else
is kept as a guest under the name and e-mail the export gave. Pure functions: no files, no store, no Moodle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from cooperare.config.events import AttendanceRule, Event
from cooperare.events.exports import Session
from cooperare.store.people import PersonRecord
from cooperare.sync.text import clean, fold

Interval = tuple[datetime, datetime]
_SUFFIX = re.compile(r"\s*[\(\[][^)\]]*[\)\]]\s*$")


def merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """The union of ``intervals`` as sorted, disjoint intervals (overlapping and touching ones joined)."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end < start:
            start, end = end, start
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def minutes(intervals: Iterable[Interval]) -> float:
    """Elapsed minutes covered by ``intervals`` (merged first)."""
    return sum(((end - start) for start, end in merge(intervals)), timedelta()) / timedelta(minutes=1)


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> tuple[Interval, ...]:
    """The parts of ``intervals`` between ``start`` and ``end`` (merged)."""
    return merge((max(a, start), min(b, end)) for a, b in merge(intervals) if a < end and b > start)


def present_minutes(intervals: Iterable[Interval], event: Event, rule: AttendanceRule) -> float:
    """Minutes present as the rule counts them: within the event's start and end when ``rule.within_event``."""
    return minutes(clip(intervals, event.starts_at, event.ends_at) if rule.within_event else intervals)


def attended(present: float, event: Event, rule: AttendanceRule) -> bool:
    """``present``: minutes as :func:`present_minutes` counts them."""
    return present + 1e-9 >= event.duration_minutes * rule.min_percent / 100


def name_key(name: str) -> str:
    """A person's name for matching: a trailing "(Guest)", "(Extern)" or Zoom's "(original name)" dropped,
    diacritics and case folded, words sorted (so "Popescu Maria" matches "Maria Popescu")."""
    base = _SUFFIX.sub("", clean(name)) or clean(name)
    return " ".join(sorted(fold(base).split()))


@dataclass(frozen=True)
class Presence:
    """One person as an export shows them: names and e-mails used, and merged intervals."""

    key: str
    name: str
    email: str
    intervals: tuple[Interval, ...]
    names: tuple[str, ...] = ()

    @property
    def minutes(self) -> float:
        return minutes(self.intervals)


def collect(sessions: Iterable[Session]) -> list[Presence]:
    """Group sessions by person (e-mail, else folded name) and merge each person's intervals."""
    groups: dict[str, tuple[list[Interval], dict[str, None], str]] = {}
    for session in sessions:
        email = session.email.strip().lower() if "@" in session.email else ""
        key = f"email:{email}" if email else f"name:{name_key(session.name)}"
        found = groups.get(key)
        if found is None:
            found = groups[key] = ([], {}, email)
        found[0].append((session.joined, session.left))
        if session.name:
            found[1][clean(session.name)] = None
    return [Presence(key, next(iter(names), email), email, merge(intervals), tuple(names))
            for key, (intervals, names, email) in groups.items()]


@dataclass(frozen=True)
class Guest:
    """Someone registered for an event who is not (necessarily) in the roster."""

    name: str
    email: str = ""
    institution: str = ""
    county: str = ""
    category: str = ""


@dataclass(frozen=True)
class Attendee:
    """A matched person: ``kind`` is ``roster``, ``registered`` or ``guest``; ``person_key`` is stable across
    imports (the roster key, ``reg:<e-mail or name>``, ``guest:<e-mail or name>``)."""

    person_key: str
    kind: str
    name: str
    email: str
    institution: str
    county: str
    category: str
    intervals: tuple[Interval, ...]
    matched_by: str

    @property
    def minutes(self) -> float:
        return minutes(self.intervals)


class Matcher:
    """Roster people by e-mail and by name; registered guests the same way; the rest kept as guests."""

    def __init__(self, roster: Sequence[PersonRecord], guests: Sequence[Guest] = ()) -> None:
        self.by_email = {p.email.strip().lower(): p for p in roster if p.email}
        self.by_name: dict[str, PersonRecord | None] = {}
        for person in roster:
            key = name_key(f"{person.firstname} {person.lastname}")
            self.by_name[key] = None if key in self.by_name else person  # a shared name is never matched
        self.guest_email = {g.email.strip().lower(): g for g in guests if g.email}
        self.guest_name: dict[str, Guest | None] = {}
        for guest in guests:
            key = name_key(guest.name)
            self.guest_name[key] = None if key in self.guest_name else guest

    def match(self, presence: Presence) -> Attendee:
        email = presence.email
        person = self.by_email.get(email) if email else None
        how = "email"
        if person is None:
            person, how = self._by_name(presence, self.by_name), "name"
        if person is not None:
            return Attendee(person.key, "roster", f"{person.firstname} {person.lastname}", person.email,
                            person.organisation, person.county, person.category, presence.intervals, how)
        guest = self.guest_email.get(email) if email else None
        how = "email"
        if guest is None:
            guest, how = self._by_name(presence, self.guest_name), "name"
        if guest is not None:
            identity = guest.email.lower() or name_key(guest.name)
            return Attendee(f"reg:{identity}", "registered", guest.name, guest.email, guest.institution, guest.county,
                            guest.category, presence.intervals, how)
        identity = email or name_key(presence.name)
        shown = _SUFFIX.sub("", presence.name) or presence.name or email
        return Attendee(f"guest:{identity}", "guest", shown, email, "", "", "", presence.intervals, "")

    @staticmethod
    def _by_name(presence: Presence, index: Mapping[str, Any]) -> Any:
        for name in presence.names or (presence.name,):
            found = index.get(name_key(name))
            if found is not None:
                return found
            for part in re.findall(r"[\(\[]([^)\]]+)[\)\]]", name):  # Zoom's "(Original Name)"
                found = index.get(name_key(part))
                if found is not None:
                    return found
        return None


def match_all(presences: Iterable[Presence], matcher: Matcher) -> list[Attendee]:
    """Match every presence; two presences that turn out to be the same person are united."""
    united: dict[str, Attendee] = {}
    for presence in presences:
        attendee = matcher.match(presence)
        before = united.get(attendee.person_key)
        if before is not None:
            attendee = replace(before, intervals=merge(before.intervals + attendee.intervals))
        united[attendee.person_key] = attendee
    return list(united.values())
