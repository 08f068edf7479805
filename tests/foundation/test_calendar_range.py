"""Calendars at the ends of the range of instants, long closures, and time-zone names."""

from __future__ import annotations

import datetime
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter._clock import EARLIEST, LATEST
from callcenter.calendars import DAY, LAST_DATE, BusinessCalendar, time_zone
from callcenter.errors import DefinitionError, InvalidArgumentError, Severity
from callcenter.testing import business_calendars

WEEKDAYS = {"mon-fri": ["09:00-17:00"], "sat-sun": []}
ALWAYS = {"mon-sun": ["00:00-24:00"]}
NIGHTS = {"mon-sun": ["18:00-08:00"]}
ZONES = ["UTC", "Asia/Shanghai", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"]
NOW = datetime.datetime(2026, 10, 8, 10, tzinfo=datetime.UTC).timestamp()


def calendar(zone: str, weekly: dict[str, list[str]], **extra: object) -> BusinessCalendar:
    return BusinessCalendar.from_dict({"timezone": zone, "weekly": weekly, **extra})


CLOSED_FOR_EVER = {"overrides": [{"start": "2026-01-01", "end": "9999-12-31", "name": "gone"}]}
HOLIDAYS_AT_THE_END = {"holidays": [{"date": "9999-12-30"}, {"date": "9999-12-31"}]}


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("weekly", [WEEKDAYS, ALWAYS, NIGHTS])
@pytest.mark.parametrize("extra", [CLOSED_FOR_EVER, HOLIDAYS_AT_THE_END, {}])
def test_every_question_answers_up_to_the_last_instant(
    zone: str, weekly: dict[str, list[str]], extra: dict[str, object]
) -> None:
    cal = calendar(zone, weekly, **extra)
    started = time.perf_counter()
    for now in (EARLIEST, NOW, LATEST - 3 * DAY, LATEST - 1, LATEST):
        opens = cal.next_open(now)
        assert opens is None or opens > LATEST or (opens >= now and cal.is_open(opens))
        closes = cal.next_close(now)
        assert closes is None or closes > now
        later = min(LATEST, now + 30 * DAY)
        assert 0.0 <= cal.business_seconds(now, later) <= later - now
        deadline = cal.add_business_seconds(now, 3600)
        assert deadline is None or deadline >= now + 3600 or deadline >= now
        cal.business_seconds(max(EARLIEST, now - 30 * DAY), now)
        cal.open_intervals(now, later)
    # A closure of eight thousand years is jumped over, not walked day by day.
    assert time.perf_counter() - started < 5.0


def test_closed_until_the_end_of_time_is_closed_for_ever() -> None:
    cal = calendar("Asia/Shanghai", WEEKDAYS, **CLOSED_FOR_EVER)
    assert not cal.is_open(NOW)
    assert cal.next_open(NOW) is None
    assert cal.next_close(NOW) is None
    assert cal.add_business_seconds(NOW, 60) is None
    assert cal.business_seconds(NOW, LATEST) == 0.0
    assert cal.add_business_seconds(NOW, 0) == NOW


def test_an_always_open_week_stays_open_after_the_last_date() -> None:
    cal = calendar("UTC", ALWAYS, **HOLIDAYS_AT_THE_END)
    end = datetime.datetime.combine(LAST_DATE, datetime.time(), datetime.UTC).timestamp()
    assert not cal.is_open(end + 3600)  # the holiday on the last date
    assert cal.next_open(end + 3600) == end + DAY
    assert cal.next_close(end + DAY) is None
    assert cal.is_open(LATEST)
    assert cal.business_seconds(end - DAY, LATEST) == DAY


def test_an_opening_after_a_long_closure_is_found() -> None:
    cal = calendar(
        "UTC",
        WEEKDAYS,
        overrides=[
            {"start": "2026-01-01", "end": "9999-12-31"},
            {"start": "5000-01-01", "end": "5000-01-01", "hours": ["09:00-10:00"]},
        ],
    )
    opening = datetime.datetime(5000, 1, 1, 9, tzinfo=datetime.UTC).timestamp()
    assert cal.next_open(NOW) == opening
    assert cal.add_business_seconds(NOW, 1800) == opening + 1800
    assert cal.add_business_seconds(NOW, 3601) is None


def test_a_never_open_week_finds_its_one_special_day_fast() -> None:
    cal = calendar("UTC", {}, holidays=[{"date": "9000-06-01", "hours": ["09:00-10:00"]}])
    started = time.perf_counter()
    opening = datetime.datetime(9000, 6, 1, 9, tzinfo=datetime.UTC).timestamp()
    assert cal.next_open(NOW) == opening
    assert cal.next_open(opening + 3600) is None
    assert time.perf_counter() - started < 1.0


def test_validation_warns_about_closures_for_ever_and_dates_out_of_range() -> None:
    cal = calendar(
        "UTC",
        WEEKDAYS,
        holidays=[{"date": "9999-12-31"}],
        overrides=[{"start": "2030-01-01", "end": "9999-12-31"}],
    )
    problems = cal.problems()
    assert all(p.severity is Severity.WARNING for p in problems)
    paths = {p.path for p in problems}
    assert {"holidays.0.date", "overrides.0", "overrides.0.end"} <= paths
    assert any("for ever" in p.message for p in problems)
    assert calendar("UTC", WEEKDAYS).problems() == []


@pytest.mark.parametrize("method", ["is_open", "next_open", "next_close", "intervals_from"])
@pytest.mark.parametrize("bad", [1.79e12, 10**400, -math.inf, math.nan])
def test_instants_out_of_range_are_refused(method: str, bad: object) -> None:
    cal = calendar("UTC", WEEKDAYS)

    def ask() -> object:
        result = getattr(cal, method)(bad)
        return next(result) if method == "intervals_from" else result

    with pytest.raises(InvalidArgumentError):
        ask()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Asia", "a region of the time-zone database, not a zone"),
        ("Asia/Shangai", "did you mean 'Asia/Shanghai'"),
        ("../../etc/passwd", "unknown time zone"),
        ("", "unknown time zone"),
        ("Asia/Shanghai\x00", "unknown time zone"),
        ("x" * 5000, "unknown time zone"),
        (["Asia/Shanghai"], "expected an IANA time-zone name"),
    ],
)
def test_a_name_that_is_not_a_zone_is_a_definition_error(name: object, says: str) -> None:
    with pytest.raises(DefinitionError, match="timezone: .*" + says.replace("(", r"\(")):
        BusinessCalendar(timezone=name, weekly={})  # type: ignore[arg-type]
    with pytest.raises(DefinitionError) as error:
        BusinessCalendar.from_dict({"timezone": name, "weekly": {}})
    assert [p.path for p in error.value.problems] == ["timezone"]
    assert says in error.value.problems[0].message
    with pytest.raises(DefinitionError):
        time_zone(name)  # type: ignore[arg-type]


