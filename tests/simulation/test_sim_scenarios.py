"""Scenarios driven through the real IVR, ACD, ticket desk and record builder."""

from __future__ import annotations

import datetime
import io
import json
import math
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from callcenter._loading import read_document
from callcenter.cli import main
from callcenter.errors import DefinitionError
from callcenter.metrics import ContactRecord, Outcome, evaluate, load_records
from callcenter.simulation import (
    Scenario,
    StaffGroup,
    confidence_interval,
    load_scenario,
    run_study,
    scenario_figures,
    scenario_from_dict,
    simulate,
)

EXAMPLES = Path(__file__).parents[2] / "examples" / "scenarios"


@pytest.fixture(scope="module")
def tianjin() -> Scenario:
    return load_scenario(EXAMPLES / "tianjin.toml")


def test_same_scenario_and_seed_give_identical_records(tianjin: Scenario) -> None:
    first = simulate(tianjin, seed=11)
    second = simulate(tianjin, seed=11)
    assert first.records == second.records
    assert first.intervals == second.intervals
    assert first.tickets == second.tickets
    assert [repr(r) for r in first.records] == [repr(r) for r in second.records]
    other = simulate(tianjin, seed=12)
    assert other.records != first.records


def test_tianjin_day_uses_every_part(tianjin: Scenario) -> None:
    result = simulate(tianjin)
    records = result.records
    assert result.unfinished == 0
    ids = Counter(r.contact_id for r in records)
    assert max(ids.values()) == 1
    outcomes = Counter(r.outcome for r in records)
    for outcome in (
        Outcome.ANSWERED,
        Outcome.ABANDONED_IN_QUEUE,
        Outcome.FINISHED_IN_IVR,
        Outcome.ABANDONED_IN_IVR,
        Outcome.OUT_OF_HOURS,  # the voicemails left before 08:00
    ):
        assert outcomes[outcome] > 0, outcome
    # About 40% of the waybill enquiries end in self-service.
    waybill = [r for r in records if "track" in r.ivr_path]
    contained = sum(r.outcome is Outcome.FINISHED_IN_IVR for r in waybill) / len(waybill)
    assert 0.3 < contained < 0.55
    # VIP callers reach their dedicated agent; mobile seats answer orders.
    agents = Counter(r.agent for r in records if r.agent is not None)
    assert agents["enquiry-1"] > 0
    assert agents["sales-mobile-1"] + agents["sales-mobile-2"] > 0
    # Agents only work on their shifts: nobody is logged in before 08:00 local.
    opening = datetime.datetime(2026, 10, 8, 8, tzinfo=datetime.UTC) - datetime.timedelta(hours=8)
    assert min(i.start for i in result.intervals) >= opening.timestamp()
    assert result.tickets.opened > 0
    assert result.tickets.closed <= result.tickets.opened
    for r in records:
        stamps = [
            s
            for s in (r.arrived_at, r.ivr_exited_at, r.queued_at, r.answered_at, r.ended_at)
            if s is not None
        ]
        assert stamps == sorted(stamps)


def test_railway_night_shift_answers_the_offices_lines() -> None:
    scenario = load_scenario(EXAMPLES / "railway.toml")
    result = simulate(scenario)
    start = scenario.day_start
    night = [
        r
        for r in result.records
        if r.answered_at is not None
        and r.queue is not None
        and r.queue.startswith("office-")
        and (r.answered_at - start) % 86400 < 8 * 3600
    ]
    assert night
    assert all(r.agent is not None and r.agent.startswith("night-") for r in night)
    day = [
        r
        for r in result.records
        if r.answered_at is not None
        and r.queue == "office-beijing"
        and 9 * 3600 < r.answered_at - start < 17 * 3600
    ]
    assert day
    assert all(r.agent is not None and r.agent.startswith("beijing-") for r in day)


