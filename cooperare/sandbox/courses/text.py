"""Moodle's output helpers the sandbox needs: ``format_text`` for web services, ``userdate`` and ``format_float``.

Filters are not emulated (the recorded site has none that change plain text); only what changes the bytes of an
answer is: a non-HTML text becomes HTML and its format is reported as FORMAT_HTML, as ``core_external\\util`` does.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from cooperare.sandbox.site import SITE_TIMEZONE

FORMAT_MOODLE = 0
FORMAT_HTML = 1
FORMAT_PLAIN = 2
FORMAT_MARKDOWN = 4


def external_text(text: str | None, textformat: int | None) -> tuple[str, int]:
    """``core_external\\util::format_text``: (html, FORMAT_HTML) for any input format."""
    text = text or ""
    textformat = FORMAT_HTML if textformat is None else int(textformat)
    if textformat == FORMAT_HTML or text == "":
        return text, FORMAT_HTML
    if textformat == FORMAT_PLAIN:
        body = escape(text, quote=False).replace("\n", "<br />")
        return f'<div class="text_to_html">{body}</div>', FORMAT_HTML
    if textformat == FORMAT_MARKDOWN:
        return text, FORMAT_HTML
    return f'<div class="text_to_html">{text.replace(chr(10), "<br />" + chr(10))}</div>', FORMAT_HTML


def userdate(timestamp: int, fmt: str = "%A, %d %B %Y, %I:%M %p") -> str:
    """Moodle's ``userdate`` in the site timezone, with its "fixday" and "fixhour" (no leading zeros)."""
    moment = datetime.fromtimestamp(int(timestamp), ZoneInfo(SITE_TIMEZONE))
    fmt = fmt.replace("%d", str(moment.day)).replace("%I", str(int(moment.strftime("%I"))))
    return moment.strftime(fmt)


def iso_datetime(timestamp: int) -> str:
    """The ``datetime`` attribute Moodle's templates print (ISO 8601 with the site offset)."""
    return datetime.fromtimestamp(int(timestamp), ZoneInfo(SITE_TIMEZONE)).isoformat()


def format_float(value: float, decimals: int = 2) -> str:
    """``format_float`` with the English decimal point."""
    return f"{float(value):.{decimals}f}"
