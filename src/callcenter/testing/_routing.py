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
    Channel,
    Contact,
    CrossQueuePolicy,
    EscalationStep,
    Membership,
    Overflow,
    OverflowKind,
    QueueDefinition,
    RoutingDefinition,
    RoutingRule,
    RuleSet,
    SkillRequirement,
    Strategy,
)

__all__ = [
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
