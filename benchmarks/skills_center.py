"""A skills-based center like for like: the library's simulator and a SimPy model.

The model: three queues (tracking, orders, complaints), 13 agents with overlapping
skills, each with a level per skill and a tier per queue (tier 1 is offered first).
Calls arrive at each queue as a Poisson stream; 5 % of callers are VIPs, one priority
point above the others in their queue. A queue offers a new call to one of its free
agents: the best tier first, then the agent idle the longest (on complaints: the
highest level of the queue's skill, then the longest idle). An agent who frees up
takes, among the heads of its queues (the highest priority, then the earliest
arrival), the one that has waited longest. Talk times are exponential, after-call
work is fixed per queue, and a waiting caller hangs up after an exponential
patience. The service level is at 20 s.

* The library: a scenario built in this file (one line per queue with no IVR, the
  routing definition with skills, levels, tiers and strategies, VIP callers), run by
  :func:`callcenter.simulation.simulate`; agents answer at once.
* The peer: a SimPy program with its own queues, its own agent selection and its own
  records, written from the description above.

Both sides run for the same simulated time (``--customers`` arrivals expected), in
alternating timed runs; customers per CPU second (best of ``--repeats``) and the
ratio are reported. The KPIs (service level over offered calls, ASA of answered
calls, abandonment, occupancy; in all, and per queue) come from ``--replications``
independent runs of each side, printed side by side with 95% intervals.

    .venv/bin/python benchmarks/skills_center.py --json
"""

from __future__ import annotations

import datetime
import heapq
import json
import math
import random
import sys
from collections.abc import Generator
from typing import Any

from _compare import (
    Run,
    Runner,
    compare,
    header,
    parse_args,
    print_summary,
)

from callcenter.metrics import KpiOptions, compute_kpis
from callcenter.simulation import Scenario, SimulationResult, scenario_from_dict, simulate

ANSWER_TIME = 20.0
VIP_SHARE = 0.05

# queue: (calls an hour, mean talk s, after-call work s, mean patience s, strategy)
QUEUES: dict[str, tuple[float, float, float, float, str]] = {
    "tracking": (60.0, 180.0, 15.0, 120.0, "longest_idle"),
    "orders": (40.0, 300.0, 30.0, 180.0, "longest_idle"),
    "complaints": (20.0, 480.0, 60.0, 300.0, "highest_skill"),
}

# agent: its queues in its own order, each (queue, level of the queue's skill, tier)
AGENTS: dict[str, tuple[tuple[str, int, int], ...]] = {
    **{f"track{i}": (("tracking", 2 + i % 2, 1), ("orders", 1, 2)) for i in range(1, 5)},
    **{f"order{i}": (("orders", 2 + i % 2, 1), ("tracking", 1, 2)) for i in range(1, 4)},
    "care1": (("complaints", 3, 1), ("orders", 2, 2)),
    "care2": (("complaints", 3, 1), ("orders", 2, 2)),
    "care3": (("complaints", 2, 1), ("tracking", 2, 2)),
    **{
        f"general{i}": (("orders", 2, 1), ("tracking", 1, 2), ("complaints", 1, 2))
        for i in range(1, 4)
    },
}

ARRIVALS_PER_HOUR = sum(q[0] for q in QUEUES.values())
KPIS = ("service_level", "asa_seconds", "abandonment_rate", "occupancy")
QUEUE_KPIS = ("service_level", "asa_seconds", "abandonment_rate")


def hours_for(customers: int) -> float:
    """The simulated time in which ``customers`` arrivals are expected."""
    return customers / ARRIVALS_PER_HOUR


