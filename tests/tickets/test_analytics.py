"""The complaint problem base figures, against hand-built tickets."""

from __future__ import annotations

import datetime
import math
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import InvalidArgumentError
from callcenter.testing import ticket_histories
from callcenter.tickets import (
    COMPLAINT,
    ENQUIRY,
    CategoryTrend,
    Period,
    Ticket,
    complaint_report,
    period_label,
)
from callcenter.tickets._analytics import nearest_rank

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = 3600.0


def at(month: int, day: int, hour: int = 9) -> float:
    return datetime.datetime(2026, month, day, hour, tzinfo=TZ).timestamp()


def complaint(ticket_id: str, opened: float, category: str, region: str = "north") -> Ticket:
    return COMPLAINT.open(
        ticket_id,
        actor="a1",
        now=opened,
        fields={
            "customer_phone": "1",
            "category": category,
            "description": "d",
            "region": region,
        },
    )


def resolve(ticket: Ticket, after: float, department: str = "office") -> Ticket:
    t = COMPLAINT.fire(
        ticket,
        "dispatch",
        actor="a1",
        now=ticket.created_at + 60,
        fields={"department": department},
    )
    t = COMPLAINT.fire(
        t, "resolve", actor="b", now=ticket.created_at + after, fields={"resolution": "ok"}
    )
    t = COMPLAINT.fire(
        t, "feed_back", actor="a1", now=t.updated_at + 60, fields={"feedback_channel": "sms"}
    )
    return COMPLAINT.fire(t, "close", actor="a1", now=t.updated_at + 60)


def test_counts_times_rates_and_trends() -> None:
    # week 10 of 2026 starts Monday 2 March; week 9 starts 23 February
    fast = resolve(complaint("C1", at(3, 2), "late"), 2 * HOUR)
    slow = resolve(complaint("C2", at(3, 3), "late", "south"), 30 * HOUR, "branch")
    disputed = COMPLAINT.fire(
        resolve(complaint("C3", at(3, 4), "damage"), 4 * HOUR),
        "dispute",
        actor="a1",
        now=at(3, 6),
        fields={"dispute_reason": "no"},
    )
    waiting = complaint("C4", at(3, 5), "late")
    last_week = resolve(complaint("C5", at(2, 24), "damage"), 1 * HOUR)
    older = complaint("C6", at(2, 25), "rude")
    other = ENQUIRY.open(
        "E1", actor="a1", now=at(3, 2), fields={"customer_phone": "1", "question": "q"}
    )
    report = complaint_report(
        [fast, slow, disputed, waiting, last_week, older, other],
        now=at(3, 6, 12),
        period=Period.WEEK,
        timezone=TZ,
    )
    assert report.total == 6
    assert report.by_category == {"damage": 2, "late": 3, "rude": 1}
    assert report.by_region == {"north": 5, "south": 1}
    assert report.by_department == {"(none)": 2, "branch": 1, "office": 3}
    assert report.by_period == {"2026-W09": 2, "2026-W10": 4}
    # resolved now: C1 (2 h), C2 (30 h), C5 (1 h); C3 was reopened, C4 and C6 never resolved
    assert report.resolved == 3
    assert report.median_seconds_to_resolve == 2 * HOUR
    assert report.p90_seconds_to_resolve == 30 * HOUR
    assert report.reopen_rate == pytest.approx(1 / 4)  # C3 of C1, C2, C3, C5
    assert report.closed == 3
    assert report.within_sla_share == pytest.approx(2 / 3)  # C2 took 30 h > 24 h
    assert report.rising == (CategoryTrend(category="late", previous=0, current=3),)


def test_empty_report() -> None:
    report = complaint_report([], now=0.0)
    assert report.total == 0
    assert report.median_seconds_to_resolve is None
    assert report.reopen_rate is None
    assert report.within_sla_share is None
    assert report.rising == ()


@pytest.mark.parametrize(
    ("period", "expected_now", "expected_before"),
    [(Period.DAY, "2026-03-01", "2026-02-28"), (Period.MONTH, "2026-03", "2026-02")],
)
def test_period_labels(period: Period, expected_now: str, expected_before: str) -> None:
    first = complaint("C1", at(3, 1), "late")
    before = complaint("C2", at(2, 28), "late")
    report = complaint_report([first, before], now=at(3, 1, 20), period=period, timezone=TZ)
    assert report.by_period == {expected_before: 1, expected_now: 1}
    assert period_label(at(3, 1, 1), period, TZ) == expected_now


@settings(max_examples=100)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=50))
def test_nearest_rank_against_its_definition(values: list[float]) -> None:
    ordered = sorted(values)
    p90 = nearest_rank(ordered, 0.9)
    at_or_below = sum(v <= p90 for v in ordered)
    assert at_or_below >= math.ceil(0.9 * len(ordered))
    assert sum(v < p90 for v in ordered) < math.ceil(0.9 * len(ordered))


@settings(max_examples=50)
@given(
    st.lists(ticket_histories(COMPLAINT, fields={"region": "north"}), max_size=8),
    st.sampled_from(list(Period)),
)
def test_report_totals_agree(tickets: list[Ticket], period: Period) -> None:
    unique = list({t.id: t for t in tickets}.values())
    report = complaint_report(unique, now=2_000_000_000.0, period=period, timezone="UTC")
    assert report.total == len(unique)
    for table in (report.by_category, report.by_department, report.by_region, report.by_period):
        assert sum(table.values()) == report.total
    assert report.closed == sum(t.closed for t in unique)
    assert report.resolved <= report.total
    if report.median_seconds_to_resolve is not None:
        assert report.p90_seconds_to_resolve is not None
        assert 0 <= report.median_seconds_to_resolve <= report.p90_seconds_to_resolve
    for share in (report.reopen_rate, report.within_sla_share):
        assert share is None or 0 <= share <= 1
    for trend in report.rising:
        assert trend.current > trend.previous


@pytest.mark.parametrize(
    ("argument", "value"),
    [("period", "fortnight"), ("timezone", "Mars/Base"), ("timezone", "Asia"), ("timezone", 5)],
)
def test_a_bad_period_or_time_zone_is_a_typed_error(argument: str, value: object) -> None:
    with pytest.raises(InvalidArgumentError, match=argument):
        complaint_report([], now=0.0, **{argument: value})  # type: ignore[arg-type]
