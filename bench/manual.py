#!/usr/bin/env python3
"""Manual build figures: wall time of a full build (PDF, EPUB and HTML, with the consultation annex), per format, and
peak RSS of the process. Prints figures; asserts nothing.

Goal: at most 15 s for all three formats.

    python bench/manual.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from cooperare.manual.annex import load_recommendations
from cooperare.manual.build import FORMATS, build_manual
from cooperare.manual.content import load_manual, shipped_content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    recommendations = load_recommendations(shipped_content() / "exemplu-recomandari.yaml")
    with tempfile.TemporaryDirectory() as folder:
        totals: list[float] = []
        per_format: dict[str, list[float]] = {f: [] for f in FORMATS}
        for run in range(args.repeat):
            started = time.perf_counter()
            for kind in FORMATS:
                t0 = time.perf_counter()
                build_manual(Path(folder) / str(run), formats=(kind,), source=load_manual(),
                             recommendations=recommendations)
                per_format[kind].append(time.perf_counter() - t0)
            totals.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    print(f"full build (pdf+epub+html), {args.repeat} run(s): best {min(totals):.2f} s, first {totals[0]:.2f} s "
          "(goal ≤ 15 s)")
    for kind, times in per_format.items():
        print(f"  {kind}: best {min(times):.3f} s")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
