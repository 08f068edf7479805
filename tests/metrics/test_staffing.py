"""Staffing searches, shrinkage, interval plans and the ``staffing`` command."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.cli import main
from callcenter.errors import InvalidArgumentError
from callcenter.metrics import (
    IntervalForecast,
    StaffingTargets,
    evaluate,
    plan_intervals,
    required_agents,
    scheduled_agents,
    traffic_erlangs,
)


def brute_force(
    a: float, aht: float, targets: StaffingTargets, patience: float | None = None
) -> int:
    """Try every agent count from one; the first that meets all targets."""
    n = 1
    while True:
        if targets.met_by(evaluate(n, a, aht, targets.answer_time or 0.0, patience=patience)):
            return n
        n += 1


@given(
    st.floats(0.05, 300.0),
    st.floats(10.0, 600.0),
    st.floats(0.05, 0.99),
    st.floats(0.0, 120.0),
    st.one_of(st.none(), st.floats(0.3, 1.0)),
)
def test_erlang_c_search_equals_brute_force(
    a: float, aht: float, sl: float, t: float, occupancy: float | None
) -> None:
    targets = StaffingTargets(service_level=sl, answer_time=t, max_occupancy=occupancy)
    perf = required_agents(a, aht, targets)
    assert perf.agents == brute_force(a, aht, targets)
    assert targets.met_by(perf)


@settings(max_examples=40)
@given(
    st.floats(0.05, 60.0),
    st.floats(0.05, 0.95),
    st.floats(0.0, 60.0),
    st.floats(20.0, 900.0),
    st.sampled_from(["offered", "answered"]),
    st.one_of(st.none(), st.floats(0.01, 0.3)),
    st.one_of(st.none(), st.floats(0.3, 1.0)),
)
def test_erlang_a_search_equals_brute_force(
    a: float,
    sl: float,
    t: float,
    patience: float,
    basis: str,
    abandon: float | None,
    occupancy: float | None,
) -> None:
    targets = StaffingTargets(
        service_level=sl,
        answer_time=t,
        service_level_basis=basis,  # type: ignore[arg-type]
        max_abandonment=abandon,
        max_occupancy=occupancy,
    )
    perf = required_agents(a, 180.0, targets, patience=patience)
    assert perf.agents == brute_force(a, 180.0, targets, patience)


def test_search_does_not_skip_the_first_stable_count() -> None:
    # A = 10.5: 11 agents is stable and meets a lax target; a search starting at
    # ceil(A) + 1 would answer 12.
    lax = StaffingTargets(service_level=0.01, answer_time=20)
    assert required_agents(10.5, 180, lax).agents == 11
    # A = 10 exactly: 10 agents are unstable, 11 is the first candidate.
    assert required_agents(10.0, 180, lax).agents == 11


def test_exact_rounding_of_head_counts() -> None:
    assert math.ceil(21 / (1 - 0.3)) == 31  # the float pitfall
    assert scheduled_agents(21, 0.3) == 30
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(7, 0.0) == 7
    assert scheduled_agents(7, Fraction(1, 3)) == 11
    # ceil(A / max_occupancy) exactly: 2.1 / 0.7 is 3, but 3.0000000000000004 in floats.
    assert math.ceil(2.1 / 0.7) == 4
    occupancy_only = StaffingTargets(max_occupancy=0.7)
    assert required_agents(2.1, 180, occupancy_only).agents == 3


@given(st.integers(0, 10_000), st.fractions(0, Fraction(99, 100)))
def test_scheduled_agents_is_the_exact_ceiling(agents: int, shrinkage: Fraction) -> None:
    scheduled = scheduled_agents(agents, shrinkage)
    assert scheduled * (1 - shrinkage) >= agents
    assert (scheduled - 1) * (1 - shrinkage) < agents or scheduled == 0


def test_traffic_is_exact_for_decimal_inputs() -> None:
    assert traffic_erlangs(100, 1800, 180) == 10.0
    assert traffic_erlangs(0.1, 1, 3) == 0.3  # 0.1 * 3 is 0.30000000000000004 in floats


@pytest.mark.parametrize(
    "targets",
    [
        StaffingTargets(),
        StaffingTargets(service_level=0.8),
        StaffingTargets(service_level=1.0, answer_time=20),
        StaffingTargets(max_occupancy=0.0),
        StaffingTargets(max_abandonment=0.1),  # Erlang C has no abandonment
    ],
)
def test_bad_targets_are_refused(targets: StaffingTargets) -> None:
    with pytest.raises(InvalidArgumentError):
        required_agents(10.0, 180, targets)


def test_unreachable_target_says_so() -> None:
    with pytest.raises(InvalidArgumentError, match="at most 12 agents"):
        required_agents(10.0, 180, StaffingTargets(asa_seconds=0.001), max_agents=12)


def test_interval_plan() -> None:
    targets = StaffingTargets(service_level=0.8, answer_time=20)
    forecast = [
        IntervalForecast(start="08:00", calls=40, aht_seconds=200),
        IntervalForecast(start="08:30", calls=100, aht_seconds=180),
        IntervalForecast(start="09:00", calls=0, aht_seconds=180),
    ]
    plan = plan_intervals(forecast, interval_seconds=1800, targets=targets, shrinkage=0.3)
    assert [p.start for p in plan] == ["08:00", "08:30", "09:00"]
    for item, p in zip(forecast, plan, strict=True):
        a = traffic_erlangs(item.calls, 1800, item.aht_seconds)
        assert p.traffic_erlangs == a
        if a:
            assert p.agents == required_agents(a, item.aht_seconds, targets).agents
        assert p.scheduled_agents == scheduled_agents(p.agents, 0.3)
    assert plan[2].agents == 0
    assert plan[2].performance.service_level is None


@pytest.mark.parametrize("patience", [None, 60.0], ids=["erlang_c", "erlang_a"])
@pytest.mark.parametrize("agents", [0, 1, 5])
def test_no_traffic_has_no_service_level(agents: int, patience: float | None) -> None:
    # Without contacts the share answered within t is no data: not 100 %, not 0 %.
    perf = evaluate(agents, 0.0, 180.0, 20.0, patience=patience)
    assert perf.service_level is None
    assert perf.service_level_answered is None
    assert perf.occupancy == 0.0
    # A target on the service level is not missed by an interval without contacts.
    assert StaffingTargets(service_level=0.8, answer_time=20).met_by(perf)


@pytest.mark.parametrize("patience", [None, 60.0], ids=["erlang_c", "erlang_a"])
def test_no_traffic_needs_no_agent(patience: float | None) -> None:
    targets = StaffingTargets(service_level=0.8, answer_time=20)
    perf = required_agents(0.0, 180.0, targets, patience=patience)
    assert perf.agents == 0
    assert perf.service_level is None


@settings(max_examples=50)
@given(st.floats(1e-6, 500.0), st.integers(0, 600), st.one_of(st.none(), st.floats(1.0, 900.0)))
def test_traffic_always_has_a_service_level(a: float, agents: int, patience: float | None) -> None:
    perf = evaluate(agents, a, 180.0, 20.0, patience=patience)
    assert perf.service_level is not None
    assert 0.0 <= perf.service_level <= 1.0


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["staffing", *argv, "--json"]) == 0
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    return doc


def test_staffing_command(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--calls", "100", "--interval", "1800", "--aht", "180", "--answer-time", "20"]
    doc = run_json(capsys, *base, "--target-sl", "0.8", "--shrinkage", "0.3")
    perf = required_agents(10.0, 180, StaffingTargets(service_level=0.8, answer_time=20))
    assert doc["traffic_erlangs"] == 10.0
    assert doc["agents"] == perf.agents
    assert doc["agents_with_shrinkage"] == scheduled_agents(perf.agents, 0.3)
    for key in ("wait_probability", "service_level", "asa_seconds", "occupancy"):
        assert doc[key] == getattr(perf, key)
    assert "abandonment" not in doc

    doc = run_json(capsys, *base, "--target-sl", "0.8", "--max-occupancy", "0.7")
    assert doc["occupancy"] <= 0.7  # type: ignore[operator]

    doc = run_json(capsys, *base, "--target-sl", "0.8", "--patience", "300")
    a_perf = required_agents(
        10.0, 180, StaffingTargets(service_level=0.8, answer_time=20), patience=300
    )
    assert doc["agents"] == a_perf.agents
    assert doc["abandonment"] == a_perf.abandonment

    doc = run_json(capsys, *base, "--agents", "10")
    assert doc["agents"] == 10
    assert doc["stable"] is False
    assert doc["asa_seconds"] is None  # infinite: JSON has no infinity


def test_staffing_command_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staffing", "--calls", "100", "--aht", "180", "--agents", "14"]) == 0
    out = capsys.readouterr().out
    assert "agents on the phones    14" in out
    assert "Erlang C" in out


def test_staffing_command_reports_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["staffing", "--calls", "100", "--aht", "0", "--target-sl", "0.8"])
    assert status == 2  # a value an option refuses: the command line is wrong
    assert "aht" in capsys.readouterr().err


@settings(max_examples=40)
@given(st.floats(0.5, 40.0), st.floats(0.5, 0.99), st.floats(10.0, 600.0))
def test_erlang_a_occupancy_target_may_need_fewer_than_a_over_max(
    a: float, occupancy: float, patience: float
) -> None:
    # Callers abandon, so Erlang A carries less than A: the Erlang C bound
    # ceil(A / max_occupancy) must not be used as a starting point.
    targets = StaffingTargets(max_occupancy=occupancy)
    perf = required_agents(a, 180.0, targets, patience=patience)
    assert perf.agents == brute_force(a, 180.0, targets, patience)


def test_the_json_shown_in_the_how_to_is_what_the_command_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = Path(__file__).parents[2] / "docs" / "how-to" / "metrics-staffing.md"
    block = page.read_text(encoding="utf-8").split("```console")[1].split("```")[0]
    command, shown = block.split("{", 1)
    argv = command.replace("\\\n", " ").split()[2:]  # drop "$ callcenter"
    assert argv[0] == "staffing"
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == json.loads("{" + shown)


def test_staffing_command_plans_a_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "start,calls,aht_seconds\n08:00,40,200\n08:30,100,180\n09:00,0,180\n", encoding="utf-8"
    )
    argv = ["staffing", "--forecast", str(forecast), "--target-sl", "0.8", "--shrinkage", "0.3"]
    assert main([*argv, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["intervals"]
    targets = StaffingTargets(service_level=0.8, answer_time=20)
    plan = plan_intervals(
        [
            IntervalForecast(start="08:00", calls=40, aht_seconds=200),
            IntervalForecast(start="08:30", calls=100, aht_seconds=180),
            IntervalForecast(start="09:00", calls=0, aht_seconds=180),
        ],
        interval_seconds=1800,
        targets=targets,
        shrinkage=0.3,
    )
    assert [r["start"] for r in rows] == ["08:00", "08:30", "09:00"]
    assert [r["agents"] for r in rows] == [p.agents for p in plan]
    assert [r["agents_with_shrinkage"] for r in rows] == [p.scheduled_agents for p in plan]
    # An interval without calls has no service level (no data), not 100 %.
    assert rows[2]["service_level"] is None
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "08:30" in table
    (idle,) = [line for line in table.splitlines() if line.startswith("09:00")]
    assert idle.split()[-1] == "-"
    assert "100.0%" not in idle
    forecast.write_text("start,calls\n08:00,many\n", encoding="utf-8")
    assert main(argv) == 1
    assert "rows.0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["staffing", "--calls", "100", "--aht", "180"],  # no target
        ["staffing", "--calls", "100", "--target-sl", "0.8"],  # no AHT
        ["staffing", "--target-sl", "0.8", "--aht", "180"],  # no volume
    ],
)
def test_staffing_command_line_mistakes_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