late_calendars = business_calendars(
    timezones=st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"]),
    start=datetime.date(9999, 10, 1),
    days=86,  # overrides run up to five days on: to 9999-12-31 at most
)
late_instants = st.floats(LATEST - 120 * DAY, LATEST)


@settings(max_examples=60)
@given(late_calendars, late_instants, st.integers(0, 20 * DAY), st.integers(0, 20 * DAY))
def test_additivity_holds_at_the_end_of_the_range(
    cal: BusinessCalendar, a: float, x: int, y: int
) -> None:
    b, c = min(a + x, LATEST), min(a + x + y, LATEST)
    total = cal.business_seconds(a, c)
    assert abs(cal.business_seconds(a, b) + cal.business_seconds(b, c) - total) < 1e-6
    opens = cal.next_open(a)
    if opens is not None and opens <= LATEST:
        assert cal.is_open(opens)
        assert cal.business_seconds(a, opens) == 0.0


@settings(max_examples=60)
@given(st.sampled_from(ZONES), st.integers(0, 6), st.integers(4, 400), st.integers(0, 3000))
def test_long_spans_agree_with_day_by_day_sums(zone: str, kind: int, days: int, skip: int) -> None:
    # Jumps over long open or closed stretches must count what a day-by-day walk counts.
    start = datetime.date(2026, 1, 1) + datetime.timedelta(days=skip)
    weekly = [WEEKDAYS, ALWAYS, NIGHTS, {}, ALWAYS, {}, ALWAYS][kind]
    holiday = start + datetime.timedelta(days=days // 2)
    cal = calendar(
        zone,
        weekly,
        holidays=[{"date": holiday.isoformat(), "hours": ["10:00-11:00"]}],
        overrides=[
            {
                "start": (holiday + datetime.timedelta(days=2)).isoformat(),
                "end": (holiday + datetime.timedelta(days=days)).isoformat(),
            }
        ],
    )
    a = datetime.datetime.combine(start, datetime.time(), datetime.UTC).timestamp()
    total = cal.business_seconds(a, a + days * DAY + DAY)
    pieces = sum(cal.business_seconds(a + d * DAY, a + (d + 1) * DAY) for d in range(days + 1))
    assert abs(total - pieces) < 1e-6


def test_ivr_check_warns_about_a_calendar_closed_for_ever() -> None:
    from callcenter.ivr import check_flow, flow_from_dict

    flow = flow_from_dict(
        {
            "name": "closed",
            "start": "hours",
            "nodes": {
                "hours": {"kind": "hours", "calendar": "main", "open": "bye", "closed": "bye"},
                "bye": {"kind": "hangup"},
            },
            "calendars": {
                "main": {
                    "timezone": "Asia/Shanghai",
                    "weekly": {"mon-sun": ["09:00-17:00"]},
                    "overrides": [{"start": "2026-01-01", "end": "9999-12-31"}],
                }
            },
        }
    )
    warnings = [p for p in check_flow(flow).problems if p.path.startswith("calendars.main.")]
    assert [p.path for p in warnings] == [
        "calendars.main.overrides.0",
        "calendars.main.overrides.0.end",
    ]
    assert all(p.severity is Severity.WARNING for p in warnings)
