"""One timer discipline across engines; refusals that leave the hotline as it was."""

from __future__ import annotations

import math

import attrs
import pytest

from callcenter.errors import (
    CallCenterError,
    DefinitionError,
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
    UnknownIdError,
)
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentNotReady,
    CallArrived,
    CallCommand,
    CallInput,
    CallPhase,
    HoldCaller,
    Hotline,
    HotlineDefinition,
    HotlineOutput,
    Line,
    TicketRule,
    TicketUpdate,
    TransferRequested,
    WrapUpDone,
)
from callcenter.ivr import (
    DigitsPressed,
    Enqueue,
    HostAnswered,
    PromptFinished,
    RecordingFinished,
)
from callcenter.tickets import SlaBreached, SlaWarning, TicketOpened

from .support import NOON, arrive, definition, kinds, press


def _label(o: HotlineOutput) -> str:
    if isinstance(o, CallCommand):
        return f"{type(o.command).__name__}:{o.call_id}"
    if isinstance(o, TicketUpdate):
        return f"{type(o.event).__name__}"
    return f"{type(o).__name__}:{getattr(o, 'call_id', '')}"


def test_timers_of_different_engines_fire_in_deadline_order() -> None:
    """The IVR's timeout (t+7) fires before the ring timeout (t+21) it affects."""
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c2", NOON + 1, line="022-5555")  # straight to complaints: rings at li
    arrive(hotline, "c1", NOON + 1.5)
    hotline.handle(CallInput(call_id="c1", event=PromptFinished()), NOON + 2)
    out = hotline.advance(NOON + 30)
    assert [_label(o) for o in out] == [
        "Enqueue:c1",  # the menu's no-input way, at +7
        "HoldCaller:c1",  # li is busy ringing for c2
        "StopRinging:c2",  # +21
        "RingAgent:c1",  # li is free again and c2 was just declined by li
    ]


