"""core_user web-service functions: create, update, look up users, and move files into the private area.

Semantics follow ``user/externallib.php`` of Moodle 4.5 check by check, in the same order, so a bad batch fails on
the same item with the same ``debuginfo``:

- ``create_users`` runs in one delegated transaction: an error anywhere rolls the whole batch back, but the ids of
  the rolled-back inserts stay used (the recorded "next user id skips one per rolled-back insert");
- ``update_users`` gives every item its own transaction and turns failures into ``warnings``;
- ``get_users_by_field`` returns the users found, ordered by id, silently leaving out unknown values.
"""

from __future__ import annotations

import re
from typing import Any

from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException
from cooperare.sandbox.functions.course import installed_langs
from cooperare.sandbox.functions.moodle_strings import coding_exception, moodle_exception
from cooperare.sandbox.functions.userlib import (
    AUTH_PASSWORD_NOT_CACHED,
    EXTERNAL_AUTHS,
    create_user,
    email_taken,
    generate_password,
    is_guest,
    require_capability,
    set_user_preference,
    unset_user_preference,
    update_user,
    user_by_username,
    user_details,
)
from cooperare.sandbox.php import (
    INSTALLED_AUTH,
    INSTALLED_THEMES,
    clean_param,
    php_empty,
    php_loose_equals,
    php_str,
    php_trim,
    validate_email,
)
from cooperare.sandbox.registry import Call, ws_function

# Auth plugins create_users accepts: every installed one except mnet (needs mnethostid) and webservice.
CREATABLE_AUTHS = INSTALLED_AUTH - {"mnet", "webservice"}

# core_user::get_property_type() of the fields get_users_by_field searches.
SEARCH_FIELD_TYPES = {"id": "PARAM_INT", "idnumber": "PARAM_RAW", "username": "PARAM_USERNAME",
                      "email": "PARAM_RAW_TRIMMED"}


def _interests(text: Any) -> list[str]:
    """``useredit_update_interests`` input: comma-separated, trimmed, empties dropped."""
    return [item for item in (php_trim(part) for part in php_str(text).split(",")) if not php_empty(item)]


def _check_new_user(call: Call, user: dict[str, Any]) -> None:
    """The checks ``create_users`` makes before ``user_create_user``, in Moodle's order and wording."""
    site = call.site
    for fieldname in ("username", "firstname", "lastname"):
        if php_trim(php_str(user[fieldname])) == "":
            raise InvalidParameterException(f"The field {fieldname} cannot be blank")
    if user_by_username(site, user["username"]) is not None:
        raise InvalidParameterException(f"Username already exists: {user['username']}")
    if user["auth"] not in CREATABLE_AUTHS:
        raise InvalidParameterException(f"Invalid authentication type: {user['auth']}")
    if user["lang"] not in installed_langs(site):
        raise InvalidParameterException(f"Invalid language code: {user['lang']}")
    if not php_empty(user.get("theme")) and user["theme"] not in INSTALLED_THEMES:
        raise InvalidParameterException(f"Invalid theme: {user['theme']}")
    if (user["auth"] not in EXTERNAL_AUTHS and php_empty(user.get("password"))
            and php_empty(user.get("createpassword"))):
        raise InvalidParameterException("Invalid password: you must provide a password, or set createpassword.")
    email = php_str(user["email"])
    if not validate_email(email):
        raise InvalidParameterException(f"Email address is invalid: {email}")
    if email_taken(site, email):
        raise InvalidParameterException(f"Email address already exists: {email}")


@ws_function("core_user_create_users", atomic=True)
def create_users(call: Call) -> list[dict[str, Any]]:
    require_capability(call, "moodle/user:create")
    site = call.site
    created: list[dict[str, Any]] = []
    needs_password: list[int] = []
    for user in call.params["users"]:
        _check_new_user(call, user)
        record = {key: value for key, value in user.items() if key not in ("createpassword", "customfields",
                                                                             "preferences", "interests")}
        record["confirmed"] = 1
        createpassword = not php_empty(user.get("createpassword"))
        updatepassword = False
        if record["auth"] in EXTERNAL_AUTHS:
            record["password"] = AUTH_PASSWORD_NOT_CACHED
        elif createpassword:
            record["password"] = ""
        else:
            updatepassword = True
        if not php_empty(user.get("interests")):
            record["interests_list"] = _interests(user["interests"])
        userid = create_user(site, record, updatepassword=updatepassword)
        if createpassword:
            unset_user_preference(site, userid, "create_password")
            set_user_preference(site, userid, "auth_forcepasswordchange", 1)
            needs_password.append(userid)
        for preference in user.get("preferences") or ():
            set_user_preference(site, userid, str(preference["type"]), preference["value"])
        created.append({"id": userid, "username": user["username"]})
    for userid in needs_password:  # setnew_password_and_mail(), after the commit in Moodle
        site.db["user"].update(userid, password=generate_password())
    return created


