"""Rostering: HiGHS (callcenter.wfm.solve_roster) against pyworkforce and a greedy baseline.

The requirement is a Tianjin-like weekday: the half-hourly calls of the example
scenario's profile, split between an enquiry group (55%, 180 s handle time) and a
business group (45%, 280 s), sized for 80% in 20 s by Erlang C, and multiplied by
``--scale`` for larger centers. Each group may work full-time shifts of 9 hours
(any half hour from 07:00 to 12:00, a one-hour lunch 3 to 5 hours in, on the half
hour) at cost 9, and part-time shifts of 4 hours (on the hour, 07:00 to 17:00) at
cost 4.5.

Every method solves the same problem: cover every interval's requirement at least
cost. pyworkforce's ``MinRequiredResources`` (CP-SAT from OR-Tools) is given every
placement of every template as a shift with its 0/1 coverage and integer costs in
half-hours; it runs only when pyworkforce is installed. Each line of JSON gives a
method's cost, heads, missing and surplus agent-intervals and seconds (best of
``--repeats`` after a warm-up run).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from typing import Any

from callcenter.metrics import IntervalForecast, StaffingTargets, plan_intervals
from callcenter.wfm import BreakRule, Roster, ShiftTemplate, greedy_roster, solve_roster

# Calls per half hour from 07:00 to 21:00 (examples/scenarios/tianjin.toml).
PROFILE = (
    8, 17, 39, 64, 87, 104, 109, 101, 84, 62, 53, 73, 92, 101,
    98, 87, 70, 56, 42, 34, 25, 20, 17, 14, 11, 8, 6, 4,
)  # fmt: skip
GROUPS = {"enquiry": (0.55, 180.0), "business": (0.45, 280.0)}


def requirements(scale: float) -> dict[str, list[int]]:
    result = {}
    for group, (share, aht) in GROUPS.items():
        calls = [0.0] * 48
        for i, n in enumerate(PROFILE):
            calls[14 + i] = n * share * scale
        plans = plan_intervals(
            [IntervalForecast(start=str(i), calls=c, aht_seconds=aht) for i, c in enumerate(calls)],
            interval_seconds=1800,
            targets=StaffingTargets(service_level=0.8, answer_time=20),
        )
        result[group] = [p.scheduled_agents for p in plans]
    return result


def templates() -> list[ShiftTemplate]:
    result = []
    for group in GROUPS:
        result.append(
            ShiftTemplate(
                name=f"{group}-ft",
                group=group,
                starts=[f"{h:02d}:{m:02d}" for h in range(7, 13) for m in (0, 30)][:-1],
                hours=9,
                breaks=[BreakRule(minutes=60, earliest=180, latest=300)],
                cost=9,
            )
        )
        result.append(
            ShiftTemplate(
                name=f"{group}-pt",
                group=group,
                starts=[f"{h:02d}:00" for h in range(7, 18)],
                hours=4,
                cost=4.5,
                part_time=True,
            )
        )
    return result


def figures(roster: Roster) -> dict[str, Any]:
    return {
        "cost": roster.cost,
        "heads": roster.heads(),
        "under_agent_intervals": roster.shortfall,
        "over_agent_intervals": sum(sum(c.over) for c in roster.coverage.values()),
        "status": roster.status,
    }


def run_pyworkforce(required: dict[str, list[int]], time_limit: float) -> dict[str, Any]:
    from pyworkforce.scheduling import MinRequiredResources

    cost = 0.0
    heads = 0
    under = over = 0.0
    statuses = []
    for group, need in required.items():
        shifts: dict[str, list[int]] = {}
        costs: dict[str, int] = {}
        for template in templates():
            if template.group != group:
                continue
            for start, breaks in template.placements():
                name = f"{template.name}@{start}:{breaks}"
                end = start + template.length_seconds
                row = []
                for slot in range(48):
                    a, b = slot * 1800, (slot + 1) * 1800
                    inside = a >= start and b <= end
                    on_break = any(a >= s and b <= e for s, e in breaks)
                    row.append(1 if inside and not on_break else 0)
                shifts[name] = row
                costs[name] = round(template.unit_cost * 2)
        solver = MinRequiredResources(
            num_days=1,
            periods=48,
            shifts_coverage=shifts,
            required_resources=[need],
            max_period_concurrency=max(need) * 4 + 10,
            max_shift_concurrency=max(need) * 2 + 10,
            cost_dict=costs,
            max_search_time=time_limit,
            num_search_workers=1,
        )
        solution = solver.solve()
        statuses.append(solution["status"])
        staffed = [0] * 48
        for item in solution["resources_shifts"]:
            n = item["resources"]
            if n <= 0:
                continue
            heads += n
            cost += costs[item["shift"]] / 2 * n
            for slot, covered in enumerate(shifts[item["shift"]]):
                staffed[slot] += covered * n
        under += sum(max(0, r - s) for r, s in zip(need, staffed, strict=True))
        over += sum(max(0, s - r) for r, s in zip(need, staffed, strict=True))
    return {
        "cost": cost,
        "heads": heads,
        "under_agent_intervals": under,
        "over_agent_intervals": over,
        "status": "/".join(statuses).lower(),
    }


def best_of(repeats: int, run: Any) -> tuple[float, Any]:
    result = run()  # warm-up: imports, caches
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0, 5.0, 20.0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    try:
        import pyworkforce  # noqa: F401

        peers = True
    except ImportError:
        peers = False
        print(
            "pyworkforce is not installed: comparing with the greedy baseline only", file=sys.stderr
        )
    for scale in args.scale:
        required = requirements(scale)
        methods: dict[str, Any] = {
            "callcenter_milp_highs": lambda r=required: figures(
                solve_roster(r, templates(), interval_seconds=1800, time_limit=args.time_limit)
            ),
            "callcenter_greedy": lambda r=required: figures(
                greedy_roster(r, templates(), interval_seconds=1800)
            ),
        }
        if peers:
            methods["pyworkforce_cpsat"] = lambda r=required: run_pyworkforce(r, args.time_limit)
        for method, run in methods.items():
            seconds, result = best_of(args.repeats, run)
            line = {
                "benchmark": "wfm_roster",
                "python": platform.python_version(),
                "machine": platform.platform(),
                "method": method,
                "scale": scale,
                "required_agent_intervals": sum(sum(v) for v in required.values()),
                "peak_agents": max(max(v) for v in required.values()),
                "repeats": args.repeats,
                **result,
                "seconds": seconds,
            }
            if args.json:
                print(json.dumps(line))
            else:
                print(
                    f"scale {scale:>5g}  {method:<22} cost {result['cost']:>8g}  heads "
                    f"{result['heads']:>4}  under {result['under_agent_intervals']:>5g}  over "
                    f"{result['over_agent_intervals']:>6g}  {seconds:8.3f} s  {result['status']}"
                )


if __name__ == "__main__":
    main()
