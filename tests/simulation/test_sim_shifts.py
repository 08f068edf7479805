"""Agents' shifts: validation, working time, and the instants of each change."""

from __future__ import annotations

import datetime
import tomllib
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.calendars import TimeRange
from callcenter.errors import DefinitionError
from callcenter.simulation import Shift, model_to_dict, shift_from_dict

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 10, 8)


def local(hour: int, minute: int = 0, day: datetime.date = DAY) -> float:
    return datetime.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI
    ).timestamp()


def test_day_shift_with_two_breaks() -> None:
    shift = Shift(hours="08:30-17:30", breaks=["15:00-15:15", "12:00-13:00"])
    assert shift.working_seconds == 9 * 3600 - 75 * 60
    changes = [(c.kind, c.at) for c in shift.changes(DAY, "Asia/Shanghai")]
    assert changes == [
        ("start", local(8, 30)),
        ("break", local(12)),
        ("resume", local(13)),
        ("break", local(15)),
        ("resume", local(15, 15)),
        ("end", local(17, 30)),
    ]


def test_night_shift_runs_into_the_next_day() -> None:
    # The central center takes the offices' lines from 18:00 to 08:00.
    shift = Shift(hours="18:00-08:00", breaks=["23:30-00:30", "03:00-03:20"])
    next_day = DAY + datetime.timedelta(days=1)
    changes = [(c.kind, c.at) for c in shift.changes(DAY, SHANGHAI)]
    assert changes == [
        ("start", local(18)),
        ("break", local(23, 30)),
        ("resume", local(0, 30, next_day)),
        ("break", local(3, 0, next_day)),
        ("resume", local(3, 20, next_day)),
        ("end", local(8, 0, next_day)),
    ]
    assert shift.working_seconds == 14 * 3600 - 80 * 60


def test_a_break_at_the_start_delays_the_sign_in() -> None:
    shift = Shift(hours="08:00-12:00", breaks=["08:00-08:30"])
    assert [(c.kind, c.at) for c in shift.changes(DAY, SHANGHAI)] == [
        ("start", local(8, 30)),
        ("end", local(12)),
    ]


def test_daylight_saving_is_respected() -> None:
    # 29 March 2026: clocks in Berlin go from 02:00 to 03:00.
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    shift = Shift(hours="22:00-06:00")
    start, end = shift.changes(datetime.date(2026, 3, 28), berlin)
    assert end.at - start.at == 7 * 3600  # one hour shorter in real time


@pytest.mark.parametrize(
    ("breaks", "paths"),
    [
        (["07:00-07:30"], ["breaks.0"]),
        (["16:30-17:30"], ["breaks.0"]),
        (["12:00-13:00", "12:30-12:45"], ["breaks.1"]),
        (["10:00-14:00", "11:00-11:15", "13:00-13:15"], ["breaks.1", "breaks.2"]),
        (["08:00-12:00", "12:00-17:00"], ["breaks"]),
    ],
)
def test_bad_breaks_are_reported_with_their_index(breaks: list[str], paths: list[str]) -> None:
    with pytest.raises(DefinitionError) as caught:
        Shift(hours="08:00-17:00", breaks=breaks)
    assert [p.path for p in caught.value.problems] == paths


def test_loading_from_toml_reports_paths() -> None:
    document = tomllib.loads(
        """
        [shift]
        hours = "08:00-17:00"
        breaks = ["12:00-13:00", "noon", "18:00-18:30"]
        """
    )
    with pytest.raises(DefinitionError) as caught:
        shift_from_dict(document["shift"])
    assert [p.path for p in caught.value.problems] == ["breaks.1"]
    with pytest.raises(DefinitionError) as caught:
        shift_from_dict({"hours": "08:00-17:00", "breaks": ["18:00-18:30"]})
    assert [p.path for p in caught.value.problems] == ["breaks.0"]
    with pytest.raises(DefinitionError) as caught:
        shift_from_dict({"hour": "08:00-17:00"})
    assert "did you mean 'hours'" in str(caught.value)


clock = st.integers(min_value=0, max_value=95).map(lambda q: q * 900)


@st.composite
def shifts(draw: st.DrawFn) -> Shift:
    start = draw(clock)
    length = draw(st.integers(min_value=4, max_value=48)) * 900
    hours = TimeRange(start, start + length)
    breaks: list[TimeRange] = []
    cursor = start + 900
    while cursor + 900 < start + length and draw(st.booleans()):
        pause_start = cursor + draw(st.integers(min_value=0, max_value=4)) * 900
        pause_end = pause_start + draw(st.integers(min_value=1, max_value=4)) * 900
        if pause_end >= start + length:
            break
        breaks.append(TimeRange(pause_start % 86400, pause_start % 86400 + pause_end - pause_start))
        cursor = pause_end + 900
    return Shift(hours=hours, breaks=breaks)


@given(shift=shifts())
def test_changes_alternate_and_add_up(shift: Shift) -> None:
    changes = shift.changes(DAY, "UTC")
    kinds = [c.kind for c in changes]
    assert kinds[0] == "start"
    assert kinds[-1] == "end"
    times = [c.at for c in changes]
    assert times == sorted(set(times))
    # Working and away alternate; the working stretches add up to working_seconds.
    working = sum(changes[i + 1].at - changes[i].at for i in range(0, len(changes), 2))
    assert working == shift.working_seconds
    assert len(changes) == 2 * len(shift.working_ranges())


@given(shift=shifts())
def test_shifts_round_trip(shift: Shift) -> None:
    assert shift_from_dict(model_to_dict(shift)) == shift
