"""The consultation part of ``cooperare demo``: contributions gathered, answered, reported, exported, published.

Simulated NGOs, authority staff and citizens send recommendations on the first shipped consultation (diacritics, a
late one, one sent twice by the same person, one edited after it was first read, a request for a public debate).
On the sandbox Moodle (``moodle`` given) the consultation space is planned and applied — with any draft files
given (the demo adds the manual's PDF) as files to download — then planned and applied again (nothing to change,
nothing uploaded), the participants post
through the real client as replies in the parts' discussions, ``collect`` reads them into the register twice (the
second time after one post was edited in Moodle: nothing added, the edit a change), the answers are filled in
programmatically, and ``publish`` posts them back with the results page. Offline, the same contributions are
recorded from plain records. Then the synthesis (PDF, XLSX), the answer sheet, the art. 13 report (PDF, XLSX) and
the open data (CSV, JSON) are written under ``DIR/consultations/``. This module must not print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from cooperare.certificates.fonts import FontPair
from cooperare.consultation_bridge.annual import build_annual_report, load_annual_input
from cooperare.consultation_bridge.answers import (
    ANSWERS_SHEET,
    DECISION,
    DECISIONS_RO,
    REASON,
    TEMPLATE,
    apply_answers,
    write_answer_sheet,
)
from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.model import Consultation
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
from cooperare.store.consultation import ContributionRegister, DebateRequest, RecordCounts

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


def fill_answer_sheet(path: Path, answers: str) -> None:
    """Fill the decisions of ``answers`` (the YAML above) into the answer sheet at ``path``, in place: decision,
    reason, and the template code for the sheet's own templates (a YAML-only template's text goes in as the
    reason)."""
    data = yaml.safe_load(answers)
    custom = data.get("templates") or {}
    wanted = {item["source"]: item for item in data["answers"]}
    book = load_workbook(path)
    sheet = book[ANSWERS_SHEET]
    for row in sheet.iter_rows(min_row=2):
        item = wanted.get(row[0].value)
        if item is None:
            continue
        row[DECISION - 1].value = DECISIONS_RO[item["decision"]]
        template = item.get("template")
        if template in custom:
            row[REASON - 1].value = custom[template]["text"]
        elif template:
            row[TEMPLATE - 1].value = template
        if item.get("reason"):
            row[REASON - 1].value = item["reason"]
    book.save(path)


DEBATE = ("Asociația „Satul Digital” Vâlcea", "Solicităm organizarea unei dezbateri publice asupra capitolelor 2 și 4.")


def _split_name(author: str) -> tuple[str, str]:
    first, _, last = author.partition(" ")
    return first, last or "-"


def demo_space(consultation_id: str, drafts: Sequence[Path]) -> Any:
    """The space of the shipped consultations, ``drafts`` (files to download) added to ``consultation_id``'s
    documents."""
    from cooperare.consultation_bridge.space import Space
    from cooperare.courses.catalogue import load_catalogue

    consultations = tuple(replace(c, documents=(*c.documents, *drafts)) if c.id == consultation_id else c
                          for c in load_consultations())
    return Space(load_catalogue().prefix, consultations)


def _in_moodle(moodle: Any, store: Store, consultation: Consultation, sent: list[ContributionRecord],
               drafts: Sequence[Path] = ()) -> tuple[RecordCounts, RecordCounts, dict[str, str], dict[str, Any]]:
    """Space applied (and planned and applied again: nothing to change, nothing uploaded), contributions posted and
    collected twice (an edit between); source keys old → Moodle's."""
    from cooperare.consultation_bridge.exchange import collect
    from cooperare.consultation_bridge.forms import form_ids
    from cooperare.consultation_bridge.simulation import (
        Participant,
        Sent,
        edit_post,
        participant_clients,
        post_contributions,
    )
    from cooperare.consultation_bridge.space import apply_space, plan_space

    box, client = moodle
    space = demo_space(consultation.id, drafts)
    stats = client.transport.stats
    calls, uploads = stats.calls, stats.uploads
    planned = plan_space(client, space)
    applied = apply_space(client, store, planned, command="demo consultation apply")
    first = {"calls": stats.calls - calls, "uploads": stats.uploads - uploads,
             "files": applied.applied.get("document file", 0)}
    calls, uploads = stats.calls, stats.uploads
    replanned = plan_space(client, space)
    apply_space(client, store, replanned, command="demo consultation apply")
    again = {"calls": stats.calls - calls, "uploads": stats.uploads - uploads,
             "changes": len(list(replanned.plan.pending()))}
    files = [{"address": c.address, "file": c.after["filename"], "bytes": c.after["bytes"]}
             for c in planned.plan.changes if ".file[" in c.address]
    audiences = {"ngo": "ngo", "authority": "authority_staff", "citizen": "citizens", "other": "citizens"}
    people: dict[str, Participant] = {}
    for _, _, category, author, _, _, _ in SENT:
        username = f"consultare{len(people) + 1}"
        people.setdefault(author, Participant(username, *_split_name(author), audiences[category]))
    clients = participant_clients(box, client, space, list(people.values()))
    posts = [Sent(people[SENT[i][3]].username, r.part_key, r.text, r.submitted_at) for i, r in enumerate(sent)]
    ids = post_contributions(box, client, clients, space, consultation.id, posts)
    keys = {old.source_key: f"forum-post:{post_id}" for old, post_id in zip(sent, ids, strict=True)}
    ngo = next(p.username for p in people.values() if p.audience == "ngo")
    course_id = client.course_content.describe([space.course_idnumber])[0].id
    debate = form_ids(client, space, consultation.id, course_id=course_id)["debate"]
    clients[ngo].feedback.respond(debate, {"solicitant": DEBATE[0], "cerere": DEBATE[1]})  # the written request
    completed = box.site.db["feedback_completed"]  # sent two days after the first contribution (the sandbox clock)
    row = completed.first(feedback=debate, userid=clients[ngo].site.userid)
    completed.update(row["id"], timemodified=int((sent[0].submitted_at + timedelta(days=2)).timestamp()))
    box.site.db.commit()
    recorded = collect(client, store, space=space, consultation_id=consultation.id).counts
    edit_post(box, ids[[r.source_key for r in sent].index(EDITED[0])], EDITED[1])
    second = collect(client, store, space=space, consultation_id=consultation.id).counts
    return recorded, second, keys, {"plan": planned.plan.summary(),
                                    "applied": {**dict(applied.courses.applied), **applied.applied},
                                    "files": files, "first_apply": first, "apply_again": again}


