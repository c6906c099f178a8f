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
