"""The demo's pilot city halls and its pilot stage.

The demo takes the 4 communes with the most people of its roster as the pilot city halls (:func:`pilot_halls`; the
project's own are set in cooperare.yaml). The diagnostic stage gives them a second answer (T1); the pilot stage has
their people use the platform over the last weeks as the people of a pilot city hall would — they open their course
on a few days and some of them write in the course's forum (:func:`simulate_use`) —, has a few of them contribute
to the consultations on the manual through Moodle as authority staff, collected into the register
(:func:`contribute`), adds the ``pilot:`` section to ``DIR/cooperare.yaml`` (other sections kept), so ``cooperare
pilot report`` works in DIR, and writes the pilot report under ``DIR/pilot/``. Sandbox-only code: production paths
never import this module.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
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


CONTRIBUTIONS = (  # (city hall, its n-th person, consultation, part, day after the announcement, hh:mm, text)
    (0, 0, 0, "cap-04", 3, "10:20",
     "La capitolul despre serviciile electronice propunem un exemplu complet pentru certificatul de atestare "
     "fiscală cerut online, așa cum îl eliberăm noi la ghișeu: cererea, plata taxei și răspunsul semnat "
     "electronic. Cetățenii din satele aparținătoare ne cer des acest document."),
    (1, 0, 0, "cap-06", 9, "14:05",
     "În primăria noastră copiile de siguranță se fac pe un singur disc extern. Ar fi util ca manualul să spună "
     "cât de des trebuie încercată restaurarea și cine răspunde de ea într-o primărie cu trei funcționari."),
    (2, 0, 0, "cap-09", 15, "11:40",
     "Propunem ca lista de competențe să cuprindă și lucrul cu semnătura electronică la registratură, nu doar "
     "pentru secretarul general și pentru primar."),
    (0, 1, 1, "cap-05", 2, "09:50",
     "Versiunea revizuită tratează bine consultarea online; lipsește un paragraf despre cetățenii fără internet: "
     "anunțul să fie afișat și la avizierul primăriei, iar propunerile primite pe hârtie să fie trecute în "
     "același registru."),
    (1, 0, 1, "cap-08", 8, "13:25",
     "La achiziții, un tabel cu pragurile pentru achiziția directă și cu exemple de costuri pentru licența "
     "registrului agricol electronic ne-ar ajuta la întocmirea bugetului pe anul viitor."),
    (2, 1, 1, "cap-10", 14, "15:10",
     "Lista de verificare pentru prima bandă de maturitate este clară. Sugerăm o coloană „responsabil” pentru "
     "fiecare rând, ca s-o putem folosi direct în ședința de lucru a compartimentului."),
)
"""What people of the pilot city halls (the first three of them) send to the two consultations on the manual, as
authority staff, each within the consultation's window (Romanian time)."""


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


@dataclass(frozen=True)
class Contributed:
    people: int
    posted: int
    recorded: int
    """Contributions the collects recorded as new."""


def contribute(run: DemoRun, halls: list[CityHall], *, now: datetime) -> Contributed:
    """A few people of the pilot city halls contribute to the consultations on the manual through Moodle, as
    authority staff: their own accounts (from the roster sync) join the space's authority-staff cohort, each posts
    with a client on their own token a reply in the part's discussion (:data:`CONTRIBUTIONS`), dated within the
    consultation's window and never after ``now``, and ``collect`` reads each consultation into the register as
    ``consultation collect`` does — the senders' e-mail addresses hashed, so the pilot report attributes them. Needs
    the consultation space (the consultation stage applies it); without it, or before a consultation opens, nothing
    is posted."""
    from cooperare.consultation_bridge.demo import demo_space
    from cooperare.consultation_bridge.exchange import collect
    from cooperare.consultation_bridge.register import LOCAL_TIME
    from cooperare.consultation_bridge.simulation import Sent, post_contributions, staff_clients
    from cooperare.consultation_bridge.space import forum_ids
    from cooperare.pilot.report import belongs

    space = demo_space("", ())
    course_id, _forums = forum_ids(run.client, space.course_idnumber)
    if course_id is None:
        return Contributed(0, 0, 0)
    people = [p for p in People(run.store.engine).all(status="active") if p.moodle_user_id is not None]
    staff = {i: sorted((p for p in people if belongs(p, hall)), key=lambda p: p.key) for i, hall in enumerate(halls)}
    sent: dict[str, list[Sent]] = {}
    accounts: dict[str, int] = {}
    for hall, nth, which, part, day, clock, text in CONTRIBUTIONS:
        if which >= len(space.consultations) or nth >= len(staff.get(hall, ())):
            continue
        consultation = space.consultations[which]
        calendar = consultation.calendar
        hour, minute = map(int, clock.split(":"))
        at = datetime.combine(consultation.announced + timedelta(days=day), time(hour, minute), tzinfo=LOCAL_TIME)
        last = datetime.combine(calendar.recommendations_until, time(17, 0), tzinfo=LOCAL_TIME)
        at = min(at, last, now - timedelta(hours=1))
        if at.astimezone(LOCAL_TIME).date() < consultation.announced:
            continue  # the consultation had not opened by the run's day
        person = staff[hall][nth]
        username = f"pilot-{person.moodle_user_id}"
        accounts[username] = int(person.moodle_user_id)  # type: ignore[arg-type]
        sent.setdefault(consultation.id, []).append(Sent(username, part, text, at))
    if not sent:
        return Contributed(0, 0, 0)
    clients = staff_clients(run.sandbox, run.client, space, accounts)
    posted = recorded = 0
    for consultation_id, items in sent.items():
        posted += len(post_contributions(run.sandbox, run.client, clients, space, consultation_id, items))
        recorded += collect(run.client, run.store, space=space, consultation_id=consultation_id).counts.new
    return Contributed(len(accounts), posted, recorded)


def write_config(out: Path, halls: list[CityHall], *, months: int) -> None:
    """Add the ``pilot:`` section (as docs/pilot.md shows it) to DIR/cooperare.yaml; other sections are kept (the
    demo's store and sandbox address added when the file has none yet)."""
    update_demo_config(out, {"pilot": {"city_halls": [{"commune": h.commune, "county": h.county} for h in halls],
                                       "months": months}})


def training_months(run: DemoRun) -> int:
    """The months the report goes back: from the month the first course started (the demo's moved calendar) to the
    run's month, both counted, so the report covers the training and the events held during it (at most 36)."""
    from cooperare.cli.commands.demo_calendar import course_span

    first = course_span(run.catalogue)[0]
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
    sent = contribute(run, halls, now=run.now) if run.sandbox is not None else Contributed(0, 0, 0)
    run.app.say(f"Pilot city halls' people ({sent.people}) contributed to the consultations on the manual as "
                f"authority staff: {sent.posted} posts, {sent.recorded} recorded by collect")
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
                            "contributions": {"people": sent.people, "posted": sent.posted,
                                              "recorded": sent.recorded},
                            "files": [str(out / "raport-pilot.pdf"), str(out / "raport-pilot.xlsx")]}

