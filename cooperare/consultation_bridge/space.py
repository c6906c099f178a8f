"""The public consultation space in Moodle: ``consultation plan|apply`` as desired state → plan → journaled apply.

One category and one course "Consultări publice" (idnumbers under the catalogue prefix) open to citizens through
self-enrolment (and guest access to read, when configured), with the NGO and authority cohorts enrolled through
cohort sync; per consultation a section with the announcement page (explanatory note, the legal calendar, how to
contribute), the draft documents, a forum with one discussion per part of the text, a recommendation form and a
written debate-request form (feedback activities), and a course calendar event for each legal date. The course,
its sections and activities are planned and applied by the courses machinery (:mod:`cooperare.courses.planner`,
:class:`~cooperare.courses.apply.CourseApplier`); what courses do not have — cohorts, enrolment methods, cohort
sync, calendar events, forum discussions — is planned here as further changes of the same :class:`Plan`. Every
text written to Moodle is escaped here: nothing from the consultation files is rendered as markup. This module
must not read contributions (see :mod:`cooperare.consultation_bridge.collect`).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from cooperare.consultation_bridge.model import AUDIENCES_RO, KINDS_RO, Consultation, Part
from cooperare.courses.apply import ApplyResult, CourseApplier
from cooperare.courses.desired import (
    AGGREGATION_ALL,
    COMPLETION_NONE,
    GENERAL_SECTION_NAME,
    DesiredActivity,
    DesiredCategory,
    DesiredCompletion,
    DesiredCourse,
    DesiredSection,
    DesiredState,
    day_end,
    day_start,
)
from cooperare.courses.identity import activity_idnumber, category_idnumber, course_idnumber
from cooperare.courses.planner import DRIFT, build_plan, course_address
from cooperare.courses.state import MoodleState, read_state
from cooperare.errors import InputError, Location, MoodleError, ResponseLost
from cooperare.moodle.client import MoodleClient
from cooperare.plan import Change, Plan, fingerprint
from cooperare.store import Store

SPACE_KEY = "consultari-publice"
CATEGORY_KEY = "consultari"
SHORTNAME = "CONSULTARI-PUBLICE"
FULLNAME = "Consultări publice"
SCOPE = "consultation"
COHORTS: dict[str, tuple[str, str]] = {
    "ngo": ("consultare-ong", "Consultări publice – organizații neguvernamentale"),
    "authority_staff": ("consultare-autoritati", "Consultări publice – personalul autorităților"),
}
SENDERS = ("cetățean", "ONG", "autoritate", "altul")
MAX_CHOICES = 100  # local_cooperare's limit for a feedback choice item
EXTRA_MARKERS = ("cohort[", ".enrol[", ".cohortsync[", ".event[", ".discussion[", ".file[")
MARKDOWN_SUFFIXES = (".md", ".markdown")
FILE_TYPES = {".pdf": "application/pdf",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def esc(text: str) -> str:
    """Text as inert HTML (``<script>`` becomes text, quotes included)."""
    return html.escape(text, quote=True)


def paragraphs(text: str) -> str:
    return "".join(f"<p>{esc(block.strip())}</p>" for block in text.split("\n\n") if block.strip())


def ro_date(day: Any) -> str:
    return day.strftime("%d.%m.%Y")


def cohort_idnumber(prefix: str, audience: str) -> str:
    return f"{prefix}:cohort:{COHORTS[audience][0]}"


def forum_idnumber(prefix: str, consultation_id: str) -> str:
    return activity_idnumber(prefix, SPACE_KEY, f"{consultation_id}:forum")


def form_idnumber(prefix: str, consultation_id: str) -> str:
    return activity_idnumber(prefix, SPACE_KEY, f"{consultation_id}:recommendations")


def results_idnumber(prefix: str, consultation_id: str) -> str:
    return activity_idnumber(prefix, SPACE_KEY, f"{consultation_id}:results")


def discussion_subject(part: Part) -> str:
    """The subject of a part's discussion; its ``[key]`` is how collect and publish find the part again."""
    return f"[{part.key}] {plain(part.title)}"[:255]


def plain(text: str) -> str:
    """Text for a Moodle PARAM_TEXT field (a subject), which refuses tags: angle brackets become ‹ ›."""
    return text.replace("<", "‹").replace(">", "›")


