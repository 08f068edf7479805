"""Refusing a stale ticket id costs the same on a busy desk as on a quiet one.

A burst of stale webhooks must not stall the desk: the work of each refusal --
counted as Python and C function calls, not timed -- does not grow with the number
of tickets on the desk.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from callcenter.errors import UnknownIdError
from callcenter.tickets import ENQUIRY, TicketDesk

FIELDS = {"customer_phone": "13800000000", "question": "rates?"}


def _desk(count: int) -> TicketDesk:
    desk = TicketDesk([ENQUIRY])
    for number in range(count):
        desk.open("enquiry", actor="a1", now=float(number), fields=FIELDS)
    return desk


def test_the_sla_work_due_stays_due_after_a_refusal() -> None:
    desk = _desk(50)
    before = list(desk.tickets())
    _calls(lambda: desk.fire("T-stale", "answer", actor="a1", now=1e7))
    assert list(desk.tickets()) == before
    assert desk.take_events()[-1].ticket_id == "T50"  # only the openings so far
    assert len(desk.advance(1e7)) == 50 * 4  # warnings and breaches, once


def _calls(action: Callable[[], object]) -> int:
    """How many function calls (Python and C) ``action`` makes before it is refused."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    action_refused = False
    sys.setprofile(profile)
    try:
        action()
    except UnknownIdError:
        action_refused = True
    finally:
        sys.setprofile(None)
    assert action_refused
    return count


REFUSALS: dict[str, Callable[[TicketDesk], object]] = {
    "get": lambda desk: desk.get("T-stale"),
    "allowed_triggers": lambda desk: desk.allowed_triggers("T-stale"),
    "remove": lambda desk: desk.remove("T-stale"),
    "fire": lambda desk: desk.fire("T-stale", "answer", actor="a1", now=1e4),
    "transfer": lambda desk: desk.transfer("T-stale", to="a2", actor="a1", now=1e4),
    # every ticket's SLA deadlines are due by then: none of that work is done to refuse
    "fire after the deadlines": lambda desk: desk.fire("T-stale", "answer", actor="a1", now=1e7),
    "transfer after the deadlines": lambda desk: desk.transfer(
        "T-stale", to="a2", actor="a1", now=1e7
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusing_an_unknown_id_does_not_grow_with_the_desk(name: str) -> None:
    refuse = REFUSALS[name]
    counts = []
    for size in (300, 3_000):
        desk = _desk(size)

        def refuse_on_this_desk(desk: TicketDesk = desk) -> object:
            return refuse(desk)

        _calls(refuse_on_this_desk)  # warm up caches (imports, regular expressions)
        counts.append(_calls(refuse_on_this_desk))
    small, large = counts
    assert large == small, f"{name}: {small} calls at 300 tickets, {large} at 3,000"
    assert large < 300  # and nowhere near one call per ticket
