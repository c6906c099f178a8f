"""The demo's consultation stage on its own: every file written, the register as the story says."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from pypdf import PdfReader

from cooperare.cli.commands.demo import STAGES
from cooperare.cli.commands.demo_consultation import stage_consultation
from cooperare.cli.context import AppContext
from cooperare.store import Store
from cooperare.store.consultation import ContributionRegister


def test_the_consultation_stage_writes_every_file(tmp_path: Path) -> None:
    with Store.open(tmp_path / "demo.sqlite") as store:
        run = SimpleNamespace(app=AppContext(), out=tmp_path, store=store, summary={})
        stage_consultation(run)  # type: ignore[arg-type]
        rows = {r.source_key: r for r in ContributionRegister(store.engine).all("manual-consultare-1")}
    summary = run.summary["consultation"]
    assert summary["recorded"]["new"] == 9 and summary["recorded"]["duplicates"] == 1
    assert summary["recorded"]["late"] == 1
    assert (summary["recorded_again"]["new"], summary["recorded_again"]["changed"]) == (0, 1)
    assert summary["decisions"] == 6 and summary["recommendations"] == 8
    assert rows["forum-post:104"].duplicate_of == "forum-post:103" and rows["forum-post:104"].answer == "accepted"
    assert rows["feedback-response:202"].revision == 2 and rows["feedback-response:202"].answer == "pending"
    for path in summary["files"].values():
        assert Path(path).is_file() and Path(path).stat().st_size > 0, path
    synthesis = "\n".join(p.extract_text() for p in PdfReader(summary["files"]["synthesis_pdf"]).pages)
    assert "Asociația „Satul Digital” Vâlcea" in synthesis and "Ioana Mărginean" not in synthesis
    assert "Am adăugat explicația în glosarul manualului." in synthesis
    annual = "\n".join(p.extract_text() for p in PdfReader(summary["files"]["annual_pdf"]).pages)
    assert "Numărul total al recomandărilor primite" in annual and "27" in annual
    data = json.loads(Path(summary["files"]["open_data_json"]).read_text(encoding="utf-8"))
    assert len(data["contributions"]) == 9
    assert stage_consultation in [stage for _, stage in STAGES]
