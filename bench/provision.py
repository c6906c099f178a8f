#!/usr/bin/env python3
"""Provisioning figures against the sandbox: web-service calls to apply the whole catalogue from an empty site, calls
on a no-op re-run (reads and writes), and wall time. Prints figures; asserts nothing.

Goals: at most 6 calls per course from empty; 0 writes and at most 5 reads on a no-op re-run.

    python bench/provision.py [--max-input-vars 1000] [--moodle-version 4.5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.service import apply_courses, plan_courses
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store


def run_once(box: Sandbox, store: Store) -> tuple[MoodleClient, float, str]:
    client = MoodleClient(box.transport())
    started = time.perf_counter()
    planned = plan_courses(client, load_catalogue())
    summary = planned.plan.summary()
    apply_courses(client, store, planned)
    return client, time.perf_counter() - started, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-input-vars", type=int, default=1000)
    parser.add_argument("--moodle-version", default="4.5", choices=("4.5", "5.0"))
    args = parser.parse_args()
    courses = sum(1 for _ in load_catalogue().courses())
    box = Sandbox(version=args.moodle_version, max_input_vars=args.max_input_vars)
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "store.sqlite") as store:
        first, first_time, first_plan = run_once(box, store)
        second, second_time, second_plan = run_once(box, store)
    print(f"catalogue:                {courses} courses (Moodle {box.site.release}, max_input_vars "
          f"{args.max_input_vars})")
    print(f"from empty:               {first.transport.stats.calls} calls "
          f"({first.transport.stats.calls / courses:.1f} per course; {first.transport.stats.reads} reads, "
          f"{first.transport.stats.writes} writes), {first_time:.2f} s — plan: {first_plan}")
    for name, count in sorted(first.transport.stats.by_function.items()):
        print(f"    {count:3d} {name}")
    print(f"no-op re-run:             {second.transport.stats.calls} calls ({second.transport.stats.reads} reads, "
          f"{second.transport.stats.writes} writes), {second_time:.2f} s — plan: {second_plan}")


if __name__ == "__main__":
    main()
