"""The demo's consultation stage: the consultation space applied on the sandbox, contributions posted by simulated
participants and collected, answered and published back; synthesis, answer sheet, art. 13 report and open data
written into DIR/consultations/ (offline from plain records when the run has no sandbox)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.consultation_bridge.demo import run_consultation_demo

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun


def stage_consultation(run: DemoRun) -> None:
    box = getattr(run, "sandbox", None)
    moodle = (box, run.client) if box is not None else None
    summary = run_consultation_demo(run.store, run.out / "consultations", fonts=load_fonts(),
                                    now=datetime.now(UTC), moodle=moodle)
    first, again = summary["recorded"], summary["recorded_again"]
    run.app.say(f"{summary['consultation']}: {first['new']} contributions recorded ({first['duplicates']} duplicate "
                f"folded, {first['late']} late); recorded again: {again['new']} new, {again['changed']} changed; "
                f"{summary['decisions']} answers applied")
    if "moodle" in summary:
        side = summary["moodle"]
        run.app.say(f"Moodle: {side['plan']}; answers published: {side['published']} (again: "
                    f"{side['published_again']}); results page {side['results_page']}")
    for path in summary["files"].values():
        run.app.say(f"  {path}")
    run.summary["consultation"] = summary