def scenario(customers: int) -> Scenario:
    """The model as a scenario."""
    hours = hours_for(customers)
    return scenario_from_dict(
        {
            "name": "skills-center",
            "date": datetime.date(2026, 1, 5),
            "days": hours / 24,
            "drain_hours": 24,
            "answer_time": ANSWER_TIME,
            "callers": {"vip_share": VIP_SHARE},
            "lines": {
                queue: {
                    "queue": queue,
                    "arrivals": {
                        "kind": "poisson",
                        "interval": hours * 3600,
                        "per_interval": [rate * hours],
                    },
                }
                for queue, (rate, *_) in QUEUES.items()
            },
            "queues": {
                queue: {
                    "handle_time": {"kind": "exponential", "mean": talk},
                    "patience": {"kind": "exponential", "mean": patience},
                }
                for queue, (_, talk, _, patience, _) in QUEUES.items()
            },
            "staff": [{"agents": list(AGENTS), "answer_after": 0}],
            "routing": {
                "queues": [
                    {"id": queue, "skill": queue, "strategy": strategy, "wrap_up": wrap_up}
                    for queue, (_, _, wrap_up, _, strategy) in QUEUES.items()
                ],
                "agents": [
                    {
                        "id": agent,
                        "skills": {queue: level for queue, level, _ in memberships},
                        "queues": [
                            {"queue": queue, "tier": tier} for queue, _, tier in memberships
                        ],
                    }
                    for agent, memberships in AGENTS.items()
                ],
            },
        }
    )


def _kpis(result: SimulationResult) -> dict[str, float]:
    """The KPIs of a run, by the library's definitions: in all, and per queue."""
    options = KpiOptions(answer_time=ANSWER_TIME)
    values: dict[str, float] = {}
    for queue in (None, *QUEUES):
        if queue is None:
            kpis = compute_kpis(result.records, result.intervals, options, repeats=set())
        else:
            records = [r for r in result.records if r.queues[-1] == queue]
            kpis = compute_kpis(records, (), options, repeats=set())
        prefix = "" if queue is None else f"{queue}."
        for name in KPIS if queue is None else QUEUE_KPIS:
            value = getattr(kpis, name)
            values[prefix + name] = math.nan if value is None else float(value)
    return values


def run_callcenter(customers: int, seed: int) -> Run:
    """The library's side: ``simulate`` on the scenario."""
    result = simulate(scenario(customers), seed=seed)
    return Run(len(result.records), lambda: _kpis(result))


# ---------------------------------------------------------------------- the SimPy peer


class _Agent:
    __slots__ = ("busy", "idle_since", "index", "levels", "memberships", "name")

    def __init__(self, name: str, index: int, memberships: tuple[tuple[str, int, int], ...]):
        self.name = name
        self.index = index
        self.memberships = memberships
        self.levels = {queue: level for queue, level, _ in memberships}
        self.idle_since = 0.0
        self.busy = 0.0  # talk and after-call work within the horizon


class _Caller:
    __slots__ = ("answered", "arrived", "gone", "priority", "queue")

    def __init__(self, queue: str, arrived: float, priority: int, answered: Any) -> None:
        self.queue = queue
        self.arrived = arrived
        self.priority = priority
        self.answered = answered  # a SimPy event; its value is the agent
        self.gone = False  # hung up: left lazily in its queue's heap


