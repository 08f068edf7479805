"""route() with the IVR's queue as a fallback; transfer() to preferred agents; position()."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.errors import (
    IllegalTransitionError,
    InvalidArgumentError,
    NoRouteError,
    UnknownIdError,
)
from callcenter.routing import (
    AgentDefinition,
    AgentState,
    Contact,
    ContactOffered,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
    RoutingRule,
    RuleSet,
    SkillRequirement,
)


def _engine(default: str | None = None) -> RoutingEngine:
    return RoutingEngine(
        RoutingDefinition(
            queues=(QueueDefinition(id="orders"), QueueDefinition(id="vip")),
            agents=(
                AgentDefinition(id="li", queues=(Membership(queue="orders"),)),
                AgentDefinition(id="wang", queues=(Membership(queue="orders"),)),
            ),
            rules=RuleSet(
                rules=(RoutingRule(when={"tier": "VIP"}, queue="vip"),), default_queue=default
            ),
        )
    )


def test_rules_win_over_the_fallback_queue() -> None:
    rules = _engine().definition.rules
    assert rules.decide({"tier": "VIP"}, queue="orders").queue == "vip"
    assert rules.decide({}, queue="orders").queue == "orders"
    with pytest.raises(NoRouteError):
        rules.decide({})


def test_the_fallback_comes_before_the_default_queue() -> None:
    engine = _engine(default="vip")
    engine.route(Contact(id="c1"), 0.0, queue="orders")
    engine.route(Contact(id="c2"), 0.0)
    engine.route(Contact(id="c3", attributes={"tier": "VIP"}), 0.0, queue="orders")
    assert [engine.contact_queue(c) for c in ("c1", "c2", "c3")] == ["orders", "vip", "vip"]


def test_an_agent_transfer_offers_the_named_agent_first_even_in_the_same_queue() -> None:
    engine = _engine()
    engine.login("li", 0.0)
    engine.route(Contact(id="c1"), 1.0, queue="orders")
    engine.accept("c1", 2.0)
    engine.login("wang", 3.0)
    events = engine.transfer("c1", "orders", 4.0, preferred_agents=("wang",))
    offers = [e for e in events if isinstance(e, ContactOffered)]
    assert [(o.contact_id, o.agent_id) for o in offers] == [("c1", "wang")]
    assert engine.agent_state("li") is not AgentState.BUSY


def test_a_waiting_contact_still_needs_another_queue() -> None:
    engine = _engine()
    engine.route(Contact(id="c1"), 1.0, queue="orders")
    with pytest.raises(InvalidArgumentError):
        engine.transfer("c1", "orders", 2.0, preferred_agents=("li",))
    with pytest.raises(InvalidArgumentError):
        engine.transfer("c1", "vip", 2.0, preferred_agents=("nobody",))
    with pytest.raises(InvalidArgumentError):
        engine.transfer("c1", "vip", 2.0, preferred_agents=["li"])  # type: ignore[arg-type]
    assert engine.contact_queue("c1") == "orders"


@given(
    contacts=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=2),
            st.sampled_from([(), ("english",)]),
            st.booleans(),
        ),
        max_size=25,
    )
)
def test_position_is_the_place_in_waiting_order(
    contacts: list[tuple[int, tuple[str, ...], bool]],
) -> None:
    engine = _engine()
    for index, (priority, skills, sticky) in enumerate(contacts):
        contact = Contact(
            id=f"c{index}",
            priority=priority,
            skills=tuple(SkillRequirement(skill=s) for s in skills),
            preferred_agents=("li",) if sticky else (),
            sticky_for=60.0 if sticky else 0.0,
        )
        engine.route(contact, float(index), queue="orders")
    order = engine.waiting("orders")
    assert [engine.position(c) for c in order] == list(range(1, len(order) + 1))


def test_only_a_waiting_contact_has_a_position() -> None:
    engine = _engine()
    engine.login("li", 0.0)
    engine.route(Contact(id="c1"), 1.0, queue="orders")
    with pytest.raises(IllegalTransitionError):
        engine.position("c1")
    with pytest.raises(UnknownIdError):
        engine.position("c9")
