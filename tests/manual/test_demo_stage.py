"""The demo's manual stage writes the three formats under DIR/manual/, publishes the manual into the sandbox (a
public course, the book, the PDF and EPUB) and plans it again with nothing to change."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from cooperare.cli.commands.demo import STAGES
from cooperare.cli.commands.demo_manual import BOOK_IDNUMBER, stage_manual
from cooperare.manual.book import IMPORT_PREFIX
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses.schema import table
from cooperare.store import Store


def test_manual_stage_builds_into_the_demo_folder_and_publishes(tmp_path: Path) -> None:
    said: list[str] = []
    box = Sandbox(plugin=True)
    with Store.open(tmp_path / "store.sqlite") as store:
        run = SimpleNamespace(out=tmp_path, app=SimpleNamespace(say=lambda text, **_: said.append(text)),
                              summary={}, client=MoodleClient(box.transport()), store=store)
        stage_manual(run)  # type: ignore[arg-type]
    files = run.summary["manual"]["files"]
    assert set(files) == {"pdf", "epub", "html"}
    assert all(Path(p).is_relative_to(tmp_path / "manual") and Path(p).exists() for p in files.values())
    assert run.summary["manual"]["annex_recommendations"] == 4
    assert stage_manual in [stage for _, stage in STAGES]
    book = run.summary["manual"]["book"]
    assert book["chapters"] > 0 and book["uploaded"] == 2 and book["changes_again"] == 0
    cm = table(box.site.db, "course_modules").first(course=book["courseid"], idnumber=BOOK_IDNUMBER)
    assert cm is not None
    rows = [r for r in table(box.site.db, "book_chapters").where(bookid=cm["instance"])]
    assert len(rows) == book["chapters"] and all(r["importsrc"].startswith(IMPORT_PREFIX) for r in rows)
    assert any(r["subchapter"] for r in rows) and not sorted(rows, key=lambda r: r["pagenum"])[0]["subchapter"]
