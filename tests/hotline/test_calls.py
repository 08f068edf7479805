"""A call's life through the Hotline: IVR, queue, ring, answer, hang-up, record."""

from __future__ import annotations

from typing import TypeVar

import attrs
import pytest

from callcenter.errors import CallCenterError, IllegalTransitionError, InvalidArgumentError
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
    AnswerCall,
    CallCommand,
    CallInput,
    CallOnHold,
    CallPhase,
    ConnectAgent,
    ContactFinished,
    EndCall,
    HoldCaller,
    HoldTreatment,
    Hotline,
    HotlineOutput,
    Line,
    RejectCall,
    RingAgent,
    StopRinging,
    TicketRule,
    TicketUpdate,
    TransferCall,
    TransferRequested,
    WrapUpDone,
)
from callcenter.hotline._runtime import CATCH_UP
from callcenter.ivr import (
    AskHost,
    CallerHungUp,
    CallerStatus,
    Enqueue,
    FlowBuilder,
    HostAnswered,
    ListKind,
    MemoryCallerLists,
    Play,
    PromptFinished,
    RecordingFinished,
)
from callcenter.metrics import ContactRecord, Outcome
from callcenter.routing import AgentState, RoutingRule
from callcenter.tickets import TicketOpened

from .support import (
    BLOCKED_NUMBER,
    CALLER,
    NIGHT,
    NOON,
    VIP_NUMBER,
    arrive,
    definition,
    kinds,
    press,
)

T = TypeVar("T")


def records(outputs: list[HotlineOutput]) -> list[ContactRecord]:
    return [o.record for o in outputs if isinstance(o, ContactFinished)]


def only(outputs: list[HotlineOutput], kind: type[T]) -> T:
    found = [o for o in outputs if isinstance(o, kind)]
    assert len(found) == 1, outputs
    return found[0]


def test_a_call_through_ivr_queue_ring_answer_hangup_and_record() -> None:
    hotline = Hotline(definition(wrap_up=10.0))
    assert hotline.handle(AgentLoggedIn(agent_id="li"), NOON) == []
    out = arrive(hotline, "c1", NOON + 1)
    assert kinds(out) == ["AnswerCall", "CallCommand", "CallCommand"]
    assert isinstance(only(out, AnswerCall), AnswerCall)
    assert hotline.call_phase("c1") is CallPhase.IVR
    assert hotline.live_calls() == ["c1"]

    out = press(hotline, "c1", "2", NOON + 3)
    assert kinds(out) == ["CallCommand", "HoldCaller", "RingAgent"]
    command = out[0]
    assert isinstance(command, CallCommand)
    assert isinstance(command.command, Enqueue)
    ring = only(out, RingAgent)
    assert (ring.agent_id, ring.endpoint, ring.timeout) == ("li", "8001", 20.0)
    assert ring.context["caller"] == CALLER
    assert hotline.call_phase("c1") is CallPhase.RINGING
    assert hotline.agent_state("li") is AgentState.RESERVED

    assert hotline.handle(AgentLegRinging(call_id="c1", agent_id="li"), NOON + 4) == []
    out = hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 6)
    assert out == [ConnectAgent(call_id="c1", agent_id="li")]
    assert hotline.call_phase("c1") is CallPhase.CONNECTED

    out = hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 66)
    assert out == [EndCall(call_id="c1", reason="agent hung up")]
    assert hotline.call_phase("c1") is CallPhase.FINISHED
    assert hotline.live_calls() == []
    assert hotline.agent_state("li") is AgentState.WRAP_UP
    assert hotline.next_deadline() == NOON + 76

    out = hotline.advance(NOON + 100)
    [record] = records(out)
    assert record.outcome is Outcome.ANSWERED
    assert record.queues == ("orders",)
    assert record.agents == ("li",)
    assert record.answered_at == NOON + 6
    assert record.talk_seconds == 60.0
    assert record.after_contact_seconds == 10.0
    assert record.ivr_path == ("main", "orders")
    assert hotline.agent_state("li") is AgentState.AVAILABLE
    assert hotline.next_deadline() is None


