"""The manual published in Moodle, planned then applied: a public course open to guests with the manual as a book
(a chapter per manual chapter, a subchapter per section, through local_cooperare_save_book_chapters) and the PDF and
EPUB as downloadable files (``resource`` activities uploaded through webservice/upload.php).

Identities: the course ``<prefix>:course:manual``; its activities ``<prefix>:manual:carte`` (the book),
``<prefix>:manual:pdf`` and ``<prefix>:manual:epub``. What tells a change from none is each activity's spec hash,
kept by the plugin: for the book, the fingerprint of its chapters (key, page, subchapter flag, title, content); for a
file, the SHA-256 of its bytes — of the *unsigned* PDF when the PDF is signed, so a signature made at another time
is not a new edition. An unchanged manual applied again is a no-op plan that uploads nothing. The book's chapters
are read back (local_cooperare_get_book_chapters, plugin 0.5.0+: titles, places and content hashes), so a managed
chapter edited in Moodle shows as drift and apply writes it back; chapters written by hand are left alone. An
activity the plugin reports as changed in Moodle since the pack wrote it (``drift``: for the PDF or EPUB, another file
uploaded in its place) is drift too, and apply uploads the edition's file again.

Everything goes through :class:`~cooperare.moodle.client.MoodleClient`; apply journals every change in the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cooperare.certificates.fonts import FontPair, load_fonts
from cooperare.courses.identity import category_idnumber, course_idnumber
from cooperare.courses.planner import DRIFT
from cooperare.courses.service import course_language
from cooperare.errors import MoodleError, PlanError
from cooperare.journaled import JournaledSteps
from cooperare.manual.annex import AcceptedRecommendation
from cooperare.manual.book import BookChapter, book_chapters
from cooperare.manual.build import Signer, base_name, document_for
from cooperare.manual.content import ManualSource
from cooperare.manual.epub import epub_bytes
from cooperare.manual.pdf import render_pdf
from cooperare.moodle.client import GET_BOOK_CHAPTERS, MoodleClient
from cooperare.moodle.site import MANUAL_PUBLISH_FUNCTIONS
from cooperare.plan import Change, Plan, fingerprint
from cooperare.store import Store

SCOPE = "manual publish"
COURSE_KEY = "manual"
SECTION = 1
COURSE_NAME = "Manualul de digitalizare a comunelor"
COURSE_SHORTNAME = "Manual-digitalizare"
COURSE_SUMMARY = ("<p>Manualul de digitalizare a comunelor din proiectul „Cooperare digitală pentru dezvoltare "
                  "locală”: se poate citi aici, capitol cu capitol, fără cont (acces pentru vizitatori), și se poate "
                  "descărca în format PDF sau EPUB.</p>")
SECTION_NAME = "Manualul"
SECTION_SUMMARY = "<p>Cartea online și fișierele de descărcat (PDF pentru tipar, EPUB pentru cititoare).</p>"
BOOK_NAME = "Manualul de digitalizare (de citit online)"
GUEST = {"method": "guest", "status": 0}
_CONTENT_TYPES = {"pdf": "application/pdf", "epub": "application/epub+zip"}
DISPLAY_AUTO = "0"


@dataclass(frozen=True)
class ManualFile:
    key: str
    """pdf or epub: the last part of the activity's idnumber."""
    name: str
    filename: str
    content: bytes
    spechash: str


@dataclass(frozen=True)
class Edition:
    """What one publish puts into Moodle: the manual's version, its book chapters and its files."""

    version: str
    chapters: tuple[BookChapter, ...]
    files: tuple[ManualFile, ...]
    signed: bool = False
    plan_only: bool = False
    """The PDF is to be signed but was not (a plan made without opening the key): never uploaded."""

    @property
    def book_hash(self) -> str:
        return fingerprint([BOOK_NAME, [(c.key, c.spechash) for c in self.chapters]])[:32]


