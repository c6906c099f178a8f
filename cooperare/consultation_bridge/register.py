"""Recording contributions into the consultation register: what a contribution is and how it is recognised again.

:func:`record_contributions` takes plain :class:`ContributionInput` values (from Moodle forum posts and form
responses, or any other source with stable keys), cleans their text (Unicode NFC, line ends, control characters
removed; nothing else: the text stays the contributor's), hashes it, marks late ones (submitted, by the calendar day in
Europe/Bucharest, after the last day for recommendations) and computes the key that folds duplicates: the same
author (Moodle user, else e-mail, else name — kept only as a salted hash), the same part and the same text once
case, spacing, cedilla/comma-below and surrounding punctuation are set aside. Each recording is one run in the
store. This module must not call Moodle or render anything; the table work is :mod:`cooperare.store.consultation`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cooperare.consultation_bridge.outline import ConsultationOutline
from cooperare.errors import InputError
from cooperare.store import Store
from cooperare.store.consultation import ConsultationRegister, Recorded

CATEGORIES: tuple[str, ...] = ("citizen", "ngo", "authority", "other")
CATEGORIES_RO = {"citizen": "cetățean", "ngo": "organizație neguvernamentală", "authority": "autoritate publică",
                 "other": "altă categorie"}
LOCAL_TIME = ZoneInfo("Europe/Bucharest")
_SALT = "cooperare-consultation-author"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_CEDILLA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})


@dataclass(frozen=True, kw_only=True)
class ContributionInput:
    """One contribution as collected. ``author_email`` is used only to recognise the author (hashed, never
    stored); ``name_public`` is the author's consent to publish the name."""

    source_key: str
    part_key: str
    category: str
    author_name: str
    submitted_at: datetime
    text: str
    name_public: bool = False
    author_id: str | None = None
    author_email: str | None = None


def clean_text(text: str) -> str:
    """The text as stored: NFC, ``\\n`` line ends, no control characters (tabs and new lines kept), trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def normalised(text: str) -> str:
    """The text as compared for folding duplicates."""
    text = unicodedata.normalize("NFC", text).translate(_CEDILLA).casefold()
    return _EDGE.sub("", _SPACES.sub(" ", text)).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def author_hash(consultation_id: str, item: ContributionInput) -> str:
    """A salted hash of who wrote it (Moodle user, else e-mail, else name): folds duplicates, identifies nobody
    outside this consultation's register."""
    if item.author_id:
        who = f"id:{item.author_id.strip()}"
    elif item.author_email:
        who = f"email:{item.author_email.strip().casefold()}"
    else:
        who = f"name:{normalised(item.author_name)}"
    return hashlib.sha256(f"{_SALT}\x1f{consultation_id}\x1f{who}".encode()).hexdigest()


def fold_key(author: str, part_key: str, text: str) -> str:
    return hashlib.sha256(f"{author}\x1f{part_key}\x1f{normalised(text)}".encode()).hexdigest()


def is_late(submitted_at: datetime, recommendations_until: date | None) -> bool:
    """Submitted after the last day for recommendations (that day counts whole, in Romanian local time)."""
    if recommendations_until is None:
        return False
    return submitted_at.astimezone(LOCAL_TIME).date() > recommendations_until


def prepare(consultation_id: str, items: Iterable[ContributionInput], *, recommendations_until: date | None,
            outline: ConsultationOutline | None = None) -> list[dict[str, object]]:
    """The register rows for ``items``; an :class:`InputError` names the first source that cannot be recorded."""
    rows: list[dict[str, object]] = []
    for item in items:
        def fail(message: str, item: ContributionInput = item) -> InputError:
            return InputError(f"contribution {item.source_key or '(no source key)'}: {message}")

        if not item.source_key.strip():
            raise fail("the source key is empty")
        if item.category not in CATEGORIES:
            raise fail(f"category must be one of {', '.join(CATEGORIES)}, not {item.category!r}")
        if item.submitted_at.tzinfo is None:
            raise fail("the submission time has no time zone")
        if outline is not None and not outline.has_part(item.part_key):
            raise fail(f"part {item.part_key!r} is not a part of consultation {consultation_id}")
        text = clean_text(item.text)
        if not text:
            raise fail("the text is empty")
        author = author_hash(consultation_id, item)
        rows.append({"source_key": item.source_key.strip(), "part_key": item.part_key, "category": item.category,
                     "author_name": clean_text(item.author_name) or "(anonim)", "name_public": item.name_public,
                     "author_hash": author, "submitted_at": item.submitted_at, "text": text,
                     "content_hash": content_hash(text), "fold_key": fold_key(author, item.part_key, text),
                     "late": is_late(item.submitted_at, recommendations_until)})
    return rows


def record_contributions(store: Store, *, consultation_id: str, items: Iterable[ContributionInput],
                         recommendations_until: date | None, outline: ConsultationOutline | None = None,
                         command: str = "consultation collect", ws_calls: Callable[[], int] = lambda: 0) -> Recorded:
    """Record ``items`` into the register as one run (repeatable: see :mod:`cooperare.store.consultation`); with
    ``outline``, also store it and refuse contributions to parts it does not list."""
    if outline is not None and outline.id != consultation_id:
        raise InputError(f"the outline is of consultation {outline.id}, not {consultation_id}")
    rows = prepare(consultation_id, items, recommendations_until=recommendations_until, outline=outline)
    register = ConsultationRegister(store.engine)
    with store.runs.recording(command, detail={"consultation": consultation_id, "contributions": len(rows)},
                              ws_calls=ws_calls) as run:
        recorded = register.record(consultation_id, rows, run_id=run.id, outline=outline)
        run.detail = {"consultation": consultation_id, **recorded.as_dict()}
    return recorded
