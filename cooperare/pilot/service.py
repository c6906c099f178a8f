"""The pilot report in one call the CLI and the demo share: read Moodle's activity counts for the training courses
(``local_cooperare_describe_courses`` once for their ids, then ``local_cooperare_get_activity_counts`` once per course
per 1,000 people, the months of the report as its periods) and the store (roster, certificates, consultation contributions, diagnostic, event attendance),
build the report, write it as PDF or XLSX. Journaled as a run. Must not print.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from cooperare.certificates.fonts import FontPair
from cooperare.config.events import AttendanceRule, Event
from cooperare.config.pilot import PilotConfig
from cooperare.consultation_bridge.register import author_hash
from cooperare.courses.catalogue import Catalogue
from cooperare.courses.identity import course_idnumber
from cooperare.diagnostic.responses import Response
from cooperare.errors import ConfigError
from cooperare.events.attendance import attended, present_minutes
from cooperare.moodle.client import MoodleClient
from cooperare.pilot.report import Dated, PilotInputs, PilotReport, build_pilot_report, month_starts
from cooperare.store import Store
from cooperare.store.certificates import CertificateRegistry
from cooperare.store.diagnostic import DiagnosticResponses
from cooperare.store.events import EventAttendance
from cooperare.store.people import People, PersonRecord
from cooperare.store.schema import consultation_contributions


def _diagnostic(store: Store) -> dict[int, dict[str, float | None]]:
    """The latest overall score per commune and wave, when the store holds diagnostic responses: each response
    scored with the shipped instrument version it answered. Two waves of a commune answered on different versions
    are not compared: the change (``comparable`` false) is left out of the report."""
    from cooperare.diagnostic.instrument import load_shipped, shipped_versions
    from cooperare.diagnostic.scoring import score_response

    versions = set(shipped_versions())
    latest: dict[tuple[int, str], Response] = {}
    for response in DiagnosticResponses(store.engine).all():
        if response.version not in versions:
            continue
        key = (response.siruta, response.wave)
        if key not in latest or response.submitted_at >= latest[key].submitted_at:
            latest[key] = response
    scores: dict[int, dict[str, float | None]] = {}
    answered_on: dict[int, set[str]] = {}
    for (siruta, wave), response in latest.items():
        scores.setdefault(siruta, {})[wave] = score_response(load_shipped(response.version), response).overall
        answered_on.setdefault(siruta, set()).add(response.version)
    for siruta, used in answered_on.items():
        if len(used) > 1:
            scores[siruta]["comparable"] = None  # marks the waves as not comparable (see build_pilot_report)
    return scores


def _contributions(store: Store, people: Sequence[PersonRecord]) -> tuple[list[tuple[str, datetime]], list[Dated]]:
    """Consultation contributions (duplicates left out), each attributed to the roster person whose e-mail hashes to
    its ``author_hash`` (the register keeps the hash, never the address), else kept with its author's text."""
    t = consultation_contributions.c
    with store.engine.connect() as conn:
        rows = list(conn.execute(select(t.consultation_id, t.author, t.author_hash, t.submitted_at)
                                 .where(t.duplicate_of.is_(None))))
    hashes: dict[str, dict[str, str]] = {}
    unattributed: list[tuple[str, datetime]] = []
    attributed: list[Dated] = []
    for row in rows:
        when = row.submitted_at if row.submitted_at.tzinfo else row.submitted_at.replace(tzinfo=UTC)
        known = hashes.get(row.consultation_id)
        if known is None:
            known = hashes[row.consultation_id] = {author_hash(p.email, consultation_id=row.consultation_id): p.key
                                                   for p in people if p.email}
        person = known.get(row.author_hash or "")
        if person is not None:
            attributed.append(Dated(person, when))
        else:
            unattributed.append((str(row.author or ""), when))
    return unattributed, attributed


def gather(client: MoodleClient, store: Store, *, config: PilotConfig, catalogue: Catalogue,
           events: Sequence[Event], rule: AttendanceRule, now: datetime) -> PilotInputs:
    idnumbers = [course_idnumber(catalogue.prefix, c.key) for _, c in catalogue.courses()]
    courses = client.course_content.describe(idnumbers)
    starts = month_starts(now, config.months)
    activity = {c.id: client.reports.activity_counts(c.id, timefrom=starts[0], timeto=int(now.timestamp()),
                                                     periods=starts) for c in courses}
    certificates = [Dated(c.person_key, c.issued_at if c.issued_at.tzinfo else c.issued_at.replace(tzinfo=UTC))
                    for c in CertificateRegistry(store.engine).all(status="valid")]
    register = EventAttendance(store.engine)
    present = [Dated(a.person_key, event.starts_at) for event in events if event.id in register.event_ids()
               for a in register.attendance(event.id)
               if a.kind == "roster" and attended(present_minutes(a.intervals, event, rule), event, rule)]
    people = People(store.engine).all()
    unattributed, attributed = _contributions(store, people)
    return PilotInputs(people, activity, certificates, present, unattributed, _diagnostic(store),
                       contributions_by=attributed)


def pilot_report(client: MoodleClient, store: Store, *, config: PilotConfig, catalogue: Catalogue,
                 events: Sequence[Event], rule: AttendanceRule, now: datetime | None = None,
                 command: str = "pilot report") -> PilotReport:
    if not config.city_halls:
        raise ConfigError("no pilot city halls configured",
                          hint="add pilot: {city_halls: [{commune: …, county: SV}, …]} to cooperare.yaml")
    moment = now or datetime.now(UTC)
    with store.runs.recording(command, ws_calls=lambda: client.transport.stats.calls,
                              detail={"city_halls": len(config.city_halls)}):
        inputs = gather(client, store, config=config, catalogue=catalogue, events=events, rule=rule, now=moment)
        return build_pilot_report(config.city_halls, inputs, now=moment, months=config.months)


def write_pilot(report: PilotReport, out: Path, *, fmt: str, fonts: FontPair | None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        from cooperare.reports.pilot_pdf import write_pilot_pdf

        assert fonts is not None
        write_pilot_pdf(report, out, fonts=fonts)
    else:
        from cooperare.reports.tabular import write_tables_xlsx

        write_tables_xlsx(report.tables, out)
