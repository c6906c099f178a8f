"""The diagnostic instrument: a versioned questionnaire read strictly from YAML, with file:line errors.

The shipped instruments (``data/instrument-<version>.yaml``, :data:`CURRENT_VERSION` the one new waves answer)
have a profile module (not scored), the six dimensions of the EDIH
Digital Maturity Assessment for public-sector organisations and a commune module (scored, reported apart from the
overall score). Every scored question has a type (``single``, ``multi``, ``scale``, ``yes_no``), its answers and a
weight. An instrument is identified by ``version``; :data:`KNOWN_VERSIONS` pins the content fingerprint of each
released version, so editing a released instrument without giving it a new version is refused. This module must not
score, read responses or talk to Moodle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from cooperare.config.loader import build, load_yaml
from cooperare.errors import ConfigError
from cooperare.plan import fingerprint

QuestionType = Literal["single", "multi", "scale", "yes_no", "text", "number"]
SCORED_TYPES = ("single", "multi", "scale", "yes_no")
DMA_DIMENSIONS = ("strategie", "pregatire", "uman", "date", "interoperabilitate", "verde")
"""The six DMA dimensions for public-sector organisations, in the DMA's order; the overall score is their mean."""

KNOWN_VERSIONS: dict[str, str] = {"2026.1": "acbf2ff285d101287ae37b1ad932114e",
                                  "2027.1": "e4ea23b09e41bc377b6dd4fddf9beee4"}
