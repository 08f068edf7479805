"""The example definition with nasty numbers: it is refused, or it runs.

Any number of the project's example routing definition (with every numeric setting
written out) is replaced by NaN, an infinity, a huge, negative or millisecond-sized
value, or a value of the wrong type. Either the loader refuses the document (a
``DefinitionError``, which is what ``route check`` reports), or the definition
drives an engine through an hour of calls, offers, answers and timers without any
error: what ``route check`` passes, runs.
"""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import DefinitionError
from callcenter.routing import (
    Contact,
    ContactOffered,
    ContactQueued,
    RoutingDefinition,
    RoutingEngine,
    load_definition,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "routing" / "hotline.toml"

NASTY: tuple[Any, ...] = (
    math.nan,
    math.inf,
    -math.inf,
    10**400,
    -(10**400),
    -1,
    -30.5,
    0,
    1e300,
    1.79e12,
    0.5,
    "10",
    None,
    True,
    [1],
    {"a": 1},
)


def base_document() -> dict[str, Any]:
    """The example, with every numeric setting written out."""
    doc = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for queue in doc["queues"]:
        queue.setdefault("min_level", 1)
        queue.setdefault("aging_rate", 0.5)
        queue.setdefault("weight", 1.0)
        queue.setdefault("capacity", 50)
        queue.setdefault("ring_timeout", 15)
        queue.setdefault("wrap_up", 5)
        queue.setdefault("auto_pause_after", 2)
        queue.setdefault("retry_after", 5)
    for agent in doc["agents"]:
        agent.setdefault("wrap_up", 3)
        for membership in agent["queues"]:
            membership.setdefault("weight", 1.0)
    doc["rules"]["rules"][0]["age_bonus"] = 10
    return doc


def numeric_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in numeric_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in numeric_paths(item, (*path, i))]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [path]
    return []


PATHS = numeric_paths(base_document())


def run_an_hour(definition: RoutingDefinition) -> None:
    """Calls arrive, agents answer and hang up; every timer fires. No error may come."""
    engine = RoutingEngine(definition, explain=True)
    for agent in definition.agents:
        engine.login(agent.id, 0.0)
    now = 0.0
    active: list[tuple[float, str]] = []
    for n in range(120):
        now += 30.0
        while (deadline := engine.next_deadline()) is not None and deadline <= now:
            events = engine.advance(deadline)
            for e in events:
                if isinstance(e, ContactOffered) and n % 3:
                    engine.accept(e.contact_id, deadline)
                    active.append((deadline + 45.0, e.contact_id))
        for end, cid in [item for item in active if item[0] <= now]:
            active.remove((end, cid))
            engine.complete(cid, now)
        attributes = {"tier": "VIP"} if n % 4 == 0 else {}
        events = engine.route(Contact(id=f"c{n}", attributes=attributes), now)
        assert isinstance(events[0], ContactQueued) or len(events) == 1
        engine.snapshot(now)


@settings(deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(NASTY)), min_size=1, max_size=3
    )
)
def test_a_definition_with_nasty_numbers_is_refused_or_runs(
    changes: list[tuple[tuple[Any, ...], Any]],
) -> None:
    doc = copy.deepcopy(base_document())
    for path, value in changes:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    try:
        definition = load_definition(doc)
    except DefinitionError as error:
        problems = error.problems
    else:
        run_an_hour(definition)
        return
    assert all(p.path for p in problems)  # each problem says where it is
