"""Arrival processes: the Poisson day profile is exact, replays are faithful."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import DefinitionError, DocumentError
from callcenter.simulation import PoissonArrivals, ReplayedArrivals, mean, sample_variance

Z = 5.0
seeds = st.integers(min_value=0, max_value=2**64 - 1)
profiles = st.builds(
    PoissonArrivals,
    per_interval=st.lists(
        st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=80.0)), min_size=1, max_size=8
    ),
    interval=st.floats(min_value=1.0, max_value=7200.0),
    start=st.floats(min_value=-1e9, max_value=2e9),
)


@given(profile=profiles, seed=seeds)
def test_times_are_increasing_and_inside_the_profile(profile: PoissonArrivals, seed: int) -> None:
    times = list(profile.times(random.Random(seed)))
    assert times == sorted(times)
    assert all(profile.start <= t < profile.end for t in times)
    # No arrival in an interval whose volume is zero.
    for t in times:
        assert profile.rate_at(t) > 0


@given(profile=profiles, seed=seeds)
def test_same_seed_same_arrivals(profile: PoissonArrivals, seed: int) -> None:
    assert list(profile.times(random.Random(seed))) == list(profile.times(random.Random(seed)))


def _counts(profile: PoissonArrivals, seed: int) -> list[int]:
    counts = [0] * len(profile.per_interval)
    for t in profile.times(random.Random(seed)):
        counts[int((t - profile.start) // profile.interval)] += 1
    return counts


def test_count_per_interval_is_poisson_mean_and_variance() -> None:
    # A day profile with a morning peak, a lunch dip and a closed interval.
    profile = PoissonArrivals(per_interval=(4.0, 25.0, 60.0, 0.0, 12.5, 40.0), interval=1800.0)
    replications = 1500
    master = random.Random(20261122)
    table = [_counts(profile, master.getrandbits(64)) for _ in range(replications)]
    for index, expected in enumerate(profile.per_interval):
        counts = [row[index] for row in table]
        if expected == 0:
            assert set(counts) == {0}
            continue
        # Poisson: mean = variance = m. The sample mean has standard error sqrt(m / R);
        # the sample variance has variance (mu4 - sigma^4 (R-3)/(R-1)) / R with
        # mu4 = m + 3 m^2 for a Poisson variable.
        assert abs(mean(counts) - expected) <= Z * math.sqrt(expected / replications)
        r = replications
        var_of_var = (expected + 3 * expected**2 - expected**2 * (r - 3) / (r - 1)) / r
        assert abs(sample_variance(counts) - expected) <= Z * math.sqrt(var_of_var)


def test_counts_in_different_intervals_are_uncorrelated() -> None:
    profile = PoissonArrivals(per_interval=(30.0, 30.0), interval=600.0)
    replications = 2000
    master = random.Random(7)
    pairs = [_counts(profile, master.getrandbits(64)) for _ in range(replications)]
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    ma, mb = mean(a), mean(b)
    cov = math.fsum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True)) / (replications - 1)
    correlation = cov / math.sqrt(sample_variance(a) * sample_variance(b))
    # Under independence the sample correlation has standard error about 1/sqrt(R).
    assert abs(correlation) <= Z / math.sqrt(replications)


def test_positions_within_an_interval_are_uniform() -> None:
    # Given the count, Poisson arrival times are uniform in the interval: the mean
    # position is 1/2 and the variance 1/12.
    profile = PoissonArrivals(per_interval=(50.0, 5.0, 50.0), interval=1000.0, start=100.0)
    positions: list[float] = []
    master = random.Random(11)
    for _ in range(200):
        for t in profile.times(random.Random(master.getrandbits(64))):
            positions.append(((t - profile.start) % profile.interval) / profile.interval)
    n = len(positions)
    assert abs(mean(positions) - 0.5) <= Z * math.sqrt(1 / 12 / n)
    assert abs(sample_variance(positions) - 1 / 12) <= Z * math.sqrt(1 / 180 / n)


def test_profile_helpers() -> None:
    profile = PoissonArrivals(per_interval=(10.0, 20.0), interval=100.0, start=1000.0)
    assert profile.end == 1200.0
    assert profile.expected_total == 30.0
    assert profile.rate_at(999.0) == 0.0
    assert profile.rate_at(1050.0) == pytest.approx(0.1)
    assert profile.rate_at(1150.0) == pytest.approx(0.2)
    assert profile.rate_at(1200.0) == 0.0
    assert profile.scaled(1.5).per_interval == (15.0, 30.0)
    assert profile.scaled(1.5).interval == 100.0


@pytest.mark.parametrize(
    ("kwargs", "paths"),
    [
        ({"per_interval": ()}, ["per_interval"]),
        ({"per_interval": (1.0, -2.0, math.nan)}, ["per_interval.1", "per_interval.2"]),
        ({"per_interval": (1.0,), "interval": 0.0}, ["interval"]),
        ({"per_interval": (1.0,), "start": math.inf}, ["start"]),
    ],
)
def test_bad_profiles_are_reported_with_paths(kwargs: dict[str, object], paths: list[str]) -> None:
    with pytest.raises(DefinitionError) as caught:
        PoissonArrivals(**kwargs)  # type: ignore[arg-type]
    assert [p.path for p in caught.value.problems] == paths


@given(
    times=st.lists(st.floats(min_value=-1e9, max_value=1e9), max_size=30).map(sorted),
    seed=seeds,
)
def test_replay_yields_the_times_whatever_the_seed(times: list[float], seed: int) -> None:
    replay = ReplayedArrivals(at=times)
    rng = random.Random(seed)
    state = rng.getstate()
    assert list(replay.times(rng)) == times
    assert rng.getstate() == state
    assert replay.expected_total == len(times)


def test_replay_refuses_times_out_of_order_with_their_index() -> None:
    with pytest.raises(DefinitionError) as caught:
        ReplayedArrivals(at=(1.0, 5.0, 3.0, math.nan, 4.0))
    assert [p.path for p in caught.value.problems] == ["at.2", "at.3", "at.4"]
    assert "before the previous time 5.0" in str(caught.value)


def test_replay_from_file_reads_seconds_and_iso_times(tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    log.write_text(
        "# arrivals of 8 October\n"
        "2026-10-08T09:00:00+08:00\n"
        "\n"
        "2026-10-08T01:00:30+00:00\n"
        "1791421260\n",
        encoding="utf-8",
    )
    origin = 1791421200.0  # 2026-10-08T09:00:00+08:00
    replay = ReplayedArrivals.from_file(log, origin=origin)
    assert replay.at == (0.0, 30.0, 60.0)


def test_replay_from_file_reports_every_bad_line(tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    log.write_text("10\nten\n2026-10-08T09:00:00\n30\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        ReplayedArrivals.from_file(log)
    assert [p.path for p in caught.value.problems] == ["line 2", "line 3"]
    assert "no UTC offset" in str(caught.value)


def test_replay_from_missing_file_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"missing\.txt"):
        ReplayedArrivals.from_file(tmp_path / "missing.txt")


@settings(max_examples=30)
@given(seed=seeds, volume=st.floats(min_value=0.5, max_value=30.0))
def test_scaled_profile_changes_the_expected_count(seed: int, volume: float) -> None:
    # Each interval count is Poisson(volume * factor): check the total over a long
    # profile against its standard deviation.
    profile = PoissonArrivals(per_interval=(volume,) * 200, interval=60.0).scaled(2.0)
    total = sum(1 for _ in profile.times(random.Random(seed)))
    expected = profile.expected_total
    assert expected == pytest.approx(400 * volume)
    assert abs(total - expected) <= Z * math.sqrt(expected)