def build_edition(source: ManualSource, recommendations: Sequence[AcceptedRecommendation] | None, *,
                  signer: Signer | None = None, will_sign: bool = False, fonts: FontPair | None = None) -> Edition:
    """The book's chapters, the PDF (signed with ``signer`` when given) and the EPUB of ``source``, in memory.

    ``will_sign`` (without a signer) is for a plan made without opening the key: the PDF's spec hash is the one a
    signed PDF has, its bytes here the unsigned ones; such an edition is refused by apply."""
    doc = document_for(source, recommendations)
    name = base_name(source.meta.version)
    unsigned = render_pdf(doc, fonts=fonts or load_fonts())
    pdf = signer.sign(unsigned) if signer is not None else unsigned
    epub = epub_bytes(doc)
    version = source.meta.version
    signed = signer is not None or will_sign
    files = (
        ManualFile("pdf", f"Manualul, versiunea {version} (PDF, A4)", f"{name}.pdf", pdf,
                   _sha256(unsigned) + (":semnat" if signed else "")),
        ManualFile("epub", f"Manualul, versiunea {version} (EPUB, pentru cititoare)", f"{name}.epub", epub,
                   _sha256(epub)),
    )
    return Edition(version, tuple(book_chapters(doc)), files, signed, plan_only=signer is None and will_sign)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


# -- identities and state ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    prefix: str

    @property
    def course(self) -> str:
        return course_idnumber(self.prefix, COURSE_KEY)

    @property
    def book(self) -> str:
        return f"{self.prefix}:{COURSE_KEY}:carte"

    def file(self, key: str) -> str:
        return f"{self.prefix}:{COURSE_KEY}:{key}"


@dataclass
class ManualState:
    """What Moodle holds of the manual's course."""

    course_id: int | None = None
    course: dict[str, Any] = field(default_factory=dict)
    category_id: int = 1
    sections: dict[int, dict[str, Any]] = field(default_factory=dict)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    guest: dict[str, Any] | None = None
    chapters: dict[str, dict[str, Any]] | None = None
    """The book's managed chapters as Moodle holds them (key → page, subchapter, title, content SHA-1); None when
    the book is missing or the plugin cannot read chapters (before 0.5.0)."""

    @property
    def fingerprint(self) -> str:
        return fingerprint({"course": self.course, "sections": self.sections, "activities": self.activities,
                            "guest": self.guest, "chapters": self.chapters})


def _activity(described: dict[str, Any]) -> dict[str, Any]:
    """What the plan compares of an activity: name, spec hash, place, kind, whether the plugin saw it changed in
    Moodle since the pack wrote it (``drift``: for a resource, another file put in its place) and, for a resource,
    the file Moodle holds (name and SHA-1)."""
    found: dict[str, Any] = {"name": described.get("name", ""), "spechash": described.get("spechash", ""),
                             "section": int(described.get("section", 0)), "modname": described.get("modname", ""),
                             "drift": bool(described.get("drift"))}
    options = {str(o.get("name")): o.get("value") for o in described.get("options", [])}
    if found["modname"] == "resource":
        found.update(filename=str(options.get("filename", "")), contenthash=str(options.get("contenthash", "")))
    return found


def read_state(client: MoodleClient, place: Place, *, catalogue_category: str) -> ManualState:
    state = ManualState()
    categories = client.categories.get(idnumber=catalogue_category)
    state.category_id = categories[0].id if categories else min((c.id for c in client.categories.all()), default=1)
    described = client.course_content.describe([place.course])
    if not described:
        return state
    data = described[0].raw
    state.course_id = described[0].id
    state.course = {"fullname": str(data.get("fullname", "")), "shortname": str(data.get("shortname", "")),
                    "visible": int(data.get("visible", 1))}
    state.sections = {int(s["number"]): {"name": s.get("name", ""), "spechash": s.get("spechash", "")}
                      for s in data.get("sections", [])}
    state.activities = {str(a["idnumber"]): _activity(a) for a in data.get("activities", []) if a.get("idnumber")}
    if place.book in state.activities and GET_BOOK_CHAPTERS in client.site.functions:
        state.chapters = {str(c["key"]): {"pagenum": int(c["pagenum"]), "subchapter": int(c["subchapter"]),
                                          "title": str(c["title"]), "contentsha1": str(c["contentsha1"])}
                          for c in client.books.chapters(course_id=state.course_id, idnumber=place.book)
                          if c.get("key")}
    methods = client.enrol_methods.of_courses([state.course_id]).get(state.course_id, [])
    guest = next((m for m in methods if m.method == "guest" and not m.key), None)
    if guest is not None:
        state.guest = {"status": guest.status, "spechash": guest.spechash, "drift": guest.drift}
    return state


