"""Every recorded scenario, replayed against a fresh sandbox, gives the recorded answers (variable fields excepted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperare.sandbox.conformance import replay

CONTRACT = Path(__file__).resolve().parents[1] / "contract"
SCENARIOS = sorted(
    (version, path.stem)
    for version in ("4.5", "5.0")
    for path in (CONTRACT / version).glob("*.json")
    if path.stem != "timing"
)


@pytest.mark.parametrize(("version", "name"), SCENARIOS, ids=[f"{v}-{n}" for v, n in SCENARIOS])
def test_scenario_replays_identically(version: str, name: str) -> None:
    result = replay(CONTRACT / version / f"{name}.json", version=version)
    report = "\n".join(f"step {s.index} ({s.note}): " + "; ".join(s.differences) for s in result.steps if not s.ok)
    assert result.steps, "scenario has no request steps"
    assert result.ok, f"{result.matched}/{len(result.steps)} steps match\n{report}"
