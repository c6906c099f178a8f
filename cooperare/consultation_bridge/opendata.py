"""Open data of a consultation: every contribution with its answer, as CSV or JSON.

One record per contribution (folded duplicates included, pointing at the source they repeat), with the part, the
category, when it came, whether late, the text, the decision and the reason. The author's name is given only where
it may be published (:func:`~cooperare.consultation_bridge.synthesis.public_name`: organisations and authorities,
people who agreed); e-mail addresses are never stored, and the author hash used for folding is never exported.
CSV is UTF-8 with a byte-order mark and every text cell neutralised against spreadsheet formulas; JSON carries the
texts as they are. This module must not read the store itself.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cooperare.consultation_bridge.outline import ConsultationOutline
from cooperare.consultation_bridge.synthesis import NAME_WITHHELD, public_name
from cooperare.reports.tabular import neutralise
from cooperare.store.consultation import Contribution

FIELDS = ("consultation", "source", "part", "part_title", "category", "author", "submitted_at", "late",
          "duplicate_of", "revision", "text", "decision", "reason", "answered_at")


def records(outline: ConsultationOutline, contributions: Sequence[Contribution]) -> list[dict[str, Any]]:
    sources = {c.id: c.source_key for c in contributions}
    rows = []
    for c in contributions:
        name = public_name(c)
        rows.append({"consultation": outline.id, "source": c.source_key, "part": c.part_key,
                     "part_title": outline.part_title(c.part_key), "category": c.category,
                     "author": None if name == NAME_WITHHELD else name,
                     "submitted_at": c.submitted_at.isoformat(), "late": c.late,
                     "duplicate_of": sources.get(c.duplicate_of) if c.duplicate_of is not None else None,
                     "revision": c.revision, "text": c.text, "decision": c.status, "reason": c.reason,
                     "answered_at": c.answered_at.isoformat() if c.answered_at else None})
    return rows


def write_json(outline: ConsultationOutline, contributions: Sequence[Contribution], path: Path) -> int:
    rows = records(outline, contributions)
    document = {"consultation": {"id": outline.id, "title": outline.title, "authority": outline.authority,
                                 "recommendations_until": outline.recommendations_until.isoformat()
                                 if outline.recommendations_until else None,
                                 "parts": [{"key": p.key, "title": p.title} for p in outline.parts]},
                "fields": list(FIELDS), "contributions": rows}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(rows)


def write_csv(outline: ConsultationOutline, contributions: Sequence[Contribution], path: Path) -> int:
    rows = records(outline, contributions)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow([_csv(row[name]) for name in FIELDS])
    return len(rows)


def _csv(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value) if isinstance(value, str) else value