# -- planning ---------------------------------------------------------------------------------------------------


@dataclass
class PublishPlan:
    place: Place
    edition: Edition
    state: ManualState
    plan: Plan
    lang: str = ""
    catalogue_category: str = ""
    """The idnumber of the category the course is made in (the catalogue's root)."""


def plan_manual(client: MoodleClient, *, prefix: str, catalogue_category: str, edition: Edition) -> PublishPlan:
    """Read the manual's course in Moodle and compare it with ``edition``."""
    client.site.require_plugin(purpose="publishing the manual (book chapters, files, guest access)",
                               functions=MANUAL_PUBLISH_FUNCTIONS)
    place = Place(prefix)
    category = category_idnumber(prefix, catalogue_category)
    state = read_state(client, place, catalogue_category=category)
    plan = Plan(scope=SCOPE, state_fingerprint=state.fingerprint)
    course = f"course[{place.course}]"
    desired = {"fullname": COURSE_NAME, "shortname": COURSE_SHORTNAME, "visible": 1}
    if state.course_id is None:
        plan.add(Change(course, "create", None, desired, group="course"))
    else:
        same = all(state.course.get(k) == v for k, v in desired.items())
        plan.add(Change(course, "noop" if same else "update", state.course, desired, group="course"))
    guest = {**GUEST, "spechash": fingerprint(GUEST)}
    found = state.guest
    if found is None:
        plan.add(Change(f"{course}.enrol[guest]", "create", None, guest, group="course",
                        note="visitors read the manual without an account"))
    elif found.get("drift") or found.get("spechash") != guest["spechash"] or found.get("status") != 0:
        plan.add(Change(f"{course}.enrol[guest]", "update", found, guest, group="course",
                        note="changed in Moodle" if found.get("drift") else ""))
    else:
        plan.add(Change(f"{course}.enrol[guest]", "noop", found, guest, group="course"))
    section = {"name": SECTION_NAME, "summary": SECTION_SUMMARY}
    section_hash = fingerprint(section)[:32]
    before_section = state.sections.get(SECTION)
    plan.add(_compare(f"{course}.section[{SECTION}]", before_section, {**section, "spechash": section_hash},
                      group="course"))
    book = {"name": BOOK_NAME, "section": SECTION, "spechash": edition.book_hash,
            "chapters": len(edition.chapters)}
    book_change = _compare(f"{course}.activity[{place.book}]", state.activities.get(place.book), book, group="book")
    edited = edited_chapters(edition, state.chapters)
    if book_change.action == "noop" and edited:
        book_change = Change(book_change.address, "update", book_change.before, book, group="book",
                             note=f"{DRIFT}: chapters {', '.join(edited[:5])}{', …' if len(edited) > 5 else ''}; "
                                  "they are written back")
    plan.add(book_change)
    for manual_file in edition.files:
        after = {"name": manual_file.name, "section": SECTION, "spechash": manual_file.spechash,
                 "file": manual_file.filename, "key": manual_file.key, "bytes": len(manual_file.content)}
        change = _compare(f"{course}.activity[{place.file(manual_file.key)}]",
                          state.activities.get(place.file(manual_file.key)), after, group="files")
        what = f"{manual_file.filename}, {len(manual_file.content):,} bytes, to download"
        plan.add(replace(change, note="; ".join(x for x in (what, change.note) if x)))
    if state.course_id is not None and state.chapters is None and place.book in state.activities:
        plan.notes.append("this plugin version cannot read chapters back (local_cooperare 0.5.0 can): chapters "
                          "edited in Moodle are not shown; a changed edition puts them back as the manual says")
    lang = course_language(client) if state.course_id is None else ""
    plan.ws_calls = client.transport.stats.calls
    return PublishPlan(place, edition, state, plan, lang=lang, catalogue_category=category)