def part_of_subject(subject: str) -> str | None:
    subject = subject.removeprefix("Re: ")
    if subject.startswith("[") and "]" in subject:
        return subject[1:subject.index("]")]
    return None


# -- desired state ------------------------------------------------------------------------------------------------

def announcement(consultation: Consultation) -> str:
    c = consultation
    dates = "".join(f"<li><strong>{esc(d.label)}</strong>: {ro_date(d.day)} ({esc(d.rule.article)})</li>"
                    for d in c.calendar.dates)
    contact = ", ".join(esc(v) for v in (c.contact.name, c.contact.email, c.contact.address) if v)
    audiences = ", ".join(AUDIENCES_RO[a] for a in c.audiences)
    return (
        f"<h3>Anunț de consultare publică</h3><p>{esc(c.authority.name)} supune consultării publice: "
        f"<strong>{esc(c.title)}</strong> ({esc(KINDS_RO[c.kind])}). Sunt invitați să participe: {esc(audiences)}.</p>"
        f"<h4>Nota de fundamentare</h4>{paragraphs(c.explanatory_note)}"
        f"<h4>Termene</h4><ul>{dates}</ul>"
        f"<h4>Cum trimiteți propuneri</h4><p>Până la {ro_date(c.calendar.recommendations_until)} inclusiv: "
        "scrieți în forumul consultării, în discuția părții din text la care se referă propunerea, sau completați "
        "formularul de recomandări (partea din text, propunerea, motivarea, cine trimite). Propunerile pot fi "
        f"trimise și în scris: {contact}. Fiecare propunere primește un răspuns motivat, publicat în forum, "
        "iar sinteza recomandărilor se publică pe această pagină a consultării.</p>"
        "<h4>Dezbatere publică</h4><p>O asociație legal constituită sau o autoritate publică poate cere în scris "
        "organizarea unei dezbateri publice, prin formularul „Cerere de dezbatere publică” din această secțiune.</p>")


ENROL_HINT = ("<p>Fără cont puteți citi anunțurile și documentele. Pentru a trimite propuneri sau a scrie în forum, "
              "intrați în cont, apoi înscrieți-vă în acest spațiu din meniul de sus al cursului (butonul de "
              "înscriere; înscrierea este liberă).</p>")
"""Said where a visitor would otherwise meet a form or forum they cannot use: on a real 5.0.6+ a logged-in citizen
not enrolled sees the course as a guest, and the form's page shows only its description."""


def section_summary(consultation: Consultation) -> str:
    """What the consultation's section says under its title: the kind and the two dates a contributor needs."""
    dates = consultation.calendar
    return (f"<p>{esc(KINDS_RO[consultation.kind]).capitalize()}. Anunțată la {ro_date(consultation.announced)}; "
            f"recomandările se trimit până la {ro_date(dates.recommendations_until)} inclusiv.</p>")


