"""The diagnostic workflow in calls the CLI and the demo share: store responses, build the study, write its files.

All bookkeeping goes through the store (responses as received, a recorded run per write); the scoring and the study
stay pure. This module must not print.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from cooperare.certificates.fonts import FontPair
from cooperare.courses.catalogue import Catalogue
from cooperare.diagnostic.instrument import Instrument
from cooperare.diagnostic.offer import Offer, load_offer
from cooperare.diagnostic.responses import Response
from cooperare.diagnostic.study import Study, build_study, scorecard
from cooperare.errors import InputError
from cooperare.store import Store
from cooperare.store.diagnostic import DiagnosticResponses
from cooperare.territory import communes


def programme_names(catalogue: Catalogue | None) -> dict[str, str]:
    return {p.key: p.name for p in catalogue.programmes} if catalogue else {}


def store_responses(store: Store, responses: Iterable[Response], *, command: str) -> int:
    items = list(responses)
    with store.runs.recording(command, detail={"responses": len(items)}, ws_calls=lambda: 0):
        return DiagnosticResponses(store.engine).add(items)


def offer_for(instrument: Instrument, *, catalogue: Catalogue | None = None, path: Path | None = None,
              site_url: str | None = None) -> Offer:
    """The manual chapters and course modules for every section (``path`` or the shipped ``offer.yaml``), checked
    against the shipped manual and ``catalogue``; course links when ``site_url`` (config ``site.url``) is known."""
    return load_offer(instrument, path, catalogue=catalogue).with_site(site_url)


def study_from_store(store: Store, instrument: Instrument, *, catalogue: Catalogue | None = None,
                     generated_at: datetime | None = None, offer: Offer | None = None) -> Study:
    """The study of the stored responses; with ``offer`` (:func:`offer_for`) it names chapters and course modules."""
    responses = DiagnosticResponses(store.engine).all(version=instrument.version)
    if not responses:
        raise InputError(f"no responses to instrument {instrument.version} in the store",
                         hint="collect them (diagnostic collect), import forms (diagnostic import) or generate some")
    return build_study(instrument, responses, communes(), generated_at=generated_at or datetime.now(UTC),
                       programmes=programme_names(catalogue),
                       offer=offer)


def write_report(study: Study, out: Path, *, fmt: str, fonts: FontPair | None) -> None:
    from cooperare.reports.tabular import write_xlsx

    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        from cooperare.reports.diagnostic_pdf import write_study_pdf

        assert fonts is not None
        write_study_pdf(study, out, fonts=fonts)
    else:
        write_xlsx(study, out)  # type: ignore[arg-type]


def write_scorecards(study: Study, out: Path, *, sirutas: list[int] | None, fonts: FontPair,
                     catalogue: Catalogue | None = None) -> int:
    from cooperare.reports.diagnostic_pdf import write_scorecards as render

    chosen = sirutas if sirutas is not None else [r.commune.siruta for r in study.results]
    cards = []
    for siruta in chosen:
        try:
            cards.append(scorecard(study, siruta))
        except KeyError:
            raise InputError(f"commune {siruta} has no T0 response in the store",
                             hint="check the SIRUTA code (diagnostic score --json lists the communes)") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    render(cards, study, out, fonts=fonts, programmes=programme_names(catalogue))
    return len(cards)
