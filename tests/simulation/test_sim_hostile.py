"""Absurd and hostile scenarios are refused up front, each problem at its path.

A scenario built or changed in Python is checked by ``simulate`` as a loaded one is
by ``scenario_from_dict``: a bad one is refused with a typed error before anything
runs, never with a ``KeyError`` half-way; a run that would take hours is refused
before it starts.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from callcenter.cli import main
from callcenter.errors import DefinitionError, InvalidArgumentError
from callcenter.simulation import (
    MAX_AGENT_DAYS,
    MAX_CALLS,
    CallerModel,
    LineModel,
    PoissonArrivals,
    QueueModel,
    ReplayedArrivals,
    Scenario,
    Shift,
    StaffGroup,
    TicketModel,
    load_scenario,
    scenario_figures,
    scenario_from_dict,
    simulate,
)


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "hostile",
        "date": datetime.date(2026, 3, 2),
        "lines": {"main": {"queue": "q", "arrivals": {"kind": "poisson", "per_interval": [20]}}},
        "queues": {"q": {"handle_time": {"kind": "exponential", "mean": 60}}},
        "staff": [{"agents": ["a0"]}],
        "routing": {"queues": [{"id": "q"}], "agents": [{"id": "a0", "queues": [{"queue": "q"}]}]},
    }
    data.update(changes)
    return data


def _scenario(**changes: Any) -> Scenario:
    return scenario_from_dict(_data(**changes))


def _paths(error: pytest.ExceptionInfo[DefinitionError]) -> dict[str, str]:
    return {p.path: p.message for p in error.value.problems}


def _poisson(volume: float, **more: Any) -> dict[str, Any]:
    return {
        "main": {"queue": "q", "arrivals": {"kind": "poisson", "per_interval": [volume], **more}}
    }


def test_simulate_refuses_what_is_not_a_scenario() -> None:
    with pytest.raises(InvalidArgumentError, match="scenario: expected a Scenario"):
        simulate({"name": "x"})  # type: ignore[arg-type]


@pytest.mark.parametrize("volume", [1e7, 1e12, 1e300])
def test_a_run_that_expects_too_many_calls_is_refused_when_it_loads(volume: float) -> None:
    with pytest.raises(DefinitionError) as caught:
        _scenario(lines=_poisson(volume))
    message = _paths(caught)["lines"]
    assert f"{MAX_CALLS:,}" in message
    assert "main" in message


def test_the_limit_counts_only_the_calls_within_the_run() -> None:
    # A huge volume in an interval that begins after the run's last day is never
    # drawn: the scenario is fine.
    late = _poisson(1e12, start=3 * 86400.0)
    assert simulate(_scenario(lines=late, days=2)).records == ()
    with pytest.raises(DefinitionError):
        _scenario(lines=late, days=4)


def test_a_scenario_changed_in_python_that_expects_too_many_calls_is_refused_before_it_runs() -> (
    None
):
    scenario = _scenario()
    line = LineModel(arrivals=PoissonArrivals(per_interval=(MAX_CALLS * 2.0,)), queue="q")
    with pytest.raises(DefinitionError) as caught:
        simulate(attrs.evolve(scenario, lines={"main": line}))
    assert set(_paths(caught)) == {"lines"}
    replayed = LineModel(arrivals=ReplayedArrivals(at=(1.0,) * (MAX_CALLS + 1)), queue="q")
    with pytest.raises(DefinitionError):
        simulate(attrs.evolve(scenario, lines={"main": replayed}))


def test_arrivals_before_midnight_of_the_date_are_refused_at_their_path() -> None:
    with pytest.raises(DefinitionError) as caught:
        _scenario(lines=_poisson(5, start=-3600.0, interval=3600.0))
    assert set(_paths(caught)) == {"lines.main.arrivals.start"}
    replay = {"main": {"queue": "q", "arrivals": {"kind": "replay", "at": [5.0, -1.0]}}}
    with pytest.raises(DefinitionError) as caught:
        _scenario(lines=replay)
    # The replay is also out of order: both problems are reported.
    assert "lines.main.arrivals.at.1" in _paths(caught)
    # An interval before midnight with no calls in it is harmless.
    quiet = {"kind": "poisson", "per_interval": [0, 5], "start": -3600.0, "interval": 3600.0}
    assert _scenario(lines={"main": {"queue": "q", "arrivals": quiet}}).name == "hostile"


def test_a_scenario_changed_in_python_reports_every_problem_at_its_path() -> None:
    scenario = _scenario()
    broken = attrs.evolve(
        scenario,
        timezone="Mars/Olympus",
        days=float("nan"),
        drain_hours=1e9,
        answer_time=-1.0,
        queues={"q": QueueModel(handle_time="slow")},  # type: ignore[arg-type]
        staff=(StaffGroup(agents=("a0",)), StaffGroup(agents=("zz", "a0"))),
        callers=CallerModel(vip_share=0.5, vip_agent="nobody"),
        tickets=(TicketModel(queue="nope", share=0.5, workflow="complain"),),
        lines={
            "main": LineModel(arrivals=PoissonArrivals(per_interval=(5,)), queue="elsewhere"),
            "menu": LineModel(arrivals=PoissonArrivals(per_interval=(5,)), ivr="missing.toml"),
            "odd": LineModel(arrivals="many", queue="q"),  # type: ignore[arg-type]
        },
    )
    with pytest.raises(DefinitionError) as caught:
        simulate(broken)
    assert set(_paths(caught)) == {
        "timezone",
        "days",
        "drain_hours",
        "answer_time",
        "queues.q.handle_time",
        "staff.1.agents",
        "callers.vip_agent",
        "tickets.0.queue",
        "tickets.0.workflow",
        "lines.main.queue",
        "lines.menu.ivr",
        "lines.odd.arrivals",
    }


def test_a_queue_without_a_model_is_refused_instead_of_failing_mid_run() -> None:
    scenario = _scenario()
    with pytest.raises(DefinitionError) as caught:
        simulate(attrs.evolve(scenario, queues={}))
    assert set(_paths(caught)) == {"queues.q"}
    with pytest.raises(DefinitionError) as caught:
        simulate(scenario.with_staff((StaffGroup(agents=("ghost",)),)))
    assert set(_paths(caught)) == {"staff.0.agents"}


@pytest.mark.parametrize(
    ("changes", "path", "expected"),
    [
        ({"lines": 5}, "lines", "expected a table, got int 5"),
        ({"queues": []}, "queues", "expected a table, got list []"),
        ({"queues": {"q": "x"}}, "queues.q", "expected a table, got str 'x'"),
        ({"staff": "x"}, "staff", "expected a list, got str 'x'"),
        ({"staff": [5]}, "staff.0", "expected a table, got int 5"),
        ({"staff": [{"agents": "a0"}]}, "staff.0.agents", "expected a list, got str 'a0'"),
        ({"staff": [{"agents": ["a0"], "shift": 5}]}, "staff.0.shift", "expected a table"),
        ({"callers": 3}, "callers", "expected a table, got int 3"),
        ({"callers": {"menus": 5}}, "callers.menus", "expected a table, got int 5"),
        ({"callers": {"lookup_values": [1]}}, "callers.lookup_values", "expected a table"),
        ({"tickets": {"a": 1}}, "tickets", "expected a list, got dict"),
        ({"routing": 5}, "routing", "expected a table, got int 5"),
    ],
)
def test_a_value_of_the_wrong_shape_is_named_at_its_path(
    changes: dict[str, Any], path: str, expected: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        _scenario(**changes)
    problems = _paths(caught)
    assert list(problems) == [path]
    assert expected in problems[path]


def test_every_wrong_shape_is_reported_with_the_other_problems() -> None:
    with pytest.raises(DefinitionError) as caught:
        _scenario(name=3, seed="a", lines=5, staff="x", callers={"menus": 5})
    assert {"name", "seed", "lines", "staff", "callers.menus"} <= set(_paths(caught))
    assert not any("AttributeError" in m for m in _paths(caught).values())


def test_a_staff_group_built_in_python_with_text_for_agents_is_refused() -> None:
    scenario = _scenario()
    with pytest.raises(DefinitionError) as caught:
        simulate(scenario.with_staff((StaffGroup(agents="a0"),)))  # type: ignore[arg-type]
    assert set(_paths(caught)) == {"staff.0.agents"}


def test_the_figures_of_a_run_of_several_days_count_every_day() -> None:
    # The same number of calls each day: two days offer about twice one day's.
    every_day = {"kind": "poisson", "interval": 3600.0, "per_interval": [10.0] * 48}
    lines = {"main": {"queue": "q", "arrivals": every_day}}
    two_days = _scenario(lines=lines, days=2)
    figures = scenario_figures(two_days, 4)
    result = simulate(two_days, seed=4)
    offered = sum(1 for record in result.records if record.queues)
    assert figures["offered"] == offered
    second_day = [r for r in result.records if r.arrived_at >= two_days.day_start + 86400]
    assert second_day


def test_the_command_sums_up_every_day_of_a_run_of_several_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "two-days.json"
    every_day = {"kind": "poisson", "interval": 3600.0, "per_interval": [10.0] * 48}
    data = _data(lines={"main": {"queue": "q", "arrivals": every_day}}, days=2)
    data["date"] = "2026-03-02"
    scenario.write_text(json.dumps(data), encoding="utf-8")
    assert main(["simulate", str(scenario), "--seed", "4"]) == 0
    out = capsys.readouterr().out
    total = len(simulate(load_scenario(scenario), seed=4).records)
    assert "Summary of the run, 2026-03-02 to 2026-03-03" in out
    assert re.search(rf"total calls \(every call that reached the hotline\) +{total}\n", out)


@pytest.mark.parametrize(
    "arguments",
    [
        ["simulate", "missing.toml"],
        ["simulate", "{scenario}", "--seed", "abc"],
        ["simulate", "{scenario}", "--records-out", "records.txt"],
        ["simulate", "{big}"],
        ["simulate", "{bad}"],
    ],
)
def test_the_command_refuses_bad_input_with_one_message_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str]
) -> None:
    scenario = tmp_path / "day.json"
    data = _data()
    data["date"] = "2026-03-02"
    scenario.write_text(json.dumps(data), encoding="utf-8")
    big = tmp_path / "big.json"
    big.write_text(json.dumps({**data, "lines": _poisson(1e12)}), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "staff": "a0"}), encoding="utf-8")
    paths = {"scenario": str(scenario), "big": str(big), "bad": str(bad)}
    with contextlib.suppress(SystemExit):
        status = main([a.format(**paths) for a in arguments])
        assert status in (1, 2)
    err = capsys.readouterr().err
    assert err.strip()
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "date", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(9999, 12, 30)]
)
def test_a_run_outside_the_engines_calendar_is_refused_at_its_date(date: datetime.date) -> None:
    with pytest.raises(DefinitionError) as caught:
        _scenario(date=date)
    assert set(_paths(caught)) == {"date"}
    with pytest.raises(DefinitionError) as caught:
        simulate(attrs.evolve(_scenario(), date=date))
    assert set(_paths(caught)) == {"date"}


def test_a_base_that_is_not_a_directory_name_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="base"):
        scenario_from_dict(_data(), base=5)  # type: ignore[arg-type]


def test_a_run_that_plans_too_many_agent_days_is_refused_before_it_runs() -> None:
    agents = [f"a{i}" for i in range(MAX_AGENT_DAYS // 100 + 1)]
    routing = {
        "queues": [{"id": "q"}],
        "agents": [{"id": a, "queues": [{"queue": "q"}]} for a in agents],
    }
    with pytest.raises(DefinitionError) as caught:
        _scenario(routing=routing, staff=[{"agents": agents}], days=100)
    assert f"{MAX_AGENT_DAYS:,}" in _paths(caught)["staff"]
    fine = _scenario(routing=routing, staff=[{"agents": agents[:10]}], days=100)
    with pytest.raises(DefinitionError) as caught:
        simulate(fine.with_staff((StaffGroup(agents=tuple(agents)),)))
    assert set(_paths(caught)) == {"staff"}


def test_a_progress_that_is_not_a_function_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="progress"):
        simulate(_scenario(), progress=5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("model", "fields", "path"),
    [
        (PoissonArrivals, {"per_interval": 5}, "per_interval"),
        (PoissonArrivals, {"per_interval": "abc"}, "per_interval"),
        (ReplayedArrivals, {"at": None}, "at"),
        (Shift, {"hours": 5}, "hours"),
        (Shift, {"hours": "08:00-17:00", "breaks": "12:00-13:00"}, "breaks"),
        (Shift, {"hours": "08:00-17:00", "breaks": [5]}, "breaks.0"),
    ],
)
def test_a_model_built_in_python_with_values_of_the_wrong_shape_is_refused(
    model: Any, fields: dict[str, Any], path: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        model(**fields)
    assert set(_paths(caught)) == {path}


_NOT_A_LIST_LINE = {"queue": "q", "arrivals": {"kind": "poisson", "per_interval": 5}}
_NOT_A_LIST_SHIFT = {"hours": "08:00-17:00", "breaks": "12:00-13:00"}


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"lines": {"main": _NOT_A_LIST_LINE}}, "lines.main.arrivals.per_interval"),
        ({"staff": [{"agents": ["a0"], "shift": _NOT_A_LIST_SHIFT}]}, "staff.0.shift.breaks"),
    ],
)
def test_a_document_value_that_is_not_a_list_is_named_at_its_path(
    changes: dict[str, Any], path: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        _scenario(**changes)
    assert list(_paths(caught)) == [path]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("routing", "hotline.toml"),
        ("staff", None),
        ("tickets", None),
        ("hotline", "hotline.toml"),
        ("date", "2026-03-02"),
        ("name", 5),
        ("flows", None),
    ],
)
def test_a_scenario_field_of_the_wrong_type_is_refused_by_simulate(field: str, value: Any) -> None:
    with pytest.raises(DefinitionError) as caught:
        simulate(attrs.evolve(_scenario(), **{field: value}))
    assert set(_paths(caught)) == {field}
