"""The hotline's wallboard: the live monitor fed every ACD and IVR event of its calls."""

from __future__ import annotations

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
