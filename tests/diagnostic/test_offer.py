"""Issue 10: the study and the scorecards say what the training and the manual offer for each gap.

The expected chapter and course titles are read here straight from the shipped files (offer.yaml with plain PyYAML,
the manual's chapters, the catalogue), never from the texts the renderer builds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from cooperare.certificates.fonts import load_fonts
from cooperare.courses.catalogue import load_catalogue
from cooperare.diagnostic.generate import generate
from cooperare.diagnostic.instrument import DMA_DIMENSIONS, load_shipped, shipped_versions
from cooperare.diagnostic.offer import load_offer, shipped_offer_path
from cooperare.diagnostic.study import build_study, scorecard
from cooperare.errors import ConfigError
from cooperare.manual.content import load_manual
from cooperare.reports.diagnostic_pdf import BOTTOM, write_scorecards, write_study_pdf
from cooperare.territory import communes

WHEN = datetime(2026, 12, 4, tzinfo=UTC)


def _raw() -> dict:
    return yaml.safe_load(shipped_offer_path().read_text(encoding="utf-8"))


def _chapters() -> dict[str, tuple[int, str]]:
    return {c.key: (i, c.title) for i, c in enumerate(load_manual().chapters, start=1)}


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def study():
    instrument = load_shipped()
    made = generate(instrument, count=120, seed=11, followup=2)
    return build_study(instrument, made.responses, communes(), generated_at=WHEN, offer=load_offer(instrument))


@pytest.mark.parametrize("version", shipped_versions())
def test_every_key_of_the_shipped_mapping_resolves_against_the_manual_and_the_catalogue(version: str):
    instrument = load_shipped(version)
    offer = load_offer(instrument)
    raw = _raw()
    chapters = _chapters()
    catalogue = load_catalogue()
    assert set(raw["sections"]) == {s.key for s in instrument.sections}
    assert set(raw["questions"]) <= set(shipped_versions())
    for kind, entries in (("sections", raw["sections"]), ("questions", raw["questions"].get(version, {}))):
        for key, entry in entries.items():
            found = offer.sections[key] if kind == "sections" else offer.questions[key]
            assert [c.key for c in found.chapters] == entry["manual"]
            for ref in found.chapters:
                assert (ref.number, ref.title) == chapters[ref.key]
            assert [(m.course, m.module) for m in found.modules] == [(t["course"], t["module"])
                                                                      for t in entry["training"]]
            for ref in found.modules:
                programme, course = catalogue.course(ref.course)
                assert ref.module in course.modules
                assert (ref.fullname, ref.module_title) == (course.fullname, programme.module(ref.module).title)
    for section in instrument.sections:
        for q in section.questions:
            assert offer.for_question(q.id, section.key) is not None, q.id
    for text in (line for h in [*offer.sections.values(), *offer.questions.values()] for line in h.lines()):
        assert not set(text) & set("şţŞŢ")


@pytest.mark.parametrize(("old", "new", "named"), [
    ("manual: [cap-06]", "manual: [cap-99]", "cap-99"),
    ("{course: expert-adm, module: m4-securitate}", "{course: expert-nou, module: m4-securitate}", "expert-nou"),
    ("{course: expert-adm, module: m4-securitate}", "{course: expert-adm, module: m9-lipsa}", "m9-lipsa"),
    ("  verde:\n", "  verzui:\n", "verzui"),
    ("  s1: {", "  s99: {", "s99"),
])
def test_a_broken_key_names_the_file_the_line_and_the_key(tmp_path: Path, old: str, new: str, named: str):
    text = shipped_offer_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "offer.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_offer(load_shipped("2026.1"), path)
    message = str(caught.value)
    assert f"{path}:" in message and named in message
    line = message.split(f"{path}:")[1].split(":")[0]
    assert line.isdigit() and named in path.read_text(encoding="utf-8").splitlines()[int(line) - 1]


def test_a_section_left_out_is_refused(tmp_path: Path):
    raw = _raw()
    del raw["sections"]["date"]
    path = tmp_path / "offer.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="'date'") as caught:
        load_offer(load_shipped("2026.1"), path)
    assert str(path) in str(caught.value)


def test_the_scorecard_names_chapter_and_course_for_the_weakest_dimension(study, tmp_path: Path):
    raw, chapters, catalogue = _raw(), _chapters(), load_catalogue()
    titles = {s.key: s.title for s in study.instrument.sections}
    chosen = study.results[:8]
    path = tmp_path / "fise.pdf"
    lowest = write_scorecards([scorecard(study, r.commune.siruta) for r in chosen], study, path, fonts=load_fonts())
    assert all(y >= BOTTOM for y in lowest)
    pages = [_flat(p.extract_text()) for p in PdfReader(path).pages]
    for r, page in zip(chosen, pages, strict=True):
        scored = r.followup or r.scored
        weakest = min((scored.section(k).score, i, k) for i, k in enumerate(DMA_DIMENSIONS)
                      if scored.section(k).score is not None)[2]
        entry = raw["sections"][weakest]
        number, chapter = chapters[entry["manual"][0]]
        _programme, course = catalogue.course(entry["training"][0]["course"])
        assert "Ce oferă formarea și manualul pentru dimensiunile cele mai slabe" in page
        assert titles[weakest] in page
        assert f"Manualul de digitalizare, cap. {number} — {chapter}" in page, (r.commune.name, weakest)
        assert _flat(f"Cursul «{course.fullname}»") in page, (r.commune.name, weakest)
        assert not set(page) & set("şţŞŢ")


def test_every_scorecard_of_a_large_study_keeps_above_the_footer(tmp_path: Path):
    instrument = load_shipped()
    made = generate(instrument, count=400, seed=2026, followup=4)
    study = build_study(instrument, made.responses, communes(), generated_at=WHEN, offer=load_offer(instrument))
    cards = [scorecard(study, r.commune.siruta) for r in study.results]
    lowest = write_scorecards(cards, study, tmp_path / "toate.pdf", fonts=load_fonts())
    assert min(lowest) >= BOTTOM
    assert sum(len(c.weakest) == 2 for c in cards) >= 0.9 * len(cards)


def test_the_study_has_the_table_per_dimension(study, tmp_path: Path):
    path = tmp_path / "studiu.pdf"
    write_study_pdf(study, path, fonts=load_fonts())
    text = _flat("\n".join(p.extract_text() for p in PdfReader(path).pages))
    assert "Ce oferă formarea și manualul" in text
    chapters = _chapters()
    for entry in _raw()["sections"].values():
        for key in entry["manual"]:
            number, title = chapters[key]
            assert _flat(f"cap. {number} — {title}") in text
    assert "course/view.php" not in text, "offline: no site configured, no link"
    table = next(t for t in study.tables if t.key == "oferta")
    assert [row[0] for row in table.rows] == [s.title for s in study.instrument.sections]


def test_without_a_mapping_the_study_has_no_such_table(tmp_path: Path):
    instrument = load_shipped()
    made = generate(instrument, count=40, seed=2)
    bare = build_study(instrument, made.responses, communes(), generated_at=WHEN)
    assert "oferta" not in {t.key for t in bare.tables}
    path = tmp_path / "studiu.pdf"
    write_study_pdf(bare, path, fonts=load_fonts())
    assert "Ce oferă formarea și manualul" not in "\n".join(p.extract_text() for p in PdfReader(path).pages)


def test_with_a_site_the_courses_link_to_moodle():
    offer = load_offer(load_shipped()).with_site("https://moodle.exemplu.ro/")
    catalogue = load_catalogue()
    for found in offer.sections.values():
        for ref in found.modules:
            _p, course = catalogue.course(ref.course)
            assert ref.url == f"https://moodle.exemplu.ro/course/view.php?name={course.shortname}"
    instrument = load_shipped()
    made = generate(instrument, count=30, seed=4)
    linked = build_study(instrument, made.responses, communes(), generated_at=WHEN, offer=offer)
    cells = "\n".join(str(row[3]) for t in linked.tables if t.key == "oferta" for row in t.rows)
    assert "https://moodle.exemplu.ro/course/view.php?name=" in cells
