"""The desired Moodle state of the catalogue: categories, courses, sections, activities, questions, completion.

Pure data derived from the catalogue and its settings (no Moodle access). Every object carries its idnumber and, for
what the plugin stores, a ``spechash`` of exactly what would be written, so the planner can tell "the catalogue
changed" without comparing HTML field by field. Activity options follow docs/plugin-contract.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from cooperare.courses.catalogue import Catalogue, Course, Forum, Programme, Quiz, QuizSettings
from cooperare.courses.identity import (
    activity_idnumber,
    activity_refs,
    category_idnumber,
    course_idnumber,
    question_idnumber,
)
from cooperare.courses.moodlexml import single_question_document
from cooperare.plan import fingerprint

TIMEZONE = ZoneInfo("Europe/Bucharest")
FINAL_SECTION_NAME = "Evaluare finală"
GENERAL_SECTION_NAME = "Informații generale"

# Moodle's completion constants as the plugin takes them.
COMPLETION_NONE, COMPLETION_MANUAL, COMPLETION_AUTOMATIC = 0, 1, 2
AGGREGATION_ALL = 1
# Moodle XML's question type names that differ from the qtype plugin's name Moodle reports back.
MOODLE_QTYPES = {"matching": "match"}


@dataclass(frozen=True)
class DesiredCategory:
    idnumber: str
    key: str
    name: str
    description: str
    parent_idnumber: str | None

    def fields(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "parent": self.parent_idnumber}


@dataclass(frozen=True)
class DesiredSection:
    number: int
    name: str
    summary: str
    visible: bool = True

    def fields(self) -> dict[str, Any]:
        return {"name": self.name, "summary": self.summary, "visible": int(self.visible)}


@dataclass(frozen=True)
class DesiredActivity:
    idnumber: str
    ref: str
    modname: str
    section: int
    name: str
    intro: str
    options: dict[str, str]
    completion: int = COMPLETION_NONE
    completionview: int = 0
    completionusegrade: int = 0
    completionpassgrade: int = 0
    visible: bool = True

    def payload(self) -> dict[str, Any]:
        """What ``local_cooperare_save_activities`` takes for this activity (course id added at apply time)."""
        return {
            "idnumber": self.idnumber,
            "modname": self.modname,
            "section": self.section,
            "name": self.name,
            "intro": self.intro,
            "visible": int(self.visible),
            "completion": self.completion,
            "completionview": self.completionview,
            "completionusegrade": self.completionusegrade,
            "completionpassgrade": self.completionpassgrade,
            "options": [{"name": k, "value": v} for k, v in sorted(self.options.items())],
        }

    @property
    def spechash(self) -> str:
        return fingerprint(self.payload())


@dataclass(frozen=True)
class DesiredQuestion:
    idnumber: str
    key: str
    qtype: str
    xml: str
    mark: float = 1.0

    @property
    def spechash(self) -> str:
        return fingerprint({"xml": self.xml, "mark": self.mark})


@dataclass(frozen=True)
class DesiredQuestionSet:
    quiz_idnumber: str
    questions: tuple[DesiredQuestion, ...]


@dataclass(frozen=True)
class DesiredCompletion:
    aggregation: int
    activities: tuple[str, ...]

    def payload(self) -> dict[str, Any]:
        return {"aggregation": self.aggregation, "activities": list(self.activities)}

    @property
    def spechash(self) -> str:
        return fingerprint(self.payload())


@dataclass(frozen=True)
class DesiredCourse:
    idnumber: str
    key: str
    shortname: str
    fullname: str
    summary: str
    format: str
    visible: bool
    startdate: int
    enddate: int
    category_idnumber: str
    sections: tuple[DesiredSection, ...]
    activities: tuple[DesiredActivity, ...]
    question_sets: tuple[DesiredQuestionSet, ...]
    completion: DesiredCompletion
    lang: str = ""

    def fields(self) -> dict[str, Any]:
        """The course fields the pack manages through core web services (``lang`` only when forced: Moodle refuses
        a language it lacks, the empty one included)."""
        fields = {
            "shortname": self.shortname,
            "fullname": self.fullname,
            "summary": self.summary,
            "format": self.format,
            "visible": int(self.visible),
            "startdate": self.startdate,
            "enddate": self.enddate,
            "enablecompletion": 1,
            "category": self.category_idnumber,
        }
        if self.lang:
            fields["lang"] = self.lang
        return fields


@dataclass(frozen=True)
class DesiredState:
    prefix: str
    categories: tuple[DesiredCategory, ...]
    courses: tuple[DesiredCourse, ...] = field(default_factory=tuple)

    def course(self, idnumber: str) -> DesiredCourse:
        return next(c for c in self.courses if c.idnumber == idnumber)


def day_start(day: date) -> int:
    return int(datetime.combine(day, time(0, 0), TIMEZONE).timestamp())


def day_end(day: date) -> int:
    return int(datetime.combine(day, time(23, 59), TIMEZONE).timestamp())


def quiz_options(settings: QuizSettings, *, final: bool, closed_review: bool = False,
                 grade_weights: bool = False) -> dict[str, str]:
    """The plugin's quiz options. ``closed_review`` (plugin 2026120360+): the final quiz shows per-answer feedback and
    the right answers only after it closes, so the review of a failed attempt does not hand over the answers of the
    next one (walk of 2026-12-03); module tests keep their feedback at every time — they are for learning.
    ``grade_weights`` (plugin 0.6.0+): the quiz's ``course_weight_percent`` becomes its weight in the course total
    (walk finding 8: with Moodle's own weights, a trainee who failed the final read a course total of 89 %)."""
    weight = ({"gradeweight": f"{settings.course_weight_percent / 100:g}"}
              if grade_weights and settings.course_weight_percent is not None else {})
    return {
        "attempts": str(settings.attempts),
        "grade": f"{settings.grade:g}",
        "gradepass": f"{settings.grade_to_pass:g}",
        "timelimit": str(settings.timelimit_minutes * 60),
        "shuffleanswers": "1" if settings.shuffle_answers else "0",
        "preferredbehaviour": "deferredfeedback" if final else "interactive",
        "navmethod": "free",
        "reviewfeedback": "closed" if final and closed_review else "1",
        **weight,
    }


FINAL_PATH_REF = "final-path"
NEWS_FORUM = Forum(title="Anunțuri", intro="<p>Anunțurile formatorilor pentru participanții la curs: program, "
                                           "termene și noutăți. Doar formatorii publică aici; întrebările se pun "
                                           "în forumul cursului.</p>")


def availability_after(idnumbers: list[str]) -> str:
    """The plugin's ``availability`` option: open once each listed activity is complete ([] = always open)."""
    return json.dumps(idnumbers, ensure_ascii=False, separators=(",", ":"))


def rating_text(text: str, scale: str) -> str:
    """A 1–5 rating's question with what its ends mean, so nobody has to guess which end is good."""
    return f"{text} ({scale})" if scale.strip() else text


def final_path_text(settings: QuizSettings) -> str:
    """The label above the final quiz: how many attempts, the pass mark and what happens after a failed last try."""
    attempts = "un număr nelimitat de încercări" if settings.attempts == 0 else (
        "o singură încercare" if settings.attempts == 1 else f"{settings.attempts} încercări")
    def number(value: float) -> str:
        return f"{value:g}".replace(".", ",")  # Romanian decimal comma: 7,5

    text = (f"<p><strong>Cum promovați evaluarea finală.</strong> Testul se deschide după ce ați promovat testele "
            f"tuturor modulelor. Aveți {attempts}; promovați cu cel puțin {number(settings.grade_to_pass)} puncte "
            f"din {number(settings.grade)}. După evaluare vi se deschide chestionarul de satisfacție, ultimul pas "
            f"al cursului.</p>")
    return text + retake_text(settings)


def retake_text(settings: QuizSettings) -> str:
    """What a trainee does after a failed last attempt ("" when attempts are unlimited or there is no retake).

    It is said twice: in the label above the final quiz and at the end of the quiz's own description, which is
    what the quiz page shows under "Nu mai sunt permise alte încercări" (the walk of 2026-12-03 found that page
    ending in a bare "Înapoi la curs")."""
    if settings.attempts > 0 and settings.retake == "trainer":
        return ("<p><strong>Dacă nu ați promovat după ultima încercare</strong>, nu ați pierdut cursul: reluați "
                "lecțiile modulelor la care ați greșit și scrieți formatorului în forumul cursului. Formatorul "
                "discută cu dumneavoastră și vă poate acorda o încercare suplimentară a evaluării finale.</p>")
    return ""


_COMPLETION_RULES = {
    "none": (COMPLETION_NONE, 0, 0, 0),
    "manual": (COMPLETION_MANUAL, 0, 0, 0),
    "view": (COMPLETION_AUTOMATIC, 1, 0, 0),
    "grade": (COMPLETION_AUTOMATIC, 0, 1, 0),
    "pass": (COMPLETION_AUTOMATIC, 0, 1, 1),
}


def _completion(rule: str) -> dict[str, int]:
    completion, view, usegrade, passgrade = _COMPLETION_RULES[rule]
    return {"completion": completion, "completionview": view, "completionusegrade": usegrade,
            "completionpassgrade": passgrade}


def _questions(prefix: str, course: Course, quiz_ref: str, quiz: Quiz) -> DesiredQuestionSet:
    quiz_id = activity_idnumber(prefix, course.key, quiz_ref)
    questions = []
    for question in quiz.questions:
        idnumber = question_idnumber(prefix, course.key, quiz_ref, question.key)
        xml = single_question_document(question, idnumber=idnumber)
        questions.append(DesiredQuestion(idnumber, question.key, MOODLE_QTYPES.get(question.type, question.type), xml))
    return DesiredQuestionSet(quiz_id, tuple(questions))


def _course(catalogue: Catalogue, programme: Programme, course: Course, *, lang: str,
            closed_review: bool = False, grade_weights: bool = False) -> DesiredCourse:
    prefix = catalogue.prefix
    settings = catalogue.course_settings(course.key)
    module_quiz = catalogue.quiz_settings(course.key, final=False)
    final_quiz = catalogue.quiz_settings(course.key, final=True)
    final_section = len(course.modules) + 1
    sections = [DesiredSection(0, GENERAL_SECTION_NAME, course.summary)]
    activities: list[DesiredActivity] = []
    question_sets: list[DesiredQuestionSet] = []

    def activity(ref: str, modname: str, section: int, name: str, intro: str, options: dict[str, str],
                 rule: str) -> None:
        activities.append(DesiredActivity(activity_idnumber(prefix, course.key, ref), ref, modname, section, name,
                                          intro, options, **_completion(rule)))

    # Moodle's own news forum ("Announcements") is taken over by the plugin and named in Romanian.
    news = course.news or NEWS_FORUM
    activity("news", "forum", 0, news.title, news.intro, {"type": "news"}, "none")
    if course.forum is not None:
        activity("forum", "forum", 0, course.forum.title, course.forum.intro, {"type": "general"}, "none")
    for number, key in enumerate(course.modules, start=1):
        module = programme.module(key)
        sections.append(DesiredSection(number, module.title, module.summary))
        if module.lesson is not None:
            activity(f"{key}:lesson", "page", number, module.lesson.title, "",
                     {"content": module.lesson.content}, module.lesson.completion or "view")
        for resource in module.resources:
            if resource.type == "url":
                activity(f"{key}:{resource.key}", "url", number, resource.title, resource.text,
                         {"externalurl": resource.url, "display": "0"}, resource.completion or "none")
            else:
                activity(f"{key}:{resource.key}", "label", number, resource.title, resource.text, {},
                         resource.completion or "none")
        if module.quiz is not None:
            activity(f"{key}:quiz", "quiz", number, module.quiz.title, module.quiz.intro,
                     quiz_options(module_quiz, final=False, grade_weights=grade_weights),
                     module.quiz.completion or "pass")
            question_sets.append(_questions(prefix, course, f"{key}:quiz", module.quiz))
    sections.append(DesiredSection(final_section, FINAL_SECTION_NAME,
                                   "<p>Evaluarea finală a programului și chestionarul de feedback.</p>"))
    # The final quiz opens once every tracked module test is complete (passed), the survey once the final is.
    module_tests = [a.idnumber for a in activities if a.modname == "quiz" and a.completion != COMPLETION_NONE]
    if course.final_quiz is not None:
        activity(FINAL_PATH_REF, "label", final_section, "", final_path_text(final_quiz), {}, "none")
        activity("final", "quiz", final_section, course.final_quiz.title,
                 course.final_quiz.intro + retake_text(final_quiz),
                 {**quiz_options(final_quiz, final=True, closed_review=closed_review, grade_weights=grade_weights),
                  "availability": availability_after(module_tests)},
                 course.final_quiz.completion or "pass")
        question_sets.append(_questions(prefix, course, "final", course.final_quiz))
    if course.feedback is not None:
        items = [{"type": item.type, "label": item.key, "text": rating_text(item.text, course.feedback.scale)
                  if item.type == "rating" else item.text} for item in course.feedback.items]
        activities.append(DesiredActivity(
            activity_idnumber(prefix, course.key, "feedback"), "feedback", "feedback", final_section,
            course.feedback.title, course.feedback.intro,
            {"items": json.dumps(items, ensure_ascii=False, separators=(",", ":")), "completionsubmit": "1",
             "availability": availability_after([a.idnumber for a in activities
                                                 if a.ref == "final" and a.completion != COMPLETION_NONE])},
            completion=COMPLETION_AUTOMATIC))
    if course.completion is not None and course.completion.require is not None:
        required = [activity_idnumber(prefix, course.key, ref) for ref in course.completion.require]
    else:
        # By default what is tracked counts, and what counts is tracked: a trainee completes the course by reading
        # every lesson, passing every module quiz and the final evaluation, and answering the survey; links and
        # labels are there to help, not to be ticked off (they are not tracked either).
        tracked = {a.ref for a in activities if a.completion != COMPLETION_NONE}
        required = [activity_idnumber(prefix, course.key, ref) for ref in activity_refs(programme, course)
                    if ref in tracked]
    return DesiredCourse(
        idnumber=course_idnumber(prefix, course.key),
        key=course.key,
        shortname=course.shortname,
        fullname=course.fullname,
        summary=course.summary,
        format=course.format,
        visible=course.visible,
        startdate=day_start(settings.start),
        enddate=day_end(settings.end),
        category_idnumber=category_idnumber(prefix, programme.category),
        sections=tuple(sections),
        activities=tuple(activities),
        question_sets=tuple(question_sets),
        completion=DesiredCompletion(AGGREGATION_ALL, tuple(required)),
        lang=lang,
    )


def desired_state(catalogue: Catalogue, *, only: set[str] | None = None, lang: str = "",
                  closed_review: bool = False, grade_weights: bool = False) -> DesiredState:
    """The whole catalogue as Moodle should hold it (``only``: course keys or shortnames to restrict to; ``lang``:
    the language forced on every course, "ro" when the site has the Romanian pack, "" to leave it to the user;
    ``closed_review``, ``grade_weights``: the site's plugin takes ``reviewfeedback: closed``, ``gradeweight`` — see
    :func:`quiz_options`)."""
    prefix = catalogue.prefix
    categories = tuple(
        DesiredCategory(category_idnumber(prefix, category.key), category.key, category.name, category.description,
                        category_idnumber(prefix, parent.key) if parent else None)
        for category, parent in catalogue.categories()
    )
    courses = tuple(
        _course(catalogue, programme, course, lang=lang, closed_review=closed_review, grade_weights=grade_weights)
        for programme, course in catalogue.courses()
        if only is None or course.key in only or course.shortname in only
    )
    return DesiredState(prefix, categories, courses)
