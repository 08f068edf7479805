"""Output statistics for simulation studies: means, variances, Student-t intervals.

Replications of a simulation are independent and identically distributed, so the
mean of a figure across them has an exact Student-t confidence interval when the
figure is roughly normal (and an asymptotically right one otherwise, by the central
limit theorem). Within one long run successive customers are correlated; the method
of batch means (:func:`batch_means`) cuts the run into a few long batches whose means
are nearly independent and builds the interval from those.

The Student-t quantile is computed here, without SciPy, from the regularized
incomplete beta function:

* ``P(T > t) = I_x(nu/2, 1/2) / 2`` with ``x = nu / (nu + t**2)`` for ``t >= 0``
  (Abramowitz and Stegun, *Handbook of Mathematical Functions*, 26.7.1 with 26.5.27;
  DLMF 8.17 and 26.7);
* ``I_x(a, b)`` is evaluated with its continued fraction (A&S 26.5.8, DLMF 8.17.22)
  times ``x**a (1-x)**b / (a B(a, b))``, where ``log B`` for a large argument comes from
  the Stirling series (A&S 6.1.41) to avoid subtracting two large log-gammas,
  by the modified Lentz algorithm (W. J. Lentz, *Applied Optics* 15, 1976; I. J.
  Thompson and A. R. Barnett, *J. Comput. Phys.* 64, 1986), using the symmetry
  ``I_x(a, b) = 1 - I_{1-x}(b, a)`` where the fraction converges slowly;
* the quantile solves ``P(T > t) = q`` by Newton's method kept inside a bracket
  (a bisection step whenever Newton would leave it), to full double precision;
  beyond ``df = 1e5`` the four-term Cornish-Fisher expansion about the normal
  quantile (A&S 26.7.5) is used instead, being both faster and more accurate there.

The tests check the result against closed forms (``nu = 1``: ``tan(pi (p - 1/2))``;
``nu = 2``: ``(2p - 1) / sqrt(2 p (1 - p))``), published table values and the normal
limit.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence

import attrs

from ..errors import InvalidArgumentError
from ._checks import is_count, is_real

__all__ = [
    "ConfidenceInterval",
    "batch_means",
    "confidence_interval",
    "mean",
    "sample_variance",
    "t_cdf",
    "t_quantile",
]

_EPS = 1e-16
_TINY = 1e-300
_MAX_TERMS = 10_000


def _finite_values(values: Iterable[float], name: str) -> list[float]:
    data = [float(v) for v in values]
    for value in data:
        if not math.isfinite(value):
            raise InvalidArgumentError(name=name, expected="finite numbers", got=value)
    return data


def mean(values: Iterable[float]) -> float:
    """The arithmetic mean, summed exactly with :func:`math.fsum`.

    >>> mean([1.0, 2.0, 4.0])
    2.3333333333333335

    Raises:
        InvalidArgumentError: No values, or a value that is not finite.
    """
    data = _finite_values(values, "values")
    if not data:
        raise InvalidArgumentError(name="values", expected="at least one value", got=data)
    return math.fsum(data) / len(data)


def sample_variance(values: Iterable[float]) -> float:
    """The unbiased sample variance ``sum((x - mean)**2) / (n - 1)`` (two-pass, exact sums).

    >>> sample_variance([1.0, 2.0, 3.0, 4.0])
    1.6666666666666667

    Raises:
        InvalidArgumentError: Fewer than two values, or a value that is not finite.
    """
    data = _finite_values(values, "values")
    if len(data) < 2:
        raise InvalidArgumentError(name="values", expected="at least two values", got=data)
    centre = math.fsum(data) / len(data)
    # A second pass with the corrected mean (the sum of deviations) removes the error
    # of the first mean (Chan, Golub and LeVeque, "Algorithms for computing the sample
    # variance", The American Statistician 37, 1983).
    deviations = [x - centre for x in data]
    correction = math.fsum(deviations)
    total = math.fsum(d * d for d in deviations) - correction * correction / len(data)
    return max(total, 0.0) / (len(data) - 1)


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of A&S 26.5.8, by the modified Lentz method."""
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, _MAX_TERMS):
        # Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
        numerator = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + numerator / c
        c = c if abs(c) > _TINY else _TINY
        result *= c * d
        # Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
        numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + numerator / c
        c = c if abs(c) > _TINY else _TINY
        delta = c * d
        result *= delta
        if abs(delta - 1.0) < _EPS:
            return result
    raise ArithmeticError(f"incomplete beta fraction did not converge for a={a}, b={b}, x={x}")


# Coefficients of the Stirling series ln G(z) = (z - 1/2) ln z - z + ln(2 pi)/2 + R(z),
# R(z) = sum c_k / z^(2k - 1), c_k = B_2k / (2k (2k - 1)) (A&S 6.1.41).
_STIRLING = (
    1 / 12,
    -1 / 360,
    1 / 1260,
    -1 / 1680,
    1 / 1188,
    -691 / 360360,
    1 / 156,
)


