"""Every recorded scenario, replayed against a fresh sandbox, gives the recorded answers (variable fields excepted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooperare.sandbox import Sandbox
from cooperare.sandbox.conformance import RECORDED_MAX_INPUT_VARS, ServedSandbox, _recorded_url, replay

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


@pytest.mark.parametrize("version", ["4.5", "5.0"])
def test_scenarios_in_sequence_on_one_server(version: str) -> None:
    """All scenarios one after another on one ``sandbox serve --control``, reset between them over HTTP: a reset
    brings back the baseline settings (errors_debuginfo turns debugging on through /_sandbox/config)."""
    paths = [CONTRACT / version / f"{name}.json" for v, name in SCENARIOS if v == version]
    recorded_urls = {_recorded_url(json.loads(path.read_text(encoding="utf-8"))) for path in paths}
    assert len(recorded_urls) == 1, recorded_urls
    sandbox = Sandbox(version=version, plugin=False, wwwroot=recorded_urls.pop(),
                      max_input_vars=RECORDED_MAX_INPUT_VARS)
    with sandbox.served(control=True, own_wwwroot=False) as url:
        served = ServedSandbox(url, sandbox.token.reveal())
        # Twice round, so that every scenario also runs after every setting change of the others.
        results = [replay(path, version=version, served=served) for path in paths + paths]
    steps = [step for result in results for step in result.steps]
    failed = [f"{result.name} step {s.index}: {'; '.join(s.differences)}" for result in results
              for s in result.steps if not s.ok]
    assert len(steps) > 2 * len(paths)
    assert not failed, f"{len(steps) - len(failed)}/{len(steps)} steps match\n" + "\n".join(failed[:20])
    assert sandbox.site.settings.config["debug"] == 0


PLUGIN_SCENARIOS = sorted(
    (version, path.stem)
    for version in ("4.5", "5.0")
    for path in (CONTRACT / version / "plugin").glob("*.json")
)


# Functions not yet recorded on a real Moodle (tested by PHPUnit there and by the sandbox tests).
NOT_YET_RECORDED: set[str] = set()


@pytest.mark.parametrize(("version", "name"), PLUGIN_SCENARIOS, ids=[f"{v}-{n}" for v, n in PLUGIN_SCENARIOS])
def test_plugin_scenario_replays_identically(version: str, name: str) -> None:
    """local_cooperare as recorded on a real Moodle with the plugin (tools/record_plugin_contract.py)."""
    path = CONTRACT / version / "plugin" / f"{name}.json"
    sandbox = Sandbox(version=version, plugin=True, wwwroot=_recorded_url(json.loads(path.read_text("utf-8"))),
                      max_input_vars=RECORDED_MAX_INPUT_VARS)
    sandbox.site.settings.config["timezone"] = "Europe/Bucharest"  # moodle-lab installs its sites so
    result = replay(path, version=version, sandbox=sandbox)
    report = "\n".join(f"step {s.index} ({s.note}): " + "; ".join(s.differences) for s in result.steps if not s.ok)
    assert result.steps, "scenario has no request steps"
    assert result.ok, f"{result.matched}/{len(result.steps)} steps match\n{report}"


def test_plugin_scenarios_cover_every_plugin_function() -> None:
    """Every local_cooperare function is called in the recordings of both versions."""
    contract = json.loads((Path(__file__).resolve().parents[2] / "cooperare/moodle/data/local_cooperare.json")
                          .read_text("utf-8"))
    names = {f["name"] for f in contract["functions"]}
    for version in ("4.5", "5.0"):
        called = {value for path in (CONTRACT / version / "plugin").glob("*.json")
                  for step in json.loads(path.read_text("utf-8"))["steps"] if "request" in step
                  for key, value in step["request"]["params"] if key == "wsfunction"}
        assert names - NOT_YET_RECORDED <= called, f"{version}: not recorded {sorted(names - called)}"
        assert not NOT_YET_RECORDED & called, "recorded now: take it off NOT_YET_RECORDED"
