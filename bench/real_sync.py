#!/usr/bin/env python3
"""Roster sync on a real Moodle, side by side with Moodle's own uploaduser, for the same work.

The same generated roster (292 people by default) goes into the same site twice over, each time from the same
baseline: once through ``admin/tool/uploaduser/cli/uploaduser.php`` (in-process on the server, no web service: users,
cohorts by idnumber, a manual enrolment in the track's course and a group per commune, created as needed), and once
through ``plan_roster`` + ``apply_roster`` over REST for each ``--concurrency`` (users, the track cohorts, course access
— cohort sync with local_cooperare, else manual enrolments — a group per commune in each course and its members).
Before every run ``--restore`` brings the site back to its baseline and ``--setup`` (optional) prepares it (on
moodle-lab: install the current plugin), then the track courses are created, untimed. Prints wall times and the
ratio to uploaduser; asserts nothing.

    python bench/real_sync.py --url http://127.0.0.1:8095 --token-file /work/lab2/r45/token-cooperare.txt \\
        --moodle-dir /work/lab2/r45/code --restore 'LAB_DIR=/work/lab2 lab.sh restore r45' \\
        --setup 'LAB_DIR=/work/lab2 lab.sh plugin r45 local_cooperare.zip' [--size 292] [--concurrency 1 2 4] [--runs 2]

The token is read from the file, never from argv. ``--uploaduser`` says how to run uploaduser (default: as www-data).
"""

from __future__ import annotations

import argparse
import csv
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

UPLOADUSER = "runuser -u www-data -- php {moodle_dir}/admin/tool/uploaduser/cli/uploaduser.php --file={csv}"
GOAL = "goal (issue 14): the pack <= 0.8 x uploaduser for the same work on the same server"


def shell(command: str) -> None:
    subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S602


def new_client(url: str, token: str) -> Any:
    from cooperare.moodle.client import MoodleClient
    from cooperare.moodle.transport import Transport
    from cooperare.secrets import Secret

    return MoodleClient(Transport(url, Secret(token, source="bench"), var_budget=4000, timeout=300))


def create_track_courses(client: Any, catalogue: Any) -> dict[str, str]:
    """The catalogue's courses (bare: the roster needs them to exist); course idnumber -> shortname."""
    from cooperare.courses.identity import course_idnumber

    courses = {course_idnumber(catalogue.prefix, course.key): course for _, course in catalogue.courses()}
    client.courses.create([{"fullname": c.fullname, "shortname": c.shortname, "categoryid": 1, "idnumber": key}
                           for key, c in courses.items()])
    return {key: c.shortname for key, c in courses.items()}


