"""The certificates stage of ``cooperare demo``: simulated results, certificates issued, signed, verified, reported.

On the demo's sandbox Moodle, after the courses and roster stages, it: simulates what the trainees do with
:mod:`cooperare.sandbox.simulate` (lessons viewed, quiz attempts graded; Moodle's completion rules provisioned by the
courses stage then decide who completed the course — most do, a few fail the final quiz or leave a lesson unread),
makes a demo
signing root under ``DIR/keys/``, issues and signs the certificates under ``DIR/certificates/`` with an Open Badges 3.0
credential next to each and the signed status list, verifies every one of both (and shows that a copy with one
changed byte, or an altered credential, fails), publishes the static verification site under ``DIR/verify/``,
sends the Moodle messages, exports the report under
``DIR/reports/`` and writes ``DIR/cooperare.yaml`` so commands run in DIR use the demo's store and keys. The demo
key's random password is left in ``DIR/keys/signing-password.txt`` (mode 0600) so a reissue can be tried there.
Sandbox-only code: production paths never import this module. Heavy libraries (PDF, signing, spreadsheets) are
imported when the stage runs, so importing the CLI stays fast.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooperare.certificates.serials import grouped
from cooperare.cli.commands.demo_config import update_demo_config
from cooperare.config import CONFIG_FILE_NAME
from cooperare.config.certificates import DEFAULT_PASSWORD_ENV, CertificatesConfig, Signatory, SigningConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.courses.desired import day_end
from cooperare.courses.identity import activity_idnumber, course_idnumber
from cooperare.errors import PlanError
from cooperare.secrets import Secret
from cooperare.store.certificates import CertificateRecord, CertificateRegistry
from cooperare.store.people import People, PersonRecord

if TYPE_CHECKING:
    from cooperare.cli.commands.demo import DemoRun

DEMO_VERIFY_URL = "https://cooperare.acor.ro/verificare/"
DEMO_SIGNATORY = Signatory("Semnatar demonstrativ", "Președinte, Asociația Comunelor din România")
PASSWORD_FILE = "signing-password.txt"


def stage_certificates(run: DemoRun) -> None:
    """The demo stage (see the module docstring)."""
    from cooperare.certificates.keygen import create_file, make_demo_keys
    from cooperare.certificates.service import TrackIssued, apply_issue, open_issuing, plan_issue, publish_site

    out = run.out.resolve()
    catalogue = run.catalogue
    site = run.sandbox.site
    rng = random.Random(20270601)
    people = People(run.store.engine)
    roster = _trainees(run, people)
    completed = _simulate(site, catalogue=catalogue, roster=roster, rng=rng, now=run.now)
    run.app.say(f"Simulated learning for {len(roster)} trainees (lessons read, quizzes taken): {completed} completed "
                "their course by Moodle's completion rules, the others miss a lesson or the final quiz")
    password = Secret(secrets.token_urlsafe(18), source="demo")
    keys = make_demo_keys(out / "keys", password=password, organisation="Asociația Comunelor din România",
                          common_name="Semnătură certificate ACoR (demonstrativ)")
    create_file(out / "keys" / PASSWORD_FILE, password.reveal().encode("utf-8") + b"\n", mode=0o600)
    config = CertificatesConfig(signatory=DEMO_SIGNATORY, verify_url=DEMO_VERIFY_URL,
                                signing=SigningConfig(pkcs12=keys.pkcs12, trust_root=keys.root_certificate),
                                output=out / "certificates")
    registry = CertificateRegistry(run.store.engine)
    issuing = open_issuing(config, catalogue=catalogue, password=password, today=run.now.date()).issuing

    def tell_track(done: TrackIssued) -> None:
        track = catalogue.track(done.track)
        run.app.say(f"  {track.key}: {len(done.outcome.issued)} certificates issued and signed "
                    f"({len(done.assessment.verdicts) - len(done.assessment.eligible)} not eligible yet; "
                    f"target {track.target})")

    planned = plan_issue(run.client, store=run.store, catalogue=catalogue, config=config,
                         tracks=[t.key for t in catalogue.tracks])
    result = apply_issue(run.client, run.store, planned, issuing=issuing, messages=True,
                         command="demo: certificates issue", on_track=tell_track)
    issued = result.issued
    messages = sum(len(t.messages.sent) for t in result.tracks if t.messages is not None)
    verified = _verify_all(run, config=config, registry=registry, issued=issued)
    badges_verified = _verify_badges(run, config=config, registry=registry, issued=issued)
    published = publish_site(run.store, config, out=out / "verify", client=run.client,
                             command="demo: certificates publish")
    site, in_moodle = published.site, published.moodle or {}
    run.app.say(f"Verification page published into the sandbox Moodle ({in_moodle['created']} files), served "
                f"without login at {in_moodle['url']}")
    reports = _reports(out / "reports", catalogue=catalogue, registry=registry)
    _write_config(out, keys_dir=keys.pkcs12.parent)
    _tell(run, out=out, issued=len(issued), verified=verified, messages=messages, reports=reports,
          example=issued[0] if issued else None)
    run.summary["certificates"] = {"issued": len(issued), "verified": verified, "badges_verified": badges_verified,
                                   "messages": messages,
                                   "folder": str(config.output), "reports": [str(p) for p in reports],
                                   "keys": str(keys.pkcs12.parent), "verify_site": str(site.folder),
                                   "verify_in_moodle": in_moodle["url"]}


# -- what trainees do -----------------------------------------------------------------------------------------


def _trainees(run: DemoRun, people: People) -> list[PersonRecord]:
    """The trainees the roster stage synced (the snapshot in the store, with their Moodle ids)."""
    roster = [p for p in people.all(status="active") if p.moodle_user_id is not None]
    if not roster:
        raise PlanError("the demo's certificates stage needs the trainees of the roster stage")
    run.app.say(f"Trainees: {len(roster)} from the roster snapshot")
    return roster


def _simulate(site: Any, *, catalogue: Catalogue, roster: list[PersonRecord], rng: random.Random,
              now: datetime | None = None) -> int:
    """Each trainee reads the lessons and takes the quizzes of their course, so Moodle's completion rules (set by
    the courses stage) decide who completed it. About 94% read everything and pass; the rest fail the final quiz
    or leave a lesson unread. Returns how many completed their course.

    Learning takes time: each trainee starts 3 to 12 weeks before the end of their course, or before ``now``
    (default: the site's clock) if that comes first, and does one activity every few hours to two days, opening the
    course each time, never after either — the sandbox's clock is set to each moment, so completions, attempts and
    the course's last access carry it."""
    from cooperare.sandbox import simulate
    from cooperare.sandbox.courses import completion as course_completion

    clock = site.clock
    end = int(now.timestamp()) if now is not None else site.now()
    timing = random.Random(20270602)  # apart from ``rng``: who passes does not depend on when
    completed = 0
    try:
        for person in roster:
            course_key = catalogue.track(person.track).course
            course_id, activities = _course_activities(site, catalogue, course_key)
            outcome = rng.random()
            final = catalogue.quiz_settings(course_key, final=True)
            module = catalogue.quiz_settings(course_key, final=False)
            until = min(end, day_end(catalogue.course_settings(course_key).end))
            moment = until - int(timing.uniform(21, 84) * 86400)
            for ref, (cmid, instance, modname) in activities.items():
                moment = min(moment + int(timing.uniform(0.1, 2.0) * 86400), until - 600)
                site.clock = lambda at=moment: at
                if modname in ("page", "quiz", "feedback"):
                    simulate.access_course(site, course_id, person.moodle_user_id)
                if modname == "page" and not (outcome < 0.03 and ref.startswith("m1")):
                    simulate.view_activity(site, cmid, person.moodle_user_id)
                elif modname == "quiz":
                    settings = final if ref == "final" else module
                    low, high = ((0.3, settings.pass_percent / 100 - 0.05)
                                 if ref == "final" and 0.03 <= outcome < 0.06 else (settings.pass_percent / 100, 1.0))
                    grade = round(settings.grade * rng.uniform(low, high), 2)
                    simulate.record_quiz_attempt(site, instance, person.moodle_user_id, grade)
                elif modname == "feedback" and not 0.03 <= outcome < 0.06:
                    simulate.complete_activity(site, cmid, person.moodle_user_id)  # the survey, once the final is done
            completed += course_completion.is_course_complete(site, course_id, person.moodle_user_id)
    finally:
        site.clock = clock
    return completed


def _course_activities(site: Any, catalogue: Catalogue, course_key: str) -> tuple[int, dict[str, tuple[int, int, str]]]:
    """The course id and, by activity ref, (cmid, instance, modname) of what the courses stage provisioned."""
    course = site.db["course"].first(idnumber=course_idnumber(catalogue.prefix, course_key))
    if course is None:
        raise PlanError(f"course {course_key} is not in the sandbox: the courses stage must run first")
    prefix = activity_idnumber(catalogue.prefix, course_key, "")
    modules = {row["id"]: row["name"] for row in site.db["modules"]}
    found = {}
    for cm in site.db["course_modules"].where(course=course["id"]):
        idnumber = cm.get("idnumber") or ""
        if idnumber.startswith(prefix):
            found[idnumber[len(prefix):]] = (cm["id"], cm["instance"], modules[cm["module"]])
    return course["id"], found


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


def _verify_badges(run: DemoRun, *, config: CertificatesConfig, registry: CertificateRegistry,
                   issued: list[CertificateRecord]) -> int:
    """Check every Open Badges credential as `certificates verify` does, and show that an altered one fails."""
    import base64
    import json

    from cryptography import x509

    from cooperare.certificates.badges import JWKS_FILE, STATUS_LIST_FILE, credential_paths, verify_badge

    assert config.signing.trust_root is not None
    root = x509.load_pem_x509_certificate(config.signing.trust_root.read_bytes())
    jwks = (config.output / JWKS_FILE).read_bytes()
    status_list = (config.output / STATUS_LIST_FILE).read_bytes()

    def check(data: bytes) -> bool:
        return verify_badge(data, trust_root=root, jwks=jwks, status_list=status_list, registry=registry).ok

    verified = sum(check(credential_paths(record, config.output)[1].read_bytes()) for record in issued)
    run.app.say(f"Open Badges 3.0: {verified} of {len(issued)} credentials (.json/.jwt next to each PDF) verify "
                "against the demo root, with the signed status list (status-list.jwt) and the key set (jwks.json)")
    if issued:
        header, body, signature = credential_paths(issued[0], config.output)[0].read_text().strip().split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=="))
        claims["vc"]["credentialSubject"]["achievement"]["name"] = "Altă realizare"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode("utf-8")).decode("ascii").rstrip("=")
        run.app.say(f"A credential of {grouped(issued[0].serial)} with its achievement renamed does not verify: "
                    f"{not check(f'{header}.{forged}.{signature}'.encode('ascii'))}")
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
    update_demo_config(out, {"certificates": {
        "verify_url": DEMO_VERIFY_URL,
        "signatory": {"name": DEMO_SIGNATORY.name, "role": DEMO_SIGNATORY.role},
        "output": "certificates",
        "signing": {"pkcs12": str(keys_dir.relative_to(out) / "signing.p12"),
                    "trust_root": str(keys_dir.relative_to(out) / "root-ca.pem"),
                    "password_env": DEFAULT_PASSWORD_ENV},
        "delivery": {"moodle_message": True},
    }}, header=("# Written by `cooperare demo`: the demo's store, certificate registry and demo signing keys.\n"
                "# site.url is the sandbox's address; commands that read Moodle need a sandbox served there.\n"))


