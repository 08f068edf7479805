"""Business calendars: opening hours, holidays and make-up working days, in a time zone.

A :class:`BusinessCalendar` answers the questions a router, an IVR and an SLA clock
ask about wall-clock time, with instants given as POSIX seconds:

* is the center open at ``now``? (:meth:`BusinessCalendar.is_open`)
* when does it next open, or close? (:meth:`~BusinessCalendar.next_open`,
  :meth:`~BusinessCalendar.next_close`)
* how many business seconds lie between two instants, and when will ``n`` business
  seconds have passed? (:meth:`~BusinessCalendar.business_seconds`,
  :meth:`~BusinessCalendar.add_business_seconds`)

The hours of a local date come from the first rule that applies, in this order:

1. a date-range :class:`Override` covering the date (the last one listed wins),
2. a :class:`Holiday` on the date (closed, or the reduced hours it gives),
3. a :class:`MakeupWorkday` on the date -- in China a weekend day is declared a working
   day around a public holiday; it keeps the hours of a chosen weekday (Monday by
   default) or hours of its own,
4. the weekly hours of the date's weekday (a weekday left out is closed, and
   :meth:`~BusinessCalendar.undefined_weekdays` reports it).

A :class:`TimeRange` may run past midnight (``18:00-08:00``): the part after midnight
belongs to the date the range starts on, so a night service that starts on a Friday
runs into Saturday morning even when Saturday is a holiday.

Daylight saving time is handled by converting each local opening to instants with
:mod:`zoneinfo`. A wall time that does not exist (skipped by a spring-forward change)
opens or closes at the moment of the change; a wall time that happens twice (the
fall-back hour) opens at its first occurrence and closes at its second, so the
opening covers every instant whose wall time lies in the range.

Instants follow the library's one rule for time (:func:`callcenter._clock.as_instant`):
POSIX seconds from 0001-01-02 to 9999-12-31 UTC. A calendar computes the hours of the
local dates from :data:`FIRST_DATE` (0001-01-02) to :data:`LAST_DATE` (9999-12-30);
a holiday, make-up day or override dated outside them has no effect
(:meth:`BusinessCalendar.problems` warns), and the time after ``LAST_DATE`` is the
end of the calendar: a calendar open 7x24 stays open for ever (its last opening
ends at ``math.inf``), any other calendar is closed there. So a calendar closed
"until 9999-12-31" is closed for ever: :meth:`~BusinessCalendar.next_open` answers
``None``, :meth:`~BusinessCalendar.add_business_seconds` answers ``None`` (the SLA
never runs out) and :meth:`~BusinessCalendar.business_seconds` counts no time there.
Such a stretch is skipped in one step, however long it is.

>>> import datetime, zoneinfo
>>> cal = BusinessCalendar.from_dict({
...     "timezone": "Asia/Shanghai",
...     "weekly": {"mon-fri": ["08:30-12:00", "13:00-17:30"], "sat-sun": []},
...     "holidays": [{"date": "2026-10-01", "name": "National Day"}],
...     "makeup_workdays": [{"date": "2026-09-27", "name": "make-up for National Day"}],
... })
>>> tz = zoneinfo.ZoneInfo("Asia/Shanghai")
>>> def at(*args: int) -> float:
...     return datetime.datetime(*args, tzinfo=tz).timestamp()
>>> cal.is_open(at(2026, 9, 27, 9, 0))    # a Sunday, but a make-up working day
True
>>> cal.is_open(at(2026, 10, 1, 9, 0))    # National Day
False
>>> cal.business_seconds(at(2026, 9, 28, 11, 0), at(2026, 9, 28, 14, 0)) / 3600
2.0
"""

from __future__ import annotations

import bisect
import datetime
import math
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Self

import attrs
import cattrs

from . import _calendar_doc, _loading
from ._calendar_parts import (
    DAY,
    Holiday,
    MakeupWorkday,
    Override,
    TimeRange,
    Weekday,
    _ranges,
    time_zone,
    zone_problem,
)
from ._clock import as_instant
from .errors import (
    DefinitionError,
    InvalidArgumentError,
    Problem,
    Severity,
)

