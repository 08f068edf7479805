"""The whole loop on the Tianjin hotline: history, forecast, plan, roster, simulated day."""

from __future__ import annotations

import datetime
from pathlib import Path

import attrs
import pytest

from callcenter.cli import main
from callcenter.errors import InvalidArgumentError
from callcenter.metrics import ContactRecord, StaffingTargets, records_to_csv
from callcenter.simulation import Scenario, load_scenario
from callcenter.wfm import (
    BreakRule,
    History,
    Requirements,
    Roster,
    ShiftTemplate,
    check_day,
    fit_forecast,
    plan_requirements,
    scenario_groups,
    simulate_history,
    solve_roster,
    staff_scenario,
)

ROOT = Path(__file__).resolve().parents[2]
# The 13-seat day: enough calls per half hour for interval service levels to mean something.
TIANJIN = ROOT / "examples" / "scenarios" / "tianjin-large.toml"
DAY = datetime.date(2026, 10, 8)  # a Thursday
TARGETS = StaffingTargets(service_level=0.8, answer_time=20)


@attrs.frozen
class Plan:
    scenario: Scenario
    records: tuple[ContactRecord, ...]
    groups: dict[str, tuple[str, tuple[str, ...]]]
    requirements: Requirements
    roster: Roster


def templates(groups: list[str]) -> list[ShiftTemplate]:
    result = []
    for g in groups:
        result.append(
            ShiftTemplate(
                name=f"{g}-ft",
                group=g,
                starts=[f"{h:02d}:{m:02d}" for h in range(7, 13) for m in (0, 30)],
                hours=9,
                breaks=[BreakRule(minutes=60, earliest=180, latest=300)],
            )
        )
        result.append(
            ShiftTemplate(
                name=f"{g}-pt",
                group=g,
                starts=[f"{h:02d}:00" for h in range(7, 18)],
                hours=4,
                cost=4.5,
                part_time=True,
            )
        )
    return result


@pytest.fixture(scope="module")
def plan() -> Plan:
    scenario = load_scenario(TIANJIN)
    # Two Thursdays of history (the other days closed, so not simulated).
    records = simulate_history(
        scenario,
        start=datetime.date(2026, 9, 14),
        days=14,
        weekly=(0, 0, 0, 1, 0, 0, 0),
        seed=11,
    )
    history = History.from_records(records, timezone=scenario.timezone)
    forecast = fit_forecast(history, trend=False).forecast(DAY)
    groups = scenario_groups(scenario)
    requirements = plan_requirements(
        forecast, targets=TARGETS, groups={g: q for g, (_, q) in groups.items()}
    )
    roster = solve_roster(requirements, templates(list(groups)), max_part_time_share=0.5)
    return Plan(scenario, records, groups, requirements, roster)


def test_the_history_has_the_simulated_days_and_zeros_for_closed_ones(plan: Plan) -> None:
    history = History.from_records(plan.records, timezone="Asia/Shanghai")
    assert history.dates[0] == datetime.date(2026, 9, 17)
    assert history.dates[-1] == datetime.date(2026, 9, 24)
    for date in history.dates[1:-1]:
        assert all(history.day_total(q, date) == 0 for q in history.queues)
    assert all(
        history.day_total("tracking", d) > 100 for d in (history.dates[0], history.dates[-1])
    )


def test_groups_are_read_from_the_scenario_staff(plan: Plan) -> None:
    assert plan.groups["enquiry"] == ("enquiry-1", ("tracking", "general"))
    assert plan.groups["business"] == ("business-1", ("orders", "complaints"))
    assert set(plan.groups) == {"enquiry", "business"}


