"""The full simulator on M/M/8: arrivals -> the real ACD -> the record builder -> KPIs.

The model of the kernel benchmark (100 arrivals per hour, mean service 240 s, 8
agents, 100,000 customers), written as a scenario and run by
:func:`callcenter.simulation.simulate`: every customer is routed by the real
``RoutingEngine`` (a timer source of the kernel), offered, answered and completed,
every event goes to the ``RecordBuilder``, and the waiting probability is computed
from the contact records. When ``ciw`` and ``simpy`` are importable
(``pip install -e '.[bench]'``) the same model runs in both, in the same process, and
the ratios are reported.

    python benchmarks/simulation.py --json
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import math
import platform
import sys
import time
from collections.abc import Callable

from _mm8 import ARRIVALS_PER_HOUR, LOAD_ERLANGS, MEAN_SERVICE, SERVERS, run_ciw, run_simpy

from callcenter.metrics import erlang_c
from callcenter.simulation import Scenario, scenario_from_dict, simulate


def scenario(customers: int) -> Scenario:
    """M/M/8 as a scenario: one line, one queue, eight agents always logged in."""
    hours = customers / ARRIVALS_PER_HOUR
    return scenario_from_dict(
        {
            "name": "mm8",
            "date": datetime.date(2026, 1, 5),
            "days": hours / 24 + 1e-9,
            "drain_hours": 24,
            "lines": {
                "calls": {
                    "queue": "q",
                    "arrivals": {
                        "kind": "poisson",
                        "interval": hours * 3600,
                        "per_interval": [float(customers)],
                    },
                }
            },
            "queues": {"q": {"handle_time": {"kind": "exponential", "mean": MEAN_SERVICE}}},
            "staff": [{"agents": [f"a{i}" for i in range(SERVERS)], "answer_after": 0}],
            "routing": {
                "queues": [{"id": "q"}],
                "agents": [{"id": f"a{i}", "queues": [{"queue": "q"}]} for i in range(SERVERS)],
            },
        }
    )


def run_callcenter(customers: int, seed: int) -> tuple[int, float]:
    result = simulate(scenario(customers), seed=seed)
    records = result.records
    waited = sum(r.first_offered_at != r.queued_at for r in records)
    return len(records), waited / len(records)


def measure(
    run: Callable[[int, int], tuple[int, float]], customers: int, seed: int, repeats: int
) -> tuple[float, float, float, int]:
    run(max(customers // 50, 100), seed)  # warm-up
    best = best_cpu = math.inf
    result = (0, math.nan)
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run(customers, seed)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        best = min(best, time.perf_counter() - start)
    return result[0] / best, result[0] / best_cpu, result[1], result[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    result: dict[str, object] = {
        "benchmark": "simulation",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "model": "M/M/8 through the ACD and the record builder",
        "arrivals_per_hour": ARRIVALS_PER_HOUR,
        "mean_service_seconds": MEAN_SERVICE,
        "servers": SERVERS,
        "customers": args.customers,
        "seed": args.seed,
        "repeats": args.repeats,
        "erlang_c_wait_probability": erlang_c(SERVERS, LOAD_ERLANGS),
    }
    engines: dict[str, Callable[[int, int], tuple[int, float]]] = {"callcenter": run_callcenter}
    others: dict[str, Callable[[int, int], tuple[int, float]]] = {
        "ciw": run_ciw,
        "simpy": run_simpy,
    }
    for name, other in others.items():
        if importlib.util.find_spec(name) is not None:
            engines[name] = other
        else:
            result[f"{name}_customers_per_second"] = None
            result[f"{name}_customers_per_cpu_second"] = None
            print(f"{name} is not installed; skipped (pip install -e '.[bench]')", file=sys.stderr)
    for name, runner in engines.items():
        print(f"running {name}...", file=sys.stderr)
        speed, cpu_speed, wait_probability, count = measure(
            runner, args.customers, args.seed, args.repeats
        )
        result[f"{name}_customers_per_second"] = round(speed, 1)
        result[f"{name}_customers_per_cpu_second"] = round(cpu_speed, 1)
        result[f"{name}_wait_probability"] = wait_probability
        result[f"{name}_customers_simulated"] = count
        if name in others:
            module = importlib.import_module(name)
            result[f"{name}_version"] = getattr(module, "__version__", "unknown")
    for suffix in ("", "_cpu"):
        ours = result[f"callcenter_customers_per{suffix}_second"]
        assert isinstance(ours, float)
        for name in ("ciw", "simpy"):
            theirs = result.get(f"{name}_customers_per{suffix}_second")
            result[f"speedup{suffix}_vs_{name}"] = (
                round(ours / theirs, 2) if isinstance(theirs, float) else None
            )
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
