"""With local_cooperare on the site, course access goes through cohort-sync instances instead of manual
enrolments: one instance per track course, members enrolled by Moodle as they join the track cohort."""

from __future__ import annotations

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.sandbox import Sandbox
from cooperare.store import Store

from .conftest import PREFIX, add_track_courses, edit_row, moodle_view, roster_of, rows, sync


def test_cohort_sync_path_enrols_through_the_track_cohorts(catalogue: Catalogue, store: Store) -> None:
    box = Sandbox(max_input_vars=1000, plugin=True)
    add_track_courses(box, catalogue)
    config = RosterConfig()  # enrolment: auto → cohort sync, since the plugin is there
    people = rows(catalogue, count=292, seed=1)
    first = sync(box, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert first.plan.state.mode == "cohort"
    assert first.client.transport.stats.by_function["local_cooperare_save_cohort_sync"] == 1
    assert "enrol_manual_enrol_users" not in first.client.transport.stats.by_function
    assert first.client.transport.stats.calls <= 25
    view = moodle_view(box)
    assert len(view["enrolments"]) == 292 and len(view["group_members"]) == 292
    again = sync(box, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert again.client.transport.stats.writes == 0
    mover = next(r for r in people if "alfabetizare" in r.track)
    moved = edit_row(people, mover.key, track=catalogue.track("adm-expert").name)
    sync(box, roster_of(moved, catalogue, config), catalogue=catalogue, config=config, store=store)
    enrolled = {course for course, user, status in moodle_view(box)["enrolments"]
                if user == f"{PREFIX}{mover.key}" and status == 0}
    assert enrolled == {"coop:course:expert-adm"}
