"""Load events: the project's 8 events shipped with the pack, a YAML file (``events: [...]``), a folder of YAML files
(one event per file, in file-name order) or the events written in the ``events`` section of cooperare.yaml.

Every fault is a :class:`~cooperare.errors.ConfigError` naming file, line and key (unknown keys, wrong types,
a start time the clocks skip, a duplicate id). This module reads files only: it must not call Moodle or the store.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cooperare.config.events import Event, EventsConfig, EventsFile
from cooperare.config.loader import Locator, build, load_yaml
from cooperare.errors import ConfigError, Location

SHIPPED_FILE = "evenimente.yaml"


def shipped_path() -> Path:
    return Path(str(resources.files("cooperare.events").joinpath("data", SHIPPED_FILE)))


def load_events(path: Path | None = None) -> tuple[Event, ...]:
    """Events from ``path`` (a file or a folder), or the shipped ones."""
    path = path or shipped_path()
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise ConfigError("the events folder holds no .yaml file", location=Location(file=str(path)))
        events: list[Event] = []
        places: list[Location] = []
        for file in files:
            data, locator = load_yaml(file)
            events.append(build(Event, data, locator=locator))
            places.append(locator.locate(("id",)))
        return _unique(events, places)
    data, locator = load_yaml(path)
    loaded = build(EventsFile, data, locator=locator)
    return _unique(list(loaded.events), [locator.locate(("events", i, "id")) for i in range(len(loaded.events))])


def configured_events(config: EventsConfig, *, locator: Locator | None = None) -> tuple[Event, ...]:
    """The events a deployment uses: ``items`` written in cooperare.yaml, else ``source``, else the shipped ones."""
    if config.items is not None:
        where = locator or Locator()
        return _unique(list(config.items), [where.locate(("events", "items", i, "id"))
                                            for i in range(len(config.items))])
    return load_events(config.source)


def _unique(events: list[Event], places: list[Location]) -> tuple[Event, ...]:
    seen: dict[str, Location] = {}
    for event, place in zip(events, places, strict=True):
        if event.id in seen:
            raise ConfigError(f"duplicate event id {event.id!r} (first at {seen[event.id]})", location=place)
        seen[event.id] = place
    if not events:
        raise ConfigError("no events defined")
    return tuple(events)


def find_event(events: tuple[Event, ...], key: str) -> Event:
    for event in events:
        if event.id == key:
            return event
    raise ConfigError(f"no event {key!r}", hint="known events: " + ", ".join(e.id for e in events))
