"""The demo's events stage: plan saved, a Teams report from the roster imported once, reports under DIR/events."""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader

from cooperare.cli.commands.demo import STAGES, DemoRun
from cooperare.cli.commands.demo_events import stage_events
from cooperare.cli.commands.demo_pilot import stage_pilot
from cooperare.cli.context import AppContext
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.events import EventAttendance
from cooperare.store.people import People, PersonRecord

NAMES = [("Ștefan", "Țăranu"), ("Ioana", "Bălănescu"), ("Mihai", "Știrbu"), ("Ana-Maria", "Pîrvu"), ("Radu", "Ene")]


def test_stage_imports_a_teams_report_and_writes_reports(tmp_path: Path) -> None:
    assert stage_events in [stage for _title, stage in STAGES]
    with Store.open(tmp_path / "cooperare.sqlite") as store:
        People(store.engine).upsert(
            PersonRecord(key=f"K{i}", idnumber=f"coop-{i}", moodle_user_id=i, firstname=NAMES[i % 5][0],
                         lastname=f"{NAMES[i % 5][1]}{'ă' * (i // 5)}", email=f"p{i}@comuna.ro", county="SV",
                         commune="Dărmănești", organisation="Primăria Dărmănești", category="ales", track="t")
            for i in range(40))
        box = Sandbox()
        run = DemoRun(AppContext(), tmp_path, MoodleClient(box.transport()), store, store.runs.start("demo"), box)
        stage_events(run)
        stage_pilot(run)
        present = EventAttendance(store.engine).attendance("diseminare-3")
    out = tmp_path / "events"
    assert {p.name for p in out.iterdir()} == {"evenimente.yaml", "plan-evenimente.json",
                                               "prezenta-diseminare-3-teams.csv", "raport-evenimente.pdf",
                                               "raport-evenimente.xlsx"}
    imported = next(e for e in run.events if e.id == "diseminare-3")
    assert imported.ends_at <= run.now  # the demo imports attendance only for an event that has taken place
    summary = run.summary["events"]
    assert summary["events"] == 8 and summary["reimport_recorded"] is False
    assert sum(summary["applied"].values()) == summary["plan"]["create"] and summary["replan_changes"] == 0
    assert len([e for e in box.site.db["event"].rows.values() if e["eventtype"] == "site"]) == 8
    assert summary["plan"] == {"create": len(json.loads((out / "plan-evenimente.json").read_text())["changes"])}
    assert (out / "prezenta-diseminare-3-teams.csv").read_bytes().startswith(b"\xff\xfe")  # UTF-16 as Teams writes
    roster = [a for a in present if a.kind == "roster"]
    assert len(roster) >= 25 and summary["imported"] == len(present)
    text = "".join(page.extract_text() for page in PdfReader(out / "raport-evenimente.pdf").pages)
    assert "Ștefan Țăranu" in text and "Semnătura" in text
    assert stage_pilot in [stage for _title, stage in STAGES]
    assert run.summary["pilot"]["city_halls"] == ["Primăria Dărmănești (SV)"] and run.summary["pilot"]["people"] == 40
    assert (tmp_path / "pilot" / "raport-pilot.pdf").read_bytes().startswith(b"%PDF")
