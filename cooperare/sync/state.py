"""Read what Moodle holds for a roster, in as few web-service calls as the site allows.

One call each for: the track courses (``local_cooperare_describe_courses`` with the plugin, which also lists the
cohort-sync instances; ``core_course_get_courses_by_field`` without), the pack's cohorts (one search by the
idnumber prefix) and their members; one per course for its groups and (manual enrolment) its active enrolments;
users by idnumber, by id (people who left), and — only for accounts about to be created or to change e-mail — by
username and by e-mail, batched within the variable budget. Only objects whose idnumber carries the pack's prefix
are considered the pack's. This module reads; it must not write to Moodle or decide what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cooperare.config.roster import RosterConfig
from cooperare.errors import PlanError
from cooperare.moodle.batching import plan_batches
from cooperare.moodle.client import DELETE_COHORT_SYNC, DESCRIBE_COURSES, SAVE_COHORT_SYNC, MoodleClient
from cooperare.moodle.records import Cohort, Course, Group, User
from cooperare.moodle.site import CORE_FUNCTIONS
from cooperare.sync.desired import Desired

PLUGIN_FUNCTIONS = (DESCRIBE_COURSES, SAVE_COHORT_SYNC, DELETE_COHORT_SYNC)


@dataclass(frozen=True, slots=True)
class Account:
    """The fields of a Moodle user the sync compares (the rest of Moodle's answer is dropped at once)."""

    id: int
    username: str
    idnumber: str
    firstname: str
    lastname: str
    email: str
    institution: str
    city: str
    suspended: bool

    @classmethod
    def of(cls, user: User) -> Account:
        raw = user.raw
        return cls(user.id, user.username, user.idnumber, user.firstname, user.lastname, user.email,
                   str(raw.get("institution") or ""), str(raw.get("city") or ""), user.suspended)


def read_accounts(client: MoodleClient, field: str, values: list[Any]) -> list[Account]:
    """``core_user_get_users_by_field`` in budget-sized calls, each answer reduced to :class:`Account` at once
    (30,000 full user records would otherwise stay in memory together)."""
    accounts: list[Account] = []
    budget = client.transport.var_budget
    for batch in plan_batches(values, list_key="values", extra={"field": field}, budget=budget):
        accounts.extend(Account.of(user) for user in client.users.by_field(field, list(batch.items)))
    return accounts


@dataclass
class MoodleState:
    """The pack's objects as read from Moodle, keyed by idnumber (and Moodle ids for relations)."""

    mode: str
    """``cohort`` (cohort-sync instances through local_cooperare) or ``manual``."""
    courses: dict[str, Course] = field(default_factory=dict)
    users: dict[str, Account] = field(default_factory=dict)
    """Pack users by idnumber: everyone of the roster found, and pack users who left it."""
    cohorts: dict[str, Cohort] = field(default_factory=dict)
    cohort_members: dict[int, set[int]] = field(default_factory=dict)
    cohort_sync: dict[int, dict[str, tuple[str, int]]] = field(default_factory=dict)
    """Course id → cohort idnumber → (role shortname, status) of its sync instance there."""
    active: dict[int, set[int]] = field(default_factory=dict)
    """Course id → user ids with an active enrolment (manual mode)."""
    roles: dict[int, dict[int, frozenset[str]]] = field(default_factory=dict)
    """Course id → user id → shortnames of the roles held there (manual mode, active enrolments)."""
    enrolled: dict[int, set[int]] = field(default_factory=dict)
    """Course id → user ids with any enrolment (manual mode, read only when unenrolling)."""
    groups: dict[int, dict[str, Group]] = field(default_factory=dict)
    group_members: dict[int, set[int]] = field(default_factory=dict)
    usernames: dict[str, Account] = field(default_factory=dict)
    """Accounts holding usernames the plan wants to create."""
    emails: dict[str, Account] = field(default_factory=dict)
    """Accounts holding e-mail addresses the plan wants to give."""


def enrolment_mode(client: MoodleClient, config: RosterConfig) -> str:
    """``cohort`` or ``manual``, from the configuration and what the site offers."""
    site = client.site
    plugin_ready = site.has_plugin and not site.missing(PLUGIN_FUNCTIONS)
    if config.enrolment == "manual":
        return "manual"
    if config.enrolment == "cohort":
        site.require_plugin(purpose="cohort-sync enrolment (roster.enrolment: cohort)",
                            functions=PLUGIN_FUNCTIONS)
        return "cohort"
    return "cohort" if plugin_ready else "manual"


def read_state(client: MoodleClient, desired: Desired, *, config: RosterConfig, unenrol: bool) -> MoodleState:
    """Everything :mod:`cooperare.sync.plan` compares with ``desired``."""
    mode = enrolment_mode(client, config)
    client.site.require(CORE_FUNCTIONS["roster"], purpose="roster sync")
    state = MoodleState(mode=mode)
    wanted_courses = sorted(set(desired.enrolments))
    _read_courses(client, state, wanted_courses)
    missing = [idnumber for idnumber in wanted_courses if idnumber not in state.courses]
    if missing:
        raise PlanError(f"the track courses {', '.join(missing)} do not exist in Moodle",
                        hint="provision the catalogue first: cooperare courses apply")
    for user in read_accounts(client, "idnumber", sorted(desired.users)):
        state.users[user.idnumber] = user
    cohorts = client.cohorts.search(desired.cohort_prefix)
    state.cohorts = {c.idnumber: c for c in cohorts if c.idnumber.startswith(desired.cohort_prefix)}
    if state.cohorts:
        state.cohort_members = {cid: set(members) for cid, members in
                                client.cohorts.members(sorted(c.id for c in state.cohorts.values())).items()}
    course_ids = sorted(course.id for course in state.courses.values())
    if mode == "manual":
        for course_id in course_ids:
            enrolled = client.enrol.enrolled_users(course_id, only_active=True, userfields=["id", "roles"])
            state.active[course_id] = {u.id for u in enrolled}
            state.roles[course_id] = {u.id: frozenset(u.roles) for u in enrolled}
            client.roles.observe(pair for u in enrolled for pair in u.role_ids)  # checks the ids the run assumes
    if unenrol and mode == "manual":
        for course_id in course_ids:
            state.enrolled[course_id] = {u.id for u in client.enrol.enrolled_users(course_id, userfields=["id"])}
    _read_leavers(client, state, desired)
    for course_id in course_ids:
        course = next(c for c in state.courses.values() if c.id == course_id)
        prefix = desired.group_prefix(course.idnumber or "")
        state.groups[course_id] = {g.idnumber: g for g in client.groups.of_course(course_id)
                                   if g.idnumber.startswith(prefix)}
    group_ids = sorted(g.id for groups in state.groups.values() for g in groups.values())
    if group_ids:
        state.group_members = {gid: set(members) for gid, members in client.groups.members(group_ids).items()}
    _read_conflicts(client, state, desired)
    return state


def _read_courses(client: MoodleClient, state: MoodleState, idnumbers: list[str]) -> None:
    if not idnumbers:
        return
    if state.mode == "cohort":
        for described in client.course_content.describe(idnumbers):
            course = Course.from_ws({**described.raw, "categoryid": described.raw.get("categoryid", 0)})
            state.courses[described.idnumber] = course
            state.cohort_sync[course.id] = {i.cohortidnumber: (i.role, i.status) for i in described.cohortsync
                                            if i.cohortidnumber}
            client.roles.observe((i.roleid, i.role) for i in described.cohortsync)
        return
    wanted = set(idnumbers)
    for course in client.courses.all():
        if course.idnumber in wanted:
            state.courses[course.idnumber] = course


def _read_leavers(client: MoodleClient, state: MoodleState, desired: Desired) -> None:
    """Pack users who are in the pack's cohorts or courses but not in the roster any more."""
    known = {user.id for user in state.users.values()}
    candidates: set[int] = set()
    for cohort in state.cohorts.values():
        candidates |= state.cohort_members.get(cohort.id, set())
    for ids in (*state.active.values(), *state.enrolled.values()):
        candidates |= ids
    unknown = sorted(candidates - known)
    if not unknown:
        return
    for user in read_accounts(client, "id", unknown):
        if user.idnumber.startswith(desired.person_prefix):
            state.users[user.idnumber] = user


def _read_conflicts(client: MoodleClient, state: MoodleState, desired: Desired) -> None:
    """Who holds the usernames and e-mails that new or changed accounts need (1-2 reads, only when needed)."""
    new = [user for idnumber, user in desired.users.items() if idnumber not in state.users]
    usernames = sorted({user.username for user in new})
    emails = sorted({user.person.email for user in new} |
                    {user.person.email for idnumber, user in desired.users.items()
                     if idnumber in state.users and state.users[idnumber].email.lower() != user.person.email})
    if usernames:
        state.usernames = {u.username: u for u in read_accounts(client, "username", usernames)}
    if emails:
        state.emails = {u.email.lower(): u for u in read_accounts(client, "email", emails)}
