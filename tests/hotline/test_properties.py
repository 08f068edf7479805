"""Properties: hostile inputs only raise library errors and leave no trace; a saved
hotline goes on exactly like the original."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import CallCenterError
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLegFailed,
    AgentLegRinging,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentNotReady,
    AgentReady,
    CallArrived,
    CallInput,
    CallOnHold,
    CallPhase,
    HoldTreatment,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    HotlineOutput,
    TicketRule,
    TransferRequested,
    WrapUpDone,
    input_from_dict,
    input_to_dict,
)
from callcenter.ivr import (
    CallerHungUp,
    DigitsPressed,
    HostAnswered,
    PromptFinished,
    RecordingFinished,
    SpeechHeard,
)

from .support import BLOCKED_NUMBER, CALLER, NOON, VIP_NUMBER, definition

CALLS = ("c0", "c1", "c2", "c3")
AGENTS = ("li", "wang", "zhao")


def _definition() -> HotlineDefinition:
    return definition(
        hold=HoldTreatment(announce_every=15.0),
        wrap_up=8.0,
        ticket_rules=[
            TicketRule(workflow="complaint", agent_outcome="complaint"),
            TicketRule(workflow="enquiry", agent_outcome="enquiry", fields={"question": "?"}),
            TicketRule(workflow="callback", ivr_result="voicemail", fields={"reason": "vm"}),
        ],
    )


DEFINITION = _definition()

calls = st.sampled_from(CALLS)
agents = st.sampled_from(AGENTS)
ivr_events = st.sampled_from(
    [
        DigitsPressed(digits="1"),
        DigitsPressed(digits="2"),
        DigitsPressed(digits="3"),
        DigitsPressed(digits="9"),
        PromptFinished(),
        CallerHungUp(),
        RecordingFinished(reference="vm", seconds=12.0),
        SpeechHeard(text="agent"),
    ]
)
fields = st.sampled_from(
    [{}, {"category": "damage", "description": "crushed"}, {"category": "late"}]
)

inputs: st.SearchStrategy[HotlineInput] = st.one_of(
    st.builds(
        CallArrived,
        call_id=calls,
        line=st.sampled_from(["main", "4008001234", "branch"]),
        caller=st.sampled_from([CALLER, VIP_NUMBER, BLOCKED_NUMBER, ""]),
    ),
    st.builds(CallInput, call_id=calls, event=ivr_events),
    st.builds(CallInput, call_id=calls, event=st.just(CallerHungUp())),
    st.builds(AgentLoggedIn, agent_id=agents, ready=st.booleans()),
    st.builds(AgentReady, agent_id=agents),
    st.builds(AgentNotReady, agent_id=agents, reason=st.just("break")),
    st.builds(AgentLoggedOut, agent_id=agents),
    st.builds(WrapUpDone, agent_id=agents),
    st.builds(AgentLegRinging, call_id=calls, agent_id=agents),
    st.builds(AgentLegAnswered, call_id=calls, agent_id=agents),
    st.builds(AgentLegAnswered, call_id=calls, agent_id=agents),
    st.builds(AgentLegDeclined, call_id=calls, agent_id=agents),
    st.builds(AgentLegFailed, call_id=calls, agent_id=agents),
    st.builds(
        AgentLegEnded,
        call_id=calls,
        agent_id=agents,
        outcome=st.sampled_from([None, "complaint", "enquiry"]),
        fields=fields,
    ),
    st.builds(
        TransferRequested,
        call_id=calls,
        agent_id=agents,
        queue=st.sampled_from([None, "orders", "complaints"]),
        agent=st.sampled_from([None, "li", "wang"]),
        number=st.sampled_from([None, "+862200000000"]),
    ),
    st.builds(CallOnHold, call_id=calls, agent_id=agents, on=st.booleans()),
)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.just("x" * 100_000),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.binary(max_size=3),
    st.builds(object),
)


def _maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valid, valid, junk)


hostile_events = st.one_of(
    ivr_events,
    st.builds(DigitsPressed, digits=junk),
    st.builds(HostAnswered, request=junk, values=junk),
    st.builds(RecordingFinished, reference=junk, seconds=junk),
    st.builds(SpeechHeard, text=junk),
    junk,
)

hostile_inputs: st.SearchStrategy[Any] = st.one_of(
    inputs,
    st.builds(
        CallArrived,
        call_id=_maybe(calls),
        line=_maybe(st.just("main")),
        caller=_maybe(st.just(CALLER)),
        caller_name=_maybe(st.just("Wang")),
    ),
    st.builds(CallInput, call_id=_maybe(calls), event=hostile_events),
    st.builds(AgentLoggedIn, agent_id=_maybe(agents), ready=_maybe(st.booleans())),
    st.builds(AgentNotReady, agent_id=_maybe(agents), reason=_maybe(st.just("lunch"))),
    st.builds(AgentLegAnswered, call_id=_maybe(calls), agent_id=_maybe(agents)),
    st.builds(AgentLegDeclined, call_id=_maybe(calls), agent_id=_maybe(agents), reason=junk),
    st.builds(
        AgentLegEnded,
        call_id=_maybe(calls),
        agent_id=_maybe(agents),
        outcome=_maybe(st.just("complaint")),
        fields=_maybe(fields),
    ),
    st.builds(
        TransferRequested,
        call_id=_maybe(calls),
        agent_id=_maybe(agents),
        queue=_maybe(st.just("orders")),
        agent=junk,
        number=junk,
    ),
    st.builds(CallOnHold, call_id=_maybe(calls), agent_id=_maybe(agents), on=junk),
    junk,
)

hostile_times = st.one_of(
    st.floats(min_value=0.0, max_value=3.0),
    st.floats(min_value=0.0, max_value=40.0),
    st.floats(min_value=-5.0, max_value=0.0),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1.8e12, "now", None]),
)


def _run(hotline: Hotline, item: HotlineInput | None, now: float) -> list[HotlineOutput] | str:
    """The outputs, or the name of the library error raised."""
    try:
        if item is None:
            return hotline.advance(now)
        return hotline.handle(item, now)
    except CallCenterError as error:
        return type(error).__name__


def draw_step(data: st.DataObject, hotline: Hotline, serial: list[int]) -> HotlineInput | None:
    """An input that fits the hotline's state most of the time (or None: advance)."""
    general: list[st.SearchStrategy[HotlineInput | None]] = [st.none(), inputs]
    choices: list[st.SearchStrategy[HotlineInput | None]] = []
    serial[0] += 1
    general.append(
        st.builds(
            CallArrived,
            call_id=st.just(f"n{serial[0]}"),
            line=st.sampled_from(["main", "branch"]),
            caller=st.sampled_from([CALLER, VIP_NUMBER, BLOCKED_NUMBER, ""]),
        )
    )
    general.append(st.builds(AgentLoggedIn, agent_id=agents))
    for cid in hotline.live_calls():
        view = hotline.call(cid)
        if view.phase is CallPhase.IVR:
            choices.append(st.builds(CallInput, call_id=st.just(cid), event=ivr_events))
            choices.append(st.builds(CallInput, call_id=st.just(cid), event=ivr_events))
        elif view.phase is CallPhase.RINGING:
            assert view.agent is not None
            ring: st.SearchStrategy[HotlineInput | None] = st.sampled_from(
                [
                    AgentLegAnswered(call_id=cid, agent_id=view.agent),
                    AgentLegAnswered(call_id=cid, agent_id=view.agent),
                    AgentLegDeclined(call_id=cid, agent_id=view.agent),
                ]
            )
            choices += [ring, ring]
        elif view.phase is CallPhase.CONNECTED:
            assert view.agent is not None
            choices.append(
                st.builds(
                    AgentLegEnded,
                    call_id=st.just(cid),
                    agent_id=st.just(view.agent),
                    outcome=st.sampled_from([None, "complaint", "enquiry"]),
                    fields=fields,
                )
            )
            choices.append(
                st.builds(
                    TransferRequested,
                    call_id=st.just(cid),
                    agent_id=st.just(view.agent),
                    queue=st.just("complaints"),
                )
            )
            choices.append(
                st.builds(
                    CallOnHold, call_id=st.just(cid), agent_id=st.just(view.agent), on=st.booleans()
                )
            )
        choices.append(st.builds(CallInput, call_id=st.just(cid), event=st.just(CallerHungUp())))
    if choices:
        call_step = data.draw(st.booleans())
        if call_step:
            return data.draw(st.one_of(choices))
    return data.draw(st.one_of(general))


