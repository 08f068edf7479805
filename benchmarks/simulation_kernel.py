"""Speed of the discrete-event kernel on M/M/8, and the same model in Ciw and SimPy.

The model: one FIFO queue, 8 agents, Poisson arrivals at 100 per hour, exponential
service with mean 240 s, 100,000 customers, nobody abandons. The library's side is the
reference queue written directly on the kernel (``callcenter.simulation._reference``),
so this measures the kernel and the random models, not the ACD. A second variant
(``callcenter_timer_source``) keeps the call ends in an engine-like object built on
the shared ``TimerQueue`` and run by the kernel as a timer source, as the ACD will be.
When ``ciw`` and ``simpy`` are importable (``pip install -e '.[bench]'``) the same
model runs in both, in the same process, and the speed ratios are reported.

Each figure is the best of ``--repeats`` timed runs after a short warm-up run.

    .venv/bin/python benchmarks/simulation_kernel.py --json
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
import time
from collections import deque
from collections.abc import Callable

from _mm8 import (
    ARRIVALS_PER_HOUR,
    MEAN_SERVICE,
    SERVERS,
    header,
    parse_args,
    run_ciw,
    run_simpy,
)

from callcenter._timers import TimerQueue
from callcenter.simulation import Exponential, RandomStreams, Simulator
from callcenter.simulation._reference import simulate_fifo_queue


def run_callcenter(customers: int, seed: int) -> float:
    figures = simulate_fifo_queue(
        arrival_rate=ARRIVALS_PER_HOUR / 3600,
        servers=SERVERS,
        service=Exponential(mean=MEAN_SERVICE),
        customers=customers,
        seed=seed,
    )
    return figures["wait_probability"]


class AgentPool:
    """A stand-in engine in the library's style: call ends are deadlines in a TimerQueue.

    The kernel runs it as a timer source (``next_deadline()`` / ``advance(now)``), the
    way the ACD will run, so this measures what polling a source costs per step.
    """

    def __init__(self, servers: int) -> None:
        self.timers: TimerQueue[int] = TimerQueue()
        self.free = servers
        self.next_call = 0

    def start_call(self, ends_at: float) -> None:
        self.free -= 1
        self.timers.schedule(self.next_call, ends_at)
        self.next_call += 1

    def next_deadline(self) -> float | None:
        return self.timers.next_deadline()

    def advance(self, now: float) -> int:
        ended = 0
        while self.timers.pop_due(now) is not None:
            ended += 1
        self.free += ended
        return ended


def run_callcenter_with_source(customers: int, seed: int) -> float:
    streams = RandomStreams(seed)
    sim = Simulator()
    pool = AgentPool(SERVERS)
    gap = Exponential(mean=3600 / ARRIVALS_PER_HOUR)
    service = Exponential(mean=MEAN_SERVICE)
    queue: deque[float] = deque()
    waited = 0

    def arrive(index: int) -> None:
        nonlocal waited
        if index + 1 < customers:
            sim.schedule_after(gap.sample(streams["arrivals"]), arrive, index + 1)
        if pool.free:
            pool.start_call(sim.now + service.sample(streams["service"]))
        else:
            waited += 1
            queue.append(sim.now)

    def calls_ended(count: int) -> None:
        for _ in range(count):
            if not queue:
                return
            queue.popleft()
            pool.start_call(sim.now + service.sample(streams["service"]))

    sim.add_source(pool, calls_ended)
    sim.schedule(0.0, arrive, 0)
    sim.run()
    return waited / customers


def measure(
    run: Callable[[int, int], float], customers: int, seed: int, repeats: int
) -> tuple[float, float]:
    run(max(customers // 50, 100), seed)  # warm-up
    best = math.inf
    result = math.nan
    for _ in range(repeats):
        start = time.perf_counter()
        result = run(customers, seed)
        best = min(best, time.perf_counter() - start)
    return customers / best, result


def main() -> int:
    args = parse_args(__doc__)
    result = header("simulation_kernel", "M/M/8 FIFO", args)
    engines: dict[str, Callable[[int, int], float]] = {
        "callcenter": run_callcenter,
        "callcenter_timer_source": run_callcenter_with_source,
    }
    others: dict[str, Callable[[int, int], float]] = {
        "ciw": lambda n, seed: run_ciw(n, seed)[1],
        "simpy": lambda n, seed: run_simpy(n, seed)[1],
    }
    for name, other in others.items():
        if importlib.util.find_spec(name) is not None:
            engines[name] = other
        else:
            result[f"{name}_customers_per_second"] = None
            print(f"{name} is not installed; skipped (pip install -e '.[bench]')", file=sys.stderr)
    for name, runner in engines.items():
        print(f"running {name}...", file=sys.stderr)
        speed, wait_probability = measure(runner, args.customers, args.seed, args.repeats)
        result[f"{name}_customers_per_second"] = round(speed, 1)
        result[f"{name}_wait_probability"] = wait_probability
        if name in others:
            module = importlib.import_module(name)
            result[f"{name}_version"] = getattr(module, "__version__", "unknown")
    ours = result["callcenter_customers_per_second"]
    assert isinstance(ours, float)
    for name in ("ciw", "simpy"):
        theirs = result.get(f"{name}_customers_per_second")
        result[f"speedup_vs_{name}"] = (
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