def test_self_service_call_finishes_in_the_ivr_with_one_record() -> None:
    hotline = Hotline(definition())
    arrive(hotline, "c1", NOON)
    out = press(hotline, "c1", "1", NOON + 2)
    plays = [o.command for o in out if isinstance(o, CallCommand)]
    assert isinstance(plays[0], Play)
    assert plays[0].prompt == "status"
    out = hotline.handle(CallInput(call_id="c1", event=PromptFinished()), NOON + 5)
    [record] = records(out)
    assert record.outcome is Outcome.FINISHED_IN_IVR
    assert hotline.call_phase("c1") is CallPhase.FINISHED


def test_ivr_timeout_fires_before_the_next_input() -> None:
    """No input for the menu's 5 s: the flow's no-input way queues the call."""
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    assert hotline.next_deadline() is None  # the menu listens once its prompt played
    hotline.handle(CallInput(call_id="c1", event=PromptFinished()), NOON + 4)
    assert hotline.next_deadline() == NOON + 9  # the menu's 5 s
    # An unrelated input well after the timeout first fires the timeout.
    out = hotline.handle(AgentNotReady(agent_id="li", reason="lunch"), NOON + 15)
    enqueue = [
        o.command for o in out if isinstance(o, CallCommand) and isinstance(o.command, Enqueue)
    ]
    assert [e.queue for e in enqueue] == ["orders"]
    assert kinds(out)[-1] != "CallCommand"
    # The timeout came first, so li was still ready and took the call.
    assert hotline.call_phase("c1") is CallPhase.RINGING


def test_agents_ring_at_their_endpoint_then_their_mobile_then_their_id() -> None:
    hotline = Hotline(definition(rules=[RoutingRule(when={"tier": "VIP"}, queue="vip")]))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    hotline.handle(AgentLoggedIn(agent_id="zhao"), NOON)
    arrive(hotline, "c1", NOON)
    ring = only(press(hotline, "c1", "3", NOON + 1), RingAgent)
    assert (ring.agent_id, ring.endpoint) == ("wang", "sip:8002@pbx")
    arrive(hotline, "c2", NOON + 2, caller=VIP_NUMBER)
    ring = only(press(hotline, "c2", "3", NOON + 3), RingAgent)
    assert (ring.agent_id, ring.endpoint) == ("zhao", "+8613700000009")


def test_vip_rule_changes_the_queue_the_ivr_chose() -> None:
    hotline = Hotline(definition(rules=[RoutingRule(when={"tier": "VIP"}, queue="vip")]))
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON, caller=VIP_NUMBER)
    out = press(hotline, "c1", "2", NOON + 1)  # the IVR says "orders"
    assert only(out, HoldCaller).queue == "vip"
    assert hotline.call("c1").queue == "vip"
    assert hotline.routing.contact_queue("c1") == "vip"
    assert not any(isinstance(o, RingAgent) for o in out)  # li does not serve vip
    # A caller without the tier keeps the IVR's queue.
    arrive(hotline, "c2", NOON + 2)
    out = press(hotline, "c2", "2", NOON + 3)
    assert only(out, HoldCaller).queue == "orders"
    assert only(out, RingAgent).agent_id == "li"


def test_vip_caller_goes_ahead_without_any_rule() -> None:
    hotline = Hotline(definition())
    for cid, caller, at in (("c1", CALLER, 0.0), ("c2", VIP_NUMBER, 1.0)):
        arrive(hotline, cid, NOON + at, caller=caller)
        press(hotline, cid, "2", NOON + at + 0.5)
    assert hotline.routing.waiting("orders") == ["c2", "c1"]
    out = hotline.handle(AgentLoggedIn(agent_id="li"), NOON + 5)
    assert only(out, RingAgent).call_id == "c2"


def test_closed_branch_line_switches_to_the_central_line_at_night() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    # Open: the branch line queues straight to complaints (no flow).
    out = arrive(hotline, "day", NOON, line="022-5555")
    assert kinds(out) == ["AnswerCall", "HoldCaller", "RingAgent"]
    assert hotline.call("day").line == "branch"
    # Closed: the central line's flow answers; the dialled number is kept.
    hotline.advance(NIGHT)
    out = arrive(hotline, "night", NIGHT, line="branch")
    assert kinds(out)[:2] == ["AnswerCall", "CallCommand"]
    view = hotline.call("night")
    assert (view.line, view.dialled, view.phase) == ("main", "022-5555", CallPhase.IVR)


