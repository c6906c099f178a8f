"""The legal calendar of a public consultation under Legea nr. 52/2003 (republished), in Romanian working days.

Given the day a draft is announced and the recommendation window the authority sets, :func:`legal_calendar` returns
every date the law fixes — the end of the window for written recommendations (``recommendations_until``, at least
10 calendar days, art. 7 alin. (4)) and the earliest day the draft may be submitted to the public authorities for
endorsement (``earliest_submission``: the 30th working day after the announcement day, which is not counted,
art. 7 alin. (2)) — together with the rules that carry no date of their own until something happens (a written
request for a public debate, the announcement of a debate or of a public meeting, the annual report). Every date is
a :class:`LegalDate` naming the rule and the article it comes from, so whoever reads it can check it against the
law (docs/consultation.md cites the sources). Working days exclude Saturdays, Sundays and the public holidays of the
Labour Code (Codul muncii, art. 139), taken from the ``holidays`` package, which also knows when each holiday was
introduced (Good Friday from 2018, 6–7 January from 2024) and where Orthodox Easter and Pentecost fall. Pure
functions on dates: this module does not read configuration, talk to Moodle or print, and it never moves a date the
law does not move.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

from cooperare.errors import InputError

LAW = "Legea nr. 52/2003 privind transparența decizională în administrația publică, republicată"
LAW_SHORT = "Legea nr. 52/2003"
ANNOUNCEMENT_WORKING_DAYS = 30
"""Art. 7 alin. (2): the announcement comes at least 30 working days before the draft is submitted."""
MIN_RECOMMENDATION_DAYS = 10
"""Art. 7 alin. (4): at least 10 calendar days to receive written recommendations."""
DEBATE_MAX_DAYS = 10
"""Art. 7 alin. (10): a public debate takes place at most 10 days after its date and place are published."""
MEETING_NOTICE_DAYS = 3
"""Art. 8 alin. (1) lit. a): a public meeting is announced at least 3 days before it takes place."""
_WEEKEND = (5, 6)


@dataclass(frozen=True)
class LegalRule:
    """One rule of the law: a stable key, the article it sits in and what it says, in Romanian."""

    key: str
    article: str
    text: str

    @property
    def citation(self) -> str:
        """``art. 7 alin. (2) din Legea nr. 52/2003``."""
        return f"{self.article} din {LAW_SHORT}"


@dataclass(frozen=True)
class LegalDate:
    """A date of the calendar and the rule it comes from."""

    key: str
    label: str
    day: date
    rule: LegalRule

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "date": self.day.isoformat(), "rule": self.rule.text,
                "article": self.rule.article, "law": LAW}


RULES: dict[str, LegalRule] = {rule.key: rule for rule in (
    LegalRule(
        key="announcement",
        article="art. 7",
        text="Anunțul privind elaborarea proiectului de act normativ se publică pe site-ul propriu, se afișează la "
             "sediu, într-un spațiu accesibil publicului, și se transmite mass-mediei; proiectul se trimite "
             "tuturor celor care au cerut să-l primească. Anunțul cuprinde data afișării, referatul de aprobare, "
             "textul complet al proiectului și termenul limită, locul și modalitatea în care se pot trimite în "
             "scris propuneri, sugestii și opinii."),
    LegalRule(
        key="earliest_submission",
        article="art. 7 alin. (2)",
        text="Anunțul se aduce la cunoștința publicului cu cel puțin 30 de zile lucrătoare înainte ca proiectul să "
             "fie supus spre avizare de către autoritățile publice; ziua anunțului nu se numără, iar sâmbetele, "
             "duminicile și sărbătorile legale nu sunt zile lucrătoare."),
    LegalRule(
        key="recommendations_until",
        article="art. 7 alin. (4)",
        text="La publicarea anunțului, autoritatea stabilește o perioadă de cel puțin 10 zile calendaristice în "
             "care primește în scris propuneri, sugestii sau opinii cu privire la proiect."),
    LegalRule(
        key="recommendation_content",
        article="art. 7 alin. (6)",
        text="Cine trimite în scris propuneri, sugestii sau opinii precizează articolul sau articolele din proiect "
             "la care se referă, data trimiterii și datele de contact ale expeditorului."),
    LegalRule(
        key="debate_request",
        article="art. 7 alin. (9)",
        text="Autoritatea este obligată să organizeze o dezbatere publică a proiectului dacă i-o cere în scris o "
             "asociație legal constituită sau o altă autoritate publică. Legea nu fixează un termen pentru cerere; "
             "dezbaterea trebuie să aibă loc înainte ca proiectul să fie supus spre adoptare."),
    LegalRule(
        key="debate_held_by",
        article="art. 7 alin. (10)",
        text="Dezbaterea publică se desfășoară în cel mult 10 zile de la publicarea datei și locului în care va fi "
             "organizată; autoritatea analizează toate recomandările privind proiectul."),
    LegalRule(
        key="meeting_notice",
        article="art. 8 alin. (1) lit. a)",
        text="Anunțul privind o ședință publică se afișează la sediu, se publică pe site și se transmite mass-mediei "
             "cu cel puțin 3 zile înainte de ședință."),
    LegalRule(
        key="written_reasons",
        article="art. 12 alin. (3)",
        text="Autoritatea justifică în scris nepreluarea recomandărilor formulate și trimise în scris de cetățeni "
             "și de asociațiile legal constituite."),
    LegalRule(
        key="annual_report",
        article="art. 13",
        text="Autoritatea întocmește și face public un raport anual privind transparența decizională, care "
             "cuprinde, între altele: recomandările primite și cele incluse, participanții la ședințele publice, "
             "dezbaterile organizate, acțiunile în justiție."),
)}


# --- working days -------------------------------------------------------------------------------------------------


@cache
def _holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("RO", years=year, language="ro"))


def public_holiday(day: date) -> str | None:
    """The name of the Romanian public holiday on ``day`` (in Romanian), or None."""
    return _holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """True on Monday–Friday days that are not a Romanian public holiday."""
    return day.weekday() not in _WEEKEND and public_holiday(day) is None


def working_days_after(start: date) -> Iterator[date]:
    """The working days after ``start`` (``start`` itself is never counted), in order, without end."""
    day = start
    while True:
        day += timedelta(days=1)
        if is_working_day(day):
            yield day


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` is not counted); ``count`` must be at least 1."""
    if count < 1:
        raise ValueError("count must be at least 1")
    for number, day in enumerate(working_days_after(start), start=1):
        if number == count:
            return day
    raise AssertionError("unreachable")  # pragma: no cover - the generator never ends


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    total = 0
    day = start + timedelta(days=1)
    while day <= end:
        total += is_working_day(day)
        day += timedelta(days=1)
    return total


