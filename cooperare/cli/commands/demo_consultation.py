"""The demo's consultation stage: the consultation space applied on the sandbox (the manual's PDF, built by the manual
stage, added to the first consultation's drafts as a file to download), contributions posted by simulated
participants and collected, answered and published back; synthesis, answer sheet, art. 13 report and open data
written into DIR/consultations/ (offline from plain records when the run has no sandbox)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.consultation_bridge.demo import run_consultation_demo

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun


def stage_consultation(run: DemoRun) -> None:
    box = getattr(run, "sandbox", None)
    moodle = (box, run.client) if box is not None else None
    manual_pdf = run.summary.get("manual", {}).get("files", {}).get("pdf")  # the manual stage's PDF, a file draft
    summary = run_consultation_demo(run.store, run.out / "consultations", fonts=load_fonts(),
                                    now=datetime.now(UTC), moodle=moodle,
                                    drafts=(Path(manual_pdf),) if manual_pdf and moodle else ())
    first, again = summary["recorded"], summary["recorded_again"]
    run.app.say(f"{summary['consultation']}: {first['new']} contributions recorded ({first['duplicates']} duplicate "
                f"folded, {first['late']} late); recorded again: {again['new']} new, {again['changed']} changed; "
                f"{summary['decisions']} answers applied")
    if "moodle" in summary:
        side = summary["moodle"]
        run.app.say(f"Moodle: {side['plan']}; answers published: {side['published']} (again: "
                    f"{side['published_again']}); results page {side['results_page']}")
        first, again = side["first_apply"], side["apply_again"]
        for draft in side["files"]:
            run.app.say(f"  draft to download: {draft['file']} ({draft['bytes']} bytes) {draft['address']}")
        run.app.say(f"  space applied in {first['calls']} web-service calls ({first['uploads']} uploaded); "
                    f"planned and applied again: {again['changes']} changes, {again['calls']} calls, "
                    f"{again['uploads']} uploads")
    for path in summary["files"].values():
        run.app.say(f"  {path}")
    run.summary["consultation"] = summary
