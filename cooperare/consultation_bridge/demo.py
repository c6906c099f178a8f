"""The consultation part of ``cooperare demo``, offline: contributions recorded, answered, reported, exported.

Simulated NGOs, authority staff and citizens send recommendations on the first shipped consultation (diacritics, a
late one, one sent twice by the same person, one edited after it was first read, a request for a public debate);
they are recorded into the register twice (the second time nothing is added and the edit shows as a change),
answered from a YAML file with templates, and the synthesis (PDF, XLSX), the answer sheet, the art. 13 report
(PDF, XLSX) and the open data (CSV, JSON) are written under ``DIR/consultations/``. Once ``consultation collect``
exists, the recording step reads the sandbox Moodle instead. This module must not print.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from cooperare.certificates.fonts import FontPair
from cooperare.consultation_bridge.annual import build_annual_report, load_annual_input
from cooperare.consultation_bridge.answers import apply_answers, write_answer_sheet
from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.register import (
    LOCAL_TIME,
    ContributionRecord,
    record_contributions,
    record_debate_requests,
)
from cooperare.consultation_bridge.synthesis import build_synthesis, export_rows
from cooperare.reports.consultation_data import write_open_data
from cooperare.reports.consultation_pdf import write_annual_pdf, write_synthesis_pdf
from cooperare.reports.tabular import write_tables_xlsx
from cooperare.store import Store
from cooperare.store.consultation import ContributionRegister, DebateRequest

SENT = (  # (source, part, category, author, consent, day after the announcement, text)
    ("forum-post:101", "cap-01", "ngo", "Asociația „Satul Digital” Vâlcea", True, 1,
     "Propunem un capitol introductiv scurt despre drepturile cetățenilor la servicii publice online."),
    ("forum-post:102", "cap-02", "authority", "Primăria Comunei Ștefănești", True, 2,
     "Cadrul legal ar trebui să includă și obligațiile privind arhivarea electronică a documentelor."),
    ("forum-post:103", "cap-02", "citizen", "Ioana Mărginean", False, 3,
     "Vă rog să explicați pe înțeles ce înseamnă semnătura electronică calificată."),
    ("forum-post:104", "cap-02", "citizen", "Ioana Mărginean", False, 3,
     "vă rog să explicați pe înțeles ce înseamnă semnătura electronică calificată"),
    ("feedback-response:201", "cap-03", "ngo", "Centrul de Resurse Civice Țara Hațegului", True, 4,
     "Strategia în 10 pași are nevoie de un exemplu de buget pentru o comună sub 3.000 de locuitori."),
    ("feedback-response:202", "cap-04", "authority", "Secretar general, Comuna Pâncești", False, 5,
     "Pașii de înrolare în Ghișeul.ro trebuie descriși concret, cu capturi de ecran."),
    ("feedback-response:203", "cap-05", "citizen", "Andrei Țurcanu", True, 6,
     "<script>alert('test')</script> Formularele online să poată fi completate și de pe telefon."),
    ("forum-post:105", "cap-06", "other", "Firmă IT locală", False, 7,
     "=HYPERLINK(\"http://exemplu.ro\") Copiile de siguranță trebuie încercate prin restaurări de probă."),
    ("forum-post:106", "cap-03", "citizen", "Maria Dănilă", True, 30,
     "Am aflat târziu de consultare: propun afișarea anunțului și la căminul cultural."),
)
EDITED = ("feedback-response:202", "Pașii de înrolare în Ghișeul.ro trebuie descriși concret, cu capturi de ecran "
                                   "și un model de cerere.")
ANSWERS = """\
templates:
  GLOSAR: {decision: accepted, text: "Am adăugat explicația în glosarul manualului."}
answers:
  - {source: "forum-post:101", decision: accepted, reason: "Am adăugat o secțiune introductivă."}
  - {source: "forum-post:102", decision: partly, reason: "Am inclus arhivarea; obligațiile detaliate țin de \
legislația arhivelor."}
  - {source: "forum-post:103", decision: accepted, template: GLOSAR}
  - {source: "feedback-response:201", decision: accepted, reason: "Exemplul de buget este în capitolul 3."}
  - {source: "feedback-response:203", decision: rejected, template: RES-ACOPERIT}
  - {source: "forum-post:105", decision: partly, template: PAR}
