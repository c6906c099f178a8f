"""The English strings of the errors the user, cohort, file and message handlers raise, and ``moodle_exception``.

``new moodle_exception($errorcode, $module, $link, $a, $debuginfo)`` looks the message up with
``get_string($errorcode, $module ?: 'error', $a)``; when the string does not exist the message is
``"$module/$errorcode"``. That is why a weak password gives ``"error/<div>Passwords must ..."``: the policy text is
used as the error code. Strings are copied from Moodle 4.5's ``lang/en``.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.exceptions import CODING_EXCEPTION, MoodleException

STRINGS: dict[tuple[str, str], str] = {
    ("error", "invaliduserid"): "Invalid user ID",
    ("error", "invalidusername"): "The given username contains invalid characters",
    ("error", "invalidusernameblank"): "The username cannot be blank",
    ("error", "useremailduplicate"): "Duplicate address",
    ("error", "usernamelowercase"): "The username must be in lower case",
    ("error", "usernotupdatedadmin"): "Cannot update admin accounts",
    ("error", "useradmineditadmin"): "Only administrators are allowed to modify other administrator accounts",
    ("error", "nofile"): "File not specified",
    ("error", "missingparam"): "A required parameter ({$a}) was missing",
    ("error", "maxareabytes"): "The file is larger than the space remaining in this area.",
    ("error", "messageundeliveredbynotificationsettings"):
        "The message could not be sent because personal messages between users (in Notification settings) has "
        "been disabled by a site administrator.",
    ("error", "invalidrecord"): "Can't find data record in database table {$a}.",
    ("error", "dmlwriteexception"): "Error writing to database",
    ("webservice", "invalidtoken"): "Invalid token - token not found",
    ("webservice", "filenameexist"): "File name already exists: {$a}",
    ("message", "touserdoesntexist"): "You cannot send a message to a user ID ({$a}) that doesn't exist.",
    ("message", "usercantbemessaged"):
        "You can't message this user due to their message preferences. Try adding them as a contact.",
    ("message", "errormessagetoolong"): "The message is longer than the maximum allowed.",
    ("message", "disabled"): "Messaging is disabled on this site",
    ("repository_upload", "upload_error_no_file"): "No file was uploaded.",
    ("debug", "codingerror"): "Coding error detected, it must be fixed by a programmer: {$a}",
    ("auth", "errorminpasswordlength"): "Passwords must be at least {$a} characters long.",
    ("auth", "errorminpassworddigits"): "Passwords must have at least {$a} digit(s).",
    ("auth", "errorminpasswordlower"): "Passwords must have at least {$a} lower case letter(s).",
    ("auth", "errorminpasswordupper"): "Passwords must have at least {$a} upper case letter(s).",
    ("auth", "errorminpasswordnonalphanum"):
        "The password must have at least {$a} special character(s) such as *, -, or #.",
    ("auth", "errormaxconsecutiveidentchars"): "Passwords must have at most {$a} consecutive identical characters.",
    ("repository", "areauserpersonal"): "Private files",
    ("repository", "areauserdraft"): "Drafts",
}


def get_string(identifier: str, component: str = "moodle", a: Any = None) -> str:
    """``get_string`` over :data:`STRINGS`; ``{$a}`` replaced by ``a``."""
    text = STRINGS[(component, identifier)]
    return text.replace("{$a}", "" if a is None else str(a))


def string_exists(identifier: str, component: str) -> bool:
    return (component, identifier) in STRINGS


def moodle_exception(errorcode: str, module: str = "", a: Any = None, *, debuginfo: str | None = None
                     ) -> MoodleException:
    """``new moodle_exception($errorcode, $module, '', $a, $debuginfo)`` with Moodle's message rules."""
    if module in ("", "moodle", "core"):
        module = "error"
    if string_exists(errorcode, module):
        message = get_string(errorcode, module, a)
    else:
        message = f"{module}/{errorcode}"
    return MoodleException(errorcode, message, debuginfo=debuginfo)


def coding_exception(hint: str, debuginfo: str | None = None) -> MoodleException:
    """``new coding_exception($hint, $debuginfo)``."""
    return MoodleException("codingerror", get_string("codingerror", "debug", hint), exception=CODING_EXCEPTION,
                           debuginfo=debuginfo)
