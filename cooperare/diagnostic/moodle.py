"""The diagnostic questionnaire in Moodle: ``diagnostic plan|apply`` (desired state → plan → journaled apply) and
``diagnostic collect`` (responses read back into the store, as ``diagnostic import`` stores forms).

One category and one course „Diagnosticul maturității digitale a comunelor” with, per wave (T0, T1…), a feedback
activity written by local_cooperare's feedback items: one item per question, profile questions included, answers
as the instrument's choices plus „Nu știu” (a scale's choices are its values with the end labels). The plugin's
choice item is single-answer, so a multi-choice question becomes one Da/Nu item per option, labelled
``QUESTION:OPTION`` exactly as the offline form's rows. The activity is not anonymous (each response must be tied to
its commune) and takes one submission per person. Respondents are the roster's local-authority people (every
category except NGO representatives) already in Moodle (``roster apply``), enrolled as students. Collect maps each
response to its commune — the SIRUTA code of the respondent's roster record (commune and county resolved against
the SIRUTA list), else the answer to ``p_siruta`` — and stores it once (its source names the activity, the Moodle
response and its time, so a repeated collect stores nothing twice); when a commune answered more than once the later
response counts and the result lists the others. Course, section and activity are planned and applied by the
courses machinery; enrolments are further changes of the same :class:`Plan`. This module must not score or print.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
)
from cooperare.courses.identity import activity_idnumber, category_idnumber, course_idnumber
from cooperare.courses.planner import build_plan, course_address
from cooperare.courses.state import MoodleState, read_state
from cooperare.diagnostic.instrument import Instrument, Question, load_shipped, shipped_versions
from cooperare.diagnostic.responses import DONT_KNOW, DONT_KNOW_TEXT, Answer, Response, Superseded, latest
from cooperare.errors import InputError, MoodleError, PlanError, ResponseLost
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.records import FeedbackAttempt, FeedbackItem
from cooperare.plan import Change, Plan, fingerprint
from cooperare.store import Store
from cooperare.store.diagnostic import DiagnosticResponses
from cooperare.store.people import PersonRecord
from cooperare.territory import communes

COURSE_KEY = "diagnostic-digital"
CATEGORY_KEY = "diagnostic"
SHORTNAME = "DIAGNOSTIC-DIGITAL"
FULLNAME = "Diagnosticul maturității digitale a comunelor"
SCOPE = "diagnostic"
NOT_RESPONDENTS = ("ong",)
"""Roster categories that do not answer for a commune (NGO representatives); every other category does."""
YES, NO = "Da", "Nu"
SOURCE_PREFIX = "moodle:feedback:"
LIMIT = 255  # the plugin's limit for an item's text and for a choice
STEM_ROOM = 40
"""What a checklist row keeps at least for its question's stem, the rest (after the heading) going to the option."""


def _cut(text: str) -> str:
    return text.replace("|", "/")[:LIMIT]


_ASIDE = re.compile(r"\s*\([^()]*\)")
"""A parenthesis: examples (``(de exemplu …)``) that an item text loses first when it is too long."""


