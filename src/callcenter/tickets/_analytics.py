"""The complaint problem base: what customers complain about, and how fast it is fixed.

A national logistics service center files every complaint in a "problem base"
(投诉问题库), tracks each to closure and analyses the lot to find recurring problems
before they spread. This module computes those figures from tickets (from a desk or
a store query); it reads only the tickets and their trails, so it works on any
workflow that records ``category``, ``department`` and ``region`` fields.
"""

from __future__ import annotations

import datetime
import enum
import math
import statistics
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from ..errors import InvalidArgumentError
from ._builtin import COMPLAINT
from ._records import EntryKind, Ticket, instant
from ._workflow import Workflow

__all__ = ["CategoryTrend", "Period", "ProblemBaseReport", "complaint_report", "period_label"]


class Period(enum.Enum):
    """The length of a reporting period."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def period_label(instant: float, period: Period, timezone: zoneinfo.ZoneInfo) -> str:
    """The label of the period holding ``instant``: ``2026-03-02``, ``2026-W10``, ``2026-03``.

    >>> import zoneinfo
    >>> period_label(1772413500.0, Period.WEEK, zoneinfo.ZoneInfo("Asia/Shanghai"))
    '2026-W10'
    """
    local = datetime.datetime.fromtimestamp(instant, timezone)
    if period is Period.DAY:
        return local.date().isoformat()
    if period is Period.MONTH:
        return f"{local.year:04d}-{local.month:02d}"
    year, week, _ = local.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _previous_label(instant: float, period: Period, timezone: zoneinfo.ZoneInfo) -> str:
    local = datetime.datetime.fromtimestamp(instant, timezone)
    if period is Period.DAY:
        return (local.date() - datetime.timedelta(days=1)).isoformat()
    if period is Period.WEEK:
        return period_label(
            datetime.datetime.combine(
                local.date() - datetime.timedelta(days=7), datetime.time(12), timezone
            ).timestamp(),
            period,
            timezone,
        )
    first = local.date().replace(day=1) - datetime.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


@attrs.frozen(kw_only=True)
class CategoryTrend:
    """How a category's count changed from the previous period to the current one."""

    category: str
    previous: int
    current: int

    @property
    def change(self) -> int:
        """``current - previous``."""
        return self.current - self.previous


@attrs.frozen(kw_only=True)
class ProblemBaseReport:
    """The figures of the complaint problem base.

    Attributes:
        total: Tickets counted.
        by_category: Count per ``category`` field (``"(none)"`` when missing).
        by_department: Count per current ``department`` field.
        by_region: Count per ``region`` field.
        by_period: Count per period of opening, labelled by :func:`period_label`.
        resolved: Tickets now in a resolved or final state.
        median_seconds_to_resolve: Median time from opening to the last entry into
            a resolved or final state, over resolved tickets (``None`` if none).
        p90_seconds_to_resolve: The 90th percentile of the same, nearest-rank.
        reopen_rate: Share of tickets ever resolved that were reopened at least once.
        closed: Tickets now in a final state.
        within_sla_share: Share of closed tickets whose SLA clocks were all met.
        rising: Categories counted more in the current period than in the previous
            one, fastest rising first.
    """

    total: int
    by_category: Mapping[str, int]
    by_department: Mapping[str, int]
    by_region: Mapping[str, int]
    by_period: Mapping[str, int]
    resolved: int
    median_seconds_to_resolve: float | None
    p90_seconds_to_resolve: float | None
    reopen_rate: float | None
    closed: int
    within_sla_share: float | None
    rising: tuple[CategoryTrend, ...]


def _text(value: object) -> str:
    return value if isinstance(value, str) and value else "(none)"


