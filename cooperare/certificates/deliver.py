"""Delivery of issued certificates: a ZIP per track, and an optional Moodle message to each trainee.

:func:`zip_track` packs the valid certificates of a track (replaced and revoked ones are left out) into
``<output>/<track>.zip``, rewritten whole each time. :func:`send_messages` tells each certified trainee, by a Moodle
instant message from the token's user, that the certificate is issued, with its serial and verification link. It is
idempotent through the journal: each message is journaled before it is sent and closed after, so a re-run sends only
what was never sent; a message whose answer was lost (begun, never closed) is not re-sent blindly but reported.

Putting the PDF into the trainee's Moodle private files is deliberately not offered: core Moodle's
``core_user_add_user_private_files`` moves a draft into the private files of the *token's* user, not of another
user, and no core web service writes into someone else's private files. This module must not render or sign.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cooperare.certificates.render import ro_date, verification_link
from cooperare.certificates.serials import grouped
from cooperare.errors import CertificateError, MoodleError, ResponseLost
from cooperare.moodle.client import MoodleClient
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord

MESSAGE_SCOPE = "certificates.message"
MESSAGE_BATCH = 50
"""Messages per web-service call (each is journaled on its own)."""


@dataclass(frozen=True)
class MessageOutcome:
    sent: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    uncertain: tuple[str, ...] = ()
    """Serials whose earlier send was begun but never confirmed (check in Moodle before re-sending)."""
    failed: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    no_account: tuple[str, ...] = ()


def zip_track(records: Sequence[CertificateRecord], *, output: Path, track: str) -> Path:
    """Write ``<output>/<track>.zip`` with the PDF of every valid certificate of ``track``."""
    target = output / f"{track}.zip"
    temporary = target.with_name(target.name + ".part")
    chosen = sorted((r for r in records if r.track == track and r.status == "valid" and r.file),
                    key=lambda r: r.file or "")
    try:
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


def send_messages(client: MoodleClient, records: Sequence[CertificateRecord], *, store: Store,
                  run_id: int) -> MessageOutcome:
    """Message each certified trainee once (see the module docstring)."""
    done: list[str] = []
    uncertain: list[str] = []
    no_account: list[str] = []
    todo: list[CertificateRecord] = []
    for record in records:
        if record.status != "valid":
            continue
        if record.moodle_user_id is None:
            no_account.append(record.serial)
            continue
        history = store.journal.history(_address(record))
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
        entries = [store.journal.begin(run_id, scope=MESSAGE_SCOPE, address=_address(record), action="create",
                                       payload={"touserid": record.moodle_user_id, "serial": record.serial})
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


def _address(record: CertificateRecord) -> str:
    return f"certificate:{record.serial}:message"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
