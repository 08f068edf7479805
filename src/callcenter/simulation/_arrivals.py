"""Arrival processes: a Poisson day profile with peaks, or arrival times replayed.

An arrival process yields arrival instants in increasing order from an explicit
:class:`random.Random`. Two are provided:

* :class:`PoissonArrivals` -- a non-homogeneous Poisson process whose rate is constant
  within each interval of a day profile (for instance the expected number of calls per
  half hour, as a workforce planner writes it).
* :class:`ReplayedArrivals` -- arrival times taken from a list or a file of real calls.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeAlias

import attrs

from ..errors import DefinitionError, DocumentError, Problem
from ._checks import is_real

__all__ = ["ArrivalProcess", "PoissonArrivals", "ReplayedArrivals"]


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    value: Any = values  # in Python anything may come: refused by the model's check
    if isinstance(value, str) or not isinstance(value, Iterable):
        out: Any = value
        return out  # type: ignore[no-any-return]
    return tuple(value)


def _not_a_list(path: str, value: object) -> Problem | None:
    """A problem if ``value`` (a converted field) is not a tuple of values."""
    if isinstance(value, tuple):
        return None
    return Problem(path=path, message=f"expected a list of numbers, got {value!r}")


def _is_number(value: object) -> bool:
    return is_real(value)


@attrs.frozen(kw_only=True)
class PoissonArrivals:
    """A Poisson process with a piecewise-constant rate: a day profile with peaks.

    Interval ``i`` covers ``[start + i * interval, start + (i + 1) * interval)`` and in
    it calls arrive at the constant rate ``per_interval[i] / interval``; the number of
    arrivals in it is Poisson with mean ``per_interval[i]``, independent of the other
    intervals. No call arrives after the last interval.

    Sampling is exact, not a thinning approximation: within an interval the gaps
    between calls are exponential with that interval's rate; when a gap runs past the
    end of the interval it is thrown away and drawing starts afresh at the boundary
    with the next rate. Because the exponential distribution is memoryless, the
    discarded remainder carries no information and the result is exactly the
    non-homogeneous process (see e.g. S. M. Ross, *Simulation*, 5th ed., section 5.5).

    Args:
        per_interval: The expected number of arrivals in each interval (finite, >= 0).
        interval: The length of one interval in seconds (default 1800, half an hour).
        start: When the first interval begins, in seconds on the clock of the times
            drawn (in a scenario: seconds after local midnight of its date, so
            ``28800`` is 08:00).

    Raises:
        DefinitionError: Every bad parameter, each with its field name (and index).

    >>> import random
    >>> day = PoissonArrivals(per_interval=(10, 40, 25), interval=1800.0)
    >>> day.end, day.expected_total
    (5400.0, 75.0)
    >>> times = list(day.times(random.Random(1)))
    >>> times == sorted(times) and all(0 <= t < 5400 for t in times)
    True
    """

    per_interval: tuple[float, ...] = attrs.field(converter=_floats)
    interval: float = 1800.0
    start: float = 0.0

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        shape = _not_a_list("per_interval", self.per_interval)
        if shape is not None:
            raise DefinitionError([shape], what="Poisson arrival profile")
        if not self.per_interval:
            problems.append(
                Problem(path="per_interval", message="expected at least one interval's volume")
            )
        for index, volume in enumerate(self.per_interval):
            if not _is_number(volume) or volume < 0:
                problems.append(
                    Problem(
                        path=f"per_interval.{index}",
                        message=f"expected a finite number of calls >= 0, got {volume!r}",
                    )
                )
        if not _is_number(self.interval) or self.interval <= 0:
            problems.append(
                Problem(
                    path="interval",
                    message=f"expected a finite number of seconds > 0, got {self.interval!r}",
                )
            )
        if not _is_number(self.start):
            problems.append(
                Problem(
                    path="start", message=f"expected a finite number of seconds, got {self.start!r}"
                )
            )
        if problems:
            raise DefinitionError(problems, what="Poisson arrival profile")

    @property
    def end(self) -> float:
        """When the last interval ends; no arrival is at or after it."""
        return self.start + len(self.per_interval) * self.interval

    @property
    def expected_total(self) -> float:
        """The expected number of arrivals over the whole profile."""
        return math.fsum(self.per_interval)

    def rate_at(self, time: float) -> float:
        """The arrival rate (calls per second) at ``time``; 0 outside the profile."""
        if not self.start <= time < self.end:
            return 0.0
        index = min(int((time - self.start) // self.interval), len(self.per_interval) - 1)
        return self.per_interval[index] / self.interval

    def scaled(self, factor: float) -> PoissonArrivals:
        """The same profile with every interval's volume multiplied by ``factor`` (>= 0).

        For what-if studies: ``profile.scaled(1.1)`` is ten percent more calls.
        """
        return attrs.evolve(self, per_interval=tuple(v * factor for v in self.per_interval))

    def times(self, rng: random.Random) -> Iterator[float]:
        """Yield the arrival times in increasing order, drawing from ``rng``.

        Lazy: the simulator takes one arrival at a time. Each arrival costs one uniform
        draw, plus one wasted draw per interval boundary crossed.
        """
        interval = self.interval
        start = self.start
        for index, volume in enumerate(self.per_interval):
            if volume <= 0:
                continue
            # Both bounds from the same formula, so that the end of one interval is
            # exactly the start of the next and the times can never go out of order.
            begin = start + index * interval
            end = start + (index + 1) * interval
            mean_gap = interval / volume
            t = begin
            while True:
                t -= mean_gap * math.log(1.0 - rng.random())
                if t >= end:
                    break
                yield t


@attrs.frozen(kw_only=True)
class ReplayedArrivals:
    """Arrivals at given times, e.g. the call log of a real day.

    Replaying consumes no randomness, so a replay with any seed gives the same calls
    (the rest of the simulation -- handle times, patience -- still varies with the
    seed).

    Args:
        at: Arrival instants in seconds, finite and in non-decreasing order.

    Raises:
        DefinitionError: A time that is not a finite number, or out of order (each
            reported with its index).

    >>> import random
    >>> list(ReplayedArrivals(at=(3.0, 7.5, 7.5)).times(random.Random(0)))
    [3.0, 7.5, 7.5]
    """

    at: tuple[float, ...] = attrs.field(converter=_floats)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        shape = _not_a_list("at", self.at)
        if shape is not None:
            raise DefinitionError([shape], what="replayed arrivals")
        previous = -math.inf
        for index, value in enumerate(self.at):
            if not _is_number(value):
                problems.append(
                    Problem(
                        path=f"at.{index}",
                        message=f"expected a finite number of seconds, got {value!r}",
                    )
                )
                continue
            if value < previous:
                problems.append(
                    Problem(
                        path=f"at.{index}",
                        message=f"{value!r} comes before the previous time {previous!r}; "
                        "list the arrival times in order",
                    )
                )
            previous = max(previous, value)
        if problems:
            raise DefinitionError(problems, what="replayed arrivals")

    @property
    def expected_total(self) -> float:
        """The number of arrivals (a float, like :attr:`PoissonArrivals.expected_total`)."""
        return float(len(self.at))

    def times(self, rng: random.Random) -> Iterator[float]:
        """Yield the stored times in order; ``rng`` is not used."""
        return iter(float(t) for t in self.at)

    @classmethod
    def from_file(cls, path: str | Path, *, origin: float = 0.0) -> ReplayedArrivals:
        """Read arrival times from a text file, one per line.

        Each line is either a number of seconds or an ISO 8601 date-time *with* a UTC
        offset (``2026-10-08T09:00:12+08:00``), which becomes POSIX seconds. Blank
        lines and lines starting with ``#`` are skipped. ``origin`` is subtracted from
        every time, to put a real log on a simulation clock that starts at zero.

        Raises:
            DocumentError: The file cannot be read.
            DefinitionError: Every line that is not a time, with its line number, and
                times out of order.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            detail = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise DocumentError(path=str(path), detail=detail or str(exc)) from None
        times: list[float] = []
        problems: list[Problem] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            try:
                value = _parse_time(line)
            except ValueError as exc:
                problems.append(Problem(path=f"line {number}", message=str(exc)))
                continue
            times.append(value - origin)
        if problems:
            raise DefinitionError(problems, what=f"arrival times in {path}")
        return cls(at=tuple(times))


def _parse_time(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number of seconds, got {text!r}")
        return value
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"expected seconds or an ISO 8601 date-time with an offset, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(
            f"{text!r} has no UTC offset; write it as e.g. {text}+08:00 so the instant "
            "is unambiguous"
        )
    return moment.timestamp()


ArrivalProcess: TypeAlias = PoissonArrivals | ReplayedArrivals
"""Any arrival model: all have ``times(rng)`` and ``expected_total``."""
