"""``cooperare manual``: check, build (PDF, EPUB, HTML), list what changed after the consultations, plan and apply
its publication into Moodle (a public course with the book and the files).

The manual's content is the one shipped (``--content DIR`` for another). Accepted recommendations come from the
consultation register in the store (``--from-consultations ID``) or from a YAML file (``--recommendations``). The PDF
is signed with the certificates' PAdES key whenever one is configured (``certificates.signing.pkcs12``), its password
from the environment or a prompt, never an option; without a key the PDF is built unsigned and the command says so
(a warning, and ``unsigned_reason`` in the JSON). ``--sign`` insists on a signature, ``--no-sign`` skips it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.errors import CertificateError, InputError
from cooperare.manual.annex import accepted_from_register, changes_by_chapter, load_recommendations
from cooperare.manual.build import FORMATS, Signer, build_manual
from cooperare.manual.content import load_manual
from cooperare.manual.lint import lint_manual

content_option = click.option("--content", "content", type=click.Path(exists=True, file_okay=False, path_type=Path),
                              help="Folder of the manual's content (default: the manual shipped with the pack).")
recommendations_option = click.option(
    "--recommendations", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML list of accepted recommendations (reference, consultation, chapter, sender_category, text, answer, "
         "reason); adds the annex 'Ce s-a schimbat după consultare'.")
from_consultations_option = click.option(
    "--from-consultations", "consultations", multiple=True, metavar="ID",
    help="Take the accepted recommendations from the consultation register in the store (repeat for each "
         "consultation on the manual), instead of --recommendations.")



def edition_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--content, --recommendations and --from-consultations: the options that say which edition is meant."""
    return content_option(recommendations_option(from_consultations_option(command)))


sign_option = click.option(
    "--sign/--no-sign", default=None,
    help="Sign the PDF with the certificates' PAdES key (default: sign when certificates.signing.pkcs12 is "
         "configured, else build it unsigned with a warning); --sign fails without a key.")


def _recommendations(app: AppContext, path: Path | None, consultations: tuple[str, ...]) -> list[Any]:
    if path and consultations:
        raise InputError("give --recommendations or --from-consultations, not both")
    if consultations:
        return accepted_from_register(app.store(), consultations)
    return load_recommendations(path) if path else []


@click.group()
def manual() -> None:
    """The digitalisation manual for communes: check, build, consultation changes, publish into Moodle."""


@manual.command("check")
@content_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_app
def check_command(app: AppContext, content: Path | None, as_json: bool) -> None:
    """Lint the manual: cedilla diacritics, tables never placed, short chapters."""
    findings = lint_manual(load_manual(content))
    if as_json:
        app.emit_json({"findings": [{"severity": f.severity, "rule": f.rule, "message": f.message,
                                     "where": str(f.location)} for f in findings]})
    else:
        for finding in findings:
            app.say(str(finding), style="red" if finding.severity == "error" else "yellow")
        app.say(f"{len(findings)} finding(s).")
    if any(f.severity == "error" for f in findings):
        raise InputError("the manual has errors (see above)")