def run_simpy(customers: int, seed: int) -> Run:
    """The peer: the model in SimPy, with its own agent selection and records."""
    import simpy

    env = simpy.Environment()
    rng = random.Random(seed)
    horizon = hours_for(customers) * 3600
    agents = [_Agent(name, i, m) for i, (name, m) in enumerate(AGENTS.items())]
    # Per queue: its members as (tier, agent), a heap of waiting callers, the free
    # members (agent -> tier).
    members: dict[str, list[tuple[int, _Agent]]] = {q: [] for q in QUEUES}
    for agent in agents:
        for queue, _, tier in agent.memberships:
            members[queue].append((tier, agent))
    waiting: dict[str, list[tuple[int, float, int, _Caller]]] = {q: [] for q in QUEUES}
    free: set[_Agent] = set(agents)
    # Records: (queue, wait before answer or hang-up, answered)
    records: list[tuple[str, float, bool]] = []
    sequence = 0

    def pick_agent(queue: str) -> _Agent | None:
        pool = [(tier, agent) for tier, agent in members[queue] if agent in free]
        if not pool:
            return None
        best_tier = min(tier for tier, _ in pool)
        if QUEUES[queue][4] == "highest_skill":
            _, _, _, agent = min(
                (-a.levels[queue], a.idle_since, a.index, a) for t, a in pool if t == best_tier
            )
        else:
            _, _, agent = min((a.idle_since, a.index, a) for t, a in pool if t == best_tier)
        free.discard(agent)
        return agent

    def head(queue: str) -> _Caller | None:
        heap = waiting[queue]
        while heap and heap[0][3].gone:
            heapq.heappop(heap)
        return heap[0][3] if heap else None

    def agent_free(agent: _Agent) -> None:
        best: _Caller | None = None
        for queue, _, _ in agent.memberships:
            caller = head(queue)
            if caller is not None and (best is None or caller.arrived < best.arrived):
                best = caller
        if best is None:
            agent.idle_since = env.now
            free.add(agent)
            return
        heapq.heappop(waiting[best.queue])
        best.answered.succeed(agent)

    def caller(queue: str, vip: bool) -> Generator[Any, Any, None]:
        nonlocal sequence
        _, talk_mean, wrap_up, patience_mean, _ = QUEUES[queue]
        arrived = env.now
        agent = pick_agent(queue)
        if agent is None:
            me = _Caller(queue, arrived, 1 if vip else 0, env.event())
            sequence += 1
            heapq.heappush(waiting[queue], (-me.priority, arrived, sequence, me))
            patience = env.timeout(rng.expovariate(1 / patience_mean))
            yield me.answered | patience
            if not me.answered.triggered:
                me.gone = True
                records.append((queue, env.now - arrived, False))
                return
            agent = me.answered.value
        answered_at = env.now
        records.append((queue, answered_at - arrived, True))
        yield env.timeout(rng.expovariate(1 / talk_mean) + wrap_up)
        agent.busy += min(env.now, horizon) - min(answered_at, horizon)
        agent_free(agent)

    def arrivals(queue: str, per_hour: float) -> Generator[Any, Any, None]:
        rate = per_hour / 3600
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= horizon:
                return
            env.process(caller(queue, rng.random() < VIP_SHARE))

    for queue, (per_hour, *_) in QUEUES.items():
        env.process(arrivals(queue, per_hour))
    env.run()

    def kpis() -> dict[str, float]:
        values: dict[str, float] = {}
        for queue in (None, *QUEUES):
            mine = [r for r in records if queue is None or r[0] == queue]
            answered = [wait for _, wait, ok in mine if ok]
            prefix = "" if queue is None else f"{queue}."
            values[prefix + "service_level"] = sum(w <= ANSWER_TIME for w in answered) / len(mine)
            values[prefix + "asa_seconds"] = math.fsum(answered) / len(answered)
            values[prefix + "abandonment_rate"] = 1 - len(answered) / len(mine)
        busy = math.fsum(agent.busy for agent in agents)
        values["occupancy"] = busy / (len(agents) * horizon)
        return values

    return Run(len(records), kpis)


RUNNERS: dict[str, Runner] = {"callcenter": run_callcenter, "simpy": run_simpy}


def main() -> int:
    args = parse_args(__doc__, customers=100_000)
    result: dict[str, Any] = header(
        "skills_center", "3 queues, 13 agents with skills, levels and tiers, VIPs", args
    )
    result.update(
        queues={
            q: dict(
                zip(
                    ("per_hour", "mean_talk", "wrap_up", "mean_patience", "strategy"),
                    v,
                    strict=True,
                )
            )
            for q, v in QUEUES.items()
        },
        agents=len(AGENTS),
        vip_share=VIP_SHARE,
        answer_time_seconds=ANSWER_TIME,
    )
    result["kpis"] = compare(result, RUNNERS, "simpy", args)
    if args.json:
        print(json.dumps(result))
    else:
        print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
