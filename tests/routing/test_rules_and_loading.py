"""Routing rules and definition loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import DefinitionError, DocumentError
from callcenter.routing import (
    Channel,
    Contact,
    ContactQueued,
    ContactRefused,
    CrossQueuePolicy,
    RoutingEngine,
    RoutingRule,
    RuleSet,
    SkillRequirement,
    Strategy,
    load_definition,
    load_definition_file,
)
from callcenter.testing import contacts, routing_definitions

RULES = RuleSet(
    rules=(
        RoutingRule(when={"tier": "VIP"}, queue="vip", priority=1),
        RoutingRule(
            when={"language": ["en", "yue"]},
            skills=(SkillRequirement(skill="english", min_level=2),),
            priority=3,
        ),
        RoutingRule(when={"region": "north"}, queue="north", stop=True),
        RoutingRule(when={}, age_bonus=99.0),
    ),
    default_queue="general",
)


def test_first_matching_rule_wins_per_field() -> None:
    decision = RULES.decide({"tier": "VIP", "language": "en"})
    assert (decision.queue, decision.priority, decision.matched) == ("vip", 1, (0, 1, 3))
    assert decision.skills == (SkillRequirement(skill="english", min_level=2),)


def test_list_condition_and_stop() -> None:
    decision = RULES.decide({"language": "yue", "region": "north"}, age_bonus=5.0)
    assert (decision.queue, decision.priority, decision.age_bonus) == ("north", 3, 5.0)


def test_default_queue_and_catch_all() -> None:
    decision = RULES.decide({})
    assert (decision.queue, decision.priority, decision.age_bonus) == ("general", 0, 99.0)


def test_no_queue_and_no_default_is_an_error() -> None:
    with pytest.raises(LookupError, match="default_queue"):
        RuleSet(rules=(RoutingRule(when={"tier": "VIP"}, queue="vip"),)).decide({})


def test_missing_attribute_does_not_match() -> None:
    assert not RoutingRule(when={"tier": "VIP"}).matches({"region": "north"})


@settings(max_examples=60)
@given(routing_definitions(), contacts())
def test_route_always_lands_in_a_defined_queue(definition: Any, contact: Contact) -> None:
    engine = RoutingEngine(definition)
    decision = definition.rules.decide(contact.attributes)
    assert decision.queue in {q.id for q in definition.queues}
    first = engine.route(contact, 0.0)[0]
    assert isinstance(first, ContactQueued | ContactRefused)
    assert first.queue == decision.queue
    if isinstance(first, ContactQueued):
        assert engine.contact_queue(contact.id) == decision.queue


TOML = """
cross_queue = "priority_first"

[[queues]]
id = "vip"
skill = "vip"
strategy = "highest_skill"
start_tier = 1
escalation = [{after = 30, any_tier = true}, {after = 120, move_to = "general"}]

[[queues]]
id = "general"
skill = "enquiry"
max_wait = 300
overflow = {kind = "callback"}

[[agents]]
id = "wang"
skills = {vip = 5, enquiry = 3}
capacity = {voice = 1, chat = 3}
queues = [{queue = "vip"}, {queue = "general", tier = 2}]

[rules]
default_queue = "general"
[[rules.rules]]
when = {tier = "VIP"}
queue = "vip"
priority = 1
"""


def test_load_toml_definition(tmp_path: Path) -> None:
    path = tmp_path / "routing.toml"
    path.write_text(TOML, encoding="utf-8")
    definition = load_definition_file(path)
    assert definition.cross_queue is CrossQueuePolicy.PRIORITY_FIRST
    assert definition.queues[0].strategy is Strategy.HIGHEST_SKILL
    assert definition.queues[0].escalation[1].move_to == "general"
    assert definition.agents[0].capacity == {Channel.VOICE: 1, Channel.CHAT: 3}
    engine = RoutingEngine(definition)
    engine.route(Contact(id="c1", attributes={"tier": "VIP"}), 0)
    assert engine.contact_queue("c1") == "vip"


def test_every_shape_problem_is_reported_with_its_path() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(
            {
                "queues": [{"id": "q", "stratgy": "random"}, {"id": "r", "ring_timeout": -1}],
                "agents": [{"id": "a", "capacity": {"phone": 1}, "skills": {"x": "high"}}],
            }
        )
    paths = {p.path for p in info.value.problems}
    assert paths >= {
        "queues.0.stratgy",
        "queues.1.ring_timeout",
        "agents.0.capacity",
        "agents.0.skills",
    }
    assert "did you mean 'strategy'" in str(info.value)


def test_every_reference_problem_is_reported_at_once() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(
            {
                "queues": [
                    {
                        "id": "q",
                        "overflow": {"kind": "queue"},
                        "escalation": [{"after": 5, "move_to": "x"}],
                    },
                    {"id": "q"},
                ],
                "agents": [{"id": "a", "queues": [{"queue": "nope"}]}, {"id": "a"}],
                "rules": {"default_queue": "gen", "rules": [{"queue": "vipp"}]},
            }
        )
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "queues.0.overflow.queue",
        "queues.0.escalation.0.move_to",
        "queues.1.id",
        "agents.0.queues.0.queue",
        "agents.1.id",
        "rules.rules.0.queue",
        "rules.default_queue",
    ]


def test_unreadable_file_is_a_document_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("queues = [", encoding="utf-8")
    with pytest.raises(DocumentError):
        load_definition_file(path)


@given(st.sampled_from(list(Strategy)))
def test_every_strategy_name_loads(strategy: Strategy) -> None:
    definition = load_definition({"queues": [{"id": "q", "strategy": strategy.value}]})
    assert definition.queues[0].strategy is strategy


def test_shape_and_reference_problems_come_in_one_report() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(
            {
                "queues": [{"id": "vip", "weight": "heavy"}, {"id": "general"}],
                "agents": [{"id": "a", "queues": [{"queue": "genral"}], "skils": {}}],
                "rules": {"default_queue": "vipp"},
            }
        )
    paths = [p.path for p in info.value.problems]
    assert "queues.0.weight" in paths
    assert "agents.0.skils" in paths
    assert "agents.0.queues.0.queue" in paths
    assert "rules.default_queue" in paths
    assert len(paths) == len(set(paths))
    assert "did you mean 'general'" in str(info.value)
