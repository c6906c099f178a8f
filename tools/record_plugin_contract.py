#!/usr/bin/env python3
"""Record how a real Moodle with local_cooperare answers the plugin's functions, as contract scenarios.

Drives a live site over REST only (``webservice/rest/server.php`` and ``webservice/upload.php``); it installs and
configures nothing. Before each run of a scenario it runs ``--restore`` (a shell command that brings the site back to
its baseline, for example ``lab.sh restore m45``), records every scenario twice, and lists as ``variable_fields`` the
response values that differ between the two runs (clock readings, random draft item ids) plus every key named like a
clock reading. The files have the shared scenario format (tests/contract/README.md) and go to
``tests/contract/<version>/plugin/``, which tests/sandbox/test_conformance.py replays against the sandbox.

    python tools/record_plugin_contract.py --url http://127.0.0.1:8045 --token-file /work/lab/m45/token-cooperare.txt \
        --restore '/work/shared/moodle-lab/lab.sh restore m45' --out tests/contract/4.5/plugin

The token (read from a file, never from argv) is written as ``TOKEN`` in the recordings. Scenarios with a second user
(permission denied) need ``--grant``: a command that gives ``$COOPERARE_GRANT_USER`` a token on the plugin's service
and exactly the capabilities ``$COOPERARE_GRANT_CAPS`` at site level and prints the token (on moodle-lab, a small
PHP script run as www-data; REST cannot do it). Its tokens are written as the step's placeholder.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REST = "/webservice/rest/server.php"
UPLOAD = "/webservice/upload.php"
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
CLOCK_KEYS = re.compile(r"^(time\w*|\w*date|timemodified|timecreated)$")
COURSE = "coop:rec:course"


def flatten(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    """Moodle's bracket notation: ``{"a": [{"b": 1}]}`` → ``a[0][b]=1``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(f"{prefix}[{key}]" if prefix else str(key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from flatten(f"{prefix}[{index}]", item)
    elif isinstance(value, bool):
        yield prefix, "1" if value else "0"
    else:
        yield prefix, str(value)


@dataclass
class Step:
    """One request of a scenario: a function call (or an upload) with its arguments."""

    function: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    bindings: dict[str, str] = field(default_factory=dict)
    upload: tuple[str, bytes, str] | None = None  # filename, content, content type
    upload_path: str = "/"  # the draft folder of an upload; bind "itemid" to add to an earlier upload's draft area
    token: str = "TOKEN"  # the placeholder of the token sent: TOKEN (the administrator's) or one a Grant made
    grant: Grant | None = None  # not a request: a token for another user, made out of band (--grant)

    def params(self) -> list[tuple[str, str]]:
        if self.upload is not None:
            folder = [("filepath", self.upload_path)] if self.upload_path != "/" else []
            return [("token", self.token), ("filearea", "draft"), ("itemid", "0"), *folder]
        return [("wstoken", self.token), ("wsfunction", self.function), ("moodlewsrestformat", "json"),
                *flatten("", self.args)]


@dataclass(frozen=True)
class Grant:
    """A user (created earlier in the scenario) authorised on the plugin's service with a token of their own and, at
    site level, exactly ``capabilities``; later steps send it as ``placeholder``. REST cannot do this, so the recorder
    runs the ``--grant`` command (COOPERARE_GRANT_USER, COOPERARE_GRANT_CAPS in its environment, the token on its
    standard output) and the replay asks the sandbox for the same."""

    username: str
    capabilities: tuple[str, ...]
    placeholder: str

    def recorded(self) -> dict[str, Any]:
        return {"username": self.username, "capabilities": list(self.capabilities), "placeholder": self.placeholder}


@dataclass(frozen=True)
class Scenario:
    name: str
    purpose: str
    steps: Callable[[], list[Step]]


def _bind(params: list[tuple[str, str]], bindings: dict[str, str], responses: list[Any]) -> list[tuple[str, str]]:
    out = []
    for key, value in params:
        if key in bindings:
            match = re.match(r"steps\[(\d+)\]\.response\.body(.*)$", bindings[key])
            assert match, bindings[key]
            node = responses[int(match.group(1))]
            for name, index in re.findall(r"\.([A-Za-z0-9_]+)|\[(\d+)\]", match.group(2)):
                if not isinstance(node, (dict, list)):  # an answer that was not JSON: say what it was
                    raise SystemExit(f"cannot bind {key} to {bindings[key]}: that answer was {str(node)[:800]!r}")
                node = node[name] if name else node[int(index)]
            value = str(node)
        out.append((key, value))
    return out


def run_scenario(base_url: str, token: str, steps: list[Step], grant_command: str = "") -> list[dict[str, Any]]:
    """Send the steps in order; return them as recorded steps (request and response, or the grant)."""
    session = requests.Session()
    recorded: list[dict[str, Any]] = []
    responses: list[Any] = []
    tokens = {"TOKEN": token}
    for step in steps:
        if step.grant is not None:
            tokens[step.grant.placeholder] = _grant(grant_command, step.grant)
            recorded.append({"grant_token": step.grant.recorded(), "note": step.note})
            responses.append(None)
            continue
        params = _bind(step.params(), step.bindings, responses)
        real = [(k, tokens[v] if v in tokens and k in ("wstoken", "token") else v) for k, v in params]
        request: dict[str, Any] = {"method": "POST", "path": UPLOAD if step.upload else REST}
        if step.upload is not None:
            filename, content, content_type = step.upload
            answer = session.post(base_url + UPLOAD, data=real, files={"file_1": (filename, content, content_type)},
                                  timeout=120)
            request.update(encoding=MULTIPART, params=[list(p) for p in params], files=[{
                "field": "file_1", "filename": filename, "content_type": content_type, "size": len(content),
                "sha1": hashlib.sha1(content).hexdigest(), "base64": base64.b64encode(content).decode("ascii")}])
        else:
            answer = session.post(base_url + REST, data=real, timeout=120)
            request.update(encoding=URLENCODED, params=[list(p) for p in params])
        if step.bindings:
            request["bindings"] = dict(step.bindings)
        text = answer.content.decode("utf-8")
        try:
            body: Any = json.loads(text)
            body_format = "json"
        except json.JSONDecodeError:
            body, body_format = text, "text"
        responses.append(body)
        entry: dict[str, Any] = {"request": request, "response": {
            "http_status": answer.status_code, "content_type": answer.headers.get("Content-Type"),
            "body_format": body_format, "body": body}}
        if step.note:
            entry["note"] = step.note
        recorded.append(entry)
    return recorded


def _grant(command: str, grant: Grant) -> str:
    if not command:
        raise SystemExit("this scenario needs --grant (a command that gives a user a token on the service)")
    env = {**os.environ, "COOPERARE_GRANT_USER": grant.username, "COOPERARE_GRANT_CAPS": " ".join(grant.capabilities)}
    answer = subprocess.run(command, shell=True, check=True, capture_output=True, text=True, env=env)  # noqa: S602
    token = answer.stdout.strip().splitlines()[-1] if answer.stdout.strip() else ""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise SystemExit(f"--grant printed no token for {grant.username}: {answer.stderr[-300:]}")
    return token


