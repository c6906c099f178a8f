"""Roster apply with several batches in flight (site.concurrency): the same Moodle in the end as one at a time,
really concurrent, bad records still isolated, and a systemic failure still stops the run with the journal
complete for every batch that was sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import MoodleError, PlanError
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.timing import Cost, ServerTimeModel
from cooperare.store import Store
from cooperare.sync.apply import Applier, _spread
from cooperare.sync.plan import SCOPE
from cooperare.sync.service import ApplyOutcome, apply_roster, plan_roster

from .conftest import add_track_courses, moodle_view, roster_of, rows

SIZE = 120


def _apply(catalogue: Catalogue, store: Store, *, concurrency: int, roster_rows: list | None = None,  # type: ignore[type-arg]
           box: Sandbox | None = None) -> tuple[Sandbox, ApplyOutcome]:
    """Plan and apply a generated roster on ``box`` (a new sandbox with the track courses by default)."""
    config = RosterConfig(enrolment="manual")
    if box is None:
        box = Sandbox(plugin=False)
        add_track_courses(box, catalogue)
    roster = roster_of(roster_rows or rows(catalogue, count=SIZE, seed=5), catalogue, config)
    client = MoodleClient(box.transport())
    rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
    outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("apply"), config=config,
                           concurrency=concurrency)
    return box, outcome


def test_concurrent_apply_ends_where_the_sequential_one_does(catalogue: Catalogue, tmp_path: Path) -> None:
    with Store.open(tmp_path / "one.sqlite") as one_store, Store.open(tmp_path / "many.sqlite") as many_store:
        one, one_outcome = _apply(catalogue, one_store, concurrency=1)
        many, many_outcome = _apply(catalogue, many_store, concurrency=4)
        assert moodle_view(many) == moodle_view(one)
        assert many_outcome.report.done == one_outcome.report.done
        assert many_outcome.report.ok
        for store in (one_store, many_store):
            assert store.journal.unfinished(SCOPE) == []


def test_batches_really_overlap_and_never_exceed_the_setting(catalogue: Catalogue, tmp_path: Path) -> None:
    box = Sandbox(plugin=False)
    add_track_courses(box, catalogue)
    model = ServerTimeModel({}, workers=8, default=Cost(0.01, 0.0))
    box.server.timing = model
    with Store.open(tmp_path / "s.sqlite") as store:
        _, outcome = _apply(catalogue, store, concurrency=3, box=box)
    assert outcome.report.ok
    assert 2 <= model.peak <= 3  # overlapping, never beyond the setting


def test_a_bad_record_is_still_isolated_when_batches_run_at_once(catalogue: Catalogue, tmp_path: Path) -> None:
    config = RosterConfig(enrolment="manual")
    people = rows(catalogue, count=SIZE, seed=5)
    box = Sandbox(plugin=False)
    add_track_courses(box, catalogue)
    client = MoodleClient(box.transport())
    rplan = plan_roster(client, roster_of(people, catalogue, config), catalogue=catalogue, config=config)
    victim = people[57]
    # the username is taken after the plan was made: Moodle refuses that record's whole batch
    MoodleClient(box.transport()).users.create([{"username": victim.email, "firstname": "Intrus", "lastname": "Rapid",
                                                 "email": "intrus@example.ro", "password": "Parola#2026"}])
    with Store.open(tmp_path / "s.sqlite") as store:
        outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("t"), config=config, concurrency=3)
        assert store.journal.unfinished(SCOPE) == []
    failures = outcome.report.failures
    assert [(f.step, f.person.row if f.person else None) for f in failures] == [("create user", 59)]
    assert outcome.report.done["create user"] == SIZE - 1
    view = moodle_view(box)
    assert len(view["users"]) == SIZE - 1 and len(view["enrolments"]) == SIZE - 1


def test_a_systemic_failure_stops_the_run_and_leaves_nothing_open(catalogue: Catalogue, tmp_path: Path) -> None:
    box = Sandbox(plugin=False)
    add_track_courses(box, catalogue)
    box.faults.add("fail_before_commit", function="core_user_create_users", skip=1)
    with Store.open(tmp_path / "s.sqlite") as store:
        with pytest.raises(MoodleError):
            _apply(catalogue, store, concurrency=3, box=box)
        # the refused batch is journaled as failed, the ones sent beside it as done: nothing stays "begun"
        assert store.journal.unfinished(SCOPE) == []
        _, again = _apply(catalogue, store, concurrency=3, box=box)
    assert again.report.ok
    assert len([u for u in box.site.db["user"] if str(u.get("idnumber") or "").startswith("coop:person:")]) == SIZE


def test_spread_cuts_evenly_and_keeps_pairs_together() -> None:
    items = list(range(10))
    payloads = [{"n": i} for i in items]
    parts = _spread(items, payloads, parts=3)
    assert [len(chunk) for chunk, _ in parts] == [4, 3, 3]
    assert all([p["n"] for p in pay] == chunk for chunk, pay in parts)
    assert _spread(items[:1], payloads[:1], parts=3) == [([0], [{"n": 0}])]


def test_concurrency_must_be_positive(catalogue: Catalogue, tmp_path: Path, sandbox: Sandbox) -> None:
    config = RosterConfig(enrolment="manual")
    client = MoodleClient(sandbox.transport())
    rplan = plan_roster(client, roster_of(rows(catalogue, count=3), catalogue, config), catalogue=catalogue,
                        config=config)
    with Store.open(tmp_path / "s.sqlite") as store, pytest.raises(PlanError, match="concurrency"):
        Applier(client, rplan, journal=store.journal, run_id=1, concurrency=0)


def test_cohort_sync_is_never_sent_side_by_side_with_cohort_members(catalogue: Catalogue, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """On a real Moodle 5.0 (lab site, concurrency 2) the cohort sync instances were created while the members were
    being added: neither transaction saw the other's rows, so some people were in the cohort but never enrolled and
    their group adds failed. The two steps must go in different stages, the sync after the members."""
    sent_together: list[list[str]] = []
    original = Applier._send_steps

    def spy(self: Applier, steps: list) -> None:  # type: ignore[type-arg]
        sent_together.append([step.name for step, _items in steps])
        original(self, steps)

    monkeypatch.setattr(Applier, "_send_steps", spy)
    config = RosterConfig()  # enrolment: auto → cohort sync, since the plugin is there
    box = Sandbox(plugin=True)
    add_track_courses(box, catalogue)
    roster = roster_of(rows(catalogue, count=40, seed=5), catalogue, config)
    client = MoodleClient(box.transport())
    rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
    with Store.open(tmp_path / "s.sqlite") as store:
        outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("apply"), config=config,
                               concurrency=4)
    assert outcome.report.ok, outcome.report.failures
    stages = [names for names in sent_together if names]
    members = next(i for i, names in enumerate(stages) if "add cohort member" in names)
    syncs = next(i for i, names in enumerate(stages) if "cohort sync" in names)
    assert members < syncs
    assert not any("add cohort member" in names and "cohort sync" in names for names in stages)


def test_cohort_sync_of_several_courses_goes_in_calls_side_by_side(catalogue: Catalogue, tmp_path: Path) -> None:
    """Each cohort sync instance enrols a whole cohort (the slowest single call on a real server), so with
    concurrency 2 the track courses' instances go in two calls at once, not one call; one at a time, one call."""
    calls = {}
    for concurrency in (1, 2):
        box = Sandbox(plugin=True)
        add_track_courses(box, catalogue)
        config = RosterConfig(enrolment="cohort")
        client = MoodleClient(box.transport())
        roster = roster_of(rows(catalogue, count=60, seed=5), catalogue, config)
        rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
        courses = len(rplan.operations.cohort_sync)
        assert courses >= 2
        with Store.open(tmp_path / f"c{concurrency}.sqlite") as store:
            outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("t"), config=config,
                                   concurrency=concurrency)
        assert outcome.report.ok and outcome.report.done["cohort sync"] == courses
        calls[concurrency] = client.transport.stats.by_function.get("local_cooperare_save_cohort_sync", 0)
    assert calls == {1: 1, 2: 2}
