#!/usr/bin/env python3
"""Certificate figures: signed certificates per second (one process and every core), the time to issue 30,000, and
the time to export the certification report for 30,000 people in each format. Prints figures; asserts nothing
(machines are shared and noisy: CPU times are printed next to wall times). Goals: at least 80 signed certificates
per second on 2 cores; CPU per certificate at most 1.25× signing alone (same key, pyHanko settings and page,
measured in the same run); a 30,000-person report in at most 15 s.

    python bench/certificates.py [--certificates 1000] [--people 30000] [--workers N]

Issuing runs the real path: content → PDF (the template press; once more with reportlab alone, the path before it)
→ PAdES signature (pyHanko, RSA-3072 demo key) → file written → registry row in a SQLite store. The key, fonts and
template are opened before the clock starts, as `certificates issue` opens them before reading Moodle (their cost is
printed apart, "once per process"). The time for 30,000 is measured when --certificates is 30000, else extrapolated
from the rate.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from cooperare.certificates.eligibility import Grade, Progress, evaluate, requirements_for
from cooperare.certificates.fonts import load_fonts
from cooperare.certificates.issue import Issuing, issue_track
from cooperare.certificates.keygen import make_demo_keys
from cooperare.certificates.production import Producer
from cooperare.certificates.serials import new_serial
from cooperare.certificates.signing import PdfSigner
from cooperare.certificates.settings import CertificatesConfig, Signatory
from cooperare.certificates.trainees import Trainee
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.reports.certification import build_report
from cooperare.reports.pdf import write_pdf
from cooperare.reports.tabular import write_csv, write_xlsx
from cooperare.secrets import Secret
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry
from cooperare.sync.counties import COUNTIES

TRACK = "adm-alfabetizare"
PASSWORD = "parola-de-banc-1"
FIRST = ("Ștefan", "Ioana", "Mădălina", "Țicu", "Anișoara", "Răzvan", "Irina", "Cătălin")
LAST = ("Țăranu", "Mândrescu", "Vîlcu", "Popescu", "Șerban", "Dumitrașcu", "Bălan", "Lăzărescu")
SYLLABLES = ("Bă", "lă", "Mi", "ță", "Ro", "șu", "Dă", "vî", "ci", "pe")


def distinct_surname(number: int) -> str:
    """A Romanian-looking surname of four syllables, distinct for each number below 10,000 (Bălămiță + escu…): the
    report's worst case, where no two people share a name."""
    digits = f"{number % 10_000:04d}"
    return ("".join(SYLLABLES[int(d)] for d in digits) + "escu").capitalize()