def edited_chapters(edition: Edition, found: dict[str, dict[str, Any]] | None) -> list[str]:
    """The keys of the managed chapters that differ in Moodle from the edition (missing, moved, retitled, another
    content) plus those Moodle has and the edition does not; [] when the chapters could not be read."""
    if found is None:
        return []
    edited = []
    for chapter in edition.chapters:
        live = found.get(chapter.key)
        wanted = {"pagenum": chapter.pagenum, "subchapter": int(chapter.subchapter), "title": chapter.title,
                  "contentsha1": hashlib.sha1(chapter.content.encode("utf-8")).hexdigest()}
        if live != wanted:
            edited.append(chapter.key)
    keys = {c.key for c in edition.chapters}
    return edited + sorted(k for k in found if k not in keys)


def _compare(address: str, before: dict[str, Any] | None, after: dict[str, Any], *, group: str) -> Change:
    if before is None:
        return Change(address, "create", None, after, group=group)
    same = before.get("spechash") == after["spechash"]
    if "section" in before and "section" in after:  # an activity moved to another section is put back
        same = same and before["section"] == after["section"]
    shown = {k: before[k] for k in ("name", "spechash", "filename", "contenthash") if k in before}
    if same and before.get("drift"):  # edited in Moodle (a file replaced, renamed, …): written back
        return Change(address, "update", shown, after, group=group, note=DRIFT)
    return Change(address, "noop" if same else "update", shown, after, group=group)


# -- applying ---------------------------------------------------------------------------------------------------


@dataclass
class PublishResult:
    applied: dict[str, int] = field(default_factory=dict)
    course_id: int | None = None
    chapters: dict[str, int] = field(default_factory=dict)
    """The plugin's answer for the book's chapters: created, updated, unchanged, deleted."""
    uploaded: int = 0
    reconciled: int = 0


