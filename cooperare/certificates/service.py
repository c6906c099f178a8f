"""The certificates workflow in two calls per action, as courses and roster have it: ``plan_issue``/``apply_issue``,
``plan_reissue``/``apply_reissue``, ``plan_revoke``/``apply_revoke``, ``plan_deliver``/``apply_deliver``,
``read_status`` (where each trainee stands, read only), ``publish_site``, ``issue_missing_badges`` and ``verify``;
the CLI and the demo both call these.

A plan is data (:class:`~cooperare.plan.Plan`: one ``create`` per certificate to issue, ``update`` for a
certificate to revoke or replace, ``noop`` for a holder) made by reading the registry and, for an issue, Moodle's
completion and grades; it changes nothing. Its ``state_fingerprint`` is the registry state it was computed from, so
the matching ``apply_*`` refuses it when the registry changed since (a certificate issued, revoked or replaced in
between). ``apply_*`` does what the plan says, journaled as one run in the store (``store.runs.recording``): issue,
sign and register, rewrite the track's ZIP, the Open Badges credentials and the signed status list, deliver as asked
(Moodle message, Moodle private files), then publish the verification site again (its own ``certificates publish``
run): into ``certificates.publish_dir`` when it is set, and into Moodle when ``verify_url`` is the page local_cooperare
serves on the site the caller's client talks to (a site with only Moodle), so the page never lags the registry. Everything that can be checked without Moodle (verification
URL, signatory, signing key and its password) is checked before the first web-service call. This module must not
print, prompt or read passwords from anywhere: the caller brings the password and shows the outcomes. PDF, signing
and Open Badges libraries are imported only when a function needs them, so importing it stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooperare.certificates.assess import TrackAssessment, assess_track
from cooperare.certificates.serials import grouped, parse_serial
from cooperare.certificates.trainees import Trainee, from_people
from cooperare.config.certificates import CertificatesConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import CertificateError, CooperareError
from cooperare.moodle.client import MoodleClient
from cooperare.plan import Change, Plan, fingerprint
from cooperare.secrets import Secret
from cooperare.store import JournalEntry, Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry
from cooperare.store.people import People

if TYPE_CHECKING:
    from cooperare.certificates.badges import BadgeIssuing
    from cooperare.certificates.deliver import FileOutcome, MessageOutcome
    from cooperare.certificates.issue import IssueOutcome, Issuing
    from cooperare.certificates.publish import PublishedSite
    from cooperare.certificates.verify import Verification


# -- configuration, checked before Moodle ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadyToSign:
    """An :class:`~cooperare.certificates.issue.Issuing` whose settings, key and password were checked."""

    issuing: Issuing
    signer: str
    """The signing certificate's subject."""


def check_issue_settings(config: CertificatesConfig) -> None:
    """Refuse, naming the setting, what issuing would stop on later: signatory, verification URL, signing key."""
    from cooperare.certificates.issue import check_ready

    check_ready(config)
    if config.signing.pkcs12 is None:
        raise CertificateError("no signing key configured",
                               hint="set certificates.signing.pkcs12 (for trials: `cooperare certificates "
                                    "keygen` makes one)")


def open_issuing(config: CertificatesConfig, *, catalogue: Catalogue, password: Secret,
                 today: date | None = None) -> ReadyToSign:
    """Check the settings, open the signing key (a wrong password stops here) and the Open Badges key; no Moodle."""
    from cooperare.certificates.issue import Issuing
    from cooperare.certificates.production import Producer
    from cooperare.certificates.signing import SignatureDetails

    check_issue_settings(config)
    assert config.signing.pkcs12 is not None  # checked above
    signatory = config.signatory
    producer = Producer(pkcs12=config.signing.pkcs12, password=password, font=config.font,
                        font_bold=config.font_bold, signature_image=signatory.image if signatory else None,
                        details=SignatureDetails())
    subject = producer.check()
    extra: dict[str, Any] = {} if today is None else {"today": today}
    issuing = Issuing(catalogue=catalogue, config=config, output=config.output, producer=producer,
                      workers=config.workers, badges=open_badges(config, password=password), **extra)
    return ReadyToSign(issuing, subject)


