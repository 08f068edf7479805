"""The time guard every engine uses: ``now`` must be POSIX seconds in range and never go back.

One rule for every instant the library is given (an engine's ``now``, a calendar's
question, a stored time): a finite number of POSIX **seconds** between
:data:`EARLIEST` (0001-01-02 00:00 UTC) and :data:`LATEST` (9999-12-31 00:00 UTC).
Within that range every instant has a local date in every time zone, so calendars
and reports can always answer. Anything else is refused with
:class:`~callcenter.errors.InvalidArgumentError`, before any state changes:

* NaN, ``inf`` and ``-inf``, booleans, text, ``None``;
* an integer too large to be a float (``10**400``);
* a time in **milliseconds** (a JavaScript ``Date.now()`` such as ``1.79e12``): the
  message names it as such and says what it would be in seconds.

>>> as_instant(1_790_000_000_000)
Traceback (most recent call last):
...
callcenter.errors.InvalidArgumentError: now: expected a finite number of POSIX seconds ...
"""

from __future__ import annotations

import datetime

from .errors import InvalidArgumentError, TimeWentBackwardsError, _short_repr

__all__ = ["EARLIEST", "LATEST", "Clock", "as_instant"]

EARLIEST = -62_135_510_400.0
"""The earliest instant accepted: 0001-01-02 00:00:00 UTC, in POSIX seconds."""

LATEST = 253_402_214_400.0
"""The latest instant accepted: 9999-12-31 00:00:00 UTC, in POSIX seconds."""

# A value past LATEST whose thousandth is after 1980 is a time in milliseconds.
_PLAUSIBLE_MILLISECONDS = 315_532_800.0

_EXPECTED = "a finite number of POSIX seconds from 0001-01-02 to 9999-12-31 UTC"


def _describe(value: object) -> str:
    """What came, with a hint when it looks like milliseconds."""
    shown = _short_repr(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > LATEST:
        try:
            seconds = value / 1000
        except OverflowError:  # an int far too large for a float
            return shown
        if _PLAUSIBLE_MILLISECONDS <= seconds <= LATEST:
            moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
            return (
                f"{shown}, which looks like milliseconds ({seconds!r} seconds would be "
                f"{moment:%Y-%m-%d %H:%M:%S} UTC); divide by 1000"
            )
    return shown


def as_instant(value: object, name: str = "now") -> float:
    """Return ``value`` as a float of POSIX seconds, or raise a clear error.

    Args:
        value: The instant, in POSIX seconds (an int or a float).
        name: The parameter's name, for the message.

    Raises:
        InvalidArgumentError: ``value`` is not a finite real number (bools refused)
            between :data:`EARLIEST` and :data:`LATEST`; a value that looks like
            milliseconds is named as such.
    """
    # Comparisons before float(): an int too large for a float compares fine, and
    # NaN fails both.
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and EARLIEST <= value <= LATEST:  # type: ignore[operator]
        return float(value)  # type: ignore[arg-type]
    raise _refusal(name, value)


def _refusal(name: str, value: object) -> InvalidArgumentError:
    error = InvalidArgumentError(name=name, expected=_EXPECTED, got=value)
    described = _describe(value)
    if described != _short_repr(value):
        error.args = (f"{name}: expected {_EXPECTED}, got {described}",)
    return error


class Clock:
    """Remembers the latest ``now`` an engine has accepted and refuses earlier ones.

    Engines call :meth:`check` before they change anything (so a bad ``now`` leaves
    them untouched) and :meth:`commit` once the call has succeeded. Every ``now``
    follows the rule of :func:`as_instant`.

    >>> clock = Clock()
    >>> clock.check(10.0)
    10.0
    >>> clock.commit(10.0)
    >>> clock.check(9.5)
    Traceback (most recent call last):
    ...
    callcenter.errors.TimeWentBackwardsError: time went backwards: got now=9.5, ...
    """

    # ``_now`` is unset until the first commit: the fast path of check() then needs
    # no test for "no time yet" (the lookup fails instead, off the usual path).
    __slots__ = ("_now",)

    _now: float

    def __init__(self, start: float | None = None) -> None:
        if start is not None:
            self._now = self.check(start)

    @property
    def now(self) -> float | None:
        """The latest accepted time, or ``None`` before the first call."""
        try:
            return self._now
        except AttributeError:
            return None

    def check(self, now: float, name: str = "now") -> float:
        """Validate ``now`` without accepting it (``name``: what the error calls it).

        Returns:
            ``now`` as a float.

        Raises:
            InvalidArgumentError: ``now`` is not POSIX seconds in range (see
                :func:`as_instant`).
            TimeWentBackwardsError: ``now`` is earlier than the latest accepted time.
        """
        # The usual case, first and cheap (engines call this on every input): a
        # float (NaN fails the comparisons) from the latest accepted time (never
        # before EARLIEST) to LATEST. Anything else takes the full checks below, so
        # the errors are the same either way. LATEST is written out: a constant, not
        # a global lookup (a property test holds the two paths to the same
        # decisions).
        try:
            if type(now) is float and self._now <= now <= 253_402_214_400.0:
                return now
            last: float | None = self._now
        except AttributeError:  # no time accepted yet
            last = None
        value = as_instant(now, name)
        if last is not None and value < last:
            raise TimeWentBackwardsError(now=value, last=last)
        return value

    def commit(self, now: float) -> None:
        """Accept ``now`` as the latest time; it must be a value :meth:`check` returned."""
        self._now = now
