"""The state of one sandbox Moodle site: its database, settings, and the fresh-site baseline of the recordings.

The baseline is the one ``moodle-contract/README.md`` describes (users guest and admin, the site course, "Category 1",
roles 1–8, contexts 1–10, services, the admin's token), so ids handed out by the sandbox follow the same sequences
as the recorded site. Helpers here are the shared plumbing of handlers (contexts, URLs, time, capability checks);
component logic (courses, users, ...) lives in ``cooperare.sandbox.functions``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cooperare.moodle.contract import Contract, core_contract, full_contract
from cooperare.sandbox.db import Database, Row
from cooperare.sandbox.exceptions import required_capability

CONTEXT_SYSTEM = 10
CONTEXT_USER = 30
CONTEXT_COURSECAT = 40
CONTEXT_COURSE = 50
CONTEXT_MODULE = 70
CONTEXT_BLOCK = 80

ADMIN_ID = 2
GUEST_ID = 1
SITE_COURSE_ID = 1
ADMIN_PASSWORD = "Admin#Pass123"
RECORDED_WWWROOT = "http://127.0.0.1:8085"
SERVICE_ALL = "python_tool_all"
SITE_TIMEZONE = "Europe/London"

DEBUG_NONE = 0
DEBUG_NORMAL = 15
DEBUG_DEVELOPER = 32767

ROLES = [
    (1, "manager", 1),
    (2, "coursecreator", 2),
    (3, "editingteacher", 3),
    (4, "teacher", 4),
    (5, "student", 5),
    (6, "guest", 6),
    (7, "user", 7),
    (8, "frontpage", 8),
]
# Roles an administrator may assign in a course context (Moodle's role_context_levels + allow_assign defaults).
COURSE_ASSIGNABLE_ROLES = frozenset({1, 3, 4, 5})


OTHER_MODULES: dict[str, tuple[str, ...]] = {
    "4.5": ("choice", "data", "folder", "glossary", "h5pactivity", "imscp", "lesson", "lti", "scorm", "wiki",
            "workshop"),
    "5.0": ("choice", "data", "folder", "glossary", "h5pactivity", "imscp", "lesson", "lti", "qbank", "scorm",
            "subsection", "wiki", "workshop"),
}
"""Activity modules enabled on a fresh site besides those the sandbox implements (Moodle 4.5.6 and 5.0.6+ as the
lab installs them; 5.0 adds qbank and shows subsection)."""


@dataclass
class SiteSettings:
    """Knobs of a sandbox site (what ``cooperare sandbox serve`` options and ``/_sandbox/config`` change)."""

    version: str = "4.5"
    wwwroot: str = RECORDED_WWWROOT
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    max_input_vars: int = 1000
    plugin: bool = True
    config: dict[str, Any] = field(default_factory=lambda: {"debug": DEBUG_NONE, "debugdisplay": 0})


class Site:
    """One sandbox Moodle: database + settings. Create a fresh one for each test."""

    def __init__(self, settings: SiteSettings | None = None, *, clock: Any = time.time) -> None:
        self.settings = settings or SiteSettings()
        self.clock = clock
        self.db = Database()
        self.installed_at = self.now()
        self.theme_revision = self.installed_at
        self._create_tables()
        self._install_baseline()

    # -- settings -------------------------------------------------------------------------------------------------

    @property
    def version(self) -> str:
        return self.settings.version

    @property
    def wwwroot(self) -> str:
        return self.settings.wwwroot

    @property
    def debugging(self) -> bool:
        """Moodle's ``debugging()`` with the default level: debug >= DEBUG_NORMAL."""
        try:
            return int(self.settings.config.get("debug", 0)) >= DEBUG_NORMAL
        except (TypeError, ValueError):
            return False

    @property
    def contract(self) -> Contract:
        return full_contract(self.version) if self.settings.plugin else core_contract(self.version)

    @property
    def release(self) -> str:
        return self.contract.release

    @property
    def moodle_version(self) -> str:
        return self.contract.version

    def now(self) -> int:
        return int(self.clock())

    def today_midnight(self) -> int:
        """Midnight today in the site timezone (the default startdate of a course created through the WS)."""
        zone = ZoneInfo(SITE_TIMEZONE)
        current = datetime.fromtimestamp(self.now(), zone)
        return int(current.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())

    def url(self, path: str) -> str:
        return self.wwwroot + path

    def image_url(self, component: str, image: str) -> str:
        return self.url(f"/theme/image.php/boost/{component}/{self.theme_revision}/{image}")

    # -- tables ---------------------------------------------------------------------------------------------------

    def _create_tables(self) -> None:
        t = self.db.table
        t("config")
        t("user", indexes=[("username",), ("idnumber",), ("email",), ("emaillower",)])
        t("user_preferences", indexes=[("userid", "name"), ("userid",)])
        t("course", indexes=[("shortname",), ("idnumber",), ("category",)])
        t("course_categories", indexes=[("idnumber",), ("parent",)])
        t("context", indexes=[("contextlevel", "instanceid")])
        t("role")
        t("role_assignments", indexes=[("contextid", "userid"), ("userid",)])
        t("external_services", indexes=[("shortname",)])
        t("external_tokens", indexes=[("token",)])
        t("enrol", indexes=[("courseid",)])
        t("user_enrolments", indexes=[("enrolid", "userid"), ("userid",), ("enrolid",)])
        t("cohort", indexes=[("idnumber",), ("contextid",)])
        t("cohort_members", indexes=[("cohortid", "userid"), ("cohortid",), ("userid",)])
        t("groups", indexes=[("courseid",)])
        t("groups_members", indexes=[("groupid", "userid"), ("groupid",), ("userid",)])
        t("course_sections", indexes=[("course",)])
        t("modules", indexes=[("name",)])
        t("course_modules", indexes=[("course",), ("module", "instance")])
        t("forum", indexes=[("course",)])
        t("forum_discussions", indexes=[("forum",)])
        t("forum_posts", indexes=[("discussion",)])
        t("grade_items", indexes=[("courseid",)])
        t("grade_grades", indexes=[("itemid", "userid")])
        t("files", indexes=[("contextid", "component", "filearea", "itemid"), ("pathnamehash",)])
        t("messages", indexes=[("conversationid",)])
        t("message_conversations", indexes=[("convhash",)])
        t("message_conversation_members", indexes=[("conversationid",), ("userid",)])

    def _install_baseline(self) -> None:
        now = self.installed_at
        db = self.db
        for role_id, shortname, sortorder in ROLES:
            db["role"].insert_with_id({"id": role_id, "name": "", "shortname": shortname, "sortorder": sortorder})
        db["course_categories"].insert_with_id({
            "id": 1, "name": "Category 1", "idnumber": None, "description": "", "descriptionformat": 1,
            "parent": 0, "sortorder": 10000, "coursecount": 0, "visible": 1, "visibleold": 1,
            "timemodified": now, "depth": 1, "path": "/1", "theme": "",
        })
        db["course"].insert_with_id({
            "id": SITE_COURSE_ID, "category": 0, "fullname": "Moodle Test Site", "shortname": "moodletest",
            "idnumber": "", "summary": "Local loopback test site", "summaryformat": 1, "format": "site",
            "sortorder": 1, "visible": 1, "startdate": 0, "enddate": 0, "timecreated": now, "timemodified": now,
            "enablecompletion": 0, "newsitems": 3, "numsections": 1,
        })
        guest = {"id": GUEST_ID, "auth": "manual", "username": "guest", "firstname": "Guest user", "lastname": " ",
                 "email": "root@localhost", "idnumber": "", "password": None}
        admin = {"id": ADMIN_ID, "auth": "manual", "username": "admin", "firstname": "Admin", "lastname": "User",
                 "email": "admin@example.com", "idnumber": "", "password": ADMIN_PASSWORD}
        for user in (guest, admin):
            db["user"].insert_with_id({**self.default_user_fields(), **user, "timecreated": now})
        contexts = [
            (1, CONTEXT_SYSTEM, 0, "/1", 1),
            (2, CONTEXT_COURSE, SITE_COURSE_ID, "/1/2", 2),
            (3, CONTEXT_COURSECAT, 1, "/1/3", 2),
            (4, CONTEXT_USER, GUEST_ID, "/1/4", 2),
            (5, CONTEXT_USER, ADMIN_ID, "/1/5", 2),
        ]
        for context_id, level, instance, path, depth in contexts:
            db["context"].insert_with_id({"id": context_id, "contextlevel": level, "instanceid": instance,
                                          "path": path, "depth": depth})
        for block_context in range(6, 11):
            db["context"].insert_with_id({"id": block_context, "contextlevel": CONTEXT_BLOCK,
                                          "instanceid": block_context - 5, "path": f"/1/2/{block_context}",
                                          "depth": 3})
        db["external_services"].insert_with_id({"id": 1, "shortname": "moodle_mobile_app", "enabled": 1,
                                                "functions": None})
        db["external_services"].insert_with_id({"id": 2, "shortname": SERVICE_ALL, "enabled": 1, "functions": None})
        self.add_token(self.settings.token, userid=ADMIN_ID, serviceid=2)
        for index, name in enumerate(["assign", "feedback", "forum", "label", "page", "quiz", "resource", "url"],
                                     start=1):
            db["modules"].insert_with_id({"id": index, "name": name, "visible": 1})
        # BigBlueButton is installed disabled (an administrator enables it after accepting its data processing terms).
        db["modules"].insert_with_id({"id": 9, "name": "bigbluebuttonbn", "visible": 0})
        db["modules"].insert_with_id({"id": 10, "name": "book", "visible": 1})
        # The other activity modules a fresh site has enabled (recorded on the lab's 4.5.6 and 5.0.6+), so
        # get_site_setup lists what a real site lists; the sandbox implements none of them.
        others = [name for name in OTHER_MODULES[self.version] if db["modules"].first(name=name) is None]
        for index, name in enumerate(others, start=11):
            db["modules"].insert_with_id({"id": index, "name": name, "visible": 1})
        db.commit()

    @staticmethod
    def default_user_fields() -> Row:
        return {
            "department": "", "institution": "", "city": "", "country": "", "lang": "en", "theme": "",
            "timezone": "99", "mailformat": 1, "trackforums": 0, "firstaccess": 0, "lastaccess": 0,
            "suspended": 0, "confirmed": 1, "deleted": 0, "description": "", "phone1": "", "phone2": "",
            "address": "", "maildisplay": 2, "siteadmin": False, "capabilities": None,
            "mnethostid": 1, "calendartype": "gregorian", "descriptionformat": 1, "maildigest": 0,
            "autosubscribe": 1, "picture": 0, "policyagreed": 0,
        }

    # -- tokens and users -----------------------------------------------------------------------------------------

    def add_token(self, token: str, *, userid: int, serviceid: int = 2) -> None:
        self.db["external_tokens"].insert({"token": token, "userid": userid, "externalserviceid": serviceid})

    def user_for_token(self, token: str) -> Row | None:
        row = self.db["external_tokens"].first(token=token)
        if row is None:
            return None
        user = self.db["user"].get(row["userid"])
        if user is None or user.get("deleted") or user.get("suspended"):
            return None
        return user

    def is_siteadmin(self, user: Row) -> bool:
        return user["id"] == ADMIN_ID or bool(user.get("siteadmin"))

    def require_capability(self, user: Row, capability: str) -> None:
        """Administrators hold every capability; other users only those granted to them in the sandbox."""
        if self.is_siteadmin(user):
            return
        granted = user.get("capabilities") or ()
        if capability not in granted:
            raise required_capability(capability)

    def fullname(self, user: Row) -> str:
        return f"{user['firstname']} {user['lastname']}"

    # -- contexts -------------------------------------------------------------------------------------------------

    def context(self, level: int, instanceid: int, *, create: bool = True) -> Row | None:
        """The context of an instance; created on first use, like Moodle's ``context_*::instance()``."""
        table = self.db["context"]
        found = table.first(contextlevel=level, instanceid=instanceid)
        if found is not None or not create:
            return found
        parent_path = self._parent_context_path(level, instanceid)
        context_id = table.insert({"contextlevel": level, "instanceid": instanceid, "path": "", "depth": 0})
        path = f"{parent_path}/{context_id}"
        return table.update(context_id, path=path, depth=path.count("/"))

    def _parent_context_path(self, level: int, instanceid: int) -> str:
        if level == CONTEXT_COURSE:
            course = self.db["course"].get(instanceid)
            category = course["category"] if course else 0
            if category:
                parent = self.context(CONTEXT_COURSECAT, category)
                return parent["path"] if parent else "/1"
            return "/1"
        if level == CONTEXT_COURSECAT:
            category = self.db["course_categories"].get(instanceid)
            if category and category["parent"]:
                parent = self.context(CONTEXT_COURSECAT, category["parent"])
                return parent["path"] if parent else "/1"
            return "/1"
        if level == CONTEXT_MODULE:
            cm = self.db["course_modules"].get(instanceid)
            parent = self.context(CONTEXT_COURSE, cm["course"]) if cm else None
            return parent["path"] if parent else "/1"
        return "/1"

    def delete_context(self, level: int, instanceid: int) -> None:
        found = self.db["context"].first(contextlevel=level, instanceid=instanceid)
        if found is not None:
            self.db["context"].delete(found["id"])