def test_sla_clocks_are_timers_of_the_hotline() -> None:
    rule = TicketRule(workflow="enquiry", agent_outcome="enquiry", fields={"question": "rates"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    out = hotline.handle(AgentLegEnded(call_id="c1", agent_id="li", outcome="enquiry"), NOON + 10)
    opened = [o.event for o in out if isinstance(o, TicketUpdate)]
    assert len(opened) == 1
    assert isinstance(opened[0], TicketOpened)
    deadline = hotline.next_deadline()
    assert deadline is not None
    assert deadline == hotline.desk.next_deadline()
    out = hotline.handle(AgentNotReady(agent_id="li", reason="break"), deadline + 1)
    assert isinstance(out[0], TicketUpdate)
    assert isinstance(out[0].event, SlaWarning)
    assert out[0].event.at == deadline


def test_sla_clocks_fire_at_the_deadlines_the_hotline_keeps_of_its_own_tickets() -> None:
    """The desk's deadlines as the hotline's own changes left them, the desk not handed out."""
    rule = TicketRule(workflow="enquiry", agent_outcome="enquiry", fields={"question": "rates"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    hotline.handle(AgentLegEnded(call_id="c1", agent_id="li", outcome="enquiry"), NOON + 10)
    warning = hotline.next_deadline()
    assert warning is not None
    assert warning > NOON + 10
    out = hotline.advance(warning)
    assert [type(o.event) for o in out if isinstance(o, TicketUpdate)] == [SlaWarning]
    breach = hotline.next_deadline()  # the clock the warning left running
    assert breach is not None
    assert breach > warning
    out = hotline.handle(AgentNotReady(agent_id="li", reason="break"), breach)
    assert [type(o.event) for o in out if isinstance(o, TicketUpdate)] == [SlaBreached]
    later = hotline.next_deadline()
    assert later is not None
    assert later > breach
    assert later == hotline.desk.next_deadline()


def test_a_ticket_changed_on_the_desk_directly_moves_the_next_deadline() -> None:
    rule = TicketRule(workflow="enquiry", agent_outcome="enquiry", fields={"question": "rates"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    out = hotline.handle(AgentLegEnded(call_id="c1", agent_id="li", outcome="enquiry"), NOON + 10)
    (opened,) = [o.event for o in out if isinstance(o, TicketUpdate)]
    assert hotline.next_deadline() == hotline.desk.next_deadline() is not None
    # A back office answers the enquiry on the desk, not through the hotline: its SLA
    # clocks stop, and the hotline has no timer left.
    hotline.desk.fire(
        opened.ticket_id, "answer", actor="li", now=NOON + 60, fields={"answer": "ok"}
    )
    assert hotline.desk.next_deadline() is None
    assert hotline.next_deadline() is None


def test_time_going_backwards_is_refused_and_changes_nothing() -> None:
    hotline = Hotline(definition())
    arrive(hotline, "c1", NOON)
    before = hotline.to_dict()
    with pytest.raises(TimeWentBackwardsError):
        arrive(hotline, "c2", NOON - 1)
    with pytest.raises(TimeWentBackwardsError):
        hotline.advance(NOON - 1)
    for bad in (math.nan, math.inf, "noon", None, True, 1.79e12):
        with pytest.raises(InvalidArgumentError):
            hotline.handle(CallArrived(call_id="c3", line="main"), bad)  # type: ignore[arg-type]
    assert hotline.to_dict() == before
    assert hotline.live_calls() == ["c1"]
    assert hotline.now == NOON


def test_refusals_name_what_was_expected() -> None:
    hotline = Hotline(definition())
    arrive(hotline, "c1", NOON)
    with pytest.raises(UnknownIdError, match="line"):
        arrive(hotline, "c2", NOON, line="nowhere")
    with pytest.raises(DuplicateIdError):
        arrive(hotline, "c1", NOON)
    with pytest.raises(UnknownIdError, match="call"):
        press(hotline, "c9", "1", NOON)
    with pytest.raises(UnknownIdError, match="agent"):
        hotline.handle(AgentLoggedIn(agent_id="nobody"), NOON)
    with pytest.raises(InvalidArgumentError, match="call_id"):
        arrive(hotline, "x" * 10_000, NOON)
    with pytest.raises(InvalidArgumentError, match="input"):
        hotline.handle("CallArrived", NOON)  # type: ignore[arg-type]
    with pytest.raises(IllegalTransitionError):
        hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON)
    with pytest.raises(IllegalTransitionError):
        hotline.handle(AgentNotReady(agent_id="li", reason="lunch"), NOON)
    with pytest.raises(IllegalTransitionError, match="not connected"):
        hotline.handle(TransferRequested(call_id="c1", agent_id="li", queue="vip"), NOON)
    assert hotline.live_calls() == ["c1"]


@pytest.mark.parametrize("answer", [False, True])
def test_an_end_of_wrap_up_while_a_call_rings_or_talks_is_refused_in_the_inputs_words(
    answer: bool,
) -> None:
    hotline = Hotline(definition(wrap_up=30.0))
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)  # rings at li
    if answer:
        hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    saved = hotline.to_dict()
    with pytest.raises(IllegalTransitionError) as refused:
        hotline.handle(WrapUpDone(agent_id="li"), NOON + 3)
    message = str(refused.value)
    assert "end wrap-up" in message
    assert "AgentReady" in message
    assert "set_ready" not in message  # the ACD's method, not an input
    assert hotline.to_dict() == saved


def test_a_logout_while_a_call_rings_names_the_ways_out() -> None:
    """Ringing, the way to a logout is to decline the call (or go not ready first)."""
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)  # rings at li
    with pytest.raises(IllegalTransitionError) as refused:
        hotline.handle(AgentLoggedOut(agent_id="li"), NOON + 2)
    allowed = str(refused.value).split("allowed now:")[1]
    assert "AgentLegDeclined" in allowed
    assert "AgentNotReady" in allowed


def _history(hotline: Hotline) -> None:
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    hotline.handle(CallInput(call_id="c1", event=PromptFinished()), NOON + 1)
    arrive(hotline, "c2", NOON + 2)


def _rest(hotline: Hotline) -> list[HotlineOutput]:
    out = hotline.handle(CallInput(call_id="c2", event=PromptFinished()), NOON + 20)
    out += press(hotline, "c2", "3", NOON + 21)
    out += hotline.advance(NOON + 100)
    return out


def test_an_input_refused_after_timers_fired_leaves_the_hotline_as_it_was() -> None:
    """A recording's end while c2's menu listens is refused by c2's session at +20,
    after c1's menu timeout (+6) fired: all of it is undone."""
    hotline = Hotline(definition())
    twin = Hotline(definition())
    _history(hotline)
    _history(twin)
    before = hotline.to_dict()
    with pytest.raises(IllegalTransitionError):
        hotline.handle(
            CallInput(call_id="c2", event=RecordingFinished(reference="r", seconds=1.0)),
            NOON + 20,
        )
    assert hotline.to_dict() == before
    assert hotline.call_phase("c1") is CallPhase.IVR  # its timeout is still to fire
    assert _rest(hotline) == _rest(twin)


def test_an_engine_that_fails_half_way_is_undone_from_the_log() -> None:
    rule = TicketRule(workflow="enquiry", agent_outcome="enquiry", fields={"question": "rates"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)

    def broken(contact_id: str, now: float) -> list[object]:
        raise RuntimeError("disk on fire")

    hotline.routing.complete = broken  # type: ignore[assignment,method-assign]
    with pytest.raises(RuntimeError):
        hotline.handle(AgentLegEnded(call_id="c1", agent_id="li", outcome="enquiry"), NOON + 9)
    # The ticket opened before the failure is gone; the call is still connected.
    assert len(hotline.desk) == 0
    assert hotline.call_phase("c1") is CallPhase.CONNECTED
    out = hotline.handle(AgentLegEnded(call_id="c1", agent_id="li", outcome="enquiry"), NOON + 9)
    assert kinds(out) == ["TicketUpdate", "EndCall", "ContactFinished"]


def test_definition_problems_are_reported_at_once_with_paths() -> None:
    base = definition()
    bad = attrs.evolve(
        base,
        lines=(
            *base.lines,
            Line(id="x", number="1", flow="nope"),
            Line(id="y", number="2", queue="nope", closed_line="y"),
        ),
        ticket_rules=(TicketRule(workflow="nope"),),
    )
    with pytest.raises(DefinitionError) as caught:
        Hotline(bad)
    paths = {p.path for p in caught.value.problems}
    assert {
        "lines.x.flow",
        "lines.y.queue",
        "lines.y.closed_line",
        "ticket_rules.0.workflow",
        "ticket_rules.0",
    } <= paths
    with pytest.raises(InvalidArgumentError):
        Hotline("hotline.toml")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        Hotline(HotlineDefinition(name="x"), seed=1.5)  # type: ignore[arg-type]


def test_queued_callers_are_counted_once_queued_and_announced() -> None:
    hotline = Hotline(definition())
    out = arrive(hotline, "c1", NOON) + press(hotline, "c1", "2", NOON + 1)
    assert [type(o).__name__ for o in out if not isinstance(o, CallCommand)] == [
        "AnswerCall",
        "HoldCaller",
    ]
    assert any(isinstance(o, CallCommand) and isinstance(o.command, Enqueue) for o in out)
    assert isinstance(out[-1], HoldCaller)
    assert out[-1].position == 1


def test_an_ivr_result_rule_must_give_the_fields_its_workflow_needs() -> None:
    rule = TicketRule(workflow="complaint", ivr_result="voicemail", fields={"category": "x"})
    with pytest.raises(DefinitionError, match="description"):
        Hotline(definition(ticket_rules=[rule]))


def test_a_refused_ticket_of_an_ivr_result_does_not_refuse_the_callers_input() -> None:
    """The IVR's voicemail ends the session and the desk refuses the ticket: the caller
    did finish recording, so the call ends as voicemail and no ticket is opened."""
    rule = TicketRule(workflow="callback", ivr_result="voicemail", fields={"reason": "vm"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "9", NOON + 1)
    hotline.handle(CallInput(call_id="c1", event=PromptFinished()), NOON + 3)

    def refuse(*args: object, **kwargs: object) -> object:
        raise InvalidArgumentError(name="fields", expected="something", got=None)

    hotline.desk.open = refuse  # type: ignore[assignment,method-assign]
    finished = CallInput(call_id="c1", event=RecordingFinished(reference="vm", seconds=9.0))
    out = hotline.handle(finished, NOON + 12)
    assert "TicketUpdate" not in kinds(out)
    assert kinds(out)[-1] == "ContactFinished"
    assert hotline.call_phase("c1") is CallPhase.FINISHED
    assert len(hotline.desk) == 0


def test_bad_values_and_impossible_agent_moves_are_refused_before_any_timer() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)  # rings at li until +21
    deadline = hotline.next_deadline()
    for bad in (
        CallInput(call_id="c1", event=DigitsPressed(digits="x")),
        CallInput(call_id="c1", event=HostAnswered(request=True, values={})),
        AgentLoggedOut(agent_id="li"),
        WrapUpDone(agent_id="li"),
    ):
        with pytest.raises(CallCenterError):
            hotline.handle(bad, NOON + 30)
        assert hotline.next_deadline() == deadline  # the ring timeout has not fired
    arrive(hotline, "c2", NOON + 30)
    with pytest.raises(InvalidArgumentError, match="digits"):
        press(hotline, "c2", "1x", NOON + 31)
    with pytest.raises(IllegalTransitionError, match="wrap"):
        hotline.handle(WrapUpDone(agent_id="li"), NOON + 31)


def test_every_event_of_a_ticket_a_call_opened_names_the_call() -> None:
    rule = TicketRule(workflow="enquiry", agent_outcome="enquiry", fields={"question": "rates"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    hotline.handle(AgentLegEnded(call_id="c1", agent_id="li", outcome="enquiry"), NOON + 10)
    deadline = hotline.next_deadline()
    assert deadline is not None
    out = hotline.advance(deadline)
    updates = [o for o in out if isinstance(o, TicketUpdate)]
    assert updates
    assert all(isinstance(u.event, SlaWarning) and u.call_id == "c1" for u in updates)


def test_the_intervals_of_an_input_that_fails_half_way_are_undone_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from callcenter.hotline import _runtime

    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    before = hotline.take_intervals()
    assert before  # the agent's time ready before the call

    def broken(**fields: object) -> object:
        raise RuntimeError("disk on fire")

    # The record goes out last: the agent's talking interval is closed by then.
    monkeypatch.setattr(_runtime, "_new_contact_finished", broken)
    with pytest.raises(RuntimeError):
        hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 60)
    assert hotline.take_intervals() == []
    monkeypatch.undo()
    hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 60)
    hotline.close(NOON + 600)
    talking = [i for i in hotline.take_intervals() if i.end == NOON + 60]
    assert len(talking) == 1, talking


class _Text(str):
    """Text that is not a plain ``str`` (an input must carry plain text)."""


@pytest.mark.parametrize("field", ["call_id", "agent_id"])
def test_an_agent_input_naming_its_call_and_agent_in_text_look_alikes_is_refused(
    field: str,
) -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)  # rings at li
    assert hotline.call("c1").agent == "li"
    before = hotline.to_dict()
    ids = {"call_id": "c1", "agent_id": "li"}
    ids[field] = _Text(ids[field])
    with pytest.raises(InvalidArgumentError, match=field):
        hotline.handle(AgentLegAnswered(**ids), NOON + 2)
    assert hotline.to_dict() == before
    assert hotline.call_phase("c1") is CallPhase.RINGING
