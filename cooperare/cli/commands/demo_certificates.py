"""The certificates stage of ``cooperare demo``: simulated results, certificates issued, signed, verified, reported.

On the demo's sandbox Moodle it: makes sure each track's course has a final quiz with a completion criterion
(created directly in the sandbox when the courses stage has not provisioned them), makes sure there are trainees
(the roster snapshot if the roster stage filled it, else a generated group of 300 Romanian trainees, created through
the web services and written to the snapshot), simulates quiz attempts and course completions with
:mod:`cooperare.sandbox.simulate` (most pass, a few fail the quiz or leave the course unfinished), makes a demo
signing root under ``DIR/keys/``, issues and signs the certificates under ``DIR/certificates/``, verifies every one
(and shows that a copy with one changed byte fails), sends the Moodle messages, exports the report under
``DIR/reports/`` and writes ``DIR/cooperare.yaml`` so commands run in DIR use the demo's store and keys. The demo
key's random password is left in ``DIR/keys/signing-password.txt`` (mode 0600) so a reissue can be tried there.
Sandbox-only code: production paths never import this module. Heavy libraries (PDF, signing, spreadsheets) are
imported when the stage runs, so importing the CLI stays fast.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cooperare.certificates.assess import assess_track
from cooperare.certificates.serials import grouped
from cooperare.certificates.settings import DEFAULT_PASSWORD_ENV, CertificatesConfig, Signatory, SigningConfig
from cooperare.config import CONFIG_FILE_NAME
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.courses.identity import activity_idnumber, course_idnumber
from cooperare.moodle.client import MoodleClient
from cooperare.secrets import Secret
from cooperare.store.certificates import CertificateRecord, CertificateRegistry
from cooperare.store.people import People, PersonRecord

if TYPE_CHECKING:
    from cooperare.cli.commands.demo import DemoRun

DEMO_VERIFY_URL = "https://cooperare.acor.ro/verificare"
DEMO_SIGNATORY = Signatory("Semnatar demonstrativ", "Președinte, Asociația Comunelor din România")
PASSWORD_FILE = "signing-password.txt"
EXTRA_PER_TRACK = 0.03
"""Trainees generated beyond each track's target, so that the few who fail still leave the target reachable."""
FIRST_NAMES = ("Ștefan", "Ioana", "Mădălina", "Țicu", "Anișoara", "Răzvan", "Irina", "Cătălin", "Simona", "Gheorghe",
               "Ilinca", "Bogdan", "Ștefania", "Andrei", "Mihaela", "Vlad", "Oana", "Dănuț", "Raluca", "Aurelian")
LAST_NAMES = ("Țăranu", "Mândrescu", "Vîlcu", "Popescu", "Ionescu", "Șerban", "Dumitrașcu", "Stănescu", "Bălan",
              "Munteanu", "Ghiță", "Căpraru", "Neagu", "Tănase", "Lăzărescu", "Pîrvu", "Rădulescu", "Sârbu")
PLACES = (("AG", "Mioveni"), ("AG", "Bascov"), ("BC", "Târgu Ocna"), ("BV", "Săcele"), ("CJ", "Florești"),
          ("CT", "Năvodari"), ("DB", "Pucioasa"), ("IS", "Tomești"), ("MM", "Șișești"), ("NT", "Târgu Neamț"),
          ("PH", "Câmpina"), ("SV", "Rădăuți"), ("TM", "Giroc"), ("VL", "Horezu"), ("B", "Sector 3"))


