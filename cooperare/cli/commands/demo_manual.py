"""The demo's manual stage: build the manual (PDF, EPUB, HTML) with the example consultation annex into DIR/manual/,
then put it into the sandbox as a book (one chapter per manual chapter, one subchapter per section) through
local_cooperare_save_book_chapters, and write it a second time to show that nothing changes.

This stage writes the book straight through the client; the planned path (``cooperare manual plan|apply`` with a
public course open to guests and the PDF/EPUB as file resources) is not built yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cooperare.manual.annex import load_recommendations
from cooperare.manual.book import book_chapters
from cooperare.manual.build import build_manual, document_for
from cooperare.manual.content import load_manual, shipped_content

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun

BOOK_COURSE = "coop:manual"
BOOK_IDNUMBER = "coop:manual:book"


def stage_manual(run: DemoRun) -> None:
    recommendations = load_recommendations(shipped_content() / "exemplu-recomandari.yaml")
    result = build_manual(run.out / "manual", recommendations=recommendations)
    for kind, path in result.files.items():
        run.app.say(f"{kind}: {path}")
    chapters = [{"key": c.key, "pagenum": c.pagenum, "subchapter": c.subchapter, "title": c.title,
                 "content": c.content}
                for c in book_chapters(document_for(load_manual(), recommendations))]
    course_id = run.client.courses.create([{"fullname": "Manualul de digitalizare a comunelor",
                                            "shortname": "Manual", "categoryid": 1,
                                            "idnumber": BOOK_COURSE}])[0]["id"]
    run.client.course_content.save_activities([{
        "courseid": course_id, "idnumber": BOOK_IDNUMBER, "modname": "book", "section": 0,
        "name": "Manualul de digitalizare", "intro": "", "visible": 1, "completion": 0, "completionview": 0,
        "completionusegrade": 0, "completionpassgrade": 0, "options": [{"name": "numbering", "value": "0"}]}])
    first = run.client.books.save_chapters(course_id=course_id, idnumber=BOOK_IDNUMBER, chapters=chapters)
    again = run.client.books.save_chapters(course_id=course_id, idnumber=BOOK_IDNUMBER, chapters=chapters)
    created = sum(c["action"] == "created" for c in first["chapters"])
    unchanged = sum(c["action"] == "unchanged" for c in again["chapters"])
    run.app.say(f"book: {created} chapters created in course {course_id}; written again: {unchanged} unchanged")
    run.summary["manual"] = {"version": result.version, "files": {k: str(v) for k, v in result.files.items()},
                             "annex_recommendations": len(recommendations),
                             "book": {"courseid": course_id, "chapters": created, "unchanged_again": unchanged}}
