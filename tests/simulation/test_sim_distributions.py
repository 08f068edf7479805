"""Durations, patience and choices: validation, reproducibility, and convergence of means.

Convergence checks use the central limit theorem: the mean of ``n`` independent draws
of a distribution with mean ``m`` and standard deviation ``s`` is within
``Z * s / sqrt(n)`` of ``m`` except with probability ``2 * (1 - Phi(Z))``. With
``Z = 5`` that is below ``6e-7`` per example, so a failure means a wrong sampler, not
bad luck.
"""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import DefinitionError
from callcenter.simulation import (
    Choice,
    Deterministic,
    Empirical,
    Exponential,
    LogNormal,
    NoPatience,
)

Z = 5.0
seeds = st.integers(min_value=0, max_value=2**64 - 1)
means = st.floats(min_value=1.0, max_value=3600.0)


def _sample_mean(draw: list[float]) -> float:
    return math.fsum(draw) / len(draw)


@settings(max_examples=60)
@given(seed=seeds, mean=means)
def test_exponential_mean_and_std_converge(seed: int, mean: float) -> None:
    model = Exponential(mean=mean)
    rng = random.Random(seed)
    n = 4000
    draws = [model.sample(rng) for _ in range(n)]
    assert all(x >= 0 for x in draws)
    assert abs(_sample_mean(draws) - mean) <= Z * mean / math.sqrt(n)
    # P(X > mean) = exp(-1) for an exponential: a check of the shape, not just the mean.
    above = sum(x > mean for x in draws) / n
    p = math.exp(-1.0)
    assert abs(above - p) <= Z * math.sqrt(p * (1 - p) / n)


@settings(max_examples=60)
@given(seed=seeds, mean=means, cv=st.floats(min_value=0.05, max_value=1.5), by_std=st.booleans())
def test_lognormal_matches_given_mean_and_spread(
    seed: int, mean: float, cv: float, by_std: bool
) -> None:
    model = LogNormal(mean=mean, std=cv * mean) if by_std else LogNormal(mean=mean, cv=cv)
    assert model.coefficient_of_variation == pytest.approx(cv)
    mu, sigma = model.parameters
    # The moments of exp(N(mu, sigma^2)) are the ones asked for.
    assert math.exp(mu + sigma**2 / 2) == pytest.approx(mean, rel=1e-12)
    assert math.sqrt(math.expm1(sigma**2)) == pytest.approx(cv, rel=1e-12)
    rng = random.Random(seed)
    n = 4000
    draws = [model.sample(rng) for _ in range(n)]
    assert all(x > 0 for x in draws)
    assert abs(_sample_mean(draws) - mean) <= Z * cv * mean / math.sqrt(n)
    # The median of a log-normal is exp(mu): half the draws fall below it.
    below = sum(x < math.exp(mu) for x in draws) / n
    assert abs(below - 0.5) <= Z * 0.5 / math.sqrt(n)


@settings(max_examples=60)
@given(
    seed=seeds,
    samples=st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=30),
)
def test_empirical_draws_only_observed_values_with_their_mean(
    seed: int, samples: list[float]
) -> None:
    model = Empirical(samples=samples)
    rng = random.Random(seed)
    n = 2000
    draws = [model.sample(rng) for _ in range(n)]
    assert set(draws) <= set(samples)
    assert model.mean == pytest.approx(math.fsum(samples) / len(samples))
    tolerance = Z * model.std / math.sqrt(n) + 1e-9 * max(samples)
    assert abs(_sample_mean(draws) - model.mean) <= tolerance


def test_empirical_frequencies_follow_repetitions() -> None:
    model = Empirical(samples=(10.0, 10.0, 10.0, 40.0))
    rng = random.Random(2026)
    n = 20_000
    share = sum(model.sample(rng) == 10.0 for _ in range(n)) / n
    assert abs(share - 0.75) <= Z * math.sqrt(0.75 * 0.25 / n)


@given(seed=seeds, value=st.floats(min_value=0, max_value=1e6))
def test_deterministic_and_no_patience_do_not_consume_randomness(seed: int, value: float) -> None:
    rng = random.Random(seed)
    assert Deterministic(value=value).sample(rng) == value
    assert NoPatience().sample(rng) == math.inf
    assert rng.getstate() == random.Random(seed).getstate()