# --- the calendar -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationCalendar:
    """The legal calendar of one consultation: its dates (in order) and the rules that have no date yet."""

    announced: date
    window_days: int
    dates: tuple[LegalDate, ...]
    rules: tuple[LegalRule, ...]

    def date(self, key: str) -> LegalDate:
        for item in self.dates:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def recommendations_until(self) -> date:
        return self.date("recommendations_until").day

    @property
    def earliest_submission(self) -> date:
        return self.date("earliest_submission").day

    def warnings(self) -> tuple[str, ...]:
        """What a reader should know about this calendar (in English, for the tool's own messages)."""
        if self.recommendations_until >= self.earliest_submission:
            return (f"the recommendation window ends on {self.recommendations_until.isoformat()}, not before the "
                    f"earliest submission ({self.earliest_submission.isoformat()}): the draft cannot be submitted "
                    "before the window closes and the recommendations are analysed",)
        return ()

    def as_dict(self) -> dict[str, object]:
        return {
            "law": LAW,
            "announced": self.announced.isoformat(),
            "window_days": self.window_days,
            "dates": [item.as_dict() for item in self.dates],
            "rules": [{"key": rule.key, "article": rule.article, "rule": rule.text} for rule in self.rules],
            "warnings": list(self.warnings()),
        }


def check_window(window_days: int) -> int:
    """The recommendation window in calendar days; InputError below the legal minimum of art. 7 alin. (4)."""
    if isinstance(window_days, bool) or not isinstance(window_days, int):
        raise InputError("the recommendation window must be a whole number of days")
    if window_days < MIN_RECOMMENDATION_DAYS:
        raise InputError(
            f"a recommendation window of {window_days} days is shorter than the legal minimum of "
            f"{MIN_RECOMMENDATION_DAYS} calendar days ({RULES['recommendations_until'].citation})",
            hint=f"give at least {MIN_RECOMMENDATION_DAYS} days")
    return window_days


def legal_calendar(*, announced: date, window_days: int = MIN_RECOMMENDATION_DAYS) -> ConsultationCalendar:
    """The calendar of a draft announced on ``announced`` with a window of ``window_days`` calendar days."""
    check_window(window_days)
    dates = (
        LegalDate(key="announced", label="Publicarea anunțului", day=announced, rule=RULES["announcement"]),
        LegalDate(key="recommendations_until", label="Ultima zi pentru recomandări scrise",
                  day=announced + timedelta(days=window_days), rule=RULES["recommendations_until"]),
        LegalDate(key="earliest_submission", label="Cel mai devreme: supunerea proiectului spre avizare",
                  day=add_working_days(announced, ANNOUNCEMENT_WORKING_DAYS), rule=RULES["earliest_submission"]),
    )
    undated = tuple(RULES[key] for key in ("recommendation_content", "debate_request", "debate_held_by",
                                           "meeting_notice", "written_reasons", "annual_report"))
    return ConsultationCalendar(announced=announced, window_days=window_days, dates=dates, rules=undated)


def debate_held_by(*, published: date) -> LegalDate:
    """The last day a public debate may take place when its date and place were published on ``published``."""
    return LegalDate(key="debate_held_by", label="Ultima zi în care poate avea loc dezbaterea publică",
                     day=published + timedelta(days=DEBATE_MAX_DAYS), rule=RULES["debate_held_by"])


def meeting_announced_by(*, meeting: date) -> LegalDate:
    """The last day the announcement of a public meeting held on ``meeting`` may be published."""
    return LegalDate(key="meeting_notice", label="Ultima zi pentru anunțarea ședinței publice",
                     day=meeting - timedelta(days=MEETING_NOTICE_DAYS), rule=RULES["meeting_notice"])
