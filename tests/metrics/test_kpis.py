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
    AgentStateInterval,
    Category,
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


# ----------------------------------------------------------------- vendor definitions


def _waited(i: int, outcome: Outcome, seconds: float) -> ContactRecord:
    """A contact that queued at 0 and was answered, abandoned or flowed out after ``seconds``."""
    answered_at = seconds if outcome is Outcome.ANSWERED else None
    return ContactRecord(
        contact_id=str(i),
        outcome=outcome,
        arrived_at=0,
        queued_at=0,
        queues=("q",),
        answered_at=answered_at,
        ended_at=seconds + (60 if answered_at is not None else 0),
        agents=("a1",) if answered_at is not None else (),
    )


def test_one_boundary_rule_for_within_t_and_short_abandons() -> None:
    # Answered after 5 s and 40 s, one abandon after exactly 20 s, T = 20.
    records = [
        _waited(1, Outcome.ANSWERED, 5),
        _waited(2, Outcome.ANSWERED, 40),
        _waited(3, Outcome.ABANDONED_IN_QUEUE, 20),
    ]
    # The abandon is within 20 s for the "for" variant...
    assert service_level(records, KpiOptions(answer_time=20, abandons="for")) == 2 / 3
    # ... and, by the same rule, a short abandon with a 20 s threshold.
    short = KpiOptions(answer_time=20, short_abandon_seconds=20)
    assert service_level(records, short) == 1 / 2
    assert compute_kpis(records, (), short).short_abandoned == 1
    # An answer after exactly T is within T.
    assert service_level([_waited(4, Outcome.ANSWERED, 20)], KpiOptions(answer_time=20)) == 1.0


# Cisco Unified ICM/CCE, Database Schema Handbook, "ServiceLevelType" field values:
# 1 "ignore abandoned calls" (removed from the calculation), 2 "abandoned calls have
# negative impact" (as though they exceeded the threshold), 3 "abandoned calls have
# positive impact" (as though answered within the threshold). ICM counts the calls
# abandoned within the threshold apart (ServiceLevelAband); a call abandoned after the
# threshold exceeded it under every type. So, with A_T answered within T, X_T
# abandoned within T and N = answered + abandoned:
#   type 1 = A_T / (N - X_T), type 2 = A_T / N, type 3 = (A_T + X_T) / N.
CISCO_TYPES = {
    1: KpiOptions(answer_time=20, abandons="against", short_abandon_seconds=20),
    2: KpiOptions(answer_time=20, abandons="against"),
    3: KpiOptions(answer_time=20, abandons="for"),
}


@pytest.mark.parametrize(
    ("waits", "expected"),
    [
        # answered 5 s and 40 s, abandoned at exactly 20 s (within T)
        (([5, 40], [20]), {1: Fraction(1, 2), 2: Fraction(1, 3), 3: Fraction(2, 3)}),
        # one more abandon after 50 s (beyond T: it counts against under every type)
        (([5, 40], [20, 50]), {1: Fraction(1, 3), 2: Fraction(1, 4), 3: Fraction(2, 4)}),
        # answered 3, 12, 19, 25 s; abandoned 8 and 30 s
        (([3, 12, 19, 25], [8, 30]), {1: Fraction(3, 5), 2: Fraction(3, 6), 3: Fraction(4, 6)}),
    ],
)
def test_cisco_service_level_types(
    waits: tuple[list[float], list[float]], expected: dict[int, Fraction]
) -> None:
    answered_waits, abandoned_waits = waits
    records = [_waited(i, Outcome.ANSWERED, w) for i, w in enumerate(answered_waits)]
    records += [
        _waited(100 + i, Outcome.ABANDONED_IN_QUEUE, w) for i, w in enumerate(abandoned_waits)
    ]
    for cisco_type, options in CISCO_TYPES.items():
        assert same(service_level(records, options), expected[cisco_type]), cisco_type