@given(
    seed=seeds,
    model=st.sampled_from(
        [
            Exponential(mean=180.0),
            LogNormal(mean=240.0, cv=0.8),
            Empirical(samples=(1.0, 5.0, 9.0)),
            Deterministic(value=3.0),
        ]
    ),
)
def test_same_seed_same_stream(seed: int, model: Exponential) -> None:
    first = [model.sample(random.Random(seed)) for _ in range(3)]
    a, b = random.Random(seed), random.Random(seed)
    assert [model.sample(a) for _ in range(50)] == [model.sample(b) for _ in range(50)]
    assert len(set(first)) == 1


@pytest.mark.parametrize(
    ("build", "paths"),
    [
        (lambda: Exponential(mean=0.0), ["mean"]),
        (lambda: Exponential(mean=math.nan), ["mean"]),
        (lambda: LogNormal(mean=-1.0, std=-2.0), ["mean", "std"]),
        (lambda: LogNormal(mean=10.0), [""]),
        (lambda: LogNormal(mean=10.0, std=1.0, cv=0.1), [""]),
        (lambda: Empirical(samples=()), ["samples"]),
        (lambda: Empirical(samples=(1.0, -1.0, math.inf)), ["samples.1", "samples.2"]),
        (lambda: Deterministic(value=-0.5), ["value"]),
        (lambda: Choice(probabilities={}), [""]),
        (lambda: Choice(probabilities={"1": 0.5, "2": 0.4}), [""]),
        (lambda: Choice(probabilities={"1": -0.5, "2": 1.5}), ["1"]),
    ],
)
def test_bad_parameters_are_reported_with_their_field(build: object, paths: list[str]) -> None:
    with pytest.raises(DefinitionError) as caught:
        build()  # type: ignore[operator]
    assert [p.path for p in caught.value.problems] == paths


def test_choice_message_says_what_to_do() -> None:
    with pytest.raises(DefinitionError, match=r"sum to 0\.9.*must sum to 1"):
        Choice(probabilities={"1": 0.5, "2": 0.4})


@settings(max_examples=40)
@given(
    seed=seeds,
    weights=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=6).filter(
        lambda w: sum(w) > 0
    ),
)
def test_choice_frequencies_match_probabilities(seed: int, weights: list[int]) -> None:
    total = sum(weights)
    probabilities = {f"k{i}": w / total for i, w in enumerate(weights)}
    choice = Choice(probabilities=probabilities)
    rng = random.Random(seed)
    n = 3000
    counts = Counter(choice.sample(rng) for _ in range(n))
    for name, p in probabilities.items():
        if p == 0:
            assert counts[name] == 0
        else:
            assert abs(counts[name] / n - p) <= Z * math.sqrt(p * (1 - p) / n) + 1e-12


def test_choice_uses_one_uniform_per_draw_and_keeps_order() -> None:
    choice = Choice(probabilities={"a": 0.25, "b": 0.0, "c": 0.75})
    assert choice.outcomes == ("a", "b", "c")
    rng, mirror = random.Random(5), random.Random(5)
    for _ in range(200):
        u = mirror.random()
        assert choice.sample(rng) == ("a" if u < 0.25 else "c")


def test_choice_is_immutable_and_compares_by_content() -> None:
    source = {"x": 0.5, "y": 0.5}
    choice = Choice(probabilities=source)
    source["z"] = 1.0
    assert choice.outcomes == ("x", "y")
    with pytest.raises(TypeError):
        choice.probabilities["x"] = 1.0  # type: ignore[index]
    assert choice == Choice(probabilities={"x": 0.5, "y": 0.5})
    assert hash(choice) == hash(Choice(probabilities={"x": 0.5, "y": 0.5}))
    assert choice != Choice(probabilities={"y": 0.5, "x": 0.5})


def test_empirical_spread_of_tiny_and_huge_samples_neither_underflows_nor_overflows() -> None:
    tiny = Empirical(samples=(0.0, 2.7e-203))
    assert tiny.std == pytest.approx(1.35e-203)
    huge = Empirical(samples=(0.0, 1e300))
    assert huge.std == pytest.approx(5e299)
