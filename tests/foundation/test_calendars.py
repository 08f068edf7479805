"""Unit tests of business calendars: rules, precedence, DST, queries and loading."""

from __future__ import annotations

import datetime
import math
import zoneinfo
from typing import Any, ClassVar

import pytest

from callcenter.calendars import (
    BusinessCalendar,
    Holiday,
    MakeupWorkday,
    Override,
    TimeRange,
    Weekday,
)
from callcenter.errors import DefinitionError, InvalidArgumentError

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOUR = 3600.0


def at(tz: zoneinfo.ZoneInfo, *date: int, fold: int = 0) -> float:
    """POSIX time of a local wall time: ``at(tz, y, m, d[, H[, M[, S]]])``."""
    y, m, d, *rest = date
    hh, mm, ss = [*rest, 0, 0, 0][:3]
    return datetime.datetime(y, m, d, hh, mm, ss, tzinfo=tz, fold=fold).timestamp()


def office() -> BusinessCalendar:
    """Weekdays 08:30-12:00 and 13:00-17:30, Saturday morning, Sunday closed."""
    return BusinessCalendar(
        timezone="Asia/Shanghai",
        weekly={
            **{d: ["08:30-12:00", "13:00-17:30"] for d in Weekday if d < Weekday.SATURDAY},
            Weekday.SATURDAY: ["09:00-12:00"],
            Weekday.SUNDAY: [],
        },
    )


# 2026-11-23 is a Monday.


class TestTimeRange:
    def test_parse_and_format(self) -> None:
        rng = TimeRange.parse("08:30-17:00")
        assert (rng.start, rng.end) == (8.5 * 3600, 17 * 3600)
        assert str(rng) == "08:30-17:00"
        assert not rng.crosses_midnight

    def test_overnight_range_runs_into_next_day(self) -> None:
        rng = TimeRange.parse("18:00-08:00")
        assert rng.crosses_midnight
        assert rng.end - rng.start == 14 * 3600
        assert str(rng) == "18:00-08:00"

    def test_a_whole_day_from_any_start(self) -> None:
        rng = TimeRange.parse("00:15-24:15")
        assert rng.end - rng.start == 86_400
        assert TimeRange.parse(str(rng)) == rng
        assert TimeRange.parse("08:00-32:00") == TimeRange(8 * 3600, 32 * 3600)

    def test_whole_day_and_seconds(self) -> None:
        assert TimeRange.parse("00:00-24:00").end == 86_400
        assert TimeRange.parse("08:00:30-08:00:45").end == 8 * 3600 + 45
        assert str(TimeRange.parse("08:00:30-09:00")) == "08:00:30-09:00"

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("8-17", "expected a time"),
            ("08:00", "expected a range"),
            ("08:00-08:00", "empty range"),
            ("25:00-26:00", "no such time"),
            ("08:61-09:00", "no such time"),
            ("24:00-02:00", "cannot start at 24:00"),
            ("24:30-02:00", "no such time"),
            ("08:00-32:30", "at most 24 hours later"),
            ("08:00-48:01", "no such time"),
        ],
    )
    def test_bad_ranges_say_what_was_expected(self, text: str, fragment: str) -> None:
        with pytest.raises(ValueError, match=fragment):
            TimeRange.parse(text)

    def test_direct_construction_is_checked(self) -> None:
        with pytest.raises(ValueError, match="must end after it starts"):
            TimeRange(3600, 3600)
        with pytest.raises(ValueError, match="start must lie"):
            TimeRange(-1, 10)
        with pytest.raises(ValueError, match="at most 24 hours"):
            TimeRange(0, 86_401)