def stage_certificates(run: DemoRun) -> None:
    """The demo stage (see the module docstring)."""
    from cooperare.certificates.deliver import send_messages, zip_track
    from cooperare.certificates.issue import Issuing, issue_track
    from cooperare.certificates.keygen import create_file, make_demo_keys
    from cooperare.certificates.production import Producer

    out = run.out.resolve()
    catalogue = load_catalogue()
    site = run.sandbox.site
    rng = random.Random(20270601)
    quizzes = _ensure_courses(run.client, site=site, catalogue=catalogue)
    people = People(run.store.engine)
    roster = _ensure_trainees(run, catalogue=catalogue, people=people, rng=rng)
    passed = _simulate(site, catalogue=catalogue, roster=roster, quizzes=quizzes, rng=rng)
    run.app.say(f"Simulated results for {len(roster)} trainees: {passed} passed the final quiz and completed the "
                "course, the others miss one or the other")
    password = Secret(secrets.token_urlsafe(18), source="demo")
    keys = make_demo_keys(out / "keys", password=password, organisation="Asociația Comunelor din România",
                          common_name="Semnătură certificate ACoR (demonstrativ)")
    create_file(out / "keys" / PASSWORD_FILE, password.reveal().encode("utf-8") + b"\n", mode=0o600)
    config = CertificatesConfig(signatory=DEMO_SIGNATORY, verify_url=DEMO_VERIFY_URL,
                                signing=SigningConfig(pkcs12=keys.pkcs12, trust_root=keys.root_certificate),
                                output=out / "certificates")
    registry = CertificateRegistry(run.store.engine)
    producer = Producer(pkcs12=keys.pkcs12, password=password)
    issuing = Issuing(catalogue=catalogue, config=config, output=config.output, producer=producer,
                      workers=config.workers)
    issued: list[CertificateRecord] = []
    for track in catalogue.tracks:
        assessment = assess_track(run.client, people=people, registry=registry, catalogue=catalogue, config=config,
                                  track=track.key)
        done = issue_track(assessment.verdicts, track=track.key, registry=registry, issuing=issuing)
        zip_track(registry.all(track=track.key), output=config.output, track=track.key)
        issued += done.issued
        run.app.say(f"  {track.key}: {len(done.issued)} certificates issued and signed "
                    f"({len(assessment.verdicts) - len(assessment.eligible)} not eligible yet; target {track.target})")
    verified = _verify_all(run, config=config, registry=registry, issued=issued)
    messages = send_messages(run.client, issued, store=run.store, run_id=run.run_id)
    reports = _reports(out / "reports", catalogue=catalogue, registry=registry)
    _write_config(out, keys_dir=keys.pkcs12.parent)
    _tell(run, out=out, issued=len(issued), verified=verified, messages=len(messages.sent), reports=reports,
          example=issued[0].file if issued else None)
    run.summary["certificates"] = {"issued": len(issued), "verified": verified, "messages": len(messages.sent),
                                   "folder": str(config.output), "reports": [str(p) for p in reports],
                                   "keys": str(keys.pkcs12.parent)}


# -- sandbox preparation -----------------------------------------------------------------------------------------


