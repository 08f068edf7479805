"""Unit tests of the routing engine, one behaviour each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pytest

from callcenter.errors import (
    DefinitionError,
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
    UnknownIdError,
)
from callcenter.routing import (
    AgentDefinition,
    AgentState,
    AgentStateChanged,
    Channel,
    Contact,
    ContactAnswered,
    ContactCompleted,
    ContactEscalated,
    ContactLeft,
    ContactOfferDeclined,
    ContactOffered,
    ContactOverflowed,
    ContactQueued,
    ContactRefused,
    ContactTransferred,
    CrossQueuePolicy,
    DeclineReason,
    EscalationStep,
    Exclusion,
    LeaveReason,
    Membership,
    Overflow,
    OverflowKind,
    QueueDefinition,
    RefusalReason,
    RoutingDefinition,
    RoutingEngine,
    RoutingEvent,
    RoutingRule,
    RuleSet,
    SkillRequirement,
    Strategy,
    load_definition,
)


def agent(
    agent_id: str,
    queues: Sequence[str | tuple[str, int]] = ("q",),
    skills: dict[str, int] | None = None,
    **kwargs: Any,
) -> AgentDefinition:
    members = tuple(
        Membership(queue=q) if isinstance(q, str) else Membership(queue=q[0], tier=q[1])
        for q in queues
    )
    return AgentDefinition(id=agent_id, queues=members, skills=skills or {}, **kwargs)


def engine(
    queues: Sequence[QueueDefinition] = (QueueDefinition(id="q"),),
    agents: Sequence[AgentDefinition] = (),
    **kwargs: Any,
) -> RoutingEngine:
    return RoutingEngine(
        RoutingDefinition(queues=tuple(queues), agents=tuple(agents), **kwargs), explain=True
    )


def offers(events: Sequence[RoutingEvent]) -> list[tuple[str, str]]:
    return [(e.contact_id, e.agent_id) for e in events if isinstance(e, ContactOffered)]


# ---------------------------------------------------------------------------- queue order


def test_priority_class_first_then_fifo() -> None:
    e = engine()
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2", priority=1), "q", 1)
    e.enqueue(Contact(id="c3"), "q", 2)
    e.enqueue(Contact(id="c4", priority=1), "q", 3)
    assert e.waiting("q") == ["c2", "c4", "c1", "c3"]


def test_age_bonus_moves_a_contact_ahead_by_seconds() -> None:
    e = engine()
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2"), "q", 10)
    e.enqueue(Contact(id="repeat", age_bonus=15), "q", 20)
    assert e.waiting("q") == ["c1", "repeat", "c2"]


def test_linear_aging_lets_old_low_priority_contacts_overtake() -> None:
    e = engine([QueueDefinition(id="q", aging_rate=0.5)])
    e.enqueue(Contact(id="old"), "q", 0)
    e.enqueue(Contact(id="vip_soon", priority=1), "q", 1)  # 1 + 0.5*(t-1) > 0.5*t
    e.enqueue(Contact(id="vip_late", priority=1), "q", 10)  # 1 + 0.5*(t-10) < 0.5*t
    assert e.waiting("q") == ["vip_soon", "old", "vip_late"]


def test_rejoin_keeps_its_original_place() -> None:
    e = engine()
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2"), "q", 5)
    e.enqueue(Contact(id="callback", channel=Channel.CALLBACK), "q", 10, since=2)
    assert e.waiting("q") == ["c1", "callback", "c2"]


def test_priority_change_reorders() -> None:
    e = engine()
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2"), "q", 1)
    e.set_priority("c2", 5, 2)
    assert e.waiting("q") == ["c2", "c1"]


# ---------------------------------------------------------------------------- queue limits


def test_full_queue_refuses_with_reason() -> None:
    e = engine([QueueDefinition(id="q", capacity=1)])
    e.enqueue(Contact(id="c1"), "q", 0)
    (refused,) = e.enqueue(Contact(id="c2"), "q", 1)
    assert isinstance(refused, ContactRefused)
    assert refused.reason is RefusalReason.QUEUE_FULL
    assert e.waiting("q") == ["c1"]


def test_join_when_empty_false_refuses_without_agents() -> None:
    e = engine([QueueDefinition(id="q", join_when_empty=False)], [agent("a")])
    (refused,) = e.enqueue(Contact(id="c1"), "q", 0)
    assert isinstance(refused, ContactRefused)
    assert refused.reason is RefusalReason.NO_AGENTS
    e.login("a", 1)
    e.set_not_ready("a", "break", 1)
    assert isinstance(e.enqueue(Contact(id="c2"), "q", 2)[0], ContactQueued)


def test_leave_when_empty_sends_waiting_contacts_away() -> None:
    e = engine([QueueDefinition(id="q", leave_when_empty=True)], [agent("a")])
    e.login("a", 0)
    e.set_not_ready("a", "break", 0)
    e.enqueue(Contact(id="c1"), "q", 1)
    events = e.logout("a", 2)
    left = [x for x in events if isinstance(x, ContactLeft)]
    assert [(x.contact_id, x.reason) for x in left] == [("c1", LeaveReason.NO_AGENTS)]
    assert e.waiting("q") == []


def test_max_wait_overflows_to_voicemail() -> None:
    e = engine(
        [QueueDefinition(id="q", max_wait=60, overflow=Overflow(kind=OverflowKind.VOICEMAIL))]
    )
    e.enqueue(Contact(id="c1"), "q", 0)
    assert e.next_deadline() == 60
    assert e.advance(59) == []
    (overflowed,) = e.advance(61)
    assert isinstance(overflowed, ContactOverflowed)
    assert overflowed.kind is OverflowKind.VOICEMAIL
    assert overflowed.at == 60
    with pytest.raises(UnknownIdError):
        e.contact_phase("c1")


def test_max_wait_overflow_to_a_queue_keeps_place() -> None:
    e = engine(
        [
            QueueDefinition(
                id="q", max_wait=60, overflow=Overflow(kind=OverflowKind.QUEUE, queue="spill")
            ),
            QueueDefinition(id="spill"),
        ]
    )
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="s1"), "spill", 30)
    e.advance(60)
    assert e.waiting("spill") == ["c1", "s1"]


# ---------------------------------------------------------------------------- offers


def test_offer_accept_complete_carry_every_timestamp() -> None:
    e = engine([QueueDefinition(id="q", ring_timeout=15)], [agent("a")])
    e.login("a", 0)
    events = e.enqueue(Contact(id="c1", context={"caller": "Wang"}), "q", 10)
    offered = next(x for x in events if isinstance(x, ContactOffered))
    assert (offered.at, offered.ring_deadline, offered.context) == (10, 25, {"caller": "Wang"})
    (answered, _) = e.accept("c1", 14)
    assert isinstance(answered, ContactAnswered)
    assert (answered.queued_at, answered.offered_at, answered.at) == (10, 10, 14)
    completed = e.complete("c1", 100)[0]
    assert isinstance(completed, ContactCompleted)
    assert (completed.arrived_at, completed.answered_at, completed.at) == (10, 14, 100)
    assert (completed.queue, completed.agent_id) == ("q", "a")
    assert e.agent_state("a") is AgentState.AVAILABLE


def test_ring_timeout_returns_contact_to_its_place_and_auto_pauses() -> None:
    e = engine([QueueDefinition(id="q", ring_timeout=10, auto_pause_after=1)], [agent("a")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2"), "q", 5)
    events = e.advance(10)
    declined = [x for x in events if isinstance(x, ContactOfferDeclined)]
    assert [(x.contact_id, x.reason) for x in declined] == [("c1", DeclineReason.RING_TIMEOUT)]
    assert e.waiting("q") == ["c1", "c2"]
    assert e.agent_state("a") is AgentState.NOT_READY
    assert e.snapshot(10).agents[0].reason == "missed offers"


def test_misses_below_the_limit_do_not_pause() -> None:
    e = engine([QueueDefinition(id="q", ring_timeout=10, auto_pause_after=2)], [agent("a")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2"), "q", 0)
    events = e.advance(10)  # c1 missed; the agent is offered c2
    assert offers(events) == [("c2", "a")]
    e.advance(20)  # second miss: paused
    assert e.agent_state("a") is AgentState.NOT_READY


def test_a_missed_reject_counts_towards_the_auto_pause_like_a_ring_timeout() -> None:
    e = engine([QueueDefinition(id="q", ring_timeout=10, auto_pause_after=2)], [agent("a")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2"), "q", 0)
    events = e.reject("c1", 3, missed=True)  # the phone rang out before the ACD's timer
    declined = [x for x in events if isinstance(x, ContactOfferDeclined)]
    assert [(x.contact_id, x.reason) for x in declined] == [("c1", DeclineReason.MISSED)]
    assert offers(events) == [("c2", "a")]  # one miss of two: still available
    e.advance(13)  # the ACD's own ring timeout on c2: the second miss in a row
    assert e.agent_state("a") is AgentState.NOT_READY
    assert e.snapshot(13).agents[0].reason == "missed offers"


def test_a_refusing_reject_does_not_count_as_a_miss() -> None:
    e = engine([QueueDefinition(id="q", auto_pause_after=1)], [agent("a")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    events = e.reject("c1", 3)
    declined = [x for x in events if isinstance(x, ContactOfferDeclined)]
    assert [(x.contact_id, x.reason) for x in declined] == [("c1", DeclineReason.REJECTED)]
    assert e.agent_state("a") is AgentState.AVAILABLE


def test_reject_refuses_a_missed_that_is_no_bool_and_changes_nothing() -> None:
    e = engine([QueueDefinition(id="q")], [agent("a")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    with pytest.raises(InvalidArgumentError, match="missed: expected True or False"):
        e.reject("c1", 3, missed="yes")  # type: ignore[arg-type]
    assert e.agent_state("a") is AgentState.RESERVED
    assert e.reject("c1", 3)


def test_rejected_contact_goes_to_another_agent_not_back() -> None:
    e = engine([QueueDefinition(id="q", strategy=Strategy.FIXED_ORDER)], [agent("a"), agent("b")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 1)
    assert e.reject("c1", 2)
    assert e.waiting("q") == ["c1"]
    assert offers(e.login("b", 3)) == [("c1", "b")]


def test_wrap_up_blocks_offers_until_its_limit() -> None:
    e = engine([QueueDefinition(id="q", wrap_up=30)], [agent("a")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    e.accept("c1", 1)
    e.complete("c1", 10)
    assert e.agent_state("a") is AgentState.WRAP_UP
    assert offers(e.enqueue(Contact(id="c2"), "q", 11)) == []
    events = e.advance(40)
    assert offers(events) == [("c2", "a")]
    assert events[0] == AgentStateChanged(
        at=40, agent_id="a", old=AgentState.WRAP_UP, new=AgentState.AVAILABLE, since=10
    )


def test_agent_wrap_up_overrides_queue_and_can_end_early() -> None:
    e = engine([QueueDefinition(id="q", wrap_up=30)], [agent("a", wrap_up=5.0)])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    e.accept("c1", 1)
    e.complete("c1", 10)
    assert e.next_deadline() == 15
    e.end_wrap_up("a", 12)
    assert e.agent_state("a") is AgentState.AVAILABLE
    assert e.next_deadline() is None


def test_chat_capacity_allows_concurrent_contacts() -> None:
    e = engine([QueueDefinition(id="q")], [agent("a", capacity={Channel.CHAT: 2})])
    e.login("a", 0)
    got = [offers(e.enqueue(Contact(id=f"m{i}", channel=Channel.CHAT), "q", i)) for i in range(3)]
    assert got == [[("m0", "a")], [("m1", "a")], []]
    assert offers(e.enqueue(Contact(id="v"), "q", 4)) == []  # no voice capacity
    e.accept("m0", 5)
    assert offers(e.complete("m0", 6)) == [("m2", "a")]


def test_agent_on_the_phone_is_not_offered_a_callback_until_the_call_ends() -> None:
    # Voice and callback are exclusive by default: both are worked on the agent's phone.
    capacity = {Channel.VOICE: 1, Channel.CALLBACK: 1, Channel.CHAT: 1}
    e = engine(agents=[agent("a", capacity=capacity)])
    e.login("a", 0)
    assert offers(e.enqueue(Contact(id="v"), "q", 1)) == [("v", "a")]
    e.accept("v", 2)
    assert offers(e.enqueue(Contact(id="cb", channel=Channel.CALLBACK), "q", 3)) == []
    (verdict,) = e.explain("cb").candidates
    assert verdict.excluded is Exclusion.NO_CAPACITY
    assert verdict.detail == "has a voice contact, exclusive with callback"
    # A chat still comes alongside the call.
    assert offers(e.enqueue(Contact(id="m", channel=Channel.CHAT), "q", 4)) == [("m", "a")]
    e.accept("m", 4.5)
    # The call ends: the callback is offered at once.
    assert offers(e.complete("v", 5)) == [("cb", "a")]
    # While the callback rings, a new voice call waits; declined, the callback lets
    # the call through.
    assert offers(e.enqueue(Contact(id="v2"), "q", 6)) == []
    assert offers(e.reject("cb", 7)) == [("v2", "a")]
    assert e.waiting("q") == ["cb"]


def test_without_exclusive_channels_every_channel_is_independent() -> None:
    e = engine(agents=[agent("a", exclusive_channels=frozenset())])
    e.login("a", 0)
    assert offers(e.enqueue(Contact(id="v"), "q", 1)) == [("v", "a")]
    e.accept("v", 2)
    assert offers(e.enqueue(Contact(id="cb", channel=Channel.CALLBACK), "q", 3)) == [("cb", "a")]


def test_exclusive_channels_load_from_a_document() -> None:
    definition = load_definition(
        {
            "queues": [{"id": "q"}],
            "agents": [
                {
                    "id": "a",
                    "queues": [{"queue": "q"}],
                    "capacity": {"voice": 1, "chat": 2},
                    "exclusive_channels": ["voice", "chat"],
                }
            ],
        }
    )
    assert definition.agents[0].exclusive_channels == {Channel.VOICE, Channel.CHAT}
    with pytest.raises(DefinitionError) as caught:
        load_definition(
            {"queues": [{"id": "q"}], "agents": [{"id": "a", "exclusive_channels": ["phone"]}]}
        )
    assert [p.path for p in caught.value.problems] == ["agents.0.exclusive_channels.0"]


def test_mobile_seat_gets_its_number_on_the_offer() -> None:
    e = engine(agents=[agent("sales", mobile_number="+86 139 0000 0001")])
    e.login("sales", 0)
    offered = e.enqueue(Contact(id="c1"), "q", 0)[1]
    assert isinstance(offered, ContactOffered)
    assert offered.mobile_number == "+86 139 0000 0001"


def test_abandon_while_ringing_frees_the_agent_for_the_next() -> None:
    e = engine(agents=[agent("a")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 0)
    e.enqueue(Contact(id="c2"), "q", 1)
    events = e.abandon("c1", 2)
    assert events[0].agent_id == "a"
    assert offers(events) == [("c2", "a")]


def test_transfer_of_an_answered_contact_keeps_place_and_context() -> None:
    e = engine([QueueDefinition(id="q"), QueueDefinition(id="b2b")], [agent("a")])
    e.enqueue(Contact(id="early"), "b2b", 0)  # waits: nobody in b2b
    e.login("a", 0)
    e.enqueue(Contact(id="c1", context={"waybill": "SF123"}), "q", 1)
    e.accept("c1", 2)
    e.enqueue(Contact(id="late"), "b2b", 3)
    events = e.transfer("c1", "b2b", 4)
    assert isinstance(events[0], ContactTransferred)
    assert events[0].answered_at == 2
    assert e.waiting("b2b") == ["early", "c1", "late"]
    assert e.explain("c1").candidates == ()


# ---------------------------------------------------------------------------- tiers, escalation


def vip_setup() -> RoutingEngine:
    return engine(
        [
            QueueDefinition(
                id="vip",
                skill="vip",
                min_level=3,
                start_tier=1,
                escalation=(
                    EscalationStep(after=30, any_tier=True, relax_skills=True),
                    EscalationStep(after=120, move_to="general"),
                ),
            ),
            QueueDefinition(id="general"),
        ],
        [
            agent("top", [("vip", 1)], {"vip": 5}),
            agent("junior", [("vip", 2)], {"vip": 1}),
            agent("gen", ["general"]),
        ],
    )


def test_lower_tier_opens_after_a_wait_with_relaxed_skill() -> None:
    e = vip_setup()
    e.login("top", 0)
    e.set_not_ready("top", "lunch", 0)
    e.login("junior", 0)
    e.enqueue(Contact(id="v1"), "vip", 0)
    verdicts = {c.agent_id: c.excluded for c in e.explain("v1").candidates}
    assert verdicts == {"top": Exclusion.NOT_READY, "junior": Exclusion.LACKS_SKILL}
    events = e.advance(30)
    assert isinstance(events[0], ContactEscalated)
    assert offers(events) == [("v1", "junior")]


def test_escalation_moves_contact_to_overflow_queue() -> None:
    e = vip_setup()
    e.enqueue(Contact(id="v1"), "vip", 0)
    e.advance(120)
    assert e.contact_queue("v1") == "general"
    assert offers(e.login("gen", 121)) == [("v1", "gen")]


def test_tier_not_open_is_explained() -> None:
    e = vip_setup()
    e.login("junior", 0)
    e.enqueue(Contact(id="v1", skills=()), "vip", 0)
    junior = next(c for c in e.explain("v1").candidates if c.agent_id == "junior")
    assert junior.excluded in (Exclusion.LACKS_SKILL, Exclusion.TIER_NOT_OPEN)


def test_sticky_contact_waits_for_its_agent_then_falls_back() -> None:
    e = engine(agents=[agent("dedicated"), agent("other")])
    e.login("dedicated", 0, ready=False)  # logged in, so the contact may wait for it
    e.login("other", 0)
    events = e.enqueue(Contact(id="c1", preferred_agents=("dedicated",), sticky_for=20), "q", 0)
    assert offers(events) == []
    other = next(c for c in e.explain("c1").candidates if c.agent_id == "other")
    assert other.excluded is Exclusion.NOT_PREFERRED
    assert offers(e.advance(20)) == [("c1", "other")]


def test_sticky_contact_goes_to_its_agent_when_free() -> None:
    e = engine(agents=[agent("dedicated"), agent("other")])
    e.login("dedicated", 0, ready=False)
    e.login("other", 0)
    e.enqueue(Contact(id="c1", preferred_agents=("dedicated",), sticky_for=20), "q", 0)
    assert offers(e.set_ready("dedicated", 5)) == [("c1", "dedicated")]


def test_extra_skill_requirement_with_min_level() -> None:
    e = engine(agents=[agent("zh", skills={"english": 1}), agent("en", skills={"english": 4})])
    e.login("zh", 0)
    e.login("en", 0)
    events = e.enqueue(
        Contact(id="c1", skills=(SkillRequirement(skill="english", min_level=3),)), "q", 1
    )
    assert offers(events) == [("c1", "en")]


# ---------------------------------------------------------------------------- strategies


def pick(strategy: Strategy, prepare: Any = None, **agent_kwargs: Any) -> str:
    e = engine(
        [QueueDefinition(id="q", strategy=strategy, skill="s")],
        [agent(n, skills={"s": lvl}) for n, lvl in (("a", 1), ("b", 3), ("c", 2))],
    )
    for t, name in enumerate(("c", "b", "a")):
        e.login(name, t)
    if prepare is not None:
        prepare(e)
    events = e.enqueue(Contact(id="x"), "q", 100)
    ((_, chosen),) = offers(events)
    return chosen


def test_longest_idle() -> None:
    assert pick(Strategy.LONGEST_IDLE) == "c"  # logged in first


def test_fixed_order() -> None:
    assert pick(Strategy.FIXED_ORDER) == "a"


def test_highest_skill() -> None:
    assert pick(Strategy.HIGHEST_SKILL) == "b"


def handle(e: RoutingEngine, agent_id: str, contact_id: str, start: float, end: float) -> None:
    for other in ("a", "b", "c"):
        if other != agent_id:
            e.set_not_ready(other, "hold", start)
    e.enqueue(Contact(id=contact_id), "q", start)
    e.accept(contact_id, start)
    e.complete(contact_id, end)
    for other in ("a", "b", "c"):
        if other != agent_id:
            e.set_ready(other, end)


def test_fewest_handled() -> None:
    def prepare(e: RoutingEngine) -> None:
        handle(e, "a", "p1", 10, 11)
        handle(e, "c", "p2", 12, 13)

    assert pick(Strategy.FEWEST_HANDLED, prepare) == "b"


def test_least_talk_time() -> None:
    def prepare(e: RoutingEngine) -> None:
        handle(e, "a", "p1", 10, 15)
        handle(e, "b", "p2", 20, 60)
        handle(e, "c", "p3", 70, 80)

    assert pick(Strategy.LEAST_TALK_TIME, prepare) == "a"


def test_round_robin_cycles_in_member_order() -> None:
    e = engine([QueueDefinition(id="q", strategy=Strategy.ROUND_ROBIN)], [agent(n) for n in "abc"])
    for n in "abc":
        e.login(n, 0)
    chosen = []
    for i in range(5):
        ((cid, aid),) = offers(e.enqueue(Contact(id=f"x{i}"), "q", i))
        chosen.append(aid)
        e.accept(cid, i)
        e.complete(cid, i)
    assert chosen == ["a", "b", "c", "a", "b"]


@pytest.mark.parametrize("strategy", [Strategy.RANDOM, Strategy.WEIGHTED_RANDOM])
def test_random_strategies_are_seeded_and_reproducible(strategy: Strategy) -> None:
    def run(seed: int) -> list[str]:
        agents = [
            AgentDefinition(id=n, queues=(Membership(queue="q", weight=w),))
            for n, w in (("a", 1.0), ("b", 1.0), ("c", 8.0))
        ]
        e = RoutingEngine(
            RoutingDefinition(
                queues=(QueueDefinition(id="q", strategy=strategy),), agents=tuple(agents)
            ),
            seed=seed,
        )
        for n in "abc":
            e.login(n, 0)
        chosen = []
        for i in range(60):
            ((cid, aid),) = offers(e.enqueue(Contact(id=f"x{i}"), "q", i))
            chosen.append(aid)
            e.accept(cid, i)
            e.complete(cid, i)
        return chosen

    first = run(1)
    assert first == run(1)
    assert set(first) == {"a", "b", "c"}
    if strategy is Strategy.WEIGHTED_RANDOM:
        assert first.count("c") > first.count("a") + first.count("b")


def test_better_tier_is_offered_first_whatever_the_strategy() -> None:
    e = engine(
        [QueueDefinition(id="q", strategy=Strategy.FIXED_ORDER)],
        [agent("a", [("q", 2)]), agent("b", [("q", 1)])],
    )
    e.login("a", 0)
    e.login("b", 0)
    assert offers(e.enqueue(Contact(id="x"), "q", 1)) == [("x", "b")]


# ---------------------------------------------------------------------------- cross-queue


def two_queues(policy: CrossQueuePolicy, weight: float = 1.0) -> RoutingEngine:
    return engine(
        [QueueDefinition(id="a"), QueueDefinition(id="b", weight=weight)],
        [agent("x", ["a", "b"])],
        cross_queue=policy,
    )


def test_freed_agent_takes_oldest_wait_across_queues() -> None:
    e = two_queues(CrossQueuePolicy.OLDEST_WAIT)
    e.enqueue(Contact(id="b1"), "b", 0)
    e.enqueue(Contact(id="a1", priority=5), "a", 10)
    assert offers(e.login("x", 20)) == [("b1", "x")]


def test_queue_weight_scales_the_wait() -> None:
    e = two_queues(CrossQueuePolicy.OLDEST_WAIT, weight=3.0)
    e.enqueue(Contact(id="a1"), "a", 0)
    e.enqueue(Contact(id="b1"), "b", 10)  # 3 * 10 > 1 * 20
    assert offers(e.login("x", 20)) == [("b1", "x")]


def test_priority_first_policy() -> None:
    e = two_queues(CrossQueuePolicy.PRIORITY_FIRST)
    e.enqueue(Contact(id="b1"), "b", 0)
    e.enqueue(Contact(id="a1", priority=1), "a", 10)
    assert offers(e.login("x", 20)) == [("a1", "x")]


# ---------------------------------------------------------------------------- rules


def test_route_applies_rules() -> None:
    e = engine(
        [QueueDefinition(id="vip"), QueueDefinition(id="q")],
        rules=RuleSet(
            rules=(RoutingRule(when={"tier": "VIP"}, queue="vip", priority=1),),
            default_queue="q",
        ),
    )
    e.route(Contact(id="c1", attributes={"tier": "VIP"}), 0)
    e.route(Contact(id="c2", attributes={"tier": "normal"}), 0)
    assert (e.waiting("vip"), e.waiting("q")) == (["c1"], ["c2"])


# ---------------------------------------------------------------------------- bad input


def state(e: RoutingEngine) -> Any:
    snap = e.snapshot(e.now or 0)
    return (
        {q: e.waiting(q) for q in ("q",)},
        [(a.agent_id, a.state, a.contacts) for a in snap.agents],
        e.next_deadline(),
    )


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda e: e.enqueue(Contact(id="c1"), "q", 10), DuplicateIdError),
        (lambda e: e.enqueue(Contact(id="z"), "nope", 10), UnknownIdError),
        (lambda e: e.enqueue(Contact(id="z"), "q", 10, since=11), InvalidArgumentError),
        (lambda e: e.enqueue(Contact(id="z"), "q", 4), TimeWentBackwardsError),
        (lambda e: e.accept("c1", 10), IllegalTransitionError),
        (lambda e: e.accept("zz", 10), UnknownIdError),
        (lambda e: e.set_ready("b", 10), IllegalTransitionError),
        (lambda e: e.logout("a", 10), IllegalTransitionError),
        (lambda e: e.login("a", 10), IllegalTransitionError),
        (lambda e: e.login("nobody", 10), UnknownIdError),
        (lambda e: e.end_wrap_up("a", 10), IllegalTransitionError),
        (lambda e: e.set_not_ready("a", "", 10), InvalidArgumentError),
        (lambda e: e.transfer("c2", "q", 10), InvalidArgumentError),
        (lambda e: e.complete("c2", 10), IllegalTransitionError),
        (lambda e: e.advance(float("nan")), InvalidArgumentError),
        (lambda e: e.advance(float("inf")), InvalidArgumentError),
        (lambda e: e.advance(4.5), TimeWentBackwardsError),
        (lambda e: e.complete("c1", True), InvalidArgumentError),
        (lambda e: e.enqueue(cast(Any, "z"), "q", 10.0), InvalidArgumentError),
    ],
)
def test_bad_calls_raise_typed_errors_and_change_nothing(call: Any, error: type) -> None:
    e = engine(agents=[agent("a"), agent("b")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 1)
    e.accept("c1", 2)
    e.enqueue(Contact(id="c2"), "q", 5)
    before = state(e)
    with pytest.raises(error) as info:
        call(e)
    assert str(info.value)
    assert state(e) == before


def test_unknown_agent_error_suggests_a_name() -> None:
    e = engine(agents=[agent("zhang")])
    with pytest.raises(UnknownIdError, match="did you mean 'zhang'"):
        e.login("zhnag", 0)


def test_definition_with_unknown_queue_is_refused() -> None:
    with pytest.raises(DefinitionError, match="unknown queue 'vip'"):
        engine(rules=RuleSet(rules=(RoutingRule(queue="vip"),)))


# ---------------------------------------------------------------------------- snapshot


def test_snapshot_reports_waiting_longest_wait_and_agent_states() -> None:
    e = engine(agents=[agent("a"), agent("b")])
    e.login("a", 0)
    e.enqueue(Contact(id="c1"), "q", 5)
    e.enqueue(Contact(id="c2", priority=3), "q", 8)
    e.enqueue(Contact(id="c3"), "q", 9)
    snap = e.snapshot(20)
    (q,) = snap.queues
    assert (q.waiting, q.ringing, q.longest_wait) == (2, 1, 12)
    assert q.agents_by_state[AgentState.RESERVED] == 1
    assert q.agents_by_state[AgentState.LOGGED_OUT] == 1
    a = snap.agents[0]
    assert (a.state, a.time_in_state, a.contacts) == (AgentState.RESERVED, 15, ("c1",))


def test_offer_to_a_freed_agent_is_explained() -> None:
    e = two_queues(CrossQueuePolicy.OLDEST_WAIT)
    e.enqueue(Contact(id="b1"), "b", 0)
    offered = e.login("x", 12)[1]
    assert isinstance(offered, ContactOffered)
    assert offered.explanation is not None
    assert offered.explanation.chosen == "x"
    assert "'b'" in offered.explanation.reason
    assert "oldest_wait" in offered.explanation.reason


def test_offer_on_arrival_explains_the_strategy() -> None:
    e = engine(
        [QueueDefinition(id="q", strategy=Strategy.FIXED_ORDER)],
        [agent("a", [("q", 2)]), agent("b"), agent("c")],
    )
    for name in "abc":
        e.login(name, 0)
    e.set_not_ready("b", "lunch", 0)
    offered = e.enqueue(Contact(id="x"), "q", 1)[1]
    assert isinstance(offered, ContactOffered)
    assert offered.explanation is not None
    verdicts = {c.agent_id: c.excluded for c in offered.explanation.candidates}
    assert verdicts == {"a": None, "b": Exclusion.NOT_READY, "c": None}
    assert offered.agent_id == "c"
    assert "tier 1 is offered first" in offered.explanation.reason
