"""What a citizen reads on a consultation's document page: a manual chapter rendered as the manual renders it (no
front matter, no Markdown marks, its tables), other Markdown rendered with raw HTML shown as text."""

from __future__ import annotations

from pathlib import Path

from cooperare.consultation_bridge.space import document_page
from cooperare.manual.content import shipped_content


def test_a_manual_chapter_reads_as_in_the_manual() -> None:
    html = document_page(shipped_content() / "chapters" / "cap-02-cadrul-legal.md")
    assert html.startswith("<h3>Capitolul 2. Cadrul legal al digitalizării locale</h3>")
    assert "<table" in html and "[[tabel:" not in html
    assert "key: cap-02" not in html and "## " not in html and "---" not in html


def test_other_markdown_loses_its_front_matter_and_shows_markup_as_text(tmp_path: Path) -> None:
    draft = tmp_path / "proiect-hotarare.md"
    draft.write_text("---\ntitle: Proiect\n---\n# Proiect de hotărâre privind registratura electronică\n\n"
                     "Art. 1 <script>alert(1)</script> =HYPERLINK(\"http://x\")\n\n"
                     "- Primăria comunei\n- Consiliul local\n",
                     encoding="utf-8")
    html = document_page(draft)
    assert html.startswith("<h1>Proiect de hotărâre privind registratura electronică</h1>")
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<li>Primăria comunei</li>" in html and "title: Proiect" not in html


def test_an_unreadable_document_says_where_to_ask(tmp_path: Path) -> None:
    draft = tmp_path / "scanat.md"
    draft.write_bytes(b"\xff\xfe\x00 not utf-8")
    assert "persoana de contact" in document_page(draft)


def test_a_draft_is_called_by_its_heading(tmp_path: Path) -> None:
    from cooperare.consultation_bridge.space import document_title

    chapter = shipped_content() / "chapters" / "cap-02-cadrul-legal.md"
    assert document_title(chapter) == "Capitolul 2. Cadrul legal al digitalizării locale"
    draft = tmp_path / "proiect.md"
    draft.write_text("---\ntitle: x\n---\n\n# Proiect de hotărâre nr. 12\n\nText.\n", encoding="utf-8")
    assert document_title(draft) == "Proiect de hotărâre nr. 12"
    plain = tmp_path / "nota.md"
    plain.write_text("Doar text.\n", encoding="utf-8")
    assert document_title(plain) == "nota"


def test_a_consultation_section_says_its_kind_and_dates() -> None:
    from cooperare.consultation_bridge.loader import load_consultations
    from cooperare.consultation_bridge.space import ro_date, section_summary

    consultation = load_consultations().items[0]
    summary = section_summary(consultation)
    assert ro_date(consultation.announced) in summary
    assert f"până la {ro_date(consultation.calendar.recommendations_until)} inclusiv" in summary
    assert consultation.title not in summary


def test_where_a_visitor_meets_the_forms_and_the_forum_the_way_in_is_said() -> None:
    from cooperare.consultation_bridge.loader import load_consultations
    from cooperare.consultation_bridge.space import ENROL_HINT, Space, desired_space

    state = desired_space(Space("coop", tuple(load_consultations().items)))
    (course,) = state.courses
    general = next(s for s in course.sections if s.number == 0)
    assert ENROL_HINT in general.summary
    for activity in course.activities:
        if activity.modname == "feedback" or activity.ref == "forum":
            assert activity.intro.endswith(ENROL_HINT), activity.idnumber
