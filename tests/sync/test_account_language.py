"""New accounts speak Romanian when the site does: the walk of 2026-12-03 found trainees and trainers created with
the site's English, so outside the (forced-Romanian) courses their dashboard, the "Not available unless" notice of
a restricted activity and Moodle's e-mails stayed English. Roster and staff plans give new accounts ``lang: ro``
when the site has the Romanian pack; existing accounts keep the language their owner chose."""

from __future__ import annotations

from cooperare.config.roster import RosterConfig
from cooperare.config.staff import StaffAssignment, StaffConfig, StaffMember
from cooperare.courses.catalogue import Catalogue
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.sync.service import apply_staff, plan_roster, plan_staff

from .conftest import add_track_courses, client_for, roster_of, rows, sync

TRAINER = StaffMember(key="F01", firstname="Ioana", lastname="Țăranu", email="ioana.taranu@example.org",
                      courses=[StaffAssignment(course="expert-adm", kind="trainer")])


def site(*, romanian: bool) -> Sandbox:
    box = Sandbox(max_input_vars=1000)
    if romanian:
        box.site.settings.config["languages"] = [["en", "English"], ["ro", "Română"]]
    return box


def langs(box: Sandbox) -> dict[str, str]:
    return {u["email"]: u["lang"] for u in box.site.db["user"] if u.get("idnumber", "").startswith("coop:")}


def test_trainees_and_trainers_are_created_in_romanian_on_a_romanian_site(
        catalogue: Catalogue, config: RosterConfig, store: Store) -> None:
    box = site(romanian=True)
    add_track_courses(box, catalogue)
    people = rows(catalogue, count=12)
    synced = sync(box, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert synced.plan.lang == "ro"
    created = [c for c in synced.plan.plan.pending() if c.action == "create" and c.address.startswith("user[")]
    assert created and all(c.after["lang"] == "ro" for c in created)  # the plan says so before anything is written
    splan = plan_staff(client_for(box), StaffConfig(people=[TRAINER]), catalogue=catalogue, config=config)
    apply_staff(client_for(box), splan, store=store, config=config)
    found = langs(box)
    assert len(found) == 13 and set(found.values()) == {"ro"}, found


def test_a_site_without_the_pack_keeps_its_default_and_nobody_is_switched_later(
        catalogue: Catalogue, config: RosterConfig, store: Store) -> None:
    box = site(romanian=False)
    add_track_courses(box, catalogue)
    roster = roster_of(rows(catalogue, count=6), catalogue, config)
    synced = sync(box, roster, catalogue=catalogue, config=config, store=store)
    assert synced.plan.lang == ""
    assert all("lang" not in (c.after or {}) for c in synced.plan.plan.pending())
    assert set(langs(box).values()) == {"en"}
    # The pack arrives later: accounts made before keep the language they have (their owner may have chosen it).
    box.site.settings.config["languages"] = [["en", "English"], ["ro", "Română"]]
    again = plan_roster(client_for(box), roster, catalogue=catalogue, config=config)
    assert again.lang == "ro" and not again.plan.has_changes
