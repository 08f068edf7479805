"""Benchmark of callcenter.metrics: the daily report, staffing searches, Erlang A.

Run ``python benchmarks/metrics.py --json``; prints three JSON objects, one per line:

* ``daily_report``: records per second for a day's report by queue and 30-minute
  interval (with totals and 8 agents' state intervals) over ``--records`` records
  (default 1,000,000);
* ``staffing``: Erlang C staffing searches per second at 100 and 2,000 Erlangs
  (80 % in 20 s, AHT 180 s);
* ``erlang_a``: Erlang A evaluations (service level, abandonment, ASA) per second
  at 1,000 Erlangs with 1,000 agents and 300 s patience.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable

from callcenter.metrics import (
    AgentState,
    AgentStateInterval,
    ContactRecord,
    Outcome,
    StaffingTargets,
    daily_report,
    evaluate,
    required_agents,
)

DAY_START = 1_790_006_400.0  # 2026-09-22 00:00 Asia/Shanghai
QUEUES = ("enquiry", "business", "complaints", "vip")
AGENTS = tuple(f"a{i}" for i in range(40))


def make_records(count: int, seed: int) -> list[ContactRecord]:
    rng = random.Random(seed)
    records = []
    for index in range(count):
        arrived = DAY_START + rng.uniform(0, 86_400)
        draw = rng.random()
        queue = QUEUES[index % len(QUEUES)]
        if draw < 0.3:
            records.append(
                ContactRecord(
                    contact_id=str(index),
                    outcome=Outcome.FINISHED_IN_IVR,
                    arrived_at=arrived,
                    ended_at=arrived + 40,
                    ivr_path=("main", "track"),
                )
            )
            continue
        queued = arrived + 25
        wait = 3 + rng.expovariate(1 / 30)
        if draw < 0.9:
            talk = rng.expovariate(1 / 150)
            records.append(
                ContactRecord(
                    contact_id=str(index),
                    outcome=Outcome.ANSWERED,
                    queues=(queue,),
                    agents=(rng.choice(AGENTS),),
                    arrived_at=arrived,
                    ivr_exited_at=queued,
                    queued_at=queued,
                    first_offered_at=queued + wait - 3,
                    answered_at=queued + wait,
                    ended_at=queued + wait + talk,
                    wrap_up_ended_at=queued + wait + talk + 20,
                    ring_seconds=3,
                    talk_seconds=talk,
                    after_contact_seconds=20,
                    ivr_path=("main",),
                    caller=f"c{rng.randrange(count)}",
                )
            )
        else:
            records.append(
                ContactRecord(
                    contact_id=str(index),
                    outcome=Outcome.ABANDONED_IN_QUEUE,
                    queues=(queue,),
                    arrived_at=arrived,
                    ivr_exited_at=queued,
                    queued_at=queued,
                    ended_at=queued + wait,
                    ivr_path=("main",),
                )
            )
    return records


def make_intervals() -> list[AgentStateInterval]:
    intervals = []
    for index, agent in enumerate(AGENTS[:8]):
        t = DAY_START + 8 * 3600
        states = (AgentState.AVAILABLE, AgentState.BUSY, AgentState.WRAP_UP)
        while t < DAY_START + 20 * 3600:
            state = states[int(t) % 3]
            intervals.append(
                AgentStateInterval(
                    agent_id=agent,
                    state=state,
                    start=t,
                    end=t + 400 + index,
                    queues=(QUEUES[index % len(QUEUES)],),
                )
            )
            t += 400 + index
    return intervals


def best_rate(work: Callable[[], int], repeats: int) -> float:
    best = 0.0
    for _ in range(repeats):
        began = time.perf_counter()
        count = work()
        best = max(best, count / (time.perf_counter() - began))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    common = {"python": platform.python_version(), "machine": platform.platform()}

    print(f"building {args.records} records...", file=sys.stderr)
    records = make_records(args.records, args.seed)
    intervals = make_intervals()

    def report() -> int:
        result = daily_report(records, intervals, timezone="Asia/Shanghai")
        # Every queue, the IVR-only contacts (no queue) and the totals, 48 times.
        assert len(result.rows) == 48 * (len(QUEUES) + 2)
        return len(records)

    report_rate = best_rate(report, max(1, min(args.repeats, 2)))
    records.clear()

    targets = StaffingTargets(service_level=0.8, answer_time=20)
    staffing: dict[str, float] = {}
    agents: dict[str, int] = {}
    for traffic in (100.0, 2000.0):
        loops = 2000 if traffic < 1000 else 500

        def search(traffic: float = traffic, loops: int = loops) -> int:
            for _ in range(loops):
                required_agents(traffic, 180.0, targets)
            return loops

        staffing[f"searches_per_second_{int(traffic)}_erlangs"] = best_rate(search, args.repeats)
        agents[f"agents_{int(traffic)}_erlangs"] = required_agents(traffic, 180.0, targets).agents

    def erlang_a() -> int:
        for _ in range(50):
            evaluate(1000, 1000.0, 180.0, 20.0, patience=300.0)
        return 50

    a_rate = best_rate(erlang_a, args.repeats)
    results = [
        {
            "benchmark": "metrics",
            "case": "daily_report",
            **common,
            "records": args.records,
            "queues": len(QUEUES),
            "interval_minutes": 30,
            "records_per_second": round(report_rate),
            "seconds_per_report": round(args.records / report_rate, 3),
        },
        {
            "benchmark": "metrics",
            "case": "staffing",
            **common,
            **agents,
            **{key: round(value) for key, value in staffing.items()},
            "seconds_per_search_2000_erlangs": 1 / staffing["searches_per_second_2000_erlangs"],
        },
        {
            "benchmark": "metrics",
            "case": "erlang_a",
            **common,
            "traffic_erlangs": 1000.0,
            "agents": 1000,
            "patience_seconds": 300.0,
            "evaluations_per_second": round(a_rate),
            "seconds_per_evaluation": 1 / a_rate,
        },
    ]
    for item in results:
        if args.json:
            print(json.dumps(item))
        else:
            print(", ".join(f"{k}={v}" for k, v in item.items() if k not in common))


if __name__ == "__main__":
    main()
