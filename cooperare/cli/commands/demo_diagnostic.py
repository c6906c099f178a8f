"""The demo's diagnostic stage: the questionnaire provisioned in the sandbox Moodle (``diagnostic plan|apply``), a few
town halls of the roster answering it there through the real client and collected (one commune twice: the later
answer counts), a few hundred more communes answering offline (generated); the national study, scorecards, open data
and the offline form are written under DIR/diagnostic/."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.cli.commands.demo_pilot import pilot_halls
from cooperare.diagnostic.generate import T0_DAYS_BEFORE, generate
from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.moodle import (
    Questionnaire,
    apply_questionnaire,
    collect_responses,
    plan_questionnaire,
    respondents,
)
from cooperare.diagnostic.offline import write_form
from cooperare.diagnostic.opendata import export
from cooperare.diagnostic.service import (
    offer_for,
    store_responses,
    study_from_store,
    write_report,
    write_scorecards,
)

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun

DEMO_COMMUNES = 300
PILOTS = 4
MOODLE_COMMUNES = 6


def stage_diagnostic(run: DemoRun) -> None:
    out = run.out / "diagnostic"
    out.mkdir(parents=True, exist_ok=True)
    instrument = load_shipped()
    catalogue = run.catalogue
    pilots = [hall.siruta for hall in pilot_halls(run.store, PILOTS)]
    made = generate(instrument, count=DEMO_COMMUNES, seed=2026, followup=0 if pilots else PILOTS, pilots=pilots,
                    today=run.now)
    store_responses(run.store, made.responses, command="demo: diagnostic generate")
    if getattr(run, "sandbox", None) is not None:
        again = {r.siruta for r in made.responses if r.wave != "T0"}
        run.summary["diagnostic_moodle"] = _through_moodle(run, Questionnaire(catalogue.prefix, instrument),
                                                           skip=again)
    study = study_from_store(run.store, instrument, catalogue=catalogue,
                             offer=offer_for(instrument, catalogue=catalogue))
    fonts = load_fonts()
    write_report(study, out / "studiu-national.pdf", fmt="pdf", fonts=fonts)
    write_report(study, out / "studiu-national.xlsx", fmt="xlsx", fonts=None)
    again = [r.commune.siruta for r in study.results if r.followup is not None]
    pages = write_scorecards(study, out / "fise-comune.pdf", sirutas=None, fonts=fonts, catalogue=catalogue)
    write_scorecards(study, out / "fise-pilot.pdf", sirutas=again, fonts=fonts, catalogue=catalogue)
    export(study, out / "date-deschise", datapackage=True)
    write_form(instrument, out / "formular-diagnostic.xlsx")
    overall = study.national.get("overall")
    run.app.say(f"{study.responded} of {study.universe} communes answered; national overall "
                f"{'–' if overall is None else f'{overall:.1f}'}; {len(study.superseded)} repeated answers replaced; "
                f"{len(again)} communes measured again (T1); {pages} scorecards; files under {out}")
    run.summary["diagnostic"] = {"communes": study.responded, "overall": overall, "pilots": len(again),
                                 "t1": sorted(again),
                                 "superseded": len(study.superseded), "scorecards": pages,
                                 "version": instrument.version}


def _through_moodle(run: DemoRun, q: Questionnaire, *, skip: frozenset[int] | set[int] = frozenset()
                    ) -> dict[str, object]:
    """Plan and apply the questionnaire, a few roster town halls answer in the sandbox, collect (twice). Communes in
    ``skip`` (measured again at T1 from their generated T0) do not answer here: a random later T0 answer would
    replace the T0 their progress is measured from."""
    from cooperare.diagnostic.simulation import answer, by_commune

    planned = plan_questionnaire(run.client, run.store, q)
    applied = apply_questionnaire(run.client, run.store, planned, command="demo: diagnostic apply")
    again = plan_questionnaire(run.client, run.store, q).plan
    grouped = sorted(((siruta, people) for siruta, people in by_commune(respondents(run.store)).items()
                      if siruta not in skip), key=lambda item: -len(item[1]))
    chosen = [(people[0], siruta) for siruta, people in grouped[:MOODLE_COMMUNES]]
    twice = next(((people[1], siruta) for siruta, people in grouped if len(people) > 1), None)
    if twice is not None:
        chosen.append(twice)  # a colleague from the same town hall answers later: the later answer counts
    # within the generated T0 answers' 40 days, about a year before the run
    start = (run.now - timedelta(days=T0_DAYS_BEFORE - 30)).replace(hour=9, minute=0, second=0, microsecond=0)
    answered = answer(run.sandbox, run.client, q, chosen, start=start)
    first = collect_responses(run.client, run.store, q)
    second = collect_responses(run.client, run.store, q)
    run.app.say(f"Moodle: questionnaire {q.wave} applied ({planned.plan.summary()}; again: {again.summary()}); "
                f"{sum(a.saved for a in answered)} town halls answered in Moodle; collected {first.stored} "
                f"({first.ws_calls} calls), again {second.stored} new; {len(first.superseded)} commune(s) answered "
                "twice, the later answer counts")
    for s in first.superseded:
        run.app.say(f"  commune {s.siruta}: the answer of {s.kept_at:%d.%m.%Y %H:%M} counts, the one of "
                    f"{s.dropped_at:%d.%m.%Y %H:%M} is set aside")
    return {"enrolled": applied.enrolled, "answered": sum(a.saved for a in answered), "stored": first.stored,
            "stored_again": second.stored, "superseded": len(first.superseded), "ws_calls": first.ws_calls}
