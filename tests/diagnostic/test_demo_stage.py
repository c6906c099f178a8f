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
