"""Agents' shifts: working hours with breaks, turned into sign-in and break times.

A simulated agent works a :class:`Shift`: the hours of the shift in local wall-clock
time (the same ``"08:00-17:00"`` ranges as business calendars, running past midnight
for a night shift such as ``"18:00-08:00"``) with breaks inside them. For a given
date and time zone :meth:`Shift.changes` lists the instants at which the agent signs
in, goes on a break, comes back and signs out, which the simulator turns into events
for the ACD.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from typing import Literal

import attrs

from ..calendars import DAY, TimeRange
from ..errors import DefinitionError, Problem

__all__ = ["Shift", "ShiftChange"]

ChangeKind = Literal["start", "break", "resume", "end"]


def _as_range(value: TimeRange | str) -> TimeRange:
    return TimeRange.parse(value) if isinstance(value, str) else value


def _as_ranges(values: Iterable[TimeRange | str]) -> tuple[TimeRange, ...]:
    if not isinstance(values, list | tuple):
        return values  # type: ignore[return-value]  # refused by the shift's check
    return tuple(_as_range(v) for v in values)


def _shape_problems(hours: object, breaks: object) -> list[Problem]:
    """A shift's values that are not time ranges (in Python: anything may come)."""
    problems = []
    example = "a time range such as '08:00-17:00'"
    if not isinstance(hours, TimeRange):
        problems.append(Problem(path="hours", message=f"expected {example}, got {hours!r}"))
    if not isinstance(breaks, tuple):
        problems.append(
            Problem(path="breaks", message=f"expected a list of time ranges, got {breaks!r}")
        )
    else:
        for index, pause in enumerate(breaks):
            if not isinstance(pause, TimeRange):
                problems.append(
                    Problem(path=f"breaks.{index}", message=f"expected {example}, got {pause!r}")
                )
    return problems


@attrs.frozen(kw_only=True)
class ShiftChange:
    """One change in an agent's availability.

    Attributes:
        at: When, in POSIX seconds.
        kind: ``"start"`` (sign in), ``"break"``, ``"resume"`` (back from a break)
            or ``"end"`` (sign out).
    """

    at: float
    kind: ChangeKind


@attrs.frozen(kw_only=True)
class Shift:
    """Working hours with breaks, in local wall-clock time.

    Args:
        hours: The shift, e.g. ``"08:00-17:00"`` or ``"18:00-08:00"`` (overnight).
        breaks: Breaks within the shift, e.g. ``["12:00-13:00"]``; in an overnight
            shift a break after midnight is written with its clock time
            (``"02:00-02:30"``).

    Raises:
        DefinitionError: A break that is not within the shift, breaks that overlap,
            or breaks that leave no working time (each with its index).
        ValueError: A range that cannot be parsed.

    >>> shift = Shift(hours="08:00-17:00", breaks=["12:00-13:00"])
    >>> shift.working_seconds / 3600
    8.0
    >>> [(c.kind, c.at / 3600) for c in shift.changes(datetime.date(1970, 1, 1), "UTC")]
    [('start', 8.0), ('break', 12.0), ('resume', 13.0), ('end', 17.0)]
    """

    hours: TimeRange = attrs.field(converter=_as_range)
    breaks: tuple[TimeRange, ...] = attrs.field(default=(), converter=_as_ranges)

    def __attrs_post_init__(self) -> None:
        shape = _shape_problems(self.hours, self.breaks)
        if shape:
            raise DefinitionError(shape, what="shift")
        problems: list[Problem] = []
        placed: list[tuple[int, int, int]] = []
        for index, pause in enumerate(self.breaks):
            start, end = self._place(pause)
            if not (self.hours.start <= start and end <= self.hours.end):
                problems.append(
                    Problem(
                        path=f"breaks.{index}",
                        message=f"break {pause} is not within the shift {self.hours}",
                    )
                )
                continue
            placed.append((start, end, index))
        placed.sort()
        reach = -1
        for start, end, index in placed:
            if start < reach:
                problems.append(
                    Problem(
                        path=f"breaks.{index}",
                        message=f"break {self.breaks[index]} overlaps another break",
                    )
                )
            reach = max(reach, end)
        if not problems and sum(e - s for s, e, _ in placed) >= self.hours.end - self.hours.start:
            problems.append(
                Problem(path="breaks", message="the breaks leave no working time in the shift")
            )
        if problems:
            raise DefinitionError(problems, what="shift")

    def _place(self, pause: TimeRange) -> tuple[int, int]:
        """The break in seconds from the shift day's midnight (after midnight: + DAY)."""
        if pause.start < self.hours.start:
            return pause.start + DAY, pause.end + DAY
        return pause.start, pause.end

    def working_ranges(self) -> tuple[tuple[int, int], ...]:
        """The stretches of work, in seconds from the local midnight that starts the shift."""
        ranges: list[tuple[int, int]] = []
        cursor = self.hours.start
        for start, end in sorted(self._place(pause) for pause in self.breaks):
            if start > cursor:
                ranges.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < self.hours.end:
            ranges.append((cursor, self.hours.end))
        return tuple(ranges)

    @property
    def working_seconds(self) -> int:
        """Wall-clock seconds of work in the shift (hours minus breaks)."""
        return sum(end - start for start, end in self.working_ranges())

    def changes(
        self, date: datetime.date, timezone: str | zoneinfo.ZoneInfo
    ) -> tuple[ShiftChange, ...]:
        """The sign-in, break, resume and sign-out instants of the shift starting on ``date``.

        Local times are converted to POSIX seconds in ``timezone``; a wall-clock time
        that a daylight-saving change skips or repeats is taken with the offset in
        force before the change (``fold=0``).

        Raises:
            zoneinfo.ZoneInfoNotFoundError: An unknown time zone name.
        """
        zone = timezone if isinstance(timezone, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo(timezone)

        def instant(seconds: int) -> float:
            day = date + datetime.timedelta(days=seconds // DAY)
            rest = seconds % DAY
            local = datetime.datetime(
                day.year, day.month, day.day, rest // 3600, rest // 60 % 60, rest % 60, tzinfo=zone
            )
            return local.timestamp()

        ranges = self.working_ranges()
        changes: list[ShiftChange] = []
        for index, (start, end) in enumerate(ranges):
            changes.append(ShiftChange(at=instant(start), kind="start" if index == 0 else "resume"))
            last = index == len(ranges) - 1
            changes.append(ShiftChange(at=instant(end), kind="end" if last else "break"))
        return tuple(changes)
