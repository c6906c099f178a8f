"""Delivery of issued certificates: a ZIP per track, and optionally a Moodle message and the PDF in Moodle.

:func:`zip_track` packs the valid certificates of a track (replaced and revoked ones are left out) into
``<output>/<track>.zip``, rewritten whole each time. :func:`send_messages` tells each certified trainee, by a Moodle
instant message from the token's user, that the certificate is issued, with its serial and verification link. It is
idempotent through the journal: each message is journaled before it is sent and closed after, so a re-run sends only
what was never sent; a message whose answer was lost (begun, never closed) is not re-sent blindly but reported.

:func:`deliver_files` puts each certificate's PDF into the trainee's Moodle private files (folder
``/Certificate/``): uploaded through ``webservice/upload.php`` into a draft area of the token's user, then moved by
the plugin function ``local_cooperare_add_user_files``, with the Open Badges credential (``.json``) next to it when one
was issued — core Moodle cannot do it (``core_user_add_user_private_files``
writes into the *token's* user's own files, and no core function writes into somebody else's). Without that
function it refuses, naming it (:func:`require_file_delivery`). A re-run is cheap: a certificate whose delivery the
journal records as done for the same SHA-256 is skipped without uploading anything. A delivery whose answer was
lost is simply sent again: the plugin reports a file already there with the same content as ``unchanged``.
This module must not render or sign.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cooperare.certificates.render import ro_date, verification_link
from cooperare.certificates.serials import grouped
from cooperare.errors import CertificateError, MissingCapability, MoodleError, ResponseLost
from cooperare.moodle.client import ADD_USER_FILES, MoodleClient
from cooperare.store import JournalEntry, Store
from cooperare.store.certificates import CertificateRecord

MESSAGE_SCOPE = "certificates.message"
MESSAGE_BATCH = 50
"""Messages per web-service call (each is journaled on its own)."""

FILES_SCOPE = "certificates.file"
FILES_FUNCTION = ADD_USER_FILES
FILES_FOLDER = "/Certificate/"
"""Folder of the trainee's Moodle private files that receives the PDF."""
FILES_BATCH = 20
"""Certificates uploaded, then placed by one plugin call (each is journaled on its own)."""
ITEM_ERRORS = frozenset({"invalidparameter", "userfileexists", "maxareabytes", "useradmineditadmin"})
"""Error codes of the plugin that concern one item (a deleted account, a full quota...), not the whole call."""


@dataclass(frozen=True)
class MessageOutcome:
    sent: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    uncertain: tuple[str, ...] = ()
    """Serials whose earlier send was begun but never confirmed (check in Moodle before re-sending)."""
    failed: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    no_account: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileOutcome:
    delivered: tuple[str, ...] = ()
    """Serials whose PDF was put into the trainee's private files now (created, or replacing another file)."""
    unchanged: tuple[str, ...] = ()
    """Serials sent again whose file Moodle already held (an earlier answer was lost)."""
    already: tuple[str, ...] = ()
    """Serials the journal records as delivered with the same SHA-256: nothing uploaded."""
    failed: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    no_account: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    """Among ``delivered``: serials whose file replaced a different file of the same name."""


def zip_track(records: Sequence[CertificateRecord], *, output: Path, track: str) -> Path:
    """Write ``<output>/<track>.zip`` with the PDF of every valid certificate of ``track``."""
    target = output / f"{track}.zip"
    temporary = target.with_name(target.name + ".part")
    chosen = sorted((r for r in records if r.track == track and r.status == "valid" and r.file),
                    key=lambda r: r.file or "")
    try:
        output.mkdir(parents=True, exist_ok=True)  # a first run whose earliest track has nobody eligible yet
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            for record in chosen:
                source = output / (record.file or "")
                if not source.is_file():
                    raise CertificateError(f"the file of certificate {grouped(record.serial)} is missing: {source}",
                                           hint="restore it from a backup, or reissue the certificate")
                archive.write(source, arcname=Path(record.file or "").name)
        temporary.replace(target)
    except OSError as exc:
        raise CertificateError(f"cannot write {target}: {exc.strerror}") from None
    return target


def message_text(record: CertificateRecord) -> str:
    details = record.details or {}
    link = verification_link(details.get("verify_url", ""), record.serial)
    issued = ro_date(record.issued_at.date())
    return (
        f"<p>Bună ziua, {_html(record.name)}!</p>"
        f"<p>Certificatul dumneavoastră de absolvire a programului „{_html(details.get('programme', ''))}” a fost "
        f"emis la {issued}, cu seria <strong>{grouped(record.serial)}</strong>. Îl primiți de la coordonatorul "
        f"programului; autenticitatea lui se poate verifica la <a href=\"{_html(link)}\">{_html(link)}</a>.</p>"
    )


