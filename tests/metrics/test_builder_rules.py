"""The record builder's rules table: what it covers, what the builder does with it, its page."""

from __future__ import annotations

import math
import typing
from pathlib import Path

import attrs
import pytest

from callcenter import ivr
from callcenter import routing as rt
from callcenter.errors import DuplicateIdError, IllegalTransitionError, InvalidArgumentError
from callcenter.metrics import RecordBuilder
from callcenter.metrics._builder_page import builder_page, to_mermaid
from callcenter.metrics._builder_rules import RULES, Phase, allowed_in, rule_of

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _events(alias: object) -> set[type]:
    return set(typing.get_args(alias))


def test_the_table_has_one_rule_per_event_class_the_builder_takes() -> None:
    classes = [rule.event for rule in RULES]
    assert len(classes) == len(set(classes))
    assert set(classes) == _events(rt.RoutingEvent) | _events(ivr.SessionEvent)
    for rule in RULES:
        assert callable(getattr(RecordBuilder, rule.handler)), rule.handler


def test_legal_phases_and_starts_are_read_from_the_moves() -> None:
    queued = rule_of(rt.ContactQueued)
    assert queued.legal == (Phase.HANDOFF, Phase.WAITING, Phase.RINGING)
    assert queued.starts
    assert queued.duplicate
    assert rule_of(rt.ContactAnswered).legal == (Phase.RINGING,)
    assert not rule_of(rt.ContactAnswered).starts
    agent = rule_of(rt.AgentStateChanged)
    assert agent.legal == ()
    assert not agent.starts
    # A contact's own events can move it out of every phase but ``wrap``, which
    # only its agent's events (or time) end.
    for phase in Phase:
        assert bool(allowed_in(phase)) == (phase is not Phase.WRAP), phase
    assert agent.moves == ((Phase.WRAP, None),)


def test_allowed_actions_follow_the_table() -> None:
    assert allowed_in(Phase.ACTIVE) == ("complete", "be transferred")
    assert allowed_in(Phase.WRAP) == ()
    assert allowed_in(None) == ("enter an IVR node", "be queued", "be refused")


def _answered_call() -> tuple[RecordBuilder, rt.ContactAnswered]:
    """A builder that has seen contact ``c`` answered by agent ``a``, and the answer."""
    engine = rt.RoutingEngine(
        rt.RoutingDefinition(
            queues=(rt.QueueDefinition(id="q"),),
            agents=(rt.AgentDefinition(id="a", queues=(rt.Membership(queue="q"),)),),
        )
    )
    b = RecordBuilder()
    b.feed_all(engine.login("a", 0.0))
    b.feed_all(engine.enqueue(rt.Contact(id="c"), "q", 10.0))
    answered = engine.accept("c", 12.0)
    b.feed_all(answered)
    (answer,) = [e for e in answered if isinstance(e, rt.ContactAnswered)]
    return b, answer


def test_a_refused_event_lists_the_actions_legal_in_the_contacts_phase() -> None:
    b, answer = _answered_call()
    with pytest.raises(IllegalTransitionError) as caught:
        b.feed(answer)  # answered twice
    error = caught.value
    assert (error.entity, error.state, error.action) == ("contact 'c'", "active", "be answered")
    assert error.allowed == ("complete", "be transferred")
    assert "allowed now: 'complete', 'be transferred'" in str(error)


def test_an_event_about_an_unknown_contact_lists_the_actions_that_start_one() -> None:
    b, answer = _answered_call()
    with pytest.raises(IllegalTransitionError) as caught:
        b.feed(attrs.evolve(answer, contact_id="ghost"))
    assert caught.value.state == "unknown"
    assert caught.value.allowed == ("enter an IVR node", "be queued", "be refused")


def test_a_start_about_a_live_contact_it_cannot_follow_is_a_duplicate() -> None:
    b, _ = _answered_call()
    queued = rt.ContactQueued(
        at=20.0,
        contact_id="c",
        queue="q",
        channel=rt.Channel.VOICE,
        priority=0,
        arrived_at=20.0,
        queued_at=20.0,
    )
    with pytest.raises(DuplicateIdError):
        b.feed(queued)
    entered = ivr.NodeEntered(at=20.0, session="c", node="menu", kind="menu")
    with pytest.raises(IllegalTransitionError) as caught:
        b.feed(entered)
    assert caught.value.state == "active"


@pytest.mark.parametrize("bad", [math.inf, math.nan, True])
def test_a_bad_event_time_is_named_in_the_error(bad: object) -> None:
    b, answer = _answered_call()
    with pytest.raises(InvalidArgumentError) as caught:
        b.feed(attrs.evolve(answer, at=bad))  # type: ignore[arg-type]
    assert caught.value.name == "event.at"
    with pytest.raises(InvalidArgumentError) as caught:
        b.close(bad)  # type: ignore[arg-type]
    assert caught.value.name == "now"


def test_the_diagram_draws_every_move_of_the_table() -> None:
    diagram = to_mermaid()
    for rule in RULES:
        for source, target in rule.moves:
            if (source, target) == (None, None):
                continue
            start = "[*]" if source is None else source.value
            end = "[*]" if target is None else target.value
            assert f"    {start} --> {end}: {rule.event.__name__}\n" in diagram


def test_checked_in_builder_page_is_up_to_date() -> None:
    page = DOCS / "reference" / "metrics-builder.md"
    assert page.read_text(encoding="utf-8") == builder_page(), (
        "regenerate with: python -m callcenter.metrics._builder_page "
        "> docs/reference/metrics-builder.md"
    )
