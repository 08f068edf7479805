"""SLA clocks in business time, against the calendar's own arithmetic."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.calendars import BusinessCalendar
from callcenter.errors import DefinitionError, DuplicateIdError, InvalidArgumentError
from callcenter.testing import business_calendars
from callcenter.tickets import (
    COMPLAINT,
    Priority,
    SlaBreached,
    SlaPolicy,
    SlaTarget,
    SlaWarning,
    TicketDesk,
    Transition,
    TriggerRefusedError,
    Workflow,
)

HOUR = 3600.0
COMPLAINT_FIELDS = {"customer_phone": "13800138000", "category": "late", "description": "x"}
START = 1767225600.0  # 2026-01-01T00:00:00Z, where the generated calendars' special days are


class S(enum.Enum):
    OPEN = "open"
    WAITING = "waiting"
    DONE = "done"


def workflow(calendar: BusinessCalendar | None, target: float) -> Workflow:
    return Workflow(
        name="w",
        states=S,
        initial=S.OPEN,
        final={S.DONE},
        waiting={S.WAITING},
        sla=SlaPolicy(
            targets={Priority.NORMAL: SlaTarget(resolution=target)},
            calendar=calendar,
            warn_fraction=0.75,
        ),
        transitions=[
            Transition(source=S.OPEN, trigger="wait", target=S.WAITING),
            Transition(source=S.WAITING, trigger="back", target=S.OPEN),
            Transition(source=S.OPEN, trigger="done", target=S.DONE),
        ],
    )


def sla_events(events: Sequence[object]) -> list[tuple[str, float]]:
    return [
        ("warning" if isinstance(e, SlaWarning) else "breach", e.at)
        for e in events
        if isinstance(e, SlaWarning | SlaBreached)
    ]


def expected(
    calendar: BusinessCalendar, start: float, used: float, target: float, share: float
) -> float | None:
    return calendar.add_business_seconds(start, max(0.0, target * share - used))


@settings(max_examples=40)
@given(
    calendar=business_calendars(days=20),
    opened=st.integers(min_value=0, max_value=10 * 86400),
    pause_after=st.integers(min_value=0, max_value=3 * 86400),
    pause_for=st.integers(min_value=0, max_value=3 * 86400),
    target=st.integers(min_value=1, max_value=40).map(lambda n: n * 1800.0),
)
def test_business_time_deadlines_with_a_pause(
    calendar: BusinessCalendar, opened: int, pause_after: int, pause_for: int, target: float
) -> None:
    t0 = START + opened
    t1 = t0 + pause_after
    t2 = t1 + pause_for
    desk = TicketDesk([workflow(calendar, target)])
    ticket = desk.open("w", actor="a", now=t0)
    before_pause = sla_events(desk.advance(t1))
    desk.fire(ticket.id, "wait", actor="a", now=t1)
    assert desk.advance(t2) == []  # nothing runs while waiting on the customer
    desk.fire(ticket.id, "back", actor="a", now=t2)
    after = sla_events(desk.advance(t2 + 400 * 86400))

    used = calendar.business_seconds(t0, t1)
    want: list[tuple[str, float]] = []
    for kind, share in (("warning", 0.75), ("breach", 1.0)):
        if used >= target * share:
            at = calendar.add_business_seconds(t0, target * share)
            assert at is not None
            want.append((kind, at))
        else:
            at = expected(calendar, t2, used, target, share)
            if at is not None and at <= t2 + 400 * 86400:
                want.append((kind, at))
    got = before_pause + after
    assert [k for k, _ in got] == [k for k, _ in want]
    assert [a for _, a in got] == pytest.approx([a for _, a in want])


def test_calendar_time_ignores_opening_hours() -> None:
    desk = TicketDesk([workflow(None, 3600.0)])
    desk.open("w", actor="a", now=100.0)
    assert desk.next_deadline() == 100.0 + 2700.0
    assert sla_events(desk.advance(10_000.0)) == [("warning", 2800.0), ("breach", 3700.0)]


def test_a_closed_center_never_breaches() -> None:
    closed = BusinessCalendar(timezone="UTC", weekly={})
    desk = TicketDesk([workflow(closed, 3600.0)])
    ticket = desk.open("w", actor="a", now=0.0)
    assert desk.next_deadline() is None
    assert ticket.resolution is not None
    assert ticket.resolution.deadline is None


def test_policy_refuses_bad_values_with_their_paths() -> None:
    with pytest.raises(DefinitionError) as info:
        SlaPolicy(targets={}, warn_fraction=1.5)
    assert [p.path for p in info.value.problems] == ["warn_fraction"]
    with pytest.raises(DefinitionError) as info:
        SlaTarget(first_response=float("nan"), resolution=0)
    assert [p.path for p in info.value.problems] == ["first_response", "resolution"]
    with pytest.raises(DefinitionError, match="resolution: expected a number > 0, got str"):
        SlaTarget(resolution="1h")  # type: ignore[arg-type]
    for share in (0, 1, -0.5, float("nan"), float("inf"), True):
        with pytest.raises(DefinitionError, match="warn_fraction: expected a share > 0 and < 1"):
            SlaPolicy(targets={}, warn_fraction=share)


def test_desk_refuses_unknown_ids() -> None:
    desk = TicketDesk([workflow(None, 60.0)])
    with pytest.raises(KeyError, match="unknown workflow 'x'"):
        desk.open("x", actor="a", now=0.0)
    with pytest.raises(KeyError, match="unknown ticket"):
        desk.fire("T9", "done", actor="a", now=0.0)
    with pytest.raises(InvalidArgumentError):
        desk.open("w", actor="a", now=float("nan"))


# ----------------------------------------------------------------- calls after a deadline


def complaint_desk() -> tuple[TicketDesk, str]:
    desk = TicketDesk([COMPLAINT])
    t = desk.open("complaint", actor="a1", now=0.0, fields=COMPLAINT_FIELDS)
    desk.fire(t.id, "dispatch", actor="a1", now=10.0, fields={"department": "office"})
    desk.take_events()
    return desk, t.id


def kinds(events: Sequence[object]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_a_fire_after_the_deadline_gives_the_sla_events_first() -> None:
    desk, ticket_id = complaint_desk()
    # nobody called advance(): the breach at 24 h escalated to the branch before this
    t = desk.fire(ticket_id, "resolve", actor="b1", now=30 * HOUR, fields={"resolution": "ok"})
    events = desk.take_events()
    assert kinds(events) == [
        "SlaWarning",
        "SlaBreached",
        "TicketTransitioned",  # the escalation, by the SLA actor
        "TicketTransitioned",  # this call's own
    ]
    breach = events[1]
    assert isinstance(breach, SlaBreached)
    assert (breach.at, breach.escalated_to) == (24 * HOUR, "at_branch")
    assert [e.at for e in events] == pytest.approx(
        [0.8 * 24 * HOUR, 24 * HOUR, 24 * HOUR, 30 * HOUR]
    )
    assert [(e.from_state, e.trigger, e.actor) for e in t.trail[-2:]] == [
        ("at_office", "escalate", "sla"),
        ("at_branch", "resolve", "b1"),
    ]
    assert desk.advance(100 * HOUR) == []  # given once: the clock is stopped now


def test_open_and_transfer_also_give_the_due_sla_events_first() -> None:
    desk, ticket_id = complaint_desk()
    other = desk.open("complaint", actor="a2", now=20 * HOUR, fields=COMPLAINT_FIELDS)
    assert kinds(desk.take_events()) == ["SlaWarning", "TicketOpened"]
    desk.transfer(ticket_id, to="a3", actor="sup", now=25 * HOUR)
    events = [e for e in desk.take_events() if e.ticket_id == ticket_id]
    assert kinds(events) == ["SlaBreached", "TicketTransitioned", "OwnershipTransferred"]
    # the other ticket's first response ran out meanwhile, and was given too
    assert desk.get(other.id).response.breached  # type: ignore[union-attr]
    assert desk.get(ticket_id).state == "at_branch"


def test_a_refused_call_after_the_deadline_changes_nothing_and_loses_nothing() -> None:
    desk, ticket_id = complaint_desk()
    before = {t.id: t for t in desk.tickets()}
    deadline = desk.next_deadline()
    with pytest.raises(TriggerRefusedError):
        desk.fire(ticket_id, "close", actor="a1", now=30 * HOUR)
    with pytest.raises(DuplicateIdError):
        desk.open("complaint", actor="a1", now=30 * HOUR, fields=COMPLAINT_FIELDS, ticket_id="T1")
    with pytest.raises(InvalidArgumentError):
        desk.transfer(ticket_id, to="a1", actor="sup", now=30 * HOUR)
    assert {t.id: t for t in desk.tickets()} == before
    assert desk.next_deadline() == deadline
    assert desk.take_events() == []
    assert desk.now == 10.0  # the refused calls did not move the desk's time either
    assert kinds(desk.advance(30 * HOUR)) == ["SlaWarning", "SlaBreached", "TicketTransitioned"]


def test_the_call_acts_on_the_ticket_as_the_due_escalation_left_it() -> None:
    desk, ticket_id = complaint_desk()
    # the person escalates from the office, but by 30 h the SLA already has
    t = desk.fire(ticket_id, "escalate", actor="a1", now=30 * HOUR)
    assert [(e.actor, e.to_state) for e in t.trail[-2:]] == [
        ("sla", "at_branch"),
        ("a1", "at_head_office"),
    ]