def test_blocked_caller_is_rejected_with_a_blocked_record() -> None:
    hotline = Hotline(definition())
    out = arrive(hotline, "c1", NOON, caller=BLOCKED_NUMBER)
    assert out[0] == RejectCall(call_id="c1", reason="blocked")
    [record] = records(out)
    assert record.outcome is Outcome.BLOCKED
    assert record.caller == BLOCKED_NUMBER
    assert hotline.call_phase("c1") is CallPhase.FINISHED
    assert hotline.live_calls() == []


def test_caller_lists_block_callers_too() -> None:
    lists = MemoryCallerLists()
    lists.add("13811112222", ListKind.BLOCK, now=0.0)
    hotline = Hotline(definition(), caller_lists=lists)
    out = arrive(hotline, "c1", NOON, caller="138-1111-2222")
    assert kinds(out) == ["RejectCall", "ContactFinished"]
    assert lists.status("13811112222", NOON) is CallerStatus.BLOCKED


def test_ring_timeout_stops_ringing_and_the_call_goes_back_to_the_queue() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    assert hotline.next_deadline() == NOON + 21
    out = hotline.advance(NOON + 21)
    assert StopRinging(call_id="c1", agent_id="li") in out
    assert hotline.call_phase("c1") is CallPhase.QUEUED
    # The late answer is moot: the ring timed out first; nothing else happens.
    hotline.handle(AgentReady(agent_id="li"), NOON + 30)
    assert hotline.call_phase("c1") in (CallPhase.RINGING, CallPhase.QUEUED)


def test_answer_that_comes_after_the_ring_deadline_is_ignored() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    out = hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 25)
    assert kinds(out) == ["StopRinging"]
    assert hotline.call_phase("c1") is CallPhase.QUEUED


def test_declined_and_failed_legs_return_the_call() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)
    out = hotline.handle(AgentLegDeclined(call_id="c1", agent_id="wang"), NOON + 2)
    assert StopRinging(call_id="c1", agent_id="wang") not in out
    assert hotline.call_phase("c1") is CallPhase.QUEUED
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON + 3)
    assert hotline.call("c1").agent == "li"
    hotline.handle(AgentLegFailed(call_id="c1", agent_id="li", reason="unreachable"), NOON + 4)
    assert hotline.call_phase("c1") is CallPhase.QUEUED


def test_caller_hangs_up_while_queued_abandons_with_a_record() -> None:
    hotline = Hotline(definition())
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    out = hotline.handle(CallInput(call_id="c1", event=CallerHungUp()), NOON + 40)
    [record] = records(out)
    assert record.outcome is Outcome.ABANDONED_IN_QUEUE
    assert hotline.call_phase("c1") is CallPhase.FINISHED
    assert hotline.routing.waiting("orders") == []


def test_caller_hangs_up_while_ringing_stops_the_agents_phone() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    out = hotline.handle(CallInput(call_id="c1", event=CallerHungUp()), NOON + 3)
    assert StopRinging(call_id="c1", agent_id="li") in out
    assert records(out)[0].outcome is Outcome.ABANDONED_RINGING
    assert hotline.agent_state("li") is AgentState.AVAILABLE


def test_caller_hangs_up_while_connected_ends_the_agents_leg() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    out = hotline.handle(CallInput(call_id="c1", event=CallerHungUp()), NOON + 32)
    assert out[0] == EndCall(call_id="c1", reason="caller hung up")
    assert records(out)[0].outcome is Outcome.ANSWERED


def test_keys_while_queued_are_refused() -> None:
    hotline = Hotline(definition())
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    with pytest.raises(IllegalTransitionError, match="queued"):
        press(hotline, "c1", "5", NOON + 2)


