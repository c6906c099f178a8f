"""``cooperare catalogue check``: quality rules a loaded catalogue must meet before it goes to Moodle.

Structure (keys, types, references between files) is checked when loading; this module checks content: Romanian
diacritics with comma below (never cedilla), every question answerable and with feedback on every answer, unique
keys, completion rules that point at real activities, pass marks within the quiz's maximum, lesson length and quiz
sizes. Each finding names file, line and key path. It never changes the catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from cooperare.collation import fold
from cooperare.courses.catalogue import Catalogue, Course, Programme, Question, Quiz, Resource
from cooperare.courses.desired import COMPLETION_NONE, desired_state
from cooperare.courses.identity import MAX_IDNUMBER, activity_idnumber, activity_refs
from cooperare.errors import Location

CEDILLA = {"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"}
# A short answer that is a web address: scheme and "www." optional, a slash at the end optional.
_WEB_ADDRESS = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9ăâîșț-]+(?:\.[a-z0-9ăâîșț-]+)*\.[a-z]{2,})/?$")


def address_forms(host: str) -> list[str]:
    """The forms of a web address a person may type for ``host`` (without "www."): with or without "www.", with
    http://, https:// or no scheme, with or without a slash at the end."""
    return [f"{scheme}{www}{host}{slash}" for scheme in ("", "https://", "http://") for www in ("", "www.")
            for slash in ("", "/")]


# What a satisfaction survey must not ask (data minimisation, GDPR art. 5(1)(c)): the roster already holds what the
# reports need (county, commune, organisation), and nothing in the project needs a trainee's gender, age or the
# like. Matched on folded text (no diacritics, lower case); each pattern names what it is about.
PERSONAL_DATA = (
    (re.compile(r"\b(sexul|sex|genul (dumneavoastra|dvs|tau)|identitate(a)? de gen|feminin|masculin)\b"), "gender"),
    (re.compile(r"\b(varsta|varstei|anul nasterii|data nasterii|nascut|nascuta)\b"), "age or date of birth"),
    (re.compile(r"\b(cnp|cod(ul)? numeric personal)\b"), "personal numeric code (CNP)"),
    (re.compile(r"\b(etnie|etnia|etnic|etnica|nationalitate|nationalitatea|religie|religia|confesiune)\b"),
     "ethnicity, nationality or religion"),
    (re.compile(r"\b(stare(a)? civila|casatorit|casatorita)\b"), "marital status"),
    (re.compile(r"\b(starea de sanatate|dizabilitate|handicap)\b"), "health"),
    (re.compile(r"\b((numar(ul)?|nr) de telefon|telefonul|adresa de domiciliu|domiciliul|adresa de e ?mail)\b"),
     "contact details"),
)
MIN_LESSON_WORDS = 350
MIN_MODULE_QUESTIONS = 8
MIN_FINAL_QUESTIONS = 15
_VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed", "param",
              "track"}

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message} [{self.rule}]"


def word_count(html: str) -> int:
    text = re.sub(r"<[^>]+>", " ", html)
    return len(re.findall(r"\w+(?:[-'’]\w+)*", text))


class _TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        if tag in self.stack:
            while self.stack and self.stack[-1] != tag:
                self.problems.append(f"<{self.stack.pop()}> is not closed")
            self.stack.pop()
        else:
            self.problems.append(f"</{tag}> closes nothing")


def _activity_paths(programme: Programme, course: Course,
                    base: tuple[str | int, ...]) -> list[tuple[str, tuple[str | int, ...]]]:
    """Where in the programme file each activity of a course is described (to point findings at the line)."""
    paths: list[tuple[str, tuple[str | int, ...]]] = []
    index = {m.key: i for i, m in enumerate(programme.modules)}
    for key in course.modules:
        module = programme.module(key)
        m_base: tuple[str | int, ...] = ("modules", index[key])
        if module.lesson is not None:
            paths.append((f"{key}:lesson", (*m_base, "lesson")))
        for r_index, resource in enumerate(module.resources):
            paths.append((f"{key}:{resource.key}", (*m_base, "resources", r_index)))
        if module.quiz is not None:
            paths.append((f"{key}:quiz", (*m_base, "quiz")))
    paths += [("final", (*base, "final_quiz")), ("feedback", (*base, "feedback")), ("forum", (*base, "forum")),
              ("news", (*base, "news"))]
    return paths


