"""Attendance exports with headers in other languages: each read as its English twin, or refused naming the line.

The people are made up; the header names are the ones docs/events.md gives sources for, except where a comment says
a name is a placeholder (a column whose name in that language was not confirmed, or the sections of a Teams report in
a language read by position)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cooperare.errors import InputError
from cooperare.events.attendance import collect
from cooperare.events.exports import _duration_minutes, read_export

TZ = ZoneInfo("Europe/Bucharest")
DAY = date(2027, 4, 20)

ZOOM_EN = """Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Diagnostic,04/20/2027 09:55:01 AM,04/20/2027 12:01:00 PM,gazda@example.ro,126,3

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Mara Ștefănescu,mara@example.ro,04/20/2027 10:00:00 AM,04/20/2027 11:00:00 AM,60,No
Mara Ștefănescu,mara@example.ro,04/20/2027 10:50:00 AM,04/20/2027 11:30:00 AM,40,No
Radu Căpraru,,04/20/2027 10:15:00 AM,04/20/2027 10:45:00 AM,30,Yes
"""

ZOOM_HEADERS = {  # each language's participant header line, as the sources show it
    "it": "Nome (nome originale),E-mail,Ora di ingresso,Ora di uscita,Durata (minuti),Guest",
    "es": "Nombre (nombre original),Correo electrónico,Hora de entrada,Hora de salida,Duración (minutos),Invitado",
    "es-2020": "Nombre (nombre original),E-mail del usuario,Hora para unirse,Hora para salir,Duración (minutos)",
    "fr": "Nom (nom original),Adresse e-mail de l’utilisateur,Heure d’arrivée,Heure de départ,Durée (minutes),Invité",
}

TEAMS_2021_EN = """Meeting Summary
Total Number of Participants\t2
Meeting Title\tPlatforma
Meeting Start Time\t20.04.2027, 10:00:00
Meeting End Time\t20.04.2027, 12:00:00

Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)
Ilinca Bărbulescu\t20.04.2027, 10:05:00\t20.04.2027, 11:05:00\t1h\tilinca@example.ro\tAttendee\tilinca@example.ro
Șerban Oțelea\t20.04.2027, 10:05:00\t20.04.2027, 10:35:00\t30m\t\tAttendee\tserban@example.ro
"""

# The Polish 2021 report: the four confirmed headers; "Czas trwania", "Adres e-mail", "Identyfikator (UPN)" and the
# first line are placeholders (not confirmed), so those columns are not read.
TEAMS_2021_PL = """Podsumowanie spotkania
Imię i nazwisko\tGodzina dołączenia\tGodzina opuszczenia\tCzas trwania\tAdres e-mail\tRola\tIdentyfikator (UPN)
Ilinca Bărbulescu\t20.04.2027, 10:05:00\t20.04.2027, 11:05:00\t1 godz.\tilinca@example.ro\tUczestnik\tilinca@example.ro
Șerban Oțelea\t20.04.2027, 10:05:00\t20.04.2027, 10:35:00\t30 min\t\tUczestnik\tserban@example.ro
"""

TEAMS_2020_EN = """Full Name\tUser Action\tTimestamp
Ilinca Bărbulescu\tJoined before\t4/20/2027, 9:58:00 AM
Șerban Oțelea\tJoined\t4/20/2027, 10:10:00 AM
Ilinca Bărbulescu\tLeft\t4/20/2027, 10:58:00 AM
Ilinca Bărbulescu\tJoined\t4/20/2027, 11:00:00 AM
Șerban Oțelea\tLeft\t4/20/2027, 10:40:00 AM
Ilinca Bărbulescu\tLeft\t4/20/2027, 11:30:00 AM
"""

TEAMS_2020_PT = """Nome Completo\tAtividade\tCarimbo de data/hora
Ilinca Bărbulescu\tEntrou antes de\t20/04/2027 09:58:00
Șerban Oțelea\tIngressou\t20/04/2027 10:10:00
Ilinca Bărbulescu\tSaiu\t20/04/2027 10:58:00
Ilinca Bărbulescu\tIngressou\t20/04/2027 11:00:00
Șerban Oțelea\tSaiu\t20/04/2027 10:40:00
Ilinca Bărbulescu\tSaiu\t20/04/2027 11:30:00
"""

TEAMS_EN = """1. Summary
Meeting title\tPlatforma de e-learning
Attended participants\t2
Start time\t4/20/27, 10:00:00 AM
End time\t4/20/27, 12:00:00 PM

