"""Merging time present, matching to the roster and registered guests, the attended rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cooperare.config.events import AttendanceRule
from cooperare.events.attendance import (
    Guest,
    Matcher,
    Presence,
    attended,
    collect,
    match_all,
    merge,
    minutes,
    present_minutes,
)
from cooperare.events.exports import Session
from cooperare.events.loader import load_events
from cooperare.store.people import PersonRecord

T0 = datetime(2027, 4, 20, 7, 0, tzinfo=UTC)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def person(key: str, first: str, last: str, email: str) -> PersonRecord:
    return PersonRecord(key=key, idnumber=key, moodle_user_id=None, firstname=first, lastname=last, email=email,
                        county="CJ", commune="Florești", organisation="Primăria Florești", category="adm-executie",
                        track="adm-alfabetizare")


ROSTER = [person("R1", "Maria", "Popescu", "maria@primaria.ro"), person("R2", "Ștefan", "Țurcanu", "st@x.ro"),
          person("R3", "Ion", "Ene", "ion1@x.ro"), person("R4", "Ion", "Ene", "ion2@x.ro")]


def test_merge_joins_overlapping_and_touching_intervals() -> None:
    assert merge([(at(30), at(60)), (at(0), at(40)), (at(60), at(70)), (at(80), at(90))]) == (
        (at(0), at(70)), (at(80), at(90)))
    assert minutes([(at(0), at(60)), (at(0), at(60)), (at(10), at(20))]) == 60


def test_attended_rule_is_a_share_of_the_duration() -> None:
    event = next(e for e in load_events() if e.duration_minutes == 120)
    assert attended(60, event, AttendanceRule())
    assert not attended(59.9, event, AttendanceRule())
    assert not attended(60, event, AttendanceRule(min_percent=75))


def test_only_the_events_own_time_counts_unless_the_rule_says_otherwise() -> None:
    """A room opened 45 minutes early: someone there from then until 40 minutes into a 120-minute event was present
    40 minutes of it (not attended at 50 %), never more minutes than the event lasts."""
    event = next(e for e in load_events() if e.duration_minutes == 120)
    start = event.starts_at
    early = [(start - timedelta(minutes=45), start + timedelta(minutes=40))]
    assert present_minutes(early, event, AttendanceRule()) == 40
    assert not attended(present_minutes(early, event, AttendanceRule()), event, AttendanceRule())
    everything = AttendanceRule(within_event=False)
    assert present_minutes(early, event, everything) == 85 and attended(85, event, everything)
    whole_day = [(start - timedelta(hours=3), start + timedelta(hours=5)), (start, start + timedelta(minutes=30))]
    assert present_minutes(whole_day, event, AttendanceRule()) == event.duration_minutes
    assert present_minutes([(start - timedelta(hours=2), start - timedelta(hours=1))], event, AttendanceRule()) == 0


def sessions(*rows: tuple[str, str, int, int]) -> list[Session]:
    return [Session(i + 2, name, email, at(a), at(b)) for i, (name, email, a, b) in enumerate(rows)]


def test_matching_by_email_then_name_then_registered_guest() -> None:
    found = collect(sessions(
        ("M. Popescu", "MARIA@primaria.ro", 0, 50),           # e-mail, whatever the name shown
        ("Turcanu Stefan (Guest)", "", 10, 40),               # name without diacritics, reversed, suffix
        ("Ion Ene", "", 0, 90),                                 # two roster people share the name: not matched
        ("Dana Roșu", "dana@ong.ro", 0, 30),                   # registered by e-mail
        ("Vasile Lungu", "", 5, 25),                            # nobody: a guest
        ("Maria Popescu", "maria@primaria.ro", 40, 100),      # same person again: merged with the first row
    ))
    matcher = Matcher(ROSTER, [Guest(name="Dana Roșu", email="dana@ong.ro", institution="Asociația X", county="IS",
                                     category="ong")])
    result = {a.person_key: a for a in match_all(found, matcher)}
    assert result["R1"].minutes == 100 and result["R1"].matched_by == "email"
    assert result["R2"].kind == "roster" and result["R2"].matched_by == "name"
    assert result["reg:dana@ong.ro"].kind == "registered" and result["reg:dana@ong.ro"].institution == "Asociația X"
    guests = sorted(k for k in result if k.startswith("guest:"))
    assert guests == ["guest:ene ion", "guest:lungu vasile"]
    assert result["guest:lungu vasile"].name == "Vasile Lungu"


def test_zoom_original_name_in_parentheses_is_tried() -> None:
    presence = Presence("name:x", "Primar Florești (Maria Popescu)", "", ((at(0), at(10)),),
                        ("Primar Florești (Maria Popescu)",))
    assert Matcher(ROSTER).match(presence).person_key == "R1"


def test_same_person_under_two_keys_is_united_without_double_counting() -> None:
    found = collect(sessions(("Maria Popescu", "", 0, 60), ("Maria Popescu", "maria@primaria.ro", 30, 90)))
    assert len(found) == 2
    (only,) = match_all(found, Matcher(ROSTER))
    assert only.minutes == 90
