"""Compare the desired state of a roster with what Moodle holds and make a :class:`RosterPlan`.

The plan is a :class:`cooperare.plan.Plan` of Changes (address, action, before, after) for people to read, plus
:class:`Operations`, the same changes in the typed form :mod:`cooperare.sync.apply` executes, and the conflicts
that keep some people out (a username or e-mail already held by an account the pack does not manage).

Rules: new people are created; changed names, e-mails, institutions or communes are updated; people who left the
roster are suspended, never deleted (and, with ``unenrol``, taken out of the track cohorts and courses); a person
who moved track leaves the old track's cohort, and a manual enrolment in the old course is suspended (removed with
``unenrol``); a person who moved commune changes group. Objects without the pack's idnumber prefix are never
touched. This module must not talk to Moodle: it compares data read by :mod:`cooperare.sync.state`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cooperare.config.roster import RosterConfig
from cooperare.config.staff import StaffConfig
from cooperare.plan import Change, Plan
from cooperare.sync.desired import USER_FIELDS, Desired, DesiredGroup, DesiredUser
from cooperare.sync.model import Person, Problem
from cooperare.sync.state import Account, MoodleState

SCOPE = "roster"
TEACHING_ROLES = StaffConfig().teaching_roles
# Shared, never mutated: a 30,000-person plan holds 100,000 membership changes.
MEMBER: dict[str, Any] = {"member": True}
ACTIVE: dict[str, Any] = {"status": "active"}


@dataclass(frozen=True, slots=True)
class UserUpdate:
    user_id: int
    idnumber: str
    changes: dict[str, Any]
    person: Person | None
    """None for a person who left the roster (being suspended)."""


@dataclass(frozen=True)
class Conflict:
    person: Person
    message: str

    def __str__(self) -> str:
        return f"row {self.person.row} ({self.person.key}, {self.person.fullname}): {self.message}"


@dataclass
class Operations:
    """The plan's changes in execution order; relations name users, cohorts, courses and groups by idnumber."""

    create_users: list[DesiredUser] = field(default_factory=list)
    update_users: list[UserUpdate] = field(default_factory=list)
    create_cohorts: list[tuple[str, str]] = field(default_factory=list)
    add_cohort_members: list[tuple[str, str]] = field(default_factory=list)
    remove_cohort_members: list[tuple[str, str]] = field(default_factory=list)
    cohort_sync: list[tuple[str, str]] = field(default_factory=list)
    """(course idnumber, cohort idnumber)."""
    enrol: list[tuple[str, str]] = field(default_factory=list)
    suspend_enrolments: list[tuple[str, str]] = field(default_factory=list)
    unenrol: list[tuple[str, str]] = field(default_factory=list)
    create_groups: list[DesiredGroup] = field(default_factory=list)
    add_group_members: list[tuple[str, str, str]] = field(default_factory=list)
    """(course idnumber, group idnumber, user idnumber)."""
    remove_group_members: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class RosterPlan:
    plan: Plan
    operations: Operations
    desired: Desired
    state: MoodleState
    conflicts: list[Conflict] = field(default_factory=list)
    leavers: list[str] = field(default_factory=list)
    """Idnumbers of pack users no longer in the roster."""
    unchanged: Counter[str] = field(default_factory=Counter)
    """Memberships and enrolments already in place, counted rather than listed (a 30,000-person roster has
    120,000 of them)."""
    matches: list[Any] = field(default_factory=list)
    """:class:`cooperare.sync.identity.ProbableMatch` values: new rows held back as probably an account that left."""
    refused: tuple[Problem, ...] = ()
    """Rows left out by ``--skip-invalid``, with their problems."""
    lang: str = ""
    """Language of the accounts the plan creates ("ro" when the site has the Romanian pack, else "": the site's
    default). Only new accounts get it: a person's own choice of language in Moodle is never overwritten."""

    def counts(self) -> Counter[str]:
        counts = self.plan.counts()
        counts["noop"] += sum(self.unchanged.values())
        return counts

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{counts.get(action, 0)} to {action}" for action in ("create", "update", "delete")) + \
            f", {counts.get('noop', 0)} unchanged"

    def as_json(self, *, ws_calls: int) -> dict[str, Any]:
        """``changes`` lists every user, cohort and group, and every membership or enrolment to change."""
        data = self.plan.as_json(ws_calls=ws_calls)
        data["summary"] = dict(self.counts())
        data["unchanged"] = dict(self.unchanged)
        data["mode"] = self.state.mode
        data["conflicts"] = [str(conflict) for conflict in self.conflicts]
        data["probable_matches"] = [str(match) for match in self.matches]
        data["refused_rows"] = [str(problem) for problem in self.refused]
        return data