__all__ = [
    "DAY",
    "FIRST_DATE",
    "LAST_DATE",
    "BusinessCalendar",
    "Holiday",
    "MakeupWorkday",
    "Override",
    "TimeRange",
    "Weekday",
    "time_zone",
    "zone_problem",
]

_CACHE_LIMIT = 4096

FIRST_DATE = datetime.date(1, 1, 2)
"""The first local date whose hours a calendar computes (earlier dates are closed)."""

LAST_DATE = datetime.date(9999, 12, 30)
"""The last local date whose hours a calendar computes (see the module's documentation
for what comes after it)."""

_ONE_DAY = datetime.timedelta(days=1)


def _shift(date: datetime.date, days: int) -> datetime.date:
    """``date + days``, held within the dates :class:`datetime.date` can represent."""
    ordinal = min(max(date.toordinal() + days, 1), datetime.date.max.toordinal())
    return datetime.date.fromordinal(ordinal)


_WeeklyHours = Mapping[Weekday, Iterable[TimeRange | str] | None]


def _weekly(
    value: _WeeklyHours | Iterable[Iterable[TimeRange | str] | None],
) -> tuple[tuple[TimeRange, ...] | None, ...]:
    items = value.items() if isinstance(value, Mapping) else enumerate(value)
    table: list[tuple[TimeRange, ...] | None] = [None] * 7
    for day, hours in items:
        table[Weekday(day)] = None if hours is None else _ranges(hours)
    return tuple(table)


def _holidays(items: Iterable[Holiday]) -> tuple[Holiday, ...]:
    return tuple(items)


def _makeups(items: Iterable[MakeupWorkday]) -> tuple[MakeupWorkday, ...]:
    return tuple(items)


def _overrides(items: Iterable[Override]) -> tuple[Override, ...]:
    return tuple(items)


