"""The shortcuts taken for the common contact give what the full path gives.

A contact of plain built-in values is told valid by a few type tests, before the
full check (which builds every message); routing rules that change nothing return
the contact itself instead of a copy; a queue with a deterministic strategy picks its
agent in one pass over the candidates. Each is checked here against the full path,
over inputs drawn from edge values of every field.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.errors import DefinitionError
from callcenter.routing import (
    AgentDefinition,
    Channel,
    Contact,
    QueueDefinition,
    SkillRequirement,
    Strategy,
)
from callcenter.routing._rules import RoutingDecision
from callcenter.routing._runtime import AState, Member, QState
from callcenter.routing._strategies import choose_member, chooser, ranker


class _Text(str):
    pass


numbers = st.one_of(
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 0.0, -0.0, 1, -1, 1e15, -1e15, 1e15 + 1, True, False, 2.5]),
    st.just("1"),
)
ids = st.one_of(
    st.text(max_size=3),
    st.just("x" * 256),
    st.just("x" * 257),
    st.builds(_Text, st.text(min_size=1, max_size=3)),
    st.integers(),
)
skills = st.one_of(
    st.just(()),
    st.tuples(st.builds(SkillRequirement, skill=st.sampled_from(["a", "b"]))),
    st.just([SkillRequirement(skill="a")]),
    st.just(("a",)),
)
mappings: st.SearchStrategy[Any] = st.one_of(
    st.just({}), st.just({"tier": "VIP"}), st.just(OrderedDict()), st.just([])
)
contacts_fields = st.fixed_dictionaries(
    {
        "id": ids,
        "channel": st.one_of(st.sampled_from(list(Channel)), st.just("voice")),
        "priority": numbers,
        "skills": skills,
        "attributes": mappings,
        "context": mappings,
        "age_bonus": numbers,
        "preferred_agents": st.one_of(
            st.just(()), st.just(("li",)), st.just(("li", 3)), st.just(["li"])
        ),
        "sticky_for": numbers,
    }
)


@given(contacts_fields)
def test_a_contact_is_built_exactly_when_the_full_check_passes(fields: dict[str, Any]) -> None:
    try:
        contact = Contact(**fields)
    except DefinitionError:
        return
    contact._check()  # the full check: raises if the shortcut let a bad contact in


@given(contacts_fields)
def test_the_full_check_refuses_only_contacts_the_constructor_refuses(
    fields: dict[str, Any],
) -> None:
    unchecked = object.__new__(Contact)
    for name, value in fields.items():
        object.__setattr__(unchecked, name, value)
    try:
        unchecked._check()
    except DefinitionError:
        with pytest.raises(DefinitionError):
            Contact(**fields)


@given(
    priority=st.sampled_from([0, 1, 2, -1]),
    bonus=st.sampled_from([0.0, 0, 5.0]),
    extra=st.sampled_from([(), (SkillRequirement(skill="vip"),)]),
    contact_priority=st.sampled_from([0, 1]),
    contact_bonus=st.sampled_from([0.0, 0, 5.0]),
)
def test_a_decision_applied_is_the_contact_with_its_fields(
    priority: int,
    bonus: float,
    extra: tuple[SkillRequirement, ...],
    contact_priority: int,
    contact_bonus: float,
) -> None:
    contact = Contact(
        id="c",
        priority=contact_priority,
        age_bonus=contact_bonus,
        skills=(SkillRequirement(skill="a"),),
    )
    decision = RoutingDecision(
        queue="q", priority=priority, skills=extra, age_bonus=bonus, matched=()
    )
    applied = decision.apply(contact)
    expected = attrs.evolve(
        contact, priority=priority, age_bonus=bonus, skills=(*contact.skills, *extra)
    )
    assert applied == expected
    for field in attrs.fields(Contact):
        value = getattr(applied, field.name)
        assert type(value) is type(getattr(expected, field.name))


# ------------------------------------------------------------ a queue's choice of agent

_DETERMINISTIC = [s for s in Strategy if s not in (Strategy.RANDOM, Strategy.WEIGHTED_RANDOM)]


@given(
    strategy=st.sampled_from(_DETERMINISTIC),
    per_queue=st.booleans(),
    rr_last=st.integers(min_value=-1, max_value=6),
    agents=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=3),  # tier
            st.sampled_from([0.0, 1.0, 2.5]),  # idle since
            st.integers(min_value=0, max_value=2),  # handled (agent and member)
            st.sampled_from([0.0, 30.0]),  # talk time
            st.integers(min_value=0, max_value=3),  # level of the queue's skill
        ),
        min_size=1,
        max_size=6,
    ),
    order=st.randoms(use_true_random=False),
)
def test_the_one_pass_choice_is_the_strategys_choice(
    strategy: Strategy,
    per_queue: bool,
    rr_last: int,
    agents: list[tuple[int, float, int, float, int]],
    order: Any,
) -> None:
    queue = QState(
        QueueDefinition(id="q", skill="s", strategy=strategy, counts_per_queue=per_queue),
        0,
        chooser(strategy),
    )
    queue.rank = ranker(queue)
    queue.rr_last = rr_last
    candidates = []
    for index, (tier, idle, handled, talk, level) in enumerate(agents):
        a = AState(AgentDefinition(id=f"a{index}", skills={"s": level}), index)
        a.idle_since, a.handled, a.talk = idle, handled, talk
        m = Member(a, queue, tier, 1.0)
        m.handled, m.talk = 2 - handled, 30.0 - talk  # differs from the agent's
        candidates.append(m)
    order.shuffle(candidates)  # the ready table's order is any order
    rng = random.Random(0)
    fast, _ = choose_member(queue, candidates, rng, explain=False)
    full, why = choose_member(queue, candidates, rng, explain=True)  # the stepwise path
    assert why
    assert fast is full