2. Participants
Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole
Mara Ștefănescu\t4/20/27, 10:00:00 AM\t4/20/27, 12:00:00 PM\t1h 50m\tmara@example.ro\tmara@example.ro\tAttendee
Radu Căpraru (Guest)\t4/20/27, 10:30:00 AM\t4/20/27, 11:00:00 AM\t30m\t\t\tAttendee

3. In-Meeting Activities
Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole
Mara Ștefănescu\t4/20/27, 10:00:00 AM\t4/20/27, 11:00:00 AM\t1h\tmara@example.ro\tAttendee
Mara Ștefănescu\t4/20/27, 10:50:00 AM\t4/20/27, 12:00:00 PM\t1h 10m\tmara@example.ro\tAttendee
Radu Căpraru (Guest)\t4/20/27, 10:30:00 AM\t4/20/27, 11:00:00 AM\t30m\t\tAttendee
"""

# A current Teams report in a language whose headers are not known. The Romanian section titles and headers below are
# placeholders, not Teams' confirmed wording: the point is that they are read by position and content.
TEAMS_RO = """1. Rezumat
Titlul întâlnirii\tPlatforma de e-learning
Participanți\t2
Ora de început\t20.04.2027, 10:00:00
Ora de sfârșit\t20.04.2027, 12:00:00

2. Participanți
Nume\tPrima alăturare\tUltima plecare\tDurata în întâlnire\tE-mail\tID participant (UPN)\tRol
Mara Ștefănescu\t20.04.2027, 10:00:00\t20.04.2027, 12:00:00\t1 h 50 min\tmara@example.ro\tmara@example.ro\tParticipant
Radu Căpraru (Invitat)\t20.04.2027, 10:30:00\t20.04.2027, 11:00:00\t30 min\t\t\tParticipant

