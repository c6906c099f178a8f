"""Issuing: eligible trainees without a valid certificate → content → signed PDF on disk → registry row.

:func:`issue_track` takes the verdicts of one track, skips everyone already holding a valid certificate (issued
certificates are frozen: a re-run never regenerates them), gives each new certificate a fresh serial, has the
:class:`~cooperare.certificates.production.Producer` render and sign them, writes each PDF atomically under
``<output>/<track>/`` and records it in the registry (file first, then the row, so a registered certificate always
has its file), then, when configured, the Open Badges credentials (:mod:`cooperare.certificates.badges`), which
need the registry rows for their status-list index. :func:`reissue` makes the replacement of one certificate (a
corrected name, say): new serial, same result, the old one marked replaced with the reason. This module must not
read Moodle or print.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooperare.certificates.eligibility import Verdict
from cooperare.certificates.production import Produced, Producer
from cooperare.certificates.render import CertificateContent
from cooperare.certificates.serials import grouped, new_serial
from cooperare.certificates.settings import CertificatesConfig
from cooperare.certificates.trainees import Trainee
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import CertificateError
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

if TYPE_CHECKING:
    from cooperare.certificates.badges import BadgeIssuing

BATCH = 50
"""Registry rows are written in transactions of this many certificates."""


@dataclass(frozen=True)
class IssueOutcome:
    track: str
    issued: tuple[CertificateRecord, ...] = ()
    planned: tuple[Trainee, ...] = ()
    """With ``dry_run``: who would get a certificate."""
    already: int = 0
    """Eligible people skipped because they already hold a valid certificate."""
    not_eligible: int = 0


@dataclass(frozen=True, kw_only=True)
class Issuing:
    """What issuing needs besides the verdicts."""

    catalogue: Catalogue
    config: CertificatesConfig
    output: Path
    producer: Producer
    workers: int = 1
    today: date = field(default_factory=date.today)
    badges: BadgeIssuing | None = None
    """When given, an Open Badges 3.0 credential is written next to each new PDF and the status list rewritten."""


def check_ready(config: CertificatesConfig) -> None:
    """Refuse to issue without the settings every certificate prints."""
    if config.signatory is None:
        raise CertificateError("no signatory configured", hint="set certificates.signatory: {name: …, role: …}")
    if config.verify_url is None:
        raise CertificateError("no verification URL configured",
                               hint="set certificates.verify_url (https://…); the QR code of each certificate "
                                    "points there with the serial")


def issue_track(verdicts: Sequence[Verdict], *, track: str, registry: CertificateRegistry, issuing: Issuing,
                dry_run: bool = False, progress: Callable[[int], None] | None = None) -> IssueOutcome:
    """Issue certificates to the eligible people of ``track`` who have none yet."""
    eligible = [v for v in verdicts if v.eligible]
    holders = registry.valid_for((v.trainee.key for v in eligible), track=track)
    todo = [v for v in eligible if v.trainee.key not in holders]
    base = IssueOutcome(track, already=len(eligible) - len(todo), not_eligible=len(verdicts) - len(eligible))
    if dry_run or not todo:
        return replace(base, planned=tuple(v.trainee for v in todo))
    check_ready(issuing.config)
    contents = [certificate_content(v, catalogue=issuing.catalogue, config=issuing.config, serial=new_serial(),
                                    today=issuing.today) for v in todo]
    folder = issuing.output / track
    folder.mkdir(parents=True, exist_ok=True)
    issued: list[CertificateRecord] = []
    pending: list[CertificateRecord] = []
    for verdict, content, made in zip(todo, contents, issuing.producer.run(contents, workers=issuing.workers),
                                       strict=True):
        pending.append(_record(verdict.trainee, content, made=made, folder=folder, output=issuing.output,
                               grade_percent=verdict.final_grade.percent if verdict.final_grade else None))
        if len(pending) >= BATCH:
            registry.add_many(pending)
            issued += pending
            pending = []
            if progress:
                progress(len(issued))
    registry.add_many(pending)
    issued += pending
    if issuing.badges is not None:
        issuing.badges.issue(issued, registry=registry)
    if progress:
        progress(len(issued))
    return replace(base, issued=tuple(issued))


def reissue(serial: str, *, reason: str, registry: CertificateRegistry, issuing: Issuing,
            trainee: Trainee | None) -> CertificateRecord:
    """Replace certificate ``serial`` with a new one (new serial and date, same result); ``trainee``, when given,
    brings the corrected personal data (from the roster), else the old data is kept."""
    old = registry.get(serial)
    if old is None:
        raise CertificateError(f"there is no certificate {grouped(serial)} in the registry")
    if old.status != "valid":
        raise CertificateError(f"certificate {grouped(serial)} is {old.status}; only a valid certificate can be "
                               "reissued")
    if not reason.strip():
        raise CertificateError("a reissue needs a reason (--reason)")
    check_ready(issuing.config)
    person = trainee or Trainee(old.person_key, old.moodle_user_id or 0, "", old.name, old.email or "", old.track,
                                old.county or "", old.commune or "", old.organisation or "", old.category or "")
    content = replace(content_from_details(old.details), serial=new_serial(), name=person.fullname,
                      issued_on=issuing.today)
    made = next(iter(issuing.producer.run([content], workers=1)))
    folder = issuing.output / old.track
    folder.mkdir(parents=True, exist_ok=True)
    new = _record(person, content, made=made, folder=folder, output=issuing.output, grade_percent=old.grade_percent)
    registry.replace(serial, reason=reason, new=new)
    if issuing.badges is not None:
        issuing.badges.issue([new], registry=registry)  # and the old one's bit set in the status list
    return new


def certificate_content(verdict: Verdict, *, catalogue: Catalogue, config: CertificatesConfig, serial: str,
                        today: date) -> CertificateContent:
    """What the certificate of ``verdict.trainee`` says."""
    track = catalogue.track(verdict.trainee.track)
    programme, course = catalogue.course(track.course)
    settings = catalogue.course_settings(track.course)
    assert config.signatory is not None and config.verify_url is not None  # check_ready ran
    return CertificateContent(
        serial=serial,
        name=verdict.trainee.fullname,
        programme=programme.name,
        course=course.fullname,
        track=track.name,
        hours=settings.hours,
        start=settings.start,
        end=settings.end,
        result=result_text(verdict),
        issued_on=today,
        issuer=config.issuer,
        signatory_name=config.signatory.name,
        signatory_role=config.signatory.role,
        verify_url=config.verify_url,
        project=config.project,
    )


def result_text(verdict: Verdict) -> str:
    grade = verdict.final_grade
    if grade is None:
        return "Admis"
    return (f"Admis – evaluarea finală {_ro_number(grade.raw)} din {_ro_number(grade.maximum)} "
            f"({round(grade.percent)}%)")


def details_of(content: CertificateContent) -> dict[str, Any]:
    """The printed content, as stored with the registry row (for reissues and reports)."""
    return {
        "programme": content.programme, "course": content.course, "track_name": content.track,
        "hours": content.hours, "start": content.start, "end": content.end, "result": content.result,
        "issued_on": content.issued_on, "issuer": content.issuer, "signatory_name": content.signatory_name,
        "signatory_role": content.signatory_role, "verify_url": content.verify_url, "project": content.project,
    }


def content_from_details(details: dict[str, Any]) -> CertificateContent:
    return CertificateContent(
        serial="", name="", programme=details["programme"], course=details["course"], track=details["track_name"],
        hours=int(details["hours"]), start=date.fromisoformat(details["start"]),
        end=date.fromisoformat(details["end"]), result=details["result"],
        issued_on=date.fromisoformat(details["issued_on"]), issuer=details["issuer"],
        signatory_name=details["signatory_name"], signatory_role=details["signatory_role"],
        verify_url=details["verify_url"], project=details.get("project", ""),
    )


def file_name(serial: str, name: str) -> str:
    """``7K2M-9QXD-4TBW-H0RC-stefan-taranu.pdf``: the serial first (unique), then the name without diacritics."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "certificat"
    return f"{grouped(serial)}-{slug}.pdf"


def _record(trainee: Trainee, content: CertificateContent, *, made: Produced, folder: Path, output: Path,
            grade_percent: float | None) -> CertificateRecord:
    path = folder / file_name(content.serial, content.name)
    write_atomically(path, made.pdf)
    return CertificateRecord(
        serial=content.serial, sha256=made.sha256, person_key=trainee.key,
        moodle_user_id=trainee.moodle_user_id or None, name=content.name, email=trainee.email or None,
        track=trainee.track, county=trainee.county or None, commune=trainee.commune or None,
        organisation=trainee.organisation or None, category=trainee.category or None, grade_percent=grade_percent,
        file=path.relative_to(output).as_posix(), issued_at=datetime.now(UTC), details=details_of(content),
    )


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        raise CertificateError(f"cannot write {path}: {exc.strerror}") from None


def _ro_number(value: float) -> str:
    """8.5 → "8,50"; 10.0 → "10" (Romanian decimal comma)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".replace(".", ",")
