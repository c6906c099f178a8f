"""The register's offline workflow in calls the CLI and the demo share: answer workbook, answers, synthesis, annual
report, open data — each from the store alone (the outline is stored with the register), no Moodle.

This module must not print; errors are :class:`~cooperare.errors.CooperareError` for the CLI to show.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cooperare.certificates.fonts import FontPair
from cooperare.consultation_bridge.annual import AnnualFacts, AnnualReport, build_annual_report
from cooperare.consultation_bridge.outline import ConsultationOutline
from cooperare.consultation_bridge.synthesis import Minutes, Synthesis, build_synthesis
from cooperare.errors import InputError
from cooperare.store import Store
from cooperare.store.consultation import ConsultationRegister, Contribution

REPORT_FORMATS = ("pdf", "xlsx")
EXPORT_FORMATS = ("csv", "json")


def registered(store: Store, consultation_id: str) -> tuple[ConsultationOutline, list[Contribution]]:
    """The stored outline and contributions of a consultation; an :class:`InputError` if it was never recorded."""
    register = ConsultationRegister(store.engine)
    outline = register.outline(consultation_id)
    if outline is None:
        known = ", ".join(o.id for o in register.outlines()) or "none"
        raise InputError(f"the register holds no consultation {consultation_id!r} (recorded: {known})",
                         hint="collect its contributions first (consultation collect)")
    return outline, register.contributions(consultation_id)


def write_answer_form(store: Store, consultation_id: str, out: Path) -> int:
    from cooperare.consultation_bridge.answers import write_answer_workbook

    outline, contributions = registered(store, consultation_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_answer_workbook(outline, contributions, out)


def synthesis_from_store(store: Store, consultation_id: str, *, minutes: Minutes | None = None,
                         generated_at: datetime | None = None) -> Synthesis:
    outline, contributions = registered(store, consultation_id)
    return build_synthesis(outline, contributions, generated_at=generated_at or datetime.now(UTC), minutes=minutes)


def write_report(report: Synthesis | AnnualReport, out: Path, *, fmt: str, fonts: FontPair | None) -> None:
    """Write the synthesis or the annual report as PDF (``fonts`` needed) or XLSX."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        from cooperare.reports.consultation_pdf import write_annual_pdf, write_synthesis_pdf

        assert fonts is not None
        if isinstance(report, Synthesis):
            write_synthesis_pdf(report, out, fonts=fonts)
        else:
            write_annual_pdf(report, out, fonts=fonts)
    else:
        from cooperare.reports.tabular import write_xlsx

        write_xlsx(report, out)  # type: ignore[arg-type]


def annual_from_store(store: Store, *, authority: str, year: int, facts: AnnualFacts | None,
                      generated_at: datetime | None = None) -> AnnualReport:
    register = ConsultationRegister(store.engine)
    outlines = [o for o in register.outlines() if o.authority.casefold() == authority.casefold()]
    if not outlines:
        known = sorted({o.authority for o in register.outlines()})
        raise InputError(f"the register holds no consultation of {authority!r}",
                         hint=f"authorities in the register: {', '.join(known)}" if known else
                         "collect a consultation's contributions first")
    return build_annual_report(authority=outlines[0].authority, year=year, outlines=outlines,
                               contributions={o.id: register.contributions(o.id) for o in outlines}, facts=facts,
                               generated_at=generated_at or datetime.now(UTC))


def export(store: Store, consultation_id: str, out: Path, *, fmt: str) -> int:
    from cooperare.consultation_bridge.opendata import write_csv, write_json

    outline, contributions = registered(store, consultation_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    return (write_json if fmt == "json" else write_csv)(outline, contributions, out)
