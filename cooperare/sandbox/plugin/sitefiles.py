"""``local_cooperare\\local\\sitefiles`` and ``verify.php``: static sites the plugin serves at a stable address.

The certificate verification site (area ``verify``) lives in the system context under component
``local_cooperare``, item 0, with its folders. ``local_cooperare_publish_site`` makes the area equal to one draft
area of the caller (created, replaced, unchanged and, with ``replace``, deleted files); :func:`serve` answers what
``/local/cooperare/verify.php/…`` answers on a real site, without login: the file, a 404, or a redirect to the
address with a slash.
"""

from __future__ import annotations

import posixpath
from typing import Any

from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.functions.filestorage import USER_DRAFT, area_files, create_file, get_file
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.plugin import util
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import CONTEXT_SYSTEM, CONTEXT_USER, Site

AREAS = ("verify",)
EXTENSIONS = ("html", "css", "js", "json", "jwt", "svg", "png", "txt")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SCRIPT_PREFIX = "/local/cooperare/"
TYPES = {"html": "text/html", "css": "text/css", "js": "application/x-javascript", "json": "application/json",
         "svg": "image/svg+xml", "png": "image/png", "txt": "text/plain",
         "jwt": "document/unknown"}
"""What Moodle's mimeinfo() gives each extension (the type a stored file is served with)."""
SERVED_TYPES = {"status-list.jwt": "application/vc+jwt"}
"""``sitefiles::TYPES``: files served with a type Moodle does not know (plugin 2026120420+)."""
PAGE_LIFETIME = 300
NOT_PUBLISHED = "No verification page has been published on this site yet."


def _system_context(site: Site) -> int:
    context = site.context(CONTEXT_SYSTEM, 0)
    assert context is not None
    return int(context["id"])


def publish(call: Call, area: str, draftitemid: int, replace: bool) -> dict[str, Any]:
    site = call.site
    util.require_capability(call, util.PROVISION)
    if area not in AREAS:
        raise InvalidParameterException(f"area '{area}': not a published site (known: {', '.join(AREAS)})")
    caller_context = site.context(CONTEXT_USER, call.user["id"])
    assert caller_context is not None
    drafts = area_files(site, caller_context["id"], *USER_DRAFT, draftitemid, include_dirs=False)
    if not drafts:
        raise InvalidParameterException(f"draft area {draftitemid} of the current user holds no file")
    system = _system_context(site)
    result: dict[str, Any] = {"created": 0, "replaced": 0, "unchanged": 0, "deleted": 0, "files": []}
    published: set[str] = set()
    for draft in drafts:
        filepath, filename = str(draft["filepath"]), str(draft["filename"])
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in EXTENSIONS:
            raise InvalidParameterException(f"{filepath}{filename}: a published site holds only "
                                            f"{', '.join(EXTENSIONS)} files")
        published.add(filepath + filename)
        existing = get_file(site, system, "local_cooperare", area, 0, filepath, filename)
        if existing is not None and existing["contenthash"] == draft["contenthash"]:
            action = "unchanged"
        else:
            if existing is not None:
                site.db["files"].delete(existing["id"])
            copied = {key: value for key, value in draft.items()
                      if key not in ("id", "pathnamehash", "content", "filesize", "contenthash")}
            copied.update(contextid=system, component="local_cooperare", filearea=area, itemid=0,
                          filepath=filepath, filename=filename, userid=call.user["id"],
                          mimetype=TYPES.get(extension))
            create_file(site, copied, draft["content"])
            action = "replaced" if existing is not None else "created"
        result[action] += 1
        result["files"].append({"filepath": filepath, "filename": filename, "action": action})
    if replace:
        for row in area_files(site, system, "local_cooperare", area, 0, include_dirs=False):
            if row["filepath"] + row["filename"] not in published:
                result["files"].append({"filepath": row["filepath"], "filename": row["filename"],
                                        "action": "deleted"})
                site.db["files"].delete(row["id"])
                result["deleted"] += 1
        for row in area_files(site, caller_context["id"], *USER_DRAFT, draftitemid):
            site.db["files"].delete(row["id"])
    result["url"] = f"{site.wwwroot}{SCRIPT_PREFIX}{area}.php/"
    return result


def find(site: Site, area: str, relativepath: str) -> dict[str, Any] | None:
    """The published file a request path names (a folder: its index.html), or None."""
    if area not in AREAS:
        return None
    relativepath = "/" + relativepath.lstrip("/")
    if relativepath.endswith("/"):
        relativepath += "index.html"
    if ".." in relativepath or clean_param(relativepath, "PARAM_PATH") != relativepath:
        return None
    filename = posixpath.basename(relativepath)
    filepath = posixpath.dirname(relativepath).rstrip("/") + "/"
    return get_file(site, _system_context(site), "local_cooperare", area, 0, filepath, filename)


def serve(site: Site, path: str, query: str) -> tuple[int, str, bytes, dict[str, str]]:
    """What ``/local/cooperare/verify.php…`` answers: (status, content type, body, headers)."""
    rest = path[len(SCRIPT_PREFIX + "verify.php"):]
    if rest == "":
        location = f"{site.wwwroot}{SCRIPT_PREFIX}verify.php/" + (f"?{query}" if query else "")
        return 301, "text/html", b"", {"Location": location}
    row = find(site, "verify", rest)
    if row is None or not site.settings.plugin:
        return 404, "text/plain; charset=utf-8", NOT_PUBLISHED.encode(), {}
    filename, filepath = str(row["filename"]), str(row["filepath"])
    headers = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
               "Cache-Control": ("no-cache" if lifetime(filepath, filename) == 0
                                 else f"public, max-age={PAGE_LIFETIME}")}
    return 200, content_type(filename, row.get("mimetype")), bytes(row["content"]), headers


def lifetime(filepath: str, filename: str) -> int:
    """``sitefiles::lifetime``: 0 (never cached) for the registry, its shards and the Open Badges status list."""
    changing = filename.startswith("registry") or filepath.startswith("/registry-") or filename == "status-list.jwt"
    return 0 if changing else PAGE_LIFETIME


def content_type(filename: str, stored: object) -> str:
    """The type verify.php sends: ``sitefiles::content_type``, else the stored file's, where Moodle's
    ``get_mimetype_for_sending`` turns an unknown one (``document/unknown``) into ``application/octet-stream``."""
    if filename in SERVED_TYPES:
        return SERVED_TYPES[filename]
    return str(stored) if stored and stored != "document/unknown" else "application/octet-stream"
