"""``local_cooperare\\local\\util``: course lookup with capability checks, hashing, duplicate checks; plus the
plugin's language strings and the English names of the capabilities its checks name."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cooperare.sandbox.courses import modules
from cooperare.sandbox.courses.enrolments import enrolled_user_ids
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException, require_login, required_capability
from cooperare.sandbox.php import php_float
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import CONTEXT_COURSE, SITE_COURSE_ID

SPECHASH_MAX = 128  # the column is char(128)
MAXSECTIONS = 52  # moodlecourse | maxsections

# lang/en/local_cooperare.php (tests check that they match the PHP file).
STRINGS = {
    "cohortsyncdisabled": 'Cannot set up {$a}: the "Cohort sync" enrolment method is disabled on this site. '
                          "Enable it in Site administration > Plugins > Enrolments > Manage enrol plugins.",
    "completionlocked": "The completion criteria of course {$a} cannot be changed: users have already completed "
                        "activities or the course against the current criteria. Send unlock = 1 to change them "
                        "anyway (their course completion data is then recalculated).",
    "cooperare:provision": "Provision courses through the Cooperare web services (sections, activities, quiz "
                           "questions, completion, cohort sync) and put files into users' private files",
    "enrolmethoddisabled": "Cannot set up {$a}: this enrolment method is disabled on this site. Enable it in Site "
                           "administration > Plugins > Enrolments > Manage enrol plugins.",
    "notmanaged": "{$a} was not created by the Cooperare plugin, so the plugin does not delete it.",
    "quizhasattempts": "The questions of {$a} cannot be reordered, added or removed because the quiz already has "
                       "attempts. Changed questions still get a new version; delete the attempts first to change the "
                       "structure.",
    "userfileexists": "{$a}: the user's private files already hold a different file with this name. Send "
                      "overwrite = 1 to replace it.",
}

# get_capability_string(): what required_capability_exception messages show.
CAPABILITY_NAMES = {
    "local/cooperare:provision": STRINGS["cooperare:provision"],
    "moodle/course:update": "Update course settings",
    "moodle/course:sectionvisibility": "Control section visibility",
    "moodle/course:manageactivities": "Manage activities",
    "moodle/course:activityvisibility": "Hide/show activities",
    "moodle/course:enrolconfig": "Configure enrol instances in courses",
    "enrol/cohort:config": "Configure cohort instances",
    "mod/quiz:manage": "Manage quizzes",
    "mod/book:edit": "Edit book chapters",
    "moodle/question:add": "Add new questions",
    "moodle/question:editall": "Edit all questions",
    "moodle/user:editprofile": "Edit user profile",
    "moodle/course:enrolreview": "Review course enrolments",
    "enrol/self:config": "Configure self enrol instances",
    "enrol/guest:config": "Configure guest access instances",
    "moodle/calendar:manageentries": "Manage any calendar entries",
    "moodle/site:viewreports": "View reports",
}

PROVISION = "local/cooperare:provision"
COURSE_VIEW = "moodle/course:view"


def plugin_exception(errorcode: str, a: Any) -> MoodleException:
    """``new moodle_exception($errorcode, 'local_cooperare', '', $a)``."""
    return MoodleException(errorcode, STRINGS[errorcode].replace("{$a}", str(a)))


def has_capability(call: Call, capability: str) -> bool:
    """The sandbox's capability model: administrators hold every capability, others what they were granted."""
    user = call.user
    return call.site.is_siteadmin(user) or capability in (user.get("capabilities") or ())


def require_capability(call: Call, capability: str) -> None:
    if not has_capability(call, capability):
        raise required_capability(capability, CAPABILITY_NAMES.get(capability))


def course_and_context(call: Call, courseid: int, capabilities: tuple[str, ...] = ()) -> tuple[Row, int]:
    """Load a course, validate its context, require ``local/cooperare:provision`` and ``capabilities`` there.

    Returns the course and its context id. ``validate_context`` lets in an enrolled user or one allowed
    ``moodle/course:view`` (as a manager is); like the rest of the sandbox, a user's granted capabilities stand for a
    role assigned at site level.
    """
    course = call.db["course"].get(courseid) if courseid > 0 and courseid != SITE_COURSE_ID else None
    if course is None:
        raise InvalidParameterException(f"course {courseid}: no such course")
    context = call.site.context(CONTEXT_COURSE, course["id"])
    assert context is not None
    # validate_context() → require_login(): a user neither enrolled nor allowed moodle/course:view is turned away
    # before any capability is checked (recorded: plugin_permission_denied).
    if not has_capability(call, COURSE_VIEW) and call.user["id"] not in enrolled_user_ids(
            call.site, course["id"], onlyactive=True):
        raise require_login()
    require_capability(call, PROVISION)
    for capability in capabilities:
        require_capability(call, capability)
    return course, int(context["id"])


def check_spechash(spechash: str, what: str) -> str:
    if len(spechash) > SPECHASH_MAX:
        raise InvalidParameterException(f"{what}: spechash longer than {SPECHASH_MAX} characters")
    return spechash


def check_unique(seen: set[str], key: str, what: str) -> None:
    if key in seen:
        raise InvalidParameterException(f"{what}: listed twice in the same call")
    seen.add(key)


def float_string(value: Any) -> str:
    """A number with at most 5 decimals and no trailing zeros ("10", "7.5"), as ``util::float_string``."""
    text = f"{php_float(value):.5f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def normalise(data: Any) -> Any:
    """Scalars as strings (floats with :func:`float_string`), so database values compare equal to sent values."""
    if isinstance(data, dict):
        return {key: normalise(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [normalise(value) for value in data]
    if isinstance(data, bool):
        return "1" if data else "0"
    if isinstance(data, float):
        return float_string(data)
    if data is None:
        return ""
    return str(data)


def state_hash(data: Any) -> str:
    """``util::hash``: SHA-1 of the normalised structure as JSON (unescaped unicode and slashes)."""
    text = json.dumps(normalise(data), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()).hexdigest()


def cm_by_idnumber(call: Call, courseid: int, idnumber: str) -> Row | None:
    """The course module with this idnumber in the course (not being deleted), or None; two is an error."""
    if idnumber == "":
        return None
    found = [cm for cm in table(call.db, "course_modules").where(course=courseid, idnumber=idnumber)
             if not cm.get("deletioninprogress")]
    if len(found) > 1:
        raise InvalidParameterException(f"activity '{idnumber}': more than one activity has this idnumber in course "
                                        f"{courseid}")
    return found[0] if found else None


def modname(call: Call, cm: Row) -> str:
    return modules.modname_of(call.site, cm)
