"""The roster sync as commands use it: plan a roster against a Moodle, then apply that plan with journaling.

:func:`plan_roster` = desired state + one read of Moodle + comparison; :func:`apply_roster` = close what an
interrupted run left, execute, record the people snapshot. Both take a roster that has already been validated, so
nothing reaches Moodle before the whole file is known to be good. This module must not print or prompt.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from cooperare.config.roster import RosterConfig
from cooperare.config.staff import StaffConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.courses.service import course_language
from cooperare.moodle.client import MoodleClient
from cooperare.store import Store
from cooperare.store.people import People
from cooperare.sync.apply import Applier, ApplyReport, Progress, close_unfinished, record_people
from cooperare.sync.desired import desired_state
from cooperare.sync.identity import resolve
from cooperare.sync.model import Roster
from cooperare.sync.plan import RosterPlan, make_plan
from cooperare.sync.staff import StaffPlan, StaffReport, apply_staff_plan, make_staff_plan, read_staff
from cooperare.sync.state import read_state


def plan_roster(client: MoodleClient, roster: Roster, *, catalogue: Catalogue, config: RosterConfig,
                unenrol: bool = False, renames: Mapping[str, str] | None = None,
                distinct: Set[str] = frozenset(), staff: StaffConfig | None = None) -> RosterPlan:
    """Read Moodle and compare it with ``roster``.

    A roster identified by e-mail is resolved first (:mod:`cooperare.sync.identity`): ``renames`` (old e-mail →
    new e-mail) confirm changed addresses, ``distinct`` names new addresses that are new people even though they
    look like an account that left. A roster with refused rows (``--skip-invalid``) suspends nobody."""
    desired = desired_state(roster, catalogue=catalogue, config=config)
    state = read_state(client, desired, config=config, unenrol=unenrol)
    resolution = resolve(client, roster, desired, state, renames=dict(renames or {}), distinct=distinct)
    if resolution.roster is not roster:
        desired = desired_state(resolution.roster, catalogue=catalogue, config=config)
    prefix = desired.person_prefix
    rplan = make_plan(desired, state, config=config, unenrol=unenrol,
                      held=frozenset(prefix + m.person.key for m in resolution.matches),
                      kept=frozenset(m.account.idnumber for m in resolution.matches),
                      keep_leavers=bool(roster.refused),
                      teaching_roles=(staff or StaffConfig()).teaching_roles, lang=course_language(client))
    rplan.matches.extend(resolution.matches)
    rplan.refused = roster.refused
    if roster.identity == "email":
        rplan.plan.notes.insert(0, "people identified by e-mail address (the roster has no registration-code "
                                   "column)")
    if resolution.matches:
        rplan.plan.notes.append(f"{len(resolution.matches)} new rows held: probably people whose e-mail changed")
    if roster.refused:
        rplan.plan.notes.append(f"{len(roster.refused_rows)} rows refused and left out (--skip-invalid); nobody "
                                "is suspended in this run")
    return rplan


@dataclass(frozen=True)
class ApplyOutcome:
    report: ApplyReport
    closed_done: int
    closed_failed: int


def apply_roster(client: MoodleClient, rplan: RosterPlan, *, store: Store, run_id: int, config: RosterConfig,
                 progress: Progress | None = None, concurrency: int = 1) -> ApplyOutcome:
    """Close entries an interrupted run left, apply ``rplan`` (``concurrency`` batches at once), then record the
    people snapshot."""
    closed_done, closed_failed = close_unfinished(store.journal, rplan)
    applier = Applier(client, rplan, journal=store.journal, run_id=run_id, progress=progress, role=config.role,
                      auth=config.auth, concurrency=concurrency)
    try:
        report = applier.run()
    finally:
        record_people(People(store.engine), rplan, applier.user_ids)
    return ApplyOutcome(report, closed_done, closed_failed)


def plan_staff(client: MoodleClient, staff: StaffConfig, *, catalogue: Catalogue, config: RosterConfig,
               roster: Roster | None = None) -> StaffPlan:
    """Read Moodle and compare it with the ``staff:`` section; with ``roster``, its trainees of a course are never
    planned as that course's trainers (they are held, named with the course)."""
    state = read_staff(client, staff, catalogue=catalogue, prefix=config.idnumber_prefix)
    trainees: dict[str, set[str]] = {}
    if roster is not None:
        desired = desired_state(roster, catalogue=catalogue, config=config)
        for course, users in desired.enrolments.items():
            trainees[course] = {desired.users[u].person.email.lower() for u in users}
    splan = make_staff_plan(staff, state, catalogue=catalogue, prefix=config.idnumber_prefix,
                            trainee_role=config.role, trainees=trainees, lang=course_language(client))
    if splan.holds:
        splan.plan.notes.append(f"{len(splan.holds)} course assignments held: the person is a trainee there")
    return splan


def apply_staff(client: MoodleClient, splan: StaffPlan, *, store: Store, config: RosterConfig,
                command: str = "staff apply") -> StaffReport:
    """Apply ``splan``, journaled as one run in ``store``."""
    with store.runs.recording(command, detail={"changes": dict(splan.plan.counts())},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        return apply_staff_plan(client, splan, journal=store.journal, run_id=run.id, auth=config.auth)
