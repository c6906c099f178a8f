"""The diagnostic's PDFs: the national study (landscape, platypus flow with charts and a tile map of the 41
counties and București) and the commune scorecards (portrait, one page per commune, drawn straight on the canvas so
2,862 pages take seconds). Same fonts, tables and chart styling as :mod:`cooperare.reports.pdf`; every text is
checked glyph by glyph (:meth:`FontPair.require`) before anything is drawn. This module must not compute scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as FlowTable

from cooperare.certificates.fonts import FontPair
from cooperare.certificates.render import fitted_size
from cooperare.diagnostic.offer import Help
from cooperare.diagnostic.scoring import BANDS, band_label, band_legend, band_of
from cooperare.diagnostic.study import POPULATION_LABELS, Scorecard, Study, section_titles
from cooperare.reports.certification import Table
from cooperare.reports.pdf import PAGE, _pieces, _styles, _table
from cooperare.territory import counties

BAND_COLOURS = (colors.HexColor("#C6DBEF"), colors.HexColor("#6BAED6"), colors.HexColor("#2171B5"),
                colors.HexColor("#08306B"))
NO_DATA = colors.HexColor("#EEEEEE")
COUNTY_MARK = colors.HexColor("#E6550D")
NATION_MARK = colors.HexColor("#444444")
DARK = colors.HexColor("#1F4E79")
TITLE_SIZE = 22

TILES: dict[str, tuple[int, int]] = {
    "SM": (1, 0), "MM": (2, 0), "SV": (4, 0), "BT": (5, 0),
    "BH": (1, 1), "SJ": (2, 1), "BN": (3, 1), "NT": (4, 1), "IS": (5, 1),
    "AR": (0, 2), "CJ": (2, 2), "MS": (3, 2), "HR": (4, 2), "BC": (5, 2), "VS": (6, 2),
    "TM": (0, 3), "HD": (1, 3), "AB": (2, 3), "SB": (3, 3), "BV": (4, 3), "CV": (5, 3), "VN": (6, 3), "GL": (7, 3),
    "CS": (0, 4), "GJ": (1, 4), "VL": (2, 4), "AG": (3, 4), "DB": (4, 4), "PH": (5, 4), "BZ": (6, 4), "BR": (7, 4),
    "TL": (8, 4),
    "MH": (1, 5), "DJ": (2, 5), "OT": (3, 5), "TR": (4, 5), "IF": (5, 5), "IL": (6, 5), "CT": (8, 5),
    "GR": (4, 6), "B": (5, 6), "CL": (6, 6),
}
"""Grid (column, row from the north) of each county's tile: a rough picture of Romania, no map data needed."""


