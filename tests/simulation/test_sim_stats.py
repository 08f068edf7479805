"""Output statistics: the t quantile against closed forms and tables, intervals, batch means."""

from __future__ import annotations

import math
import random
import statistics
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import InvalidArgumentError
from callcenter.simulation import (
    ConfidenceInterval,
    batch_means,
    confidence_interval,
    mean,
    sample_variance,
    t_cdf,
    t_quantile,
)

probabilities = st.floats(min_value=1e-12, max_value=1 - 1e-12).filter(lambda p: p != 0.5)


def _closed_form_df1(p: float) -> float:
    # The Cauchy quantile tan(pi (p - 1/2)); near the tails use cot(pi q), q = min(p, 1-p),
    # which is exact in q (1 - p is exact for p near 1, by Sterbenz's lemma).
    q = min(p, 1.0 - p)
    magnitude = (
        math.tan(math.pi * (max(p, 1.0 - p) - 0.5)) if q > 0.25 else 1 / math.tan(math.pi * q)
    )
    return math.copysign(magnitude, p - 0.5)


def _closed_form_df2(p: float) -> float:
    return (2 * p - 1) / math.sqrt(2 * p * (1 - p))


def _closed_form_df4(p: float) -> float:
    # Hill (1970), Algorithm 396: for nu = 4, with a = 4 p (1 - p) and
    # theta = arccos(sqrt(a)), t = 2 sqrt(cos(theta / 3) / sqrt(a) - 1).
    a = 4 * p * (1 - p)
    theta = math.acos(math.sqrt(a))
    return math.copysign(2 * math.sqrt(math.cos(theta / 3) / math.sqrt(a) - 1), p - 0.5)


@given(p=probabilities)
def test_quantile_matches_closed_forms(p: float) -> None:
    assert t_quantile(p, 1) == pytest.approx(_closed_form_df1(p), rel=1e-12)
    assert t_quantile(p, 2) == pytest.approx(_closed_form_df2(p), rel=1e-12)


@given(p=st.floats(min_value=1e-6, max_value=1 - 1e-6).filter(lambda p: abs(p - 0.5) > 1e-3))
def test_quantile_matches_closed_form_for_four_degrees(p: float) -> None:
    assert t_quantile(p, 4) == pytest.approx(_closed_form_df4(p), rel=1e-11)


# Two-sided critical values as printed in statistical tables (e.g. the NIST/SEMATECH
# e-Handbook of Statistical Methods, table 1.4.2.7), to three decimals.
TABLE = {
    1: (6.314, 12.706, 31.821, 63.657),
    2: (2.920, 4.303, 6.965, 9.925),
    3: (2.353, 3.182, 4.541, 5.841),
    4: (2.132, 2.776, 3.747, 4.604),
    5: (2.015, 2.571, 3.365, 4.032),
    10: (1.812, 2.228, 2.764, 3.169),
    20: (1.725, 2.086, 2.528, 2.845),
    30: (1.697, 2.042, 2.457, 2.750),
    60: (1.671, 2.000, 2.390, 2.660),
    120: (1.658, 1.980, 2.358, 2.617),
}


@pytest.mark.parametrize("df", sorted(TABLE))
def test_quantile_matches_published_table(df: int) -> None:
    for p, printed in zip((0.95, 0.975, 0.99, 0.995), TABLE[df], strict=True):
        assert abs(t_quantile(p, df) - printed) <= 0.0005 + 1e-12


def test_large_df_tends_to_the_normal() -> None:
    normal = statistics.NormalDist()
    for p in (0.9, 0.975, 0.999):
        assert t_quantile(p, math.inf) == normal.inv_cdf(p)
        # Cornish-Fisher (A&S 26.7.5): t = z + g1/df + g2/df^2 + O(1/df^3) with
        # g1 = (z^3 + z) / 4 and g2 = (5 z^5 + 16 z^3 + 3 z) / 96.
        z = normal.inv_cdf(p)
        for df in (1e5, 1e6, 1e8):
            expansion = z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            # The omitted terms are below 1e-13 relative from df = 1e5 on.
            assert t_quantile(p, df) == pytest.approx(expansion, rel=1e-11)


@pytest.mark.parametrize("p", [1e-9, 0.001, 0.1, 0.4, 0.6, 0.975, 0.999999])
def test_the_two_methods_agree_where_they_meet(p: float) -> None:
    # Below df = 1e5 the exact inversion, above it the Cornish-Fisher expansion.
    below, above = t_quantile(p, 1e5), t_quantile(p, math.nextafter(1e5, math.inf))
    assert above == pytest.approx(below, rel=1e-12)


@settings(max_examples=100)
@given(p=probabilities, df=st.floats(min_value=0.5, max_value=1e4))
def test_cdf_inverts_the_quantile(p: float, df: float) -> None:
    t = t_quantile(p, df)
    assert t_cdf(t, df) == pytest.approx(p, rel=1e-9, abs=1e-15)
    assert (t > 0) == (p > 0.5)
    # Symmetry, with a complement that is exact (1 - p rounds; 1 - (1 - p) does not).
    upper = 1.0 - p
    assert t_quantile(upper, df) == pytest.approx(-t_quantile(1.0 - upper, df), rel=1e-12)


