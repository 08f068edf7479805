"""Benchmark of business-calendar questions: is_open, next_open, business seconds.

Run ``python benchmarks/calendars.py --json``; prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable

from callcenter.calendars import BusinessCalendar

DOC = {
    "timezone": "Asia/Shanghai",
    "weekly": {"mon-fri": ["08:30-12:00", "13:00-17:30"], "sat": ["09:00-12:00"], "sun": []},
    "holidays": [{"date": f"2026-10-0{d}"} for d in range(1, 8)],
    "makeup_workdays": [{"date": "2026-09-27"}, {"date": "2026-10-10"}],
}
START = 1_767_196_800.0  # 2026-01-01 00:00 Asia/Shanghai


def best_rate(work: Callable[[], int], repeats: int) -> float:
    """Operations per second, best of ``repeats`` runs."""
    best = 0.0
    for _ in range(repeats):
        began = time.perf_counter()
        count = work()
        best = max(best, count / (time.perf_counter() - began))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    calendar = BusinessCalendar.from_dict(DOC)
    rng = random.Random(args.seed)
    instants = [START + rng.uniform(0, 365 * 86_400) for _ in range(args.queries)]
    spans = [(t, t + rng.uniform(0, 7 * 86_400)) for t in instants[: args.queries // 10]]

    def is_open() -> int:
        for t in instants:
            calendar.is_open(t)
        return len(instants)

    def next_open() -> int:
        for t in instants[: args.queries // 10]:
            calendar.next_open(t)
        return args.queries // 10

    def business_seconds() -> int:
        for a, b in spans:
            calendar.business_seconds(a, b)
        return len(spans)

    result = {
        "benchmark": "calendars",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "queries": args.queries,
        "seed": args.seed,
        "is_open_per_second": round(best_rate(is_open, args.repeats)),
        "next_open_per_second": round(best_rate(next_open, args.repeats)),
        "business_seconds_week_spans_per_second": round(best_rate(business_seconds, args.repeats)),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>40}: {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
