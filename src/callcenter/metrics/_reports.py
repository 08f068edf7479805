"""Reports: KPIs per period (15/30/60 minutes, day, ISO week, month) and per group.

Periods are wall-clock periods in a time zone: a 30-minute period starts at :00 or
:30 local time, a day at local midnight, a week on Monday at local midnight (ISO
8601), a month on its first day. A contact belongs to the period in which it
*arrived*. Agent state intervals are cut at period boundaries and each part counts
in its own period, so occupancy is the occupancy *within* the period. On a
daylight-saving day the repeated hour gives two distinct periods with the same
wall-clock label (their UTC offsets differ) and a day lasts 23 or 25 hours.

>>> from callcenter.metrics import ContactRecord, Outcome, build_report
>>> records = [
...     ContactRecord(contact_id="1", outcome=Outcome.ANSWERED, queues=("enquiry",),
...         agents=("a1",), arrived_at=1_790_000_100, queued_at=1_790_000_100,
...         answered_at=1_790_000_110, ended_at=1_790_000_300, talk_seconds=190),
...     ContactRecord(contact_id="2", outcome=Outcome.ABANDONED_IN_QUEUE,
...         queues=("enquiry",), arrived_at=1_790_000_200, queued_at=1_790_000_200,
...         ended_at=1_790_000_260),
... ]
>>> report = build_report(records, granularity="30min", timezone="Asia/Shanghai")
>>> row = report.rows[0]
>>> row.period_start.isoformat(), row.group, row.kpis.offered, row.kpis.service_level
('2026-09-21T22:00:00+08:00', (('queue', 'enquiry'),), 2, 0.5)
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import attrs

from ..errors import InvalidArgumentError
from ._kpis import KpiOptions, KpiValues, Tally, repeat_contact_ids
from ._records import AgentStateInterval, ContactRecord

__all__ = [
    "DEFAULT_COLUMNS",
    "GRANULARITIES",
    "GROUP_DIMENSIONS",
    "Report",
    "ReportRow",
    "build_report",
    "daily_report",
]

Granularity = Literal["15min", "30min", "60min", "day", "week", "month"]
GRANULARITIES: tuple[str, ...] = ("15min", "30min", "60min", "day", "week", "month")
"""The period lengths a report can use."""

GROUP_DIMENSIONS: tuple[str, ...] = ("queue", "agent", "skill_group", "channel")
"""What a report can group by."""

ALL = "(all)"
"""The group value of total rows."""

DEFAULT_COLUMNS: tuple[str, ...] = (
    "total",
    "ivr_only",
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "flowed_out",
    "other",
    "answer_rate",
    "service_level",
    "asa_seconds",
    "aht_seconds",
    "occupancy",
    "ivr_containment",
)
"""The KPI columns of the daily report (any :class:`KpiValues` field may be asked for)."""

_KPI_FIELDS = tuple(f.name for f in attrs.fields(KpiValues))
_AGENT_COUNTERS = ("working", "available", "logged_in", "not_ready", "breaks")
_CONTACT_COUNTERS = tuple(
    name for name in Tally.__slots__ if name not in ("options", "longest", *_AGENT_COUNTERS)
)
_MINUTES = {"15min": 900, "30min": 1800, "60min": 3600}


@attrs.frozen(kw_only=True)
class ReportRow:
    """The KPIs of one group in one period.

    Attributes:
        period_start: Start of the period, aware, in the report's time zone.
        period_end: Start of the next period.
        group: ``(dimension, value)`` pairs in the report's ``group_by`` order;
            a value is ``""`` when the record has none (e.g. no queue) and
            ``"(all)"`` in total rows.
        kpis: The KPIs.
    """

    period_start: datetime.datetime
    period_end: datetime.datetime
    group: tuple[tuple[str, str], ...]
    kpis: KpiValues

    def value(self, column: str) -> object:
        """A column of this row: ``period_start``, a group dimension or a KPI name.

        Raises:
            InvalidArgumentError: An unknown column.
        """
        if column == "period_start":
            return self.period_start.isoformat()
        if column == "period_end":
            return self.period_end.isoformat()
        for dimension, value in self.group:
            if dimension == column:
                return value
        if column in _KPI_FIELDS:
            return getattr(self.kpis, column)
        raise InvalidArgumentError(
            name="column",
            expected="period_start, period_end, a group dimension or a KPI name ("
            + ", ".join(_KPI_FIELDS)
            + ")",
            got=column,
        )


def _format_cell(column: str, value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if column.endswith("_seconds"):
            return f"{value:.1f}"
        return f"{100 * value:.1f}%"
    return str(value)


@attrs.frozen(kw_only=True)
class Report:
    """A table of KPIs by period and group, with CSV, JSON and text exports.

    Attributes:
        granularity: The period length.
        timezone: The IANA time zone of the periods.
        group_by: The grouping dimensions, in order.
        options: The KPI variants used.
        rows: One row per period and group that had data, sorted by period then
            group (total rows last in their period).
    """

    granularity: str
    timezone: str
    group_by: tuple[str, ...]
    options: KpiOptions
    rows: tuple[ReportRow, ...]

    def columns(self, kpis: Sequence[str] = DEFAULT_COLUMNS) -> list[str]:
        """The full column list: period start, group dimensions, then ``kpis``."""
        return ["period_start", *self.group_by, *kpis]

    def to_dicts(self, kpis: Sequence[str] = DEFAULT_COLUMNS) -> list[dict[str, Any]]:
        """Rows as dicts of plain values (``None`` for no data).

        Raises:
            InvalidArgumentError: An unknown KPI name.
        """
        columns = self.columns(kpis)
        return [{c: row.value(c) for c in columns} for row in self.rows]

    def to_csv(self, kpis: Sequence[str] = DEFAULT_COLUMNS) -> str:
        """CSV text with a header; no data is an empty cell."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        columns = self.columns(kpis)
        writer.writerow(columns)
        for item in self.to_dicts(kpis):
            writer.writerow(["" if item[c] is None else item[c] for c in columns])
        return out.getvalue()

    def to_json(self, kpis: Sequence[str] = DEFAULT_COLUMNS, *, indent: int | None = 2) -> str:
        """A JSON object with the report's parameters and its rows (no data is null)."""
        document = {
            "granularity": self.granularity,
            "timezone": self.timezone,
            "group_by": list(self.group_by),
            "options": attrs.asdict(self.options),
            "rows": self.to_dicts(kpis),
        }
        return json.dumps(document, indent=indent)

    def format_table(self, kpis: Sequence[str] = DEFAULT_COLUMNS, *, title: str = "") -> str:
        """A fixed-width text table: rates as percentages, seconds with one decimal.

        Periods of a day or longer show their date, shorter ones their start time;
        a group value that is empty shows as ``(no queue)`` (``(no agent)``...).
        ``title`` is printed first when given.
        """
        columns = self.columns(kpis)
        label = "%Y-%m-%d %H:%M" if self.granularity in _MINUTES else "%Y-%m-%d"
        cells = [
            [
                (
                    row.period_start.strftime(label)
                    if c == "period_start"
                    else (_format_cell(c, row.value(c)) or f"(no {c.replace('_', ' ')})")
                )
                for c in columns
            ]
            for row in self.rows
        ]
        headers = [c.replace("_seconds", "_s") for c in columns]
        if self.granularity not in _MINUTES:
            headers[0] = self.granularity
        widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
        text_columns = 1 + len(self.group_by)

        def line(values: Sequence[str]) -> str:
            parts = [
                v.ljust(w) if i < text_columns else v.rjust(w)
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            ]
            return "  ".join(parts).rstrip()

        lines = [title] if title else []
        lines += [line(headers), line(["-" * w for w in widths])]
        lines.extend(line(r) for r in cells)
        if not cells:
            lines.append("(no contacts)")
        return "\n".join(lines) + "\n"


