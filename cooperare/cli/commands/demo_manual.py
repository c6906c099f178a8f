"""The demo's manual stage: build the manual (PDF signed with the certificates stage's demo PAdES key, EPUB, HTML)
with the example consultation annex into DIR/manual/, then publish it into the sandbox as ``cooperare manual apply``
does — a public course open to guests with the manual as a book (a chapter per manual chapter, a subchapter per
section) and the PDF and EPUB as files — and plan it once more to show that an unchanged manual changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cooperare.manual.annex import load_recommendations
from cooperare.manual.build import build_manual
from cooperare.manual.content import load_manual, shipped_content
from cooperare.manual.publish import Place, apply_manual, build_edition, plan_manual
from cooperare.secrets import read_secret_file

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.certificates.signing import PdfSigner
    from cooperare.cli.commands.demo import DemoRun

BOOK_IDNUMBER = Place("coop").book


def demo_signer(run: DemoRun) -> PdfSigner | None:
    """The certificates stage's demo key (``DIR/keys``, its random password in the file beside it), or None when
    that stage did not run."""
    from cooperare.certificates.signing import PdfSigner, SignatureDetails  # pyHanko: only when the demo signs
    from cooperare.cli.commands.demo_certificates import PASSWORD_FILE

    keys = run.summary.get("certificates", {}).get("keys")
    if not keys:
        return None
    password = read_secret_file(Path(keys) / PASSWORD_FILE, what="demo signing key password")
    return PdfSigner(Path(keys) / "signing.p12", password=password,
                     details=SignatureDetails(reason="Manual de digitalizare pentru comune"))


def stage_manual(run: DemoRun) -> None:
    recommendations = load_recommendations(shipped_content() / "exemplu-recomandari.yaml")
    signer = demo_signer(run)
    if signer is None:
        run.app.note("Warning: the manual's PDF is NOT signed: the certificates stage made no demo signing key.")
    result = build_manual(run.out / "manual", recommendations=recommendations, signer=signer)
    for kind, path in result.files.items():
        run.app.say(f"{kind}: {path}" + (" (signed with the demo PAdES key)" if kind == "pdf" and result.signed
                                         else ""))
    edition = build_edition(load_manual(), recommendations, signer=signer)
    catalogue = run.catalogue
    prefix, root = catalogue.prefix, next(iter(catalogue.categories()))[0].key
    calls = run.client.transport.stats.calls
    planned = plan_manual(run.client, prefix=prefix, catalogue_category=root, edition=edition)
    published = apply_manual(run.client, run.store, planned, command="demo manual apply")
    first_calls = run.client.transport.stats.calls - calls
    calls = run.client.transport.stats.calls
    again = plan_manual(run.client, prefix=prefix, catalogue_category=root, edition=edition)
    again_calls = run.client.transport.stats.calls - calls
    created = published.chapters.get("created", 0)
    run.app.say(f"published into course {published.course_id}: {created} book chapters, {published.uploaded} files "
                f"(PDF, EPUB), guest access ({first_calls} web-service calls); planned again: "
                f"{len(list(again.plan.pending()))} changes ({again_calls} calls)")
    run.summary["manual"] = {"version": result.version, "files": {k: str(v) for k, v in result.files.items()},
                             "signed": result.signed,
                             "annex_recommendations": len(recommendations),
                             "book": {"courseid": published.course_id, "chapters": created,
                                      "uploaded": published.uploaded, "calls": first_calls,
                                      "changes_again": len(list(again.plan.pending())), "calls_again": again_calls}}
