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


def test_the_consultation_stage_runs_through_the_sandbox_moodle(tmp_path: Path) -> None:
    from cooperare.consultation_bridge.exchange import MARKER
    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox

    box = Sandbox()
    manual_pdf = tmp_path / "manual-digitalizare-v1.0.pdf"  # as the manual stage leaves it
    manual_pdf.write_bytes(b"%PDF-1.7\n% manualul\n")
    with Store.open(tmp_path / "demo.sqlite") as store:
        run = SimpleNamespace(app=AppContext(), out=tmp_path, store=store, sandbox=box,
                              summary={"manual": {"files": {"pdf": str(manual_pdf)}}},
                              client=MoodleClient(box.transport()))
        stage_consultation(run)  # type: ignore[arg-type]
        rows = {r.source_key: r for r in ContributionRegister(store.engine).all("manual-consultare-1")}
        (request,) = ContributionRegister(store.engine).debate_requests("manual-consultare-1")
    assert request.source_key.startswith("feedback-response:") and request.requester_kind == "ngo"
    assert request.requester == "Asociația „Satul Digital” Vâlcea"  # sent through the debate-request form
    summary = run.summary["consultation"]
    keys = summary["sources"]
    assert all(key.startswith("forum-post:") for key in rows) and len(rows) == 9
    assert summary["recorded"]["new"] == 9 and summary["recorded"]["duplicates"] == 1
    assert summary["recorded"]["late"] == 1
    assert (summary["recorded_again"]["new"], summary["recorded_again"]["changed"]) == (0, 1)
    assert rows[keys["forum-post:104"]].duplicate_of == keys["forum-post:103"]
    assert rows[keys["forum-post:101"]].category == "ngo" and rows[keys["forum-post:102"]].category == "authority"
    assert rows[keys["feedback-response:202"]].revision == 2
    # answers read back from the filled answer sheet
    assert rows[keys["forum-post:103"]].answer == "accepted" and "glosar" in (rows[keys["forum-post:103"]].reason or "")
    assert rows[keys["forum-post:105"]].answer == "partly" and rows[keys["forum-post:105"]].template == "PAR"
    moodle = summary["moodle"]
    (draft,) = moodle["files"]  # the manual's PDF, a draft to download in the consultation's section
    assert draft["file"] == manual_pdf.name and draft["address"].endswith(":manual-consultare-1:file-12]")
    assert moodle["first_apply"]["uploads"] == moodle["first_apply"]["files"] == 1
    assert moodle["apply_again"] == {"changes": 0, "uploads": 0, "calls": moodle["apply_again"]["calls"]}
    stored = [r for r in box.site.db["files"] if r["component"] == "mod_resource" and r["filename"] == manual_pdf.name]
    assert len(stored) == 1 and stored[0]["content"] == manual_pdf.read_bytes()
    assert moodle["published"] == summary["decisions"] == 6  # one reply each; the folded duplicate gets none
    assert moodle["published_again"] == 0 and moodle["results_page"] == "created"
    replies = [p for p in box.site.db["forum_posts"] if MARKER in str(p["message"])]
    assert len(replies) == moodle["published"]
    assert "<script>" not in " ".join(str(p["message"]) for p in replies)
    for path in summary["files"].values():
        assert Path(path).is_file() and Path(path).stat().st_size > 0, path
