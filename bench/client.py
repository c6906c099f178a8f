#!/usr/bin/env python3
"""Client figures against the in-process sandbox: requests per second, client CPU per call, and the time to encode
a 10,000-user batch. Prints figures; asserts nothing (machines are shared and noisy).

    python bench/client.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import resource
import time

from cooperare.moodle.batching import batch_pairs, plan_batches
from cooperare.moodle.encoding import urlencode
from cooperare.sandbox import Sandbox


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_calls(calls: int) -> None:
    box = Sandbox(plugin=False)
    transport = box.transport()
    transport.call("core_webservice_get_site_info")  # warm caches
    started, cpu_started = time.perf_counter(), cpu_seconds()
    for _ in range(calls):
        transport.call("core_course_get_categories", {"criteria": [{"key": "id", "value": "1"}]})
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    print(f"in-process calls:         {calls}")
    print(f"requests per second:      {calls / wall:,.0f}")
    print(f"wall per call:            {wall / calls * 1000:.3f} ms (client + sandbox, one process)")
    print(f"CPU per call:             {cpu / calls * 1000:.3f} ms (client + sandbox)")


def user(i: int) -> dict[str, object]:
    return {"username": f"u{i:05d}", "createpassword": True, "firstname": "Ștefan", "lastname": f"Țăranu {i}",
            "email": f"u{i:05d}@example.ro", "auth": "manual", "idnumber": f"coop:person:{i:05d}", "lang": "en",
            "institution": "Primăria Comunei Bălănești", "city": "Bălănești"}


def bench_encoding() -> None:
    users = [user(i) for i in range(10_000)]
    started = time.perf_counter()
    batches = list(plan_batches(users, list_key="users", budget=1000))
    planned = time.perf_counter() - started
    started = time.perf_counter()
    total = 0
    for batch in batches:
        total += len(urlencode(batch_pairs("users", batch.items)))
    encoded = time.perf_counter() - started
    print(f"10,000-user batch:        {len(batches)} requests of <= 1000 POST variables, {total / 1e6:.1f} MB")
    print(f"  planning:               {planned * 1000:.0f} ms")
    print(f"  encoding:               {encoded * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    bench_calls(args.calls)
    bench_encoding()


if __name__ == "__main__":
    main()
