"""The demo's pilot report, as a funder reads it: the demo's stages that feed it (courses, roster, the trainees'
learning, diagnostic, consultation, pilot) on a fresh sandbox, then ``cooperare --config DIR/cooperare.yaml pilot
report`` on that sandbox served. Every pilot city hall has people who opened their course recently and wrote in the
forum, a diagnostic T0 and T1 (the same town hall a year on), figures that agree between the tables, Romanian with
comma-below diacritics and no date after the day of the run; people of at least two of them contributed to the
consultations on the manual.

:func:`check_pilot_report` is shared with the end-to-end demo test (tests/cli/test_demo.py).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader

from cooperare.cli.commands.demo import STAGES, DemoRun
from cooperare.cli.commands.demo_certificates import _simulate
from cooperare.cli.commands.demo_consultation import stage_consultation
from cooperare.cli.commands.demo_courses import stage_courses
from cooperare.cli.commands.demo_diagnostic import stage_diagnostic
from cooperare.cli.commands.demo_pilot import PILOT_HALLS, pilot_halls, stage_pilot, training_months
from cooperare.cli.context import AppContext
from cooperare.config import load_config
from cooperare.consultation_bridge.register import author_hash
from cooperare.diagnostic.generate import T0_DAYS_BEFORE
from cooperare.moodle.client import MoodleClient
from cooperare.pilot.report import MONTHS_RO, TZ, belongs
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.consultation import ContributionRegister
from cooperare.store.diagnostic import DiagnosticResponses
from cooperare.store.people import People
from cooperare.sync.demo import run_roster_demo

CONSULTATIONS = ("manual-consultare-1", "manual-consultare-2")
CEDILLAS = "şţŞŢ"
"""ş ţ with a cedilla (U+015F, U+0163 and capitals): wrong in Romanian, where ș ț take a comma below."""


def _sheet(path: Path, title: str) -> list[tuple[Any, ...]]:
    rows = [tuple(row) for row in load_workbook(path)[title].iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[0] == "Comuna")
    return rows[header + 1:]


def check_pilot_report(pdf: Path, xlsx: Path, *, today: date, halls: int = PILOT_HALLS) -> dict[str, tuple[Any, ...]]:
    """What a funder checks in the pilot report; returns the situation table's rows by commune."""
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert not set(text) & set(CEDILLAS), "cedilla ş/ţ instead of comma-below ș/ț"
    for word in ("Ținta pilotului", "Primăriile pilot – situația la", "Județ", "Mesaje pe forum", "Participări"):
        assert word in text
    latest = datetime.combine(today, time(23, 59), tzinfo=UTC).astimezone(TZ).date()  # "ora României"
    for day, month, year in re.findall(r"\b(\d{2})\.(\d{2})\.(\d{4})\b", text):
        assert date(int(year), int(month), int(day)) <= latest, f"{day}.{month}.{year} is after {today}"
    assert f"situația la {today:%d.%m.%Y}" in text
    for name, year in re.findall(rf"\b({'|'.join(MONTHS_RO)}) (\d{{4}})\b", text):
        assert date(int(year), MONTHS_RO.index(name) + 1, 1) <= latest

    summary = _sheet(xlsx, "Primării pilot")
    target = _sheet(xlsx, "Ținta pilotului")
    monthly = _sheet(xlsx, "Pe luni")
    assert not set(str([summary, target, monthly])) & set(CEDILLAS)
    assert len(summary) == halls and len(target) == halls + 1 and len(monthly) % halls == 0
    rows = {row[0]: row for row in summary}
    for commune, (_c, _county, people, week, month, done, quizzes, posts, _cert, contributed, t0, t1, _events) in (
            rows.items()):
        assert commune in text
        assert people > 0 and 0 < week <= month <= people, f"{commune}: active 7/30 days {week}/{month} of {people}"
        assert done > 0 and quizzes > 0, commune
        assert t0 is not None and t1 is not None, f"{commune}: diagnostic T0 {t0}, T1 {t1}"
        assert -10 < t1 - t0 < 30, f"{commune}: T0 {t0:.1f} → T1 {t1:.1f} is not the same town hall a year on"
        months = [r for r in monthly if r[0] == commune]
        assert len(months) == len(monthly) // halls
        assert all(0 <= r[2] <= people for r in months)
        # the period covers the demo's activity: the months add up to the situation's figures
        assert sum(r[3] for r in months) == done and sum(r[4] for r in months) == quizzes
        assert sum(r[5] for r in months) == posts
        assert sum(r[8] for r in months) == contributed, f"{commune}: monthly contributions ≠ {contributed}"
        (mine,) = [r for r in target if r[0] == commune]
        assert mine[2] == people and mine[4] == done + quizzes and mine[5] == "Da"
        assert mine[6] == pytest.approx(t1 - t0)
    assert sum(row[7] for row in summary) > 0, "nobody wrote in the forums"
    # people of the pilot city halls took part in the consultations on the manual (attributed through the register's
    # salted hash of their e-mail address)
    contributing = [row[0] for row in summary if row[9] > 0]
    assert len(contributing) >= 2, f"consultation contributions only from {contributing}"
    assert sum(row[3] for row in summary) < sum(row[2] for row in summary), "everyone active in the last 7 days"
    changes = [row[11] - row[10] for row in summary]
    assert sum(change > 0 for change in changes) > len(changes) / 2, f"T1 − T0 {changes}: mostly improvements"
    total = target[-1]
    assert total[0] == "Total" and total[2] == sum(row[2] for row in summary)
    assert total[5] == f"{halls} din 4 (ținta)" and total[6] == pytest.approx(sum(changes) / len(changes))
    return rows


