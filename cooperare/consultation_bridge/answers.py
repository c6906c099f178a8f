"""Answering recommendations: the workbook the authority fills, reading it back (or a YAML file), applying it.

:func:`write_answer_workbook` lists every contribution that is not a folded duplicate — pending and answered alike,
answered ones pre-filled — on sheet „Răspunsuri” with a drop-down for the decision (acceptată, acceptată parțial,
respinsă, în așteptare), a reason and an answer template; sheet „Șabloane” holds the templates (code, decision,
text), which the authority may edit or extend. Contributions' text is untrusted: every cell is neutralised against
formulas (:func:`cooperare.reports.tabular.neutralise`), and the neutralising apostrophe is taken off again when
read back. :func:`read_answers` reads the workbook or the YAML alternative; every fault names the file, sheet, row
and column (or file, line and key). :func:`answer` checks the decisions against the register — known source, not a
duplicate, one answer each, a reason (or a template's text) for partly accepted and rejected — and applies all or
none as one run. This module must not call Moodle or write reports.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from cooperare.config.loader import build, load_yaml
from cooperare.consultation_bridge.outline import ConsultationOutline
from cooperare.consultation_bridge.register import CATEGORIES_RO
from cooperare.errors import InputError, Location
from cooperare.reports.tabular import FORMULA_STARTS, neutralise
from cooperare.store import Store
from cooperare.store.consultation import AnswerRow, ConsultationRegister, Contribution

DECISIONS: tuple[str, ...] = ("accepted", "partly", "rejected", "pending")
DECISIONS_RO = {"accepted": "acceptată", "partly": "acceptată parțial", "rejected": "respinsă",
                "pending": "în așteptare"}
NEEDS_REASON = ("partly", "rejected")
SHEET = "Răspunsuri"
TEMPLATES_SHEET = "Șabloane"
MARKER = "cooperare-raspunsuri"
HEADER_ROW = 5
COLUMNS = ("Sursa", "Partea", "Categoria", "Autorul", "Primită la", "Întârziată", "Recomandarea", "Decizia",
           "Motivarea", "Șablon")
DECISION_COLUMN, REASON_COLUMN, TEMPLATE_COLUMN = 8, 9, 10


@dataclass(frozen=True)
class AnswerTemplate:
    id: str
    decision: str
    text: str


DEFAULT_TEMPLATES: tuple[AnswerTemplate, ...] = (
    AnswerTemplate("A1", "accepted", "Recomandarea a fost preluată în text."),
    AnswerTemplate("P1", "partly", "Recomandarea a fost preluată parțial; restul nu se încadrează în obiectul "
                                   "proiectului."),
    AnswerTemplate("R1", "rejected", "Recomandarea nu ține de competența autorității publice locale."),
    AnswerTemplate("R2", "rejected", "Recomandarea contravine unor prevederi legale în vigoare."),
    AnswerTemplate("R3", "rejected", "Recomandarea este deja acoperită de textul proiectului."),
)


@dataclass(frozen=True)
class Decision:
    source_key: str
    decision: str
    reason: str | None
    template_id: str | None
    location: Location


@dataclass(frozen=True)
class AnswerSheet:
    """What an answer file says: the consultation it is for, its templates, and one decision per answered row."""

    consultation_id: str
    templates: tuple[AnswerTemplate, ...]
    decisions: tuple[Decision, ...]
    file: str


@dataclass(frozen=True)
class Answered:
    changed: int
    answered: int
    pending: int


# -- writing -------------------------------------------------------------------------------------------------------


def write_answer_workbook(outline: ConsultationOutline, contributions: Sequence[Contribution], path: Path, *,
                          templates: Sequence[AnswerTemplate] = DEFAULT_TEMPLATES) -> int:
    """Write the workbook; returns how many contributions it lists (folded duplicates are left out: they take the
    answer of the contribution they repeat)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = neutralise(f"Răspunsuri la recomandări – {outline.title}")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = ("Completați coloanele Decizia (din listă), Motivarea și, dacă doriți, Șablon (codul unui text din "
                   "foaia Șabloane, folosit când Motivarea este goală). Motivarea este obligatorie pentru "
                   "„acceptată parțial” și „respinsă”. Nu modificați coloana Sursa.")
    sheet["A3"] = f"{MARKER} {outline.id}"
    for column, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F2")
    for letter, width in zip("ABCDEFGHIJ", (22, 28, 16, 24, 17, 11, 70, 18, 50, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    listed = [c for c in contributions if c.duplicate_of is None]
    order = outline.part_order()
    listed.sort(key=lambda c: (order.get(c.part_key, len(order)), c.submitted_at, c.id))
    yellow = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, c in enumerate(listed, start=HEADER_ROW + 1):
        values: list[Any] = [c.source_key, outline.part_title(c.part_key), CATEGORIES_RO.get(c.category, c.category),
                             c.author_name, c.submitted_at.strftime("%Y-%m-%d %H:%M UTC"), "Da" if c.late else "Nu",
                             c.text, DECISIONS_RO[c.status] if c.answered else None, c.reason, c.template_id]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=neutralise(value) if isinstance(value, str) else value)
            if column in (DECISION_COLUMN, REASON_COLUMN, TEMPLATE_COLUMN):
                cell.fill = yellow
            if column in (7, REASON_COLUMN):
                cell.alignment = wrap
    last = HEADER_ROW + max(1, len(listed))
    decision_rule = DataValidation(type="list", formula1='"' + ",".join(DECISIONS_RO.values()) + '"',
                                   allow_blank=True, showErrorMessage=True, errorTitle="Decizia",
                                   error="Alegeți o decizie din listă.")
    sheet.add_data_validation(decision_rule)
    decision_rule.add(f"H{HEADER_ROW + 1}:H{last}")
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    kept = book.create_sheet(TEMPLATES_SHEET)
    for column, title in enumerate(("Cod", "Decizia", "Text"), start=1):
        kept.cell(row=1, column=column, value=title).font = Font(bold=True)
    for row, template in enumerate(templates, start=2):
        kept.cell(row=row, column=1, value=neutralise(template.id))
        kept.cell(row=row, column=2, value=DECISIONS_RO[template.decision])
        kept.cell(row=row, column=3, value=neutralise(template.text))
    kept.column_dimensions["C"].width = 90
    template_rule = DataValidation(type="list", formula1=f"'{TEMPLATES_SHEET}'!$A$2:$A${len(templates) + 50}",
                                   allow_blank=True)
    sheet.add_data_validation(template_rule)
    template_rule.add(f"J{HEADER_ROW + 1}:J{last}")
    book.save(path)
    return len(listed)


# -- reading -------------------------------------------------------------------------------------------------------


def read_answers(path: Path) -> AnswerSheet:
    """Read an answer workbook (.xlsx) or YAML file (.yaml, .yml)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise InputError("an answer file is .xlsx (the workbook) or .yaml", location=Location(file=str(path)))


def parse_decision(value: str) -> str | None:
    """``accepted`` / ``acceptată`` / ``Acceptata`` → ``accepted``; None for anything else."""
    wanted = _plain(value)
    for code, label in DECISIONS_RO.items():
        if wanted in (code, _plain(label)):
            return code
    return None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.strip().casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text or None


def _read_xlsx(path: Path) -> AnswerSheet:
    try:
        book = load_workbook(path)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise InputError(f"cannot read the workbook: {exc}", location=Location(file=str(path))) from None
    for name in (SHEET, TEMPLATES_SHEET):
        if name not in book.sheetnames:
            raise InputError(f"no sheet {name!r}: not an answer workbook", location=Location(file=str(path)))
    sheet = book[SHEET]
    marker = str(sheet["A3"].value or "")
    if not marker.startswith(MARKER + " "):
        raise InputError("this is not an answer workbook written by cooperare (cell A3)",
                         location=Location(file=f"{path} [{SHEET}]", line=3, column=1))
    templates = _xlsx_templates(path, book[TEMPLATES_SHEET])
    decisions: list[Decision] = []
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=TEMPLATE_COLUMN):
        source = _cell_text(cells[0].value)
        decision_text, reason, template = (_cell_text(cells[i - 1].value)
                                           for i in (DECISION_COLUMN, REASON_COLUMN, TEMPLATE_COLUMN))
        if source is None:
            if decision_text or reason or template:
                raise InputError("a decision on a row without a source", location=_where(path, cells[0].row, 1))
            continue
        if decision_text is None and reason is None and template is None:
            continue
        decision = None
        if decision_text is not None:
            decision = parse_decision(decision_text)
            if decision is None:
                raise InputError(f"the decision must be one of {', '.join(DECISIONS_RO.values())}, not "
                                 f"{decision_text!r}", location=_where(path, cells[0].row, DECISION_COLUMN))
        decisions.append(_decision(source, decision, reason, template, templates,
                                   where=_where(path, cells[0].row, DECISION_COLUMN),
                                   template_at=_where(path, cells[0].row, TEMPLATE_COLUMN),
                                   reason_at=_where(path, cells[0].row, REASON_COLUMN)))
    return AnswerSheet(marker[len(MARKER) + 1 :].strip(), tuple(templates.values()), tuple(decisions), str(path))


def _where(path: Path, row: int, column: int, *, sheet: str = SHEET) -> Location:
    titles = COLUMNS if sheet == SHEET else ("Cod", "Decizia", "Text")
    return Location(file=f"{path} [{sheet}]", line=row, column=column, key=titles[column - 1])


def _xlsx_templates(path: Path, sheet: Any) -> dict[str, AnswerTemplate]:
    found: dict[str, AnswerTemplate] = {}
    for cells in sheet.iter_rows(min_row=2, max_col=3):
        code, decision_text, text = (_cell_text(cell.value) for cell in cells)
        if code is None and decision_text is None and text is None:
            continue
        row = cells[0].row
        if code is None:
            raise InputError("a template needs a code", location=_where(path, row, 1, sheet=TEMPLATES_SHEET))
        decision = parse_decision(decision_text or "")
        if decision is None or decision == "pending":
            raise InputError(f"a template's decision is acceptată, acceptată parțial or respinsă, not "
                             f"{decision_text!r}", location=_where(path, row, 2, sheet=TEMPLATES_SHEET))
        if text is None:
            raise InputError(f"template {code} has no text", location=_where(path, row, 3, sheet=TEMPLATES_SHEET))
        if code in found:
            raise InputError(f"template code {code} is used twice", location=_where(path, row, 1,
                                                                                    sheet=TEMPLATES_SHEET))
        found[code] = AnswerTemplate(code, decision, text)
    return found


def _decision(source: str, decision: str | None, reason: str | None, template_id: str | None,
              templates: dict[str, AnswerTemplate], *, where: Location, template_at: Location,
              reason_at: Location) -> Decision:
    if template_id is not None:
        template = templates.get(template_id)
        if template is None:
            raise InputError(f"there is no template {template_id!r} (known: {', '.join(sorted(templates)) or 'none'})",
                             location=template_at)
        decision = decision or template.decision
        reason = reason or template.text
    if decision is None:
        raise InputError("give a decision (or a template, whose decision is then taken)", location=where)
    if decision in NEEDS_REASON and not reason:
        raise InputError(f"the decision {decision} ({DECISIONS_RO[decision]}) needs a reason (or a template)",
                         location=reason_at)
    return Decision(source, decision, reason, template_id, where)


@dataclass(frozen=True)
class _YamlTemplate:
    id: str
    decision: str
    text: str


@dataclass(frozen=True)
class _YamlAnswer:
    source: str
    decision: str | None = None
    reason: str | None = None
    template: str | None = None


@dataclass(frozen=True)
class _YamlAnswers:
    consultation: str
    answers: tuple[_YamlAnswer, ...]
    templates: tuple[_YamlTemplate, ...] = ()


def _read_yaml(path: Path) -> AnswerSheet:
    data, locator = load_yaml(path)
    document = build(_YamlAnswers, data, locator=locator)
    templates: dict[str, AnswerTemplate] = {}
    for i, t in enumerate(document.templates):
        decision = parse_decision(t.decision)
        if decision is None or decision == "pending":
            raise InputError(f"a template's decision is accepted, partly or rejected, not {t.decision!r}",
                             location=locator.locate(("templates", i, "decision")))
        if t.id in templates:
            raise InputError(f"template id {t.id} is used twice", location=locator.locate(("templates", i, "id")))
        templates[t.id] = AnswerTemplate(t.id, decision, t.text.strip())
    decisions = []
    for i, a in enumerate(document.answers):
        decision = None
        if a.decision is not None:
            decision = parse_decision(a.decision)
            if decision is None:
                raise InputError(f"the decision must be one of {', '.join(DECISIONS)}, not {a.decision!r}",
                                 location=locator.locate(("answers", i, "decision")))
        decisions.append(_decision(a.source.strip(), decision, (a.reason or "").strip() or None, a.template,
                                   templates, where=locator.locate(("answers", i, "decision")),
                                   template_at=locator.locate(("answers", i, "template")),
                                   reason_at=locator.locate(("answers", i, "reason"))))
    return AnswerSheet(document.consultation, tuple(templates.values()), tuple(decisions), str(path))


# -- applying ------------------------------------------------------------------------------------------------------


def answer(store: Store, *, consultation_id: str, sheet: AnswerSheet, command: str = "consultation answer"
           ) -> Answered:
    """Apply the decisions of ``sheet`` to the register of ``consultation_id``: all or none, as one run."""
    if sheet.consultation_id != consultation_id:
        raise InputError(f"this answer file is for consultation {sheet.consultation_id!r}, not {consultation_id!r}",
                         location=Location(file=sheet.file))
    register = ConsultationRegister(store.engine)
    rows = {c.source_key: c for c in register.contributions(consultation_id)}
    if not rows:
        raise InputError(f"the register holds no contribution of consultation {consultation_id}",
                         hint="collect them first (consultation collect)")
    seen: dict[str, Location] = {}
    for d in sheet.decisions:
        found = rows.get(d.source_key)
        if found is None:
            raise InputError(f"consultation {consultation_id} has no contribution {d.source_key}",
                             location=d.location)
        if found.duplicate_of is not None:
            raise InputError(f"{d.source_key} is a folded duplicate; answer the contribution it repeats",
                             location=d.location)
        if d.source_key in seen:
            raise InputError(f"{d.source_key} is answered twice (first at {seen[d.source_key]})", location=d.location)
        seen[d.source_key] = d.location
    chosen = [AnswerRow(d.source_key, d.decision, d.reason, d.template_id) for d in sheet.decisions]
    with store.runs.recording(command, detail={"consultation": consultation_id, "answers": len(chosen)},
                              ws_calls=lambda: 0) as run:
        changed = register.set_answers(consultation_id, chosen)
        after = register.contributions(consultation_id)
        run.detail = {"consultation": consultation_id, "answers": len(chosen), "changed": changed}
    pending = sum(1 for c in after if c.duplicate_of is None and not c.answered)
    originals = sum(1 for c in after if c.duplicate_of is None)
    return Answered(changed=changed, answered=originals - pending, pending=pending)
