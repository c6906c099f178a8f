"""The national study and the synthetic second wave as a mayor reads them: no heading alone on a page, the
repeated answers named by commune, T1 the same town hall a year on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from cooperare.certificates.fonts import load_fonts
from cooperare.diagnostic.generate import generate
from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.responses import Response
from cooperare.diagnostic.scoring import item_score, score_response
from cooperare.diagnostic.study import build_study, source_label
from cooperare.reports.diagnostic_pdf import write_study_pdf
from cooperare.territory import communes

HEADINGS = ("Pe județe", "Pe mărimea comunei (locuitori)", "Progres între valuri (T1 − T0)",
            "Comune care au răspuns de mai multe ori (contează răspunsul cel mai recent)")


def test_no_section_heading_stands_alone_on_a_page(tmp_path: Path) -> None:
    instrument = load_shipped()
    generated = generate(instrument, count=400, seed=3, followup=6, duplicates=0.03)
    study = build_study(instrument, generated.responses, communes(), generated_at=datetime(2026, 12, 4, tzinfo=UTC))
    path = tmp_path / "studiu.pdf"
    write_study_pdf(study, path, fonts=load_fonts())
    pages = [page.extract_text() for page in PdfReader(path).pages]
    for number, text in enumerate(pages, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) > 2, f"page {number} holds only {lines}"
    county_page = next(t for t in pages if t.lstrip().startswith("Pe județe"))
    assert "Alba" in county_page
    # Counties in Romanian alphabetical order (ă after a, ș after s), not by county code: Călărași after Caraș-Severin
    # and before Cluj; Giurgiu between Galați and Gorj.
    table = next(t for t in study.tables if t.rows and any(row[0] == "Călărași" for row in t.rows))
    names = [row[0] for row in table.rows]
    from cooperare.collation import romanian_key

    assert names == sorted(names, key=romanian_key)
    assert names.index("Caraș-Severin") < names.index("Călărași") < names.index("Cluj")
    assert names.index("Galați") < names.index("Giurgiu") < names.index("Gorj")


def test_the_band_legend_says_where_a_decimal_score_falls() -> None:
    from cooperare.diagnostic.scoring import band_label, band_legend, band_of

    legend = band_legend()
    assert "peste 25 până la 50 mediu" in legend and "26" not in legend
    assert band_label(band_of(25.3)) == "Mediu" and band_label(band_of(25.0)) == "De bază"


def test_repeated_answers_are_named_by_commune_and_source_in_romanian() -> None:
    instrument = load_shipped("2026.1")
    ciugud = next(c for c in communes() if c.siruta == 1071)
    first = Response(1071, instrument.version, "T0", datetime(2026, 4, 1, tzinfo=UTC), {"r3": False}, "form:a.xlsx")
    second = Response(1071, instrument.version, "T0", datetime(2026, 4, 9, tzinfo=UTC), {"r3": True},
                      "moodle:feedback:5:1:1793610000")
    study = build_study(instrument, [first, second], communes(), generated_at=datetime(2026, 12, 4, tzinfo=UTC))
    table = next(t for t in study.tables if t.key == "inlocuite")
    assert table.rows == ((ciugud.name, ciugud.county_name, 1071, "T0", "01.04.2026 00:00", "09.04.2026 00:00",
                           "formular offline (a.xlsx)"),)
    assert source_label("moodle:feedback:5:1:1793610000") == "chestionarul din Moodle"
    assert source_label("generated") == "date sintetice (demonstrație)"


def test_a_synthetic_second_wave_is_the_same_town_hall_a_year_on() -> None:
    instrument = load_shipped()
    generated = generate(instrument, count=300, seed=1, followup=40, duplicates=0.0)
    base = {r.siruta: r for r in generated.responses if r.wave == "T0"}
    changes, kept, compared = [], 0, 0
    for later in (r for r in generated.responses if r.wave == "T1"):
        before = base[later.siruta]
        a, b = score_response(instrument, before).overall, score_response(instrument, later).overall
        if a is not None and b is not None:
            changes.append(b - a)
        for section in instrument.sections:
            for q in section.questions:
                if item_score(q, before.answers.get(q.id)) is not None:
                    compared += 1
                    kept += later.answers[q.id] == before.answers[q.id]
    assert len(changes) >= 30
    assert sum(changes) / len(changes) > 2, "a year of the project should show some progress on average"
    assert sum(c > -5 for c in changes) >= 0.9 * len(changes), "a town hall does not lose a third of its practices"
    assert max(abs(c) for c in changes) < 40
    assert kept / compared > 0.5, "most practices of T0 are still there at T1"


def test_a_second_wave_scorecard_says_its_comparisons_are_first_wave_means(tmp_path: Path) -> None:
    from cooperare.diagnostic.study import scorecard
    from cooperare.reports.diagnostic_pdf import write_scorecards

    instrument = load_shipped()
    generated = generate(instrument, count=200, seed=5, followup=5, duplicates=0.0)
    study = build_study(instrument, generated.responses, communes(), generated_at=datetime(2026, 12, 4, tzinfo=UTC))
    again = next(r for r in study.results if r.followup is not None and r.followup.overall is not None)
    once = next(r for r in study.results if r.followup is None and r.scored.overall is not None)
    path = tmp_path / "fise.pdf"
    write_scorecards([scorecard(study, again.commune.siruta), scorecard(study, once.commune.siruta)], study, path,
                     fonts=load_fonts())
    later, first = (page.extract_text() for page in PdfReader(path).pages)
    assert f"Județul {again.commune.county_name} (media la T0):" in later and "Țara (media la T0):" in later
    assert "(media la" not in first and f"Județul {once.commune.county_name}:" in first


def test_a_commune_that_answered_only_at_t1_is_listed_not_dropped_silently(tmp_path: Path) -> None:
    instrument = load_shipped("2026.1")
    ciugud = next(c for c in communes() if c.siruta == 1071)
    neighbour = next(c for c in communes() if c.siruta != 1071)
    alone = Response(1071, instrument.version, "T1", datetime(2026, 11, 2, tzinfo=UTC), {"r3": True}, "form:b.xlsx")
    other = Response(neighbour.siruta, instrument.version, "T0", datetime(2026, 4, 2, tzinfo=UTC), {"r3": True},
                     "form:c.xlsx")
    study = build_study(instrument, [alone, other], communes(), generated_at=datetime(2026, 12, 4, tzinfo=UTC))
    assert [r.commune.siruta for r in study.results] == [neighbour.siruta]
    assert study.without_base == ((1071, ("T1",)),)
    table = next(t for t in study.tables if t.key == "fara_t0")
    assert table.rows == ((ciugud.name, ciugud.county_name, 1071, "T1"),)
    summary = dict(next(t for t in study.tables if t.key == "rezumat").rows)
    assert summary["Comune fără răspuns la T0 (lăsate deoparte)"] == "1"
    path = tmp_path / "studiu.pdf"
    write_study_pdf(study, path, fonts=load_fonts())
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "doar la un val ulterior" in text and ciugud.name in text


def test_a_long_commune_and_county_name_fits_the_scorecard_page(tmp_path: Path) -> None:
    """346 of the 2,862 titles ("Comuna Sânmihaiu de Câmpie, județul Bistrița-Năsăud") are wider than the page at
    22 points; the title is set smaller, on one line, inside the margins."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from cooperare.diagnostic.study import scorecard
    from cooperare.reports.diagnostic_pdf import TITLE_SIZE, write_scorecards

    fonts = load_fonts()
    instrument = load_shipped()
    generated = generate(instrument, count=300, seed=11, duplicates=0.0)
    study = build_study(instrument, generated.responses, communes(), generated_at=datetime(2026, 12, 4, tzinfo=UTC))

    def title(result) -> str:  # type: ignore[no-untyped-def]
        return f"Comuna {result.commune.name}, județul {result.commune.county_name}"

    widest = max((r for r in study.results if r.scored.overall is not None),
                 key=lambda r: stringWidth(title(r), fonts.bold, TITLE_SIZE))
    room = A4[0] - 40 * mm
    assert stringWidth(title(widest), fonts.bold, TITLE_SIZE) > room  # the case that overflowed
    path = tmp_path / "fisa.pdf"
    write_scorecards([scorecard(study, widest.commune.siruta)], study, path, fonts=fonts)
    drawn: list[tuple[str, float, float]] = []

    def visit(text: str, _cm, tm, _font, size: float) -> None:  # type: ignore[no-untyped-def]
        if text.startswith("Comuna "):
            drawn.append((text.strip(), size * tm[0], tm[4]))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    assert [text for text, _s, _x in drawn] == [title(widest)]
    (_text, size, x), = drawn
    assert 14 <= size < TITLE_SIZE
    assert x + stringWidth(title(widest), fonts.bold, size) <= A4[0] - 20 * mm + 0.5
