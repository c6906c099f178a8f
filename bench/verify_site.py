#!/usr/bin/env python3
"""Verification-site figures: the time to build the encrypted registry for N certificates, its whole size, what a
visitor's browser downloads to check one certificate (the index and one shard once the registry is split), and
the time to open one record in Python. Prints figures; asserts nothing (machines
are shared and noisy: CPU time is printed next to wall time).

    python bench/verify_site.py [--certificates 300 3000 30000]

Records are synthetic registry rows (no PDF is signed: signing has its own bench, bench/certificates.py) with long
Romanian names and the ACoR catalogue's longest track names, so the padded record size is the one a real
publication gets.
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
from datetime import UTC, date, datetime

from cooperare.certificates.publish import build_registry, open_record, shard_digits, split_entries
from cooperare.certificates.serials import new_serial
from cooperare.store.certificates import CertificateRecord

DETAILS = {
    "programme": "Expert în digitalizare", "course": "Expert în digitalizare – administrația publică locală",
    "track_name": "Personal al administrației publice locale – experți în digitalizare", "hours": 80,
    "start": date(2027, 2, 15).isoformat(), "end": date(2027, 9, 30).isoformat(),
    "issued_on": date(2027, 10, 14).isoformat(), "issuer": "Asociația Comunelor din România",
}


def records(count: int) -> list[CertificateRecord]:
    now = datetime.now(UTC)
    return [CertificateRecord(serial=new_serial(), sha256=secrets.token_hex(32), person_key=f"AG-{i:05d}",
                              moodle_user_id=i, name=f"Ștefănescu-Mănăstireanu Alexandra-Ecaterina {i}",
                              email=None, track="adm-expert", county="AG", commune="Mioveni", organisation=None,
                              category=None, grade_percent=90.0, file=None, issued_at=now, details=DETAILS)
            for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, nargs="+", default=[300, 3000, 30000])
    args = parser.parse_args()
    print(f"{'certificates':>12} {'entries':>8} {'record B':>9} {'file KiB':>9} {'KiB/cert':>9} "
          f"{'shards':>7} {'visit KiB':>10} {'build s':>8} {'cpu s':>7} {'open ms':>8}")
    for count in args.certificates:
        rows = records(count)
        wall, cpu = time.perf_counter(), time.process_time()
        data = build_registry(rows, published_at=datetime.now(UTC))
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        built, used = time.perf_counter() - wall, time.process_time() - cpu
        probe = rows[len(rows) // 2] if rows else None
        started = time.perf_counter()
        if probe is not None:
            assert open_record(data, probe.serial) is not None
        opened = (time.perf_counter() - started) * 1000
        size = len(text.encode("utf-8")) / 1024
        digits = shard_digits(len(data["entries"]))
        visit = size
        if digits:
            shards = split_entries(data["entries"], digits)
            largest = max(len(json.dumps(part, separators=(",", ":"))) for part in shards.values())
            index = json.dumps({k: v for k, v in data.items() if k != "entries"}, separators=(",", ":"))
            visit = (len(index) + largest) / 1024
        print(f"{count:>12} {len(data['entries']):>8} {data['record_size']:>9} {size:>9.0f} "
              f"{size / max(count, 1):>9.2f} {16 ** digits if digits else 1:>7} {visit:>10.0f} {built:>8.2f} "
              f"{used:>7.2f} {opened:>8.2f}")


if __name__ == "__main__":
    main()
