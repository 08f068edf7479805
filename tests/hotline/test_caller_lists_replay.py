"""A replay of the input log gives the calls of the past, whatever the caller lists say now.

Caller lists change during the day (a harassing number is blocked, a customer made
VIP). The hotline keeps what the lists answered at each arrival: the rebuild that
undoes a refused input, and :meth:`Hotline.from_dict`, replay with those answers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from callcenter.errors import IllegalTransitionError, InvalidArgumentError
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLoggedIn,
    CallInput,
    CallPhase,
    Hotline,
    HotlineOutput,
)
from callcenter.ivr import ListKind, MemoryCallerLists, PromptFinished, RecordingFinished

from .support import NOON, arrive, definition, press

LATER_BLOCKED = "13812345678"


def _day(hotline: Hotline) -> None:
    """c1 talks to li; c2 and c3 are in the menu, c3's no-input timer running."""
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON, caller=LATER_BLOCKED)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    arrive(hotline, "c2", NOON + 3)
    arrive(hotline, "c3", NOON + 3.5)
    hotline.handle(CallInput(call_id="c3", event=PromptFinished()), NOON + 4)


def _rest(hotline: Hotline) -> list[HotlineOutput]:
    out = hotline.handle(CallInput(call_id="c2", event=PromptFinished()), NOON + 20)
    out += press(hotline, "c2", "3", NOON + 21)
    out += hotline.advance(NOON + 100)
    return out


def test_a_refused_input_after_a_number_was_blocked_leaves_that_numbers_call_alone() -> None:
    """The refusal comes after c3's timer fired, so the hotline is rebuilt from its log:
    c1's arrival must not be refused in the rebuild because its number is blocked now."""
    lists = MemoryCallerLists()
    hotline = Hotline(definition(), caller_lists=lists)
    twin = Hotline(definition(), caller_lists=MemoryCallerLists())
    _day(hotline)
    _day(twin)
    lists.add(LATER_BLOCKED, ListKind.BLOCK, now=NOON + 10)  # blocked during the talk
    saved = hotline.to_dict()
    recording = CallInput(call_id="c2", event=RecordingFinished(reference="r", seconds=1.0))
    with pytest.raises(IllegalTransitionError, match="session 'c2'"):
        hotline.handle(recording, NOON + 20)
    assert hotline.to_dict() == saved
    assert hotline.call("c1").phase is CallPhase.CONNECTED
    assert hotline.call("c3").phase is CallPhase.IVR  # its timer is still to fire
    assert _rest(hotline) == _rest(twin)


def test_a_saved_hotline_keeps_what_the_lists_answered_when_its_calls_came() -> None:
    lists = MemoryCallerLists()
    lists.add("13900000777", ListKind.VIP, now=NOON - 100)
    hotline = Hotline(definition(), caller_lists=lists)
    _day(hotline)
    arrive(hotline, "c4", NOON + 5, caller="13900000777")
    lists.add(LATER_BLOCKED, ListKind.BLOCK, now=NOON + 10)
    lists.remove("13900000777", ListKind.VIP)
    data = json.loads(json.dumps(hotline.to_dict()))
    for given in (lists, None):
        copy = Hotline.from_dict(hotline.definition, data, caller_lists=given)
        assert copy.to_dict() == hotline.to_dict()
        assert copy.live_calls() == hotline.live_calls() == ["c1", "c2", "c3", "c4"]
        session = copy.session("c4")
        assert session is not None
        assert session.attributes["caller_status"] == "vip"  # as when it came
    # A call that comes now is asked about now.
    arrive(hotline, "c5", NOON + 30, caller=LATER_BLOCKED)
    assert hotline.call_phase("c5") is CallPhase.FINISHED


@pytest.mark.parametrize(
    "entry",
    [
        {"at": NOON, "input": {"type": "AgentReady", "agent_id": "li"}, "listed": "vip"},
        {
            "at": NOON,
            "input": {"type": "CallArrived", "call_id": "c1", "line": "main"},
            "listed": "gold",
        },
    ],
)
def test_a_caller_lists_answer_where_none_belongs_is_refused(entry: dict[str, Any]) -> None:
    data = {"format": "callcenter.hotline", "version": 1, "hotline": "test", "seed": 0}
    with pytest.raises(InvalidArgumentError, match=r"data\.log\.0\.listed"):
        Hotline.from_dict(definition(), {**data, "log": [entry]})


@pytest.mark.parametrize("lists", [object(), "blocklist", 5, {"13800138000": "blocked"}])
def test_what_is_no_caller_lists_is_refused_when_the_hotline_is_built(lists: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="caller_lists"):
        Hotline(definition(), caller_lists=lists)
    hotline = Hotline(definition())
    with pytest.raises(InvalidArgumentError, match="caller_lists"):
        Hotline.restore(hotline.definition, hotline.snapshot(), caller_lists=lists)


class _WrongAnswers:
    """Caller lists whose answer is text, not a CallerStatus."""

    def status(self, number: str, now: float) -> object:
        return "blocked"


def test_caller_lists_that_answer_no_status_refuse_the_arrival_and_change_nothing() -> None:
    hotline = Hotline(definition(), caller_lists=_WrongAnswers())  # type: ignore[arg-type]
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    saved = hotline.to_dict()
    with pytest.raises(InvalidArgumentError, match=r"caller_lists\.status"):
        arrive(hotline, "c1", NOON + 1, line="022-5555")  # a line without a flow
    assert hotline.to_dict() == saved
    assert hotline.live_calls() == []