def document_page(path: Path) -> str:
    """A draft document as the consultation page shows it. A chapter of a manual (``chapters/`` beside a
    ``manual.yaml``) is rendered as the manual renders it — headings, lists, its tables and figures; any other
    Markdown is rendered without front matter and with raw HTML shown as text (the draft is not trusted to carry
    markup); a document that cannot be read says where to ask for it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"<p>Documentul {esc(path.name)} se obține de la persoana de contact a consultării.</p>"
    chapter = _manual_chapter_html(path)
    if chapter is not None:
        return chapter
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(_without_front_matter(text)).strip()


def document_title(path: Path) -> str:
    """What a Markdown draft is called on the course page: a manual chapter's heading ("Capitolul 2. Cadrul
    legal…"), else the draft's first heading, else its file name."""
    chapter = _manual_chapter(path)
    if chapter is not None:
        from cooperare.manual.xhtml import chapter_heading

        return chapter_heading(chapter)
    try:
        text = _without_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return path.stem
    heading = next((line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")), "")
    return heading or path.stem


def _without_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[text.find("\n", end + 4) + 1:] if text.find("\n", end + 4) != -1 else ""
    return text


def _manual_chapter(path: Path) -> Any:
    """The manual's chapter (a DocChapter) when ``path`` is a chapter of a manual's content folder, else None."""
    folder = path.resolve().parent.parent
    if path.resolve().parent.name != "chapters" or not (folder / "manual.yaml").is_file():
        return None
    document = _manual_document(folder)
    key = next((c.key for c in document.chapters_source if c.path.resolve() == path.resolve()), None)
    return next((c for c in document.document.chapters if c.key == key), None)


def _manual_chapter_html(path: Path) -> str | None:
    """The chapter's HTML when ``path`` is a chapter of a manual's content folder, else None."""
    chapter = _manual_chapter(path)
    if chapter is None:
        return None
    from cooperare.manual.xhtml import blocks_html, chapter_heading

    return f"<h3>{esc(chapter_heading(chapter))}</h3>\n<p><em>{esc(chapter.summary)}</em></p>\n{blocks_html(chapter)}"


@dataclass(frozen=True)
class _LoadedManual:
    chapters_source: tuple[Any, ...]
    document: Any


@functools.lru_cache(maxsize=4)
def _manual_document(folder: Path) -> _LoadedManual:
    from cooperare.manual.content import load_manual
    from cooperare.manual.model import build_document

    source = load_manual(folder)
    return _LoadedManual(source.chapters, build_document(source))


def _items(entries: Sequence[tuple[str, str] | tuple[str, str, list[str]]]) -> str:
    """The feedback ``items`` option: text items, or choice items when choices are given (the plugin's order)."""
    items: list[dict[str, Any]] = []
    for entry in entries:
        label, text = entry[0], entry[1]
        if len(entry) == 3:
            items.append({"type": "choice", "label": label, "text": text, "choices": entry[2], "required": True})
        else:
            items.append({"type": "text", "label": label, "text": text, "required": True})
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def _choice(text: str) -> str:
    """A choice as the plugin takes it: at most 255 characters, no ``|``."""
    return text.replace("|", "/")[:255]


def recommendation_items(consultation: Consultation) -> str:
    parts = [_choice(f"{p.key} – {p.title}") for p in consultation.structure]
    part: tuple[str, str] | tuple[str, str, list[str]] = (
        ("parte", "Partea din text la care se referă propunerea", parts) if len(parts) <= MAX_CHOICES else
        ("parte", "Partea din text la care se referă propunerea (cheia din lista de mai sus, de exemplu art-3)"))
    return _items([part,
                   ("propunere", "Propunerea dumneavoastră"),
                   ("motivare", "Motivarea propunerii"),
                   ("expeditor", "Cine trimite propunerea", list(SENDERS)),
                   ("nume-public", "Sunteți de acord să vă publicăm numele alături de propunere?", ["da", "nu"])])


DEBATE_ITEMS = _items([("solicitant", "Denumirea asociației legal constituite sau a autorității publice"),
                       ("cerere", "Cererea de organizare a dezbaterii publice și motivarea ei")])


@dataclass(frozen=True)
class Space:
    """Where a consultation lives in Moodle."""

    prefix: str
    consultations: tuple[Consultation, ...]

    @property
    def course_idnumber(self) -> str:
        return course_idnumber(self.prefix, SPACE_KEY)

    def section(self, consultation_id: str) -> int:
        for number, consultation in enumerate(self.consultations, start=1):
            if consultation.id == consultation_id:
                return number
        raise InputError(f"no consultation {consultation_id!r}",
                         hint="consultations: " + ", ".join(c.id for c in self.consultations))

    def consultation(self, consultation_id: str) -> Consultation:
        return self.consultations[self.section(consultation_id) - 1]


def desired_space(space: Space, *, only: str | None = None) -> DesiredState:
    prefix = space.prefix
    category = DesiredCategory(category_idnumber(prefix, CATEGORY_KEY), CATEGORY_KEY, FULLNAME,
                               "<p>Consultări publice ale proiectului, deschise cetățenilor, organizațiilor "
                               "neguvernamentale și autorităților.</p>", None)
    sections = [DesiredSection(0, GENERAL_SECTION_NAME,
                               "<p>Spațiul de consultare publică: fiecare consultare are secțiunea ei, cu anunțul, "
                               "documentele, forumul pe părți ale textului și formularele.</p>" + ENROL_HINT)]
    # Moodle's own news forum ("Announcements" in the site's language) taken over and named in Romanian: the
    # authority announces new consultations and debates there.
    activities: list[DesiredActivity] = [DesiredActivity(
        activity_idnumber(prefix, SPACE_KEY, "news"), "news", "forum", 0, "Anunțuri",
        "<p>Anunțurile autorității: consultări noi, dezbateri publice, sinteza recomandărilor. Doar organizatorii "
        "publică aici; propunerile se trimit în secțiunea fiecărei consultări.</p>", {"type": "news"},
        completion=COMPLETION_NONE)]
    for consultation in space.consultations:
        number = space.section(consultation.id)
        sections.append(DesiredSection(number, consultation.title[:255], section_summary(consultation)))
        if only is not None and consultation.id != only:
            continue

        def add(ref: str, modname: str, name: str, intro: str, options: dict[str, str], *,
                c: Consultation = consultation, n: int = number) -> None:
            activities.append(DesiredActivity(activity_idnumber(prefix, SPACE_KEY, f"{c.id}:{ref}"), ref, modname,
                                              n, name[:255], intro, options, completion=COMPLETION_NONE))

        add("announcement", "page", "Anunțul consultării", "", {"content": announcement(consultation)})
        for index, document in enumerate(consultation.documents, start=1):
            if document.suffix.lower() in MARKDOWN_SUFFIXES:  # PDF and DOCX drafts are files: file_documents()
                add(f"document-{index:02d}", "page", f"Document: {document_title(document)}", "",
                    {"content": document_page(document)})
        add("forum", "forum", "Forumul consultării",
            "<p>O discuție pentru fiecare parte a textului: răspundeți în discuția părții la care se referă "
            "propunerea.</p>" + ENROL_HINT, {"type": "general"})
        add("recommendations", "feedback", "Formular de recomandări",
            "<p>Trimiteți o propunere pentru o parte a textului. Părțile textului:</p><ul>"
            + "".join(f"<li>{esc(p.key)}: {esc(p.title)}</li>" for p in consultation.structure) + "</ul>"
            + ENROL_HINT,
            {"items": recommendation_items(consultation), "anonymous": "2"})
        add("debate-request", "feedback", "Cerere de dezbatere publică",
            "<p>Cerere scrisă a unei asociații legal constituite sau a unei autorități publice.</p>" + ENROL_HINT,
            {"items": DEBATE_ITEMS, "anonymous": "2"})
    start = min((c.announced for c in space.consultations), default=None)
    end = max((c.calendar.earliest_submission for c in space.consultations), default=None)
    course = DesiredCourse(
        idnumber=space.course_idnumber, key=SPACE_KEY, shortname=SHORTNAME, fullname=FULLNAME,
        summary="<p>Consultări publice: anunțuri, documente, forum și formulare de recomandări.</p>",
        format="topics", visible=True, startdate=day_start(start) if start else 0,
        enddate=day_end(end + timedelta(days=365)) if end else 0, category_idnumber=category.idnumber,
        sections=tuple(sections), activities=tuple(activities), question_sets=(),
        completion=DesiredCompletion(AGGREGATION_ALL, ()))
    return DesiredState(prefix, (category,), (course,))


def file_documents(space: Space, consultation: Consultation) -> list[tuple[str, dict[str, Any]]]:
    """The consultation's PDF and DOCX drafts as downloadable files (``resource`` activities): (activity idnumber,
    what the file should be); the spec hash is the SHA-256 of the file's bytes."""
    found = []
    for index, document in enumerate(consultation.documents, start=1):
        if document.suffix.lower() in MARKDOWN_SUFFIXES:
            continue
        try:
            content = document.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the draft document: {exc.strerror}", location=Location(file=str(document)),
                             hint="fix the path under documents: in the consultation's YAML") from None
        idnumber = activity_idnumber(space.prefix, SPACE_KEY, f"{consultation.id}:file-{index:02d}")
        found.append((idnumber, {"name": f"Document: {document.name}"[:255], "section": space.section(consultation.id),
                                 "filename": document.name, "path": str(document), "bytes": len(content),
                                 "spechash": hashlib.sha256(content).hexdigest()[:32]}))
    return found


def calendar_events(space: Space, consultation: Consultation) -> list[dict[str, Any]]:
    events = []
    for item in consultation.calendar.dates:
        payload = {"key": f"{consultation.id}:{item.key}", "name": f"{item.label} – {consultation.title}"[:255],
                   "description": f"<p>{esc(item.rule.text)} ({esc(item.rule.article)})</p>",
                   "timestart": day_start(item.day) + 9 * 3600, "timeduration": 0, "visible": 1}
        events.append({**payload, "spechash": fingerprint(payload)})
    return events


def enrol_methods(*, guest: bool) -> list[dict[str, Any]]:
    methods = [{"method": "self", "status": 0, "name": "Înscriere cetățeni", "role": "student"},
               {"method": "guest", "status": 0 if guest else 1}]
    return [{**m, "spechash": fingerprint(m)} for m in methods]


# -- state and plan -----------------------------------------------------------------------------------------------

@dataclass
class SpaceState:
    courses: MoodleState
    cohorts: dict[str, int] = field(default_factory=dict)
    enrol: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    discussions: dict[str, dict[int, str]] = field(default_factory=dict)
    """Consultation id → discussion id → part key (of the consultation's forum)."""
    forums: dict[str, int] = field(default_factory=dict)
    """Forum idnumber → forum instance id."""

    @property
    def course_id(self) -> int | None:
        found = next(iter(self.courses.courses.values()), None)
        return found.id if found else None

    @property
    def fingerprint(self) -> str:
        return fingerprint({"courses": self.courses.fingerprint, "cohorts": self.cohorts, "enrol": self.enrol,
                            "events": self.events,
                            "discussions": {k: sorted(v.items()) for k, v in self.discussions.items()}})


def read_space(client: MoodleClient, space: Space) -> SpaceState:
    courses = read_state(client, course_idnumbers=[space.course_idnumber])
    state = SpaceState(courses)
    wanted = {cohort_idnumber(space.prefix, a) for a in COHORTS}
    state.cohorts = {c.idnumber: c.id for c in client.cohorts.search(f"{space.prefix}:cohort:consultare")
                     if c.idnumber in wanted}
    course = courses.courses.get(space.course_idnumber)
    if course is None:
        return state
    for method in client.enrol_methods.of_courses([course.id]).get(course.id, []):
        state.enrol[method.method] = {"spechash": method.spechash, "drift": method.drift, "status": method.status}
    state.events = {e.key: {"spechash": e.spechash, "drift": e.drift, "eventid": e.eventid}
                    for e in client.calendar.of_courses([course.id])}
    by_cmid = {a.get("cmid"): a["idnumber"] for a in course.activities().values() if a.get("modname") == "forum"}
    forums = [f for f in client.forums.of_courses([course.id]) if f.cmid in by_cmid]
    for forum in forums:
        state.forums[by_cmid[forum.cmid]] = forum.id
    for consultation in space.consultations:
        forum_id = state.forums.get(forum_idnumber(space.prefix, consultation.id))
        if forum_id is not None:
            state.discussions[consultation.id] = read_discussions(client, forum_id)
    return state


def read_discussions(client: MoodleClient, forum_id: int) -> dict[int, str]:
    """Discussion id → part key, for the discussions whose subject starts with ``[part-key]``."""
    found: dict[int, str] = {}
    page = 0
    while True:
        rows = client.forums.discussions(forum_id, page=page, perpage=100)
        for row in rows:
            key = part_of_subject(str(row.get("subject") or row.get("name") or ""))
            if key is not None:
                found[int(row["discussion"])] = key
        if len(rows) < 100:
            return found
        page += 1


@dataclass
class SpacePlan:
    space: Space
    desired: DesiredState
    state: SpaceState
    plan: Plan
    guest: bool
    only: str | None


def plan_space(client: MoodleClient, space: Space, *, only: str | None = None, guest: bool = True) -> SpacePlan:
    """Read the consultation space from Moodle and compare it with the consultations."""
    client.site.require_plugin(purpose="the public consultation space (sections, forms, enrolment, calendar)")
    if only is not None:
        space.section(only)
    desired = desired_space(space, only=only)
    state = read_space(client, space)
    plan = build_plan(desired, state.courses)
    plan.changes = [c for c in plan.changes if not c.address.endswith(".completion")]  # nothing to complete here
    plan.scope = SCOPE
    plan.state_fingerprint = state.fingerprint
    course = space.course_idnumber
    group = f"{course} (spațiul de consultare)"

    def compare(address: str, found: dict[str, Any] | None, after: dict[str, Any]) -> None:
        if found is None:
            plan.add(Change(address, "create", None, after, group))
        elif found.get("drift") or found.get("spechash") != after.get("spechash"):
            plan.add(Change(address, "update", {"spechash": found.get("spechash")}, after, group,
                            DRIFT if found.get("drift") else ""))
        else:
            plan.add(Change(address, "noop", found, after, group))

    for audience in COHORTS:
        idnumber = cohort_idnumber(space.prefix, audience)
        if idnumber not in state.cohorts:
            plan.add(Change(f"cohort[{idnumber}]", "create", None, {"name": COHORTS[audience][1]}, "cohorts"))
        else:
            plan.add(Change(f"cohort[{idnumber}]", "noop", None, {"name": COHORTS[audience][1]}, "cohorts"))
    for method in enrol_methods(guest=guest):
        compare(f"{course_address(course)}.enrol[{method['method']}]", state.enrol.get(method["method"]), method)
    current = state.courses.courses.get(course)
    synced = {str(i.get("cohortidnumber")) for i in ((current.described or {}).get("cohortsync", [])
                                                     if current else [])}
    for audience in COHORTS:
        idnumber = cohort_idnumber(space.prefix, audience)
        action = "noop" if idnumber in synced else "create"
        plan.add(Change(f"{course_address(course)}.cohortsync[{idnumber}]", action, None,
                        {"role": "student"}, group))
    for consultation in space.consultations:
        if only is not None and consultation.id != only:
            continue
        for event in calendar_events(space, consultation):
            compare(f"{course_address(course)}.event[{event['key']}]", state.events.get(event["key"]), event)
        live = current.activities() if current else {}
        for idnumber, document in file_documents(space, consultation):
            found = live.get(idnumber)
            compare(f"{course_address(course)}.file[{idnumber}]",
                    {"spechash": found.get("spechash"), "drift": found.get("drift")} if found else None, document)
        have = set(state.discussions.get(consultation.id, {}).values())
        for part in consultation.structure:
            action = "noop" if part.key in have else "create"
            plan.add(Change(f"{course_address(course)}.discussion[{consultation.id}:{part.key}]", action, None,
                            {"subject": discussion_subject(part), "message": _part_message(part)}, group))
    plan.ws_calls = client.transport.stats.calls
    return SpacePlan(space, desired, state, plan, guest, only)


def _part_message(part: Part) -> str:
    return (f"<p>Discuția pentru {esc(part.title)} (cheia {esc(part.key)}).</p>"
            + (paragraphs(part.text) if part.text else "")
            + "<p>Răspundeți cu propunerea dumneavoastră și motivarea ei.</p>")


# -- apply --------------------------------------------------------------------------------------------------------

def _is_extra(change: Change) -> bool:
    return any(marker in change.address for marker in EXTRA_MARKERS)


def _key(address: str, marker: str) -> str:
    rest = address.split(marker, 1)[1]
    return rest[:rest.rindex("]")]


@dataclass
class SpaceResult:
    courses: ApplyResult
    applied: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, n: int = 1) -> None:
        self.applied[kind] = self.applied.get(kind, 0) + n


