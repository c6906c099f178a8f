"""The legal calendar of Legea nr. 52/2003 against dates counted by hand on a paper calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooperare.consultation_bridge.calendar import (
    ANNOUNCEMENT_WORKING_DAYS,
    LAW,
    add_working_days,
    debate_held_by,
    is_working_day,
    legal_calendar,
    meeting_announced_by,
    public_holiday,
    working_days_between,
)
from cooperare.errors import InputError

# (announced, earliest submission) — each counted by hand, day by day, with the holidays that fall in between.
HAND_COUNTED = [
    # 2024: 1 May (Wed), Good Friday 3 May, Orthodox Easter 5 May and Easter Monday 6 May.
    (date(2024, 4, 15), date(2024, 5, 30)),
    # 2025: Good Friday 18 Apr, Easter 20 Apr, Easter Monday 21 Apr, 1 May (Thu); 2 May is a working day.
    (date(2025, 4, 4), date(2025, 5, 21)),
    # 2026: Good Friday 10 Apr, Easter Monday 13 Apr, 1 May (Fri).
    (date(2026, 3, 25), date(2026, 5, 11)),
    # 2026: Pentecost Monday and Children's Day on the same Monday, 1 June.
    (date(2026, 5, 4), date(2026, 6, 16)),
    # 2027: Good Friday 30 Apr, 1 May on a Saturday, Easter 2 May, Easter Monday 3 May, 1 June (Tue).
    (date(2027, 4, 22), date(2027, 6, 8)),
    # Christmas 2024 (Wed, Thu), 1–2 Jan 2025 (Wed, Thu), 6–7 Jan 2025 (Mon, Tue), 24 Jan 2025 (Fri).
    (date(2024, 12, 20), date(2025, 2, 11)),
    # Christmas 2026 (Fri; 26 Dec is a Saturday), 1 Jan 2027 (Fri), 6–7 Jan 2027 (Wed, Thu); 24 Jan is a Sunday.
    (date(2026, 12, 11), date(2027, 1, 28)),
    # 15 August 2025 (Fri).
    (date(2025, 7, 14), date(2025, 8, 26)),
    # 30 November 2025 is a Sunday, 1 December a Monday.
    (date(2025, 10, 20), date(2025, 12, 2)),
    # 30 November 2026 (Mon) and 1 December (Tue).
    (date(2026, 10, 19), date(2026, 12, 2)),
]


@pytest.mark.parametrize(("announced", "expected"), HAND_COUNTED, ids=[a.isoformat() for a, _ in HAND_COUNTED])
def test_earliest_submission_matches_a_hand_count(announced: date, expected: date) -> None:
    calendar = legal_calendar(announced=announced)
    assert calendar.earliest_submission == expected
    assert calendar.date("earliest_submission").rule.article == "art. 7 alin. (2)"


def test_holidays_push_the_date_beyond_a_weekday_only_count() -> None:
    # Without Good Friday, Easter Monday and 1 May the 30th weekday after 25 March 2026 would be 6 May.
    announced = date(2026, 3, 25)
    weekdays = [announced + timedelta(days=n) for n in range(1, 60) if (announced + timedelta(days=n)).weekday() < 5]
    assert weekdays[ANNOUNCEMENT_WORKING_DAYS - 1] == date(2026, 5, 6)
    assert legal_calendar(announced=announced).earliest_submission == date(2026, 5, 11)


@pytest.mark.parametrize("day", [
    date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 24),
    date(2026, 4, 10), date(2026, 4, 12), date(2026, 4, 13), date(2026, 5, 1), date(2026, 5, 31),
    date(2026, 6, 1), date(2026, 8, 15), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 25),
    date(2026, 12, 26), date(2024, 5, 3), date(2025, 4, 18), date(2027, 4, 30), date(2027, 5, 3),
])
def test_labour_code_holidays_are_known(day: date) -> None:
    assert public_holiday(day), day
    assert not is_working_day(day)


def test_ordinary_days() -> None:
    assert is_working_day(date(2025, 5, 2))      # a bridge day for some, not a public holiday
    assert not is_working_day(date(2026, 3, 28))  # Saturday
    assert not is_working_day(date(2026, 3, 29))  # Sunday
    assert public_holiday(date(2026, 4, 10)) == "Vinerea Mare"
    assert is_working_day(date(2023, 1, 6))      # 6-7 January are public holidays only from 2024
    assert is_working_day(date(2024, 1, 8)) and not is_working_day(date(2025, 1, 6))


def test_recommendation_window_is_counted_in_calendar_days() -> None:
    calendar = legal_calendar(announced=date(2024, 12, 20))
    assert calendar.recommendations_until == date(2024, 12, 30)  # ten calendar days, holidays included
    assert legal_calendar(announced=date(2024, 12, 20), window_days=25).recommendations_until == date(2025, 1, 14)
    assert calendar.date("recommendations_until").rule.article == "art. 7 alin. (4)"


def test_a_window_under_the_legal_minimum_is_refused() -> None:
    with pytest.raises(InputError, match="legal minimum of 10 calendar days"):
        legal_calendar(announced=date(2026, 3, 2), window_days=9)


def test_a_window_past_the_earliest_submission_is_flagged() -> None:
    assert legal_calendar(announced=date(2026, 3, 2), window_days=20).warnings() == ()
    assert legal_calendar(announced=date(2026, 3, 2), window_days=60).warnings()


def test_every_date_and_rule_names_its_article_and_the_law() -> None:
    data = legal_calendar(announced=date(2026, 3, 2)).as_dict()
    assert data["law"] == LAW
    assert [item["key"] for item in data["dates"]] == ["announced", "recommendations_until", "earliest_submission"]
    assert all(item["article"].startswith("art. ") and item["rule"] for item in data["dates"])
    keys = {rule["key"]: rule["article"] for rule in data["rules"]}
    assert keys["debate_request"] == "art. 7 alin. (9)"
    assert keys["debate_held_by"] == "art. 7 alin. (10)"
    assert keys["annual_report"] == "art. 13"
    assert "asociație legal constituită" in next(r["rule"] for r in data["rules"] if r["key"] == "debate_request")


def test_debate_and_meeting_dates() -> None:
    assert debate_held_by(published=date(2026, 4, 1)).day == date(2026, 4, 11)
    assert meeting_announced_by(meeting=date(2026, 4, 14)).day == date(2026, 4, 11)


def test_working_days_between_counts_after_the_start() -> None:
    assert working_days_between(date(2026, 4, 9), date(2026, 4, 14)) == 1  # Fri 10 and Mon 13 are Easter holidays
    assert working_days_between(date(2026, 4, 9), date(2026, 4, 9)) == 0
    with pytest.raises(ValueError):
        add_working_days(date(2026, 4, 9), 0)


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), count=st.integers(1, 60))
def test_property_the_nth_working_day(start: date, count: int) -> None:
    result = add_working_days(start, count)
    assert result > start
    assert is_working_day(result)
    assert working_days_between(start, result) == count
    assert working_days_between(start, result - timedelta(days=1)) == count - 1


@settings(max_examples=40, deadline=None)
@given(announced=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_property_earliest_submission_is_thirty_working_days_on(announced: date) -> None:
    calendar = legal_calendar(announced=announced)
    assert is_working_day(calendar.earliest_submission)
    assert working_days_between(announced, calendar.earliest_submission) == ANNOUNCEMENT_WORKING_DAYS
    assert calendar.recommendations_until - announced == timedelta(days=10)
