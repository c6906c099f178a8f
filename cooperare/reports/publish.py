"""Publishing the certification report into Moodle for the coordinators, in two calls: ``plan_publish`` and
``apply_publish`` (the house service shape of :mod:`cooperare.courses.service`).

The coordinators' place is one course (idnumber ``<prefix>:course:coordonare``, hidden by default) reached only
through a cohort-sync enrolment of the ``<prefix>:echipa:coordonatori`` cohort, whose members are the coordinators
named in ``reports.coordinators`` (usernames or e-mail addresses; members no longer listed are removed). Section 1,
"Raport curent", holds the latest report — PDF, XLSX and the HTML dashboard, each a ``resource`` (the dashboard is
a whole document with its own head and styles, which a ``page`` would wrap in the theme; as a file it opens as made
and can be downloaded and read offline); section 2, "Arhivă", holds every published
version as dated resources (idnumbers carry the date and time), so a new version replaces the latest ones and the
previous stay readable. A report is a new version only when its content changed (the fingerprint of its tables,
without the time it was generated): an unchanged re-run is a no-op plan that writes nothing.

Everything goes through :class:`~cooperare.moodle.client.MoodleClient` and local_cooperare's save functions; apply
journals every change in the store. This module must not compute the report nor render it beyond calling the
renderers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cooperare.config.reports import ReportsConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.courses.identity import category_idnumber, course_idnumber
from cooperare.courses.service import course_language
from cooperare.errors import MoodleError, PlanError
from cooperare.journaled import JournaledSteps
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.site import REPORT_PUBLISH_FUNCTIONS
from cooperare.plan import Change, Plan, fingerprint
from cooperare.reports.certification import CertificationReport
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord

SCOPE = "report publish"
FUNCTIONS = REPORT_PUBLISH_FUNCTIONS
ZONE = ZoneInfo("Europe/Bucharest")
LATEST_SECTION, ARCHIVE_SECTION = 1, 2
DISPLAY_AUTO, DISPLAY_OPEN = "0", "5"
COURSE_SUMMARY = ("<p>Rapoartele de certificare ale proiectului „Cooperare digitală pentru dezvoltare locală”, "
                  "numai pentru coordonatori. Cel mai recent raport este în secțiunea „Raport curent”; versiunile "
                  "publicate anterior, datate, sunt în „Arhivă”.</p>")
SECTIONS = {
    0: ("", COURSE_SUMMARY),
    LATEST_SECTION: ("Raport curent", "<p>Cel mai recent raport de certificare: panoul de bord, PDF-ul și tabelul "
                                      "XLSX. Se înlocuiesc la fiecare publicare.</p>"),
    ARCHIVE_SECTION: ("Arhivă", "<p>Toate versiunile publicate ale raportului, cu data și ora publicării.</p>"),
}


@dataclass(frozen=True)
class ReportFile:
    """One file of a published version."""

    key: str
    """dashboard, pdf, xlsx: the last part of its idnumber."""
    label: str
    extension: str
    content: bytes
    display: str


@dataclass(frozen=True)
class Bundle:
    """What one publish puts into Moodle: the version (content fingerprint), when it was made, and its files."""

    version: str
    generated_at: datetime
    files: tuple[ReportFile, ...]

    @property
    def stamp(self) -> str:
        """Local date and time of the version, as idnumbers and file names carry it (20271001-1230)."""
        return f"{self.generated_at.astimezone(ZONE):%Y%m%d-%H%M}"

    @property
    def shown_date(self) -> str:
        return f"{self.generated_at.astimezone(ZONE):%Y-%m-%d %H:%M}"

    def filename(self, report_file: ReportFile) -> str:
        return f"raport-certificare-{self.stamp}.{report_file.extension}" if report_file.key != "dashboard" \
            else f"panou-certificare-{self.stamp}.html"


def report_version(report: CertificationReport) -> str:
    """The fingerprint of what the report says (targets, tables), not of when it was generated."""
    return fingerprint({"tracks": [(t.key, t.name, t.target, t.certified) for t in report.tracks],
                        "tables": [(t.key, [c.title for c in t.columns], t.rows) for t in report.tables]})


def build_bundle(report: CertificationReport, *, write_pdf: Callable[[CertificationReport, Path], None]) -> Bundle:
    """Render the dashboard, the XLSX and (with ``write_pdf``, which holds the fonts) the PDF of ``report``."""
    from cooperare.reports.dashboard import render_dashboard
    from cooperare.reports.tabular import write_xlsx

    with tempfile.TemporaryDirectory(prefix="cooperare-report-") as folder:
        pdf, xlsx = Path(folder) / "raport.pdf", Path(folder) / "raport.xlsx"
        write_pdf(report, pdf)
        write_xlsx(report, xlsx)
        files = (
            ReportFile("dashboard", "Panou de certificare (HTML)", "html",
                       render_dashboard(report).encode("utf-8"), DISPLAY_OPEN),
            ReportFile("pdf", "Raport de certificare (PDF)", "pdf", pdf.read_bytes(), DISPLAY_AUTO),
            ReportFile("xlsx", "Raport de certificare (XLSX)", "xlsx", xlsx.read_bytes(), DISPLAY_AUTO),
        )
    return Bundle(report_version(report), report.generated_at, files)


# -- identities ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """The idnumbers of what the coordinators' place consists of."""

    prefix: str
    config: ReportsConfig

    @property
    def course(self) -> str:
        return course_idnumber(self.prefix, self.config.course_key)

    @property
    def cohort(self) -> str:
        """Outside the roster's ``<prefix>:cohort:`` namespace, so a roster sync never counts it as its own."""
        return f"{self.prefix}:echipa:{self.config.cohort_key}"

    def latest(self, key: str) -> str:
        return f"{self.prefix}:{self.config.course_key}:curent:{key}"

    def archived(self, stamp: str, key: str) -> str:
        return f"{self.prefix}:{self.config.course_key}:arhiva:{stamp}:{key}"

    def is_archived(self, idnumber: str) -> bool:
        return idnumber.startswith(f"{self.prefix}:{self.config.course_key}:arhiva:")