def run_consultation_demo(store: Store, out: Path, *, fonts: FontPair, now: datetime,
                          moodle: tuple[Any, Any] | None = None, drafts: Sequence[Path] = ()) -> dict[str, Any]:
    """Everything above, into ``out`` (created); ``moodle`` is ``(sandbox, admin client)`` to go through Moodle, and
    ``drafts`` are files (PDF, DOCX, ODT) added to the consultation's documents there; returns a summary of counts
    and files."""
    out.mkdir(parents=True, exist_ok=True)
    consultation = load_consultations().items[0]
    sent = records(consultation.announced)
    keys = {r.source_key: r.source_key for r in sent}
    space_summary: dict[str, Any] = {}
    if moodle is not None:
        first, second, keys, space_summary = _in_moodle(moodle, store, consultation, sent, drafts)
    else:
        first = record_contributions(store, consultation=consultation, records=sent, command="demo consultation")
        edited = [replace(r, text=EDITED[1]) if r.source_key == EDITED[0] else r for r in sent]
        second = record_contributions(store, consultation=consultation, records=edited, command="demo consultation")
    if moodle is None:  # in Moodle the NGO sends it through the debate-request form, and collect records it
        record_debate_requests(store, consultation=consultation, requests=[DebateRequest(
            "feedback-response:301", DEBATE[0], "ngo", sent[0].submitted_at + timedelta(days=2), DEBATE[1])])
    register = ContributionRegister(store.engine)
    files = {"answer_sheet": out / "raspunsuri.xlsx", "answers": out / "raspunsuri.yaml",
             "synthesis_pdf": out / "sinteza.pdf", "synthesis_xlsx": out / "sinteza.xlsx",
             "annual_input": out / "raport-anual.yaml", "annual_pdf": out / "raport-anual.pdf",
             "annual_xlsx": out / "raport-anual.xlsx", "open_data_csv": out / "date-deschise.csv",
             "open_data_json": out / "date-deschise.json"}
    write_answer_sheet(files["answer_sheet"], consultation=consultation, contributions=register.all(consultation.id))
    answers = ANSWERS
    for old, new in keys.items():
        answers = answers.replace(f'"{old}"', f'"{new}"')
    files["answers"].write_text(answers, encoding="utf-8")
    if moodle is not None:  # the answer sheet filled in as the authority's secretary would, then read back
        fill_answer_sheet(files["answer_sheet"], answers)
    decisions, _ = apply_answers(store, consultation=consultation,
                                 path=files["answer_sheet"] if moodle is not None else files["answers"])
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
    summary: dict[str, Any] = {
        "consultation": consultation.id, "recorded": first.as_dict(), "recorded_again": second.as_dict(),
        "decisions": decisions, "recommendations": len(synthesis.recommendations), "sources": keys,
        "files": {key: str(path) for key, path in files.items()}}
    if moodle is not None:
        from cooperare.consultation_bridge.exchange import publish

        space = demo_space(consultation.id, drafts)
        published = publish(moodle[1], store, space=space, consultation_id=consultation.id)
        again = publish(moodle[1], store, space=space, consultation_id=consultation.id)
        summary["moodle"] = {**space_summary, "published": published.posted, "published_again": again.posted,
                             "results_page": published.results_page}
    return summary
