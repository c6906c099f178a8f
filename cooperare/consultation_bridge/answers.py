"""The authority's answers: an XLSX (or YAML) listing the contributions to answer, read back and applied.

:func:`write_answer_sheet` writes the workbook the authority fills: sheet „Răspunsuri” lists every contribution
that is not a folded duplicate (pending and already answered ones, so answers can be corrected), with columns for
the decision (a drop-down: acceptată, acceptată parțial, respinsă, în așteptare), the reason and an answer template;
sheet „Șabloane” holds the templates (code, decision, text), which the authority may edit or extend.
:func:`read_answer_sheet` and :func:`read_answer_yaml` read the decisions back, each fault with file, sheet, row and
column (or file, line and key); :func:`apply_answers` records them in the register in one journaled run, refusing a
partly accepted or rejected recommendation without a reason (a template's text stands in for an empty reason).
Untrusted text is written neutralised (no formula, no XML-illegal character). This module must not render reports
or talk to Moodle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cooperare.config.loader import load_yaml
from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.register import CATEGORIES_RO, LOCAL_TIME
from cooperare.errors import InputError, Location
from cooperare.reports.tabular import FORMULA_STARTS, neutralise
from cooperare.reports.xlsx import NOT_IN_XML
from cooperare.store import Store
from cooperare.store.consultation import AnswerRow, AnswerStatus, Contribution, ContributionRegister

ANSWERS_SHEET = "Răspunsuri"
TEMPLATES_SHEET = "Șabloane"
DECISIONS_RO: dict[str, str] = {"accepted": "acceptată", "partly": "acceptată parțial", "rejected": "respinsă",
                                "pending": "în așteptare"}
_DECISION_WORDS = {**{v: k for k, v in DECISIONS_RO.items()}, **{k: k for k in DECISIONS_RO},
                   "acceptata": "accepted", "acceptata partial": "partly", "respinsa": "rejected",
                   "in asteptare": "pending", "parțial": "partly", "partial": "partly"}
NEEDS_REASON = ("partly", "rejected")
HEADERS = ("Sursa", "Nr.", "Partea", "Titlul părții", "Categoria", "Autor", "Primită la", "Întârziată",
           "Text", "Decizie", "Motivare", "Șablon", "Versiunea")
DECISION, REASON, TEMPLATE = 10, 11, 12  # 1-based columns
WIDTHS = (20, 6, 10, 28, 16, 22, 17, 10, 70, 18, 50, 12, 10)


@dataclass(frozen=True)
class Template:
    code: str
    decision: str
    text: str


DEFAULT_TEMPLATES: tuple[Template, ...] = (
    Template("ACC", "accepted", "Propunerea a fost preluată în textul revizuit."),
    Template("PAR", "partly", "Propunerea a fost preluată parțial; partea nepreluată depășește obiectul "
                              "proiectului supus consultării."),
    Template("RES-OBIECT", "rejected", "Propunerea nu se încadrează în obiectul proiectului supus consultării."),
    Template("RES-LEGE", "rejected", "Propunerea contravine prevederilor legale în vigoare."),
    Template("RES-ACOPERIT", "rejected", "Propunerea este deja acoperită de textul proiectului."),
)


@dataclass(frozen=True)
class Decision:
    """One decision read from a file, with where it was written (for messages)."""

    source_key: str
    answer: AnswerStatus
    reason: str | None
    template: str | None
    where: Location
    revision: int | None = None
    """The revision of the text the decision was made on (column Versiunea), when the file says."""


def cell_text(value: str) -> str:
    """Untrusted text as a spreadsheet cell: never a formula, no character XML cannot carry."""
    return neutralise(NOT_IN_XML.sub("\ufffd", value))


def write_answer_sheet(path: Path, *, consultation: Consultation, contributions: Sequence[Contribution],
                       templates: Sequence[Template] = DEFAULT_TEMPLATES) -> int:
    """Write the workbook the authority fills; return how many contributions it lists."""
    book = Workbook()
    sheet = book.active
    sheet.title = ANSWERS_SHEET
    listed = [c for c in contributions if c.duplicate_of is None]
    titles = {part.key: part.title for part in consultation.structure}
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F2")
    for number, item in enumerate(listed, start=1):
        sheet.append([
            item.source_key, number, item.part_key, cell_text(titles.get(item.part_key, "")),
            CATEGORIES_RO[item.category], cell_text(item.author),
            item.submitted_at.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M"), "da" if item.late else "nu",
            cell_text(item.text), None if item.answer == "pending" else DECISIONS_RO[item.answer],
            cell_text(item.reason) if item.reason else None, item.template, item.revision])
        sheet.cell(row=number + 1, column=9).alignment = Alignment(wrap_text=True, vertical="top")
    for position, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "B2"
    last = max(2, len(listed) + 1)
    decisions = DataValidation(type="list", formula1='"' + ",".join(DECISIONS_RO.values()) + '"',
                               allow_blank=True, showErrorMessage=True, errorTitle="Decizie",
                               error="Alegeți: " + ", ".join(DECISIONS_RO.values()) + ".")
    decisions.add(f"{get_column_letter(DECISION)}2:{get_column_letter(DECISION)}{last}")
    sheet.add_data_validation(decisions)
    codes = book.create_sheet(TEMPLATES_SHEET)
    codes.append(("Cod", "Decizie", "Text"))
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for template in templates:
        codes.append((template.code, DECISIONS_RO[template.decision], cell_text(template.text)))
    codes.column_dimensions["A"].width, codes.column_dimensions["B"].width = 14, 18
    codes.column_dimensions["C"].width = 90
    if templates:
        chosen = DataValidation(type="list", formula1=f"'{TEMPLATES_SHEET}'!$A$2:$A${len(templates) + 1}",
                                allow_blank=True)
        chosen.add(f"{get_column_letter(TEMPLATE)}2:{get_column_letter(TEMPLATE)}{last}")
        sheet.add_data_validation(chosen)
    book.save(path)
    return len(listed)


def _decision(value: Any, fail: Any) -> AnswerStatus | None:
    if value is None or not str(value).strip():
        return None
    word = " ".join(str(value).strip().casefold().split())
    found = _DECISION_WORDS.get(word)
    if found is None:
        raise fail(f"decision {value!r} is not one of " + ", ".join(DECISIONS_RO.values()))
    return found  # type: ignore[return-value]


def _optional(value: Any) -> str | None:
    """A cell as text, without the apostrophe :func:`cell_text` put before a formula-like start (so a reason such
    as "- nu se aplică" read back from the sheet is the reason written, not "'- nu se aplică")."""
    if value is None:
        return None
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text or None


def read_answer_sheet(path: Path) -> tuple[list[Decision], dict[str, Template]]:
    """The decisions filled in and the templates of a workbook from :func:`write_answer_sheet`."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise InputError(f"cannot read the answers workbook: {exc}", location=Location(file=str(path))) from None
    try:
        if ANSWERS_SHEET not in book.sheetnames:
            raise InputError(f"no sheet {ANSWERS_SHEET!r}: not an answers workbook", location=Location(file=str(path)))
        templates = _read_templates(book, path)
        sheet = book[ANSWERS_SHEET]
        rows = sheet.iter_rows(values_only=True)
        header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
        place = {}
        for name in ("Sursa", "Decizie", "Motivare", "Șablon"):  # Versiunea is optional
            if name not in header:
                raise InputError(f"the header has no column {name!r}",
                                 location=Location(file=f"{path} [{ANSWERS_SHEET}]", line=1))
            place[name] = header.index(name)
        decisions = []
        for number, values in enumerate(rows, start=2):
            def at(name: str, number: int = number) -> Location:
                column = place[name] + 1
                return Location(file=f"{path} [{ANSWERS_SHEET}]", line=number, column=column,
                                key=f"column {get_column_letter(column)} ({name})")

            def cell(name: str, values: tuple[Any, ...] = values) -> Any:
                return values[place[name]] if place[name] < len(values) else None

            source = _optional(cell("Sursa"))
            decision = _decision(cell("Decizie"), lambda message, at=at: InputError(message, location=at("Decizie")))
            if source is None or decision is None:
                if source is None and decision is not None:
                    raise InputError("a decision without a source (column Sursa is empty)", location=at("Sursa"))
                continue
            revision = values[header.index("Versiunea")] if "Versiunea" in header and \
                header.index("Versiunea") < len(values) else None
            if revision is not None and not isinstance(revision, int):
                column = header.index("Versiunea") + 1
                raise InputError(f"the version must be a whole number, not {revision!r}", location=Location(
                    file=f"{path} [{ANSWERS_SHEET}]", line=number, column=column,
                    key=f"column {get_column_letter(column)} (Versiunea)"))
            decisions.append(Decision(source_key=source, answer=decision, reason=_optional(cell("Motivare")),
                                      template=_optional(cell("Șablon")), where=at("Decizie"), revision=revision))
        return decisions, templates
    finally:
        book.close()


