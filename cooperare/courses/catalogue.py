"""The training catalogue: YAML files → a validated, typed model (programmes, courses, modules, quizzes, tracks).

Schema in ``docs/catalogue.md``. Loading is strict: unknown keys, wrong types and dangling references (a course
listing an undefined module, a track naming an unknown course, a category that does not exist) stop with the file,
line and key path of the fault, before anything talks to Moodle. Quality rules that are not structural (diacritics,
feedback, pass marks...) belong to :mod:`cooperare.courses.lint`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

from cooperare.config.loader import Locator, build, checked, load_yaml
from cooperare.errors import ConfigError, Location

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COMPLETION_RULES = ("none", "manual", "view", "grade", "pass")


def check_key(value: str) -> str:
    if not KEY_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a key: use lower-case letters, digits and dashes")
    return value


def _key() -> str:
    return checked(check_key)


# --- content model --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    question: str
    answer: str


QuestionType = Literal["multichoice", "truefalse", "shortanswer", "matching"]


@dataclass(frozen=True)
class Question:
    key: str = _key()
    type: QuestionType = "multichoice"
    text: str = ""
    general_feedback: str = ""
    # multichoice
    single: bool = True
    answers: tuple[Answer, ...] = ()
    # truefalse
    correct: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""
    # shortanswer
    feedback_wrong: str = ""
    # matching
    pairs: tuple[Pair, ...] = ()
    feedback_correct: str = ""
    feedback_partial: str = ""
    feedback_incorrect: str = ""


@dataclass(frozen=True)
class Quiz:
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    completion: str | None = None


@dataclass(frozen=True)
class Lesson:
    title: str
    content: str
    completion: str | None = None


ResourceType = Literal["url", "label"]


@dataclass(frozen=True)
class Resource:
    """An extra activity of a module: a link to an external page (``url``) or a text on the course page (``label``)."""

    key: str = _key()
    type: ResourceType = "url"
    title: str = ""
    url: str = ""
    text: str = ""
    completion: str | None = None


@dataclass(frozen=True)
class Module:
    key: str = _key()
    title: str = ""
    lesson: Lesson | None = None
    resources: tuple[Resource, ...] = ()
    quiz: Quiz | None = None
    summary: str = ""
    shared: bool = False  # may be listed by more than one course (the lint refuses an undeclared share)


@dataclass(frozen=True)
class Forum:
    title: str
    intro: str = ""


FeedbackItemType = Literal["rating", "text"]


@dataclass(frozen=True)
class FeedbackItem:
    key: str = _key()
    type: FeedbackItemType = "rating"
    text: str = ""


@dataclass(frozen=True)
class Feedback:
    title: str
    items: tuple[FeedbackItem, ...]
    intro: str = ""
    scale: str = ""  # what 1 and 5 mean, shown with every rating ("1 = deloc, 5 = în foarte mare măsură")


@dataclass(frozen=True)
class CourseCompletion:
    """Which activities a trainee must complete for course completion (default: every lesson, quiz and the final)."""

    require: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Course:
    key: str = _key()
    shortname: str = ""
    fullname: str = ""
    modules: tuple[str, ...] = ()
    final_quiz: Quiz | None = None
    summary: str = ""
    format: Literal["topics", "weeks"] = "topics"
    visible: bool = True
    forum: Forum | None = None
    news: Forum | None = None  # the course's news forum, in Romanian (default: "Anunțuri")
    feedback: Feedback | None = None
    completion: CourseCompletion | None = None


@dataclass(frozen=True)
class Programme:
    key: str = _key()
    category: str = _key()
    name: str = ""
    modules: tuple[Module, ...] = ()
    courses: tuple[Course, ...] = ()

    def module(self, key: str) -> Module:
        return next(m for m in self.modules if m.key == key)


@dataclass(frozen=True)
class Category:
    key: str = _key()
    name: str = ""
    description: str = ""
    children: tuple[Category, ...] = ()


@dataclass(frozen=True)
class Track:
    key: str = _key()
    course: str = _key()
    name: str = ""
    target: int = 0
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParticipantCategory:
    key: str = _key()
    name: str = ""


@dataclass(frozen=True)
class CatalogueIndex:
    prefix: str = _key()
    categories: tuple[Category, ...] = ()
    programmes: tuple[str, ...] = ()
    tracks: tuple[Track, ...] = ()
    participant_categories: tuple[ParticipantCategory, ...] = ()


# --- settings (hours, dates, pass marks) ------------------------------------------------------------------------


RETAKE_POLICIES = ("none", "trainer")


@dataclass(frozen=True)
class QuizSettings:
    attempts: int = 0
    grade: float = 10
    pass_percent: float = 60
    timelimit_minutes: int = 0
    shuffle_answers: bool = True
    # What a trainee who used every attempt without passing can do: "trainer" — a trainer grants one more attempt
    # (a user override in the quiz) after the trainee has gone over the modules again; "none" — nothing (a dead end
    # when attempts are limited and passing is required: the lint refuses it).
    retake: Literal["none", "trainer"] = "none"
    # The quiz's share of the course total in Moodle's gradebook, in percent (natural aggregation's weight, with
    # its override ticked); None leaves Moodle's own weights (each quiz counts by its maximum grade).
    course_weight_percent: float | None = None

    @property
    def grade_to_pass(self) -> float:
        return round(self.grade * self.pass_percent / 100, 2)


@dataclass(frozen=True)
class QuizOverride:
    attempts: int | None = None
    grade: float | None = None
    pass_percent: float | None = None
    timelimit_minutes: int | None = None
    shuffle_answers: bool | None = None
    retake: Literal["none", "trainer"] | None = None
    course_weight_percent: float | None = None

    def applied_to(self, base: QuizSettings) -> QuizSettings:
        changes = {k: v for k, v in self.__dict__.items() if v is not None}
        return replace(base, **changes)


@dataclass(frozen=True)
class QuizDefaults:
    module_quiz: QuizSettings = field(default_factory=QuizSettings)
    final_quiz: QuizSettings = field(default_factory=lambda: QuizSettings(attempts=2, pass_percent=70,
                                                                          retake="trainer"))


@dataclass(frozen=True)
class CourseSettings:
    hours: int
    start: date
    end: date
    module_quiz: QuizOverride | None = None
    final_quiz: QuizOverride | None = None


@dataclass(frozen=True)
class Settings:
    defaults: QuizDefaults = field(default_factory=QuizDefaults)
    courses: dict[str, CourseSettings] = field(default_factory=dict)


# --- the loaded catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a programme (or the index) came from, to point at faults found after loading."""

    path: Path
    locator: Locator


