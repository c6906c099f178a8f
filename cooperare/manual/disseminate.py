"""Disseminating the manual: a list of recipients (CSV/XLSX) → a personalised cover letter PDF per recipient and a
row per recipient in the dissemination register (who, when, channel, version).

Recipients are institutions — communes, county councils, ministries, agencies — never private persons, so the
list holds no personal data beyond an institutional e-mail address. Columns: ``denumire``, ``tip`` (comună,
consiliu județean, minister, agenție), ``judet`` (name or code; empty for national institutions) and ``email``.
Every bad cell is reported with its row and column before anything is written. A recipient already registered for
this version and channel is skipped, so a re-run only adds the new ones. :func:`message_target_group` sends the
target group (the roster's trainees) a Moodle message with the link, once per version. This module must not send
e-mail.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cooperare.certificates.fonts import FontPair, load_fonts
from cooperare.errors import InputError, Location
from cooperare.manual.model import slug
from cooperare.store import Store
from cooperare.store.dissemination import Dissemination, DisseminationRegister
from cooperare.sync.counties import find_county
from cooperare.sync.readers import read_table

KINDS = {"comuna": "comună", "consiliu-judetean": "consiliu județean", "minister": "minister", "agentie": "agenție"}
LOCAL_KINDS = ("comuna", "consiliu-judetean")
COLUMNS = ("denumire", "tip", "judet", "email")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHANNELS = ("email", "posta")


@dataclass(frozen=True)
class Recipient:
    line: int
    name: str
    kind: str
    county: str
    email: str


@dataclass
class DisseminationResult:
    letters: list[Path] = field(default_factory=list)
    recorded: int = 0
    skipped: int = 0


def read_recipients(path: Path) -> list[Recipient]:
    """The recipients of ``path``; every fault of every row with its line and column, all at once."""
    table = read_table(path)
    headers = [slug(h).replace("-", "") for h in table.headers]
    index: dict[str, int] = {}
    for column in COLUMNS:
        wanted = column.replace("-", "")
        if wanted not in headers:
            raise InputError(f"missing column '{column}' (columns: {', '.join(COLUMNS)})",
                             location=Location(file=str(path), line=table.header_line))
        index[column] = headers.index(wanted)
    problems: list[str] = []
    recipients: list[Recipient] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, cells in table.rows:
        def cell(column: str, cells: tuple[str, ...] = cells) -> str:
            position = index[column]
            return cells[position].strip() if position < len(cells) else ""

        def fault(column: str, message: str, line: int = line) -> None:
            problems.append(str(Location(file=str(path), line=line, key=column)) + f": {message}")

        name, kind_text, county_text, email = cell("denumire"), cell("tip"), cell("judet"), cell("email")
        if not any((name, kind_text, county_text, email)):
            continue
        kind = slug(kind_text)
        if not name:
            fault("denumire", "the institution's name is empty")
        if kind not in KINDS:
            fault("tip", f"'{kind_text}' is not one of: {', '.join(KINDS.values())}")
        county = ""
        if county_text:
            found = find_county(county_text)
            if found is None:
                fault("judet", f"'{county_text}' is not a county")
            else:
                county = found.code
        elif kind in LOCAL_KINDS:
            fault("judet", "a commune or county council needs its county")
        if not EMAIL.match(email):
            fault("email", f"'{email}' is not an e-mail address")
        identity = (slug(name), kind, county)
        if identity in seen:
            fault("denumire", f"the same institution is already on line {seen[identity]}")
        seen[identity] = line
        recipients.append(Recipient(line, name, kind, county, email))
    if problems:
        shown = "\n".join(problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise InputError(f"{len(problems)} problem(s) in the list of recipients:\n{shown}{more}")
    if not recipients:
        raise InputError("the list of recipients is empty", location=Location(file=str(path)))
    return recipients


def cover_letter(recipient: Recipient, *, title: str, version: str, link: str, date: str, fonts: FontPair) -> bytes:
    """A one-page cover letter addressed to ``recipient`` (invariant PDF: same input, same bytes)."""
    kind = KINDS[recipient.kind]
    greeting = "Stimată doamnă primar, stimate domnule primar," if recipient.kind == "comuna" else \
        "Stimată doamnă, stimate domn,"
    paragraphs = [
        f"Asociația Comunelor din România vă transmite versiunea {version} a lucrării „{title}”, elaborată în "
        "proiectul „Cooperare digitală pentru dezvoltare locală” și îmbunătățită prin două consultări publice.",
        "Manualul descrie, pas cu pas, cum poate o comună să își facă o strategie digitală, să pună online "
        "serviciile esențiale, să consulte cetățenii și să își protejeze datele. Fiecare capitol se încheie cu "
        "acțiuni concrete, iar listele de verificare arată ce se poate face în funcție de maturitatea digitală.",
        f"Manualul poate fi citit online și descărcat (PDF și EPUB) la adresa: {link}",
        "Vă rugăm să îl faceți cunoscut colegilor din instituția dumneavoastră. Așteptăm cu interes observațiile "
        "dumneavoastră pentru versiunile următoare.",
    ]
    county = find_county(recipient.county) if recipient.county else None
    addressee = [recipient.name, kind.capitalize() + (f", județul {county.name}" if county else "")]
    text = "".join([greeting, *paragraphs, *addressee, "Cu stimă, Echipa proiectului", date])
    fonts.require(text)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(f"Scrisoare de însoțire – {recipient.name}")
    canvas.setAuthor("Asociația Comunelor din România")
    width, height = A4
    y = height - 30 * mm
    canvas.setFont(fonts.bold, 12)
    canvas.drawString(25 * mm, y, "Asociația Comunelor din România")
    canvas.setFont(fonts.regular, 10)
    canvas.drawRightString(width - 25 * mm, y, date)
    y -= 20 * mm
    canvas.setFont(fonts.regular, 11)
    canvas.drawString(25 * mm, y, "Către:")
    for line in addressee:
        y -= 6 * mm
        canvas.setFont(fonts.bold, 11)
        canvas.drawString(35 * mm, y, line)
    y -= 14 * mm
    canvas.setFont(fonts.regular, 11)
    canvas.drawString(25 * mm, y, greeting)
    y -= 4 * mm
    for paragraph in paragraphs:
        y -= 4 * mm
        for line in _wrap(paragraph, fonts.regular, 11, width - 50 * mm):
            y -= 5.5 * mm
            canvas.drawString(25 * mm, y, line)
    y -= 14 * mm
    canvas.drawString(25 * mm, y, "Cu stimă,")
    y -= 6 * mm
    canvas.drawString(25 * mm, y, "Echipa proiectului")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def disseminate(list_path: Path, out: Path, store: Store, *, title: str, version: str, link: str, date: str,
                channel: str = "email", run_id: int | None = None, fonts: FontPair | None = None
                ) -> DisseminationResult:
    """Letters for the recipients not yet registered for this version and channel, then their register rows."""
    if channel not in CHANNELS:
        raise InputError(f"channel must be one of {', '.join(CHANNELS)}")
    recipients = read_recipients(list_path)
    fonts = fonts or load_fonts()
    register = DisseminationRegister(store.engine)
    done = register.recorded(version=version)
    folder = out / f"scrisori-v{version}"
    folder.mkdir(parents=True, exist_ok=True)
    result = DisseminationResult()
    rows: list[Dissemination] = []
    for recipient in recipients:
        row = Dissemination(recipient.name, recipient.kind, recipient.county, recipient.email, channel, version, "")
        if row.identity() in done:
            result.skipped += 1
            continue
        name = f"{recipient.county or 'RO'}-{slug(recipient.kind)}-{slug(recipient.name)}.pdf"
        path = folder / name
        path.write_bytes(cover_letter(recipient, title=title, version=version, link=link, date=date, fonts=fonts))
        result.letters.append(path)
        rows.append(Dissemination(recipient.name, recipient.kind, recipient.county, recipient.email, channel,
                                  version, str(path)))
    register.add(rows, run_id=run_id)
    result.recorded = len(rows)
    return result


MESSAGE_SCOPE = "manual-messages"
MESSAGE_BATCH = 100


@dataclass
class MessagesOutcome:
    sent: int = 0
    already: int = 0
    failed: int = 0
    no_account: int = 0


def message_text(*, title: str, version: str, link: str) -> str:
    return (f"<p>Bună ziua,</p><p>Versiunea {escape(version)} a lucrării „{escape(title)}” este publicată. O puteți "
            f"citi online și descărca (PDF și EPUB) la <a href=\"{escape(link)}\">{escape(link)}</a>.</p>"
            "<p>Echipa proiectului „Cooperare digitală pentru dezvoltare locală”</p>")


def message_target_group(client: Any, store: Store, *, title: str, version: str, link: str,
                         run_id: int) -> MessagesOutcome:
    """A Moodle message with the link to every active trainee of the roster who has a Moodle account, once per
    version: each message is journaled (begun before the call, done after), so a re-run skips those sent and never
    re-sends one whose answer was lost."""
    from cooperare.store.people import People

    outcome = MessagesOutcome()
    journaled = store.journal.by_address(MESSAGE_SCOPE)
    todo = []
    for person in People(store.engine).all(status="active"):
        if person.moodle_user_id is None:
            outcome.no_account += 1
            continue
        history = journaled.get(f"manual:v{version}:{person.key}", [])
        if any(entry.phase in ("done", "begun") for entry in history):
            outcome.already += 1
        else:
            todo.append(person)
    text = message_text(title=title, version=version, link=link)
    for start in range(0, len(todo), MESSAGE_BATCH):
        batch = todo[start:start + MESSAGE_BATCH]
        entries = [store.journal.begin(run_id, scope=MESSAGE_SCOPE, address=f"manual:v{version}:{p.key}",
                                       action="create", payload={"touserid": p.moodle_user_id}) for p in batch]
        results = client.messages.send([{"touserid": p.moodle_user_id, "text": text, "clientmsgid": p.key}
                                        for p in batch])
        for entry, result in zip(entries, results, strict=True):
            if result.sent:
                store.journal.done(entry, {"msgid": result.msgid})
                outcome.sent += 1
            else:
                store.journal.failed(entry, result.error or "Moodle refused the message")
                outcome.failed += 1
    return outcome
