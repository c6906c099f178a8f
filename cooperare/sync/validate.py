"""Turn a :class:`~cooperare.sync.readers.Table` into a :class:`~cooperare.sync.model.Roster`, or say precisely
what is wrong: every message carries the row and the column (number and header).

Checks: the columns (see :mod:`cooperare.sync.columns`), required values, e-mail syntax, the county (41 counties
and Bucharest), the participant category and the track (from the catalogue; a track may be left empty when the
category allows only one), that the track admits the category, cells beyond the header (usually a separator
inside an unquoted value), values that look like a CNP in any column (refused without being echoed), and
duplicates: the same registration code, the same e-mail, or the same name in the same organisation.
All problems are collected before :class:`RosterInvalid` is raised, so one run shows them all. This module must not
talk to Moodle or the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import InputError, Location
from cooperare.sync import normalise
from cooperare.sync.columns import ColumnMap, map_columns
from cooperare.sync.model import Person, Problem, Roster
from cooperare.sync.readers import Table
from cooperare.sync.text import fold

MAX_PROBLEMS = 500
_DIGITS13 = re.compile(r"[1-9]\d{12}")
_CNP_WEIGHTS = (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)
_NAME_FORBIDDEN = re.compile(r"[0-9@_#$%&*+=<>{}\[\]|\\/\"]")


class RosterInvalid(InputError):
    """The roster file has problems; ``problems`` lists each with its row and column."""

    def __init__(self, problems: Sequence[Problem], *, source: str, truncated: bool = False) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.location.line or 0, p.location.column or 0)))
        count = f"{len(problems)}{'+' if truncated else ''}"
        noun = "problem" if len(problems) == 1 else "problems"
        first = str(self.problems[0]) if problems else ""
        super().__init__(f"{count} {noun} in the roster; nothing was sent to Moodle. First: {first}",
                         location=Location(file=source),
                         hint="run `cooperare roster check FILE` to see every problem")


def looks_like_cnp(value: str) -> bool:
    """True for 13 digits with a plausible date part and a correct CNP check digit (spaces and dots ignored)."""
    digits = re.sub(r"[\s.\-]", "", value)
    if not _DIGITS13.fullmatch(digits):
        return False
    month, day = int(digits[3:5]), int(digits[5:7])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:12], _CNP_WEIGHTS, strict=True)) % 11
    return int(digits[12]) == (1 if total == 10 else total)


@dataclass(frozen=True)
class _Vocabulary:
    categories: normalise.Labels
    tracks: normalise.Labels
    track_categories: Mapping[str, frozenset[str]]
    only_track: Mapping[str, str]
    """Category → its single track, for categories that only one track admits."""


def _vocabulary(catalogue: Catalogue, config: RosterConfig) -> _Vocabulary:
    index = catalogue.index
    categories = normalise.Labels.build(
        [(c.key, [c.name]) for c in index.participant_categories],
        {**{label: key for label, key in normalise.CATEGORY_LABELS.items()
            if key in {c.key for c in index.participant_categories}}, **config.category_aliases})
    track_labels = []
    for track in index.tracks:
        labels = [track.name, track.course]
        try:
            _, course = catalogue.course(track.course)
            labels += [course.shortname, course.fullname]
        except KeyError:
            pass
        track_labels.append((track.key, labels))
    tracks = normalise.Labels.build(track_labels, config.track_aliases)
    track_categories = {t.key: frozenset(t.categories) for t in index.tracks}
    admitting: dict[str, list[str]] = {}
    for track in index.tracks:
        for category in track.categories:
            admitting.setdefault(category, []).append(track.key)
    only = {category: keys[0] for category, keys in admitting.items() if len(keys) == 1}
    return _Vocabulary(categories, tracks, track_categories, only)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.truncated = False

    def add(self, location: Location, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append(Problem(location, message))


def validate_table(table: Table, *, catalogue: Catalogue, config: RosterConfig) -> Roster:
    """Validate and normalise every row; raise :class:`RosterInvalid` listing every problem found."""
    collector = _Collector()
    columns, header_problems = map_columns(table.headers, source=table.source, line=table.header_line,
                                           extra=config.columns)
    for problem in header_problems:
        collector.add(problem.location, problem.message)
    _check_cnp_cells(table, collector)
    if collector.problems:
        raise RosterInvalid(collector.problems, source=table.source, truncated=collector.truncated)
    vocabulary = _vocabulary(catalogue, config)
    people = [person for line, cells in table.rows
              if (person := _person(table, columns, vocabulary, line, cells, collector)) is not None]
    _check_duplicates(table, columns, people, collector)
    if collector.problems:
        raise RosterInvalid(collector.problems, source=table.source, truncated=collector.truncated)
    if not people:
        raise RosterInvalid([Problem(Location(file=table.source), "the roster has a header but no people")],
                            source=table.source)
    notes = tuple(f"column {name!r} is not used" for name in columns.ignored)
    return Roster(table.source, tuple(people), notes)


def _check_cnp_cells(table: Table, collector: _Collector) -> None:
    for line, cells in table.rows:
        for index, cell in enumerate(cells):
            if cell and looks_like_cnp(cell):
                header = table.headers[index].strip() if index < len(table.headers) else None
                collector.add(Location(file=table.source, line=line, column=index + 1, key=header),
                              "this value looks like a personal numeric code (CNP); the pack never reads or stores "
                              "CNPs: delete it from the file (it is not shown here on purpose)")


def _person(table: Table, columns: ColumnMap, vocabulary: _Vocabulary, line: int, cells: tuple[str, ...],
            collector: _Collector) -> Person | None:
    before = len(collector.problems)

    def where(name: str) -> Location:
        index = columns.fields[name]
        return Location(file=table.source, line=line, column=index + 1, key=table.headers[index].strip())

    def raw(name: str) -> str:
        index = columns.fields.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def required(name: str, value: str, what: str) -> str:
        if not value:
            collector.add(where(name), f"the {what} is missing")
        return value

    if len(cells) > len(table.headers) and any(c.strip() for c in cells[len(table.headers):]):
        extra = next(i for i in range(len(table.headers), len(cells)) if cells[i].strip())
        collector.add(Location(file=table.source, line=line, column=extra + 1),
                      f"the row has more cells ({len(cells)}) than the header ({len(table.headers)}); a value "
                      "probably holds the separator without quotes")
    key = required("key", normalise.key(raw("key")), "registration code")
    if key and not normalise.KEY.match(key):
        collector.add(where("key"), "the registration code must be 1-40 letters, digits, dots, dashes or slashes")
    lastname = required("lastname", normalise.person_name(raw("lastname")), "last name")
    firstname = required("firstname", normalise.person_name(raw("firstname")), "first name")
    for name, value in (("lastname", lastname), ("firstname", firstname)):
        if value and _NAME_FORBIDDEN.search(value):
            collector.add(where(name), "a name must not hold digits or symbols")
        if len(value) > 100:
            collector.add(where(name), "longer than Moodle's 100 characters")
    email = required("email", normalise.email(raw("email")), "e-mail address")
    if email and not normalise.is_email(email):
        collector.add(where("email"), f"{email!r} is not an e-mail address")
    organisation = required("organisation", normalise.place_name(raw("organisation")), "institution/organisation")
    commune = required("commune", normalise.place_name(raw("commune")), "locality/commune")
    county_text = required("county", normalise.text(raw("county")), "county")
    county = normalise.county(county_text) if county_text else None
    if county_text and county is None:
        collector.add(where("county"), f"{county_text!r} is not one of the 41 counties or București")
    category_text = required("category", normalise.text(raw("category")), "participant category")
    category = vocabulary.categories.find(category_text) if category_text else None
    if category_text and category is None:
        known = ", ".join(sorted(set(vocabulary.categories.index.values())))
        collector.add(where("category"), f"unknown participant category {category_text!r} (known: {known})")
    track_text = normalise.text(raw("track"))
    track: str | None = None
    if track_text:
        track = vocabulary.tracks.find(track_text)
        if track is None:
            collector.add(where("track"), f"unknown programme {track_text!r} (known: "
                          f"{', '.join(vocabulary.track_categories)})")
    elif category is not None:
        track = vocabulary.only_track.get(category)
        if track is None:
            choices = [t for t, cats in vocabulary.track_categories.items() if category in cats]
            location = where("track") if "track" in columns.fields else Location(file=table.source, line=line)
            collector.add(location, f"the programme is missing; category {category!r} may follow "
                          f"{' or '.join(choices) or 'no programme'}")
    if track is not None and category is not None and category not in vocabulary.track_categories[track]:
        location = where("track") if "track" in columns.fields else Location(file=table.source, line=line)
        collector.add(location, f"programme {track!r} does not admit category {category!r} (it admits "
                      f"{', '.join(sorted(vocabulary.track_categories[track]))})")
    if len(collector.problems) != before or county is None or category is None or track is None:
        return None
    return Person(key, firstname, lastname, email, organisation, commune, county.code, category, track, line)


def _check_duplicates(table: Table, columns: ColumnMap, people: Sequence[Person], collector: _Collector) -> None:
    def at(person: Person, name: str) -> Location:
        index = columns.fields[name]
        return Location(file=table.source, line=person.row, column=index + 1, key=table.headers[index].strip())

    seen_keys: dict[str, Person] = {}
    seen_emails: dict[str, Person] = {}
    seen_names: dict[tuple[str, str], Person] = {}
    for person in people:
        first = seen_keys.setdefault(person.key, person)
        if first is not person:
            collector.add(at(person, "key"), f"registration code {person.key!r} is also on row {first.row}")
        first = seen_emails.setdefault(person.email, person)
        if first is not person:
            collector.add(at(person, "email"), f"e-mail {person.email!r} is also on row {first.row}")
        name = (fold(f"{person.firstname} {person.lastname}"), fold(person.organisation))
        first = seen_names.setdefault(name, person)
        if first is not person:
            collector.add(at(person, "lastname"), f"{person.fullname} of {person.organisation} is also on row "
                          f"{first.row}")
