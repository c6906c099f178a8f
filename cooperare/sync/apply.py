"""Execute a :class:`~cooperare.sync.plan.RosterPlan`: users → cohorts → memberships → enrolments → groups.

Each list goes to Moodle in batches sized to the site's POST-variable budget. Every batch is written to the
journal before it is sent and closed after, so a run killed at any point leaves ``begun`` entries that the next
run closes (:func:`close_unfinished`) after re-reading Moodle — the next plan then holds exactly what is still
missing, and nothing is created twice. A batch whose answer was lost is reconciled by reading back (users by
idnumber, cohorts and groups by idnumber, members and enrolments by listing them): only what is verifiably absent
is sent again. Moodle rolls back a whole batch when one record is bad (a bare ``invalidparameter`` for a taken
username, say): such a batch is split in halves until the bad record is alone, which is reported by roster row,
and the rest is applied. Errors that are not about one record (the database, the network, permissions) stop the
run; re-running resumes. Relations of a person whose account could not be created are skipped and reported.
This module must not print or prompt: it reports through :class:`ApplyReport` and a progress callback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cooperare.errors import (
    AccessDenied,
    BatchShortfall,
    InvalidToken,
    MoodleError,
    NotImplementedBySite,
    ResponseLost,
    TransportError,
)
from cooperare.moodle.batching import plan_batches
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.records import Cohort, Group
from cooperare.store import Action, Journal
from cooperare.store.people import People, PersonRecord
from cooperare.sync.desired import DesiredGroup, DesiredUser
from cooperare.sync.model import Person
from cooperare.sync.plan import SCOPE, Operations, RosterPlan, UserUpdate

T = TypeVar("T")
SYSTEMIC_CODES = frozenset({"dmlwriteexception", "dmlreadexception", "ddlexception", "servicenotavailable",
                            "sitemaintenance", "invalidtoken", "accessexception", "nopermissions",
                            "requireloginerror"})
MAX_ISOLATED = 50
"""More bad records than this in one step means the fault is not in the records: the step stops."""
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Failure:
    step: str
    key: str
    person: Person | None
    message: str

    def __str__(self) -> str:
        who = f"row {self.person.row} ({self.person.key}, {self.person.fullname})" if self.person else self.key
        return f"{who}: {self.step} failed: {self.message}"


@dataclass
class ApplyReport:
    done: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    reconciled: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.skipped


@dataclass
class _Step(Generic[T]):
    """How one list of operations is sent, read back and accounted for."""

    name: str
    action: Action
    list_key: str
    key: Callable[[T], str]
    encode: Callable[[T], dict[str, Any]]
    """The item as sent (sizes the batches within the variable budget)."""
    send: Callable[[list[T]], Any]
    """Send one batch through the client's typed method."""
    settle: Callable[[list[T], Any], None]
    verify: Callable[[list[T]], list[T]]
    """Read Moodle back; settle what is there and return the items that are not."""
    person: Callable[[T], Person | None]


def step_key(*parts: str) -> str:
    return "|".join(parts)


