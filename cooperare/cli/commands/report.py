"""``cooperare report certification``: the coordinators' report of certified people against the targets.

Built from the certificate registry in the store (no Moodle call), written as XLSX, CSV or PDF. The spreadsheet and
PDF libraries are imported when the command runs, so other commands start fast.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.store.certificates import CertificateRegistry

FORMATS = ("xlsx", "csv", "pdf")


@click.group()
def report() -> None:
    """Reports for coordinators."""


@report.command("certification")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="File format (default: from the --out suffix).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@pass_app
def certification(app: AppContext, fmt: str | None, out: Path) -> None:
    """Certified people against the targets (per track, with percentages), per county, per commune, per
    organisation, and the list of certificates with serials and dates.

    Cells that start with = + - @ are neutralised in CSV and XLSX; the PDF carries bar charts.
    """
    from cooperare.certificates.fonts import load_fonts
    from cooperare.reports.certification import build_report
    from cooperare.reports.pdf import write_pdf
    from cooperare.reports.tabular import write_csv, write_xlsx

    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise click.UsageError(f"say --format {'|'.join(FORMATS)} (cannot tell from {out.name!r})")
    store = app.store()
    config = app.config.certificates
    data = build_report(app.catalogue(), CertificateRegistry(store.engine).all(status="valid"),
                        generated_at=datetime.now(UTC))
    out.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "csv":
        write_csv(data, out)
    elif chosen == "xlsx":
        write_xlsx(data, out)
    else:
        write_pdf(data, out, fonts=load_fonts(config.font, config.font_bold))
    share = data.certified / data.target if data.target else 0.0
    app.say(f"{data.certified} certified of {data.target} targeted ({share:.1%}); report written to {out}")