# Seconds between steps: mostly a few, sometimes enough for timeouts.
gaps = st.sampled_from([3.0, 3.0, 3.0, 40.0]).flatmap(
    lambda top: st.floats(min_value=0.0, max_value=top)
)


@settings(max_examples=60)
@given(data=st.data(), size=st.integers(min_value=0, max_value=60), cut=st.integers(0, 60))
def test_a_saved_hotline_goes_on_exactly_like_the_original(
    data: st.DataObject, size: int, cut: int
) -> None:
    original = Hotline(DEFINITION, seed=7)
    copy: Hotline | None = None
    serial = [0]
    now = NOON
    for agent in AGENTS:
        original.handle(AgentLoggedIn(agent_id=agent), now)
    for index in range(size):
        if index == cut:
            copy = Hotline.from_dict(DEFINITION, json.loads(json.dumps(original.to_dict())))
            assert copy.to_dict() == original.to_dict()
            assert copy.next_deadline() == original.next_deadline()
            assert copy.live_calls() == original.live_calls()
        item = draw_step(data, original, serial)
        now += data.draw(gaps)
        result = _run(original, item, now)
        if copy is not None:
            assert _run(copy, item, now) == result


@settings(max_examples=80)
@given(data=st.data(), size=st.integers(min_value=0, max_value=60))
def test_hostile_inputs_raise_library_errors_and_leave_no_trace(
    data: st.DataObject, size: int
) -> None:
    """A twin fed only the accepted inputs gives the same outputs."""
    hotline = Hotline(DEFINITION)
    twin = Hotline(DEFINITION)
    now = NOON
    for agent in AGENTS:
        hotline.handle(AgentLoggedIn(agent_id=agent), now)
        twin.handle(AgentLoggedIn(agent_id=agent), now)
    serial = [0]
    for _ in range(size):
        item: Any = draw_step(data, hotline, serial)
        if data.draw(st.booleans()):
            item = data.draw(st.one_of(st.none(), hostile_inputs))
        dt: Any = data.draw(hostile_times)
        at: Any = now + dt if isinstance(dt, float) else dt
        before = (hotline.next_deadline(), hotline.live_calls())
        try:
            out = hotline.advance(at) if item is None else hotline.handle(item, at)
        except CallCenterError:
            assert (hotline.next_deadline(), hotline.live_calls()) == before
            continue
        now = at
        expected = twin.advance(at) if item is None else twin.handle(item, at)
        assert out == expected
    assert hotline.to_dict() == twin.to_dict()


@given(item=inputs)
def test_inputs_survive_json(item: HotlineInput) -> None:
    data = json.loads(json.dumps(input_to_dict(item)))
    assert input_from_dict(data) == item


@given(data=st.one_of(junk, st.dictionaries(st.sampled_from(["type", "call_id", "x"]), junk)))
def test_bad_input_data_is_refused_with_a_library_error(data: Any) -> None:
    with pytest.raises(CallCenterError):
        input_from_dict(data)