def test_hold_time_is_tracked_into_the_record() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    assert hotline.handle(CallOnHold(call_id="c1", agent_id="li"), NOON + 12) == []
    assert hotline.call("c1").on_hold
    hotline.handle(CallOnHold(call_id="c1", agent_id="li", on=False), NOON + 42)
    out = hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 62)
    [record] = records(out)
    assert record.hold_seconds == 30.0
    assert record.talk_seconds == 30.0


def test_hold_announcements_repeat_while_queued() -> None:
    hotline = Hotline(definition(hold=HoldTreatment(music="jazz", announce_every=30.0)))
    for cid, at in (("c1", 0.0), ("c2", 1.0)):
        arrive(hotline, cid, NOON + at)
        press(hotline, cid, "2", NOON + at + 1)
    assert hotline.next_deadline() == NOON + 31
    out = hotline.advance(NOON + 62)
    holds = [o for o in out if isinstance(o, HoldCaller)]
    assert [(h.call_id, h.position) for h in holds] == [
        ("c1", 1),
        ("c2", 2),
        ("c1", 1),
        ("c2", 2),
    ]
    assert {h.music for h in holds} == {"jazz"}
    assert all(h.expected_wait is None for h in holds)  # no answered call yet
    # Once answered, no more announcements for that call.
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON + 63)
    assert hotline.call("c1").agent == "li"
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 64)
    out = hotline.advance(NOON + 95)  # c1's would be at 91, c2's is at 92
    assert [(h.call_id, h.position) for h in out if isinstance(h, HoldCaller)] == [("c2", 1)]


def test_a_far_now_costs_each_waiting_call_a_bounded_number_of_announcements() -> None:
    """A host that wakes the hotline a day late gets the latest announcements only."""
    hotline = Hotline(definition(hold=HoldTreatment(announce_every=1.0)))
    arrive(hotline, "c1", NOON)
    arrive(hotline, "c2", NOON + 0.5)
    press(hotline, "c1", "2", NOON + 1)  # orders: nobody logged in, they wait
    press(hotline, "c2", "2", NOON + 1.5)
    late = NOON + 86_400.0
    out = hotline.advance(late)
    holds = [o for o in out if isinstance(o, HoldCaller)]
    assert [h.call_id for h in holds].count("c1") == CATCH_UP
    assert [h.call_id for h in holds].count("c2") == CATCH_UP
    assert {h.position for h in holds if h.call_id == "c2"} == {2}
    deadline = hotline.next_deadline()
    assert deadline is not None
    assert late < deadline <= late + 1.0
    # From there on, one a second again, and a replay of the log agrees.
    assert kinds(hotline.advance(late + 1.0)) == ["HoldCaller", "HoldCaller"]
    copy = Hotline.from_dict(hotline.definition, hotline.to_dict())
    assert copy.next_deadline() == hotline.next_deadline()
    assert copy.advance(late + 5.0) == hotline.advance(late + 5.0)


@pytest.mark.parametrize("jump", [1e6, 1e10, 2e11])
def test_a_jump_of_billions_of_announcement_intervals_costs_a_few_announcements(
    jump: float,
) -> None:
    """At the shortest interval a definition allows (a second), a jump of up to the
    latest time the hotline accepts costs at most CATCH_UP announcements, and leaves
    the next one after ``now``. (The hotline also guards against intervals too small
    to move the clock, which definitions refuse.)"""
    hotline = Hotline(definition(hold=HoldTreatment(announce_every=1.0)))
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)
    deadline = hotline.next_deadline()
    assert deadline is not None
    assert deadline > NOON + 1
    for now in (NOON + 1 + jump, NOON + 2 + jump):
        out = hotline.advance(now)
        assert 1 <= len(out) <= CATCH_UP
        deadline = hotline.next_deadline()
        assert deadline is not None
        assert deadline > now


