"""Open data: anonymised answers and scores as CSV, with a Frictionless Data Package descriptor (datapackage.json)
that serves as the data dictionary.

Anonymised means: no respondent (no name, e-mail or account), no free text, no staff count; a commune is a public
body and is identified by its SIRUTA code and county. The descriptor follows the Data Package and Table Schema
specifications (frictionlessdata.io): ``profile: tabular-data-package``, one resource per CSV with its ``schema``
(fields with name, title, description, type and enum constraints, ``missingValues``, ``primaryKey``). It is written
by hand: two small JSON objects do not justify a dependency. This module must not score or read the store.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from cooperare.diagnostic.responses import DONT_KNOW, is_missing
from cooperare.diagnostic.scoring import BANDS, band_of
from cooperare.diagnostic.study import CommuneResult, Study
from cooperare.reports.tabular import neutralise

KEYS = ["siruta", "judet", "val", "versiune", "data_raspuns", "populatie"]
NONE_TICKED = "nimic"
"""A multiple-choice question answered with no option ticked: an answer (it scores 0), unlike a blank (no answer)."""


def _answer_code(value: Any) -> str:
    if value is None:
        return ""
    if value == DONT_KNOW:
        return DONT_KNOW
    if isinstance(value, tuple):
        return ";".join(value) if value else NONE_TICKED
    if isinstance(value, bool):
        return "da" if value else "nu"
    return str(value)


def _rows(study: Study) -> list[tuple[CommuneResult, Any]]:
    rows = []
    for r in study.results:
        rows.append((r, r.response))
        if r.followup_response is not None:
            rows.append((r, r.followup_response))
    return rows


def export(study: Study, out: Path, *, datapackage: bool) -> list[Path]:
    """Write raspunsuri.csv and scoruri.csv (and datapackage.json) under ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    ins = study.instrument
    scored_questions = [q for s in ins.sections for q in s.questions]
    answers_path, scores_path = out / "raspunsuri.csv", out / "scoruri.csv"
    with answers_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(KEYS + [q.id for q in scored_questions])
        for r, response in _rows(study):
            writer.writerow([r.commune.siruta, r.commune.county_code, response.wave, response.version,
                             response.submitted_at.date().isoformat(), r.population] +
                            [neutralise(_answer_code(response.answers.get(q.id))) for q in scored_questions])
    section_keys = [s.key for s in ins.sections]
    with scores_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(KEYS + section_keys + ["general", "nivel"])
        for r, response in _rows(study):
            scored = r.scored if response is r.response else r.followup
            assert scored is not None
            writer.writerow([r.commune.siruta, r.commune.county_code, response.wave, response.version,
                             response.submitted_at.date().isoformat(), r.population] +
                            ["" if scored.section(k).score is None else f"{scored.section(k).score:.2f}"
                             for k in section_keys] +
                            ["" if scored.overall is None else f"{scored.overall:.2f}", band_of(scored.overall) or ""])
    written = [answers_path, scores_path]
    if datapackage:
        path = out / "datapackage.json"
        path.write_text(json.dumps(descriptor(study), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _key_fields() -> list[dict[str, Any]]:
    return [
        {"name": "siruta", "type": "integer", "title": "Cod SIRUTA",
         "description": "Codul SIRUTA al comunei (INS)", "constraints": {"required": True}},
        {"name": "judet", "type": "string", "title": "Județ", "description": "Indicativul județului (AB, AR …)"},
        {"name": "val", "type": "string", "title": "Val", "description": "Valul de măsurare: T0, T1 …"},
        {"name": "versiune", "type": "string", "title": "Versiunea instrumentului"},
        {"name": "data_raspuns", "type": "date", "title": "Data răspunsului"},
        {"name": "populatie", "type": "string", "title": "Populația (interval declarat)",
         "constraints": {"enum": ["sub2000", "2000_4999", "5000_9999", "peste10000", "nedeclarată"]}},
    ]


def descriptor(study: Study) -> dict[str, Any]:
    """The Data Package descriptor (Frictionless Data Package v1, tabular)."""
    ins = study.instrument
    answer_fields = _key_fields()
    for section in ins.sections:
        for q in section.questions:
            field: dict[str, Any] = {"name": q.id, "type": "string", "title": q.text,
                                     "description": f"{section.title}; tip {q.type}, pondere {q.weight:g}. "
                                                    f"Gol = fără răspuns; {DONT_KNOW} = „Nu știu”."}
            if q.type == "single":
                field["constraints"] = {"enum": [o.key for o in q.options] + [DONT_KNOW]}
                field["description"] += " Răspunsuri: " + "; ".join(f"{o.key} = {o.text} (scor {o.score:g})"
                                                                     for o in q.options)
            elif q.type == "multi":
                field["description"] += (f" Opțiunile bifate, separate prin „;”, sau {NONE_TICKED} când nu e bifată "
                                         "niciuna (răspuns cu scor 0, nu lipsă): " + "; ".join(
                                             f"{o.key} = {o.text}" for o in q.options))
            elif q.type == "yes_no":
                field["constraints"] = {"enum": ["da", "nu", DONT_KNOW]}
            elif q.type == "scale" and q.scale:
                field["description"] += f" Scală {q.scale.min}–{q.scale.max} ({q.scale.low} … {q.scale.high})."
            answer_fields.append(field)
    score_fields = _key_fields() + [
        {"name": s.key, "type": "number", "title": s.title, "description": "Scor 0–100; gol = insuficient",
         "constraints": {"minimum": 0, "maximum": 100}} for s in ins.sections] + [
        {"name": "general", "type": "number", "title": "Scor general",
         "description": "Media celor șase dimensiuni DMA; gol dacă una nu are scor",
         "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "nivel", "type": "string", "title": "Nivel de maturitate",
         "constraints": {"enum": [k for _u, k, _l in BANDS] + [""]}}]
    key = ["siruta", "val"]
    return {
        "profile": "tabular-data-package",
        "name": "maturitate-digitala-comune",
        "title": "Maturitatea digitală a comunelor din România",
        "version": ins.version,
        "created": study.generated_at.isoformat(),
        "description": "Răspunsuri anonimizate și scoruri ale diagnosticului de maturitate digitală a "
                       "comunelor (șase dimensiuni după evaluarea EDIH pentru sectorul public și un modul comunal).",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": [
            {"name": "raspunsuri", "path": "raspunsuri.csv", "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"fields": answer_fields, "missingValues": [""], "primaryKey": key}},
            {"name": "scoruri", "path": "scoruri.csv", "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"fields": score_fields, "missingValues": [""], "primaryKey": key}},
        ],
    }


__all__ = ["descriptor", "export", "is_missing"]
