#!/usr/bin/env python3
"""Consultation register figures: recording 5,000 contributions over 60 parts into a fresh SQLite store, recording
them again (a no-op), answering them all, then the synthesis (PDF and XLSX) and the open data, with wall time, CPU
time and peak RSS. Prints figures; asserts nothing. Goal: recording + synthesis ≤ 10 s, peak RSS ≤ 200 MB.

    python bench/consultation.py [--contributions 5000] [--parts 60] [--seed 1]

Contributions are invented (seeded): Romanian text of 20–120 words, one in 20 a repeat of an earlier one by the
same author, one in 30 late, with markup, formulas and emoji sprinkled in. Moodle is not involved (collect's
web-service calls are counted by the collect bench, not here).
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cooperare.certificates.fonts import load_fonts
from cooperare.consultation_bridge.answers import AnswerSheet, Decision, answer
from cooperare.consultation_bridge.outline import ConsultationOutline, OutlinePart
from cooperare.consultation_bridge.records import export, synthesis_from_store, write_report
from cooperare.consultation_bridge.register import ContributionInput, record_contributions
from cooperare.errors import Location
from cooperare.store import Store
from cooperare.store.consultation import ConsultationRegister

WORDS = ("propun", "ședințele", "consiliului", "local", "să", "fie", "transmise", "online", "și", "arhivate", "pe",
         "site-ul", "primăriei", "termenul", "de", "consultare", "prea", "scurt", "cetățenii", "din", "satele",
         "aparținătoare", "întâmpină", "greutăți", "<b>", "=SUM(A1)", "👍", "documentele", "trebuie", "publicate")
CATEGORIES = ("citizen", "citizen", "citizen", "ngo", "authority", "other")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action, *, goal: float | None = None):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    target = f" (goal ≤ {goal:g} s)" if goal else ""
    print(f"{label:<40} {wall:7.2f} s wall  {cpu:7.2f} s CPU  peak RSS {peak_mb():6.1f} MB{target}")
    return result, wall, cpu


def invent(count: int, parts: int, seed: int) -> tuple[ConsultationOutline, list[ContributionInput]]:
    rng = random.Random(seed)
    until = date(2026, 9, 27)
    outline = ConsultationOutline(id="bench", title="Regulament – consultare de test", authority="Comuna Test",
                                  parts=tuple(OutlinePart(f"art-{n}", f"Articolul {n}") for n in range(1, parts + 1)),
                                  recommendations_until=until)
    start = datetime(2026, 9, 8, 8, tzinfo=UTC)
    made: list[ContributionInput] = []
    for n in range(count):
        if made and n % 20 == 0:
            earlier = rng.choice(made)
            made.append(ContributionInput(source_key=f"forum-post:{n}", part_key=earlier.part_key,
                                          category=earlier.category, author_name=earlier.author_name,
                                          author_email=earlier.author_email, submitted_at=earlier.submitted_at
                                          + timedelta(hours=1), text=earlier.text.upper()))
            continue
        late = n % 30 == 0
        made.append(ContributionInput(
            source_key=f"{'forum-post' if n % 2 else 'feedback-response'}:{n}",
            part_key=f"art-{rng.randint(1, parts)}", category=rng.choice(CATEGORIES),
            author_name=f"Persoana {n % 1500}", author_email=f"p{n % 1500}@example.ro", name_public=n % 3 == 0,
            submitted_at=(datetime(2026, 9, 28, 9, tzinfo=UTC) if late else start + timedelta(minutes=5 * n)),
            text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))))
    return outline, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=5000)
    parser.add_argument("--parts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    outline, made = invent(args.contributions, args.parts, args.seed)
    fonts = load_fonts()
    print(f"{len(made)} contributions over {args.parts} parts")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        with Store.open(out / "store.sqlite") as store:
            def record():  # type: ignore[no-untyped-def]
                return record_contributions(store, consultation_id=outline.id, items=made,
                                            recommendations_until=outline.recommendations_until, outline=outline)

            first, record_wall, record_cpu = timed("record (first time)", record)
            print(f"  new {first.new}, duplicates {first.duplicates}, late {first.late}")
            again, _, _ = timed("record again (no-op)", record)
            print(f"  unchanged {again.unchanged}")
            originals = [c for c in ConsultationRegister(store.engine).contributions(outline.id)
                         if c.duplicate_of is None]
            here = Location(file="bench")
            decisions = tuple(Decision(c.source_key, ("accepted", "partly", "rejected")[i % 3],
                                       None if i % 3 == 0 else "Motivare de test.", None, here)
                              for i, c in enumerate(originals))
            timed(f"answer {len(decisions)} recommendations", lambda: answer(
                store, consultation_id=outline.id, sheet=AnswerSheet(outline.id, (), decisions, "bench")))
            synthesis, build_wall, build_cpu = timed("synthesis: read register + build", lambda: synthesis_from_store(
                store, outline.id))
            _, pdf_wall, pdf_cpu = timed("synthesis PDF", lambda: write_report(synthesis, out / "s.pdf", fmt="pdf",
                                                                      fonts=fonts))
            timed("synthesis XLSX", lambda: write_report(synthesis, out / "s.xlsx", fmt="xlsx", fonts=None))
            timed("open data CSV", lambda: export(store, outline.id, out / "d.csv", fmt="csv"))
            sizes = (out / "s.pdf").stat().st_size / 1e6, (out / "s.xlsx").stat().st_size / 1e6
            print(f"recording + synthesis (build + PDF): {record_wall + build_wall + pdf_wall:.2f} s wall, "
                  f"{record_cpu + build_cpu + pdf_cpu:.2f} s CPU (goal ≤ 10 s); "
                  f"PDF {sizes[0]:.2f} MB, XLSX {sizes[1]:.2f} MB")
    print(f"peak RSS {peak_mb():.1f} MB (goal ≤ 200 MB)")


if __name__ == "__main__":
    main()