def differing_paths(a: Any, b: Any, path: str) -> Iterator[str]:
    """Paths (scenario notation) where two recordings of the same step differ, and clock-named keys."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            sub = f"{path}.{key}"
            if CLOCK_KEYS.match(key) and isinstance(a[key], int) and a[key] > 1_000_000_000:
                yield sub
            elif key in b:
                yield from differing_paths(a[key], b[key], sub)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differing_paths(x, y, f"{path}[{index}]")
    elif a != b:
        yield path


# -- scenarios ------------------------------------------------------------------------------------------------------

def _course(extra: dict[str, Any] | None = None) -> Step:
    course = {"fullname": "Curs înregistrat", "shortname": "coop-rec", "categoryid": 1, "idnumber": COURSE,
              "format": "topics", "numsections": 3, "enablecompletion": 1}
    course.update(extra or {})
    return Step("core_course_create_courses", {"courses": [course]}, "a course for the plugin to work in")


COURSE_ID = "steps[0].response.body[0].id"


def _cid(key: str) -> dict[str, str]:
    return {key: COURSE_ID}


def _describe(note: str) -> Step:
    return Step("local_cooperare_describe_courses", {"idnumbers": [COURSE, "coop:rec:missing"]}, note)


def sections_steps() -> list[Step]:
    def save(sections: list[dict[str, Any]], note: str) -> Step:
        items = [{"courseid": "0", **s} for s in sections]
        return Step("local_cooperare_save_sections", {"sections": items}, note,
                    bindings={f"sections[{i}][courseid]": COURSE_ID for i in range(len(items))})
    first = [{"number": 1, "name": "Modulul 1 — Introducere", "summary": "<p>Ce învățăm.</p>", "spechash": "s1"},
             {"number": 5, "name": "Modulul 5", "visible": 0, "spechash": "s5"}]
    return [
        _course(),
        _describe("before: sections 0-3 exist, none managed"),
        save(first, "create: names section 1, creates sections 4 and 5 (5 hidden)"),
        save(first, "no-op: the same items again are unchanged"),
        save([{"number": 1, "name": "Modulul 1 — Noțiuni de bază", "summary": "<p>Ce învățăm.</p>",
               "spechash": "s1b"}], "update: a new name"),
        _describe("after: managed sections with spechash, no drift"),
        save([{"number": -1, "name": "x"}], "bad input: a negative section number"),
        Step("local_cooperare_save_sections", {"sections": [{"courseid": 999999, "number": 1, "name": "x"}]},
             "bad input: an unknown course"),
    ]


def _activity(idnumber: str, modname: str, **fields: Any) -> dict[str, Any]:
    item = {"courseid": "0", "idnumber": idnumber, "modname": modname, "section": 1,
            "name": f"Activitate {idnumber}", "intro": "<p>Descriere</p>", "visible": 1, "completion": 0,
            "completionview": 0, "completionusegrade": 0, "completionpassgrade": 0, "options": [],
            "spechash": "spec-" + idnumber}
    item.update(fields)
    return item


def _save_activities(items: list[dict[str, Any]], note: str) -> Step:
    return Step("local_cooperare_save_activities", {"activities": items}, note,
                bindings={f"activities[{i}][courseid]": COURSE_ID for i in range(len(items))})


def activities_steps() -> list[Step]:
    items = [
        _activity("coop:rec:page", "page", options=[{"name": "content", "value": "<p>Conținutul lecției.</p>"}],
                  completion=2, completionview=1),
        _activity("coop:rec:url", "url", options=[{"name": "externalurl", "value": "https://www.ghiseul.ro/"},
                                                  {"name": "display", "value": "6"}]),
        _activity("coop:rec:label", "label", section=2),
        _activity("coop:rec:forum", "forum", options=[{"name": "type", "value": "general"},
                                                      {"name": "forcesubscribe", "value": "1"}]),
        _activity("coop:rec:quiz", "quiz", section=3, completion=2, completionusegrade=1, completionpassgrade=1,
                  options=[{"name": "grade", "value": "10"}, {"name": "gradepass", "value": "6"},
                           {"name": "attempts", "value": "2"}, {"name": "questionsperpage", "value": "1"}]),
        _activity("coop:rec:feedback", "feedback", section=3, options=[
            {"name": "items", "value": json.dumps([{"type": "rating", "label": "q1",
                                                    "text": "Cât de utilă a fost instruirea?"},
                                                   {"type": "text", "label": "q2", "text": "Ce ați schimba?"}],
                                                  ensure_ascii=False)},
            {"name": "anonymous", "value": "1"}]),
    ]
    renamed = dict(items[0], name="Lecția 1 (revizuită)", spechash="spec-page-2")
    return [
        _course(),
        _save_activities(items, "create: six activities of six modules"),
        _save_activities(items, "no-op: the same items again are unchanged"),
        _save_activities([renamed], "update: the page gets a new name"),
        _describe("after: activities with their options, managed, no drift"),
        _save_activities([_activity("coop:rec:bad", "quiz", options=[{"name": "colour", "value": "red"}])],
                         "bad input: an unknown option"),
        _save_activities([_activity("coop:rec:bad", "wiki")], "bad input: a module the plugin does not handle"),
        Step("local_cooperare_delete_activities", {"activities": [{"courseid": "0", "idnumber": "coop:rec:label"}]},
             "delete: the label", bindings={"activities[0][courseid]": COURSE_ID}),
        Step("local_cooperare_delete_activities", {"activities": [{"courseid": "0", "idnumber": "coop:rec:label"}]},
             "delete again: the label is gone", bindings={"activities[0][courseid]": COURSE_ID}),
        _describe("after delete"),
    ]


def grade_weights_steps() -> list[Step]:
    def quiz(idnumber: str, weight: str, spechash: str) -> dict[str, Any]:
        return _activity(idnumber, "quiz", section=2, completion=2, completionusegrade=1, completionpassgrade=1,
                         spechash=spechash, options=[{"name": "grade", "value": "10"},
                                                     {"name": "gradepass", "value": "6"},
                                                     {"name": "gradeweight", "value": weight}])
    return [
        _course(),
        _save_activities([quiz("coop:rec:m1", "0", "spec-m1"), quiz("coop:rec:final", "1", "spec-final")],
                         "create: a module test weighing 0 and a final weighing 1 in the course total"),
        _save_activities([quiz("coop:rec:m1", "0", "spec-m1"), quiz("coop:rec:final", "1", "spec-final")],
                         "no-op: the same weights again"),
        _save_activities([quiz("coop:rec:final", "", "spec-final-2")], "update: the final's weight given back"),
        _describe("after: the module test reads its weight, the final none"),
        _save_activities([quiz("coop:rec:bad", "1.5", "spec-bad")], "bad input: a weight above 1"),
    ]


def dated_link_steps() -> list[Step]:
    def link(availability: str, spechash: str) -> dict[str, Any]:
        return _activity("coop:rec:form", "url", spechash=spechash, options=[
            {"name": "externalurl", "value": "https://forms.example.ro/inscriere"},
            {"name": "availability", "value": availability}])
    dates = json.dumps({"from": 1780000000, "until": 1781000000})
    return [
        _course(),
        _save_activities([link(dates, "spec-form")], "create: a registration link open between two dates"),
        _save_activities([link(dates, "spec-form")], "no-op: the same dates again"),
        _describe("after: the link reads its dates back"),
        _save_activities([link("[]", "spec-form-2")], "update: the restriction lifted"),
        _save_activities([link(json.dumps({"from": 1781000000, "until": 1780000000}), "spec-bad")],
                         "bad input: closing before opening"),
    ]


def _multichoice(idnumber: str, text: str = "Care este capitala României?") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice">'
            f"<name><text>{idnumber}</text></name>"
            f'<questiontext format="html"><text><![CDATA[<p>{text}</p>]]></text></questiontext>'
            "<defaultgrade>1</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>"
            f"<idnumber>{idnumber}</idnumber><single>true</single><shuffleanswers>true</shuffleanswers>"
            "<answernumbering>abc</answernumbering>"
            '<answer fraction="100" format="html"><text>București</text>'
            '<feedback format="html"><text>Corect.</text></feedback></answer>'
            '<answer fraction="0" format="html"><text>Cluj-Napoca</text>'
            '<feedback format="html"><text>Nu.</text></feedback></answer></question></quiz>')


def _truefalse(idnumber: str) -> str:
    return ('<quiz><question type="truefalse">'
            f"<name><text>{idnumber}</text></name>"
            '<questiontext format="html"><text>Ghișeul.ro permite plata taxelor locale.</text></questiontext>'
            f"<defaultgrade>1</defaultgrade><idnumber>{idnumber}</idnumber>"
            '<answer fraction="100" format="moodle_auto_format"><text>true</text>'
            '<feedback format="html"><text>Corect.</text></feedback></answer>'
            '<answer fraction="0" format="moodle_auto_format"><text>false</text>'
            '<feedback format="html"><text>Ba da.</text></feedback></answer></question></quiz>')


def questions_steps() -> list[Step]:
    quiz = _activity("coop:rec:quiz", "quiz", options=[{"name": "grade", "value": "10"},
                                                       {"name": "questionsperpage", "value": "1"}])

    def save(questions: list[dict[str, Any]], note: str) -> Step:
        return Step("local_cooperare_save_questions", {"quizzes": [
            {"courseid": "0", "quiz": "coop:rec:quiz", "questions": questions}]}, note,
            bindings={"quizzes[0][courseid]": COURSE_ID})
    first = [{"idnumber": "coop:rec:q1", "xml": _multichoice("coop:rec:q1"), "maxmark": 2, "spechash": "q1"},
             {"idnumber": "coop:rec:q2", "xml": _truefalse("coop:rec:q2"), "spechash": "q2"}]
    changed = [dict(first[0], xml=_multichoice("coop:rec:q1", "Care este capitala țării?"), spechash="q1b"),
               first[1]]
    return [
        _course(),
        _save_activities([quiz], "a quiz"),
        save(first, "create: two questions into the quiz's bank and slots"),
        save(first, "no-op: the same questions again are unchanged"),
        save(changed, "update: a changed question text becomes version 2"),
        _describe("after: questions with version, slot, page, mark"),
        save([{"idnumber": "coop:rec:q3", "xml": "<quiz><question type=\"random\"></question></quiz>"}],
             "bad input: a random question"),
        save([{"idnumber": "coop:rec:q4", "xml": "<quiz><question"}], "bad input: broken XML"),
    ]


def completion_steps() -> list[Step]:
    page = _activity("coop:rec:page", "page", completion=2, completionview=1,
                     options=[{"name": "content", "value": "<p>Text</p>"}])
    quiz = _activity("coop:rec:quiz", "quiz", completion=2, completionusegrade=1,
                     options=[{"name": "grade", "value": "10"}, {"name": "gradepass", "value": "6"}])

    def setc(activities: list[str], note: str, **extra: Any) -> Step:
        item = {"courseid": "0", "aggregation": 1, "activityaggregation": 1, "activities": activities,
                "grade": 0, "spechash": "c-" + "-".join(activities)}
        item.update(extra)
        return Step("local_cooperare_set_completion", {"courses": [item]}, note,
                    bindings={"courses[0][courseid]": COURSE_ID})
    return [
        _course(),
        _save_activities([page, quiz], "two activities with completion"),
        setc(["coop:rec:page", "coop:rec:quiz"], "create: both required"),
        setc(["coop:rec:page", "coop:rec:quiz"], "no-op: the same criteria again"),
        setc(["coop:rec:quiz"], "update: only the quiz, and a course grade", grade=6),
        _describe("after: completion criteria"),
        setc(["coop:rec:nosuch"], "bad input: an unknown activity"),
        setc(["coop:rec:quiz"], "bad input: aggregation 3", aggregation=3),
        Step("local_cooperare_delete_activities", {"activities": [{"courseid": "0", "idnumber": "coop:rec:quiz"}]},
             "drift: the required quiz is deleted, Moodle drops its criterion",
             bindings={"activities[0][courseid]": COURSE_ID}),
        _describe("drift: the completion criteria differ from what the plugin wrote"),
        setc(["coop:rec:page"], "back in step: only the page"),
        _describe("after: no drift"),
    ]


def cohortsync_steps() -> list[Step]:
    cohort = Step("core_cohort_create_cohorts", {"cohorts": [
        {"categorytype": {"type": "system", "value": ""}, "name": "Cursanți Alba", "idnumber": "coop:rec:alba"},
        {"categorytype": {"type": "system", "value": ""}, "name": "Cursanți Arad", "idnumber": "coop:rec:arad"}]},
        "two system cohorts")

    def save(items: list[dict[str, Any]], note: str) -> Step:
        items = [{"courseid": "0", **i} for i in items]
        return Step("local_cooperare_save_cohort_sync", {"instances": items}, note,
                    bindings={f"instances[{i}][courseid]": COURSE_ID for i in range(len(items))})
    first = [{"cohortidnumber": "coop:rec:alba", "role": "student", "spechash": "a"},
             {"cohortidnumber": "coop:rec:arad", "role": "student", "name": "Arad", "spechash": "b"}]
    return [
        _course(),
        cohort,
        save(first, "create: two cohort sync instances"),
        save(first, "no-op: the same instances again"),
        save([dict(first[1], role="teacher", spechash="b2")], "update: another role"),
        _describe("after: cohort sync instances"),
        save([{"cohortidnumber": "coop:rec:nosuch"}], "bad input: an unknown cohort"),
        save([{"cohortidnumber": "coop:rec:alba", "role": "nosuchrole"}], "bad input: an unknown role"),
        Step("local_cooperare_delete_cohort_sync",
             {"instances": [{"courseid": "0", "cohortidnumber": "coop:rec:alba"}]},
             "delete: the Alba instance", bindings={"instances[0][courseid]": COURSE_ID}),
        _describe("after delete"),
    ]


def userfiles_steps() -> list[Step]:
    pdf = b"%PDF-1.4\n% certificat de test\n%%EOF\n"
    user = Step("core_user_create_users", {"users": [{"username": "ana.popescu", "password": "Parola#2026",
                                                       "firstname": "Ana", "lastname": "Popescu",
                                                       "email": "ana.popescu@example.com"}]}, "a trainee")

    def add(draft_step: int, note: str, **extra: Any) -> Step:
        return Step("local_cooperare_add_user_files", {"files": [{"userid": "0", "draftitemid": "0", **extra}]},
                    note, bindings={"files[0][userid]": "steps[0].response.body[0].id",
                                    "files[0][draftitemid]": f"steps[{draft_step}].response.body[0].itemid"})
    return [
        user,
        Step(upload=("certificat.pdf", pdf, "application/pdf"), note="upload a file into a draft area"),
        add(1, "create: the file into the trainee's private files", filepath="/Certificate/"),
        Step(upload=("certificat.pdf", pdf, "application/pdf"), note="the same file again"),
        add(3, "no-op: the same name and content is unchanged", filepath="/Certificate/"),
        Step(upload=("certificat.pdf", pdf + b"%v2\n", "application/pdf"), note="another content"),
        add(5, "refused: a different file of the same name without overwrite", filepath="/Certificate/"),
        add(5, "replaced with overwrite", filepath="/Certificate/", overwrite=1),
        Step("local_cooperare_add_user_files", {"files": [{"userid": 999999, "draftitemid": 1}]},
             "bad input: an unknown user"),
        add(5, "bad input: a filepath that is no folder", filepath="Certificate"),
    ]


def enrolmethods_steps() -> list[Step]:
    cohort = Step("core_cohort_create_cohorts", {"cohorts": [
        {"categorytype": {"type": "system", "value": ""}, "name": "Cetățeni", "idnumber": "coop:rec:cetateni"}]},
        "a system cohort")

    def save(items: list[dict[str, Any]], note: str) -> Step:
        items = [{"courseid": "0", **i} for i in items]
        return Step("local_cooperare_save_enrol_methods", {"methods": items}, note,
                    bindings={f"methods[{i}][courseid]": COURSE_ID for i in range(len(items))})
    first = [{"method": "self", "enrolstartdate": 1767225600, "enrolenddate": 1769904000,
              "cohortidnumber": "coop:rec:cetateni", "spechash": "s"}, {"method": "guest", "spechash": "g"}]
    read = Step("local_cooperare_get_enrol_methods", {"courseids": ["0"]}, "read: self and guest instances",
                bindings={"courseids[0]": COURSE_ID})
    keyed = [{"method": "self", "key": f"coop:rec:ev{n}", "name": f"Înscriere – evenimentul {n}",
              "enrolstartdate": start, "enrolenddate": start + 86400 * 20, "groupname": f"Participanți – evenimentul {n}",
              "maxenrolled": capacity, "spechash": f"k{n}"}
             for n, start, capacity in ((1, 1798754400, 300), (2, 1801432800, 0))]
    return [
        _course(),
        cohort,
        read,
        save(first, "update: the course's default self and guest instances enabled, dates, cohort"),
        save(first, "no-op: the same again"),
        save([dict(first[0], enrolenddate=1770000000, spechash="s2")], "update: another end date"),
        read,
        save([{"method": "self", "role": "nosuchrole"}], "bad input: an unknown role"),
        save([{"method": "guest", "enrolstartdate": 100}], "bad input: dates for guest access"),
        save([{"method": "manual"}], "bad input: a method the plugin does not manage"),
        save(keyed, "create: two keyed self enrolments (one per event) with their own dates and groups"),
        save(keyed, "no-op: the keyed ones again"),
        save([dict(keyed[1], groupname="Consultare — participanți", spechash="k3")], "update: a keyed one's group name"),
        read,
        save([{"method": "guest", "key": "coop:rec:ev"}], "bad input: a key for guest access"),
        save([{"method": "self", "groupname": "G"}], "bad input: a group without a key"),
    ]


def calendar_steps() -> list[Step]:
    def save(items: list[dict[str, Any]], note: str) -> Step:
        bindings = {f"events[{i}][courseid]": COURSE_ID for i, item in enumerate(items) if item.get("courseid") == "0"}
        return Step("local_cooperare_save_calendar_events", {"events": items}, note, bindings=bindings)
    site_event = {"key": "coop:rec:diseminare", "courseid": 0, "name": "Eveniment de diseminare",
                  "description": "<p>Prezentare</p>", "timestart": 1775037600, "timeduration": 7200, "spechash": "e"}
    course_event = {"key": "coop:rec:termen", "courseid": "0", "name": "Termen pentru recomandări",
                    "timestart": 1776247200}
    read = Step("local_cooperare_get_calendar_events", {"courseids": [0, "0"]}, "read: site and course events",
                bindings={"courseids[1]": COURSE_ID})
    return [
        _course(),
        save([site_event, course_event], "create: a site event and a course event"),
        save([site_event, course_event], "no-op: the same again"),
        save([dict(site_event, timestart=1775041200)], "update: the site event an hour later"),
        read,
        save([dict(course_event, name="")], "bad input: an empty name"),
        Step("local_cooperare_delete_calendar_events", {"events": [{"key": "coop:rec:diseminare", "courseid": 0},
                                                                   {"key": "coop:rec:never", "courseid": 0}]},
             "delete: the site event; an unknown key is notfound"),
        read,
    ]


def reports_steps() -> list[Step]:
    room = _activity("coop:rec:room", "bigbluebuttonbn", options=[{"name": "openingtime", "value": "1775037600"}])
    return [
        _course(),
        _save_activities([room], "refused: BigBlueButton is disabled on a fresh site"),
        _save_activities([_activity("coop:rec:page", "page")], "a page"),
        Step("local_cooperare_get_bbb_attendance", {"cmid": "0"}, "refused: the page is no BigBlueButton activity",
             bindings={"cmid": "steps[2].response.body.activities[0].cmid"}),
        Step("local_cooperare_get_activity_counts", {"courseid": "0", "timefrom": 0, "timeto": 1775001599},
             "activity counts of a course without users", bindings={"courseid": COURSE_ID}),
        Step("local_cooperare_get_activity_counts", {"courseid": "0", "timefrom": 1775001599, "timeto": 1},
             "bad input: a period ending before it starts", bindings={"courseid": COURSE_ID}),
        Step("enrol_manual_enrol_users", {"enrolments": [{"roleid": 5, "userid": 2, "courseid": "0"}]},
             "the administrator enrolled as a student", bindings={"enrolments[0][courseid]": COURSE_ID}),
        Step("local_cooperare_get_activity_counts", {"courseid": "0", "timefrom": 1772316000, "timeto": 1777582799,
                                                     "periods": [1772316000, 1774990800]},
             "counts per period (March and April 2026 in Bucharest time)", bindings={"courseid": COURSE_ID}),
        Step("local_cooperare_get_activity_counts", {"courseid": "0", "timefrom": 1772316000, "timeto": 1777582799,
                                                     "periods": [1774990800, 1772316000]},
             "bad input: periods out of order", bindings={"courseid": COURSE_ID}),
    ]


def max_input_vars_steps() -> list[Step]:
    items = [_activity(f"coop:rec:label{i:03d}", "label", name=f"Eticheta {i}") for i in range(500)]
    return [
        _course(),
        _save_activities(items, "over max_input_vars (5000): 500 labels x 12 variables; PHP keeps the first 5000"),
        _describe("after: what was created"),
    ]


def site_setup_steps() -> list[Step]:
    return [Step("local_cooperare_get_site_setup", {}, "language packs, timezone, availability and completion")]


def roles_steps() -> list[Step]:
    return [Step("local_cooperare_get_roles", {}, "the roles of a fresh site: id, shortname, archetype, course-assignable")]


def completions_steps() -> list[Step]:
    trainees = Step("core_user_create_users", {"users": [
        {"username": f"cursant{i}", "password": "Parola#2026", "firstname": first, "lastname": "Popescu",
         "email": f"cursant{i}@example.com"} for i, first in ((1, "Ana"), (2, "Ion"))]}, "two trainees")
    enrol = Step("enrol_manual_enrol_users", {"enrolments": [
        {"roleid": 5, "userid": "0", "courseid": "0"} for _ in range(3)]},
        "the administrator and both trainees enrolled as students",
        bindings={"enrolments[0][userid]": "steps[1].response.body[0].id",
                  "enrolments[1][userid]": "steps[1].response.body[1].id",
                  **{f"enrolments[{i}][courseid]": COURSE_ID for i in range(3)}})
    enrol.args["enrolments"][2]["userid"] = 2  # the administrator
    page = _activity("coop:rec:page", "page", completion=1, options=[{"name": "content", "value": "<p>Text</p>"}])

    def completions(note: str, **extra: Any) -> Step:
        return Step("local_cooperare_get_course_completions", {"courseid": "0", **extra}, note,
                    bindings={"courseid": COURSE_ID})
    return [
        _course(),
        trainees,
        enrol,
        _save_activities([page], "a page with manual completion"),
        completions("no criteria yet: the total only, no users"),
        Step("local_cooperare_set_completion", {"courses": [
            {"courseid": "0", "aggregation": 1, "activityaggregation": 1, "activities": ["coop:rec:page"],
             "grade": 0, "spechash": "c-page"}]}, "the page is required", bindings={"courses[0][courseid]": COURSE_ID}),
        completions("criteria: three tracked users, nobody done"),
        completions("a page: offset 1, limit 1", offset=1, limit=1),
        completions("past the end: offset 5", offset=5),
        completions("bad input: limit 0", limit=0),
        completions("bad input: a negative offset", offset=-1),
        Step("local_cooperare_get_course_completions", {"courseid": 999999}, "bad input: an unknown course"),
    ]


REST_USE = "webservice/rest:use"


def _users(names: tuple[tuple[str, str], ...], note: str) -> Step:
    return Step("core_user_create_users", {"users": [
        {"username": name, "password": "Parola#2026", "firstname": first, "lastname": "Popescu",
         "email": f"{name}@example.com"} for name, first in names]}, note)


def _enrol(step: int, roles: tuple[int, ...], note: str) -> Step:
    """Enrol the users step ``step`` created (in order) into the course with ``roles`` (role ids)."""
    return Step("enrol_manual_enrol_users", {"enrolments": [
        {"roleid": role, "userid": "0", "courseid": "0"} for role in roles]}, note,
        bindings={**{f"enrolments[{i}][userid]": f"steps[{step}].response.body[{i}].id" for i in range(len(roles))},
                  **{f"enrolments[{i}][courseid]": COURSE_ID for i in range(len(roles))}})


def newsforum_steps() -> list[Step]:
    """Trainers made owners of the course's news forum: an editing teacher needs no override, a trainer enrolled
    with the student role gets mod/forum:addnews for that role in the forum; a non-editing teacher added later."""
    nocap = Grant("fara.drepturi", (REST_USE,), "TOKEN_NOCAP")

    def save(users: tuple[int, ...], note: str, **bindings: str) -> Step:
        return Step("local_cooperare_save_news_forum_staff", {"staff": [
            {"courseid": "0", "userid": "0"} for _ in users]}, note, bindings={
            **{f"staff[{i}][courseid]": COURSE_ID for i in range(len(users))},
            **{f"staff[{i}][userid]": f"steps[1].response.body[{u}].id" for i, u in enumerate(users)}, **bindings})
    return [
        _course(),
        _users((("formator1", "Ana"), ("formator2", "Ion"), ("formator3", "Maria"), ("fara.drepturi", "Doina")),
               "three trainers and a user without the plugin's capability"),
        _enrol(1, (3, 5), "formator1 as editing teacher, formator2 with the student role"),
        save((0, 1), "create: both subscribed; the student role allowed mod/forum:addnews in the news forum"),
        save((0, 1), "no-op: the same again (subscribed, already able to post)"),
        _enrol(1, (3, 5, 4), "formator3 joins as non-editing teacher"),
        save((0, 1, 2), "update: only formator3 is new"),
        Step("mod_forum_get_forums_by_courses", {"courseids": ["0"]}, "the course's forums: the news forum",
             bindings={"courseids[0]": COURSE_ID}),
        save((3,), "bad input: a user not enrolled in the course"),
        save((0, 0), "bad input: the same user twice"),
        Step("local_cooperare_save_news_forum_staff", {"staff": [{"courseid": 999999, "userid": 2}]},
             "bad input: an unknown course"),
        save((0, 3), "all or nothing: a good item and a bad one"),
        Step(grant=nocap, note="fara.drepturi: a token on the service, webservice/rest:use only"),
        Step("local_cooperare_save_news_forum_staff", {"staff": [{"courseid": "0", "userid": "0"}]},
             "permission denied: no plugin capability", token=nocap.placeholder,
             bindings={"staff[0][courseid]": COURSE_ID, "staff[0][userid]": "steps[1].response.body[0].id"}),
    ]


def forumposts_steps() -> list[Step]:
    """The service offers no REST call that writes a forum post, so the forums read here are empty (PHPUnit and the
    sandbox tests cover posts); what is recorded is the answer's shape, paging and the refusals."""
    nocap = Grant("fara.drepturi", (REST_USE,), "TOKEN_NOCAP")
    forum = _activity("coop:rec:forum", "forum", options=[{"name": "type", "value": "general"}])
    page = _activity("coop:rec:page", "page", options=[{"name": "content", "value": "<p>Text</p>"}])
    forum_cm = "steps[1].response.body.activities[0].cmid"

    def posts(note: str, cmid: str = forum_cm, **extra: Any) -> Step:
        return Step("local_cooperare_get_forum_posts", {"cmid": "0", **extra}, note, bindings={"cmid": cmid})
    return [
        _course(),
        _save_activities([forum, page], "a general forum and a page"),
        posts("an empty forum: no posts"),
        posts("since, offset and limit", since=1767225600, offset=0, limit=10),
        posts("past the end: offset 5", offset=5),
        posts("bad input: limit 0", limit=0),
        posts("bad input: limit over 1000", limit=1001),
        posts("bad input: a negative offset", offset=-1),
        posts("bad input: the page is no forum", cmid="steps[1].response.body.activities[1].cmid"),
        Step("local_cooperare_get_forum_posts", {"cmid": 999999}, "bad input: an unknown activity"),
        Step("local_cooperare_get_forum_posts", {"cmid": 0}, "bad input: cmid 0"),
        _users((("fara.drepturi", "Doina"),), "a user without the plugin's capability"),
        Step(grant=nocap, note="fara.drepturi: a token on the service, webservice/rest:use only"),
        Step("local_cooperare_get_forum_posts", {"cmid": "0"}, "permission denied: no plugin capability",
             token=nocap.placeholder, bindings={"cmid": forum_cm}),
        Step("local_cooperare_get_forum_posts", {"cmid": 999999}, "permission denied before the lookup: an unknown "
             "activity is not revealed", token=nocap.placeholder),
    ]


