"""Hotline inputs as JSON-safe data, and back: the input log's format.

:func:`input_to_dict` writes an input as a flat dict tagged by its type's name
(``{"type": "CallArrived", "call_id": "c1", "line": "hotline", ...}``); an IVR event
inside a :class:`~callcenter.hotline.CallInput` is a nested dict tagged the same way.
:func:`input_from_dict` reads it back strictly: an unknown type, a missing or unknown
key, or a value of the wrong type is refused with
:class:`~callcenter.errors.InvalidArgumentError` naming the key. A replicated hotline
logs its inputs in this format, with their ``now``.

>>> from callcenter.hotline import CallArrived
>>> data = input_to_dict(CallArrived(call_id="c1", line="hotline", caller="13800138000"))
>>> data["type"], data["line"]
('CallArrived', 'hotline')
>>> input_from_dict(data) == CallArrived(call_id="c1", line="hotline", caller="13800138000")
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..errors import InvalidArgumentError
from ..ivr import (
    CallerHungUp,
    CallerStatus,
    DigitsPressed,
    HostAnswered,
    HostFailed,
    HostNotFound,
    PromptFinished,
    RecordingFinished,
    SpeechHeard,
)
from ..ivr import InputEvent as IvrInput
from ._contract import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLegFailed,
    AgentLegRinging,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentNotReady,
    AgentReady,
    CallArrived,
    CallInput,
    CallOnHold,
    HotlineInput,
    TransferRequested,
    WrapUpDone,
)
from ._definition import HotlineDefinition

__all__ = ["input_from_dict", "input_to_dict"]

_INPUTS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        CallArrived,
        CallInput,
        CallOnHold,
        TransferRequested,
        AgentLegRinging,
        AgentLegAnswered,
        AgentLegDeclined,
        AgentLegFailed,
        AgentLegEnded,
        AgentLoggedIn,
        AgentReady,
        AgentNotReady,
        AgentLoggedOut,
        WrapUpDone,
    )
}

_EVENTS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        DigitsPressed,
        SpeechHeard,
        PromptFinished,
        HostAnswered,
        HostNotFound,
        HostFailed,
        RecordingFinished,
        CallerHungUp,
    )
}

_MAX_TEXT = 100_000


def _refuse(name: str, expected: str, got: object) -> InvalidArgumentError:
    return InvalidArgumentError(name=name, expected=expected, got=got)


def _read_text(name: str, value: object) -> str:
    if type(value) is str and len(value) <= _MAX_TEXT:
        return value
    raise _refuse(name, "text", value)


def _read_optional_text(name: str, value: object) -> str | None:
    return None if value is None else _read_text(name, value)


def _read_bool(name: str, value: object) -> bool:
    if type(value) is bool:
        return value
    raise _refuse(name, "true or false", value)


def _read_int(name: str, value: object) -> int:
    if type(value) is int and abs(value) <= 2**53:
        return value
    raise _refuse(name, "a whole number", value)


def _read_float(name: str, value: object) -> float:
    if type(value) in (int, float) and math.isfinite(value) and abs(value) <= 1e15:  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    raise _refuse(name, "a finite number", value)


def _read_fields(name: str, value: object) -> dict[str, str]:
    if isinstance(value, Mapping) and all(
        type(k) is str and type(v) is str and len(v) <= _MAX_TEXT for k, v in value.items()
    ):
        return dict(value)
    raise _refuse(name, "a mapping of text to text", value)


def _read_event(name: str, value: object) -> IvrInput:
    return _read_tagged(name, value, _EVENTS)  # type: ignore[no-any-return]


_READERS: dict[str, Callable[[str, object], Any]] = {
    "str": _read_text,
    "str | None": _read_optional_text,
    "bool": _read_bool,
    "int": _read_int,
    "float": _read_float,
    "Mapping[str, str]": _read_fields,
    "dict[str, str]": _read_fields,
    "IvrInput": _read_event,
}


def _read_tagged(path: str, data: object, table: Mapping[str, type]) -> Any:
    if not isinstance(data, Mapping):
        raise _refuse(path or "data", "a mapping with a 'type' key", data)
    tag = data.get("type")
    cls = table.get(tag) if type(tag) is str else None
    if cls is None:
        raise _refuse(f"{path}.type" if path else "type", f"one of {sorted(table)}", tag)
    values: dict[str, Any] = {}
    fields = attrs.fields(cls)
    names = {f.name for f in fields}
    for key in data:
        if key != "type" and key not in names:
            raise _refuse(
                f"{path}.{key}" if path else str(key)[:100],
                f"only the keys of {cls.__name__}: {sorted(names)}",
                key,
            )
    for field in fields:
        where = f"{path}.{field.name}" if path else field.name
        if field.name not in data:
            if field.default is attrs.NOTHING:
                raise _refuse(where, f"a value ({cls.__name__} needs it)", None)
            continue
        reader = _READERS[str(field.type)]
        values[field.name] = reader(where, data[field.name])
    return cls(**values)


def _write(value: object) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type(value).__name__}
    for field in attrs.fields(type(value)):  # type: ignore[arg-type]
        item = getattr(value, field.name)
        if attrs.has(type(item)):
            out[field.name] = _write(item)
        elif isinstance(item, Mapping):
            out[field.name] = dict(item)
        else:
            out[field.name] = item
    return out


def input_to_dict(item: HotlineInput) -> dict[str, Any]:
    """Write a hotline input as JSON-safe data, tagged by its type.

    Raises:
        InvalidArgumentError: ``item`` is not a hotline input.
    """
    if type(item) not in _INPUTS.values():
        raise _refuse("input", "a hotline input (CallArrived, CallInput...)", item)
    if type(item) is CallInput and type(item.event) not in _EVENTS.values():
        raise _refuse("input.event", "an IVR input (DigitsPressed, CallerHungUp...)", item.event)
    return _write(item)


def input_from_dict(data: Mapping[str, Any]) -> HotlineInput:
    """Read a hotline input written by :func:`input_to_dict`.

    Raises:
        InvalidArgumentError: Not a mapping, an unknown ``type``, a missing or
            unknown key, or a value of the wrong type (the error names the key).
    """
    return _read_tagged("", data, _INPUTS)  # type: ignore[no-any-return]


def read_state(
    definition: HotlineDefinition, data: object
) -> tuple[int, list[tuple[float, HotlineInput | str | None]], dict[int, CallerStatus]]:
    """The seed, input log and caller lists' answers (by log entry) of ``Hotline.to_dict``."""
    if not isinstance(data, Mapping):
        raise _refuse("data", "a hotline state (a mapping)", data)
    if data.get("format") != "callcenter.hotline" or data.get("version") != 1:
        raise _refuse(
            "data.format",
            "format 'callcenter.hotline', version 1",
            (data.get("format"), data.get("version")),
        )
    if data.get("hotline") != definition.name:
        raise _refuse(
            "data.hotline", f"the state of hotline {definition.name!r}", data.get("hotline")
        )
    seed = data.get("seed")
    if type(seed) is not int:
        raise _refuse("data.seed", "an integer", seed)
    entries = data.get("log")
    if not isinstance(entries, list):
        raise _refuse("data.log", "a list of logged inputs", entries)
    log: list[tuple[float, HotlineInput | str | None]] = []
    listed: dict[int, CallerStatus] = {}
    for index, entry in enumerate(entries):
        path = f"data.log.{index}"
        if not isinstance(entry, Mapping):
            raise _refuse(path, "a mapping with 'at' and 'input' (or 'advance', 'close')", entry)
        at = _read_float(f"{path}.at", entry.get("at"))
        if "input" in entry and "listed" in entry and len(entry) == 3:
            item = _read_tagged(f"{path}.input", entry["input"], _INPUTS)
            if type(item) is not CallArrived:
                raise _refuse(
                    f"{path}.listed", "no caller lists' answer but on a CallArrived", item
                )
            listed[index] = _read_listed(f"{path}.listed", entry["listed"])
            log.append((at, item))
        elif "input" in entry and "advance" not in entry and len(entry) == 2:
            log.append((at, _read_tagged(f"{path}.input", entry["input"], _INPUTS)))
        elif entry.get("advance") is True and len(entry) == 2:
            log.append((at, None))
        elif entry.get("close") is True and len(entry) == 2:
            log.append((at, "close"))
        else:
            raise _refuse(path, "a mapping with 'at' and 'input' (or 'advance', 'close')", entry)
    return seed, log, listed


_STATUSES = {status.value: status for status in CallerStatus}


def _read_listed(name: str, value: object) -> CallerStatus:
    status = _STATUSES.get(value) if type(value) is str else None
    if status is None:
        raise _refuse(name, f"one of {sorted(_STATUSES)}", value)
    return status
