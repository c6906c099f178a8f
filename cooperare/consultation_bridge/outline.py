"""What the register, the answers and the reports need to know of a consultation: its outline.

A :class:`ConsultationOutline` is the id, the title, the authority's name, the last day for written recommendations
and the ordered parts (key and title) that contributions attach to. It is stored with the register, so answering,
reporting and exporting work from the store alone; :func:`outline_of` takes it from a full
:class:`~cooperare.consultation_bridge.model.Consultation` (anything with the same attributes will do). Values only:
this module must not read files, talk to Moodle or touch the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class OutlinePart:
    key: str
    title: str


@dataclass(frozen=True)
class ConsultationOutline:
    id: str
    title: str
    authority: str
    parts: tuple[OutlinePart, ...]
    recommendations_until: date | None = None

    def part_title(self, key: str) -> str:
        """The title of part ``key``, or the key itself for a part the outline does not list."""
        return next((part.title for part in self.parts if part.key == key), key)

    def has_part(self, key: str) -> bool:
        return any(part.key == key for part in self.parts)

    def part_order(self) -> dict[str, int]:
        return {part.key: position for position, part in enumerate(self.parts)}


def outline_of(consultation: Any) -> ConsultationOutline:
    """The outline of a :class:`~cooperare.consultation_bridge.model.Consultation` (duck-typed: ``id``, ``title``,
    ``authority.name``, ``structure`` of parts with ``key`` and ``title``, ``calendar.recommendations_until``)."""
    return ConsultationOutline(
        id=consultation.id, title=consultation.title, authority=consultation.authority.name,
        parts=tuple(OutlinePart(part.key, part.title) for part in consultation.structure),
        recommendations_until=consultation.calendar.recommendations_until)