def apply_manual(client: MoodleClient, store: Store, planned: PublishPlan, *, plan: Plan | None = None,
                 command: str = "manual apply") -> PublishResult:
    """Apply ``plan`` (default: the freshly computed one) in dependency order, journaled as one run. Moodle is read
    again first: a plan made before Moodle changed is refused. A plan without changes sends nothing."""
    plan = plan or planned.plan
    if not plan.has_changes:
        return PublishResult(course_id=planned.state.course_id)
    if planned.edition.plan_only:
        raise PlanError("this edition's PDF was planned as signed but not signed; apply builds it with the signing "
                        "key")
    current = read_state(client, planned.place, catalogue_category=planned.catalogue_category)
    plan.check_fresh(current.fingerprint)
    with store.runs.recording(command, detail={"changes": dict(plan.counts()), "version": planned.edition.version},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        applier = _Applier(client, store, run.id, planned)
        # What an interrupted run left open is closed: Moodle has been read back since, and the plan carries on.
        applier.result.reconciled = applier.steps.reconcile()
        return applier.apply(plan)


class _Applier:
    def __init__(self, client: MoodleClient, store: Store, run_id: int, planned: PublishPlan) -> None:
        self.client, self.store, self.run_id, self.planned = client, store, run_id, planned
        self.course_id = planned.state.course_id
        self.result = PublishResult()
        self.steps = JournaledSteps(store, run_id, SCOPE)
        self.result.applied = self.steps.applied
        self.files = {f.key: f for f in planned.edition.files}

    def apply(self, plan: Plan) -> PublishResult:
        pending = list(plan.pending())
        place = self.planned.place

        def of(kind: str) -> list[Change]:
            return [c for c in pending if _kind(c.address) == kind]

        for change in of("course"):
            fields = {"fullname": COURSE_NAME, "shortname": COURSE_SHORTNAME, "visible": 1}
            if change.action == "create":
                created = self.steps.step([change], "course", lambda f=fields: self.client.courses.create([{
                    **f, "idnumber": place.course, "categoryid": self.planned.state.category_id,
                    "format": "topics", "numsections": SECTION, "summary": COURSE_SUMMARY, "summaryformat": 1,
                    "enablecompletion": 0, "newsitems": 0,
                    **({"lang": self.planned.lang} if self.planned.lang else {})}]))
                self.course_id = int(created[0]["id"])
            else:
                self.steps.step([change], "course", lambda f=fields: self._update_course(f))
        if self.course_id is None:
            raise PlanError("the manual's course neither exists nor is planned")
        self.steps.step(of("enrol"), "guest access", lambda: self.client.enrol_methods.save([{
            "courseid": self.course_id, **c.after} for c in of("enrol")]))
        self.steps.step(of("section"), "section", lambda: self.client.course_content.save_sections([{
            "courseid": self.course_id, "number": SECTION, "name": c.after["name"], "summary": c.after["summary"],
            "summaryformat": 1, "visible": 1, "spechash": c.after["spechash"]} for c in of("section")]))
        books = [c for c in of("activity") if c.address.endswith(f"[{place.book}]")]
        if books:
            self.steps.step(books, "book", lambda: self._save_book(books[0]))
        files = [c for c in of("activity") if c not in books]
        if files:
            items = [self._file_item(c) for c in files]  # uploads first: a lost upload leaves no half item
            self.steps.step(files, "file", lambda: self.client.course_content.save_activities(items))
        self.result.course_id = self.course_id
        return self.result

    def _save_book(self, change: Change) -> None:
        place, edition = self.planned.place, self.planned.edition
        self.client.course_content.save_activities([{
            "courseid": self.course_id, "idnumber": place.book, "modname": "book", "section": SECTION,
            "name": BOOK_NAME, "intro": "", "visible": 1, "completion": 0, "spechash": change.after["spechash"],
            "options": [{"name": "numbering", "value": "0"}, {"name": "navstyle", "value": "1"}]}])
        answer = self.client.books.save_chapters(course_id=self.course_id or 0, idnumber=place.book, chapters=[
            {"key": c.key, "pagenum": c.pagenum, "subchapter": c.subchapter, "title": c.title,
             "content": c.content} for c in edition.chapters])
        for chapter in answer.get("chapters", []):
            action = str(chapter.get("action"))
            self.result.chapters[action] = self.result.chapters.get(action, 0) + 1

    def _update_course(self, fields: dict[str, Any]) -> None:
        warnings = self.client.courses.update([{"id": self.course_id, **fields}])
        if warnings:
            raise MoodleError("; ".join(str(w.get("message")) for w in warnings),
                              wsfunction="core_course_update_courses")

    def _file_item(self, change: Change) -> dict[str, Any]:
        manual_file = self.files[change.after["key"]]
        draft = self.client.files.upload_draft(manual_file.filename, manual_file.content,
                                               content_type=_CONTENT_TYPES[manual_file.key])
        self.result.uploaded += 1
        idnumber = change.address.split(".activity[", 1)[1][:-1]
        return {"courseid": self.course_id, "idnumber": idnumber, "modname": "resource", "section": SECTION,
                "name": manual_file.name, "intro": "", "visible": 1, "completion": 0,
                "spechash": manual_file.spechash,
                "options": [{"name": "draftitemid", "value": str(draft.itemid)},
                            {"name": "display", "value": DISPLAY_AUTO}]}


def _kind(address: str) -> str:
    for kind in ("enrol", "section", "activity"):
        if f".{kind}[" in address:
            return kind
    return "course"