class TestRules:
    def test_weekly_hours_with_half_open_boundaries(self) -> None:
        cal = office()
        assert not cal.is_open(at(SHANGHAI, 2026, 11, 23, 8, 29, 59))
        assert cal.is_open(at(SHANGHAI, 2026, 11, 23, 8, 30))
        assert cal.is_open(at(SHANGHAI, 2026, 11, 23, 11, 59, 59))
        assert not cal.is_open(at(SHANGHAI, 2026, 11, 23, 12, 0))  # lunch
        assert cal.is_open(at(SHANGHAI, 2026, 11, 28, 10))  # Saturday morning
        assert not cal.is_open(at(SHANGHAI, 2026, 11, 29, 10))  # Sunday

    def test_holiday_closes_or_reduces(self) -> None:
        cal = BusinessCalendar(
            timezone="Asia/Shanghai",
            weekly={d: ["08:00-20:00"] for d in Weekday},
            holidays=[
                Holiday(date=datetime.date(2026, 10, 1), name="National Day"),
                Holiday(date=datetime.date(2026, 10, 2), hours=("10:00-12:00",)),
            ],
        )
        assert not cal.is_open(at(SHANGHAI, 2026, 10, 1, 10))
        assert cal.is_open(at(SHANGHAI, 2026, 10, 2, 11))
        assert not cal.is_open(at(SHANGHAI, 2026, 10, 2, 13))
        assert cal.rule_on(datetime.date(2026, 10, 1)) == "holiday (National Day)"

    def test_makeup_workday_keeps_chosen_weekday_hours(self) -> None:
        cal = BusinessCalendar(
            timezone="Asia/Shanghai",
            weekly={
                Weekday.MONDAY: ["08:00-18:00"],
                Weekday.FRIDAY: ["08:00-12:00"],
                Weekday.SUNDAY: [],
            },
            makeup_workdays=[
                MakeupWorkday(date=datetime.date(2026, 11, 29)),  # a Sunday, as Monday
                MakeupWorkday(date=datetime.date(2026, 12, 6), as_weekday=Weekday.FRIDAY),
                MakeupWorkday(date=datetime.date(2026, 12, 13), hours=("09:00-10:00",)),
            ],
        )
        assert cal.is_open(at(SHANGHAI, 2026, 11, 29, 17))
        assert cal.is_open(at(SHANGHAI, 2026, 12, 6, 11))
        assert not cal.is_open(at(SHANGHAI, 2026, 12, 6, 13))
        assert [str(r) for r in cal.hours_on(datetime.date(2026, 12, 13))] == ["09:00-10:00"]

    def test_override_beats_holiday_and_last_override_wins(self) -> None:
        cal = BusinessCalendar(
            timezone="UTC",
            weekly={d: ["09:00-17:00"] for d in Weekday},
            holidays=[Holiday(date=datetime.date(2026, 12, 25))],
            overrides=[
                Override(
                    start=datetime.date(2026, 12, 20),
                    end=datetime.date(2026, 12, 31),
                    hours=("10:00-14:00",),
                    name="year end",
                ),
                Override(
                    start=datetime.date(2026, 12, 31), end=datetime.date(2026, 12, 31), name="audit"
                ),
            ],
        )
        assert [str(r) for r in cal.hours_on(datetime.date(2026, 12, 25))] == ["10:00-14:00"]
        assert cal.hours_on(datetime.date(2026, 12, 31)) == ()
        assert cal.rule_on(datetime.date(2026, 12, 31)) == "override (audit)"
        assert cal.rule_on(datetime.date(2027, 1, 1)) == "weekly hours (friday)"

    def test_overnight_opening_belongs_to_its_start_date(self) -> None:
        # A night service Friday 18:00 - Saturday 08:00, with Saturday a holiday:
        # the Friday night shift still runs into Saturday morning.
        cal = BusinessCalendar(
            timezone="Asia/Shanghai",
            weekly={Weekday.FRIDAY: ["18:00-08:00"]},
            holidays=[Holiday(date=datetime.date(2026, 11, 28))],
        )
        assert cal.is_open(at(SHANGHAI, 2026, 11, 27, 23))
        assert cal.is_open(at(SHANGHAI, 2026, 11, 28, 7, 59))
        assert not cal.is_open(at(SHANGHAI, 2026, 11, 28, 8))
        friday = at(SHANGHAI, 2026, 11, 27)
        assert cal.business_seconds(friday, friday + 2 * 86_400) == 14 * HOUR

    def test_adjacent_days_merge_into_one_opening(self) -> None:
        cal = BusinessCalendar(
            timezone="UTC",
            weekly={Weekday.MONDAY: ["20:00-24:00"], Weekday.TUESDAY: ["00:00-06:00"]},
        )
        monday = datetime.datetime(2026, 11, 23, 21, tzinfo=datetime.UTC).timestamp()
        assert cal.next_close(monday) == monday + 9 * HOUR

    def test_undefined_weekdays_are_reported_and_closed(self) -> None:
        cal = BusinessCalendar(timezone="UTC", weekly={Weekday.MONDAY: ["09:00-10:00"]})
        assert Weekday.MONDAY not in cal.undefined_weekdays()
        assert len(cal.undefined_weekdays()) == 6
        assert "not defined" in cal.rule_on(datetime.date(2026, 11, 24))

    def test_bad_parts_are_refused(self) -> None:
        day = datetime.date(2026, 10, 1)
        with pytest.raises(ValueError, match="listed twice"):
            BusinessCalendar(timezone="UTC", weekly={}, holidays=[Holiday(date=day)] * 2)
        with pytest.raises(ValueError, match="both a holiday and a make-up"):
            BusinessCalendar(
                timezone="UTC",
                weekly={},
                holidays=[Holiday(date=day)],
                makeup_workdays=[MakeupWorkday(date=day)],
            )
        with pytest.raises(ValueError, match="unknown time zone"):
            BusinessCalendar(timezone="Mars/Olympus", weekly={})
        with pytest.raises(ValueError, match="before start"):
            Override(start=day, end=day - datetime.timedelta(days=1))