def publishsite_steps() -> list[Step]:
    """The verification site published from draft areas: several files (one in a sub-folder) into one draft area,
    created, unchanged, replaced/deleted with replace, kept without it; bad input; permission denied."""
    nocap = Grant("fara.drepturi", (REST_USE,), "TOKEN_NOCAP")
    html = "<!doctype html><html lang=\"ro\"><title>Verificare certificat</title><p>Verificați.</p></html>\n"

    def draft(first: int, files: list[tuple[str, str, bytes, str]], note: str) -> list[Step]:
        """Upload ``files`` (folder, name, content, type) into one draft area; ``first`` is the index of the first."""
        steps = []
        for i, (folder, name, content, kind) in enumerate(files):
            bindings = {"itemid": f"steps[{first}].response.body[0].itemid"} if i else {}
            steps.append(Step(upload=(name, content, kind), upload_path=folder, bindings=bindings,
                              note=note if not i else f"{name} into the same draft area"))
        return steps

    def publish(draft_step: int, note: str, **extra: Any) -> Step:
        return Step("local_cooperare_publish_site", {"area": "verify", "draftitemid": "0", **extra}, note,
                    bindings={"draftitemid": f"steps[{draft_step}].response.body[0].itemid"})
    site = [("/", "index.html", html.encode(), "text/html"),
            ("/", "verify.js", b"document.title = 'ok';\n", "application/javascript"),
            ("/registry-ab12/", "3f.json", b'{"v":1}\n', "application/json")]
    changed = [(site[0][0], site[0][1], html.replace("Verificați", "Verificați certificatul").encode(), site[0][3]),
               site[1]]
    steps: list[Step] = []
    steps += draft(0, site, "a page, its script and a registry shard into one draft area")  # 0-2
    steps.append(publish(0, "create: three files"))  # 3
    steps += draft(4, site, "the same three files again")  # 4-6
    steps.append(publish(4, "no-op: all unchanged"))  # 7
    steps += draft(8, changed, "a changed page and the same script")  # 8-9
    steps.append(publish(8, "update: the page replaced, the script unchanged, the shard deleted (replace)"))  # 10
    steps += draft(11, [("/", "citeste.txt", "Pagina de verificare.\n".encode(), "text/plain")],
                   "one more file")  # 11
    steps.append(publish(11, "without replace: the file added, nothing deleted", replace=0))  # 12
    steps.append(publish(11, "without replace the draft area is kept: the same draft again is unchanged",
                         replace=0))  # 13
    steps += draft(14, [("/", "program.exe", b"MZ", "application/octet-stream")], "a file of another type")  # 14
    steps.append(publish(14, "bad input: an .exe is not published"))  # 15
    steps.append(publish(11, "bad input: an area that is not a published site", area="other"))  # 16
    steps.append(Step("local_cooperare_publish_site", {"area": "verify", "draftitemid": 999999},
                      "bad input: an empty draft area"))  # 17
    steps.append(_users((("fara.drepturi", "Doina"),), "a user without the plugin's capability"))  # 18
    steps.append(Step(grant=nocap, note="fara.drepturi: a token on the service, webservice/rest:use only"))  # 19
    steps.append(Step(upload=("index.html", html.encode(), "text/html"), token=nocap.placeholder,
                      note="fara.drepturi uploads into a draft area of their own"))  # 20
    steps.append(Step("local_cooperare_publish_site", {"area": "verify", "draftitemid": "0"},
                      "permission denied: no plugin capability", token=nocap.placeholder,
                      bindings={"draftitemid": "steps[20].response.body[0].itemid"}))  # 21
    return steps



