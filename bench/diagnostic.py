#!/usr/bin/env python3
"""Diagnostic figures: scoring every commune's response, the national PDF study and every commune's scorecard,
with wall time, CPU time and peak RSS. Prints figures; asserts nothing. Goals for 2,862 communes: scoring ≤ 2 s,
national study ≤ 20 s, 2,862 scorecards ≤ 60 s on 2 cores, peak RSS ≤ 300 MB.

    python bench/diagnostic.py [--communes 2862] [--seed 1]

Responses are generated (seeded) first and not timed; "scoring" covers latest-response selection, scoring and the
study's aggregation (build_study), from responses in memory. Scorecards are drawn in one process into one PDF.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cooperare.certificates.fonts import load_fonts
from cooperare.diagnostic.generate import generate
from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.scoring import score_response
from cooperare.diagnostic.study import build_study, scorecard
from cooperare.reports.diagnostic_pdf import write_scorecards, write_study_pdf
from cooperare.territory import communes


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action, *, goal: float | None = None):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    target = f" (goal ≤ {goal:g} s)" if goal else ""
    print(f"{label:<34} {wall:7.2f} s wall  {cpu:7.2f} s CPU  peak RSS {peak_mb():6.1f} MB{target}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=2862)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    instrument = load_shipped()
    fonts = load_fonts()
    made = generate(instrument, count=args.communes, seed=args.seed, followup=4)
    print(f"{len(made.responses)} responses for {len(made.communes)} communes (instrument {instrument.version})")
    timed("score responses only", lambda: [score_response(instrument, r) for r in made.responses])
    study = timed("scoring + study aggregation", lambda: build_study(
        instrument, made.responses, communes(), generated_at=datetime.now(UTC)), goal=2)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        timed("national study PDF", lambda: write_study_pdf(study, out / "study.pdf", fonts=fonts), goal=20)
        cards = [scorecard(study, r.commune.siruta) for r in study.results]
        timed(f"{len(cards)} scorecards (1 process)", lambda: write_scorecards(cards, study, out / "cards.pdf",
                                                                             fonts=fonts), goal=60)
        print(f"study {(out / 'study.pdf').stat().st_size / 1e6:.2f} MB, "
              f"scorecards {(out / 'cards.pdf').stat().st_size / 1e6:.2f} MB")
    print(f"peak RSS {peak_mb():.1f} MB (goal ≤ 300 MB)")


if __name__ == "__main__":
    main()