def test_expected_wait_uses_the_queues_mean_talk_time() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c0", NOON)
    press(hotline, "c0", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c0", agent_id="li"), NOON + 2)
    arrive(hotline, "c1", NOON + 3)
    out = press(hotline, "c1", "2", NOON + 4)
    assert only(out, HoldCaller).expected_wait is None
    hotline.handle(AgentNotReady(agent_id="li", reason="break"), NOON + 5)
    hotline.handle(AgentLegEnded(call_id="c0", agent_id="li"), NOON + 122)  # 120 s of talk
    arrive(hotline, "c2", NOON + 130)
    hold = only(press(hotline, "c2", "2", NOON + 131), HoldCaller)
    assert hold.position == 2
    assert hold.expected_wait == 240.0  # 2 ahead x 120 s / 1 agent logged in


def test_queue_overflow_to_voicemail_ends_the_call_and_opens_a_ticket() -> None:
    from callcenter.routing import Overflow, OverflowKind, QueueDefinition

    base = definition(
        ticket_rules=[
            TicketRule(workflow="callback", ivr_result="voicemail", fields={"reason": "vm"})
        ]
    )
    queues = tuple(
        QueueDefinition(
            id=q.id,
            skill=q.skill,
            max_wait=60.0,
            overflow=Overflow(kind=OverflowKind.VOICEMAIL),
        )
        if q.id == "complaints"
        else q
        for q in base.routing.queues
    )
    hotline = Hotline(attrs.evolve(base, routing=attrs.evolve(base.routing, queues=queues)))
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)
    out = hotline.advance(NOON + 100)
    assert EndCall(call_id="c1", reason="voicemail") in out
    update = only(out, TicketUpdate)
    assert isinstance(update.event, TicketOpened)
    assert update.call_id == "c1"
    assert records(out)[0].outcome is Outcome.VOICEMAIL


def test_a_withheld_caller_overflowing_to_voicemail_ends_without_a_ticket() -> None:
    """The callback workflow needs the caller's number: the ticket is not opened,
    and neither the overflow's timer nor any later input is refused for it."""
    from callcenter.routing import Overflow, OverflowKind, QueueDefinition

    base = definition(
        ticket_rules=[
            TicketRule(workflow="callback", ivr_result="voicemail", fields={"reason": "vm"})
        ]
    )
    queues = tuple(
        QueueDefinition(
            id=q.id,
            skill=q.skill,
            max_wait=60.0,
            overflow=Overflow(kind=OverflowKind.VOICEMAIL),
        )
        if q.id == "complaints"
        else q
        for q in base.routing.queues
    )
    hotline = Hotline(attrs.evolve(base, routing=attrs.evolve(base.routing, queues=queues)))
    arrive(hotline, "c1", NOON, caller="")
    press(hotline, "c1", "3", NOON + 1)
    out = hotline.advance(NOON + 100)
    assert EndCall(call_id="c1", reason="voicemail") in out
    assert not [o for o in out if isinstance(o, TicketUpdate)]
    assert records(out)[0].outcome is Outcome.VOICEMAIL
    arrive(hotline, "c2", NOON + 101)  # the hotline goes on
    assert hotline.call_phase("c2") is CallPhase.IVR


def test_voicemail_in_the_ivr_opens_a_ticket_by_rule() -> None:
    rule = TicketRule(workflow="callback", ivr_result="voicemail", fields={"reason": "message"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "9", NOON + 1)
    hotline.handle(CallInput(call_id="c1", event=PromptFinished()), NOON + 3)
    out = hotline.handle(
        CallInput(call_id="c1", event=RecordingFinished(reference="vm1", seconds=20.0)), NOON + 23
    )
    update = only(out, TicketUpdate)
    assert isinstance(update.event, TicketOpened)
    ticket = hotline.desk.get(update.event.ticket_id)
    assert ticket.fields["customer_phone"] == CALLER
    assert ticket.fields["reason"] == "message"


def test_agent_outcome_opens_a_ticket_by_rule_and_queue() -> None:
    rules = [
        TicketRule(workflow="complaint", agent_outcome="complaint", queue="complaints"),
        TicketRule(workflow="enquiry", agent_outcome="complaint", queue="orders"),
    ]
    hotline = Hotline(definition(ticket_rules=rules))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="wang"), NOON + 2)
    fields = {"category": "damage", "description": "box crushed"}
    out = hotline.handle(
        AgentLegEnded(call_id="c1", agent_id="wang", outcome="complaint", fields=fields),
        NOON + 60,
    )
    assert kinds(out) == ["TicketUpdate", "EndCall", "ContactFinished"]
    update = only(out, TicketUpdate)
    assert isinstance(update.event, TicketOpened)
    ticket = hotline.desk.get(update.event.ticket_id)
    assert ticket.workflow == "complaint"
    assert ticket.fields["category"] == "damage"
    assert ticket.owner == "wang"


