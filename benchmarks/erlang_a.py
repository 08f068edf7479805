"""Erlang A like for like: the library's simulator and a Ciw model of M/M/8+M.

The model: 8 agents, Poisson arrivals at 100 an hour, exponential talk time with
mean 240 s, exponential patience with mean 180 s (a waiting caller hangs up when it
runs out), one FIFO queue, service level at 20 s.

* The library: a scenario built in this file, a line with no IVR that sends every
  call straight to the queue, run by :func:`callcenter.simulation.simulate` (the
  real ACD, the record builder, the contact records and agent intervals); agents
  answer at once.
* The peer: the same model in Ciw (``reneging_time_distributions``), run to the same
  simulated time, its KPIs computed from Ciw's own records.

Both sides run for the same simulated time (``--customers`` arrivals expected), in
alternating timed runs; customers per CPU second (best of ``--repeats``) and the
ratio are reported. The KPIs (service level over offered calls, ASA of answered
calls, abandonment, occupancy) come from ``--replications`` independent runs of each
side, printed side by side with 95% intervals, next to the exact Erlang A values
(:func:`callcenter.metrics.evaluate` with a patience).

    .venv/bin/python benchmarks/erlang_a.py --json
"""

from __future__ import annotations

import datetime
import json
import math
import sys
from typing import Any

from _compare import (
    Run,
    Runner,
    compare,
    header,
    parse_args,
    print_summary,
)

from callcenter.metrics import KpiOptions, compute_kpis, evaluate
from callcenter.simulation import Scenario, scenario_from_dict, simulate

ARRIVALS_PER_HOUR = 100.0
MEAN_TALK = 240.0
MEAN_PATIENCE = 180.0
AGENTS = 8
ANSWER_TIME = 20.0

KPIS = ("service_level", "asa_seconds", "abandonment_rate", "occupancy")


def hours_for(customers: int) -> float:
    """The simulated time in which ``customers`` arrivals are expected."""
    return customers / ARRIVALS_PER_HOUR


def scenario(customers: int) -> Scenario:
    """The model as a scenario: one line straight to the queue, eight agents all along."""
    hours = hours_for(customers)
    agents = [f"a{i}" for i in range(AGENTS)]
    return scenario_from_dict(
        {
            "name": "erlang-a",
            "date": datetime.date(2026, 1, 5),
            "days": hours / 24,
            "drain_hours": 24,
            "answer_time": ANSWER_TIME,
            "lines": {
                "calls": {
                    "queue": "q",
                    "arrivals": {
                        "kind": "poisson",
                        "interval": hours * 3600,
                        "per_interval": [ARRIVALS_PER_HOUR * hours],
                    },
                }
            },
            "queues": {
                "q": {
                    "handle_time": {"kind": "exponential", "mean": MEAN_TALK},
                    "patience": {"kind": "exponential", "mean": MEAN_PATIENCE},
                }
            },
            "staff": [{"agents": agents, "answer_after": 0}],
            "routing": {
                "queues": [{"id": "q"}],
                "agents": [{"id": a, "queues": [{"queue": "q"}]} for a in agents],
            },
        }
    )


def run_callcenter(customers: int, seed: int) -> Run:
    """The library's side: ``simulate`` on the scenario."""
    result = simulate(scenario(customers), seed=seed)

    def kpis() -> dict[str, float]:
        options = KpiOptions(answer_time=ANSWER_TIME)
        row = compute_kpis(result.records, result.intervals, options, repeats=set())
        values: dict[str, float] = {}
        for name in KPIS:
            value = getattr(row, name)
            values[name] = math.nan if value is None else float(value)
        return values

    return Run(len(result.records), kpis)


def run_ciw(customers: int, seed: int) -> Run:
    """The peer: M/M/8 with reneging in Ciw, to the same simulated time."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_HOUR / 3600)],
        service_distributions=[ciw.dists.Exponential(rate=1 / MEAN_TALK)],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / MEAN_PATIENCE)],
        number_of_servers=[AGENTS],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    horizon = hours_for(customers) * 3600
    simulation.simulate_until_max_time(horizon)
    records = simulation.get_all_records()

    def kpis() -> dict[str, float]:
        served = [r for r in records if r.record_type == "service"]
        reneged = sum(r.record_type == "renege" for r in records)
        offered = len(served) + reneged
        busy = math.fsum(min(r.service_end_date, horizon) - r.service_start_date for r in served)
        return {
            "service_level": sum(r.waiting_time <= ANSWER_TIME for r in served) / offered,
            "asa_seconds": math.fsum(r.waiting_time for r in served) / len(served),
            "abandonment_rate": reneged / offered,
            "occupancy": busy / (AGENTS * horizon),
        }

    return Run(len(records), kpis)


def theory() -> dict[str, float]:
    """The exact Erlang A values of the model."""
    perf = evaluate(
        AGENTS,
        ARRIVALS_PER_HOUR * MEAN_TALK / 3600,
        MEAN_TALK,
        ANSWER_TIME,
        patience=MEAN_PATIENCE,
    )
    assert perf.service_level is not None
    return {
        "service_level": perf.service_level,
        "asa_seconds": perf.asa_seconds,
        "abandonment_rate": perf.abandonment,
        "occupancy": perf.occupancy,
    }


RUNNERS: dict[str, Runner] = {"callcenter": run_callcenter, "ciw": run_ciw}


def main() -> int:
    args = parse_args(__doc__, customers=100_000)
    result: dict[str, Any] = header("erlang_a", "M/M/8+M, straight to the queue", args)
    result.update(
        arrivals_per_hour=ARRIVALS_PER_HOUR,
        mean_talk_seconds=MEAN_TALK,
        mean_patience_seconds=MEAN_PATIENCE,
        agents=AGENTS,
        answer_time_seconds=ANSWER_TIME,
    )
    table: dict[str, Any] = compare(result, RUNNERS, "ciw", args)
    for name, value in theory().items():
        table[name]["erlang_a"] = value
    result["kpis"] = table
    if args.json:
        print(json.dumps(result))
    else:
        print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