def book_steps() -> list[Step]:
    """A book activity and its managed chapters: created, unchanged, one updated and one deleted, a hand-written
    chapter left alone (a chapter without the cooperare: importsrc cannot be written over REST, so the sandbox tests
    and PHPUnit cover that one), bad input."""
    book = _activity("coop:rec:book", "book", options=[{"name": "numbering", "value": "1"},
                                                      {"name": "navstyle", "value": "1"}])
    first = [
        {"key": "cap-1", "pagenum": 1, "subchapter": 0, "title": "Capitolul 1 — Cadrul legal",
         "content": "<p>Legea nr. 52/2003 și transparența decizională.</p>"},
        {"key": "cap-1-1", "pagenum": 2, "subchapter": 1, "title": "1.1 Consultarea publică",
         "content": "<p>Anunțul, termenele și dezbaterea.</p>"},
        {"key": "cap-2", "pagenum": 3, "subchapter": 0, "title": "Capitolul 2 — Servicii electronice",
         "content": "<p>Registratura electronică și plățile online.</p>"},
    ]

    def save(chapters: list[dict[str, Any]], note: str, idnumber: str = "coop:rec:book") -> Step:
        return Step("local_cooperare_save_book_chapters", {"courseid": "0", "idnumber": idnumber,
                                                           "chapters": chapters}, note, bindings=_cid("courseid"))
    def read(note: str, idnumber: str = "coop:rec:book") -> Step:
        return Step("local_cooperare_get_book_chapters", {"courseid": "0", "idnumber": idnumber}, note,
                    bindings=_cid("courseid"))
    changed = [first[0], dict(first[2], pagenum=2, title="Capitolul 2 — Servicii electronice pentru cetățeni")]
    return [
        _course(),
        _save_activities([book], "a book activity (numbering 1, navigation style 1), no chapters yet"),
        read("read: a book without chapters"),
        save(first, "create: a chapter, its subchapter and a second chapter"),
        read("read: the three chapters with their keys and content hashes"),
        save(first, "no-op: the same chapters again are unchanged"),
        save(changed, "update and delete: the subchapter goes, chapter 2 moves up and is renamed"),
        read("read: two chapters, the second renamed at page 2"),
        save([first[0]], "delete: only chapter 1 is listed, chapter 2 goes"),
        save(first, "create again: the subchapter and chapter 2 come back"),
        save([dict(first[0], title=" ")], "bad input: an empty title"),
        save([dict(first[0]), dict(first[0], pagenum=2)], "bad input: the same key twice"),
        save([dict(first[0], pagenum=0)], "bad input: page number 0"),
        save([dict(first[0], subchapter=1)], "bad input: the first chapter cannot be a subchapter"),
        save(first, "bad input: no activity with that idnumber", idnumber="coop:rec:missing"),
        Step("local_cooperare_save_book_chapters", {"courseid": 999999, "idnumber": "coop:rec:book",
                                                    "chapters": first}, "bad input: an unknown course"),
        read("read, bad input: no book with that idnumber", idnumber="coop:rec:missing"),
        Step("local_cooperare_get_book_chapters", {"courseid": 999999, "idnumber": "coop:rec:book"},
             "read, bad input: an unknown course"),
        _describe("after: the book, managed, no drift"),
    ]


