"""Agent legs that ring out at the telephony or cannot reach the phone are missed offers.

A telephony with its own ring timer (a SIP proxy's, Twilio's ``timeout``) reports
``AgentLegDeclined(reason="no-answer")`` before the hotline's ring deadline, and an
unreachable phone ``AgentLegFailed``: both count towards the queue's
``auto_pause_after`` exactly like the hotline's own ring timeout, while a refusal
(``busy``, ``rejected``) does not.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from callcenter.hotline import (
    AgentLegDeclined,
    AgentLegFailed,
    AgentLoggedIn,
    AgentReady,
    CallInput,
    CallPhase,
    ContactFinished,
    Hotline,
    HotlineDefinition,
    HotlineOutput,
    StopRinging,
)
from callcenter.ivr import CallerHungUp
from callcenter.metrics import ContactRecord, Outcome
from callcenter.routing import AgentState

from .support import NOON, arrive, definition, press


def _pausing(after: int) -> HotlineDefinition:
    """The test hotline with ``auto_pause_after`` set on every queue."""
    base = definition()
    queues = tuple(attrs.evolve(q, auto_pause_after=after) for q in base.routing.queues)
    return attrs.evolve(base, routing=attrs.evolve(base.routing, queues=queues))


def _ringing_wang(hotline: Hotline, call_id: str, now: float) -> None:
    arrive(hotline, call_id, now)
    press(hotline, call_id, "3", now + 1)  # complaints: wang is the only agent in
    assert hotline.call(call_id).agent == "wang"


def _records(outputs: list[HotlineOutput]) -> list[ContactRecord]:
    return [o.record for o in outputs if isinstance(o, ContactFinished)]


MISSED = [
    pytest.param(
        lambda c: AgentLegDeclined(call_id=c, agent_id="wang", reason="no-answer"), id="no-answer"
    ),
    pytest.param(
        lambda c: AgentLegFailed(call_id=c, agent_id="wang", reason="unreachable"), id="failed"
    ),
]


@pytest.mark.parametrize("leg", MISSED)
def test_a_leg_the_telephony_reports_unanswered_pauses_the_agent_like_a_ring_timeout(
    leg: Callable[[str], AgentLegDeclined | AgentLegFailed],
) -> None:
    hotline = Hotline(_pausing(1))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    _ringing_wang(hotline, "c1", NOON)
    out = hotline.handle(leg("c1"), NOON + 10)
    assert hotline.agent_state("wang") is AgentState.NOT_READY
    assert hotline.wallboard(NOON + 10).agents["wang"].reason == "missed offers"
    # The telephony already ended the leg: nothing to stop; the call waits again.
    assert not [o for o in out if isinstance(o, StopRinging)]
    assert hotline.call_phase("c1") is CallPhase.QUEUED
    # The paused agent gets no more calls until ready again.
    hotline.advance(NOON + 60)
    assert hotline.call_phase("c1") is CallPhase.QUEUED
    hotline.handle(AgentReady(agent_id="wang"), NOON + 61)
    assert hotline.call_phase("c1") is CallPhase.RINGING


@pytest.mark.parametrize("reason", ["busy", "rejected"])
def test_a_refused_leg_is_no_missed_offer(reason: str) -> None:
    hotline = Hotline(_pausing(1))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    _ringing_wang(hotline, "c1", NOON)
    hotline.handle(AgentLegDeclined(call_id="c1", agent_id="wang", reason=reason), NOON + 5)
    assert hotline.agent_state("wang") is AgentState.AVAILABLE


def test_telephony_no_answers_and_ring_timeouts_count_together() -> None:
    hotline = Hotline(_pausing(2))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    _ringing_wang(hotline, "c1", NOON)
    hotline.handle(AgentLegDeclined(call_id="c1", agent_id="wang", reason="no-answer"), NOON + 10)
    assert hotline.agent_state("wang") is AgentState.AVAILABLE  # one miss of two
    arrive(hotline, "c2", NOON + 11)
    press(hotline, "c2", "3", NOON + 12)  # c1 skips wang for the retry delay: c2 rings
    assert hotline.call("c2").agent == "wang"
    out = hotline.advance(NOON + 32)  # the hotline's own ring timeout: the second miss
    assert StopRinging(call_id="c2", agent_id="wang") in out
    assert hotline.agent_state("wang") is AgentState.NOT_READY


def test_a_missed_leg_keeps_the_ring_time_and_the_wallboard_right() -> None:
    hotline = Hotline(_pausing(1))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    _ringing_wang(hotline, "c1", NOON)  # rings from NOON + 1
    hotline.handle(AgentLegDeclined(call_id="c1", agent_id="wang", reason="no-answer"), NOON + 16)
    board = hotline.wallboard(NOON + 17)
    complaints = board.queues["complaints"]
    assert (complaints.waiting, complaints.ringing, complaints.talking) == (1, 0, 0)
    assert board.agents["wang"].state is AgentState.NOT_READY
    out = hotline.handle(CallInput(call_id="c1", event=CallerHungUp()), NOON + 40)
    [record] = _records(out)
    assert record.outcome is Outcome.ABANDONED_IN_QUEUE
    assert record.ring_seconds == 15.0
    assert hotline.wallboard(NOON + 41).queues["complaints"].abandoned == 1