def nearest_rank(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted, non-empty ``values``.

    That is the smallest value with at least ``share`` of the values at or below it.

    >>> nearest_rank([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9)
    9.0
    """
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


def _zone(timezone: object) -> zoneinfo.ZoneInfo:
    if isinstance(timezone, zoneinfo.ZoneInfo):
        return timezone
    try:
        if not isinstance(timezone, str):
            raise TypeError
        return zoneinfo.ZoneInfo(timezone)
    except (TypeError, ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        # OSError: a key naming a folder of the database ("Asia") or unreadable
        raise InvalidArgumentError(
            name="timezone", expected="an IANA time zone such as 'Asia/Shanghai'", got=timezone
        ) from None


def complaint_report(
    tickets: Iterable[Ticket],
    *,
    now: float,
    period: Period | str = Period.WEEK,
    timezone: str | zoneinfo.ZoneInfo = "UTC",
    workflow: Workflow = COMPLAINT,
) -> ProblemBaseReport:
    """Count, time and trend the tickets of one workflow (complaints by default).

    Args:
        tickets: Tickets of any workflows; only those of ``workflow`` count.
        now: The time of the report; its period is the "current" one for trends.
        period: Day, week (ISO) or month.
        timezone: Where periods start and end.
        workflow: Which workflow's tickets, and its resolved and final states.

    Returns:
        The report.

    Raises:
        InvalidArgumentError: A bad ``now``, an unknown ``period`` or time zone.
    """
    at = instant(now)
    try:
        length = period if isinstance(period, Period) else Period(period)
    except ValueError:
        raise InvalidArgumentError(
            name="period", expected=f"one of {', '.join(p.value for p in Period)}", got=period
        ) from None
    zone = _zone(timezone)
    stops = {s.value for s in workflow.final | workflow.resolved}
    current_label = period_label(at, length, zone)
    previous_label = _previous_label(at, length, zone)

    categories: Counter[str] = Counter()
    departments: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    periods: Counter[str] = Counter()
    current: Counter[str] = Counter()
    previous: Counter[str] = Counter()
    durations: list[float] = []
    ever_resolved = reopened = closed = closed_in_sla = total = 0
    for ticket in tickets:
        if ticket.workflow != workflow.name:
            continue
        total += 1
        category = _text(ticket.fields.get("category"))
        categories[category] += 1
        departments[_text(ticket.fields.get("department"))] += 1
        regions[_text(ticket.fields.get("region"))] += 1
        label = period_label(ticket.created_at, length, zone)
        periods[label] += 1
        if label == current_label:
            current[category] += 1
        elif label == previous_label:
            previous[category] += 1
        resolved_at: float | None = None
        was_resolved = was_reopened = False
        for entry in ticket.trail:
            if entry.kind is not EntryKind.TRANSITION and entry.kind is not EntryKind.OPEN:
                continue
            entering = entry.to_state in stops
            if entering and entry.from_state not in stops:
                resolved_at = entry.at
                was_resolved = True
            elif not entering and entry.from_state in stops:
                was_reopened = True
        if was_resolved:
            ever_resolved += 1
            reopened += was_reopened
        if ticket.state in stops and resolved_at is not None:
            durations.append(resolved_at - ticket.created_at)
        if ticket.closed:
            closed += 1
            closed_in_sla += not ticket.sla_failed(ticket.updated_at)
    durations.sort()
    rising = sorted(
        (
            CategoryTrend(category=name, previous=previous[name], current=count)
            for name, count in current.items()
            if count > previous[name]
        ),
        key=lambda trend: (-trend.change, -trend.current, trend.category),
    )
    return ProblemBaseReport(
        total=total,
        by_category=dict(sorted(categories.items())),
        by_department=dict(sorted(departments.items())),
        by_region=dict(sorted(regions.items())),
        by_period=dict(sorted(periods.items())),
        resolved=len(durations),
        median_seconds_to_resolve=statistics.median(durations) if durations else None,
        p90_seconds_to_resolve=nearest_rank(durations, 0.9) if durations else None,
        reopen_rate=reopened / ever_resolved if ever_resolved else None,
        closed=closed,
        within_sla_share=closed_in_sla / closed if closed else None,
        rising=tuple(rising),
    )
