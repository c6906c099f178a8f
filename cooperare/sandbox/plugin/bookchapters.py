"""Sandbox twin of local_cooperare_save_book_chapters and get_book_chapters: the chapters of a book that the
pack manages.

A managed chapter carries its stable key in ``importsrc`` as ``cooperare:<key>``. One call sets the managed chapters
to exactly the listed ones (created, updated, unchanged, deleted when not listed, with the files of their chapter
area); chapters without that importsrc are never touched and keep their order after the managed ones. The book's
revision is bumped only when something changed. This module must not check the caller's rights or look the book up
(the handler does, in the PHP's order); the handler's transaction makes the call all or nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.registry import Call

PREFIX = "cooperare:"
FORMAT_HTML = 1


def check(chapters: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The listed chapters by key, refused as the PHP refuses them (key, duplicates, page order, first, title)."""
    seen: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(chapters):
        key = str(item["key"]).strip()
        if key == "" or len(PREFIX + key) > 255:
            raise InvalidParameterException(f"chapter {i}: key must be 1 to {255 - len(PREFIX)} characters")
        if key in seen:
            raise InvalidParameterException(f"chapter '{key}': listed twice in the same call")
        if int(item["pagenum"]) != i + 1:
            raise InvalidParameterException(f"chapter '{key}': pagenum must be {i + 1} (chapters listed in page "
                                            "order, from 1)")
        if i == 0 and item["subchapter"]:
            raise InvalidParameterException(f"chapter '{key}': the first chapter cannot be a subchapter")
        if str(item["title"]).strip() == "":
            raise InvalidParameterException(f"chapter '{key}': title is empty")
        seen[key] = item
    return seen


def save(call: Call, book: Row, contextid: int, chapters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write the chapters; the described-back rows: deleted ones first, then the listed ones in page order."""
    wanted = check(chapters)
    rows = table(call.db, "book_chapters")
    existing: dict[str, Row] = {}
    unmanaged: list[Row] = []
    for row in sorted(rows.where(bookid=book["id"]), key=lambda r: (int(r["pagenum"]), r["id"])):
        importsrc = str(row.get("importsrc") or "")
        if importsrc.startswith(PREFIX):
            existing[importsrc[len(PREFIX):]] = row
        else:
            unmanaged.append(row)
    now = call.site.now()
    result: list[dict[str, Any]] = []
    changed = False
    for key, row in existing.items():
        if key not in wanted:
            files = call.db["files"]
            for stored in list(files.where(contextid=contextid, component="mod_book", filearea="chapter",
                                           itemid=row["id"])):
                files.delete(stored["id"])
            rows.delete(row["id"])
            result.append({"key": key, "id": row["id"], "pagenum": 0, "action": "deleted"})
            changed = True
    for key, item in wanted.items():
        fields = {"pagenum": int(item["pagenum"]), "subchapter": 1 if item["subchapter"] else 0,
                  "title": item["title"], "content": item["content"]}
        row = existing.get(key)
        if row is None:
            chapterid = rows.insert({"bookid": book["id"], **fields, "contentformat": FORMAT_HTML, "hidden": 0,
                                     "timecreated": now, "timemodified": now, "importsrc": PREFIX + key})
            result.append({"key": key, "id": chapterid, "pagenum": fields["pagenum"], "action": "created"})
            changed = True
            continue
        same = all((int(row[f]) if f in ("pagenum", "subchapter") else row[f]) == v for f, v in fields.items()) \
            and int(row.get("contentformat") or 0) == FORMAT_HTML
        if not same:
            rows.update(row["id"], **fields, contentformat=FORMAT_HTML, timemodified=now)
            changed = True
        result.append({"key": key, "id": row["id"], "pagenum": fields["pagenum"],
                       "action": "unchanged" if same else "updated"})
    for pagenum, row in enumerate(unmanaged, start=len(wanted) + 1):
        if int(row["pagenum"]) != pagenum:
            rows.update(row["id"], pagenum=pagenum)
            changed = True
    if changed:
        table(call.db, "book").update(book["id"], revision=int(book.get("revision") or 0) + 1, timemodified=now)
    return result


def read(call: Call, book: Row) -> list[dict[str, Any]]:
    """Every chapter in page order, as local_cooperare_get_book_chapters lists them (the content's SHA-1 only)."""
    rows = sorted(table(call.db, "book_chapters").where(bookid=book["id"]), key=lambda r: (int(r["pagenum"]), r["id"]))
    found = []
    for row in rows:
        importsrc = str(row.get("importsrc") or "")
        found.append({"key": importsrc[len(PREFIX):] if importsrc.startswith(PREFIX) else "", "id": row["id"],
                      "pagenum": int(row["pagenum"]), "subchapter": int(row["subchapter"]),
                      "hidden": int(row.get("hidden") or 0), "title": str(row["title"]),
                      "contentsha1": hashlib.sha1(str(row["content"]).encode("utf-8")).hexdigest(),
                      "contentformat": int(row.get("contentformat") or 0)})
    return found
