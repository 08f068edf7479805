"""Small run-time checks of arguments that the type hints cannot enforce."""

from __future__ import annotations

import math

__all__ = ["is_count", "is_real"]


def is_real(value: object) -> bool:
    """Whether ``value`` is a finite int or float (booleans are refused)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_count(value: object, minimum: int = 0) -> bool:
    """Whether ``value`` is an int (not a bool) that is at least ``minimum``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
