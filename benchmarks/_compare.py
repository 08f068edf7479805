"""What the like-for-like benchmarks share: options, alternating timed runs, intervals.

A like-for-like benchmark runs one model in the library and in a peer written in the
same file. Each side is a *runner*: ``run(customers, seed)`` simulates about
``customers`` customers and returns a :class:`Run`, the number of customers it
finished and a function that computes its KPIs afterwards (the KPIs are not timed).

Speed: the runners take turns (library, peer, peer, library, ...), each run timed in
CPU seconds (``time.process_time``) and wall seconds, each started on a collected
heap with nothing of the previous run alive (the garbage collector stays on, as a
user runs it); the best run of each side counts, and the ratio of the two bests is
reported. KPIs: independent replications,
each with its own seed (:func:`callcenter.simulation.derive_seed`), summarised as
Student-t confidence intervals.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import math
import platform
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from callcenter.simulation import confidence_interval, derive_seed


@attrs.frozen
class Run:
    """One finished run: how many customers it finished, and its KPIs on demand."""

    customers: int
    kpis: Callable[[], dict[str, float]]


Runner = Callable[[int, int], Run]

LEVEL = 0.95
"""The confidence level of the KPIs' intervals."""


def parse_args(doc: str | None, *, customers: int) -> argparse.Namespace:
    """The options of a like-for-like benchmark."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--customers", type=int, default=customers, help="per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each side")
    parser.add_argument("--replications", type=int, default=10, help="runs for the KPIs")
    parser.add_argument(
        "--replication-customers",
        type=int,
        default=None,
        help="customers per replication (default: customers / replications)",
    )
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def header(benchmark: str, model: str, args: argparse.Namespace) -> dict[str, object]:
    """The first keys of the JSON object: what ran, on what, with which sizes."""
    return {
        "benchmark": benchmark,
        "python": platform.python_version(),
        "machine": platform.platform(),
        "model": model,
        "customers": args.customers,
        "repeats": args.repeats,
        "replications": args.replications,
        "replication_customers": replication_size(args),
        "seed": args.seed,
    }


def replication_size(args: argparse.Namespace) -> int:
    """Customers per replication."""
    given: int | None = args.replication_customers
    return given if given is not None else max(args.customers // args.replications, 100)


def time_alternating(
    runners: Mapping[str, Runner], customers: int, seed: int, repeats: int
) -> dict[str, dict[str, float]]:
    """Customers per CPU second and per wall second of each runner, best of ``repeats``.

    The runners take turns, in an order reversed at every repeat, so that a change in
    the machine's load weighs on every side alike. A short warm-up run of each comes
    first.
    """
    names = list(runners)
    for name in names:
        runners[name](max(customers // 50, 200), seed)
    best_cpu = dict.fromkeys(names, math.inf)
    best_wall = dict.fromkeys(names, math.inf)
    counts = dict.fromkeys(names, 0)
    for repeat in range(repeats):
        for name in names if repeat % 2 == 0 else names[::-1]:
            # Each timed run starts on a collected heap with nothing of the run before
            # alive: otherwise the garbage collector's full passes during one side's
            # run would walk the other side's last results too (or its own).
            gc.collect()
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            run = runners[name](customers, seed)
            cpu = time.process_time() - start_cpu
            wall = time.perf_counter() - start_wall
            counts[name] = run.customers
            del run
            best_cpu[name] = min(best_cpu[name], cpu)
            best_wall[name] = min(best_wall[name], wall)
    return {
        name: {
            "customers_simulated": counts[name],
            "customers_per_cpu_second": round(counts[name] / best_cpu[name], 1),
            "customers_per_second": round(counts[name] / best_wall[name], 1),
        }
        for name in names
    }


def replicate(
    runner: Runner, customers: int, seed: int, replications: int, variant: int
) -> dict[str, list[float]]:
    """Each KPI's values over ``replications`` independent runs (one value per run)."""
    values: dict[str, list[float]] = {}
    for replication in range(replications):
        run = runner(customers, derive_seed(seed, variant, replication) % 2**32)
        for name, value in run.kpis().items():
            values.setdefault(name, []).append(value)
    return values


def compare(
    result: dict[str, Any], runners: Mapping[str, Runner], peer: str, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Time the library against ``peer``, then replicate both; return the KPI table.

    The speeds, the peer's version and the ratios go into ``result``. A peer that is
    not installed is left out (said on standard error), and the library runs alone.
    """
    sides_run = dict(runners)
    if importlib.util.find_spec(peer) is None:
        del sides_run[peer]
        print(f"{peer} is not installed; skipped (pip install -e '.[bench]')", file=sys.stderr)
    print("timing " + ", ".join(sides_run) + "...", file=sys.stderr)
    speeds = time_alternating(sides_run, args.customers, args.seed, args.repeats)
    for name, figures in speeds.items():
        for key, value in figures.items():
            result[f"{name}_{key}"] = value
    if peer in speeds:
        result[f"{peer}_version"] = importlib.import_module(peer).__version__
        for key in ("customers_per_cpu_second", "customers_per_second"):
            ratio = speeds["callcenter"][key] / speeds[peer][key]
            result[f"ratio_{key}_vs_{peer}"] = round(ratio, 3)
    print("replications...", file=sys.stderr)
    size = replication_size(args)
    sides = {
        name: replicate(runner, size, args.seed, args.replications, variant)
        for variant, (name, runner) in enumerate(sides_run.items())
    }
    return kpi_table(sides)


def interval(values: Sequence[float]) -> dict[str, float]:
    """The mean and the half-width of its confidence interval at :data:`LEVEL`."""
    ci = confidence_interval(values, LEVEL)
    return {"mean": ci.mean, "half_width": ci.half_width}


def agree(ours: Sequence[float], theirs: Sequence[float], *, z: float = 3.0) -> bool:
    """Whether two sets of replications estimate the same mean.

    The difference of the means is compared with ``z`` standard errors of the
    difference (Welch: the two variances are not assumed equal).
    """
    n, m = len(ours), len(theirs)
    mean_a, mean_b = math.fsum(ours) / n, math.fsum(theirs) / m
    var_a = math.fsum((v - mean_a) ** 2 for v in ours) / (n - 1)
    var_b = math.fsum((v - mean_b) ** 2 for v in theirs) / (m - 1)
    return abs(mean_a - mean_b) <= z * math.sqrt(var_a / n + var_b / m)


def kpi_table(
    sides: Mapping[str, Mapping[str, Sequence[float]]],
) -> dict[str, dict[str, dict[str, float]]]:
    """For each KPI, each side's mean and half-width, side by side."""
    names: list[str] = []
    for values in sides.values():
        names.extend(k for k in values if k not in names)
    return {
        kpi: {side: interval(values[kpi]) for side, values in sides.items() if kpi in values}
        for kpi in names
    }


def print_summary(result: Mapping[str, object]) -> None:
    """The human-readable form of a result (without ``--json``)."""
    for key, value in result.items():
        if key == "kpis" and isinstance(value, dict):
            print("kpis (mean ± half-width of the 95% interval):")
            for kpi, sides in value.items():
                cells = []
                for side, ci in sides.items():
                    if isinstance(ci, dict):
                        cells.append(f"{side} {ci['mean']:.4g} ± {ci['half_width']:.2g}")
                    else:
                        cells.append(f"{side} {ci:.4g}")
                print(f"  {kpi:32} " + "   ".join(cells))
        else:
            print(f"{key:36} {value}")
