"""Events as code: the shipped events, the loader's refusals (file, line, key) and daylight-saving rules."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cooperare.config import load_config
from cooperare.config.events import localise, zone
from cooperare.errors import ConfigError
from cooperare.events.loader import configured_events, find_event, load_events

EVENT = """\
  - id: {id}
    title: Eveniment de probă
    kind: dissemination
    date: {date}
    start: "{start}"
    duration_minutes: 120
    audience: Primării
    room: {{kind: bigbluebutton}}
    registration: {{method: self_enrolment, opens: 2027-01-01, closes: {date}}}
"""


def write_events(tmp_path: Path, *events: str) -> Path:
    path = tmp_path / "evenimente.yaml"
    path.write_text("events:\n" + "".join(events), encoding="utf-8")
    return path


def event(**values: str) -> str:
    defaults = {"id": "e1", "date": "2027-05-18", "start": "10:00"}
    return EVENT.format(**{**defaults, **values})


def test_shipped_events_are_the_projects_eight() -> None:
    events = load_events()
    kinds = [e.kind for e in events]
    assert len(events) == 8
    assert kinds.count("dissemination") == 6
    assert kinds.count("participatory_governance") == 2
    assert all(e.date.year == 2027 for e in events)
    assert all(e.timezone == "Europe/Bucharest" for e in events)
    text = " ".join(e.title + e.audience for e in events)
    assert "ş" not in text and "ţ" not in text  # comma-below only
    assert "ș" in text or "ț" in text


def test_winter_and_summer_offsets_follow_bucharest_time() -> None:
    events = {e.id: e for e in load_events()}
    assert events["diseminare-1"].starts_at.utcoffset() == timedelta(hours=2)
    assert events["diseminare-3"].starts_at.utcoffset() == timedelta(hours=3)
    assert events["guvernanta-1"].ends_at - events["guvernanta-1"].starts_at == timedelta(minutes=180)


def test_unknown_key_is_named_with_file_and_line(tmp_path: Path) -> None:
    path = write_events(tmp_path, event() + "    colour: red\n")
    with pytest.raises(ConfigError) as caught:
        load_events(path)
    message = str(caught.value)
    assert "unknown key 'colour'" in message
    assert f"{path}:11" in message and "events[0].colour" in message


def test_start_in_the_spring_gap_is_refused(tmp_path: Path) -> None:
    path = write_events(tmp_path, event(date="2027-03-28", start="03:30"))
    with pytest.raises(ConfigError, match="does not exist in Europe/Bucharest"):
        load_events(path)


def test_start_that_happens_twice_needs_an_offset(tmp_path: Path) -> None:
    path = write_events(tmp_path, event(date="2027-10-31", start="03:30"))
    with pytest.raises(ConfigError, match=r"happens twice.*\+03:00.*\+02:00"):
        load_events(path)
    fixed = write_events(tmp_path, event(date="2027-10-31", start="03:30") + '    offset: "+02:00"\n')
    (loaded,) = load_events(fixed)
    assert loaded.starts_at.utcoffset() == timedelta(hours=2)
    # two hours of elapsed time that night: the end is 05:30 winter time
    assert loaded.ends_at.strftime("%H:%M") == "05:30"


def test_offset_that_does_not_apply_is_refused() -> None:
    with pytest.raises(ValueError, match="does not apply"):
        localise(__import__("datetime").date(2027, 5, 18), __import__("datetime").time(10), zone("Europe/Bucharest"),
                 offset="+02:00")


def test_unquoted_time_gets_a_hint(tmp_path: Path) -> None:
    path = write_events(tmp_path, event().replace('start: "10:00"', "start: 10:00"))
    with pytest.raises(ConfigError) as caught:
        load_events(path)
    assert "expected text" in str(caught.value) and caught.value.hint == "put it in quotes"


def test_duplicate_ids_and_bad_room(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="duplicate event id 'e1'"):
        load_events(write_events(tmp_path, event(), event()))
    bad = event().replace("{kind: bigbluebutton}", '{kind: zoom, url: "https://evil.example.com/j/1"}')
    with pytest.raises(ConfigError, match="not a zoom address"):
        load_events(write_events(tmp_path, bad))


def test_registration_must_close_by_the_event(tmp_path: Path) -> None:
    late = event().replace("closes: 2027-05-18", "closes: 2027-05-19")
    with pytest.raises(ConfigError, match="registration closes after"):
        load_events(write_events(tmp_path, late))


def test_folder_of_events_one_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "ev"
    folder.mkdir()
    for key in ("b2", "a1"):
        text = event(id=key).replace("  - ", "", 1)
        (folder / f"{key}.yaml").write_text("\n".join(line[4:] if line.startswith("    ") else line
                                                      for line in text.splitlines()) + "\n", encoding="utf-8")
    events = load_events(folder)
    assert [e.id for e in events] == ["a1", "b2"]
    assert find_event(events, "b2").id == "b2"
    with pytest.raises(ConfigError, match="no event 'zz'"):
        find_event(events, "zz")


def test_events_section_of_cooperare_yaml(tmp_path: Path) -> None:
    source = write_events(tmp_path, event(id="local-1"))
    (tmp_path / "cooperare.yaml").write_text(
        "events:\n  source: evenimente.yaml\n  attendance: {min_percent: 75}\n", encoding="utf-8")
    config = load_config(None, environ={}, cwd=tmp_path)
    assert config.events.attendance.min_percent == 75
    assert config.events.source == source
    assert [e.id for e in configured_events(config.events)] == ["local-1"]
    (tmp_path / "cooperare.yaml").write_text("events:\n  attendance: {min_pct: 75}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'min_pct'"):
        load_config(None, environ={}, cwd=tmp_path)


def test_events_written_in_cooperare_yaml(tmp_path: Path) -> None:
    items = "".join("  " + line + "\n" for line in (event(id="x-1") + event(id="x-2")).splitlines())
    (tmp_path / "cooperare.yaml").write_text("events:\n  items:\n" + items, encoding="utf-8")
    config = load_config(None, environ={}, cwd=tmp_path)
    assert [e.id for e in configured_events(config.events)] == ["x-1", "x-2"]
    both = "events:\n  source: evenimente.yaml\n  items:\n" + items
    (tmp_path / "cooperare.yaml").write_text(both, encoding="utf-8")
    with pytest.raises(ConfigError, match="either source .* or items, not both"):
        load_config(None, environ={}, cwd=tmp_path)
    twice = "events:\n  items:\n" + items + items
    (tmp_path / "cooperare.yaml").write_text(twice, encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate event id 'x-1'"):
        configured_events(load_config(None, environ={}, cwd=tmp_path).events)


@pytest.mark.parametrize(("field", "text"), [("title", "Şedinţa de lansare"), ("audience", "Primării şi ONG-uri")])
def test_cedilla_letters_in_public_texts_are_refused_with_file_and_line(tmp_path: Path, field: str,
                                                                      text: str) -> None:
    body = event().replace("Eveniment de probă", text) if field == "title" else event().replace("Primării", text)
    path = write_events(tmp_path, body)
    with pytest.raises(ConfigError, match=f"{field} uses the cedilla letter .*comma below") as caught:
        load_events(path)
    assert str(path) in str(caught.value)


def test_shipped_events_use_comma_below_letters_only() -> None:
    texts = "".join(e.title + e.audience + e.description + "".join(m.title for m in e.materials)
                    for e in load_events())
    assert not set("şţŞŢ") & set(texts) and ("ș" in texts or "ț" in texts)