def _read_templates(book: Any, path: Path) -> dict[str, Template]:
    if TEMPLATES_SHEET not in book.sheetnames:
        return {t.code: t for t in DEFAULT_TEMPLATES}
    found: dict[str, Template] = {}
    for number, values in enumerate(book[TEMPLATES_SHEET].iter_rows(min_row=2, values_only=True), start=2):
        code = _optional(values[0] if values else None)
        if code is None:
            continue
        where = Location(file=f"{path} [{TEMPLATES_SHEET}]", line=number, column=2, key="column B (Decizie)")
        decision = _decision(values[1] if len(values) > 1 else None, lambda m: InputError(m, location=where))
        text = _optional(values[2] if len(values) > 2 else None)
        if decision is None or text is None:
            raise InputError(f"template {code!r} needs a decision and a text", location=where)
        found[code] = Template(code, decision, text)
    return found


def read_answer_yaml(path: Path) -> tuple[list[Decision], dict[str, Template]]:
    """Decisions from YAML: ``answers: [{source, decision, reason, template, revision}]`` and optional
    ``templates: {CODE: {decision, text}}`` (else the default templates)."""
    data, locator = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("answers"), list):
        raise InputError("expected a mapping with a list under answers:", location=Location(file=str(path)))
    unknown = set(data) - {"answers", "templates"}
    if unknown:
        raise InputError(f"unknown key {sorted(unknown)[0]!r}", location=locator.locate((sorted(unknown)[0],)))
    templates = {t.code: t for t in DEFAULT_TEMPLATES}
    raw = data.get("templates") or {}
    if not isinstance(raw, dict):
        raise InputError("templates: expected a mapping of codes", location=locator.locate(("templates",)))
    for code, entry in raw.items():
        where = locator.locate(("templates", code))
        if not isinstance(entry, dict) or set(entry) != {"decision", "text"}:
            raise InputError("a template needs exactly decision and text", location=where)
        decision = _decision(entry["decision"], lambda m, w=where: InputError(m, location=w))
        if decision is None or not str(entry["text"]).strip():
            raise InputError("a template needs a decision and a text", location=where)
        templates[str(code)] = Template(str(code), decision, str(entry["text"]).strip())
    decisions = []
    for index, entry in enumerate(data["answers"]):
        key = ("answers", index)
        if not isinstance(entry, dict):
            raise InputError("expected a mapping with source and decision", location=locator.locate(key))
        extra = set(entry) - {"source", "decision", "reason", "template", "revision"}
        if extra:
            raise InputError(f"unknown key {sorted(extra)[0]!r}", location=locator.locate((*key, sorted(extra)[0])))
        source = _optional(entry.get("source"))
        if source is None:
            raise InputError("source is required", location=locator.locate(key))
        where = locator.locate((*key, "decision"))
        decision = _decision(entry.get("decision"), lambda m, w=where: InputError(m, location=w))
        if decision is None:
            raise InputError("decision is required", location=where)
        revision = entry.get("revision")
        if revision is not None and (not isinstance(revision, int) or isinstance(revision, bool)):
            raise InputError("revision must be a whole number", location=locator.locate((*key, "revision")))
        decisions.append(Decision(source_key=source, answer=decision, reason=_optional(entry.get("reason")),
                                  template=_optional(entry.get("template")), where=where, revision=revision))
    return decisions, templates