def _by_date(items: Iterable[Holiday | MakeupWorkday]) -> dict[datetime.date, Any]:
    table: dict[datetime.date, Any] = {}
    for item in items:
        if item.date in table:
            raise ValueError(f"date {item.date} is listed twice")
        table[item.date] = item
    return table


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """Opening hours in a time zone, with holidays, make-up days and overrides.

    Build one from typed parts, or from a document with :meth:`from_dict`.

    Args:
        timezone: An IANA zone name or a :class:`zoneinfo.ZoneInfo`.
        weekly: Hours per weekday, as a mapping from :class:`Weekday` (a weekday
            mapped to ``None`` or left out is closed, and reported by
            :meth:`undefined_weekdays`) or as seven entries Monday first (the form
            the attribute is stored in, so :func:`attrs.evolve` works). Ranges may be
            :class:`TimeRange` objects or strings like ``"08:30-17:30"``.
        holidays: Dates that are closed, or open with reduced hours.
        makeup_workdays: Normally closed dates that are working days.
        overrides: Date ranges whose hours replace every other rule.
        name: A name for messages and reports.

    Raises:
        ValueError: A part is malformed (a date listed twice, a bad range...).
    """

    timezone: zoneinfo.ZoneInfo = attrs.field(converter=time_zone)
    weekly: tuple[tuple[TimeRange, ...] | None, ...] = attrs.field(converter=_weekly)
    holidays: tuple[Holiday, ...] = attrs.field(default=(), converter=_holidays)
    makeup_workdays: tuple[MakeupWorkday, ...] = attrs.field(default=(), converter=_makeups)
    overrides: tuple[Override, ...] = attrs.field(default=(), converter=_overrides)
    name: str = ""

    # Derived from the fields above: left out of equality and hashing.
    _holiday_by_date: dict[datetime.date, Holiday] = attrs.field(init=False, repr=False, eq=False)
    _makeup_by_date: dict[datetime.date, MakeupWorkday] = attrs.field(
        init=False, repr=False, eq=False
    )
    _last_special: datetime.date | None = attrs.field(init=False, repr=False, eq=False)
    _special_starts: list[datetime.date] = attrs.field(init=False, repr=False, eq=False)
    _weekly_state: str = attrs.field(init=False, repr=False, eq=False)
    _cache: dict[datetime.date, tuple[tuple[float, float], ...]] = attrs.field(
        init=False, repr=False, factory=dict, eq=False
    )

    def __attrs_post_init__(self) -> None:
        put = object.__setattr__  # frozen: derived tables are set once, here
        put(self, "_holiday_by_date", _by_date(self.holidays))
        put(self, "_makeup_by_date", _by_date(self.makeup_workdays))
        for makeup in self.makeup_workdays:
            if makeup.date in self._holiday_by_date:
                raise ValueError(f"date {makeup.date} is both a holiday and a make-up workday")
        specials = [*self._holiday_by_date, *self._makeup_by_date]
        specials += [o.end for o in self.overrides]
        put(self, "_last_special", max(specials) if specials else None)
        starts = {*self._holiday_by_date, *self._makeup_by_date, *(o.start for o in self.overrides)}
        put(self, "_special_starts", sorted(starts))
        put(self, "_weekly_state", self._classify_weekly())

    # ------------------------------------------------------------------ construction

    @classmethod
    def always_open(cls, timezone: str | zoneinfo.ZoneInfo = "UTC", name: str = "") -> Self:
        """A 7x24 calendar (a central center that never closes).

        >>> BusinessCalendar.always_open().is_open(0.0)
        True
        """
        return cls(
            timezone=timezone,
            weekly={day: [TimeRange(0, DAY)] for day in Weekday},
            name=name,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, what: str = "calendar") -> BusinessCalendar:
        """Build a calendar from a document (a dict, e.g. parsed TOML or JSON).

        The document has ``timezone`` (required), ``weekly`` (a table from day names
        -- ``monday`` or ``mon``, or spans such as ``mon-fri`` -- to lists of ranges
        like ``"08:30-12:00"``; an empty list means closed), and optional ``name``,
        ``holidays``, ``makeup_workdays`` and ``overrides`` (lists of tables with the
        fields of :class:`Holiday`, :class:`MakeupWorkday` and :class:`Override`).

        Raises:
            DefinitionError: Every problem in the document, each with its path.
        """
        return _loading.structure_definition(_DOCUMENTS, data, cls, what=what)

    def to_dict(self) -> dict[str, Any]:
        """The calendar as a document that :meth:`from_dict` reads back."""
        return _calendar_doc.calendar_document(
            timezone=self.timezone,
            weekly=self.weekly,
            holidays=self.holidays,
            makeup_workdays=self.makeup_workdays,
            overrides=self.overrides,
            name=self.name,
        )

    # ------------------------------------------------------------------ the rules

    def undefined_weekdays(self) -> tuple[Weekday, ...]:
        """Weekdays the weekly hours do not mention (treated as closed).

        A validator reports these: a calendar usually means to say what every day does.
        """
        return tuple(day for day in Weekday if self.weekly[day] is None)

    def problems(self) -> list[Problem]:
        """Warnings about rules that cannot work the way they read (for check commands).

        * a holiday, make-up day or override dated outside :data:`FIRST_DATE` ..
          :data:`LAST_DATE` has no effect there;
        * an override that closes the calendar up to :data:`LAST_DATE` or beyond
          closes it for ever: from its start, :meth:`next_open` answers ``None`` and
          an SLA clock in business time never runs out.

        >>> cal = BusinessCalendar.from_dict({"timezone": "UTC", "weekly": {},
        ...     "overrides": [{"start": "2027-01-01", "end": "9999-12-31"}]})
        >>> [str(p) for p in cal.problems()]  # doctest: +ELLIPSIS
        ['overrides.0: warning: closes the calendar from 2027-01-01 for ever: ...', ...]
        """
        found: list[Problem] = []

        def outside(path: str, date: datetime.date) -> None:
            if not FIRST_DATE <= date <= LAST_DATE:
                found.append(
                    Problem(
                        path=path,
                        message=f"date {date} is outside the dates a calendar computes "
                        f"({FIRST_DATE} to {LAST_DATE}); this rule has no effect there",
                        severity=Severity.WARNING,
                    )
                )

        for index, holiday in enumerate(self.holidays):
            outside(f"holidays.{index}.date", holiday.date)
        for index, makeup in enumerate(self.makeup_workdays):
            outside(f"makeup_workdays.{index}.date", makeup.date)
        for index, override in enumerate(self.overrides):
            if not override.hours and override.end >= LAST_DATE:
                found.append(
                    Problem(
                        path=f"overrides.{index}",
                        message=f"closes the calendar from {override.start} for ever: from "
                        "then on it never opens again and business-time SLA clocks never "
                        "run out; give the closure an end date",
                        severity=Severity.WARNING,
                    )
                )
            outside(f"overrides.{index}.start", override.start)
            outside(f"overrides.{index}.end", override.end)
        return found

    def hours_on(self, date: datetime.date) -> tuple[TimeRange, ...]:
        """The opening hours that apply on a local date, after every rule.

        >>> cal = BusinessCalendar(timezone="UTC", weekly={Weekday.MONDAY: ["09:00-17:00"]})
        >>> [str(r) for r in cal.hours_on(datetime.date(2026, 11, 23))]
        ['09:00-17:00']
        >>> cal.hours_on(datetime.date(2026, 11, 24))
        ()
        """
        for override in reversed(self.overrides):
            if override.covers(date):
                return override.hours
        holiday = self._holiday_by_date.get(date)
        if holiday is not None:
            return holiday.hours
        makeup = self._makeup_by_date.get(date)
        if makeup is not None:
            if makeup.hours is not None:
                return makeup.hours
            return self.weekly[makeup.as_weekday] or ()
        return self.weekly[date.weekday()] or ()

    def rule_on(self, date: datetime.date) -> str:
        """Which rule decides a date's hours, in words (for reports and ``--explain``).

        >>> cal = BusinessCalendar(timezone="UTC", weekly={})
        >>> cal.rule_on(datetime.date(2026, 11, 23))
        'weekly hours (monday, not defined: closed)'
        """

        def named(kind: str, name: str) -> str:
            return f"{kind} ({name})" if name else kind

        for override in reversed(self.overrides):
            if override.covers(date):
                return named("override", override.name)
        if date in self._holiday_by_date:
            return named("holiday", self._holiday_by_date[date].name)
        if date in self._makeup_by_date:
            return named("make-up workday", self._makeup_by_date[date].name)
        day = Weekday(date.weekday())
        suffix = ", not defined: closed" if self.weekly[day] is None else ""
        return f"weekly hours ({day.name.lower()}{suffix})"

    # ------------------------------------------------------------------ instants

    def _instant(self, date: datetime.date, seconds: int, *, latest: bool) -> float:
        """POSIX time of local wall time ``date + seconds`` (DST-aware, see module doc)."""
        days, rest = divmod(seconds, DAY)
        naive = datetime.datetime.combine(
            date + datetime.timedelta(days=days), datetime.time()
        ) + datetime.timedelta(seconds=rest)
        tz = self.timezone
        first = naive.replace(tzinfo=tz, fold=0).timestamp()
        second = naive.replace(tzinfo=tz, fold=1).timestamp()
        if first == second:
            return first
        low, high = min(first, second), max(first, second)
        if datetime.datetime.fromtimestamp(low, tz).replace(tzinfo=None) == naive:
            # The wall time happens twice (fall back): both instants are real.
            return high if latest else low
        # The wall time was skipped (spring forward): find the moment of the change,
        # the first instant whose wall time is at or after ``naive``.
        lo, hi = math.floor(low), math.ceil(high)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.datetime.fromtimestamp(mid, tz).replace(tzinfo=None) >= naive:
                hi = mid
            else:
                lo = mid
        return float(hi)

    def _local_date(self, instant: float) -> datetime.date:
        # ``instant`` passed as_instant: its local date exists in every zone.
        return datetime.datetime.fromtimestamp(instant, self.timezone).date()

    def _date_intervals(self, date: datetime.date) -> tuple[tuple[float, float], ...]:
        """Open intervals (POSIX) of the ranges that start on ``date``, cached.

        Dates outside ``FIRST_DATE..LAST_DATE`` are closed (see the module's doc).
        """
        cached = self._cache.get(date)
        if cached is not None:
            return cached
        intervals = []
        if FIRST_DATE <= date <= LAST_DATE:
            for rng in self.hours_on(date):
                start = self._instant(date, rng.start, latest=False)
                end = self._instant(date, rng.end, latest=True)
                if end > start:
                    intervals.append((start, end))
        result = tuple(intervals)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[date] = result
        return result

    def _classify_weekly(self) -> str:
        """``"never"``, ``"always"`` or ``"sometimes"`` open, judging the weekly hours only."""
        if not any(self.weekly):
            return "never"
        for day in Weekday:
            covered = [(r.start, min(r.end, DAY)) for r in self.weekly[day] or ()]
            previous = self.weekly[(day - 1) % 7] or ()
            covered += [(0, r.end - DAY) for r in previous if r.end > DAY]
            reach = 0
            for start, end in sorted(covered):
                if start > reach:
                    break
                reach = max(reach, end)
            if reach < DAY:
                return "sometimes"
        return "always"

    def _closed_until(self, date: datetime.date) -> datetime.date:
        """The last date of the stretch from ``date`` that closed overrides close.

        ``date`` itself when no override closes it. Lets the search for the next
        opening jump over a closure of any length (``until 9999-12-31``) in one step.
        """
        overrides = self.overrides
        for index in range(len(overrides) - 1, -1, -1):
            override = overrides[index]
            if override.covers(date):
                if override.hours:
                    return date
                last = override.end
                # An override listed later wins on its own dates: stop before it.
                for later in overrides[index + 1 :]:
                    if date < later.start <= last:
                        last = later.start - _ONE_DAY
                return min(last, LAST_DATE)
        return date

    def _next_date_to_look_at(self, date: datetime.date, settled: datetime.date) -> datetime.date:
        """``date``, or a later date when every date before it is known to be closed."""
        date = max(self._closed_until(date), date)
        if self._weekly_state != "never" or any(o.hours and o.covers(date) for o in self.overrides):
            return date
        # A week that never opens: only a special date can, so go to the next one.
        index = bisect.bisect_left(self._special_starts, date)
        if index < len(self._special_starts):
            return min(self._special_starts[index], settled)
        return max(date, settled)

    def _through_open_days(
        self, current: tuple[float, float], date: datetime.date, settled: datetime.date
    ) -> tuple[tuple[float, float], datetime.date]:
        """Extend an opening that reaches ``date`` over the plain 7x24 days that follow.

        With an always-open week, the days before the next special date are open
        from midnight to midnight: the opening runs on to the last of them in one
        step (a holiday in 9999 costs no more than one next week).
        """
        if any(o.covers(date) for o in self.overrides):
            return current, date
        index = bisect.bisect_left(self._special_starts, date)
        stop = settled
        if index < len(self._special_starts):
            stop = min(stop, self._special_starts[index])
        last = stop - _ONE_DAY
        if last - date < datetime.timedelta(days=2):
            return current, date
        if current[1] < self._instant(date, 0, latest=False):
            return current, date  # the opening stops before ``date``
        return (current[0], max(current[1], self._instant(last, 0, latest=False))), last

    def intervals_from(self, instant: float) -> Iterator[tuple[float, float]]:
        """Yield the open intervals ``[start, end)`` that end after ``instant``, in order.

        Adjacent and overlapping openings are merged, so each yielded interval is a
        maximal open stretch. The last interval's end is ``math.inf`` when the
        calendar never closes again; the iterator ends when it never opens again
        (including after :data:`LAST_DATE`, see the module's documentation).

        Raises:
            InvalidArgumentError: ``instant`` is not POSIX seconds in range.
        """
        instant = as_instant(instant, "instant")
        date = _shift(self._local_date(instant), -1)
        settled = _shift(self._last_special or date, 2)
        current: tuple[float, float] | None = None
        while True:
            for start, end in self._date_intervals(date):
                if current is not None and start <= current[1]:
                    current = (current[0], max(current[1], end))
                    continue
                if current is not None and current[1] > instant:
                    yield current
                current = (start, end)
            if date >= settled or date >= LAST_DATE:
                if self._weekly_state == "always":
                    if date < LAST_DATE:
                        yield (current[0] if current else instant, math.inf)
                        return
                    # The end of the dates: the weekly hours (open) go on for ever.
                    midnight = self._instant(LAST_DATE, DAY, latest=False)
                    if current is not None and current[1] >= midnight:
                        yield (current[0], math.inf)
                        return
                    if current is not None and current[1] > instant:
                        yield current
                    yield (midnight, math.inf)
                    return
                if self._weekly_state == "never" or date >= LAST_DATE:
                    if current is not None and current[1] > instant:
                        yield current
                    return
            date = self._next_date_to_look_at(date + _ONE_DAY, settled)
            if current is not None and self._weekly_state == "always":
                current, date = self._through_open_days(current, date, settled)

    # ------------------------------------------------------------------ questions

    def is_open(self, now: float) -> bool:
        """Whether the calendar is open at instant ``now``.

        >>> BusinessCalendar(timezone="UTC", weekly={}).is_open(0.0)
        False
        """
        now = as_instant(now, "now")
        date = self._local_date(now)
        if date > LAST_DATE and self._weekly_state == "always":
            return True  # the end of the dates: a 7x24 week goes on for ever
        for day in (_shift(date, -1), date):
            for start, end in self._date_intervals(day):
                if start <= now < end:
                    return True
        return False

    def next_open(self, now: float) -> float | None:
        """The first instant at or after ``now`` when the calendar is open.

        Returns ``now`` itself when open, ``None`` when it never opens again.
        """
        now = as_instant(now, "now")
        for start, _ in self.intervals_from(now):
            return max(start, now)
        return None

    def next_close(self, now: float) -> float | None:
        """The first instant after ``now`` at which an opening ends.

        When closed at ``now`` this is the end of the next opening. ``None`` when the
        calendar never closes again (7x24) or never opens again.
        """
        now = as_instant(now, "now")
        for _, end in self.intervals_from(now):
            return None if math.isinf(end) else end
        return None

    def business_seconds(self, start: float, end: float) -> float:
        """Seconds of open time in ``[start, end)``; ``0.0`` when ``end <= start``.

        Additive: ``business_seconds(a, b) + business_seconds(b, c) ==
        business_seconds(a, c)`` for ``a <= b <= c``.
        """
        start = as_instant(start, "start")
        end = as_instant(end, "end")
        total = 0.0
        if end <= start:
            return total
        for low, high in self.intervals_from(start):
            if low >= end:
                break
            total += min(high, end) - max(low, start)
        return total

    def add_business_seconds(self, start: float, seconds: float) -> float | None:
        """The instant at which ``seconds`` of open time have passed since ``start``.

        This is how an SLA clock in business time finds its deadline. ``None`` when
        the calendar never accumulates that much open time.

        Raises:
            InvalidArgumentError: ``seconds`` is negative or not finite.
        """
        start = as_instant(start, "start")
        remaining = as_instant(seconds, "seconds")
        if remaining < 0:
            raise InvalidArgumentError(name="seconds", expected="a finite number >= 0", got=seconds)
        if remaining == 0:
            return start
        for low, high in self.intervals_from(start):
            low = max(low, start)
            if high - low >= remaining:
                return low + remaining
            remaining -= high - low
        return None

    def open_intervals(self, start: float, end: float) -> list[tuple[float, float]]:
        """The open stretches within ``[start, end)``, clipped to it, in order."""
        start = as_instant(start, "start")
        end = as_instant(end, "end")
        result: list[tuple[float, float]] = []
        if end <= start:
            return result
        for low, high in self.intervals_from(start):
            if low >= end:
                break
            result.append((max(low, start), min(high, end)))
        return result


def _from_document(data: Mapping[str, Any], _: object) -> BusinessCalendar:
    """A calendar from its document; every problem is reported at its path."""
    fields = _calendar_doc.calendar_fields(data)
    try:
        return BusinessCalendar(**fields)
    except ValueError as exc:
        raise DefinitionError([Problem(path="", message=str(exc))]) from None


_DOCUMENTS = cattrs.Converter()
"""Builds a :class:`BusinessCalendar` from a document, for :meth:`BusinessCalendar.from_dict`."""
_DOCUMENTS.register_structure_hook(BusinessCalendar, _from_document)
