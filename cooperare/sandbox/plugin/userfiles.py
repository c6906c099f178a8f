"""``local_cooperare\\local\\userfiles``: the file of a draft area of the caller put into another user's private files
(the ``files`` table of :mod:`cooperare.sandbox.functions.filestorage`).

Core Moodle lets users manage only their own private files; the plugin writes into another user's area for a caller
holding ``local/cooperare:provision`` and ``moodle/user:editprofile`` in that user's context (``user/edit.php``'s
capability), and into an administrator's files only for an administrator. The same name and content is
``unchanged``; different content is ``replaced`` with ``overwrite``, else refused (``userfileexists``). The owner's
quota applies unless the owner holds ``moodle/user:ignoreuserquota``.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.functions.files import USER_QUOTA
from cooperare.sandbox.functions.filestorage import USER_DRAFT, USER_PRIVATE, area_files, create_file, get_file
from cooperare.sandbox.functions.moodle_strings import moodle_exception
from cooperare.sandbox.functions.userlib import has_capability, is_guest
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.plugin import util
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import CONTEXT_USER

FILEPATH_MAX = 255


def add(call: Call, item: dict[str, Any], seen: set[str]) -> dict[str, Any]:
    """Put the only file of draft area ``item["draftitemid"]`` of the caller into the user's private files."""
    site = call.site
    userid, draftitemid = int(item["userid"]), int(item["draftitemid"])
    what = f"file for user {userid} from draft area {draftitemid}"
    user = site.db["user"].get(userid) if userid > 0 else None
    if user is None or user.get("deleted"):
        raise InvalidParameterException(f"{what}: no such user")
    if is_guest(user):
        raise InvalidParameterException(f"{what}: the guest user has no private files")
    context = site.context(CONTEXT_USER, userid)
    assert context is not None
    util.require_capability(call, util.PROVISION)
    util.require_capability(call, "moodle/user:editprofile")
    if site.is_siteadmin(user) and not site.is_siteadmin(call.user):
        raise moodle_exception("useradmineditadmin", debuginfo=what)

    filepath = str(item["filepath"])
    if (filepath == "" or not filepath.startswith("/") or not filepath.endswith("/")
            or clean_param(filepath, "PARAM_PATH") != filepath or len(filepath) > FILEPATH_MAX):
        raise InvalidParameterException(f"{what}: filepath must be a folder such as / or /certificate/ (starting and "
                                        "ending with /)")

    caller_context = site.context(CONTEXT_USER, call.user["id"])
    assert caller_context is not None
    drafts = area_files(site, caller_context["id"], *USER_DRAFT, draftitemid, include_dirs=False)
    if len(drafts) != 1:
        raise InvalidParameterException(f"{what}: draft area {draftitemid} of the current user must hold exactly one "
                                        f"file (it holds {len(drafts)})")
    draft = drafts[0]
    filename = str(draft["filename"])
    what = f"file '{filepath}{filename}' of user {userid}"
    util.check_unique(seen, f"{userid}{filepath}{filename}", what)

    existing = get_file(site, context["id"], *USER_PRIVATE, 0, filepath, filename)
    result = {"userid": userid, "filepath": filepath, "filename": filename, "contenthash": draft["contenthash"]}
    if existing is not None and existing["contenthash"] == draft["contenthash"]:
        return {**result, "action": "unchanged"}
    if existing is not None and not item["overwrite"]:
        raise util.plugin_exception("userfileexists", what)

    if not has_capability(site, user, "moodle/user:ignoreuserquota"):
        used = sum(int(row["filesize"]) for row in area_files(site, context["id"], *USER_PRIVATE, 0,
                                                               include_dirs=False))
        used -= int(existing["filesize"]) if existing is not None else 0
        if used + int(draft["filesize"]) > int(site.settings.config.get("userquota", USER_QUOTA)):
            raise moodle_exception("maxareabytes", debuginfo=what)

    if existing is not None:
        site.db["files"].delete(existing["id"])
    copied = {key: value for key, value in draft.items()
              if key not in ("id", "pathnamehash", "content", "filesize", "contenthash")}
    copied.update(contextid=context["id"], component=USER_PRIVATE[0], filearea=USER_PRIVATE[1], itemid=0,
                  filepath=filepath, filename=filename, userid=userid)
    create_file(site, copied, draft["content"])
    return {**result, "action": "replaced" if existing is not None else "created"}
