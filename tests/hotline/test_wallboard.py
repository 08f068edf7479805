"""The hotline's wallboard: the live monitor fed every ACD and IVR event of its calls."""

from __future__ import annotations

import datetime

import pytest

from callcenter.errors import InvalidArgumentError, UnknownIdError
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    CallInput,
    Hotline,
)
from callcenter.ivr import CallerHungUp
from callcenter.metrics import format_wallboard
from callcenter.routing import AgentState

from .support import NOON, arrive, definition, press


def test_the_wallboard_follows_calls_from_the_ivr_to_an_agent_and_back() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON + 1)
    board = hotline.wallboard(NOON + 2)
    assert board.in_ivr == 1
    press(hotline, "c1", "2", NOON + 3)  # orders: rings li
    board = hotline.wallboard(NOON + 4)
    assert board.in_ivr == 0
    orders = board.queues["orders"]
    assert (orders.offered, orders.ringing, orders.talking) == (1, 1, 0)
    assert board.agents["li"].state is AgentState.RESERVED
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 10)
    orders = hotline.wallboard().queues["orders"]
    assert (orders.ringing, orders.talking, orders.answered) == (0, 1, 1)
    assert orders.service_level == 1.0  # answered 7 s after queueing, within 20 s
    hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 70)
    board = hotline.wallboard(NOON + 71)
    assert board.queues["orders"].talking == 0
    assert board.agents["li"].state is AgentState.AVAILABLE
    assert "orders" in format_wallboard(board)


def test_an_abandon_in_the_queue_counts_against_the_answer_rate() -> None:
    hotline = Hotline(definition())
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)  # complaints: nobody logged in, it waits
    hotline.handle(CallInput(call_id="c1", event=CallerHungUp()), NOON + 40)
    complaints = hotline.wallboard(NOON + 41).queues["complaints"]
    assert (complaints.waiting, complaints.abandoned) == (0, 1)
    assert complaints.answer_rate == 0.0


def test_a_restored_or_refused_hotline_shows_the_same_wallboard() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON + 1)
    press(hotline, "c1", "2", NOON + 3)
    copy = Hotline.from_dict(hotline.definition, hotline.to_dict())
    assert copy.wallboard(NOON + 5) == hotline.wallboard(NOON + 5)
    with pytest.raises(UnknownIdError):
        hotline.handle(AgentLegAnswered(call_id="nobody", agent_id="li"), NOON + 6)
    assert hotline.wallboard(NOON + 7) == copy.wallboard(NOON + 7)


def test_a_hotline_without_a_wallboard_says_so() -> None:
    hotline = Hotline(definition(), wallboard=False)
    arrive(hotline, "c1", NOON)
    with pytest.raises(InvalidArgumentError, match="wallboard=True"):
        hotline.wallboard()


def test_a_wallboard_asked_ahead_of_the_inputs_is_only_a_question() -> None:
    """A board refreshed for a later instant refuses no input and changes nothing."""
    hotline = Hotline(definition())
    twin = Hotline(definition())
    for h in (hotline, twin):
        h.handle(AgentLoggedIn(agent_id="li"), NOON)
        arrive(h, "c1", NOON + 1)
    ahead = hotline.wallboard(NOON + 100)
    assert ahead.at == NOON + 100
    assert ahead.in_ivr == 1
    # An input between the latest one and the board's instant is still accepted.
    assert press(hotline, "c1", "2", NOON + 3) == press(twin, "c1", "2", NOON + 3)
    assert hotline.to_dict() == twin.to_dict()
    assert hotline.wallboard(NOON + 4) == twin.wallboard(NOON + 4)


def test_a_wallboard_of_the_next_day_starts_its_counters_at_zero_and_changes_nothing() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c2", NOON + 1)
    press(hotline, "c2", "2", NOON + 1)  # orders: rings li
    hotline.handle(AgentLegAnswered(call_id="c2", agent_id="li"), NOON + 1)
    arrive(hotline, "c1", NOON + 1)
    press(hotline, "c1", "3", NOON + 2)  # complaints: li is busy, it waits
    today = hotline.wallboard(NOON + 6)
    tomorrow = hotline.wallboard(NOON + 86_400)
    assert today.queues["orders"].answered == 1
    assert tomorrow.date == today.date + datetime.timedelta(days=1)
    assert tomorrow.queues["orders"].answered == 0
    assert tomorrow.queues["orders"].talking == 1  # still talking
    complaints = tomorrow.queues["complaints"]
    assert (complaints.offered, complaints.waiting) == (1, 1)  # still waiting: offered
    assert complaints.longest_wait_seconds == 86_400 - 2
    # Today's board is as it was: the look at tomorrow moved nothing.
    assert hotline.wallboard(NOON + 6) == today
