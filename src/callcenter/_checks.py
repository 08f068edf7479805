"""Checks of the numbers a user writes: what a value means, not only its type.

A float field that is NaN, infinite, negative or astronomically large passes a type
check yet breaks an engine later (a NaN deadline never fires, an ``inf`` sort key
corrupts a queue). Definitions and engine calls run every number through
:func:`number_problem` when they are built, and report all problems of an object at
once through :class:`Problems`, each at the path of its field.

An attrs class checks itself in ``__attrs_post_init__``::

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        problems.number("max_wait", self.max_wait, minimum=0, allow_inf=True)
        problems.raise_if_any(what="queue")

Loaders built on :func:`callcenter._loading.structure_definition` prefix each
problem's path with the object's own path (``queues.0.max_wait``).

>>> number_problem(float("nan"), minimum=0)
'expected a number >= 0, got nan'
>>> number_problem(-1, minimum=0, allow_inf=True)
'expected a number >= 0 (or inf), got -1'
>>> number_problem(5, minimum=0) is None
True
"""

from __future__ import annotations

import math
from typing import Any, cast

from .errors import DefinitionError, InvalidArgumentError, Problem, Severity, _short_repr

__all__ = [
    "LARGEST",
    "Problems",
    "check_argument",
    "check_seconds",
    "expected_number",
    "number_problem",
    "short_repr",
]

LARGEST = 1e15
"""The largest magnitude a number in a definition or a call may have.

Far above any duration (31 million years in seconds), priority or weight anyone
means, and small enough that sums and products of such numbers stay exact enough as
floats and never overflow.
"""


def expected_number(
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    allow_inf: bool = False,
    integer: bool = False,
) -> str:
    """Describe in words the number that :func:`number_problem` accepts.

    >>> expected_number(minimum=0, exclusive_minimum=True)
    'a number > 0'
    """
    kind = "a whole number" if integer else "a number"
    bounds = []
    if minimum is not None:
        bounds.append(f"{'>' if exclusive_minimum else '>='} {minimum:g}")
    if maximum is not None:
        bounds.append(f"<= {maximum:g}")
    expected = kind + (" " + " and ".join(bounds) if bounds else "")
    return expected + " (or inf)" if allow_inf else expected


def number_problem(
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    allow_inf: bool = False,
    integer: bool = False,
) -> str | None:
    """Say what is wrong with ``value`` as the number described, or return ``None``.

    Args:
        value: The value to check. Booleans are refused (``True`` is not a number a
            user means).
        minimum: The smallest value allowed (inclusive unless ``exclusive_minimum``).
        maximum: The largest value allowed (inclusive). Magnitudes above
            :data:`LARGEST` are refused either way.
        exclusive_minimum: Whether ``minimum`` itself is refused.
        allow_inf: Whether positive infinity is accepted (meaning "never" or "no
            limit"). NaN and negative infinity never are.
        integer: Whether only whole numbers are accepted.

    Returns:
        A message naming what was expected and what came, or ``None`` if it is fine.
    """
    kind = type(value)
    if kind is float or kind is int:
        # The common case, a plain finite number within bounds, decided without
        # building the description that only a problem needs (this runs for every
        # number of every event, record and contact that is built).
        number = cast(float, value)
        if (
            -LARGEST <= number <= LARGEST
            and (not integer or kind is int or number.is_integer())
            and (minimum is None or (number > minimum if exclusive_minimum else number >= minimum))
            and (maximum is None or number <= maximum)
        ):
            return None
    expected = expected_number(
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=exclusive_minimum,
        allow_inf=allow_inf,
        integer=integer,
    )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected {expected}, got {type(value).__name__} {short_repr(value)}"
    if isinstance(value, float) and math.isnan(value):
        return f"expected {expected}, got nan"
    if value == math.inf and allow_inf:
        return None
    if isinstance(value, float) and math.isinf(value):
        return f"expected {expected}, got {value!r}"
    if abs(value) > LARGEST:
        return f"expected {expected} of at most {LARGEST:g} in size, got {short_repr(value)}"
    if integer and isinstance(value, float) and not value.is_integer():
        return f"expected {expected}, got {value!r}"
    if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
        return f"expected {expected}, got {value!r}"
    if maximum is not None and value > maximum:
        return f"expected {expected}, got {value!r}"
    return None


def short_repr(value: object) -> str:
    """``repr(value)``, bounded and safe for any value (see :mod:`callcenter.errors`).

    >>> short_repr(10**5000)
    'an int of 16610 bits'
    """
    return _short_repr(value)


def check_argument(name: str, value: object, **bounds: Any) -> float:
    """Check an engine call's numeric argument; return it as a float or raise.

    Takes the same keyword arguments as :func:`number_problem`.

    Raises:
        InvalidArgumentError: With what was expected and what came.
    """
    if number_problem(value, **bounds) is not None:
        raise InvalidArgumentError(name=name, expected=expected_number(**bounds), got=value)
    return float(value)  # type: ignore[arg-type]


def check_seconds(name: str, value: object, *, allow_inf: bool = False) -> float:
    """Check a duration given to a call: a number of seconds >= 0; return it as a float.

    The one place the "seconds >= 0" settings of the KPI configuration and the live
    monitor are checked. ``allow_inf`` also accepts positive infinity ("never").

    >>> check_seconds("answer_time", 20)
    20.0

    Raises:
        InvalidArgumentError: ``value`` is not such a number (NaN, negative, a bool,
            not a number, or larger than :data:`LARGEST`), with ``expected`` saying
            ``seconds >= 0``.
    """
    if number_problem(value, minimum=0, allow_inf=allow_inf) is not None:
        raise InvalidArgumentError(name=name, expected="seconds >= 0", got=value)
    return float(value)  # type: ignore[arg-type]


class Problems:
    """Collects the problems of one object, each at the path of its field."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, message: str, severity: Severity = Severity.ERROR) -> None:
        """Record a problem at ``path`` (relative to the object)."""
        self.items.append(Problem(path=path, message=message, severity=severity))

    def number(self, path: str, value: object, **bounds: Any) -> None:
        """Check a number with :func:`number_problem` and record what is wrong."""
        message = number_problem(value, **bounds)
        if message is not None:
            self.add(path, message)

    def raise_if_any(self, *, what: str) -> None:
        """Raise :class:`~callcenter.errors.DefinitionError` if any error was recorded."""
        if any(p.severity is Severity.ERROR for p in self.items):
            raise DefinitionError(self.items, what=what)