def read_answers(path: Path) -> tuple[list[Decision], dict[str, Template]]:
    """XLSX or YAML, by the file's extension."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_answer_yaml(path)
    if suffix == ".xlsx":
        return read_answer_sheet(path)
    raise InputError(f"answers come as .xlsx or .yaml, not {suffix or 'a file without extension'}",
                     location=Location(file=str(path)))


def resolve(decisions: Iterable[Decision], templates: dict[str, Template], *,
            known: dict[str, int]) -> list[AnswerRow]:
    """Decisions as answers to record: templates filled in, reasons required, sources known (``known``: source →
    current revision), none twice, none made on a text that has changed since the sheet was written."""
    sources = known
    seen: dict[str, Location] = {}
    answers = []
    for item in decisions:
        if item.source_key not in sources:
            raise InputError(f"there is no contribution {item.source_key!r} in this consultation", location=item.where)
        if item.source_key in seen:
            raise InputError(f"{item.source_key!r} is answered twice (first at {seen[item.source_key]})",
                             location=item.where)
        seen[item.source_key] = item.where
        if item.revision is not None and item.revision != known[item.source_key]:
            raise InputError(f"{item.source_key!r} was edited after this sheet was written (version "
                             f"{item.revision}, now {known[item.source_key]}): the decision may answer an old text",
                             location=item.where, hint="write a new sheet with consultation answer-sheet")
        reason = item.reason
        if item.template is not None:
            template = templates.get(item.template)
            if template is None:
                raise InputError(f"no answer template {item.template!r}", location=item.where,
                                 hint="templates: " + ", ".join(sorted(templates)))
            reason = reason or template.text
        if item.answer in NEEDS_REASON and not reason:
            raise InputError(f"a recommendation {DECISIONS_RO[item.answer]} needs a reason (column Motivare, or a "
                             "template)", location=item.where)
        answers.append(AnswerRow(source_key=item.source_key, answer=item.answer, reason=reason,
                                 template=item.template))
    return answers


def apply_answers(store: Store, *, consultation: Consultation, path: Path) -> tuple[int, int]:
    """Read ``path`` and record its decisions (all or none); return (decisions read, rows changed)."""
    decisions, templates = read_answers(path)
    register = ContributionRegister(store.engine)
    rows = register.all(consultation.id)
    folded = {c.source_key: c.duplicate_of for c in rows if c.duplicate_of is not None}
    for item in decisions:
        if item.source_key in folded:
            raise InputError(f"{item.source_key!r} is a duplicate of {folded[item.source_key]!r}: answer that one "
                             "(its duplicates take its answer)", location=item.where)
    answers = resolve(decisions, templates, known={c.source_key: c.revision for c in rows if c.duplicate_of is None})
    with store.runs.recording("consultation answer", ws_calls=lambda: 0,
                              detail={"consultation": consultation.id, "decisions": len(answers)}) as run:
        changed = register.answer(consultation.id, answers)
        run.detail = {"consultation": consultation.id, "decisions": len(answers), "changed": changed}
    return len(answers), changed
