"""The pilot: city halls checked against SIRUTA, and the report built from the sandbox Moodle (activity counts read
through the real client) and the store, written as PDF and XLSX."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cooperare.certificates.fonts import load_fonts
from cooperare.config.events import AttendanceRule
from cooperare.config.pilot import CityHall, PilotConfig
from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.identity import course_idnumber
from cooperare.events.loader import load_events
from cooperare.moodle.client import MoodleClient
from cooperare.pilot.service import pilot_report, write_pilot
from cooperare.sandbox import Sandbox, simulate
from cooperare.store import Store
from cooperare.store.people import People, PersonRecord

HALLS = (CityHall("Dărmănești", "SV"), CityHall("Bârnova", "Iași"), CityHall("Hemeiuș", "BC"),
         CityHall("Dumbrava Rosie", "NT"))
NOW = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)


def test_city_halls_are_checked_against_siruta() -> None:
    assert HALLS[1].county == "IS" and HALLS[3].commune == "Dumbrava Roșie" and HALLS[0].siruta > 0
    with pytest.raises(ValueError, match="not a commune of Suceava"):
        CityHall("Bârnova", "SV")
    with pytest.raises(ValueError, match="unknown county"):
        CityHall("Bârnova", "XX")
    with pytest.raises(ValueError, match="named twice"):
        PilotConfig(city_halls=(HALLS[0], CityHall("Darmanesti", "Suceava")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


def test_report_from_the_sandbox_and_the_store(store: Store, tmp_path: Path) -> None:
    catalogue = load_catalogue()
    box = Sandbox()
    box.site.clock = lambda: NOW.timestamp()
    client = MoodleClient(box.transport())
    _, first = next(iter(catalogue.courses()))
    (course,) = client.courses.create([{"fullname": first.fullname, "shortname": first.shortname, "categoryid": 1,
                                        "idnumber": course_idnumber(catalogue.prefix, first.key)}])
    courseid = int(course["id"])
    saved = client.call("local_cooperare_save_activities", {"activities": [
        {"courseid": courseid, "idnumber": idn, "modname": mod, "section": 0, "name": name, "intro": "",
         "visible": 1, "completion": 1, "completionview": 0, "completionusegrade": 0, "completionpassgrade": 0,
         "spechash": "x", "options": opts}
        for idn, mod, name, opts in (("p1", "page", "Lecția 1", [{"name": "content", "value": "<p>Text</p>"}]),
                                     ("f1", "forum", "Forum", []))]})["activities"]
    page, forum = (int(a["cmid"]) for a in saved)
    users = client.users.create([{"username": f"u{i}", "firstname": "Ion", "lastname": f"Pop{i}",
                                  "email": f"u{i}@x.ro", "password": "Parola-1234!"} for i in range(12)])
    ids = [int(u["id"]) for u in users]
    client.enrol.enrol([(courseid, uid) for uid in ids])
    halls = [("Dărmănești", "SV"), ("Bârnova", "IS"), ("Hemeiuș", "BC"), ("Altă comună", "CJ")]
    People(store.engine).upsert(
        PersonRecord(key=f"K{i}", idnumber=f"coop-{i}", moodle_user_id=uid, firstname="Ion", lastname=f"Pop{i}",
                     email=f"u{i}@x.ro", county=halls[i % 4][1], commune=halls[i % 4][0],
                     organisation=f"Primăria {halls[i % 4][0]}", category="ales", track="t")
        for i, uid in enumerate(ids))
    day = 86400
    now = int(NOW.timestamp())
    for i, uid in enumerate(ids):
        simulate.access_course(box.site, courseid, uid, when=now - (2 if i < 6 else 20) * day)
        if i % 4 == 0:  # Dărmănești: everyone completes the lesson and posts once
            simulate.complete_activity(box.site, page, uid, when=now - 3 * day)
            simulate.forum_post(box.site, forum, uid, "Întrebare", "Text", when=now - 3 * day)
    may_first = int(datetime(2027, 4, 30, 21, 30, tzinfo=UTC).timestamp())  # 00:30 on 1 May in Bucharest (UTC+3)
    simulate.forum_post(box.site, forum, ids[4], "Revenire", "Text", when=may_first)
    box.site.db.commit()
    # Two consultation contributions: one by a Bârnova roster person whose author text names no commune (found by
    # the hash of their e-mail), one by a citizen outside the roster who names no pilot commune (counted nowhere).
    from cooperare.consultation_bridge.register import author_hash
    from cooperare.store.schema import consultation_contributions

    with store.engine.begin() as conn:
        for number, (author, email) in enumerate((("Ion Pop1", "u1@x.ro"), ("Un cetățean", "c@example.ro"))):
            conn.execute(consultation_contributions.insert().values(
                consultation_id="manual-2027", source_key=f"s{number}", part_key="cap-01", category="citizen",
                author=author, publish_name=False, author_hash=author_hash(email, consultation_id="manual-2027"),
                submitted_at=NOW - timedelta(days=5), text="Propunere", content_hash=f"h{number}",
                fold_key=f"f{number}", late=False, revision=1, answer="pending", recorded_at=NOW))
    reader = MoodleClient(box.transport())
    config = PilotConfig(city_halls=HALLS)
    report = pilot_report(reader, store, config=config, catalogue=catalogue, events=load_events(),
                          rule=AttendanceRule(), now=NOW)
    rows = {row[0]: row for row in report.summary.rows}
    # people 0, 4, 8 are in Dărmănești; 0 and 4 accessed 2 days ago, 8 twenty days ago
    assert rows["Dărmănești"][2:9] == (3, 2, 3, 3, 0, 4, 0)
    assert rows["Bârnova"][2:5] == (3, 2, 3) and rows["Dumbrava Roșie"][2] == 0
    assert (rows["Bârnova"][9], rows["Dărmănești"][9], rows["Hemeiuș"][9]) == (1, 0, 0)  # by the e-mail's hash
    assert reader.transport.stats.calls <= 3  # describe once, one page of counts for the one course
    assert len(report.monthly.rows) == 4 * 6 and report.monthly.rows[5][1] == "iunie 2027"
    monthly = {(r[0], r[1]): r[2:6] for r in report.monthly.rows}
    # Dărmănești: 3 people each completed the lesson and posted once in June; at 00:30 on 1 May Bucharest time
    # (30 April in UTC) person 4 posted once more — May, not April
    assert monthly[("Dărmănești", "iunie 2027")] == (3, 3, 0, 3)
    assert monthly[("Dărmănești", "mai 2027")] == (1, 0, 0, 1) and monthly[("Dărmănești", "aprilie 2027")] == (0,) * 4
    assert monthly[("Bârnova", "iunie 2027")] == (0, 0, 0, 0)
    assert sum(r[5] for r in report.monthly.rows if r[0] == "Dărmănești") == rows["Dărmănești"][7]
    write_pilot(report, tmp_path / "pilot.xlsx", fmt="xlsx", fonts=None)
    sheet = load_workbook(tmp_path / "pilot.xlsx")["Primării pilot"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "Comuna")
    assert values[header][:3] == ["Comuna", "Județ", "Persoane înscrise"]
    assert values[header + 1][:3] == ["Dărmănești", "SV", 3]
    write_pilot(report, tmp_path / "pilot.pdf", fmt="pdf", fonts=load_fonts())
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "pilot.pdf").pages)
    assert "Dărmănești" in text and "Hemeiuș" in text


def test_pilot_section_of_cooperare_yaml(tmp_path: Path) -> None:
    from cooperare.config import load_config
    from cooperare.errors import CooperareError

    good = tmp_path / "cooperare.yaml"
    good.write_text("pilot:\n  city_halls:\n    - {commune: Darmanesti, county: SV}\n"
                    "    - {commune: Bârnova, county: Iași}\n  months: 3\n", encoding="utf-8")
    config = load_config(good, environ={}, cwd=tmp_path)
    assert [h.label for h in config.pilot.city_halls] == ["Primăria Dărmănești (SV)", "Primăria Bârnova (IS)"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("pilot:\n  city_halls:\n    - {commune: Bârnova, county: SV}\n", encoding="utf-8")
    with pytest.raises(CooperareError, match="not a commune of Suceava") as error:
        load_config(bad, environ={}, cwd=tmp_path)
    assert "bad.yaml:3" in str(error.value)


def test_store_figures_per_city_hall_and_month() -> None:
    from cooperare.pilot.report import Dated, PilotInputs, build_pilot_report

    people = [PersonRecord(key=f"K{i}", idnumber=f"c{i}", moodle_user_id=None, firstname="A", lastname=f"B{i}",
                           email="", county="SV", commune="Dărmănești" if i < 2 else "Ipotești", organisation="",
                           category="ales", track="t") for i in range(3)]
    inputs = PilotInputs(
        people, {},
        certificates=[Dated("K0", datetime(2027, 5, 3, tzinfo=UTC)), Dated("K2", datetime(2027, 5, 3, tzinfo=UTC))],
        attendance=[Dated("K1", datetime(2027, 2, 16, 8, tzinfo=UTC)), Dated("K0", datetime(2027, 6, 1, tzinfo=UTC))],
        contributions=[("Primăria comunei Dărmănești, jud. Suceava", datetime(2027, 6, 2, tzinfo=UTC)),
                       ("Ion Ipotescu", datetime(2027, 6, 2, tzinfo=UTC))],
        diagnostic={HALLS[0].siruta: {"T0": 41.25, "T1": 55.0}})
    report = build_pilot_report(HALLS[:1], inputs, now=NOW, months=6)
    (row,) = report.summary.rows
    assert row[2] == 2 and row[8:] == (1, 1, 41.25, 55.0, 2)
    monthly = {r[1]: r[2:] for r in report.monthly.rows}
    assert list(monthly) == ["ianuarie 2027", "februarie 2027", "martie 2027", "aprilie 2027", "mai 2027",
                             "iunie 2027"]
    assert monthly["februarie 2027"] == (0, 0, 0, 0, 0, 1, 0) and monthly["mai 2027"] == (0, 0, 0, 0, 1, 0, 0)
    assert monthly["iunie 2027"] == (0, 0, 0, 0, 0, 1, 1)


def test_cli_pilot_report_through_a_served_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from cooperare.cli.main import main

    token = "f" * 32
    box = Sandbox(token=token)
    with box.served() as url:
        monkeypatch.chdir(tmp_path)
        (tmp_path / "cooperare.yaml").write_text(
            f"site: {{url: '{url}'}}\nstore: {{url: 'sqlite:///{tmp_path / 's.sqlite'}'}}\n"
            "pilot:\n  city_halls: [{commune: Dărmănești, county: SV}, {commune: Bârnova, county: IS}]\n",
            encoding="utf-8")
        monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", token)
        monkeypatch.delenv("COOPERARE_MOODLE_URL", raising=False)
        monkeypatch.delenv("COOPERARE_STORE_URL", raising=False)
        assert main(["pilot", "report", "--out", str(tmp_path / "p.xlsx")]) == 0
        assert "Pilot report (2 city halls, 0 people)" in capsys.readouterr().err
        assert main(["pilot", "report", "--out", str(tmp_path / "p.txt")]) == 2


def test_the_target_table_says_which_city_halls_tested_the_platform(tmp_path: Path) -> None:
    """As the project's evaluator reads it: per city hall who worked in the platform and whether it tested it (a
    lesson or a quiz finished in the period), the diagnostic's change, and the total against the target of 4."""
    from cooperare.moodle.records import ActivityCount
    from cooperare.pilot.report import PilotInputs, build_pilot_report

    halls = HALLS[:3]
    people = [PersonRecord(key=f"K{i}", idnumber=f"c{i}", moodle_user_id=100 + i, firstname="A", lastname=f"B{i}",
                           email="", county=halls[i % 3].county, commune=halls[i % 3].commune, organisation="",
                           category="ales", track="t") for i in range(6)]
    counts = {7: [ActivityCount(userid=100, lastaccess=0, completedactivities=2, quizattempts=1, forumposts=0),
                  ActivityCount(userid=103, lastaccess=0, completedactivities=0, quizattempts=1, forumposts=0),
                  ActivityCount(userid=101, lastaccess=0, completedactivities=0, quizattempts=0, forumposts=3)]}
    inputs = PilotInputs(people, counts, diagnostic={halls[0].siruta: {"T0": 40.0, "T1": 52.5},
                                                     halls[1].siruta: {"T0": 30.0, "T1": 35.0},
                                                     halls[2].siruta: {"T0": 50.0}})
    report = build_pilot_report(halls, inputs, now=NOW, months=6)
    rows = {row[0]: row for row in report.target.rows}
    first, second, third = (h.commune for h in halls)
    assert rows[first][2:] == (2, 2, 4, "Da", pytest.approx(12.5))   # K0 and K3: 3 + 1 lessons and tests
    assert rows[second][2:] == (2, 1, 0, "Nu", pytest.approx(5.0))   # K1 only wrote in the forum
    assert rows[third][2:] == (2, 0, 0, "Nu", None)                  # no T1: no change shown
    assert rows["Total"][2:] == (6, 3, 4, "1 din 4 (ținta)", pytest.approx(8.75))
    assert report.tables[0] is report.target
    write_pilot(report, tmp_path / "pilot.pdf", fmt="pdf", fonts=load_fonts())
    first_page = PdfReader(tmp_path / "pilot.pdf").pages[0].extract_text()
    assert "Ținta pilotului" in first_page and "1 din 4 (ținta)" in first_page
    write_pilot(report, tmp_path / "pilot.xlsx", fmt="xlsx", fonts=None)
    assert load_workbook(tmp_path / "pilot.xlsx").sheetnames[0] == "Ținta pilotului"


