"""Moodle's file storage (``lib/filestorage/file_storage.php``) as rows of the ``files`` table.

A file is addressed by (contextid, component, filearea, itemid, filepath, filename); ``pathnamehash`` is the SHA-1 of
``/contextid/component/filearea/itemid/filepath/filename`` as in Moodle, and is indexed. Directories are records whose
filename is ``"."``; creating a file creates its directory chain, like ``create_directory``. Contents are kept in
memory with their SHA-1 (``contenthash``).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from cooperare.sandbox.db import Row
from cooperare.sandbox.site import Site

USER_DRAFT = ("user", "draft")
USER_PRIVATE = ("user", "private")
DEFAULT_LICENSE = "unknown"  # $CFG->sitedefaultlicense on the recorded site

_EMPTY_SHA1 = hashlib.sha1(b"").hexdigest()


def pathnamehash(contextid: int, component: str, filearea: str, itemid: int, filepath: str, filename: str) -> str:
    return hashlib.sha1(f"/{contextid}/{component}/{filearea}/{itemid}{filepath}{filename}".encode()).hexdigest()


def get_file(site: Site, contextid: int, component: str, filearea: str, itemid: int, filepath: str,
             filename: str) -> Row | None:
    key = pathnamehash(contextid, component, filearea, itemid, filepath, filename)
    return site.db["files"].first(pathnamehash=key)


def area_files(site: Site, contextid: int, component: str, filearea: str, itemid: int, *,
               include_dirs: bool = True) -> list[Row]:
    """``get_area_files`` sorted by filepath, filename (directories included unless told otherwise)."""
    rows = site.db["files"].where(contextid=contextid, component=component, filearea=filearea, itemid=itemid)
    if not include_dirs:
        rows = [row for row in rows if row["filename"] != "."]
    return sorted(rows, key=lambda row: (row["filepath"], row["filename"]))


def directory_children(site: Site, directory: Row) -> list[Row]:
    """``get_directory_files(..., recursive false, includedirs true, 'filepath, filename')``: subdirectories first."""
    filepath = directory["filepath"]
    level = filepath.count("/") + 1
    rows = area_files(site, directory["contextid"], directory["component"], directory["filearea"],
                      directory["itemid"])
    dirs = [row for row in rows if row["filename"] == "." and row["filepath"] != filepath
            and row["filepath"].startswith(filepath) and row["filepath"].count("/") == level]
    files = [row for row in rows if row["filename"] != "." and row["filepath"] == filepath]
    return dirs + files


def _insert(site: Site, record: dict[str, Any]) -> Row:
    key = pathnamehash(record["contextid"], record["component"], record["filearea"], record["itemid"],
                       record["filepath"], record["filename"])
    row_id = site.db["files"].insert({**record, "pathnamehash": key})
    return site.db["files"].rows[row_id]


def create_directory(site: Site, contextid: int, component: str, filearea: str, itemid: int, filepath: str,
                     userid: int | None) -> Row:
    """``file_storage::create_directory``: the parent chain first, nothing when it already exists."""
    existing = get_file(site, contextid, component, filearea, itemid, filepath, ".")
    if existing is not None:
        return existing
    if filepath != "/":
        parent = "/" + "/".join(filepath.strip("/").split("/")[:-1])
        create_directory(site, contextid, component, filearea, itemid, parent if parent == "/" else parent + "/",
                         userid)
    now = site.now()
    return _insert(site, {
        "contextid": contextid, "component": component, "filearea": filearea, "itemid": itemid,
        "filepath": filepath, "filename": ".", "userid": userid, "filesize": 0, "mimetype": None,
        "contenthash": _EMPTY_SHA1, "content": b"", "source": None, "author": None, "license": None,
        "timecreated": now, "timemodified": now, "status": 0, "sortorder": 0,
    })


def create_file(site: Site, record: dict[str, Any], content: bytes) -> Row:
    """``create_file_from_pathname``/``create_file_from_string``: the file, then its directory chain."""
    now = site.now()
    row = _insert(site, {
        "userid": None, "source": None, "author": None, "license": DEFAULT_LICENSE, "mimetype": None,
        "status": 0, "sortorder": 0, "timecreated": now, "timemodified": now, **record,
        "filesize": len(content), "contenthash": hashlib.sha1(content).hexdigest(), "content": content,
    })
    create_directory(site, row["contextid"], row["component"], row["filearea"], row["itemid"], row["filepath"],
                     row.get("userid"))
    return row


def unused_draft_itemid(site: Site, user_contextid: int) -> int:
    """``file_get_unused_draft_itemid``: a random draft area id with no files yet."""
    while True:
        itemid = random.randint(1, 999_999_999)
        if not site.db["files"].where(contextid=user_contextid, component="user", filearea="draft", itemid=itemid):
            return itemid


def merge_draft_into_area(site: Site, draft: tuple[int, int], target: tuple[int, str, str, int],
                          userid: int) -> None:
    """``file_merge_files_from_draft_area_into_filearea``: draft files added to the area, same names replaced."""
    draft_contextid, draftid = draft
    contextid, component, filearea, itemid = target
    for row in area_files(site, draft_contextid, *USER_DRAFT, draftid):
        if row["filename"] == ".":
            create_directory(site, contextid, component, filearea, itemid, row["filepath"], userid)
            continue
        existing = get_file(site, contextid, component, filearea, itemid, row["filepath"], row["filename"])
        if existing is not None:
            site.db["files"].delete(existing["id"])
        copied = {key: value for key, value in row.items() if key not in ("id", "pathnamehash", "content",
                                                                           "filesize", "contenthash")}
        copied.update(contextid=contextid, component=component, filearea=filearea, itemid=itemid,
                      timemodified=site.now())
        create_file(site, copied, row["content"])


def area_size(site: Site, contextid: int, component: str, filearea: str, itemid: int | None = None) -> int:
    rows = site.db["files"].where(contextid=contextid, component=component, filearea=filearea)
    return sum(row["filesize"] for row in rows if itemid is None or row["itemid"] == itemid)
