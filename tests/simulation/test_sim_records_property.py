"""Every record of a random scenario tells the truth about its call, and the KPIs agree.

Random small scenarios (queues, agents with or without shifts, patience, ring-outs,
maximum waits, a VIP rule) are simulated; each record's times are in order, its
outcome agrees with its times, queues and agents, its number is a line's, and the
day's KPIs count what the records say.
"""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.metrics import KpiOptions, Outcome, compute_kpis
from callcenter.simulation import scenario_figures, scenario_from_dict, simulate

_DURATIONS = st.one_of(
    st.builds(lambda m: {"kind": "exponential", "mean": m}, st.floats(1, 300)),
    st.builds(lambda v: {"kind": "deterministic", "value": v}, st.sampled_from([0, 1, 60, 500])),
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    queues = [f"q{i}" for i in range(draw(st.integers(1, 3)))]
    agents = [f"a{i}" for i in range(draw(st.integers(0, 4)))]
    lines = {
        f"l{i}": {
            "queue": draw(st.sampled_from(queues)),
            "dialled": f"40080{i}",
            "arrivals": {
                "kind": "poisson",
                "start": draw(st.sampled_from([0, 28800, 80000])),
                "interval": draw(st.sampled_from([600, 1800, 3600])),
                "per_interval": draw(st.lists(st.floats(0, 30), min_size=1, max_size=6)),
            },
        }
        for i in range(draw(st.integers(1, 2)))
    }
    models: dict[str, Any] = {}
    for q in queues:
        model: dict[str, Any] = {"handle_time": draw(_DURATIONS)}
        if draw(st.booleans()):
            model["patience"] = draw(st.one_of(_DURATIONS, st.just({"kind": "none"})))
        models[q] = model
    staff = []
    for a in agents:
        group: dict[str, Any] = {
            "agents": [a],
            "answer_after": draw(st.sampled_from([0, 3, 20])),
            "ring_no_answer": draw(st.sampled_from([0, 0.3, 1.0])),
        }
        if draw(st.booleans()):
            hours = draw(st.sampled_from(["00:00-24:00", "08:00-12:00", "22:00-02:00"]))
            group["shift"] = {"hours": hours}
        staff.append(group)
    routing_queues = []
    for q in queues:
        queue: dict[str, Any] = {"id": q}
        if draw(st.booleans()):
            queue["max_wait"] = draw(st.sampled_from([30, 120]))
            queue["overflow"] = {"kind": "voicemail"}
        routing_queues.append(queue)
    routing: dict[str, Any] = {
        "queues": routing_queues,
        "agents": [
            {"id": a, "queues": [{"queue": q} for q in queues if draw(st.booleans())]}
            for a in agents
        ],
    }
    if len(queues) > 1 and draw(st.booleans()):
        rule = {"when": {"caller_status": "vip"}, "queue": queues[-1], "priority": 1}
        routing["rules"] = {"rules": [rule]}
    return {
        "name": "random",
        "date": datetime.date(2026, 3, 2),
        "lines": lines,
        "queues": models,
        "staff": staff,
        "routing": routing,
        "callers": {"vip_share": draw(st.sampled_from([0.0, 0.2]))},
        "drain_hours": draw(st.sampled_from([0, 4])),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32))
def test_every_record_tells_the_truth_and_the_kpis_count_the_records(
    data: dict[str, Any], seed: int
) -> None:
    scenario = scenario_from_dict(data)
    result = simulate(scenario, seed=seed)
    ids = [r.contact_id for r in result.records]
    assert len(ids) == len(set(ids))
    numbers = {line.dialled for line in scenario.lines.values()}
    for r in result.records:
        times = [r.arrived_at, r.ivr_exited_at, r.queued_at, r.first_offered_at, r.answered_at]
        given_times = [t for t in (*times, r.ended_at) if t is not None]
        assert given_times == sorted(given_times), r
        assert r.wrap_up_ended_at is None or r.wrap_up_ended_at >= r.ended_at
        assert (r.outcome is Outcome.ANSWERED) == (r.answered_at is not None), r
        assert r.outcome is not Outcome.ANSWERED or r.agents
        assert (r.queued_at is not None) == bool(r.queues), r
        assert set(r.queues) <= {q["id"] for q in data["routing"]["queues"]}
        assert min(r.ring_seconds, r.talk_seconds, r.hold_seconds) >= 0
        if r.answered_at is not None:
            talk = r.ended_at - r.answered_at - r.hold_seconds
            assert abs(r.talk_seconds - talk) < 1e-6
        assert r.dialled_number in numbers
        assert r.arrived_at >= scenario.day_start
    options = KpiOptions(answer_time=scenario.answer_time)
    kpis = compute_kpis(result.records, result.intervals, options)
    offered = [r for r in result.records if r.queues]
    answered = [r for r in offered if r.outcome is Outcome.ANSWERED]
    assert kpis.total == len(result.records)
    assert kpis.offered == len(offered)
    assert kpis.answered == len(answered)
    within = [r for r in answered if r.answered_at - r.queued_at <= scenario.answer_time]  # type: ignore[operator]
    assert kpis.answered_within == len(within)
    figures = scenario_figures(scenario, seed)
    assert figures["offered"] == len(offered)
    assert figures["answered"] == len(answered)
