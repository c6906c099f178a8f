"""What a Moodle site offers, from ``core_webservice_get_site_info``: release, version, the functions the token may
call, and whether the pack's plugin ``local_cooperare`` is there (and which version).

Every command checks what it needs here first and says what is missing, instead of failing half-way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cooperare.errors import MissingCapability
from cooperare.moodle.contract import PLUGIN_COMPONENT, plugin_description

PLUGIN_PREFIX = PLUGIN_COMPONENT + "_"
MINIMUM_VERSION = 2024100700  # Moodle 4.5 LTS

# Core functions each part of the pack calls; `moodle check` reports the ones the token's service lacks.
REPORT_PUBLISH_FUNCTIONS = (
    "core_course_create_courses", "core_course_update_courses", "core_course_get_courses_by_field",
    "core_course_get_categories", "core_cohort_search_cohorts", "core_cohort_create_cohorts",
    "core_cohort_get_cohort_members", "core_cohort_add_cohort_members", "core_cohort_delete_cohort_members",
    "core_user_get_users_by_field", "local_cooperare_describe_courses", "local_cooperare_save_sections",
    "local_cooperare_save_activities", "local_cooperare_save_cohort_sync")
"""What ``report publish`` calls (checked against the token's service before anything is written)."""

MANUAL_PUBLISH_FUNCTIONS = (
    "core_course_create_courses", "core_course_update_courses", "core_course_get_categories",
    "local_cooperare_describe_courses", "local_cooperare_save_sections", "local_cooperare_save_activities",
    "local_cooperare_save_book_chapters", "local_cooperare_save_enrol_methods", "local_cooperare_get_enrol_methods")
"""What ``manual plan|apply`` calls (local_cooperare_get_book_chapters too when the plugin has it, 0.5.0+)."""

CORE_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "site": ("core_webservice_get_site_info",),
    "courses": (
        "core_course_get_categories", "core_course_create_categories", "core_course_update_categories",
        "core_course_get_courses_by_field", "core_course_create_courses", "core_course_update_courses",
        "core_course_get_contents",
    ),
    "roster": (
        "core_user_get_users_by_field", "core_user_create_users", "core_user_update_users",
        "core_cohort_search_cohorts", "core_cohort_create_cohorts", "core_cohort_get_cohort_members",
        "core_cohort_add_cohort_members", "core_cohort_delete_cohort_members",
        "enrol_manual_enrol_users", "enrol_manual_unenrol_users", "core_enrol_get_enrolled_users",
        "core_group_get_course_groups", "core_group_create_groups", "core_group_get_group_members",
        "core_group_add_group_members", "core_group_delete_group_members",
    ),
    "diagnostic": ("mod_feedback_get_feedbacks_by_courses", "mod_feedback_get_items",
                   "mod_feedback_get_responses_analysis"),
    "certificates": (  # what status/issue call on a site without the plugin (tests pin it to the calls made)
        "core_course_get_courses_by_field", "core_enrol_get_enrolled_users", "gradereport_user_get_grade_items",
        "core_completion_get_course_completion_status", "core_message_send_instant_messages",
    ),
}


@dataclass(frozen=True)
class SiteInfo:
    """The parts of ``core_webservice_get_site_info`` the pack relies on."""

    sitename: str
    siteurl: str
    release: str
    version: int
    username: str
    userid: int
    is_siteadmin: bool
    functions: frozenset[str]
    plugin_version: int | None
    upload_files: bool

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> SiteInfo:
        listed = data.get("functions") or []
        names = frozenset(str(f["name"]) for f in listed)
        plugin_versions = [f.get("version") for f in listed if str(f["name"]).startswith(PLUGIN_PREFIX)]
        plugin_version = _as_int(plugin_versions[0]) if plugin_versions else None
        return cls(
            sitename=str(data.get("sitename", "")),
            siteurl=str(data.get("siteurl", "")),
            release=str(data.get("release", "")),
            version=_as_int(data.get("version")) or 0,
            username=str(data.get("username", "")),
            userid=int(data.get("userid", 0)),
            is_siteadmin=bool(data.get("userissiteadmin", False)),
            functions=names,
            plugin_version=plugin_version,
            upload_files=bool(data.get("uploadfiles", 0)),
        )

    @property
    def has_plugin(self) -> bool:
        return self.plugin_version is not None

    def plugin_at_least(self, version: int) -> bool:
        """Whether local_cooperare is installed at ``version`` or later (no call: the version is in the site info)."""
        return self.plugin_version is not None and self.plugin_version >= version

    def missing(self, functions: Iterable[str]) -> list[str]:
        return sorted(set(functions) - self.functions)

    def missing_plugin_functions(self) -> list[str]:
        """Plugin functions the pack's description lists that the token's service does not offer."""
        wanted = [f["name"] for f in plugin_description()["functions"]]
        return self.missing(wanted)

    def require(self, functions: Iterable[str], *, purpose: str) -> None:
        """Raise :class:`MissingCapability` naming every function ``purpose`` needs and the site lacks."""
        missing = self.missing(functions)
        if missing:
            raise MissingCapability(
                f"{purpose} needs web-service functions the token's service does not offer: {', '.join(missing)}",
                hint="add them to the external service (Site administration > Server > Web services > "
                "External services), or use the pre-built service 'cooperare' of the local_cooperare plugin",
            )

    def require_plugin(self, *, purpose: str, functions: Iterable[str] | None = None) -> None:
        """Raise unless the plugin is there with ``functions`` (default: every function of its description — a site
        with an older release of the plugin lacks the newer ones, so callers name what they use)."""
        if not self.has_plugin:
            raise MissingCapability(
                f"{purpose} needs the pack's Moodle plugin local_cooperare, which this site does not offer",
                hint="install it (cooperare plugin package --out local_cooperare.zip, then Site administration > "
                "Plugins > Install plugins) and add its functions to the token's service",
            )
        wanted = [f["name"] for f in plugin_description()["functions"]] if functions is None else functions
        self.require(wanted, purpose=purpose)

    def version_warnings(self) -> list[str]:
        notes = []
        if self.version and self.version < MINIMUM_VERSION:
            notes.append(f"Moodle {self.release} is older than 4.5 LTS, which the pack requires")
        return notes


def _as_int(value: Any) -> int | None:
    try:
        return int(float(str(value)))
    except (TypeError, ValueError):
        return None