@dataclass(frozen=True)
class Catalogue:
    root: Path
    index: CatalogueIndex
    programmes: tuple[Programme, ...]
    settings: Settings
    sources: dict[str, Source] = field(repr=False, compare=False, default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.index.prefix

    @property
    def tracks(self) -> tuple[Track, ...]:
        return self.index.tracks

    def courses(self) -> Iterator[tuple[Programme, Course]]:
        for programme in self.programmes:
            for course in programme.courses:
                yield programme, course

    def course(self, key: str) -> tuple[Programme, Course]:
        for programme, course in self.courses():
            if course.key == key:
                return programme, course
        raise KeyError(key)

    def track(self, key: str) -> Track:
        for track in self.tracks:
            if track.key == key:
                return track
        raise KeyError(key)

    def course_settings(self, course_key: str) -> CourseSettings:
        return self.settings.courses[course_key]

    def quiz_settings(self, course_key: str, *, final: bool) -> QuizSettings:
        base = self.settings.defaults.final_quiz if final else self.settings.defaults.module_quiz
        course = self.settings.courses.get(course_key)
        override = (course.final_quiz if final else course.module_quiz) if course else None
        return override.applied_to(base) if override else base

    def categories(self) -> Iterator[tuple[Category, Category | None]]:
        """Every category with its parent (parents first)."""

        def walk(items: tuple[Category, ...], parent: Category | None) -> Iterator[tuple[Category, Category | None]]:
            for item in items:
                yield item, parent
                yield from walk(item.children, item)

        return walk(self.index.categories, None)

    def locate(self, source: str, path: tuple[str | int, ...]) -> Location:
        found = self.sources.get(source)
        return found.locator.locate(path) if found else Location(file=source, key=".".join(map(str, path)))


def default_catalogue_path() -> Path:
    """The ACoR catalogue shipped in the package."""
    return Path(str(resources.files("cooperare.courses").joinpath("catalogue", "catalogue.yaml")))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and validate a catalogue (``catalogue.yaml`` or the folder holding it); faults raise ConfigError."""
    index_path = Path(path) if path is not None else default_catalogue_path()
    if index_path.is_dir():
        index_path = index_path / "catalogue.yaml"
    if not index_path.is_file():
        raise ConfigError(f"no catalogue at {index_path}", hint="give the catalogue.yaml file or its folder")
    root = index_path.parent
    data, locator = load_yaml(index_path)
    index = build(CatalogueIndex, data, locator=locator)
    sources = {"catalogue.yaml": Source(index_path, locator)}
    programmes = []
    for position, relative in enumerate(index.programmes):
        programme_path = root / relative
        if not programme_path.is_file():
            raise ConfigError(f"programme file {relative} does not exist",
                              location=locator.locate(("programmes", position)))
        programme_data, programme_locator = load_yaml(programme_path)
        programmes.append(build(Programme, programme_data, locator=programme_locator))
        sources[relative] = Source(programme_path, programme_locator)
    settings_path = root / "settings.yaml"
    if settings_path.is_file():
        settings_data, settings_locator = load_yaml(settings_path)
        settings = build(Settings, settings_data, locator=settings_locator)
        sources["settings.yaml"] = Source(settings_path, settings_locator)
    else:
        settings = Settings()
    catalogue = Catalogue(root, index, tuple(programmes), settings, sources)
    _check_references(catalogue)
    return catalogue


def _duplicates(keys: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({k for k in keys if k in seen or seen.add(k)})  # type: ignore[func-returns-value]


def _check_references(catalogue: Catalogue) -> None:
    """Structural links between files: categories, modules, courses, tracks, settings. First fault raises."""
    index = catalogue.index
    category_keys = [category.key for category, _ in catalogue.categories()]
    for duplicate in _duplicates(category_keys):
        raise ConfigError(f"category key {duplicate!r} is used twice", location=catalogue.locate(
            "catalogue.yaml", ("categories",)))
    programme_files = dict(zip((p.key for p in catalogue.programmes), index.programmes, strict=True))
    for duplicate in _duplicates([p.key for p in catalogue.programmes]):
        raise ConfigError(f"programme key {duplicate!r} is used by two programme files",
                          location=catalogue.locate("catalogue.yaml", ("programmes",)))
    course_keys: list[str] = []
    shortnames: list[str] = []
    for programme in catalogue.programmes:
        source = programme_files[programme.key]
        if programme.category not in category_keys:
            raise ConfigError(f"category {programme.category!r} is not defined in catalogue.yaml",
                              location=catalogue.locate(source, ("category",)),
                              hint=f"known categories: {', '.join(category_keys)}")
        module_keys = [m.key for m in programme.modules]
        for duplicate in _duplicates(module_keys):
            raise ConfigError(f"module key {duplicate!r} is used twice", location=catalogue.locate(
                source, ("modules", module_keys.index(duplicate))))
        for c_index, course in enumerate(programme.courses):
            course_keys.append(course.key)
            shortnames.append(course.shortname)
            for m_index, module_key in enumerate(course.modules):
                if module_key not in module_keys:
                    raise ConfigError(f"module {module_key!r} is not defined in this programme",
                                      location=catalogue.locate(source, ("courses", c_index, "modules", m_index)),
                                      hint=f"defined modules: {', '.join(module_keys)}")
            for m_index, module in enumerate(programme.modules):
                parts: list[tuple[tuple[str | int, ...], object]] = [(("lesson",), module.lesson),
                                                                     (("quiz",), module.quiz)]
                parts += [(("resources", r_index), resource) for r_index, resource in enumerate(module.resources)]
                for where, part in parts:
                    if part is not None and part.completion not in (None, *COMPLETION_RULES):
                        raise ConfigError(f"completion must be one of {', '.join(COMPLETION_RULES)}",
                                          location=catalogue.locate(source, ("modules", m_index, *where,
                                                                             "completion")))
                resource_keys = [r.key for r in module.resources]
                for duplicate in _duplicates(resource_keys + ["lesson", "quiz"]):
                    raise ConfigError(f"resource key {duplicate!r} is used twice in module {module.key!r}",
                                      location=catalogue.locate(source, ("modules", m_index, "resources")))
    for duplicate in _duplicates(course_keys):
        raise ConfigError(f"course key {duplicate!r} is used twice", location=catalogue.locate("catalogue.yaml", ()))
    for duplicate in _duplicates(shortnames):
        raise ConfigError(f"course shortname {duplicate!r} is used twice",
                          location=catalogue.locate("catalogue.yaml", ()))
    participant_keys = [c.key for c in index.participant_categories]
    for t_index, track in enumerate(index.tracks):
        if track.course not in course_keys:
            raise ConfigError(f"track {track.key!r} names course {track.course!r}, which no programme defines",
                              location=catalogue.locate("catalogue.yaml", ("tracks", t_index, "course")))
        for c_index, category in enumerate(track.categories):
            if category not in participant_keys:
                raise ConfigError(f"participant category {category!r} is not defined",
                                  location=catalogue.locate("catalogue.yaml",
                                                            ("tracks", t_index, "categories", c_index)))
    for duplicate in _duplicates([t.key for t in index.tracks]):
        raise ConfigError(f"track key {duplicate!r} is used twice", location=catalogue.locate(
            "catalogue.yaml", ("tracks",)))
    for course_key in catalogue.settings.courses:
        if course_key not in course_keys:
            raise ConfigError(f"settings for unknown course {course_key!r}",
                              location=catalogue.locate("settings.yaml", ("courses", course_key)))
    for course_key in course_keys:
        if course_key not in catalogue.settings.courses:
            raise ConfigError(f"course {course_key!r} has no hours and dates in settings.yaml",
                              location=catalogue.locate("settings.yaml", ("courses",)))
        settings = catalogue.settings.courses[course_key]
        if settings.end < settings.start:
            raise ConfigError(f"course {course_key!r} ends before it starts",
                              location=catalogue.locate("settings.yaml", ("courses", course_key, "end")))
