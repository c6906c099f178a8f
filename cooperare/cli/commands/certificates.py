"""``cooperare certificates …``: status, issue, reissue, revoke, publish, verify, deliver, list, and demo keys.

Each command reads the configuration's ``certificates`` section, opens the store (registry and roster snapshot)
and, where it needs Moodle, the configured site. ``status``, ``issue``, ``reissue``, ``revoke`` and ``deliver`` parse
their options, call :mod:`cooperare.certificates.service` (read, or plan then apply) and render what it returns; the
workflow lives there. The
signing key's password comes from the environment variable named by ``certificates.signing.password_env`` or from a
hidden prompt — never from an option. Exit codes: 0 ok, 1 a check failed (verification) or input is wrong, 3 Moodle
could not be read. PDF, signing and spreadsheet libraries are imported inside the commands that use them, so other
``cooperare`` commands start fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cooperare.certificates.assess import TrackAssessment
from cooperare.certificates.serials import grouped
from cooperare.certificates.settings import DEFAULT_ISSUER, DEFAULT_PASSWORD_ENV, CertificatesConfig
from cooperare.cli.context import AppContext, pass_app
from cooperare.collation import romanian_key
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import CertificateError
from cooperare.secrets import Secret
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

if TYPE_CHECKING:
    from cooperare.certificates.deliver import FileOutcome, MessageOutcome
    from cooperare.certificates.issue import Issuing
    from cooperare.certificates.publish import PublishedSite
    from cooperare.certificates.service import MoodleRepublished, TrackDelivered, TrackStatus
    from cooperare.certificates.verify import Verification
    from cooperare.moodle.client import MoodleClient

track_option = click.option("--track", "track", help="Only this track (default: every track of the catalogue).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")


@click.group()
def certificates() -> None:
    """Certificates: who is eligible, issuing signed PDFs, the registry, verification and delivery."""


# -- shared plumbing ---------------------------------------------------------------------------------------------


@dataclass
class Session:
    """What most commands open: configuration section, catalogue, store, registry."""

    app: AppContext
    config: CertificatesConfig
    catalogue: Catalogue
    store: Store
    registry: CertificateRegistry

    @classmethod
    def open(cls, app: AppContext) -> Session:
        store = app.store()
        config = app.config.certificates
        site = app.config.site
        if config.verify_url is None and site is not None and site.url.startswith("https://"):
            # a site with only Moodle: the page local_cooperare serves (certificates publish --moodle)
            from cooperare.certificates.moodle_site import moodle_verify_url

            config = replace(config, verify_url=moodle_verify_url(site.url))
        return cls(app, config, app.catalogue(), store, CertificateRegistry(store.engine))

    @property
    def on_moodle_page(self) -> bool:
        """Whether verify_url is the page local_cooperare serves on the configured site (the default of a site with
        only Moodle)."""
        from cooperare.certificates.moodle_site import moodle_verify_url

        site = self.app.config.site
        return site is not None and self.config.verify_url == moodle_verify_url(site.url)

    def moodle_page_client(self) -> MoodleClient | None:
        """A client of the Moodle site when verify_url is its page: issue, reissue and revoke then publish the
        verification site into it again, and ``publish`` does by default. Else None."""
        return self.app.client() if self.on_moodle_page else None

    def tracks(self, only: str | None) -> list[str]:
        keys = [t.key for t in self.catalogue.tracks]
        if only is None:
            return keys
        if only not in keys:
            raise click.BadParameter(f"unknown track {only!r}; tracks: {', '.join(keys)}", param_hint="--track")
        return [only]

    def issuing(self, password: Secret) -> Issuing:
        """The settings checked and the signing key opened (no Moodle call); says who signs."""
        from cooperare.certificates.service import open_issuing

        ready = open_issuing(self.config, catalogue=self.catalogue, password=password)
        self.app.say(f"Signing as: {ready.signer}", style="dim")
        return ready.issuing

    def note_source(self, assessment: TrackAssessment) -> None:
        if assessment.source == "moodle":
            self.app.note(f"{assessment.track}: no roster snapshot in the store; trainees read from the students of "
                          "the track's Moodle course (county, commune and organisation from their profiles)")

    @property
    def output(self) -> Path:
        return self.config.output


def signing_password(env_name: str, *, confirm: bool = False) -> Secret:
    """The key's password: from ``$env_name``, else a hidden prompt (only on a terminal)."""
    value = os.environ.get(env_name, "")
    if value:
        return Secret(value, source=f"environment variable {env_name}")
    if not sys.stdin.isatty():
        raise CertificateError(f"no password for the signing key: {env_name} is not set and there is no terminal "
                               "to ask on", hint=f"export {env_name}=… (never pass a password as an option)")
    return Secret(click.prompt("Password of the signing key", hide_input=True, confirmation_prompt=confirm),
                  source="prompt")


