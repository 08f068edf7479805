"""SLA clocks in business time, against the calendar's own arithmetic."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.calendars import BusinessCalendar
from callcenter.errors import InvalidArgumentError
from callcenter.testing import business_calendars
from callcenter.tickets import (
    Priority,
    SlaBreached,
    SlaPolicy,
    SlaTarget,
    SlaWarning,
    TicketDesk,
    Transition,
    Workflow,
)

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


def test_policy_refuses_bad_values() -> None:
    with pytest.raises(ValueError, match="warn_fraction"):
        SlaPolicy(targets={}, warn_fraction=1.5)
    with pytest.raises(ValueError, match="seconds"):
        SlaTarget(resolution=0)
    with pytest.raises(TypeError):
        SlaTarget(resolution="1h")  # type: ignore[arg-type]


def test_desk_refuses_unknown_ids() -> None:
    desk = TicketDesk([workflow(None, 60.0)])
    with pytest.raises(KeyError, match="unknown workflow 'x'"):
        desk.open("x", actor="a", now=0.0)
    with pytest.raises(KeyError, match="unknown ticket"):
        desk.fire("T9", "done", actor="a", now=0.0)
    with pytest.raises(InvalidArgumentError):
        desk.open("w", actor="a", now=float("nan"))
