"""Recording contributions into the consultation register: plain records in, checked, hashed, folded, journaled.

Whatever reads contributions (``consultation collect`` from Moodle forum posts and feedback responses, or
``consultation record`` from a JSON file) hands over :class:`ContributionRecord` values keyed by a stable source key
(``forum-post:123``). :func:`record_contributions` checks them against the consultation (the part exists, the
category is known, the text is not empty, the time carries a timezone), works out what the store must not decide —
the content hash, the fold key (same author, same part, same text once case, spacing and punctuation are set aside),
whether it came after ``recommendations_until`` (by the day in Europe/Bucharest) — and records them in one run of
the journal (``store.runs``). E-mail addresses are never stored: only a hash salted with the consultation id, so
one person's two identical posts fold while nobody can look an address up across consultations. This module must
not talk to Moodle or write files.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cooperare.consultation_bridge.model import Consultation
from cooperare.errors import InputError
from cooperare.store import Store
from cooperare.store.consultation import (
    Category,
    ContributionRegister,
    ContributionRow,
    DebateRequest,
    RecordCounts,
)

LOCAL_TIME = ZoneInfo("Europe/Bucharest")
CATEGORIES: tuple[Category, ...] = ("citizen", "ngo", "authority", "other")
CATEGORIES_RO: dict[str, str] = {"citizen": "cetățean", "ngo": "organizație neguvernamentală",
                                 "authority": "autoritate publică", "other": "altă categorie"}
MAX_TEXT = 100_000
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_CEDILLA = str.maketrans("şţŞŢ", "șțȘȚ")


@dataclass(frozen=True)
class ContributionRecord:
    """One contribution as a reader found it. ``email`` is only hashed, never kept."""

    source_key: str
    part_key: str
    category: str
    author: str
    submitted_at: datetime
    text: str
    publish_name: bool = False
    email: str | None = None


def normalised(text: str) -> str:
    """The text as compared for duplicates: NFC, ş ţ (cedilla, as many keyboards still type them) read as ș ț
    (comma below), case folded, spaces collapsed, punctuation at the ends dropped."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFC", text).translate(_CEDILLA).casefold()).strip()
    return _EDGE_PUNCTUATION.sub("", folded)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def author_hash(email: str, *, consultation_id: str) -> str:
    """The e-mail address as a hash salted with the consultation id (the address itself is never stored)."""
    return sha256(f"{consultation_id}\x00{email.strip().casefold()}")


def is_late(submitted_at: datetime, until: date) -> bool:
    """Whether a contribution came after the last day for recommendations (that day counted in Romanian time)."""
    return submitted_at.astimezone(LOCAL_TIME).date() > until


def _row(record: ContributionRecord, *, consultation: Consultation, until: date) -> ContributionRow:
    where = f"contribution {record.source_key!r}"
    if not record.source_key.strip() or len(record.source_key) > 120:
        raise InputError(f"{where}: a source key must be 1-120 characters, such as forum-post:123")
    if consultation.part(record.part_key) is None:
        raise InputError(f"{where}: the consultation {consultation.id} has no part {record.part_key!r}",
                         hint="parts: " + ", ".join(part.key for part in consultation.structure))
    if record.category not in CATEGORIES:
        raise InputError(f"{where}: category {record.category!r} is not one of {', '.join(CATEGORIES)}")
    if record.submitted_at.tzinfo is None:
        raise InputError(f"{where}: the submission time {record.submitted_at} has no timezone")
    text = unicodedata.normalize("NFC", record.text).strip()
    if not text:
        raise InputError(f"{where}: the text is empty")
    if len(text) > MAX_TEXT:
        raise InputError(f"{where}: the text is longer than {MAX_TEXT} characters")
    author = _SPACES.sub(" ", unicodedata.normalize("NFC", record.author)).strip() or "(anonim)"
    hashed = author_hash(record.email, consultation_id=consultation.id) if record.email else None
    identity = hashed or f"name:{author.casefold()}"
    return ContributionRow(
        source_key=record.source_key, part_key=record.part_key, category=record.category,  # type: ignore[arg-type]
        author=author, publish_name=bool(record.publish_name), submitted_at=record.submitted_at, text=text,
        content_hash=sha256(text), fold_key=sha256(f"{identity}\x00{record.part_key}\x00{normalised(text)}"),
        late=is_late(record.submitted_at, until), author_hash=hashed)