def _tell(run: DemoRun, *, out: Path, issued: int, verified: int, messages: int, reports: list[Path],
          example: CertificateRecord | None) -> None:
    say = run.app.say
    say(f"Sent {messages} Moodle messages to the new holders (journaled: a re-run sends none twice)")
    say(f"Certificates ({issued}, one PDF each and a ZIP per track): {out / 'certificates'}")
    say(f"Open Badges 3.0 credentials next to each PDF (.json, .jwt), status-list.jwt and jwks.json: "
        f"{out / 'certificates'}")
    say(f"Public verification page and its encrypted registry (a static site for {DEMO_VERIFY_URL}): "
        f"{out / 'verify'}")
    say(f"Reports (XLSX, CSV, PDF): {out / 'reports'}")
    say(f"Demo signing root (root-ca.pem, to trust when verifying) and keys: {out / 'keys'}")
    say(f"Configuration for commands run in {out}: {out / CONFIG_FILE_NAME}")
    say("Try, in that folder:", style="dim")
    if example:
        say(f"  cooperare certificates verify certificates/{example.file}", style="dim")
        say(f"  cooperare certificates verify certificates/{Path(example.file or '').with_suffix('.json')}",
            style="dim")
        say(f"  python3 -m http.server -b 127.0.0.1 -d verify 8000, then open "
            f"http://127.0.0.1:8000/?serie={grouped(example.serial)} and drop certificates/{example.file} on it",
            style="dim")
    say("  cooperare certificates list", style="dim")
    say("  cooperare report certification --format xlsx --out reports/certificare.xlsx", style="dim")
    say("  cooperare certificates revoke SERIAL --reason \"…\" && cooperare certificates publish --out verify",
        style="dim")
    say(f"  {DEFAULT_PASSWORD_ENV}=$(cat keys/{PASSWORD_FILE}) cooperare certificates reissue SERIAL --reason \"…\"",
        style="dim")
    say(f"(keys/{PASSWORD_FILE}, mode 0600, holds the demo key's random password; never do this with a real key)",
        style="dim")