def open_badges(config: CertificatesConfig, *, password: Secret) -> BadgeIssuing:
    """What writes the Open Badges credentials and the status list, with the PDF signing key."""
    from cooperare.certificates.badges import BadgeIssuing, IssuerKey

    pkcs12 = config.signing.pkcs12
    if pkcs12 is None or config.verify_url is None:
        raise CertificateError("Open Badges credentials need certificates.signing.pkcs12 and "
                               "certificates.verify_url")
    return BadgeIssuing(key=IssuerKey.load(pkcs12, password=password), issuer=config.issuer,
                        issuer_url=config.issuer_url, verify_url=config.verify_url, output=config.output)


def has_status_list(config: CertificatesConfig) -> bool:
    """Whether Open Badges credentials were issued into ``config.output`` (then a revocation re-signs the list)."""
    from cooperare.certificates.badges import STATUS_LIST_FILE

    return (config.output / STATUS_LIST_FILE).is_file()


# -- status ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackStatus:
    """Where the trainees of one track stand, and the track's target."""

    assessment: TrackAssessment
    name: str
    target: int

    @property
    def track(self) -> str:
        return self.assessment.track

    @property
    def certified(self) -> int:
        return len(self.assessment.holders)

    @property
    def eligible(self) -> int:
        return len(self.assessment.eligible)

    @property
    def missing(self) -> int:
        return len(self.assessment.verdicts) - self.eligible

    def as_json(self) -> dict[str, Any]:
        """Per person: certified (with the serial), eligible, or what is missing; and the counts."""
        assessment = self.assessment
        people: list[dict[str, Any]] = [
            {"key": key, "name": record.name, "state": "certified", "serial": grouped(record.serial), "missing": []}
            for key, record in sorted(assessment.holders.items())
        ]
        people += [{"key": v.trainee.key, "name": v.trainee.fullname,
                    "state": "eligible" if v.eligible else "missing", "serial": None, "missing": list(v.missing)}
                   for v in assessment.verdicts]
        return {"track": self.track, "target": self.target, "source": assessment.source,
                "certified": self.certified, "eligible": self.eligible, "missing": self.missing, "people": people}


@dataclass(frozen=True)
class StatusReport:
    tracks: tuple[TrackStatus, ...]
    ws_calls: int
    """Web-service calls made to read it."""

    def as_json(self) -> dict[str, Any]:
        return {"tracks": [track.as_json() for track in self.tracks]}


def read_status(client: MoodleClient, *, store: Store, catalogue: Catalogue, config: CertificatesConfig,
                tracks: Sequence[str]) -> StatusReport:
    """Per track, who holds a certificate, who is eligible and what the others miss; reads Moodle (grades once per
    course, completion for the people not yet certified) and the store, and changes nothing."""
    people, registry = People(store.engine), CertificateRegistry(store.engine)
    calls = client.transport.stats.calls
    found = []
    for track in tracks:
        assessment = assess_track(client, people=people, registry=registry, catalogue=catalogue, config=config,
                                  track=track)
        info = catalogue.track(track)
        found.append(TrackStatus(assessment, info.name, info.target))
    return StatusReport(tuple(found), client.transport.stats.calls - calls)


# -- issue -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuePlan:
    """Per track: who holds a certificate, who would get one now, who still misses something; and the plan."""

    assessments: tuple[TrackAssessment, ...]
    plan: Plan

    def recipients(self, track: str) -> list[Trainee]:
        """The trainees of ``track`` who would get a certificate now."""
        return [v.trainee for a in self.assessments if a.track == track for v in a.eligible]


@dataclass(frozen=True)
class TrackIssued:
    """What ``apply_issue`` did for one track."""

    assessment: TrackAssessment
    outcome: IssueOutcome
    archive: Path
    messages: MessageOutcome | None = None
    files: FileOutcome | None = None

    @property
    def track(self) -> str:
        return self.assessment.track

    @property
    def already(self) -> int:
        """Trainees of the track who held a valid certificate before this run."""
        return len(self.assessment.holders) + self.outcome.already