def record_contributions(store: Store, *, consultation: Consultation, records: Sequence[ContributionRecord],
                         command: str = "consultation record", ws_calls: Any = None) -> RecordCounts:
    """Check and record ``records`` in one journaled run; repeatable (see :mod:`cooperare.store.consultation`)."""
    until = consultation.calendar.recommendations_until
    rows = [_row(record, consultation=consultation, until=until) for record in records]
    register = ContributionRegister(store.engine)
    with store.runs.recording(command, detail={"consultation": consultation.id, "records": len(rows)},
                              ws_calls=ws_calls or (lambda: 0)) as run:
        counts = register.record(consultation.id, rows, run_id=run.id)
        run.detail = {"consultation": consultation.id, **counts.as_dict()}
    return counts


def record_debate_requests(store: Store, *, consultation: Consultation, requests: Sequence[DebateRequest]) -> int:
    return ContributionRegister(store.engine).record_debate_requests(consultation.id, requests)


@dataclass(frozen=True)
class AcceptedRow:
    """An accepted or partly accepted recommendation as the manual's annex reads it
    (:func:`cooperare.manual.annex.accepted_from_register`)."""

    reference: str
    sender_category: str
    text: str
    answer: str
    reason: str


def accepted_by_part(store: Store, consultation_id: str) -> dict[str, list[AcceptedRow]]:
    """The distinct recommendations accepted in whole or in part, by part key, in order of submission."""
    found: dict[str, list[AcceptedRow]] = {}
    for row in ContributionRegister(store.engine).all(consultation_id):
        if row.duplicate_of is None and row.answer in ("accepted", "partly"):
            found.setdefault(row.part_key, []).append(AcceptedRow(
                reference=row.source_key, sender_category=CATEGORIES_RO[row.category], text=row.text,
                answer=row.answer, reason=row.reason or ""))
    return found


# -- plain records from a JSON file (``consultation record``) -------------------------------------------------------

_FIELDS = {"source", "part", "category", "author", "submitted_at", "text", "publish_name", "email"}


def read_records(path: Path) -> tuple[list[ContributionRecord], list[DebateRequest]]:
    """Contributions (and debate requests) from a JSON file:
    ``{"contributions": [{"source", "part", "category", "author", "submitted_at", "text", "publish_name",
    "email"}], "debate_requests": [{"source", "requester", "requester_kind", "submitted_at", "text"}]}``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a UTF-8 JSON file ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected an object with contributions (and debate_requests)")
    unknown = set(data) - {"contributions", "debate_requests"}
    if unknown:
        raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r} (expected contributions, debate_requests)")
    records = [_record(item, where=f"{path}: contributions[{i}]")
               for i, item in enumerate(_list(data, "contributions", path))]
    requests = [_request(item, where=f"{path}: debate_requests[{i}]")
                for i, item in enumerate(_list(data, "debate_requests", path))]
    return records, requests


def _list(data: dict[str, Any], key: str, path: Path) -> Iterable[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{path}: {key} must be a list")
    return value


def _when(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{where}.submitted_at: {value!r} is not an ISO date and time") from None
    if moment.tzinfo is None:
        raise InputError(f"{where}.submitted_at: {value!r} needs a timezone (such as +02:00 or Z)")
    return moment


def _text_field(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise InputError(f"{where}.{key}: expected text")
    return value


def _record(item: Any, *, where: str) -> ContributionRecord:
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected an object")
    unknown = set(item) - _FIELDS
    if unknown:
        raise InputError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    consent = item.get("publish_name", False)
    if not isinstance(consent, bool):
        raise InputError(f"{where}.publish_name: expected true or false")
    email = item.get("email")
    if email is not None and not isinstance(email, str):
        raise InputError(f"{where}.email: expected text")
    return ContributionRecord(
        source_key=_text_field(item, "source", where), part_key=_text_field(item, "part", where),
        category=_text_field(item, "category", where), author=str(item.get("author") or ""),
        submitted_at=_when(item.get("submitted_at"), where), text=_text_field(item, "text", where),
        publish_name=consent, email=email)


def _request(item: Any, *, where: str) -> DebateRequest:
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected an object")
    kind = _text_field(item, "requester_kind", where)
    if kind not in ("ngo", "authority", "other"):
        raise InputError(f"{where}.requester_kind: {kind!r} is not one of ngo, authority, other")
    return DebateRequest(source_key=_text_field(item, "source", where),
                         requester=_text_field(item, "requester", where), requester_kind=kind,  # type: ignore[arg-type]
                         submitted_at=_when(item.get("submitted_at"), where), text=str(item.get("text") or ""))
