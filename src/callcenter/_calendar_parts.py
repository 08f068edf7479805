"""The parts a business calendar is written in: weekdays, clock ranges, dated rules, zones.

These are plain values with their own checks and text forms (``"08:30-17:00"``,
``"mon"``, ``"Asia/Shanghai"``). They know nothing of a whole calendar: both
:class:`~callcenter.calendars.BusinessCalendar` and its document form
(:mod:`callcenter._calendar_doc`) are built from them. The public names are
re-exported by :mod:`callcenter.calendars`.
"""

from __future__ import annotations

import datetime
import enum
import re
import zoneinfo
from collections.abc import Iterable
from typing import Any

import attrs

from .errors import DefinitionError, Problem, _short_repr, did_you_mean

__all__ = [
    "DAY",
    "Holiday",
    "MakeupWorkday",
    "Override",
    "TimeRange",
    "Weekday",
    "time_zone",
    "zone_problem",
]


DAY = 86_400
"""Seconds in a civil day (wall-clock arithmetic; real days may be 23 or 25 hours)."""


class Weekday(enum.IntEnum):
    """Days of the week, numbered as :meth:`datetime.date.weekday` numbers them."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6

    @classmethod
    def parse(cls, text: str) -> Weekday:
        """Parse a full or three-letter English day name, in any case.

        >>> Weekday.parse("sat"), Weekday.parse("Monday")
        (<Weekday.SATURDAY: 5>, <Weekday.MONDAY: 0>)
        """
        key = text.strip().lower()
        for day in cls:
            if key in (day.name.lower(), day.name.lower()[:3]):
                return day
        names = ", ".join(d.name.lower() for d in cls)
        raise ValueError(f"unknown weekday {text!r}; expected one of {names} (or mon..sun)")


_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def _parse_clock(text: str, *, is_end: bool) -> int:
    match = _TIME_RE.match(text)
    if match is None:
        raise ValueError(f"expected a time like 08:30 or 17:45:30, got {text!r}")
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    value = hours * 3600 + minutes * 60 + seconds
    # An end may be written past 24:00 (``00:15-24:15`` is a whole day from 00:15).
    if minutes > 59 or seconds > 59 or value > (2 * DAY if is_end else DAY):
        raise ValueError(f"no such time of day: {text!r}")
    if value == DAY and not is_end:
        raise ValueError(f"a range cannot start at 24:00 ({text!r}); use 00:00 of the next day")
    return value


def _format_clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}"
    return text + (f":{secs:02d}" if secs else "")


def _check_range(instance: TimeRange, attribute: attrs.Attribute[int], value: int) -> None:
    if attribute.name == "start" and not 0 <= value < DAY:
        raise ValueError(f"start must lie in [0, {DAY}) seconds after midnight, got {value}")
    if attribute.name == "end" and not instance.start < value <= instance.start + DAY:
        raise ValueError(
            f"a range must end after it starts and at most 24 hours later, got "
            f"{_format_clock(instance.start)}-{_format_clock(value)}"
        )


@attrs.frozen(order=True)
class TimeRange:
    """A half-open stretch ``[start, end)`` of local wall-clock time within a day.

    Both ends are seconds after local midnight. ``end`` may pass midnight (up to 24
    hours after ``start``): ``18:00-08:00`` is ``TimeRange(64800, 115200)``.

    >>> TimeRange.parse("08:30-17:00")
    TimeRange(start=30600, end=61200)
    >>> str(TimeRange.parse("18:00-08:00"))
    '18:00-08:00'
    >>> str(TimeRange.parse("00:00-24:00"))
    '00:00-24:00'
    """

    start: int = attrs.field(validator=_check_range)
    end: int = attrs.field(validator=_check_range)

    @classmethod
    def parse(cls, text: str) -> TimeRange:
        """Parse ``"HH:MM-HH:MM"`` (seconds optional).

        An end before the start means the range runs past midnight; an end may also
        be written past ``24:00`` (``"00:15-24:15"`` is a whole day from 00:15).

        Raises:
            ValueError: The text is not a range of two times of day, or is empty.
        """
        if not isinstance(text, str):
            raise ValueError(f"expected a range like '08:30-17:00', got {text!r}")
        parts = text.split("-")
        if len(parts) != 2:
            raise ValueError(f"expected a range like '08:30-17:00', got {text!r}")
        start = _parse_clock(parts[0], is_end=False)
        end = _parse_clock(parts[1], is_end=True)
        if end == start:
            raise ValueError(f"empty range {text!r}; for a whole day write 00:00-24:00")
        if end < start:
            end += DAY
        return cls(start, end)

    @property
    def crosses_midnight(self) -> bool:
        """Whether the range runs into the next day."""
        return self.end > DAY

    def __str__(self) -> str:
        end = self.end - DAY if self.end > DAY and self.end - DAY != self.start else self.end
        return f"{_format_clock(self.start)}-{_format_clock(end)}"


def _ranges(value: Iterable[TimeRange | str]) -> tuple[TimeRange, ...]:
    """Normalise ranges: parse strings, sort, and merge overlapping or touching ones."""
    parsed = sorted(TimeRange.parse(v) if isinstance(v, str) else v for v in value)
    merged: list[TimeRange] = []
    for item in parsed:
        if merged and item.start <= merged[-1].end:
            last = merged[-1]
            end = max(last.end, item.end)
            if end - last.start > DAY:
                raise ValueError(
                    f"ranges {last} and {item} together cover more than 24 hours from "
                    f"{_format_clock(last.start)}"
                )
            merged[-1] = TimeRange(last.start, end)
        else:
            merged.append(item)
    return tuple(merged)


@attrs.frozen(kw_only=True)
class Holiday:
    """A date on which the normal hours do not apply.

    Attributes:
        date: The local date.
        name: What the holiday is, for reports (``"National Day"``).
        hours: Reduced opening hours for the day; empty (the default) means closed.
    """

    date: datetime.date
    name: str = ""
    hours: tuple[TimeRange, ...] = attrs.field(default=(), converter=_ranges)


@attrs.frozen(kw_only=True)
class MakeupWorkday:
    """A normally closed date declared a working day (调休上班).

    Attributes:
        date: The local date.
        name: Why, for reports (``"make-up for National Day"``).
        as_weekday: Whose weekly hours the day keeps (Monday by default).
        hours: Hours of its own, used instead of ``as_weekday``'s when given.
    """

    date: datetime.date
    name: str = ""
    as_weekday: Weekday = Weekday.MONDAY
    hours: tuple[TimeRange, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_ranges)
    )


def _check_override_end(instance: Override, _: attrs.Attribute[Any], value: datetime.date) -> None:
    if value < instance.start:
        raise ValueError(f"end {value} is before start {instance.start}")


@attrs.frozen(kw_only=True)
class Override:
    """Hours that replace every other rule on each date of an inclusive date range.

    Attributes:
        start: The first local date.
        end: The last local date (inclusive).
        hours: The hours on each of those dates; empty means closed.
        name: Why, for reports (``"stock-taking week"``).
    """

    start: datetime.date
    end: datetime.date = attrs.field(validator=_check_override_end)
    hours: tuple[TimeRange, ...] = attrs.field(default=(), converter=_ranges)
    name: str = ""

    def covers(self, date: datetime.date) -> bool:
        """Whether ``date`` lies in the range."""
        return self.start <= date <= self.end


def zone_problem(value: object) -> str | None:
    """Say what is wrong with ``value`` as an IANA time-zone name, or ``None`` if it is one.

    >>> print(zone_problem("Asia"))
    'Asia' is a region of the time-zone database, not a zone; expected a name such as ...
    >>> zone_problem("Asia/Shanghai") is None
    True
    """
    if isinstance(value, zoneinfo.ZoneInfo):
        return None
    example = "expected a name such as 'Asia/Shanghai'"
    shown = _short_repr(value)
    if not isinstance(value, str):
        kind = type(value).__name__
        return f"expected an IANA time-zone name ({example[9:]}), got {kind} {shown}"
    try:
        zoneinfo.ZoneInfo(value)
    except IsADirectoryError:
        return f"{shown} is a region of the time-zone database, not a zone; {example}"
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        hint = did_you_mean(value, zoneinfo.available_timezones()) if len(value) < 100 else ""
        return f"unknown time zone {shown}{hint}; {example}"
    return None


def time_zone(value: str | zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    """The :class:`zoneinfo.ZoneInfo` of an IANA name (or the zone itself).

    Raises:
        DefinitionError: ``value`` is not a zone: an unknown name, a region of the
            database such as ``"Asia"``, a path, or not text (at path ``timezone``).
    """
    message = zone_problem(value)
    if message is not None:
        raise DefinitionError([Problem(path="timezone", message=message)], what="time zone")
    return value if isinstance(value, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo(value)