def test_ticket_fields_a_workflow_refuses_leave_the_call_connected() -> None:
    rule = TicketRule(workflow="complaint", agent_outcome="complaint")
    hotline = Hotline(definition(ticket_rules=[rule]))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="wang"), NOON + 2)
    before = hotline.to_dict()
    with pytest.raises(InvalidArgumentError, match="category"):
        hotline.handle(AgentLegEnded(call_id="c1", agent_id="wang", outcome="complaint"), NOON + 60)
    assert hotline.call_phase("c1") is CallPhase.CONNECTED
    assert hotline.to_dict() == before
    assert len(hotline.desk) == 0


def test_transfer_to_a_queue_waits_there_again() -> None:
    hotline = Hotline(definition(wrap_up=5.0))
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="wang"), NOON + 2)
    for bad in (
        TransferRequested(call_id="c1", agent_id="wang"),
        TransferRequested(call_id="c1", agent_id="wang", queue="orders", number="110"),
        TransferRequested(call_id="c1", agent_id="wang", queue="complaints"),
        TransferRequested(call_id="c1", agent_id="wang", queue="nowhere"),
    ):
        with pytest.raises(CallCenterError):
            hotline.handle(bad, NOON + 30)
    assert hotline.call_phase("c1") is CallPhase.CONNECTED
    out = hotline.handle(
        TransferRequested(call_id="c1", agent_id="wang", queue="orders"), NOON + 30
    )
    assert only(out, HoldCaller).queue == "orders"
    assert hotline.call_phase("c1") is CallPhase.QUEUED
    assert hotline.agent_state("wang") is AgentState.WRAP_UP
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON + 31)
    assert hotline.call("c1").agent == "li"
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 32)
    out = hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 50)
    out += hotline.advance(NOON + 60)
    [record] = records(out)
    assert record.queues == ("complaints", "orders")
    assert record.agents == ("wang", "li")


def test_transfer_to_an_agent_offers_that_agent_first() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)  # complaints: li is the only one ready
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON + 3)
    out = hotline.handle(TransferRequested(call_id="c1", agent_id="li", agent="wang"), NOON + 30)
    assert only(out, RingAgent).agent_id == "wang"
    assert hotline.call("c1").queue == "complaints"


def test_a_transfer_to_the_agent_who_transfers_is_refused_and_changes_nothing() -> None:
    """Like a transfer to the queue the call is in: there is nowhere to go."""
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "3", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    saved = hotline.to_dict()
    with pytest.raises(InvalidArgumentError, match="an agent other than 'li'"):
        hotline.handle(TransferRequested(call_id="c1", agent_id="li", agent="li"), NOON + 3)
    assert hotline.to_dict() == saved
    assert hotline.call("c1").phase is CallPhase.CONNECTED


def test_transfer_to_a_number_lets_the_call_leave() -> None:
    hotline = Hotline(definition())
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    out = hotline.handle(
        TransferRequested(call_id="c1", agent_id="li", number="+862200000000"), NOON + 30
    )
    assert TransferCall(call_id="c1", number="+862200000000") in out
    assert hotline.call_phase("c1") is CallPhase.FINISHED
    assert records(out)[0].outcome is Outcome.ANSWERED