def _queue_scenario(
    *,
    agents: int,
    per_hour: float,
    mean_service: float,
    patience: float | None,
    seed: int = 1,
    days: int = 1,
) -> Scenario:
    data: dict[str, Any] = {
        "name": "mmc",
        "date": datetime.date(2026, 1, 5),
        "seed": seed,
        "days": days,
        "lines": {
            "calls": {
                "queue": "q",
                "arrivals": {
                    "kind": "poisson",
                    "interval": 3600,
                    "per_interval": [per_hour] * 24 * days,
                },
            }
        },
        "queues": {
            "q": {
                "handle_time": {"kind": "exponential", "mean": mean_service},
                "patience": (
                    {"kind": "none"}
                    if patience is None
                    else {"kind": "exponential", "mean": patience}
                ),
            }
        },
        "staff": [{"agents": [f"a{i}" for i in range(agents)], "answer_after": 0}],
        "routing": {
            "queues": [{"id": "q"}],
            "agents": [{"id": f"a{i}", "queues": [{"queue": "q"}]} for i in range(agents)],
        },
    }
    return scenario_from_dict(data)


def _wait(record: ContactRecord) -> float:
    wait = record.wait_seconds
    assert wait is not None
    return wait


def _figures(scenario: Scenario, seed: int, warmup: float = 3600.0) -> dict[str, float]:
    result = simulate(scenario, seed=seed)
    start = scenario.day_start + warmup
    records = [r for r in result.records if r.arrived_at >= start]
    waited = [r for r in records if r.queued_at is not None]
    answered = [r for r in waited if r.answered_at is not None]
    assert answered
    return {
        "wait_probability": sum(r.first_offered_at != r.queued_at for r in waited) / len(waited),
        "asa": sum(_wait(r) for r in answered) / len(answered),
        "abandonment": sum(r.abandoned for r in waited) / len(waited),
        "service_level": sum(_wait(r) <= 20.0 for r in answered) / len(waited),
    }


def test_mmc_through_the_acd_agrees_with_erlang_c() -> None:
    # M/M/8: 100 calls an hour, 240 s mean service (6.67 Erlangs, 83% load); each
    # replication is three days, about 7,200 callers.
    scenario = _queue_scenario(agents=8, per_hour=100, mean_service=240, patience=None, days=3)
    runs = [_figures(scenario, seed) for seed in range(12)]
    exact = evaluate(8, 100 * 240 / 3600, 240, 20)
    wait = confidence_interval([r["wait_probability"] for r in runs], 0.99)
    asa = confidence_interval([r["asa"] for r in runs], 0.99)
    assert wait.low <= exact.wait_probability <= wait.high
    assert asa.low <= exact.asa_seconds <= asa.high
    # The intervals are narrow enough to reject a wrong model: fixed service times
    # (M/D/8) would halve the mean wait, far outside this interval.
    assert wait.half_width < 0.04
    assert asa.half_width < 0.25 * exact.asa_seconds


def test_mmc_plus_m_through_the_acd_agrees_with_erlang_a() -> None:
    # M/M/4+M: 60 calls an hour, 240 s service (4 Erlangs on 4 agents), 120 s patience.
    scenario = _queue_scenario(agents=4, per_hour=60, mean_service=240, patience=120)
    runs = [_figures(scenario, seed) for seed in range(12)]
    exact = evaluate(4, 4.0, 240, 20, patience=120)
    assert exact.service_level is not None
    abandonment = confidence_interval([r["abandonment"] for r in runs], 0.99)
    level = confidence_interval([r["service_level"] for r in runs], 0.99)
    assert abandonment.low <= exact.abandonment <= abandonment.high
    assert level.low <= exact.service_level <= level.high
    assert abandonment.half_width < 0.04
    assert level.half_width < 0.06


def test_what_if_study_over_an_executor() -> None:
    seven = _queue_scenario(agents=7, per_hour=100, mean_service=240, patience=180)
    nine = _queue_scenario(agents=9, per_hour=100, mean_service=240, patience=180)
    slow = seven.with_staff((StaffGroup(agents=tuple(f"a{i}" for i in range(7))),))
    assert slow.staff[0].answer_after == 3.0
    with ThreadPoolExecutor(max_workers=2) as pool:
        study = run_study(
            scenario_figures,
            {"7 agents": seven, "9 agents": nine, "7 agents, 3 s to pick up": slow},
            replications=3,
            executor=pool,
            common_random_numbers=True,
        )
    assert len(study["9 agents"].runs) == 3
    more = study.compare("7 agents", "9 agents", "service_level")  # 9 minus 7
    assert more.low > 0
    slower = study.compare("7 agents", "7 agents, 3 s to pick up", "asa_seconds")
    assert slower.low > 0


