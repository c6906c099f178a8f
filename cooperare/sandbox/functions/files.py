"""Files: ``/webservice/upload.php``, ``core_user_add_user_private_files`` and ``core_files_get_files``.

``upload.php`` is not a web-service function: it answers with ``json_encode`` of the stored file records, so
``userid`` is a string (``$USER->id`` comes from the database as one) while ``itemid`` is an int, and failures are
``AJAX_SCRIPT`` error objects (``{"error", "errorcode", "stacktrace", "debuginfo", "reproductionlink"}``).
``source`` is PHP's ``serialize()`` of ``{source: filename}``, whose ``s:N`` counts bytes, not characters.

``core_files_get_files`` walks Moodle's file browser for the user's own ``private`` and ``draft`` areas (the recorded
parents: "System", then the user's full name) and, for any other area, lists the stored files it finds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cooperare.sandbox import exceptions as mx
from cooperare.sandbox.db import Row
from cooperare.sandbox.functions.cohort import context_from_params
from cooperare.sandbox.functions.filestorage import (
    USER_DRAFT,
    USER_PRIVATE,
    area_size,
    create_file,
    directory_children,
    get_file,
    merge_draft_into_area,
    unused_draft_itemid,
)
from cooperare.sandbox.functions.moodle_strings import get_string, moodle_exception
from cooperare.sandbox.functions.userlib import has_capability, is_guest, require_capability
from cooperare.sandbox.php import clean_param, php_str
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.request import UploadedFile
from cooperare.sandbox.site import CONTEXT_SYSTEM, CONTEXT_USER, DEBUG_DEVELOPER, Site

USER_QUOTA = 104857600  # $CFG->userquota default (100 MB)


def php_serialize_source(filename: str) -> str:
    """``serialize((object) ['source' => $filename])``."""
    length = len(filename.encode("utf-8", "surrogateescape"))
    return f'O:8:"stdClass":1:{{s:6:"source";s:{length}:"{filename}";}}'


# -- upload.php --------------------------------------------------------------------------------------------------


def _ajax_error(site: Site, error: mx.MoodleException) -> dict[str, Any]:
    """What ``core_renderer_ajax::fatal_error`` prints for an exception."""
    developer = int(site.settings.config.get("debug", 0) or 0) >= DEBUG_DEVELOPER
    return {"error": error.message, "errorcode": error.errorcode, "stacktrace": None,
            "debuginfo": error.debuginfo if developer and error.debuginfo else None, "reproductionlink": None}


def _upload_user(site: Site, args: dict[Any, Any]) -> Row:
    """``required_param('token', PARAM_ALPHANUM)`` then ``webservice::authenticate_user``."""
    if "token" not in args or isinstance(args["token"], dict):
        raise moodle_exception("missingparam", a="token")
    token = clean_param(args["token"], "PARAM_ALPHANUM")
    token_row = site.db["external_tokens"].first(token=token)
    if token_row is None:
        raise moodle_exception("invalidtoken", "webservice")
    user = site.db["user"].get(token_row["userid"])
    if user is None or user.get("deleted"):
        raise mx.missing_record(site, "user", value=token_row["userid"])
    service = site.db["external_services"].get(token_row["externalserviceid"])
    if service is None or not service.get("enabled"):
        raise mx.access_exception("Web service is not available (it doesn't exist or might be disabled)")
    if not user.get("confirmed", 1):
        raise moodle_exception("usernotconfirmed", a=user["username"])
    if user.get("suspended"):
        raise moodle_exception("wsaccessusersuspended", a=user["username"])
    if user.get("auth") == "nologin":
        raise moodle_exception("wsaccessusernologin", a=user["username"])
    if not service.get("uploadfiles", 1):
        raise mx.access_exception("Web service file upload must be enabled in external service settings")
    return user


def _store_uploads(site: Site, user: Row, itemid: int, filepath: str, files: list[UploadedFile]) -> list[Any]:
    context = site.context(CONTEXT_USER, user["id"])
    assert context is not None
    if itemid <= 0:
        itemid = unused_draft_itemid(site, context["id"])
    if not filepath.startswith("/") or not filepath.endswith("/"):
        raise moodle_exception("storedfileproblem", a="Invalid file path")
    results: list[Any] = []
    for upload in files:
        filename = clean_param(upload.filename, "PARAM_FILE")
        record = {"component": "user", "contextid": context["id"], "userid": php_str(user["id"]),
                  "filearea": "draft", "filename": filename, "filepath": filepath, "itemid": itemid,
                  "license": "unknown", "author": site.fullname(user), "source": php_serialize_source(filename),
                  "filesize": len(upload.content)}
        if get_file(site, context["id"], *USER_DRAFT, itemid, filepath, filename) is not None:
            results.append({"filename": filename, "filepath": f"/tmp/php{secrets.token_hex(3)}",
                            "size": len(upload.content), "errortype": "filenameexist",
                            "error": get_string("filenameexist", "webservice", filename)})
            continue
        stored = {key: record[key] for key in ("component", "contextid", "filearea", "filename", "filepath",
                                               "itemid", "license", "author", "source")}
        create_file(site, {**stored, "userid": user["id"], "mimetype": upload.content_type}, upload.content)
        results.append(record)
    return results


def handle_upload(site: Site, user: Row | None, args: dict[Any, Any], files: list[UploadedFile]) -> Any:
    """``webservice/upload.php``: store the uploaded files in a draft area of the token's user.

    ``user`` (the server's token look-up) is not trusted for errors: the token is looked up again so that a
    missing, unknown or suspended-user token gets the same error object as on Moodle.
    """
    del user
    filepath = clean_param(args.get("filepath", "/"), "PARAM_PATH") if not isinstance(args.get("filepath"), dict) \
        else "/"
    itemid = clean_param(args.get("itemid", 0), "PARAM_INT") if not isinstance(args.get("itemid"), dict) else 0
    try:
        owner = _upload_user(site, args)
        for upload in files:
            if upload.filename == "":
                raise moodle_exception("upload_error_no_file", "repository_upload")
        return _store_uploads(site, owner, itemid, filepath, files)
    except mx.MoodleException as error:
        return _ajax_error(site, error)


# -- core_user_add_user_private_files ----------------------------------------------------------------------------


@ws_function("core_user_add_user_private_files")
def add_user_private_files(call: Call) -> None:
    site, user = call.site, call.user
    if is_guest(user):
        raise mx.InvalidParameterException("Guest users cannot upload files")
    context = site.context(CONTEXT_USER, user["id"])
    assert context is not None
    require_capability(call, "moodle/user:manageownfiles")
    draftid = call.params["draftid"]
    if not has_capability(site, user, "moodle/user:ignoreuserquota"):
        used = area_size(site, context["id"], *USER_PRIVATE)
        incoming = area_size(site, context["id"], *USER_DRAFT, draftid)
        if used + incoming > USER_QUOTA:
            raise moodle_exception("maxareabytes")
    merge_draft_into_area(site, (context["id"], draftid), (context["id"], *USER_PRIVATE, 0), user["id"])
    return None


# -- core_files_get_files ----------------------------------------------------------------------------------------


def _context_node(site: Site, context: Row) -> dict[str, Any]:
    if context["contextlevel"] == CONTEXT_SYSTEM:
        name = "System"
    elif context["contextlevel"] == CONTEXT_USER:
        owner = site.db["user"].get(context["instanceid"])
        name = site.fullname(owner) if owner else ""
    else:
        name = ""
    return {"contextid": context["id"], "component": None, "filearea": None, "itemid": None, "filepath": None,
            "filename": name}


def _context_parents(site: Site, context: Row) -> list[dict[str, Any]]:
    """The context levels above an area: System, then (for a user area) the user."""
    nodes = [_context_node(site, site.db["context"].rows[1])]
    if context["contextlevel"] == CONTEXT_USER:
        nodes.append(_context_node(site, context))
    return nodes


def _visible_name(row: Row, top: str) -> str:
    if row["filename"] != ".":
        return row["filename"]
    last = row["filepath"].strip("/").split("/")[-1]
    return last or top


def _file_url(site: Site, row: Row, urlbase: str, itemid_used: bool) -> str:
    """``file_encode_url`` with slash arguments: every path segment rawurlencoded."""
    itemid = f"/{row['itemid']}" if itemid_used else ""
    path = f"/{row['contextid']}/{row['component']}/{row['filearea']}{itemid}{row['filepath']}{row['filename']}"
    return site.url(urlbase) + "/".join(quote(part, safe="") for part in path.split("/"))


def _node(site: Site, row: Row, top: str, urlbase: str, itemid_used: bool) -> dict[str, Any]:
    is_dir = row["filename"] == "."
    return {
        "contextid": row["contextid"], "component": row["component"], "filearea": row["filearea"],
        "itemid": row["itemid"], "filepath": row["filepath"], "filename": _visible_name(row, top),
        "url": None if is_dir else _file_url(site, row, urlbase, itemid_used), "isdir": is_dir,
        "timemodified": row["timemodified"], "timecreated": row["timecreated"],
        "filesize": 0 if is_dir else row["filesize"], "author": None if is_dir else row.get("author"),
        "license": None if is_dir else row.get("license"),
    }


@dataclass(frozen=True)
class AreaBrowser:
    """How ``file_info_stored`` shows an area: root name, URL script, itemid in URLs, root without parents."""

    top: str
    urlbase: str
    itemid_used: bool
    area_only: bool = False


def _area_browser(call: Call, context: Row, component: str, filearea: str, itemid: int) -> AreaBrowser | None:
    """The browser of an area the caller may see, or None (``get_file_info`` returned null)."""
    if context["contextlevel"] == CONTEXT_USER:
        if context["instanceid"] != call.user["id"]:
            return None
        if (component, filearea) == USER_PRIVATE:
            return AreaBrowser(get_string("areauserpersonal", "repository"), "/pluginfile.php", False)
        if (component, filearea) == USER_DRAFT and itemid:
            return AreaBrowser(get_string("areauserdraft", "repository"), "/draftfile.php", True, True)
        return None
    return AreaBrowser(filearea, "/pluginfile.php", True)


def _directory_parents(site: Site, directory: Row, top: str) -> list[dict[str, Any]]:
    """Directories above ``directory`` inside its area (the area root first)."""
    parts = directory["filepath"].strip("/").split("/") if directory["filepath"] != "/" else []
    chain = []
    for depth in range(len(parts)):
        filepath = "/" + "".join(part + "/" for part in parts[:depth])
        chain.append({"contextid": directory["contextid"], "component": directory["component"],
                      "filearea": directory["filearea"], "itemid": directory["itemid"], "filepath": filepath,
                      "filename": _visible_name({"filename": ".", "filepath": filepath}, top)})
    return chain


@ws_function("core_files_get_files")
def get_files(call: Call) -> dict[str, Any]:
    site, params = call.site, call.params
    contextid = params["contextid"]
    found: Row | None
    if contextid == 0:
        found = site.db["context"].rows[1]
    elif contextid == -1:
        found = context_from_params(site, {"contextid": None, "contextlevel": params.get("contextlevel"),
                                           "instanceid": params.get("instanceid")})
    else:
        found = site.db["context"].get(contextid)
    if found is None:
        raise mx.InvalidParameterException("Context does not exist")
    context = found
    component = params["component"] or None
    filearea = params["filearea"] or None
    filepath = params["filepath"] or "/"
    filename = params["filename"] or "."
    empty: dict[str, Any] = {"parents": [], "files": []}
    if component is None or filearea is None or params["itemid"] is None:
        return {"parents": _context_parents(site, context)[:-1], "files": []} \
            if context["contextlevel"] == CONTEXT_USER and context["instanceid"] == call.user["id"] else empty
    browser = _area_browser(call, context, component, filearea, params["itemid"])
    if browser is None:
        return empty
    top = browser.top
    itemid = params["itemid"] if browser.itemid_used else 0
    row = get_file(site, context["id"], component, filearea, itemid, filepath, filename)
    if row is None:
        if filepath != "/" or filename != ".":
            return empty
        row = {"contextid": context["id"], "component": component, "filearea": filearea, "itemid": itemid,
               "filepath": "/", "filename": "."}  # virtual_root_file: the area has no files yet
    above = [] if browser.area_only else _context_parents(site, context)
    parents = above + _directory_parents(site, row, top)
    if row["filename"] != ".":
        parents.append({"contextid": row["contextid"], "component": row["component"], "filearea": row["filearea"],
                        "itemid": row["itemid"], "filepath": row["filepath"],
                        "filename": _visible_name({"filename": ".", "filepath": row["filepath"]}, top)})
        return {"parents": parents, "files": []}
    modified = params.get("modified")
    children = directory_children(site, row) if "id" in row else []
    files = [_node(site, child, top, browser.urlbase, browser.itemid_used) for child in children
             if modified is None or modified < child["timemodified"]]
    return {"parents": parents, "files": files}
