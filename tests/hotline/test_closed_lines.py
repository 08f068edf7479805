"""Seed 002's night switch, over more than one hand-over: office -> branch -> central."""

from __future__ import annotations

from callcenter.calendars import BusinessCalendar
from callcenter.hotline import (
    AnswerCall,
    CallArrived,
    Hotline,
    HotlineDefinition,
    Line,
    check_hotline,
)
from callcenter.routing import QueueDefinition, RoutingDefinition
from callcenter.testing import tianjin_time


def _hours(spans: str) -> BusinessCalendar:
    return BusinessCalendar.from_dict(
        {"name": spans, "timezone": "Asia/Shanghai", "weekly": {"mon-sun": [spans]}}
    )


def three_levels() -> HotlineDefinition:
    """A service office open 08:00-18:00, its branch center 08:00-21:00, the central 7x24."""
    return HotlineDefinition(
        name="railway-express",
        timezone="Asia/Shanghai",
        lines=(
            Line(id="central", number="95105366", queue="central"),
            Line(
                id="branch",
                number="02258880000",
                queue="branch",
                calendar="branch-hours",
                closed_line="central",
            ),
            Line(
                id="office",
                number="02258881111",
                queue="office",
                calendar="office-hours",
                closed_line="branch",
            ),
        ),
        calendars={
            "office-hours": _hours("08:00-18:00"),
            "branch-hours": _hours("08:00-21:00"),
        },
        routing=RoutingDefinition(
            queues=tuple(QueueDefinition(id=q) for q in ("central", "branch", "office"))
        ),
    )


def _answered_by(hotline: Hotline, call: str, hour: int) -> str:
    outputs = hotline.handle(
        CallArrived(call_id=call, line="02258881111", caller="13900001111"), tianjin_time(hour)
    )
    assert AnswerCall(call_id=call) in outputs
    view = hotline.call(call)
    assert view.dialled == "02258881111"
    return view.line


def test_the_definition_is_sound() -> None:
    assert check_hotline(three_levels()) == []


def test_each_closed_line_hands_the_call_on_until_a_line_is_open() -> None:
    hotline = Hotline(three_levels())
    assert _answered_by(hotline, "morning", 10) == "office"
    assert _answered_by(hotline, "evening", 19) == "branch"  # the office has closed
    assert _answered_by(hotline, "night", 23) == "central"  # and so has the branch
