"""What the training and the digitalisation manual offer for each gap the diagnostic finds.

``data/offer.yaml`` maps every scored section of the instrument (the six dimensions and the commune module) and,
optionally, single questions (their recommended action) to chapters of the manual (by chapter key, ``cap-03``) and to
modules of the training courses (by catalogue course key and module key). Loading resolves every key against the
manual and the catalogue given (the shipped ones by default) and stops with a :class:`ConfigError` naming the YAML
file, the line and the key that does not resolve. The resolved :class:`Offer` carries the texts the study and the
scorecards print (chapter number and title, course and module titles); it reads no responses and computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from cooperare.config.loader import build, load_yaml
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.diagnostic.instrument import Instrument
from cooperare.errors import ConfigError
from cooperare.manual.content import ManualSource, load_manual

MANUAL_NAME = "Manualul de digitalizare"


# --- the file as written ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Training:
    course: str
    module: str


@dataclass(frozen=True)
class _Entry:
    manual: tuple[str, ...] = ()
    training: tuple[_Training, ...] = ()


@dataclass(frozen=True)
class _Section(_Entry):
    offer: str = ""


@dataclass(frozen=True)
class _File:
    sections: dict[str, _Section]
    questions: dict[str, dict[str, _Entry]] = field(default_factory=dict)
    """Per instrument version, the questions whose action another chapter or module teaches better."""


# --- resolved ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterRef:
    key: str
    number: int
    title: str

    @property
    def short(self) -> str:
        return f"cap. {self.number} — {self.title}"

    @property
    def text(self) -> str:
        return f"{MANUAL_NAME}, {self.short}"


@dataclass(frozen=True)
class ModuleRef:
    course: str
    shortname: str
    fullname: str
    module: str
    module_title: str
    url: str = ""

    @property
    def text(self) -> str:
        return f"Cursul «{self.fullname}», {self.module_title}"


@dataclass(frozen=True)
class Help:
    """The chapters and course modules that address one section or one question's action."""

    chapters: tuple[ChapterRef, ...]
    modules: tuple[ModuleRef, ...]
    offer: str = ""

    def manual_line(self) -> str:
        """„Manualul de digitalizare, cap. 3 — …; cap. 8 — …”."""
        return f"{MANUAL_NAME}, " + "; ".join(c.short for c in self.chapters)

    def courses(self) -> list[tuple[str, str, list[str]]]:
        """(course line, course link or "", module titles) per course, in the order first named."""
        grouped: dict[str, list[ModuleRef]] = {}
        for m in self.modules:
            grouped.setdefault(m.course, []).append(m)
        return [(f"Cursul «{ms[0].fullname}», " + "; ".join(m.module_title for m in ms), ms[0].url,
                 [m.module_title for m in ms]) for ms in grouped.values()]

    def lines(self) -> list[str]:
        """The manual line, then one line per course with its modules."""
        return [self.manual_line()] + [line for line, _url, _titles in self.courses()]


@dataclass(frozen=True)
class Offer:
    sections: dict[str, Help]
    questions: dict[str, Help]
    source: str = ""

    def for_section(self, key: str) -> Help | None:
        return self.sections.get(key)

    def for_question(self, qid: str, section: str) -> Help | None:
        """The question's own mapping, else its section's."""
        return self.questions.get(qid) or self.sections.get(section)

    def with_site(self, url: str | None) -> Offer:
        """The same offer with a link on every course module (``course/view.php?name=SHORTNAME``); none without URL."""
        if not url:
            return self
        base = url.rstrip("/")

        def linked(h: Help) -> Help:
            return Help(h.chapters, tuple(ModuleRef(m.course, m.shortname, m.fullname, m.module, m.module_title,
                                                    f"{base}/course/view.php?name={m.shortname}") for m in h.modules),
                        h.offer)

        return Offer({k: linked(h) for k, h in self.sections.items()},
                     {k: linked(h) for k, h in self.questions.items()}, self.source)


def shipped_offer_path() -> Path:
    return Path(str(resources.files("cooperare.diagnostic").joinpath("data", "offer.yaml")))


def load_offer(instrument: Instrument, path: Path | None = None, *, manual: ManualSource | None = None,
               catalogue: Catalogue | None = None) -> Offer:
    """Read ``path`` (default: the shipped ``data/offer.yaml``) and resolve it against ``manual`` and ``catalogue``
    (default: the shipped ones). Every section of ``instrument`` needs an entry; every key must resolve."""
    path = path or shipped_offer_path()
    manual = manual or load_manual()
    catalogue = catalogue or load_catalogue()
    data, locator = load_yaml(path)
    raw = build(_File, data, locator=locator)

    def fail(message: str, where: tuple[str | int, ...], hint: str | None = None) -> ConfigError:
        return ConfigError(message, location=locator.locate(where), hint=hint)

    numbers = {c.key: (i, c.title) for i, c in enumerate(manual.chapters, start=1)}
    courses = {course.key: (programme, course) for programme, course in catalogue.courses()}

    def resolve(entry: _Entry, where: tuple[str | int, ...], offer: str = "") -> Help:
        if not entry.manual:
            raise fail("name at least one chapter of the manual (manual: [cap-NN])", (*where, "manual"))
        if not entry.training:
            raise fail("name at least one course module (training: [{course: …, module: …}])", (*where, "training"))
        chapters = []
        for i, key in enumerate(entry.manual):
            if key not in numbers:
                raise fail(f"manual chapter {key!r} is not in the manual ({manual.folder})", (*where, "manual", i),
                           hint=f"chapters: {', '.join(numbers)}")
            number, title = numbers[key]
            chapters.append(ChapterRef(key, number, title))
        modules = []
        for i, item in enumerate(entry.training):
            at = (*where, "training", i)
            if item.course not in courses:
                raise fail(f"course {item.course!r} is not in the catalogue ({catalogue.root})", (*at, "course"),
                           hint=f"courses: {', '.join(courses)}")
            programme, course = courses[item.course]
            if item.module not in course.modules:
                raise fail(f"module {item.module!r} is not a module of course {item.course!r}", (*at, "module"),
                           hint=f"its modules: {', '.join(course.modules)}")
            modules.append(ModuleRef(course.key, course.shortname, course.fullname, item.module,
                                     programme.module(item.module).title))
        for ch in "şţŞŢ":
            if ch in offer:
                raise fail(f"uses the cedilla letter {ch!r}; write ș ț with comma below", (*where, "offer"))
        return Help(tuple(chapters), tuple(modules), offer.strip())

    section_keys = [s.key for s in instrument.sections]
    for key in raw.sections:
        if key not in section_keys:
            raise fail(f"section {key!r} is not a scored section of instrument {instrument.version}",
                       ("sections", key), hint=f"sections: {', '.join(section_keys)}")
    for key in section_keys:
        if key not in raw.sections:
            raise fail(f"section {key!r} of instrument {instrument.version} has no entry", ("sections",))
    sections = {}
    for key, entry in raw.sections.items():
        if not entry.offer.strip():
            raise fail("say in a sentence what the training and the manual offer (offer)", ("sections", key))
        sections[key] = resolve(entry, ("sections", key), entry.offer)
    questions = {}
    for qid, entry in raw.questions.get(instrument.version, {}).items():
        where = ("questions", instrument.version, qid)
        if not instrument.has_question(qid) or not instrument.question(qid).scored:
            raise fail(f"question {qid!r} is not a scored question of instrument {instrument.version}", where)
        questions[qid] = resolve(entry, where)
    return Offer(sections, questions, str(path))


__all__ = ["ChapterRef", "Help", "ModuleRef", "Offer", "load_offer", "shipped_offer_path"]
