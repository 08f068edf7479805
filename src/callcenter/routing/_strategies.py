"""The queue strategies: how a queue chooses among its eligible ready agents.

Each :class:`~callcenter.routing.Strategy` has one chooser (:func:`chooser`, checked
exhaustively: a strategy without a chooser is a type error, never a silent
fall-through to another strategy). A queue keeps its chooser from
its creation, so choosing costs no lookup. :func:`choose_member` keeps the agents of
the best tier and lets the chooser pick among them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import assert_never

from ._model import Strategy
from ._runtime import Chooser, Member, QState, Rank

__all__ = ["CHOOSERS", "choose_member", "chooser", "ranker"]


def choose_member(
    queue: QState, candidates: list[Member], rng: random.Random, explain: bool = False
) -> tuple[Member, str]:
    """Pick one of ``candidates`` (non-empty) by the queue's strategy.

    Agents of the best tier come first; ties go to the lower agent index. Returns
    the chosen member and, when ``explain``, a sentence saying why it won (else
    ``""``: formatting it costs more than the choice).

    Complexity: ``O(len(candidates))`` (plus a sort for the random strategies).
    """
    rank = queue.rank
    if rank is not None and not explain:
        # A deterministic strategy: one pass in the order (tier, the strategy's key),
        # the member the steps below pick (every key ends with the agent's index).
        return candidates[0] if len(candidates) == 1 else min(candidates, key=rank), ""
    best_tier = min([m.tier for m in candidates])
    pool = [m for m in candidates if m.tier == best_tier]
    chosen, why = queue.choose(queue, pool, rng, explain)
    if explain and len(pool) < len(candidates):
        why = f"tier {best_tier} is offered first; " + why
    return chosen, why


def _idle_key(m: Member) -> tuple[float, int]:
    return (m.agent.idle_since, m.agent.index)


def _index_key(m: Member) -> int:
    return m.agent.index


def _longest_idle(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    chosen = min(pool, key=_idle_key)
    return chosen, f"idle since {chosen.agent.idle_since}, the longest" if explain else ""


def _round_robin(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    after = [m for m in pool if m.agent.index > queue.rr_last]
    return min(after or pool, key=_index_key), "next in turn after the agent offered last"


def _fewest_handled(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    if queue.per_queue:
        chosen = min(pool, key=lambda m: (m.handled, m.agent.index))
        return chosen, f"handled {chosen.handled} contacts here, the fewest" if explain else ""
    chosen = min(pool, key=lambda m: (m.agent.handled, m.agent.index))
    return chosen, f"handled {chosen.agent.handled} contacts, the fewest" if explain else ""


def _least_talk_time(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    if queue.per_queue:
        chosen = min(pool, key=lambda m: (m.talk, m.agent.index))
        return chosen, f"{chosen.talk} s of handling time here, the least" if explain else ""
    chosen = min(pool, key=lambda m: (m.agent.talk, m.agent.index))
    return chosen, f"{chosen.agent.talk} s of handling time, the least" if explain else ""


def _fixed_order(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    return min(pool, key=_index_key), "first in the fixed order"


def _highest_skill(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    skill = queue.defn.skill
    chosen = min(
        pool,
        key=lambda m: (
            -(m.agent.skills.get(skill, 0) if skill is not None else 0),
            m.agent.idle_since,
            m.agent.index,
        ),
    )
    return chosen, "highest skill level, then longest idle"


def _random(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    pool.sort(key=_index_key)
    return pool[rng.randrange(len(pool))], "drawn at random"


def _weighted_random(
    queue: QState, pool: list[Member], rng: random.Random, explain: bool
) -> tuple[Member, str]:
    pool.sort(key=_index_key)
    total = sum(m.weight for m in pool)
    point = rng.random() * total
    chosen = pool[-1]
    for member in pool:
        point -= member.weight
        if point < 0:
            chosen = member
            break
    return chosen, "drawn at random in proportion to weight"


def ranker(queue: QState) -> Rank | None:
    """The order in which ``queue``'s strategy prefers its members, best tier first.

    ``min(candidates, key=ranker(queue))`` is the member :func:`choose_member` picks,
    for every strategy but the random ones (``None``). The key is read when the
    choice is made (handled counts, talk and idle times, the round-robin turn).
    """
    strategy = queue.defn.strategy
    match strategy:
        case Strategy.LONGEST_IDLE:
            return _longest_idle_rank
        case Strategy.ROUND_ROBIN:
            return lambda m: (m.tier, m.agent.index <= queue.rr_last, m.agent.index)
        case Strategy.FEWEST_HANDLED:
            if queue.per_queue:
                return lambda m: (m.tier, m.handled, m.agent.index)
            return lambda m: (m.tier, m.agent.handled, m.agent.index)
        case Strategy.LEAST_TALK_TIME:
            if queue.per_queue:
                return lambda m: (m.tier, m.talk, m.agent.index)
            return lambda m: (m.tier, m.agent.talk, m.agent.index)
        case Strategy.FIXED_ORDER:
            return lambda m: (m.tier, m.agent.index)
        case Strategy.HIGHEST_SKILL:
            skill = queue.defn.skill
            return lambda m: (
                m.tier,
                -(m.agent.skills.get(skill, 0) if skill is not None else 0),
                m.agent.idle_since,
                m.agent.index,
            )
        case Strategy.RANDOM | Strategy.WEIGHTED_RANDOM:
            return None
        case _:  # pragma: no cover - mypy proves this unreachable
            assert_never(strategy)


def _longest_idle_rank(m: Member) -> tuple[int, float, int]:
    a = m.agent
    return (m.tier, a.idle_since, a.index)


def chooser(strategy: Strategy) -> Chooser:
    """The chooser of ``strategy``.

    Every member of the enum has one: the match is checked exhaustively by the type
    checker (``assert_never``), so a new strategy cannot fall through to another's
    chooser.
    """
    match strategy:
        case Strategy.LONGEST_IDLE:
            return _longest_idle
        case Strategy.ROUND_ROBIN:
            return _round_robin
        case Strategy.FEWEST_HANDLED:
            return _fewest_handled
        case Strategy.LEAST_TALK_TIME:
            return _least_talk_time
        case Strategy.FIXED_ORDER:
            return _fixed_order
        case Strategy.HIGHEST_SKILL:
            return _highest_skill
        case Strategy.RANDOM:
            return _random
        case Strategy.WEIGHTED_RANDOM:
            return _weighted_random
        case _:  # pragma: no cover - mypy proves this unreachable
            assert_never(strategy)


CHOOSERS: Mapping[Strategy, Chooser] = MappingProxyType({s: chooser(s) for s in Strategy})
"""Each strategy's chooser."""
