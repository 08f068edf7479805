"""The full simulator on M/M/8: arrivals -> the real ACD -> the record builder -> KPIs.

The model of the kernel benchmark (100 arrivals per hour, mean service 240 s, 8
agents, 100,000 customers), written as a scenario and run by
:func:`callcenter.simulation.simulate`: every customer is routed by the real
``RoutingEngine`` (a timer source of the kernel), offered, answered and completed,
every event goes to the ``RecordBuilder``, and the waiting probability is computed
from the contact records. When ``ciw`` and ``simpy`` are importable
(``pip install -e '.[bench]'``) the same model runs in both, in the same process, and
the ratios are reported.

The breakdown ``routing_engine_customers_per_second`` is the ceiling that the real
ACD sets: one run records, from outside the library (the hotline's ``RoutingEngine``
is replaced, in this script only, by a proxy that logs every method call with its
arguments), the exact sequence of calls the simulated hotline makes to the engine --
``next_deadline`` and ``advance`` for its timers, ``route``, ``accept``,
``complete`` and the shift calls for the driver's inputs -- and the calls are then replayed,
alone and timed, against a fresh engine built with the same definition and seed. A
simulator whose own code cost nothing would run at that speed.

    python benchmarks/simulation.py --json
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import math
import sys
import time
from collections.abc import Callable
from typing import Any

from _mm8 import (
    ARRIVALS_PER_HOUR,
    MEAN_SERVICE,
    SERVERS,
    header,
    parse_args,
    run_ciw,
    run_simpy,
)

import callcenter.hotline._runtime as hotline_module
from callcenter.routing import RoutingEngine
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


Call = tuple[str, tuple[Any, ...], dict[str, Any]]


class _RecordingEngine:
    """Stands for the hotline's ``RoutingEngine``: logs each method call, then makes it."""

    def __init__(self, engine: RoutingEngine, log: list[Call], results: list[Any]) -> None:
        self._engine = engine
        self._log = log
        self._results = results

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._engine, name)
        log, results = self._log, self._results

        def call(*args: Any, **kwargs: Any) -> Any:
            log.append((name, args, kwargs))
            result = method(*args, **kwargs)
            results.append(result)
            return result

        return call


def record_routing_calls(
    customers: int, seed: int
) -> tuple[tuple[Any, ...], dict[str, Any], list[Call], list[Any], int]:
    """Run the model once: the engine's constructor arguments, its calls, what they
    returned, and the number of customers (contact records) of the run."""
    log: list[Call] = []
    results: list[Any] = []
    made: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def make(*args: Any, **kwargs: Any) -> _RecordingEngine:
        made.append((args, kwargs))
        return _RecordingEngine(RoutingEngine(*args, **kwargs), log, results)

    # Patched where the hotline looks the class up, for this run only.
    name = "RoutingEngine"
    original = getattr(hotline_module, name)
    setattr(hotline_module, name, make)
    try:
        simulated = len(simulate(scenario(customers), seed=seed).records)
    finally:
        setattr(hotline_module, name, original)
    ((args, kwargs),) = made
    return args, kwargs, log, results, simulated


def replay_routing_calls(customers: int, seed: int, repeats: int) -> tuple[float, float, int]:
    """Customers per second (wall, CPU) of the engine alone on the simulator's calls."""
    args, kwargs, log, expected, simulated = record_routing_calls(customers, seed)
    # A faithful replay: a fresh engine answers every call as the simulator's did.
    engine = RoutingEngine(*args, **kwargs)
    if [getattr(engine, name)(*a, **k) for name, a, k in log] != expected:
        raise AssertionError("the replayed engine did not return what the simulator saw")
    best = best_cpu = math.inf
    for _ in range(repeats):
        engine = RoutingEngine(*args, **kwargs)
        calls = [(getattr(engine, name), a, k) for name, a, k in log]
        start, start_cpu = time.perf_counter(), time.process_time()
        for method, a, k in calls:
            method(*a, **k)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        best = min(best, time.perf_counter() - start)
    return simulated / best, simulated / best_cpu, len(log)


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
    args = parse_args(__doc__)
    result = header("simulation", "M/M/8 through the ACD and the record builder", args)
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
    print("replaying the routing engine's calls...", file=sys.stderr)
    speed, cpu_speed, calls = replay_routing_calls(args.customers, args.seed, args.repeats)
    result["routing_engine_calls"] = calls
    result["routing_engine_customers_per_second"] = round(speed, 1)
    result["routing_engine_customers_per_cpu_second"] = round(cpu_speed, 1)
    ours = result["callcenter_customers_per_cpu_second"]
    assert isinstance(ours, float)
    # The share of the simulator's CPU time spent inside the engine (the rest is the
    # kernel, the driver, the hotline and the record builder).
    result["routing_engine_share_of_cpu_time"] = round(ours / cpu_speed, 3)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
