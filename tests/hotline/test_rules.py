"""The rule tables decide which agent inputs a call's phase or an agent's state refuses."""

from __future__ import annotations

import pytest

from callcenter.errors import IllegalTransitionError
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLegFailed,
    AgentLegRinging,
    AgentLoggedIn,
    AgentLoggedOut,
    CallOnHold,
    CallPhase,
    Hotline,
    HotlineInput,
    TransferRequested,
    WrapUpDone,
)
from callcenter.hotline._rules import AGENT_STATES_REFUSING, CALL_PHASE_NEEDED, PHASE_WITH_AGENT

from .support import NOON, arrive, definition, press

AGENT_CALL_INPUTS: list[HotlineInput] = [
    CallOnHold(call_id="c1", agent_id="li"),
    TransferRequested(call_id="c1", agent_id="li", queue="complaints"),
    AgentLegEnded(call_id="c1", agent_id="li"),
    AgentLegRinging(call_id="c1", agent_id="li"),
    AgentLegAnswered(call_id="c1", agent_id="li"),
    AgentLegDeclined(call_id="c1", agent_id="li"),
    AgentLegFailed(call_id="c1", agent_id="li"),
]


def test_every_agent_input_about_a_call_has_its_rule() -> None:
    assert {type(i) for i in AGENT_CALL_INPUTS} == set(CALL_PHASE_NEEDED)


@pytest.mark.parametrize("item", AGENT_CALL_INPUTS, ids=lambda i: type(i).__name__)
def test_an_agent_input_in_the_wrong_phase_is_refused_as_the_table_says(
    item: HotlineInput,
) -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON + 1)
    press(hotline, "c1", "2", NOON + 2)  # orders: rings at li
    assert hotline.call_phase("c1") is CallPhase.RINGING
    needed, action = CALL_PHASE_NEEDED[type(item)]
    before = hotline.to_dict()
    if needed is CallPhase.RINGING:
        hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 3)
        before = hotline.to_dict()
    with pytest.raises(IllegalTransitionError) as raised:
        hotline.handle(item, NOON + 4)
    assert action in str(raised.value)
    assert PHASE_WITH_AGENT[needed].format(agent="li") in str(raised.value)
    assert hotline.to_dict() == before


def test_presence_inputs_are_refused_in_the_agent_states_the_table_lists() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    with pytest.raises(IllegalTransitionError) as raised:
        hotline.handle(WrapUpDone(agent_id="li"), NOON + 1)  # available: no wrap-up
    assert AGENT_STATES_REFUSING[WrapUpDone].reason in str(raised.value)
    arrive(hotline, "c1", NOON + 1)
    press(hotline, "c1", "2", NOON + 2)  # rings at li: reserved
    with pytest.raises(IllegalTransitionError) as raised:
        hotline.handle(AgentLoggedOut(agent_id="li"), NOON + 3)
    assert AGENT_STATES_REFUSING[AgentLoggedOut].reason in str(raised.value)