def cpu_seconds() -> float:
    """CPU time of this process and of the worker processes it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def verdicts(catalogue: Catalogue, count: int, *, offset: int) -> list:  # type: ignore[type-arg]
    rule = requirements_for(catalogue, TRACK)
    progress = Progress(completed=frozenset({rule.course}), grades={rule.final_quiz: Grade(8.75, 10)})
    people = [Trainee(f"B-{offset + i:06d}", offset + i + 10, FIRST[i % 8], LAST[(i // 8) % 8], "", TRACK, "AG",
                      "Mioveni", "Primăria Mioveni") for i in range(count)]
    return [evaluate(rule, person, progress=progress) for person in people]


def bench_issue(folder: Path, *, count: int, workers: int, label: str, press: bool = True) -> tuple[float, float]:
    """Issue ``count`` certificates with ``workers`` processes; returns (certificates per second, CPU ms each).
    ``press=False`` draws each page with reportlab alone (the path before the template press)."""
    catalogue = load_catalogue()
    keys = folder / "keys"
    if not (keys / "signing.p12").exists():
        make_demo_keys(keys, password=Secret(PASSWORD), organisation="Asociația Comunelor din România",
                       common_name="Banc de probă")
    config = CertificatesConfig(signatory=Signatory("Maria Ionescu", "Președinte"),
                                verify_url="https://cooperare.acor.ro/verificare")
    output = folder / f"out-{label}"
    producer = Producer(pkcs12=keys / "signing.p12", password=Secret(PASSWORD), press=press)
    issuing = Issuing(catalogue=catalogue, config=config, output=output, producer=producer, workers=workers,
                      today=date.today())
    batch = verdicts(catalogue, count, offset=0)
    producer.check()  # as `certificates issue` does before reading Moodle: key, fonts and press opened once, untimed
    with Store.open(folder / f"store-{label}.sqlite") as store:
        registry = CertificateRegistry(store.engine)
        started, cpu_started = time.perf_counter(), cpu_seconds()
        outcome = issue_track(batch, track=TRACK, registry=registry, issuing=issuing)
        wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    assert len(outcome.issued) == count
    return count / wall, cpu / count * 1000


def bench_bare_signing(folder: Path, *, count: int) -> tuple[float, float, float, float, float, float]:
    """CPU ms per certificate for the parts alone, with the key and fonts loaded once: (1) signing with pyHanko as
    its documentation shows (``SimpleSigner.load_pkcs12`` once, ``sign_pdf`` per document), (2) signing with the
    pack's signer — the same key, pyHanko settings and kind of document as the pipeline (the press's own unsigned
    page): the limit the pipeline is compared to — (3) rendering with the press, (4) rendering with reportlab alone;
    then what a process pays once, in ms: building the press, loading the key."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from cooperare.certificates.press import CertificatePress
    from cooperare.certificates.render import CertificateContent, render_certificate

    def content(number: int) -> CertificateContent:
        return CertificateContent(
            serial=new_serial(), name=f"{FIRST[number % 8]} {LAST[(number // 8) % 8]}", programme="Program",
            course="Curs", track="Alfabetizare digitală", hours=40, start=date(2026, 3, 2), end=date(2026, 5, 29),
            result="Promovat, nota 8,75", issued_on=date.today(), issuer="Asociația Comunelor din România",
            signatory_name="Maria Ionescu", signatory_role="Președinte",
            verify_url="https://cooperare.acor.ro/verificare")

    fonts = load_fonts()
    started = cpu_seconds()
    press = CertificatePress(fonts=fonts)
    press_setup = (cpu_seconds() - started) * 1000
    contents = [content(i) for i in range(count)]
    started = cpu_seconds()
    pages = [press.render(c) for c in contents]
    pressed = (cpu_seconds() - started) / count * 1000
    started = cpu_seconds()
    for c in contents:
        render_certificate(c, fonts=fonts)
    reportlab = (cpu_seconds() - started) / count * 1000
    signer = signers.SimpleSigner.load_pkcs12(str(folder / "keys" / "signing.p12"), passphrase=PASSWORD.encode())
    assert signer is not None
    meta = signers.PdfSignatureMetadata(field_name="Semnatura", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    few = max(2, count // 10)  # slow: a tenth of the documents is enough
    started = cpu_seconds()
    for pdf in pages[:few]:
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    documented = (cpu_seconds() - started) / few * 1000
    started = cpu_seconds()
    own = PdfSigner(folder / "keys" / "signing.p12", password=Secret(PASSWORD))
    key_setup = (cpu_seconds() - started) * 1000
    started = cpu_seconds()
    for pdf in pages:
        own.sign(pdf)
    return documented, (cpu_seconds() - started) / count * 1000, pressed, reportlab, press_setup, key_setup


def bench_ratio_rounds(folder: Path, *, count: int, rounds: int) -> list[tuple[float, float]]:
    """``rounds`` alternating measures of (pipeline, signing alone), CPU ms per certificate, in this process: the
    pipeline issues ``count`` certificates (one process: page, signature, file, registry row), then the pack's signer
    signs ``count`` pages of the press with the same key and settings. Alternating keeps a noisy shared machine from
    favouring one side; the ratio of each pair is printed."""
    from cooperare.certificates.press import CertificatePress
    from cooperare.certificates.render import CertificateContent

    fonts = load_fonts()
    press = CertificatePress(fonts=fonts)
    pages = [press.render(CertificateContent(
        serial=new_serial(), name=f"{FIRST[i % 8]} {LAST[(i // 8) % 8]}", programme="Program", course="Curs",
        track="Alfabetizare digitală", hours=40, start=date(2026, 3, 2), end=date(2026, 5, 29),
        result="Promovat, nota 8,75", issued_on=date.today(), issuer="Asociația Comunelor din România",
        signatory_name="Maria Ionescu", signatory_role="Președinte", verify_url="https://cooperare.acor.ro/verificare"))
        for i in range(count)]
    bench_issue(folder, count=8, workers=1, label="warm-up")  # makes the keys; imports and caches warm
    signer = PdfSigner(folder / "keys" / "signing.p12", password=Secret(PASSWORD))
    pairs = []
    for number in range(rounds):
        _, pipeline = bench_issue(folder, count=count, workers=1, label=f"round-{number}")
        started = cpu_seconds()
        for pdf in pages:
            signer.sign(pdf)
        bare = (cpu_seconds() - started) / count * 1000
        pairs.append((pipeline, bare))
        if rounds <= 12 or number % 5 == 4:
            print(f"round {number + 1}: pipeline {pipeline:5.2f} ms CPU each, signing alone {bare:5.2f} ms: "
                  f"{pipeline / bare:.2f}×", flush=True)
    ratios = sorted(p / b for p, b in pairs)
    total = sum(p for p, _ in pairs) / sum(b for _, b in pairs)
    print(f"ratio over {rounds} rounds of {count}: median {ratios[len(ratios) // 2]:.2f}×, min {ratios[0]:.2f}×, "
          f"max {ratios[-1]:.2f}×; all rounds together {total:.2f}× (goal ≤ 1.25×)")
    return pairs


def registry_of(folder: Path, people: int) -> Path:
    """A store holding ``people`` valid certificates spread over tracks, counties, communes and organisations."""
    catalogue = load_catalogue()
    rng = random.Random(7)
    tracks = [t.key for t in catalogue.tracks]
    path = folder / "report-store.sqlite"
    records = [CertificateRecord(
        serial=new_serial(), sha256=f"{i:064x}", person_key=f"R-{i:06d}", moodle_user_id=i + 10,
        name=f"{rng.choice(FIRST)} {distinct_surname(i)}", email=None, track=rng.choice(tracks),
        county=rng.choice(COUNTIES).code, commune=f"Comuna Bălănești {i % 2861}",
        organisation=f"Primăria Comunei Bălănești {i % 3181}", category=None, grade_percent=rng.uniform(70, 100),
        file=None, issued_at=datetime.now(UTC)) for i in range(people)]
    with Store.open(path) as store:
        registry = CertificateRegistry(store.engine)
        for start in range(0, len(records), 5000):
            registry.add_many(records[start : start + 5000])
    return path


def bench_report(folder: Path, people: int) -> None:
    path = registry_of(folder, people)
    catalogue = load_catalogue()
    fonts = load_fonts()
    times: dict[str, float] = {}
    for fmt in ("csv", "xlsx", "pdf"):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        with Store.open(path) as store:
            records = CertificateRegistry(store.engine).all(status="valid")
        report = build_report(catalogue, records, generated_at=datetime.now(UTC))
        out = folder / f"report.{fmt}"
        if fmt == "csv":
            write_csv(report, out)
        elif fmt == "xlsx":
            write_xlsx(report, out)
        else:
            write_pdf(report, out, fonts=fonts)
        wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        times[fmt] = cpu
        size = out.stat().st_size / 1e6
        ratio = "" if fmt == "csv" else f"; {cpu / times['csv']:.2f}× the CSV CPU time, goal ≤ 2.5×"
        print(f"report, {people:,} people, {fmt:<4}   {wall:6.2f} s wall, {cpu:6.2f} s CPU  ({size:.1f} MB; registry "
              f"read, report built and written{ratio})")


def bench_completion_reads(people: int) -> None:
    """Web-service calls to read one track's progress for ``people`` trainees on the sandbox, with the plugin's bulk
    completion read and with core's one-call-per-person read."""
    from cooperare.certificates.progress import read_progress
    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox
    from cooperare.sandbox.fixtures import track_course

    catalogue = load_catalogue()
    rule = requirements_for(catalogue, TRACK)
    for plugin in (True, False):
        box = Sandbox(plugin=plugin)
        client = MoodleClient(box.transport())
        built = track_course(box, client, prefix=catalogue.prefix, course_key=rule.course,
                             fullname="Alfabetizare digitală", shortname="B-AD", people=[
                                 {"username": f"b{i:06d}", "password": "Parola#2026", "firstname": "Ana",
                                  "lastname": "Ilie", "email": f"b{i:06d}@example.org"} for i in range(people)])
        ids = built.user_ids
        trainees = [Trainee(f"B-{i:06d}", uid, "Ana", "Ilie", "", TRACK, "AG", "Mioveni", "Primăria Mioveni")
                    for i, uid in enumerate(ids)]
        before = client.transport.stats.calls
        started = time.perf_counter()
        read_progress(client, prefix=catalogue.prefix, requirements=rule, trainees=trainees)
        wall = time.perf_counter() - started
        how = "plugin bulk read " if plugin else "core, per person"
        print(f"progress of {people:,} people, {how}: {client.transport.stats.calls - before:5d} calls, "
              f"{wall:6.2f} s (sandbox)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=1000, help="certificates to issue per run")
    parser.add_argument("--people", type=int, default=30_000, help="people in the report")
    parser.add_argument("--completion-people", type=int, default=292,
                        help="trainees whose progress is read on the sandbox (calls counted)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="processes for the parallel run")
    parser.add_argument("--rounds", type=int, default=0,
                        help="only the ratio to signing alone: this many alternating rounds of --certificates each")
    args = parser.parse_args()
    if args.rounds:
        with tempfile.TemporaryDirectory(prefix="cooperare-bench-") as tmp:
            bench_ratio_rounds(Path(tmp), count=max(4, args.certificates), rounds=args.rounds)
        return
    print(f"cores: {os.cpu_count()}, workers: {args.workers}")
    bench_completion_reads(args.completion_people)
    with tempfile.TemporaryDirectory(prefix="cooperare-bench-") as tmp:
        folder = Path(tmp)
        count = max(4, args.certificates)
        before, before_cpu = bench_issue(folder, count=count, workers=1, label="before", press=False)
        single, single_cpu = bench_issue(folder, count=count, workers=1, label="single")
        documented, bare, pressed, reportlab, press_setup, key_setup = bench_bare_signing(folder, count=count)
        print(f"signing alone, pyHanko as documented: {documented:6.1f} ms CPU each (key converted per signature)")
        print(f"signing alone, key loaded once:       {bare:6.1f} ms CPU each (same key, settings and page as the "
              f"pipeline: its limit)")
        print(f"rendering alone:                      {pressed:6.1f} ms CPU each with the template press, "
              f"{reportlab:.1f} ms with reportlab alone")
        print(f"once per process:                     {press_setup:6.0f} ms CPU to build the press, {key_setup:.0f} ms "
              f"to load the key (both opened before the clock starts in the pipelines below, as `certificates "
              f"issue` opens them before reading Moodle)")
        print(f"pipeline before, reportlab pages:     {before_cpu:6.1f} ms CPU each ({before:5.1f}/s, 1 process): "
              f"{before_cpu / bare:.2f}× signing alone")
        print(f"pipeline, template press:             {single_cpu:6.1f} ms CPU each ({single:5.1f}/s, 1 process): "
              f"{single_cpu / bare:.2f}× signing alone, goal ≤ 1.25× (page, signature, file, registry row)")
        parallel, parallel_cpu = bench_issue(folder, count=args.certificates, workers=args.workers, label="parallel")
        print(f"signed certificates/s, {args.workers} processes:   {parallel:6.1f}  ({parallel_cpu:.1f} ms CPU each, "
              f"all processes; {args.certificates:,} issued: PDF, signature, file, registry row)")
        measured = "measured" if args.certificates == 30_000 else "extrapolated"
        print(f"time for 30,000 certificates:        {30_000 / parallel / 60:6.1f} min ({measured})")
        bench_report(folder, args.people)


if __name__ == "__main__":
    main()
