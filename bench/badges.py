#!/usr/bin/env python3
"""Open Badges figures: credentials written per second (both signed forms, RSA-3072 demo key), the time to re-sign
the status list after a revocation, and credentials verified per second. Prints figures; asserts nothing (machines
are shared and noisy: CPU times are printed next to wall times).

    python bench/badges.py [--credentials 300]

The registry rows are made directly (no PDF rendering: bench/certificates.py measures that), then
BadgeIssuing.issue writes the .json and .jwt of each, the status list and the key set, as `certificates issue` does.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography import x509

from cooperare.certificates.badges import (
    JWKS_FILE,
    STATUS_LIST_FILE,
    BadgeIssuing,
    IssuerKey,
    credential_paths,
    verify_badge,
)
from cooperare.certificates.keygen import make_demo_keys
from cooperare.certificates.serials import new_serial
from cooperare.secrets import Secret
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

PASSWORD = "parola-de-banc-1"


def timed(action):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=300)
    count = parser.parse_args().credentials
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        keys = make_demo_keys(base / "keys", password=Secret(PASSWORD), organisation="ACoR", common_name="Banc")
        with Store.open(base / "store.sqlite") as store:
            registry = CertificateRegistry(store.engine)
            records = [CertificateRecord(
                serial=new_serial(), sha256=f"{n:064x}", person_key=f"P-{n}", moodle_user_id=n, name=f"Persoana {n}",
                email=f"p{n}@example.ro", track="adm-alfabetizare", county="AG", commune="Mioveni", organisation=None,
                category=None, grade_percent=85.0, file=f"adm-alfabetizare/{n}.pdf", issued_at=datetime.now(UTC),
                details={"programme": "Alfabetizare digitală", "course": "Curs", "track_name": "Alfabetizare",
                         "hours": 40, "start": date(2027, 3, 1), "end": date(2027, 5, 1), "result": "Admis",
                         "issued_on": date(2027, 5, 15)}) for n in range(count)]
            registry.add_many(records)
            (base / "out" / "adm-alfabetizare").mkdir(parents=True)
            badges = BadgeIssuing(key=IssuerKey.load(keys.pkcs12, password=Secret(PASSWORD)), issuer="ACoR",
                                  issuer_url="https://www.acor.ro/", verify_url="https://cooperare.acor.ro/verificare/",
                                  output=base / "out")
            _, wall, cpu = timed(lambda: badges.issue(records, registry=registry))
            print(f"issue {count} credentials (.json + .jwt), status list, key set: {wall:.2f} s wall, {cpu:.2f} s "
                  f"CPU, {count / wall:.0f} credentials/s")
            registry.revoke(records[0].serial, reason="banc")
            _, wall, cpu = timed(lambda: badges.refresh(registry))
            print(f"re-sign the status list after a revocation: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
            root = x509.load_pem_x509_certificate(keys.root_certificate.read_bytes())
            jwks = (base / "out" / JWKS_FILE).read_bytes()
            status = (base / "out" / STATUS_LIST_FILE).read_bytes()
            datas = [credential_paths(r, base / "out")[1].read_bytes() for r in records]
            results, wall, cpu = timed(lambda: [verify_badge(d, trust_root=root, jwks=jwks, status_list=status,
                                                             registry=registry) for d in datas])
            print(f"verify {count} credentials: {wall:.2f} s wall, {cpu:.2f} s CPU, {count / wall:.0f}/s "
                  f"({sum(r.ok for r in results)} valid, {sum(not r.ok for r in results)} revoked)")
            size = sum(len(d) for d in datas) / count
            print(f"sizes: credential .json {size / 1024:.1f} KiB on average, status list "
                  f"{len(status) / 1024:.1f} KiB, key set {len(jwks) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
