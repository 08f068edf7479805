"""Random durations and choices: handle times, caller patience, IVR key presses.

Every model is a frozen attrs class with a ``sample(rng)`` method that draws from an
explicit :class:`random.Random`. Nothing here touches the module-level generator, so
a simulation seeded with the same number draws the same values, bit for bit, on the
same Python version.

The classes validate their parameters when they are built and raise
:class:`~callcenter.errors.DefinitionError` listing every problem with the name of the
offending field, so a TOML document loaded through :mod:`cattrs` reports paths such as
``handle_time.std``.
"""

from __future__ import annotations

import bisect
import functools
import math
import random
from collections.abc import Iterable, Mapping
from typing import TypeAlias

import attrs

from ..errors import DefinitionError, Problem
from ._checks import is_real

__all__ = [
    "Choice",
    "Deterministic",
    "Duration",
    "Empirical",
    "Exponential",
    "LogNormal",
    "NoPatience",
    "Patience",
]


def _positive(name: str, value: float) -> list[Problem]:
    if not is_real(value):
        return [Problem(path=name, message=f"expected a finite number of seconds, got {value!r}")]
    if value <= 0:
        return [Problem(path=name, message=f"expected a number > 0, got {value!r}")]
    return []


def _is_name(name: object) -> bool:
    return isinstance(name, str) and name != ""


def _raise(problems: list[Problem], what: str) -> None:
    if problems:
        raise DefinitionError(problems, what=what)


@attrs.frozen(kw_only=True)
class Exponential:
    """Exponentially distributed durations (memoryless): the M of M/M/c.

    Args:
        mean: The mean in seconds, > 0.

    Raises:
        DefinitionError: ``mean`` is not a finite number > 0.

    >>> import random
    >>> model = Exponential(mean=240.0)
    >>> model.sample(random.Random(7)) == model.sample(random.Random(7))
    True
    """

    mean: float

    def __attrs_post_init__(self) -> None:
        _raise(_positive("mean", self.mean), "exponential distribution")

    @property
    def std(self) -> float:
        """The standard deviation, equal to the mean."""
        return float(self.mean)

    def sample(self, rng: random.Random) -> float:
        """Draw one duration by inversion: ``-mean * log(1 - U)``, ``U`` uniform in [0, 1).

        ``1 - U`` lies in (0, 1], so the logarithm is always defined; a draw can be 0.0
        only when ``U`` is exactly 0.
        """
        return -self.mean * math.log(1.0 - rng.random())


@attrs.frozen(kw_only=True)
class LogNormal:
    """Log-normally distributed durations, given by their mean and spread.

    Handle times of real calls are skewed to the right; a log-normal with the observed
    mean and standard deviation is the usual model. Give exactly one of ``std`` and
    ``cv`` (the coefficient of variation, ``std / mean``).

    If ``X = exp(mu + sigma * Z)`` with ``Z`` standard normal, then
    ``E[X] = exp(mu + sigma**2 / 2)`` and ``CV**2 = exp(sigma**2) - 1``; solving gives
    ``sigma**2 = log(1 + CV**2)`` and ``mu = log(mean) - sigma**2 / 2``.

    Args:
        mean: The mean in seconds, > 0.
        std: The standard deviation in seconds, > 0.
        cv: The coefficient of variation, > 0.

    Raises:
        DefinitionError: A parameter is missing, doubled, or not a finite number > 0.

    >>> model = LogNormal(mean=300.0, cv=0.5)
    >>> [round(x, 4) for x in model.parameters]
    [5.5922, 0.4724]
    """

    mean: float
    std: float | None = None
    cv: float | None = None

    def __attrs_post_init__(self) -> None:
        problems = _positive("mean", self.mean)
        if (self.std is None) == (self.cv is None):
            problems.append(
                Problem(
                    path="",
                    message="give exactly one of 'std' (seconds) and 'cv' (std / mean)"
                    + (", not both" if self.std is not None else ""),
                )
            )
        if self.std is not None:
            problems.extend(_positive("std", self.std))
        if self.cv is not None:
            problems.extend(_positive("cv", self.cv))
        _raise(problems, "log-normal distribution")

    @property
    def coefficient_of_variation(self) -> float:
        """``std / mean``, whichever of the two was given."""
        return self.cv if self.cv is not None else float(self.std) / self.mean  # type: ignore[arg-type]

    @functools.cached_property
    def parameters(self) -> tuple[float, float]:
        """``(mu, sigma)`` of the underlying normal distribution (computed once)."""
        cv = self.coefficient_of_variation
        sigma2 = math.log1p(cv * cv)
        return math.log(self.mean) - sigma2 / 2.0, math.sqrt(sigma2)

    def sample(self, rng: random.Random) -> float:
        """Draw one duration with :meth:`random.Random.lognormvariate`."""
        mu, sigma = self.parameters
        return rng.lognormvariate(mu, sigma)


