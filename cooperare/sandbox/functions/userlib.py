"""User records as ``user/lib.php`` handles them: ``user_create_user``, ``user_update_user``,
``user_get_user_details``, plus the look-ups the web-service functions make (username, case-insensitive e-mail).

Kept apart from the web-service handlers (:mod:`.user`) so cohort, file and message handlers can reuse them. Every
look-up goes through a secondary index, because the pack's benchmarks sync 30,000 users in batches of ~120.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import MoodleException, required_capability, write_failure
from cooperare.sandbox.functions.moodle_strings import moodle_exception
from cooperare.sandbox.functions.password_policy import password_policy_error
from cooperare.sandbox.php import clean_param, mb_strtolower, php_trim
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import CONTEXT_USER, GUEST_ID, Site

FORMAT_MOODLE = 0
FORMAT_HTML = 1
FORMAT_PLAIN = 2

# auth plugins whose is_internal() is false: no password is stored for them (AUTH_PASSWORD_NOT_CACHED).
EXTERNAL_AUTHS = frozenset({"cas", "db", "ldap", "mnet", "oauth2", "shibboleth", "webservice"})
AUTH_PASSWORD_NOT_CACHED = "not cached"

# Columns of {user} a web-service create/update may set (the rest of the parameters are handled separately).
USER_COLUMNS = (
    "username", "auth", "firstname", "lastname", "email", "maildisplay", "city", "country", "timezone",
    "description", "firstnamephonetic", "lastnamephonetic", "middlename", "alternatename", "idnumber",
    "institution", "department", "phone1", "phone2", "address", "lang", "calendartype", "theme", "mailformat",
    "suspended",
)

CAPABILITY_NAMES = {
    "moodle/user:create": "Create users",
    "moodle/user:update": "Update user profiles",
    "moodle/user:viewdetails": "View user profiles",
    "moodle/user:viewalldetails": "View user full information",
    "moodle/user:manageownfiles": "Manage files on own private file areas",
    "moodle/cohort:manage": "Create, delete and move cohorts",
    "moodle/cohort:assign": "Add and remove cohort members",
    "moodle/cohort:view": "View site-wide cohorts",
    "moodle/site:sendmessage": "Send messages to any user",
    "moodle/site:readallmessages": "Read all messages on site",
    "moodle/site:deleteanymessage": "Delete any messages on the site",
}


def has_capability(site: Site, user: Row, capability: str) -> bool:
    try:
        site.require_capability(user, capability)
    except MoodleException:
        return False
    return True


def require_capability(call: Call, capability: str) -> None:
    """``require_capability`` with the capability's English name in the message, as Moodle words it."""
    if not has_capability(call.site, call.user, capability):
        raise required_capability(capability, CAPABILITY_NAMES.get(capability))


# -- look-ups ----------------------------------------------------------------------------------------------------


def _email_key(email: Any) -> str:
    return mb_strtolower(str(email or ""))


def _index_lower_emails(site: Site) -> None:
    """Give rows created without it (the baseline users) the lower-cased e-mail the case-insensitive look-up uses."""
    table = site.db["user"]
    for row in table.where(emaillower=None):
        table.update(row["id"], emaillower=_email_key(row.get("email")))


def email_taken(site: Site, email: str, *, exclude_id: int | None = None) -> bool:
    """Is ``email`` used by a local account (case-insensitive, as ``$DB->sql_equal('email', :email, false)``)?"""
    _index_lower_emails(site)
    return any(row["id"] != exclude_id for row in site.db["user"].where(emaillower=_email_key(email))
               if row.get("mnethostid", 1) == 1)


def user_by_username(site: Site, username: str) -> Row | None:
    return next((row for row in site.db["user"].where(username=username) if row.get("mnethostid", 1) == 1), None)


def live_user(site: Site, column: str, value: Any) -> Row | None:
    """``$DB->get_field('user', 'id', [$column => $value, 'deleted' => 0, 'mnethostid' => local])`` as a row."""
    if column == "id":
        row = site.db["user"].get(value)
        rows = [row] if row is not None else []
    else:
        rows = site.db["user"].where(**{column: value})
    return next((row for row in rows if not row.get("deleted") and row.get("mnethostid", 1) == 1), None)


def is_guest(user: Row) -> bool:
    return user["id"] == GUEST_ID


# -- writes ------------------------------------------------------------------------------------------------------


def set_user_preference(site: Site, userid: int, name: str, value: Any) -> None:
    table = site.db["user_preferences"]
    existing = table.first(userid=userid, name=name)
    if existing is None:
        table.insert({"userid": userid, "name": name, "value": str(value)})
    else:
        table.update(existing["id"], value=str(value))


def unset_user_preference(site: Site, userid: int, name: str) -> None:
    site.db["user_preferences"].delete_where(userid=userid, name=name)


def _check_username(username: str) -> None:
    if username != mb_strtolower(username):
        raise moodle_exception("usernamelowercase")
    if username != clean_param(username, "PARAM_USERNAME"):
        raise moodle_exception("invalidusername")