def _update_one(call: Call, user: dict[str, Any]) -> None:
    """One item of ``update_users``; any exception becomes a warning."""
    site = call.site
    existing = site.db["user"].get(user["id"])
    if existing is None:
        raise moodle_exception("invaliduserid", debuginfo="Invalid user ID")
    if existing["id"] != call.user["id"] and site.is_siteadmin(existing) and not site.is_siteadmin(call.user):
        raise moodle_exception("usernotupdatedadmin", debuginfo="Cannot update admin accounts")
    if existing.get("deleted"):
        raise moodle_exception("usernotupdateddeleted", debuginfo="User is a deleted user")
    if is_guest(existing):
        raise moodle_exception("usernotupdatedguest", debuginfo="Cannot update guest account")
    if "email" in user and user["email"] != existing.get("email"):
        if not validate_email(php_str(user["email"])):
            raise moodle_exception("useremailinvalid", debuginfo="Invalid email address")
        if email_taken(site, php_str(user["email"]), exclude_id=existing["id"]):
            raise moodle_exception("useremailduplicate", debuginfo="Duplicate email address")
    changes = {key: value for key, value in user.items()
               if key not in ("id", "customfields", "preferences", "interests", "userpicture")}
    if not php_empty(user.get("interests")):
        changes["interests_list"] = _interests(user["interests"])
    update_user(site, existing["id"], changes, updatepassword=True)
    for preference in user.get("preferences") or ():
        set_user_preference(site, existing["id"], str(preference["type"]), preference["value"])


@ws_function("core_user_update_users")
def update_users(call: Call) -> dict[str, Any]:
    require_capability(call, "moodle/user:update")
    warnings: list[dict[str, Any]] = []
    for user in call.params["users"]:
        try:
            _update_one(call, user)
        except MoodleException as error:
            warnings.append({"item": "user", "itemid": user["id"], "warningcode": error.errorcode,
                             "message": error.message})
    return {"warnings": warnings}


@ws_function("core_user_get_users_by_field")
def get_users_by_field(call: Call) -> list[dict[str, Any]]:
    site = call.site
    field = call.params["field"]
    paramtype = SEARCH_FIELD_TYPES.get(field)
    if paramtype is None:
        raise coding_exception("invalid field parameter",
                               f"The search field '{field}' is not supported, look at the web service documentation")
    cleaned_values = []
    for value in call.params["values"]:
        cleaned = clean_param(value, paramtype)
        if not php_loose_equals(value, cleaned):
            raise InvalidParameterException(
                f"The field '{field}' value is invalid: {php_str(value)}(cleaned value: {php_str(cleaned)})")
        cleaned_values.append(cleaned)
    table = site.db["user"]
    found: dict[int, Any] = {}
    for value in dict.fromkeys(cleaned_values):
        if field == "id":
            row = table.get(value)
            rows = [row] if row is not None else []
        else:
            rows = table.where(**{field: value})
        for row in rows:
            found[row["id"]] = row
    result = []
    for userid in sorted(found):
        details = user_details(site, call.user, found[userid])
        if details is not None and not php_empty(details.get(field)):
            result.append(details)
    return result


# core_user::get_property_type() of the keys core_user_get_users accepts.
GET_USERS_KEY_TYPES = {"id": "PARAM_INT", "idnumber": "PARAM_RAW", "username": "PARAM_USERNAME",
                       "email": "PARAM_RAW_TRIMMED", "auth": "PARAM_AUTH", "lastname": "PARAM_NOTAGS",
                       "firstname": "PARAM_NOTAGS"}
_LIKE_KEYS = ("email", "lastname", "firstname")


def _sql_ilike(pattern: str) -> re.Pattern[str]:
    """``$DB->sql_like($field, $param, false)`` on PostgreSQL (ILIKE): ``%`` any run, ``_`` one character,
    ``\\`` escapes."""
    parts, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@ws_function("core_user_get_users")
def get_users(call: Call) -> dict[str, Any]:
    """Moodle's ``core_user_external::get_users``: users matching every criterion (exact keys, or ILIKE for email,
    lastname and firstname), unsupported keys answered with a warning, only users the caller may see."""
    site = call.site
    warnings: list[dict[str, Any]] = []
    used: set[str] = set()
    tests: list[tuple[str, Any]] = []
    for criterion in call.params["criteria"]:
        key = criterion["key"]
        if key in used:
            raise moodle_exception("keyalreadyset", "", debuginfo=f"The key {key} can only be sent once")
        used.add(key)
        paramtype = GET_USERS_KEY_TYPES.get(key)
        if paramtype is None:
            warnings.append({"item": key, "warningcode": "invalidfieldparameter",
                             "message": f"The search key '{key}' is not supported, look at the web service "
                                        "documentation"})
            continue
        tests.append((key, clean_param(criterion["value"], paramtype)))

    def matches(row: Any) -> bool:
        for key, value in tests:
            if key in _LIKE_KEYS:
                if not _sql_ilike(php_str(value)).fullmatch(php_str(row[key] or "")):
                    return False
            elif key == "id":
                if row["id"] != value:
                    return False
            elif php_str(row[key] or "") != php_str(value):
                return False
        return True

    users = []
    for row in sorted(site.db["user"].where(deleted=0), key=lambda r: r["id"]):
        if not matches(row):
            continue
        details = user_details(site, call.user, row)
        if details is not None and all(not php_empty(details.get(key)) for key, _ in tests):
            users.append(details)
    return {"users": users, "warnings": warnings}