# -- status ------------------------------------------------------------------------------------------------------


@certificates.command("status")
@track_option
@click.option("--missing-only", is_flag=True, help="List only the people who are not eligible yet.")
@json_option
@pass_app
def status(app: AppContext, track: str | None, missing_only: bool, as_json: bool) -> None:
    """Explain, per person, whether they are certified, eligible, or what is still missing.

    Reads grades once per course, and course completion once per person not yet certified.
    """
    from cooperare.certificates.service import read_status

    session = Session.open(app)
    report = read_status(app.client(), store=session.store, catalogue=session.catalogue, config=session.config,
                         tracks=session.tracks(track))
    for found in report.tracks:
        session.note_source(found.assessment)
    if as_json:
        app.emit_json(report.as_json())
        return
    for found in report.tracks:
        _print_status(app, found, missing_only=missing_only)
    app.ws_summary()


def _print_status(app: AppContext, found: TrackStatus, *, missing_only: bool) -> None:
    assessment = found.assessment
    rule = assessment.requirements
    app.say(f"{found.track} — {found.name} (target {found.target})", style="bold")
    app.say(f"  rule: complete {', '.join(rule.courses)}; final quiz ≥ {rule.final_quiz_percent:g}%"
            + (f"; course total ≥ {rule.min_course_grade_percent:g}%" if rule.min_course_grade_percent else "")
            + "".join(f"; {item} ≥ {minimum:g}%" for item, minimum in sorted(rule.grade_items.items())),
            style="dim")
    if not missing_only:
        for key, record in sorted(assessment.holders.items(), key=lambda item: romanian_key(item[1].name)):
            app.say(f"  certified  {record.name} ({key}): {grouped(record.serial)}", style="green")
    for verdict in assessment.verdicts:
        who = f"{verdict.trainee.fullname} ({verdict.trainee.key})"
        if verdict.eligible:
            if not missing_only:
                app.say(f"  eligible   {who}: not issued yet", style="cyan")
        else:
            app.say(f"  missing    {who}: {'; '.join(verdict.missing)}")
    app.say(f"  {found.certified} certified, {found.eligible} eligible, {found.missing} still missing something")


# -- issue -------------------------------------------------------------------------------------------------------


