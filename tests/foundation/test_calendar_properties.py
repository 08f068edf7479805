"""Property tests of business calendars, including a differential test against an oracle."""

from __future__ import annotations

import datetime
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.calendars import DAY, BusinessCalendar
from callcenter.testing import business_calendars

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).timestamp()
# Instants spread over the 60 days in which the strategy puts its special dates, and a
# little beyond, on quarter-second steps so that boundary instants come up often.
instants = st.integers(min_value=-2 * DAY * 4, max_value=70 * DAY * 4).map(lambda q: START + q / 4)
spans = st.integers(min_value=0, max_value=10 * DAY)
TOLERANCE = 1e-6


@given(business_calendars(), instants, spans, spans)
def test_business_seconds_are_additive(cal: BusinessCalendar, a: float, x: int, y: int) -> None:
    b, c = a + x, a + x + y
    total = cal.business_seconds(a, c)
    assert abs(cal.business_seconds(a, b) + cal.business_seconds(b, c) - total) < TOLERANCE
    assert 0.0 <= total <= c - a


@given(business_calendars(), instants)
def test_next_open_is_open_and_nothing_opens_before_it(cal: BusinessCalendar, now: float) -> None:
    opens = cal.next_open(now)
    if opens is None:
        assert not cal.is_open(now)
        assert cal.business_seconds(now, now + 30 * DAY) == 0.0
        return
    assert opens >= now
    assert cal.is_open(opens)
    assert cal.business_seconds(now, opens) == 0.0
    assert cal.is_open(now) == (opens == now)


@given(business_calendars(), instants)
def test_next_close_ends_an_opening(cal: BusinessCalendar, now: float) -> None:
    closes = cal.next_close(now)
    if closes is None:
        return
    assert closes > now
    assert not cal.is_open(closes)
    assert cal.is_open(closes - 0.5)
    if cal.is_open(now):
        assert cal.business_seconds(now, closes) == closes - now


@given(business_calendars(), instants, st.integers(min_value=0, max_value=5 * DAY))
def test_add_business_seconds_inverts_business_seconds(
    cal: BusinessCalendar, start: float, seconds: int
) -> None:
    deadline = cal.add_business_seconds(start, seconds)
    if deadline is None:
        assert cal.business_seconds(start, start + 60 * DAY) < seconds
        return
    assert deadline >= start
    assert abs(cal.business_seconds(start, deadline) - seconds) < TOLERANCE
    if seconds > 0:
        # The deadline is the first such instant: it falls inside an opening.
        assert cal.is_open(deadline - 0.25)


@given(business_calendars(), instants, st.integers(min_value=1, max_value=3 * DAY))
def test_open_intervals_agree_with_business_seconds(
    cal: BusinessCalendar, start: float, length: int
) -> None:
    intervals = cal.open_intervals(start, start + length)
    assert abs(sum(b - a for a, b in intervals) - cal.business_seconds(start, start + length)) < (
        TOLERANCE
    )
    for (_, end), (begin, _) in itertools.pairwise(intervals):
        assert end < begin  # maximal: never touching or overlapping


@given(business_calendars())
def test_documents_round_trip(cal: BusinessCalendar) -> None:
    again = BusinessCalendar.from_dict(cal.to_dict())
    assert again.to_dict() == cal.to_dict()
    assert again.weekly == cal.weekly


def wall_clock_oracle(cal: BusinessCalendar, instant: float) -> bool:
    """Open iff the instant's local wall time lies in a range of its date or the day before.

    Written from the definition, independent of the interval machinery; exact for zones
    without daylight saving time.
    """
    local = datetime.datetime.fromtimestamp(instant, cal.timezone)
    seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    today = local.date()
    yesterday = today - datetime.timedelta(days=1)
    if any(r.start <= seconds < r.end for r in cal.hours_on(today)):
        return True
    return any(r.start <= seconds + DAY < r.end for r in cal.hours_on(yesterday))


@settings(max_examples=100)
@given(
    business_calendars(timezones=st.sampled_from(["Asia/Shanghai", "UTC", "Asia/Kolkata"])),
    instants,
)
def test_is_open_matches_the_wall_clock_oracle(cal: BusinessCalendar, instant: float) -> None:
    assert cal.is_open(instant) == wall_clock_oracle(cal, instant)


@settings(max_examples=50)
@given(
    business_calendars(timezones=st.sampled_from(["Asia/Shanghai", "UTC"])),
    st.integers(min_value=0, max_value=60).map(lambda d: START + d * DAY),
)
def test_business_seconds_match_minute_sampling(cal: BusinessCalendar, day: float) -> None:
    # Ranges are on quarter hours, so sampling each minute's middle counts exactly.
    minutes = sum(wall_clock_oracle(cal, day + 60 * m + 30) for m in range(24 * 60))
    assert cal.business_seconds(day, day + DAY) == 60.0 * minutes