@manual.command("build")
@click.option("--format", "formats", type=click.Choice(FORMATS), multiple=True,
              help="Output format; repeat for several (default: all three).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@edition_options
@sign_option
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
@pass_app
def build_command(app: AppContext, formats: tuple[str, ...], out: Path, content: Path | None,
                  recommendations: Path | None, consultations: tuple[str, ...], sign: bool | None,
                  as_json: bool) -> None:
    """Build the manual as a typeset PDF, an EPUB 3 and/or a static HTML site into OUT.

    The PDF is signed with the certificates' PAdES key when one is configured; without one it is built unsigned and
    the command warns."""
    source = load_manual(content)
    recs = _recommendations(app, recommendations, consultations)  # the annex is always there
    formats = formats or FORMATS
    signing = _signing(app, sign) if "pdf" in formats else Signing(None, None)
    result = build_manual(out, formats=formats, source=source, recommendations=recs, signer=signing.signer)
    if as_json:
        app.emit_json({"version": result.version, "signed": result.signed,
                       "unsigned_reason": signing.unsigned_reason if "pdf" in formats else None,
                       "files": {k: str(v) for k, v in result.files.items()}})
        return
    for kind, path in result.files.items():
        app.say(f"{kind}: {path}")
    app.say(f"Manual version {result.version}" + (" (PDF signed)" if result.signed else ""))


def _publish_plan(app: AppContext, content: Path | None, recommendations: Path | None,
                  consultations: tuple[str, ...], sign: bool | None, *, apply: bool) -> tuple[Any, str | None]:
    """The publish plan and, when the PDF is not signed, why. Only ``apply`` opens the signing key: a plan knows
    from the configuration that the PDF will be signed, which is all its spec hash needs."""
    from cooperare.manual.publish import build_edition, plan_manual

    source = load_manual(content)
    recs = _recommendations(app, recommendations, consultations)
    signing = _signing(app, sign, load=apply)
    edition = build_edition(source, recs, signer=signing.signer,
                            will_sign=signing.signer is None and signing.unsigned_reason is None)
    catalogue = app.catalogue()
    root = next(iter(catalogue.categories()))[0].key
    return (plan_manual(app.client(), prefix=catalogue.prefix, catalogue_category=root, edition=edition),
            signing.unsigned_reason)


@manual.command("plan")
@edition_options
@sign_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON on stdout.")
@pass_app
def plan_command(app: AppContext, content: Path | None, recommendations: Path | None,
                 consultations: tuple[str, ...], sign: bool | None, as_json: bool) -> None:
    """Show what publishing the manual into Moodle would change: the public course (guest access), the book and
    its chapters, the PDF and EPUB to download. Reads only."""
    from cooperare.cli.commands.courses import _print_plan

    planned, unsigned_reason = _publish_plan(app, content, recommendations, consultations, sign, apply=False)
    if as_json:
        app.emit_json({**planned.plan.as_json(ws_calls=app.ws_calls), "version": planned.edition.version,
                       "chapters": len(planned.edition.chapters), "signed": planned.edition.signed,
                       "unsigned_reason": unsigned_reason})
        return
    _print_plan(app, planned.plan)
    app.say("Nothing to change." if not planned.plan.has_changes else "Plan only: nothing was written.")
    app.ws_summary()


@manual.command("apply")
@edition_options
@sign_option
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and what was applied as JSON on stdout.")
@pass_app
def apply_command(app: AppContext, content: Path | None, recommendations: Path | None,
                  consultations: tuple[str, ...], sign: bool | None, yes: bool, as_json: bool) -> None:
    """Publish the manual into Moodle: a public course open to guests with the manual as a book (a chapter per
    chapter, a subchapter per section) and the PDF and EPUB as files; an unchanged manual changes nothing."""
    from cooperare.cli.commands.courses import _print_plan
    from cooperare.manual.publish import apply_manual

    planned, unsigned_reason = _publish_plan(app, content, recommendations, consultations, sign, apply=True)
    plan = planned.plan
    signature = {"signed": planned.edition.signed, "unsigned_reason": unsigned_reason}
    if not as_json:
        _print_plan(app, plan)
    if not plan.has_changes:
        if as_json:
            app.emit_json({**plan.as_json(ws_calls=app.ws_calls), "applied": {}, **signature})
        else:
            app.say("Nothing to change.")
            app.ws_summary()
        return
    if not yes and not click.confirm("Publish the manual into Moodle?", default=False, err=True):
        raise InputError("cancelled; nothing was published")
    result = apply_manual(app.client(), app.store(), planned)
    url = f"{app.client().site.siteurl.rstrip('/')}/course/view.php?id={result.course_id}"
    if as_json:
        app.emit_json({**plan.as_json(ws_calls=app.ws_calls), "applied": result.applied,
                       "chapters": result.chapters, "uploaded": result.uploaded, "course_id": result.course_id,
                       "url": url, **signature})
        return
    if result.reconciled:
        app.note(f"Resumed after an interrupted publish ({result.reconciled} journal entries reconciled).")
    applied = ", ".join(f"{count} {what}" for what, count in sorted(result.applied.items()))
    chapters = ", ".join(f"{count} {what}" for what, count in sorted(result.chapters.items()))
    app.say(f"Published: {applied}" + (f"; book chapters: {chapters}" if chapters else "")
            + f"; {result.uploaded} files uploaded. {url}")
    app.ws_summary()


@manual.command("changes")
@edition_options
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@pass_app
def changes_command(app: AppContext, content: Path | None, recommendations: Path | None,
                    consultations: tuple[str, ...], as_json: bool) -> None:
    """Per chapter: the accepted recommendations of the manual consultations and what changed in the text."""
    source = load_manual(content)
    recs = _recommendations(app, recommendations, consultations)
    grouped = changes_by_chapter(recs, source.changes, chapter_titles={c.key: c.title for c in source.chapters})
    if as_json:
        app.emit_json({"version": source.meta.version, "chapters": [
            {"chapter": g.chapter, "title": g.title, "recommendations": [
                {"reference": r.reference, "consultation": r.consultation, "sender_category": r.sender_category,
                 "text": r.text, "answer": r.answer, "reason": r.reason, "change": change}
                for r, change in g.items]} for g in grouped]})
        return
    if not grouped:
        app.say("No accepted recommendations.")
    for group in grouped:
        app.say(f"{group.chapter} {group.title}", style="bold")
        for rec, change in group.items:
            app.say(f"  {rec.reference} ({rec.answer}, {rec.sender_category}): {rec.text}")
            app.say(f"      → {change}")


NO_KEY = "no signing key configured (certificates.signing.pkcs12 in cooperare.yaml)"
NOT_ASKED = "--no-sign was given"


@dataclass(frozen=True)
class Signing:
    signer: Signer | None
    unsigned_reason: str | None
    """Why the PDF is not signed; None when it is."""


def _signing(app: AppContext, sign: bool | None, *, load: bool = True) -> Signing:
    """The PDF's signer by ``--sign/--no-sign`` (None: sign when a key is configured). Without a key and without
    ``--sign``, the PDF is built unsigned and a warning says so; ``--sign`` without a key is an error. With
    ``load=False`` (a plan, which only needs to know that the PDF will be signed) the key is not opened, so its
    password is not asked for."""
    if sign is False:
        return Signing(None, NOT_ASKED)
    signing = app.config.certificates.signing
    if signing.pkcs12 is None:
        if sign:
            raise CertificateError(NO_KEY, hint="set certificates.signing.pkcs12 in cooperare.yaml, or build with "
                                                "--no-sign")
        app.note(f"Warning: the manual's PDF is NOT signed: {NO_KEY}.")
        return Signing(None, NO_KEY)
    if not load:
        return Signing(None, None)
    from cooperare.certificates.signing import PdfSigner, SignatureDetails
    from cooperare.cli.commands.certificates import signing_password

    return Signing(PdfSigner(signing.pkcs12, password=signing_password(signing.password_env),
                             details=SignatureDetails(reason="Manual de digitalizare pentru comune")), None)


@manual.command("disseminate")
@click.option("--list", "list_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Recipients (CSV or XLSX): denumire, tip, judet, email.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("diseminare"),
              show_default=True, help="Folder for the cover letters.")
@click.option("--link", required=True, help="Where the manual can be read and downloaded (the public course).")
@click.option("--channel", type=click.Choice(("email", "posta")), default="email", show_default=True,
              help="How the letters go out (recorded in the register).")
@click.option("--message/--no-message", default=False, show_default=True,
              help="Also send the roster's trainees (the target group) a Moodle message with the link, once per "
                   "version.")
@content_option
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@pass_app
def disseminate_command(app: AppContext, list_path: Path, out: Path, link: str, channel: str, message: bool,
                        content: Path | None, as_json: bool) -> None:
    """A personalised cover letter per recipient and a row per recipient in the dissemination register.

    Recipients already registered for this version and channel are skipped; the list is checked first and every
    bad cell is reported with its row and column.
    """
    from datetime import date

    from cooperare.manual.disseminate import disseminate, message_target_group

    source = load_manual(content)
    store = app.store()
    messages = None
    with store.runs.recording("manual disseminate", ws_calls=lambda: app.ws_calls,
                              detail={"version": source.meta.version, "channel": channel}) as run:
        result = disseminate(list_path, out, store, title=source.meta.title, version=source.meta.version, link=link,
                             date=date.today().strftime("%d.%m.%Y"), channel=channel, run_id=run.id)
        if message:
            messages = message_target_group(app.client(), store, title=source.meta.title, version=source.meta.version,
                                            link=link, run_id=run.id)
        run.detail = {"version": source.meta.version, "channel": channel, "recorded": result.recorded,
                      "skipped": result.skipped, "messages": vars(messages) if messages else None}
    if as_json:
        app.emit_json({"version": source.meta.version, "recorded": result.recorded, "skipped": result.skipped,
                       "letters": [str(p) for p in result.letters], "messages": vars(messages) if messages else None,
                       "ws_calls": app.ws_calls})
        return
    app.say(f"{result.recorded} letter(s) written to {out} and registered; {result.skipped} already registered.")
    if messages is not None:
        app.say(f"Moodle messages: {messages.sent} sent, {messages.already} already sent, {messages.failed} refused, "
                f"{messages.no_account} without a Moodle account.")
        app.ws_summary()