class Applier:
    """Runs the operations of one plan against one Moodle, journaling under ``run_id``."""

    def __init__(self, client: MoodleClient, rplan: RosterPlan, *, journal: Journal, run_id: int,
                 progress: Progress | None = None, role: str = "student", auth: str = "manual") -> None:
        self.client = client
        self.rplan = rplan
        self.journal = journal
        self.run_id = run_id
        self.progress = progress or (lambda _step, _done, _total: None)
        self.report = ApplyReport()
        state = rplan.state
        self.user_ids = {idnumber: user.id for idnumber, user in state.users.items()}
        self.cohort_ids = {idnumber: cohort.id for idnumber, cohort in state.cohorts.items()}
        self.course_ids = {idnumber: course.id for idnumber, course in state.courses.items()}
        self.group_ids = {(course, idnumber): group.id for course, record in state.courses.items()
                          for idnumber, group in state.groups.get(record.id, {}).items()}
        self.people = {idnumber: user.person for idnumber, user in rplan.desired.users.items()}
        self.role = role
        self.auth = auth
        self._isolated: Counter[str] = Counter()

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self) -> ApplyReport:
        ops = self.rplan.operations
        if ops.enrol or ops.suspend_enrolments:
            self.client.roles.id_of(self.role)  # an unknown roster.role stops the run before anything is sent
        self._users(ops)
        self._cohorts(ops)
        self._enrolments(ops)
        self._groups(ops)
        self.report.warnings.extend(str(w) for w in self.client.transport.drain_warnings()
                                    if "already exists" not in w.message)
        return self.report

    def _users(self, ops: Operations) -> None:
        self._run(_Step[DesiredUser](
            "create user", "create", "users", key=lambda u: u.idnumber,
            encode=self._new_user,
            send=lambda items: self.client.users.create([self._new_user(u) for u in items]),
            settle=lambda items, answer: self._settle_users(items, [int(a["id"]) for a in answer]),
            verify=self._verify_users, person=lambda u: u.person), ops.create_users)
        self._run(_Step[UserUpdate](
            "update user", "update", "users", key=lambda u: u.idnumber,
            encode=_user_changes, send=self._update_users, settle=lambda items, answer: self._count("update user", items),
            verify=self._verify_updates, person=lambda u: u.person), ops.update_users)

    def _cohorts(self, ops: Operations) -> None:
        self._run(_Step[tuple[str, str]](
            "create cohort", "create", "cohorts", key=lambda c: c[0],
            encode=_new_cohort,
            send=lambda items: self.client.cohorts.create([_new_cohort(c) for c in items]), settle=self._settle_cohorts, verify=self._verify_cohorts,
            person=lambda c: None), ops.create_cohorts)
        adds = self._resolvable("add cohort member", ops.add_cohort_members,
                                lambda p: (self.cohort_ids.get(p[0]), self.user_ids.get(p[1])))
        self._run(_Step[tuple[str, str]](
            "add cohort member", "create", "members", key=lambda p: step_key(*p),
            encode=lambda p: {"cohorttype": {"type": "id", "value": str(self.cohort_ids[p[0]])},
                              "usertype": {"type": "id", "value": str(self.user_ids[p[1]])}},
            send=lambda items: self.client.cohorts.add_members(self._cohort_pairs(items)),
            settle=lambda items, answer: self._count("add cohort member", items),
            verify=lambda items: self._verify_cohort_members(items, present=True),
            person=lambda p: self.people.get(p[1])), adds)
        self._run(_Step[tuple[str, str]](
            "remove cohort member", "delete", "members", key=lambda p: step_key(*p),
            encode=lambda p: {"cohortid": self.cohort_ids[p[0]], "userid": self.user_ids[p[1]]},
            send=lambda items: self.client.cohorts.remove_members(self._cohort_pairs(items)),
            settle=lambda items, answer: self._count("remove cohort member", items),
            verify=lambda items: self._verify_cohort_members(items, present=False),
            person=lambda p: self.people.get(p[1])), ops.remove_cohort_members)

    def _enrolments(self, ops: Operations) -> None:
        syncs = self._resolvable("cohort sync", ops.cohort_sync, lambda p: (self.cohort_ids.get(p[1]),))
        self._run(_Step[tuple[str, str]](
            "cohort sync", "create", "instances", key=lambda p: step_key(*p),
            encode=self._sync_instance,
            send=lambda items: self.client.cohort_sync.save([self._sync_instance(p) for p in items]),
            settle=lambda items, answer: self._count("cohort sync", items),
            verify=self._verify_cohort_sync, person=lambda p: None), syncs)
        manual = [("enrol", "create", ops.enrol, 0), ("suspend enrolment", "update", ops.suspend_enrolments, 1)]
        role_id = self.client.roles.id_of(self.role) if ops.enrol or ops.suspend_enrolments else 0
        for name, action, items, suspend in manual:
            ready = self._resolvable(name, items, lambda p: (self.user_ids.get(p[1]),))
            self._run(_Step[tuple[str, str]](
                name, action, "enrolments", key=lambda p: step_key(*p),
                encode=lambda p, s=suspend: {"roleid": role_id, "userid": self.user_ids[p[1]],
                                             "courseid": self.course_ids[p[0]], "suspend": s or None},
                send=lambda items, s=suspend: self.client.enrol.enrol(self._course_pairs(items), role=self.role,
                                                                     suspend=True if s else None),
                settle=lambda items, answer, n=name: self._count(n, items),
                verify=lambda items, s=suspend: self._verify_enrolments(items, active=not s),
                person=lambda p: self.people.get(p[1])), ready)
        self._run(_Step[tuple[str, str]](
            "unenrol", "delete", "enrolments", key=lambda p: step_key(*p),
            encode=lambda p: {"userid": self.user_ids[p[1]], "courseid": self.course_ids[p[0]]},
            send=lambda items: self.client.enrol.unenrol(self._course_pairs(items)),
            settle=lambda items, answer: self._count("unenrol", items),
            verify=self._verify_unenrolled, person=lambda p: self.people.get(p[1])), ops.unenrol)

    def _groups(self, ops: Operations) -> None:
        self._run(_Step[DesiredGroup](
            "create group", "create", "groups", key=lambda g: step_key(g.course, g.idnumber),
            encode=self._new_group,
            send=lambda items: self.client.groups.create([self._new_group(g) for g in items]),
            settle=self._settle_groups, verify=self._verify_groups, person=lambda g: None), ops.create_groups)
        adds = self._resolvable("add group member", ops.add_group_members,
                                lambda t: (self.group_ids.get((t[0], t[1])), self.user_ids.get(t[2])))
        for name, action, items, send in (
                ("add group member", "create", adds, self.client.groups.add_members),
                ("remove group member", "delete", ops.remove_group_members, self.client.groups.remove_members)):
            self._run(_Step[tuple[str, str, str]](
                name, action, "members", key=lambda t: step_key(*t),
                encode=lambda t: {"groupid": self.group_ids[(t[0], t[1])], "userid": self.user_ids[t[2]]},
                send=lambda items, f=send: f([(self.group_ids[(c, g)], self.user_ids[u]) for c, g, u in items]),
                settle=lambda items, answer, n=name: self._count(n, items),
                verify=lambda items, a=action: self._verify_group_members(items, present=a == "create"),
                person=lambda t: self.people.get(t[2])), items)

    # -- batching, journaling, isolation ---------------------------------------------------------------------

    def _run(self, step: _Step[T], items: Sequence[T]) -> None:
        if not items:
            return
        total = len(items)
        self.progress(step.name, 0, total)
        payloads = [step.encode(item) for item in items]
        done = 0
        for batch in plan_batches(payloads, list_key=step.list_key, budget=self.client.transport.var_budget):
            chunk = list(items[batch.start:batch.start + len(batch.items)])
            self._batch(step, chunk)
            done += len(chunk)
            self.progress(step.name, done, total)

    def _batch(self, step: _Step[T], items: list[T]) -> None:
        keys = [step.key(item) for item in items]
        address = f"{step.name}[{keys[0]}]" + (f"..[{keys[-1]}] ({len(keys)})" if len(keys) > 1 else "")
        entry = self.journal.begin(self.run_id, scope=SCOPE, address=address, action=step.action,
                                   payload={"step": step.name, "keys": keys})
        try:
            answer = step.send(items)
        except ResponseLost:
            missing = step.verify(items)
            self.report.reconciled += 1
            self.journal.done(entry, {"reconciled": True, "applied": len(items) - len(missing)})
            if missing:
                self._batch(step, missing)
            return
        except MoodleError as error:
            self.journal.failed(entry, error)
            if not self._record_level(error):
                raise
            if len(items) == 1:
                self._isolated[step.name] += 1
                self.report.failures.append(Failure(step.name, keys[0], step.person(items[0]), str(error)))
                if self._isolated[step.name] > MAX_ISOLATED:
                    raise
                return
            middle = len(items) // 2
            self._batch(step, items[:middle])
            self._batch(step, items[middle:])
            return
        self.journal.done(entry, _summary(answer, len(items)))
        step.settle(items, answer)

    @staticmethod
    def _record_level(error: MoodleError) -> bool:
        """Could this error come from one bad record of the batch (rather than the site or the network)?"""
        if isinstance(error, (TransportError, InvalidToken, AccessDenied, NotImplementedBySite, BatchShortfall)):
            return False
        return (error.errorcode or "") not in SYSTEMIC_CODES

    def _resolvable(self, name: str, items: Sequence[T], ids: Callable[[T], tuple[int | None, ...]]) -> list[T]:
        """Items whose users, cohorts and groups exist; the others are skipped (their creation failed)."""
        ready = []
        for item in items:
            if all(value is not None for value in ids(item)):
                ready.append(item)
            else:
                self.report.skipped[name] += 1
        return ready

    def _count(self, name: str, items: Sequence[Any]) -> None:
        self.report.done[name] += len(items)

    # -- users ------------------------------------------------------------------------------------------------

    def _new_user(self, user: DesiredUser) -> dict[str, Any]:
        data: dict[str, Any] = {"username": user.username, **user.fields(), "auth": self.auth,
                                "idnumber": user.idnumber}
        if self.auth in ("manual", "email"):
            data["createpassword"] = 1  # Moodle e-mails the new user a password of its own making
        return data

    def _settle_users(self, items: Sequence[DesiredUser], ids: Sequence[int]) -> None:
        for user, user_id in zip(items, ids, strict=True):
            self.user_ids[user.idnumber] = user_id
        self._count("create user", items)

    def _verify_users(self, items: list[DesiredUser]) -> list[DesiredUser]:
        found = {u.idnumber: u.id for u in self.client.users.by_field("idnumber", [i.idnumber for i in items])}
        present = [item for item in items if item.idnumber in found]
        self._settle_users(present, [found[item.idnumber] for item in present])
        return [item for item in items if item.idnumber not in found]

    def _update_users(self, items: list[UserUpdate]) -> Any:
        warnings = self.client.users.update([_user_changes(u) for u in items])
        for warning in warnings:
            self.report.warnings.append(f"update user {warning.get('itemid')}: {warning.get('message')}")
        return {"warnings": warnings}

    def _verify_updates(self, items: list[UserUpdate]) -> list[UserUpdate]:
        found = {u.id: u for u in self.client.users.by_field("id", [i.user_id for i in items])}
        missing = []
        for item in items:
            user = found.get(item.user_id)
            if user is None:
                continue
            view = {**user.raw, "suspended": user.suspended}
            if any(view.get(k) != v for k, v in item.changes.items()):
                missing.append(item)
        self._count("update user", [i for i in items if i not in missing])
        return missing

    # -- cohorts ----------------------------------------------------------------------------------------------

    def _cohort_pairs(self, items: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
        return [(self.cohort_ids[c], self.user_ids[u]) for c, u in items]

    def _settle_cohorts(self, items: Sequence[tuple[str, str]], answer: Sequence[Cohort]) -> None:
        for (idnumber, _name), created in zip(items, answer, strict=True):
            self.cohort_ids[idnumber] = created.id
        self._count("create cohort", items)

    def _verify_cohorts(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        found = {c.idnumber: c.id for c in self.client.cohorts.search(self.rplan.desired.cohort_prefix)}
        for idnumber, _name in items:
            if idnumber in found:
                self.cohort_ids[idnumber] = found[idnumber]
        present = [item for item in items if item[0] in found]
        self._count("create cohort", present)
        return [item for item in items if item[0] not in found]

    def _verify_cohort_members(self, items: list[tuple[str, str]], *, present: bool) -> list[tuple[str, str]]:
        members = self.client.cohorts.members(sorted({self.cohort_ids[c] for c, _ in items}))
        not_done = [(c, u) for c, u in items
                    if (self.user_ids[u] in members.get(self.cohort_ids[c], [])) != present]
        self._count("add cohort member" if present else "remove cohort member",
                    [i for i in items if i not in not_done])
        return not_done

    # -- enrolments -------------------------------------------------------------------------------------------

    def _sync_instance(self, pair: tuple[str, str]) -> dict[str, Any]:
        return {"courseid": self.course_ids[pair[0]], "cohortidnumber": pair[1], "role": self.role}

    def _course_pairs(self, items: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
        return [(self.course_ids[c], self.user_ids[u]) for c, u in items]

    def _verify_cohort_sync(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        described = self.client.course_content.describe(sorted({course for course, _ in items}))
        existing = {(course.idnumber, i.cohortidnumber) for course in described for i in course.cohortsync}
        not_done = [item for item in items if item not in existing]
        self._count("cohort sync", [i for i in items if i not in not_done])
        return not_done

    def _active(self, courses: set[str], *, only_active: bool) -> dict[str, set[int]]:
        return {course: {u.id for u in self.client.enrol.enrolled_users(self.course_ids[course],
                                                                         only_active=only_active,
                                                                         userfields=["id"])}
                for course in sorted(courses)}

    def _verify_enrolments(self, items: list[tuple[str, str]], *, active: bool) -> list[tuple[str, str]]:
        enrolled = self._active({c for c, _ in items}, only_active=True)
        not_done = [(c, u) for c, u in items if (self.user_ids[u] in enrolled[c]) != active]
        self._count("enrol" if active else "suspend enrolment", [i for i in items if i not in not_done])
        return not_done

    def _verify_unenrolled(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        enrolled = self._active({c for c, _ in items}, only_active=False)
        not_done = [(c, u) for c, u in items if self.user_ids[u] in enrolled[c]]
        self._count("unenrol", [i for i in items if i not in not_done])
        return not_done

    # -- groups -----------------------------------------------------------------------------------------------

    def _new_group(self, group: DesiredGroup) -> dict[str, Any]:
        return {"courseid": self.course_ids[group.course], "name": group.name, "description": "",
                "idnumber": group.idnumber}

    def _settle_groups(self, items: Sequence[DesiredGroup], answer: Sequence[Group]) -> None:
        for group, created in zip(items, answer, strict=True):
            self.group_ids[(group.course, group.idnumber)] = created.id
        self._count("create group", items)

    def _verify_groups(self, items: list[DesiredGroup]) -> list[DesiredGroup]:
        found: dict[tuple[str, str], int] = {}
        for course in sorted({g.course for g in items}):
            for group in self.client.groups.of_course(self.course_ids[course]):
                found[(course, group.idnumber)] = group.id
        present = [g for g in items if (g.course, g.idnumber) in found]
        for group in present:
            self.group_ids[(group.course, group.idnumber)] = found[(group.course, group.idnumber)]
        self._count("create group", present)
        return [g for g in items if (g.course, g.idnumber) not in found]

    def _verify_group_members(self, items: list[tuple[str, str, str]], *, present: bool
                              ) -> list[tuple[str, str, str]]:
        members = self.client.groups.members(sorted({self.group_ids[(c, g)] for c, g, _ in items}))
        not_done = [(c, g, u) for c, g, u in items
                    if (self.user_ids[u] in members.get(self.group_ids[(c, g)], [])) != present]
        self._count("add group member" if present else "remove group member", [i for i in items if i not in not_done])
        return not_done


def pending_keys(ops: Operations) -> dict[str, set[str]]:
    """The journal keys of every operation of a plan, by step name (as :class:`Applier` journals them)."""
    return {
        "create user": {u.idnumber for u in ops.create_users},
        "update user": {u.idnumber for u in ops.update_users},
        "create cohort": {c for c, _ in ops.create_cohorts},
        "add cohort member": {step_key(*p) for p in ops.add_cohort_members},
        "remove cohort member": {step_key(*p) for p in ops.remove_cohort_members},
        "cohort sync": {step_key(*p) for p in ops.cohort_sync},
        "enrol": {step_key(*p) for p in ops.enrol},
        "suspend enrolment": {step_key(*p) for p in ops.suspend_enrolments},
        "unenrol": {step_key(*p) for p in ops.unenrol},
        "create group": {step_key(g.course, g.idnumber) for g in ops.create_groups},
        "add group member": {step_key(*t) for t in ops.add_group_members},
        "remove group member": {step_key(*t) for t in ops.remove_group_members},
    }


def close_unfinished(journal: Journal, rplan: RosterPlan) -> tuple[int, int]:
    """Close the entries an interrupted run left ``begun``, using a plan made from a fresh read of Moodle.

    An entry whose keys the new plan no longer needs happened (``done``); one with keys still planned did not, or
    only partly (``failed``: the new plan sends what is missing). Returns (done, failed).
    """
    pending = pending_keys(rplan.operations)
    closed = [0, 0]
    for entry in journal.unfinished(SCOPE):
        payload = entry.payload if isinstance(entry.payload, dict) else {}
        keys = set(payload.get("keys") or [])
        still = keys & pending.get(str(payload.get("step")), set())
        if still:
            journal.failed(entry.id, f"interrupted; {len(still)} of {len(keys)} not in Moodle when re-read, "
                                     "planned again")
            closed[1] += 1
        else:
            journal.done(entry.id, {"reconciled": True, "applied": len(keys)})
            closed[0] += 1
    return closed[0], closed[1]


def record_people(people: People, rplan: RosterPlan, user_ids: dict[str, int]) -> None:
    """Keep the store's snapshot of roster people in step with what was applied (leavers marked suspended)."""
    records = [PersonRecord(p.key, idnumber, user_ids.get(idnumber), p.firstname, p.lastname, p.email, p.county,
                            p.commune, p.organisation, p.category, p.track, "active")
               for idnumber, wanted in rplan.desired.users.items() for p in (wanted.person,)]
    people.upsert(records)
    prefix = rplan.desired.person_prefix
    people.set_status([idnumber.removeprefix(prefix) for idnumber in rplan.leavers], "suspended")


def _user_changes(update: UserUpdate) -> dict[str, Any]:
    return {"id": update.user_id, **{k: int(v) if isinstance(v, bool) else v for k, v in update.changes.items()}}


def _new_cohort(cohort: tuple[str, str]) -> dict[str, Any]:
    return {"categorytype": {"type": "system", "value": ""}, "name": cohort[1], "idnumber": cohort[0], "visible": 1}


def _summary(answer: Any, count: int) -> dict[str, Any]:
    """What the journal keeps of an answer: ids created (not the records), warning count."""
    if isinstance(answer, list):
        ids = [a.get("id") if isinstance(a, dict) else getattr(a, "id", None) for a in answer]
        return {"items": count, "ids": [i for i in ids if i is not None]}
    if isinstance(answer, dict) and "warnings" in answer:
        return {"items": count, "warnings": len(answer["warnings"])}
    return {"items": count}
