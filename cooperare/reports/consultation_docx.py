"""The synthesis of recommendations of one consultation as a Word document (DOCX), written with python-docx.

The same content as the PDF synthesis (:mod:`cooperare.reports.consultation_pdf`): the summary, counts by
category and by part, each recommendation with its answer and reason, the debate requests and the debate minutes,
in Romanian, A4 landscape, with the title and page number in the footer. An authority edits a DOCX before it files
it, which is why the format is offered at all.

Text from contributors is untrusted and stays text: it goes into runs (``w:t``), which python-docx escapes, and
is never made into a field, a hyperlink or a style — ``=HYPERLINK(…)`` and ``<script>`` read as typed, and a
word processor has no formula to evaluate. Characters XML 1.0 cannot carry (control characters) become U+FFFD,
as in the XLSX writer; everything else is kept exactly, emoji included (a DOCX names no font for them and the
reader picks one that has them, unlike the PDF, which would misquote them). A paragraph whose first strong letter
is right to left (Hebrew, Arabic) is marked right to left (``w:bidi``); the word processor orders the letters
itself. This module must not compute the synthesis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from cooperare.consultation_bridge.calendar import LAW
from cooperare.reports.bidi import starts_right_to_left
from cooperare.reports.certification import Table
from cooperare.reports.xlsx import NOT_IN_XML

TITLE_COLOUR = RGBColor(0x1F, 0x3A, 0x5F)
HEAD_FILL = "EEF2F8"
FONT = "Calibri"


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced by U+FFFD; nothing else changes."""
    return NOT_IN_XML.sub("\ufffd", text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return xml_safe(str(value))


def _direction(paragraph: Paragraph, text: str) -> None:
    if starts_right_to_left(text):
        paragraph.paragraph_format.element.get_or_add_pPr().append(OxmlElement("w:bidi"))


def _text(document: Any, text: str, *, style: str | None = None, bold: bool = False) -> Paragraph:
    """A paragraph of plain text: line breaks kept as breaks, never markup."""
    text = xml_safe(text)
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)  # python-docx turns \n into <w:br/> and \t into <w:tab/>; XML-escapes the rest
    run.bold = bold or None
    _direction(paragraph, text)
    return paragraph


def _shade(cell: Any, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row: Any) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _table(document: Any, table: Table) -> DocxTable:
    """A table of the synthesis: a shaded header row repeated on every page, every cell plain text."""
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    head = grid.rows[0]
    _repeat_header(head)
    for cell, column in zip(head.cells, table.columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(xml_safe(column.title))
        run.bold = True
        _shade(cell, HEAD_FILL)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            text = _cell_text(value)
            cell.paragraphs[0].add_run(text)
            _direction(cell.paragraphs[0], text)
    return grid


def _page_field(paragraph: Paragraph) -> None:
    """The PAGE field (the tool's own markup, never built from a contributor's text)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "14")  # half-points: 7 pt, as the footer's text
    properties.append(size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _setup(document: Any, title: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].font.color.rgb = TITLE_COLOUR
    footer = section.footer.paragraphs[0]
    footer.add_run(xml_safe(title if len(title) <= 110 else title[:109] + "…") + " · Pagina ")
    _page_field(footer)
    for run in footer.runs:
        run.font.size = Pt(7)
    core = document.core_properties
    core.title, core.author, core.language = xml_safe(title)[:255], "cooperare", "ro-RO"


def write_synthesis_docx(synthesis: Any, path: Path) -> None:
    """The synthesis (:class:`~cooperare.consultation_bridge.synthesis.Synthesis`) as an A4 landscape DOCX,
    written to ``path`` whole or not at all."""
    consultation = synthesis.consultation
    document = Document()
    _setup(document, f"Sinteza recomandărilor – {consultation.title}")
    _text(document, "Sinteza recomandărilor primite", style="Title")
    _text(document, consultation.title, style="Heading 1")
    _text(document, f"Autoritatea: {consultation.authority.name}. Consultare publică potrivit {LAW}. "
                    f"Document generat la {synthesis.generated_at:%d.%m.%Y %H:%M} UTC.")
    _text(document, "Numele participanților apar numai cu acordul lor; adresele de e-mail nu se păstrează.")
    for table in (synthesis.summary, synthesis.by_category, synthesis.by_part):
        _text(document, table.title, style="Heading 2")
        _table(document, table)
    _text(document, "Recomandări și răspunsuri", style="Heading 2")
    if not synthesis.recommendations:
        _text(document, "Nu s-a primit nicio recomandare.")
    for item in synthesis.recommendations:
        flags = "".join([", primită după termen" if item.late else "",
                         f", +{item.duplicates} identice contopite" if item.duplicates else "",
                         f", modificată (versiunea {item.revision})" if item.revision > 1 else ""])
        head = _text(document, f"{item.number}. {item.part_key} – {item.part_title} · {item.category} · "
                               f"{item.author} · {item.submitted_at:%d.%m.%Y}{flags}", bold=True)
        head.paragraph_format.keep_with_next = True
        head.paragraph_format.space_before = Pt(6)
        _text(document, item.text).paragraph_format.keep_with_next = True
        _text(document, f"Răspuns: {item.answer}" + (f". Motivare: {item.reason}" if item.reason else ""),
              bold=True)
    _text(document, synthesis.debate_requests.title, style="Heading 2")
    if synthesis.debate_requests.rows:
        _table(document, synthesis.debate_requests)
    else:
        _text(document, "Nu s-a primit nicio cerere de dezbatere publică.")
    _text(document, "Dezbateri publice – minute", style="Heading 2")
    if not synthesis.minutes.debates:
        _text(document, "Nu s-a organizat nicio dezbatere publică.")
    for debate in synthesis.minutes.debates:
        _text(document, f"{debate.date:%d.%m.%Y}, {debate.place}; participanți: {debate.participants}", bold=True)
        if debate.summary:
            _text(document, debate.summary)
        for intervention in debate.interventions:
            _text(document, f"{intervention.speaker}: {intervention.text}")
        if debate.conclusions:
            _text(document, f"Concluzii: {debate.conclusions}")
    partial = path.with_name(path.name + ".part")
    try:
        document.save(str(partial))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
