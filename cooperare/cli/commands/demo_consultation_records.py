"""The demo's consultation-register stage: simulated contributions to the first manual consultation recorded (with a
late one, a repeat and untrusted text), answered through the workbook as a secretary would, then the synthesis, the
annual art. 13 report and the open data written under DIR/consultations/.

The contributions are recorded directly (``consultation collect`` from the sandbox Moodle replaces this once it
exists); everything after recording is the real path the commands take.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.outline import ConsultationOutline, outline_of
from cooperare.consultation_bridge.register import ContributionInput, record_contributions

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun

DEMO_CONSULTATION = "manual-consultare-1"
PROPOSALS = (
    ("ngo", "Asociația „Sate Digitale” Vaslui", True, "Capitolul ar trebui să includă un exemplu de plan de "
     "digitalizare pentru o comună cu sub 2.000 de locuitori."),
    ("authority", "Primăria comunei Ciugud", True, "Propunem o listă de verificare pentru achiziția de servicii "
     "de găzduire, cu cerințele minime de securitate."),
    ("citizen", "Elena Munteanu", False, "Explicați mai simplu ce înseamnă interoperabilitatea; mulți cetățeni nu "
     "înțeleg termenul."),
    ("citizen", "Gheorghe Țârlea", True, "Să se precizeze cum pot plăti taxele locale online cei fără card bancar."),
    ("ngo", "Fundația „Comunitatea Activă”", True, "<script>alert(1)</script> Recomandăm un capitol despre "
     "consultarea tinerilor."),
    ("citizen", "Ioana Stan", False, '=HYPERLINK("http://exemplu.ro","detalii") Glosarul să cuprindă „semnătură '
     'electronică calificată”.'),
    ("other", "Universitatea din Craiova", True, "Sugerăm indicatori măsurabili pentru fiecare obiectiv al "
     "strategiei 📊."),
    ("authority", "Consiliul Județean Argeș", True, "Capitolul despre finanțare să menționeze și programele "
     "regionale 2021–2027."),
)
DECISIONS = ("acceptată", "acceptată parțial", "respinsă", "acceptată", "acceptată", "respinsă", "acceptată parțial",
             "acceptată")


def demo_contributions(outline: ConsultationOutline) -> list[ContributionInput]:
    """One proposal per voice above on successive chapters, a repeat of the first citizen's, and a late one."""
    assert outline.recommendations_until is not None
    start = datetime.combine(outline.recommendations_until, datetime.min.time(), UTC) - timedelta(days=15)
    parts = [p.key for p in outline.parts]
    made = [ContributionInput(source_key=f"forum-post:{100 + n}", part_key=parts[n % len(parts)], category=category,
                              author_name=name, name_public=public, author_email=f"autor{n}@example.ro",
                              submitted_at=start + timedelta(days=n, hours=3), text=text)
            for n, (category, name, public, text) in enumerate(PROPOSALS)]
    made.append(ContributionInput(source_key="feedback-response:900", part_key=made[2].part_key, category="citizen",
                                  author_name="Elena Munteanu", author_email="autor2@example.ro",
                                  submitted_at=made[2].submitted_at + timedelta(days=1), text=made[2].text.upper()))
    made.append(ContributionInput(source_key="feedback-response:901", part_key=parts[-1], category="citizen",
                                  author_name="Vasile Dobre", author_email="vasile@example.ro",
                                  submitted_at=start + timedelta(days=16, hours=2),
                                  text="Am aflat târziu de consultare; propun și o variantă tipărită a manualului."))
    return made


def stage_consultation_records(run: DemoRun) -> None:
    from openpyxl import load_workbook

    from cooperare.certificates.fonts import load_fonts
    from cooperare.consultation_bridge.answers import DECISION_COLUMN, REASON_COLUMN, SHEET, answer, read_answers
    from cooperare.consultation_bridge.records import (
        annual_from_store,
        export,
        synthesis_from_store,
        write_answer_form,
        write_report,
    )

    consultation = load_consultations().get(DEMO_CONSULTATION)
    outline = outline_of(consultation)
    folder = run.out / "consultations"
    recorded = record_contributions(run.store, consultation_id=outline.id, items=demo_contributions(outline),
                                    recommendations_until=outline.recommendations_until, outline=outline,
                                    command="demo consultation record")
    form = folder / f"{outline.id}-raspunsuri.xlsx"
    write_answer_form(run.store, outline.id, form)
    book = load_workbook(form)  # the secretary fills in the workbook
    sheet = book[SHEET]
    for row, decision in zip(range(6, sheet.max_row + 1), DECISIONS * 2, strict=False):
        sheet.cell(row=row, column=DECISION_COLUMN, value=decision)
        if decision != "acceptată":
            sheet.cell(row=row, column=REASON_COLUMN, value="Propunerea depășește scopul versiunii de lucru; o "
                                                            "reluăm în ediția următoare.")
    book.save(form)
    answered = answer(run.store, consultation_id=outline.id, sheet=read_answers(form),
                      command="demo consultation answer")
    fonts = load_fonts()
    synthesis = synthesis_from_store(run.store, outline.id)
    files = {"answers": form, "synthesis_pdf": folder / f"{outline.id}-sinteza.pdf",
             "synthesis_xlsx": folder / f"{outline.id}-sinteza.xlsx",
             "annual_pdf": folder / f"raport-anual-{consultation.announced.year}.pdf",
             "open_data_csv": folder / f"{outline.id}-date-deschise.csv",
             "open_data_json": folder / f"{outline.id}-date-deschise.json"}
    write_report(synthesis, files["synthesis_pdf"], fmt="pdf", fonts=fonts)
    write_report(synthesis, files["synthesis_xlsx"], fmt="xlsx", fonts=None)
    annual = annual_from_store(run.store, authority=outline.authority, year=consultation.announced.year, facts=None)
    write_report(annual, files["annual_pdf"], fmt="pdf", fonts=fonts)
    export(run.store, outline.id, files["open_data_csv"], fmt="csv")
    export(run.store, outline.id, files["open_data_json"], fmt="json")
    run.app.say(f"{recorded.new} contributions recorded ({recorded.duplicates} repeat folded, {recorded.late} late); "
                f"{answered.answered} answered; files under {folder}")
    run.summary["consultation_records"] = {"consultation": outline.id, **recorded.as_dict(),
                                           "answered": answered.answered, "pending": answered.pending,
                                           "files": {k: str(v) for k, v in files.items()}}
