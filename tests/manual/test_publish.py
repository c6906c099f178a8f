"""cooperare manual plan|apply on the sandbox: a public course with guest access, the book and the PDF and EPUB as
downloadable files; an unchanged manual is a no-op that uploads nothing; a changed chapter updates the book only; a
signature made at another time is not a new edition; a stale plan is refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cooperare.errors import MissingCapability, StalePlanError
from cooperare.manual.content import load_manual
from cooperare.manual.publish import (
    BOOK_NAME,
    Edition,
    ManualFile,
    Place,
    apply_manual,
    build_edition,
    plan_manual,
)
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store

PLACE = Place("coop")


@pytest.fixture(scope="module")
def edition() -> Edition:
    return build_edition(load_manual(), [])


class Site:
    def __init__(self, box: Sandbox, store: Store) -> None:
        self.box, self.store = box, store
        self.client = MoodleClient(box.transport())

    def plan(self, edition: Edition) -> Any:
        return plan_manual(self.client, prefix="coop", catalogue_category="cooperare", edition=edition)

    def described(self) -> dict[str, Any]:
        return self.client.call("local_cooperare_describe_courses", {"idnumbers": [PLACE.course]})["courses"][0]

    def files(self) -> dict[str, tuple[str, bytes]]:
        """idnumber → (file name, content) of every resource of the course."""
        found = {}
        course_id = self.described()["id"]
        ids = {a["cmid"]: a["idnumber"] for a in self.described()["activities"]}
        for section in self.client.courses.contents(course_id):
            for module in section.modules:
                if module.modname == "resource":
                    (entry,) = module.raw["contents"]
                    contextid = int(entry["fileurl"].split("/pluginfile.php/", 1)[1].split("/", 1)[0])
                    row = self.box.site.db["files"].first(contextid=contextid, component="mod_resource",
                                                          filearea="content", filename=entry["filename"])
                    found[ids[module.id]] = (entry["filename"], row["content"])
        return found


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with Store.open(tmp_path / "store.sqlite") as store:
        yield Site(Sandbox(plugin=True), store)


def actions(planned: Any) -> dict[str, str]:
    return {c.address: c.action for c in planned.plan.changes}


def test_first_apply_makes_a_public_course_with_the_book_and_both_files(site: Site, edition: Edition) -> None:
    planned = site.plan(edition)
    assert set(actions(planned).values()) == {"create"}
    assert len(actions(planned)) == 6  # course, guest access, section, book, PDF, EPUB
    result = apply_manual(site.client, site.store, planned)
    assert result.uploaded == 2 and result.chapters == {"created": len(edition.chapters)}
    described = site.described()
    assert described["visible"] == 1
    by_idnumber = {a["idnumber"]: a for a in described["activities"]}
    assert by_idnumber[PLACE.book]["modname"] == "book" and by_idnumber[PLACE.book]["name"] == BOOK_NAME
    files = site.files()
    pdf, epub = (next(f for f in edition.files if f.key == k) for k in ("pdf", "epub"))
    assert files[PLACE.file("pdf")] == (pdf.filename, pdf.content)
    assert files[PLACE.file("epub")] == (epub.filename, epub.content)
    assert pdf.content.startswith(b"%PDF") and epub.content.startswith(b"PK")
    guest = [m for m in site.client.enrol_methods.of_courses([described["id"]])[described["id"]]
             if m.method == "guest"]
    assert len(guest) == 1 and guest[0].enabled


def test_an_unchanged_manual_applied_again_changes_and_uploads_nothing(site: Site, edition: Edition) -> None:
    apply_manual(site.client, site.store, site.plan(edition))
    again = site.plan(build_edition(load_manual(), []))  # built anew: the same bytes
    assert set(actions(again).values()) == {"noop"}
    calls = site.client.transport.stats.calls
    uploads = site.client.transport.stats.uploads
    result = apply_manual(site.client, site.store, again)
    assert result.applied == {} and result.uploaded == 0
    assert site.client.transport.stats.uploads == uploads and site.client.transport.stats.calls == calls


def test_a_changed_chapter_updates_the_book_only(site: Site, edition: Edition) -> None:
    apply_manual(site.client, site.store, site.plan(edition))
    first = edition.chapters[0]
    changed = replace(edition, chapters=(replace(first, content=first.content + "<p>Adăugat după consultare.</p>"),
                                         *edition.chapters[1:]))
    planned = site.plan(changed)
    pending = {a: x for a, x in actions(planned).items() if x != "noop"}
    assert pending == {f"course[{PLACE.course}].activity[{PLACE.book}]": "update"}
    result = apply_manual(site.client, site.store, planned)
    assert result.chapters.get("updated") == 1 and result.chapters.get("unchanged") == len(edition.chapters) - 1
    assert result.uploaded == 0


class _StampingSigner:
    """Stands in for the PAdES signer: each signature differs (as the signing time makes it)."""

    def __init__(self) -> None:
        self.count = 0

    def sign(self, pdf: bytes) -> bytes:
        self.count += 1
        return pdf + f"%semnătură {self.count}\n".encode()


def test_a_signature_made_at_another_time_is_not_a_new_edition(site: Site) -> None:
    signer = _StampingSigner()
    first = build_edition(load_manual(), [], signer=signer)
    apply_manual(site.client, site.store, site.plan(first))
    second = build_edition(load_manual(), [], signer=signer)
    pdf_first, pdf_second = first.files[0], second.files[0]
    assert pdf_first.content != pdf_second.content and pdf_first.spechash == pdf_second.spechash
    assert set(actions(site.plan(second)).values()) == {"noop"}
    unsigned = build_edition(load_manual(), [])
    assert actions(site.plan(unsigned))[f"course[{PLACE.course}].activity[{PLACE.file('pdf')}]"] == "update"


def test_a_plan_made_before_moodle_changed_is_refused(site: Site, edition: Edition) -> None:
    stale = site.plan(edition)
    apply_manual(site.client, site.store, site.plan(edition))
    with pytest.raises(StalePlanError):
        apply_manual(site.client, site.store, stale)


def test_a_site_without_the_plugin_is_told_what_is_missing(tmp_path: Path, edition: Edition) -> None:
    client = MoodleClient(Sandbox(plugin=False).transport())
    with pytest.raises(MissingCapability, match="local_cooperare"):
        plan_manual(client, prefix="coop", catalogue_category="cooperare", edition=edition)


def test_files_are_named_by_the_manual_version(edition: Edition) -> None:
    version = load_manual().meta.version
    names = {f.key: f.filename for f in edition.files}
    assert names == {"pdf": f"manual-digitalizare-v{version}.pdf", "epub": f"manual-digitalizare-v{version}.epub"}
    assert all(isinstance(f, ManualFile) and f.spechash for f in edition.files)


def test_a_chapter_edited_in_moodle_shows_as_drift_and_is_written_back(site: Site, edition: Edition) -> None:
    from cooperare.courses.planner import DRIFT
    from cooperare.sandbox.courses.schema import table

    apply_manual(site.client, site.store, site.plan(edition))
    second = edition.chapters[1]
    rows = table(site.box.site.db, "book_chapters")
    row = rows.first(importsrc=f"cooperare:{second.key}")
    assert row is not None
    rows.update(row["id"], content="<p>Modificat de mână în Moodle</p>")
    planned = site.plan(edition)
    book = next(c for c in planned.plan.changes if c.address.endswith(f"[{PLACE.book}]"))
    assert book.action == "update" and DRIFT in book.note and second.key in book.note
    result = apply_manual(site.client, site.store, planned)
    assert result.chapters.get("updated") == 1 and result.uploaded == 0
    assert rows.get(row["id"])["content"] == second.content
    assert set(actions(site.plan(edition)).values()) == {"noop"}