def test_agent_presence_goes_to_the_engine() -> None:
    hotline = Hotline(definition(wrap_up=60.0))
    hotline.handle(AgentLoggedIn(agent_id="li", ready=False), NOON)
    assert hotline.agent_state("li") is AgentState.NOT_READY
    hotline.handle(AgentReady(agent_id="li"), NOON + 1)
    assert hotline.agent_state("li") is AgentState.AVAILABLE
    arrive(hotline, "c1", NOON + 2)
    press(hotline, "c1", "2", NOON + 3)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 4)
    hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 5)
    assert hotline.agent_state("li") is AgentState.WRAP_UP
    out = hotline.handle(WrapUpDone(agent_id="li"), NOON + 6)
    assert records(out)[0].after_contact_seconds == 1.0
    hotline.handle(AgentNotReady(agent_id="li", reason="lunch"), NOON + 7)
    hotline.handle(AgentLoggedOut(agent_id="li"), NOON + 8)
    assert hotline.agent_state("li") is AgentState.LOGGED_OUT


def test_close_ends_wrap_ups_and_agent_intervals_and_is_replayed() -> None:
    hotline = Hotline(definition(wrap_up=60.0), keep_intervals=True)
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 2)
    hotline.handle(AgentLegEnded(call_id="c1", agent_id="li"), NOON + 12)
    assert hotline.open_contacts == 1
    out = hotline.close(NOON + 30)
    [record] = records(out)
    assert record.after_contact_seconds == 18.0
    assert hotline.open_contacts == 0
    intervals = hotline.take_intervals()
    assert [i.state.value for i in intervals] == ["available", "reserved", "busy", "wrap_up"]
    assert intervals[-1].end == NOON + 30
    assert hotline.take_intervals() == []
    copy = Hotline.from_dict(hotline.definition, hotline.to_dict())
    assert copy.to_dict() == hotline.to_dict()
    assert copy.open_contacts == 0
    assert copy.take_intervals() == []


def test_intervals_are_dropped_unless_kept() -> None:
    hotline = Hotline(definition(), keep_intervals=False)
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    hotline.handle(AgentNotReady(agent_id="li", reason="lunch"), NOON + 10)
    hotline.close(NOON + 20)
    assert hotline.take_intervals() == []


def test_a_host_lookup_goes_out_and_its_answer_comes_back_in() -> None:
    flow = (
        FlowBuilder("lookup", start="find")
        .prompt("found", zh="已签收")
        .lookup(
            "find",
            query="waybill_status",
            arguments={"caller": "{caller}"},
            next="say",
            not_found="agent",
            on_failure="agent",
            into="waybill.",
            timeout=5.0,
        )
        .say("say", prompt="found", next="bye", hangup_result="completed")
        .hangup("bye")
        .enqueue("agent", queue="orders")
        .build()
    )
    base = definition()
    hotline = Hotline(
        attrs.evolve(
            base,
            flows={**base.flows, "lookup": flow},
            lines=(*base.lines, Line(id="self", number="95105366", flow="lookup")),
        )
    )
    out = arrive(hotline, "c1", NOON, line="self")
    ask = [o.command for o in out if isinstance(o, CallCommand)]
    assert len(ask) == 1
    assert isinstance(ask[0], AskHost)
    assert ask[0].arguments == {"caller": CALLER}
    assert hotline.next_deadline() == NOON + 5.0
    answer = HostAnswered(request=ask[0].request, values={"status": "signed"})
    out = hotline.handle(CallInput(call_id="c1", event=answer), NOON + 1)
    assert [type(o.command).__name__ for o in out if isinstance(o, CallCommand)] == ["Play"]
    session = hotline.session("c1")
    assert session is not None
    assert session.attributes["waybill.status"] == "signed"
    # A second call whose lookup times out goes to an agent (the flow's failure way).
    arrive(hotline, "c2", NOON + 2, line="95105366")
    out = hotline.advance(NOON + 10)
    assert hotline.call_phase("c2") is CallPhase.QUEUED


@pytest.mark.parametrize("caller", ["anonymous", "sip:alice@example.com", "", "+", "1" * 40])
def test_a_caller_id_that_is_no_number_is_served_like_any_other(caller: str) -> None:
    lists = MemoryCallerLists()
    lists.add(BLOCKED_NUMBER, ListKind.BLOCK, now=0.0)
    hotline = Hotline(definition(), caller_lists=lists)
    out = arrive(hotline, "c1", NOON, caller=caller)
    assert kinds(out)[0] == "AnswerCall"
    assert hotline.call("c1").caller == caller