def _as_samples(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Empirical:
    """Durations resampled from observed values (a bootstrap of real data).

    Each draw picks one of ``samples`` with equal probability, so the model has
    exactly the observed mean and spread. Repeat a value to give it more weight.

    Args:
        samples: The observed durations in seconds, at least one, each finite and >= 0
            (0 is allowed: a caller who hangs up at once has zero patience).

    Raises:
        DefinitionError: ``samples`` is empty or holds a value that is not a finite
            number >= 0 (each bad value is reported with its index).

    >>> import random
    >>> Empirical(samples=(30.0, 60.0, 90.0)).mean
    60.0
    """

    samples: tuple[float, ...] = attrs.field(converter=_as_samples)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.samples:
            problems.append(Problem(path="samples", message="expected at least one value"))
        for index, value in enumerate(self.samples):
            if not is_real(value) or value < 0:
                problems.append(
                    Problem(
                        path=f"samples.{index}",
                        message=f"expected a finite number of seconds >= 0, got {value!r}",
                    )
                )
        _raise(problems, "empirical distribution")

    @property
    def mean(self) -> float:
        """The mean of the samples (exactly rounded with :func:`math.fsum`)."""
        return math.fsum(self.samples) / len(self.samples)

    @property
    def std(self) -> float:
        """The population standard deviation of the samples (what a draw has)."""
        mean = self.mean
        # Scaled by the largest deviation, so squares of tiny samples do not underflow
        # to zero (and huge ones do not overflow).
        scale = max(abs(x - mean) for x in self.samples)
        if scale == 0.0:
            return 0.0
        spread = math.fsum(((x - mean) / scale) ** 2 for x in self.samples)
        return scale * math.sqrt(spread / len(self.samples))

    def sample(self, rng: random.Random) -> float:
        """Draw one of the samples, each with probability ``1 / len(samples)``."""
        return float(self.samples[rng.randrange(len(self.samples))])


@attrs.frozen(kw_only=True)
class Deterministic:
    """A fixed duration: every draw is ``value`` (the D of M/D/c).

    Args:
        value: The duration in seconds, >= 0.

    Raises:
        DefinitionError: ``value`` is not a finite number >= 0.
    """

    value: float

    def __attrs_post_init__(self) -> None:
        value = self.value
        if not is_real(value) or value < 0:
            _raise(
                [Problem(path="value", message=f"expected a finite number >= 0, got {value!r}")],
                "deterministic duration",
            )

    @property
    def mean(self) -> float:
        """The value."""
        return float(self.value)

    @property
    def std(self) -> float:
        """Zero."""
        return 0.0

    def sample(self, rng: random.Random) -> float:
        """Return ``value`` without drawing from ``rng`` (the stream is not advanced)."""
        return float(self.value)


@attrs.frozen(kw_only=True)
class NoPatience:
    """Callers who never hang up while they wait: every draw is infinite.

    Use it for M/M/c (Erlang C) models, where nobody abandons.

    >>> import random
    >>> NoPatience().sample(random.Random(1))
    inf
    """

    @property
    def mean(self) -> float:
        """Infinity."""
        return math.inf

    def sample(self, rng: random.Random) -> float:
        """Return ``math.inf`` without drawing from ``rng``."""
        return math.inf


Duration: TypeAlias = Exponential | LogNormal | Empirical | Deterministic
"""A handle-time (or any other duration) model; all have ``mean`` and ``sample(rng)``."""

Patience: TypeAlias = Exponential | LogNormal | Empirical | Deterministic | NoPatience
"""How long a caller waits before hanging up: a :data:`Duration` or :class:`NoPatience`."""


def _as_probabilities(value: Mapping[str, float]) -> Mapping[str, float]:
    # A plain dict keeps the caller's order (which fixes the sampling order); wrapped in
    # a read-only view so that the frozen class really is immutable.
    from types import MappingProxyType

    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True, eq=False)
