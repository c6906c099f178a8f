#!/usr/bin/env python3
"""Consultation register figures: recording 5,000 contributions over 60 parts, recording them again (a no-op), and
the synthesis of recommendations as PDF, XLSX and DOCX, with wall time, CPU time and peak RSS. Prints figures; asserts
nothing. Goal for 5,000 contributions: recording + synthesis (PDF and XLSX) ≤ 10 s, peak RSS ≤ 200 MB.

    python bench/consultation.py [--contributions 5000] [--parts 60] [--seed 1] [--store URL]

Contributions are generated (seeded) first and not timed: texts of 1-8 sentences with Romanian diacritics, a few
with markup, formulas, Hebrew, Arabic or emoji, 3% repeated by the same author (folded), 5% late; two thirds are
answered before the synthesis (not timed). The answer sheet (written with openpyxl for its drop-downs) and
reading it back are timed too, outside the goal. The store is a fresh SQLite file unless --store names another.

Collect from Moodle: the same number of contributions as forum replies in the consultation's space on the sandbox
(provisioned with ``consultation apply``, the posts written straight into the sandbox's tables, not timed), read by
``consultation collect`` through the real client: web-service calls (goal ≤ 1 per 100 contributions), wall time and
peak RSS; then a second collect (a no-op).
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cooperare.certificates.fonts import load_fonts
from cooperare.consultation_bridge.answers import read_answer_sheet, write_answer_sheet
from cooperare.consultation_bridge.exchange import collect
from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.model import Consultation, Part
from cooperare.consultation_bridge.register import ContributionRecord, record_contributions
from cooperare.consultation_bridge.space import Space, apply_space, forum_idnumber, plan_space
from cooperare.consultation_bridge.synthesis import build_synthesis
from cooperare.courses.catalogue import load_catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses import forums
from cooperare.reports.consultation_docx import write_synthesis_docx
from cooperare.reports.consultation_pdf import write_synthesis_pdf
from cooperare.reports.tabular import write_tables_xlsx
from cooperare.store import Store
from cooperare.store.consultation import AnswerRow, ContributionRegister

SENTENCES = (
    "Propun ca termenul de răspuns să fie redus la cinci zile lucrătoare.",
    "Capitolul ar trebui să includă un exemplu de la o comună mică din județul Vâlcea.",
    "Nu este clar cine răspunde de întreținerea serverului după încheierea proiectului.",
    "Sugerez adăugarea unui glosar cu termenii tehnici folosiți în acest capitol.",
    "Ghișeul unic trebuie să funcționeze și pentru cetățenii fără semnătură electronică.",
    "Formularul de plată online ar trebui legat de ghișeul.ro, nu de o aplicație separată.",
    "Este nevoie de instruire pentru personalul primăriei înainte de lansarea serviciului.",
    "Datele deschise trebuie publicate în formate reutilizabile, cu dicționar de date.",
)
ODD = ("<script>alert(1)</script>", '=HYPERLINK("http://exemplu.ro","aici")', "שלום עולם", "مرحبا", "😀 👍",
       "<b>îngroșat</b> &amp;")
CATEGORIES = ("citizen", "citizen", "citizen", "ngo", "authority", "other")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action, *, goal: float | None = None):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    target = f" (goal ≤ {goal:g} s)" if goal else ""
    print(f"{label:<36} {wall:7.2f} s wall  {cpu:7.2f} s CPU  peak RSS {peak_mb():6.1f} MB{target}")
    return result, wall


def consultation_with(parts: int) -> Consultation:
    shipped = load_consultations().items[0]
    return replace(shipped, structure=tuple(
        Part(key=f"art-{n}", title=f"Articolul {n} – prevederi privind serviciile publice digitale", kind="article")
        for n in range(1, parts + 1)))


def contributions(consultation: Consultation, *, count: int, seed: int) -> list[ContributionRecord]:
    rng = random.Random(seed)
    start = datetime.combine(consultation.announced, datetime.min.time(), tzinfo=UTC)
    until = consultation.calendar.recommendations_until
    window = (until - consultation.announced).days + 1
    made: list[ContributionRecord] = []
    for number in range(count):
        if made and rng.random() < 0.03:  # the same author sends the same text again
            again = rng.choice(made)
            made.append(replace(again, source_key=f"forum-post:{number}", text=again.text.upper(),
                                submitted_at=again.submitted_at + timedelta(hours=1)))
            continue
        text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 8)))
        if rng.random() < 0.05:
            text = f"{rng.choice(ODD)} {text}"
        late = rng.random() < 0.05
        at = start + timedelta(days=window + rng.randint(0, 3) if late else rng.randint(0, window - 1),
                               minutes=rng.randint(0, 1439))
        made.append(ContributionRecord(
            source_key=f"{'forum-post' if number % 3 else 'feedback-response'}:{number}",
            part_key=f"art-{rng.randint(1, len(consultation.structure))}", category=rng.choice(CATEGORIES),
            author=f"Participant {rng.randint(1, count // 3)}", submitted_at=at, text=text,
            publish_name=rng.random() < 0.4, email=f"p{number}@exemplu.ro" if rng.random() < 0.5 else None))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=5000)
    parser.add_argument("--parts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", default=None, help="A store URL (default: a fresh SQLite file).")
    args = parser.parse_args()
    consultation = consultation_with(args.parts)
    records = contributions(consultation, count=args.contributions, seed=args.seed)
    fonts = load_fonts()
    print(f"{len(records)} contributions over {args.parts} parts")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        with Store.open(args.store or f"sqlite:///{out}/store.sqlite") as store:
            counts, first = timed("record (first time)", lambda: record_contributions(
                store, consultation=consultation, records=records))
            print(f"  {counts.new} new, {counts.duplicates} duplicates folded, {counts.late} late")
            again, _ = timed("record again (no-op)", lambda: record_contributions(
                store, consultation=consultation, records=records))
            print(f"  {again.unchanged} unchanged, {again.new} new")
            register = ContributionRegister(store.engine)
            timed("answer sheet XLSX (openpyxl)", lambda: write_answer_sheet(
                out / "raspunsuri.xlsx", consultation=consultation, contributions=register.all(consultation.id)))
            timed("answer sheet read back", lambda: read_answer_sheet(out / "raspunsuri.xlsx"))
            rng = random.Random(args.seed)
            originals = [c for c in register.all(consultation.id) if c.duplicate_of is None]
            register.answer(consultation.id, [
                AnswerRow(c.source_key, rng.choice(("accepted", "partly", "rejected")),
                          "Motivarea autorității pentru această recomandare, pe scurt.")
                for c in originals if rng.random() < 2 / 3])
            synthesis, built = timed("read register + build synthesis", lambda: build_synthesis(
                consultation, register.all(consultation.id), requests=register.debate_requests(consultation.id),
                generated_at=datetime.now(UTC)))
            _, pdf = timed("synthesis PDF", lambda: write_synthesis_pdf(synthesis, out / "sinteza.pdf", fonts=fonts))
            _, xlsx = timed("synthesis XLSX", lambda: write_tables_xlsx(synthesis.tables, out / "sinteza.xlsx"))
            timed("synthesis DOCX (python-docx)", lambda: write_synthesis_docx(synthesis, out / "sinteza.docx"))
        total = first + built + pdf + xlsx
        print(f"PDF {(out / 'sinteza.pdf').stat().st_size / 1e6:.2f} MB, "
              f"XLSX {(out / 'sinteza.xlsx').stat().st_size / 1e6:.2f} MB, "
              f"DOCX {(out / 'sinteza.docx').stat().st_size / 1e6:.2f} MB")
    print(f"recording + synthesis (PDF and XLSX) {total:.2f} s (goal ≤ 10 s); peak RSS {peak_mb():.1f} MB "
          f"(goal ≤ 200 MB)")
    with tempfile.TemporaryDirectory() as folder:
        bench_collect(consultation, records, folder=Path(folder))


def bench_collect(consultation: Consultation, records: list[ContributionRecord], *, folder: Path) -> None:
    """The collect figure on the sandbox (see the module docstring)."""
    box = Sandbox()
    admin = MoodleClient(box.transport())
    space = Space(load_catalogue().prefix, (consultation,))
    with Store.open(f"sqlite:///{folder}/collect.sqlite") as store:
        apply_space(admin, store, plan_space(admin, space))
        users = admin.users.create([{"username": f"participant{n}", "password": "Parola#2026-bench",
                                     "firstname": "Participant", "lastname": f"Nr. {n}",
                                     "email": f"participant{n}@exemplu.ro"} for n in range(1, 101)])
        site = box.site
        idnumber = forum_idnumber(space.prefix, consultation.id)
        cm = next(r for r in site.db["course_modules"] if r.get("idnumber") == idnumber)
        openers = {d["name"].split("]", 1)[0][1:]: site.db["forum_posts"].rows[d["firstpost"]]
                   for d in site.db["forum_discussions"] if d["forum"] == cm["instance"]}
        for record in records:
            author = users[int(record.author.rsplit(" ", 1)[-1]) % len(users)]  # one account per author
            post = forums.add_post(site, openers[record.part_key], int(author["id"]), "Propunere", record.text,
                                   messageformat=2)
            moment = int(record.submitted_at.timestamp())
            site.db["forum_posts"].update(post["id"], created=moment, modified=moment)
        site.db.commit()
        client = MoodleClient(box.transport())
        result, _ = timed("collect from Moodle (sandbox)", lambda: collect(
            client, store, space=space, consultation_id=consultation.id), goal=10)
        print(f"  {result.posts_read} posts read in {result.discussions} discussions: {result.counts.new} new, "
              f"{result.counts.duplicates} duplicates folded; {result.ws_calls} web-service calls = "
              f"{100 * result.ws_calls / max(1, len(records)):.2f} per 100 contributions (goal ≤ 1)")
        again, _ = timed("collect again (no-op)", lambda: collect(
            client, store, space=space, consultation_id=consultation.id))
        print(f"  {again.counts.unchanged} unchanged, {again.counts.new} new, {again.ws_calls} calls")


if __name__ == "__main__":
    main()
