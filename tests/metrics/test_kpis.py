"""Every KPI against a slow, obvious implementation of its written definition."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.errors import InvalidArgumentError
from callcenter.metrics import (
    AgentState,
    Category,
    AgentStateInterval,
    ContactRecord,
    KpiOptions,
    Outcome,
    abandonment_rate,
    agent_stats,
    answer_rate,
    average_after_contact_time,
    average_handle_time,
    average_ring_time,
    average_speed_of_answer,
    average_talk_time,
    callback_rate,
    compute_kpis,
    first_contact_resolution,
    ivr_containment,
    longest_wait,
    missed_contacts,
    occupancy,
    service_level,
    transfer_rate,
    utilization,
)
from callcenter.testing import agent_state_intervals, contact_records

options_strategy = st.builds(
    KpiOptions,
    answer_time=st.sampled_from([0.0, 10.0, 20.0, 60.0]),
    abandons=st.sampled_from(["ignored", "against", "for"]),
    short_abandon_seconds=st.sampled_from([None, 0.0, 5.0, 20.0]),
    flowouts_in_service_level=st.booleans(),
    asa_from=st.sampled_from(["queued", "arrival"]),
    fcr_window_seconds=st.sampled_from([0.0, 3_600.0, 86_400.0]),
    ivr_hangups_contained=st.booleans(),
    reserved_as_busy=st.booleans(),
    talk_time=st.sampled_from(["answer_to_hangup", "talk_only"]),
    transfer_credit=st.sampled_from(["every_agent", "first_agent"]),
    answer_rate_counts_out_of_hours=st.booleans(),
    answer_rate_counts_blocked=st.booleans(),
)


def unique_ids(records: Sequence[ContactRecord]) -> list[ContactRecord]:
    return [attrs.evolve(r, contact_id=f"c{i}") for i, r in enumerate(records)]


record_lists = st.lists(contact_records(), max_size=40).map(unique_ids)
interval_lists = st.lists(agent_state_intervals(), max_size=30)

# --------------------------------------------------------------------------- the oracle

ABANDONS = (Outcome.ABANDONED_IN_QUEUE, Outcome.ABANDONED_RINGING)
FLOWOUTS = (Outcome.VOICEMAIL, Outcome.CALLBACK, Outcome.OVERFLOWED)


def reached_queue(r: ContactRecord) -> bool:
    return bool(r.queues) or r.queued_at is not None


def ivr_only(rs: list[ContactRecord], outcome: Outcome) -> list[ContactRecord]:
    return [r for r in rs if not reached_queue(r) and r.outcome is outcome]


def wait(r: ContactRecord, o: KpiOptions) -> float:
    assert r.queued_at is not None
    begin = r.queued_at if o.asa_from == "queued" else r.arrived_at
    end = r.answered_at if r.outcome is Outcome.ANSWERED else r.ended_at
    assert end is not None
    return end - begin


def is_short(r: ContactRecord, o: KpiOptions) -> bool:
    limit = o.short_abandon_seconds
    return r.outcome in ABANDONS and limit is not None and wait(r, o) <= limit


def offered(rs: list[ContactRecord], o: KpiOptions) -> list[ContactRecord]:
    """Offered contacts the rates count: reached a queue, short abandons apart."""
    return [r for r in rs if reached_queue(r) and not is_short(r, o)]


def answerable(rs: list[ContactRecord], o: KpiOptions) -> list[ContactRecord]:
    extra: list[ContactRecord] = []
    if o.answer_rate_counts_out_of_hours:
        extra += ivr_only(rs, Outcome.OUT_OF_HOURS)
    if o.answer_rate_counts_blocked:
        extra += ivr_only(rs, Outcome.BLOCKED)
    return offered(rs, o) + extra


def answered(rs: list[ContactRecord]) -> list[ContactRecord]:
    return [r for r in rs if r.outcome is Outcome.ANSWERED]


def abandoned(rs: list[ContactRecord], o: KpiOptions) -> list[ContactRecord]:
    return [r for r in rs if r.outcome in ABANDONS and not is_short(r, o)]


def flowed_out(rs: list[ContactRecord]) -> list[ContactRecord]:
    return [r for r in rs if reached_queue(r) and r.outcome in FLOWOUTS]


def frac(a: float, b: float) -> Fraction | None:
    return None if b == 0 else Fraction(a) / Fraction(b)


def mean(values: list[float]) -> Fraction | None:
    return frac(math.fsum(values), len(values)) if values else None


def oracle_sl(rs: list[ContactRecord], o: KpiOptions) -> Fraction | None:
    ans = answered(rs)
    ab = abandoned(rs, o)
    flows = len(flowed_out(rs)) if o.flowouts_in_service_level else 0
    ans_t = len([r for r in ans if wait(r, o) <= o.answer_time])
    ab_t = len([r for r in ab if wait(r, o) <= o.answer_time])
    if o.abandons == "ignored":
        return frac(ans_t, len(ans) + flows)
    if o.abandons == "against":
        return frac(ans_t, len(ans) + len(ab) + flows)
    return frac(ans_t + ab_t, len(ans) + len(ab) + flows)


def oracle_longest(rs: list[ContactRecord], o: KpiOptions) -> float | None:
    waits = [wait(r, o) for r in offered(rs, o) if r.queued_at is not None]
    return max(waits) if waits else None


def oracle_containment(rs: list[ContactRecord], o: KpiOptions) -> Fraction | None:
    def entered(r: ContactRecord) -> bool:
        if not reached_queue(r):
            if r.outcome in (Outcome.FINISHED_IN_IVR, Outcome.ABANDONED_IN_IVR):
                return True
            if r.outcome in (Outcome.OUT_OF_HOURS, Outcome.BLOCKED):
                return False
        return bool(r.ivr_path) or r.ivr_exited_at is not None

    went = [r for r in rs if entered(r)]
    contained = [
        r
        for r in went
        if not reached_queue(r)
        and (
            r.outcome is Outcome.FINISHED_IN_IVR
            or (o.ivr_hangups_contained and r.outcome is Outcome.ABANDONED_IN_IVR)
        )
    ]
    return frac(len(contained), len(went))


def oracle_talk(rs: list[ContactRecord], o: KpiOptions) -> Fraction | None:
    hold = o.talk_time == "answer_to_hangup"
    return mean([r.talk_seconds + (r.hold_seconds if hold else 0.0) for r in answered(rs)])


def oracle_fcr(rs: list[ContactRecord], o: KpiOptions) -> Fraction | None:
    def key(r: ContactRecord) -> tuple[float, float, str]:
        return (r.arrived_at, r.ended_at, r.contact_id)

    eligible = [r for r in answered(rs) if r.caller is not None]
    resolved = [
        r
        for r in eligible
        if not any(
            s.caller == r.caller
            and key(s) > key(r)
            and s.arrived_at <= r.ended_at + o.fcr_window_seconds
            for s in rs
        )
    ]
    return frac(len(resolved), len(eligible))


def working(i: AgentStateInterval, o: KpiOptions) -> bool:
    return i.state in (AgentState.BUSY, AgentState.WRAP_UP) or (
        o.reserved_as_busy and i.state is AgentState.RESERVED
    )


def oracle_occupancy(ivs: list[AgentStateInterval], o: KpiOptions) -> Fraction | None:
    work = math.fsum(i.seconds for i in ivs if working(i, o))
    idle = math.fsum(
        i.seconds
        for i in ivs
        if i.state is AgentState.AVAILABLE
        or (not o.reserved_as_busy and i.state is AgentState.RESERVED)
    )
    return frac(work, work + idle)


def oracle_utilization(ivs: list[AgentStateInterval], o: KpiOptions) -> Fraction | None:
    work = math.fsum(i.seconds for i in ivs if working(i, o))
    return frac(work, math.fsum(i.seconds for i in ivs))


def same(got: float | int | None, want: Fraction | float | int | None) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return math.isclose(got, float(want), rel_tol=1e-12, abs_tol=1e-12)


ORACLES: dict[str, tuple[Callable[..., object], Callable[..., object]]] = {
    "service_level": (service_level, oracle_sl),
    "answer_rate": (
        answer_rate,
        lambda rs, o: frac(len(answered(rs)), len(answerable(rs, o))),
    ),
    "abandonment_rate": (
        abandonment_rate,
        lambda rs, o: frac(len(abandoned(rs, o)), len(offered(rs, o))),
    ),
    "asa": (average_speed_of_answer, lambda rs, o: mean([wait(r, o) for r in answered(rs)])),
    "aht": (
        average_handle_time,
        lambda rs, o: mean(
            [r.talk_seconds + r.hold_seconds + r.after_contact_seconds for r in answered(rs)]
        ),
    ),
    "talk": (average_talk_time, oracle_talk),
    "acw": (
        average_after_contact_time,
        lambda rs, o: mean([r.after_contact_seconds for r in answered(rs)]),
    ),
    "ring": (
        average_ring_time,
        lambda rs, o: mean(
            [
                r.ring_seconds
                for r in offered(rs, o)
                if r.first_offered_at is not None or r.ring_seconds > 0
            ]
        ),
    ),
    "longest": (longest_wait, oracle_longest),
    "transfer": (
        transfer_rate,
        lambda rs, o: frac(len([r for r in answered(rs) if r.transfers]), len(answered(rs))),
    ),
    "callback": (
        callback_rate,
        lambda rs, o: frac(len([r for r in rs if r.outcome is Outcome.CALLBACK]), len(rs)),
    ),
    "containment": (ivr_containment, oracle_containment),
    "missed": (missed_contacts, lambda rs, o: len(answerable(rs, o)) - len(answered(rs))),
    "fcr": (first_contact_resolution, oracle_fcr),
}


@pytest.mark.parametrize("name", sorted(ORACLES))
@given(rs=record_lists, o=options_strategy)
def test_kpi_matches_its_definition(name: str, rs: list[ContactRecord], o: KpiOptions) -> None:
    fast, slow = ORACLES[name]
    assert same(fast(rs, o), slow(rs, o))  # type: ignore[arg-type]


@given(rs=record_lists, ivs=interval_lists, o=options_strategy)
def test_compute_kpis_agrees_with_each_definition(
    rs: list[ContactRecord], ivs: list[AgentStateInterval], o: KpiOptions
) -> None:
    values = compute_kpis(rs, ivs, o)
    assert same(values.service_level, oracle_sl(rs, o))
    assert same(values.ivr_containment, oracle_containment(rs, o))
    assert same(values.fcr_rate, oracle_fcr(rs, o))
    assert same(values.occupancy, oracle_occupancy(ivs, o))
    assert same(values.utilization, oracle_utilization(ivs, o))
    assert values.offered == len([r for r in rs if reached_queue(r)])
    assert values.answered + values.missed == len(answerable(rs, o))
    assert values.short_abandoned == len([r for r in rs if is_short(r, o)])


@given(rs=record_lists, o=options_strategy)
def test_the_counts_form_one_tree(rs: list[ContactRecord], o: KpiOptions) -> None:
    v = compute_kpis(rs, (), o)
    assert v.total == len(rs) == v.ivr_only + v.offered
    assert v.ivr_only == v.self_service + v.ivr_hangup + v.out_of_hours + v.blocked + v.ivr_other
    assert v.offered == v.answered + v.abandoned + v.short_abandoned + v.flowed_out + v.other
    # Each leaf is the count of the records in that category.
    leaves = {
        Category.SELF_SERVICE: v.self_service,
        Category.IVR_HANGUP: v.ivr_hangup,
        Category.OUT_OF_HOURS: v.out_of_hours,
        Category.BLOCKED: v.blocked,
        Category.IVR_OTHER: v.ivr_other,
        Category.ANSWERED: v.answered,
        Category.ABANDONED: v.abandoned + v.short_abandoned,
        Category.FLOWED_OUT: v.flowed_out,
        Category.OTHER: v.other,
    }
    for category, count in leaves.items():
        assert count == len([r for r in rs if r.category is category]), category


@given(ivs=interval_lists, o=options_strategy)
def test_occupancy_and_utilization(ivs: list[AgentStateInterval], o: KpiOptions) -> None:
    assert same(occupancy(ivs, o), oracle_occupancy(ivs, o))
    assert same(utilization(ivs, o), oracle_utilization(ivs, o))


@given(rs=record_lists, ivs=interval_lists, o=options_strategy)
def test_agent_stats(rs: list[ContactRecord], ivs: list[AgentStateInterval], o: KpiOptions) -> None:
    stats = agent_stats(rs, ivs, o)
    every = o.transfer_credit == "every_agent"
    took = {a for r in answered(rs) for a in (r.agents if every else r.agents[:1])}
    assert set(stats) == took | {i.agent_id for i in ivs}
    for agent, s in stats.items():
        mine = [r for r in answered(rs) if r.agents[0] == agent]
        theirs = [i for i in ivs if i.agent_id == agent]
        volume = [r for r in answered(rs) if agent in (r.agents if every else r.agents[:1])]
        assert s.handled == len(volume)
        breaks = [i for i in theirs if i.state is AgentState.NOT_READY]
        assert s.breaks == len(breaks)
        assert same(s.average_break_seconds, mean([i.seconds for i in breaks]))
        assert same(s.average_talk_seconds, oracle_talk(mine, o))
        assert same(s.average_acw_seconds, mean([r.after_contact_seconds for r in mine]))
        assert same(s.occupancy, oracle_occupancy(theirs, o))
        assert same(s.utilization, oracle_utilization(theirs, o))
        reasons: dict[str, float] = {}
        for i in theirs:
            if i.state is AgentState.NOT_READY:
                reasons[i.reason or ""] = reasons.get(i.reason or "", 0.0) + i.seconds
        assert dict(s.not_ready_seconds) == pytest.approx(reasons)


def test_empty_periods_give_no_data() -> None:
    values = compute_kpis([], [])
    for field in attrs.fields(type(values)):
        value = getattr(values, field.name)
        assert value == 0 if field.type in ("int", int) else value is None, field.name
    assert service_level([]) is None
    assert occupancy([]) is None
    # Only IVR contacts: nothing offered, so the offered ratios have no data either.
    ivr = ContactRecord(contact_id="x", outcome=Outcome.FINISHED_IN_IVR, arrived_at=0, ended_at=30)
    values = compute_kpis([ivr])
    assert values.answer_rate is None
    assert values.ivr_containment == 1.0


def test_short_abandon_threshold_reproduces_excluding_early_abandons() -> None:
    def contact(i: int, outcome: Outcome, waited: float) -> ContactRecord:
        answered_at = waited if outcome is Outcome.ANSWERED else None
        return ContactRecord(
            contact_id=str(i),
            outcome=outcome,
            arrived_at=0,
            queued_at=0,
            answered_at=answered_at,
            ended_at=waited + 60,
            agents=("a1",) if answered_at is not None else (),
        )

    records = [
        contact(1, Outcome.ANSWERED, 5),
        contact(2, Outcome.ANSWERED, 40),
        contact(3, Outcome.ABANDONED_IN_QUEUE, -57),  # hung up after 3 s
        contact(4, Outcome.ABANDONED_IN_QUEUE, 0),  # hung up after 60 s
    ]
    assert records[2].wait_seconds == 3
    plain = KpiOptions(answer_time=20)
    assert service_level(records, plain) == 1 / 4
    assert service_level(records, KpiOptions(answer_time=20, abandons="ignored")) == 1 / 2
    assert service_level(records, KpiOptions(answer_time=20, abandons="for")) == 2 / 4
    early = KpiOptions(answer_time=20, short_abandon_seconds=20)
    assert service_level(records, early) == 1 / 3
    assert abandonment_rate(records, early) == 1 / 3
    assert missed_contacts(records, early) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"ended_at": -1.0},
        {"answered_at": None},
        {"queued_at": None, "first_offered_at": None},
        {"talk_seconds": -1.0},
        {"transfers": -1},
        {"arrived_at": math.inf},
    ],
)
def test_inconsistent_records_are_refused(changes: dict[str, object]) -> None:
    good = {
        "contact_id": "1",
        "outcome": Outcome.ANSWERED,
        "arrived_at": 0.0,
        "queued_at": 1.0,
        "first_offered_at": 2.0,
        "answered_at": 3.0,
        "ended_at": 10.0,
    }
    ContactRecord(**good)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        ContactRecord(**{**good, **changes})  # type: ignore[arg-type]


def test_bad_options_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="abandons"):
        KpiOptions(abandons="sometimes")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="answer_time"):
        KpiOptions(answer_time=-1)
    with pytest.raises(InvalidArgumentError, match="end"):
        AgentStateInterval(agent_id="a", state=AgentState.BUSY, start=10, end=5)


def test_first_contact_resolution_window_is_inclusive() -> None:
    def call(i: int, arrived: float, caller: str | None = "c1") -> ContactRecord:
        return ContactRecord(
            contact_id=str(i),
            outcome=Outcome.ANSWERED,
            caller=caller,
            arrived_at=arrived,
            queued_at=arrived,
            answered_at=arrived,
            ended_at=arrived + 100,
            agents=("a1",),
        )

    options = KpiOptions(fcr_window_seconds=3_600)
    # Back exactly at the end of the window: a repeat, so the first is not resolved.
    first, again = call(1, 0), call(2, 3_700)
    assert first_contact_resolution([first], options, later_records=[again]) == 0.0
    assert first_contact_resolution([first, again], options) == 1 / 2
    # One second later: outside the window.
    late = call(3, 3_701)
    assert first_contact_resolution([first], options, later_records=[late]) == 1.0
    # Unknown callers are not eligible.
    assert first_contact_resolution([call(4, 0, caller=None)], options) is None
