"""The demo's consultation-register stage on the shipped manual consultation, and outline_of on the real model."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from cooperare.cli.commands.demo import STAGES
from cooperare.cli.commands.demo_consultation_records import DEMO_CONSULTATION, stage_consultation_records
from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.outline import outline_of
from cooperare.store import Store


def test_outline_of_the_shipped_consultation() -> None:
    consultation = load_consultations().get(DEMO_CONSULTATION)
    outline = outline_of(consultation)
    assert [p.key for p in outline.parts] == [p.key for p in consultation.structure]
    assert outline.recommendations_until == consultation.calendar.recommendations_until
    assert outline.authority == consultation.authority.name and outline.id == DEMO_CONSULTATION


def test_stage_records_answers_and_writes_every_file(tmp_path: Path) -> None:
    said: list[str] = []
    with Store.open(tmp_path / "store.sqlite") as store:
        run = SimpleNamespace(out=tmp_path, store=store, summary={},
                              app=SimpleNamespace(say=lambda text, **_: said.append(text)))
        stage_consultation_records(run)  # type: ignore[arg-type]
        summary = run.summary["consultation_records"]
        assert (summary["new"], summary["duplicates"], summary["late"]) == (10, 1, 1)
        assert (summary["answered"], summary["pending"]) == (9, 0)
        for path in summary["files"].values():
            assert Path(path).is_relative_to(tmp_path / "consultations") and Path(path).stat().st_size > 0
        exported = json.loads(Path(summary["files"]["open_data_json"]).read_text(encoding="utf-8"))
        assert "Elena Munteanu" not in json.dumps(exported, ensure_ascii=False)
        stage_consultation_records(run)  # a second demo run on the same store records nothing new
        assert run.summary["consultation_records"]["unchanged"] == 10
    assert stage_consultation_records in [stage for _, stage in STAGES]
