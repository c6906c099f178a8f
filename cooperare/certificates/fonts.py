"""TrueType fonts for certificates and reports: the shipped DejaVu Sans, or a configured font, checked glyph by glyph.

The package ships DejaVu Sans and DejaVu Sans Bold (``fonts/``, from Debian's ``fonts-dejavu-core`` 2.37, licence
in ``fonts/LICENSE-DejaVu.txt``: Bitstream Vera licence, DejaVu changes in the public domain; redistribution
allowed). Romanian needs ș ț (comma below) and ă â î; a font that lacks a glyph would print an empty box, so
:meth:`FontPair.require` stops with a :class:`~cooperare.errors.CertificateError` naming each missing character and
the font file instead. Fonts are registered with reportlab once per process. This module must not draw anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from hashlib import sha1
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from cooperare.errors import CertificateError

ROMANIAN_LETTERS = "ĂÂÎȘȚăâîșț"
"""The letters every font used for Romanian text must have (comma-below ș ț, U+0218–U+021B)."""


def shipped_font(name: str) -> Path:
    """A font file shipped in the package (``DejaVuSans.ttf``, ``DejaVuSans-Bold.ttf``)."""
    return Path(str(resources.files("cooperare.certificates").joinpath("fonts", name)))


DEFAULT_REGULAR = "DejaVuSans.ttf"
DEFAULT_BOLD = "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class FontPair:
    """A regular and a bold face registered with reportlab, with their files (for messages)."""

    regular: str
    bold: str
    regular_path: Path
    bold_path: Path

    def require(self, text: str) -> None:
        """Refuse ``text`` when either face lacks a glyph for one of its characters (whitespace aside)."""
        for name, path in ((self.regular, self.regular_path), (self.bold, self.bold_path)):
            missing = _missing(name, text)
            if missing:
                shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing[:10])
                raise CertificateError(
                    f"the font {path} has no glyph for {shown}; the text would print empty boxes",
                    hint="configure a TrueType font with Romanian letters (certificates.font and font_bold), or "
                         "leave them unset to use the shipped DejaVu Sans",
                )


    def printable(self, text: str, *, replacement: str = "\ufffd") -> str:
        """``text`` with each character either face lacks replaced (for untrusted text, such as forum posts, where
        an emoji must not stop a report): ``replacement`` if the fonts have it, else ``?``."""
        distinct = "".join(set(text))
        missing = set(_missing(self.regular, distinct)) | set(_missing(self.bold, distinct))
        if not missing:
            return text
        if _missing(self.regular, replacement) or _missing(self.bold, replacement):
            replacement = "?"
        return "".join(replacement if ch in missing else ch for ch in text)


def load_fonts(regular: Path | None = None, bold: Path | None = None) -> FontPair:
    """Register (once) and return the configured fonts, or the shipped DejaVu Sans pair."""
    regular_path = regular or shipped_font(DEFAULT_REGULAR)
    bold_path = bold or (shipped_font(DEFAULT_BOLD) if regular is None else regular_path)
    pair = FontPair(_register(regular_path), _register(bold_path), regular_path, bold_path)
    pair.require(ROMANIAN_LETTERS)
    return pair


@cache
def _register(path: Path) -> str:
    name = "coop-" + sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:12]
    try:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    except (TTFError, OSError) as exc:
        raise CertificateError(f"cannot use the font {path}: {exc}",
                               hint="give a TrueType (.ttf) file with Romanian letters") from None
    return name


def _missing(font_name: str, text: str) -> list[str]:
    face = pdfmetrics.getFont(font_name).face
    seen: list[str] = []
    for ch in text:
        if not ch.isspace() and ord(ch) not in face.charToGlyph and ch not in seen:
            seen.append(ch)
    return seen