def _fmt(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "–"
    return (f"{value:+.1f}" if signed else f"{value:.1f}").replace(".", ",")


def _band_colour(score: float | None) -> colors.Color:
    key = band_of(score)
    return NO_DATA if key is None else BAND_COLOURS[[k for _u, k, _l in BANDS].index(key)]


def _table_texts(tables: Iterable[Table]) -> str:
    texts = []
    for t in tables:
        texts.append(t.title)
        texts += [c.title for c in t.columns]
        texts += [v for row in t.rows for v in row if isinstance(v, str)]
    return "".join(set("".join(texts)))


# --- the national study ---------------------------------------------------------------------------------------


def write_study_pdf(study: Study, path: Path, *, fonts: FontPair) -> None:
    tables = {t.key: t for t in study.tables}
    titles = section_titles(study.instrument)
    intro = (
        f"Studiul arată cât de avansată este digitalizarea primăriilor de comună, după răspunsurile la instrumentul "
        f"de diagnostic (versiunea {study.instrument.version}). Instrumentul urmează evaluarea maturității digitale "
        "a organizațiilor din sectorul public folosită de rețeaua europeană EDIH: șase dimensiuni, fiecare cu un "
        "scor de la 0 la 100; scorul general este media celor șase. Modulul comunal (Monitorul Oficial Local, "
        "documente electronice, ședințe online, bandă largă) se raportează separat. "
        f"{band_legend()[:-1]} (limitele de după 25 sunt alese de proiect). "
        "Răspunsurile „Nu știu” nu sunt socotite zero: o dimensiune cu prea puține răspunsuri rămâne fără scor."
    )
    notes = [intro]
    if study.superseded:
        notes.append(f"{len(study.superseded)} comune au răspuns de mai multe ori; a contat răspunsul cel mai "
                     "recent (lista la sfârșit).")
    fonts.require(_table_texts(study.tables) + "".join(notes) + "".join(titles.values()) +
                  "".join(c.name for c in counties()) + "–„”" + OFFER_INTRO + "".join(_GAP_LABELS))
    addMapping(fonts.regular, 0, 0, fonts.regular)
    addMapping(fonts.regular, 1, 0, fonts.bold)
    addMapping(fonts.regular, 0, 1, fonts.regular)
    addMapping(fonts.regular, 1, 1, fonts.bold)
    styles = _styles(fonts)
    story: list[object] = [
        Paragraph("Maturitatea digitală a comunelor din România – studiu național", styles["title"]),
        Paragraph(f"Generat la {study.generated_at:%d.%m.%Y}. Au răspuns {study.responded} din {study.universe} "
                  f"de comune ({_pct(study.responded / study.universe if study.universe else 0)}). "
                  f"Scor general mediu: {_fmt(study.national.get('overall'))} "
                  f"({band_label(band_of(study.national.get('overall')))}).", styles["body"]),
        Spacer(1, 3 * mm),
        *[Paragraph(n, styles["body"]) for n in notes],
        Spacer(1, 4 * mm),
        _table(tables["rezumat"], fonts=fonts),
        PageBreak(),
        Paragraph("Distribuția pe dimensiuni", styles["heading"]),
        _distribution_chart(study, fonts=fonts),
        Spacer(1, 4 * mm),
        _table(tables["distributie"], fonts=fonts),
        PageBreak(),
        Paragraph("Harta județelor: scorul general mediu al comunelor care au răspuns", styles["heading"]),
        _tile_map(study, fonts=fonts),
        PageBreak(),
        Paragraph(tables["judete"].title, styles["heading"]),
        *_pieces(tables["judete"], fonts=fonts),
        PageBreak(),
        Paragraph(tables["populatie"].title, styles["heading"]),
        _table(tables["populatie"], fonts=fonts),
        PageBreak(),
        Paragraph("Puncte tari", styles["heading"]),
        *_items(tables["puncte_tari"], styles=styles, gaps=False),
        Spacer(1, 4 * mm),
        Paragraph("Lipsuri și ce răspunde formarea", styles["heading"]),
        Paragraph("Lipsurile sunt ordonate după cât ar ridica scorul general dacă le-ar acoperi toate comunele. "
                  "Pentru fiecare lipsă: acțiunea care o acoperă și, unde există, modulul de curs al "
                  "proiectului în care se învață și capitolul din Manualul de digitalizare care o tratează."
                  if "oferta" in tables else
                  "Lipsurile sunt ordonate după cât ar ridica scorul general dacă le-ar acoperi toate comunele. "
                  "Pentru fiecare lipsă: acțiunea care o acoperă și, unde există, programul de formare al "
                  "proiectului în care se învață.", styles["body"]),
        Spacer(1, 2 * mm),
        *_items(tables["lipsuri"], styles=styles, gaps=True),
    ]
    if "oferta" in tables:
        story += [PageBreak(), Paragraph(escape(tables["oferta"].title), styles["heading"]),
                  Paragraph(OFFER_INTRO, styles["body"]), Spacer(1, 3 * mm),
                  _offer_table(tables["oferta"], fonts=fonts)]
    for key in ("progres", "inlocuite", "fara_t0"):
        if key in tables and tables[key].rows:
            story += [PageBreak(), Paragraph(tables[key].title, styles["heading"]), *_pieces(tables[key], fonts=fonts)]
    story += [Spacer(1, 6 * mm), Paragraph("Scorurile fiecărei comune sunt în raportul XLSX și în datele deschise "
                                           "(cooperare diagnostic export).", styles["body"])]
    document = SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, author="cooperare",
                                 title="Maturitatea digitală a comunelor din România")
    document.build(story)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%".replace(".", ",")