def _ensure_courses(client: MoodleClient, *, site: Any, catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """Each track course's Moodle id and final quiz id, creating what the courses stage has not provisioned."""
    from cooperare.sandbox.courses import completion, modules
    from cooperare.sandbox.courses.schema import COMPLETION_TRACKING_AUTOMATIC

    found: dict[str, dict[str, int]] = {}
    for track in catalogue.tracks:
        _, course = catalogue.course(track.course)
        idnumber = course_idnumber(catalogue.prefix, course.key)
        existing = client.courses.by_field("idnumber", idnumber)
        if existing:
            course_id = existing[0].id
        else:
            settings = catalogue.course_settings(course.key)
            created = client.courses.create([{
                "fullname": course.fullname, "shortname": course.shortname, "categoryid": 1, "idnumber": idnumber,
                "enablecompletion": 1,
                "startdate": int(datetime(settings.start.year, settings.start.month, settings.start.day,
                                          tzinfo=UTC).timestamp()),
            }])
            course_id = int(created[0]["id"])
        final_idnumber = activity_idnumber(catalogue.prefix, course.key, "final")
        cm = site.db["course_modules"].first(idnumber=final_idnumber)
        if cm is None:
            quiz = catalogue.quiz_settings(course.key, final=True)
            with site.db.transaction():
                cm = modules.add_module(site, course_id, "quiz", {
                    "name": course.final_quiz.title if course.final_quiz else "Evaluare finală",
                    "grade": quiz.grade, "gradepass": quiz.grade_to_pass, "sumgrades": quiz.grade},
                    cm={"idnumber": final_idnumber, "completion": COMPLETION_TRACKING_AUTOMATIC,
                        "completionpassgrade": 1})
                completion.add_activity_criterion(site, cm)
        found[course.key] = {"course": course_id, "quiz": int(cm["instance"])}
    return found


def _ensure_trainees(run: DemoRun, *, catalogue: Catalogue, people: People, rng: random.Random
                     ) -> list[PersonRecord]:
    existing = [p for p in people.all(status="active") if p.moodle_user_id is not None]
    if existing:
        run.app.say(f"Trainees: {len(existing)} from the roster snapshot")
        return existing
    planned: list[PersonRecord] = []
    for track in catalogue.tracks:
        category = catalogue.track(track.key).categories[0] if track.categories else ""
        count = track.target + max(1, round(track.target * EXTRA_PER_TRACK))
        for _ in range(count):
            number = len(planned) + 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            county, commune = rng.choice(PLACES)
            organisation = (f"Asociația „Comunitate Digitală {commune}”" if category == "ong"
                            else f"Primăria {commune}")
            key = f"DEMO-{number:04d}"
            planned.append(PersonRecord(key=key, idnumber=f"{catalogue.prefix}:user:{key}", moodle_user_id=None,
                                        firstname=first, lastname=last, email=f"cursant{number:04d}@example.ro",
                                        county=county, commune=commune, organisation=organisation,
                                        category=category, track=track.key))
    created = run.client.users.create([{
        "username": f"demo{p.key[5:]}", "password": f"Demo#{secrets.token_hex(6)}A1", "firstname": p.firstname,
        "lastname": p.lastname, "email": p.email, "auth": "manual", "idnumber": p.idnumber, "city": p.commune,
        "institution": p.organisation, "department": p.county} for p in planned])
    roster = [replace(p, moodle_user_id=int(c["id"])) for p, c in zip(planned, created, strict=True)]
    for track in catalogue.tracks:
        course = run.client.courses.by_field("idnumber", course_idnumber(catalogue.prefix, track.course))[0]
        run.client.enrol.enrol([(course.id, p.moodle_user_id) for p in roster if p.track == track.key
                                and p.moodle_user_id is not None])
    people.upsert(roster)
    run.app.say(f"Trainees: no roster snapshot, so {len(roster)} demo trainees were created in Moodle, enrolled in "
                "their track's course and written to the snapshot")
    return roster


def _simulate(site: Any, *, catalogue: Catalogue, roster: list[PersonRecord], quizzes: dict[str, dict[str, int]],
              rng: random.Random) -> int:
    """Quiz attempts and course completions: about 94% pass and complete; the rest fail or do not finish."""
    from cooperare.sandbox import simulate

    passed = 0
    for person in roster:
        course_key = catalogue.track(person.track).course
        course = quizzes.get(course_key)
        if course is None or person.moodle_user_id is None:
            continue
        quiz = catalogue.quiz_settings(course_key, final=True)
        outcome = rng.random()
        share = rng.uniform(0.3, quiz.pass_percent / 100 - 0.05) if outcome < 0.03 else rng.uniform(
            quiz.pass_percent / 100, 1.0)
        simulate.record_quiz_attempt(site, course["quiz"], person.moodle_user_id, round(quiz.grade * share, 2))
        if outcome >= 0.06:
            simulate.complete_course(site, course["course"], person.moodle_user_id)
            passed += 1
    return passed


# -- checking and telling ----------------------------------------------------------------------------------------


def _verify_all(run: DemoRun, *, config: CertificatesConfig, registry: CertificateRegistry,
                issued: list[CertificateRecord]) -> int:
    from cooperare.certificates.verify import load_trust_root, verify_pdf

    root = load_trust_root(config.signing.trust_root)
    verified = 0
    for record in issued:
        if verify_pdf((config.output / (record.file or "")).read_bytes(), registry=registry, trust_root=root).ok:
            verified += 1
    run.app.say(f"Verified {verified} of {len(issued)} certificates: signature intact and trusted against the demo "
                "root, registered, valid")
    if issued:
        tampered = bytearray((config.output / (issued[0].file or "")).read_bytes())
        tampered[len(tampered) // 2] ^= 0x01
        result = verify_pdf(bytes(tampered), registry=registry, trust_root=root)
        failed = ", ".join(c.name for c in result.checks if not c.ok)
        run.app.say(f"A copy of {grouped(issued[0].serial)} with one byte changed does not verify ({failed})")
    return verified


def _reports(folder: Path, *, catalogue: Catalogue, registry: CertificateRegistry) -> list[Path]:
    from cooperare.certificates.fonts import load_fonts
    from cooperare.reports.certification import build_report
    from cooperare.reports.pdf import write_pdf
    from cooperare.reports.tabular import write_csv, write_xlsx

    folder.mkdir(parents=True, exist_ok=True)
    report = build_report(catalogue, registry.all(status="valid"), generated_at=datetime.now(UTC))
    paths = [folder / "certificare.xlsx", folder / "certificare.csv", folder / "certificare.pdf"]
    write_xlsx(report, paths[0])
    write_csv(report, paths[1])
    write_pdf(report, paths[2], fonts=load_fonts())
    return paths


def _write_config(out: Path, *, keys_dir: Path) -> None:
    """DIR/cooperare.yaml: the demo's store and keys (other sections already there are kept)."""
    path = out / CONFIG_FILE_NAME
    data: dict[str, Any] = {}
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data.setdefault("site", {"url": "http://127.0.0.1:8085"})
    data.setdefault("store", {"url": "sqlite:///cooperare.sqlite"})
    data["certificates"] = {
        "verify_url": DEMO_VERIFY_URL,
        "signatory": {"name": DEMO_SIGNATORY.name, "role": DEMO_SIGNATORY.role},
        "output": "certificates",
        "signing": {"pkcs12": str(keys_dir.relative_to(out) / "signing.p12"),
                    "trust_root": str(keys_dir.relative_to(out) / "root-ca.pem"),
                    "password_env": DEFAULT_PASSWORD_ENV},
        "delivery": {"moodle_message": True},
    }
    header = ("# Written by `cooperare demo`: the demo's store, certificate registry and demo signing keys.\n"
              "# site.url is the sandbox's address; commands that read Moodle need a sandbox served there.\n")
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _tell(run: DemoRun, *, out: Path, issued: int, verified: int, messages: int, reports: list[Path],
          example: str | None) -> None:
    say = run.app.say
    say(f"Sent {messages} Moodle messages to the new holders (journaled: a re-run sends none twice)")
    say(f"Certificates ({issued}, one PDF each and a ZIP per track): {out / 'certificates'}")
    say(f"Reports (XLSX, CSV, PDF): {out / 'reports'}")
    say(f"Demo signing root (root-ca.pem, to trust when verifying) and keys: {out / 'keys'}")
    say(f"Configuration for commands run in {out}: {out / CONFIG_FILE_NAME}")
    say("Try, in that folder:", style="dim")
    if example:
        say(f"  cooperare certificates verify certificates/{example}", style="dim")
    say("  cooperare certificates list", style="dim")
    say("  cooperare report certification --format xlsx --out reports/certificare.xlsx", style="dim")
    say("  cooperare certificates revoke SERIAL --reason \"…\"", style="dim")
    say(f"  {DEFAULT_PASSWORD_ENV}=$(cat keys/{PASSWORD_FILE}) cooperare certificates reissue SERIAL --reason \"…\"",
        style="dim")
    say(f"(keys/{PASSWORD_FILE}, mode 0600, holds the demo key's random password; never do this with a real key)",
        style="dim")
