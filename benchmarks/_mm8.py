"""The M/M/8 model shared by the simulation benchmarks, and its runs in Ciw and SimPy.

100 arrivals per hour, exponential service with mean 240 s, 8 agents, one FIFO
queue, nobody abandons. Each runner returns ``(customers served, share who waited)``.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Generator
from typing import Any

from callcenter.metrics import erlang_c
from callcenter.simulation import RandomStreams

ARRIVALS_PER_HOUR = 100
MEAN_SERVICE = 240.0
SERVERS = 8
LOAD_ERLANGS = ARRIVALS_PER_HOUR * MEAN_SERVICE / 3600


def parse_args(doc: str | None) -> argparse.Namespace:
    """The options every M/M/8 benchmark takes: ``--json``, ``--customers``, ``--repeats``,
    ``--seed``."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def header(benchmark: str, model: str, args: argparse.Namespace) -> dict[str, object]:
    """The first keys of an M/M/8 benchmark's JSON object: what ran, on what, and Erlang C."""
    return {
        "benchmark": benchmark,
        "python": platform.python_version(),
        "machine": platform.platform(),
        "model": model,
        "arrivals_per_hour": ARRIVALS_PER_HOUR,
        "mean_service_seconds": MEAN_SERVICE,
        "servers": SERVERS,
        "customers": args.customers,
        "seed": args.seed,
        "repeats": args.repeats,
        "erlang_c_wait_probability": erlang_c(SERVERS, LOAD_ERLANGS),
    }


def run_ciw(customers: int, seed: int) -> tuple[int, float]:
    """The model in Ciw (needs the ``bench`` extra)."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_HOUR / 3600)],
        service_distributions=[ciw.dists.Exponential(rate=1 / MEAN_SERVICE)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(customers, method="Finish")
    records = simulation.get_all_records()
    return len(records), float(sum(r.waiting_time > 0 for r in records) / len(records))


def run_simpy(customers: int, seed: int) -> tuple[int, float]:
    """The model as a minimal SimPy program, drawing from the library's named streams."""
    import simpy

    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=SERVERS)
    streams = RandomStreams(seed)  # the same streams as the kernel's reference model
    arrival_rate = ARRIVALS_PER_HOUR / 3600
    waited = 0

    def customer() -> Generator[Any, Any, None]:
        nonlocal waited
        arrived = env.now
        with agents.request() as request:
            yield request
            if env.now > arrived:
                waited += 1
            yield env.timeout(streams["service"].expovariate(1 / MEAN_SERVICE))

    def source() -> Generator[Any, Any, None]:
        for _ in range(customers):
            env.process(customer())
            yield env.timeout(streams["arrivals"].expovariate(arrival_rate))

    env.process(source())
    env.run()
    return customers, waited / customers
