"""Loading the random models from TOML or JSON documents through cattrs.

In a document every duration, patience and arrival model is a table with a ``kind``
key that names the model; the other keys are the model's fields::

    handle_time = { kind = "lognormal", mean = 240, cv = 0.6 }
    patience    = { kind = "exponential", mean = 90 }
    arrivals    = { kind = "poisson", interval = 1800, per_interval = [12, 40, 65, 30] }
    menu        = { "1" = 0.45, "2" = 0.35, "0" = 0.1, hang_up = 0.1 }

A :class:`~callcenter.simulation.Choice` is a plain table from outcome to probability;
a :class:`~callcenter.simulation.Shift` is ``{ hours = "08:00-17:00", breaks =
["12:00-13:00"] }``.
:func:`register_model_hooks` teaches any converter from
:func:`callcenter._loading.make_converter` these shapes, so a scenario class can embed
the models as fields and still get every problem reported with its full path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs
import cattrs

from .. import _loading
from ..calendars import TimeRange
from ..errors import DefinitionError, Problem, did_you_mean
from ._arrivals import ArrivalProcess, PoissonArrivals, ReplayedArrivals
from ._distributions import (
    Choice,
    Deterministic,
    Duration,
    Empirical,
    Exponential,
    LogNormal,
    NoPatience,
    Patience,
)
from ._shifts import Shift

__all__ = [
    "arrivals_from_dict",
    "choice_from_dict",
    "duration_from_dict",
    "model_to_dict",
    "patience_from_dict",
    "register_model_hooks",
    "shift_from_dict",
]

T = TypeVar("T")

_DURATION_KINDS: dict[str, type[Any]] = {
    "exponential": Exponential,
    "lognormal": LogNormal,
    "empirical": Empirical,
    "deterministic": Deterministic,
}
_PATIENCE_KINDS: dict[str, type[Any]] = {**_DURATION_KINDS, "none": NoPatience}
_ARRIVAL_KINDS: dict[str, type[Any]] = {"poisson": PoissonArrivals, "replay": ReplayedArrivals}
_KIND_OF: dict[type[Any], str] = {
    cls: kind for kinds in (_PATIENCE_KINDS, _ARRIVAL_KINDS) for kind, cls in kinds.items()
}


def _structure_number(value: object, _: object) -> float:
    number = _loading.structure_float(value)
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {number!r}")
    return number


def _tagged(
    converter: cattrs.Converter, kinds: Mapping[str, type[Any]], what: str
) -> Callable[[object, object], Any]:
    def structure(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a table with a 'kind' ({', '.join(kinds)}), got {value!r}")
        kind = value.get("kind")
        if kind is None:
            raise DefinitionError(
                [
                    Problem(
                        path="kind",
                        message=f"required field missing: which {what}? one of: "
                        + ", ".join(repr(k) for k in kinds),
                    )
                ]
            )
        if not isinstance(kind, str) or kind not in kinds:
            hint = did_you_mean(str(kind), kinds) if isinstance(kind, str) else ""
            raise DefinitionError(
                [
                    Problem(
                        path="kind",
                        message=f"unknown {what} {kind!r}{hint}; expected one of: "
                        + ", ".join(repr(k) for k in kinds),
                    )
                ]
            )
        fields = {k: v for k, v in value.items() if k != "kind"}
        return converter.structure(fields, kinds[kind])

    return structure


def _structure_range(value: object, _: object) -> TimeRange:
    if not isinstance(value, str):
        raise ValueError(f"expected a range like '08:00-17:00', got {value!r}")
    return TimeRange.parse(value)


def _structure_choice(value: object, _: object) -> Choice:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table from outcome to probability, got {value!r}")
    return Choice(probabilities=value)


def _unstructure_tagged(converter: cattrs.Converter) -> Callable[[object], dict[str, Any]]:
    def unstructure(model: object) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": _KIND_OF[type(model)]}
        for field in attrs.fields(cast(Any, type(model))):
            if not field.init:
                continue
            value = getattr(model, field.name)
            if value is None and field.default is None:
                continue
            data[field.alias or field.name] = converter.unstructure(value)
        return data

    return unstructure


def register_model_hooks(converter: cattrs.Converter) -> cattrs.Converter:
    """Teach ``converter`` the document shapes of the random models; returns it.

    Registers hooks for the :data:`Duration`, :data:`Patience` and
    :data:`ArrivalProcess` unions (tagged by ``kind``), for :class:`Choice` (a plain
    table), for the ``"08:00-17:00"`` time ranges of a :class:`Shift`, and a strict
    hook for floats (no strings, no booleans, no NaN).
    """
    converter.register_structure_hook(float, _structure_number)
    # Unions compare equal when they have the same members, so each union below
    # gets its own hook and its own list of kinds.
    duration = _tagged(converter, _DURATION_KINDS, "duration model")
    patience = _tagged(converter, _PATIENCE_KINDS, "patience model")
    arrivals = _tagged(converter, _ARRIVAL_KINDS, "arrival model")
    converter.register_structure_hook_func(lambda t: t == Patience, patience)
    converter.register_structure_hook_func(lambda t: t == Duration, duration)
    converter.register_structure_hook_func(lambda t: t == ArrivalProcess, arrivals)
    converter.register_structure_hook(Choice, _structure_choice)
    converter.register_structure_hook(TimeRange, _structure_range)
    converter.register_unstructure_hook(TimeRange, str)
    converter.register_unstructure_hook(Choice, lambda c: dict(c.probabilities))
    tagged = _unstructure_tagged(converter)
    for cls in _KIND_OF:
        converter.register_unstructure_hook(cls, tagged)
    return converter


_CONVERTER = register_model_hooks(_loading.make_converter())


@attrs.frozen(kw_only=True)
class _DurationHolder:
    model: Duration


@attrs.frozen(kw_only=True)
class _PatienceHolder:
    model: Patience


@attrs.frozen(kw_only=True)
class _ArrivalsHolder:
    model: ArrivalProcess


_HOLDERS: dict[Any, type[Any]] = {
    Duration: _DurationHolder,
    Patience: _PatienceHolder,
    ArrivalProcess: _ArrivalsHolder,
}


def _unwrap(path: str) -> str:
    # Problems inside a holder come back as "model.mean"; the user wrote the table
    # itself, so its paths start below "model".
    if path == "model":
        return ""
    return path.removeprefix("model.")


def _load_model(data: object, cl: object, what: str) -> Any:
    holder = _HOLDERS.get(cl)
    if holder is None:  # a plain class: Choice, Shift
        return _loading.structure_definition(_CONVERTER, data, cast(type[Any], cl), what=what)
    if not isinstance(data, Mapping):
        # Let structure_definition word the error about the table itself.
        return _loading.structure_definition(_CONVERTER, data, holder, what=what)
    try:
        loaded = _loading.structure_definition(_CONVERTER, {"model": data}, holder, what=what)
    except DefinitionError as exc:
        problems = [
            Problem(path=_unwrap(p.path), message=p.message, severity=p.severity)
            for p in exc.problems
        ]
        raise DefinitionError(problems, what=what) from None
    return loaded.model


def duration_from_dict(data: Mapping[str, Any]) -> Duration:
    """Build a duration model (a handle time) from a table with a ``kind``.

    >>> duration_from_dict({"kind": "lognormal", "mean": 240, "std": 120})
    LogNormal(mean=240.0, std=120.0, cv=None)

    Raises:
        DefinitionError: Every problem, each with its path (``mean``, ``samples.3``).
    """
    return cast(Duration, _load_model(data, Duration, "duration model"))


def patience_from_dict(data: Mapping[str, Any]) -> Patience:
    """Build a patience model from a table with a ``kind`` (a duration kind or ``none``).

    >>> patience_from_dict({"kind": "none"})
    NoPatience()

    Raises:
        DefinitionError: Every problem, each with its path.
    """
    return cast(Patience, _load_model(data, Patience, "patience model"))


def arrivals_from_dict(data: Mapping[str, Any]) -> ArrivalProcess:
    """Build an arrival model from a table with ``kind = "poisson"`` or ``"replay"``.

    >>> arrivals_from_dict({"kind": "poisson", "per_interval": [10, 20]}).expected_total
    30.0

    Raises:
        DefinitionError: Every problem, each with its path (``per_interval.2``).
    """
    return cast(ArrivalProcess, _load_model(data, ArrivalProcess, "arrival model"))


def choice_from_dict(data: Mapping[str, Any]) -> Choice:
    """Build a :class:`Choice` from a table of outcome -> probability.

    >>> choice_from_dict({"1": 0.7, "hang_up": 0.3}).outcomes
    ('1', 'hang_up')

    Raises:
        DefinitionError: Every problem, each with the outcome's name as its path.
    """
    return cast(Choice, _load_model(data, Choice, "choice"))


def shift_from_dict(data: Mapping[str, Any]) -> Shift:
    """Build a :class:`Shift` from ``{hours = "...", breaks = [...]}``.

    >>> shift_from_dict({"hours": "18:00-08:00", "breaks": ["00:00-00:30"]}).working_seconds
    48600

    Raises:
        DefinitionError: Every problem, each with its path (``breaks.1``).
    """
    return cast(Shift, _load_model(data, Shift, "shift"))


def model_to_dict(
    model: Duration | Patience | ArrivalProcess | Choice | Shift,
) -> dict[str, Any]:
    """The document form of a model, which the ``*_from_dict`` functions read back.

    >>> model_to_dict(Exponential(mean=90.0))
    {'kind': 'exponential', 'mean': 90.0}
    """
    return cast(dict[str, Any], _CONVERTER.unstructure(model))