def test_the_roster_becomes_the_scenario_staff(plan: Plan) -> None:
    agents = {g: a for g, (a, _) in plan.groups.items()}
    staffed = staff_scenario(plan.scenario, plan.roster, agents=agents, date=DAY)
    assert staffed.date == DAY
    assert sum(len(g.agents) for g in staffed.staff) == plan.roster.heads()
    assert [g.shift for g in staffed.staff] == [p.shift() for p in plan.roster.placements]
    original = {a for g in plan.scenario.staff for a in g.agents}
    on_duty = {a for g in staffed.staff for a in g.agents}
    assert not original & on_duty
    template = {a.id: a for a in staffed.routing.agents}
    for agent_id in on_duty:
        group = agent_id.split("-roster-")[0]
        copy = template[agent_id]
        assert copy.queues == template[agents[group]].queues
        assert copy.skills == template[agents[group]].skills
    assert staffed.callers.vip_agent is None
    with pytest.raises(InvalidArgumentError, match=r"agents\.enquiry"):
        staff_scenario(plan.scenario, plan.roster, agents={"business": "business-1"})


def test_the_simulated_day_meets_the_target_where_the_roster_covers_the_plan(plan: Plan) -> None:
    agents = {g: a for g, (a, _) in plan.groups.items()}
    check = check_day(plan.scenario, plan.roster, plan.requirements, agents=agents, seed=5)
    assert plan.roster.shortfall == 0
    busy = [i for i in check.intervals if i.covered and i.offered >= 10]
    assert len(busy) >= 20
    within = [i for i in busy if i.within]
    assert len(within) >= 0.8 * len(busy)
    day_level = check.day_service_level()
    assert day_level is not None
    assert day_level >= check.target - check.tolerance
    assert "day service level" in check.format_table()
    # Half the roster: the same day falls well short of the target.
    half = attrs.evolve(
        plan.roster,
        placements=tuple(
            attrs.evolve(p, heads=p.heads // 2) for p in plan.roster.placements if p.heads >= 2
        ),
    )
    short = check_day(plan.scenario, half, plan.requirements, agents=agents, seed=5)
    short_level = short.day_service_level()
    assert short_level is not None
    assert short_level < day_level - 0.2


def test_check_day_refuses_bad_arguments(plan: Plan) -> None:
    agents = {g: a for g, (a, _) in plan.groups.items()}
    with pytest.raises(InvalidArgumentError, match="tolerance"):
        check_day(plan.scenario, plan.roster, plan.requirements, agents=agents, tolerance=2)
    no_level = attrs.evolve(plan.requirements, targets=StaffingTargets(max_occupancy=0.9))
    with pytest.raises(InvalidArgumentError, match="service level"):
        check_day(plan.scenario, plan.roster, no_level, agents=agents)
    with pytest.raises(InvalidArgumentError, match="weekly"):
        simulate_history(plan.scenario, start=DAY, days=1, weekly=(1, 1, 1, 1, 1, 1, -1))
    with pytest.raises(InvalidArgumentError, match="weekly"):
        simulate_history(plan.scenario, start=DAY, days=1, weekly=(1, 1))
    with pytest.raises(InvalidArgumentError, match="days"):
        simulate_history(plan.scenario, start=DAY, days=0)
    with pytest.raises(InvalidArgumentError, match="start"):
        simulate_history(plan.scenario, start="2026-10-08", days=1)  # type: ignore[arg-type]


def test_the_plan_command_runs_the_loop(
    plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "history.csv"
    records.write_text(records_to_csv(plan.records), encoding="utf-8")
    status = main(
        [
            "plan",
            str(records),
            "--date",
            "2026-10-08",
            "--target",
            "80/20",
            "--scenario",
            str(TIANJIN),
            "--seed",
            "3",
            "--plot",
            str(tmp_path / "day.png"),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert (tmp_path / "day.png").read_bytes().startswith(b"\x89PNG")
    assert "backtest skipped" in out  # two weeks of history: no full week before a held-out one
    assert "forecast for 2026-10-08 (thursday)" in out
    assert "milp: optimal" in out
    assert "day service level" in out
    status = main(["plan", str(records), "--date", "2026-10-08", "--target", "80%"])
    assert status == 2  # a refused option value
    assert "PERCENT/SECONDS" in capsys.readouterr().err
    status = main(["plan", str(records), "--date", "2026-10-08", "--backtest", "0"])
    out = capsys.readouterr().out
    assert status == 0
    assert "the day is not simulated" in out