"""


def records(announced: Any) -> list[ContributionRecord]:
    start = datetime.combine(announced, time(9, 30), tzinfo=LOCAL_TIME)
    return [ContributionRecord(source_key=source, part_key=part, category=category, author=author,
                               submitted_at=start + timedelta(days=day, minutes=17 * index), text=text,
                               publish_name=consent)
            for index, (source, part, category, author, consent, day, text) in enumerate(SENT)]


def run_consultation_demo(store: Store, out: Path, *, fonts: FontPair, now: datetime) -> dict[str, Any]:
    """Everything above, into ``out`` (created); returns a summary of counts and files."""
    out.mkdir(parents=True, exist_ok=True)
    consultation = load_consultations().items[0]
    sent = records(consultation.announced)
    first = record_contributions(store, consultation=consultation, records=sent, command="demo consultation")
    edited = [replace(r, text=EDITED[1]) if r.source_key == EDITED[0] else r for r in sent]
    second = record_contributions(store, consultation=consultation, records=edited, command="demo consultation")
    record_debate_requests(store, consultation=consultation, requests=[DebateRequest(
        "feedback-response:301", "Asociația „Satul Digital” Vâlcea", "ngo", sent[0].submitted_at + timedelta(days=2),
        "Solicităm organizarea unei dezbateri publice asupra capitolelor 2 și 4.")])
    register = ContributionRegister(store.engine)
    files = {"answer_sheet": out / "raspunsuri.xlsx", "answers": out / "raspunsuri.yaml",
             "synthesis_pdf": out / "sinteza.pdf", "synthesis_xlsx": out / "sinteza.xlsx",
             "annual_input": out / "raport-anual.yaml", "annual_pdf": out / "raport-anual.pdf",
             "annual_xlsx": out / "raport-anual.xlsx", "open_data_csv": out / "date-deschise.csv",
             "open_data_json": out / "date-deschise.json"}
    write_answer_sheet(files["answer_sheet"], consultation=consultation, contributions=register.all(consultation.id))
    files["answers"].write_text(ANSWERS, encoding="utf-8")
    decisions, _ = apply_answers(store, consultation=consultation, path=files["answers"])
    rows = register.all(consultation.id)
    synthesis = build_synthesis(consultation, rows, requests=register.debate_requests(consultation.id),
                                generated_at=now)
    write_synthesis_pdf(synthesis, files["synthesis_pdf"], fonts=fonts)
    write_tables_xlsx(synthesis.tables, files["synthesis_xlsx"])
    year = consultation.announced.year
    files["annual_input"].write_text(
        f"year: {year}\n"
        "public_meetings:\n"
        f"  - {{date: {consultation.announced + timedelta(days=12)}, subject: Dezbaterea publică a manualului, "
        "participants: 27}\n"
        "public_debates:\n"
        f"  - {{date: {consultation.announced + timedelta(days=12)}, subject: Capitolele 2 și 4 ale manualului, "
        f"participants: 27, consultation: {consultation.id}}}\n"
        "meetings_not_public: []\ncourt_actions: []\n"
        "partnership_evaluation: Participarea organizațiilor și a primăriilor a fost bună; cetățenii au răspuns "
        "mai puțin, iar anunțul trebuie afișat și la căminele culturale.\n", encoding="utf-8")
    mine = [c for c in load_consultations() if c.authority.name == consultation.authority.name]
    annual = build_annual_report(
        authority=consultation.authority.name, year=year, consultations=mine,
        contributions=register.all([c.id for c in mine]),
        requests={c.id: register.debate_requests(c.id) for c in mine},
        given=load_annual_input(files["annual_input"]), generated_at=now)
    write_annual_pdf(annual, files["annual_pdf"], fonts=fonts)
    write_tables_xlsx(annual.tables, files["annual_xlsx"])
    meta = {"consultation": consultation.id, "title": consultation.title, "generated_at": now.isoformat()}
    exported = export_rows(consultation, rows)
    write_open_data(exported, files["open_data_csv"], fmt="csv", meta=meta)
    write_open_data(exported, files["open_data_json"], fmt="json", meta=meta)
    return {"consultation": consultation.id, "recorded": first.as_dict(), "recorded_again": second.as_dict(),
            "decisions": decisions, "recommendations": len(synthesis.recommendations),
            "files": {key: str(path) for key, path in files.items()}}
