"""The sandbox's server-time model: costs fitted to the recordings, calls held by the modelled time, a bounded pool
of workers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cooperare.errors import ConfigError
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.timing import MEASURED, Cost, ServerTimeModel, costs_from_recording, fit, items_in

RECORDINGS = [Path(__file__).parents[1] / "contract" / version / "timing.json" for version in ("4.5", "5.0")]


def test_fit_recovers_a_line() -> None:
    cost = fit([(1, 0.03 + 0.007), (10, 0.03 + 0.07), (100, 0.03 + 0.7), (500, 0.03 + 3.5)])
    assert cost.fixed == pytest.approx(0.03) and cost.per_item == pytest.approx(0.007)
    assert fit([(1, 0.02), (1, 0.04)]) == Cost(pytest.approx(0.03), 0.0)  # type: ignore[arg-type]


def test_costs_fitted_to_the_real_recordings_are_plausible() -> None:
    for path in RECORDINGS:
        costs = costs_from_recording(path)
        users = costs["core_user_create_users"]
        enrol = costs["enrol_manual_enrol_users"]
        # the recordings: 500 users in about 3–3.5 s, 500 enrolments in about 1.6–1.9 s
        assert 0.005 < users.per_item < 0.008 and 0.003 < enrol.per_item < 0.004
        assert users.seconds(500) == pytest.approx(3.2, rel=0.15)


def test_a_bad_recording_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "timing.json"
    bad.write_text('{"calls": [{"function": "x"}]}', encoding="utf-8")
    with pytest.raises(ConfigError, match=str(bad)):
        costs_from_recording(bad)


def test_measured_figures_override_the_recordings() -> None:
    model = ServerTimeModel.calibrated(RECORDINGS)
    assert model.costs["core_user_create_users"] == MEASURED["core_user_create_users"]
    assert "enrol_manual_enrol_users" in model.costs
    assert model.seconds("core_group_add_group_members", {"members": [{}] * 100}) == pytest.approx(0.025 + 1.8)
    assert model.seconds("core_webservice_get_site_info", {}) == pytest.approx((0.023 + 0.026) / 2)  # recorded
    assert model.seconds("local_cooperare_describe_courses", {}) == pytest.approx(0.025)  # not recorded: default


def test_items_counts_the_longest_list() -> None:
    assert items_in({"users": [1, 2, 3], "options": [1]}) == 3
    assert items_in({"members": {"0": {}, "1": {}}}) == 2
    assert items_in({"courseid": 5}) == 0


@pytest.mark.parametrize("workers, scale", [(0, 1.0), (2, 0.0)])
def test_model_settings_are_checked(workers: int, scale: float) -> None:
    with pytest.raises(ConfigError):
        ServerTimeModel({}, workers=workers, scale=scale)


def test_calls_are_held_for_the_modelled_time_and_counted() -> None:
    box = Sandbox()
    held: list[float] = []
    box.server.timing = ServerTimeModel({"core_user_create_users": Cost(0.5, 0.25)}, workers=2)
    model = box.server.timing
    original = model.serve
    model.serve = lambda answer, sleep=None: original(answer, sleep=held.append)  # type: ignore[method-assign]
    client = MoodleClient(box.transport())
    client.users.create([{"username": f"t{i}", "password": "Parola#2026", "firstname": "Ana", "lastname": "Ilie",
                          "email": f"t{i}@example.org"} for i in range(4)])
    client.call("core_webservice_get_site_info")
    assert held == [pytest.approx(1.5), pytest.approx(0.025)]
    assert model.calls == 2 and model.busy_seconds == pytest.approx(1.525)


def test_no_more_calls_run_at_once_than_there_are_workers() -> None:
    box = Sandbox()
    model = ServerTimeModel({}, workers=2, default=Cost(0.05, 0.0))
    box.server.timing = model
    client = MoodleClient(box.transport())
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda _i: client.call("core_webservice_get_site_info"), range(12)))
    assert model.peak == 2
    assert model.calls == 12 and model.busy_seconds == pytest.approx(0.6)
