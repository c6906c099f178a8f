"""Rendering and signing many certificates, in parallel processes: content in, signed PDF bytes and their hash out.

:class:`Producer` holds what every worker needs (font files, the PKCS#12 path, its password, the signature image)
and :meth:`Producer.run` renders and signs each :class:`~cooperare.certificates.render.CertificateContent`, in
this process for a few certificates or in a pool of worker processes for many. Each process renders through a
:class:`~cooperare.certificates.press.CertificatePress` built once (the static page, fonts included) and signs with
a key loaded once. Where processes fork, the parent opens both once and the workers inherit them (loading an RSA-3072 key
costs 160 ms: once, not once per worker, and not again after :meth:`Producer.check` opened it); elsewhere workers receive the producer, password included, through the
pool's initializer (a pipe), never through argv or the environment. This module must not write files
or the registry: the caller records what it gets back, in order.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from cooperare.certificates.fonts import load_fonts
from cooperare.certificates.press import CertificatePress
from cooperare.certificates.render import CertificateContent, render_certificate
from cooperare.certificates.signing import PdfSigner, SignatureDetails
from cooperare.secrets import Secret

IN_PROCESS_BELOW = 8
"""Fewer certificates than this are made in the calling process (starting workers costs more)."""
CHUNK = 16
"""Certificates made together: all pages of a chunk are rendered, then all are signed, then handed back, so each step
runs many times in a row with its code and data warm in the processor's caches (interleaving rendering, signing,
writing and the registry per certificate cost about a tenth more CPU). Also what a worker process takes at a time."""


@dataclass(frozen=True)
class Produced:
    serial: str
    pdf: bytes
    sha256: str


@dataclass(frozen=True, kw_only=True)
class Producer:
    """Everything needed to render and sign, in any process."""

    pkcs12: Path
    password: Secret
    font: Path | None = None
    font_bold: Path | None = None
    signature_image: Path | None = None
    details: SignatureDetails = field(default_factory=SignatureDetails)
    press: bool = True
    """Render through a template made once per process (:mod:`cooperare.certificates.press`); False draws every
    certificate with reportlab alone: the same page, slower (the bench's reference)."""
    _opened: list[_Tools] = field(default_factory=list, init=False, repr=False, compare=False, hash=False)
    """The fonts, press and key opened in this process (by :meth:`check` or the first :meth:`run`); never pickled."""

    def check(self) -> str:
        """Open the key, the fonts and the press, so a wrong password or font stops before any work, and keep them
        for :meth:`run`; returns the signing certificate's subject."""
        return self._tools().signer.subject

    def _tools(self) -> _Tools:
        if not self._opened:
            self._opened.append(_Tools.open(self))
        return self._opened[0]

    def __getstate__(self) -> dict[str, object]:
        """What a worker receives (spawned workers): everything but the opened key, which it opens itself."""
        return {**self.__dict__, "_opened": []}

    def run(self, contents: Sequence[CertificateContent], *, workers: int) -> Iterator[Produced]:
        """Signed PDFs for ``contents``, in the same order.

        While it runs, what existed before (modules, catalogue, fonts, key, press: over 100,000 objects) is frozen
        out of the garbage collector's reach (:func:`gc.freeze`), so its full collections, which signing triggers
        every few hundred certificates, walk only what the batch made: half the collector's time per certificate."""
        gc.freeze()
        try:
            yield from self._run(contents, workers=workers)
        finally:
            gc.unfreeze()

    def _run(self, contents: Sequence[CertificateContent], *, workers: int) -> Iterator[Produced]:
        chunks = [contents[start : start + CHUNK] for start in range(0, len(contents), CHUNK)]
        if workers <= 1 or len(contents) < IN_PROCESS_BELOW:
            tools = self._tools()
            for chunk in chunks:
                yield from tools.make(chunk)
            return
        if "fork" not in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context().Pool(workers, initializer=_init_worker, initargs=(self,)) as pool:
                for made in pool.imap(_make_in_worker, chunks):
                    yield from made
            return
        global _worker
        _worker = self._tools()  # forked workers inherit the loaded key and the press: opened once, not per worker
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for made in pool.imap(_make_in_worker, chunks):
                    yield from made
        finally:
            _worker = None


@dataclass
class _Tools:
    render: Callable[[CertificateContent], bytes]
    signer: PdfSigner

    @classmethod
    def open(cls, producer: Producer) -> _Tools:
        fonts = load_fonts(producer.font, producer.font_bold)
        if producer.press:
            render = CertificatePress(fonts=fonts, signature_image=producer.signature_image).render
        else:
            render = partial(render_certificate, fonts=fonts, signature_image=producer.signature_image)
        return cls(render, PdfSigner(producer.pkcs12, password=producer.password, details=producer.details))

    def make(self, chunk: Sequence[CertificateContent]) -> list[Produced]:
        """The chunk's pages rendered, then signed (see :data:`CHUNK`)."""
        pages = [self.render(content) for content in chunk]
        signed = [self.signer.sign(page) for page in pages]
        return [Produced(content.serial, pdf, hashlib.sha256(pdf).hexdigest())
                for content, pdf in zip(chunk, signed, strict=True)]


_worker: _Tools | None = None


def _init_worker(producer: Producer) -> None:
    global _worker
    _worker = _Tools.open(producer)


def _make_in_worker(chunk: Sequence[CertificateContent]) -> list[Produced]:
    assert _worker is not None, "worker used before its initializer ran"
    return _worker.make(chunk)