def _stirling_remainder(z: float) -> float:
    inverse = 1.0 / z
    square = inverse * inverse
    total = 0.0
    for coefficient in reversed(_STIRLING):
        total = total * square + coefficient
    return total * inverse


def _log_gamma_ratio(a: float, b: float) -> float:
    """``lgamma(a + b) - lgamma(a)`` for ``a >= 20``, without the cancellation of the two.

    From the Stirling series: ``(a - 1/2) log1p(b/a) + b log(a + b) - b + R(a + b) -
    R(a)``; every term is of modest size, so the result keeps full relative precision
    where the direct difference of two large log-gammas would lose ``log10(lgamma(a))``
    digits. With ``a >= 20`` the omitted terms are below ``1e-19``.
    """
    return (
        (a - 0.5) * math.log1p(b / a)
        + b * math.log(a + b)
        - b
        + _stirling_remainder(a + b)
        - _stirling_remainder(a)
    )


def _log_beta(a: float, b: float) -> float:
    """``log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b)``."""
    small, large = min(a, b), max(a, b)
    if large >= 20.0:
        return math.lgamma(small) - _log_gamma_ratio(large, small)
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _betainc(a: float, b: float, x: float, y: float) -> float:
    """Regularized incomplete beta ``I_x(a, b)``, given ``x`` and ``y = 1 - x`` separately.

    Passing ``y`` computed directly avoids the cancellation of ``1 - x`` when ``x`` is
    close to 1.
    """
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    # log x and log y through log1p of the other one when it is small: both are then
    # accurate to the last bit, however close x or y is to 1.
    log_x = math.log1p(-y) if y < 0.5 else math.log(x)
    log_y = math.log1p(-x) if x < 0.5 else math.log(y)
    log_front = a * log_x + b * log_y - _log_beta(a, b)
    front = math.exp(log_front)
    # The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    # relation on the other side.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, y) / b


def _check_df(df: float) -> float:
    if not (is_real(df) or df == math.inf) or df <= 0:
        raise InvalidArgumentError(name="df", expected="degrees of freedom > 0", got=df)
    return float(df)


def _upper_tail(t: float, df: float) -> float:
    """``P(T > t)`` for ``t >= 0``."""
    t2 = t * t
    return 0.5 * _betainc(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


def t_cdf(t: float, df: float) -> float:
    """The cumulative distribution function of Student's t with ``df`` degrees of freedom.

    ``df`` may be fractional, or ``math.inf`` for the standard normal.

    >>> t_cdf(0.0, 5)
    0.5
    >>> round(t_cdf(12.706204736174707, 1), 12)
    0.975

    Raises:
        InvalidArgumentError: ``df`` is not > 0 or ``t`` is NaN.
    """
    df = _check_df(df)
    if math.isnan(t):
        raise InvalidArgumentError(name="t", expected="a number", got=t)
    if math.isinf(df):
        return statistics.NormalDist().cdf(t)
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    tail = _upper_tail(abs(t), df)
    return 1.0 - tail if t >= 0 else tail


def _pdf(t: float, df: float) -> float:
    log_density = (
        math.lgamma((df + 1.0) / 2.0)
        - math.lgamma(df / 2.0)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )
    return math.exp(log_density)


_LARGE_DF = 1e5


def _cornish_fisher(p: float, df: float) -> float:
    """The t quantile for ``df > 1e5`` from its expansion about the normal quantile.

    ``t = z + g1/df + g2/df**2 + g3/df**3 + g4/df**4`` (A&S 26.7.5). At ``df > 1e5``
    the next term is below ``1e-20`` relative for ``|z| < 8``, while the continued
    fraction would need tens of thousands of terms and lose digits to rounding.
    """
    z = statistics.NormalDist().inv_cdf(p)
    if math.isinf(df):
        return z
    z2 = z * z
    g1 = (z2 + 1.0) * z / 4.0
    g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0
    g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0
    g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom.

    ``t_quantile(0.975, n - 1)`` is the factor of a two-sided 95% interval from ``n``
    observations. The tests find it within ``1e-12`` (relative) of closed forms
    (``df`` = 1, 2, 4) for ``1e-12 <= p <= 1 - 1e-12``; above ``df = 1e5`` it is the
    Cornish-Fisher expansion (A&S 26.7.5), which the tests find within ``1e-12`` of the
    exact method at the switch (see the module docstring for the method).

    >>> round(t_quantile(0.975, 10), 6)
    2.228139
    >>> t_quantile(0.5, 3)
    0.0

    Args:
        p: The probability, strictly between 0 and 1.
        df: Degrees of freedom, > 0 (``math.inf`` gives the normal quantile).

    Raises:
        InvalidArgumentError: ``p`` is not in (0, 1) or ``df`` is not > 0.
    """
    df = _check_df(df)
    if not is_real(p) or not 0.0 < p < 1.0:
        raise InvalidArgumentError(name="p", expected="a probability strictly in (0, 1)", got=p)
    if p == 0.5:
        return 0.0
    if df > _LARGE_DF:
        return _cornish_fisher(p, df)
    q = min(p, 1.0 - p)  # find t > 0 with P(T > t) = q, then restore the sign
    if q >= 0.25:
        # Near the centre solve P(|T| < t) = 1 - 2q instead: 1 - 2q is exact there and
        # the central probability is computed without cancellation.
        central = 1.0 - 2.0 * q

        def excess(t: float) -> float:
            t2 = t * t
            return (central - _betainc(0.5, df / 2.0, t2 / (df + t2), df / (df + t2))) / 2.0

    else:

        def excess(t: float) -> float:
            return _upper_tail(t, df) - q

    # excess(t) > 0 while t is too small; its derivative is -pdf(t).
    low, high = 0.0, 1.0
    while excess(high) > 0:
        low, high = high, high * 2.0
    t = min(max(-statistics.NormalDist().inv_cdf(q), low), high)
    for _ in range(200):
        error = excess(t)
        if error == 0.0:
            break
        if error > 0:
            low = t
        else:
            high = t
        candidate = t + error / _pdf(t, df)
        if not low < candidate < high:
            candidate = (low + high) / 2.0
        converged = abs(candidate - t) <= 4 * _EPS * t or high - low <= 2 * _EPS * high
        t = candidate
        if converged:
            break
    return t if p > 0.5 else -t


@attrs.frozen(kw_only=True)
class ConfidenceInterval:
    """A mean with a two-sided confidence interval ``mean +- half_width``.

    Attributes:
        mean: The point estimate.
        half_width: Half the interval's width (``inf`` when it cannot be computed).
        level: The confidence level, e.g. 0.95.
        count: How many independent observations (replications or batches) it rests on.
    """

    mean: float
    half_width: float
    level: float
    count: int

    @property
    def low(self) -> float:
        """The lower bound."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """The upper bound."""
        return self.mean + self.half_width

    @property
    def relative_half_width(self) -> float:
        """``half_width / |mean|`` (``inf`` for a zero mean): the precision reached."""
        return self.half_width / abs(self.mean) if self.mean else math.inf

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the closed interval."""
        return self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.mean:.6g} ± {self.half_width:.3g} ({self.level:.0%}, n={self.count})"


