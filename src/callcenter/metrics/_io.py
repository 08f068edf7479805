"""Contact records and agent state intervals to and from JSON and CSV text.

JSON: an object ``{"records": [...], "agent_states": [...]}`` whose items have the
field names of :class:`ContactRecord` and :class:`AgentStateInterval` (enums by
value, tuples as lists), and an optional ``"timezone"`` (the IANA zone of the
center, which reports use for their days). CSV: one record per row, a header with
field names, an empty cell for ``None`` (or the default), and tuples joined with
``|`` (``enquiry|complaints``). Times are POSIX seconds or ISO 8601 texts with a
UTC offset (``2026-10-08T09:30:00+08:00``, ``...Z``), so a CDR export needs no
conversion.

Loading reports every problem of every record at once, each with its path
(``records.17.answered_at: expected a time >= queued_at ...``).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import cattrs

from .. import _loading
from ..errors import DefinitionError, DocumentError, Problem, did_you_mean
from ._records import AgentStateInterval, ContactRecord

__all__ = [
    "RecordSet",
    "load_records",
    "records_from_csv",
    "records_from_json",
    "records_to_csv",
    "records_to_json",
]

_TUPLE_FIELDS = frozenset({"queues", "agents", "ivr_path"})
_TIME_FIELDS = frozenset(
    {
        "arrived_at",
        "ended_at",
        "ivr_exited_at",
        "queued_at",
        "first_offered_at",
        "answered_at",
        "wrap_up_ended_at",
        "start",
        "end",
    }
)


class _BadTime:
    """Stands for a time text that is not a number nor an ISO 8601 time with an offset.

    The converters' float hooks raise its message, which the problem report shows at
    the field's path (every problem of the file at once).
    """

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason

    def refuse(self) -> ValueError:
        return ValueError(f"{self.reason}, got {self.text[:60]!r}")


def _structure_time(value: object, _: object = float) -> float:
    if isinstance(value, _BadTime):
        raise value.refuse()
    return _loading.structure_float(value)


def _instant(value: object) -> object:
    """POSIX seconds from an ISO 8601 text with a UTC offset; anything else unchanged."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        float(text)
    except ValueError:
        pass
    else:
        return value  # POSIX seconds as text (CSV)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return _BadTime(text, "expected POSIX seconds or an ISO 8601 time with an offset")
    if moment.tzinfo is None:
        return _BadTime(
            text, "an ISO 8601 time needs its UTC offset (2026-10-08T09:30:00+08:00 or ...Z)"
        )
    return moment.timestamp()


def _times(items: object) -> object:
    if not isinstance(items, list):
        return items
    return [
        {k: _instant(v) if k in _TIME_FIELDS else v for k, v in item.items()}
        if isinstance(item, dict)
        else item
        for item in items
    ]


_FIELDS = tuple(f.name for f in attrs.fields(ContactRecord))


@attrs.frozen(kw_only=True)
class RecordSet:
    """Contact records and agent state intervals read from one document.

    Attributes:
        records: The contact records, in file order.
        agent_states: The agent state intervals, in file order.
        timezone: The center's IANA time zone, when the document gives it.
    """

    records: tuple[ContactRecord, ...] = ()
    agent_states: tuple[AgentStateInterval, ...] = ()
    timezone: str | None = None


def _structure_names(value: object, _: type) -> tuple[str, ...]:
    # A bare string would otherwise become a tuple of its characters.
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of names such as ['enquiry'], got {value!r}")
    if not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of names (strings), got {value!r}")
    return tuple(value)


_CONVERTER: cattrs.Converter = _loading.make_converter()
_CONVERTER.register_structure_hook_func(lambda cl: cl == tuple[str, ...], _structure_names)
_CONVERTER.register_structure_hook(float, _structure_time)


