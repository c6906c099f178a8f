"""BigBlueButton attendance: the ``bigbluebuttonbn_logs`` rows of an event's room (read through
``local_cooperare_get_bbb_attendance``) turned into the same sessions a CSV export gives.

Per user, in log order: a ``Join`` opens a stretch, a ``Logout`` closes it; a stretch still open closes at the end of
the meeting (the first ``Summary`` row of the meeting, which the BigBlueButton server sends when the meeting ends,
if it comes after the join) else at the event's end. A user with a ``Summary`` and no ``Join`` (joined outside
Moodle's button) is present for the Summary's seconds, ending at the meeting's end. Each user is named by the roster
(by Moodle user id) or by the Moodle account. Pure: no Moodle call, no store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cooperare.config.events import Event
from cooperare.events.exports import Session
from cooperare.moodle.records import BbbLog


@dataclass(frozen=True)
class Account:
    """Who a Moodle user id is: the name and e-mail to match."""

    name: str
    email: str


def logs_sha256(logs: Sequence[BbbLog]) -> str:
    """A digest of the logs as read: the same logs read again give the same digest (a repeat import writes nothing)."""
    canonical = [[log.id, log.userid, log.log, log.timecreated, log.meetingid, log.duration] for log in logs]
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode("ascii")).hexdigest()


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def sessions_from_logs(logs: Sequence[BbbLog], *, event: Event, accounts: Mapping[int, Account]) -> list[Session]:
    """The stretches of presence the logs show, one :class:`Session` each (``line`` is the log id)."""
    ordered = sorted(logs, key=lambda log: (log.timecreated, log.id))
    meeting_end: dict[str, int] = {}
    for log in ordered:
        if log.log == "Summary":
            meeting_end.setdefault(log.meetingid, log.timecreated)
    event_end = int(event.ends_at.timestamp())
    open_since: dict[int, BbbLog] = {}
    joined: set[int] = set()
    summaries: dict[int, BbbLog] = {}
    sessions: list[Session] = []

    def close(start: BbbLog, end: int) -> None:
        account = accounts.get(start.userid, Account(f"Utilizator Moodle {start.userid}", ""))
        sessions.append(Session(start.id, account.name, account.email, _at(start.timecreated),
                                _at(max(end, start.timecreated))))

    for log in ordered:
        if log.userid <= 0:
            continue
        if log.log == "Join":
            joined.add(log.userid)
            open_since.setdefault(log.userid, log)
        elif log.log == "Logout":
            start = open_since.pop(log.userid, None)
            if start is not None:
                close(start, log.timecreated)
        elif log.log == "Summary":
            summaries.setdefault(log.userid, log)
    for userid, start in open_since.items():
        end = meeting_end.get(start.meetingid, 0)
        close(start, end if end > start.timecreated else event_end)
    for userid, summary in summaries.items():
        if userid not in joined and summary.duration > 0:
            end = summary.timecreated
            start_at = _at(end) - timedelta(seconds=summary.duration)
            account = accounts.get(userid, Account(f"Utilizator Moodle {userid}", ""))
            sessions.append(Session(summary.id, account.name, account.email, start_at, _at(end)))
    return sessions
