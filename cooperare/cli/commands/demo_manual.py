"""The demo's manual stage: build the manual (PDF, EPUB, HTML) with the example consultation annex into DIR/manual/.

Publishing the book to the sandbox waits for the book-chapter plugin function (not built yet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cooperare.manual.annex import load_recommendations
from cooperare.manual.build import build_manual
from cooperare.manual.content import shipped_content

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun


def stage_manual(run: DemoRun) -> None:
    recommendations = load_recommendations(shipped_content() / "exemplu-recomandari.yaml")
    result = build_manual(run.out / "manual", recommendations=recommendations)
    for kind, path in result.files.items():
        run.app.say(f"{kind}: {path}")
    run.summary["manual"] = {"version": result.version, "files": {k: str(v) for k, v in result.files.items()},
                             "annex_recommendations": len(recommendations)}
