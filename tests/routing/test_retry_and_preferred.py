"""Declines and misses keep an agent away for a retry delay; preferred agents come first."""

from __future__ import annotations

from callcenter.routing import (
    AgentDefinition,
    Contact,
    ContactOffered,
    Event,
    Exclusion,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
    Strategy,
)


def engine_with(*agents: str, **queue: object) -> RoutingEngine:
    return RoutingEngine(
        RoutingDefinition(
            queues=(QueueDefinition(id="q", **queue),),  # type: ignore[arg-type]
            agents=tuple(AgentDefinition(id=a, queues=(Membership(queue="q"),)) for a in agents),
        ),
        explain=True,
    )


def offers(events: list[Event]) -> list[tuple[str, str]]:
    return [(e.contact_id, e.agent_id) for e in events if isinstance(e, ContactOffered)]


def test_a_missed_contact_is_offered_again_after_the_retry_delay() -> None:
    engine = engine_with("li", ring_timeout=15, auto_pause_after=1, retry_after=5)
    engine.login("li", now=0.0)
    assert offers(engine.enqueue(Contact(id="c"), "q", now=0.0)) == [("c", "li")]
    engine.advance(15.0)  # rings out; li is paused
    assert engine.contact_phase("c") == "waiting"
    assert engine.explain("c").candidates[0].excluded is Exclusion.DECLINED
    engine.set_ready("li", now=16.0)
    assert engine.next_deadline() == 20.0  # the contact has a deadline: the retry
    assert offers(engine.advance(20.0)) == [("c", "li")]


def test_a_missed_contact_is_offered_again_after_logout_and_login() -> None:
    engine = engine_with("li", ring_timeout=15, auto_pause_after=1)
    engine.login("li", now=0.0)
    engine.enqueue(Contact(id="c"), "q", now=0.0)
    engine.advance(15.0)
    engine.logout("li", now=16.0)
    events = engine.advance(25.0)
    events += engine.login("li", now=30.0)
    assert offers(events) == [("c", "li")]


def test_a_declined_agent_is_skipped_only_for_the_queue_retry_delay() -> None:
    engine = engine_with("li", retry_after=30)
    engine.login("li", now=0.0)
    engine.enqueue(Contact(id="c"), "q", now=0.0)
    assert offers(engine.reject("c", now=1.0)) == []
    verdict = engine.explain("c").candidates[0]
    assert verdict.excluded is Exclusion.DECLINED
    assert "31" in verdict.detail
    assert offers(engine.advance(30.9)) == []
    assert offers(engine.advance(31.0)) == [("c", "li")]


def test_sticky_falls_back_at_once_when_the_preferred_agent_missed() -> None:
    engine = engine_with("wang", "li", ring_timeout=15, auto_pause_after=0)
    engine.login("wang", now=0.0)
    engine.login("li", now=0.0)
    vip = Contact(id="vip", preferred_agents=("wang",), sticky_for=60)
    assert offers(engine.enqueue(vip, "q", now=1.0)) == [("vip", "wang")]
    assert offers(engine.advance(16.0)) == [("vip", "li")]


def test_sticky_falls_back_when_the_preferred_agent_logs_out() -> None:
    engine = engine_with("wang", "li")
    engine.login("wang", now=0.0)
    engine.set_not_ready("wang", "lunch", now=0.0)
    engine.login("li", now=0.0)
    engine.set_not_ready("li", "break", now=0.0)
    engine.enqueue(Contact(id="vip", preferred_agents=("wang",), sticky_for=60), "q", now=1.0)
    engine.set_ready("li", now=2.0)
    assert engine.contact_phase("vip") == "waiting"  # wang may still come back
    assert offers(engine.logout("wang", now=3.0)) == [("vip", "li")]


def test_a_preferred_agent_who_is_no_member_makes_no_sticky_period() -> None:
    engine = RoutingEngine(
        RoutingDefinition(
            queues=(QueueDefinition(id="q"), QueueDefinition(id="other")),
            agents=(
                AgentDefinition(id="wang", queues=(Membership(queue="other"),)),
                AgentDefinition(id="li", queues=(Membership(queue="q"),)),
            ),
        )
    )
    engine.login("wang", now=0.0)
    engine.login("li", now=0.0)
    vip = Contact(id="vip", preferred_agents=("wang",), sticky_for=60)
    assert offers(engine.enqueue(vip, "q", now=1.0)) == [("vip", "li")]


def test_an_available_preferred_agent_comes_first_outside_the_sticky_period() -> None:
    engine = engine_with("li", "wang", strategy=Strategy.FIXED_ORDER)
    engine.login("li", now=0.0)
    engine.login("wang", now=0.0)
    contact = Contact(id="c", preferred_agents=("wang",), sticky_for=0)
    events = engine.enqueue(contact, "q", now=1.0)
    assert offers(events) == [("c", "wang")]
    offered = next(e for e in events if isinstance(e, ContactOffered))
    assert offered.explanation is not None
    assert "preferred" in offered.explanation.reason


def test_the_strategy_decides_when_no_preferred_agent_is_available() -> None:
    engine = engine_with("li", "wang", strategy=Strategy.FIXED_ORDER)
    engine.login("li", now=0.0)
    contact = Contact(id="c", preferred_agents=("wang",))
    assert offers(engine.enqueue(contact, "q", now=1.0)) == [("c", "li")]
