"""Trainers and tutors from the staff: section into the sandbox through the real client: accounts, teacher roles by
shortname, the commune groups they lead, an unchanged re-run that writes nothing, and the rule that a trainer is
never a trainee of a course they teach (held, naming the person and the course)."""

from __future__ import annotations

import pytest

from cooperare.config.roster import RosterConfig
from cooperare.config.staff import StaffAssignment, StaffConfig, StaffMember
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import PlanError
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses.schema import table
from cooperare.store import Store
from cooperare.sync.generator import Row
from cooperare.sync.service import apply_staff, plan_staff

from .conftest import PREFIX, add_track_courses, client_for, roster_of, rows, sync

IOANA = StaffMember(key="F01", firstname="Ioana", lastname="Țăranu", email="ioana.taranu@example.org",
                    courses=[StaffAssignment(course="expert-adm", kind="trainer", groups=["all"]),
                             StaffAssignment(course="alfabetizare", kind="tutor")])


def roles_in(box: Sandbox, course_idnumber: str) -> dict[str, tuple[str, ...]]:
    client = client_for(box)
    course, = [c for c in client.courses.all() if c.idnumber == course_idnumber]
    return {u.username: u.roles for u in client.enrol.enrolled_users(course.id, userfields=["username", "roles"])}


def news_subscribers(box: Sandbox, course_idnumber: str) -> set[int]:
    """Who is subscribed to the course's news forum, read from the sandbox's tables."""
    course, = [c for c in box.site.db["course"] if c.get("idnumber") == course_idnumber]
    forum, = [f for f in box.site.db["forum"].where(course=course["id"]) if f["type"] == "news"]
    return {s["userid"] for s in table(box.site.db, "forum_subscriptions").where(forum=forum["id"])}


def news_forum_id(box: Sandbox, course_idnumber: str) -> int:
    course, = [c for c in box.site.db["course"] if c.get("idnumber") == course_idnumber]
    forum, = [f for f in box.site.db["forum"].where(course=course["id"]) if f["type"] == "news"]
    return int(forum["id"])


def news_cmid(box: Sandbox, course_idnumber: str) -> int:
    course, = [c for c in box.site.db["course"] if c.get("idnumber") == course_idnumber]
    module = box.site.db["modules"].first(name="forum")
    cm, = [c for c in table(box.site.db, "course_modules").where(course=course["id"], module=module["id"])
           if c["instance"] == news_forum_id(box, course_idnumber)]
    return int(cm["id"])


def course_keys(catalogue: Catalogue) -> list[str]:
    return [course.key for _, course in catalogue.courses()]


def course_of(catalogue: Catalogue, row: Row) -> str:
    return next(t.course for t in catalogue.tracks if t.name == row.track)


def test_trainers_and_tutors_are_enrolled_by_role_and_join_their_groups(
        sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig, store: Store) -> None:
    assert {"expert-adm", "alfabetizare"} <= set(course_keys(catalogue))
    people = rows(catalogue, count=40)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    staff = StaffConfig(people=[IOANA])
    client = client_for(sandbox)
    splan = plan_staff(client, staff, catalogue=catalogue, config=config)
    pending = {c.address: c.action for c in splan.plan.pending()}
    assert pending["staff[F01]"] == "create"
    assert pending["course[coop:course:expert-adm].staff[F01]"] == "create"
    assert pending["course[coop:course:alfabetizare].staff[F01]"] == "create"
    groups = [a for a in pending if ".group[coop:group:expert-adm:" in a]
    assert groups and len(groups) == len(splan.state.groups[splan.state.courses["coop:course:expert-adm"].id])
    assert not [a for a in pending if ".group[coop:group:alfabetizare:" in a]  # a tutor with no groups listed
    report = apply_staff(client, splan, store=store, config=config)
    assert report.done["create user"] == 1 and report.done["enrol"] == 2
    assert roles_in(sandbox, "coop:course:expert-adm")["ioana.taranu@example.org"] == ("editingteacher",)
    assert roles_in(sandbox, "coop:course:alfabetizare")["ioana.taranu@example.org"] == ("teacher",)
    user, = [u for u in sandbox.site.db["user"] if u["email"] == "ioana.taranu@example.org"]
    assert not [a for a in pending if ".news." in a]  # no plugin on this site: nothing planned for the news forum
    assert user["idnumber"] == "coop:staff:F01"
    led = {g["idnumber"] for g in sandbox.site.db["groups"]
           if any(m["groupid"] == g["id"] and m["userid"] == user["id"] for m in sandbox.site.db["groups_members"])}
    assert led == {a.split(".group[", 1)[1].split("]", 1)[0] for a in groups}
    again_client = client_for(sandbox)
    again = plan_staff(again_client, staff, catalogue=catalogue, config=config)
    assert not again.plan.has_changes and not again.holds
    apply_staff(again_client, again, store=store, config=config)
    assert again_client.transport.stats.writes == 0


