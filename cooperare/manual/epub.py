"""An EPUB 3 written with the standard zip module: ``mimetype`` first and stored, ``META-INF/container.xml``, the
package document, a navigation document, one XHTML file per chapter and the stylesheet.

Why not ebooklib: the format needs five kinds of file and the model already renders XHTML, so a plain writer is
shorter than adapting a library, and it lets us fix every zip timestamp and the ``dcterms:modified`` value (taken
from the manual's date) so the same manual gives the same bytes. This module must not decide content.
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from cooperare.manual.model import DocChapter, Document
from cooperare.manual.xhtml import STYLE, chapter_heading, chapter_page, page, toc_list

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CONTAINER = ('<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" '
             'xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n<rootfiles>\n<rootfile '
             'full-path="OEBPS/package.opf" media-type="application/oebps-package+xml"/>\n</rootfiles>\n</container>\n')


def chapter_file(chapter: DocChapter) -> str:
    return f"{chapter.key}.xhtml"


def package_document(doc: Document) -> str:
    items = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
             '<item id="css" href="style.css" media-type="text/css"/>',
             '<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>']
    spine = ['<itemref idref="cover"/>', '<itemref idref="nav"/>']
    for chapter in doc.chapters:
        svg = ' properties="svg"' if "<svg" in chapter_page(doc, chapter, stylesheet="style.css") else ""
        items.append(f'<item id="{chapter.key}" href="{chapter_file(chapter)}" '
                     f'media-type="application/xhtml+xml"{svg}/>')
        spine.append(f'<itemref idref="{chapter.key}"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="ro">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:identifier id="uid">{escape(doc.meta.identifier)}:{escape(doc.meta.version)}</dc:identifier>\n'
        f"<dc:title>{escape(doc.meta.title)}</dc:title>\n<dc:language>{escape(doc.meta.language)}</dc:language>\n"
        f"<dc:publisher>{escape(doc.meta.publisher)}</dc:publisher>\n<dc:date>{escape(doc.meta.date)}</dc:date>\n"
        f'<meta property="dcterms:modified">{escape(doc.meta.date)}T00:00:00Z</meta>\n'
        f'<meta property="schema:accessMode">textual</meta>\n</metadata>\n'
        f"<manifest>\n{chr(10).join(items)}\n</manifest>\n<spine>\n{chr(10).join(spine)}\n</spine>\n</package>\n")


def nav_document(doc: Document) -> str:
    body = (f'<nav epub:type="toc" id="toc"><h1>Cuprins</h1>{toc_list(doc, chapter_file)}</nav>')
    return page("Cuprins", body, lang=doc.meta.language, stylesheet="style.css", xml_declaration=True)


def epub_bytes(doc: Document) -> bytes:
    files: list[tuple[str, str]] = [
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/package.opf", package_document(doc)),
        ("OEBPS/nav.xhtml", nav_document(doc)),
        ("OEBPS/style.css", STYLE),
        ("OEBPS/cover.xhtml", page(doc.meta.title,
                                   f"<h1>{escape(doc.meta.title)}</h1><p>{escape(doc.meta.subtitle)}</p>"
                                   f"<p>{escape(doc.meta.publisher)}</p><p>Versiunea {escape(doc.meta.version)}, "
                                   f"{escape(doc.meta.date)}</p>", lang=doc.meta.language, stylesheet="style.css",
                                   xml_declaration=True)),
    ]
    for chapter in doc.chapters:
        files.append((f"OEBPS/{chapter_file(chapter)}",
                      chapter_page(doc, chapter, stylesheet="style.css", xml_declaration=True)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        mimetype = zipfile.ZipInfo("mimetype", ZIP_TIME)
        mimetype.compress_type = zipfile.ZIP_STORED
        archive.writestr(mimetype, "application/epub+zip")
        for name, text in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


__all__ = ["epub_bytes", "chapter_heading"]