def test_diagnostic_waves_are_scored_with_their_own_instrument_and_compared_only_on_one(store: Store) -> None:
    """A pilot city hall measured at T0 on instrument 2026.1 and at T1 on 2027.1: each wave shows its own score, the
    change between two different questionnaires is not shown; a commune with both waves on 2027.1 shows it."""
    from cooperare.diagnostic.generate import generate
    from cooperare.diagnostic.instrument import load_shipped
    from cooperare.diagnostic.scoring import score_response
    from cooperare.pilot.report import PilotInputs, build_pilot_report
    from cooperare.pilot.service import _diagnostic
    from cooperare.store.diagnostic import DiagnosticResponses

    old, new = load_shipped("2026.1"), load_shipped("2027.1")
    mixed, same = HALLS[0].siruta, HALLS[2].siruta
    t0_old = next(r for r in generate(old, count=1, seed=3, pilots=[mixed], duplicates=0).responses)
    later = generate(new, count=2, seed=4, followup=2, pilots=[mixed, same], duplicates=0).responses
    DiagnosticResponses(store.engine).add([t0_old, *[r for r in later if not (r.siruta == mixed and r.wave == "T0")]])
    scores = _diagnostic(store)
    t1_new = next(r for r in later if r.siruta == mixed and r.wave == "T1")
    assert scores[mixed]["T0"] == pytest.approx(score_response(old, t0_old).overall)
    assert scores[mixed]["T1"] == pytest.approx(score_response(new, t1_new).overall)
    assert "comparable" in scores[mixed] and "comparable" not in scores[same]
    report = build_pilot_report([HALLS[0], HALLS[2]], PilotInputs([], {}, diagnostic=scores), now=NOW, months=6)
    rows = {row[0]: row for row in report.target.rows}
    assert rows[HALLS[0].commune][-1] is None
    assert rows[HALLS[2].commune][-1] == pytest.approx(scores[same]["T1"] - scores[same]["T0"])