def test_scenario_problems_are_all_reported_with_paths() -> None:
    data: dict[str, Any] = {
        "name": "bad",
        "date": datetime.date(2026, 1, 5),
        "timezone": "Mars/Olympus",
        "lines": {"calls": {"queue": "nope", "arrivals": {"kind": "poisson", "per_interval": [1]}}},
        "queues": {"q": {"handle_time": {"kind": "exponential", "mean": -1}}},
        "staff": [{"agents": ["ghost"], "ring_no_answer": 2}],
        "routing": {"queues": [{"id": "q"}], "agents": [{"id": "a", "queues": [{"queue": "q"}]}]},
    }
    with pytest.raises(DefinitionError) as caught:
        scenario_from_dict(data)
    paths = {p.path for p in caught.value.problems}
    assert any(p.startswith("queues.q.handle_time") for p in paths), paths
    assert any(p.startswith("staff.0") for p in paths), paths
    data["queues"]["q"]["handle_time"]["mean"] = 10
    data["staff"][0]["ring_no_answer"] = 0.5
    with pytest.raises(DefinitionError) as caught:
        scenario_from_dict(data)
    paths = {p.path for p in caught.value.problems}
    assert {"timezone", "lines.calls.queue", "staff.0.agents"} <= paths


def test_simulate_command_writes_records_and_report(tmp_path: Path) -> None:
    records = tmp_path / "records.json"
    report = tmp_path / "report.csv"
    status = main(
        [
            "simulate",
            str(EXAMPLES / "railway.toml"),
            "--seed",
            "3",
            "--records-out",
            str(records),
            "--report-out",
            str(report),
        ]
    )
    assert status == 0
    loaded = load_records(records)
    expected = simulate(load_scenario(EXAMPLES / "railway.toml"), seed=3)
    assert len(loaded.records) == len(expected.records)
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("period_start")
    assert len(lines) > 24
    assert json.loads(records.read_text(encoding="utf-8"))["records"]


def test_simulate_command_refuses_a_bad_output_name(tmp_path: Path) -> None:
    status = main(["simulate", str(EXAMPLES / "railway.toml"), "--records-out", "x.txt"])
    assert status == 2  # a value an option refuses: the command line is wrong


def test_progress_bar_draws_on_its_stream_and_ends_the_line() -> None:
    from callcenter.simulation._cli import _Progress

    stream = io.StringIO()
    bar = _Progress(stream)
    bar(0.5)
    bar(0.5)  # unchanged: nothing redrawn
    bar(1.0)
    text = stream.getvalue()
    assert text.count("\r") == 2
    assert "50%" in text
    assert text.endswith("100%\n")


def test_plot_of_the_day_is_a_png(tmp_path: Path) -> None:
    picture = tmp_path / "day.png"
    status = main(
        ["simulate", str(EXAMPLES / "railway.toml"), "--seed", "2", "--plot", str(picture)]
    )
    assert status == 0
    data = picture.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000  # a drawn figure, not an empty canvas


def test_plot_without_matplotlib_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from callcenter.errors import InvalidArgumentError
    from callcenter.simulation._plot import check_plotting

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(InvalidArgumentError, match=r"callcenter\[plot\]"):
        check_plotting()


def test_scenario_numbers_are_checked_at_load_with_full_paths_all_at_once() -> None:
    examples = EXAMPLES
    data = read_document(examples / "tianjin.toml")
    data.update(drain_hours=-1, days=1e6, seed=-3, answer_time=math.inf)
    data["callers"] = {**data.get("callers", {}), "vip_share": 1.5, "think_time": -2}
    with pytest.raises(DefinitionError) as error:
        scenario_from_dict(data, base=examples)
    paths = {p.path for p in error.value.problems}
    assert {"drain_hours", "days", "seed", "answer_time"} <= paths
    assert {"callers.vip_share", "callers.think_time"} <= paths
    days = next(p for p in error.value.problems if p.path == "days")
    assert "<= 366" in days.message


def test_a_negative_drain_is_refused_at_load_not_at_run_time() -> None:
    examples = EXAMPLES
    data = read_document(examples / "railway.toml")
    data["drain_hours"] = -1
    with pytest.raises(DefinitionError, match="drain_hours: expected a number >= 0"):
        scenario_from_dict(data, base=examples)
