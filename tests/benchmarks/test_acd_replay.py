"""The routing engine's replay benchmark replays what the simulator did, call for call.

``benchmarks/acd_replay.py`` times the routing engine alone by recording every call
the hotline makes on it during :func:`~callcenter.simulation.simulate` and replaying
them on a fresh engine. Its figures mean something only if the recording caught
every call and the replay gives back exactly what the simulator saw; a replay that
differs must stop the script.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from callcenter.routing import RoutingEngine

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def acd_replay() -> Iterator[ModuleType]:
    # The script imports the two models by name, as when run from benchmarks/.
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(
            "_benchmark_acd_replay", BENCHMARKS / "acd_replay.py"
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.mark.parametrize("model", ["erlang_a", "skills_center"])
def test_the_replay_returns_what_the_simulation_saw(acd_replay: ModuleType, model: str) -> None:
    scenario = sys.modules[model].scenario(300)
    recording = acd_replay.record(scenario, 3)
    names = {call[0] for call in recording.calls}
    assert {"route", "accept", "complete", "next_deadline"} <= names
    assert recording.customers > 200
    _, results = acd_replay.replay(recording, keep=True)
    acd_replay.check(recording, results)  # raises SystemExit on any difference
    # The engine's methods are the engine's own again once the recording is done.
    assert not hasattr(RoutingEngine.route, "__wrapped__")
    assert RoutingEngine.__init__.__qualname__ == "RoutingEngine.__init__"
    figures = acd_replay.measure(model, scenario, 3, 1)
    assert figures["us_per_customer"] > 0
    assert figures["events_per_customer"] > 3


def test_a_replay_that_differs_stops_the_script(acd_replay: ModuleType) -> None:
    recording = acd_replay.record(sys.modules["erlang_a"].scenario(100), 3)
    _, results = acd_replay.replay(recording, keep=True)
    index = next(i for i, call in enumerate(recording.calls) if call[0] == "route")
    results[index] = results[index][:-1]
    with pytest.raises(SystemExit, match=f"call {index} \\(route\\)"):
        acd_replay.check(recording, results)
