"""``local_cooperare\\local\\feedback_items``: the questions of a feedback activity, given as JSON
``[{type: rating|text, label, text, required?}]`` and matched by label (a changed text keeps the answers)."""

from __future__ import annotations

import json
from typing import Any

from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.php_text import php_trim
from cooperare.sandbox.site import Site

RATING_PRESENTATION = "r>>>>>1####1|2####2|3####3|4####4|5####5"
TEXT_PRESENTATION = "60|5"
MAX_CHOICES = 100


def _php_list(data: Any) -> list[Any] | None:
    """``json_decode($json, true)`` as a PHP list: an array, or an object whose keys are 0..n-1 (PHP turns numeric
    string keys into integers); None when it is no list."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and list(data) == [str(i) for i in range(len(data))]:
        return list(data.values())
    return None


def parse(text: str, what: str) -> list[dict[str, Any]]:
    """Parse and check the JSON of the ``items`` option."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    entries = _php_list(data)
    if entries is None:
        raise InvalidParameterException(f"{what}: option 'items' must be a JSON list")
    parsed: list[dict[str, Any]] = []
    labels: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{what}: feedback item {i + 1}"
        if isinstance(entry, list):
            entry = dict(enumerate(entry))  # a PHP array all the same, keyed 0..n-1
        if not isinstance(entry, dict):
            raise InvalidParameterException(f"{where} must be an object")
        unknown = [k for k in entry if k not in ("type", "label", "text", "choices", "required")]
        if unknown:
            raise InvalidParameterException(f"{where}: unknown key '{unknown[0]}'")
        kind = entry.get("type")
        if kind not in ("rating", "text", "choice"):
            raise InvalidParameterException(f"{where}: type must be 'rating', 'text' or 'choice'")
        label = entry.get("label")
        if not isinstance(label, str) or php_trim(label) == "" or len(label) > 255:
            raise InvalidParameterException(f"{where}: label must be a non-empty string of at most 255 characters")
        if label in labels:
            raise InvalidParameterException(f"{where}: label '{label}' is used twice")
        labels.add(label)
        question = entry.get("text")
        if not isinstance(question, str) or php_trim(question) == "" or len(question) > 255:
            raise InvalidParameterException(f"{where}: text must be a non-empty string of at most 255 characters")
        required = entry.get("required", False)
        if required is None:
            required = False
        if not isinstance(required, bool) and not (type(required) is int and required in (0, 1)):
            raise InvalidParameterException(f"{where}: required must be true or false")
        parsed.append({"type": kind, "label": label, "text": question, "choices": _choices(entry, kind, where),
                       "required": 1 if required else 0})
    return parsed


def _choices(entry: dict[str, Any], kind: str, where: str) -> list[str]:
    """``parse_choices``: the choices of a "choice" item (none for the other types)."""
    if kind != "choice":
        if "choices" in entry:
            raise InvalidParameterException(f"{where}: only a 'choice' item has choices")
        return []
    choices = _php_list(entry.get("choices"))
    if choices is None or not 2 <= len(choices) <= MAX_CHOICES:
        raise InvalidParameterException(f"{where}: choices must be a list of 2 to {MAX_CHOICES} strings")
    seen: set[str] = set()
    for choice in choices:
        if not isinstance(choice, str) or php_trim(choice) == "" or len(choice) > 255 or "|" in choice \
                or ">>>>>" in choice:
            raise InvalidParameterException(f"{where}: each choice must be a non-empty string of at most 255 "
                                            "characters without '|'")
        if choice in seen:
            raise InvalidParameterException(f"{where}: choice '{choice}' is listed twice")
        seen.add(choice)
    return list(choices)


def presentation(entry: dict[str, Any]) -> str:
    """How mod_feedback stores an item's answers (``feedback_items::presentation``)."""
    if entry["type"] == "rating":
        return RATING_PRESENTATION
    if entry["type"] == "choice":
        return "r>>>>>" + "|".join(entry["choices"])
    return TEXT_PRESENTATION


TYPS = {"rating": "multichoicerated", "text": "textarea", "choice": "multichoice"}


def canonical_json(entries: list[dict[str, Any]]) -> str:
    """Compact JSON in the contract's key order, ``"required": true`` only when set — the text the client sends for
    ``{type, label, text}`` items (``cooperare.courses.desired``), so describe compares as a string. As PHP's
    ``json_encode`` with unescaped unicode and slashes (which still escapes U+2028 and U+2029)."""
    listed = []
    for entry in entries:
        item: dict[str, Any] = {"type": entry["type"], "label": entry["label"], "text": entry["text"]}
        if entry["type"] == "choice":
            item["choices"] = list(entry["choices"])
        if entry.get("required"):
            item["required"] = True
        listed.append(item)
    text = json.dumps(listed, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _rows(site: Site, feedbackid: int) -> list[Row]:
    return sorted(table(site.db, "feedback_item").where(feedback=feedbackid), key=lambda r: (r["position"], r["id"]))


def read(site: Site, feedback: Row) -> list[dict[str, Any]]:
    """The items of a feedback activity as they are now."""
    found = []
    for record in _rows(site, feedback["id"]):
        kind = {typ: name for name, typ in TYPS.items()}.get(record["typ"], record["typ"])
        choices = str(record["presentation"]).split(">>>>>", 1)[1].split("|") if kind == "choice" else []
        found.append({"type": kind, "label": str(record["label"]), "text": str(record["name"]), "choices": choices,
                      "required": int(record["required"])})
    return found


def _delete_item(site: Site, itemid: int) -> None:
    """``feedback_delete_item``: the item and its answers."""
    for name in ("feedback_value", "feedback_valuetmp"):
        values = site.db.tables.get(name)
        if values is not None:
            for row in values.where(item=itemid):
                values.delete(row["id"])
    table(site.db, "feedback_item").delete(itemid)


def save(site: Site, feedback: Row, entries: list[dict[str, Any]]) -> None:
    """Bring the items of a feedback activity to ``entries``."""
    store = table(site.db, "feedback_item")
    existing: dict[str, Row] = {}
    for row in _rows(site, feedback["id"]):
        if row["label"] in existing or row["typ"] not in TYPS.values():
            _delete_item(site, row["id"])  # duplicate labels and items of other types are not ours to keep
            continue
        existing[row["label"]] = row
    for position, entry in enumerate(entries, start=1):
        rating = entry["type"] == "rating"
        values = {
            "feedback": feedback["id"], "template": 0, "name": entry["text"], "label": entry["label"],
            "presentation": presentation(entry), "typ": TYPS[entry["type"]], "hasvalue": 1, "position": position,
            "required": entry["required"], "dependitem": 0, "dependvalue": "", "options": "h" if rating else "",
        }
        record: Row | None = existing.pop(entry["label"], None)
        if record is not None and record["typ"] != values["typ"]:
            _delete_item(site, record["id"])  # a changed type makes the old answers meaningless
            record = None
        if record is None:
            store.insert(values)
            continue
        changes = {field: value for field, value in values.items() if str(record.get(field)) != str(value)}
        if changes:
            store.update(record["id"], **changes)
    for record in existing.values():
        _delete_item(site, record["id"])