def _user_view(user: Account) -> dict[str, Any]:
    view: dict[str, Any] = {"username": user.username}
    view.update({name: getattr(user, name) for name in USER_FIELDS})
    view["suspended"] = user.suspended
    return view


def make_plan(desired: Desired, state: MoodleState, *, config: RosterConfig, unenrol: bool,
              held: frozenset[str] = frozenset(), kept: frozenset[str] = frozenset(), keep_leavers: bool = False,
              teaching_roles: frozenset[str] = TEACHING_ROLES, lang: str = "") -> RosterPlan:
    """Compare and return the plan (changes in dependency order: users, cohorts, memberships, enrolments,
    groups); ``teaching_roles``: role shortnames of trainers and tutors — a person who holds one in a track course
    is never enrolled there as a trainee (a conflict naming the person and the course).

    ``held``: user idnumbers of rows not to create yet (probable matches to confirm); ``kept``: idnumbers of
    accounts not in the roster that must not be suspended or taken out of anything (the other side of a probable
    match); ``keep_leavers``: keep every account not in the roster so (some rows were refused, and a refused row
    may be one of them); ``lang``: the language of new accounts (:attr:`RosterPlan.lang`)."""
    plan = Plan(scope=SCOPE)
    ops = Operations()
    result = RosterPlan(plan, ops, desired, state, lang=lang)
    blocked = _plan_users(result, config, held=held, kept=kept, keep_leavers=keep_leavers)
    existing_ids = {idnumber: user.id for idnumber, user in state.users.items()}
    by_id = {user_id: idnumber for idnumber, user_id in existing_ids.items()}
    leavers = set(result.leavers)
    untouchable = set(kept) | (leavers if keep_leavers else set())

    def user_ok(idnumber: str) -> bool:
        return idnumber not in blocked

    # cohorts and their members
    for idnumber, name in desired.cohorts.items():
        cohort = state.cohorts.get(idnumber)
        if cohort is None:
            ops.create_cohorts.append((idnumber, name))
            plan.add(Change(f"cohort[{idnumber}]", "create", None, {"name": name}, group="cohorts"))
        else:
            plan.add(Change(f"cohort[{idnumber}]", "noop", {"name": cohort.name}, {"name": cohort.name},
                            group="cohorts"))
    for idnumber in sorted(set(desired.cohorts) | set(state.cohorts)):
        cohort = state.cohorts.get(idnumber)
        present = {by_id[u] for u in state.cohort_members.get(cohort.id, set()) if u in by_id} if cohort else set()
        for user in sorted(desired.cohort_members.get(idnumber, set())):
            if not user_ok(user):
                continue
            address = f"cohort[{idnumber}].member[{user}]"
            if user in present:
                result.unchanged["cohort members"] += 1
            else:
                ops.add_cohort_members.append((idnumber, user))
                plan.add(Change(address, "create", None, MEMBER, group="cohort members"))
        for user in sorted(present - desired.cohort_members.get(idnumber, set())):
            if (user in leavers and not unenrol) or user in untouchable:
                continue
            ops.remove_cohort_members.append((idnumber, user))
            plan.add(Change(f"cohort[{idnumber}].member[{user}]", "delete", MEMBER, None,
                            group="cohort members", note="left the roster" if user in leavers else "moved"))
    # course access
    teachers: set[tuple[str, str]] = set()
    for track, course in desired.track_courses.items():
        if course not in desired.enrolments:
            continue
        course_id = state.courses[course].id
        if state.mode == "cohort":
            cohort = desired.track_cohorts[track]
            address = f"course[{course}].cohort_sync[{cohort}]"
            wanted_sync = (config.role, 0)
            current = state.cohort_sync.get(course_id, {}).get(cohort)
            if current == wanted_sync:
                result.unchanged["enrolments"] += 1
            else:
                ops.cohort_sync.append((course, cohort))
                after = {"role": config.role, "status": "enabled"}
                before = None if current is None else {"role": current[0],
                                                       "status": "enabled" if current[1] == 0 else "disabled"}
                plan.add(Change(address, "create" if current is None else "update", before, after,
                                group="enrolments"))
            continue
        active = {by_id[u] for u in state.active.get(course_id, set()) if u in by_id}
        wanted = desired.enrolments[course]
        for user in sorted(wanted):
            if not user_ok(user):
                continue
            address = f"course[{course}].enrolment[{user}]"
            held = state.roles.get(course_id, {}).get(state.users[user].id) if user in active else None
            teaches = sorted((held or frozenset()) & (teaching_roles - {config.role}))
            if teaches:
                teachers.add((course, user))
                result.conflicts.append(Conflict(desired.users[user].person, (
                    f"teaches {state.courses[course].fullname} ({', '.join(teaches)}), so is not enrolled there as "
                    f"a trainee; a trainer is never a trainee of a course they teach")))
            elif held is not None and config.role not in held:
                ops.enrol.append((course, user))  # enrolling again adds the role, keeps the others
                plan.add(Change(address, "update", {"roles": sorted(held)}, {"roles": sorted(held | {config.role})},
                                group="enrolments", note=f"lacks the role {config.role}"))
            elif user in active:
                result.unchanged["enrolments"] += 1
            else:
                ops.enrol.append((course, user))
                plan.add(Change(address, "create", None, ACTIVE, group="enrolments"))
        for user in sorted(active - wanted - untouchable):
            address = f"course[{course}].enrolment[{user}]"
            if unenrol:
                ops.unenrol.append((course, user))
                plan.add(Change(address, "delete", ACTIVE, None, group="enrolments",
                                note="left the roster" if user in leavers else "moved"))
            elif user not in leavers:
                ops.suspend_enrolments.append((course, user))
                plan.add(Change(address, "update", ACTIVE, {"status": "suspended"},
                                group="enrolments", note="moved"))
    if unenrol:
        for course, course_record in state.courses.items():
            active = state.active.get(course_record.id, set())
            for user_id in sorted(state.enrolled.get(course_record.id, set()) - active):
                user = by_id.get(user_id)
                if user is not None and user not in desired.enrolments.get(course, set()) and user not in untouchable:
                    ops.unenrol.append((course, user))
                    plan.add(Change(f"course[{course}].enrolment[{user}]", "delete", {"status": "suspended"}, None,
                                    group="enrolments"))
    # groups and their members
    for course, groups in desired.groups.items():
        course_id = state.courses[course].id
        existing = state.groups.get(course_id, {})
        for group in groups.values():
            address = f"course[{course}].group[{group.idnumber}]"
            if group.idnumber in existing:
                plan.add(Change(address, "noop", {"name": existing[group.idnumber].name},
                                {"name": existing[group.idnumber].name}, group="groups"))
            else:
                ops.create_groups.append(group)
                plan.add(Change(address, "create", None, {"name": group.name}, group="groups"))
        wanted_in_course = desired.enrolments.get(course, set())
        for group_idnumber in sorted(set(groups) | set(existing)):
            group_record = existing.get(group_idnumber)
            present = ({by_id[u] for u in state.group_members.get(group_record.id, set()) if u in by_id}
                       if group_record else set())
            wanted = desired.group_members.get((course, group_idnumber), set())
            for user in sorted(wanted):
                if not user_ok(user) or (course, user) in teachers:
                    continue
                address = f"course[{course}].group[{group_idnumber}].member[{user}]"
                if user in present:
                    result.unchanged["group members"] += 1
                else:
                    ops.add_group_members.append((course, group_idnumber, user))
                    plan.add(Change(address, "create", None, MEMBER, group="group members"))
            for user in sorted((present - wanted) & wanted_in_course):
                ops.remove_group_members.append((course, group_idnumber, user))
                plan.add(Change(f"course[{course}].group[{group_idnumber}].member[{user}]", "delete",
                                MEMBER, None, group="group members", note="moved commune"))
    if result.conflicts:
        plan.notes.append(f"{len(result.conflicts)} people left out because of conflicts")
    plan.notes.append(f"enrolment through {'cohort sync' if state.mode == 'cohort' else 'manual enrolment'}")
    return result


