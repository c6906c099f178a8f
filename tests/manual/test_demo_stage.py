"""The demo's manual stage writes the three formats under DIR/manual/ (the PDF signed with the demo key), publishes
the manual into the sandbox (a public course, the book, the PDF and EPUB) and plans it again with nothing to
change."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from cooperare.certificates.keygen import create_file, make_demo_keys
from cooperare.certificates.verify import load_trust_root
from cooperare.cli.commands.demo import STAGES
from cooperare.cli.commands.demo_certificates import PASSWORD_FILE
from cooperare.cli.commands.demo_manual import BOOK_IDNUMBER, demo_signer, stage_manual
from cooperare.courses.catalogue import load_catalogue
from cooperare.manual.book import IMPORT_PREFIX
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses.schema import table
from cooperare.secrets import Secret
from cooperare.store import Store


def test_without_the_certificates_stage_there_is_no_demo_signer(tmp_path: Path) -> None:
    assert demo_signer(SimpleNamespace(summary={}, out=tmp_path)) is None  # type: ignore[arg-type]


def test_manual_stage_builds_into_the_demo_folder_and_publishes(tmp_path: Path) -> None:
    said: list[str] = []
    password = Secret("parola-demo-test")
    keys = make_demo_keys(tmp_path / "keys", password=password, organisation="ACoR", common_name="Demo")
    create_file(tmp_path / "keys" / PASSWORD_FILE, b"parola-demo-test\n", mode=0o600)
    box = Sandbox(plugin=True)
    with Store.open(tmp_path / "store.sqlite") as store:
        app = SimpleNamespace(say=lambda text, **_: said.append(text), note=lambda text: said.append(text))
        run = SimpleNamespace(out=tmp_path, app=app, summary={"certificates": {"keys": str(tmp_path / "keys")}},
                              client=MoodleClient(box.transport()), store=store, catalogue=load_catalogue())
        stage_manual(run)  # type: ignore[arg-type]
    assert run.summary["manual"]["signed"] is True and not any("NOT signed" in line for line in said)
    data = Path(run.summary["manual"]["files"]["pdf"]).read_bytes()
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_trust_root(keys.root_certificate)]))
    assert status.intact and status.valid and status.trusted
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
