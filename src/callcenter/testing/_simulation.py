"""Hypothesis strategies for the simulator's random models."""

from __future__ import annotations

from hypothesis import strategies as st

from ..simulation import (
    Choice,
    Deterministic,
    Duration,
    Empirical,
    Exponential,
    LogNormal,
    NoPatience,
    Patience,
    PoissonArrivals,
)

__all__ = ["arrival_profiles", "choices", "duration_models", "patience_models"]

_SECONDS = st.floats(min_value=0.5, max_value=3600.0, allow_nan=False, allow_infinity=False)


def duration_models(*, seconds: st.SearchStrategy[float] = _SECONDS) -> st.SearchStrategy[Duration]:
    """Valid duration models of every kind, with means drawn from ``seconds``."""
    spread = st.floats(min_value=0.05, max_value=3.0)
    return st.one_of(
        st.builds(Exponential, mean=seconds),
        st.builds(LogNormal, mean=seconds, cv=spread),
        st.builds(lambda m, c: LogNormal(mean=m, std=m * c), seconds, spread),
        st.builds(Empirical, samples=st.lists(seconds, min_size=1, max_size=12)),
        st.builds(Deterministic, value=seconds),
    )


def patience_models(*, seconds: st.SearchStrategy[float] = _SECONDS) -> st.SearchStrategy[Patience]:
    """Valid patience models: any duration model, or :class:`NoPatience`."""
    return st.one_of(st.just(NoPatience()), duration_models(seconds=seconds))


@st.composite
def arrival_profiles(
    draw: st.DrawFn, *, max_intervals: int = 48, max_per_interval: float = 200.0
) -> PoissonArrivals:
    """Day profiles: up to ``max_intervals`` intervals, some closed (volume 0)."""
    volumes = draw(
        st.lists(
            st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=max_per_interval)),
            min_size=1,
            max_size=max_intervals,
        )
    )
    interval = draw(st.sampled_from([300.0, 900.0, 1800.0, 3600.0]))
    start = draw(st.integers(min_value=0, max_value=48).map(lambda h: h * 1800.0))
    return PoissonArrivals(per_interval=volumes, interval=interval, start=start)


@st.composite
def choices(
    draw: st.DrawFn, *, outcomes: tuple[str, ...] = ("1", "2", "3", "0", "hang_up")
) -> Choice:
    """Choices over a subset of ``outcomes`` (some with probability 0) that sum to 1."""
    names = draw(st.lists(st.sampled_from(outcomes), min_size=1, unique=True))
    weights = draw(
        st.lists(st.integers(min_value=0, max_value=20), min_size=len(names), max_size=len(names))
    )
    if sum(weights) == 0:
        weights[-1] = 1
    total = sum(weights)
    probabilities = {name: weight / total for name, weight in zip(names, weights, strict=True)}
    return Choice(probabilities=probabilities)
