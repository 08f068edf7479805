"""The time guard every engine uses: ``now`` must be a finite number that never goes back."""

from __future__ import annotations

import math

from .errors import InvalidArgumentError, TimeWentBackwardsError

__all__ = ["Clock", "as_instant"]


def as_instant(value: object, name: str = "now") -> float:
    """Return ``value`` as a float of POSIX seconds, or raise a clear error.

    Raises:
        InvalidArgumentError: ``value`` is not a finite real number (bools refused).
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise InvalidArgumentError(name=name, expected="a finite number of POSIX seconds", got=value)


class Clock:
    """Remembers the latest ``now`` an engine has accepted and refuses earlier ones.

    Engines call :meth:`check` before they change anything (so a bad ``now`` leaves
    them untouched) and :meth:`commit` once the call has succeeded.

    >>> clock = Clock()
    >>> clock.check(10.0)
    10.0
    >>> clock.commit(10.0)
    >>> clock.check(9.5)
    Traceback (most recent call last):
    ...
    callcenter.errors.TimeWentBackwardsError: time went backwards: got now=9.5, ...
    """

    __slots__ = ("_now",)

    def __init__(self, start: float | None = None) -> None:
        self._now: float | None = None
        if start is not None:
            self._now = self.check(start)

    @property
    def now(self) -> float | None:
        """The latest accepted time, or ``None`` before the first call."""
        return self._now

    def check(self, now: float, name: str = "now") -> float:
        """Validate ``now`` without accepting it (``name``: what the error calls it).

        Returns:
            ``now`` as a float.

        Raises:
            InvalidArgumentError: ``now`` is not a finite real number.
            TimeWentBackwardsError: ``now`` is earlier than the latest accepted time.
        """
        last = self._now
        # The usual case, first and cheap (engines call this on every input): a
        # finite float not earlier than the last time. ``now - now`` is 0.0 for a
        # finite float and NaN for infinities and NaN. Anything else takes the full
        # checks below, so the errors are the same either way.
        if type(now) is float and now - now == 0.0 and (last is None or now >= last):
            return now
        value = as_instant(now, name)
        if self._now is not None and value < self._now:
            raise TimeWentBackwardsError(now=value, last=self._now)
        return value

    def commit(self, now: float) -> None:
        """Accept ``now`` as the latest time; it must be a value :meth:`check` returned."""
        self._now = now