def permission_steps() -> list[Step]:
    """Two users authorised on the service: one lacking even the REST protocol, one with REST but no plugin
    capability. Both are refused before anything is read or written."""
    users = Step("core_user_create_users", {"users": [
        {"username": name, "password": "Parola#2026", "firstname": first, "lastname": "Fărădrepturi",
         "email": f"{name}@example.com"} for name, first in (("fara.rest", "Radu"), ("fara.drepturi", "Doina"))]},
        "two users without the plugin's capability")
    norest = Grant("fara.rest", (), "TOKEN_NOREST")
    nocap = Grant("fara.drepturi", (REST_USE,), "TOKEN_NOCAP")

    def denied(function: str, args: dict[str, Any], note: str, grant: Grant, **bindings: str) -> Step:
        return Step(function, args, note, bindings=dict(bindings), token=grant.placeholder)
    return [
        _course(),
        users,
        Step(grant=norest, note="fara.rest: a token on the service, no capability at all (not even REST)"),
        Step(grant=nocap, note="fara.drepturi: a token on the service, webservice/rest:use only"),
        denied("local_cooperare_describe_courses", {"idnumbers": [COURSE]}, "no REST capability", norest),
        denied("local_cooperare_describe_courses", {"idnumbers": [COURSE]}, "REST but no plugin capability", nocap),
        denied("local_cooperare_save_sections", {"sections": [{"courseid": "0", "number": 1, "name": "x"}]},
               "a write, refused", nocap, **{"sections[0][courseid]": COURSE_ID}),
        denied("local_cooperare_get_course_completions", {"courseid": "0"}, "a read of a course, refused", nocap,
               courseid=COURSE_ID),
        denied("local_cooperare_get_roles", {}, "a site-level read, refused", nocap),
        denied("local_cooperare_get_site_setup", {}, "the site setup, refused", nocap),
        _describe("the administrator: nothing was changed"),
    ]