def _plan_users(result: RosterPlan, config: RosterConfig, *, held: frozenset[str], kept: frozenset[str],
                keep_leavers: bool) -> set[str]:
    """User changes; returns the idnumbers of people left out (conflicts, probable matches held)."""
    desired, state, plan, ops = result.desired, result.state, result.plan, result.operations
    blocked: set[str] = set(held)
    for idnumber, wanted in desired.users.items():
        person = wanted.person
        address = f"user[{idnumber}]"
        after = wanted.fields()
        current = state.users.get(idnumber)
        if idnumber in held:
            plan.add(Change(address, "noop", group="users", note=f"row {person.row}: held, probably an account "
                                                                 "that left (see the probable matches)"))
            continue
        if current is None:
            holder = state.usernames.get(wanted.username)
            email_holder = state.emails.get(person.email)
            if holder is not None or email_holder is not None:
                what = (f"username {wanted.username!r} is taken by another account (id {holder.id})" if holder
                        else f"e-mail {person.email!r} is used by another account (id {email_holder.id})")
                result.conflicts.append(Conflict(person, what + "; to adopt that account, set its ID number to "
                                                 f"{idnumber} in Moodle, then run again"))
                blocked.add(idnumber)
                continue
            ops.create_users.append(wanted)
            plan.add(Change(address, "create", None, {"username": wanted.username, **after, "auth": config.auth,
                                                      **({"lang": result.lang} if result.lang else {})},
                            group="users", note=f"row {person.row}"))
            continue
        before = _user_view(current)
        changes = {name: value for name, value in after.items() if before.get(name) != value}
        if "email" in changes:
            holder = state.emails.get(person.email)
            if holder is not None and holder.id != current.id:
                result.conflicts.append(Conflict(person, f"the new e-mail {person.email!r} is used by another "
                                                 f"account (id {holder.id}); the account is left unchanged"))
                changes = {}
        if current.suspended:
            changes["suspended"] = False
        if changes:
            ops.update_users.append(UserUpdate(current.id, idnumber, changes, person))
            plan.add(Change(address, "update", before, {**before, **changes}, group="users",
                            note=f"row {person.row}"))
        else:
            plan.add(Change(address, "noop", group="users", note=f"row {person.row}"))
    for idnumber, user in sorted(state.users.items()):
        if idnumber in desired.users:
            continue
        result.leavers.append(idnumber)
        before = _user_view(user)
        if idnumber in kept or keep_leavers:
            why = "probably a row with a new e-mail" if idnumber in kept else "rows were refused, kept as it is"
            plan.add(Change(f"user[{idnumber}]", "noop", before, before, group="users",
                            note=f"not in the roster: {why}"))
        elif user.suspended:
            plan.add(Change(f"user[{idnumber}]", "noop", before, before, group="users", note="left the roster"))
        else:
            ops.update_users.append(UserUpdate(user.id, idnumber, {"suspended": True}, None))
            plan.add(Change(f"user[{idnumber}]", "update", before, {**before, "suspended": True}, group="users",
                            note="left the roster: suspended"))
    return blocked
