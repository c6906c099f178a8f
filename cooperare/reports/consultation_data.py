"""Open data of a consultation: every contribution with its answer, as CSV or JSON.

The rows come from :func:`cooperare.consultation_bridge.synthesis.export_rows` (names only with consent, no e-mail
and no hash of one). CSV is UTF-8 with a byte-order mark and its text cells neutralised against formulas (a leading
apostrophe, :func:`cooperare.reports.tabular.neutralise`), because CSV files are opened in spreadsheets; JSON keeps
every text exactly as received (JSON is data, never evaluated). This module must not decide what is exported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from cooperare.reports.tabular import neutralise

FIELDS = ("consultation", "source", "part", "part_title", "category", "author", "submitted_at", "late",
          "duplicate_of", "revision", "text", "answer", "reason", "answered_at")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value) if isinstance(value, str) else value


def write_open_data(rows: Sequence[dict[str, Any]], path: Path, *, fmt: Literal["csv", "json"],
                    meta: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".part")
    if fmt == "json":
        partial.write_text(json.dumps({**meta, "fields": list(FIELDS), "contributions": list(rows)},
                                      ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(FIELDS)
            writer.writerows([_csv_value(row[name]) for name in FIELDS] for row in rows)
    partial.replace(path)