def fit(text: str, room: int = LIMIT) -> str:
    """``text`` within ``room`` characters as a respondent should still read it: parentheses dropped from the last
    one back while it is too long, then cut after a whole word with "…" — never mid-word (the walk of 4 December
    2026 found 53 of 2027.1's 130 items cut at 255 characters mid-word)."""
    text = text.replace("|", "/")
    while len(text) > room and (asides := list(_ASIDE.finditer(text))):
        last = asides[-1]
        text = text[:last.start()] + text[last.end():]
    if len(text) <= room:
        return text
    cut = text[:room - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def _row_text(heading: str, stem: str, option: str) -> str:
    """A checklist row: the heading (section and place) whole, then the option (what the row asks about) and as much
    of the question's stem as fits between them."""
    joiner = " – "
    option = fit(option, LIMIT - len(heading) - len(joiner) - STEM_ROOM)
    return heading + fit(stem, LIMIT - len(heading) - len(joiner) - len(option)) + joiner + option


def scale_choices(question: Question) -> list[str]:
    assert question.scale is not None
    low, high = question.scale.min, question.scale.max
    labels = {low: question.scale.low, high: question.scale.high}
    return [_cut(f"{v} – {labels[v]}" if labels.get(v) else str(v)) for v in range(low, high + 1)]


def feedback_items(instrument: Instrument) -> list[dict[str, Any]]:
    """The plugin's feedback items for ``instrument``: one per question (a multi-choice one per option)."""
    items: list[dict[str, Any]] = []
    heads = headings(instrument)
    headed = headed_texts(instrument)

    def choice(label: str, text: str, choices: list[str]) -> None:
        items.append({"type": "choice", "label": label, "text": fit(text), "choices": choices})

    for q in instrument.questions():
        text = headed[q.id]
        if q.type in ("text", "number"):
            items.append({"type": "text", "label": q.id, "text": fit(text), **(
                {"required": True} if q.id == "p_siruta" else {})})
        elif q.type == "single":
            choice(q.id, text, [_cut(o.text) for o in q.options] + [DONT_KNOW_TEXT])
        elif q.type == "yes_no":
            choice(q.id, text, [YES, NO, DONT_KNOW_TEXT])
        elif q.type == "scale":
            choice(q.id, text, scale_choices(q) + [DONT_KNOW_TEXT])
        else:  # multi: one Da/Nu item per option, as the offline form's rows
            for option in q.options:
                choice(f"{q.id}:{option.key}", _row_text(heads[q.id], q.text, option.text), [YES, NO])
    return items


def item_labels(instrument: Instrument) -> set[str]:
    """The labels of the instrument's feedback items: what tells one instrument's questionnaire from another's."""
    return {item["label"] for item in feedback_items(instrument)}


PROFILE_TITLE = "Profilul comunei"


def headed_texts(instrument: Instrument) -> dict[str, str]:
    """Each question's text as the respondent reads it in Moodle: led by its section and its place in it
    („Pregătire digitală (2/5) – …”), since a feedback activity shows its items (52 in 2026.1, 130 in 2027.1) as one
    list with no headings
    (the plugin writes questions, not labels)."""
    heads = headings(instrument)
    return {q.id: heads[q.id] + q.text for q in instrument.questions()}


def headings(instrument: Instrument) -> dict[str, str]:
    """Each question's heading, its section and its place in it: „Pregătire digitală (2/9) – ”."""
    groups = [(PROFILE_TITLE, instrument.profile), *((s.title, s.questions) for s in instrument.sections)]
    return {q.id: f"{title} ({number}/{len(questions)}) – "
            for title, questions in groups for number, q in enumerate(questions, start=1)}


def decode_answers(instrument: Instrument, labelled: dict[str, str | tuple[str, ...] | None]) -> dict[str, Answer]:
    """A response's answers by question id from Moodle's answers by item label (choice texts, texts)."""
    answers: dict[str, Answer] = {}
    ticks: dict[str, list[str]] = {}
    for q in instrument.questions():
        if q.type == "multi":
            seen = [labelled.get(f"{q.id}:{o.key}") for o in q.options]
            if any(v is not None for v in seen):
                ticks[q.id] = [o.key for o, v in zip(q.options, seen, strict=True) if v == YES]
            continue
        value = labelled.get(q.id)
        if value is None or isinstance(value, tuple):
            continue
        if value == DONT_KNOW_TEXT and q.type in ("single", "yes_no", "scale"):
            answers[q.id] = DONT_KNOW
        elif q.type == "single":
            key = next((o.key for o in q.options if _cut(o.text) == value), None)
            if key is not None:
                answers[q.id] = key
        elif q.type == "yes_no":
            answers[q.id] = value == YES
        elif q.type == "scale":
            choices = scale_choices(q)
            if value in choices:
                answers[q.id] = q.scale.min + choices.index(value) if q.scale else None
        elif q.type == "number":
            number = _number(value)
            if number is not None:
                answers[q.id] = number
        else:
            answers[q.id] = value.strip()
    for qid, keys in ticks.items():
        answers[qid] = tuple(keys)
    return answers


def encode_answers(instrument: Instrument, answers: dict[str, Answer]) -> dict[str, str | None]:
    """The inverse of :func:`decode_answers`: answers by question id as a respondent gives them in Moodle, by item
    label (what simulated respondents send)."""
    labelled: dict[str, str | None] = {}
    for q in instrument.questions():
        value = answers.get(q.id)
        if q.type == "multi":
            for option in q.options:
                ticked = None if value is None or value == DONT_KNOW else (YES if option.key in value else NO)
                labelled[f"{q.id}:{option.key}"] = ticked  # type: ignore[operator]
            continue
        if value is None:
            labelled[q.id] = None
        elif value == DONT_KNOW and q.type in ("single", "yes_no", "scale"):
            labelled[q.id] = DONT_KNOW_TEXT
        elif q.type == "single":
            option = q.option(str(value))
            labelled[q.id] = _cut(option.text) if option else None
        elif q.type == "yes_no":
            labelled[q.id] = YES if value else NO
        elif q.type == "scale" and q.scale is not None:
            labelled[q.id] = scale_choices(q)[int(value) - q.scale.min]  # type: ignore[arg-type]
        else:
            labelled[q.id] = str(value)
    return labelled


def _number(text: str) -> int | float | None:
    cleaned = text.strip().replace(" ", "").replace(".", "").replace(",", ".") if text.count(".") > 1 else \
        text.strip().replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


# -- desired state, plan, apply -----------------------------------------------------------------------------------

def activity_ref(wave: str) -> str:
    return f"chestionar-{wave.lower()}"


@dataclass(frozen=True)
class Questionnaire:
    """Where the diagnostic lives in Moodle: the catalogue prefix, the instrument and the wave."""

    prefix: str
    instrument: Instrument
    wave: str = "T0"

    @property
    def course_idnumber(self) -> str:
        return course_idnumber(self.prefix, COURSE_KEY)

    @property
    def activity_idnumber(self) -> str:
        return activity_idnumber(self.prefix, COURSE_KEY, activity_ref(self.wave))


def desired_questionnaire(q: Questionnaire) -> DesiredState:
    category = DesiredCategory(category_idnumber(q.prefix, CATEGORY_KEY), CATEGORY_KEY, "Diagnostic digital",
                               "<p>Diagnosticul maturității digitale a comunelor.</p>", None)
    intro = (f"<p>{q.instrument.title} (versiunea {q.instrument.version}, valul {q.wave}). Un singur răspuns "
             "pentru fiecare comună: dacă primăria răspunde de mai multe ori, se ia în calcul ultimul răspuns. "
             "„Nu știu” nu se socotește zero. La o listă de practici (Da/Nu pe fiecare rând), un rând lăsat gol "
             "se socotește „Nu” dacă ați răspuns la alt rând al aceleiași întrebări.</p>")
    activity = DesiredActivity(q.activity_idnumber, activity_ref(q.wave), "feedback", 0,
                               f"Chestionar de diagnostic digital – {q.wave}", intro,
                               {"items": json.dumps(feedback_items(q.instrument), ensure_ascii=False,
                                                    separators=(",", ":")), "anonymous": "2"},
                               completion=COMPLETION_NONE)
    course = DesiredCourse(
        idnumber=q.course_idnumber, key=COURSE_KEY, shortname=SHORTNAME, fullname=FULLNAME,
        summary="<p>Chestionarul de diagnostic al maturității digitale, completat de primăriile comunelor.</p>",
        format="topics", visible=True, startdate=0, enddate=0, category_idnumber=category.idnumber,
        sections=(DesiredSection(0, GENERAL_SECTION_NAME, "<p>Chestionarul de diagnostic.</p>"),),
        activities=(activity,), question_sets=(), completion=DesiredCompletion(AGGREGATION_ALL, ()))
    return DesiredState(q.prefix, (category,), (course,))


def respondents(store: Store) -> list[PersonRecord]:
    """The roster's local-authority people already in Moodle (active, with a Moodle account)."""
    from cooperare.store.people import People

    return [p for p in People(store.engine).all(status="active")
            if p.category not in NOT_RESPONDENTS and p.moodle_user_id is not None]


@dataclass
class QuestionnaireState:
    courses: MoodleState
    enrolled: set[int] = field(default_factory=set)

    @property
    def course_id(self) -> int | None:
        found = next(iter(self.courses.courses.values()), None)
        return found.id if found else None

    @property
    def fingerprint(self) -> str:
        return fingerprint({"courses": self.courses.fingerprint, "enrolled": sorted(self.enrolled)})


def read_questionnaire(client: MoodleClient, q: Questionnaire) -> QuestionnaireState:
    state = QuestionnaireState(read_state(client, course_idnumbers=[q.course_idnumber]))
    if state.course_id is not None:
        state.enrolled = {u.id for u in client.enrol.enrolled_users(state.course_id)}
    return state


@dataclass
class QuestionnairePlan:
    questionnaire: Questionnaire
    desired: DesiredState
    state: QuestionnaireState
    plan: Plan


def enrol_address(q: Questionnaire, person: PersonRecord) -> str:
    return f"{course_address(q.course_idnumber)}.enrol[{person.idnumber}]"


def _wave_feedback(client: MoodleClient, q: Questionnaire) -> Any | None:
    """The wave's feedback activity in Moodle (InputError when the course is not there; None without the wave)."""
    described = client.course_content.describe([q.course_idnumber])
    if not described:
        raise InputError("the diagnostic course is not in Moodle", hint="run diagnostic plan and diagnostic apply")
    course = described[0].raw
    cmid = next((a.get("cmid") for a in course.get("activities", []) if a.get("idnumber") == q.activity_idnumber),
                None)
    return next((f for f in client.feedback.of_courses([int(course["id"])]) if f.cmid == cmid), None)


def _refuse_dropping_answers(client: MoodleClient, q: Questionnaire, plan: Plan) -> None:
    """The plugin deletes an item no longer listed, with its answers: a wave already answered keeps its questions
    (a new instrument version goes into a new wave)."""
    for change in plan.pending():
        if change.action != "update" or not change.address.endswith(f"activity[{q.activity_idnumber}]"):
            continue
        old = {i["label"] for i in json.loads((change.before or {}).get("options.items") or "[]")}
        new = {i["label"] for i in json.loads((change.after or {}).get("options.items") or "[]")}
        dropped = old - new
        if not dropped or not client.feedback.readable(client.site.functions):
            continue
        feedback = _wave_feedback(client, q)
        answered = len(client.feedback.responses(feedback.id)) if feedback is not None else 0
        if answered:
            raise PlanError(f"wave {q.wave} already has {answered} response{'' if answered == 1 else 's'}, and "
                            f"instrument {q.instrument.version} "
                            f"would delete {len(dropped)} of its questions with their answers",
                            hint="collect the wave with the instrument it was applied with, then put the new "
                                 "instrument in a new wave (--wave T1)")


def plan_questionnaire(client: MoodleClient, store: Store, q: Questionnaire) -> QuestionnairePlan:
    """Read the diagnostic course from Moodle and compare it with the questionnaire and the respondents."""
    client.site.require_plugin(purpose="the diagnostic questionnaire (a feedback activity with its items)")
    desired = desired_questionnaire(q)
    state = read_questionnaire(client, q)
    plan = build_plan(desired, state.courses)
    plan.changes = [c for c in plan.changes if not c.address.endswith(".completion")]
    plan.scope = SCOPE
    plan.state_fingerprint = state.fingerprint
    _refuse_dropping_answers(client, q, plan)
    group = f"{q.course_idnumber} (respondenți)"
    people = respondents(store)
    if not people:
        plan.notes.append("no local-authority people with a Moodle account in the store: run roster apply first")
    for person in people:
        after = {"userid": person.moodle_user_id, "role": "student"}
        action = "noop" if person.moodle_user_id in state.enrolled else "create"
        plan.add(Change(enrol_address(q, person), action, None, after, group))
    plan.ws_calls = client.transport.stats.calls
    return QuestionnairePlan(q, desired, state, plan)


@dataclass
class QuestionnaireResult:
    courses: ApplyResult
    enrolled: int = 0


def apply_questionnaire(client: MoodleClient, store: Store, planned: QuestionnairePlan, *, plan: Plan | None = None,
                        command: str = "diagnostic apply") -> QuestionnaireResult:
    """Apply ``plan`` (default: the freshly computed one) as one journaled run; a stale saved plan is refused."""
    plan = plan or planned.plan
    plan.check_fresh(planned.state.fingerprint)
    course_plan = Plan(scope="courses", state_fingerprint=planned.state.courses.fingerprint,
                       changes=[c for c in plan.changes if ".enrol[" not in c.address])
    enrolments = [c for c in plan.pending() if ".enrol[" in c.address]
    with store.runs.recording(command, detail={"changes": dict(plan.counts())},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        applier = CourseApplier(client, store, run_id=run.id, desired=planned.desired, state=planned.state.courses)
        result = QuestionnaireResult(applier.apply(course_plan))
        if enrolments:
            course_id = applier.course_ids[planned.questionnaire.course_idnumber]
            entries = [store.journal.begin(run.id, scope=SCOPE, address=c.address, action=c.action,
                                           payload={"key": c.address}) for c in enrolments]
            try:
                client.enrol.enrol([(course_id, int(c.after["userid"])) for c in enrolments])
            except ResponseLost:
                raise  # begun entries stay: the next plan reads the enrolments back
            except MoodleError as error:
                for entry in entries:
                    store.journal.failed(entry, error)
                raise
            for entry in entries:
                store.journal.done(entry, None)
            result.enrolled = len(enrolments)
        run.detail = {"changes": dict(plan.counts()), "enrolled": result.enrolled}
    return result


# -- collect ------------------------------------------------------------------------------------------------------

def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ş", "ș").replace("ţ", "ț"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("-", " ").split())


def commune_index() -> dict[tuple[str, str], int | None]:
    """(county code, folded commune name) → SIRUTA; None where two communes of a county share the name."""
    index: dict[tuple[str, str], int | None] = {}
    for commune in communes():
        key = (commune.county_code, _fold(commune.name))
        index[key] = None if key in index else commune.siruta
    return index


def roster_siruta(person: PersonRecord, index: dict[tuple[str, str], int | None]) -> int | None:
    name = _fold(person.commune).removeprefix("comuna ").strip()
    return index.get((person.county.upper(), name))


@dataclass(frozen=True)
class Unplaced:
    """A response that could not be tied to a commune."""

    attempt: int
    fullname: str
    reason: str


@dataclass
class CollectResult:
    feedback_id: int
    read: int = 0
    stored: int = 0
    already: int = 0
    from_roster: int = 0
    from_answer: int = 0
    unplaced: list[Unplaced] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    """Responses set aside because the same commune answered later in the same wave (among all collected)."""
    ws_calls: int = 0


def _source(feedback_id: int, attempt: FeedbackAttempt) -> str:
    return f"{SOURCE_PREFIX}{feedback_id}:{attempt.id}:{attempt.timemodified}"


def collect_responses(client: MoodleClient, store: Store, q: Questionnaire, *,
                      people: Sequence[PersonRecord] | None = None) -> CollectResult:
    """Read the wave's responses from Moodle and store the new ones (a repeated collect stores nothing twice)."""
    start = client.transport.stats.calls
    if not client.feedback.readable(client.site.functions):
        raise InputError("the site does not let this account read feedback responses",
                         hint="install local_cooperare 2026120320 or later (its service lists mod_feedback's "
                              "get_feedbacks_by_courses, get_items and get_responses_analysis)")
    feedback = _wave_feedback(client, q)
    if feedback is None:
        raise InputError(f"no questionnaire for wave {q.wave} in the diagnostic course",
                         hint="run diagnostic apply for this wave first")
    items = {i.id: i for i in client.feedback.items(feedback.id)}
    expected = item_labels(q.instrument)
    found = {i.label for i in items.values()}
    if found != expected:  # another instrument's questionnaire: decoding it would store empty answers
        named = [v for v in shipped_versions() if item_labels(load_shipped(v)) == found]
        raise InputError(f"the wave {q.wave} questionnaire in Moodle asks other questions than instrument "
                         f"{q.instrument.version} ({len(found ^ expected)} items differ)",
                         hint=(f"collect it with --instrument {named[0]}" if named else
                               "collect it with the instrument it was applied with (--instrument FILE)"))
    attempts = client.feedback.responses(feedback.id)
    result = CollectResult(feedback.id, read=len(attempts))
    by_user = {p.moodle_user_id: p for p in (people if people is not None else respondents(store))}
    index = commune_index()
    known_communes = {c.siruta for c in communes()}
    stored = DiagnosticResponses(store.engine)
    known = stored.sources(prefix=f"{SOURCE_PREFIX}{feedback.id}:")
    fresh: list[Response] = []
    for attempt in attempts:
        source = _source(feedback.id, attempt)
        answers = decode_answers(q.instrument, _labelled(items, attempt))
        person = by_user.get(attempt.userid)
        siruta = roster_siruta(person, index) if person is not None else None
        if siruta is not None:
            result.from_roster += 1
            answers["p_siruta"] = siruta
        elif isinstance(answers.get("p_siruta"), int):
            siruta = int(answers["p_siruta"])  # type: ignore[arg-type]
            result.from_answer += 1
        if siruta is None or siruta not in known_communes:
            result.unplaced.append(Unplaced(attempt.id, attempt.fullname,
                                            "no commune: not in the roster and no commune's SIRUTA code answered"))
            continue
        if source in known:
            result.already += 1
            continue
        fresh.append(Response(siruta=siruta, version=q.instrument.version, wave=q.wave,
                              submitted_at=datetime.fromtimestamp(attempt.timemodified, UTC), answers=answers,
                              source=source))
    if fresh:
        with store.runs.recording("diagnostic collect", detail={"read": len(attempts), "stored": len(fresh)},
                                  ws_calls=lambda: client.transport.stats.calls - start):
            result.stored = stored.add(fresh)
    everything = [r for r in stored.all(version=q.instrument.version)
                  if r.wave == q.wave and r.source.startswith(f"{SOURCE_PREFIX}{feedback.id}:")]
    _kept, result.superseded = latest(everything)
    result.ws_calls = client.transport.stats.calls - start
    return result


def _labelled(items: dict[int, FeedbackItem], attempt: FeedbackAttempt) -> dict[str, str | tuple[str, ...] | None]:
    return {items[item_id].label: items[item_id].decode(raw) for item_id, raw in attempt.values.items()
            if item_id in items}
