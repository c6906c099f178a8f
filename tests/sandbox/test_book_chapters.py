"""local_cooperare_save_book_chapters in the sandbox through the real client: created, unchanged, one update,
deleted when no longer listed, hand-written chapters kept after the managed ones; refusals all or nothing."""

from __future__ import annotations

import pytest

from cooperare.errors import InvalidParameter
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses.schema import table

BOOK = "coop:manual:book"


def _chapters(*titles: tuple[str, str, bool]) -> list[dict]:
    return [{"key": key, "pagenum": i + 1, "subchapter": sub, "title": title, "content": f"<p>{title} — conținut</p>"}
            for i, (key, title, sub) in enumerate(titles)]


def _book(box: Sandbox, client: MoodleClient) -> tuple[int, int]:
    course = client.courses.create([{"fullname": "Manual", "shortname": "M", "categoryid": 1}])[0]["id"]
    saved = client.course_content.save_activities([{
        "courseid": course, "idnumber": BOOK, "modname": "book", "section": 0, "name": "Manualul", "intro": "",
        "visible": 1, "completion": 0, "completionview": 0, "completionusegrade": 0, "completionpassgrade": 0,
        "options": [{"name": "numbering", "value": "0"}]}])
    bookid = int(saved[0]["instance"])
    with box.site.db.transaction():
        table(box.site.db, "book_chapters").insert({"bookid": bookid, "pagenum": 1, "subchapter": 0, "title": "De mână",
                                             "content": "<p>x</p>", "contentformat": 1, "hidden": 0,
                                             "importsrc": "", "timecreated": 0, "timemodified": 0})
    return course, bookid


def _titles(box: Sandbox, bookid: int) -> list[str]:
    rows = sorted(table(box.site.db, "book_chapters").where(bookid=bookid), key=lambda r: r["pagenum"])
    assert [r["pagenum"] for r in rows] == list(range(1, len(rows) + 1))
    return [r["title"] for r in rows]


def test_create_unchanged_update_delete() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    course, bookid = _book(box, client)
    chapters = _chapters(("cap-01", "1. Introducere", False), ("cap-01-scop", "1.1 Scopul", True),
                         ("cap-02", "2. Registratura electronică", False))
    first = client.books.save_chapters(course_id=course, idnumber=BOOK, chapters=chapters)
    assert first["bookid"] == bookid and [c["action"] for c in first["chapters"]] == ["created"] * 3
    assert _titles(box, bookid) == ["1. Introducere", "1.1 Scopul", "2. Registratura electronică", "De mână"]
    revision = box.site.db["book"].rows[bookid]["revision"]
    again = client.books.save_chapters(course_id=course, idnumber=BOOK, chapters=chapters)
    assert [c["action"] for c in again["chapters"]] == ["unchanged"] * 3
    assert box.site.db["book"].rows[bookid]["revision"] == revision
    edited = [chapters[0], {**chapters[2], "pagenum": 2, "content": "<p>ș ț ă â î</p>"}]
    third = client.books.save_chapters(course_id=course, idnumber=BOOK, chapters=edited)
    assert {c["key"]: c["action"] for c in third["chapters"]} == {
        "cap-01-scop": "deleted", "cap-01": "unchanged", "cap-02": "updated"}
    assert _titles(box, bookid) == ["1. Introducere", "2. Registratura electronică", "De mână"]
    assert box.site.db["book"].rows[bookid]["revision"] == revision + 1


def test_refusals_write_nothing() -> None:
    box = Sandbox(plugin=True, debug=32767)
    client = MoodleClient(box.transport())
    course, bookid = _book(box, client)
    bad = _chapters(("cap-01", "1. Introducere", False), ("cap-02", "", False))
    refused = [(bad, BOOK, "chapter 'cap-02': title is empty"),
               (_chapters(("a", "A", True)), BOOK, "the first chapter cannot be a subchapter"),
               ([{**bad[0], "pagenum": 2}], BOOK, "chapter 'cap-01': pagenum must be 1"),
               (bad[:1], "coop:nosuch", "no book with idnumber 'coop:nosuch'")]
    for chapters, idnumber, message in refused:
        with pytest.raises(InvalidParameter) as caught:
            client.books.save_chapters(course_id=course, idnumber=idnumber, chapters=chapters)
        assert message in (caught.value.debuginfo or "")
    assert _titles(box, bookid) == ["De mână"]
