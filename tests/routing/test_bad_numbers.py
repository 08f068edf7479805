"""Numbers, ids and types in routing definitions and calls are checked for what they mean.

A NaN, an infinity, a negative wait or an astronomically large priority passes a type
check yet breaks the engine later (a NaN deadline hangs ``advance``, an ``inf`` key
corrupts a queue, a huge int overflows a float). They are refused when loaded or
passed, each at its full path, all at once.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.cli import main
from callcenter.errors import (
    CallCenterError,
    DefinitionError,
    EngineError,
    InvalidArgumentError,
    NoRouteError,
    Severity,
)
from callcenter.routing import (
    AgentDefinition,
    Channel,
    Contact,
    ContactOffered,
    EscalationStep,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
    RoutingRule,
    RuleSet,
    check_definition,
    load_definition,
)

NASTY = (math.nan, math.inf, -math.inf, 10**400, -1, -30.0, 1e300)


def paths(error: DefinitionError) -> set[str]:
    return {p.path for p in error.problems}


def test_nan_max_wait_and_escalation_are_refused_at_their_paths() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(
            {
                "queues": [
                    {"id": "q", "max_wait": math.nan, "overflow": {"kind": "voicemail"}},
                    {"id": "r", "escalation": [{"after": 5}, {"after": math.nan}]},
                ]
            }
        )
    assert paths(info.value) == {"queues.0.max_wait", "queues.1.escalation.1.after"}


def test_every_problem_of_a_queue_is_reported_at_once() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(
            {
                "queues": [
                    {
                        "id": "q",
                        "aging_rate": math.nan,
                        "ring_timeout": math.inf,
                        "wrap_up": math.inf,
                        "weight": 0,
                        "retry_after": -1,
                    }
                ]
            }
        )
    assert paths(info.value) == {
        "queues.0.aging_rate",
        "queues.0.ring_timeout",
        "queues.0.wrap_up",
        "queues.0.weight",
        "queues.0.retry_after",
    }


def test_rules_that_cannot_route_are_refused_when_loaded() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(
            {
                "queues": [{"id": "q"}],
                "rules": {
                    "default_queue": "q",
                    "rules": [{"age_bonus": -30}, {"priority": 10**400}, {"age_bonus": math.nan}],
                },
            }
        )
    assert paths(info.value) == {
        "rules.rules.0.age_bonus",
        "rules.rules.1.priority",
        "rules.rules.2.age_bonus",
    }


def test_agent_wrap_up_capacity_and_levels_are_checked() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(
            {
                "queues": [{"id": "q"}],
                "agents": [
                    {"id": "a", "wrap_up": -5, "queues": [{"queue": "q"}]},
                    {"id": "b", "wrap_up": math.nan, "skills": {"x": -1}},
                    {"id": "c", "queues": [{"queue": "q", "tier": 0}]},
                ],
            }
        )
    assert paths(info.value) == {
        "agents.0.wrap_up",
        "agents.2.queues.0.tier",
        "agents.1.wrap_up",
        "agents.1.skills.x",
    }


@pytest.mark.parametrize("bad_id", ["", "x" * 1000, 5, None])
def test_contact_ids_are_checked(bad_id: object) -> None:
    with pytest.raises(DefinitionError) as info:
        Contact(id=cast(Any, bad_id))
    assert paths(info.value) == {"id"}


@given(
    field=st.sampled_from(["priority", "age_bonus", "sticky_for"]),
    value=st.sampled_from(NASTY),
)
def test_nasty_contact_numbers_are_refused(field: str, value: object) -> None:
    if field == "priority" and value in (-1, -30.0):
        return  # a negative priority is a priority
    with pytest.raises(DefinitionError) as info:
        Contact(id="c", **cast(Any, {field: value}))
    assert paths(info.value) == {field}


@given(value=st.sampled_from(NASTY))
def test_nasty_escalation_numbers_are_refused(value: object) -> None:
    with pytest.raises(DefinitionError):
        EscalationStep(after=cast(Any, value))
    if value != -1 and value != -30.0:
        with pytest.raises(DefinitionError):
            EscalationStep(after=1, priority_boost=cast(Any, value))


def one_queue(**queue: Any) -> RoutingDefinition:
    return RoutingDefinition(
        queues=(QueueDefinition(id="q", **queue),),
        agents=(AgentDefinition(id="a", queues=(Membership(queue="q"),)),),
    )


def test_a_huge_priority_is_refused_and_the_caller_kept() -> None:
    engine = RoutingEngine(one_queue())
    engine.enqueue(Contact(id="c"), "q", now=0.0)
    with pytest.raises(InvalidArgumentError):
        engine.set_priority("c", 10**400, now=1.0)
    assert engine.waiting("q") == ["c"]
    events = engine.login("a", now=2.0)
    assert [e.contact_id for e in events if isinstance(e, ContactOffered)] == ["c"]


def test_route_without_a_queue_raises_a_library_error() -> None:
    engine = RoutingEngine(one_queue())
    with pytest.raises(NoRouteError) as info:
        engine.route(Contact(id="c", attributes={"tier": "gold"}), now=0.0)
    assert isinstance(info.value, EngineError)
    assert isinstance(info.value, LookupError)
    assert "default_queue" in str(info.value)
    with pytest.raises(NoRouteError):
        RuleSet().decide({})


def test_route_refuses_what_is_not_a_contact() -> None:
    engine = RoutingEngine(one_queue())
    with pytest.raises(InvalidArgumentError):
        engine.route(cast(Any, {"id": "c"}), now=0.0)


def test_a_rule_with_a_set_condition_does_not_choke_on_unhashable_values() -> None:
    rules = RuleSet(rules=(RoutingRule(when={"tier": {"VIP"}}, queue="q"),), default_queue="q")
    assert rules.decide({"tier": ["VIP"]}).matched == ()


def test_overflow_and_escalation_cycles_are_warnings() -> None:
    from callcenter.routing import Overflow, OverflowKind

    definition = RoutingDefinition(
        queues=(
            QueueDefinition(
                id="a", max_wait=30, overflow=Overflow(kind=OverflowKind.QUEUE, queue="b")
            ),
            QueueDefinition(id="b", escalation=(EscalationStep(after=10, move_to="a"),)),
            QueueDefinition(id="c", escalation=(EscalationStep(after=10, move_to="a"),)),
        )
    )
    problems = check_definition(definition)
    assert {p.path for p in problems} == {
        "queues.0.overflow.queue",
        "queues.1.escalation.0.move_to",
    }
    assert all(p.severity is Severity.WARNING for p in problems)
    assert "a -> b -> a" in problems[0].message
    RoutingEngine(definition)  # a warning does not stop the engine


def test_route_check_fails_nan_and_prints_cycle_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"queues": [{"id": "q", "max_wait": NaN, "overflow": {"kind": "voicemail"}}]}')
    assert main(["route", "check", str(bad)]) == 1
    assert "queues.0.max_wait" in capsys.readouterr().err
    cyclic = tmp_path / "cyclic.toml"
    cyclic.write_text(
        '[[queues]]\nid = "a"\nescalation = [{after = 5, move_to = "b"}]\n'
        '[[queues]]\nid = "b"\nescalation = [{after = 5, move_to = "a"}]\n'
    )
    assert main(["route", "check", str(cyclic)]) == 0
    assert "warning: contacts can go round in a cycle" in capsys.readouterr().err


@pytest.mark.parametrize(
    "make",
    [
        lambda: RoutingEngine(cast(Any, {"queues": []})),
        lambda: RoutingEngine(RoutingDefinition(), seed=cast(Any, [1])),
        lambda: RoutingEngine(RoutingDefinition(), explain=cast(Any, "yes")),
        lambda: RoutingDefinition(queues=cast(Any, [QueueDefinition(id="q")])),
        lambda: QueueDefinition(id="q", strategy=cast(Any, "random")),
        lambda: AgentDefinition(id="a", capacity=cast(Any, {"voice": 1})),
    ],
)
def test_wrong_types_get_library_errors(make: Any) -> None:
    with pytest.raises(CallCenterError):
        make()


def test_wrong_id_types_in_calls_are_refused() -> None:
    engine = RoutingEngine(one_queue())
    for call in (
        lambda: engine.accept(cast(Any, ["c"]), 1.0),
        lambda: engine.complete(cast(Any, {}), 1.0),
        lambda: engine.login(cast(Any, ["a"]), 1.0),
        lambda: engine.enqueue(Contact(id="c"), cast(Any, ["q"]), 1.0),
        lambda: engine.login("a", 1.0, ready=cast(Any, "no")),
        lambda: engine.waiting(cast(Any, ["q"])),
    ):
        with pytest.raises(InvalidArgumentError):
            call()
    assert engine.now is None


# ---------------------------------------------------------------------------- equality


def test_agents_differing_in_skills_or_capacity_differ() -> None:
    a = AgentDefinition(id="a", skills={"vip": 1})
    assert a != AgentDefinition(id="a", skills={"vip": 5})
    assert a == AgentDefinition(id="a", skills={"vip": 1})
    assert hash(a) == hash(AgentDefinition(id="a", skills={"vip": 1}))
    assert AgentDefinition(id="a", capacity={Channel.VOICE: 1}) != AgentDefinition(
        id="a", capacity={Channel.VOICE: 2}
    )


def test_rules_definitions_and_contacts_see_their_mappings() -> None:
    assert RoutingRule(when={"tier": "VIP"}) != RoutingRule(when={"tier": "gold"})
    assert RoutingRule(when={"tier": ["a", "b"]}) == RoutingRule(when={"tier": ["a", "b"]})
    assert hash(RoutingRule(when={"tier": ["a"]})) == hash(RoutingRule(when={"tier": ["a"]}))
    running = one_queue()
    reloaded = RoutingDefinition(
        queues=running.queues,
        agents=(AgentDefinition(id="a", skills={"x": 2}, queues=(Membership(queue="q"),)),),
    )
    assert running != reloaded
    assert Contact(id="c", attributes={"tier": "VIP"}) != Contact(
        id="c", attributes={"tier": "gold"}
    )
    assert hash(Contact(id="c", attributes={"w": [1, {"x": 2}]})) == hash(
        Contact(id="c", attributes={"w": [1, {"x": 2}]})
    )