FEEDBACK_CAPS = (REST_USE, "mod/feedback:view", "mod/feedback:complete")


def feedback_responses_steps() -> list[Step]:
    """A feedback activity made by save_activities (choice, text and rating items, not anonymous), answered by two
    respondents through mod_feedback's participant functions, read back by the administrator with
    get_responses_analysis (all, then pages of one); a respondent may not read the analysis nor answer twice; an
    answer lacking a required item, or leaving out an item, is not saved. Fresh baseline: the items get ids 1-4."""
    respondents = Step("core_user_create_users", {"users": [
        {"username": name, "password": "Parola#2026", "firstname": first, "lastname": last,
         "email": f"{name}@example.com"}
        for name, first, last in (("resp.alba", "Ana", "Ionescu"), ("resp.arad", "Ștefan", "Țurcanu"),
                                  ("resp.bihor", "Ion", "Popa"))]}, "three respondents")
    enrol = Step("enrol_manual_enrol_users", {"enrolments": [
        {"roleid": 5, "userid": "0", "courseid": "0"} for _ in range(3)]}, "the respondents enrolled as students",
        bindings={**{f"enrolments[{i}][userid]": f"steps[1].response.body[{i}].id" for i in range(3)},
                  **{f"enrolments[{i}][courseid]": COURSE_ID for i in range(3)}})
    items = [
        {"type": "choice", "label": "p_populatie", "text": "Populația comunei",
         "choices": ["sub 2.000 de locuitori", "2.000–4.999 de locuitori", "5.000 sau mai mult"], "required": True},
        {"type": "choice", "label": "r3", "text": "Plăți online prin Ghișeul.ro?", "choices": ["Da", "Nu", "Nu știu"]},
        {"type": "text", "label": "p_siruta", "text": "Codul SIRUTA al comunei"},
        {"type": "rating", "label": "q_util", "text": "Cât de util vi se pare chestionarul?"},
    ]
    feedback = _activity("coop:rec:diagnostic", "feedback", name="Diagnosticul maturității digitale", options=[
        {"name": "items", "value": json.dumps(items, ensure_ascii=False)}, {"name": "anonymous", "value": "2"}])
    fid = {"feedbackid": "steps[4].response.body.feedbacks[0].id"}
    alba, arad, bihor = (Grant(name, FEEDBACK_CAPS, f"TOKEN_{name.split('.')[1].upper()}")
                         for name in ("resp.alba", "resp.arad", "resp.bihor"))

    def answer(grant: Grant, responses: list[tuple[str, str]], note: str) -> Step:
        return Step("mod_feedback_process_page", {"feedbackid": "0", "page": 0, "responses": [
            {"name": name, "value": value} for name, value in responses]}, note, bindings=dict(fid),
            token=grant.placeholder)

    def analysis(note: str, token: str = "TOKEN", **extra: Any) -> Step:
        return Step("mod_feedback_get_responses_analysis", {"feedbackid": "0", **extra}, note, bindings=dict(fid),
                    token=token)
    return [
        _course(),
        respondents,
        enrol,
        _save_activities([feedback], "the questionnaire: two choices (one required), a text, a rating; not anonymous"),
        Step("mod_feedback_get_feedbacks_by_courses", {"courseids": ["0"]}, "the course's feedback activities",
             bindings={"courseids[0]": COURSE_ID}),
        Step("mod_feedback_get_items", {"feedbackid": "0"}, "the items as the administrator sees them",
             bindings=dict(fid)),
        Step(grant=alba, note="resp.alba: a token on the service"),
        Step(grant=arad, note="resp.arad: a token on the service"),
        Step(grant=bihor, note="resp.bihor: a token on the service"),
        Step("mod_feedback_launch_feedback", {"feedbackid": "0"}, "resp.alba starts", bindings=dict(fid),
             token=alba.placeholder),
        Step("mod_feedback_get_page_items", {"feedbackid": "0", "page": 0}, "resp.alba: the items of page 0",
             bindings=dict(fid), token=alba.placeholder),
        answer(alba, [("multichoice_1", "2"), ("multichoice_2", "1"), ("textarea_3", "1017 – Ciugud, județul Alba"),
                      ("multichoicerated_4", "4")], "resp.alba answers everything and finishes"),
        Step("mod_feedback_launch_feedback", {"feedbackid": "0"}, "resp.alba again: already submitted",
             bindings=dict(fid), token=alba.placeholder),
        answer(arad, [("multichoice_1", "3"), ("multichoice_2", "3"),
                      ("textarea_3", "=HYPERLINK(\"http://x\") <script>alert(1)</script> ș ț")],
               "resp.arad: no rating, a hostile text; an item not sent leaves the page incomplete, nothing saved"),
        answer(arad, [("multichoice_1", "3"), ("multichoice_2", "3"),
                      ("textarea_3", "=HYPERLINK(\"http://x\") <script>alert(1)</script> ș ț"),
                      ("multichoicerated_4", "")], "resp.arad again, the rating sent empty: saved"),
        answer(bihor, [("multichoice_2", "2"), ("textarea_3", "26564")],
               "resp.bihor leaves the required choice empty"),
        analysis("all responses"),
        analysis("page 0 of 1 per page", page=0, perpage=1),
        analysis("page 1 of 1 per page", page=1, perpage=1),
        analysis("a respondent may not read the analysis", token=arad.placeholder),
        Step("mod_feedback_get_feedbacks_by_courses", {"courseids": ["0"]}, "as a respondent sees it",
             bindings={"courseids[0]": COURSE_ID}, token=alba.placeholder),
        Step("mod_feedback_launch_feedback", {"feedbackid": "0"}, "the administrator, not enrolled, starts "
             "answering (5.0 checks mod/feedback:complete without doanything)", bindings=dict(fid)),
    ]


