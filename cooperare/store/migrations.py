"""Schema versions: an ordered list of small migration functions, applied forward when a store is opened.

Migration *n* (1-based position in :data:`MIGRATIONS`) brings a database from version *n-1* to *n*; its docstring is
recorded in ``schema_version``. All pending migrations run in one transaction under the store-wide lock, so two
programs opening the same store at once never both migrate it, and a failure leaves the previous version intact.
To change the schema, append a function: never edit or reorder one that has shipped, which is why each migration
spells out its own tables instead of reusing :mod:`cooperare.store.schema` (a test checks that the result matches
it). This module must not migrate backwards: a program older than its store refuses to open it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from cooperare.errors import StoreError
from cooperare.store.engine import exclusive, shown, store_errors
from cooperare.store.schema import UTCDateTime, one_of, schema_version
from cooperare.store.values import now

Migration = Callable[[Connection], None]


def runs_and_journal(conn: Connection) -> None:
    """Runs and the apply journal."""
    md = MetaData()
    Table(
        "runs",
        md,
        Column("id", Integer, primary_key=True),
        Column("command", String(200), nullable=False),
        Column("started_at", UTCDateTime, nullable=False),
        Column("finished_at", UTCDateTime),
        Column("outcome", String(16)),
        Column("ws_calls", Integer, nullable=False),
        Column("detail", JSON),
        one_of("outcome", ("ok", "failed", "interrupted")),
    )
    Table(
        "journal",
        md,
        Column("id", Integer, primary_key=True),
        Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
        Column("scope", String(64), nullable=False),
        Column("address", Text, nullable=False),
        Column("action", String(16), nullable=False),
        Column("phase", String(16), nullable=False),
        Column("payload", JSON),
        Column("result", JSON),
        Column("error", Text),
        Column("begun_at", UTCDateTime, nullable=False),
        Column("ended_at", UTCDateTime),
        one_of("action", ("create", "update", "delete")),
        one_of("phase", ("begun", "done", "failed")),
        Index("journal_scope_phase", "scope", "phase"),
        Index("journal_address", "address"),
        Index("journal_run", "run_id"),
    )
    md.create_all(conn)


def roster_people(conn: Connection) -> None:
    """Roster people snapshot."""
    md = MetaData()
    Table(
        "roster_people",
        md,
        Column("key", String(40), primary_key=True),
        Column("idnumber", String(100), nullable=False),
        Column("moodle_user_id", Integer),
        Column("firstname", String(100), nullable=False),
        Column("lastname", String(100), nullable=False),
        Column("email", String(100), nullable=False),
        Column("county", String(2), nullable=False),
        Column("commune", String(120), nullable=False),
        Column("organisation", String(255), nullable=False),
        Column("category", String(40), nullable=False),
        Column("track", String(40), nullable=False),
        Column("status", String(16), nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
        one_of("status", ("active", "suspended")),
        Index("roster_people_track", "track"),
        Index("roster_people_moodle_user", "moodle_user_id"),
    )
    md.create_all(conn)


def certificate_registry(conn: Connection) -> None:
    """The certificate registry."""
    md = MetaData()
    Table(
        "certificates",
        md,
        Column("id", Integer, primary_key=True),
        Column("serial", String(32), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("person_key", String(200), nullable=False),
        Column("moodle_user_id", Integer),
        Column("name", Text, nullable=False),
        Column("email", Text),
        Column("track", String(64), nullable=False),
        Column("county", Text),
        Column("commune", Text),
        Column("organisation", Text),
        Column("category", String(64)),
        Column("grade_percent", Float),
        Column("file", Text),
        Column("issued_at", UTCDateTime, nullable=False),
        Column("status", String(16), nullable=False),
        Column("reason", Text),
        Column("replaced_by", String(32)),
        Column("changed_at", UTCDateTime),
        Column("details", JSON),
        one_of("status", ("valid", "revoked", "replaced")),
        Index("certificates_serial", "serial", unique=True),
        Index("certificates_sha256", "sha256", unique=True),
        Index("certificates_person_track", "person_key", "track"),
        Index("certificates_track_status", "track", "status"),
    )
    md.create_all(conn)


def diagnostic_responses(conn: Connection) -> None:
    """Diagnostic responses."""
    md = MetaData()
    Table(
        "diagnostic_responses",
        md,
        Column("id", Integer, primary_key=True),
        Column("siruta", Integer, nullable=False),
        Column("wave", String(16), nullable=False),
        Column("version", String(32), nullable=False),
        Column("submitted_at", UTCDateTime, nullable=False),
        Column("source", Text, nullable=False),
        Column("answers", JSON, nullable=False),
        Column("stored_at", UTCDateTime, nullable=False),
        Index("diagnostic_responses_commune_wave", "siruta", "wave"),
    )
    md.create_all(conn)


def manual_dissemination(conn: Connection) -> None:
    """Dissemination register of the digitalisation manual."""
    md = MetaData()
    Table(
        "manual_dissemination",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("recipient", String(255), nullable=False),
        Column("kind", String(40), nullable=False),
        Column("county", String(2), nullable=False),
        Column("email", String(255), nullable=False),
        Column("channel", String(16), nullable=False),
        Column("version", String(20), nullable=False),
        Column("letter_file", Text, nullable=False),
        Column("sent_at", UTCDateTime, nullable=False),
        Column("run_id", Integer),
        one_of("channel", ("email", "posta", "moodle")),
        Index("manual_dissemination_once", "recipient", "kind", "county", "version", "channel", unique=True),
    )
    md.create_all(conn)


def events_attendance(conn: Connection) -> None:
    """Event attendance: imports, people present, registered guests."""
    md = MetaData()
    Table(
        "events_imports",
        md,
        Column("id", Integer, primary_key=True),
        Column("event_id", String(40), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("source", Text, nullable=False),
        Column("format", String(16), nullable=False),
        Column("encoding", String(16), nullable=False),
        Column("rows", Integer, nullable=False),
        Column("people", Integer, nullable=False),
        Column("skipped", Integer, nullable=False),
        Column("imported_at", UTCDateTime, nullable=False),
        Column("run_id", Integer),
        Index("events_imports_once", "event_id", "sha256", unique=True),
    )
    Table(
        "events_attendance",
        md,
        Column("id", Integer, primary_key=True),
        Column("event_id", String(40), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("person_key", String(255), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("name", Text, nullable=False),
        Column("email", Text, nullable=False),
        Column("institution", Text, nullable=False),
        Column("county", String(40), nullable=False),
        Column("category", String(64), nullable=False),
        Column("matched_by", String(16), nullable=False),
        Column("intervals", JSON, nullable=False),
        one_of("kind", ("roster", "registered", "guest")),
        Index("events_attendance_once", "event_id", "sha256", "person_key", unique=True),
        Index("events_attendance_event", "event_id"),
    )
    Table(
        "events_guests",
        md,
        Column("id", Integer, primary_key=True),
        Column("event_id", String(40), nullable=False),
        Column("name", String(255), nullable=False),
        Column("email", String(255), nullable=False),
        Column("institution", Text, nullable=False),
        Column("county", String(40), nullable=False),
        Column("category", String(64), nullable=False),
        Column("registered_at", UTCDateTime, nullable=False),
        Index("events_guests_once", "event_id", "email", "name", unique=True),
    )
    md.create_all(conn)


def consultation_register(conn: Connection) -> None:
    """Consultation register: contributions with their answers, and debate requests."""
    md = MetaData()
    Table(
        "consultation_contributions",
        md,
        Column("id", Integer, primary_key=True),
        Column("consultation_id", String(64), nullable=False),
        Column("source_key", String(120), nullable=False),
        Column("part_key", String(64), nullable=False),
        Column("category", String(16), nullable=False),
        Column("author", Text, nullable=False),
        Column("publish_name", Boolean, nullable=False),
        Column("author_hash", String(64)),
        Column("submitted_at", UTCDateTime, nullable=False),
        Column("text", Text, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("fold_key", String(64), nullable=False),
        Column("late", Boolean, nullable=False),
        Column("duplicate_of", String(120)),
        Column("revision", Integer, nullable=False),
        Column("previous_hash", String(64)),
        Column("answer", String(16), nullable=False),
        Column("reason", Text),
        Column("template", String(40)),
        Column("answered_at", UTCDateTime),
        Column("recorded_at", UTCDateTime, nullable=False),
        Column("changed_at", UTCDateTime),
        Column("run_id", Integer),
        one_of("category", ("citizen", "ngo", "authority", "other")),
        one_of("answer", ("pending", "accepted", "partly", "rejected")),
        Index("consultation_contributions_source", "consultation_id", "source_key", unique=True),
        Index("consultation_contributions_part", "consultation_id", "part_key"),
    )
    Table(
        "consultation_debate_requests",
        md,
        Column("id", Integer, primary_key=True),
        Column("consultation_id", String(64), nullable=False),
        Column("source_key", String(120), nullable=False),
        Column("requester", Text, nullable=False),
        Column("requester_kind", String(16), nullable=False),
        Column("submitted_at", UTCDateTime, nullable=False),
        Column("text", Text, nullable=False),
        Column("recorded_at", UTCDateTime, nullable=False),
        one_of("requester_kind", ("ngo", "authority", "other")),
        Index("consultation_debate_requests_source", "consultation_id", "source_key", unique=True),
    )
    md.create_all(conn)


MIGRATIONS: tuple[Migration, ...] = (runs_and_journal, roster_people, certificate_registry,
                                        diagnostic_responses, manual_dissemination, events_attendance,
                                        consultation_register)


def migrate(engine: Engine) -> int:
    """Bring the store up to the latest version this program knows; return that version."""
    latest = len(MIGRATIONS)
    with store_errors(f"open the store at {shown(engine.url)}"), exclusive(engine) as conn:
        schema_version.create(conn, checkfirst=True)
        current = conn.scalar(select(func.max(schema_version.c.version))) or 0
        if current > latest:
            raise StoreError(
                f"the store at {shown(engine.url)} has schema version {current}, newer than this program knows "
                f"({latest})",
                hint="upgrade cooperare (pip install -U cooperare) before using this store",
            )
        for version in range(current + 1, latest + 1):
            step = MIGRATIONS[version - 1]
            step(conn)
            description = (step.__doc__ or step.__name__).strip().splitlines()[0]
            conn.execute(insert(schema_version).values(version=version, description=description, applied_at=now()))
    return max(current, latest)