def _csv_cell(value: object, to: type[float] | type[int]) -> Any:
    # CSV has no types: a number comes as its text, and is read as the column's type.
    if isinstance(value, _BadTime):
        raise value.refuse()
    if isinstance(value, str):
        text = value.strip()
        try:
            return to(text) if len(text) <= 40 else to("")
        except ValueError:
            kind = "a whole number" if to is int else "a number"
            raise ValueError(f"expected {kind}, got {_loading.short_text(value)}") from None
    return _loading.structure_float(value) if to is float else value


# Records read from CSV: the same rules, with numbers read from their text.
_CSV_CONVERTER: cattrs.Converter = _CONVERTER.copy()
_CSV_CONVERTER.register_structure_hook(float, _csv_cell)
_CSV_CONVERTER.register_structure_hook(int, _csv_cell)


def records_to_json(
    records: Iterable[ContactRecord],
    agent_states: Iterable[AgentStateInterval] = (),
    *,
    indent: int | None = None,
    timezone: str | None = None,
) -> str:
    """Serialize records (and agent state intervals) as a JSON document.

    ``timezone``: the center's IANA zone, written for ``callcenter report``'s days.
    """
    document = _CONVERTER.unstructure(
        RecordSet(records=tuple(records), agent_states=tuple(agent_states), timezone=timezone)
    )
    if timezone is None:
        document.pop("timezone", None)
    return json.dumps(document, indent=indent)


def _structure(data: object, what: str, converter: cattrs.Converter = _CONVERTER) -> RecordSet:
    if isinstance(data, dict):
        data = {k: _times(v) if k in ("records", "agent_states") else v for k, v in data.items()}
    return _loading.structure_definition(converter, data, RecordSet, what=what)


def records_from_json(text: str, *, what: str = "records") -> RecordSet:
    """Parse a JSON document made by :func:`records_to_json`.

    Raises:
        DocumentError: The text is not JSON.
        DefinitionError: With every invalid field of every record, with its path.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(path=what, detail=str(exc)) from None
    return _structure(data, what)


def records_to_csv(records: Iterable[ContactRecord]) -> str:
    """Serialize records as CSV text (one row per record)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_FIELDS)
    for record in records:
        row = []
        for name in _FIELDS:
            value = getattr(record, name)
            if name in _TUPLE_FIELDS:
                row.append("|".join(value))
            elif value is None:
                row.append("")
            elif name == "outcome":
                row.append(value.value)
            else:
                row.append(repr(value) if isinstance(value, float) else str(value))
        writer.writerow(row)
    return out.getvalue()


def records_from_csv(text: str, *, what: str = "records") -> RecordSet:
    """Parse CSV text made by :func:`records_to_csv` (columns may be in any order).

    Raises:
        DefinitionError: Unknown columns, or invalid values (each with its row).
    """
    reader = csv.DictReader(io.StringIO(text))
    unknown = [name for name in reader.fieldnames or () if name not in _FIELDS]
    if unknown:
        problems = [
            Problem(
                path=f"columns.{name}",
                message=f"unknown column {name!r}{did_you_mean(name, _FIELDS)}",
            )
            for name in unknown
        ]
        raise DefinitionError(problems, what=what)
    rows: list[dict[str, Any]] = []
    for row in reader:
        item: dict[str, Any] = {}
        for name, cell in row.items():
            if name is None or cell is None:
                continue
            if name in _TUPLE_FIELDS:
                item[name] = [part for part in cell.split("|") if part]
            elif cell != "":
                item[name] = cell
        rows.append(item)
    return _structure({"records": rows}, what, _CSV_CONVERTER)


def load_records(path: str | Path) -> RecordSet:
    """Read records from a ``.json`` or ``.csv`` file (the command line's edge).

    Raises:
        DocumentError: The file cannot be read, or has another suffix.
        DefinitionError: Invalid records.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise DocumentError(
            path=str(path), detail=f"unknown file type {suffix!r}; expected .json or .csv"
        )
    text = _loading.read_text(path)
    if suffix == ".json":
        return records_from_json(text, what=f"records {path}")
    return records_from_csv(text, what=f"records {path}")