def html_problems(html: str) -> list[str]:
    parser = _TagBalance()
    parser.feed(html)
    parser.close()
    return parser.problems + [f"<{tag}> is not closed" for tag in parser.stack]


class _Linter:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.findings: list[Finding] = []

    def add(self, severity: Severity, rule: str, message: str, source: str, path: tuple[str | int, ...]) -> None:
        self.findings.append(Finding(severity, rule, message, self.catalogue.locate(source, path)))

    # -- text-level rules ---------------------------------------------------------------------------------------

    def cedilla(self) -> None:
        for name, source in sorted(self.catalogue.sources.items()):
            self._cedilla_in_file(name, source.path)

    def _cedilla_in_file(self, name: str, path: Path) -> None:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for column, char in enumerate(line, start=1):
                if char in CEDILLA:
                    self.findings.append(Finding(
                        "error", "cedilla",
                        f"'{char}' (cedilla) must be '{CEDILLA[char]}' (comma below)",
                        Location(file=str(path), line=number, column=column)))

    # -- structure of content -----------------------------------------------------------------------------------

    def programme(self, programme: Programme, source: str) -> None:
        for m_index, module in enumerate(programme.modules):
            base: tuple[str | int, ...] = ("modules", m_index)
            if module.lesson is not None:
                words = word_count(module.lesson.content)
                if words < MIN_LESSON_WORDS:
                    self.add("error", "lesson-length", f"lesson has {words} words, fewer than {MIN_LESSON_WORDS}",
                             source, (*base, "lesson", "content"))
                for problem in html_problems(module.lesson.content):
                    self.add("error", "html", f"lesson HTML: {problem}", source, (*base, "lesson", "content"))
            else:
                self.add("warning", "lesson-missing", "module has no lesson", source, base)
            for r_index, resource in enumerate(module.resources):
                self.resource(resource, source, (*base, "resources", r_index))
            if module.quiz is not None:
                self.quiz(module.quiz, source, (*base, "quiz"), minimum=MIN_MODULE_QUESTIONS)
            else:
                self.add("warning", "quiz-missing", "module has no quiz", source, base)
        for c_index, course in enumerate(programme.courses):
            self.course(programme, course, source, ("courses", c_index))

    def resource(self, resource: Resource, source: str, where: tuple[str | int, ...]) -> None:
        if resource.type == "url":
            if not resource.title.strip():
                self.add("error", "resource", "a link needs a title", source, (*where, "title"))
            parts = urlsplit(resource.url)
            if parts.scheme != "https" or not parts.netloc or " " in resource.url:
                self.add("error", "resource", f"link {resource.url!r} is not an https:// address", source,
                         (*where, "url"))
        else:
            if not resource.text.strip():
                self.add("error", "resource", "a label needs text", source, (*where, "text"))
        for problem in html_problems(resource.text):
            self.add("error", "html", f"resource HTML: {problem}", source, (*where, "text"))

    def course_weights(self, programme: Programme, course: Course, where: tuple[str | int, ...]) -> None:
        """The quizzes' ``course_weight_percent``: all given or none (Moodle would share the rest among the others
        by their maxima), each 0–100, and together 100 — overrides that do not add up are rescaled by Moodle, so
        the course total would not say what the catalogue says."""
        module = self.catalogue.quiz_settings(course.key, final=False)
        final = self.catalogue.quiz_settings(course.key, final=True)
        tests = sum(1 for key in course.modules if programme.module(key).quiz is not None)
        weights = [module.course_weight_percent] * tests + ([final.course_weight_percent] if course.final_quiz else [])
        given = [w for w in weights if w is not None]
        if not given:
            return
        if len(given) != len(weights):
            self.add("error", "course-weight", "course_weight_percent is set for the module quizzes or the final quiz "
                     "but not both: give both (0 for the module tests and 100 for the final make the course total "
                     "the final's result)", "settings.yaml", where)
        elif any(not 0 <= w <= 100 for w in given) or abs(sum(given) - 100) > 0.01:
            self.add("error", "course-weight",
                     f"the quizzes' course_weight_percent add up to {sum(given):g}% ({tests} module tests × "
                     f"{module.course_weight_percent:g}% + final {final.course_weight_percent:g}%), not 100%",
                     "settings.yaml", where)

    def course(self, programme: Programme, course: Course, source: str, base: tuple[str | int, ...]) -> None:
        if course.final_quiz is None:
            self.add("error", "final-missing", "course has no final evaluation quiz", source, base)
        else:
            self.quiz(course.final_quiz, source, (*base, "final_quiz"), minimum=MIN_FINAL_QUESTIONS)
        settings = self.catalogue.settings.courses.get(course.key)
        for final in (False, True):
            quiz = self.catalogue.quiz_settings(course.key, final=final)
            what = "final quiz" if final else "module quizzes"
            if quiz.pass_percent > 100 or quiz.grade_to_pass > quiz.grade:
                self.add("error", "pass-mark",
                         f"{what}: pass mark {quiz.pass_percent}% ({quiz.grade_to_pass}) exceeds the maximum grade "
                         f"{quiz.grade}", "settings.yaml", ("courses", course.key) if settings else ("defaults",))
            if quiz.pass_percent <= 0 or quiz.grade <= 0:
                self.add("error", "pass-mark", f"{what}: grade and pass mark must be positive", "settings.yaml",
                         ("courses", course.key) if settings else ("defaults",))
        self.course_weights(programme, course, ("courses", course.key) if settings else ("defaults",))
        for duplicate in sorted({m for m in course.modules if course.modules.count(m) > 1}):
            self.add("error", "duplicate-idnumber", f"module {duplicate!r} is listed twice: its activities would "
                     "share idnumbers", source, (*base, "modules"))
        refs = activity_refs(programme, course)
        longest = max((activity_idnumber(self.catalogue.prefix, course.key, ref) for ref in refs), key=len,
                      default="")
        if len(longest) + 12 > MAX_IDNUMBER:
            self.add("error", "idnumber-length", f"idnumber {longest!r} leaves too little room under Moodle's "
                     f"{MAX_IDNUMBER} characters; shorten the course or module key", source, (*base, "key"))
        if course.completion is not None and course.completion.require is not None:
            for r_index, ref in enumerate(course.completion.require):
                if ref not in refs:
                    self.add("error", "completion-link",
                             f"completion requires {ref!r}, which is not an activity of this course "
                             f"(known: {', '.join(sorted(refs))})",
                             source, (*base, "completion", "require", r_index))
        self.completion_rules(programme, course, source, base)
        self.survey_personal_data(course, source, base)

    def completion_rules(self, programme: Programme, course: Course, source: str,
                         base: tuple[str | int, ...]) -> None:
        """Completion rules that contradict each other or leave a trainee at a dead end."""
        desired = next(c for c in desired_state(self.catalogue, only={course.key}).courses)
        required = set(desired.completion.activities)
        where = {ref: path for ref, path in _activity_paths(programme, course, base)}
        for activity in desired.activities:
            path = where.get(activity.ref, base)
            own_source = source
            tracked = activity.completion != COMPLETION_NONE
            if activity.modname == "quiz" and tracked and not activity.completionpassgrade \
                    and float(activity.options.get("gradepass", "0")) > 0:
                how = "on any grade" if activity.completionusegrade else \
                    "when viewed" if activity.completionview else "when ticked by hand"
                self.add("error", "completion-contradiction",
                         f"{activity.ref}: the quiz shows a grade to pass ({activity.options['gradepass']}) but "
                         f"completes {how}; use 'completion: pass'", own_source, (*path, "completion"))
            if activity.idnumber in required and not tracked:
                self.add("error", "completion-contradiction",
                         f"{activity.ref} is required for course completion but its completion is not tracked",
                         own_source, (*path, "completion"))
            if tracked and activity.idnumber not in required:
                self.add("warning", "completion-contradiction",
                         f"{activity.ref} is tracked for completion but does not count for the course: trainees "
                         "see a tick that means nothing; track it with 'completion: none' or require it",
                         own_source, (*path, "completion"))
        final = self.catalogue.quiz_settings(course.key, final=True)
        final_activity = next((a for a in desired.activities if a.ref == "final"), None)
        if final_activity is not None and final_activity.completionpassgrade and final.attempts > 0 \
                and final.retake == "none" and final_activity.idnumber in required:
            settings_path = ("courses", course.key) if course.key in self.catalogue.settings.courses \
                else ("defaults",)
            self.add("error", "dead-end",
                     f"the final quiz allows {final.attempts} attempt(s) and must be passed, and nothing is offered "
                     "to a trainee who fails them all: set final_quiz retake: trainer (or unlimited attempts)",
                     "settings.yaml", settings_path)
        if course.feedback is not None and not course.feedback.scale.strip() and any(
                item.type == "rating" for item in course.feedback.items):
            self.add("error", "rating-scale", "the survey's 1–5 ratings do not say which end is good: give "
                     "feedback.scale (e.g. \"1 = deloc, 5 = în foarte mare măsură\")", source,
                     (*base, "feedback"))

    def survey_personal_data(self, course: Course, source: str, base: tuple[str | int, ...]) -> None:
        """A survey question asking for personal data the project does not need (gender, age, CNP...)."""
        if course.feedback is None:
            return
        for i_index, item in enumerate(course.feedback.items):
            folded = fold(re.sub(r"<[^>]+>", " ", item.text))
            for pattern, what in PERSONAL_DATA:
                if pattern.search(folded):
                    self.add("error", "personal-data",
                             f"survey question {item.key!r} asks for {what}, which the project does not need: a "
                             "satisfaction survey asks about the course; what the reports need comes from the roster",
                             source, (*base, "feedback", "items", i_index, "text"))
                    break

    def shared_modules(self) -> None:
        """A module may serve two courses only when the catalogue says so (``shared: true``)."""
        for programme, source in zip(self.catalogue.programmes, self.catalogue.index.programmes, strict=True):
            users: dict[str, list[str]] = {}
            for course in programme.courses:
                for key in dict.fromkeys(course.modules):
                    users.setdefault(key, []).append(course.key)
            for m_index, module in enumerate(programme.modules):
                courses = users.get(module.key, [])
                if len(courses) > 1 and not module.shared:
                    self.add("error", "shared-module",
                             f"module {module.key!r} is used by courses {', '.join(courses)}; a module serves "
                             "two courses only when it says 'shared: true'", source, ("modules", m_index, "key"))

    def quiz(self, quiz: Quiz, source: str, base: tuple[str | int, ...], *, minimum: int) -> None:
        if len(quiz.questions) < minimum:
            self.add("error", "quiz-size", f"quiz has {len(quiz.questions)} questions, fewer than {minimum}",
                     source, (*base, "questions"))
        seen: dict[str, int] = {}
        for q_index, question in enumerate(quiz.questions):
            where = (*base, "questions", q_index)
            if question.key in seen:
                self.add("error", "duplicate-key",
                         f"question key {question.key!r} repeats question {seen[question.key]}",
                         source, (*where, "key"))
            seen.setdefault(question.key, q_index)
            self.question(question, source, where)

    def question(self, question: Question, source: str, where: tuple[str | int, ...]) -> None:
        if not question.text.strip():
            self.add("error", "question-text", "question has no text", source, (*where, "text"))
        for problem in html_problems(question.text):
            self.add("error", "html", f"question HTML: {problem}", source, (*where, "text"))
        check = getattr(self, f"_{question.type}")
        check(question, source, where)

    def _multichoice(self, question: Question, source: str, where: tuple[str | int, ...]) -> None:
        correct = [a for a in question.answers if a.correct]
        if len(question.answers) < 2:
            self.add("error", "answers", "a multiple-choice question needs at least two answers", source,
                     (*where, "answers"))
        if not correct:
            self.add("error", "no-correct-answer", "no answer is marked correct", source, (*where, "answers"))
        elif question.single and len(correct) > 1:
            self.add("error", "no-correct-answer", f"single-answer question has {len(correct)} correct answers",
                     source, (*where, "answers"))
        elif not question.single and len(correct) == len(question.answers):
            self.add("warning", "answers", "every answer is correct", source, (*where, "answers"))
        self._answer_feedback(question, source, where)

    def _shortanswer(self, question: Question, source: str, where: tuple[str | int, ...]) -> None:
        if not question.answers:
            self.add("error", "no-correct-answer", "a short-answer question needs at least one accepted answer",
                     source, (*where, "answers"))
        self._answer_feedback(question, source, where)
        if not question.feedback_wrong.strip():
            self.add("error", "empty-feedback", "feedback_wrong (for any other answer) is empty", source,
                     (*where, "feedback_wrong"))
        accepted = {answer.text.strip().lower() for answer in question.answers}
        for host in sorted({m.group(1) for a in accepted if (m := _WEB_ADDRESS.match(a)) and m.group(1).isascii()}):
            missing = [form for form in address_forms(host) if form not in accepted]
            if missing:
                self.add("warning", "address-forms",
                         f"the answer {host!r} is a web address, but {len(missing)} of the ways a person types it are "
                         f"refused: {', '.join(missing)}", source, (*where, "answers"))

    def _truefalse(self, question: Question, source: str, where: tuple[str | int, ...]) -> None:
        if question.correct is None:
            self.add("error", "no-correct-answer", "a true/false question needs 'correct: true' or 'false'",
                     source, where)
        for name in ("feedback_true", "feedback_false"):
            if not getattr(question, name).strip():
                self.add("error", "empty-feedback", f"{name} is empty", source, (*where, name))

    def _matching(self, question: Question, source: str, where: tuple[str | int, ...]) -> None:
        if len(question.pairs) < 3:
            self.add("error", "no-correct-answer", "a matching question needs at least three pairs", source,
                     (*where, "pairs"))
        for p_index, pair in enumerate(question.pairs):
            if not pair.question.strip() or not pair.answer.strip():
                self.add("error", "pairs", "a pair needs both a question and an answer", source,
                         (*where, "pairs", p_index))
        for name in ("feedback_correct", "feedback_partial", "feedback_incorrect"):
            if not getattr(question, name).strip():
                self.add("error", "empty-feedback", f"{name} is empty", source, (*where, name))

    def _answer_feedback(self, question: Question, source: str, where: tuple[str | int, ...]) -> None:
        for a_index, answer in enumerate(question.answers):
            if not answer.text.strip():
                self.add("error", "answers", "answer text is empty", source, (*where, "answers", a_index, "text"))
            if not answer.feedback.strip():
                self.add("error", "empty-feedback", "answer has no feedback", source,
                         (*where, "answers", a_index, "feedback"))

    def run(self) -> list[Finding]:
        self.cedilla()
        self.shared_modules()
        for programme, source in zip(self.catalogue.programmes, self.catalogue.index.programmes, strict=True):
            self.programme(programme, source)
        return self.findings


def lint(catalogue: Catalogue) -> list[Finding]:
    """Every finding, errors and warnings, in file order."""
    return _Linter(catalogue).run()
