"""Random hostile call sequences against the routing engine.

Every public call is driven with a mix of sound and hostile arguments: unknown,
duplicate and wrongly typed ids, calls in the wrong state, NaN, infinite,
millisecond, huge and backward times, wrong types for every argument. The only
exceptions allowed are the library's own (:class:`CallCenterError`), and after each
refusal everything the engine shows (snapshot, queues in order, each contact's phase,
queue and explanation, the next deadline, the clock) is exactly what it was before.

The number of examples follows the active Hypothesis profile (short in ``ci``, long
under ``thorough``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import CallCenterError
from callcenter.routing import Channel, RoutingDefinition, RoutingEngine
from callcenter.testing import contacts, routing_definitions

CONTACT_IDS = ("c1", "c2", "c3", "c4")
JUNK: tuple[Any, ...] = (None, 5, 1.5, True, ["c1"], {"id": "c1"}, b"c1", "", "x" * 400)

# A time is drawn as a recipe, turned into a number against the engine's clock.
TIMES = st.one_of(
    st.tuples(st.just("forward"), st.integers(0, 30)),
    st.tuples(st.just("forward"), st.integers(0, 30)),
    st.tuples(st.just("forward"), st.integers(0, 30)),
    st.tuples(
        st.just("fixed"),
        st.sampled_from(
            (math.nan, math.inf, -math.inf, 1.79e12, -1.0, 1e300, -1e300, "10", None, True)
        ),
    ),
    st.tuples(st.just("backward"), st.integers(1, 30)),
)


def resolve(engine: RoutingEngine, recipe: tuple[str, Any]) -> Any:
    kind, value = recipe
    now = engine.now if engine.now is not None else 0.0
    if kind == "forward":
        return now + value
    if kind == "backward":
        return now - value
    return value


def observe(engine: RoutingEngine, definition: RoutingDefinition) -> Any:
    """Everything the engine shows through its public calls."""
    now = engine.now if engine.now is not None else 0.0
    known: dict[str, Any] = {}
    for cid in CONTACT_IDS:
        try:
            known[cid] = (
                engine.contact_phase(cid),
                engine.contact_queue(cid),
                engine.explain(cid),
            )
        except CallCenterError:
            known[cid] = None
    return (
        engine.now,
        engine.snapshot(now),
        {q.id: engine.waiting(q.id) for q in definition.queues},
        {a.id: engine.agent_state(a.id) for a in definition.agents},
        engine.next_deadline(),
        known,
    )


@st.composite
def calls(draw: st.DrawFn, definition: RoutingDefinition) -> tuple[str, Callable[..., Any]]:
    """One call, as a name and a function of the engine."""
    agent_ids = [a.id for a in definition.agents]
    queue_ids = [q.id for q in definition.queues]
    cid = draw(st.sampled_from(CONTACT_IDS) | st.sampled_from(JUNK) | st.just("nobody"))
    aid = draw(st.sampled_from(agent_ids) | st.sampled_from(JUNK) | st.just("nobody"))
    queue = draw(st.sampled_from(queue_ids) | st.sampled_from(JUNK))
    when = draw(TIMES)
    contact: Any = draw(
        contacts(
            ids=st.sampled_from(CONTACT_IDS),
            agent_ids=agent_ids,
            channels=(Channel.VOICE, Channel.CHAT, Channel.CALLBACK),
        )
        | st.sampled_from(JUNK)
    )
    since = draw(st.none() | TIMES)
    priority: Any = draw(st.integers(-3, 3) | st.sampled_from((10**400, math.nan, 1.5, "1", True)))
    reason: Any = draw(st.sampled_from(("break", "", None, 3, "r" * 1000)))
    ready: Any = draw(st.sampled_from((True, False, "no", None)))
    name = draw(
        st.sampled_from(
            (
                "enqueue",
                "route",
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
                "snapshot",
                "explain",
            )
        )
    )

    def call(e: RoutingEngine) -> Any:
        t = resolve(e, when)
        if name == "enqueue":
            return e.enqueue(contact, queue, t, since=None if since is None else resolve(e, since))
        if name == "route":
            return e.route(contact, t)
        if name in ("accept", "reject", "complete", "abandon", "remove"):
            return getattr(e, name)(cid, t)
        if name == "transfer":
            return e.transfer(cid, queue, t)
        if name == "set_priority":
            return e.set_priority(cid, priority, t)
        if name == "login":
            return e.login(aid, t, ready=ready)
        if name in ("logout", "set_ready", "end_wrap_up"):
            return getattr(e, name)(aid, t)
        if name == "set_not_ready":
            return e.set_not_ready(aid, reason, t)
        if name == "advance":
            return e.advance(t)
        if name == "snapshot":
            return e.snapshot(t)
        return e.explain(cid)

    return name, call


@settings(deadline=None)
@given(definition=routing_definitions(), data=st.data())
def test_hostile_calls_leave_the_engine_as_it_was(
    definition: RoutingDefinition, data: st.DataObject
) -> None:
    engine = RoutingEngine(definition, seed=1, explain=True)
    for _ in range(data.draw(st.integers(1, 40), label="length")):
        name, call = data.draw(calls(definition))
        before = observe(engine, definition)
        try:
            call(engine)
        except CallCenterError:
            assert observe(engine, definition) == before, f"{name} refused but changed the engine"
        else:
            if name in ("snapshot", "explain"):
                assert observe(engine, definition) == before, f"{name} changed the engine"
