"""The demo's consultation stage: contributions recorded and answered; synthesis, answer sheet, art. 13 report and
open data written into DIR/consultations/ (offline for now: provisioning and collecting from the sandbox come with
``consultation plan|apply|collect``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.consultation_bridge.demo import run_consultation_demo

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun


def stage_consultation(run: DemoRun) -> None:
    summary = run_consultation_demo(run.store, run.out / "consultations", fonts=load_fonts(),
                                    now=datetime.now(UTC))
    first, again = summary["recorded"], summary["recorded_again"]
    run.app.say(f"{summary['consultation']}: {first['new']} contributions recorded ({first['duplicates']} duplicate "
                f"folded, {first['late']} late); recorded again: {again['new']} new, {again['changed']} changed; "
                f"{summary['decisions']} answers applied")
    for path in summary["files"].values():
        run.app.say(f"  {path}")
    run.summary["consultation"] = summary
