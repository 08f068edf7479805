"""Routing throughput and memory: routing events per second with many contacts waiting.

A *routing event* is one arrival (``enqueue``) or one agent becoming free
(``complete`` of its current contact), each with the engine's full decision; for a
freed agent that decision is an offer of the best waiting contact. The script then
accepts every offer (the host's answer); ``events_per_second`` leaves those
``accept`` calls out, ``events_per_second_with_accept`` counts them in. Arrivals and
completions alternate, so the number of waiting contacts stays at ``--waiting``.

Set-up: ``--queues`` queues, ``--agents`` agents each a member of
``--queues-per-agent`` queues, all logged in and busy, and ``--waiting`` contacts
spread over the queues.

``--preferred-share F`` gives that share of the contacts (waiting and arriving) a
distinct pair of preferred agents among their queue's members, sticky for the whole
run ("last agent" routing): each such contact is a lane of its own, and a freed
agent must find the best of the contacts that prefer it as well as the queue heads.

    python benchmarks/routing_throughput.py --waiting 10000 --preferred-share 0.5 --json

Timing is wall-clock (``perf_counter``, best of ``--repeat``); the process's own
CPU time (``process_time``) is reported too, as it is less disturbed by other work
on a shared machine. Memory is the ``tracemalloc`` growth while the waiting
contacts are created and enqueued (ids included, attributes shared and so
excluded), divided by their number.

    python benchmarks/routing_throughput.py --waiting 100000 --agents 1000 --queues 20 --json
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import sys
import time
import tracemalloc
from typing import Any

from callcenter.routing import (
    AgentDefinition,
    Contact,
    ContactOffered,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
)

EMPTY: dict[str, Any] = {}
BATCH = 400


def build(queues: int, agents: int, per_agent: int) -> RoutingEngine:
    queue_defs = tuple(
        QueueDefinition(id=f"q{i}", skill=f"s{i}", ring_timeout=20.0) for i in range(queues)
    )
    agent_defs = []
    for i in range(agents):
        member_of = sorted({(i + k * 7) % queues for k in range(per_agent)})
        agent_defs.append(
            AgentDefinition(
                id=f"a{i}",
                skills={f"s{q}": 3 for q in member_of},
                queues=tuple(Membership(queue=f"q{q}") for q in member_of),
            )
        )
    return RoutingEngine(RoutingDefinition(queues=queue_defs, agents=tuple(agent_defs)))


class Driver:
    def __init__(
        self, engine: RoutingEngine, queues: int, agents: int, preferred_share: float = 0.0
    ) -> None:
        self.engine = engine
        self.queue_names = [f"q{i}" for i in range(queues)]
        self.agent_names = [f"a{i}" for i in range(agents)]
        self.members: dict[str, list[str]] = {name: [] for name in self.queue_names}
        for agent in engine.definition.agents:
            for membership in agent.queues:
                self.members[membership.queue].append(agent.id)
        self.preferred_share = preferred_share
        self.active: dict[str, str] = {}
        self.next_id = 0
        self.now = 0.0

    def new_contact(self, queue: str = "") -> Contact:
        self.next_id += 1
        n = self.next_id
        # Every 1/share-th contact prefers two of its queue's members: a pair drawn
        # by a fixed walk, so that the pairs are (almost all) distinct.
        share = self.preferred_share
        if share and queue and int(n * share) != int((n - 1) * share):
            members = self.members[queue]
            first = (n * 7919) % len(members)
            second = (first + 1 + (n // len(members)) % (len(members) - 1)) % len(members)
            return Contact(
                id=f"c{n}",
                attributes=EMPTY,
                context=EMPTY,
                preferred_agents=(members[first], members[second]),
                sticky_for=1e9,
            )
        return Contact(id=f"c{n}", attributes=EMPTY, context=EMPTY)

    def accept_offers(self, events: list[Any]) -> None:
        for event in events:
            if type(event) is ContactOffered:
                self.engine.accept(event.contact_id, self.now)
                self.active[event.agent_id] = event.contact_id

    def staff(self) -> None:
        for name in self.agent_names:
            self.engine.login(name, self.now)
        # Keep arriving until every agent is busy.
        q = 0
        while len(self.active) < len(self.agent_names):
            events = self.engine.enqueue(self.new_contact(), self.queue_names[q], self.now)
            self.accept_offers(events)
            q = (q + 1) % len(self.queue_names)

    def fill(self, waiting: int) -> None:
        names = self.queue_names
        enqueue = self.engine.enqueue
        new_contact = self.new_contact
        nq = len(names)
        for i in range(waiting):
            name = names[i % nq]
            enqueue(new_contact(name), name, self.now)

    def run(self, events: int) -> tuple[float, float, float]:
        """Time ``events`` routing events; returns (wall, cpu, wall spent accepting).

        Work goes in batches of ``BATCH`` arrival/free pairs. Before a batch's timer
        starts, the host's side of it is prepared: the new contacts are built (a
        ``Contact`` is the host's description of an arrival, not the engine's work),
        and the agents to free and the times are chosen. Inside a batch only
        ``enqueue`` and ``complete`` (each with the engine's decision) are timed; the
        offers they made are accepted after the batch, timed separately, so that the
        figures can be given with and without the host's ``accept`` calls. An agent
        is freed at most once per batch (agents are visited with a stride coprime
        with their number), so none is freed while its offer still rings.
        """
        engine = self.engine
        enqueue = engine.enqueue
        complete = engine.complete
        names = self.queue_names
        agents = self.agent_names
        nq = len(names)
        na = len(agents)
        active = self.active
        batch = min(BATCH, na // 2)
        wall = cpu = accepting = 0.0
        done = 0
        i = 0
        while done < events // 2:
            size = min(batch, events // 2 - done)
            queues = [names[(i + k) % nq] for k in range(size)]
            contacts = [self.new_contact(queue) for queue in queues]
            freed = [active.pop(agents[((i + k) * 7919) % na]) for k in range(size)]
            times = [self.now + 0.001 * (k + 1) for k in range(size)]
            self.now = times[-1]
            offers: list[ContactOffered] = []
            record = offers.append
            start = time.perf_counter()
            cpu_start = time.process_time()
            for contact, queue, contact_id, now in zip(contacts, queues, freed, times, strict=True):
                enqueue(contact, queue, now)
                # The host keeps the offers to answer; the other events die at once
                # (holding them all would only feed the cyclic garbage collector).
                for event in complete(contact_id, now):
                    if type(event) is ContactOffered:
                        record(event)
            wall += time.perf_counter() - start
            cpu += time.process_time() - cpu_start
            i += size
            start = time.perf_counter()
            for offer in offers:
                engine.accept(offer.contact_id, self.now)
                active[offer.agent_id] = offer.contact_id
            accepting += time.perf_counter() - start
            done += size
        return wall, cpu, accepting


def measure_memory(args: argparse.Namespace) -> float:
    engine = build(args.queues, args.agents, args.queues_per_agent)
    driver = Driver(engine, args.queues, args.agents, args.preferred_share)
    driver.staff()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    driver.fill(args.waiting)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return float((after - before) / args.waiting)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--waiting", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=1_000)
    parser.add_argument("--queues", type=int, default=20)
    parser.add_argument("--queues-per-agent", type=int, default=3)
    parser.add_argument("--events", type=int, default=200_000, help="timed events per repeat")
    parser.add_argument(
        "--preferred-share",
        type=float,
        default=0.0,
        help="share of contacts with a distinct pair of sticky preferred agents (0 to 1)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="move the filled state out of the cyclic GC's reach (gc.freeze) before timing",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    bytes_per = None if args.no_memory else measure_memory(args)
    engine = build(args.queues, args.agents, args.queues_per_agent)
    driver = Driver(engine, args.queues, args.agents, args.preferred_share)
    driver.staff()
    print(f"filling {args.waiting} waiting contacts...", file=sys.stderr)
    driver.fill(args.waiting)
    gc.collect()
    if args.gc_freeze:
        gc.freeze()
    driver.run(max(2, args.events // 10))  # warm-up
    runs = [driver.run(args.events) for _ in range(args.repeat)]
    best = min(wall for wall, _, _ in runs)
    best_cpu = min(cpu for _, cpu, _ in runs)
    best_with_accept = min(wall + accepting for wall, _, accepting in runs)
    waiting_after = sum(q.waiting for q in engine.snapshot(driver.now).queues)
    result = {
        "benchmark": "routing_throughput",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "waiting": args.waiting,
        "waiting_at_end": waiting_after,
        "agents": args.agents,
        "queues": args.queues,
        "queues_per_agent": args.queues_per_agent,
        "preferred_share": args.preferred_share,
        "events": args.events,
        "repeat": args.repeat,
        "gc_freeze": args.gc_freeze,
        "events_per_second": round(args.events / best),
        "microseconds_per_event": round(best / args.events * 1e6, 3),
        "events_per_cpu_second": round(args.events / best_cpu),
        "cpu_microseconds_per_event": round(best_cpu / args.events * 1e6, 3),
        "events_per_second_with_accept": round(args.events / best_with_accept),
        "bytes_per_waiting_contact": None if bytes_per is None else round(bytes_per, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
