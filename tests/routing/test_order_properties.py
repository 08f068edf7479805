"""Properties of queue order, checked against an exact-arithmetic oracle."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.routing import (
    Contact,
    ContactOffered,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
)
from callcenter.testing import agent_definitions

arrival = st.tuples(
    st.integers(0, 3),  # priority
    st.sampled_from([0, 0, 5, 30]),  # age bonus
    st.integers(0, 20),  # gap since the previous arrival
    st.booleans(),  # rejoin: keep an earlier original time
)


@settings(max_examples=150)
@given(st.lists(arrival, max_size=25), st.sampled_from(["0", "1/4", "1/2", "2"]))
def test_waiting_order_is_aged_priority_then_virtual_start_then_arrival(
    arrivals: list[tuple[int, int, int, bool]], rate_text: str
) -> None:
    rate = Fraction(rate_text)
    engine = RoutingEngine(
        RoutingDefinition(queues=(QueueDefinition(id="q", aging_rate=float(rate)),))
    )
    now = 0
    expected: list[tuple[Fraction, int, int, str]] = []
    for index, (priority, bonus, gap, rejoin) in enumerate(arrivals):
        now += gap
        since = max(0, now - 40) if rejoin else now
        cid = f"c{index}"
        engine.enqueue(
            Contact(id=cid, priority=priority, age_bonus=float(bonus)), "q", now, since=since
        )
        vstart = since - bonus
        # Served first: highest priority + rate * (t - vstart) at any common t.
        expected.append((rate * vstart - priority, vstart, index, cid))
    assert engine.waiting("q") == [cid for *_, cid in sorted(expected)]


@settings(max_examples=100)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10)), min_size=1, max_size=15),
    st.data(),
)
def test_a_freed_agent_always_takes_the_head(
    arrivals: list[tuple[int, int]], data: st.DataObject
) -> None:
    agent = data.draw(agent_definitions("a", queues=["q"]))
    engine = RoutingEngine(RoutingDefinition(queues=(QueueDefinition(id="q"),), agents=(agent,)))
    now = 0
    for index, (priority, gap) in enumerate(arrivals):
        now += gap
        engine.enqueue(Contact(id=f"c{index}", priority=priority), "q", now)
    head = engine.waiting("q")[0]
    events = engine.login("a", now)
    offered = [e.contact_id for e in events if isinstance(e, ContactOffered)]
    if offered:
        assert offered[0] == head
    else:
        # Only possible when the agent has no voice capacity.
        assert agent.capacity.get(Contact(id="x").channel, 0) == 0
