"""Scenarios that name a hotline document: the hotline gives the routing and the lines."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from callcenter._loading import read_document
from callcenter.errors import DefinitionError, Problem
from callcenter.hotline import load_hotline
from callcenter.simulation import (
    LineModel,
    PoissonArrivals,
    load_scenario,
    scenario_from_dict,
    simulate,
)

EX = Path(__file__).resolve().parents[2] / "examples"
SCENARIOS = EX / "scenarios"
TIANJIN = SCENARIOS / "tianjin.toml"


def _problems(data: dict[str, Any]) -> dict[str, Problem]:
    with pytest.raises(DefinitionError) as caught:
        scenario_from_dict(data, base=SCENARIOS)
    return {p.path: p for p in caught.value.problems}


def _tianjin() -> dict[str, Any]:
    return copy.deepcopy(read_document(TIANJIN))


def test_the_tianjin_scenario_runs_the_tianjin_hotline() -> None:
    scenario = load_scenario(TIANJIN)
    hotline = load_hotline(EX / "hotline" / "tianjin.toml")
    assert scenario.hotline == hotline
    assert scenario.routing == hotline.routing
    line = scenario.lines["hotline"]
    assert line.ivr == "tianjin-400"
    assert line.queue is None
    assert line.dialled == "4008001234"
    assert set(scenario.flows) == {"tianjin-400"}


def test_a_hotline_gives_the_same_day_as_its_parts_written_out() -> None:
    """The scenario with the hotline, and the same scenario with the hotline's routing
    and flow written into it the way scenarios without a hotline do, give the same
    records."""
    through_hotline = load_scenario(TIANJIN)
    written_out = _tianjin()
    del written_out["hotline"]
    written_out["routing"] = read_document(EX / "hotline" / "tianjin.toml")["routing"]
    written_out["lines"]["hotline"]["ivr"] = "../ivr/tianjin-400.toml"
    written_out["lines"]["hotline"]["dialled"] = "4008001234"
    by_hand = scenario_from_dict(written_out, base=SCENARIOS)
    assert by_hand.hotline is None
    first, second = simulate(through_hotline), simulate(by_hand)
    assert len(first.records) > 400
    assert first.records == second.records
    assert first.tickets == second.tickets


def test_routing_and_hotline_together_are_refused() -> None:
    data = _tianjin()
    data["routing"] = {"queues": [{"id": "tracking"}]}
    assert "leave routing out" in _problems(data)["routing"].message


def test_a_line_the_hotline_lacks() -> None:
    data = _tianjin()
    data["lines"]["hotlien"] = data["lines"].pop("hotline")
    message = _problems(data)["lines.hotlien"].message
    assert "the hotline has no line 'hotlien' (did you mean 'hotline'?)" in message


def test_a_hotlines_line_says_what_answers_it() -> None:
    data = _tianjin()
    data["lines"]["hotline"]["ivr"] = "../ivr/tianjin-400.toml"
    data["lines"]["hotline"]["dialled"] = "4008009999"
    found = _problems(data)
    assert "leave ivr out" in found["lines.hotline.ivr"].message
    assert "'4008001234'" in found["lines.hotline.dialled"].message


def test_neither_routing_nor_hotline() -> None:
    data = _tianjin()
    del data["hotline"]
    data["lines"]["hotline"]["ivr"] = "../ivr/tianjin-400.toml"
    assert "give the routing definition, or a hotline" in _problems(data)["routing"].message


def test_the_hotlines_problems_are_at_their_path_under_hotline(tmp_path: Path) -> None:
    hotline = read_document(EX / "hotline" / "tianjin.toml")
    hotline["lines"]["hotline"]["flow"] = "tianjin-4OO"
    hotline["flows"]["tianjin-400"] = str(EX / "ivr" / "tianjin-400.toml")
    (tmp_path / "hotline.json").write_text(json.dumps(hotline), encoding="utf-8")
    data = _tianjin()
    data["hotline"] = str(tmp_path / "hotline.json")
    data["days"] = 0  # the scenario's own problems come in the same report
    found = _problems(data)
    assert "days" in found
    problem = found["hotline.lines.hotline.flow"]
    assert "unknown flow 'tianjin-4OO' (did you mean 'tianjin-400'?)" in problem.message
    assert problem.message.endswith(f"(in {tmp_path / 'hotline.json'})")


@pytest.mark.parametrize("value", ["missing.toml", 7, ["../hotline/tianjin.toml"]])
def test_a_hotline_that_cannot_be_read(value: object) -> None:
    data = _tianjin()
    data["hotline"] = value
    assert "hotline" in _problems(data)


_ROUTING = """
[routing]
queues = [{id = "general"}, {id = "special"}]
agents = [{id = "a0", queues = [{queue = "general"}, {queue = "special"}]}]
"""

_DAY = """
[queues.general]
handle_time = { kind = "exponential", mean = 60 }
[queues.special]
handle_time = { kind = "exponential", mean = 60 }
[[staff]]
agents = ["a0"]
"""


def test_a_call_starts_in_the_language_of_its_hotline_line(tmp_path: Path) -> None:
    # The flow starts in Chinese; the hotline's lines say English, and a routing
    # rule sends English callers to their own queue.
    (tmp_path / "flow.toml").write_text(
        'name = "straight"\nstart = "agent"\nlanguages = ["zh", "en"]\n\n'
        '[nodes.agent]\nkind = "enqueue"\nqueue = "general"\n',
        encoding="utf-8",
    )
    (tmp_path / "hotline.toml").write_text(
        'name = "h"\n[flows]\nstraight = "flow.toml"\n'
        '[lines.main]\nnumber = "100"\nflow = "straight"\nlanguage = "en"\n'
        '[lines.direct]\nnumber = "200"\nqueue = "general"\nlanguage = "en"\n'
        + _ROUTING
        + '[[routing.rules.rules]]\nwhen = {language = "en"}\nqueue = "special"\n',
        encoding="utf-8",
    )
    (tmp_path / "day.toml").write_text(
        'name = "d"\ndate = 2026-03-02\nhotline = "hotline.toml"\n'
        '[lines.main]\narrivals = { kind = "poisson", per_interval = [20] }\n'
        '[lines.direct]\narrivals = { kind = "poisson", per_interval = [20] }\n' + _DAY,
        encoding="utf-8",
    )
    result = simulate(load_scenario(tmp_path / "day.toml"), seed=1)
    dialled = {record.dialled_number for record in result.records}
    assert dialled == {"100", "200"}
    assert {record.queues for record in result.records} == {("special",)}


def test_a_closed_hotline_line_hands_its_calls_to_its_closed_line(tmp_path: Path) -> None:
    # A branch line open 08:00-18:00 whose calls go to the central line at night
    # (seed 002's offices); the central line is in no scenario line.
    (tmp_path / "hotline.toml").write_text(
        'name = "h"\n[calendars]\n'
        'day = { timezone = "UTC", weekly = { mon-sun = ["08:00-18:00"] } }\n'
        '[lines.central]\nnumber = "100"\nqueue = "special"\n'
        '[lines.branch]\nnumber = "200"\nqueue = "general"\ncalendar = "day"\n'
        'closed_line = "central"\n' + _ROUTING,
        encoding="utf-8",
    )
    (tmp_path / "day.toml").write_text(
        'name = "d"\ndate = 2026-03-02\nhotline = "hotline.toml"\n'
        '[lines.branch]\narrivals = { kind = "poisson", interval = 3600, '
        "per_interval = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3] }\n" + _DAY,
        encoding="utf-8",
    )
    scenario = load_scenario(tmp_path / "day.toml")
    result = simulate(scenario, seed=1)
    assert result.records
    for record in result.records:
        hour = (record.arrived_at - scenario.day_start) // 3600
        assert record.dialled_number == "200"
        assert record.queues == (("general",) if 8 <= hour < 18 else ("special",))


def test_a_line_added_in_python_that_the_hotline_lacks_is_refused_before_the_run() -> None:
    scenario = load_scenario(TIANJIN)
    extra = LineModel(arrivals=PoissonArrivals(per_interval=(5.0,)), queue="orders")
    with pytest.raises(DefinitionError) as caught:
        simulate(attrs.evolve(scenario, lines={**scenario.lines, "other": extra}))
    assert [p.path for p in caught.value.problems] == ["lines.other"]
