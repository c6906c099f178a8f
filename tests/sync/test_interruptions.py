"""Interrupt an apply at random points — a write failing before commit, an answer lost after commit, the process
killed just before or just after a request — with one batch at a time and with three in flight, on both enrolment
paths (manual; cohort sync through
local_cooperare), then run again: Moodle ends exactly as after an uninterrupted run, with
no duplicate user, cohort, membership, enrolment or group, and the journal left with nothing open."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import MoodleError
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.sync.plan import SCOPE
from cooperare.sync.service import apply_roster, plan_roster

from .conftest import PREFIX, add_track_courses, moodle_view, roster_of, rows

WRITES = ("core_user_create_users", "core_cohort_create_cohorts", "core_cohort_add_cohort_members",
          "enrol_manual_enrol_users", "local_cooperare_save_cohort_sync", "core_group_create_groups",
          "core_group_add_group_members")
KINDS = ("fail_before_commit", "lost_ack", "kill_before_send", "kill_after_send")
CASES = 24
CASES_WITH_PLUGIN = 12
CASES_CONCURRENT = 12
"""Cases run again with three batches in flight at once (site.concurrency = 3)."""
SIZE = 150


class Killed(BaseException):
    """Stands for the process being killed (not an Exception: nothing may catch it on the way out)."""


_REFERENCES: dict[bool, tuple[dict[str, Any], Counter[str]]] = {}


def reference(catalogue: Catalogue, folder: Path, *, plugin: bool) -> tuple[dict[str, Any], Counter[str]]:
    """The state after an uninterrupted run, and how many calls each write function took (computed once per
    enrolment path)."""
    if plugin in _REFERENCES:
        return _REFERENCES[plugin]
    config = RosterConfig(enrolment="cohort" if plugin else "manual")
    box = Sandbox(plugin=plugin)
    add_track_courses(box, catalogue)
    client = MoodleClient(box.transport())
    roster = roster_of(rows(catalogue, count=SIZE, seed=21), catalogue, config)
    with Store.open(folder / "reference.sqlite") as st:
        rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
        apply_roster(client, rplan, store=st, run_id=st.runs.start("ref"), config=config)
    calls = Counter({f: n for f, n in client.transport.stats.by_function.items() if f in WRITES})
    _REFERENCES[plugin] = moodle_view(box), calls
    return _REFERENCES[plugin]


def _kill_on_write(client: MoodleClient, number: int, *, after: bool) -> None:
    transport = client.transport
    original = transport._post_rest  # every call, whatever wrapper made it, goes through here
    seen = [0]
    lock = threading.Lock()

    def post(wsfunction: str, pairs: Any) -> Any:
        if transport.contract.is_read(wsfunction):
            return original(wsfunction, pairs)
        with lock:  # batches may be sent from several threads
            seen[0] += 1
            mine = seen[0]
        if mine == number and not after:
            raise Killed()
        answer = original(wsfunction, pairs)
        if mine == number:
            raise Killed()
        return answer

    transport._post_rest = post  # type: ignore[method-assign]


@pytest.mark.parametrize(("plugin", "case", "concurrency"),
                         [(False, case, 1) for case in range(CASES)] +
                         [(True, case, 1) for case in range(CASES_WITH_PLUGIN)] +
                         [(False, case, 3) for case in range(CASES_CONCURRENT)] +
                         [(True, case, 3) for case in range(CASES_CONCURRENT // 2)])
def test_interrupted_apply_resumes_to_the_same_state(plugin: bool, case: int, concurrency: int, catalogue: Catalogue,
                                                     tmp_path: Path) -> None:
    expected, write_calls = reference(catalogue, tmp_path, plugin=plugin)
    rng = random.Random(1000 + case + (500 if plugin else 0) + (250 if concurrency > 1 else 0))
    kind = KINDS[case % len(KINDS)]
    config = RosterConfig(enrolment="cohort" if plugin else "manual")
    box = Sandbox(plugin=plugin)
    add_track_courses(box, catalogue)
    roster = roster_of(rows(catalogue, count=SIZE, seed=21), catalogue, config)
    store = Store.open(tmp_path / "store.sqlite")
    client = MoodleClient(box.transport())
    rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
    if kind in ("fail_before_commit", "lost_ack"):
        function = rng.choice(sorted(write_calls.elements()))
        box.faults.add(kind, function=function, skip=rng.randrange(write_calls[function]))
    else:
        _kill_on_write(client, rng.randrange(1, sum(write_calls.values()) + 1), after=kind == "kill_after_send")
    interrupted = False
    try:
        outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("apply"), config=config,
                               concurrency=concurrency)
    except (MoodleError, Killed):
        interrupted = True
    assert box.faults.fired or interrupted
    if kind == "lost_ack":
        assert not interrupted and outcome.report.reconciled >= 1  # read back, not re-sent blindly
    else:
        assert interrupted
    if interrupted:
        again = MoodleClient(box.transport())
        replan = plan_roster(again, roster, catalogue=catalogue, config=config)
        resumed = apply_roster(again, replan, store=store, run_id=store.runs.start("resume"), config=config,
                               concurrency=concurrency)
        assert not resumed.report.failures
    final = moodle_view(box)
    assert final == expected
    db = box.site.db
    idnumbers = [u["idnumber"] for u in db["user"] if str(u.get("idnumber") or "").startswith(PREFIX)]
    assert len(idnumbers) == len(set(idnumbers)) == SIZE
    for table, columns in (("cohort_members", ("cohortid", "userid")), ("groups_members", ("groupid", "userid")),
                           ("user_enrolments", ("enrolid", "userid")), ("cohort", ("idnumber",)),
                           ("groups", ("courseid", "idnumber"))):
        keys = [tuple(row[c] for c in columns) for row in db[table]]
        assert len(keys) == len(set(keys)), f"duplicates in {table}"
    assert store.journal.unfinished(SCOPE) == []
    check = MoodleClient(box.transport())
    assert not plan_roster(check, roster, catalogue=catalogue, config=config).plan.has_changes
    store.close()