# -- reading Moodle -------------------------------------------------------------------------------------------------


@dataclass
class PublishState:
    """What Moodle holds of the coordinators' place."""

    course_id: int | None = None
    course: dict[str, Any] = field(default_factory=dict)
    category_id: int = 0
    sections: dict[int, dict[str, Any]] = field(default_factory=dict)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    cohort_id: int | None = None
    members: set[int] = field(default_factory=set)
    sync: dict[str, Any] | None = None
    coordinators: dict[str, int] = field(default_factory=dict)
    """Configured coordinator (as written) → Moodle user id, for those found."""
    usernames: dict[int, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return fingerprint({"course": self.course, "sections": self.sections, "activities": self.activities,
                            "cohort": self.cohort_id, "members": sorted(self.members), "sync": self.sync,
                            "coordinators": self.coordinators})


def read_state(client: MoodleClient, place: Place, *, catalogue_category: str) -> PublishState:
    state = PublishState()
    found = client.courses.by_field("idnumber", place.course)
    categories = client.categories.get(idnumber=catalogue_category)
    state.category_id = categories[0].id if categories else min((c.id for c in client.categories.all()), default=1)
    if found:
        course = found[0]
        state.course_id = course.id
        described = client.course_content.describe([place.course])
        data = described[0].raw if described else {}
        state.course = {"fullname": str(data.get("fullname", "")), "shortname": str(data.get("shortname", "")),
                        "visible": int(data.get("visible", 1))}
        state.sections = {int(s["number"]): {"name": s.get("name", ""), "spechash": s.get("spechash", "")}
                          for s in data.get("sections", [])}
        state.activities = {str(a["idnumber"]): {"name": a.get("name", ""), "spechash": a.get("spechash", ""),
                                                 "section": int(a.get("section", 0))}
                            for a in data.get("activities", []) if a.get("idnumber")}
        state.sync = next(({"role": str(i.get("role", "")), "status": int(i.get("status", 0))}
                           for i in data.get("cohortsync", []) if i.get("cohortidnumber") == place.cohort), None)
    cohorts = [c for c in client.cohorts.search(place.cohort) if c.idnumber == place.cohort]
    if cohorts:
        state.cohort_id = cohorts[0].id
        state.members = set(client.cohorts.members([cohorts[0].id]).get(cohorts[0].id, []))
    strangers = sorted(state.members)
    wanted = place.config.coordinators
    emails = [w for w in wanted if "@" in w]
    names = [w.lower() for w in wanted if "@" not in w]
    by_email = {u.email.lower(): u for u in client.users.by_field("email", emails)} if emails else {}
    by_name = {u.username: u for u in client.users.by_field("username", names)} if names else {}
    for entry in wanted:
        user = by_email.get(entry.lower()) if "@" in entry else by_name.get(entry.lower())
        if user is not None:
            state.coordinators[entry] = user.id
            state.usernames[user.id] = user.username
    unnamed = [user_id for user_id in strangers if user_id not in state.usernames]
    if unnamed:  # members no longer listed: named in the plan by username, not by id
        state.usernames.update({u.id: u.username for u in client.users.by_field("id", unnamed)})
    return state


# -- planning -------------------------------------------------------------------------------------------------------


@dataclass
class PublishPlan:
    place: Place
    bundle: Bundle
    state: PublishState
    plan: Plan
    lang: str = ""
    """The course's forced language at creation: "ro" when the site has the Romanian pack, else ""."""


def plan_publish(client: MoodleClient, *, prefix: str, catalogue_category: str, config: ReportsConfig,
                 bundle: Bundle) -> PublishPlan:
    """Read the coordinators' place in Moodle and compare it with ``bundle`` and ``config``."""
    client.site.require(list(FUNCTIONS), purpose="publishing the report into Moodle")
    place = Place(prefix, config)
    state = read_state(client, place, catalogue_category=category_idnumber(prefix, catalogue_category))
    plan = Plan(scope=SCOPE, state_fingerprint=state.fingerprint)
    course = f"course[{place.course}]"
    desired_course = {"fullname": config.course_name, "shortname": config.course_shortname,
                      "visible": int(config.visible)}
    plan.add(_compare(course, state.course if state.course_id else None, desired_course, group="course"))
    cohort = f"cohort[{place.cohort}]"
    plan.add(Change(cohort, "noop" if state.cohort_id else "create", None, {"name": config.cohort_name},
                    group="cohort"))
    for entry in config.coordinators:
        if entry not in state.coordinators:
            plan.notes.append(f"coordinator {entry!r} has no Moodle account (username or e-mail): not added")
    if not config.coordinators:
        plan.notes.append("no coordinators configured (reports.coordinators): nobody can open the course")
    desired_members = set(state.coordinators.values())
    for user_id in sorted(desired_members | state.members):
        name = state.usernames.get(user_id, str(user_id))
        action = "noop" if user_id in state.members and user_id in desired_members else \
            "create" if user_id in desired_members else "delete"
        member = {"userid": user_id}
        plan.add(Change(f"{cohort}.member[{name}]", action, None if action == "create" else member,
                        None if action == "delete" else member, group="cohort"))
    plan.add(_compare(f"{course}.cohortsync[{place.cohort}]", state.sync, {"role": config.role, "status": 0},
                      group="access"))
    for number, (name, summary) in SECTIONS.items():
        spec = {"name": name, "spechash": fingerprint([name, summary])[:16]}
        plan.add(_compare(f"{course}.section[{number}]", state.sections.get(number), spec, group="sections",
                          payload={**spec, "summary": summary}))
    for report_file in bundle.files:
        spec = _resource(bundle, report_file, section=LATEST_SECTION,
                         name=f"{report_file.label} — cel mai recent ({bundle.shown_date})")
        plan.add(_compare(f"{course}.activity[{place.latest(report_file.key)}]",
                          state.activities.get(place.latest(report_file.key)), spec, group="latest"))
    archived_versions = {a["spechash"] for idnumber, a in state.activities.items() if place.is_archived(idnumber)}
    stamp = _free_stamp(place, bundle, state)
    for report_file in bundle.files:
        spec = _resource(bundle, report_file, section=ARCHIVE_SECTION,
                         name=f"{report_file.label} — {bundle.shown_date}")
        if spec["spechash"] not in archived_versions:
            plan.add(Change(f"{course}.activity[{place.archived(stamp, report_file.key)}]", "create", None,
                            spec, group="archive"))
    lang = course_language(client)
    plan.ws_calls = client.transport.stats.calls
    return PublishPlan(place, bundle, state, plan, lang=lang)


def _free_stamp(place: Place, bundle: Bundle, state: PublishState) -> str:
    """The version's stamp, with ``-2``, ``-3``… when another version was archived in the same minute."""
    taken = {idnumber for idnumber in state.activities if place.is_archived(idnumber)}
    stamp, number = bundle.stamp, 1
    while any(place.archived(stamp, f.key) in taken for f in bundle.files):
        number += 1
        stamp = f"{bundle.stamp}-{number}"
    return stamp


def _resource(bundle: Bundle, report_file: ReportFile, *, section: int, name: str) -> dict[str, Any]:
    """What a resource should be; its spechash is the version and the file kind, so the name's date does not
    count: the same content published again is the same resource."""
    return {"name": name, "section": section, "spechash": fingerprint([bundle.version, report_file.key])[:32],
            "file": bundle.filename(report_file), "key": report_file.key}


def _compare(address: str, before: dict[str, Any] | None, after: dict[str, Any], *, group: str,
             payload: dict[str, Any] | None = None) -> Change:
    if before is None:
        return Change(address, "create", None, payload or after, group=group)
    if "spechash" in after:  # a resource's name carries its version's date: the same version keeps it
        same = before.get("spechash") == after["spechash"]
    else:
        same = all(before.get(k) == v for k, v in after.items())
    return Change(address, "noop" if same else "update", {k: before.get(k) for k in after}, payload or after,
                  group=group)


# -- applying -------------------------------------------------------------------------------------------------------


@dataclass
class PublishResult:
    applied: dict[str, int] = field(default_factory=dict)
    course_id: int | None = None
    reconciled: int = 0


def apply_publish(client: MoodleClient, store: Store, planned: PublishPlan, *, plan: Plan | None = None,
                  command: str = "report publish") -> PublishResult:
    """Apply ``plan`` (default: the freshly computed one) in dependency order, journaled as one run."""
    plan = plan or planned.plan
    plan.check_fresh(planned.state.fingerprint)
    with store.runs.recording(command, detail={"changes": dict(plan.counts()), "version": planned.bundle.version},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        applier = _Applier(client, store, run.id, planned)
        # What an interrupted run left open is closed: Moodle has been read back since, and the plan carries on.
        applier.result.reconciled = applier.steps.reconcile()
        return applier.apply(plan)


class _Applier:
    def __init__(self, client: MoodleClient, store: Store, run_id: int, planned: PublishPlan) -> None:
        self.client, self.store, self.run_id, self.planned = client, store, run_id, planned
        self.course_id = planned.state.course_id
        self.cohort_id = planned.state.cohort_id
        self.result = PublishResult()
        self.steps = JournaledSteps(store, run_id, SCOPE)
        self.result.applied = self.steps.applied
        self.files = {f.key: f for f in planned.bundle.files}

    def apply(self, plan: Plan) -> PublishResult:
        pending = list(plan.pending())
        place, config = self.planned.place, self.planned.place.config

        def of(kind: str) -> list[Change]:
            return [c for c in pending if _kind(c.address) == kind]

        for change in of("course"):
            fields = {"fullname": config.course_name, "shortname": config.course_shortname,
                      "visible": int(config.visible)}
            if change.action == "create":
                created = self.steps.step([change], "course", lambda f=fields: self.client.courses.create([{
                    **f, "idnumber": place.course, "categoryid": self.planned.state.category_id, "format": "topics",
                    "numsections": ARCHIVE_SECTION, "summary": COURSE_SUMMARY, "summaryformat": 1,
                    "enablecompletion": 0,
                    # No news forum: Moodle would make an empty "Announcements" in its own language (walk of
                    # 2026-12-03); the course only holds reports.
                    "newsitems": 0, **({"lang": self.planned.lang} if self.planned.lang else {})}]))
                self.course_id = int(created[0]["id"])
            else:
                self.steps.step([change], "course", lambda f=fields: self._update_course(f))
        for change in of("cohort"):
            created = self.steps.step([change], "cohort", lambda: self.client.cohorts.create([{
                "name": config.cohort_name, "idnumber": place.cohort, "visible": 0,
                "description": "Coordonatorii proiectului: văd rapoartele de certificare."}]))
            self.cohort_id = created[0].id
        if self.course_id is None or self.cohort_id is None:
            raise PlanError("the coordinators' course or cohort neither exists nor is planned")
        adds = [c for c in of("member") if c.action == "create"]
        removes = [c for c in of("member") if c.action == "delete"]
        self.steps.step(adds, "member", lambda: self.client.cohorts.add_members(
            [(self.cohort_id, int(c.after["userid"])) for c in adds]))
        self.steps.step(removes, "member", lambda: self.client.cohorts.remove_members(
            [(self.cohort_id, int(c.before["userid"])) for c in removes]))
        syncs = of("cohortsync")
        self.steps.step(syncs, "cohort sync", lambda: self.client.cohort_sync.save([{
            "courseid": self.course_id, "cohortidnumber": place.cohort, "role": config.role, "status": 0,
            "name": config.cohort_name, "spechash": ""}]))
        sections = of("section")
        self.steps.step(sections, "section", lambda: self.client.course_content.save_sections([{
            "courseid": self.course_id, "number": int(c.address.rsplit("[", 1)[1].rstrip("]")),
            "name": c.after["name"], "summary": c.after["summary"], "summaryformat": 1, "visible": 1,
            "spechash": c.after["spechash"]} for c in sections]))
        activities = of("activity")
        if activities:
            items = [self._activity(c) for c in activities]  # uploads first: a lost upload leaves no half item
            self.steps.step(activities, "resource", lambda: self.client.course_content.save_activities(items))
        self.result.course_id = self.course_id
        return self.result

    def _update_course(self, fields: dict[str, Any]) -> None:
        warnings = self.client.courses.update([{"id": self.course_id, **fields}])
        if warnings:
            raise MoodleError("; ".join(str(w.get("message")) for w in warnings),
                              wsfunction="core_course_update_courses")

    def _activity(self, change: Change) -> dict[str, Any]:
        report_file = self.files[change.after["key"]]
        draft = self.client.files.upload_draft(change.after["file"], report_file.content,
                                               content_type=_CONTENT_TYPES[report_file.extension])
        idnumber = change.address.split(".activity[", 1)[1][:-1]
        return {"courseid": self.course_id, "idnumber": idnumber, "modname": "resource",
                "section": change.after["section"], "name": change.after["name"], "intro": "", "visible": 1,
                "completion": 0, "spechash": change.after["spechash"],
                "options": [{"name": "draftitemid", "value": str(draft.itemid)},
                            {"name": "display", "value": report_file.display}]}

_CONTENT_TYPES = {"html": "text/html", "pdf": "application/pdf",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _kind(address: str) -> str:
    for kind in ("member", "cohortsync", "section", "activity"):
        if f".{kind}[" in address:
            return kind
    return "cohort" if address.startswith("cohort[") else "course"


def plan_report(client: MoodleClient, *, catalogue: Catalogue, records: Iterable[CertificateRecord],
                config: ReportsConfig, write_pdf: Callable[[CertificationReport, Path], None],
                generated_at: datetime) -> PublishPlan:
    """The report of the valid ``records`` rendered and planned against Moodle (what the CLI and the demo call)."""
    from cooperare.reports.certification import build_report

    bundle = build_bundle(build_report(catalogue, records, generated_at=generated_at), write_pdf=write_pdf)
    root = next(iter(catalogue.categories()))[0].key
    return plan_publish(client, prefix=catalogue.prefix, catalogue_category=root, config=config, bundle=bundle)