@certificates.command("issue")
@track_option
@click.option("--dry-run", is_flag=True, help="Say who would get a certificate; create nothing.")
@json_option
@pass_app
def issue(app: AppContext, track: str | None, dry_run: bool, as_json: bool) -> None:
    """Issue signed certificates to everyone eligible who has none yet (issued ones are never regenerated).

    Then writes a ZIP per track, tells each new holder in Moodle (certificates.delivery.moodle_message) and puts
    the PDF into their Moodle private files (certificates.delivery.moodle_files, with local_cooperare 0.2.0+).
    """
    from cooperare.certificates.service import TrackIssued, apply_issue, check_issue_settings, plan_issue

    session = Session.open(app)
    tracks = session.tracks(track)
    # Everything that can be checked without Moodle (settings, signing key, its password) is checked first, so a
    # missing setting costs no web-service call.
    issuing = None
    if not dry_run:
        check_issue_settings(session.config)
        issuing = session.issuing(signing_password(session.config.signing.password_env))
    client = app.client()
    planned = plan_issue(client, store=session.store, catalogue=session.catalogue, config=session.config,
                         tracks=tracks, dry_run=dry_run)
    for assessment in planned.assessments:
        session.note_source(assessment)
    summary: list[dict[str, Any]] = []

    def tell_track(done: TrackIssued) -> None:
        summary.append({"track": done.track, "issued": len(done.outcome.issued), "already": done.already,
                        "zip": str(done.archive), "serials": [grouped(r.serial) for r in done.outcome.issued]})
        if not as_json:
            app.say(f"{done.track}: {len(done.outcome.issued)} issued, {done.already} already held one; "
                    f"{done.archive}")
        if done.messages is not None:
            _report_messages(app, done.messages)
        if done.files is not None:
            _report_files(app, done.files)

    if issuing is None:  # a dry run reads Moodle on the pack's behalf: journaled, as before
        with session.store.runs.recording("certificates issue", detail={"track": track, "dry_run": True},
                                          ws_calls=lambda: app.ws_calls) as run:
            run.detail = {"tracks": [{"track": key, "issued": 0} for key in tracks]}
    else:
        delivery = session.config.delivery
        result = apply_issue(client, session.store, planned, issuing=issuing, messages=delivery.moodle_message,
                             files=delivery.moodle_files, on_track=tell_track)
        if result.issued:
            _tell_published(app, result.published, result.in_moodle)
    if not summary:
        for assessment in planned.assessments:
            people = planned.recipients(assessment.track)
            summary.append({"track": assessment.track, "issued": 0, "would_issue": len(people),
                            "already": len(assessment.holders), "people": [t.key for t in people]})
            if not as_json:
                news = f"{len(people)} would get a certificate" if dry_run else "nobody newly eligible"
                app.say(f"{assessment.track}: {news}, {len(assessment.holders)} already hold one")
                for trainee in people:
                    app.say(f"  {trainee.fullname} ({trainee.key})", style="dim")
    if as_json:
        app.emit_json({"dry_run": dry_run, "output": str(session.output), "tracks": summary})
    else:
        app.say(f"Certificates under {session.output.resolve()}")
        app.ws_summary()


# -- reissue, revoke ---------------------------------------------------------------------------------------------


@certificates.command("reissue")
@click.argument("serial")
@click.option("--reason", required=True, help="Why (for example: name corrected). Kept in the registry.")
@pass_app
def reissue_command(app: AppContext, serial: str, reason: str) -> None:
    """Replace certificate SERIAL by a new one (new serial, same result); the old one is marked replaced.

    The person's data is taken again from the roster snapshot (so a corrected name is printed).
    """
    from cooperare.certificates.service import apply_reissue, plan_reissue

    session = Session.open(app)
    planned = plan_reissue(session.store, serial=serial, reason=reason)
    issuing = session.issuing(signing_password(session.config.signing.password_env))
    result = apply_reissue(session.store, planned, issuing=issuing, client=session.moodle_page_client())
    new = result.new
    app.say(f"{grouped(result.old.serial)} replaced by {grouped(new.serial)} ({new.name}): "
            f"{session.output / (new.file or '')}")
    _tell_published(app, result.published, result.in_moodle)


@certificates.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True, help="Why. Kept in the registry and shown by verify.")
@pass_app
def revoke(app: AppContext, serial: str, reason: str) -> None:
    """Revoke certificate SERIAL: verification reports it as revoked from now on.

    Once Open Badges credentials were issued, the signed status list is rewritten too (with its bit set), so the
    signing key's password is needed, as for issue.
    """
    from cooperare.certificates.service import apply_revoke, has_status_list, open_badges, plan_revoke

    session = Session.open(app)
    planned = plan_revoke(session.store, serial=serial, reason=reason)
    badges = None
    if has_status_list(session.config):  # the key is opened before anything changes
        badges = open_badges(session.config, password=signing_password(session.config.signing.password_env))
    result = apply_revoke(session.store, planned, config=session.config, badges=badges,
                          client=session.moodle_page_client())
    record = result.record
    app.say(f"{grouped(record.serial)} ({record.name}) revoked: {reason}")
    if result.status_list is not None:
        app.say(f"Open Badges status list rewritten: {result.status_list}")
    _tell_published(app, result.published, result.in_moodle)


# -- Open Badges -------------------------------------------------------------------------------------------------