"""Released versions and the fingerprint of their content (see :meth:`Instrument.content_fingerprint`)."""
CURRENT_VERSION = "2027.1"
"""The shipped version that new waves answer (``load_shipped``); older shipped versions stay loadable by version, so
responses to them can still be scored with the instrument they answered."""


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    score: float | None = None


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    low: str = ""
    high: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: QuestionType
    weight: float = 0.0
    options: tuple[Option, ...] = ()
    scale: Scale | None = None
    action: str = ""
    training: str = ""

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES and self.weight > 0

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Instrument:
    version: str
    title: str
    coverage: float
    profile: tuple[Question, ...]
    dimensions: tuple[Dimension, ...]
    modules: tuple[Dimension, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def sections(self) -> tuple[Dimension, ...]:
        """The scored sections: the six dimensions, then the modules."""
        return self.dimensions + self.modules

    def questions(self) -> tuple[Question, ...]:
        return self.profile + tuple(q for s in self.sections for q in s.questions)

    def question(self, qid: str) -> Question:
        return self._index()[qid]

    def has_question(self, qid: str) -> bool:
        return qid in self._index()

    def _index(self) -> dict[str, Question]:
        return _index_of(self)

    def section_of(self, qid: str) -> Dimension:
        return next(s for s in self.sections if any(q.id == qid for q in s.questions))

    def content_fingerprint(self) -> str:
        """A hash of everything that affects answers or scores (texts included)."""
        data = {"coverage": self.coverage, "profile": [_q(q) for q in self.profile],
                "sections": [[s.key, s.title, [_q(q) for q in s.questions]] for s in self.sections]}
        return fingerprint(data)


@cache
def _index_of(instrument: Instrument) -> dict[str, Question]:
    return {q.id: q for q in instrument.questions()}


def _q(q: Question) -> list[object]:
    return [q.id, q.text, q.type, q.weight, [[o.key, o.text, o.score] for o in q.options],
            [q.scale.min, q.scale.max] if q.scale else None, q.action]


@cache
def shipped_versions() -> tuple[str, ...]:
    """The instrument versions shipped with the pack, oldest first."""
    folder = resources.files("cooperare.diagnostic").joinpath("data")
    found = [entry.name[len("instrument-"):-len(".yaml")] for entry in folder.iterdir()
             if entry.name.startswith("instrument-") and entry.name.endswith(".yaml")]
    return tuple(sorted(found, key=lambda v: tuple(int(part) for part in v.split("."))))


def shipped_path(version: str = CURRENT_VERSION) -> Path:
    if version not in shipped_versions():
        raise ConfigError(f"no shipped instrument has version {version!r}",
                          hint="shipped versions: " + ", ".join(shipped_versions()))
    return Path(str(resources.files("cooperare.diagnostic").joinpath("data", f"instrument-{version}.yaml")))


def load_shipped(version: str = CURRENT_VERSION) -> Instrument:
    """A shipped instrument: the current one, or an older one by ``version`` (each read once)."""
    return _load_shipped(version)


@cache
def _load_shipped(version: str) -> Instrument:
    instrument = load_instrument(shipped_path(version))
    if instrument.version != version:
        raise ConfigError(f"instrument-{version}.yaml says version {instrument.version!r}")
    return instrument


def load_instrument(path: Path) -> Instrument:
    """Read and check an instrument; every fault is a ConfigError naming file, line and key."""
    data, locator = load_yaml(path)
    if isinstance(data, dict):
        data = {**data, "source": str(path)}
    instrument = build(Instrument, data, locator=locator)
    seen: dict[str, tuple[str | int, ...]] = {}

    def fail(message: str, where: tuple[str | int, ...]) -> ConfigError:
        return ConfigError(message, location=locator.locate(where))

    if not 0 < instrument.coverage <= 1:
        raise fail("coverage must be a share above 0 and at most 1", ("coverage",))
    keys = [d.key for d in instrument.dimensions]
    if tuple(keys) != DMA_DIMENSIONS:
        raise fail(f"the dimensions must be the six DMA dimensions in order: {', '.join(DMA_DIMENSIONS)}",
                   ("dimensions",))
    groups: list[tuple[str, tuple[Question, ...]]] = [("profile", instrument.profile)]
    for name, sections in (("dimensions", instrument.dimensions), ("modules", instrument.modules)):
        for si, section in enumerate(sections):
            if not any(q.scored for q in section.questions):
                raise fail("a section needs at least one scored question", (name, si, "questions"))
            groups.append((f"{name}.{si}", section.questions))
    for group, questions in groups:
        base: tuple[str | int, ...] = (group,) if group == "profile" else \
            (group.split(".")[0], int(group.split(".")[1]), "questions")
        for qi, q in enumerate(questions):
            where = (*base, qi)
            if q.id in seen:
                raise fail(f"duplicate question id {q.id!r}", (*where, "id"))
            seen[q.id] = where
            _check_question(q, group == "profile", lambda m, k=None, w=where: fail(m, (*w, k) if k else w))
    expected = KNOWN_VERSIONS.get(instrument.version)
    if expected and expected != instrument.content_fingerprint():
        raise fail(f"version {instrument.version} was released with other content; give the changed instrument "
                   "a new version (and add it to KNOWN_VERSIONS)", ("version",))
    return instrument


def _check_question(q: Question, profile: bool, err: Callable[..., ConfigError]) -> None:
    if profile and q.weight:
        raise err("profile questions are not scored: leave weight out", "weight")
    if not profile and q.type not in SCORED_TYPES:
        raise err(f"a scored question must be one of {', '.join(SCORED_TYPES)}", "type")
    if not profile and q.weight <= 0:
        raise err("a scored question needs a weight above 0", "weight")
    if q.type in ("single", "multi") and len(q.options) < 2:
        raise err("needs at least two options", "options")
    if len({o.key for o in q.options}) != len(q.options):
        raise err("option keys must be unique", "options")
    if q.type == "single" and not profile:
        if any(o.score is None for o in q.options):
            raise err("every option of a scored single-choice question needs a score", "options")
        scores = [o.score for o in q.options]
        if min(scores) != 0 or max(scores) <= 0:  # type: ignore[type-var]
            raise err("option scores must run from 0 up to a positive best score", "options")
    if q.type == "multi" and any(o.score is not None for o in q.options):
        raise err("multi-choice options carry no score (each ticked option counts the same)", "options")
    if q.type == "scale":
        if q.scale is None or q.scale.max <= q.scale.min:
            raise err("a scale question needs scale: {min, max} with max above min", "scale")
    elif q.scale is not None:
        raise err("only scale questions take a scale", "scale")
    if q.type in ("yes_no", "scale", "text", "number") and q.options:
        raise err(f"{q.type} questions take no options", "options")
    if not profile and not q.action:
        raise err("say which action raises this answer (action)", "action")
    for ch in "şţŞŢ":
        if ch in q.text or ch in q.action or any(ch in o.text for o in q.options):
            raise err(f"uses the cedilla letter {ch!r}; write ș ț with comma below", "text")
