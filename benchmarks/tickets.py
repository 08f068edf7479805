"""Benchmark of callcenter.tickets: transitions per second, and the SLA-due query.

    python benchmarks/tickets.py --json                 # 1,000,000 stored tickets
    python benchmarks/tickets.py --json --tickets 100000

Prints one JSON object per figure group (JSON lines) with --json; progress goes to
standard error. Figures are the best of --repeats runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from callcenter.tickets import (
    BUILTIN_WORKFLOWS,
    COMPLAINT,
    Priority,
    SQLiteTicketStore,
    Ticket,
    TicketDesk,
)

FIELDS = {
    "customer_phone": "13800138000",
    "category": "late delivery",
    "description": "parcel late",
    "region": "Tianjin",
}
# One complaint's life: six transitions after it is opened.
PATH: list[tuple[str, dict[str, Any]]] = [
    ("send_to_qa", {}),
    ("dispatch", {"department": "office-7"}),
    ("escalate", {}),
    ("resolve", {"resolution": "redelivered"}),
    ("feed_back", {"feedback_channel": "sms"}),
    ("close", {}),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def best(repeats: int, run: Callable[[], tuple[int, float]]) -> tuple[int, float]:
    results = [run() for _ in range(repeats)]
    return max(results, key=lambda r: r[0] / r[1])


def bench_memory(complaints: int) -> tuple[int, float]:
    desk = TicketDesk(BUILTIN_WORKFLOWS.values())
    now = 0.0
    start = time.perf_counter()
    transitions = 0
    for _ in range(complaints):
        now += 1.0
        ticket = desk.open("complaint", actor="a1", now=now, fields=FIELDS)
        for trigger, fields in PATH:
            now += 1.0
            desk.fire(ticket.id, trigger, actor="a1", now=now, fields=fields)
            transitions += 1
        desk.take_events()
    return transitions, time.perf_counter() - start


def bench_sqlite(path: Path, complaints: int) -> tuple[int, float]:
    """Each transition: load the ticket, fire, save it (optimistic update), as a host does."""
    path.unlink(missing_ok=True)
    with SQLiteTicketStore(path) as store:
        now = 0.0
        ids = []
        for index in range(complaints):
            now += 1.0
            ticket = COMPLAINT.open(f"C{index}", actor="a1", now=now, fields=FIELDS)
            store.add(ticket)
            ids.append(ticket.id)
        start = time.perf_counter()
        transitions = 0
        for trigger, fields in PATH:
            now += 1.0
            for ticket_id in ids:
                ticket = store.get(ticket_id)
                new = COMPLAINT.fire(ticket, trigger, actor="a1", now=now, fields=fields)
                store.save(new, expected_version=ticket.version)
                transitions += 1
        return transitions, time.perf_counter() - start


def populate(store: SQLiteTicketStore, count: int, span: float, seed: int) -> None:
    """``count`` complaints opened uniformly over ``span`` seconds; a third answered on the spot."""
    rng = random.Random(seed)
    chunk: list[Ticket] = []
    priorities = list(Priority)
    for index in range(count):
        opened = rng.uniform(0.0, span)
        ticket = COMPLAINT.open(
            f"C{index:07d}",
            actor=f"a{index % 50}",
            now=opened,
            fields={**FIELDS, "customer_phone": f"138{index % 100000:08d}"},
            priority=priorities[index % 4],
        )
        if index % 3 == 0:
            ticket = COMPLAINT.fire(
                ticket, "answer_on_spot", actor="a1", now=opened + 60, fields={"resolution": "ok"}
            )
        chunk.append(ticket)
        if len(chunk) == 20_000:
            store.add_many(chunk)
            chunk.clear()
            log(f"  stored {index + 1} tickets")
    store.add_many(chunk)


def bench_query(path: Path, tickets: int, repeats: int) -> dict[str, Any]:
    path.unlink(missing_ok=True)
    span = 30 * 86_400.0
    with SQLiteTicketStore(path) as store:
        start = time.perf_counter()
        populate(store, tickets, span, seed=7)
        fill = time.perf_counter() - start
        nows = [span * k / (repeats + 1) for k in range(1, repeats + 1)]
        timings, counts = [], []
        for now in nows:
            start = time.perf_counter()
            found = store.sla_due_within(now, 3600.0)
            timings.append(time.perf_counter() - start)
            counts.append(len(found))
        count_timings = []
        for now in nows:
            start = time.perf_counter()
            store.count_due_within(now, 3600.0)
            count_timings.append(time.perf_counter() - start)
        size = path.stat().st_size
    return {
        "stored_tickets": tickets,
        "fill_seconds": round(fill, 3),
        "database_bytes": size,
        "due_within_1h_results_mean": sum(counts) / len(counts),
        "seconds_per_due_query": min(timings),
        "seconds_per_due_query_median": sorted(timings)[len(timings) // 2],
        "seconds_per_due_count_query": min(count_timings),
    }


def rows(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    common = {
        "benchmark": "tickets",
        "python": platform.python_version(),
        "machine": platform.platform(),
    }
    log("in-memory desk...")
    bench_memory(200)  # warm-up
    n, seconds = best(args.repeats, lambda: bench_memory(args.complaints))
    yield {
        **common,
        "case": "memory_desk",
        "complaints": args.complaints,
        "transitions": n,
        "transitions_per_second": round(n / seconds),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        log("SQLite (file, WAL)...")
        n, seconds = best(args.repeats, lambda: bench_sqlite(path, args.sqlite_complaints))
        yield {
            **common,
            "case": "sqlite_wal_get_fire_save",
            "complaints": args.sqlite_complaints,
            "transitions": n,
            "transitions_per_second": round(n / seconds),
        }
        log(f"SLA-due query at {args.tickets} tickets...")
        yield {**common, "case": "sqlite_sla_due_within_1h", **bench_query(path, args.tickets, 5)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument(
        "--tickets", type=int, default=1_000_000, help="stored tickets for the query"
    )
    parser.add_argument("--complaints", type=int, default=5_000, help="complaints in memory")
    parser.add_argument("--sqlite-complaints", type=int, default=1_000, help="complaints in SQLite")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for row in rows(args):
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(", ".join(f"{k}={v}" for k, v in row.items() if k not in ("python", "machine")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
