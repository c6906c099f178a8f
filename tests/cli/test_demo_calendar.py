"""The demo's calendar: the project's dates moved back whole weeks so that the training has ended by the run date."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from cooperare.cli.commands.demo_calendar import ISSUE_AFTER, MARK, calendar_shift, demo_calendar, shift_dates
from cooperare.courses.catalogue import load_catalogue
from cooperare.errors import PlanError
from cooperare.events.loader import load_events


def _last_end(catalogue) -> date:
    return max(catalogue.course_settings(t.course).end for t in catalogue.tracks)


@pytest.mark.parametrize("today", [date(2026, 12, 4), date(2027, 3, 28), date(2027, 10, 14), date(2027, 10, 13),
                                   date(2028, 1, 1)])
def test_the_shift_is_the_fewest_whole_weeks_that_end_the_training_two_weeks_before_today(today: date) -> None:
    catalogue = load_catalogue()
    shift = calendar_shift(catalogue, today)
    assert shift.days % 7 == 0 and shift >= timedelta(0)
    assert _last_end(catalogue) - shift + ISSUE_AFTER <= today
    if shift:  # one week less would not do
        assert _last_end(catalogue) - (shift - timedelta(weeks=1)) + ISSUE_AFTER > today
    else:
        assert _last_end(catalogue) + ISSUE_AFTER <= today


def test_shift_dates_moves_iso_dates_only() -> None:
    moved = shift_dates("date: 2027-03-02\nopens: 2027-01-05, code: 12027-01-05\nid: curs-2027-02-01-a",
                        timedelta(weeks=1))
    assert moved == "date: 2027-02-23\nopens: 2026-12-29, code: 12027-01-05\nid: curs-2027-02-01-a"
    assert shift_dates(moved, timedelta(0)) == moved


def test_the_demo_calendar_is_written_under_dir_and_loads_back_moved(tmp_path: Path) -> None:
    today = date(2026, 12, 4)
    calendar = demo_calendar(tmp_path, today)
    shipped_catalogue, shipped_events = load_catalogue(), load_events()
    assert calendar.shift == calendar_shift(shipped_catalogue, today) and calendar.shift > timedelta(0)
    for track in shipped_catalogue.tracks:
        before = shipped_catalogue.course_settings(track.course)
        after = calendar.catalogue.course_settings(track.course)
        assert (after.start, after.end) == (before.start - calendar.shift, before.end - calendar.shift)
        assert after.hours == before.hours
    assert [p.key for p in calendar.catalogue.programmes] == [p.key for p in shipped_catalogue.programmes]
    moved = {e.id: e for e in calendar.events}
    for event in shipped_events:
        twin = moved[event.id]
        assert twin.date == event.date - calendar.shift and twin.date.weekday() == event.date.weekday()
        assert (twin.registration.opens, twin.registration.closes) == (
            event.registration.opens - calendar.shift, event.registration.closes - calendar.shift)
        assert (twin.start, twin.title, twin.room) == (event.start, event.title, event.room)
    assert any(e.date < today for e in calendar.events)
    sections = calendar.config_sections(tmp_path)
    assert sections == {"catalogue": "catalogue", "events": {"source": "events/evenimente.yaml"}}
    # the shipped settings' comments survive the rewrite, under the demo's own note
    written = (tmp_path / "catalogue" / "settings.yaml").read_text(encoding="utf-8").splitlines()
    shipped_comments = [line for line in (shipped_catalogue.root / "settings.yaml").read_text(
        encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    assert written[0].startswith(MARK) and [line for line in written[1:] if line.lstrip().startswith("#")] == \
        shipped_comments
    events_text = (tmp_path / "events" / "evenimente.yaml").read_text(encoding="utf-8")
    assert events_text.startswith(MARK) and "2027 working days" not in events_text
    assert yaml.safe_load(events_text)["events"]
    # written again (a second demo into the same folder): the same result, no stale files
    assert demo_calendar(tmp_path, today).catalogue.settings == calendar.catalogue.settings


def test_the_demo_never_replaces_a_catalogue_or_events_it_did_not_write(tmp_path: Path) -> None:
    own = tmp_path / "catalogue"
    own.mkdir()
    (own / "settings.yaml").write_text("# my edited settings\n", encoding="utf-8")
    with pytest.raises(PlanError, match="is not the demo's"):
        demo_calendar(tmp_path, date(2026, 12, 4))
    assert (own / "settings.yaml").read_text(encoding="utf-8") == "# my edited settings\n"
    other = tmp_path / "other"
    (other / "events").mkdir(parents=True)
    (other / "events" / "evenimente.yaml").write_text("events: []\n", encoding="utf-8")
    with pytest.raises(PlanError, match="is not the demo's"):
        demo_calendar(other, date(2026, 12, 4))
    assert not (other / "catalogue").exists()