class TestQueries:
    def test_next_open_and_close(self) -> None:
        cal = office()
        lunch = at(SHANGHAI, 2026, 11, 23, 12, 15)
        assert cal.next_open(lunch) == at(SHANGHAI, 2026, 11, 23, 13)
        assert cal.next_close(lunch) == at(SHANGHAI, 2026, 11, 23, 17, 30)
        morning = at(SHANGHAI, 2026, 11, 23, 9)
        assert cal.next_open(morning) == morning
        assert cal.next_close(morning) == at(SHANGHAI, 2026, 11, 23, 12)
        saturday_noon = at(SHANGHAI, 2026, 11, 28, 12)
        assert cal.next_open(saturday_noon) == at(SHANGHAI, 2026, 11, 30, 8, 30)

    def test_always_and_never_open(self) -> None:
        always = BusinessCalendar.always_open("Asia/Shanghai")
        assert always.is_open(1e9)
        assert always.next_open(1e9) == 1e9
        assert always.next_close(1e9) is None
        assert always.business_seconds(0.0, 86_400.0 * 30) == 86_400.0 * 30
        never = BusinessCalendar(timezone="UTC", weekly={})
        assert never.next_open(0.0) is None
        assert never.next_close(0.0) is None
        assert never.add_business_seconds(0.0, 1.0) is None
        assert never.add_business_seconds(5.0, 0.0) == 5.0

    def test_always_open_with_a_holiday_closes_only_that_day(self) -> None:
        cal = BusinessCalendar(
            timezone="UTC",
            weekly={d: ["00:00-24:00"] for d in Weekday},
            holidays=[Holiday(date=datetime.date(2026, 12, 25))],
        )
        start = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC).timestamp()
        xmas = datetime.datetime(2026, 12, 25, tzinfo=datetime.UTC).timestamp()
        assert cal.next_close(start) == xmas
        assert cal.next_open(xmas + 10) == xmas + 86_400
        assert cal.next_close(xmas + 10) is None

    def test_business_seconds_over_a_week(self) -> None:
        cal = office()
        monday = at(SHANGHAI, 2026, 11, 23)
        week = cal.business_seconds(monday, monday + 7 * 86_400)
        assert week == 5 * 8 * HOUR + 3 * HOUR
        assert cal.business_seconds(monday + 10, monday) == 0.0

    def test_add_business_seconds_skips_nights_and_weekends(self) -> None:
        cal = office()
        friday_4pm = at(SHANGHAI, 2026, 11, 27, 16)
        # 24 business hours from Friday 16:00: 1.5 h Friday, 3 h Saturday, then
        # 8 h Monday, 8 h Tuesday, leaving 3.5 h on Wednesday: 08:30 + 3.5 h = 12:00,
        # which is the start of lunch, so the deadline is exactly 12:00.
        deadline = cal.add_business_seconds(friday_4pm, 24 * HOUR)
        assert deadline == at(SHANGHAI, 2026, 12, 2, 12)
        assert cal.business_seconds(friday_4pm, deadline) == 24 * HOUR
        assert cal.add_business_seconds(friday_4pm, 0) == friday_4pm

    def test_open_intervals_are_clipped(self) -> None:
        cal = office()
        start, end = at(SHANGHAI, 2026, 11, 23, 11), at(SHANGHAI, 2026, 11, 23, 14)
        assert cal.open_intervals(start, end) == [
            (start, at(SHANGHAI, 2026, 11, 23, 12)),
            (at(SHANGHAI, 2026, 11, 23, 13), end),
        ]

    @pytest.mark.parametrize("bad", [math.nan, math.inf, "10", True, None])
    def test_bad_instants_are_refused(self, bad: object) -> None:
        cal = office()
        with pytest.raises(InvalidArgumentError, match="finite number"):
            cal.is_open(bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError):
            cal.business_seconds(0.0, bad)  # type: ignore[arg-type]

    def test_negative_business_seconds_are_refused(self) -> None:
        with pytest.raises(InvalidArgumentError, match=">= 0"):
            office().add_business_seconds(0.0, -1.0)


