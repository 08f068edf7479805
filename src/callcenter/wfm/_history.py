"""Contact history per queue, local date and interval of the day.

The forecast and its backtests read a :class:`History`: for each queue, each local
date and each interval of the day, the contacts offered to the queue (those that
asked for an agent, whatever became of them) and the handle time of those answered.
A contact counts in the first queue it entered, at the interval of the moment it
entered it; contacts that never reached a queue (finished or abandoned in the IVR)
are not demand for agents and are left out. Handle time is talk, hold and
after-contact work: the time an agent is kept from the next contact.

Days without a single contact between the first and the last date of the history
(a closed Sunday) are kept, with zeros: a closed day is information too.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping

import attrs

from ..calendars import BusinessCalendar, Weekday
from ..errors import InvalidArgumentError
from ..metrics import ContactRecord, Outcome

__all__ = ["DAY_KINDS", "History", "day_kind"]

DAY_KINDS: tuple[str, ...] = (*(day.name.lower() for day in Weekday), "holiday")
"""The kinds of day a forecast tells apart: the seven weekdays, then ``"holiday"``."""

_OFFERED = frozenset(Outcome) - {Outcome.FINISHED_IN_IVR, Outcome.ABANDONED_IN_IVR}


def day_kind(date: datetime.date, calendar: BusinessCalendar | None = None) -> str:
    """The kind of a local date: its weekday, ``"holiday"``, or a make-up day's weekday.

    A holiday of ``calendar`` is ``"holiday"``; a make-up working day takes the kind of
    the weekday whose hours it keeps (a make-up Saturday kept as a Friday is
    ``"friday"``); any other date is its weekday. Without a calendar every date is its
    weekday.

    >>> day_kind(datetime.date(2026, 10, 8))
    'thursday'
    """
    if calendar is not None:
        for holiday in calendar.holidays:
            if holiday.date == date:
                return "holiday"
        for makeup in calendar.makeup_workdays:
            if makeup.date == date:
                return makeup.as_weekday.name.lower()
    return Weekday(date.weekday()).name.lower()


def _check_interval(interval_seconds: object) -> int:
    if (
        isinstance(interval_seconds, bool)
        or not isinstance(interval_seconds, int)
        or interval_seconds <= 0
        or 86_400 % interval_seconds
    ):
        raise InvalidArgumentError(
            name="interval_seconds",
            expected="a whole number of seconds that divides a day (900, 1800, 3600)",
            got=interval_seconds,
        )
    return interval_seconds


def _zone(timezone: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidArgumentError(
            name="timezone", expected="an IANA time zone name", got=timezone
        ) from None


@attrs.frozen(kw_only=True, eq=False)
class History:
    """Offered contacts and handle time per queue, local date and interval.

    Build one with :meth:`from_records`.

    Attributes:
        timezone: IANA zone of the local dates and intervals.
        interval_seconds: Length of an interval (it divides a day).
        dates: Every local date from the first to the last contact, in order.
        queues: The queues, sorted.
        volumes: ``volumes[queue][date]``: contacts offered in each interval.
        handle_seconds: ``handle_seconds[queue][date]``: summed handle time of the
            contacts answered, by the interval they entered the queue in.
        handled: ``handled[queue][date]``: contacts answered, likewise.
    """

    timezone: str
    interval_seconds: int
    dates: tuple[datetime.date, ...]
    queues: tuple[str, ...]
    volumes: Mapping[str, Mapping[datetime.date, tuple[float, ...]]]
    handle_seconds: Mapping[str, Mapping[datetime.date, tuple[float, ...]]]
    handled: Mapping[str, Mapping[datetime.date, tuple[float, ...]]]

    @property
    def slots(self) -> int:
        """Intervals in a day."""
        return 86_400 // self.interval_seconds

    @classmethod
    def from_records(
        cls,
        records: Iterable[ContactRecord],
        *,
        timezone: str,
        interval_seconds: int = 1800,
    ) -> History:
        """Count the contacts of ``records`` per queue, local date and interval.

        Args:
            records: Contact records (see :class:`~callcenter.metrics.ContactRecord`).
            timezone: The zone whose local dates and clock times the intervals follow.
            interval_seconds: The interval length; it must divide a day.

        Returns:
            The history, from the first to the last date with a contact in a queue.

        Raises:
            InvalidArgumentError: A bad interval or zone, or no contact reached a queue.

        Complexity: O(n) in the records, plus O(dates x intervals) per queue.
        """
        step = _check_interval(interval_seconds)
        zone = _zone(timezone)
        slots = 86_400 // step
        counts: dict[str, dict[datetime.date, list[float]]] = {}
        handle: dict[str, dict[datetime.date, list[float]]] = {}
        answered: dict[str, dict[datetime.date, list[float]]] = {}
        for record in records:
            if not isinstance(record, ContactRecord):
                raise InvalidArgumentError(
                    name="records", expected="ContactRecord objects", got=record
                )
            if record.outcome not in _OFFERED or not record.queues:
                continue
            at = record.queued_at if record.queued_at is not None else record.arrived_at
            local = datetime.datetime.fromtimestamp(at, zone)
            slot = (local.hour * 3600 + local.minute * 60 + local.second) // step
            date = local.date()
            queue = record.queues[0]
            counts.setdefault(queue, {}).setdefault(date, [0.0] * slots)[slot] += 1
            if record.outcome is Outcome.ANSWERED:
                seconds = record.talk_seconds + record.hold_seconds + record.after_contact_seconds
                handle.setdefault(queue, {}).setdefault(date, [0.0] * slots)[slot] += seconds
                answered.setdefault(queue, {}).setdefault(date, [0.0] * slots)[slot] += 1
        every = {d for by_date in counts.values() for d in by_date}
        if not every:
            raise InvalidArgumentError(
                name="records", expected="at least one contact offered to a queue", got="none"
            )
        first, last = min(every), max(every)
        dates = tuple(first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        zero = (0.0,) * slots

        def table(
            source: dict[str, dict[datetime.date, list[float]]], queue: str
        ) -> dict[datetime.date, tuple[float, ...]]:
            by_date = source.get(queue, {})
            return {d: tuple(by_date[d]) if d in by_date else zero for d in dates}

        queues = tuple(sorted(counts))
        return cls(
            timezone=timezone,
            interval_seconds=step,
            dates=dates,
            queues=queues,
            volumes={q: table(counts, q) for q in queues},
            handle_seconds={q: table(handle, q) for q in queues},
            handled={q: table(answered, q) for q in queues},
        )

    def before(self, date: datetime.date) -> History:
        """The history of the dates before ``date`` (a training set for a backtest).

        Raises:
            InvalidArgumentError: No date of the history is before ``date``.
        """
        dates = tuple(d for d in self.dates if d < date)
        if not dates:
            raise InvalidArgumentError(
                name="date", expected=f"a date after {self.dates[0]}", got=date
            )
        return self.only(dates)

    def only(self, dates: tuple[datetime.date, ...]) -> History:
        """The history of ``dates`` alone (a holiday-free history, say).

        Raises:
            InvalidArgumentError: A date outside the history.
        """
        known = set(self.dates)
        for date in dates:
            if date not in known:
                raise InvalidArgumentError(
                    name="dates",
                    expected=f"dates from {self.dates[0]} to {self.dates[-1]}",
                    got=date,
                )

        def cut(
            source: Mapping[str, Mapping[datetime.date, tuple[float, ...]]],
        ) -> dict[str, dict[datetime.date, tuple[float, ...]]]:
            return {q: {d: source[q][d] for d in dates} for q in self.queues}

        return attrs.evolve(
            self,
            dates=dates,
            volumes=cut(self.volumes),
            handle_seconds=cut(self.handle_seconds),
            handled=cut(self.handled),
        )

    def day_total(self, queue: str, date: datetime.date) -> float:
        """Contacts offered to ``queue`` on ``date`` (0 for a date outside the history)."""
        volumes = self.volumes.get(queue, {}).get(date)
        return 0.0 if volumes is None else sum(volumes)
