"""A simulated day's report adds up: the tree of contacts holds in every row."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.metrics import (
    Category,
    ContactRecord,
    KpiOptions,
    KpiValues,
    Outcome,
    agent_stats,
    build_report,
    compute_kpis,
    ivr_node_report,
)
from callcenter.simulation import load_scenario, simulate
from callcenter.simulation._cli import day_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def check_tree(v: KpiValues, options: KpiOptions) -> None:
    assert v.total == v.ivr_only + v.offered
    assert v.ivr_only == v.self_service + v.ivr_hangup + v.out_of_hours + v.blocked + v.ivr_other
    assert v.offered == v.answered + v.abandoned + v.short_abandoned + v.flowed_out + v.other
    counted = v.offered - v.short_abandoned
    assert v.missed == counted - v.answered
    if counted:
        assert v.answer_rate == pytest.approx(v.answered / counted)
    waited = v.answered + v.abandoned + v.flowed_out
    if waited:
        assert v.service_level == pytest.approx(v.answered_within / waited)


@pytest.mark.parametrize("name", ["tianjin.toml", "tianjin-large.toml", "railway.toml"])
def test_every_row_of_a_simulated_day_adds_up(name: str) -> None:
    result = simulate(load_scenario(EXAMPLES / name))
    options = KpiOptions(answer_time=result.answer_time)
    day = compute_kpis(result.records, result.intervals, options)
    check_tree(day, options)
    assert day.total == len(result.records)
    rows = [
        *result.day_report().rows,
        *result.report().rows,
        *build_report(result.records, result.intervals, group_by=(), timezone=result.timezone).rows,
    ]
    for row in rows:
        check_tree(row.kpis, options)
    # The (all) rows of a period are the sum of its group rows.
    day_rows = result.day_report().rows
    groups = [r for r in day_rows if r.group[0][1] != "(all)"]
    (everything,) = [r for r in day_rows if r.group[0][1] == "(all)"]
    for field in ("total", "offered", "answered", "abandoned", "flowed_out", "other"):
        assert getattr(everything.kpis, field) == sum(getattr(r.kpis, field) for r in groups)
    assert everything.kpis.total == day.total
    # Every answered contact is some agent's call volume.
    stats = agent_stats(result.records, result.intervals, options)
    assert sum(s.handled for s in stats.values()) >= day.answered
    # The printed day starts with the summary, and the queue table has a title.
    text = day_text(result)
    assert text.startswith("Day summary")
    assert f"{day.total:,}" in text.splitlines()[1]


@pytest.mark.parametrize("name", ["tianjin.toml", "railway.toml"])
def test_the_ivr_node_report_accounts_for_every_caller(name: str) -> None:
    result = simulate(load_scenario(EXAMPLES / name))
    day = compute_kpis(result.records)
    nodes = ivr_node_report(result.records)
    through_ivr = [r for r in result.records if r.ivr_path]
    assert sum(n.hang_ups for n in nodes) == len(
        [r for r in through_ivr if r.category is Category.IVR_HANGUP]
    )
    assert sum(n.to_queue for n in nodes) == len([r for r in through_ivr if r.offered])
    assert sum(n.hang_ups + n.to_queue + n.ended_here for n in nodes) == len(through_ivr)
    for n in nodes:
        assert n.went_on >= 0
        assert n.entries >= n.contacts
    if through_ivr:
        assert sum(n.ended_here for n in nodes) <= day.ivr_only


def test_ivr_node_report_by_hand() -> None:
    def record(i: int, outcome: Outcome, path: tuple[str, ...], queued: bool) -> ContactRecord:
        return ContactRecord(
            contact_id=str(i),
            outcome=outcome,
            arrived_at=0,
            queued_at=10 if queued else None,
            answered_at=20 if outcome is Outcome.ANSWERED else None,
            ended_at=30,
            queues=("q",) if queued else (),
            ivr_path=path,
        )

    records = [
        record(1, Outcome.FINISHED_IN_IVR, ("main", "track", "status"), False),
        record(2, Outcome.ABANDONED_IN_IVR, ("main", "main"), False),
        record(3, Outcome.ANSWERED, ("main", "agent"), True),
        record(4, Outcome.ANSWERED, (), True),
    ]
    nodes = {n.node: n for n in ivr_node_report(records)}
    assert list(nodes) == ["main", "agent", "status", "track"]
    main = nodes["main"]
    assert (main.entries, main.contacts, main.hang_ups, main.went_on) == (4, 3, 1, 3)
    assert (nodes["agent"].to_queue, nodes["status"].ended_here) == (1, 1)