3. Activități în cadrul întâlnirii
Nume\tOra de alăturare\tOra de plecare\tDurată\tE-mail\tRol
Mara Ștefănescu\t20.04.2027, 10:00:00\t20.04.2027, 11:00:00\t1 h\tmara@example.ro\tParticipant
Mara Ștefănescu\t20.04.2027, 10:50:00\t20.04.2027, 12:00:00\t1 h 10 min\tmara@example.ro\tParticipant
Radu Căpraru (Invitat)\t20.04.2027, 10:30:00\t20.04.2027, 11:00:00\t30 min\t\tParticipant
"""


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    export, sessions = read_export(path, day=DAY, tz=TZ, **kwargs)  # type: ignore[arg-type]
    return export, list(sessions)


def minutes(sessions: list) -> dict[str, float]:  # type: ignore[type-arg]
    return {p.name: p.minutes for p in collect(sessions)}


@pytest.mark.parametrize("language", sorted(ZOOM_HEADERS))
def test_zoom_in_other_languages_counts_as_in_english(tmp_path: Path, language: str) -> None:
    english = read(write(tmp_path, ZOOM_EN, encoding="utf-8-sig", name="en.csv"))[1]
    header = ZOOM_HEADERS[language]
    text = ZOOM_EN.replace("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest", header)
    if language == "es-2020":  # this older header has no Guest column
        text = text.replace(",No\n", "\n").replace(",Yes\n", "\n")
    if language in ("it", "fr"):  # day-first dates, as those exports write them
        text = text.replace("04/20/2027", "20/04/2027")
    export, sessions = read(write(tmp_path, text, encoding="utf-8-sig"))
    assert (export.format, export.language, export.recognised_by) == ("zoom", language[:2], "name")
    assert minutes(sessions) == minutes(english) == {"Mara Ștefănescu": 90.0, "Radu Căpraru": 30.0}
    assert sessions[0].email == "mara@example.ro"
    assert export.notes == []


def test_polish_2021_teams_report_in_utf16(tmp_path: Path) -> None:
    english = read(write(tmp_path, TEAMS_2021_EN, encoding="utf-16", name="en.csv"))[1]
    export, sessions = read(write(tmp_path, TEAMS_2021_PL, encoding="utf-16"))
    assert (export.format, export.language) == ("teams-2021", "pl")
    assert minutes(sessions) == minutes(english) == {"Ilinca Bărbulescu": 60.0, "Șerban Oțelea": 30.0}
    assert {s.email for s in sessions} == {""}  # the e-mail column's Polish name is not confirmed: not read


def test_portuguese_2020_teams_list_and_its_actions(tmp_path: Path) -> None:
    english = read(write(tmp_path, TEAMS_2020_EN, encoding="utf-16", name="en.csv"))[1]
    export, sessions = read(write(tmp_path, TEAMS_2020_PT, encoding="utf-16-le"))
    assert (export.format, export.language) == ("teams-2020", "pt")
    assert minutes(sessions) == minutes(english) == {"Ilinca Bărbulescu": 90.0, "Șerban Oțelea": 30.0}
    mixed = TEAMS_2020_PT.replace("\tSaiu\t20/04/2027 10:40", "\tLeft\t20/04/2027 10:40")
    with pytest.raises(InputError, match=r"export.csv:6:2: Atividade: unknown user action 'left' \('ingressou'"):
        read(write(tmp_path, mixed, encoding="utf-16"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_current_teams_report_in_an_unknown_language_is_read_by_position(tmp_path: Path, encoding: str) -> None:
    english = read(write(tmp_path, TEAMS_EN, encoding="utf-16", name="en.csv"))[1]
    export, sessions = read(write(tmp_path, TEAMS_RO, encoding=encoding))
    assert (export.format, export.language, export.recognised_by) == ("teams", "", "position")
    assert [s.line for s in sessions] == [s.line for s in english] == [14, 15, 16]  # the activities, as in English
    assert sorted(minutes(sessions).values()) == sorted(minutes(english).values()) == [30.0, 120.0]
    assert {p.key: p.minutes for p in collect(sessions)}["email:mara@example.ro"] == 120
    assert [s.joined for s in sessions] == [s.joined for s in english]
    notes = "\n".join(export.notes)
    assert "'2. Participanți' (header on line 8)" in notes and "checked on line 9" in notes
    assert "'3. Activități în cadrul întâlnirii' (header on line 13)" in notes
    assert "Ora de plecare" in notes and "leave time" in notes


def test_participants_only_report_by_position_uses_the_polish_durations(tmp_path: Path) -> None:
    text = (TEAMS_RO.split("\n3. ")[0].replace("2. Participanți", "2. Uczestnicy")
            .replace("1 h 50 min", "1 godz. 50 min 0 s").replace("\t30 min\t", "\t30 min 0 sek.\t"))
    export, sessions = read(write(tmp_path, text, encoding="utf-16"))
    assert export.recognised_by == "position"
    assert [(s.joined.astimezone(TZ).strftime("%H:%M"), s.left.astimezone(TZ).strftime("%H:%M"))
            for s in sessions] == [("10:00", "11:50"), ("10:30", "11:00")]  # 1 h 50 min present, not 2 h


def test_durations_in_other_units() -> None:
    assert _duration_minutes("1 godz. 5 min 3 sek.", zoom=False) == pytest.approx(65.05)
    assert _duration_minutes("1 godz. 2 min 10 s", zoom=False) == pytest.approx(62 + 1 / 6)
    assert _duration_minutes("1 h 5 min", zoom=False) == 65
    assert _duration_minutes("5 min 3 s", zoom=False) == pytest.approx(5.05)
    assert _duration_minutes("1h 2m 10s", zoom=False) == pytest.approx(62 + 1 / 6)
    assert _duration_minutes("1 hr 30 min", zoom=False) == 90
    assert _duration_minutes("1 oră 5 min", zoom=False) is None  # an unknown unit: not 5 minutes


def test_a_layout_that_does_not_fit_is_refused_naming_the_line(tmp_path: Path) -> None:
    # the duration and the last leave swapped: column 3 of the first row is not a date and time
    swapped = TEAMS_RO.replace("\t20.04.2027, 12:00:00\t1 h 50 min\t", "\t1 h 50 min\t20.04.2027, 12:00:00\t")
    with pytest.raises(InputError, match=r"export.csv:9:3: Ultima plecare: section '2. Participanți': 'Ultima plecare' "
                                         r"\(column 3\) should be the last leave .*cannot be recognised by position"):
        read(write(tmp_path, swapped, encoding="utf-16"))
    # one column fewer than the layout: the columns cannot be told apart
    short = TEAMS_RO.replace("\tID participant (UPN)", "")
    with pytest.raises(InputError, match=r"export.csv:8: section '2. Participanți': the header has 6 columns"):
        read(write(tmp_path, short, encoding="utf-16"))
    # a duration longer than first join to last leave: not the in-meeting duration
    longer = TEAMS_RO.replace("1 h 50 min", "3 h")
    with pytest.raises(InputError, match=r"export.csv:9:4: .*the duration '3 h' \(column 4\) does not agree"):
        read(write(tmp_path, longer, encoding="utf-16"))
    # a unit word not known: the in-meeting duration cannot be read, so neither can the layout
    unknown_unit = TEAMS_RO.replace("1 h 50 min", "1 oră 50 min")
    with pytest.raises(InputError, match=r"export.csv:9:4: Durata în întâlnire: .*should be the in-meeting duration"):
        read(write(tmp_path, unknown_unit, encoding="utf-16"))
    # e-mail and UPN the other way round would still be addresses; a role where the e-mail should be is not
    shifted = TEAMS_RO.replace("\t30 min\t\tParticipant\n", "\t30 min\tParticipant\t\n")
    with pytest.raises(InputError, match=r"export.csv:16:5: E-mail: 'Participant' is not an e-mail address"):
        read(write(tmp_path, shifted, encoding="utf-16"))
    export, sessions = read(write(tmp_path, shifted, encoding="utf-16"), skip_invalid=True)
    assert len(sessions) == 2 and [e.location.line for e in export.skipped] == [16]


def test_mixed_or_unknown_headers_are_refused_naming_the_line(tmp_path: Path) -> None:
    mixed = ZOOM_EN.replace("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
                            "Nome (nome originale),E-mail,Hora de entrada,Hora de salida,Durata (minuti),Guest")
    with pytest.raises(InputError, match=r"export.csv:4: a Zoom participants export without join") as caught:
        read(write(tmp_path, mixed))  # the Italian name column is recognised, the Spanish times in it are not
    assert "a mix of languages" in (caught.value.hint or "")
    romanian_zoom = ZOOM_EN.replace("Name (Original Name),User Email,Join Time,Leave Time",
                                    "Nume (nume original),E-mail utilizator,Ora intrării,Ora ieșirii")
    with pytest.raises(InputError, match=r"export.csv:1: not a known attendance export") as caught:
        read(write(tmp_path, romanian_zoom))
    assert "language set to English" in (caught.value.hint or "")
    no_second_section = TEAMS_RO.split("\n2. ")[0]  # a numbered summary and nothing else
    with pytest.raises(InputError, match=r"export.csv:1: not a known attendance export"):
        read(write(tmp_path, no_second_section, encoding="utf-16"))
    # an English report is not read by position: its header must name the columns
    english_broken = TEAMS_EN.replace("Name\tJoin Time\tLeave Time", "Nume\tOra de alăturare\tOra de plecare")
    with pytest.raises(InputError, match=r"export.csv:13: .*no column 'name'"):
        read(write(tmp_path, english_broken, encoding="utf-16"))


def test_a_guest_named_by_their_address_is_read_by_position_but_a_name_column_of_addresses_is_not(
        tmp_path: Path) -> None:
    guest = TEAMS_RO.replace("Mara Ștefănescu\t", "mara@example.ro\t")
    export, sessions = read(write(tmp_path, guest, encoding="utf-16"))
    assert export.recognised_by == "position" and {s.name for s in sessions} >= {"mara@example.ro"}
    # the address in the name column and none in the e-mail column: the columns are not the layout's
    swapped = guest.replace("\t1 h 50 min\tmara@example.ro\tmara@example.ro\t", "\t1 h 50 min\t\t\t")
    with pytest.raises(InputError, match=r"export.csv:9:1: .*should be the name"):
        read(write(tmp_path, swapped, encoding="utf-16"))
