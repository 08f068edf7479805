"""The like-for-like benchmarks simulate the same models as their peers.

``benchmarks/erlang_a.py`` (the library against Ciw) and
``benchmarks/skills_center.py`` (the library against SimPy) print both sides' KPIs
next to each other; their speed ratio means something only if both sides simulate
the same model. Here each side runs independent replications (small runs, fixed
seeds), and every KPI of the library agrees with the peer's: the difference of the
means is within three standard errors of the difference. The Erlang A model is also
checked against the exact Erlang A values. A peer given another model (callers less
patient, agents without after-call work) is told apart by the same criterion, so the
agreement is not bought with vague intervals.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from callcenter.simulation import confidence_interval

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
REPLICATIONS = 8
CUSTOMERS = 2500
SEED = 7


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_benchmark_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def benchmarks() -> Iterator[dict[str, ModuleType]]:
    # The scripts import their shared helpers by name, as when run from benchmarks/.
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield {name: _load(name) for name in ("_compare", "erlang_a", "skills_center")}
    finally:
        sys.path.remove(str(BENCHMARKS))


_LIBRARY_RUNS: dict[str, dict[str, list[float]]] = {}


def replications(modules: dict[str, ModuleType], script: str, side: str) -> dict[str, list[float]]:
    """Each KPI's values over the replications of one side of a benchmark.

    The library's side does not change within this module: it runs once per script.
    """
    if side == "callcenter" and script in _LIBRARY_RUNS:
        return _LIBRARY_RUNS[script]
    module = modules[script]
    variant = list(module.RUNNERS).index(side)
    values: dict[str, list[float]] = modules["_compare"].replicate(
        module.RUNNERS[side], CUSTOMERS, SEED, REPLICATIONS, variant
    )
    if side == "callcenter":
        _LIBRARY_RUNS[script] = values
    return values


def disagreements(
    modules: dict[str, ModuleType], ours: dict[str, list[float]], theirs: dict[str, list[float]]
) -> list[str]:
    agree = modules["_compare"].agree
    assert set(ours) == set(theirs)
    return [
        f"{kpi}: {confidence_interval(ours[kpi])} against {confidence_interval(theirs[kpi])}"
        for kpi in sorted(ours)
        if not agree(ours[kpi], theirs[kpi])
    ]


def test_erlang_a_kpis_agree_with_ciw_and_with_the_exact_values(
    benchmarks: dict[str, ModuleType],
) -> None:
    ours = replications(benchmarks, "erlang_a", "callcenter")
    theirs = replications(benchmarks, "erlang_a", "ciw")
    assert set(ours) == {"service_level", "asa_seconds", "abandonment_rate", "occupancy"}
    assert disagreements(benchmarks, ours, theirs) == []
    exact = benchmarks["erlang_a"].theory()
    for side in (ours, theirs):
        for kpi, values in side.items():
            ci = confidence_interval(values, 0.99)
            assert ci.contains(exact[kpi]), f"{kpi}: exact {exact[kpi]} outside {ci}"


def test_erlang_a_comparison_tells_a_less_patient_peer_apart(
    benchmarks: dict[str, ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = replications(benchmarks, "erlang_a", "callcenter")
    monkeypatch.setattr(benchmarks["erlang_a"], "MEAN_PATIENCE", 90.0)
    theirs = replications(benchmarks, "erlang_a", "ciw")
    assert disagreements(benchmarks, ours, theirs) != []


def test_skills_center_kpis_agree_with_simpy(benchmarks: dict[str, ModuleType]) -> None:
    ours = replications(benchmarks, "skills_center", "callcenter")
    theirs = replications(benchmarks, "skills_center", "simpy")
    queues = benchmarks["skills_center"].QUEUES
    assert {f"{q}.service_level" for q in queues} <= set(ours)
    assert disagreements(benchmarks, ours, theirs) == []


def test_skills_center_comparison_tells_a_peer_without_wrap_up_apart(
    benchmarks: dict[str, ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = benchmarks["skills_center"]
    ours = replications(benchmarks, "skills_center", "callcenter")
    no_wrap_up = {
        q: (rate, talk, 0.0, *rest) for q, (rate, talk, _, *rest) in module.QUEUES.items()
    }
    monkeypatch.setattr(module, "QUEUES", no_wrap_up)
    theirs = replications(benchmarks, "skills_center", "simpy")
    assert disagreements(benchmarks, ours, theirs) != []
