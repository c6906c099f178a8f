"""Trainers and tutors into Moodle: accounts, teacher enrolments by role shortname, and the commune groups they lead.

:func:`read_staff` reads what Moodle holds (the catalogue courses, the staff accounts by the pack's idnumber or by
e-mail, each course's enrolled users with their roles, the pack's commune groups and their members);
:func:`make_staff_plan` compares it with the ``staff:`` configuration into a :class:`StaffPlan` (a
:class:`cooperare.plan.Plan` to show, and the operations to run); :func:`apply_staff_plan` runs them in order
users → enrolments → group members → news forum (each newly enrolled trainer is subscribed to the course's news
forum and can post announcements there, through local_cooperare_save_news_forum_staff when the site offers it), each
batch journaled. One rule is never broken: a trainer is never a trainee of
a course they teach — a person who is enrolled there as a trainee (or is in the roster of that course) is *held*:
nothing is planned for them in that course, and the hold names the person and the course. A lost answer stops the
run; the next plan, made from a fresh read, holds exactly what is still missing. This module must not print.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from cooperare.config.staff import StaffConfig, StaffMember
from cooperare.courses.catalogue import Catalogue
from cooperare.courses.identity import course_idnumber
from cooperare.errors import PlanError, ResponseLost
from cooperare.moodle.client import SAVE_NEWS_FORUM_STAFF, MoodleClient
from cooperare.moodle.records import Course, Group, User
from cooperare.plan import Change, Plan
from cooperare.store import Journal

SCOPE = "staff"
ENROLLED: dict[str, Any] = {"enrolled": True}
MEMBER: dict[str, Any] = {"member": True}
NEWS_OWNER: dict[str, Any] = {"subscribed": True, "posts": True}


@dataclass(frozen=True)
class Hold:
    """An assignment left out of the plan, and why (a trainer who is a trainee of the same course)."""

    member: StaffMember
    course: str
    """Course idnumber."""
    coursename: str
    reason: str

    def __str__(self) -> str:
        return f"{self.member.fullname} <{self.member.email}> ({self.member.key}) in {self.coursename}: {self.reason}"


@dataclass
class StaffState:
    """What Moodle holds for the staff configuration."""

    courses: dict[str, Course] = field(default_factory=dict)
    """Course idnumber → course (catalogue courses named by the configuration)."""
    accounts: dict[str, User] = field(default_factory=dict)
    """Staff key → the Moodle account found (by the pack's idnumber, else by e-mail)."""
    roles: dict[int, dict[int, frozenset[str]]] = field(default_factory=dict)
    """Course id → user id → role shortnames held there."""
    groups: dict[int, list[Group]] = field(default_factory=dict)
    """Course id → the pack's commune groups."""
    members: dict[int, set[int]] = field(default_factory=dict)
    """Group id → member user ids."""
    news_forum: bool = False
    """Whether the site offers local_cooperare_save_news_forum_staff (plugin 0.4.0, 2026120302+): only then are
    trainers made the announcers of their course's news forum."""


@dataclass
class StaffOperations:
    create_users: list[StaffMember] = field(default_factory=list)
    enrol: list[tuple[str, str, str]] = field(default_factory=list)
    """(course idnumber, staff key, role shortname)."""
    add_group_members: list[tuple[str, int, str]] = field(default_factory=list)
    """(course idnumber, group id, staff key)."""
    own_news: list[tuple[str, str]] = field(default_factory=list)
    """(course idnumber, staff key): a trainer who becomes one of the course's announcers (subscribed to its news
    forum, able to post there), planned with the trainer's enrolment."""


@dataclass
class StaffPlan:
    plan: Plan
    operations: StaffOperations
    state: StaffState
    prefix: str
    holds: list[Hold] = field(default_factory=list)
    lang: str = ""
    """Language of the accounts the plan creates (see :attr:`cooperare.sync.plan.RosterPlan.lang`)."""

    def as_json(self, *, ws_calls: int) -> dict[str, Any]:
        data = self.plan.as_json(ws_calls=ws_calls)
        data["holds"] = [str(hold) for hold in self.holds]
        return data


def staff_idnumber(prefix: str, key: str) -> str:
    return f"{prefix}:staff:{key}"


def _course_ids(config: StaffConfig, catalogue: Catalogue) -> dict[str, str]:
    """Catalogue course key → course idnumber, for every course the configuration names."""
    known = {course.key for _, course in catalogue.courses()}
    wanted: dict[str, str] = {}
    for member in config.people:
        for assignment in member.courses:
            if assignment.course not in known:
                raise PlanError(f"staff {member.key} ({member.fullname}): the catalogue has no course "
                                f"{assignment.course!r}", hint=f"catalogue courses: {', '.join(sorted(known))}")
            wanted[assignment.course] = course_idnumber(catalogue.prefix, assignment.course)
    return wanted


def read_staff(client: MoodleClient, config: StaffConfig, *, catalogue: Catalogue, prefix: str) -> StaffState:
    """One read for the courses, one or two for the accounts, and per course its enrolments, groups and members."""
    state = StaffState(news_forum=client.site.has_plugin and SAVE_NEWS_FORUM_STAFF in client.site.functions)
    wanted = _course_ids(config, catalogue)
    idnumbers = set(wanted.values())
    state.courses = {c.idnumber: c for c in client.courses.all() if c.idnumber in idnumbers}
    missing = sorted(idnumbers - set(state.courses))
    if missing:
        raise PlanError(f"the courses {', '.join(missing)} do not exist in Moodle",
                        hint="provision the catalogue first: cooperare courses apply")
    by_idnumber = {u.idnumber: u for u in client.users.by_field(
        "idnumber", [staff_idnumber(prefix, m.key) for m in config.people])}
    for member in config.people:
        if staff_idnumber(prefix, member.key) in by_idnumber:
            state.accounts[member.key] = by_idnumber[staff_idnumber(prefix, member.key)]
    rest = [m for m in config.people if m.key not in state.accounts]
    if rest:
        by_email = {u.email.lower(): u for u in client.users.by_field("email", [m.email for m in rest])}
        for member in rest:
            if member.email.lower() in by_email:
                state.accounts[member.key] = by_email[member.email.lower()]
    for key, course in sorted(wanted.items()):
        record = state.courses[course]
        enrolled = client.enrol.enrolled_users(record.id, userfields=["id", "roles"])
        state.roles[record.id] = {u.id: frozenset(u.roles) for u in enrolled}
        client.roles.observe(pair for u in enrolled for pair in u.role_ids)
        group_prefix = f"{prefix}:group:{key}:"
        state.groups[record.id] = [g for g in client.groups.of_course(record.id) if g.idnumber.startswith(group_prefix)]
    group_ids = sorted(g.id for groups in state.groups.values() for g in groups)
    if group_ids:
        state.members = {gid: set(members) for gid, members in client.groups.members(group_ids).items()}
    return state


def selected_groups(groups: Sequence[Group], wanted: Sequence[str]) -> list[Group]:
    """The groups ``wanted`` names: ``all``, a county code (the county part of the pack's group idnumber) or a name."""
    picked = []
    names = {w.casefold() for w in wanted}
    for group in groups:
        county = group.idnumber.split(":")[-2] if group.idnumber.count(":") >= 4 else ""
        if "all" in names or county.casefold() in names or group.name.casefold() in names:
            picked.append(group)
    return picked


def make_staff_plan(config: StaffConfig, state: StaffState, *, catalogue: Catalogue, prefix: str,
                    trainee_role: str, trainees: Mapping[str, Set[str]] | None = None, lang: str = "") -> StaffPlan:
    """Compare the configuration with ``state``. ``trainees``: course idnumber → e-mails (lower case) of the roster's
    trainees of that course, so a trainer who is about to become a trainee is held too; ``lang``: the language of
    new accounts ("" = the site's default)."""
    wanted = _course_ids(config, catalogue)
    result = StaffPlan(Plan(scope=SCOPE), StaffOperations(), state, prefix, lang=lang)
    plan, ops = result.plan, result.operations
    for member in config.people:
        account = state.accounts.get(member.key)
        address = f"staff[{member.key}]"
        view = {"name": member.fullname, "email": member.email}
        if account is None:
            ops.create_users.append(member)
            plan.add(Change(address, "create", None, {**view, **({"lang": lang} if lang else {})}, group="staff"))
        else:
            plan.add(Change(address, "noop", view, view, group="staff"))
        for assignment in member.courses:
            course = state.courses[wanted[assignment.course]]
            idnumber = wanted[assignment.course]
            held = state.roles.get(course.id, {}).get(account.id, frozenset()) if account else frozenset()
            in_roster = member.email.lower() in (trainees or {}).get(idnumber, set())
            if trainee_role in held or in_roster:
                where = f"enrolled there as {trainee_role}" if trainee_role in held else "in the roster of the course"
                result.holds.append(Hold(member, idnumber, course.fullname,
                                         f"is a trainee of this course ({where}); a trainer is never a trainee of a "
                                         f"course they teach — take them out of the roster or out of staff:"))
                continue
            role = config.role_of(assignment.kind)
            address = f"course[{idnumber}].staff[{member.key}]"
            if role in held:
                plan.add(Change(address, "noop", {"roles": sorted(held)}, {"roles": sorted(held)}, group="enrolments"))
            else:
                ops.enrol.append((idnumber, member.key, role))
                before = {"roles": sorted(held)} if held else None
                plan.add(Change(address, "update" if held else "create", before, {"roles": sorted(held | {role})},
                                group="enrolments", note=assignment.kind))
                if assignment.kind == "trainer" and state.news_forum:
                    ops.own_news.append((idnumber, member.key))
                    plan.add(Change(f"course[{idnumber}].news.staff[{member.key}]", "create", None, NEWS_OWNER,
                                    group="news forum"))
            for group in selected_groups(state.groups.get(course.id, []), assignment.groups):
                address = f"course[{idnumber}].group[{group.idnumber}].staff[{member.key}]"
                if account is not None and account.id in state.members.get(group.id, set()):
                    plan.add(Change(address, "noop", MEMBER, MEMBER, group="groups"))
                else:
                    ops.add_group_members.append((idnumber, group.id, member.key))
                    plan.add(Change(address, "create", None, MEMBER, group="groups"))
    return result


@dataclass
class StaffReport:
    done: Counter[str] = field(default_factory=Counter)


def apply_staff_plan(client: MoodleClient, splan: StaffPlan, *, journal: Journal, run_id: int, auth: str = "manual"
                     ) -> StaffReport:
    """Users → enrolments (grouped by role) → group members; each step one journaled batch (batched further within
    the variable budget by the client)."""
    report = StaffReport()
    ops = splan.operations
    user_ids = {key: user.id for key, user in splan.state.accounts.items()}

    def step(name: str, action: str, keys: list[str], send: Callable[[], Any]) -> Any:
        entry = journal.begin(run_id, scope=SCOPE, address=f"{name}[{keys[0]}]" + (
            f"..[{keys[-1]}] ({len(keys)})" if len(keys) > 1 else ""), action=action,  # type: ignore[arg-type]
            payload={"step": name, "keys": keys})
        try:
            answer = send()
        except ResponseLost as error:
            journal.failed(entry, f"{error}; the next plan, read afresh, holds what is missing")
            raise
        except Exception as error:
            journal.failed(entry, error)
            raise
        journal.done(entry, {"items": len(keys)})
        report.done[name] += len(keys)
        return answer

    if ops.create_users:
        items = [{"username": m.email.lower(), "firstname": m.firstname, "lastname": m.lastname, "email": m.email,
                  "auth": auth, "idnumber": staff_idnumber(splan.prefix, m.key),
                  **({"lang": splan.lang} if splan.lang else {}),
                  **({"createpassword": 1} if auth in ("manual", "email") else {})} for m in ops.create_users]
        created = step("create user", "create", [m.key for m in ops.create_users],
                       lambda: client.users.create(items))
        for member, answer in zip(ops.create_users, created, strict=True):
            user_ids[member.key] = int(answer["id"])
    by_role: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for course, key, role in ops.enrol:
        by_role[role].append((course, key))
    for role, pairs in sorted(by_role.items()):
        enrolments = [(splan.state.courses[c].id, user_ids[k]) for c, k in pairs]
        step("enrol", "create", [f"{c}|{k}" for c, k in pairs], lambda e=enrolments, r=role: client.enrol.enrol(e, role=r))
    if ops.add_group_members:
        members = [(group_id, user_ids[key]) for _, group_id, key in ops.add_group_members]
        step("add group member", "create", [f"{g}|{k}" for _, g, k in ops.add_group_members],
             lambda: client.groups.add_members(members))
    if ops.own_news:
        owners = [(splan.state.courses[c].id, user_ids[k]) for c, k in ops.own_news]
        step("own news forum", "create", [f"{c}|{k}" for c, k in ops.own_news],
             lambda: client.news_forum.own(owners))
    return report