@dataclass(frozen=True)
class IssueResult:
    tracks: tuple[TrackIssued, ...]
    run_id: int
    published: PublishedSite | None = None
    """The verification site published again (certificates.publish_dir set and something issued)."""
    in_moodle: MoodleRepublished | None = None
    """The site published again into Moodle (verify_url is the Moodle page and something issued)."""

    @property
    def issued(self) -> list[CertificateRecord]:
        return [record for t in self.tracks for record in t.outcome.issued]


def issue_address(track: str, person_key: str) -> str:
    return f"certificate[{track}][{person_key}]"


def plan_issue(client: MoodleClient, *, store: Store, catalogue: Catalogue, config: CertificatesConfig,
               tracks: Sequence[str], dry_run: bool = False) -> IssuePlan:
    """Read the trainees, the registry and Moodle's completion and grades for ``tracks``; change nothing.

    Unless ``dry_run``, the settings issuing needs are checked first, so a missing one costs no web-service call."""
    if not dry_run:
        check_issue_settings(config)
    people, registry = People(store.engine), CertificateRegistry(store.engine)
    calls = client.transport.stats.calls
    assessments = tuple(assess_track(client, people=people, registry=registry, catalogue=catalogue, config=config,
                                     track=track) for track in tracks)
    plan = Plan(scope="certificates issue", state_fingerprint=_registry_state(registry, tracks))
    for assessment in assessments:
        for key, record in sorted(assessment.holders.items()):
            plan.add(Change(issue_address(assessment.track, key), "noop", {"serial": grouped(record.serial)},
                            {"serial": grouped(record.serial)}, group=assessment.track))
        for verdict in assessment.eligible:
            plan.add(Change(issue_address(assessment.track, verdict.trainee.key), "create", None,
                            {"name": verdict.trainee.fullname}, group=assessment.track))
        if assessment.source == "moodle":
            plan.notes.append(f"{assessment.track}: trainees read from the students of the track's Moodle course "
                              "(no roster snapshot in the store)")
    plan.ws_calls = client.transport.stats.calls - calls
    return IssuePlan(assessments, plan)