SCENARIOS = [
    Scenario("plugin_sections", "local_cooperare_save_sections: create, no-op, update, bad input; "
             "describe_courses before and after.", sections_steps),
    Scenario("plugin_activities", "local_cooperare_save_activities of every module: create, no-op, update, "
             "bad input; delete_activities and again.", activities_steps),
    Scenario("plugin_grade_weights", "local_cooperare_save_activities, quiz option gradeweight (0.6.0): create, no-op, "
             "given back, read back, bad input.", grade_weights_steps),
    Scenario("plugin_dated_link", "local_cooperare_save_activities, a url with availability dates (0.6.1): create, "
             "no-op, read back, lifted, bad input.", dated_link_steps),
    Scenario("plugin_questions", "local_cooperare_save_questions: create, no-op, new version, bad input.",
             questions_steps),
    Scenario("plugin_completion", "local_cooperare_set_completion: create, no-op, update, bad input, drift (a "
             "required activity deleted), set again.",
             completion_steps),
    Scenario("plugin_cohortsync", "local_cooperare_save_cohort_sync and delete_cohort_sync: create, no-op, update, "
             "bad input, delete.", cohortsync_steps),
    Scenario("plugin_user_files", "local_cooperare_add_user_files: create, no-op, refused, overwrite, bad input.",
             userfiles_steps),
    Scenario("plugin_enrol_methods", "local_cooperare_save_enrol_methods and get_enrol_methods: the default "
             "instances taken over, no-op, update, bad input.", enrolmethods_steps),
    Scenario("plugin_calendar", "local_cooperare_save/delete/get_calendar_events: site and course events, no-op, "
             "update, bad input, delete.", calendar_steps),
    Scenario("plugin_reports", "BigBlueButton refused while disabled; get_bbb_attendance refusal; "
             "get_activity_counts.", reports_steps),
    Scenario("plugin_site_setup", "local_cooperare_get_site_setup on the lab site.", site_setup_steps),
    Scenario("plugin_permission_denied", "local_cooperare functions called with the token of a user lacking "
             "webservice/rest:use, then of one lacking local/cooperare:provision.", permission_steps),
    Scenario("plugin_roles", "local_cooperare_get_roles on the lab site.", roles_steps),
    # Nobody completes: the service offers no REST call that marks an activity done for a user (PHPUnit covers it).
    Scenario("plugin_course_completions", "local_cooperare_get_course_completions: no criteria, criteria, paging, "
             "bad input.", completions_steps),
    Scenario("plugin_feedback_responses", "A feedback activity from save_activities answered through mod_feedback's "
             "participant functions by two respondents and read back with get_responses_analysis (paging, refusals).",
             feedback_responses_steps),
    Scenario("plugin_news_forum_staff", "local_cooperare_save_news_forum_staff: create (subscribed, a role "
             "allowed mod/forum:addnews), no-op, update, bad input, all or nothing, permission denied.",
             newsforum_steps),
    Scenario("plugin_forum_posts", "local_cooperare_get_forum_posts: an empty forum, paging, bad input, "
             "permission denied (no REST call in the service writes posts).", forumposts_steps),
    Scenario("plugin_publish_site", "local_cooperare_publish_site: create, no-op, replace and delete, keep without "
             "replace, bad input, permission denied.", publishsite_steps),
    Scenario("plugin_book_chapters", "local_cooperare_save_book_chapters and get_book_chapters: create, no-op, "
             "update and delete, create again, read back, bad input.", book_steps),
    Scenario("plugin_max_input_vars", "local_cooperare_save_activities with more POST variables than "
             "max_input_vars (5000).", max_input_vars_steps),
]