class TestDaylightSaving:
    """New York: 2026-03-08 02:00 springs forward to 03:00; 2026-11-01 02:00 falls back."""

    def cal(self, hours: str) -> BusinessCalendar:
        return BusinessCalendar(timezone=NEW_YORK, weekly={Weekday.SUNDAY: [hours]})

    def test_spring_forward_day_is_an_hour_shorter(self) -> None:
        cal = self.cal("00:00-24:00")
        day = at(NEW_YORK, 2026, 3, 8)
        assert cal.business_seconds(day - 1, day + 2 * 86_400) == 23 * HOUR

    def test_fall_back_day_is_an_hour_longer(self) -> None:
        cal = self.cal("00:00-24:00")
        day = at(NEW_YORK, 2026, 11, 1)
        assert cal.business_seconds(day - 1, day + 2 * 86_400) == 25 * HOUR

    def test_range_across_the_gap(self) -> None:
        cal = self.cal("01:00-04:00")  # wall 02:00-03:00 does not exist
        day = at(NEW_YORK, 2026, 3, 8)
        assert cal.business_seconds(day, day + 86_400) == 2 * HOUR

    def test_range_inside_the_gap_never_opens(self) -> None:
        cal = self.cal("02:00-02:30")
        day = at(NEW_YORK, 2026, 3, 8)
        assert cal.business_seconds(day, day + 86_400) == 0.0

    def test_range_starting_in_the_gap_opens_at_the_change(self) -> None:
        cal = self.cal("02:30-05:00")
        change = at(NEW_YORK, 2026, 3, 8, 3)  # 03:00 EDT is the instant of the change
        assert cal.next_open(at(NEW_YORK, 2026, 3, 8)) == change
        assert cal.business_seconds(change - 10 * HOUR, change + 10 * HOUR) == 2 * HOUR

    def test_repeated_hour_is_covered_twice(self) -> None:
        cal = self.cal("01:00-02:00")
        first = at(NEW_YORK, 2026, 11, 1, 1, 30, fold=0)
        second = at(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)
        assert second - first == HOUR
        assert cal.is_open(first)
        assert cal.is_open(second)
        day = at(NEW_YORK, 2026, 11, 1)
        assert cal.business_seconds(day, day + 86_400) == 2 * HOUR


