"""Declines and misses keep an agent away for a retry delay; preferred agents come first."""

from __future__ import annotations

from callcenter.routing import (
    AgentDefinition,
    Contact,
    ContactOffered,
    Exclusion,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
    RoutingEvent,
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


def offers(events: list[RoutingEvent]) -> list[tuple[str, str]]:
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


# ---------------------------------------------------------------------------- counts


def two_queue_engine(counts_per_queue: bool, strategy: Strategy) -> RoutingEngine:
    return RoutingEngine(
        RoutingDefinition(
            queues=(
                QueueDefinition(id="sales"),
                QueueDefinition(id="care", strategy=strategy, counts_per_queue=counts_per_queue),
            ),
            agents=(
                AgentDefinition(
                    id="li", queues=(Membership(queue="sales"), Membership(queue="care"))
                ),
                AgentDefinition(id="wang", queues=(Membership(queue="care"),)),
            ),
        )
    )


def busy_in_sales(engine: RoutingEngine) -> None:
    """li answers two sales calls (40 s each); wang one care call (10 s)."""
    engine.login("li", now=0.0)
    engine.login("wang", now=0.0, ready=False)
    for n in (1, 2):
        engine.enqueue(Contact(id=f"s{n}"), "sales", now=float(n * 100))
        engine.accept(f"s{n}", now=float(n * 100))
        engine.complete(f"s{n}", now=float(n * 100 + 40))
    engine.set_not_ready("li", "break", now=300.0)
    engine.set_ready("wang", now=300.0)
    engine.enqueue(Contact(id="c0"), "care", now=301.0)
    engine.accept("c0", now=301.0)
    engine.complete("c0", now=311.0)
    engine.set_ready("li", now=320.0)


def test_fewest_handled_counts_per_queue_when_asked() -> None:
    for per_queue, expected in ((False, "wang"), (True, "li")):
        engine = two_queue_engine(per_queue, Strategy.FEWEST_HANDLED)
        busy_in_sales(engine)
        assert offers(engine.enqueue(Contact(id="c1"), "care", now=330.0)) == [("c1", expected)]


def test_least_talk_time_counts_per_queue_when_asked() -> None:
    for per_queue, expected in ((False, "wang"), (True, "li")):
        engine = two_queue_engine(per_queue, Strategy.LEAST_TALK_TIME)
        busy_in_sales(engine)
        assert offers(engine.enqueue(Contact(id="c1"), "care", now=330.0)) == [("c1", expected)]


# ---------------------------------------------------------------------------- reasons


def test_a_change_of_not_ready_reason_is_an_event() -> None:
    from callcenter.routing import AgentState, AgentStateChanged

    engine = engine_with("li")
    engine.login("li", now=0.0)
    engine.set_not_ready("li", "break", now=10.0)
    (event,) = engine.set_not_ready("li", "lunch", now=25.0)
    assert isinstance(event, AgentStateChanged)
    assert (event.old, event.new, event.reason, event.since) == (
        AgentState.NOT_READY,
        AgentState.NOT_READY,
        "lunch",
        10.0,
    )
    assert engine.set_not_ready("li", "lunch", now=30.0) == []


# ---------------------------------------------------------------------------- wrap-up


def test_wrap_up_holds_only_the_channel_it_follows() -> None:
    from callcenter.routing import AgentState, Channel

    engine = RoutingEngine(
        RoutingDefinition(
            queues=(QueueDefinition(id="mail", wrap_up=60), QueueDefinition(id="phone")),
            agents=(
                AgentDefinition(
                    id="li",
                    queues=(Membership(queue="mail"), Membership(queue="phone")),
                    capacity={Channel.VOICE: 1, Channel.EMAIL: 1, Channel.CHAT: 1},
                ),
            ),
        ),
        explain=True,
    )
    engine.login("li", now=0.0)
    engine.enqueue(Contact(id="m1", channel=Channel.EMAIL), "mail", now=0.0)
    engine.accept("m1", now=0.0)
    engine.complete("m1", now=10.0)
    assert engine.agent_state("li") is AgentState.WRAP_UP
    # Another e-mail waits for the wrap-up; a call does not.
    assert offers(engine.enqueue(Contact(id="m2", channel=Channel.EMAIL), "mail", now=11.0)) == []
    verdict = engine.explain("m2").candidates[0]
    assert verdict.excluded is Exclusion.WRAP_UP
    assert offers(engine.enqueue(Contact(id="v1"), "phone", now=12.0)) == [("v1", "li")]
    engine.accept("v1", now=13.0)
    engine.complete("v1", now=20.0)
    assert offers(engine.advance(70.0)) == [("m2", "li")]


def test_explain_names_the_ringing_agent_as_chosen_and_eligible() -> None:
    engine = engine_with("li", "wang")
    engine.login("li", now=0.0)
    engine.enqueue(Contact(id="c"), "q", now=1.0)
    explanation = engine.explain("c")
    assert explanation.chosen == "li"
    verdict = next(c for c in explanation.candidates if c.agent_id == "li")
    assert verdict.excluded is None


def test_a_deadline_that_passed_while_nobody_advanced_is_due_now() -> None:
    """The maximum wait passed while the contact rang; declined later, it overflows then."""
    from callcenter.routing import ContactOverflowed, Overflow, OverflowKind

    engine = RoutingEngine(
        RoutingDefinition(
            queues=(
                QueueDefinition(
                    id="q",
                    ring_timeout=15.0,
                    max_wait=240.0,
                    overflow=Overflow(kind=OverflowKind.VOICEMAIL),
                ),
            ),
            agents=(AgentDefinition(id="a", queues=(Membership(queue="q"),)),),
        )
    )
    engine.login("a", 0.0)
    engine.enqueue(Contact(id="c"), "q", 0.0)  # rings at once
    engine.reject("c", 250.0)  # the host never advanced the engine in between
    due = engine.next_deadline()
    assert due == 250.0  # not 240.0: the engine is already at 250
    events = engine.advance(due)
    [overflow] = [e for e in events if isinstance(e, ContactOverflowed)]
    assert (overflow.contact_id, overflow.kind, overflow.at) == ("c", OverflowKind.VOICEMAIL, 250.0)
