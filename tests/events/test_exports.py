"""Attendance exports: each format detected and read, encodings, bad rows named by line and column, DST."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cooperare.errors import InputError
from cooperare.events.attendance import collect
from cooperare.events.exports import read_export

TZ = ZoneInfo("Europe/Bucharest")
DAY = date(2027, 4, 20)

TEAMS = """1. Summary
Meeting title\tPlatforma de e-learning
Attended participants\t2
Start time\t4/20/27, 10:00:00 AM
End time\t4/20/27, 12:00:00 PM
Meeting duration\t2h
Average attendance time\t1h 30m

2. Participants
Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole
Maria Popescu\t4/20/27, 10:00:00 AM\t4/20/27, 12:00:00 PM\t1h 50m\tmaria@primaria.ro\tmaria@primaria.ro\tAttendee
Ștefan Țurcanu (Guest)\t4/20/27, 10:30:00 AM\t4/20/27, 11:00:00 AM\t30m\t\t\tAttendee

3. In-Meeting Activities
Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole
Maria Popescu\t4/20/27, 10:00:00 AM\t4/20/27, 11:00:00 AM\t1h\tmaria@primaria.ro\tAttendee
Maria Popescu\t4/20/27, 10:50:00 AM\t4/20/27, 12:00:00 PM\t1h 10m\tmaria@primaria.ro\tAttendee
Ștefan Țurcanu (Guest)\t4/20/27, 10:30:00 AM\t4/20/27, 11:00:00 AM\t30m\t\tAttendee
"""

TEAMS_2021 = """Meeting Summary
Total Number of Participants\t1
Meeting Title\tPlatforma
Meeting Start Time\t20.04.2027, 10:00:00
Meeting End Time\t20.04.2027, 12:00:00

Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)
Ion Vasilescu\t20.04.2027, 10:05:00\t20.04.2027, 11:05:00\t1h\tion@x.ro\tAttendee\tion@x.ro
Ana Dobre\t20.04.2027, 10:05:00\t20.04.2027, 10:35:00\t30m\t\tAttendee\tana.dobre@x.ro
"""

TEAMS_2020 = """Full Name\tUser Action\tTimestamp
Ion Vasilescu\tJoined before\t4/20/2027, 9:58:00 AM
Ana Dobre\tJoined\t4/20/2027, 10:10:00 AM
Ion Vasilescu\tLeft\t4/20/2027, 10:58:00 AM
Ion Vasilescu\tJoined\t4/20/2027, 11:00:00 AM
Ana Dobre\tLeft\t4/20/2027, 10:40:00 AM
Ion Vasilescu\tLeft\t4/20/2027, 11:30:00 AM
"""

ZOOM = """Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Diagnostic,04/20/2027 09:55:01 AM,04/20/2027 12:01:00 PM,host@acor.ro,126,2

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
"Popescu, Maria (Maria P.)",maria@primaria.ro,04/20/2027 10:00:00 AM,04/20/2027 11:30:00 AM,90,No
Gheorghe Ene,,04/20/2027 10:15:00 AM,04/20/2027 10:45:00 AM,30,Yes
"""

MEET = """First name,Last name,Email,Duration,Time joined,Time exited
Maria,Popescu,maria@primaria.ro,1 hr 30 min,2027-04-20 10:00:00,2027-04-20 11:30:00
Ion,Ene,ion@x.ro,20 min,10:10,10:30
"""


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, **kwargs: object) -> tuple[str, list]:  # type: ignore[type-arg]
    export, sessions = read_export(path, day=kwargs.pop("day", DAY), tz=TZ, **kwargs)  # type: ignore[arg-type]
    return export.format, list(sessions)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8", "utf-8-sig"])
def test_teams_report_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    fmt, sessions = read(write(tmp_path, TEAMS, encoding=encoding))
    assert fmt == "teams"
    assert [s.line for s in sessions] == [16, 17, 18]  # the activities, not the participants
    people = {p.key: p for p in collect(sessions)}
    assert people["email:maria@primaria.ro"].minutes == 120  # 10:00-11:00 and 10:50-12:00 overlap
    guest = next(p for k, p in people.items() if k.startswith("name:"))
    assert guest.minutes == 30 and guest.name == "Ștefan Țurcanu (Guest)"
    assert sessions[0].joined.utcoffset() == timedelta(0)
    assert sessions[0].joined == sessions[0].joined.astimezone(TZ)  # the same instant


def test_teams_without_activities_uses_the_in_meeting_duration(tmp_path: Path) -> None:
    text = TEAMS.split("\n3. In-Meeting")[0]
    _fmt, sessions = read(write(tmp_path, text, encoding="utf-16"))
    assert [(s.joined.astimezone(TZ).strftime("%H:%M"), s.left.astimezone(TZ).strftime("%H:%M"))
            for s in sessions] == [("10:00", "11:50"), ("10:30", "11:00")]  # 1h 50m present, not 2h


def test_older_teams_layouts(tmp_path: Path) -> None:
    fmt, sessions = read(write(tmp_path, TEAMS_2021, encoding="utf-16"))
    assert fmt == "teams-2021" and sessions[0].email == "ion@x.ro"
    assert sessions[1].email == "ana.dobre@x.ro"  # no e-mail: the UPN
    assert (sessions[0].left - sessions[0].joined) == timedelta(hours=1)
    fmt, sessions = read(write(tmp_path, TEAMS_2020, encoding="utf-16", name="old.csv"))
    assert fmt == "teams-2020"
    minutes = {p.name: p.minutes for p in collect(sessions)}
    assert minutes == {"Ion Vasilescu": 90.0, "Ana Dobre": 30.0}


def test_zoom_and_meet(tmp_path: Path) -> None:
    fmt, sessions = read(write(tmp_path, ZOOM, encoding="utf-8-sig"))
    assert fmt == "zoom"
    assert [(s.name, s.email) for s in sessions] == [("Popescu, Maria (Maria P.)", "maria@primaria.ro"),
                                                     ("Gheorghe Ene", "")]
    fmt, sessions = read(write(tmp_path, MEET, name="meet.csv"))
    assert fmt == "meet"
    assert [p.minutes for p in collect(sessions)] == [90.0, 20.0]
    assert sessions[1].name == "Ion Ene"


def test_unknown_file_and_missing_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a known attendance export") as caught:
        read(write(tmp_path, "a,b,c\n1,2,3\n"))
    assert "language set to English" in (caught.value.hint or "")  # a Teams client in Romanian writes other headers
    broken = TEAMS.replace("Name\tJoin Time\tLeave Time", "Name\tJoin Time\tExit Time")
    with pytest.raises(InputError, match=r"export.csv:15: .*no column 'leave time'"):
        read(write(tmp_path, broken, encoding="utf-16"))
    unique = "Name (Original Name),User Email,Total Duration (Minutes),Guest\nAna Pop,a@x.ro,55,No\n"
    with pytest.raises(InputError, match=r"export.csv:1: a Zoom participants export without join") as caught:
        read(write(tmp_path, unique))
    assert "Show unique users" in (caught.value.hint or "")
    with pytest.raises(InputError, match="the file is empty"):
        read(write(tmp_path, ""))
    with pytest.raises(InputError, match="does not exist"):
        read(tmp_path / "missing.csv")


def test_garbage_row_names_line_and_column(tmp_path: Path) -> None:
    bad = ZOOM.replace("04/20/2027 10:15:00 AM", "yesterday-ish")
    path = write(tmp_path, bad)
    with pytest.raises(InputError) as caught:
        read(path)
    assert f"{path}:6:3: Join Time".lower() in str(caught.value).lower()
    export, sessions = read_export(path, day=DAY, tz=TZ, skip_invalid=True)
    assert len(list(sessions)) == 1 and len(export.skipped) == 1
    short = ZOOM + "just one cell\n"
    with pytest.raises(InputError, match=r":7: this row has 1 cells"):
        read(write(tmp_path, short))


def test_iso_times_with_an_offset_are_exact(tmp_path: Path) -> None:
    text = ("First name,Last name,Email,Duration,Time joined,Time exited\n"
            "Ion,Ene,ion@x.ro,30 min,2027-04-20T07:00:00Z,2027-04-20T10:30:00+03:00\n")
    _fmt, sessions = read(write(tmp_path, text))
    assert collect(sessions)[0].minutes == 30
    with pytest.raises(InputError, match="not on the event's date"):
        read(write(tmp_path, text.replace("2027-04-20T07", "2027-05-20T07")))


def test_wrong_event_date_is_caught(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not on the event's date"):
        read(write(tmp_path, ZOOM), day=date(2027, 5, 18))


def test_legacy_bytes_are_refused_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "cp.csv"
    path.write_bytes(MEET.encode("utf-8") + "Ştefan,Ţone,s@x.ro,5 min,10:00,10:05\n".encode("cp1250"))
    with pytest.raises(InputError, match=r"cp.csv:4: the file is not utf-8 text"):
        read(path)


def test_an_event_across_the_autumn_dst_change_counts_elapsed_minutes(tmp_path: Path) -> None:
    night = date(2027, 10, 31)  # 04:00 summer time becomes 03:00 winter time
    text = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
            "Maria Popescu,maria@primaria.ro,10/31/2027 02:00:00 AM,10/31/2027 05:00:00 AM,240,No\n"
            "Ion Ene,ion@x.ro,10/31/2027 03:10:00 AM,10/31/2027 03:50:00 AM,100,No\n"
            "Ana Dobre,ana@x.ro,10/31/2027 03:10:00 AM,10/31/2027 03:50:00 AM,40,No\n")
    _fmt, sessions = read(write(tmp_path, text), day=night)
    minutes = {p.email: p.minutes for p in collect(sessions)}
    assert minutes["maria@primaria.ro"] == 240  # three hours on the clock, four elapsed
    assert minutes["ion@x.ro"] == 100  # joined in summer time, left in winter time (the stated duration says so)
    assert minutes["ana@x.ro"] == 40


def test_spring_gap_time_is_refused(tmp_path: Path) -> None:
    text = ("First name,Last name,Email,Duration,Time joined,Time exited\n"
            "Ion,Ene,ion@x.ro,30 min,2027-03-28 03:15:00,2027-03-28 04:30:00\n")
    with pytest.raises(InputError, match=r":2:5: Time joined: .*does not exist in Europe/Bucharest"):
        read(write(tmp_path, text), day=date(2027, 3, 28))
    text = text.replace("03:15:00", "02:45:00")
    _fmt, sessions = read(write(tmp_path, text), day=date(2027, 3, 28))
    assert collect(sessions)[0].minutes == 45  # 02:45 winter time to 04:30 summer time


def test_hundred_thousand_rows_stream(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n")
        for i in range(100_000):
            handle.write(f"Persoana {i % 5000},p{i % 5000}@x.ro,04/20/2027 10:{i % 60:02d}:00 AM,"
                         f"04/20/2027 11:{i % 60:02d}:00 AM,60,No\n")
    export, sessions = read_export(path, day=DAY, tz=TZ)
    people = collect(sessions)
    assert export.rows == 100_000 and len(people) == 5000
    first = next(p for p in people if p.email == "p0@x.ro")
    assert first.minutes == 100  # joins at 10:00, 10:20 and 10:40, an hour each: 10:00 to 11:40


@pytest.mark.parametrize("seed", range(40))
def test_damaged_files_give_an_error_or_a_result_never_a_crash(tmp_path: Path, seed: int) -> None:
    import random

    rng = random.Random(seed)
    base = [TEAMS.encode("utf-16"), ZOOM.encode("utf-8-sig"), MEET.encode("utf-8"), TEAMS_2020.encode("utf-16-le")]
    data = bytearray(rng.choice(base))
    for _ in range(rng.randint(1, 12)):  # flip, drop or insert bytes
        position = rng.randrange(len(data))
        action = rng.random()
        if action < 0.4:
            data[position] = rng.randrange(256)
        elif action < 0.7:
            del data[position:position + rng.randint(1, 8)]
        else:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    if seed % 10 == 9:
        data = bytearray(rng.randbytes(rng.randint(1, 3000)))
    path = tmp_path / "damaged.csv"
    path.write_bytes(bytes(data))
    try:
        export, sessions = read_export(path, day=DAY, tz=TZ, skip_invalid=seed % 2 == 0)
        for session in sessions:
            assert session.left >= session.joined
    except InputError as error:
        assert str(error.location.file) == str(path)
