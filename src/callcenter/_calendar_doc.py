"""The document form of a business calendar: a table of text read and written via cattrs.

A calendar document has ``timezone``, ``weekly`` (day names or spans such as
``mon-fri`` to lists of ranges like ``"08:30-12:00"``) and optional ``name``,
``holidays``, ``makeup_workdays`` and ``overrides``. This module turns a document
into the keyword arguments of :class:`~callcenter.calendars.BusinessCalendar`
(:func:`calendar_fields`) and those fields back into a document
(:func:`calendar_document`); it knows the calendar's parts, not the calendar, which
builds itself from the fields.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

import cattrs

from . import _loading
from ._calendar_parts import (
    Holiday,
    MakeupWorkday,
    Override,
    TimeRange,
    Weekday,
    _ranges,
    zone_problem,
)
from .errors import DefinitionError, Problem, did_you_mean

__all__ = ["CONVERTER", "calendar_document", "calendar_fields"]

_DAY_SPAN = re.compile(r"^\s*([a-zA-Z]+)\s*(?:-\s*([a-zA-Z]+)\s*)?$")


def _weekday_keys(key: str) -> list[Weekday]:
    match = _DAY_SPAN.match(key)
    if match is None:
        raise ValueError(f"expected a day name or a span like 'mon-fri', got {key!r}")
    first = Weekday.parse(match[1])
    last = Weekday.parse(match[2]) if match[2] else first
    if last < first:
        raise ValueError(f"day span {key!r} runs backwards; write it from the earlier day")
    return [Weekday(d) for d in range(first, last + 1)]


def _structure_weekly(value: object, _: object) -> dict[Weekday, tuple[TimeRange, ...] | None]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table from day names to lists of ranges, got {value!r}")
    problems: list[Problem] = []
    table: dict[Weekday, tuple[TimeRange, ...] | None] = {}
    for key, hours in value.items():
        days: list[Weekday] = []
        try:
            days = _weekday_keys(str(key))
        except ValueError as exc:
            problems.append(Problem(path=str(key), message=str(exc)))
        if not isinstance(hours, list | tuple):
            problems.append(
                Problem(path=str(key), message=f"expected a list of ranges, got {hours!r}")
            )
            continue
        ranges: list[TimeRange] = []
        for index, text in enumerate(hours):
            try:
                ranges.append(TimeRange.parse(text))
            except ValueError as exc:
                problems.append(Problem(path=f"{key}.{index}", message=str(exc)))
        try:
            merged = _ranges(ranges)
        except ValueError as exc:
            problems.append(Problem(path=str(key), message=str(exc)))
            continue
        for day in days:
            if day in table:
                problems.append(
                    Problem(path=str(key), message=f"{day.name.lower()} is given twice")
                )
            table[day] = merged
    if problems:
        raise DefinitionError(problems)
    return table


def _structure_ranges(value: object, _: object) -> tuple[TimeRange, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of ranges like ['08:30-12:00'], got {value!r}")
    problems: list[Problem] = []
    ranges: list[TimeRange] = []
    for index, text in enumerate(value):
        try:
            ranges.append(TimeRange.parse(text))
        except ValueError as exc:
            problems.append(Problem(path=str(index), message=str(exc)))
    if problems:
        raise DefinitionError(problems)
    return tuple(ranges)


def _structure_zone(value: object, _: object) -> zoneinfo.ZoneInfo:
    message = zone_problem(value)
    if message is not None:
        raise ValueError(message)
    return zoneinfo.ZoneInfo(str(value))


def _make_converter() -> cattrs.Converter:
    converter = _loading.make_converter()
    converter.register_structure_hook(TimeRange, lambda v, _: TimeRange.parse(v))
    converter.register_unstructure_hook(TimeRange, str)
    converter.register_structure_hook_func(lambda t: t == tuple[TimeRange, ...], _structure_ranges)
    converter.register_structure_hook(Weekday, lambda v, _: Weekday.parse(str(v)))
    converter.register_unstructure_hook(Weekday, lambda d: d.name.lower())
    converter.register_structure_hook(zoneinfo.ZoneInfo, _structure_zone)
    converter.register_unstructure_hook(zoneinfo.ZoneInfo, lambda z: z.key)

    return converter


CONVERTER = _make_converter()
"""Reads and writes the parts of a calendar document (ranges, days, zones, dated rules)."""

_FIELDS = ("timezone", "weekly", "holidays", "makeup_workdays", "overrides", "name")


def calendar_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a calendar, read from its document.

    Raises:
        DefinitionError: Every problem in the document, each at its path (an
            unknown key, a missing required field, a malformed part).
    """
    fields = set(_FIELDS)
    problems: list[Problem] = []
    for key in sorted(set(data) - fields):
        hint = did_you_mean(key, fields)
        problems.append(Problem(path=key, message=f"unknown key {key!r}{hint}"))
    parts: dict[str, Any] = {}
    specs: dict[str, Any] = {
        "timezone": zoneinfo.ZoneInfo,
        "weekly": None,
        "holidays": tuple[Holiday, ...],
        "makeup_workdays": tuple[MakeupWorkday, ...],
        "overrides": tuple[Override, ...],
        "name": str,
    }
    problems.extend(
        Problem(path=key, message="required field missing")
        for key in ("timezone", "weekly")
        if key not in data
    )
    for key, spec in specs.items():
        if key not in data:
            continue
        try:
            if spec is None:
                parts[key] = _structure_weekly(data[key], None)
            else:
                parts[key] = CONVERTER.structure(data[key], spec)
        except Exception as exc:  # every problem is collected, none raised early
            problems.extend(_loading.problems_from_exception(exc, key))
    if problems:
        raise DefinitionError(problems)
    return parts


def calendar_document(
    *,
    timezone: zoneinfo.ZoneInfo,
    weekly: Sequence[tuple[TimeRange, ...] | None],
    holidays: Sequence[Holiday],
    makeup_workdays: Sequence[MakeupWorkday],
    overrides: Sequence[Override],
    name: str,
) -> dict[str, Any]:
    """The document of a calendar with these fields; :func:`calendar_fields` reads it back.

    ``weekly`` holds seven entries, Monday first (a closed day is ``None``).
    """
    hours = {
        day.name.lower(): [str(r) for r in ranges]
        for day, ranges in zip(Weekday, weekly, strict=True)
        if ranges is not None
    }
    doc: dict[str, Any] = {"timezone": timezone.key, "weekly": hours}
    if name:
        doc["name"] = name
    dated: dict[str, Sequence[Holiday | MakeupWorkday | Override]] = {
        "holidays": holidays,
        "makeup_workdays": makeup_workdays,
        "overrides": overrides,
    }
    for key, items in dated.items():
        if items:
            doc[key] = [
                {k: v for k, v in CONVERTER.unstructure(item).items() if v is not None}
                for item in items
            ]
    return doc
