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


def _data(value: object) -> Any:
    if isinstance(value, enum.Enum):
        return _data(value.value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if attrs.has(type(value)):
        out: dict[str, Any] = {"type": type(value).__name__}
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]
            out[field.name] = _data(getattr(value, field.name))
        return out
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
