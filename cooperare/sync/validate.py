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
from cooperare.sync.model import Identity, Person, Problem, Roster, email_key
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
    programmes: Mapping[str, tuple[str, ...]]
    """Folded programme title → the programme's tracks (a programme's title typed for its tracks)."""
    programme_titles: Mapping[str, str]
    """Folded programme title → the title as the catalogue writes it."""

    def programme_tracks(self, text: str) -> tuple[str, ...] | None:
        """The tracks of the programme ``text`` names: its whole title, or a run of whole words of exactly one
        programme's title ("Guvernanță participativă" for "Digitalizarea în guvernanța participativă")."""
        folded = fold(text)
        if folded in self.programmes:
            return self.programmes[folded]
        if len(folded.split()) < 2:
            return None
        padded = f" {folded} "
        found = {title for title in self.programmes if padded in f" {title} "}
        if len(found) == 1:
            return self.programmes[found.pop()]
        return None


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
    programmes: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for track in index.tracks:
        try:
            programme, _ = catalogue.course(track.course)
        except KeyError:
            continue
        for title in {programme.name, *(c.name for c, _ in catalogue.categories() if c.key == programme.category)}:
            programmes.setdefault(fold(title), []).append(track.key)
            titles.setdefault(fold(title), title)
    return _Vocabulary(categories, tracks, track_categories, only,
                       {title: tuple(keys) for title, keys in programmes.items()}, titles)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.truncated = False
        self.partners: set[int] = set()
        """Rows another row duplicates (left out with the duplicate when invalid rows are skipped)."""

    def add(self, location: Location, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append(Problem(location, message))


def validate_table(table: Table, *, catalogue: Catalogue, config: RosterConfig, skip_invalid: bool = False
                   ) -> Roster:
    """Validate and normalise every row; raise :class:`RosterInvalid` listing every problem found.

    With ``skip_invalid`` (an explicit choice of the coordinator), rows with problems are left out and listed in
    :attr:`Roster.refused` instead; problems of the file itself (columns, CNPs) still refuse it whole, and so do
    rows that share a code, an e-mail or a name with another row (all of them are left out)."""
    collector = _Collector()
    columns, header_problems = map_columns(table.headers, source=table.source, line=table.header_line,
                                           extra=config.columns)
    for problem in header_problems:
        collector.add(problem.location, problem.message)
    _check_cnp_cells(table, collector)
    if collector.problems:
        raise RosterInvalid(collector.problems, source=table.source, truncated=collector.truncated)
    identity: Identity = "key" if "key" in columns.fields else "email"
    vocabulary = _vocabulary(catalogue, config)
    people = [person for line, cells in table.rows
              if (person := _person(table, columns, vocabulary, line, cells, collector, identity)) is not None]
    _check_duplicates(table, columns, people, collector)
    refused: tuple[Problem, ...] = ()
    if collector.problems and skip_invalid and not collector.truncated:
        bad = {p.location.line for p in collector.problems}
        for row in sorted(collector.partners - bad):
            collector.add(Location(file=table.source, line=row), "left out with the row that repeats it")
        bad |= collector.partners
        people = [person for person in people if person.row not in bad]
        refused = tuple(sorted(collector.problems, key=lambda p: (p.location.line or 0, p.location.column or 0)))
    elif collector.problems:
        raise RosterInvalid(collector.problems, source=table.source, truncated=collector.truncated)
    if not people:
        what = "no valid people" if refused else "a header but no people"
        raise RosterInvalid([*refused, Problem(Location(file=table.source), f"the roster has {what}")],
                            source=table.source)
    notes = tuple(f"column {name!r} is not used" for name in columns.ignored)
    if identity == "email":
        notes = ("no registration-code column: people are identified by their e-mail address (a changed address "
                 "is a change to confirm, see docs/roster.md)", *notes)
    return Roster(table.source, tuple(people), notes, identity, refused)


def _check_cnp_cells(table: Table, collector: _Collector) -> None:
    for line, cells in table.rows:
        for index, cell in enumerate(cells):
            if cell and looks_like_cnp(cell):
                header = table.headers[index].strip() if index < len(table.headers) else None
                collector.add(Location(file=table.source, line=line, column=index + 1, key=header),
                              "this value looks like a personal numeric code (CNP); the pack never reads or stores "
                              "CNPs: delete it from the file (it is not shown here on purpose)")


def _person(table: Table, columns: ColumnMap, vocabulary: _Vocabulary, line: int, cells: tuple[str, ...],
            collector: _Collector, identity: Identity) -> Person | None:
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
    key = required("key", normalise.key(raw("key")), "registration code") if identity == "key" else ""
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
        candidates = vocabulary.programme_tracks(track_text) if track is None else None
        if track is None and candidates is None:
            titles = sorted(set(vocabulary.programme_titles.values()))
            collector.add(where("track"), f"unknown programme {track_text!r} (known: programmes "
                          f"{'; '.join(titles)}; tracks {', '.join(vocabulary.track_categories)})")
        elif track is None and candidates is not None:
            track = _track_by_category(candidates, category, vocabulary, track_text, where("track"), collector)
    elif category is not None:
        track = vocabulary.only_track.get(category)
        if track is None:
            choices = [t for t, cats in vocabulary.track_categories.items() if category in cats]
            location = where("track") if "track" in columns.fields else Location(file=table.source, line=line)
            collector.add(location, f"the programme is missing; category {category!r} may follow "
                          f"{' or '.join(choices) or 'no programme'}")
    if track is not None and category is not None and category not in vocabulary.track_categories[track]:
        location = where("track") if "track" in columns.fields else Location(file=table.source, line=line)
        named = repr(track) if not track_text or fold(track_text) == fold(track) else f"{track_text!r} (track {track})"
        collector.add(location, f"programme {named} does not admit category {category!r} (it admits "
                      f"{', '.join(sorted(vocabulary.track_categories[track]))})")
    if len(collector.problems) != before or county is None or category is None or track is None:
        return None
    if identity == "email":
        key = email_key(email)
    return Person(key, firstname, lastname, email, organisation, commune, county.code, category, track, line)


def _track_by_category(candidates: tuple[str, ...], category: str | None, vocabulary: _Vocabulary, text: str,
                       location: Location, collector: _Collector) -> str | None:
    """The one track of a programme that admits ``category``; a problem when none or several do."""
    if len(candidates) == 1:
        return candidates[0]
    if category is None:
        return None  # the category's own problem is reported already
    admitting = [t for t in candidates if category in vocabulary.track_categories[t]]
    if len(admitting) == 1:
        return admitting[0]
    if not admitting:
        collector.add(location, f"programme {text!r} has no track for category {category!r} (its tracks: "
                      f"{', '.join(candidates)})")
    else:
        collector.add(location, f"programme {text!r} has several tracks for category {category!r} "
                      f"({', '.join(admitting)}): write the track instead")
    return None


def _check_duplicates(table: Table, columns: ColumnMap, people: Sequence[Person], collector: _Collector) -> None:
    def at(person: Person, name: str) -> Location:
        index = columns.fields[name]
        return Location(file=table.source, line=person.row, column=index + 1, key=table.headers[index].strip())

    seen_keys: dict[str, Person] = {}
    seen_emails: dict[str, Person] = {}
    seen_names: dict[tuple[str, str], Person] = {}
    for person in people:
        first = seen_keys.setdefault(person.key, person)
        if first is not person and "key" in columns.fields:
            collector.add(at(person, "key"), f"registration code {person.key!r} is also on row {first.row}")
            collector.partners.add(first.row)
        first = seen_emails.setdefault(person.email, person)
        if first is not person:
            collector.add(at(person, "email"), f"e-mail {person.email!r} is also on row {first.row}")
            collector.partners.add(first.row)
        name = (fold(f"{person.firstname} {person.lastname}"), fold(person.organisation))
        first = seen_names.setdefault(name, person)
        if first is not person:
            collector.add(at(person, "lastname"), f"{person.fullname} of {person.organisation} is also on row "
                          f"{first.row}")
            collector.partners.add(first.row)