def test_a_coordinator_follows_every_course_as_a_non_editing_teacher_in_every_group(
        sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig, store: Store) -> None:
    """Walk finding 11: a coordinator opening a training course met its enrolment page. As staff of kind
    ``coordinator`` (no groups given: all of them) they hold the coordinator role in each course listed, join every
    commune group, and are never the news forum's announcers."""
    people = rows(catalogue, count=40)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    keys = course_keys(catalogue)
    maria = StaffMember(key="C01", firstname="Maria", lastname="Știrbu", email="maria.stirbu@example.org",
                        courses=[StaffAssignment(course=key, kind="coordinator") for key in keys])
    assert all(a.groups == ["all"] for a in maria.courses)
    staff = StaffConfig(people=[maria])
    client = client_for(sandbox)
    splan = plan_staff(client, staff, catalogue=catalogue, config=config)
    notes = {c.address: c.note for c in splan.plan.pending()
             if c.address.endswith(".staff[C01]") and ".group[" not in c.address}
    assert set(notes.values()) == {"coordinator"} and len(notes) == len(keys)
    apply_staff(client, splan, store=store, config=config)
    user, = [u for u in sandbox.site.db["user"] if u["email"] == "maria.stirbu@example.org"]
    for key in keys:
        assert roles_in(sandbox, f"coop:course:{key}")["maria.stirbu@example.org"] == ("teacher",)
        course = splan.state.courses[f"coop:course:{key}"]
        groups = {g.id for g in splan.state.groups.get(course.id, [])}
        joined = {m["groupid"] for m in sandbox.site.db["groups_members"] if m["userid"] == user["id"]}
        assert groups and groups <= joined
    assert not [c for c in splan.plan.pending() if ".news." in c.address]
    assert not plan_staff(client_for(sandbox), staff, catalogue=catalogue, config=config).plan.has_changes
    with pytest.raises(ValueError, match="kind 'observer' is not one of trainer, tutor, coordinator"):
        StaffAssignment(course="expert-adm", kind="observer")  # type: ignore[arg-type]
    assert StaffConfig(coordinator_role="coordonator").role_of("coordinator") == "coordonator"
    assert "coordonator" in StaffConfig(coordinator_role="coordonator").teaching_roles


def test_groups_by_county_code(sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig, store: Store) -> None:
    people = rows(catalogue, count=60)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    every = plan_staff(client_for(sandbox), StaffConfig(people=[IOANA]), catalogue=catalogue, config=config)
    all_groups = [c.address for c in every.plan.pending() if ".group[coop:group:expert-adm:" in c.address]
    county = all_groups[0].split(".group[", 1)[1].split(":")[3]
    tutor = StaffMember(key="T01", firstname="Dan", lastname="Ene", email="dan.ene@example.org",
                        courses=[StaffAssignment(course="expert-adm", kind="tutor", groups=[county.upper()])])
    splan = plan_staff(client_for(sandbox), StaffConfig(people=[tutor]), catalogue=catalogue, config=config)
    groups = [c.address for c in splan.plan.pending() if ".group[" in c.address]
    assert groups and all(f":{county}:" in a for a in groups)
    assert len(groups) == sum(f":{county}:" in a for a in all_groups) < len(all_groups)


