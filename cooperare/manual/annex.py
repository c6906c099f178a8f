"""The annex "Ce s-a schimbat după consultare": accepted recommendations per chapter and the change each one made.

:func:`annex_chapter` and :func:`changes_by_chapter` are pure functions over :class:`AcceptedRecommendation` values
and the ``changes.yaml`` entries; they read nothing. Where the recommendations come from is kept apart: a YAML file
(:func:`load_recommendations`) or, once merged with the consultation register, :func:`accepted_from_register` —
the one small function that knows the register's shape. Parts of the manual consultations are chapter keys
(``cap-01``…), so a recommendation maps to its chapter by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from cooperare.errors import InputError, Location
from cooperare.manual.content import ChangeMade, Table
from cooperare.manual.model import DocChapter, Heading, Paragraph, Span, TableBlock

Answer = Literal["accepted", "partly"]
ANSWER_RO = {"accepted": "acceptată", "partly": "acceptată parțial"}
ANNEX_KEY = "anexa-consultare"
ANNEX_TITLE = "Ce s-a schimbat după consultare"
NOT_DESCRIBED = "(modificarea nu este încă descrisă în changes.yaml)"


@dataclass(frozen=True)
class AcceptedRecommendation:
    reference: str
    consultation: str
    chapter: str
    sender_category: str
    text: str
    answer: Answer
    reason: str


@dataclass(frozen=True)
class ChapterChanges:
    chapter: str
    title: str
    items: tuple[tuple[AcceptedRecommendation, str], ...]
    """Each accepted recommendation with the change it made (or :data:`NOT_DESCRIBED`)."""


def changes_by_chapter(recommendations: Iterable[AcceptedRecommendation], changes: Mapping[str, ChangeMade], *,
                       chapter_titles: Mapping[str, str]) -> list[ChapterChanges]:
    """Accepted recommendations grouped by chapter (in the manual's order), each with its change.

    A recommendation on a chapter the manual does not have is refused: the consultation and the manual disagree.
    """
    grouped: dict[str, list[tuple[AcceptedRecommendation, str]]] = {key: [] for key in chapter_titles}
    for rec in recommendations:
        if rec.chapter not in grouped:
            raise InputError(f"recommendation {rec.reference} is on part '{rec.chapter}', which is no chapter of "
                             "the manual", hint="the parts of the manual consultations are chapter keys (cap-01…)")
        made = changes.get(rec.reference)
        if made is not None and made.chapter != rec.chapter:
            raise InputError(f"changes.yaml puts {rec.reference} in {made.chapter}, the register in {rec.chapter}",
                             location=Location(file="changes.yaml", key=rec.reference))
        grouped[rec.chapter].append((rec, made.change if made else NOT_DESCRIBED))
    return [ChapterChanges(key, chapter_titles[key], tuple(sorted(items, key=lambda i: i[0].reference)))
            for key, items in grouped.items() if items]


def annex_chapter(recommendations: Sequence[AcceptedRecommendation], changes: Mapping[str, ChangeMade], *,
                  chapter_titles: Mapping[str, str], version: str) -> DocChapter:
    """The annex as a chapter of the document model: an introduction, then one table per changed chapter."""
    grouped = changes_by_chapter(recommendations, changes, chapter_titles=chapter_titles)
    numbers = {key: str(i) for i, key in enumerate(chapter_titles, start=1)}
    total = sum(len(g.items) for g in grouped)
    intro = (f"Această anexă enumeră, pentru versiunea {version} a manualului, recomandările acceptate integral sau "
             f"parțial în cele două consultări publice asupra manualului ({total} recomandări) și modificarea făcută "
             "în text pentru fiecare.")
    blocks: list[Any] = [Paragraph((Span(intro),))]
    if not grouped:
        blocks.append(Paragraph((Span("Până la această versiune nu a fost acceptată nicio recomandare."),)))
    for index, group in enumerate(grouped, start=1):
        title = f"Capitolul {numbers[group.chapter]}. {group.title}"
        blocks.append(Heading(2, title, f"{ANNEX_KEY}-{group.chapter}", f"A.{index}"))
        rows = tuple((rec.reference, rec.sender_category, rec.text, ANSWER_RO[rec.answer], rec.reason, change)
                     for rec, change in group.items)
        table = Table(f"anexa-{group.chapter}", f"Recomandări acceptate pentru capitolul {numbers[group.chapter]}",
                      ("Ref.", "Categorie", "Recomandare", "Răspuns", "Motivare", "Ce s-a schimbat"), rows)
        blocks.append(TableBlock(f"A.{index}", table))
    return DocChapter(ANNEX_KEY, "A", ANNEX_TITLE, "Recomandările acceptate în consultări și modificările făcute.",
                      tuple(blocks))


def load_recommendations(path: Path) -> list[AcceptedRecommendation]:
    """Accepted recommendations from a YAML list (until the consultation register supplies them)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the recommendations: {exc}", location=Location(file=str(path))) from None
    if not isinstance(data, list):
        raise InputError("expected a list of recommendations", location=Location(file=str(path)))
    result = []
    for index, item in enumerate(data):
        where = Location(file=str(path), key=f"[{index}]")
        fields = ("reference", "consultation", "chapter", "sender_category", "text", "answer", "reason")
        if not isinstance(item, dict) or any(not str(item.get(f) or "").strip() for f in fields):
            raise InputError(f"each recommendation needs {', '.join(fields)}", location=where)
        if item["answer"] not in ANSWER_RO:
            raise InputError("answer must be accepted or partly (rejected ones are not in the annex)", location=where)
        result.append(AcceptedRecommendation(*(str(item[f]).strip() for f in fields)))  # type: ignore[arg-type]
    return result


def accepted_from_register(store: Any, consultation_keys: Sequence[str]) -> list[AcceptedRecommendation]:
    """Accepted and partly accepted contributions of the manual's consultations, from the consultation register
    (their part is the chapter key; folded duplicates count once)."""
    from cooperare.consultation_bridge.register import accepted_by_part

    result: list[AcceptedRecommendation] = []
    for key in consultation_keys:
        for part, rows in accepted_by_part(store, key).items():
            result += [AcceptedRecommendation(reference=row.reference, consultation=key, chapter=part,
                                              sender_category=row.sender_category, text=row.text,
                                              answer="partly" if row.answer == "partly" else "accepted",
                                              reason=row.reason) for row in rows]
    return result