# Genesys Cloud, "Configure the service level calculation": service level =
# (answered - answered that missed the target) / (answered + abandoned
# [+ flow-outs when "Include Flowouts"] [- short abandons when "Include Short
# Abandons" is off] [- abandons when "Include Abandons" is off]).
# Worked figures: 300 answered, 200 of them within 20 s; 100 abandoned, 50 of them
# within a 10 s short-abandon threshold; 50 flow-outs.
def _genesys_day() -> list[ContactRecord]:
    records = [_waited(i, Outcome.ANSWERED, 10) for i in range(200)]
    records += [_waited(200 + i, Outcome.ANSWERED, 45) for i in range(100)]
    records += [_waited(300 + i, Outcome.ABANDONED_IN_QUEUE, 4) for i in range(50)]
    records += [_waited(350 + i, Outcome.ABANDONED_IN_QUEUE, 90) for i in range(50)]
    records += [_waited(400 + i, Outcome.VOICEMAIL, 120) for i in range(50)]
    return records


@pytest.mark.parametrize(
    ("flowouts", "short_abandons", "abandons", "expected"),
    [
        (False, True, True, 200 / 400),  # 200 / (300 + 100)
        (False, False, True, 200 / 350),  # 200 / (300 + 100 - 50) = 57.14 %
        (True, False, True, 200 / 400),  # 200 / (300 + 100 - 50 + 50)
        (True, True, True, 200 / 450),  # 200 / (300 + 100 + 50)
        (False, False, False, 200 / 300),  # 200 / (300 + 100 - 50 - 50)
        (True, False, False, 200 / 350),  # 200 / (300 + 50)
    ],
)
def test_genesys_service_level_options(
    flowouts: bool, short_abandons: bool, abandons: bool, expected: float
) -> None:
    options = KpiOptions(
        answer_time=20,
        abandons="against" if abandons else "ignored",
        short_abandon_seconds=None if short_abandons else 10,
        flowouts_in_service_level=flowouts,
    )
    assert service_level(_genesys_day(), options) == pytest.approx(expected)


def test_ring_time_without_an_offer_time() -> None:
    # A CDR export carries a ring duration but not when the phone started ringing.
    record = ContactRecord(
        contact_id="1",
        outcome=Outcome.ANSWERED,
        arrived_at=0,
        queued_at=0,
        answered_at=10,
        ended_at=100,
        ring_seconds=6,
        queues=("q",),
        agents=("a1",),
    )
    assert average_ring_time([record]) == 6.0


def test_out_of_hours_and_blocked_are_apart_from_the_answer_rate() -> None:
    answered_one = _waited(1, Outcome.ANSWERED, 5)
    closed = ContactRecord(
        contact_id="2", outcome=Outcome.OUT_OF_HOURS, arrived_at=0, ended_at=30, ivr_path=("h",)
    )
    blocked = ContactRecord(contact_id="3", outcome=Outcome.BLOCKED, arrived_at=0, ended_at=1)
    records = [answered_one, closed, blocked]
    values = compute_kpis(records)
    assert (values.total, values.offered, values.out_of_hours, values.blocked) == (3, 1, 1, 1)
    assert values.answer_rate == 1.0
    assert values.missed == 0
    assert values.ivr_containment is None  # neither could be served by the IVR
    both = KpiOptions(answer_rate_counts_out_of_hours=True, answer_rate_counts_blocked=True)
    assert answer_rate(records, both) == 1 / 3
    assert missed_contacts(records, both) == 2


def test_talk_time_includes_hold_unless_asked() -> None:
    record = attrs.evolve(_waited(1, Outcome.ANSWERED, 5), talk_seconds=100, hold_seconds=20)
    assert average_talk_time([record]) == 120
    assert average_talk_time([record], KpiOptions(talk_time="talk_only")) == 100


def test_transfer_credit() -> None:
    record = attrs.evolve(_waited(1, Outcome.ANSWERED, 5), agents=("a1", "a2"), transfers=1)
    every = agent_stats([record])
    assert (every["a1"].handled, every["a2"].handled) == (1, 1)
    first = agent_stats([record], (), KpiOptions(transfer_credit="first_agent"))
    assert set(first) == {"a1"}
