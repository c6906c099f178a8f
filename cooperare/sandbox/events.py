"""Moodle's events, as far as the sandbox needs them: named events with observers that run at once, in the caller's
transaction (Moodle runs non-buffered observers inline, right after ``$event->trigger()``).

Core handlers trigger what Moodle triggers at the same point (``core_cohort_add_cohort_members`` triggers
``cohort_member_added`` per member, ...); components that react to them register observers at import time, like a
plugin's ``db/events.php``. Only events somebody observes need triggering.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.sandbox.site import Site

Observer = Callable[..., None]

# Event names (Moodle's class names without the namespace).
COHORT_MEMBER_ADDED = "cohort_member_added"  # cohortid, userid
COHORT_MEMBER_REMOVED = "cohort_member_removed"  # cohortid, userid
COHORT_DELETED = "cohort_deleted"  # cohortid
USER_ENROLMENT_CREATED = "user_enrolment_created"  # enrolid, userid (``enrol_plugin::enrol_user``, a new enrolment)

OBSERVERS: dict[str, list[Observer]] = {}


def observe(eventname: str, observer: Observer) -> Observer:
    """Register ``observer(site, **data)`` for ``eventname`` (once: registering the same function again is a no-op)."""
    registered = OBSERVERS.setdefault(eventname, [])
    if observer not in registered:
        registered.append(observer)
    return observer


def trigger(site: Site, eventname: str, **data: Any) -> None:
    """Run the observers of ``eventname`` in registration order; their exceptions propagate, as in Moodle."""
    for observer in OBSERVERS.get(eventname, ()):
        observer(site, **data)
