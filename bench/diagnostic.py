#!/usr/bin/env python3
"""Diagnostic figures: scoring every commune's response, the national PDF study and every commune's scorecard,
with wall time, CPU time and peak RSS. Prints figures; asserts nothing. Goals for 2,862 communes: scoring ≤ 2 s,
national study ≤ 20 s, 2,862 scorecards ≤ 60 s on 2 cores, peak RSS ≤ 300 MB. Then ``diagnostic collect`` in the
sandbox Moodle: one town hall per commune answers the questionnaire through the real client (not timed), and the
collect that reads every response into the store is timed and its web-service calls counted.

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
from cooperare.diagnostic.offer import load_offer
from cooperare.diagnostic.scoring import score_response
from cooperare.diagnostic.study import build_study, scorecard
from cooperare.reports.diagnostic_pdf import write_scorecards, write_study_pdf
from cooperare.territory import communes


def bench_collect(instrument, count: int) -> None:  # type: ignore[no-untyped-def]
    """One respondent per commune answers in the sandbox; collect reads them all (timed, calls counted)."""
    from cooperare.diagnostic.moodle import Questionnaire, apply_questionnaire, collect_responses, plan_questionnaire
    from cooperare.diagnostic.simulation import answer
    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox
    from cooperare.store import Store
    from cooperare.store.people import People, PersonRecord

    box = Sandbox()
    admin = MoodleClient(box.transport())
    chosen = list(communes())[:count]
    with tempfile.TemporaryDirectory() as folder, Store.open(f"sqlite:///{folder}/bench.sqlite") as store:
        users = admin.users.create([{"username": f"primarie{c.siruta}", "password": "Parola#2026", "firstname": "Secretar",
                                     "lastname": c.name, "email": f"primarie{c.siruta}@example.ro"} for c in chosen])
        people = [PersonRecord(f"p{c.siruta}", f"coop:person:p{c.siruta}", int(u["id"]), "Secretar", c.name,
                               f"primarie{c.siruta}@example.ro", c.county_code, f"Comuna {c.name}", "Primăria",
                               "adm-executie", "adm-alfabetizare") for c, u in zip(chosen, users, strict=True)]
        People(store.engine).upsert(people)
        q = Questionnaire("coop", instrument, "T0")
        apply_questionnaire(admin, store, plan_questionnaire(admin, store, q))
        started = time.perf_counter()
        answered = answer(box, admin, q, [(p, c.siruta) for p, c in zip(people, chosen, strict=True)],
                          start=datetime(2026, 11, 2, 9, tzinfo=UTC))
        print(f"{sum(a.saved for a in answered)} town halls answered in the sandbox "
              f"({time.perf_counter() - started:.1f} s, not part of the figure)")
        before = admin.transport.stats.calls
        result = timed(f"collect {len(answered)} responses", lambda: collect_responses(admin, store, q))
        print(f"collect: {result.stored} stored, {admin.transport.stats.calls - before} web-service calls "
              f"({result.ws_calls} counted by collect), {result.read / max(result.ws_calls, 1):.0f} responses a call")
        again = timed("collect again (nothing new)", lambda: collect_responses(admin, store, q))
        print(f"collect again: {again.stored} stored, {again.already} already there, {again.ws_calls} calls")


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
    parser.add_argument("--no-collect", action="store_true", help="Leave out the Moodle collect figure.")
    args = parser.parse_args()
    instrument = load_shipped()
    fonts = load_fonts()
    made = generate(instrument, count=args.communes, seed=args.seed, followup=4)
    offer = load_offer(instrument)  # the manual's chapters and the course modules on the study and every card
    print(f"{len(made.responses)} responses for {len(made.communes)} communes (instrument {instrument.version})")
    timed("score responses only", lambda: [score_response(instrument, r) for r in made.responses])
    study = timed("scoring + study aggregation", lambda: build_study(
        instrument, made.responses, communes(), generated_at=datetime.now(UTC), offer=offer), goal=2)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        timed("national study PDF", lambda: write_study_pdf(study, out / "study.pdf", fonts=fonts), goal=20)
        cards = [scorecard(study, r.commune.siruta) for r in study.results]
        timed(f"{len(cards)} scorecards (1 process)", lambda: write_scorecards(cards, study, out / "cards.pdf",
                                                                             fonts=fonts), goal=60)
        print(f"study {(out / 'study.pdf').stat().st_size / 1e6:.2f} MB, "
              f"scorecards {(out / 'cards.pdf').stat().st_size / 1e6:.2f} MB")
    print(f"peak RSS {peak_mb():.1f} MB (goal ≤ 300 MB)")
    if not args.no_collect:
        bench_collect(instrument, args.communes)
        print(f"peak RSS {peak_mb():.1f} MB after collect")


if __name__ == "__main__":
    main()