def site_release(base_url: str, token: str) -> str:
    answer = requests.post(base_url + REST, data={"wstoken": token, "wsfunction": "core_webservice_get_site_info",
                                                  "moodlewsrestformat": "json"}, timeout=60).json()
    return str(answer["release"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-file", required=True, type=Path)
    parser.add_argument("--restore", required=True, help="shell command bringing the site back to its baseline")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--grant", default="", help="shell command giving COOPERARE_GRANT_USER a token on the service "
                        "with capabilities COOPERARE_GRANT_CAPS at site level; prints the token (scenarios with a "
                        "second user need it)")
    parser.add_argument("--only", action="append", default=[], help="record only this scenario (repeatable)")
    options = parser.parse_args(argv)
    token = options.token_file.read_text(encoding="utf-8").strip()
    base_url = options.url.rstrip("/")
    options.out.mkdir(parents=True, exist_ok=True)
    for scenario in SCENARIOS:
        if options.only and scenario.name not in options.only:
            continue
        runs = []
        for _ in range(2):
            subprocess.run(options.restore, shell=True, check=True, stdout=subprocess.DEVNULL)  # noqa: S602
            release = site_release(base_url, token)  # also warms the caches up after the restore
            runs.append(run_scenario(base_url, token, scenario.steps(), options.grant))
        first, second = runs
        variable = sorted({p for index, (a, b) in enumerate(zip(first, second, strict=True)) if "response" in a
                           for p in differing_paths(a["response"]["body"], b["response"]["body"],
                                                    f"steps[{index}].response.body")})
        document = {"name": scenario.name, "moodle_release": release, "purpose": scenario.purpose,
                    "baseline": "fresh site with local_cooperare (moodle-lab baseline)",
                    "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "steps": first,
                    "repeat_check": {"runs": 2, "differences_beyond_static_rules": variable},
                    "variable_fields": variable}
        path = options.out / f"{scenario.name}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{path}: {len(first)} steps, {len(variable)} variable fields")
    return 0


if __name__ == "__main__":
    sys.exit(main())
