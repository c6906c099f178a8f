"""The store's tables as the code queries them today (SQLAlchemy Core), and the column types they share.

These definitions are the *current* shape; the database gets there through :mod:`cooperare.store.migrations`, and a
test checks that the two agree. Adding a table means a ``Table`` here and one migration function there. This module
must not create or alter anything in a database itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

RUN_OUTCOMES = ("ok", "failed", "interrupted")
JOURNAL_ACTIONS = ("create", "update", "delete")
JOURNAL_PHASES = ("begun", "done", "failed")
PERSON_STATUSES = ("active", "suspended")
CERTIFICATE_STATUSES = ("valid", "revoked", "replaced")
DISSEMINATION_CHANNELS = ("email", "posta", "moodle")
ATTENDEE_KINDS = ("roster", "registered", "guest")
CONTRIBUTION_CATEGORIES = ("citizen", "ngo", "authority", "other")
ANSWER_STATUSES = ("pending", "accepted", "partly", "rejected")
REQUESTER_KINDS = ("ngo", "authority", "other")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp kept as naive UTC in every database and handed back timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps given to the store must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("command", String(200), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("outcome", String(16)),
    Column("ws_calls", Integer, nullable=False),
    Column("detail", JSON(none_as_null=True)),
    one_of("outcome", RUN_OUTCOMES),
)

journal = Table(
    "journal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("scope", String(64), nullable=False),
    Column("address", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("phase", String(16), nullable=False),
    Column("payload", JSON(none_as_null=True)),
    Column("result", JSON(none_as_null=True)),
    Column("error", Text),
    Column("begun_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    one_of("action", JOURNAL_ACTIONS),
    one_of("phase", JOURNAL_PHASES),
    Index("journal_scope_phase", "scope", "phase"),
    Index("journal_address", "address"),
    Index("journal_run", "run_id"),
)

certificates = Table(
    "certificates",
    metadata,
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
    Column("details", JSON(none_as_null=True)),
    one_of("status", CERTIFICATE_STATUSES),
    Index("certificates_serial", "serial", unique=True),
    Index("certificates_sha256", "sha256", unique=True),
    Index("certificates_person_track", "person_key", "track"),
    Index("certificates_track_status", "track", "status"),
)

roster_people = Table(
    "roster_people",
    metadata,
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
    one_of("status", PERSON_STATUSES),
    Index("roster_people_track", "track"),
    Index("roster_people_moodle_user", "moodle_user_id"),
)

diagnostic_responses = Table(
    "diagnostic_responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("siruta", Integer, nullable=False),
    Column("wave", String(16), nullable=False),
    Column("version", String(32), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("source", Text, nullable=False),
    Column("answers", JSON(none_as_null=True), nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
    Index("diagnostic_responses_commune_wave", "siruta", "wave"),
)

manual_dissemination = Table(
    "manual_dissemination",
    metadata,
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
    one_of("channel", DISSEMINATION_CHANNELS),
    Index("manual_dissemination_once", "recipient", "kind", "county", "version", "channel", unique=True),
)

events_imports = Table(
    "events_imports",
    metadata,
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

events_attendance = Table(
    "events_attendance",
    metadata,
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
    Column("intervals", JSON(none_as_null=True), nullable=False),
    one_of("kind", ATTENDEE_KINDS),
    Index("events_attendance_once", "event_id", "sha256", "person_key", unique=True),
    Index("events_attendance_event", "event_id"),
)

events_guests = Table(
    "events_guests",
    metadata,
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

consultation_contributions = Table(
    "consultation_contributions",
    metadata,
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
    one_of("category", CONTRIBUTION_CATEGORIES),
    one_of("answer", ANSWER_STATUSES),
    Index("consultation_contributions_source", "consultation_id", "source_key", unique=True),
    Index("consultation_contributions_part", "consultation_id", "part_key"),
)

consultation_debate_requests = Table(
    "consultation_debate_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("consultation_id", String(64), nullable=False),
    Column("source_key", String(120), nullable=False),
    Column("requester", Text, nullable=False),
    Column("requester_kind", String(16), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    one_of("requester_kind", REQUESTER_KINDS),
    Index("consultation_debate_requests_source", "consultation_id", "source_key", unique=True),
)