@certificates.command("badges")
@track_option
@pass_app
def badges_command(app: AppContext, track: str | None) -> None:
    """Write the Open Badges 3.0 credential of every valid certificate that has none yet (issued before they
    existed, or by an interrupted run), and re-sign the status list and key set. Existing credentials are kept."""
    from cooperare.certificates.service import issue_missing_badges, open_badges

    session = Session.open(app)
    tracks = session.tracks(track)
    badges = open_badges(session.config, password=signing_password(session.config.signing.password_env))
    written = issue_missing_badges(session.store, config=session.config, tracks=tracks, badges=badges)
    app.say(f"Open Badges credentials: {len(written)} written, status list and key set re-signed in "
            f"{session.output}")


# -- publish -----------------------------------------------------------------------------------------------------


def _tell_published(app: AppContext, site: PublishedSite | None, in_moodle: MoodleRepublished | None = None) -> None:
    """Say where the verification site was published again (certificates.publish_dir, Moodle), or that it was not.

    Raises when publishing into Moodle failed: the change is in the registry, but the public page still shows the
    previous state, which the person at the keyboard must know (and fix with ``certificates publish --moodle``)."""
    if site is not None:
        app.say(f"Verification site published again: {site.certificates} certificates in {site.folder}")
    if in_moodle is not None and in_moodle.error is None:
        app.say(f"Verification site published again into Moodle: {in_moodle.url}")
    if site is None and in_moodle is None:
        app.note("the verification page shows what was last published: run `cooperare certificates publish` "
                 "(or set certificates.publish_dir to publish after every change)")
    if in_moodle is not None and in_moodle.error is not None:
        raise CertificateError(f"the change is in the registry, but the verification page in Moodle still shows the "
                               f"previous state: publishing into Moodle failed: {in_moodle.error}",
                               hint="run `cooperare certificates publish --moodle` once Moodle answers again")


@certificates.command("publish")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the static verification site (created; only the site's own files are replaced). "
                   "Default: certificates.publish_dir, else ./verify.")
@click.option("--moodle/--no-moodle", "to_moodle", default=None,
              help="Also publish it into the Moodle site (local_cooperare 0.4.0+), served without login at "
                   "<site>/local/cooperare/verify.php/ (the default verify_url of an https site). Default: when "
                   "verify_url is that page.")
@pass_app
def publish(app: AppContext, out: Path | None, to_moodle: bool | None) -> None:
    """Write the public verification page and its encrypted registry into a folder for any static web host.

    Serve the folder at certificates.verify_url: each certificate's QR code opens that address with ?serie=….
    The registry file reveals nothing without a serial (records encrypted under keys derived from the serials).
    """
    from urllib.parse import urlsplit

    from cooperare.certificates.service import publish_site

    session = Session.open(app)
    out = out or session.config.publish_dir or Path("verify")
    if to_moodle is None:  # a site with only Moodle: its page is where the QR codes point
        to_moodle = session.on_moodle_page
    result = publish_site(session.store, session.config, out=out, client=app.client() if to_moodle else None)
    site, answer = result.site, result.moodle or {}
    app.say(f"Verification site for {site.certificates} certificates ({site.entries} entries of "
            f"{site.record_size} bytes each, decoys included): {site.folder.resolve()}")
    if to_moodle:
        app.say(f"Published into Moodle at {answer.get('url')} ({answer.get('created')} files added, "
                f"{answer.get('replaced')} replaced, {answer.get('unchanged')} unchanged, "
                f"{answer.get('deleted')} removed)")
    if site.badge_files:
        app.say(f"Open Badges files published with it: {', '.join(site.badge_files)}")
    url = session.config.verify_url
    if url is None:
        app.note("certificates.verify_url is not set: set it to the address where this folder will be served")
        return
    app.say(f"Publish the folder's files at {url} (the QR codes open {url}?serie=…)")
    path = urlsplit(url).path
    if not (path.endswith("/") or path.endswith(".html")):
        app.note(f"{url} has no trailing slash: the web server must serve index.html there and the page's files "
                 "(verify.css, verify.js, registry.json) next to it, or redirect to the address with a slash")


# -- verify ------------------------------------------------------------------------------------------------------


@certificates.command("verify")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--serial", help="Check a serial in the registry instead of a file.")
@click.option("--site", "site", metavar="DIR|URL",
              help="For a credential: take jwks.json and status-list.jwt from the published verification site (its "
                   "folder, or its address, such as <moodle>/local/cooperare/verify.php/), as outside verifiers "
                   "see them, instead of certificates.output.")
