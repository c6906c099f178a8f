"""Manual enrolment finds its role by shortname on the site: an unknown roster.role stops the run before any write,
a trainee enrolled without the configured role gets it added (the role is checked when enrolments are read), and
someone who teaches a track course is never enrolled there as a trainee."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import UnknownRole
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.sync.service import apply_roster, plan_roster

from .conftest import PREFIX, client_for, roster_of, rows, sync


def test_an_unknown_role_stops_the_run_before_anything_is_written(sandbox: Sandbox, catalogue: Catalogue,
                                                                  store: Store) -> None:
    config = RosterConfig(enrolment="manual", role="cursant")
    client = client_for(sandbox)
    rplan = plan_roster(client, roster_of(rows(catalogue, count=5), catalogue, config), catalogue=catalogue,
                        config=config)
    with pytest.raises(UnknownRole, match="'cursant'"):
        apply_roster(client, rplan, store=store, run_id=store.runs.start("test"), config=config)
    assert client.transport.stats.writes == 0


def test_a_trainee_enrolled_without_the_student_role_gets_it(sandbox: Sandbox, catalogue: Catalogue,
                                                             config: RosterConfig, store: Store) -> None:
    people = rows(catalogue, count=6)
    roster = roster_of(people, catalogue, config)
    sync(sandbox, roster, catalogue=catalogue, config=replace(config, role="manager"), store=store)
    result = sync(sandbox, roster, catalogue=catalogue, config=config, store=store)
    updates = {c.address: (c.before, c.after) for c in result.plan.plan.pending()}
    assert len(updates) == 6 and {c.action for c in result.plan.plan.pending()} == {"update"}
    held = next(v for k, v in updates.items() if k.endswith(f"[{PREFIX}{people[0].key}]"))
    assert held == ({"roles": ["manager"]}, {"roles": ["manager", "student"]})
    again = sync(sandbox, roster, catalogue=catalogue, config=config, store=store)
    assert not again.plan.plan.has_changes and again.client.transport.stats.writes == 0


def test_a_teacher_of_a_track_course_is_held_not_made_a_trainee(sandbox: Sandbox, catalogue: Catalogue,
                                                                config: RosterConfig, store: Store) -> None:
    people = rows(catalogue, count=6)
    roster = roster_of(people, catalogue, config)
    sync(sandbox, roster_of(people[:1], catalogue, config), catalogue=catalogue,
         config=replace(config, role="editingteacher"), store=store)
    result = sync(sandbox, roster, catalogue=catalogue, config=config, store=store)
    conflict, = result.plan.conflicts
    assert conflict.person.key == people[0].key
    assert "teaches" in str(conflict) and "(editingteacher)" in str(conflict) and people[0].lastname in str(conflict)
    teacher = f"{PREFIX}{people[0].key}"
    assert not any(teacher in c.address for c in result.plan.plan.pending() if ".enrolment[" in c.address
                   or ".member[" in c.address and ".group[" in c.address)
    course = next(c for c, users in result.plan.desired.enrolments.items() if teacher in users)
    user_id = result.plan.state.users[teacher].id
    roles = {u.id: u.roles for u in client_for(sandbox).enrol.enrolled_users(
        result.plan.state.courses[course].id, userfields=["id", "roles"])}
    assert roles[user_id] == ("editingteacher",)
    assert len(roles) == len(result.plan.desired.enrolments[course])
