"""Hypothesis strategies for routing: contacts, queues, agents, definitions, rule sets.

They draw small, valid values on purpose (a few skills, queues and agents) so that
random contacts and agents actually meet. Use them to property-test your own rules:

>>> from hypothesis import given
>>> from callcenter.testing import routing_definitions
>>> @given(routing_definitions())
... def test_every_rule_names_a_queue(definition):
...     queues = {q.id for q in definition.queues}
...     assert all(r.queue in queues for r in definition.rules.rules if r.queue)
>>> test_every_rule_names_a_queue()
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from ..routing import (
    AgentDefinition,
    AgentState,
    AgentStateChanged,
    Channel,
    Contact,
    ContactAbandoned,
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
    EscalationStep,
    Membership,
    Overflow,
    OverflowKind,
    QueueDefinition,
    RoutingDefinition,
    RoutingEvent,
    RoutingRule,
    RuleSet,
    SkillRequirement,
    Strategy,
)

__all__ = [
    "RoutingEventChecker",
    "agent_definitions",
    "contacts",
    "queue_definitions",
    "routing_definitions",
    "rule_sets",
    "skill_requirements",
]

SKILLS: tuple[str, ...] = ("enquiry", "business", "english", "vip")
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "tier": ("VIP", "gold", "normal"),
    "region": ("north", "south", "east"),
    "language": ("zh", "yue", "en"),
}


def skill_requirements(skills: Sequence[str] = SKILLS) -> st.SearchStrategy[SkillRequirement]:
    """A skill from ``skills`` with a minimum level from 0 to 3."""
    return st.builds(SkillRequirement, skill=st.sampled_from(skills), min_level=st.integers(0, 3))


@st.composite
def contacts(
    draw: st.DrawFn,
    *,
    ids: st.SearchStrategy[str] | None = None,
    channels: Sequence[Channel] = (Channel.VOICE, Channel.CHAT),
    agent_ids: Sequence[str] = (),
    skills: Sequence[str] = SKILLS,
) -> Contact:
    """A contact with a random channel, priority, skills, attributes and bonus.

    Args:
        draw: Supplied by Hypothesis.
        ids: Strategy for the id (default: short random text).
        channels: The channels to draw from.
        agent_ids: Agents that may be drawn as preferred (sticky) agents.
        skills: Skill names for extra requirements.
    """
    contact_id = draw(ids if ids is not None else st.text("abcdef0123456789", min_size=1))
    preferred: tuple[str, ...] = ()
    sticky_for = 0.0
    wants_sticky: bool = draw(st.booleans())
    if agent_ids and wants_sticky:
        preferred = tuple(draw(st.lists(st.sampled_from(agent_ids), min_size=1, max_size=2)))
        sticky_for = float(draw(st.integers(1, 20)))
    attributes = draw(
        st.dictionaries(
            st.sampled_from(sorted(ATTRIBUTES)),
            st.sampled_from(("VIP", "gold", "normal", "north", "south", "zh", "en")),
            max_size=3,
        )
    )
    return Contact(
        id=contact_id,
        channel=draw(st.sampled_from(channels)),
        priority=draw(st.integers(0, 2)),
        skills=tuple(draw(st.lists(skill_requirements(skills), max_size=1))),
        attributes=attributes,
        context={"caller": contact_id},
        age_bonus=float(draw(st.sampled_from((0, 0, 5, 30)))),
        preferred_agents=preferred,
        sticky_for=sticky_for,
    )


@st.composite
def queue_definitions(
    draw: st.DrawFn,
    queue_id: str,
    *,
    others: Sequence[str] = (),
    skills: Sequence[str] = SKILLS,
) -> QueueDefinition:
    """A queue named ``queue_id`` whose overflows and escalations go to ``others``."""
    overflow: Overflow | None = None
    max_wait: float | None = None
    if draw(st.booleans()):
        max_wait = float(draw(st.integers(5, 60)))
        kinds = [OverflowKind.VOICEMAIL, OverflowKind.CALLBACK]
        if others:
            kinds.append(OverflowKind.QUEUE)
        kind = draw(st.sampled_from(kinds))
        target = draw(st.sampled_from(others)) if kind is OverflowKind.QUEUE else None
        overflow = Overflow(kind=kind, queue=target)
    steps: list[EscalationStep] = []
    after = 0
    for _ in range(draw(st.integers(0, 2))):
        after += draw(st.integers(1, 20))
        move_to = draw(st.none() | st.sampled_from(others)) if others else None
        steps.append(
            EscalationStep(
                after=float(after),
                max_tier=draw(st.none() | st.integers(1, 3)),
                any_tier=draw(st.booleans()),
                relax_skills=draw(st.booleans()),
                priority_boost=draw(st.integers(0, 1)),
                move_to=move_to,
            )
        )
        if move_to is not None:
            break
    return QueueDefinition(
        id=queue_id,
        skill=draw(st.none() | st.sampled_from(skills)),
        min_level=draw(st.integers(0, 3)),
        strategy=draw(st.sampled_from(Strategy)),
        aging_rate=draw(st.sampled_from((0.0, 0.0, 0.5, 0.25))),
        weight=draw(st.sampled_from((1.0, 2.0))),
        capacity=draw(st.none() | st.integers(1, 6)),
        max_wait=max_wait,
        overflow=overflow,
        ring_timeout=float(draw(st.integers(2, 15))),
        wrap_up=float(draw(st.sampled_from((0, 0, 3, 10)))),
        auto_pause_after=draw(st.integers(0, 3)),
        retry_after=float(draw(st.sampled_from((0, 2, 5, 30)))),
        counts_per_queue=draw(st.booleans()),
        join_when_empty=draw(st.booleans()),
        leave_when_empty=draw(st.booleans()),
        start_tier=draw(st.none() | st.integers(1, 2)),
        escalation=tuple(steps),
    )


@st.composite
def agent_definitions(
    draw: st.DrawFn, agent_id: str, *, queues: Sequence[str], skills: Sequence[str] = SKILLS
) -> AgentDefinition:
    """An agent named ``agent_id``, member of some of ``queues`` (at least one)."""
    member_of = draw(st.lists(st.sampled_from(queues), min_size=1, max_size=3, unique=True))
    return AgentDefinition(
        id=agent_id,
        skills=draw(
            st.dictionaries(st.sampled_from(skills), st.integers(0, 4), min_size=2, max_size=4)
        ),
        queues=tuple(
            Membership(
                queue=q,
                tier=draw(st.integers(1, 3)),
                weight=float(draw(st.integers(1, 3))),
            )
            for q in member_of
        ),
        capacity=draw(
            st.sampled_from(
                (
                    {Channel.VOICE: 1},
                    {Channel.VOICE: 1, Channel.CHAT: 2},
                    {Channel.CHAT: 3},
                    {Channel.VOICE: 1, Channel.CALLBACK: 1},
                    {Channel.VOICE: 1, Channel.CALLBACK: 1, Channel.CHAT: 2},
                )
            )
        ),
        exclusive_channels=draw(
            st.sampled_from(
                (
                    frozenset({Channel.VOICE, Channel.CALLBACK}),
                    frozenset(),
                    frozenset({Channel.VOICE, Channel.CALLBACK, Channel.CHAT}),
                )
            )
        ),
        wrap_up=draw(st.none() | st.sampled_from((0.0, 4.0))),
        mobile_number=draw(st.none() | st.just("+86 138 0000 0000")),
    )


@st.composite
def rule_sets(draw: st.DrawFn, queues: Sequence[str]) -> RuleSet:
    """Ordered rules over the attributes in :data:`ATTRIBUTES`, into ``queues``."""
    rules = []
    for index in range(draw(st.integers(0, 4))):
        attribute = draw(st.sampled_from(sorted(ATTRIBUTES)))
        values = draw(
            st.lists(st.sampled_from(ATTRIBUTES[attribute]), min_size=1, max_size=2, unique=True)
        )
        rules.append(
            RoutingRule(
                name=f"rule{index}",
                when={attribute: values if len(values) > 1 else values[0]},
                queue=draw(st.none() | st.sampled_from(queues)),
                priority=draw(st.none() | st.integers(0, 3)),
                age_bonus=draw(st.none() | st.sampled_from((0.0, 10.0))),
                stop=draw(st.booleans()),
            )
        )
    return RuleSet(rules=tuple(rules), default_queue=draw(st.sampled_from(queues)))


@st.composite
def routing_definitions(
    draw: st.DrawFn, *, max_queues: int = 3, max_agents: int = 4
) -> RoutingDefinition:
    """A valid definition: 1..max_queues queues, 1..max_agents agents, and rules."""
    n_queues = draw(st.integers(1, max_queues))
    names = [f"q{i}" for i in range(n_queues)]
    queues = tuple(
        draw(queue_definitions(name, others=[n for n in names if n != name])) for name in names
    )
    agents = tuple(
        draw(agent_definitions(f"a{i}", queues=names))
        for i in range(draw(st.integers(1, max_agents)))
    )
    return RoutingDefinition(
        queues=queues,
        agents=agents,
        rules=draw(rule_sets(names)),
        cross_queue=draw(st.sampled_from(CrossQueuePolicy)),
    )


class RoutingEventChecker:
    """Checks that a stream of routing events tells a coherent story.

    Feed it every event an engine returns, in order. It raises ``AssertionError``
    at the first event that could not have happened: a contact offered before it
    was queued, answered by another agent than the one it rang at, completed
    twice, an agent state change whose ``old`` is not the previous ``new``, time
    going backwards... Metrics code and simulators can run it over their event
    streams in tests.

    >>> from callcenter.routing import (AgentDefinition, Contact, Membership,
    ...     QueueDefinition, RoutingDefinition, RoutingEngine)
    >>> engine = RoutingEngine(RoutingDefinition(queues=(QueueDefinition(id="q"),),
    ...     agents=(AgentDefinition(id="a", queues=(Membership(queue="q"),)),)))
    >>> checker = RoutingEventChecker()
    >>> checker.feed(engine.login("a", 0))
    >>> checker.feed(engine.enqueue(Contact(id="c1"), "q", 1))
    >>> checker.feed(engine.accept("c1", 2))
    >>> checker.phase("c1")
    'active'
    >>> checker.feed(engine.complete("c1", 9))
    >>> checker.phase("c1"), checker.outcome("c1")
    (None, 'ContactCompleted')
    """

    def __init__(self) -> None:
        self._phase: dict[str, str] = {}
        self._outcome: dict[str, str] = {}
        self._agent: dict[str, str] = {}
        self._offered_at: dict[str, float] = {}
        self._answered_at: dict[str, float] = {}
        self._agent_state: dict[str, tuple[AgentState, float]] = {}
        self._last_at = float("-inf")

    def phase(self, contact_id: str) -> str | None:
        """``"waiting"``, ``"ringing"``, ``"active"``, ``"moving"`` or ``None`` (gone)."""
        return self._phase.get(contact_id)

    def outcome(self, contact_id: str) -> str | None:
        """The name of the event that ended the contact, if it has ended."""
        return self._outcome.get(contact_id)

    @property
    def open_contacts(self) -> frozenset[str]:
        """Contacts that are waiting, ringing or being handled."""
        return frozenset(self._phase)

    def feed(self, events: Sequence[RoutingEvent]) -> None:
        """Check ``events`` (in order) against everything seen so far."""
        for event in events:
            self._check(event)

    def _end(self, contact_id: str, event: RoutingEvent) -> None:
        del self._phase[contact_id]
        self._outcome[contact_id] = type(event).__name__

    def _check(self, e: RoutingEvent) -> None:
        assert e.at >= self._last_at, f"time went backwards at {e!r}"
        self._last_at = e.at
        if isinstance(e, AgentStateChanged):
            old, since = self._agent_state.get(e.agent_id, (AgentState.LOGGED_OUT, e.since))
            assert e.old is old, f"{e!r}: previous state was {old}"
            assert e.since == since, f"{e!r}: previous state began at {since}"
            self._agent_state[e.agent_id] = (e.new, e.at)
            return
        cid = e.contact_id
        phase = self._phase.get(cid)
        assert e.arrived_at <= e.queued_at <= e.at, f"timestamps out of order in {e!r}"
        if isinstance(e, ContactRefused):
            assert phase is None, f"{e!r} for a contact already in the engine"
            self._outcome[cid] = type(e).__name__
        elif isinstance(e, ContactQueued):
            assert phase in (None, "moving"), f"{e!r} while {phase}"
            self._phase[cid] = "waiting"
        elif isinstance(e, ContactOffered):
            assert phase == "waiting", f"{e!r} while {phase}"
            assert e.ring_deadline > e.at
            self._phase[cid] = "ringing"
            self._agent[cid] = e.agent_id
            self._offered_at[cid] = e.at
        elif isinstance(e, ContactOfferDeclined | ContactAnswered):
            assert phase == "ringing", f"{e!r} while {phase}"
            assert e.agent_id == self._agent[cid], f"{e!r}: it rang at {self._agent[cid]}"
            assert e.offered_at == self._offered_at[cid]
            if isinstance(e, ContactAnswered):
                self._phase[cid] = "active"
                self._answered_at[cid] = e.at
            else:
                self._phase[cid] = "waiting"
        elif isinstance(e, ContactCompleted):
            assert phase == "active", f"{e!r} while {phase}"
            assert e.agent_id == self._agent[cid]
            assert e.answered_at == self._answered_at[cid]
            self._end(cid, e)
        elif isinstance(e, ContactAbandoned):
            assert phase in ("waiting", "ringing"), f"{e!r} while {phase}"
            assert (e.agent_id is not None) == (phase == "ringing")
            self._end(cid, e)
        elif isinstance(e, ContactTransferred):
            assert phase in ("waiting", "active"), f"{e!r} while {phase}"
            assert (e.agent_id is not None) == (phase == "active")
            self._phase[cid] = "moving"
        elif isinstance(e, ContactOverflowed):
            assert phase == "waiting", f"{e!r} while {phase}"
            if e.kind is OverflowKind.QUEUE:
                self._phase[cid] = "moving"
            else:
                self._end(cid, e)
        elif isinstance(e, ContactEscalated):
            assert phase == "waiting", f"{e!r} while {phase}"
        else:
            assert isinstance(e, ContactLeft)
            assert phase == "waiting", f"{e!r} while {phase}"
            self._end(cid, e)