@json_option
@pass_app
def verify(app: AppContext, file: Path | None, serial: str | None, site: str | None, as_json: bool) -> None:
    """Verify FILE.pdf (signature intact and trusted, registry match, not revoked or replaced), an Open Badges
    credential FILE (.json or the compact .jwt: signature, validity dates, status list, registry), or --serial S.

    A credential is checked with the key set (jwks.json) and status list in certificates.output, or with those of
    the published site given by --site. Exits with 1 when any check fails.
    """
    from cooperare.certificates.badges import looks_like_badge
    from cooperare.certificates.service import verify as verify_certificate

    if (file is None) == (serial is None):
        raise click.UsageError("give either FILE or --serial")
    session = Session.open(app)
    data = file.read_bytes() if file is not None else None
    if site is not None and not (data is not None and looks_like_badge(data)):
        raise click.UsageError("--site goes with an Open Badges credential FILE (.json or .jwt)")
    result = verify_certificate(session.store, session.config, data=data, serial=serial, site=site)
    _report_verification(app, result, subject=str(file) if file else f"serial {serial}", as_json=as_json)
    if not result.ok:
        raise CertificateError("the certificate does NOT verify")


def _report_verification(app: AppContext, result: Verification, *, subject: str, as_json: bool) -> None:
    if as_json:
        app.emit_json({"subject": subject, "ok": result.ok, "serial": grouped(result.serial) if result.serial else None,
                       "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in result.checks]})
        return
    for check in result.checks:
        app.say(f"  {'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}",
                style="green" if check.ok else "red")
    verdict = "VALID" if result.ok else "NOT VALID"
    app.say(f"{subject}: {verdict}" + (f" (serial {grouped(result.serial)})" if result.serial else ""),
            style="bold green" if result.ok else "bold red")


# -- deliver, list -----------------------------------------------------------------------------------------------


@certificates.command("deliver")
@track_option
@click.option("--message/--no-message", default=None,
              help="Send the Moodle messages (default: certificates.delivery.moodle_message).")
@click.option("--files/--no-files", default=None,
              help="Put the PDFs into the trainees' Moodle private files, folder Certificate (default: "
                   "certificates.delivery.moodle_files; needs local_cooperare_add_user_files, plugin 0.2.0+).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent and put; send, put and write nothing.")
@json_option
@pass_app
def deliver(app: AppContext, track: str | None, message: bool | None, files: bool | None, dry_run: bool,
            as_json: bool) -> None:
    """Write the ZIP per track again and, if asked, message every holder not yet told and put every certificate
    not yet delivered into its holder's Moodle private files (each never twice). The plan is shown first."""
    from cooperare.certificates.service import apply_deliver, plan_deliver

    session = Session.open(app)
    send = session.config.delivery.moodle_message if message is None else message
    put = session.config.delivery.moodle_files if files is None else files
    planned = plan_deliver(session.store, tracks=session.tracks(track), message=send, files=put)
    if as_json and dry_run:
        app.emit_json({"dry_run": True, "plan": planned.plan.as_json()})
        return
    if not as_json:
        for key in planned.tracks:
            parts = [f"{planned.count(key, what)} {verb}, {planned.count(key, what, 'noop')} done before or held"
                     for what, verb, asked in (("message", "messages to send", send), ("file", "PDFs to put", put))
                     if asked]
            app.say(f"{key}: " + ("; ".join(parts) if parts else "ZIP only"), style="dim")
    if dry_run:
        return
    client = app.client() if send or put else None
    delivered: list[dict[str, Any]] = []

    def tell_track(done: TrackDelivered) -> None:
        delivered.append({"track": done.track, "certificates": done.certificates, "zip": str(done.archive),
                          "messages_sent": len(done.messages.sent) if done.messages else None,
                          "files_put": len(done.files.delivered) if done.files else None})
        if as_json:
            return
        app.say(f"{done.track}: {done.certificates} valid certificates → {done.archive}")
        if done.messages is not None:
            _report_messages(app, done.messages)
        if done.files is not None:
            _report_files(app, done.files)

    apply_deliver(client, session.store, planned, output=session.output, on_track=tell_track)
    if as_json:
        app.emit_json({"dry_run": False, "tracks": delivered})
    elif client is not None:
        app.ws_summary()


def _report_messages(app: AppContext, outcome: MessageOutcome) -> None:
    app.say(f"  messages: {len(outcome.sent)} sent, {len(outcome.already)} sent before"
            + (f", {len(outcome.no_account)} without a Moodle account" if outcome.no_account else ""))
    for serial in outcome.uncertain:
        app.note(f"  {grouped(serial)}: an earlier send was never confirmed; check the user's messages in Moodle "
                 "(it is not re-sent automatically)")
    for serial, error in outcome.failed:
        app.note(f"  {grouped(serial)}: Moodle refused the message: {error}")


def _report_files(app: AppContext, outcome: FileOutcome) -> None:
    app.say(f"  Moodle private files: {len(outcome.delivered)} put, {len(outcome.already)} delivered before"
            + (f", {len(outcome.unchanged)} already there" if outcome.unchanged else "")
            + (f", {len(outcome.no_account)} without a Moodle account" if outcome.no_account else ""))
    for serial in outcome.replaced:
        app.note(f"  {grouped(serial)}: replaced a different file of the same name in the trainee's private files")
    for serial, error in outcome.failed:
        app.note(f"  {grouped(serial)}: not delivered: {error}")


@certificates.command("list")
@track_option
@click.option("--status", "status_", type=click.Choice(["valid", "revoked", "replaced"]),
              help="Only certificates with this status.")
@json_option
@pass_app
def list_command(app: AppContext, track: str | None, status_: str | None, as_json: bool) -> None:
    """List the registry: serial, person, track, issue date, status."""
    session = Session.open(app)
    records = session.registry.all(track=track, status=status_)  # type: ignore[arg-type]
    if as_json:
        app.emit_json({"certificates": [_record_data(r) for r in records]})
        return
    for record in records:
        extra = f" ({record.reason})" if record.reason else ""
        app.say(f"{grouped(record.serial)}  {record.issued_at:%Y-%m-%d}  {record.status:<8}  {record.track:<18} "
                f"{record.name}{extra}")
    app.say(f"{len(records)} certificates", style="dim")


def _record_data(record: CertificateRecord) -> dict[str, Any]:
    return {"serial": grouped(record.serial), "person": record.person_key, "name": record.name,
            "track": record.track, "issued_at": record.issued_at.isoformat(), "status": record.status,
            "reason": record.reason, "replaced_by": grouped(record.replaced_by) if record.replaced_by else None,
            "sha256": record.sha256, "file": record.file}


# -- keygen ------------------------------------------------------------------------------------------------------


@certificates.command("keygen")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("keys"), show_default=True,
              help="Folder for root-ca.pem, root-ca.key and signing.p12 (created; existing files are kept).")
@click.option("--organisation", default=DEFAULT_ISSUER, show_default=True, help="Organisation in both certificates.")
@click.option("--name", "common_name", default="Semnătură certificate (demonstrativ)", show_default=True,
              help="Common name of the signing certificate.")
@click.option("--password-env", default=DEFAULT_PASSWORD_ENV, show_default=True,
              help="NAME of the environment variable holding the new keys' password (else you are asked).")
@pass_app
def keygen(app: AppContext, out: Path, organisation: str, common_name: str, password_env: str) -> None:
    """Make a self-signed demo root and a signing key (PKCS#12) for trials — not for real certificates."""
    from cooperare.certificates.keygen import make_demo_keys

    keys = make_demo_keys(out, password=signing_password(password_env, confirm=True), organisation=organisation,
                          common_name=common_name)
    app.say(f"Root certificate (give it to verifiers): {keys.root_certificate}")
    app.say(f"Root key (mode 0600): {keys.root_key}")
    app.say(f"Signing key and certificate, PKCS#12 (mode 0600): {keys.pkcs12}")
    app.say("In cooperare.yaml:", style="dim")
    app.say(f"  certificates:\n    signing:\n      pkcs12: {keys.pkcs12}\n      trust_root: {keys.root_certificate}"
            f"\n      password_env: {password_env}", style="dim")
