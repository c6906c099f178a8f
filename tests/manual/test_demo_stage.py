"""The demo's manual stage writes the three formats under DIR/manual/ and records them in the summary."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from cooperare.cli.commands.demo import STAGES
from cooperare.cli.commands.demo_manual import stage_manual


def test_manual_stage_builds_into_the_demo_folder(tmp_path: Path) -> None:
    said: list[str] = []
    run = SimpleNamespace(out=tmp_path, app=SimpleNamespace(say=lambda text, **_: said.append(text)), summary={})
    stage_manual(run)  # type: ignore[arg-type]
    files = run.summary["manual"]["files"]
    assert set(files) == {"pdf", "epub", "html"}
    assert all(Path(p).is_relative_to(tmp_path / "manual") and Path(p).exists() for p in files.values())
    assert run.summary["manual"]["annex_recommendations"] == 4
    assert stage_manual in [stage for _, stage in STAGES]