OFFER_INTRO = ("Pentru fiecare dimensiune: capitolele din Manualul de digitalizare care o tratează și modulele de curs "
               "în care se învață. Fișa fiecărei comune le numește pentru dimensiunile ei cele mai slabe și pentru "
               "acțiunile recomandate.")
_GAP_LABELS = ("Ce se poate face:", "Formare:", "«»—")


def _items(table: Table, *, styles: dict, gaps: bool) -> list[object]:
    out: list[object] = []
    for number, (dimension, question, mean, action, training, manual, points) in enumerate(table.rows, start=1):
        text = f"<b>{number}. {dimension}</b> – {question} Nivel mediu: {_pct(float(mean or 0))}."
        if gaps:
            text += (f" Dacă toate comunele ar face-o, scorul general ar crește cu {_fmt(float(points or 0))} "
                     "puncte.")
            text += f"<br/><b>Ce se poate face:</b> {action}"
            if training:
                text += f"<br/><b>Formare:</b> {escape('; '.join(str(training).splitlines()))}."
            if manual:
                text += f"<br/>{escape(str(manual))}."
        out.append(KeepTogether([Paragraph(text, styles["body"]), Spacer(1, 2 * mm)]))
    return out


def _offer_table(table: Table, *, fonts: FontPair) -> FlowTable:
    """Every cell a wrapped paragraph (the shared report tables cut a cell at three lines)."""
    cell = ParagraphStyle("offer-cell", fontName=fonts.regular, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("offer-head", parent=cell, fontName=fonts.bold)

    def para(value: object, style: ParagraphStyle) -> Paragraph:
        return Paragraph("<br/>".join(escape(line) for line in str(value or "").splitlines()), style)

    rows = [[para(c.title, head) for c in table.columns]]
    rows += [[para(value, head if i == 0 else cell) for i, value in enumerate(row)] for row in table.rows]
    usable = PAGE[0] - 24 * mm
    flow = FlowTable(rows, colWidths=[usable * w for w in (0.13, 0.27, 0.21, 0.39)], repeatRows=1)
    flow.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F2")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return flow


def _distribution_chart(study: Study, *, fonts: FontPair) -> Drawing:
    table = next(t for t in study.tables if t.key == "distributie")
    drawing = Drawing(PAGE[0] - 24 * mm, 70 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 170, 20, 480, 160
    rows = list(reversed(table.rows))
    chart.data = [[(row[2 + i] / row[1] * 100) if row[1] else 0 for row in rows] for i in range(len(BANDS))]
    chart.categoryAxis.categoryNames = [str(row[0]) for row in rows]
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    for axis in (chart.valueAxis, chart.categoryAxis):
        axis.labels.fontName, axis.labels.fontSize = fonts.regular, 7
    for i, colour in enumerate(BAND_COLOURS):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(170, 190, "Procentul comunelor pe nivel de maturitate, pe dimensiuni", fontName=fonts.bold,
                       fontSize=9))
    _band_legend(drawing, fonts=fonts, x=665, y=150)
    return drawing


def _band_legend(drawing: Drawing, *, fonts: FontPair, x: float, y: float) -> None:
    for i, ((_u, _k, label), colour) in enumerate(zip(BANDS, BAND_COLOURS, strict=True)):
        drawing.add(Rect(x, y - i * 14, 10, 10, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 14, y - i * 14 + 2, label, fontName=fonts.regular, fontSize=8))


def _tile_map(study: Study, *, fonts: FontPair) -> Drawing:
    size, gap = 62.0, 4.0
    drawing = Drawing(PAGE[0] - 24 * mm, 7 * (size + gap) + 20)
    top = 7 * (size + gap)
    left = 40.0
    for county in counties():
        col, row = TILES[county.code]
        x, y = left + col * (size + gap), top - (row + 1) * (size + gap)
        mean = study.by_county.get(county.code, {}).get("overall")
        fill = _band_colour(mean)
        drawing.add(Rect(x, y, size, size, fillColor=fill, strokeColor=colors.white, strokeWidth=1))
        ink = colors.white if fill in BAND_COLOURS[2:] else colors.black
        drawing.add(String(x + size / 2, y + size - 16, county.code, fontName=fonts.bold, fontSize=11,
                           fillColor=ink, textAnchor="middle"))
        label = "fără comune" if not county.has_communes else _fmt(mean)
        drawing.add(String(x + size / 2, y + 12, label, fontName=fonts.regular, fontSize=8, fillColor=ink,
                           textAnchor="middle"))
    _band_legend(drawing, fonts=fonts, x=left + 10 * (size + gap), y=top - 30)
    drawing.add(Rect(left + 10 * (size + gap), top - 30 - 4 * 14, 10, 10, fillColor=NO_DATA, strokeColor=None))
    drawing.add(String(left + 10 * (size + gap) + 14, top - 30 - 4 * 14 + 2, "fără date", fontName=fonts.regular,
                       fontSize=8))
    return drawing


# --- scorecards -----------------------------------------------------------------------------------------------


def scorecard_texts(cards: Sequence[Scorecard], study: Study) -> str:
    """Every character a set of scorecards prints (for the glyph check)."""
    parts = [a.text + "".join(a.missing) for c in cards for a in c.actions]
    parts += [c.result.commune.name + c.result.commune.county_name for c in cards] + ["Lipsesc: …"]
    parts += list(section_titles(study.instrument).values()) + list(POPULATION_LABELS.values()) + list(_STATIC)
    if study.offer is not None:
        helps = list(study.offer.sections.values()) + list(study.offer.questions.values())
        parts += [line for h in helps for line in h.lines()]
    return "".join(set("".join(parts)))


_STATIC = ("Fișa de maturitate digitală a comunei", "Comuna", "județul", "Scor general", "Județul", "Țara",
           "Cele trei acțiuni care ar ridica cel mai mult scorul", "puncte", "Formare:", "(media la ",
           "Întrebări fără răspuns",
           "nu știu", "insuficient", "Progres față de T0", "comuna", "media județului", "media țării",
           band_legend(), "populație", "răspuns din",
           "instrument", "–„”·+−", "Ce oferă formarea și manualul pentru dimensiunile cele mai slabe", "scor")
BOTTOM = 24 * mm
"""Nothing of a card's body is drawn below this line (the two footer lines are under it)."""


def write_scorecards(cards: Sequence[Scorecard], study: Study, path: Path, *, fonts: FontPair,
                     programmes: dict[str, str] | None = None) -> list[float]:
    """One page per commune, in the order given. Returns, per page, the lowest point the card's body reached (it
    stays above :data:`BOTTOM`)."""
    fonts.require(scorecard_texts(cards, study) + "".join((programmes or {}).values()))
    canvas = Canvas(str(path), pagesize=A4, pageCompression=1)
    canvas.setTitle("Fișe de maturitate digitală")
    canvas.setAuthor("cooperare")
    lowest = []
    for card in cards:
        lowest.append(_draw_card(canvas, card, study, fonts=fonts, programmes=programmes or {}))
        canvas.showPage()
    canvas.save()
    return lowest


def _help_lines(c: Canvas, x: float, y: float, found: Help, *, fonts: FontPair, size: float, room: float) -> float:
    """The manual's chapters on one line, then one line per course with its modules (the course line links to the
    course when the site is known); returns the baseline below the last line."""
    step = size + 2
    for text, url in [(found.manual_line(), "")] + [(line, url) for line, url, _t in found.courses()]:
        for line in simpleSplit(text, fonts.regular, size, room):
            c.drawString(x, y, line)
            if url:
                c.linkURL(url, (x, y - 2, x + c.stringWidth(line, fonts.regular, size), y + size), relative=0)
            y -= step
    return y


def _one_line(text: str, font: str, size: float, room: float) -> str:
    """``text`` cut at a word to fit ``room`` on one line, with "…" when cut."""
    lines = simpleSplit(text, font, size, room - stringWidth(" …", font, size))
    return lines[0] + (" …" if len(lines) > 1 else "") if lines else ""


def _help_height(found: Help, *, fonts: FontPair, size: float, room: float) -> float:
    texts = [found.manual_line()] + [line for line, _url, _t in found.courses()]
    return sum(len(simpleSplit(t, fonts.regular, size, room)) for t in texts) * (size + 2)


def _draw_card(c: Canvas, card: Scorecard, study: Study, *, fonts: FontPair, programmes: dict[str, str]) -> float:
    width, height = A4
    offer = study.offer
    pitch = 20 if offer is not None else 26
    r = card.result
    left = 20 * mm
    y = height - 22 * mm
    c.setFillColor(DARK)
    c.setFont(fonts.regular, 10)
    c.drawString(left, y, "Fișa de maturitate digitală a comunei")
    y -= 24
    title = f"Comuna {r.commune.name}, județul {r.commune.county_name}"
    c.setFont(fonts.bold, fitted_size(title, fonts.bold, TITLE_SIZE, width - 2 * left))  # 346 names need less than 22
    c.drawString(left, y, title)
    y -= 16
    c.setFillColor(colors.black)
    c.setFont(fonts.regular, 9)
    scored = r.followup or r.scored
    when = (r.followup_response or r.response).submitted_at
    c.drawString(left, y, f"SIRUTA {r.commune.siruta} · populație {POPULATION_LABELS.get(r.population, r.population)}"
                          f" · răspuns din {when:%d.%m.%Y} ({scored.wave}) · instrument {scored.version}")
    # overall box
    y -= 70
    c.setFillColor(_band_colour(scored.overall))
    c.roundRect(left, y, 200, 58, 6, stroke=0, fill=1)
    ink = colors.white if band_of(scored.overall) in ("moderate", "advanced") else colors.black
    c.setFillColor(ink)
    c.setFont(fonts.regular, 9)
    c.drawString(left + 10, y + 44, "Scor general")
    c.setFont(fonts.bold, 24)
    c.drawString(left + 10, y + 16, _fmt(scored.overall))
    c.setFont(fonts.regular, 9)
    c.drawString(left + 90, y + 20, band_label(scored.band))
    c.setFillColor(colors.black)
    c.setFont(fonts.regular, 10)
    # The county and country means are the first wave's: a later wave's score says so beside them.
    means = "" if scored.wave == r.scored.wave else f" (media la {r.scored.wave})"
    c.drawString(left + 220, y + 38, f"Județul {r.commune.county_name}{means}: {_fmt(card.county.get('overall'))}")
    c.drawString(left + 220, y + 22, f"Țara{means}: {_fmt(card.national.get('overall'))}")
    if card.progress is not None:
        c.drawString(left + 220, y + 6, f"Progres față de T0: {_fmt(card.progress.get('overall'), signed=True)} puncte")
    # bars
    y -= 30
    bar_left, bar_width = left + 190, 230
    c.setFont(fonts.regular, 7)
    for tick in (0, 25, 50, 75, 100):
        x = bar_left + bar_width * tick / 100
        c.setStrokeColor(colors.HexColor("#CCCCCC"))
        c.setLineWidth(0.4)
        c.line(x, y - len(study.instrument.sections) * pitch + 10, x, y + 4)
        c.setFillColor(colors.grey)
        c.drawCentredString(x, y + 7, str(tick))
    titles = section_titles(study.instrument)
    for section in study.instrument.sections:
        y -= pitch
        value = scored.section(section.key).score
        c.setFillColor(colors.black)
        c.setFont(fonts.regular, 9)
        c.drawString(left, y + 3, titles[section.key])
        c.setFillColor(colors.HexColor("#F2F2F2"))
        c.rect(bar_left, y, bar_width, 12, stroke=0, fill=1)
        if value is not None:
            c.setFillColor(_band_colour(value))
            c.rect(bar_left, y, bar_width * value / 100, 12, stroke=0, fill=1)
        for mark, colour in ((card.county.get(section.key), COUNTY_MARK), (card.national.get(section.key),
                                                                           NATION_MARK)):
            if mark is not None:
                c.setStrokeColor(colour)
                c.setLineWidth(2)
                x = bar_left + bar_width * mark / 100
                c.line(x, y - 3, x, y + 15)
        c.setFillColor(colors.black)
        c.setFont(fonts.bold, 9)
        c.drawRightString(bar_left + bar_width + 40, y + 3, _fmt(value) if value is not None else "insuficient")
        if card.progress is not None:
            c.setFont(fonts.regular, 8)
            c.drawRightString(bar_left + bar_width + 85, y + 3, _fmt(card.progress.get(section.key), signed=True))
    y -= 22
    c.setFont(fonts.regular, 8)
    c.setFillColor(_band_colour(60))
    c.rect(bar_left, y, 10, 8, stroke=0, fill=1)
    c.setFillColor(colors.black)
    c.drawString(bar_left + 13, y + 1, "comuna")
    for offset, colour, label in ((60, COUNTY_MARK, "media județului"), (140, NATION_MARK, "media țării")):
        c.setStrokeColor(colour)
        c.setLineWidth(2)
        c.line(bar_left + offset, y - 2, bar_left + offset, y + 10)
        c.drawString(bar_left + offset + 5, y + 1, label)
    if card.progress is not None:
        c.drawRightString(bar_left + bar_width + 85, y + 1, "T1 − T0")
    # actions
    y -= 30 if offer is not None else 34
    c.setFillColor(DARK)
    c.setFont(fonts.bold, 13)
    c.drawString(left, y, "Cele trei acțiuni care ar ridica cel mai mult scorul")
    c.setFillColor(colors.black)
    room = width - 2 * left - 16
    for number, action in enumerate(card.actions, start=1):
        y -= 18 if offer is not None else 20
        c.setFont(fonts.bold, 10)
        c.drawString(left, y, f"{number}.")
        lines = simpleSplit(action.text, fonts.regular, 10, room)
        c.setFont(fonts.regular, 10)
        for line in lines:
            c.drawString(left + 16, y, line)
            y -= 13
        if action.missing:  # a checklist: what is not done yet, on one line
            c.setFont(fonts.regular, 8)
            todo = _one_line("Lipsesc: " + "; ".join(action.missing), fonts.regular, 8, room)
            c.drawString(left + 16, y + 2, todo)
            y -= 10
        c.setFont(fonts.regular, 8)
        c.setFillColor(colors.grey)
        extra = f"{titles[action.section]} · +{_fmt(action.gain)} puncte"
        found = offer.for_question(action.question, action.section) if offer is not None else None
        if action.training and found is None:
            extra += f" · Formare: {programmes.get(action.training, action.training)}"
        c.drawString(left + 16, y, extra)
        if found is not None:
            y = _help_lines(c, left + 16, y - 9.5, found, fonts=fonts, size=7.5, room=room) + 9.5
        c.setFillColor(colors.black)
        y -= 4
    weakest = [(key, found) for key in card.weakest
               if offer is not None and (found := offer.for_section(key)) is not None]
    missing = [f"{titles[s.key]} ({len(s.missing)})" for s in scored.sections if s.missing]
    note = simpleSplit("Întrebări fără răspuns („nu știu” sau necompletate), care nu sunt socotite zero: "
                       + ", ".join(missing) + ".", fonts.regular, 8, width - 2 * left) if missing else []
    # the weakest dimension always; the next ones only while they fit above the footer with the note
    budget = y - BOTTOM - 20 - 11 * len(note) - 22
    for count in range(len(weakest), 1, -1):
        if sum(14 + _help_height(f, fonts=fonts, size=8, room=room) for _k, f in weakest[:count]) <= budget:
            break
        weakest = weakest[:count - 1]
    if weakest:
        y -= 22
        c.setFillColor(DARK)
        c.setFont(fonts.bold, 11)
        c.drawString(left, y, "Ce oferă formarea și manualul pentru dimensiunile cele mai slabe")
        c.setFillColor(colors.black)
        for key, found in weakest:
            y -= 14
            c.setFont(fonts.bold, 9)
            c.drawString(left, y, f"{titles[key]} (scor {_fmt(scored.section(key).score)})")
            c.setFont(fonts.regular, 8)
            y = _help_lines(c, left + 16, y - 10.5, found, fonts=fonts, size=8, room=room) + 10
    y -= 20 if offer is not None else 24
    c.setFont(fonts.regular, 8)
    lowest = y + 11
    for line in note:
        c.drawString(left, y, line)
        lowest = y
        y -= 11
    c.setFillColor(colors.grey)
    c.drawString(left, 18 * mm, band_legend())
    c.drawString(left, 14 * mm, f"Scorurile urmează evaluarea EDIH a maturității digitale în sectorul public; "
                                f"instrument {scored.version}, date din {study.generated_at:%d.%m.%Y}.")
    return lowest
