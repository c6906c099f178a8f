#!/usr/bin/env python3
"""Events and pilot figures against the in-process sandbox Moodle, through the real client: applying the 8 events
(and the second, empty apply), reading BigBlueButton attendance for an event of N participants (3,000 by default,
one in three reconnecting) and storing it, and the pilot report for 4 city halls with P people (292 by default)
active over 6 months in the 4 training courses. Web-service calls, wall time per step, peak RSS. Prints figures;
asserts nothing.

Goal: ≤ 1 call per course per report (per 1,000 people), ≤ 5 s each.

    python bench/events_moodle.py [--participants N] [--people P]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cooperare.config.events import EventsConfig
from cooperare.config.pilot import CityHall, PilotConfig
from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.identity import course_idnumber
from cooperare.events.loader import find_event, load_events
from cooperare.events.provision import apply_moodle, plan_moodle
from cooperare.events.service import import_bbb_attendance
from cooperare.moodle.client import MoodleClient
from cooperare.pilot.service import pilot_report
from cooperare.sandbox import Sandbox, simulate
from cooperare.sandbox.courses.schema import table
from cooperare.store import Store
from cooperare.store.people import People, PersonRecord

COURSE = "coop:evenimente"
HALLS = (CityHall("Dărmănești", "SV"), CityHall("Bârnova", "IS"), CityHall("Hemeiuș", "BC"),
         CityHall("Dumbrava Roșie", "NT"))


def client(box: Sandbox) -> MoodleClient:
    return MoodleClient(box.transport())


def step(label: str, fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - started:.2f} s", end="")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--people", type=int, default=292)
    args = parser.parse_args()
    events = load_events()
    box = Sandbox()
    module = box.site.db["modules"].first(name="bigbluebuttonbn")
    box.site.db["modules"].update(module["id"], visible=1)
    box.site.db.commit()
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "s.sqlite") as store:
        writer = client(box)
        planned = step("events plan", lambda: plan_moodle(writer, events, course=COURSE))
        print(f", {writer.transport.stats.calls} calls, {len(planned.plan.changes)} objects")
        applier = client(box)
        step("events apply", lambda: apply_moodle(applier, store, planned, course=COURSE))
        print(f", {applier.transport.stats.calls} calls")
        again = client(box)
        second = step("events plan again", lambda: plan_moodle(again, events, course=COURSE))
        print(f", {again.transport.stats.calls} calls, {sum(1 for _ in second.plan.pending())} changes")

        event = find_event(events, "diseminare-1")
        start, end = int(event.starts_at.timestamp()), int(event.ends_at.timestamp())
        described = client(box).call("local_cooperare_describe_courses", {"idnumbers": [COURSE]})
        cmid = next(a["cmid"] for a in described["courses"][0]["activities"]
                    if a["idnumber"] == f"{COURSE}:diseminare-1:sala")
        cm = box.site.db["course_modules"].get(cmid)
        room = box.site.db["bigbluebuttonbn"].get(cm["instance"])
        logs = table(box.site.db, "bigbluebuttonbn_logs")
        rng = random.Random(7)
        People(store.engine).upsert(
            PersonRecord(key=f"P{i}", idnumber=f"c{i}", moodle_user_id=10_000 + i, firstname="Ana", lastname=f"Pop{i}",
                         email=f"p{i}@x.ro", county="CJ", commune="", organisation="", category="ales",
                         track="t") for i in range(args.participants))
        meeting = f"{room['meetingid']}-{cm['course']}-{room['id']}"
        for i in range(args.participants):
            joined = start + rng.randint(-600, 1800)
            row = {"courseid": cm["course"], "bigbluebuttonbnid": room["id"], "userid": 10_000 + i,
                   "meetingid": meeting, "meta": json.dumps({"origin": 0})}
            logs.insert({**row, "log": "Join", "timecreated": joined})
            if i % 3 == 0:
                logs.insert({**row, "log": "Logout", "timecreated": joined + 900, "meta": "{}"})
                logs.insert({**row, "log": "Join", "timecreated": joined + 1200})
        logs.insert({"courseid": cm["course"], "bigbluebuttonbnid": room["id"], "userid": 0, "meetingid": meeting,
                     "log": "Summary", "timecreated": end + 60, "meta": "{}"})
        box.site.db.commit()
        reader = client(box)
        outcome = step("BigBlueButton attendance", lambda: import_bbb_attendance(
            reader, store, event, rule=EventsConfig().attendance, course=COURSE))
        print(f", {reader.transport.stats.calls} calls, {outcome.rows} logs, {outcome.people} people, "
              f"{outcome.attended} attended")
        repeat = client(box)
        step("BigBlueButton attendance again", lambda: import_bbb_attendance(
            repeat, store, event, rule=EventsConfig().attendance, course=COURSE))
        print(f", {repeat.transport.stats.calls} calls, nothing recorded")

        catalogue = load_catalogue()
        setup = client(box)
        courses = setup.courses.create([{"fullname": c.fullname, "shortname": c.shortname, "categoryid": 1,
                                         "idnumber": course_idnumber(catalogue.prefix, c.key)}
                                        for _, c in catalogue.courses()])
        ids = [int(c["id"]) for c in courses]
        users = setup.users.create([{"username": f"pilot{i}", "firstname": "Ion", "lastname": f"Pilot{i}",
                                     "email": f"pilot{i}@x.ro", "password": "Parola-1234!"}
                                    for i in range(args.people)])
        userids = [int(u["id"]) for u in users]
        setup.enrol.enrol([(c, u) for c in ids for u in userids])
        saved = setup.call("local_cooperare_save_activities", {"activities": [
            {"courseid": c, "idnumber": f"bench:{c}:{mod}", "modname": mod, "section": 0, "name": mod, "intro": "",
             "visible": 1, "completion": 1, "completionview": 0, "completionusegrade": 0, "completionpassgrade": 0,
             "spechash": "b", "options": []} for c in ids for mod in ("page", "forum")]})["activities"]
        cms = {(ids[i // 2], i % 2): int(a["cmid"]) for i, a in enumerate(saved)}  # sent in that order
        now = int(box.site.now())
        for i, uid in enumerate(userids):
            for courseid in ids:
                simulate.access_course(box.site, courseid, uid, when=now - rng.randint(0, 180) * 86400)
                if rng.random() < 0.6:  # six months of activity: a lesson completed, a forum post
                    simulate.complete_activity(box.site, cms[(courseid, 0)], uid,
                                               when=now - rng.randint(0, 180) * 86400)
                    simulate.forum_post(box.site, cms[(courseid, 1)], uid, "Întrebare", "Text",
                                        when=now - rng.randint(0, 180) * 86400)
        box.site.db.commit()
        hall_of = [HALLS[i % 4] for i in range(args.people)]
        People(store.engine).upsert(
            PersonRecord(key=f"Q{i}", idnumber=f"q{i}", moodle_user_id=uid, firstname="Ion", lastname=f"Pilot{i}",
                         email=f"pilot{i}@x.ro", county=hall_of[i].county, commune=hall_of[i].commune,
                         organisation="", category="ales", track="t") for i, uid in enumerate(userids))
        pilot = client(box)
        report = step("pilot report", lambda: pilot_report(
            pilot, store, config=PilotConfig(city_halls=HALLS), catalogue=catalogue, events=events,
            rule=EventsConfig().attendance, now=datetime.now(UTC)))
        print(f", {pilot.transport.stats.calls} calls for {len(ids)} courses, "
              f"{sum(int(r[2]) for r in report.summary.rows)} people in {len(HALLS)} city halls, "
              f"{len({r[1] for r in report.monthly.rows})} months, "
              f"{sum(int(r[5]) for r in report.monthly.rows)} forum posts counted per month")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak / (1024 if sys.platform != 'darwin' else 1024 * 1024):.0f} MB")


if __name__ == "__main__":
    main()
