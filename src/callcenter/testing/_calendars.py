"""Hypothesis strategies for business calendars."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from ..calendars import DAY, BusinessCalendar, Holiday, MakeupWorkday, Override, TimeRange, Weekday

__all__ = ["business_calendars", "time_ranges"]

_QUARTER_HOURS = st.integers(min_value=0, max_value=DAY // 900 - 1).map(lambda q: q * 900)


@st.composite
def time_ranges(draw: st.DrawFn, *, overnight: bool = True) -> TimeRange:
    """Ranges on quarter-hour boundaries; some run past midnight when ``overnight``."""
    start = draw(_QUARTER_HOURS)
    limit = DAY if overnight else DAY - start
    length = draw(st.integers(min_value=1, max_value=limit // 900)) * 900
    return TimeRange(start, start + length)


@st.composite
def business_calendars(
    draw: st.DrawFn,
    *,
    timezones: st.SearchStrategy[str] | None = None,
    start: datetime.date = datetime.date(2026, 1, 1),
    days: int = 60,
) -> BusinessCalendar:
    """Random calendars with weekly hours, holidays, make-up days and overrides.

    Special dates fall within ``days`` days of ``start``. Time zones default to a mix
    with and without daylight saving time.
    """
    if timezones is None:
        timezones = st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Europe/London"])
    zone = draw(timezones)
    weekly: dict[Weekday, list[TimeRange] | None] = {}
    for day in Weekday:
        choice = draw(st.integers(min_value=0, max_value=3))
        if choice == 0:
            continue  # undefined: closed
        ranges = draw(st.lists(time_ranges(), min_size=0, max_size=2))
        try:
            BusinessCalendar(timezone="UTC", weekly={day: ranges})
        except ValueError:
            ranges = ranges[:1]
        weekly[day] = ranges
    dates = st.integers(min_value=0, max_value=days).map(
        lambda n: start + datetime.timedelta(days=n)
    )
    special = draw(st.lists(dates, unique=True, max_size=6))
    holidays = []
    makeups = []
    for index, date in enumerate(special):
        if index % 2 == 0:
            hours = draw(st.lists(time_ranges(overnight=False), max_size=1))
            holidays.append(Holiday(date=date, name=f"h{index}", hours=tuple(hours)))
        else:
            makeups.append(
                MakeupWorkday(date=date, as_weekday=draw(st.sampled_from(list(Weekday))))
            )
    overrides = []
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        first = draw(dates)
        last = first + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=5)))
        hours = draw(st.lists(time_ranges(overnight=False), max_size=1))
        overrides.append(Override(start=first, end=last, hours=tuple(hours)))
    return BusinessCalendar(
        timezone=zone,
        weekly=weekly,
        holidays=holidays,
        makeup_workdays=makeups,
        overrides=overrides,
    )
