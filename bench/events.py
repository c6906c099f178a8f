#!/usr/bin/env python3
"""Event attendance figures: a Teams attendance report for an event of N participants (3,000 by default; about one
in five reconnects, so more rows than people) imported into a fresh store with a roster of the same size — detect,
parse, merge, match, record — and the events report (XLSX and PDF) over it: wall time of each step and peak RSS of
the process. Prints figures; asserts nothing.

Goal: the import within 5 s for 3,000 participants.

    python bench/events.py [--participants N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from cooperare.certificates.fonts import load_fonts
from cooperare.config.events import EventsConfig
from cooperare.courses.catalogue import load_catalogue
from cooperare.events.loader import find_event, load_events
from cooperare.events.service import import_attendance, report_from_store, write_report
from cooperare.events.simulate import Invitee, write_teams_report
from cooperare.store import Store
from cooperare.store.people import People, PersonRecord

FIRST = ("Ana", "Ioana", "Maria", "Elena", "Ștefan", "Mihai", "Radu", "Andrei", "Cristina", "Gheorghe")
LAST = ("Popescu", "Țăranu", "Bălănescu", "Știrbu", "Mureșan", "Ene", "Dumitrescu", "Pîrvu", "Ionescu", "Răducanu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=3000)
    args = parser.parse_args()
    config = EventsConfig()
    event = find_event(load_events(), "diseminare-3")
    people = [PersonRecord(key=f"P{i}", idnumber=f"coop-{i}", moodle_user_id=i, firstname=FIRST[i % 10],
                           lastname=f"{LAST[(i // 10) % 10]}-{i}", email=f"p{i}@comuna.ro", county="CJ",
                           commune="Florești", organisation="Primăria Florești", category="adm-executie",
                           track="adm-alfabetizare") for i in range(args.participants)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        csv = write_teams_report(root / "teams.csv", event, [Invitee(f"{p.firstname} {p.lastname}", p.email)
                                                             for p in people], seed=1, guests=5)
        with Store.open(root / "bench.sqlite") as store:
            People(store.engine).upsert(people)
            started = time.perf_counter()
            outcome = import_attendance(store, event, csv, rule=config.attendance)
            imported = time.perf_counter() - started
            started = time.perf_counter()
            again = import_attendance(store, event, csv, rule=config.attendance)
            reimport = time.perf_counter() - started
            started = time.perf_counter()
            report = report_from_store(store, load_events(), config=config, catalogue=load_catalogue())
            write_report(report, root / "r.xlsx", fmt="xlsx", fonts=None)
            xlsx = time.perf_counter() - started
            started = time.perf_counter()
            write_report(report, root / "r.pdf", fmt="pdf", fonts=load_fonts())
            pdf = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    print(f"Teams report, {args.participants} invited: {outcome.rows} rows, {outcome.people} people "
          f"({outcome.by_kind['roster']} matched to the roster, {outcome.attended} attended)")
    print(f"import (detect, parse, merge, match, record): {imported:.2f} s (goal ≤ 5 s); 0 web-service calls")
    print(f"re-import of the same file: {reimport:.2f} s, recorded again: {again.recorded}")
    print(f"report from the store + XLSX: {xlsx:.2f} s; PDF with signature column: {pdf:.2f} s")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
