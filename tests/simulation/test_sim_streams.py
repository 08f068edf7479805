"""Named random streams: reproducible, independent, and decoupled from each other."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.errors import InvalidArgumentError
from callcenter.simulation import Exponential, RandomStreams

names = st.text(min_size=1, max_size=20)


@given(seed=st.integers(), name=names)
def test_same_seed_and_name_same_stream(seed: int, name: str) -> None:
    a, b = RandomStreams(seed), RandomStreams(seed)
    assert [a[name].random() for _ in range(5)] == [b[name].random() for _ in range(5)]


@given(seed=st.integers(), first=names, second=names)
def test_streams_do_not_disturb_each_other(seed: int, first: str, second: str) -> None:
    if first == second:
        return
    lone = RandomStreams(seed)
    expected = [lone[first].random() for _ in range(5)]
    busy = RandomStreams(seed)
    values = []
    for _ in range(5):
        busy[second].random()  # interleaved draws from another stream
        values.append(busy[first].random())
    assert values == expected


def test_changing_one_model_leaves_the_other_draws_alone() -> None:
    def day(talk_mean: float) -> tuple[list[float], list[float]]:
        streams = RandomStreams(7)
        talk, patience = Exponential(mean=talk_mean), Exponential(mean=60.0)
        talks = [talk.sample(streams["talk"]) for _ in range(20)]
        waits = [patience.sample(streams["patience"]) for _ in range(20)]
        return talks, waits

    (talks_a, waits_a), (talks_b, waits_b) = day(200.0), day(300.0)
    assert waits_a == waits_b
    assert talks_b == pytest.approx([t * 1.5 for t in talks_a])


def test_seeds_are_fixed_by_definition() -> None:
    streams = RandomStreams(2026)
    digest = hashlib.blake2b(b"2026/arrivals", digest_size=8).digest()
    assert streams.seed_of("arrivals") == int.from_bytes(digest, "big")
    assert streams["arrivals"].random() == random.Random(int.from_bytes(digest, "big")).random()
    assert streams.names() == ("arrivals",)
    assert "arrivals" in streams
    assert "talk" not in streams
    assert streams.seed == 2026


def test_bad_seed_or_name() -> None:
    with pytest.raises(InvalidArgumentError):
        RandomStreams("1")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        RandomStreams(1)[""]
