"""Loading the random models from TOML: shapes, round trips, and every problem with its path."""

from __future__ import annotations

import math
import tomllib

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter._loading import make_converter, structure_definition
from callcenter.errors import DefinitionError
from callcenter.simulation import (
    ArrivalProcess,
    Choice,
    Deterministic,
    Duration,
    Exponential,
    LogNormal,
    NoPatience,
    Patience,
    PoissonArrivals,
    ReplayedArrivals,
    arrivals_from_dict,
    choice_from_dict,
    duration_from_dict,
    model_to_dict,
    patience_from_dict,
    register_model_hooks,
)
from callcenter.testing import arrival_profiles, choices, duration_models, patience_models


@attrs.frozen(kw_only=True)
class Queue:
    """A stand-in for a scenario section that embeds the models."""

    handle_time: Duration
    patience: Patience
    arrivals: ArrivalProcess
    menu: Choice


CONVERTER = register_model_hooks(make_converter())

GOOD = """
handle_time = { kind = "lognormal", mean = 240, cv = 0.6 }
patience    = { kind = "exponential", mean = 90 }
arrivals    = { kind = "poisson", interval = 1800, per_interval = [12, 40, 65.5, 30] }
menu        = { "1" = 0.45, "2" = 0.35, "0" = 0.1, hang_up = 0.1 }
"""


def test_a_good_document_loads() -> None:
    queue = structure_definition(CONVERTER, tomllib.loads(GOOD), Queue, what="queue")
    assert queue.handle_time == LogNormal(mean=240.0, cv=0.6)
    assert queue.patience == Exponential(mean=90.0)
    assert queue.arrivals == PoissonArrivals(per_interval=(12, 40, 65.5, 30), interval=1800)
    assert queue.menu.outcomes == ("1", "2", "0", "hang_up")


def test_every_problem_is_reported_with_its_path() -> None:
    bad = """
    handle_time = { kind = "lognormal", mean = -240, sdt = 3 }
    patience    = { kind = "exponentail", mean = 90 }
    arrivals    = { kind = "poisson", interval = "1800", per_interval = [12, -40, true] }
    menu        = { "1" = 0.45, "2" = 0.35 }
    """
    with pytest.raises(DefinitionError) as caught:
        structure_definition(CONVERTER, tomllib.loads(bad), Queue, what="queue")
    problems = {p.path: p.message for p in caught.value.problems}
    assert set(problems) == {
        "handle_time.sdt",
        "patience.kind",
        "arrivals.interval",
        "arrivals.per_interval.2",
        "menu",
    }
    assert "did you mean 'std'" in problems["handle_time.sdt"]
    assert "did you mean 'exponential'" in problems["patience.kind"]
    assert "expected a number, got text '1800'" in problems["arrivals.interval"]
    assert "got a boolean True" in problems["arrivals.per_interval.2"]
    assert "sum to 0.8" in problems["menu"]


def test_constructor_problems_get_the_full_path() -> None:
    bad = """
    handle_time = { kind = "lognormal", mean = -240, std = 30 }
    patience    = { kind = "empirical", samples = [30, -1] }
    arrivals    = { kind = "replay", at = [5, 3] }
    menu        = { "1" = 1.5, "2" = -0.5 }
    """
    with pytest.raises(DefinitionError) as caught:
        structure_definition(CONVERTER, tomllib.loads(bad), Queue, what="queue")
    assert [p.path for p in caught.value.problems] == [
        "handle_time.mean",
        "patience.samples.1",
        "arrivals.at.1",
        "menu.2",
    ]


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ({"mean": 3}, "kind", "required field missing"),
        ({"kind": "none"}, "kind", "unknown duration model 'none'"),
        ({"kind": "exponential"}, "mean", "required field missing"),
        ({"kind": "exponential", "mean": math.nan}, "mean", "finite"),
        ({"kind": "deterministic", "value": 3, "mean": 3}, "mean", "unknown key"),
    ],
)
def test_duration_errors(data: dict[str, object], path: str, words: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        duration_from_dict(data)
    assert [p.path for p in caught.value.problems] == [path]
    assert words in caught.value.problems[0].message


def test_a_table_is_required() -> None:
    with pytest.raises(DefinitionError, match="expected a table"):
        duration_from_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="expected a table"):
        choice_from_dict("1")  # type: ignore[arg-type]


def test_patience_accepts_none_and_durations() -> None:
    assert patience_from_dict({"kind": "none"}) == NoPatience()
    assert patience_from_dict({"kind": "deterministic", "value": 30}) == Deterministic(value=30.0)


def test_arrival_kinds() -> None:
    assert arrivals_from_dict({"kind": "replay", "at": [1, 2.5]}) == ReplayedArrivals(at=(1, 2.5))
    with pytest.raises(DefinitionError) as caught:
        arrivals_from_dict({"kind": "poison", "per_interval": [1]})
    assert "did you mean 'poisson'" in str(caught.value)


@given(model=duration_models())
def test_durations_round_trip(model: Duration) -> None:
    data = model_to_dict(model)
    assert duration_from_dict(data) == model
    assert patience_from_dict(data) == model


@given(model=patience_models())
def test_patience_round_trips(model: Patience) -> None:
    assert patience_from_dict(model_to_dict(model)) == model


@given(profile=arrival_profiles(), choice=choices())
def test_documents_with_generated_models_load(profile: PoissonArrivals, choice: Choice) -> None:
    document = {
        "handle_time": {"kind": "exponential", "mean": 200},
        "patience": {"kind": "none"},
        "arrivals": model_to_dict(profile),
        "menu": model_to_dict(choice),
    }
    queue = structure_definition(CONVERTER, document, Queue, what="queue")
    assert queue.arrivals == profile
    assert queue.menu == choice


@given(
    per_interval=st.lists(st.floats(min_value=0, max_value=500), min_size=1, max_size=10),
    interval=st.floats(min_value=1, max_value=7200),
)
def test_arrivals_round_trip(per_interval: list[float], interval: float) -> None:
    model = PoissonArrivals(per_interval=per_interval, interval=interval)
    assert arrivals_from_dict(model_to_dict(model)) == model
    replay = ReplayedArrivals(at=sorted(per_interval))
    assert arrivals_from_dict(model_to_dict(replay)) == replay


@given(choice=choices())
def test_choice_round_trip(choice: Choice) -> None:
    assert choice_from_dict(model_to_dict(choice)) == choice