class _Periods:
    """Maps an instant to the start of its period, with the time-zone maths cached."""

    def __init__(self, granularity: str, tz: zoneinfo.ZoneInfo) -> None:
        self.granularity = granularity
        self.tz = tz
        self.step = _MINUTES.get(granularity, 0)
        self._offsets: dict[int, float] = {}
        self._date_starts: dict[datetime.date, float] = {}
        self._blocks: dict[int, float] = {}

    def _offset(self, instant: float) -> float:
        key = math.floor(instant / 900)
        offset = self._offsets.get(key)
        if offset is None:
            moment = datetime.datetime.fromtimestamp(key * 900, self.tz)
            delta = moment.utcoffset()
            offset = 0.0 if delta is None else delta.total_seconds()
            self._offsets[key] = offset
        return offset

    def _midnight(self, date: datetime.date) -> float:
        start = self._date_starts.get(date)
        if start is None:
            start = datetime.datetime.combine(date, datetime.time(), self.tz).timestamp()
            self._date_starts[date] = start
        return start

    def start(self, instant: float) -> float:
        block = math.floor(instant / 900)
        cached = self._blocks.get(block)
        if cached is not None:
            return cached
        first = self._start(block * 900.0)
        if first == self._start(block * 900.0 + 899.999):
            # Every period boundary falls on a 15-minute mark (true of every UTC
            # offset in use today), so one block lies in one period.
            self._blocks[block] = first
        return self._start(instant)

    def _start(self, instant: float) -> float:
        offset = self._offset(instant)
        local = instant + offset
        if self.step:
            return math.floor(local / self.step) * self.step - offset
        date = datetime.date(1970, 1, 1) + datetime.timedelta(days=math.floor(local / 86_400))
        if self.granularity == "week":
            date -= datetime.timedelta(days=date.weekday())
        elif self.granularity == "month":
            date = date.replace(day=1)
        # A local midnight that a DST change skips starts at the change instead.
        return min(self._midnight(date), instant)

    def end(self, start: float) -> float:
        if self.step:
            return start + self.step
        date = datetime.datetime.fromtimestamp(start, self.tz).date()
        if self.granularity == "day":
            following = date + datetime.timedelta(days=1)
        elif self.granularity == "week":
            following = date + datetime.timedelta(days=7)
        else:
            following = (date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return self._midnight(following)


def _record_groups(record: ContactRecord, group_by: Sequence[str]) -> tuple[str, ...]:
    values: list[str] = []
    for dimension in group_by:
        if dimension == "queue":
            value = record.queue
        elif dimension == "agent":
            value = record.agent
        elif dimension == "skill_group":
            value = record.skill_group
        else:
            value = record.channel
        values.append(value or "")
    return tuple(values)


def _interval_groups(
    interval: AgentStateInterval, group_by: Sequence[str]
) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [()]
    for dimension in group_by:
        if dimension == "queue":
            choices = list(interval.queues) or [""]
        elif dimension == "agent":
            choices = [interval.agent_id]
        elif dimension == "skill_group":
            choices = [interval.skill_group or ""]
        else:
            return []  # agent time has no channel
        keys = [(*key, choice) for key in keys for choice in choices]
    return keys


def build_report(
    records: Iterable[ContactRecord],
    intervals: Iterable[AgentStateInterval] = (),
    *,
    granularity: Granularity | str = "30min",
    group_by: Sequence[str] = ("queue",),
    timezone: str = "UTC",
    options: KpiOptions | None = None,
    totals: bool = False,
    later_records: Iterable[ContactRecord] = (),
) -> Report:
    """Compute every KPI per period and group.

    Args:
        records: The contacts (each counted in the period it arrived in).
        intervals: Agent state intervals (occupancy and utilization); cut at period
            boundaries; grouped by the queues they list, their agent or skill group
            (they have no channel, so a report by channel has no occupancy).
        granularity: ``"15min"``, ``"30min"``, ``"60min"``, ``"day"``, ``"week"``
            (ISO, from Monday) or ``"month"``.
        group_by: Dimensions among ``"queue"``, ``"agent"`` (the answering agent),
            ``"skill_group"`` and ``"channel"``; ``()`` for one row per period.
        timezone: IANA name of the zone whose wall clock defines the periods.
        options: The KPI variants (default :class:`KpiOptions`).
        totals: Also add one ``"(all)"`` row per period over every group.
        later_records: Contacts after the report's, used only to find repeat
            contacts for first-contact resolution.

    Returns:
        The :class:`Report`.

    Raises:
        InvalidArgumentError: An unknown granularity, dimension or time zone.

    Complexity: O(n + m * p) for n records and m intervals spanning p periods each,
    plus O(n log n) for first-contact resolution.
    """
    if granularity not in GRANULARITIES:
        raise InvalidArgumentError(
            name="granularity", expected="one of " + ", ".join(GRANULARITIES), got=granularity
        )
    dims = tuple(group_by)
    for dimension in dims:
        if dimension not in GROUP_DIMENSIONS:
            raise InvalidArgumentError(
                name="group_by",
                expected="dimensions among " + ", ".join(GROUP_DIMENSIONS),
                got=dimension,
            )
    if len(set(dims)) != len(dims):
        raise InvalidArgumentError(name="group_by", expected="distinct dimensions", got=dims)
    try:
        tz = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidArgumentError(
            name="timezone", expected="an IANA time zone such as 'Asia/Shanghai'", got=timezone
        ) from None
    opts = options if options is not None else KpiOptions()
    records = list(records)
    repeats = repeat_contact_ids([*records, *later_records], opts.fcr_window_seconds)
    periods = _Periods(granularity, tz)
    tallies: dict[tuple[float, tuple[str, ...]], Tally] = {}
    all_key = (ALL,) * len(dims)

    def tally(start: float, key: tuple[str, ...]) -> Tally:
        found = tallies.get((start, key))
        if found is None:
            found = tallies[(start, key)] = Tally(opts)
        return found

    period_of = periods.start
    single = dims[0] if len(dims) == 1 else None
    for record in records:
        start = period_of(record.arrived_at)
        if single == "queue":
            queues = record.queues
            key: tuple[str, ...] = (queues[-1] if queues else "",)
        else:
            key = _record_groups(record, dims)
        found = tallies.get((start, key))
        if found is None:
            found = tallies[(start, key)] = Tally(opts)
        found.add(record, record.contact_id in repeats)
    for interval in intervals:
        keys = _interval_groups(interval, dims)
        if totals and dims:
            keys.append(all_key)
        if not keys or interval.end <= interval.start:
            continue
        cursor = interval.start
        while cursor < interval.end:
            start = periods.start(cursor)
            stop = min(interval.end, periods.end(start))
            first = cursor == interval.start
            for key in keys:
                tally(start, key).add_state(interval.state, stop - cursor, starts=first)
            cursor = stop

    if totals and dims:
        # Total rows merge the group tallies of their period (agent time was counted
        # into the totals directly: an interval may count under several queues).
        for (start, key), counts in list(tallies.items()):
            if key != all_key:
                merged = tally(start, all_key)
                for name in _CONTACT_COUNTERS:
                    setattr(merged, name, getattr(merged, name) + getattr(counts, name))
                if counts.longest is not None and (
                    merged.longest is None or counts.longest > merged.longest
                ):
                    merged.longest = counts.longest

    def order(item: tuple[float, tuple[str, ...]]) -> tuple[float, bool, tuple[str, ...]]:
        return (item[0], item[1] == all_key and bool(dims), item[1])

    rows = []
    for start, key in sorted(tallies, key=order):
        rows.append(
            ReportRow(
                period_start=datetime.datetime.fromtimestamp(start, tz),
                period_end=datetime.datetime.fromtimestamp(periods.end(start), tz),
                group=tuple(zip(dims, key, strict=True)),
                kpis=tallies[(start, key)].values(),
            )
        )
    return Report(
        granularity=granularity,
        timezone=timezone,
        group_by=dims,
        options=opts,
        rows=tuple(rows),
    )


def daily_report(
    records: Iterable[ContactRecord],
    intervals: Iterable[AgentStateInterval] = (),
    *,
    timezone: str = "UTC",
    interval_minutes: int = 30,
    by: Sequence[str] = ("queue",),
    options: KpiOptions | None = None,
    totals: bool = True,
) -> Report:
    """The usual daily report: KPIs per queue and per 30-minute interval, with totals.

    A shorthand for :func:`build_report` with ``granularity=f"{interval_minutes}min"``.
    Print it with ``print(report.format_table())``: offered, answered, abandoned,
    answer rate, service level, ASA, AHT, occupancy and IVR containment.

    Raises:
        InvalidArgumentError: ``interval_minutes`` not 15, 30 or 60, or as
            :func:`build_report`.
    """
    if interval_minutes not in (15, 30, 60):
        raise InvalidArgumentError(
            name="interval_minutes", expected="15, 30 or 60", got=interval_minutes
        )
    return build_report(
        records,
        intervals,
        granularity=f"{interval_minutes}min",
        group_by=by,
        timezone=timezone,
        options=options,
        totals=totals,
    )
