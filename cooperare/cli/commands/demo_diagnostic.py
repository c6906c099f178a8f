"""The demo's diagnostic stage: a few hundred communes answer the questionnaire (generated), and the national
study, scorecards, open data and the offline form are written under DIR/diagnostic/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.courses.catalogue import load_catalogue
from cooperare.diagnostic.generate import generate
from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.offline import write_form
from cooperare.diagnostic.opendata import export
from cooperare.diagnostic.service import store_responses, study_from_store, write_report, write_scorecards

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun

DEMO_COMMUNES = 300
PILOTS = 4


def stage_diagnostic(run: DemoRun) -> None:
    out = run.out / "diagnostic"
    out.mkdir(parents=True, exist_ok=True)
    instrument = load_shipped()
    catalogue = load_catalogue()
    made = generate(instrument, count=DEMO_COMMUNES, seed=2026, followup=PILOTS)
    store_responses(run.store, made.responses, command="demo: diagnostic generate")
    study = study_from_store(run.store, instrument, catalogue=catalogue)
    fonts = load_fonts()
    write_report(study, out / "studiu-national.pdf", fmt="pdf", fonts=fonts)
    write_report(study, out / "studiu-national.xlsx", fmt="xlsx", fonts=None)
    pilots = [r.commune.siruta for r in study.results if r.followup is not None]
    pages = write_scorecards(study, out / "fise-comune.pdf", sirutas=None, fonts=fonts, catalogue=catalogue)
    write_scorecards(study, out / "fise-pilot.pdf", sirutas=pilots, fonts=fonts, catalogue=catalogue)
    export(study, out / "date-deschise", datapackage=True)
    write_form(instrument, out / "formular-diagnostic.xlsx")
    overall = study.national.get("overall")
    run.app.say(f"{study.responded} of {study.universe} communes answered; national overall "
                f"{'–' if overall is None else f'{overall:.1f}'}; {len(study.superseded)} repeated answers replaced; "
                f"{len(pilots)} communes measured again (T1); {pages} scorecards; files under {out}")
    run.summary["diagnostic"] = {"communes": study.responded, "overall": overall, "pilots": len(pilots),
                                 "superseded": len(study.superseded), "scorecards": pages,
                                 "version": instrument.version}