def uploaduser_rows(desired: Any, shortnames: dict[str, str]) -> list[dict[str, str]]:
    """The same work as the pack's sync, as an uploaduser CSV: one row per person."""
    cohort_of = {user: cohort for cohort, users in desired.cohort_members.items() for user in users}
    course_of = {user: course for course, users in desired.enrolments.items() for user in users}
    group_of = {(course, user): desired.groups[course][group].name
                for (course, group), users in desired.group_members.items() for user in users}
    rows = []
    for idnumber, user in desired.users.items():
        course = course_of[idnumber]
        row = {"username": user.username, "idnumber": idnumber, **user.fields(), "auth": "manual",
               "cohort1": cohort_of[idnumber], "course1": shortnames[course]}
        if (course, idnumber) in group_of:
            row["group1"] = group_of[(course, idnumber)]
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-file", required=True, type=Path)
    parser.add_argument("--moodle-dir", type=Path, default=Path("."), help="the site's code (admin/ is in it)")
    parser.add_argument("--restore", required=True, help="shell command: the site back to its baseline")
    parser.add_argument("--setup", default="", help="shell command run after each restore (e.g. install the plugin)")
    parser.add_argument("--uploaduser", default=UPLOADUSER, help="command running uploaduser ({moodle_dir} and "
                        "{csv} are filled in); default: %(default)s")
    parser.add_argument("--size", type=int, default=292)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--enrolment", choices=["auto", "cohort", "manual"], default="auto",
                        help="the pack's enrolment path (auto: cohort sync when the plugin is there)")
    parser.add_argument("--runs", type=int, default=2, help="rounds of every contender, alternating")
    args = parser.parse_args()

    from cooperare.config.roster import RosterConfig
    from cooperare.courses.catalogue import load_catalogue
    from cooperare.store import Store
    from cooperare.sync.desired import desired_state
    from cooperare.sync.generator import generate, write_rows
    from cooperare.sync.importer import load_roster
    from cooperare.sync.service import apply_roster, plan_roster

    token = args.token_file.read_text(encoding="utf-8").strip()
    url = args.url.rstrip("/")
    folder = Path(tempfile.mkdtemp(prefix="cooperare-realsync-"))
    catalogue = load_catalogue()
    roster_file = folder / "roster.csv"
    write_rows(generate(catalogue, count=args.size, seed=2027), roster_file)
    config = RosterConfig(enrolment=args.enrolment)
    roster = load_roster(roster_file, config=config, catalogue=catalogue)
    upload_csv = folder / "uploaduser.csv"
    upload_command = shlex.split(args.uploaduser.format(moodle_dir=args.moodle_dir, csv=upload_csv))

    def fresh_site() -> dict[str, str]:
        shell(args.restore)
        if args.setup:
            shell(args.setup)
        client = new_client(url, token)
        _ = client.site  # warms the caches up after a restore, untimed
        return create_track_courses(client, catalogue)

    times: dict[str, list[float]] = {}
    calls: dict[str, int] = {}
    for round_ in range(args.runs):
        shortnames = fresh_site()
        write_csv(uploaduser_rows(desired_state(roster, catalogue=catalogue, config=config), shortnames), upload_csv)
        upload_csv.chmod(0o644)
        folder.chmod(0o755)
        started = time.perf_counter()
        done = subprocess.run(upload_command, capture_output=True, text=True, cwd=args.moodle_dir)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"uploaduser failed ({done.returncode}): {done.stdout[-800:]} {done.stderr[-800:]}")
        times.setdefault("uploaduser", []).append(elapsed)
        summary = done.stdout.rsplit("-" * 20, 1)[-1]  # the totals after the per-line table
        stats = "; ".join(line.strip() for line in summary.splitlines() if ":" in line)
        print(f"round {round_ + 1}: uploaduser {elapsed:.1f} s ({stats})", flush=True)
        for concurrency in args.concurrency:
            fresh_site()
            client = new_client(url, token)
            started = time.perf_counter()
            rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
            with Store.open(folder / f"store-{round_}-{concurrency}.sqlite") as store:
                outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("bench"), config=config,
                                       concurrency=concurrency)
            elapsed = time.perf_counter() - started
            name = f"pack, concurrency {concurrency}"
            times.setdefault(name, []).append(elapsed)
            calls[name] = client.transport.stats.calls
            waited = sorted(client.transport.stats.seconds_by_function.items(), key=lambda kv: -kv[1])
            top = ", ".join(f"{function} {seconds:.1f} s" for function, seconds in waited[:4])
            print(f"round {round_ + 1}: {name}: {elapsed:.1f} s, {client.transport.stats.calls} calls, "
                  f"{len(outcome.report.failures)} failures ({rplan.state.mode}); waiting on: {top}", flush=True)

    base = times["uploaduser"]
    print(f"\n{args.size} people on {url} ({args.runs} rounds, alternating); {GOAL}")
    print(f"  uploaduser: {min(base):.1f}-{max(base):.1f} s")
    for name, values in times.items():
        if name == "uploaduser":
            continue
        ratios = [v / b for v, b in zip(values, base, strict=True)]
        print(f"  {name}: {min(values):.1f}-{max(values):.1f} s, {calls[name]} calls, "
              f"{min(ratios):.2f}-{max(ratios):.2f} x uploaduser (same round)")


if __name__ == "__main__":
    main()
