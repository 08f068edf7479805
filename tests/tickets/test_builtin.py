"""Every path of the built-in workflows, through the desk."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest

from callcenter.errors import DuplicateIdError, IllegalTransitionError, InvalidArgumentError
from callcenter.testing import check_ticket_trail
from callcenter.tickets import (
    BUILTIN_WORKFLOWS,
    COMPLAINT,
    Actor,
    ComplaintState,
    EntryKind,
    FieldValue,
    Priority,
    ServiceAreas,
    SlaBreached,
    SlaWarning,
    Ticket,
    TicketClosed,
    TicketDesk,
    TicketOpened,
    TriggerRefusedError,
)

HOUR = 3600.0

COMPLAINT_FIELDS = {
    "customer_phone": "13800138000",
    "category": "late delivery",
    "description": "not arrived",
}


@pytest.fixture
def desk() -> TicketDesk:
    return TicketDesk(BUILTIN_WORKFLOWS.values())


def run(desk: TicketDesk, ticket: Ticket, steps: list[tuple[str, dict[str, Any]]]) -> Ticket:
    now = desk.now or 0.0
    for trigger, fields in steps:
        now += 60.0
        ticket = desk.fire(ticket.id, trigger, actor="a1", now=now, fields=fields)
    check_ticket_trail(desk.workflows[ticket.workflow], ticket)
    return ticket


def test_every_builtin_state_is_used_by_a_transition() -> None:
    for wf in BUILTIN_WORKFLOWS.values():
        touched = {wf.initial} | {t.target for t in wf.transitions}
        touched |= {s for t in wf.transitions for s in t.source}
        assert touched == set(wf.states), wf.name


# ----------------------------------------------------------------------- complaint


def test_complaint_answered_on_the_spot(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = run(desk, t, [("answer_on_spot", {"resolution": "explained the delay"})])
    assert t.state == "closed"
    assert t.closed
    assert t.response is not None
    assert t.response.met is True
    assert t.resolution is not None
    assert t.resolution.met is True


def test_complaint_full_path_with_escalation_and_dispute(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = run(
        desk,
        t,
        [
            ("send_to_qa", {}),
            ("dispatch", {"department": "office-7"}),
            ("escalate", {}),
            ("escalate", {}),
            ("resolve", {"resolution": "refund"}),
            ("feed_back", {"feedback_channel": "email"}),
            ("close", {}),
            ("dispute", {"dispute_reason": "refund too small"}),
        ],
    )
    assert t.state == "in_qa"
    assert not t.closed
    assert t.owner == "a1"
    assert [e.to_state for e in t.trail[3:6]] == ["at_branch", "at_head_office", "resolved"]
    assert t.resolution is not None
    assert t.resolution.running


def test_complaint_cannot_escalate_beyond_head_office(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = run(desk, t, [("dispatch", {"department": "o"}), ("escalate", {}), ("escalate", {})])
    with pytest.raises(TriggerRefusedError) as info:
        desk.fire(t.id, "escalate", actor="a1", now=1000.0)
    assert info.value.allowed == ("resolve",)


def test_a_refused_trigger_says_why_before_what_is_allowed(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    with pytest.raises(TriggerRefusedError) as info:
        desk.fire(t.id, "close", actor="a1", now=1.0)
    error = info.value
    assert isinstance(error, IllegalTransitionError)
    assert str(error) == (
        f"ticket {t.id!r} is recorded: cannot fire 'close' because the trigger is not "
        "defined in this state; allowed now: 'answer_on_spot', 'dispatch', 'send_to_qa'"
    )
    assert error.args == (str(error),)  # one message, built once
    assert (error.entity, error.state, error.action) == (
        f"ticket {t.id!r}",
        "recorded",
        "fire 'close'",
    )
    assert error.reason == "the trigger is not defined in this state"
    copy = pickle.loads(pickle.dumps(error))  # e.g. sent back from a worker process
    assert type(copy) is TriggerRefusedError
    assert str(copy) == str(error)
    assert (copy.ticket_id, copy.trigger, copy.allowed) == (t.id, "close", error.allowed)


def test_complaint_needs_its_fields_on_open(desk: TicketDesk) -> None:
    with pytest.raises(InvalidArgumentError, match="category"):
        desk.open("complaint", actor="a1", now=0.0, fields={"customer_phone": "1"})
    assert len(desk) == 0
    assert desk.take_events() == []


def test_complaint_feedback_channel_must_be_known(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = run(desk, t, [("send_to_qa", {}), ("resolve", {"resolution": "ok"})])
    with pytest.raises(TriggerRefusedError, match="fax"):
        desk.fire(t.id, "feed_back", actor="a1", now=9999.0, fields={"feedback_channel": "fax"})
    assert desk.get(t.id) is t


def sla_story(events: list[Any]) -> list[tuple[str, float, str | None]]:
    """(event, hours, the state the SLA escalated to) for the SLA events."""
    return [
        (type(e).__name__, round(e.at / HOUR, 6), getattr(e, "escalated_to", None))
        for e in events
        if isinstance(e, SlaWarning | SlaBreached)
    ]


def test_complaint_sla_climbs_level_by_level_to_head_office(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    desk.fire(t.id, "dispatch", actor="a1", now=10.0, fields={"department": "o"})
    desk.take_events()
    events = desk.advance(100 * HOUR)
    # each level gets its own 24 hours (the default: the same target again)
    assert sla_story(events) == (
        [
            ("SlaWarning", 19.2, None),
            ("SlaBreached", 24.0, "at_branch"),
            ("SlaWarning", 43.2, None),
            ("SlaBreached", 48.0, "at_head_office"),
            ("SlaWarning", 67.2, None),
            ("SlaBreached", 72.0, None),  # nowhere higher to go
        ]
    )
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert desk.advance(500 * HOUR) == []  # every deadline given once
    assert desk.next_deadline() is None
    t = desk.get(t.id)
    assert t.state == "at_head_office"
    escalations = [e for e in t.trail if e.trigger == "escalate"]
    assert [(e.actor, e.at / HOUR, e.to_state) for e in escalations] == [
        ("sla", 24.0, "at_branch"),
        ("sla", 48.0, "at_head_office"),
    ]
    assert t.resolution is not None
    assert (t.resolution.earlier_breaches, t.resolution.breached) == (2, True)
    assert t.sla_failed(100 * HOUR)
    t = run(desk, t, [("resolve", {"resolution": "refund"})])
    closed_clock = t.resolution
    assert closed_clock is not None
    assert closed_clock.met is False  # the customer's promise was missed at the office


def test_complaint_resolved_in_time_at_the_branch_still_missed_the_sla(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    desk.fire(t.id, "dispatch", actor="a1", now=10.0, fields={"department": "o"})
    # no advance(): the resolve at 30 h gives the office's breach and escalation first
    t = desk.fire(t.id, "resolve", actor="b1", now=30 * HOUR, fields={"resolution": "ok"})
    assert [e.to_state for e in t.trail[-2:]] == ["at_branch", "resolved"]
    assert t.resolution is not None
    assert t.resolution.consumed == 6 * HOUR  # the branch's own clock, from 24 h
    assert t.resolution.earlier_breaches == 1
    assert t.resolution.met is False


def test_complaint_per_level_targets(desk: TicketDesk) -> None:
    strict = attrs.evolve(
        COMPLAINT,
        escalation_sla={
            ComplaintState.AT_BRANCH: 4 * HOUR,
            ComplaintState.AT_HEAD_OFFICE: 2 * HOUR,
        },
    )
    desk = TicketDesk([strict])
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    desk.fire(t.id, "dispatch", actor="a1", now=10.0, fields={"department": "o"})
    events = desk.advance(100 * HOUR)
    assert [(kind, at) for kind, at, _ in sla_story(events)] == (
        [
            ("SlaWarning", 19.2),
            ("SlaBreached", 24.0),
            ("SlaWarning", 27.2),
            ("SlaBreached", 28.0),
            ("SlaWarning", 29.6),
            ("SlaBreached", 30.0),
        ]
    )
    check_ticket_trail(strict, desk.get(t.id))


def test_a_person_escalating_before_the_breach_keeps_the_running_clock(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = run(desk, t, [("dispatch", {"department": "o"}), ("escalate", {})])
    assert t.state == "at_branch"
    assert t.resolution is not None
    assert t.resolution.deadline == 24 * HOUR  # the same promise, not a new one
    assert t.resolution.earlier_breaches == 0


def test_complaint_warning_at_80_percent_of_first_response(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS, priority="urgent")
    assert desk.next_deadline() == pytest.approx(0.8 * 15 * 60)
    events = desk.advance(0.8 * 15 * 60)
    assert len(events) == 1
    warning = events[0]
    assert isinstance(warning, SlaWarning)
    assert warning.clock == "first_response"
    assert warning.deadline == 15 * 60
    assert desk.get(t.id).response is not None


def test_waiting_on_the_customer_pauses_both_clocks(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = desk.fire(t.id, "send_to_qa", actor="q", now=HOUR)
    t = desk.fire(t.id, "ask_customer", actor="q", now=2 * HOUR, fields={"question": "?"})
    assert t.resolution is not None
    assert t.resolution.deadline is None
    assert desk.advance(50 * HOUR) == []
    t = desk.fire(t.id, "customer_replied", actor="q", now=50 * HOUR)
    assert t.resolution is not None
    assert t.resolution.deadline == 50 * HOUR + 22 * HOUR


def test_closed_within_sla_event(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    run(desk, t, [("answer_on_spot", {"resolution": "ok"})])
    closed = [e for e in desk.take_events() if isinstance(e, TicketClosed)]
    assert len(closed) == 1
    assert closed[0].within_sla is True
    assert closed[0].first_response_met is True
    assert closed[0].resolution_met is True


def test_closed_late_event_names_the_missed_clock(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    run(desk, t, [("send_to_qa", {})])  # first response at 60 s
    desk.advance(25 * HOUR)
    t = desk.fire(t.id, "resolve", actor="q", now=25 * HOUR, fields={"resolution": "late"})
    t = desk.fire(t.id, "feed_back", actor="q", now=25 * HOUR, fields={"feedback_channel": "sms"})
    desk.fire(t.id, "close", actor="a1", now=25 * HOUR)
    closed = [e for e in desk.take_events() if isinstance(e, TicketClosed)]
    assert [(e.within_sla, e.first_response_met, e.resolution_met) for e in closed] == [
        (False, True, False)
    ]


# ----------------------------------------------------------------------- ownership


def test_first_contact_ownership_and_transfer(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = desk.fire(t.id, "dispatch", actor="b9", now=1.0, fields={"department": "o"})
    assert t.owner == "a1"
    t = desk.transfer(t.id, to="a2", actor="sup", now=2.0, comment="a1 on leave")
    assert t.owner == "a2"
    entry = t.trail[-1]
    assert entry.kind is EntryKind.TRANSFER
    assert entry.actor == "sup"
    assert [(c.name, c.old, c.new) for c in entry.changes] == [("owner", "a1", "a2")]
    with pytest.raises(InvalidArgumentError):
        desk.transfer(t.id, to="a2", actor="sup", now=3.0)
    t = run(desk, t, [("resolve", {"resolution": "x"}), ("feed_back", {"feedback_channel": "sms"})])
    t = run(desk, t, [("close", {})])
    with pytest.raises(IllegalTransitionError):
        desk.transfer(t.id, to="a3", actor="sup", now=9999.0)
    assert desk.get(t.id).owner == "a2"


# ----------------------------------------------------------------------- others


def test_enquiry_paths(desk: TicketDesk) -> None:
    fields = {"customer_phone": "1", "question": "rates?"}
    t = desk.open("enquiry", actor="a1", now=0.0, fields=fields)
    assert run(desk, t, [("answer", {"answer": "see site"})]).state == "answered"
    t = desk.open("enquiry", actor="a1", now=desk.now or 0.0, fields=fields)
    t = run(desk, t, [("refer", {"department": "sales"}), ("answer", {"answer": "quote"})])
    assert t.closed


def test_order_routed_to_the_service_point_of_the_area(desk: TicketDesk) -> None:
    areas = ServiceAreas({"1201": "TJ-central", "120103": "TJ-Hexi"})
    fields = {"customer_phone": "1", "kind": "pickup", "area": "120103", "address": "x"}
    t = desk.open("order", actor="a1", now=0.0, fields=fields)
    t = run(
        desk,
        t,
        [
            ("route", areas.route_fields("120103")),
            ("confirm", {}),
            ("schedule", {"scheduled_at": 5000.0}),
            ("fail", {"failure_reason": "nobody home"}),
            ("schedule", {"scheduled_at": 9000.0}),
            ("complete", {}),
        ],
    )
    assert t.state == "completed"
    assert t.fields["service_point"] == "TJ-Hexi"
    assert t.fields["failed_attempts"] == 1
    assert areas.route_fields("31") == {}
    other = desk.open("order", actor="a1", now=desk.now or 0.0, fields=fields)
    with pytest.raises(TriggerRefusedError, match="service_point"):
        desk.fire(other.id, "route", actor="a1", now=desk.now or 0.0, fields={})


def test_order_cancel_from_any_open_state(desk: TicketDesk) -> None:
    fields = {"customer_phone": "1", "kind": "delivery", "area": "1", "address": "x"}
    t = desk.open("order", actor="a1", now=0.0, fields=fields)
    t = run(desk, t, [("route", {"service_point": "p"}), ("cancel", {"cancel_reason": "dup"})])
    assert t.state == "cancelled"


def test_appointment_window_rules(desk: TicketDesk) -> None:
    fields = {"customer_phone": "1", "kind": "cash_collection", "address": "x"}
    t = desk.open("appointment", actor="a1", now=0.0, fields=fields)
    with pytest.raises(TriggerRefusedError, match="end after it starts"):
        desk.fire(
            t.id, "confirm", actor="a1", now=1.0, fields={"window_start": 10, "window_end": 5}
        )
    t = desk.fire(
        t.id, "confirm", actor="a1", now=1.0, fields={"window_start": 100.0, "window_end": 200.0}
    )
    with pytest.raises(TriggerRefusedError, match="still open"):
        desk.fire(t.id, "miss", actor="a1", now=150.0)
    t = desk.fire(t.id, "miss", actor="a1", now=201.0)
    t = desk.fire(
        t.id, "reschedule", actor="a1", now=202.0, fields={"window_start": 300, "window_end": 400}
    )
    t = desk.fire(t.id, "arrive", actor="c1", now=310.0)
    with pytest.raises(TriggerRefusedError, match="amount_collected"):
        desk.fire(t.id, "complete", actor="c1", now=320.0)
    t = desk.fire(t.id, "complete", actor="c1", now=320.0, fields={"amount_collected": 250.0})
    assert t.state == "done"


def test_callback_attempts_and_give_up(desk: TicketDesk) -> None:
    t = desk.open("callback", actor="a1", now=0.0, fields={"customer_phone": "1", "reason": "r"})
    with pytest.raises(TriggerRefusedError, match="keep trying"):
        desk.fire(t.id, "give_up", actor="a1", now=1.0)
    t = run(desk, t, [("attempt_failed", {"outcome": "busy"})] * 3)
    assert t.fields["attempts"] == 3
    with pytest.raises(TriggerRefusedError, match="attempts are used"):
        desk.fire(t.id, "attempt_failed", actor="a1", now=9999.0, fields={"outcome": "busy"})
    t = run(desk, t, [("give_up", {})])
    assert t.state == "abandoned"


def test_callback_reached(desk: TicketDesk) -> None:
    t = desk.open("callback", actor="a1", now=0.0, fields={"customer_phone": "1", "reason": "r"})
    t = run(desk, t, [("attempt_failed", {"outcome": "no_answer"}), ("reached", {"result": "ok"})])
    assert t.state == "completed"
    assert t.response is None  # callbacks have no first-response target


def test_claim_needs_an_approver(desk: TicketDesk) -> None:
    fields: dict[str, FieldValue] = {
        "customer_phone": "1",
        "waybill": "W1",
        "loss_kind": "damage",
        "claimed_amount": 500,
    }
    t = desk.open("claim", actor="a1", now=0.0, fields=fields)
    t = run(
        desk,
        t,
        [
            ("investigate", {}),
            ("request_documents", {"documents_requested": "photos"}),
            ("documents_received", {}),
        ],
    )
    with pytest.raises(TriggerRefusedError, match="exceeds"):
        desk.fire(t.id, "assess", actor="a1", now=9000.0, fields={"compensation_amount": 900})
    t = desk.fire(t.id, "assess", actor="a1", now=9000.0, fields={"compensation_amount": 300})
    with pytest.raises(TriggerRefusedError, match="roles"):
        desk.fire(t.id, "approve", actor="a1", now=9001.0)
    approver = Actor(id="boss", roles={"claims_approver"})
    t = desk.fire(t.id, "approve", actor=approver, now=9001.0)
    assert t.resolution is not None
    assert t.resolution.met is True
    t = desk.fire(t.id, "pay", actor="fin", now=9002.0, fields={"payment_reference": "P-1"})
    assert t.state == "paid"


def test_claim_rejected(desk: TicketDesk) -> None:
    fields: dict[str, FieldValue] = {
        "customer_phone": "1",
        "waybill": "W1",
        "loss_kind": "theft",
        "claimed_amount": 5,
    }
    t = desk.open("claim", actor="a1", now=0.0, fields=fields)
    approver = Actor(id="boss", roles={"claims_approver"})
    t = desk.fire(t.id, "investigate", actor="a1", now=1.0)
    t = desk.fire(t.id, "reject", actor=approver, now=2.0, fields={"rejection_reason": "no proof"})
    assert t.state == "rejected"


def test_unsatisfied_survey_opens_a_follow_up(desk: TicketDesk) -> None:
    s = desk.open("survey", actor="a5", now=0.0, fields={"customer_phone": "139", "channel": "sms"})
    desk.take_events()
    desk.fire(s.id, "answer_unsatisfied", actor="a5", now=10.0, fields={"comment": "rude courier"})
    opened = [e for e in desk.take_events() if isinstance(e, TicketOpened)]
    assert len(opened) == 1
    follow = desk.get(opened[0].ticket_id)
    assert opened[0].parent_id == s.id
    assert follow.workflow == "callback"
    assert follow.owner == "a5"
    assert follow.fields["parent_id"] == s.id
    assert follow.customer_phone == "139"


def test_satisfied_survey_opens_nothing(desk: TicketDesk) -> None:
    s = desk.open("survey", actor="a5", now=0.0, fields={"customer_phone": "139"})
    desk.fire(s.id, "answer_satisfied", actor="a5", now=10.0)
    assert len(desk) == 1


def test_complaint_rebuilt_from_trail_after_everything(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS, priority=Priority.HIGH)
    desk.fire(t.id, "send_to_qa", actor="q", now=10.0)
    desk.fire(t.id, "ask_customer", actor="q", now=20.0, fields={"question": "?"})
    desk.advance(5 * HOUR)
    desk.fire(t.id, "customer_replied", actor="q", now=6 * HOUR)
    desk.fire(t.id, "dispatch", actor="q", now=7 * HOUR, fields={"department": "o"})
    desk.advance(40 * HOUR)
    final = desk.get(t.id)
    assert COMPLAINT.replay(final.id, final.trail) == final


def test_ticket_fields_are_read_only(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    with pytest.raises(TypeError):
        t.fields["category"] = "other"  # type: ignore[index]
    assert t.fields["category"] == "late delivery"


def test_replay_refuses_a_tampered_trail(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    t = desk.fire(t.id, "send_to_qa", actor="a1", now=1.0)
    t = desk.fire(t.id, "dispatch", actor="a1", now=2.0, fields={"department": "o"})
    with pytest.raises(InvalidArgumentError):
        COMPLAINT.replay(t.id, (t.trail[0], t.trail[2]))
    with pytest.raises(InvalidArgumentError):
        COMPLAINT.replay(t.id, t.trail[1:])
    with pytest.raises(InvalidArgumentError):
        BUILTIN_WORKFLOWS["enquiry"].replay(t.id, t.trail)


def test_a_follow_up_that_cannot_open_leaves_everything_unchanged() -> None:
    import enum

    from callcenter.tickets import Transition, Workflow

    class Q(enum.Enum):
        ASKED = "asked"
        BAD = "bad"

    survey = Workflow(
        name="quick_survey",
        states=Q,
        initial=Q.ASKED,
        final={Q.BAD},
        transitions=[Transition(source=Q.ASKED, trigger="bad", target=Q.BAD, opens="claim")],
    )
    desk = TicketDesk([survey, BUILTIN_WORKFLOWS["claim"]])
    t = desk.open("quick_survey", actor="a1", now=0.0, fields={"customer_phone": "1"})
    desk.take_events()
    with pytest.raises(InvalidArgumentError, match="waybill"):
        desk.fire(t.id, "bad", actor="a1", now=1.0)
    assert desk.get(t.id) is t
    assert len(desk) == 1
    assert desk.take_events() == []
    assert desk.now == 0.0
    nxt = desk.open("quick_survey", actor="a1", now=2.0, fields={"customer_phone": "1"})
    assert nxt.id == "T2"


def test_an_escalation_that_opens_a_follow_up() -> None:
    import enum

    from callcenter.tickets import SlaPolicy, SlaTarget, Transition, Workflow

    class R(enum.Enum):
        OPEN = "open"
        HANDED_OVER = "handed_over"
        DONE = "done"

    rush = Workflow(
        name="rush",
        states=R,
        initial=R.OPEN,
        final={R.DONE},
        escalation_trigger="hand_over",
        sla=SlaPolicy(targets={Priority.NORMAL: SlaTarget(resolution=100.0)}),
        transitions=[
            Transition(source=R.OPEN, trigger="hand_over", target=R.HANDED_OVER, opens="callback"),
            Transition(source=(R.OPEN, R.HANDED_OVER), trigger="finish", target=R.DONE),
        ],
    )
    desk = TicketDesk([rush, BUILTIN_WORKFLOWS["callback"]])
    t = desk.open("rush", actor="a1", now=0.0, fields={"customer_phone": "1"})
    events = desk.advance(150.0)  # the level handed over to has its own 100 s from 100 s
    assert [type(e).__name__ for e in events] == [
        "SlaWarning",
        "SlaBreached",
        "TicketTransitioned",
        "TicketOpened",
    ]
    opened = events[-1]
    assert isinstance(opened, TicketOpened)
    assert opened.parent_id == t.id
    follow = desk.get(opened.ticket_id)
    assert follow.owner == "a1"  # the parent's owner
    assert follow.workflow == "callback"
    assert desk.get(t.id).state == "handed_over"


def test_add_and_remove_tickets(desk: TicketDesk) -> None:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    assert desk.next_deadline() is not None
    removed = desk.remove(t.id)
    assert removed is t
    assert t.id not in desk
    assert desk.next_deadline() is None  # its SLA timers went with it
    assert desk.advance(100 * HOUR) == []
    other = TicketDesk(BUILTIN_WORKFLOWS.values())
    other.add(t)
    with pytest.raises(DuplicateIdError):
        other.add(t)
    assert other.next_deadline() == 0.8 * HOUR  # the first-response warning
    with pytest.raises(KeyError):
        TicketDesk([BUILTIN_WORKFLOWS["enquiry"]]).add(t)
    with pytest.raises(DuplicateIdError):
        other.open("complaint", actor="a1", now=1.0, fields=COMPLAINT_FIELDS, ticket_id=t.id)


# ----------------------------------------------------------------------- checked values


def test_an_appointment_window_that_has_ended_cannot_be_confirmed(desk: TicketDesk) -> None:
    fields = {"customer_phone": "1", "kind": "pickup", "address": "x"}
    t = desk.open("appointment", actor="a1", now=1000.0, fields=fields)
    ended = {"window_start": 100.0, "window_end": 900.0}
    with pytest.raises(TriggerRefusedError, match=r"already ended at 900\.0"):
        desk.fire(t.id, "confirm", actor="a1", now=1000.0, fields=ended)
    with pytest.raises(TriggerRefusedError, match="already ended"):  # ends right now
        desk.fire(t.id, "confirm", actor="a1", now=1000.0, fields={**ended, "window_end": 1000})
    with pytest.raises(TriggerRefusedError, match="POSIX seconds"):
        desk.fire(
            t.id,
            "confirm",
            actor="a1",
            now=1000.0,
            fields={"window_start": True, "window_end": 2e3},
        )
    assert desk.get(t.id) == t
    t = desk.fire(
        t.id, "confirm", actor="a1", now=1000.0, fields={"window_start": 500, "window_end": 2000}
    )
    assert t.state == "confirmed"  # already started, not yet ended: fine
    t = desk.fire(t.id, "miss", actor="a1", now=2001.0)
    with pytest.raises(TriggerRefusedError, match="already ended"):
        desk.fire(t.id, "reschedule", actor="a1", now=2002.0, fields=ended)


CLAIM_FIELDS: dict[str, FieldValue] = {
    "customer_phone": "1",
    "waybill": "W1",
    "loss_kind": "damage",
    "claimed_amount": 500.0,
}


@pytest.mark.parametrize("amount", [-5.0, 0, -0.01, 1e16, 10**20, True, "500", None])
def test_a_claim_amount_must_be_a_positive_number_of_sane_size(
    desk: TicketDesk, amount: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"fields\.claimed_amount") as info:
        desk.open("claim", actor="a1", now=0.0, fields={**CLAIM_FIELDS, "claimed_amount": amount})
    assert info.value.got == amount
    assert len(desk) == 0


@pytest.mark.parametrize("amount", [-1.0, 1e16, "300", None, False])
def test_compensation_and_collected_amounts_are_checked_whenever_set(
    desk: TicketDesk, amount: Any
) -> None:
    t = desk.open("claim", actor="a1", now=0.0, fields=CLAIM_FIELDS)
    t = desk.fire(t.id, "investigate", actor="a1", now=1.0)
    with pytest.raises(TriggerRefusedError, match="compensation_amount"):
        desk.fire(t.id, "assess", actor="a1", now=2.0, fields={"compensation_amount": amount})
    with pytest.raises(TriggerRefusedError, match="claimed_amount"):  # later changes too
        desk.fire(
            t.id,
            "request_documents",
            actor="a1",
            now=2.0,
            fields={"documents_requested": "photos", "claimed_amount": -5.0},
        )
    assert desk.get(t.id) == t
    fields = {"customer_phone": "1", "kind": "cash_collection", "address": "x"}
    a = desk.open("appointment", actor="a1", now=3.0, fields=fields)
    a = desk.fire(
        a.id, "confirm", actor="a1", now=4.0, fields={"window_start": 5.0, "window_end": 9.0}
    )
    a = desk.fire(a.id, "arrive", actor="c1", now=6.0)
    with pytest.raises(TriggerRefusedError, match="amount_collected"):
        desk.fire(a.id, "complete", actor="c1", now=7.0, fields={"amount_collected": amount})


def test_roles_given_as_one_text_are_one_role(desk: TicketDesk) -> None:
    t = desk.open("claim", actor="a1", now=0.0, fields=CLAIM_FIELDS)
    t = desk.fire(t.id, "investigate", actor="a1", now=1.0)
    t = desk.fire(t.id, "assess", actor="a1", now=2.0, fields={"compensation_amount": 100})
    with pytest.raises(TriggerRefusedError, match="needs one of the roles"):
        desk.fire(t.id, "approve", actor=Actor(id="x", roles="c"), now=3.0)
    approver = Actor(id="boss", roles="claims_approver")
    assert approver.roles == {"claims_approver"}  # one role, not its letters
    assert desk.fire(t.id, "approve", actor=approver, now=3.0).state == "approved"
    bad: Any
    for bad in (5, [1], ["ok", None], [[]]):
        with pytest.raises(InvalidArgumentError, match=r"actor\.roles"):
            Actor(id="boss", roles=bad)
    with pytest.raises(InvalidArgumentError, match=r"actor\.id"):
        Actor(id=7)  # type: ignore[arg-type]


# ----------------------------------------------------------------------- follow-up owners


def test_a_follow_up_belongs_to_the_owner_not_to_who_fired_the_answer(desk: TicketDesk) -> None:
    s = desk.open("survey", actor="a5", now=0.0, fields={"customer_phone": "139"})
    desk.fire(s.id, "answer_unsatisfied", actor="sms-gateway", now=10.0)
    follow = next(t for t in desk.tickets() if t.workflow == "callback")
    assert follow.owner == "a5"
    assert follow.trail[0].actor == "a5"


def test_a_follow_up_owner_can_be_configured() -> None:
    survey = BUILTIN_WORKFLOWS["survey"]
    rows = tuple(
        attrs.evolve(t, follow_up_owner="revisit_team") if t.opens else t
        for t in survey.transitions
    )
    desk = TicketDesk([attrs.evolve(survey, transitions=rows), BUILTIN_WORKFLOWS["callback"]])
    s = desk.open("survey", actor="a5", now=0.0, fields={"customer_phone": "139"})
    desk.fire(s.id, "answer_unsatisfied", actor="sms-gateway", now=10.0)
    follow = next(t for t in desk.tickets() if t.workflow == "callback")
    assert follow.owner == "revisit_team"


# ----------------------------------------------------------------------- escalation from QA


def _complaint_stuck_in_qa(desk: TicketDesk) -> list[Any]:
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    desk.fire(t.id, "send_to_qa", actor="a1", now=60.0)
    desk.take_events()
    return desk.advance(25 * HOUR)


def test_a_complaint_stuck_in_qa_only_reports_its_breach_by_default(desk: TicketDesk) -> None:
    events = _complaint_stuck_in_qa(desk)
    breaches = [e for e in events if isinstance(e, SlaBreached) and e.clock == "resolution"]
    assert [b.escalated_to for b in breaches] == [None]
    assert desk.get("T1").state == "in_qa"


def test_a_complaint_stuck_in_qa_escalates_when_configured() -> None:
    assert COMPLAINT.escalate_from is not None
    escalating = attrs.evolve(
        COMPLAINT, escalate_from=COMPLAINT.escalate_from | {ComplaintState.IN_QA}
    )
    desk = TicketDesk([escalating])
    events = _complaint_stuck_in_qa(desk)
    breaches = [e for e in events if isinstance(e, SlaBreached) and e.clock == "resolution"]
    assert [b.escalated_to for b in breaches] == ["at_branch"]
    t = desk.get("T1")
    assert t.state == "at_branch"
    assert t.trail[-1].actor == "sla"
    assert t.resolution is not None
    assert t.resolution.earlier_breaches == 1  # the branch gets a fresh clock
    check_ticket_trail(escalating, t)


def test_escalate_from_must_name_states_the_trigger_leaves() -> None:
    with pytest.raises(Exception, match=r"escalate_from\.resolved") as info:
        attrs.evolve(COMPLAINT, escalate_from={ComplaintState.RESOLVED})
    assert "not defined in state 'resolved'" in str(info.value)


def test_replay_refuses_a_trail_of_anything_with_a_typed_error() -> None:
    opening = COMPLAINT.open("C1", actor="a1", now=0.0, fields=COMPLAINT_FIELDS).trail[0]
    no_owner = attrs.evolve(opening, changes=tuple(c for c in opening.changes if c.name != "owner"))
    for trail in ([1], "abc", None, [no_owner], [opening, "x"]):
        with pytest.raises(InvalidArgumentError, match="trail"):
            COMPLAINT.replay("C1", trail)  # type: ignore[arg-type]