def _holders(records: Sequence[CertificateRecord]) -> tuple[list[CertificateRecord], list[str]]:
    """The valid certificates whose holder has a Moodle account, and the serials of those who have none."""
    valid = [record for record in records if record.status == "valid"]
    return ([r for r in valid if r.moodle_user_id is not None],
            [r.serial for r in valid if r.moodle_user_id is None])


def send_messages(client: MoodleClient, records: Sequence[CertificateRecord], *, store: Store,
                  run_id: int) -> MessageOutcome:
    """Message each certified trainee once (see the module docstring)."""
    done: list[str] = []
    uncertain: list[str] = []
    todo: list[CertificateRecord] = []
    holders, no_account = _holders(records)
    journaled = store.journal.by_address(MESSAGE_SCOPE)
    for record in holders:
        history = journaled.get(message_address(record), [])
        if any(entry.phase == "done" for entry in history):
            done.append(record.serial)
        elif any(entry.phase == "begun" for entry in history):
            uncertain.append(record.serial)
        else:
            todo.append(record)
    sent: list[str] = []
    failed: list[tuple[str, str]] = []
    for start in range(0, len(todo), MESSAGE_BATCH):
        batch = todo[start : start + MESSAGE_BATCH]
        entries = [store.journal.begin(run_id, scope=MESSAGE_SCOPE, address=message_address(record),
                                       action="create", payload={"touserid": record.moodle_user_id, "serial": record.serial})
                   for record in batch]
        payloads = [{"touserid": r.moodle_user_id, "text": message_text(r), "clientmsgid": r.serial} for r in batch]
        try:
            results = client.messages.send(payloads)
        except ResponseLost:
            raise  # they may have been sent: the entries stay begun, are reported, and are never re-sent blindly
        except MoodleError as error:
            for entry in entries:
                store.journal.failed(entry, error)
            raise
        for record, entry, result in zip(batch, entries, results, strict=True):
            if result.sent:
                store.journal.done(entry, {"msgid": result.msgid})
                sent.append(record.serial)
            else:
                store.journal.failed(entry, result.error or "Moodle refused the message")
                failed.append((record.serial, result.error or "refused"))
    return MessageOutcome(tuple(sent), tuple(done), tuple(uncertain), tuple(failed), tuple(no_account))


def message_address(record: CertificateRecord) -> str:
    """The journal address of the Moodle message telling ``record``'s holder."""
    return f"certificate:{record.serial}:message"


# -- PDF into the trainee's private files ------------------------------------------------------------------------


def require_file_delivery(client: MoodleClient) -> None:
    """Refuse, naming what is missing, unless the site can put files into other users' private files."""
    site = client.site
    if FILES_FUNCTION not in site.functions:
        raise MissingCapability(
            f"putting certificates into the trainees' Moodle private files needs the web-service function "
            f"{FILES_FUNCTION} (plugin local_cooperare 0.2.0 or later), which the token's service does not offer; "
            "core Moodle's core_user_add_user_private_files only writes into the token user's own files",
            hint="install or upgrade local_cooperare (cooperare plugin package --out local_cooperare.zip) and use "
                 "its service 'cooperare', or add the function to the token's service; or turn "
                 "certificates.delivery.moodle_files off and hand out the ZIP per track",
        )
    if not site.upload_files:
        raise MissingCapability(
            "putting certificates into the trainees' Moodle private files needs file upload "
            "(webservice/upload.php), which the token's service does not allow",
            hint="Site administration > Server > Web services > External services: edit the service, "
                 "Show more... > Can upload files",
        )


def deliver_files(client: MoodleClient, records: Sequence[CertificateRecord], *, store: Store, run_id: int,
                  output: Path) -> FileOutcome:
    """Put each valid certificate into its trainee's Moodle private files once (see the module docstring)."""
    already: list[str] = []
    todo: list[CertificateRecord] = []
    holders, no_account = _holders(records)
    journaled = store.journal.by_address(FILES_SCOPE)
    for record in holders:
        history = journaled.get(file_address(record), [])
        if any(e.phase == "done" and (e.payload or {}).get("sha256") == record.sha256 for e in history):
            already.append(record.serial)
        else:
            todo.append(record)
    if todo:
        require_file_delivery(client)
    delivered: list[str] = []
    unchanged: list[str] = []
    replaced: list[str] = []
    failed: list[tuple[str, str]] = []
    for start in range(0, len(todo), FILES_BATCH):
        batch = todo[start : start + FILES_BATCH]
        lost = [entry for record in batch for entry in journaled.get(file_address(record), [])
                if entry.phase == "begun"]
        for record, action, error in _deliver_batch(client, batch, store=store, run_id=run_id, output=output,
                                                    lost=lost):
            if error is not None:
                failed.append((record.serial, error))
            elif action == "unchanged":
                unchanged.append(record.serial)
            else:
                delivered.append(record.serial)
                if action == "replaced":
                    replaced.append(record.serial)
    return FileOutcome(tuple(delivered), tuple(unchanged), tuple(already), tuple(failed), tuple(no_account),
                       tuple(replaced))