def apply_space(client: MoodleClient, store: Store, planned: SpacePlan, *, plan: Plan | None = None,
                command: str = "consultation apply") -> SpaceResult:
    """Apply ``plan`` (default: the freshly computed one) as one journaled run; a stale saved plan is refused."""
    plan = plan or planned.plan
    plan.check_fresh(planned.state.fingerprint)
    course_plan = Plan(scope="courses", state_fingerprint=planned.state.courses.fingerprint,
                       changes=[c for c in plan.changes if not _is_extra(c)])
    extras = [c for c in plan.pending() if _is_extra(c)]
    with store.runs.recording(command, detail={"changes": dict(plan.counts())},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        applier = CourseApplier(client, store, run_id=run.id, desired=planned.desired, state=planned.state.courses)
        result = SpaceResult(applier.apply(course_plan))
        if not extras:
            return result
        course_id = applier.course_ids[planned.space.course_idnumber]
        _apply_extras(client, store, run.id, planned, extras, course_id, result)
        run.detail = {"changes": dict(plan.counts()), "applied": result.applied}
    return result


def _journaled(store: Store, run_id: int, changes: Sequence[Change], call: Any) -> Any:
    entries = [store.journal.begin(run_id, scope=SCOPE, address=c.address, action=c.action,
                                   payload={"key": c.address}) for c in changes]
    try:
        answer = call()
    except ResponseLost:
        raise  # the entries stay "begun": the next plan reads Moodle back and the next apply goes on
    except MoodleError as error:
        for entry in entries:
            store.journal.failed(entry, error)
        raise
    for entry in entries:
        store.journal.done(entry, None)
    return answer


def _apply_extras(client: MoodleClient, store: Store, run_id: int, planned: SpacePlan, extras: list[Change],
                  course_id: int, result: SpaceResult) -> None:
    cohorts = [c for c in extras if c.address.startswith("cohort[")]
    if cohorts:
        _journaled(store, run_id, cohorts, lambda: client.cohorts.create(
            [{"name": c.after["name"], "idnumber": _key(c.address, "cohort["), "description": ""} for c in cohorts]))
        result.count("cohort create", len(cohorts))
    methods = [c for c in extras if ".enrol[" in c.address]
    if methods:
        _journaled(store, run_id, methods, lambda: client.enrol_methods.save(
            [{"courseid": course_id, **c.after} for c in methods]))
        result.count("enrolment method", len(methods))
    syncs = [c for c in extras if ".cohortsync[" in c.address]
    if syncs:
        _journaled(store, run_id, syncs, lambda: client.cohort_sync.save([
            {"courseid": course_id, "cohortidnumber": _key(c.address, ".cohortsync["), "role": c.after["role"]}
            for c in syncs]))
        result.count("cohort sync", len(syncs))
    events = [c for c in extras if ".event[" in c.address]
    if events:
        _journaled(store, run_id, events, lambda: client.calendar.save(
            [{"courseid": course_id, **c.after} for c in events]))
        result.count("calendar event", len(events))
    files = [c for c in extras if ".file[" in c.address]
    if files:
        items = []
        for change in files:  # uploads first: a lost upload leaves no half activity
            path = Path(change.after["path"])
            draft = client.files.upload_draft(path.name, path.read_bytes(),
                                              content_type=FILE_TYPES.get(path.suffix.lower(),
                                                                          "application/octet-stream"))
            items.append({"courseid": course_id, "idnumber": _key(change.address, ".file["), "modname": "resource",
                          "section": change.after["section"], "name": change.after["name"], "intro": "",
                          "visible": 1, "completion": 0, "spechash": change.after["spechash"],
                          "options": [{"name": "draftitemid", "value": str(draft.itemid)},
                                      {"name": "display", "value": "0"}]})
        _journaled(store, run_id, files, lambda: client.course_content.save_activities(items))
        result.count("document file", len(files))
    discussions = [c for c in extras if ".discussion[" in c.address]
    if discussions:
        _, forums = forum_ids(client, planned.space.course_idnumber)
        for change in discussions:
            consultation_id = _key(change.address, ".discussion[").split(":", 1)[0]
            forum_id = forums[forum_idnumber(planned.space.prefix, consultation_id)]
            _journaled(store, run_id, [change], lambda c=change, f=forum_id: client.forums.add_discussion(
                f, c.after["subject"], c.after["message"]))
        result.count("forum discussion", len(discussions))


def forum_ids(client: MoodleClient, course_idnumber: str) -> tuple[int | None, dict[str, int]]:
    """The consultation course's id (None when missing) and its forums: forum idnumber → forum instance id (one
    describe, one forums read)."""
    courses = [c.raw for c in client.course_content.describe([course_idnumber])]
    if not courses:
        return None, {}
    by_cmid = {a.get("cmid"): a["idnumber"] for a in courses[0].get("activities", [])
               if a.get("modname") == "forum" and a.get("idnumber")}
    course_id = int(courses[0]["id"])
    return course_id, {by_cmid[f.cmid]: f.id for f in client.forums.of_courses([course_id]) if f.cmid in by_cmid}