def create_user(site: Site, user: dict[str, Any], *, updatepassword: bool) -> int:
    """``user_create_user($user, $updatepassword, false)``: checks, defaults, insert, user context, password."""
    username = str(user.get("username", ""))
    if php_trim(username) == "":
        raise moodle_exception("invalidusernameblank")
    _check_username(username)
    password = user.get("password")
    if updatepassword and password is not None:
        errmsg = password_policy_error(str(password))
        if errmsg:
            raise moodle_exception(errmsg)
    now = site.now()
    row = {**site.default_user_fields(), "auth": "manual", "password": "", "idnumber": "", "email": "",
           "description": None, "firstnamephonetic": None, "lastnamephonetic": None, "middlename": None,
           "alternatename": None, "timecreated": now, "timemodified": now}
    row.update({key: user[key] for key in USER_COLUMNS if key in user and user[key] is not None})
    row["confirmed"] = int(bool(user.get("confirmed", 1)))
    row["suspended"] = int(bool(row.get("suspended")))
    row["emaillower"] = _email_key(row["email"])
    row["interests"] = list(user.get("interests_list") or [])
    if row["auth"] in EXTERNAL_AUTHS:
        row["password"] = AUTH_PASSWORD_NOT_CACHED
    elif updatepassword and password is not None:
        row["password"] = str(password)  # the sandbox keeps it readable for login/token.php
    userid = site.db["user"].insert(row)
    site.context(CONTEXT_USER, userid)
    return userid


def generate_password() -> str:
    """A password meeting the policy (what ``setnew_password_and_mail`` would e-mail; never returned)."""
    return "Aa1#" + secrets.token_urlsafe(12)


def update_user(site: Site, userid: int, changes: dict[str, Any], *, updatepassword: bool) -> None:
    """``user_update_user($user, $updatepassword, false)``: username checks, password policy, changed columns."""
    current = site.db["user"].rows[userid]
    if "username" in changes:
        _check_username(str(changes["username"]))
    password = changes.get("password")
    if updatepassword and password is not None:
        errmsg = password_policy_error(str(password))
        if errmsg:
            raise moodle_exception(errmsg)
    update = {key: changes[key] for key in USER_COLUMNS if key in changes}
    if "calendartype" in update and not update["calendartype"]:
        del update["calendartype"]
    if "suspended" in update:
        update["suspended"] = int(bool(update["suspended"]))
    if "interests_list" in changes:
        update["interests"] = list(changes["interests_list"])
    changed = {key: value for key, value in update.items() if current.get(key) != value}
    if "username" in changed:
        other = user_by_username(site, str(changed["username"]))
        if other is not None and other["id"] != userid:
            # The unique index (mnethostid, username) refuses the UPDATE.
            raise write_failure('duplicate key value violates unique constraint "mdl_user_mneuse_uix"')
    if changed:
        if "email" in changed:
            changed["emaillower"] = _email_key(changed["email"])
        changed["timemodified"] = site.now()
        site.db["user"].update(userid, **changed)
    if updatepassword and password is not None and current.get("auth") not in EXTERNAL_AUTHS:
        site.db["user"].update(userid, password=str(password))


# -- reads -------------------------------------------------------------------------------------------------------


def format_text_external(text: str | None, textformat: int) -> tuple[str, int]:
    """``core_external\\util::format_text`` without filters: empty text keeps its format, the rest becomes HTML."""
    if text is None or text == "":
        return "", textformat
    if textformat == FORMAT_HTML:
        return text, FORMAT_HTML
    if textformat == FORMAT_PLAIN:
        text = escape(text, quote=False)
    return '<div class="text_to_html">' + text.replace("\n", "<br />\n") + "</div>", FORMAT_HTML


def user_preferences(site: Site, userid: int) -> list[dict[str, str]]:
    return [{"name": row["name"], "value": row["value"]} for row in site.db["user_preferences"].where(userid=userid)]


def user_details(site: Site, viewer: Row, user: Row) -> dict[str, Any] | None:
    """``user_get_user_details_courses($user)`` with every default field, seen by ``viewer`` at system level.

    Keys are produced only when Moodle produces them (empty ``idnumber``, ``city``, ``address`` ... are left out);
    the order does not matter because the answer is cleaned along the function's return description.
    """
    is_self = viewer["id"] == user["id"]
    is_admin = site.is_siteadmin(viewer)
    if not is_self and not has_capability(site, viewer, "moodle/user:viewdetails"):
        return None
    view_all = is_self or has_capability(site, viewer, "moodle/user:viewalldetails")
    details: dict[str, Any] = {
        "id": user["id"],
        "fullname": site.fullname(user),
        "firstname": user["firstname"],
        "lastname": user["lastname"],
        "profileimageurl": site.image_url("core", "u/f1"),
        "profileimageurlsmall": site.image_url("core", "u/f2"),
        "suspended": bool(user.get("suspended")),
        "firstaccess": user.get("firstaccess") or 0,
        "lastaccess": user.get("lastaccess") or 0,
    }
    if view_all:
        details["username"] = user["username"]
    for column in ("address", "phone1", "phone2"):
        if user.get(column) and (is_admin or is_self):
            details[column] = user[column]
    if user.get("description") is not None:
        details["description"], details["descriptionformat"] = format_text_external(
            str(user["description"]), int(user.get("descriptionformat") or FORMAT_MOODLE))
    for column in ("country", "city", "timezone"):
        if user.get(column):
            details[column] = user[column]
    if is_self or has_capability(site, viewer, "moodle/site:viewuseridentity"):
        details["email"] = user.get("email", "")
    if user.get("interests"):
        details["interests"] = ", ".join(user["interests"])
    if view_all:
        if user.get("idnumber"):
            details["idnumber"] = user["idnumber"]
        if user.get("institution"):
            details["institution"] = user["institution"]
        if user.get("department") is not None:
            details["department"] = user["department"]
        for column in ("auth", "confirmed", "lang", "theme", "mailformat", "trackforums"):
            if user.get(column) is not None:
                details[column] = user[column]
        details["lang"] = clean_param(details.get("lang", ""), "PARAM_LANG")
        details["theme"] = clean_param(details.get("theme", ""), "PARAM_THEME")
    if is_self:
        details["preferences"] = user_preferences(site, user["id"])
    return details