def _deliver_batch(client: MoodleClient, batch: Sequence[CertificateRecord], *, store: Store, run_id: int,
                   output: Path, lost: Sequence[JournalEntry]
                   ) -> list[tuple[CertificateRecord, str | None, str | None]]:
    """Upload and place one batch: ``(record, action, error)`` per certificate.

    ``lost`` are the batch's entries an interrupted delivery left begun: closed here, since the batch is sent again
    (which is safe: the plugin reports a file already there with the same content as unchanged).
    """
    contents = [_pdf(record, output) for record in batch]
    badges = {index: found for index, record in enumerate(batch) if (found := _badge(record, output)) is not None}
    for entry in lost:
        store.journal.failed(entry.id, f"no answer received; sent again in run {run_id}")
    entries = [store.journal.begin(run_id, scope=FILES_SCOPE, address=file_address(record), action="create",
                                   payload={"userid": record.moodle_user_id, "serial": record.serial,
                                            "sha256": record.sha256, "filename": _file_name(record)})
               for record in batch]
    try:
        drafts = [client.files.upload_draft(_file_name(record), content, content_type="application/pdf").itemid
                  for record, content in zip(batch, contents, strict=True)]
        drafts += [client.files.upload_draft(name, data, content_type="application/json").itemid
                   for name, data in badges.values()]
        owners = [*batch, *(batch[index] for index in badges)]
        items = [{"userid": record.moodle_user_id, "draftitemid": draft, "filepath": FILES_FOLDER, "overwrite": 1}
                 for record, draft in zip(owners, drafts, strict=True)]
        answers = _place(client, items)
    except ResponseLost:
        raise  # the entries stay begun; a re-run sends them again (the plugin reports unchanged if it happened)
    except MoodleError as error:
        for entry in entries:
            store.journal.failed(entry, error)
        raise
    outcome: list[tuple[CertificateRecord, str | None, str | None]] = []
    for index, answer in zip(badges, answers[len(batch):], strict=True):
        if isinstance(answer, MoodleError) and not isinstance(answers[index], MoodleError):  # else the PDF's says it
            outcome.append((batch[index], None, f"Open Badges credential not delivered: {answer}"))
    for record, entry, content, answer in zip(batch, entries, contents, answers[:len(batch)], strict=True):
        if isinstance(answer, MoodleError):
            store.journal.failed(entry, answer)
            outcome.append((record, None, str(answer)))
        elif answer.get("contenthash") != hashlib.sha1(content).hexdigest():
            mismatch = f"Moodle holds a different file (SHA-1 {answer.get('contenthash')}) after the upload"
            store.journal.failed(entry, mismatch)
            outcome.append((record, None, mismatch))
        else:
            action = str(answer.get("action"))
            store.journal.done(entry, {"action": action, "filepath": answer.get("filepath"),
                                       "filename": answer.get("filename"), "contenthash": answer.get("contenthash")})
            outcome.append((record, action, None))
    return outcome


def _place(client: MoodleClient, items: list[dict[str, Any]]) -> list[dict[str, Any] | MoodleError]:
    """One plugin call for the batch; when it refuses an item (the call is all or nothing), one call per item, so
    that only the bad ones fail. Errors that are not about an item (permissions, transport) are raised."""
    try:
        return list(client.files.add_to_user_private_files(items))
    except MoodleError as error:
        if len(items) == 1 or error.errorcode not in ITEM_ERRORS:
            raise
    answers: list[dict[str, Any] | MoodleError] = []
    for item in items:
        try:
            answers.append(client.files.add_to_user_private_files([item])[0])
        except MoodleError as error:
            if error.errorcode not in ITEM_ERRORS:
                raise
            answers.append(error)
    return answers


def _pdf(record: CertificateRecord, output: Path) -> bytes:
    source = output / (record.file or "")
    if not record.file or not source.is_file():
        raise CertificateError(f"the file of certificate {grouped(record.serial)} is missing: {source}",
                               hint="restore it from a backup, or reissue the certificate")
    data = source.read_bytes()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise CertificateError(f"the file of certificate {grouped(record.serial)} does not match the registry "
                               f"(SHA-256): {source}", hint="restore the issued file from a backup")
    return data


def _badge(record: CertificateRecord, output: Path) -> tuple[str, bytes] | None:
    """The Open Badges credential (``.json``) next to the certificate's PDF, when one was issued."""
    source = (output / (record.file or "")).with_suffix(".json")
    if not record.file or not source.is_file():
        return None
    return source.name, source.read_bytes()


def _file_name(record: CertificateRecord) -> str:
    return Path(record.file or f"{grouped(record.serial)}.pdf").name


def file_address(record: CertificateRecord) -> str:
    """The journal address of ``record``'s PDF put into its holder's Moodle private files."""
    return f"certificate:{record.serial}:file"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
