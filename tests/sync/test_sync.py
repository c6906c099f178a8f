"""Plan and apply against the sandbox Moodle: new people, changes, moves, leavers, --unenrol, conflicts, and a bad
record isolated by splitting its batch."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import PlanError
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.people import People
from cooperare.sync.plan import RosterPlan
from cooperare.sync.service import apply_roster, plan_roster

from .conftest import PREFIX, client_for, edit_row, moodle_view, roster_of, rows, sync


def changes(rplan: RosterPlan) -> dict[str, str]:
    return {c.address: c.action for c in rplan.plan.pending()}


def test_new_site_then_unchanged_rerun_writes_nothing(sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig,
                                                      store: Store) -> None:
    people = rows(catalogue, count=60)
    first = sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert first.outcome.report.ok and not first.outcome.report.failures
    view = moodle_view(sandbox)
    assert len(view["users"]) == 60 and len(view["cohorts"]) == 4
    assert len(view["cohort_members"]) == len(view["enrolments"]) == len(view["group_members"]) == 60
    assert all(status == 0 for _, _, status in view["enrolments"])
    user = next(u for u in view["users"] if u[0] == f"{PREFIX}ACOR-00001")
    assert user[1] == user[4]  # username policy "email"
    again = sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert again.client.transport.stats.writes == 0
    assert not again.plan.plan.has_changes
    assert moodle_view(sandbox) == view
    snapshot = People(store.engine).all()
    assert len(snapshot) == 60 and all(p.moodle_user_id for p in snapshot)
    assert not hasattr(snapshot[0], "phone")


def test_292_people_need_at_most_25_calls_on_a_new_site(sandbox: Sandbox, catalogue: Catalogue,
                                                        config: RosterConfig, store: Store) -> None:
    result = sync(sandbox, roster_of(rows(catalogue, count=292, seed=1), catalogue, config), catalogue=catalogue,
                  config=config, store=store)
    assert result.client.transport.stats.calls <= 25
    assert len(moodle_view(sandbox)["users"]) == 292


def test_changed_name_and_email_update_the_account(sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig,
                                                   store: Store) -> None:
    people = rows(catalogue)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    changed = edit_row(people, "ACOR-00003", lastname="Nouescu", email="nou.email@example.ro")
    result = sync(sandbox, roster_of(changed, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert changes(result.plan) == {f"user[{PREFIX}ACOR-00003]": "update"}
    update = next(result.plan.plan.pending())
    assert update.changed_fields() == ["lastname", "email"]
    user = next(u for u in moodle_view(sandbox)["users"] if u[0] == f"{PREFIX}ACOR-00003")
    assert (user[3], user[4]) == ("Nouescu", "nou.email@example.ro")
    assert user[1] != "nou.email@example.ro"  # the username is kept: people log in with it
    assert People(store.engine).get("ACOR-00003").email == "nou.email@example.ro"


def test_moved_track_changes_cohort_enrolment_and_group(sandbox: Sandbox, catalogue: Catalogue,
                                                         config: RosterConfig, store: Store) -> None:
    people = rows(catalogue)
    mover = next(r for r in people if r.category.startswith("Personal") and "alfabetizare" in r.track)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    expert = catalogue.track("adm-expert").name
    moved = edit_row(people, mover.key, track=expert)
    result = sync(sandbox, roster_of(moved, catalogue, config), catalogue=catalogue, config=config, store=store)
    idnumber = f"{PREFIX}{mover.key}"
    assert changes(result.plan) == {
        f"cohort[coop:cohort:adm-expert].member[{idnumber}]": "create",
        f"cohort[coop:cohort:adm-alfabetizare].member[{idnumber}]": "delete",
        f"course[coop:course:expert-adm].enrolment[{idnumber}]": "create",
        f"course[coop:course:alfabetizare].enrolment[{idnumber}]": "update",
        **{f"course[coop:course:expert-adm].group[{g}]": "create" for g in
           {c.address.split("group[")[1].split("]")[0] for c in result.plan.plan.pending()
            if c.address.startswith("course[coop:course:expert-adm].group[") and ".member[" not in c.address}},
        **{c.address: "create" for c in result.plan.plan.pending() if c.address.endswith(f".member[{idnumber}]")
           and "expert-adm].group" in c.address},
    }
    view = moodle_view(sandbox)
    assert ("coop:cohort:adm-expert", idnumber) in view["cohort_members"]
    assert ("coop:cohort:adm-alfabetizare", idnumber) not in view["cohort_members"]
    assert ("coop:course:expert-adm", idnumber, 0) in view["enrolments"]
    assert ("coop:course:alfabetizare", idnumber, 1) in view["enrolments"]  # suspended, not removed
    assert not sync(sandbox, roster_of(moved, catalogue, config), catalogue=catalogue, config=config,
                    store=store).plan.plan.has_changes


def test_people_who_left_are_suspended_never_deleted(sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig,
                                                     store: Store) -> None:
    people = rows(catalogue)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    before = moodle_view(sandbox)
    gone = people[4]
    result = sync(sandbox, roster_of([r for r in people if r is not gone], catalogue, config), catalogue=catalogue,
                  config=config, store=store)
    idnumber = f"{PREFIX}{gone.key}"
    assert changes(result.plan) == {f"user[{idnumber}]": "update"}
    after = moodle_view(sandbox)
    assert next(u for u in after["users"] if u[0] == idnumber)[-1] is True
    assert len(after["users"]) == len(before["users"])
    assert after["enrolments"] == before["enrolments"] and after["cohort_members"] == before["cohort_members"]
    assert People(store.engine).get(gone.key).status == "suspended"
    # coming back un-suspends
    back = sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert changes(back.plan) == {f"user[{idnumber}]": "update"}
    assert moodle_view(sandbox) == before


def test_unenrol_takes_leavers_out_of_cohorts_and_courses(sandbox: Sandbox, catalogue: Catalogue,
                                                          config: RosterConfig, store: Store) -> None:
    people = rows(catalogue)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    gone = people[4]
    idnumber = f"{PREFIX}{gone.key}"
    result = sync(sandbox, roster_of([r for r in people if r is not gone], catalogue, config), catalogue=catalogue,
                  config=config, store=store, unenrol=True)
    actions = changes(result.plan)
    assert actions[f"user[{idnumber}]"] == "update"
    assert sorted(a for k, a in actions.items() if k != f"user[{idnumber}]") == ["delete", "delete"]
    view = moodle_view(sandbox)
    assert not [m for m in view["cohort_members"] if m[1] == idnumber]
    assert not [e for e in view["enrolments"] if e[1] == idnumber]
    assert [u for u in view["users"] if u[0] == idnumber]  # the account stays


def test_moved_commune_changes_group(sandbox: Sandbox, catalogue: Catalogue, config: RosterConfig,
                                     store: Store) -> None:
    people = rows(catalogue)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    person = people[10]
    moved = edit_row(people, person.key, commune="Comuna Nouă Test", county="Vaslui")
    sync(sandbox, roster_of(moved, catalogue, config), catalogue=catalogue, config=config, store=store)
    idnumber = f"{PREFIX}{person.key}"
    groups = [g for g, u in moodle_view(sandbox)["group_members"] if u == idnumber]
    assert len(groups) == 1 and groups[0].endswith(":vs:comuna-noua-test")


def test_accounts_the_pack_does_not_manage_are_conflicts_not_changes(sandbox: Sandbox, catalogue: Catalogue,
                                                                     config: RosterConfig, store: Store) -> None:
    people = rows(catalogue, count=10)
    client_for(sandbox).users.create([{"username": "someone", "firstname": "Alt", "lastname": "Cont",
                                       "email": people[2].email, "password": "Parola#2026", "auth": "manual"}])
    result = sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    assert [str(c) for c in result.plan.conflicts] == [
        (f"row 4 ({people[2].key}, {people[2].firstname} {people[2].lastname}): e-mail {people[2].email!r} is used "
        f"by another account (id 3); to adopt that account, set its ID number to {PREFIX}{people[2].key} in "
        "Moodle, then run again")]
    view = moodle_view(sandbox)
    assert len(view["users"]) == 9
    untouched = sandbox.site.db["user"].first(username="someone")
    assert untouched["firstname"] == "Alt" and not untouched["idnumber"]


def test_a_bad_record_is_isolated_by_splitting_and_the_rest_applied(sandbox: Sandbox, catalogue: Catalogue,
                                                                    config: RosterConfig, store: Store) -> None:
    people = rows(catalogue, count=120, seed=5)
    roster = roster_of(people, catalogue, config)
    client = client_for(sandbox)
    rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
    victim = people[57]
    # someone takes the username after the plan was made: Moodle answers the whole batch with a bare
    # invalidparameter and creates nobody in it
    client_for(sandbox).users.create([{"username": victim.email, "firstname": "Intrus", "lastname": "Rapid",
                                       "email": "intrus@example.ro", "password": "Parola#2026"}])
    outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("t"), config=config)
    failures = outcome.report.failures
    assert [(f.step, f.person.row if f.person else None) for f in failures] == [("create user", 59)]
    assert "invalidparameter" in failures[0].message
    assert str(failures[0]).startswith(f"row 59 ({victim.key}, ")
    view = moodle_view(sandbox)
    assert len(view["users"]) == 119
    assert outcome.report.skipped == {"add cohort member": 1, "enrol": 1, "add group member": 1}
    assert len(view["enrolments"]) == 119 and len(view["group_members"]) == 119


def test_missing_track_courses_stop_the_plan_before_any_write(catalogue: Catalogue, config: RosterConfig) -> None:
    box = Sandbox(plugin=False)
    client = client_for(box)
    with pytest.raises(PlanError, match="do not exist in Moodle"):
        plan_roster(client, roster_of(rows(catalogue, count=5), catalogue, config), catalogue=catalogue,
                    config=config)
    assert client.transport.stats.writes == 0


@pytest.mark.parametrize("policy", ["firstname.lastname", "key"])
def test_username_policies(sandbox: Sandbox, catalogue: Catalogue, store: Store, policy: str) -> None:
    config = RosterConfig(enrolment="manual", username=policy)  # type: ignore[arg-type]
    people = rows(catalogue, count=8)
    twin = replace(people[0], key="ACOR-09999", email="twin@example.ro", organisation="Altă Organizație")
    sync(sandbox, roster_of([*people, twin], catalogue, config), catalogue=catalogue, config=config, store=store)
    names = {u[0]: u[1] for u in moodle_view(sandbox)["users"]}
    first = names[f"{PREFIX}ACOR-00001"]
    if policy == "key":
        assert first == "acor-00001"
    else:
        assert "." in first and first.isascii() and names[f"{PREFIX}ACOR-09999"] == first + "2"