def apply_issue(client: MoodleClient, store: Store, planned: IssuePlan, *, issuing: Issuing, messages: bool = False,
                files: bool = False, command: str = "certificates issue",
                on_track: Callable[[TrackIssued], None] | None = None) -> IssueResult:
    """Issue, sign and register the certificates ``planned`` says, write each track's ZIP and deliver as asked,
    journaled as one run; then publish the verification site again when certificates.publish_dir is set.

    A plan computed before the registry changed is refused. With nothing to issue the run is recorded and nothing
    else happens. ``on_track`` is called after each track (the CLI reports as it goes)."""
    from cooperare.certificates.deliver import deliver_files, require_file_delivery, send_messages, zip_track
    from cooperare.certificates.issue import issue_track

    registry = CertificateRegistry(store.engine)
    tracks = [a.track for a in planned.assessments]
    planned.plan.check_fresh(_registry_state(registry, tracks))
    due = planned.plan.has_changes
    if files and due:
        require_file_delivery(client)  # before anything is signed
    done: list[TrackIssued] = []
    with store.runs.recording(command, detail={"tracks": tracks},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        run.detail = {"tracks": [{"track": track, "issued": 0} for track in tracks]}
        if not due:
            return IssueResult((), run.id)
        for assessment in planned.assessments:
            outcome = issue_track(assessment.verdicts, track=assessment.track, registry=registry, issuing=issuing)
            archive = zip_track(registry.all(track=assessment.track), output=issuing.output, track=assessment.track)
            issued = list(outcome.issued)
            told = send_messages(client, issued, store=store, run_id=run.id) if issued and messages else None
            put = (deliver_files(client, issued, store=store, run_id=run.id, output=issuing.output)
                   if issued and files else None)
            result = TrackIssued(assessment, outcome, archive, told, put)
            done.append(result)
            run.detail = {"tracks": [{"track": t.track, "issued": len(t.outcome.issued)} for t in done]}
            if on_track is not None:
                on_track(result)
    if not any(t.outcome.issued for t in done):
        return IssueResult(tuple(done), run.id)
    again = republish(store, issuing.config, ws_calls=lambda: client.transport.stats.calls, client=client)
    return IssueResult(tuple(done), run.id, again.site, again.in_moodle)


# -- reissue -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReissuePlan:
    """The certificate to replace, why, the person's current data (from the roster snapshot, if there), the plan."""

    old: CertificateRecord
    reason: str
    trainee: Trainee | None
    plan: Plan


@dataclass(frozen=True)
class ReissueResult:
    old: CertificateRecord
    new: CertificateRecord
    run_id: int
    published: PublishedSite | None = None
    in_moodle: MoodleRepublished | None = None


def plan_reissue(store: Store, *, serial: str, reason: str) -> ReissuePlan:
    """Check that ``serial`` is a valid certificate and a reason is given; read the person's current data."""
    old = _valid_certificate(store, serial, action="reissued")
    if not reason.strip():
        raise CertificateError("a reissue needs a reason (--reason)")
    person = People(store.engine).get(old.person_key)
    trainees = from_people([person], track=old.track) if person is not None else []
    trainee = trainees[0] if trainees else None
    plan = Plan(scope="certificates reissue", state_fingerprint=_record_state(old))
    plan.add(_status_change(old, status="replaced", reason=reason))
    plan.add(Change(issue_address(old.track, old.person_key), "create", None,
                    {"name": trainee.fullname if trainee else old.name, "replaces": grouped(old.serial)},
                    group=old.track))
    return ReissuePlan(old, reason, trainee, plan)


def apply_reissue(store: Store, planned: ReissuePlan, *, issuing: Issuing, client: MoodleClient | None = None,
                  command: str = "certificates reissue") -> ReissueResult:
    """Make the replacement (new serial, same result), mark the old one replaced, rewrite the track's ZIP, its Open
    Badges credential and the status list, journaled as one run; then publish the verification site again (into
    Moodle too with ``client``, when verify_url is its page)."""
    from cooperare.certificates.deliver import zip_track
    from cooperare.certificates.issue import reissue

    registry = CertificateRegistry(store.engine)
    planned.plan.check_fresh(_record_state(registry.get(planned.old.serial)))
    detail = {"serial": planned.old.serial, "reason": planned.reason}
    with store.runs.recording(command, ws_calls=lambda: 0, detail=detail) as run:
        new = reissue(planned.old.serial, reason=planned.reason, registry=registry, issuing=issuing,
                      trainee=planned.trainee)
        zip_track(registry.all(track=new.track), output=issuing.output, track=new.track)
        run.detail = {**detail, "new": new.serial}
    old = registry.get(planned.old.serial)
    assert old is not None
    again = republish(store, issuing.config, ws_calls=_calls_of(client), client=client)
    return ReissueResult(old, new, run.id, again.site, again.in_moodle)


# -- revoke ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevokePlan:
    record: CertificateRecord
    reason: str
    plan: Plan


@dataclass(frozen=True)
class RevokeResult:
    record: CertificateRecord
    run_id: int
    status_list: Path | None = None
    """The Open Badges status list signed again (when credentials were issued)."""
    published: PublishedSite | None = None
    in_moodle: MoodleRepublished | None = None


def plan_revoke(store: Store, *, serial: str, reason: str) -> RevokePlan:
    """Check that a reason is given and ``serial`` is a valid certificate."""
    if not reason.strip():
        raise CertificateError("a revocation needs a reason (--reason)")
    record = _valid_certificate(store, serial, action="revoked")
    plan = Plan(scope="certificates revoke", state_fingerprint=_record_state(record))
    plan.add(_status_change(record, status="revoked", reason=reason))
    return RevokePlan(record, reason, plan)


def apply_revoke(store: Store, planned: RevokePlan, *, config: CertificatesConfig,
                 badges: BadgeIssuing | None = None, client: MoodleClient | None = None,
                 command: str = "certificates revoke") -> RevokeResult:
    """Revoke the certificate, rewrite its track's ZIP (without it) and, with ``badges``, the signed status list,
    journaled as one run; then publish the verification site again (into Moodle too with ``client``, when
    verify_url is its page)."""
    from cooperare.certificates.deliver import zip_track

    registry = CertificateRegistry(store.engine)
    planned.plan.check_fresh(_record_state(registry.get(planned.record.serial)))
    detail = {"serial": planned.record.serial, "reason": planned.reason}
    with store.runs.recording(command, ws_calls=lambda: 0, detail=detail) as run:
        record = registry.revoke(planned.record.serial, reason=planned.reason)
        zip_track(registry.all(track=record.track), output=config.output, track=record.track)
        status_list = badges.refresh(registry) if badges is not None else None
    again = republish(store, config, ws_calls=_calls_of(client), client=client)
    return RevokeResult(record, run.id, status_list, again.site, again.in_moodle)


# -- publishing again --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoodleRepublished:
    """The verification site published again into Moodle: where it is served, or why it could not be (the registry
    change stands either way; ``certificates publish --moodle`` catches up)."""

    url: str | None
    error: str | None = None


@dataclass(frozen=True)
class Republished:
    site: PublishedSite | None = None
    """The folder written (certificates.publish_dir, or a temporary one only uploaded into Moodle: then None)."""
    in_moodle: MoodleRepublished | None = None


def publishes_into_moodle(config: CertificatesConfig, client: MoodleClient | None) -> bool:
    """Whether verify_url is the page local_cooperare serves on the site ``client`` talks to."""
    from cooperare.certificates.moodle_site import moodle_verify_url

    return (client is not None and config.verify_url is not None
            and config.verify_url == moodle_verify_url(client.transport.url))


def republish(store: Store, config: CertificatesConfig, *, ws_calls: Callable[[], int],
              client: MoodleClient | None = None) -> Republished:
    """Publish the verification site again as its own run: into certificates.publish_dir when it is set, and into
    Moodle when verify_url is the page local_cooperare serves on ``client``'s site (from a temporary folder when no
    publish_dir is set). A failure to publish into Moodle is returned, not raised, and the run is journaled failed."""
    import tempfile

    from cooperare.certificates.moodle_site import publish_to_moodle
    from cooperare.certificates.publish import publish_verification_site

    to_moodle = publishes_into_moodle(config, client)
    if config.publish_dir is None and not to_moodle:
        return Republished()
    with tempfile.TemporaryDirectory(prefix="cooperare-verify-") as scratch:
        folder = config.publish_dir or Path(scratch)
        detail: dict[str, Any] = {"out": str(config.publish_dir) if config.publish_dir else None, "automatic": True}
        site: PublishedSite | None = None
        try:
            with store.runs.recording("certificates publish", detail=detail, ws_calls=ws_calls) as run:
                site = publish_verification_site(store, folder, issuer=config.issuer, badges_from=config.output)
                run.detail = {**detail, "certificates": site.certificates}
                if not to_moodle:
                    return Republished(site)
                assert client is not None
                try:
                    answer = publish_to_moodle(client, folder)
                except CooperareError as error:
                    run.detail = {**run.detail, "moodle_error": str(error)}
                    raise
                run.detail = {**run.detail, "moodle": {k: answer.get(k) for k in
                                                       ("created", "replaced", "unchanged", "deleted", "url")}}
        except CooperareError as error:
            if not to_moodle:
                raise
            return Republished(site if config.publish_dir else None, MoodleRepublished(None, str(error)))
        return Republished(site if config.publish_dir else None, MoodleRepublished(str(answer.get("url"))))


def _calls_of(client: MoodleClient | None) -> Callable[[], int]:
    if client is None:
        return lambda: 0
    stats = client.transport.stats
    return lambda: stats.calls


# -- deliver ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliverPlan:
    """The tracks whose ZIP is written again, whether messages and Moodle private files were asked, and the plan:
    per valid certificate, ``create`` for a message to send or a PDF to put, ``noop`` for one done before (or held:
    a send never confirmed is not repeated, a holder without a Moodle account is skipped)."""

    tracks: tuple[str, ...]
    message: bool
    files: bool
    plan: Plan

    def count(self, track: str, what: str, action: str = "create") -> int:
        """How many changes of ``track`` for ``what`` (``message`` or ``file``) have ``action``."""
        return sum(1 for c in self.plan.changes
                   if c.group == track and c.action == action and c.address.endswith(f".{what}"))


@dataclass(frozen=True)
class TrackDelivered:
    """What ``apply_deliver`` did for one track."""

    track: str
    certificates: int
    """Valid certificates of the track (all of them in its ZIP)."""
    archive: Path
    messages: MessageOutcome | None = None
    files: FileOutcome | None = None


@dataclass(frozen=True)
class DeliverResult:
    tracks: tuple[TrackDelivered, ...]
    run_id: int


def deliver_address(serial: str, what: str) -> str:
    """``certificate[7K2M-9QXD-4TBW-H0RC].message`` or ``….file``."""
    return f"certificate[{grouped(serial)}].{what}"


def plan_deliver(store: Store, *, tracks: Sequence[str], message: bool, files: bool) -> DeliverPlan:
    """What delivering the valid certificates of ``tracks`` would do, read from the registry and the journal (no
    Moodle call, nothing changed)."""
    changes = _deliver_changes(store, tracks=tracks, message=message, files=files)
    plan = Plan(scope="certificates deliver", changes=changes,
                state_fingerprint=_deliver_state(store, tracks=tracks, changes=changes))
    for track in tracks:
        plan.notes.append(f"{track}: the ZIP of its valid certificates is written again")
    return DeliverPlan(tuple(tracks), message, files, plan)


def apply_deliver(client: MoodleClient | None, store: Store, planned: DeliverPlan, *, output: Path,
                  command: str = "certificates deliver",
                  on_track: Callable[[TrackDelivered], None] | None = None) -> DeliverResult:
    """Write each track's ZIP again and send the messages and put the PDFs the plan says (each never twice: the
    journal is read again when sending), journaled as one run. A plan made before the registry or the delivery
    journal changed is refused; without the plugin's file function nothing is sent. ``client`` may be None only
    when neither messages nor files were asked."""
    from cooperare.certificates.deliver import deliver_files, require_file_delivery, send_messages, zip_track

    changes = _deliver_changes(store, tracks=planned.tracks, message=planned.message, files=planned.files)
    planned.plan.check_fresh(_deliver_state(store, tracks=planned.tracks, changes=changes))
    if client is None and (planned.message or planned.files):
        raise CertificateError("delivering messages or files needs a Moodle site (site: in cooperare.yaml)")
    if client is not None and any(c.action == "create" and c.address.endswith(".file") for c in changes):
        require_file_delivery(client)  # before anything is sent
    registry = CertificateRegistry(store.engine)
    done: list[TrackDelivered] = []
    detail = {"tracks": list(planned.tracks), "message": planned.message, "files": planned.files}
    with store.runs.recording(command, detail=detail,
                              ws_calls=lambda: client.transport.stats.calls if client is not None else 0) as run:
        for track in planned.tracks:
            records = registry.all(track=track, status="valid")
            archive = zip_track(records, output=output, track=track)
            told = put = None
            if client is not None and planned.message:
                told = send_messages(client, records, store=store, run_id=run.id)
            if client is not None and planned.files:
                put = deliver_files(client, records, store=store, run_id=run.id, output=output)
            result = TrackDelivered(track, len(records), archive, told, put)
            done.append(result)
            if on_track is not None:
                on_track(result)
    return DeliverResult(tuple(done), run.id)


def _deliver_changes(store: Store, *, tracks: Sequence[str], message: bool, files: bool) -> list[Change]:
    from cooperare.certificates.deliver import FILES_SCOPE, MESSAGE_SCOPE, file_address, message_address

    registry = CertificateRegistry(store.engine)
    sent = store.journal.by_address(MESSAGE_SCOPE) if message else {}
    placed = store.journal.by_address(FILES_SCOPE) if files else {}
    changes: list[Change] = []
    for track in tracks:
        for record in registry.all(track=track, status="valid"):
            if message:
                changes.append(_message_change(record, sent.get(message_address(record), [])))
            if files:
                changes.append(_file_change(record, placed.get(file_address(record), [])))
    return changes


def _message_change(record: CertificateRecord, history: Sequence[JournalEntry]) -> Change:
    address = deliver_address(record.serial, "message")
    if record.moodle_user_id is None:
        return Change(address, "noop", group=record.track, note=f"{record.name}: no Moodle account")
    if any(entry.phase == "done" for entry in history):
        return Change(address, "noop", {"sent": True}, {"sent": True}, group=record.track, note=record.name)
    if any(entry.phase == "begun" for entry in history):
        return Change(address, "noop", {"sent": None}, {"sent": None}, group=record.track,
                      note=f"{record.name}: an earlier send was never confirmed; not sent again")
    return Change(address, "create", None, {"touserid": record.moodle_user_id}, group=record.track,
                  note=record.name)


def _file_change(record: CertificateRecord, history: Sequence[JournalEntry]) -> Change:
    address = deliver_address(record.serial, "file")
    if record.moodle_user_id is None:
        return Change(address, "noop", group=record.track, note=f"{record.name}: no Moodle account")
    if any(e.phase == "done" and (e.payload or {}).get("sha256") == record.sha256 for e in history):
        return Change(address, "noop", {"sha256": record.sha256}, {"sha256": record.sha256}, group=record.track,
                      note=record.name)
    lost = any(entry.phase == "begun" for entry in history)
    return Change(address, "create", None, {"userid": record.moodle_user_id, "sha256": record.sha256},
                  group=record.track,
                  note=f"{record.name}: sent again (an earlier answer was lost)" if lost else record.name)


def _deliver_state(store: Store, *, tracks: Sequence[str], changes: Sequence[Change]) -> str:
    """The registry's certificates of ``tracks`` and what the journal says was delivered: a deliver plan's state."""
    return fingerprint([CertificateRegistry(store.engine).statuses(tracks=tracks),
                        [(c.address, c.action, c.note) for c in changes]])


# -- publishing, Open Badges -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    site: PublishedSite
    run_id: int
    moodle: dict[str, Any] | None = None
    """The plugin's answer when the site was also published into Moodle (counts of files, url)."""


def publish_site(store: Store, config: CertificatesConfig, *, out: Path, client: MoodleClient | None = None,
                 command: str = "certificates publish", automatic: bool = False) -> PublishResult:
    """Write the verification site (page and encrypted registry, the Open Badges status list and key set) into
    ``out`` and, with ``client``, into the Moodle site (local_cooperare 0.4.0+), journaled as one run."""
    from cooperare.certificates.publish import publish_verification_site

    detail: dict[str, Any] = {"out": str(out), **({"automatic": True} if automatic else {})}
    with store.runs.recording(command, detail=detail,
                              ws_calls=lambda: client.transport.stats.calls if client is not None else 0) as run:
        site = publish_verification_site(store, out, issuer=config.issuer, badges_from=config.output)
        run.detail = detail = {**detail, "certificates": site.certificates, "entries": site.entries}
        answer = None
        if client is not None:
            from cooperare.certificates.moodle_site import publish_to_moodle

            answer = publish_to_moodle(client, out)
            run.detail = {**detail, "moodle": {key: answer.get(key) for key in
                                               ("created", "replaced", "unchanged", "deleted", "url")}}
    return PublishResult(site, run.id, answer)


def issue_missing_badges(store: Store, *, config: CertificatesConfig, tracks: Sequence[str],
                         badges: BadgeIssuing) -> list[Path]:
    """The Open Badges credential of every valid certificate of ``tracks`` that has none yet in
    ``config.output`` (issued before they existed, or by an interrupted run); re-signs the status list and key set.
    Existing credentials are kept."""
    from cooperare.certificates.badges import credential_paths

    registry = CertificateRegistry(store.engine)
    wanted = set(tracks)
    missing = [record for record in registry.all(status="valid")
               if record.track in wanted and not credential_paths(record, config.output)[1].exists()]
    return badges.issue(missing, registry=registry)


# -- verify ------------------------------------------------------------------------------------------------------


def verify(store: Store, config: CertificatesConfig, *, data: bytes | None = None,
           serial: str | None = None, site: str | None = None) -> Verification:
    """Check a signed PDF or an Open Badges credential (``data``: signature, trust root, registry, status), or a
    serial in the registry; a credential is checked with the key set and status list in ``config.output``, or with
    those the published verification site ``site`` (a folder or an http(s) address) serves."""
    from cooperare.certificates.badges import looks_like_badge
    from cooperare.certificates.verify import load_trust_root, verify_pdf, verify_serial

    registry = CertificateRegistry(store.engine)
    if data is None:
        return verify_serial(serial or "", registry=registry)
    if looks_like_badge(data):
        return _verify_badge(data, config=config, registry=registry, site=site)
    return verify_pdf(data, registry=registry, trust_root=load_trust_root(config.signing.trust_root))


def _verify_badge(data: bytes, *, config: CertificatesConfig, registry: CertificateRegistry,
                  site: str | None = None) -> Verification:
    from cryptography import x509

    from cooperare.certificates.badges import JWKS_FILE, STATUS_LIST_FILE, published_file, verify_badge

    root_path = config.signing.trust_root
    if root_path is None:
        raise CertificateError("no trust root configured", hint="set certificates.signing.trust_root")
    if site is not None:
        jwks = published_file(site, JWKS_FILE)
        if jwks is None:
            raise CertificateError(f"the verification site {site} publishes no {JWKS_FILE}",
                                   hint="publish it again: cooperare certificates publish")
        status_list = published_file(site, STATUS_LIST_FILE)
    else:
        jwks_path, list_path = config.output / JWKS_FILE, config.output / STATUS_LIST_FILE
        if not jwks_path.is_file():
            raise CertificateError(f"the issuer's key set {jwks_path} is missing",
                                   hint="it is written when credentials are issued; copy it from the verification "
                                        "site, or give --site")
        jwks, status_list = jwks_path.read_bytes(), list_path.read_bytes() if list_path.is_file() else None
    try:
        root = x509.load_pem_x509_certificate(root_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise CertificateError(f"cannot read the trust root {root_path}: {exc}") from None
    return verify_badge(data, trust_root=root, jwks=jwks, registry=registry, status_list=status_list)


# -- helpers -----------------------------------------------------------------------------------------------------


def _valid_certificate(store: Store, serial: str, *, action: str) -> CertificateRecord:
    canonical = parse_serial(serial)
    record = CertificateRegistry(store.engine).get(canonical)
    if record is None:
        raise CertificateError(f"there is no certificate {grouped(canonical)} in the registry")
    if record.status != "valid":
        raise CertificateError(f"certificate {grouped(canonical)} is {record.status}; only a valid certificate can "
                               f"be {action}")
    return record


def _status_change(record: CertificateRecord, *, status: str, reason: str) -> Change:
    return Change(f"certificate[{grouped(record.serial)}]", "update",
                  {"status": record.status, "reason": record.reason},
                  {"status": status, "reason": reason}, group=record.track, note=record.name)


def _record_state(record: CertificateRecord | None) -> str:
    if record is None:
        return fingerprint(None)
    return fingerprint([record.serial, record.status, record.sha256, record.replaced_by])


def _registry_state(registry: CertificateRegistry, tracks: Sequence[str]) -> str:
    """Which certificates of ``tracks`` the registry holds and their status: what an issue plan depends on."""
    return fingerprint(registry.statuses(tracks=tracks))
