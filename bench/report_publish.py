#!/usr/bin/env python3
"""Report-publishing figures: for N certified people, the sizes of the dashboard, the PDF and the XLSX, the time to
plan (render the three files and read Moodle), and the web-service calls and time of a first publish, of a publish of
a changed report and of an unchanged re-run on the in-process sandbox Moodle (CPU time of the first publish too). Prints figures; asserts nothing (machines are shared and noisy: CPU time is
printed next to wall time).

    python bench/report_publish.py [--certificates 292 3000 30000]

Records are synthetic registry rows spread over every county and ten ISO weeks.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cooperare.certificates.fonts import load_fonts
from cooperare.config.reports import ReportsConfig
from cooperare.courses.catalogue import load_catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.reports.pdf import write_pdf
from cooperare.reports.publish import apply_publish, plan_report
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord
from cooperare.sync.counties import COUNTIES

TRACKS = ("ong-expert", "adm-alfabetizare", "adm-expert", "alesi-guvernanta")
START = datetime(2027, 9, 6, 10, 0, tzinfo=UTC)


def records(count: int) -> list[CertificateRecord]:
    rng = random.Random(count)
    return [CertificateRecord(serial=f"B{i:09d}", sha256=f"{i:064x}", person_key=f"P{i}", moodle_user_id=i,
                              name=f"Ștefănescu-Mănăstireanu Alexandra {i}", email=None, track=rng.choice(TRACKS),
                              county=rng.choice(COUNTIES).code, commune="Mioveni", organisation="Primăria Mioveni",
                              category=None, grade_percent=90.0, file=None,
                              issued_at=START + timedelta(days=rng.randrange(70)))
            for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, nargs="+", default=[292, 3000, 30000])
    args = parser.parse_args()
    catalogue, fonts = load_catalogue(), load_fonts()
    print(f"{'certified':>9} {'html KiB':>9} {'pdf KiB':>8} {'xlsx KiB':>9} {'plan s':>9} {'cpu s':>6} "
          f"{'first calls':>11} {'first s':>8} {'changed calls':>13} {'same calls':>10}")
    for count in args.certificates:
        rows = records(count)
        box = Sandbox()
        client = MoodleClient(box.transport())
        client.users.create([{"username": "coord", "password": "Parola#2026", "firstname": "Ana",
                              "lastname": "Ionescu", "email": "coord@example.ro"}])
        config = ReportsConfig(coordinators=["coord"])
        with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "store.sqlite") as store:
            def publish(certificates: list[CertificateRecord], at: datetime) -> tuple[int, float, float, float]:
                calls, wall, cpu = client.transport.stats.calls, time.perf_counter(), time.process_time()
                planned = plan_report(client, catalogue=catalogue, records=certificates, config=config,
                                      write_pdf=lambda data, path: write_pdf(data, path, fonts=fonts),
                                      generated_at=at)
                rendered = time.perf_counter() - wall
                apply_publish(client, store, planned)
                sizes = {f.key: len(f.content) / 1024 for f in planned.bundle.files}
                publish.sizes = sizes  # type: ignore[attr-defined]
                return (client.transport.stats.calls - calls, time.perf_counter() - wall, rendered,
                        time.process_time() - cpu)

            first_calls, first_s, render_s, cpu_s = publish(rows, START + timedelta(days=80))
            sizes = publish.sizes  # type: ignore[attr-defined]
            changed_calls = publish(rows[:-1], START + timedelta(days=81))[0]
            same_calls = publish(rows[:-1], START + timedelta(days=82))[0]
        print(f"{count:>9} {sizes['dashboard']:>9.1f} {sizes['pdf']:>8.1f} {sizes['xlsx']:>9.1f} {render_s:>9.2f} "
              f"{cpu_s:>6.2f} {first_calls:>11} {first_s:>8.2f} {changed_calls:>13} {same_calls:>10}")


if __name__ == "__main__":
    main()