class TestDocuments:
    DOC: ClassVar[dict[str, Any]] = {
        "name": "Tianjin 400 line",
        "timezone": "Asia/Shanghai",
        "weekly": {"mon-fri": ["08:00-20:00"], "sat": ["09:00-17:00"], "sun": []},
        "holidays": [{"date": "2026-10-01", "name": "National Day"}],
        "makeup_workdays": [{"date": "2026-09-27", "as_weekday": "friday"}],
        "overrides": [{"start": "2026-12-31", "end": "2026-12-31", "hours": ["08:00-12:00"]}],
    }

    def test_round_trip(self) -> None:
        cal = BusinessCalendar.from_dict(self.DOC)
        again = BusinessCalendar.from_dict(cal.to_dict())
        assert again.to_dict() == cal.to_dict()
        assert again.name == "Tianjin 400 line"
        assert again.weekly == cal.weekly
        assert again.holidays == cal.holidays
        assert again.makeup_workdays == cal.makeup_workdays
        assert again.overrides == cal.overrides

    def test_toml_dates_load(self) -> None:
        doc = {**self.DOC, "holidays": [{"date": datetime.date(2026, 10, 1)}]}
        cal = BusinessCalendar.from_dict(doc)
        assert not cal.is_open(at(SHANGHAI, 2026, 10, 1, 10))

    def test_every_problem_is_reported_with_its_path(self) -> None:
        doc = {
            "timezone": "Asia/Shangai",
            "weekly": {"mon-fro": ["08:30-12:00", "13:00-37:30"], "sat": "09:00-12:00"},
            "holidays": [{"date": "2026-13-01", "nam": "x"}],
            "makeup_workday": [],
        }
        with pytest.raises(DefinitionError) as info:
            BusinessCalendar.from_dict(doc)
        found = {p.path: p.message for p in info.value.problems}
        assert "did you mean 'makeup_workdays'" in found["makeup_workday"]
        assert "unknown time zone 'Asia/Shangai'" in found["timezone"]
        assert "unknown weekday 'fro'" in found["weekly.mon-fro"]
        assert "at most 24 hours later, got 13:00-37:30" in found["weekly.mon-fro.1"]
        assert "expected a list of ranges" in found["weekly.sat"]
        assert "expected a date" in found["holidays.0.date"]
        assert "did you mean 'name'" in found["holidays.0.nam"]
        assert len(info.value.problems) == 7
        assert str(info.value).startswith("invalid calendar: 7 problems")

    def test_required_fields_and_semantic_problems(self) -> None:
        with pytest.raises(DefinitionError) as info:
            BusinessCalendar.from_dict({"name": "x"})
        assert {p.path for p in info.value.problems} == {"timezone", "weekly"}
        with pytest.raises(DefinitionError, match="listed twice"):
            BusinessCalendar.from_dict(
                {**self.DOC, "holidays": [{"date": "2026-10-01"}, {"date": "2026-10-01"}]}
            )
        with pytest.raises(DefinitionError, match="monday is given twice"):
            BusinessCalendar.from_dict({**self.DOC, "weekly": {"mon-fri": [], "monday": []}})
        with pytest.raises(DefinitionError, match="runs backwards"):
            BusinessCalendar.from_dict({**self.DOC, "weekly": {"fri-mon": []}})
        with pytest.raises(DefinitionError, match="expected a table"):
            BusinessCalendar.from_dict(["not", "a", "table"])  # type: ignore[arg-type]
