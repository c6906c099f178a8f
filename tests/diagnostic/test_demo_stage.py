"""The demo's diagnostic stage writes the study, the scorecards, the open data and the form under DIR/diagnostic."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from cooperare.cli.commands.demo import STAGES, DemoRun
from cooperare.cli.commands.demo_diagnostic import DEMO_COMMUNES, PILOTS, stage_diagnostic
from cooperare.cli.context import AppContext
from cooperare.store import Store


def test_stage_writes_the_study_under_diagnostic(tmp_path: Path) -> None:
    assert stage_diagnostic in [stage for _title, stage in STAGES]
    with Store.open(tmp_path / "cooperare.sqlite") as store:
        run = DemoRun(AppContext(), tmp_path, None, store, store.runs.start("demo"), None)  # type: ignore[arg-type]
        stage_diagnostic(run)
    out = tmp_path / "diagnostic"
    assert {p.name for p in out.iterdir()} == {"studiu-national.pdf", "studiu-national.xlsx", "fise-comune.pdf",
                                               "fise-pilot.pdf", "date-deschise", "formular-diagnostic.xlsx"}
    summary = run.summary["diagnostic"]
    assert summary["communes"] == DEMO_COMMUNES and summary["pilots"] == PILOTS
    assert len(PdfReader(out / "fise-comune.pdf").pages) == DEMO_COMMUNES
    assert "Progres față de T0" in PdfReader(out / "fise-pilot.pdf").pages[0].extract_text()


def test_stage_collects_town_halls_answering_in_the_sandbox(tmp_path: Path) -> None:
    from cooperare.cli.commands.demo_diagnostic import _through_moodle
    from cooperare.diagnostic.instrument import load_shipped
    from cooperare.diagnostic.moodle import Questionnaire
    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox
    from tests.diagnostic.test_moodle_collection import _people

    box = Sandbox()
    client = MoodleClient(box.transport())
    with Store.open(tmp_path / "cooperare.sqlite") as store:
        _people(client, store)
        run = DemoRun(AppContext(), tmp_path, client, store, store.runs.start("demo"), box)
        summary = _through_moodle(run, Questionnaire("coop", load_shipped()))
    assert summary == {"enrolled": 3, "answered": 3, "stored": 3, "stored_again": 0, "superseded": 1,
                       "ws_calls": summary["ws_calls"]}
    assert summary["ws_calls"] <= 5


def test_communes_measured_again_keep_the_t0_their_progress_is_measured_from(tmp_path: Path) -> None:
    """In the demo, a commune with a T1 does not also answer T0 in the sandbox Moodle (a random later T0 answer
    would replace its generated one): each pilot's change T1 − T0 is the same town hall a year on."""
    from datetime import UTC, datetime

    from cooperare.diagnostic.instrument import load_shipped
    from cooperare.diagnostic.study import build_study
    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox
    from cooperare.store.diagnostic import DiagnosticResponses
    from cooperare.territory import communes
    from tests.diagnostic.test_moodle_collection import _people

    box = Sandbox()
    client = MoodleClient(box.transport())
    from cooperare.cli.commands.demo_diagnostic import DEMO_COMMUNES, PILOTS
    from cooperare.diagnostic.generate import generate
    from cooperare.store.people import People, PersonRecord

    pilot = next(r.siruta for r in generate(load_shipped(), count=DEMO_COMMUNES, seed=2026, followup=PILOTS).responses
                 if r.wave == "T1")
    commune = next(c for c in communes() if c.siruta == pilot)
    with Store.open(tmp_path / "cooperare.sqlite") as store:
        _people(client, store)
        # the pilot commune's town hall is on the roster too, with the most people: the first to answer in Moodle
        made = client.users.create([{"username": f"pilot{i}", "password": "Parola#2026", "firstname": "Maria",
                                     "lastname": f"Pilot{i}", "email": f"pilot{i}@example.ro"} for i in range(3)])
        People(store.engine).upsert(
            PersonRecord(f"pilot{i}", f"coop:person:pilot{i}", int(u["id"]), "Maria", f"Pilot{i}",
                         f"pilot{i}@example.ro", commune.county_code, f"Comuna {commune.name}", "Primăria",
                         "adm-conducere", "adm-alfabetizare") for i, u in enumerate(made))
        run = DemoRun(AppContext(), tmp_path, client, store, store.runs.start("demo"), box)
        stage_diagnostic(run)
        responses = DiagnosticResponses(store.engine).all()
    again = {r.siruta for r in responses if r.wave == "T1"}
    moodle = {r.siruta for r in responses if r.source.startswith("moodle:")}
    assert again and moodle and not again & moodle
    study = build_study(load_shipped(), responses, communes(), generated_at=datetime(2026, 12, 4, tzinfo=UTC))
    changes = [r.followup.overall - r.scored.overall for r in study.results
               if r.followup is not None and r.followup.overall is not None and r.scored.overall is not None]
    assert changes and min(changes) > -10


def test_generated_pilots_answer_twice_and_nothing_is_dated_after_today() -> None:
    """The demo passes its pilot city halls and its day: they are among the communes and answer T1 too, the T0
    answers come about a year before and each T1 in the weeks before the day — never after it (a scorecard
    answered "in the future" of its report is not believable)."""
    from datetime import UTC, datetime, timedelta

    import pytest

    from cooperare.diagnostic.generate import T0_DAYS_BEFORE, generate
    from cooperare.diagnostic.instrument import load_shipped
    from cooperare.territory import communes

    every = list(communes())
    pilots = [every[10].siruta, every[1500].siruta, every[2800].siruta]
    today = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)
    made = generate(load_shipped(), count=50, seed=2026, pilots=pilots, today=today)
    assert len(made.communes) == 50 and set(pilots) <= {c.siruta for c in made.communes}
    assert sorted({r.siruta for r in made.responses if r.wave == "T1"}) == sorted(pilots)
    assert max(r.submitted_at for r in made.responses) <= today
    for response in made.responses:
        if response.wave == "T0":
            assert today - timedelta(days=T0_DAYS_BEFORE) <= response.submitted_at <= today - timedelta(days=330)
        else:
            assert today - timedelta(days=28) <= response.submitted_at <= today - timedelta(days=2)
    both = generate(load_shipped(), count=50, seed=2026, followup=2, pilots=pilots[:1], today=today)
    assert len({r.siruta for r in both.responses if r.wave == "T1"}) == 3
    # without a day, as before: T0 from March 2026, T1 300 days later; the same seed, the same answers
    plain = generate(load_shipped(), count=50, seed=2026, followup=2)
    assert plain == generate(load_shipped(), count=50, seed=2026, followup=2)
    assert min(r.submitted_at for r in plain.responses) >= datetime(2026, 3, 2, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="SIRUTA"):
        generate(load_shipped(), count=5, seed=1, pilots=[1])
