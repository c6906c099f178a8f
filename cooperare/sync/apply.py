"""Execute a :class:`~cooperare.sync.plan.RosterPlan`: users, cohorts and groups; then memberships and
manual enrolments; then cohort sync; then group members (each stage's steps side by side when ``site.concurrency`` allows).

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

from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cooperare.errors import (
    AccessDenied,
    BatchShortfall,
    InvalidToken,
    MoodleError,
    NotImplementedBySite,
    PlanError,
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
MIN_SPREAD = 20
"""A batch is cut for concurrency only into parts of at least this many items."""
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
    min_spread: int = MIN_SPREAD
    """A batch of this step is cut for concurrency only into parts of at least this many items; 1 for a step whose
    every item is heavy work on the server (a cohort sync instance enrols the whole cohort)."""


def step_key(*parts: str) -> str:
    return "|".join(parts)


class Applier:
    """Runs the operations of one plan against one Moodle, journaling under ``run_id``."""

    def __init__(self, client: MoodleClient, rplan: RosterPlan, *, journal: Journal, run_id: int,
                 progress: Progress | None = None, role: str = "student", auth: str = "manual",
                 concurrency: int = 1) -> None:
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
        if concurrency < 1:
            raise PlanError(f"concurrency must be at least 1, not {concurrency}", hint="set site.concurrency")
        self.concurrency = concurrency
        self._staged: list[tuple[_Step[Any], Sequence[Any]]] | None = None
        self._done_items: Counter[str] = Counter()
        self._totals: dict[str, int] = {}

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self) -> ApplyReport:
        """Four stages, each waiting for the one before: what depends on nothing (users, cohorts, groups), what
        needs their ids (cohort members, manual enrolments), cohort sync (which enrols the cohort's members, so only
        once they are in), and group members, which Moodle accepts only for people enrolled in the course. The
        steps of a stage are independent, so with ``concurrency`` above 1 their batches are sent side by side."""
        ops = self.rplan.operations
        if ops.enrol or ops.suspend_enrolments:
            self.client.roles.id_of(self.role)  # an unknown roster.role stops the run before anything is sent
        with self._stage():
            self._users(ops)
            self._cohorts(ops)
            self._create_groups(ops)
        with self._stage():
            self._cohort_members(ops)
            self._manual_enrolments(ops)
        # Not side by side with the cohort members: a sync instance created while members are being added (two
        # transactions) enrols neither those members nor does the members' observer see the new instance; on a
        # real Moodle 5.0 that left people in the cohort but not in the course, and their group adds failed.
        with self._stage():
            self._cohort_sync(ops)
        with self._stage():
            self._group_members(ops)
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

    def _cohort_members(self, ops: Operations) -> None:
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

    def _cohort_sync(self, ops: Operations) -> None:
        syncs = self._resolvable("cohort sync", ops.cohort_sync, lambda p: (self.cohort_ids.get(p[1]),))
        self._run(_Step[tuple[str, str]](
            "cohort sync", "create", "instances", key=lambda p: step_key(*p),
            encode=self._sync_instance,
            send=lambda items: self.client.cohort_sync.save([self._sync_instance(p) for p in items]),
            settle=lambda items, answer: self._count("cohort sync", items),
            verify=self._verify_cohort_sync, person=lambda p: None,
            # Each instance enrols a whole cohort (Moodle's enrol_cohort_sync, 2.7 s for 292 people in one call on
            # the real 4.5.6): instances of different courses go in separate calls, side by side.
            min_spread=1), syncs)

    def _manual_enrolments(self, ops: Operations) -> None:
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

    def _create_groups(self, ops: Operations) -> None:
        self._run(_Step[DesiredGroup](
            "create group", "create", "groups", key=lambda g: step_key(g.course, g.idnumber),
            encode=self._new_group,
            send=lambda items: self.client.groups.create([self._new_group(g) for g in items]),
            settle=self._settle_groups, verify=self._verify_groups, person=lambda g: None), ops.create_groups)

    def _group_members(self, ops: Operations) -> None:
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

    @contextmanager
    def _stage(self) -> Iterator[None]:
        """Collect the steps :meth:`_run` is given, then send them all (side by side when concurrency allows)."""
        self._staged = []
        try:
            yield
            staged = self._staged
        finally:
            self._staged = None
        self._send_steps(staged)

    def _run(self, step: _Step[T], items: Sequence[T]) -> None:
        """Send one step's operations, or keep them for the stage being collected."""
        if not items:
            return
        if self._staged is not None:
            self._staged.append((step, items))
        else:
            self._send_steps([(step, items)])

    def _send_steps(self, steps: Sequence[tuple[_Step[Any], Sequence[Any]]]) -> None:
        """Send the operations of independent steps in batches, up to ``concurrency`` batches at once.

        Only the sending runs in worker threads; journaling, reading back, settling and splitting a refused batch
        all happen here, one batch outcome at a time, so the journal and the id maps see one writer. When a batch
        fails for a reason that is not one record's, the batches already in flight are awaited and recorded before
        the error goes up: nothing that reached Moodle is left out of the journal.
        """
        queue: deque[tuple[_Step[Any], list[Any], list[dict[str, Any]]]] = deque()
        for step, items in steps:
            total = len(items)
            self._totals[step.name] = total
            self._done_items[step.name] = 0
            self.progress(step.name, 0, total)
            payloads = [step.encode(item) for item in items]
            batches = list(plan_batches(payloads, list_key=step.list_key, budget=self.client.transport.var_budget))
            # fewer batches than calls that may run at once: cut each into parts (of at least MIN_SPREAD items, so
            # a small step is not turned into many tiny calls)
            wanted = min(-(-self.concurrency // len(batches)), max(1, total // (step.min_spread * len(batches))))
            for batch in batches:
                chunk = list(items[batch.start:batch.start + len(batch.items)])
                queue.extend((step, part, part_payloads)
                             for part, part_payloads in _spread(chunk, list(batch.items), parts=wanted))
        if self.concurrency == 1:
            while queue:
                step, chunk, chunk_payloads = queue.popleft()
                entry = self._begin(step, chunk)
                follow = self._settle_batch(step, chunk, chunk_payloads, entry, _outcome(step.send, chunk))
                queue.extendleft(reversed([(step, part, part_payloads) for part, part_payloads in follow]))
            return
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="cooperare-send") as pool:
            in_flight: dict[Future[Any], tuple[_Step[Any], list[Any], list[dict[str, Any]], int]] = {}
            failure: BaseException | None = None
            while (queue and failure is None) or in_flight:
                while queue and failure is None and len(in_flight) < self.concurrency:
                    step, chunk, chunk_payloads = queue.popleft()
                    entry = self._begin(step, chunk)
                    in_flight[pool.submit(step.send, chunk)] = (step, chunk, chunk_payloads, entry)
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    step, chunk, chunk_payloads, entry = in_flight.pop(future)
                    try:
                        follow = self._settle_batch(step, chunk, chunk_payloads, entry, future)
                    except BaseException as error:  # noqa: BLE001 - re-raised once in-flight batches are recorded
                        failure = failure or error
                        continue
                    queue.extend((step, part, part_payloads) for part, part_payloads in follow)
            if failure is not None:
                raise failure

    def _begin(self, step: _Step[T], items: list[T]) -> int:
        keys = [step.key(item) for item in items]
        address = f"{step.name}[{keys[0]}]" + (f"..[{keys[-1]}] ({len(keys)})" if len(keys) > 1 else "")
        return self.journal.begin(self.run_id, scope=SCOPE, address=address, action=step.action,
                                  payload={"step": step.name, "keys": keys})

    def _settle_batch(self, step: _Step[T], items: list[T], payloads: list[dict[str, Any]], entry: int,
                      outcome: Future[Any]) -> list[tuple[list[T], list[dict[str, Any]]]]:
        """Journal and settle one sent batch; returns the batches still to send (the halves of a batch Moodle
        refused for one bad record, or what a lost answer did not apply)."""
        try:
            answer = outcome.result()
        except ResponseLost:
            missing = step.verify(items)
            self.report.reconciled += 1
            self.journal.done(entry, {"reconciled": True, "applied": len(items) - len(missing)})
            self._advance(step, len(items) - len(missing))
            if not missing:
                return []
            positions = {id(item): index for index, item in enumerate(items)}
            return [(missing, [payloads[positions[id(item)]] for item in missing])]
        except MoodleError as error:
            self.journal.failed(entry, error)
            if not self._record_level(error):
                raise
            if len(items) == 1:
                self._isolated[step.name] += 1
                self.report.failures.append(Failure(step.name, step.key(items[0]), step.person(items[0]), str(error)))
                self._advance(step, 1)
                if self._isolated[step.name] > MAX_ISOLATED:
                    raise
                return []
            middle = len(items) // 2
            return [(items[:middle], payloads[:middle]), (items[middle:], payloads[middle:])]
        self.journal.done(entry, _summary(answer, len(items)))
        step.settle(items, answer)
        self._advance(step, len(items))
        return []

    def _advance(self, step: _Step[T], count: int) -> None:
        self._done_items[step.name] += count
        self.progress(step.name, self._done_items[step.name], self._totals[step.name])

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
        if self.rplan.lang:
            data["lang"] = self.rplan.lang  # dashboard, notices and Moodle's e-mails in Romanian, not only courses
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


def _outcome(send: Callable[[list[Any]], Any], items: list[Any]) -> Future[Any]:
    """``send(items)`` run here and now, as a finished future (the one-at-a-time path)."""
    future: Future[Any] = Future()
    try:
        future.set_result(send(items))
    except BaseException as error:  # noqa: BLE001 - handed to the caller through the future
        future.set_exception(error)
    return future


def _spread(items: list[T], payloads: list[dict[str, Any]], *, parts: int
            ) -> list[tuple[list[T], list[dict[str, Any]]]]:
    """One batch cut into up to ``parts`` nearly equal batches, so that ``parts`` calls can run at once; a single
    item (or ``parts`` = 1) stays whole."""
    count = min(parts, len(items))
    if count <= 1:
        return [(items, payloads)]
    size, extra = divmod(len(items), count)
    cuts, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        cuts.append((items[start:end], payloads[start:end]))
        start = end
    return cuts


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