def _check_level(level: float) -> float:
    if not is_real(level) or not 0 < level < 1:
        raise InvalidArgumentError(
            name="level", expected="a confidence level strictly in (0, 1)", got=level
        )
    return float(level)


def confidence_interval(values: Iterable[float], level: float = 0.95) -> ConfidenceInterval:
    """The Student-t confidence interval for the mean of independent observations.

    ``mean +- t_{(1 + level)/2, n-1} * s / sqrt(n)``, with ``s`` the sample standard
    deviation. Use one value per independent replication.

    >>> ci = confidence_interval([10.0, 12.0, 11.0, 13.0, 9.0])
    >>> ci.mean, round(ci.half_width, 4)
    (11.0, 1.9632)

    Raises:
        InvalidArgumentError: Fewer than two values, a value that is not finite, or a
            level outside (0, 1).
    """
    level = _check_level(level)
    data = _finite_values(values, "values")
    if len(data) < 2:
        raise InvalidArgumentError(
            name="values", expected="at least two independent observations", got=data
        )
    n = len(data)
    factor = t_quantile((1.0 + level) / 2.0, n - 1)
    half = factor * math.sqrt(sample_variance(data) / n)
    return ConfidenceInterval(mean=math.fsum(data) / n, half_width=half, level=level, count=n)


def batch_means(
    series: Sequence[float], *, batches: int = 20, warmup: int = 0, level: float = 0.95
) -> ConfidenceInterval:
    """A confidence interval for the steady-state mean of one long, correlated run.

    Drops the first ``warmup`` observations (the transient from an empty system),
    cuts the rest into ``batches`` consecutive batches of equal size (the last few
    observations that do not fill a batch are dropped), and applies
    :func:`confidence_interval` to the batch means. With batches much longer than the
    correlation time the batch means are nearly independent and normal (A. M. Law,
    *Simulation Modeling and Analysis*, 5th ed., section 9.5.3). 10 to 30 batches is
    the usual choice.

    >>> ci = batch_means([float(i % 7) for i in range(700)], batches=10)
    >>> ci.count, ci.mean
    (10, 3.0)

    Raises:
        InvalidArgumentError: Fewer than 2 batches, a negative warm-up, or fewer
            observations after the warm-up than batches.
    """
    if not is_count(batches, 2):
        raise InvalidArgumentError(name="batches", expected="an integer >= 2", got=batches)
    if not is_count(warmup):
        raise InvalidArgumentError(name="warmup", expected="an integer >= 0", got=warmup)
    data = _finite_values(series[warmup:], "series")
    size = len(data) // batches
    if size < 1:
        raise InvalidArgumentError(
            name="series",
            expected=f"at least {batches} observations after a warm-up of {warmup}",
            got=f"{len(data)} observations",
        )
    means = [math.fsum(data[i * size : (i + 1) * size]) / size for i in range(batches)]
    return confidence_interval(means, level)