class Choice:
    """A categorical choice: which key a caller presses, whether a call opens a ticket.

    The outcomes are tried in the order they are given; a draw takes one uniform
    number ``U`` and returns the first outcome whose cumulative probability exceeds
    ``U``. Outcomes with probability 0 are allowed (and never drawn), which keeps a
    menu's full list of keys visible in a scenario.

    Args:
        probabilities: Outcome name -> probability. Each probability is finite and
            >= 0 and together they sum to 1 (within ``1e-9``).

    Raises:
        DefinitionError: No outcome, a probability that is negative or not a number,
            or a sum other than 1.

    >>> import random
    >>> menu = Choice(probabilities={"1": 0.5, "2": 0.3, "hang_up": 0.2})
    >>> menu.sample(random.Random(3)) in menu.outcomes
    True
    """

    probabilities: Mapping[str, float] = attrs.field(converter=_as_probabilities)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.probabilities:
            problems.append(Problem(path="", message="expected at least one outcome"))
        for name, p in self.probabilities.items():
            if not _is_name(name):
                problems.append(
                    Problem(path=str(name), message="expected a non-empty outcome name")
                )
            if not is_real(p):
                problems.append(
                    Problem(path=str(name), message=f"expected a probability, got {p!r}")
                )
            elif p < 0:
                problems.append(
                    Problem(path=str(name), message=f"expected a probability >= 0, got {p!r}")
                )
        if not problems:
            total = math.fsum(self.probabilities.values())
            if abs(total - 1.0) > 1e-9:
                problems.append(
                    Problem(
                        path="",
                        message=f"the probabilities sum to {total!r}; they must sum to 1 "
                        "(add the missing outcome, e.g. a hang-up, or correct a value)",
                    )
                )
        _raise(problems, "choice")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Choice):
            return NotImplemented
        return list(self.probabilities.items()) == list(other.probabilities.items())

    def __hash__(self) -> int:
        return hash(tuple(self.probabilities.items()))

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The outcome names, in the order given."""
        return tuple(self.probabilities)

    @functools.cached_property
    def _table(self) -> tuple[tuple[str, ...], tuple[float, ...]]:
        outcomes = tuple(self.probabilities)
        weights = list(self.probabilities.values())
        cumulative = [math.fsum(weights[: i + 1]) for i in range(len(weights))]
        # Pin the bound of the last outcome with a positive probability (and of any
        # zero-probability ones after it) to infinity, so that rounding in the sum can
        # never leave a gap at the top of [0, 1) nor make a zero outcome drawable.
        last = max(i for i, p in enumerate(weights) if p > 0)
        for i in range(last, len(cumulative)):
            cumulative[i] = math.inf
        return outcomes, tuple(cumulative)

    def sample(self, rng: random.Random) -> str:
        """Draw one outcome using one uniform number from ``rng``. ``O(log k)``."""
        outcomes, cumulative = self._table
        # bisect_right returns the first outcome whose cumulative bound exceeds u, which
        # skips zero-probability outcomes (their bound equals the one before them).
        return outcomes[bisect.bisect_right(cumulative, rng.random())]
