#!/usr/bin/env python3
"""Roster-sync figures: web-service calls, wall time and peak RSS for a generated roster synced into a sandbox
Moodle (max_input_vars 1000), from an empty site and on an unchanged re-run.

Each size runs in a fresh worker process (so peak RSS is that run's own). By default the sandbox Moodle answers
from a second process over loopback HTTP, so the peak RSS printed is the client's alone (the emulator keeps every
record in Python dicts and is not what is being measured); ``--in-process`` answers through the in-process adapter
the tests use instead (no HTTP; RSS is then client and sandbox together). Prints figures; asserts nothing.

    python bench/sync.py [--sizes 292 30000] [--in-process] [--plugin]
    python bench/sync.py --server-model [--sizes 292] [--plugin] [--workers 2] [--concurrency 1 2 3 4]

``--server-model`` answers each call only after the time a real Moodle would take (cooperare.sandbox.timing: costs
fitted to the recorded timings of 4.5.6 and 5.0.6+ plus the per-call figures measured during a real 292-person
sync), with ``--workers`` calls served at once, and applies the same roster with each ``--concurrency``: the time
printed is what the sync would take on such a server, to compare with Moodle's own uploaduser on the same work
(15.7-19.2 s on the real 4.5.6; goal <= 0.8 x).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOALS = "goals: <= 25 calls for 292 on a new site; 0 writes on an unchanged re-run; 30,000: plan + apply <= 60 s, " \
        "peak RSS <= 300 MB"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve_sandbox(queue: Any, plugin: bool) -> None:
    """Child process: a sandbox with the four track courses, served on a loopback port until killed."""
    import socket

    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox
    from cooperare.sandbox.httpd import SandboxHTTPServer

    class NoDelayServer(SandboxHTTPServer):
        """The sandbox's server with TCP_NODELAY: http.server writes headers and body apart, and Nagle plus
        delayed ACK would add about 40 ms to every call on loopback, which no real Moodle behind nginx has."""

        def get_request(self) -> tuple[socket.socket, Any]:
            conn, address = super().get_request()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return conn, address

    box = Sandbox(max_input_vars=1000, plugin=plugin)
    _track_courses(MoodleClient(box.transport()))
    httpd = NoDelayServer(box.server)
    httpd.start_background()
    queue.put((httpd.port, box.token.reveal()))
    while True:
        time.sleep(3600)


def _track_courses(client: Any) -> None:
    from cooperare.courses.catalogue import load_catalogue
    from cooperare.courses.identity import course_idnumber

    catalogue = load_catalogue()
    client.courses.create([
        {"fullname": course.fullname, "shortname": course.shortname, "categoryid": 1,
         "idnumber": course_idnumber(catalogue.prefix, course.key)} for _, course in catalogue.courses()])


def sync_once(roster_file: Path, endpoint: tuple[int, str] | None, plugin: bool, results: Any) -> None:
    """Worker process, like one ``cooperare roster apply`` run: read, plan and apply the roster (twice when the
    sandbox is in-process, since it lives and dies with this process); report figures."""
    from cooperare.config.roster import RosterConfig
    from cooperare.courses.catalogue import load_catalogue
    from cooperare.moodle.client import MoodleClient
    from cooperare.moodle.transport import Transport
    from cooperare.secrets import Secret
    from cooperare.store import Store
    from cooperare.sync.importer import load_roster
    from cooperare.sync.service import apply_roster, plan_roster

    if endpoint is None:
        from cooperare.sandbox import Sandbox

        box = Sandbox(max_input_vars=1000, plugin=plugin)
        _track_courses(MoodleClient(box.transport()))

        def new_client() -> MoodleClient:
            return MoodleClient(box.transport(var_budget=1000))
        runs = 2
    else:
        port, token = endpoint

        def new_client() -> MoodleClient:
            return MoodleClient(Transport(f"http://127.0.0.1:{port}", Secret(token, source="bench"), var_budget=1000))
        runs = 1
    config = RosterConfig()
    catalogue = load_catalogue()
    figures: list[dict[str, Any]] = []
    with Store.open(roster_file.parent / "store.sqlite") as store:
        for _ in range(runs):
            started = time.perf_counter()
            roster = load_roster(roster_file, config=config, catalogue=catalogue)
            read = time.perf_counter()
            client = new_client()
            rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
            planned = time.perf_counter()
            run_id = store.runs.start("bench")
            outcome = apply_roster(client, rplan, store=store, run_id=run_id, config=config)
            applied = time.perf_counter()
            stats = client.transport.stats
            store.runs.finish(run_id, outcome="ok", ws_calls=stats.calls)
            figures.append({
                "calls": stats.calls, "reads": stats.reads, "writes": stats.writes,
                "read file s": read - started, "plan s": planned - read, "apply s": applied - planned,
                "mode": rplan.state.mode, "failures": len(outcome.report.failures),
                # ru_maxrss only grows: taken right after each run, it is that run's own peak only for the first
                # run of a process (the caller says so when two runs share one)
                "peak RSS MB": peak_rss_mb(),
            })
            del roster, rplan, outcome
    results.put(figures)


def run_size(size: int, *, plugin: bool, in_process: bool) -> list[dict[str, Any]]:
    from cooperare.courses.catalogue import load_catalogue
    from cooperare.sync.generator import generate, write_rows

    # generated here, so the workers' peak RSS is reading, planning and applying only
    roster_file = Path(tempfile.mkdtemp(prefix="cooperare-bench-")) / "roster.csv"
    write_rows(generate(load_catalogue(), count=size, seed=2027), roster_file)
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters: nothing inherited from this one
    results: Any = spawn.Queue()
    if in_process:
        worker = spawn.Process(target=sync_once, args=(roster_file, None, plugin, results))
        worker.start()
        figures: list[dict[str, Any]] = results.get()
        worker.join()
        return figures
    queue: Any = spawn.Queue()
    server = spawn.Process(target=serve_sandbox, args=(queue, plugin), daemon=True)
    server.start()
    endpoint = queue.get(timeout=120)
    figures = []
    try:
        for _ in range(2):  # new site, then the unchanged re-run: two separate runs, as on the command line
            worker = spawn.Process(target=sync_once, args=(roster_file, endpoint, plugin, results))
            worker.start()
            figures.extend(results.get())
            worker.join()
    finally:
        server.kill()
    return figures


UPLOADUSER_SECONDS = (15.7, 19.2)
"""admin/tool/uploaduser/cli/uploaduser.php on the real Moodle 4.5.6 (2 cores): 292 users, 4 cohorts, course access,
a group per commune in each course and its members."""


def modelled_run(size: int, *, plugin: bool, concurrency: int, workers: int, scale: float) -> dict[str, Any]:
    """One apply on a sandbox holding every answer for its modelled server time; figures of that run."""
    from cooperare.config.roster import RosterConfig
    from cooperare.courses.catalogue import load_catalogue
    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox
    from cooperare.sandbox.timing import ServerTimeModel
    from cooperare.store import Store
    from cooperare.sync.generator import generate, write_rows
    from cooperare.sync.importer import load_roster
    from cooperare.sync.service import apply_roster, plan_roster

    folder = Path(tempfile.mkdtemp(prefix="cooperare-bench-"))
    roster_file = folder / "roster.csv"
    catalogue = load_catalogue()
    write_rows(generate(catalogue, count=size, seed=2027), roster_file)
    config = RosterConfig(enrolment="cohort" if plugin else "manual")
    box = Sandbox(max_input_vars=1000, plugin=plugin)
    _track_courses(MoodleClient(box.transport()))
    recordings = [Path(__file__).parents[1] / "tests" / "contract" / v / "timing.json" for v in ("4.5", "5.0")]
    model = ServerTimeModel.calibrated(recordings, workers=workers, scale=scale)
    box.server.timing = model
    client = MoodleClient(box.transport(var_budget=1000))
    roster = load_roster(roster_file, config=config, catalogue=catalogue)
    started = time.perf_counter()
    rplan = plan_roster(client, roster, catalogue=catalogue, config=config)
    planned = time.perf_counter()
    with Store.open(folder / "store.sqlite") as store:
        outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("bench"), config=config,
                               concurrency=concurrency)
    applied = time.perf_counter()
    return {"calls": client.transport.stats.calls, "plan s": planned - started, "apply s": applied - planned,
            "server busy s": model.busy_seconds, "peak": model.peak, "failures": len(outcome.report.failures)}


def main_server_model(args: argparse.Namespace) -> None:
    low, high = UPLOADUSER_SECONDS
    print(f"roster sync against the sandbox with a server-time model ({args.workers} PHP workers, waits x "
          f"{args.time_scale}; {'cohort sync' if args.plugin else 'manual enrolment'})")
    print(f"Moodle's uploaduser on the same work, real 4.5.6: {low}-{high} s; goal <= 0.8 x = {0.8 * low:.1f}-"
          f"{0.8 * high:.1f} s")
    for size in args.sizes:
        print(f"\n{size:,} people")
        for concurrency in args.concurrency:
            f = modelled_run(size, plugin=args.plugin, concurrency=concurrency, workers=args.workers,
                             scale=args.time_scale)
            total = (f["plan s"] + f["apply s"]) / args.time_scale
            print(f"  concurrency {concurrency}: {f['calls']:4} calls, {total:6.1f} s on such a server (plan "
                  f"{f['plan s'] / args.time_scale:.1f}, apply {f['apply s'] / args.time_scale:.1f}; server busy "
                  f"{f['server busy s']:.1f} s, at most {f['peak']} at once), {total / high:.2f}-{total / low:.2f} x "
                  f"uploaduser, {f['failures']} failures")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[292, 30_000])
    parser.add_argument("--plugin", action="store_true", help="sandbox with local_cooperare (cohort-sync path)")
    parser.add_argument("--in-process", action="store_true", help="sandbox in the client's process, no HTTP")
    parser.add_argument("--server-model", action="store_true",
                        help="hold each answer for a real server's time; compare concurrency settings")
    parser.add_argument("--workers", type=int, default=2, help="PHP workers of the modelled server")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 3, 4],
                        help="site.concurrency values to compare (with --server-model)")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply every modelled wait (0.1 runs ten times faster; figures are scaled back)")
    args = parser.parse_args()
    if args.server_model:
        if args.sizes == [292, 30_000]:
            args.sizes = [292]
        main_server_model(args)
        return
    where = "in-process adapter" if args.in_process else "loopback HTTP, separate process"
    print(f"roster sync against the sandbox (max_input_vars 1000, {'plugin' if args.plugin else 'no plugin'}, "
          f"{where})")
    print(GOALS)
    whose = "client and sandbox" if args.in_process else "client"
    shared = " over both runs, one process" if args.in_process else ""
    for size in args.sizes:
        figures = run_size(size, plugin=args.plugin, in_process=args.in_process)
        print(f"\n{size:,} people")
        for index, (label, f) in enumerate(zip(("new site", "unchanged re-run"), figures, strict=True)):
            peak_of = f"{whose}{shared if index else ''}"
            total = f["read file s"] + f["plan s"] + f["apply s"]
            print(f"  {label:17} {f['calls']:5} calls ({f['reads']} reads, {f['writes']} writes), "
                  f"{total:6.1f} s (read file {f['read file s']:.1f}, plan {f['plan s']:.1f}, "
                  f"apply {f['apply s']:.1f}), peak RSS {f['peak RSS MB']:.0f} MB ({peak_of}), "
                  f"{f['mode']} enrolment, {f['failures']} failures")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
