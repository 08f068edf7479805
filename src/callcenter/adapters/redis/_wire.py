"""What travels through Redis: entries of the input log and published outputs.

An entry of the input log is a flat hash of text: ``k`` the idempotency key, ``a``
the adapter that appended it, ``t`` its ``now`` (``repr`` of the float, read back
exactly), and either ``i`` the input (JSON of
:func:`~callcenter.hotline.input_to_dict`) or ``adv`` (the leader's timer tick). An
output is published as ``cause`` (the log id of the entry that caused it), ``n`` (its
place among that entry's outputs) and ``o`` (JSON of :func:`output_to_dict`).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from typing import Any

import attrs

from ...errors import InvalidArgumentError

__all__ = ["output_to_dict", "stream_id"]


_PLAIN = frozenset({str, bool, int, float, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in attrs.fields(cls))
    return names


def _data(value: object) -> Any:
    cls = type(value)
    if cls in _PLAIN:
        return value
    if isinstance(value, enum.Enum):
        return _data(value.value)
    if attrs.has(cls):
        out: dict[str, Any] = {"type": cls.__name__}
        for name in _names(cls):
            item = getattr(value, name)
            out[name] = item if type(item) in _PLAIN else _data(item)
        return out
    if isinstance(value, (str, bool, int, float)):  # subclasses of the plain types
        return value
    if isinstance(value, Mapping):
        return {str(k): _data(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [_data(v) for v in items]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise InvalidArgumentError(name="output", expected="a hotline output", got=value)


def output_to_dict(output: object) -> dict[str, Any]:
    """Write a hotline output as JSON-safe data tagged by its type's name.

    Nested records and events are tagged the same way; enums are their values.

    >>> from callcenter.hotline import AnswerCall
    >>> output_to_dict(AnswerCall(call_id="c1"))
    {'type': 'AnswerCall', 'call_id': 'c1'}

    Raises:
        InvalidArgumentError: ``output`` is not an attrs object.
    """
    if not attrs.has(type(output)):
        raise InvalidArgumentError(name="output", expected="a hotline output", got=output)
    data: dict[str, Any] = _data(output)
    return data


def stream_id(text: str) -> tuple[int, int]:
    """A Redis stream id (``"1700000000000-3"``) as a pair that sorts like the log."""
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)
