"""The demo's calendar: the project's dates moved back so that its training has ended by the day the demo runs.

The shipped catalogue and events carry the project's real calendar (courses from February 2027, events until
November 2027). A demo run before then would otherwise simulate trainees who finished courses that have not
started, import attendance for an event months away and print certificates dated after the registry's record of
their issue. The demo therefore moves every date of the catalogue's settings and of the events back by the same
whole number of weeks (weekdays and clock times are kept), the fewest that put the last course's end at least
:data:`ISSUE_AFTER` before the run date. Later events may stay in the future, as they would on that day.

The moved catalogue and events are written under DIR (``catalogue/``, ``events/evenimente.yaml``) and named in
DIR/cooperare.yaml, so the commands a reader runs in DIR see the same dates as the demo's Moodle and store. The
dates are rewritten in the YAML text (comments kept) and read back by the normal loaders, which check them again.
Sandbox-only code: production uses the configured calendar as it is.
"""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cooperare.config.events import Event
from cooperare.courses.catalogue import Catalogue, default_catalogue_path, load_catalogue
from cooperare.errors import PlanError
from cooperare.events.loader import load_events, shipped_path

ISSUE_AFTER = timedelta(days=14)
"""Certificates are issued on the run date, at least this long after the last course ended."""

MARK = "# Written by `cooperare demo`:"
SETTINGS_FILE = "settings.yaml"
EVENTS_FILE = "evenimente.yaml"
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's catalogue and events, moved back by ``shift``, and where they were written."""

    shift: timedelta
    catalogue: Catalogue
    events: tuple[Event, ...]
    catalogue_dir: Path
    events_file: Path

    def config_sections(self, out: Path) -> dict[str, object]:
        """The DIR/cooperare.yaml entries that point the CLI at the moved calendar (paths relative to DIR)."""
        return {"catalogue": str(self.catalogue_dir.relative_to(out)),
                "events": {"source": str(self.events_file.relative_to(out))}}


def course_span(catalogue: Catalogue) -> tuple[date, date]:
    """The first course's start and the last course's end over the catalogue's tracks."""
    settings = [catalogue.course_settings(t.course) for t in catalogue.tracks]
    return min(s.start for s in settings), max(s.end for s in settings)


def calendar_shift(catalogue: Catalogue, today: date) -> timedelta:
    """The fewest whole weeks back (zero or more) that end every course :data:`ISSUE_AFTER` before ``today``."""
    late = (course_span(catalogue)[1] + ISSUE_AFTER - today).days
    return timedelta(weeks=math.ceil(late / 7)) if late > 0 else timedelta(0)


def shift_dates(text: str, shift: timedelta) -> str:
    """``text`` with every ISO date (YYYY-MM-DD) moved back by ``shift``."""

    def moved(match: re.Match[str]) -> str:
        return (date(*map(int, match.groups())) - shift).isoformat()

    return _ISO_DATE.sub(moved, text)


def _written_by_demo(path: Path) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8").startswith(MARK)


def demo_calendar(out: Path, today: date) -> DemoCalendar:
    """Write the moved catalogue and events under ``out`` and load them back (see the module docstring). A
    catalogue or events file there that an earlier demo did not write (a coordinator's own) is never replaced."""
    shipped = load_catalogue(default_catalogue_path())
    shift = calendar_shift(shipped, today)
    catalogue_dir = out / "catalogue"
    events_file = out / "events" / EVENTS_FILE
    settings = catalogue_dir / SETTINGS_FILE
    for mine, what in ((catalogue_dir, settings), (events_file, events_file)):
        if mine.exists() and not _written_by_demo(what):
            raise PlanError(f"{mine} is not the demo's: the demo writes its moved calendar there and will not "
                            "replace it", hint="run the demo with --out naming an empty folder (or its own)")
    if catalogue_dir.exists():
        shutil.rmtree(catalogue_dir)
    shutil.copytree(shipped.root, catalogue_dir, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    note = (f"{MARK} the shipped dates moved back {shift.days // 7} weeks, so that the training has ended by "
            f"{today:%d.%m.%Y} (docs: README, On a fresh machine).\n")
    settings.write_text(note + shift_dates(settings.read_text(encoding="utf-8"), shift), encoding="utf-8")
    events_file.parent.mkdir(parents=True, exist_ok=True)
    shipped_events = shipped_path().read_text(encoding="utf-8")
    body = shipped_events[re.search(r"^events:", shipped_events, re.M).start():]  # type: ignore[union-attr]
    # (the shipped header, left out, speaks of 2027 dates)
    events_file.write_text(note + "# The project's 8 events (schema: docs/events.md); links and materials are "
                           "examples.\n" + shift_dates(body, shift), encoding="utf-8")
    return DemoCalendar(shift, load_catalogue(catalogue_dir), load_events(events_file), catalogue_dir, events_file)