def test_a_trainee_of_the_course_is_held_never_made_its_trainer(
        sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig, store: Store) -> None:
    people = rows(catalogue, count=20)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    trainee = people[0]
    course_key = course_of(catalogue, trainee)
    other = next(k for k in course_keys(catalogue) if k != course_key)
    member = StaffMember(key="F02", firstname=trainee.firstname, lastname=trainee.lastname, email=trainee.email,
                         courses=[StaffAssignment(course=course_key, groups=["all"]),
                                  StaffAssignment(course=other)])
    client = client_for(sandbox)
    splan = plan_staff(client, StaffConfig(people=[member]), catalogue=catalogue, config=config)
    hold, = splan.holds
    assert hold.course == f"coop:course:{course_key}"
    assert trainee.lastname in str(hold) and "never a trainee" in str(hold)
    assert hold.coursename in str(hold)
    addresses = [c.address for c in splan.plan.pending()]
    assert f"course[coop:course:{other}].staff[F02]" in addresses
    assert not [a for a in addresses if a.startswith(f"course[coop:course:{course_key}]")]
    apply_staff(client, splan, store=store, config=config)
    username = next(u["username"] for u in sandbox.site.db["user"] if u["idnumber"] == f"{PREFIX}{trainee.key}")
    assert roles_in(sandbox, f"coop:course:{course_key}")[username] == ("student",)


def test_someone_in_the_roster_is_held_before_either_is_applied(
        sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig) -> None:
    people = rows(catalogue, count=10)
    person = people[0]
    course_key = course_of(catalogue, person)
    member = StaffMember(key="F03", firstname="X", lastname="Y", email=person.email.upper(),
                         courses=[StaffAssignment(course=course_key)])
    splan = plan_staff(client_for(sandbox), StaffConfig(people=[member]), catalogue=catalogue, config=config,
                       roster=roster_of(people, catalogue, config))
    hold, = splan.holds
    assert "in the roster of the course" in hold.reason


def test_an_unknown_course_or_role_is_named(sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig,
                                            store: Store) -> None:
    wrong = StaffMember(key="F04", firstname="A", lastname="B", email="a.b@example.org",
                        courses=[StaffAssignment(course="nu-exista")])
    with pytest.raises(PlanError, match="F04.*'nu-exista'"):
        plan_staff(client_for(sandbox), StaffConfig(people=[wrong]), catalogue=catalogue, config=config)
    with pytest.raises(ValueError, match="listed twice"):
        StaffMember(key="F05", firstname="A", lastname="B", email="a.b@example.org",
                    courses=[StaffAssignment(course="alfabetizare"), StaffAssignment(course="alfabetizare")])


def test_a_trainer_owns_the_news_forum_of_the_course_when_the_site_has_the_plugin(
        catalogue: Catalogue, config: RosterConfig, store: Store) -> None:
    box = Sandbox(max_input_vars=1000)
    add_track_courses(box, catalogue)
    sync(box, roster_of(rows(catalogue, count=20), catalogue, config), catalogue=catalogue, config=config, store=store)
    for forum in [f for f in box.site.db["forum"] if f["type"] == "news"]:
        # optional subscription, so that subscribing writes rows (a forced one needs none: see the sandbox tests)
        box.site.db["forum"].update(forum["id"], forcesubscribe=0)
    staff = StaffConfig(people=[IOANA])
    client = client_for(box)
    splan = plan_staff(client, staff, catalogue=catalogue, config=config)
    pending = {c.address: c.action for c in splan.plan.pending()}
    assert pending["course[coop:course:expert-adm].news.staff[F01]"] == "create"
    assert "course[coop:course:alfabetizare].news.staff[F01]" not in pending  # a tutor does not announce
    report = apply_staff(client, splan, store=store, config=config)
    assert report.done["own news forum"] == 1
    user, = [u for u in box.site.db["user"] if u["email"] == "ioana.taranu@example.org"]
    assert news_subscribers(box, "coop:course:expert-adm") == {user["id"]}
    assert news_subscribers(box, "coop:course:alfabetizare") == set()
    # editingteacher posts by its role: no override was written
    assert not list(table(box.site.db, "role_capabilities").where(capability="mod/forum:addnews"))
    again_client = client_for(box)
    again = plan_staff(again_client, staff, catalogue=catalogue, config=config)
    assert not again.plan.has_changes
    apply_staff(again_client, again, store=store, config=config)
    assert again_client.transport.stats.writes == 0
    assert client_for(box).news_forum.own([(splan.state.courses["coop:course:expert-adm"].id, user["id"])]) == [
        {"courseid": splan.state.courses["coop:course:expert-adm"].id, "userid": user["id"],
         "forumid": news_forum_id(box, "coop:course:expert-adm"), "cmid": news_cmid(box, "coop:course:expert-adm"),
         "subscribed": "unchanged", "overridden": ""}]
