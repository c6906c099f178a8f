"""The demo's pilot city halls and its pilot stage.

The demo takes the 4 communes with the most people of its roster as the pilot city halls (:func:`pilot_halls`; the
project's own are set in cooperare.yaml). The diagnostic stage gives them a second answer (T1); the pilot stage has
their people use the platform over the last weeks as the people of a pilot city hall would — they open their course
on a few days and some of them write in the course's forum (:func:`simulate_use`) —, adds the ``pilot:`` section
to ``DIR/cooperare.yaml`` (other sections kept), so ``cooperare pilot report`` works in DIR, and writes the pilot
report under ``DIR/pilot/``. Sandbox-only code: production paths never import this module.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cooperare.cli.commands.demo_config import update_demo_config
from cooperare.config import CONFIG_FILE_NAME
from cooperare.config.pilot import CityHall, PilotConfig
from cooperare.errors import PlanError
from cooperare.store import Store
from cooperare.store.people import People

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun

PILOT_HALLS = 4
DAY = 86400
POSTS = (
    ("Publicarea hotărârilor în MOL", "<p>Am început să publicăm hotărârile consiliului local în Monitorul Oficial "
     "Local. Cum procedați cu anexele scanate: le transformați în PDF cu text căutabil?</p>"),
    ("Semnătura electronică la primărie", "<p>Ce certificat de semnătură electronică calificată folosiți pentru "
     "dispozițiile primarului? Ne gândim să luăm câte unul pentru secretarul general și pentru primar.</p>"),
    ("Plata taxelor online", "<p>De luna aceasta cetățenii din comuna noastră pot plăti impozitele prin "
     "Ghișeul.ro. Mulțumim pentru exemplul din lecție, ne-a ajutat la pașii de înrolare.</p>"),
    ("Parole și copii de siguranță", "<p>Am aplicat regula din modulul de siguranță: parole diferite pentru fiecare "
     "cont și o copie de siguranță săptămânală a registrului agricol pe un disc separat.</p>"),
    ("Întrebare despre testul modulului 3", "<p>La întrebarea despre formatele deschise: un fișier .xlsx este "
     "considerat format deschis? Vă mulțumesc.</p>"),
    ("Registratură electronică", "<p>Ați trecut la registratura electronică? Cât a durat până când colegii s-au "
     "obișnuit cu numerele de înregistrare generate automat?</p>"),
    ("Date deschise pe data.gov.ro", "<p>Am publicat primul set de date al comunei: lista autorizațiilor de "
     "construire din acest an, în format CSV. Ce set ne recomandați pentru următorul pas?</p>"),
)


def pilot_halls(store: Store, count: int = PILOT_HALLS) -> list[CityHall]:
    """The communes with the most active people of the roster (ties: the roster's order), as city halls."""
    places = Counter((p.commune, p.county) for p in People(store.engine).all(status="active") if p.commune)
    halls: list[CityHall] = []
    for (commune, county), _count in places.most_common():
        try:
            halls.append(CityHall(commune, county))
        except ValueError:
            continue
        if len(halls) == count:
            break
    return halls


@dataclass(frozen=True)
class Used:
    people: int
    visits: int
    posts: int


def simulate_use(run: DemoRun, halls: list[CityHall], *, now: datetime, seed: int = 2026) -> Used:
    """The pilot city halls' people use the platform over the last eight weeks: each opens their course on a few
    days (most of them in the last week or two, a few not for a month), and about two in three write one to three
    messages in the course's forum on some of those days. Nothing is later than ``now``."""
    from cooperare.cli.commands.demo_certificates import _course_activities
    from cooperare.pilot.report import belongs
    from cooperare.sandbox import simulate

    site = run.sandbox.site
    catalogue = run.catalogue
    rng = random.Random(seed)
    stamp = int(now.timestamp())
    people = [p for p in People(run.store.engine).all(status="active")
              if p.moodle_user_id is not None and any(belongs(p, hall) for hall in halls)]
    visits = posts = 0
    for person in people:
        assert person.moodle_user_id is not None
        try:
            course_id, activities = _course_activities(site, catalogue, catalogue.track(person.track).course)
        except (KeyError, PlanError):  # no such track, or its course is not in this sandbox
            continue
        # how long since the person last opened the course: mostly days, sometimes weeks
        last = rng.choices((rng.uniform(0.1, 6.5), rng.uniform(8, 29), rng.uniform(31, 45)), weights=(6, 3, 1))[0]
        days = sorted({last, *(rng.uniform(last, 56) for _ in range(rng.randint(2, 7)))})
        moments = [stamp - int(d * DAY) for d in days]
        for when in moments:
            simulate.access_course(site, course_id, person.moodle_user_id, when=when)
            visits += 1
        forum = activities.get("forum")
        if forum is None or forum[2] != "forum" or rng.random() >= 0.65:
            continue
        for when in rng.sample(moments, min(len(moments), rng.randint(1, 3))):
            subject, message = POSTS[rng.randrange(len(POSTS))]
            simulate.forum_post(site, forum[0], person.moodle_user_id, subject, message, when=when)
            posts += 1
    site.db.commit()
    return Used(len(people), visits, posts)


def write_config(out: Path, halls: list[CityHall], *, months: int) -> None:
    """Add the ``pilot:`` section (as docs/pilot.md shows it) to DIR/cooperare.yaml; other sections are kept (the
    demo's store and sandbox address added when the file has none yet)."""
    update_demo_config(out, {"pilot": {"city_halls": [{"commune": h.commune, "county": h.county} for h in halls],
                                       "months": months}})


def training_months(run: DemoRun) -> int:
    """The months the report goes back: from the month the first course started (the demo's moved calendar) to the
    run's month, both counted, so the report covers the training and the events held during it (at most 36)."""
    first = min(run.catalogue.course_settings(t.course).start for t in run.catalogue.tracks)
    today = run.now.date()
    return max(1, min(36, (today.year - first.year) * 12 + today.month - first.month + 1))


def stage_pilot(run: DemoRun) -> None:
    """The demo stage (see the module docstring)."""
    from cooperare.certificates.fonts import load_fonts
    from cooperare.config.events import EventsConfig
    from cooperare.pilot.service import pilot_report, write_pilot

    out = run.out / "pilot"
    out.mkdir(parents=True, exist_ok=True)
    halls = pilot_halls(run.store)
    config = PilotConfig(city_halls=tuple(halls), months=training_months(run))
    used = simulate_use(run, halls, now=run.now) if run.sandbox is not None else Used(0, 0, 0)
    run.app.say(f"Pilot city halls' people ({used.people}) used the platform in the last weeks: {used.visits} course "
                f"visits, {used.posts} forum messages")
    write_config(run.out, halls, months=config.months)
    report = pilot_report(run.client, run.store, config=config, catalogue=run.catalogue, events=run.events,
                          rule=EventsConfig().attendance,
                          command="demo: pilot report")
    write_pilot(report, out / "raport-pilot.pdf", fmt="pdf", fonts=load_fonts())
    write_pilot(report, out / "raport-pilot.xlsx", fmt="xlsx", fonts=None)
    people = sum(int(row[2]) for row in report.summary.rows)  # type: ignore[call-overload]
    run.app.say(f"Pilot report for {', '.join(h.label for h in halls)} ({people} people) written under {out}; "
                f"the pilot: section added to {run.out / CONFIG_FILE_NAME}")
    run.summary["pilot"] = {"city_halls": [h.label for h in halls], "people": people, "visits": used.visits,
                            "posts": used.posts,
                            "files": [str(out / "raport-pilot.pdf"), str(out / "raport-pilot.xlsx")]}

