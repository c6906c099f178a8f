"""Events as code: the shapes of an event file and of the ``events`` section of ``cooperare.yaml``.

An event has a key (``id``), a Romanian title, a kind (``dissemination`` or ``participatory_governance``), a local
date and start time in its time zone (default Europe/Bucharest), a duration, an audience, an online room (a
BigBlueButton activity in Moodle, or an external Zoom, Teams or Meet link), a registration (self-enrolment or a
form, open between two dates) and materials. Start times are checked against the zone's daylight-saving rules: a
time the clocks skip in spring is refused, and a time that happens twice in autumn is refused unless ``offset``
says which of the two is meant. Example::

    events:
      source: evenimente.yaml          # a YAML file (events: [...]) or a folder (one event per file)
      attendance: {min_percent: 50, within_event: true}  # "attended" = present for half of the event's own time
      targets: {dissemination: 6, participatory_governance: 2}

Configuration only (the loader in :mod:`cooperare.events.loader` reads files): this module must not touch Moodle or
the store. Checks are ``__post_init__`` methods, whose ``ValueError`` the loader reports with file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Bucharest"
EventKind = Literal["dissemination", "participatory_governance"]
KINDS: tuple[str, ...] = ("dissemination", "participatory_governance")
KIND_LABELS = {"dissemination": "Diseminare", "participatory_governance": "Guvernanță participativă"}
RoomKind = Literal["bigbluebutton", "zoom", "teams", "meet"]
ROOM_HOSTS = {"zoom": ("zoom.us", "zoom.com"), "teams": ("teams.microsoft.com", "teams.live.com"),
              "meet": ("meet.google.com",)}
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)\Z")
_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)\Z")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (write an IANA name such as {DEFAULT_TIMEZONE})") from None


def _offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def localise(day: date, clock: time, tz: ZoneInfo, *, offset: str | None = None, what: str = "the time") -> datetime:
    """``day`` at ``clock`` in ``tz`` as an aware datetime; refuses times the clocks skip, and times that happen
    twice unless ``offset`` (``+03:00``) picks one."""
    naive = datetime.combine(day, clock)
    candidates = []
    for fold in (0, 1):
        moment = naive.replace(tzinfo=tz, fold=fold)
        if moment.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) == naive:
            candidates.append(moment)
    shown = f"{day.isoformat()} {clock:%H:%M}"
    if not candidates:
        raise ValueError(f"{what} {shown} does not exist in {tz.key}: the clocks go forward that night "
                         "(daylight-saving time starts); choose another time")
    offsets = sorted({_offset_text(c) for c in candidates}, reverse=True)
    if offset is not None:
        chosen = [c for c in candidates if _offset_text(c) == offset]
        if not chosen:
            raise ValueError(f"offset {offset} does not apply to {shown} in {tz.key} (it is {' or '.join(offsets)})")
        return chosen[0]
    if len(offsets) > 1:
        raise ValueError(f"{what} {shown} happens twice in {tz.key}: the clocks go back that night (summer time "
                         f"{offsets[0]}, then winter time {offsets[1]}); add offset: '{offsets[0]}' or "
                         f"'{offsets[1]}' to say which")
    return candidates[0]


@dataclass(frozen=True)
class Room:
    """Where the event happens online: a BigBlueButton activity the pack creates in Moodle, or an external link."""

    kind: RoomKind
    url: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "bigbluebutton":
            if self.url is not None:
                raise ValueError("a bigbluebutton room is created in Moodle: give no url")
            return
        if self.url is None:
            raise ValueError(f"a {self.kind} room needs the meeting's url")
        parts = urlsplit(self.url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not host:
            raise ValueError("the room's url must be an https:// link")
        if not any(host == allowed or host.endswith("." + allowed) for allowed in ROOM_HOSTS[self.kind]):
            raise ValueError(f"the url's host {host} is not a {self.kind} address "
                             f"({', '.join(ROOM_HOSTS[self.kind])})")


@dataclass(frozen=True)
class Registration:
    """How people register: self-enrolment into the events course, or an external form; open between two dates."""

    method: Literal["self_enrolment", "form"]
    opens: date
    closes: date
    form_url: str | None = None
    capacity: int | None = None

    def __post_init__(self) -> None:
        if self.closes < self.opens:
            raise ValueError("registration closes before it opens")
        if self.method == "form":
            parts = urlsplit(self.form_url or "")
            if parts.scheme != "https" or not parts.hostname:
                raise ValueError("a form registration needs form_url, an https:// link")
        elif self.form_url is not None:
            raise ValueError("form_url is only for method: form")
        if self.capacity is not None and self.capacity < 1:
            raise ValueError("capacity must be at least 1")


CEDILLAS = "şţŞŢ"
"""Cedilla letters, refused in the public texts of events (the Romanian letters are ș ț Ș Ț, comma below)."""


@dataclass(frozen=True)
class Material:
    title: str
    url: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("a material's url must be an http(s):// link")


@dataclass(frozen=True)
class Event:
    """One event. ``start`` is local clock time ``"HH:MM"`` (quoted: YAML reads 10:00 as a number)."""

    id: str
    title: str
    kind: EventKind
    date: date
    start: str
    duration_minutes: int
    audience: str
    room: Room
    registration: Registration
    description: str = ""
    timezone: str = DEFAULT_TIMEZONE
    offset: str | None = None
    """Only for a start time that happens twice (the night clocks go back): ``"+03:00"`` or ``"+02:00"``."""
    materials: tuple[Material, ...] = ()

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError("id must be lower-case letters, digits and dashes (at most 40), such as diseminare-1")
        if not self.title.strip():
            raise ValueError("title must not be empty")
        texts = {"title": self.title, "audience": self.audience, "description": self.description,
                 **{f"materials[{i}].title": m.title for i, m in enumerate(self.materials)}}
        for name, text in texts.items():
            for letter in CEDILLAS:
                if letter in text:
                    raise ValueError(f"{name} uses the cedilla letter {letter!r}; write ș ț (comma below), "
                                     "as the public Romanian text must")
        if not _CLOCK.match(self.start):
            raise ValueError(f"start must be a time HH:MM (24 hours), got {self.start!r}")
        if not 1 <= self.duration_minutes <= 24 * 60:
            raise ValueError("duration_minutes must be from 1 to 1440")
        if self.offset is not None and not _OFFSET.match(self.offset):
            raise ValueError("offset must look like +03:00")
        localise(self.date, self.clock, zone(self.timezone), offset=self.offset, what="the start")
        if self.registration.closes > self.date:
            raise ValueError("registration closes after the event's date")

    @property
    def clock(self) -> time:
        hours, minutes = self.start.split(":")
        return time(int(hours), int(minutes))

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    @property
    def starts_at(self) -> datetime:
        """The aware start (in the event's zone)."""
        return localise(self.date, self.clock, self.tz, offset=self.offset)

    @property
    def ends_at(self) -> datetime:
        """The aware end: start plus the duration in real (elapsed) time, shown in the event's zone."""
        return (self.starts_at.astimezone(ZoneInfo("UTC")) + timedelta(minutes=self.duration_minutes)
                ).astimezone(self.tz)


@dataclass(frozen=True)
class EventsFile:
    """A YAML file of events: ``events: [...]``."""

    events: tuple[Event, ...]


@dataclass(frozen=True)
class AttendanceRule:
    min_percent: float = 50.0
    """Present for at least this share of the event's duration counts as attended."""
    within_event: bool = True
    """Count only the minutes between the event's start and end (a room opened early, or left open after the end,
    adds nothing), so time present never exceeds the duration; false counts every minute the export shows."""

    def __post_init__(self) -> None:
        if not 0 < self.min_percent <= 100:
            raise ValueError("min_percent must be above 0 and at most 100")


@dataclass(frozen=True)
class EventTargets:
    dissemination: int = 6
    participatory_governance: int = 2

    def __post_init__(self) -> None:
        if self.dissemination < 0 or self.participatory_governance < 0:
            raise ValueError("targets cannot be negative")


@dataclass(frozen=True)
class EventsConfig:
    """The ``events`` section: where the events are (default: the project's 8 events shipped), the attendance rule
    and the targets."""

    source: Path | None = None
    items: tuple[Event, ...] | None = None
    attendance: AttendanceRule = field(default_factory=AttendanceRule)
    targets: EventTargets = field(default_factory=EventTargets)
    course_idnumber: str = "coop:evenimente"
    """The idnumber of the public events course (one section per event)."""

    def __post_init__(self) -> None:
        if self.source is not None and self.items is not None:
            raise ValueError("give either source (a file or folder of events) or items, not both")