@settings(max_examples=100)
@given(
    p=st.floats(min_value=0.5001, max_value=0.9999),
    df=st.floats(min_value=1, max_value=200),
)
def test_quantile_is_monotone(p: float, df: float) -> None:
    # Heavier tails with fewer degrees of freedom; larger p, larger quantile.
    assert t_quantile(p, df) >= t_quantile(p, df * 2)
    assert t_quantile(min(p + 1e-4, 0.99995), df) > t_quantile(p, df)


def test_cdf_edges() -> None:
    assert t_cdf(0.0, 3) == 0.5
    assert t_cdf(math.inf, 3) == 1.0
    assert t_cdf(-math.inf, 3) == 0.0
    assert t_cdf(1.0, math.inf) == statistics.NormalDist().cdf(1.0)
    # df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t) / pi.
    for t in (-30.0, -1.0, 0.3, 2.0, 500.0):
        assert t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, rel=1e-13)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: t_quantile(0.0, 3), "p"),
        (lambda: t_quantile(1.0, 3), "p"),
        (lambda: t_quantile(0.9, 0), "df"),
        (lambda: t_quantile(0.9, math.nan), "df"),
        (lambda: t_cdf(math.nan, 3), "t"),
        (lambda: mean([]), "values"),
        (lambda: mean([1.0, math.inf]), "values"),
        (lambda: sample_variance([1.0]), "values"),
        (lambda: confidence_interval([1.0, 2.0], level=1.0), "level"),
        (lambda: confidence_interval([1.0]), "values"),
        (lambda: batch_means([1.0] * 10, batches=1), "batches"),
        (lambda: batch_means([1.0] * 10, warmup=-1), "warmup"),
        (lambda: batch_means([1.0] * 10, batches=5, warmup=6), "series"),
    ],
)
def test_bad_arguments(call: object, name: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.name == name


values = st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=40)


@given(data=values)
def test_mean_and_variance_agree_with_exact_arithmetic(data: list[float]) -> None:
    exact = [Fraction(x) for x in data]
    exact_mean = sum(exact, Fraction(0)) / len(exact)
    exact_var = sum(((x - exact_mean) ** 2 for x in exact), Fraction(0)) / (len(exact) - 1)
    assert mean(data) == pytest.approx(float(exact_mean), rel=1e-15, abs=1e-9)
    assert sample_variance(data) == pytest.approx(float(exact_var), rel=1e-12, abs=1e-9)


@given(data=values, level=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_interval_is_the_t_interval(data: list[float], level: float) -> None:
    ci = confidence_interval(data, level)
    n = len(data)
    expected = t_quantile((1 + level) / 2, n - 1) * math.sqrt(sample_variance(data) / n)
    assert ci.count == n
    assert ci.level == level
    assert ci.half_width == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert ci.low <= ci.mean <= ci.high
    assert ci.contains(ci.mean)


def test_interval_arithmetic() -> None:
    ci = ConfidenceInterval(mean=10.0, half_width=2.0, level=0.95, count=5)
    assert (ci.low, ci.high, ci.relative_half_width) == (8.0, 12.0, 0.2)
    assert ci.contains(8.0)
    assert ci.contains(12.0)
    assert not ci.contains(12.01)
    assert str(ci) == "10 ± 2 (95%, n=5)"
    assert ConfidenceInterval(mean=0.0, half_width=1.0, level=0.9, count=2).relative_half_width == (
        math.inf
    )


def test_interval_covers_the_true_mean_at_its_level() -> None:
    # Coverage of a 90% interval from 5 normal observations, over 4000 seeded trials:
    # the number of misses is binomial(4000, 0.1).
    rng = random.Random(99)
    trials = 4000
    misses = 0
    for _ in range(trials):
        sample = [rng.gauss(3.0, 2.0) for _ in range(5)]
        if not confidence_interval(sample, 0.9).contains(3.0):
            misses += 1
    assert abs(misses - 0.1 * trials) <= 5 * math.sqrt(trials * 0.1 * 0.9)


def test_batch_means_cuts_equal_batches_after_the_warmup() -> None:
    series = [100.0] * 10 + [float(i % 4) for i in range(83)]
    ci = batch_means(series, batches=4, warmup=10)
    # 83 values after the warm-up, 4 batches of 20, the last 3 dropped.
    assert ci.count == 4
    assert ci.mean == pytest.approx(1.5)
    assert ci.half_width == pytest.approx(0.0)


def test_batch_means_on_an_autocorrelated_series() -> None:
    # An AR(1) series x_t = phi x_{t-1} + e_t has mean 0; its naive interval (as if
    # independent) is far too narrow, the batch-means one covers 0.
    rng = random.Random(4)
    phi = 0.95
    x = 0.0
    series = []
    for _ in range(40_000):
        x = phi * x + rng.gauss(0.0, 1.0)
        series.append(x)
    batched = batch_means(series, batches=20, level=0.99)
    naive = confidence_interval(series, level=0.99)
    assert batched.contains(0.0)
    assert batched.half_width > 4 * naive.half_width