def test_the_demo_pilot_report_works_from_the_demo_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from cooperare.cli.main import main

    assert stage_pilot in [stage for _title, stage in STAGES]
    token = "d" * 32
    box = Sandbox(token=token)
    app = AppContext()
    client = MoodleClient(app.adopt(box.transport()))
    with Store.open(tmp_path / "cooperare.sqlite") as store:
        run = DemoRun(app, tmp_path, client, store, store.runs.start("demo"), box)
        stage_courses(run)
        run_roster_demo(run)
        trainees = [p for p in People(store.engine).all(status="active") if p.moodle_user_id is not None]
        # the certificates stage's learning, without issuing the certificates
        _simulate(box.site, catalogue=run.catalogue, roster=trainees, rng=random.Random(1), now=run.now)
        stage_diagnostic(run)
        stage_consultation(run)  # the consultation space, which the pilot city halls' people contribute to
        consultation = {r.source_key for r in ContributionRegister(store.engine).all(CONSULTATIONS)}
        stage_pilot(run)
        halls = pilot_halls(store)
        responses = DiagnosticResponses(store.engine).all()
        contributions = [r for r in ContributionRegister(store.engine).all(CONSULTATIONS)
                         if r.source_key not in consultation]
        staff = {author_hash(p.email, consultation_id=c.consultation_id): p for c in contributions
                 for p in People(store.engine).all() if any(belongs(p, hall) for hall in halls)}
        with store.engine.connect() as conn:
            stored = [str(v) for t in ("consultation_contributions", "consultation_debate_requests")
                      for row in conn.exec_driver_sql(f"SELECT * FROM {t}") for v in row]
    today = run.now.date()

    # the pilot city halls are the communes measured again, T0 about a year ago and T1 in the last weeks
    sirutas = sorted(h.siruta for h in halls)
    assert len(halls) == PILOT_HALLS and run.summary["diagnostic"]["t1"] == sirutas
    assert max(r.submitted_at for r in responses) <= run.now
    for siruta in sirutas:
        waves = {r.wave: r.submitted_at for r in responses if r.siruta == siruta}
        assert set(waves) == {"T0", "T1"}
        assert run.now - timedelta(days=T0_DAYS_BEFORE + 1) < waves["T0"] < run.now - timedelta(days=330)
        assert run.now - timedelta(days=30) < waves["T1"] <= run.now
    assert run.summary["pilot"]["visits"] > 0 and run.summary["pilot"]["posts"] > 0
    # their contributions: posted in Moodle by their own accounts as authority staff, read by collect, within each
    # consultation's window (not late), never after the run, in Romanian with comma-below ș ț; the register keeps
    # the salted hash of the author's e-mail, never an address
    sent = run.summary["pilot"]["contributions"]
    assert sent["posted"] == sent["recorded"] == len(contributions) >= 4 and sent["people"] >= 3
    assert {c.consultation_id for c in contributions} == set(CONSULTATIONS)
    for item in contributions:
        assert item.source_key.startswith("forum-post:") and item.category == "authority" and not item.late
        when = item.submitted_at if item.submitted_at.tzinfo else item.submitted_at.replace(tzinfo=UTC)
        assert item.duplicate_of is None and when <= run.now
        person = staff[item.author_hash or ""]
        assert item.author == f"{person.firstname} {person.lastname}"
        assert not set(item.text) & set(CEDILLAS) and re.search("[ăâîșț]", item.text)
    assert not [v for v in stored if "@" in v], "an e-mail address in the consultation register"
    first_page = PdfReader(tmp_path / "diagnostic" / "fise-pilot.pdf").pages[0].extract_text()
    shown = re.search(r"răspuns din (\d{2})\.(\d{2})\.(\d{4}) \(T1\)", first_page)
    assert shown is not None and date(*map(int, shown.groups()[::-1])) <= today

    demo = check_pilot_report(tmp_path / "pilot" / "raport-pilot.pdf", tmp_path / "pilot" / "raport-pilot.xlsx",
                              today=today)
    assert set(demo) == {h.commune for h in halls}

    # DIR/cooperare.yaml names them as docs/pilot.md shows, and `cooperare pilot report` works there once the
    # sandbox is served at site.url
    config_file = tmp_path / "cooperare.yaml"
    data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    months = training_months(run)  # from the (moved) first course's month to the run's
    first = min(run.catalogue.course_settings(t.course).start for t in run.catalogue.tracks)
    assert months == min(36, (today.year - first.year) * 12 + today.month - first.month + 1) and months > 6
    assert data["pilot"] == {"city_halls": [{"commune": h.commune, "county": h.county} for h in halls],
                             "months": months}
    assert load_config(config_file, environ={}).pilot.city_halls == tuple(halls)
    with box.served() as url:
        data["site"]["url"] = url
        config_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", token)
        monkeypatch.chdir(tmp_path.parent)
        capsys.readouterr()
        pdf, xlsx = tmp_path / "cli.pdf", tmp_path / "cli.xlsx"
        assert main(["--config", str(config_file), "pilot", "report", "--format", "pdf", "--out", str(pdf)]) == 0
        assert main(["--config", str(config_file), "pilot", "report", "--out", str(xlsx)]) == 0
    said = capsys.readouterr().err
    people = sum(row[2] for row in demo.values())
    assert f"Pilot report ({PILOT_HALLS} city halls, {people} people)" in said
    assert check_pilot_report(pdf, xlsx, today=datetime.now(run.now.tzinfo).date()) == demo
