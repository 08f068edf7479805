"""The ACD's own cost per customer in the two simulator models, by record and replay.

For each model (``erlang_a.py`` and ``skills_center.py``), :func:`simulate` runs once
while every call the hotline makes on its :class:`~callcenter.routing.RoutingEngine`
is recorded: the method, its arguments (the :class:`~callcenter.routing.Contact`
objects themselves) and what it returned. Then exactly those calls are replayed on a
fresh engine built from the same definition and seed, and timed (CPU time, best of
``--repeats``). A first, untimed replay must return what the recording saw, call
for call (the events compare equal, in order); the script stops with an error
otherwise. The timed replays let each call's result go, as the hotline does once
it has turned the events into outputs.

Reported per model: microseconds of routing engine per customer (the replay's time
divided by the customers the simulation recorded), the calls and events per
customer, and the cost of building the contacts the hotline built (each
``Contact`` constructed again from its fields, timed apart: the replay reuses the
recorded objects). Before each timed run the objects alive (the recording's) are
moved out of the garbage collector's sight (``gc.freeze``): collections then cost
what the engine's own allocations cause, as in a process holding nothing else.

    .venv/bin/python benchmarks/acd_replay.py --json
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import attrs
import erlang_a
import skills_center

from callcenter.routing import Contact, RoutingEngine
from callcenter.simulation import Scenario, simulate

# Every public method of the engine; only the outermost call is recorded (route
# calls enqueue).
METHODS = (
    "route",
    "enqueue",
    "accept",
    "reject",
    "complete",
    "abandon",
    "remove",
    "transfer",
    "set_priority",
    "login",
    "logout",
    "set_not_ready",
    "set_ready",
    "end_wrap_up",
    "advance",
    "next_deadline",
    "agent_state",
    "contact_phase",
    "contact_queue",
    "position",
    "waiting",
    "snapshot",
    "explain",
)

Call = tuple[str, tuple[Any, ...], dict[str, Any], Any]


@attrs.define
class Recording:
    """One simulation's engine: how it was built and every call made on it."""

    definition: Any = None
    seed: int = 0
    calls: list[Call] = attrs.field(factory=list)
    customers: int = 0


def record(scenario: Scenario, seed: int) -> Recording:
    """Run ``simulate`` once, recording every call made on its routing engine."""
    recording = Recording()
    depth = [0]
    originals: dict[str, Callable[..., Any]] = {}
    engines: list[RoutingEngine] = []

    init = RoutingEngine.__init__

    def recording_init(self: RoutingEngine, definition: Any, **kwargs: Any) -> None:
        init(self, definition, **kwargs)
        engines.append(self)
        recording.definition = definition
        recording.seed = kwargs.get("seed", 0)

    def wrap(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def recorded(self: RoutingEngine, *args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            try:
                result = method(self, *args, **kwargs)
            finally:
                depth[0] -= 1
            if depth[0] == 0:
                recording.calls.append((name, args, kwargs, result))
            return result

        return recorded

    for name in METHODS:
        originals[name] = getattr(RoutingEngine, name)
        setattr(RoutingEngine, name, wrap(name, originals[name]))
    RoutingEngine.__init__ = recording_init  # type: ignore[method-assign]
    try:
        result = simulate(scenario, seed=seed)
    finally:
        RoutingEngine.__init__ = init  # type: ignore[method-assign]
        for name, method in originals.items():
            setattr(RoutingEngine, name, method)
    if len(engines) != 1:
        raise SystemExit(f"expected one routing engine in the simulation, got {len(engines)}")
    recording.customers = len(result.records)
    return recording


def replay(recording: Recording, *, keep: bool = False) -> tuple[float, list[Any]]:
    """Replay the recorded calls on a fresh engine: CPU seconds, and the results if
    ``keep`` (else ``[]``: like the hotline, the replay lets each call's events go
    once it has them, as keeping them all would cost collections of its own)."""
    engine = RoutingEngine(recording.definition, seed=recording.seed)
    bound = [(getattr(engine, name), args, kwargs) for name, args, kwargs, _ in recording.calls]
    results: list[Any] = []
    # The recording's million objects would make every full collection slow: only
    # what the replay itself allocates may cost collections.
    gc.collect()
    gc.freeze()
    try:
        if keep:
            append = results.append
            start = time.process_time()
            for method, args, kwargs in bound:
                append(method(*args, **kwargs))
        else:
            start = time.process_time()
            for method, args, kwargs in bound:
                method(*args, **kwargs)
        elapsed = time.process_time() - start
    finally:
        gc.unfreeze()
    return elapsed, results


def contacts_of(recording: Recording) -> list[Contact]:
    """The contacts the hotline built, in order."""
    return [
        args[0] for name, args, _, _ in recording.calls if name in ("route", "enqueue") and args
    ]


def build_contacts(contacts: list[Contact]) -> float:
    """CPU seconds to construct every contact again from its fields."""
    fields = [{f.name: getattr(c, f.name) for f in attrs.fields(Contact)} for c in contacts]
    start = time.process_time()
    for kwargs in fields:
        Contact(**kwargs)
    return time.process_time() - start


def check(recording: Recording, results: list[Any]) -> None:
    """The replay returned what the recording saw, call for call."""
    if len(results) != len(recording.calls):
        raise SystemExit("the replay made a different number of calls")
    pairs = zip(recording.calls, results, strict=True)
    for index, ((name, _, _, expected), got) in enumerate(pairs):
        if got != expected:
            raise SystemExit(f"call {index} ({name}) returned {got!r}, recorded {expected!r}")


def measure(name: str, scenario: Scenario, seed: int, repeats: int) -> dict[str, Any]:
    """Record one model, check a replay, then time the best of ``repeats`` replays."""
    recording = record(scenario, seed)
    _, results = replay(recording, keep=True)
    check(recording, results)
    del results
    best = min(replay(recording)[0] for _ in range(repeats))
    contacts = contacts_of(recording)
    build = min(build_contacts(contacts) for _ in range(repeats))
    customers = recording.customers
    events = sum(len(r) for _, _, _, r in recording.calls if isinstance(r, list))
    counts: dict[str, int] = {}
    for call in recording.calls:
        counts[call[0]] = counts.get(call[0], 0) + 1
    return {
        "model": name,
        "customers": customers,
        "us_per_customer": round(best / customers * 1e6, 2),
        "contact_build_us_per_customer": round(build / customers * 1e6, 2),
        "calls_per_customer": round(len(recording.calls) / customers, 2),
        "events_per_customer": round(events / customers, 2),
        "calls": counts,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    for name, module in (("erlang_a", erlang_a), ("skills_center", skills_center)):
        figures = measure(name, module.scenario(args.customers), args.seed, args.repeats)
        row = {
            "benchmark": "acd_replay",
            "python": platform.python_version(),
            "machine": platform.platform(),
            "seed": args.seed,
            "repeats": args.repeats,
            **figures,
        }
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(
                f"{name}: {figures['us_per_customer']} us/customer in the ACD "
                f"({figures['calls_per_customer']} calls, {figures['events_per_customer']} "
                f"events per customer; building contacts "
                f"{figures['contact_build_us_per_customer']} us/customer)",
                file=sys.stdout,
            )


if __name__ == "__main__":
    main()
