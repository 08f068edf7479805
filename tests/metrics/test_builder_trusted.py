"""The builder's trusted record constructors, and the checks that make them safe.

The builder fills :class:`ContactRecord` and :class:`AgentStateInterval` slots
directly instead of running their validators. These tests check that, for every
valid input, the result is the same object the validated constructor gives, and that
the builder refuses (with a typed error, changing nothing) the inputs that the
validators would have caught later.
"""

from __future__ import annotations

import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.errors import InvalidArgumentError, TimeWentBackwardsError
from callcenter.metrics import AgentState, AgentStateInterval, ContactRecord, Outcome, RecordBuilder
from callcenter.metrics._trusted import trusted_interval, trusted_record
from callcenter.routing import AgentState as RoutingAgentState
from callcenter.routing import AgentStateChanged, Channel, ContactQueued

_TIMES = st.floats(min_value=-1e10, max_value=1e10, allow_nan=False) | st.integers(
    min_value=-(10**10), max_value=10**10
)
_DURATIONS = st.floats(min_value=0.0, max_value=1e7, allow_nan=False) | st.integers(0, 10**7)
_IDS = st.tuples() | st.lists(st.text(max_size=4), max_size=3).map(tuple)
_OPTIONAL = ("ivr_exited_at", "queued_at", "first_offered_at", "answered_at")


def _same(a: ContactRecord | AgentStateInterval, b: ContactRecord | AgentStateInterval) -> None:
    assert type(a) is type(b)
    assert a == b
    assert hash(a) == hash(b)
    assert repr(a) == repr(b)
    for field in attrs.fields(type(a)):
        x, y = getattr(a, field.name), getattr(b, field.name)
        assert type(x) is type(y), field.name
        assert x == y or (x != x and y != y), field.name


@st.composite
def _record_args(draw: st.DrawFn) -> dict[str, object]:
    outcome = draw(st.sampled_from(list(Outcome)))
    times = sorted(draw(st.lists(_TIMES, min_size=7, max_size=7)))
    arrived, ivr_exit, queued, offered, answered, ended, wrap_end = times
    present = {name: draw(st.booleans()) for name in _OPTIONAL}
    present["answered_at"] = outcome is Outcome.ANSWERED
    if outcome is Outcome.ANSWERED or outcome in (
        Outcome.ABANDONED_IN_QUEUE,
        Outcome.ABANDONED_RINGING,
    ):
        present["queued_at"] = True
    values = dict(
        zip(_OPTIONAL, (ivr_exit, queued, offered, answered), strict=True),
    )
    return {
        "contact_id": draw(st.text(max_size=6)),
        "outcome": outcome,
        "arrived_at": arrived,
        "ended_at": ended,
        "channel": draw(st.sampled_from(["voice", "email", "callback"])),
        "dialled_number": draw(st.none() | st.text(max_size=4)),
        "caller": draw(st.none() | st.text(max_size=4)),
        "queues": draw(_IDS),
        "agents": draw(_IDS),
        **{name: values[name] if present[name] else None for name in _OPTIONAL},
        "wrap_up_ended_at": draw(st.sampled_from([None, wrap_end])),
        "ring_seconds": draw(_DURATIONS),
        "talk_seconds": draw(_DURATIONS),
        "after_contact_seconds": draw(_DURATIONS),
        "transfers": draw(st.integers(min_value=0, max_value=5)),
        "ivr_path": draw(_IDS),
    }


@given(args=_record_args())
def test_trusted_record_equals_the_validated_one(args: dict[str, object]) -> None:
    validated = ContactRecord(**args)  # type: ignore[arg-type]
    trusted = trusted_record(**args)  # type: ignore[arg-type]
    _same(trusted, validated)


@given(
    agent=st.text(max_size=5),
    state=st.sampled_from([s for s in AgentState if s is not AgentState.LOGGED_OUT]),
    times=st.lists(_TIMES, min_size=2, max_size=2).map(sorted),
    reason=st.none() | st.text(max_size=5),
    queues=_IDS,
)
def test_trusted_interval_equals_the_validated_one(
    agent: str, state: AgentState, times: list[float], reason: str | None, queues: tuple[str, ...]
) -> None:
    start, end = times
    validated = AgentStateInterval(
        agent_id=agent, state=state, start=start, end=end, reason=reason, queues=queues
    )
    _same(trusted_interval(agent, state, start, end, reason, queues), validated)


def test_trusted_constructors_set_every_field() -> None:
    """A field added to the record classes must be added to the trusted constructors."""
    record = trusted_record(
        "c", Outcome.BLOCKED, 0.0, 1.0, "voice", None, None, (), (), None, None, None, None,
        None, 0.0, 0.0, 0.0, 0, (),
    )  # fmt: skip
    interval = trusted_interval("a", AgentState.BUSY, 0.0, 1.0, None, ())
    for obj in (record, interval):
        for field in attrs.fields(type(obj)):
            getattr(obj, field.name)  # AttributeError if a slot was left empty
        assert attrs.asdict(obj) == attrs.asdict(attrs.evolve(obj))


def _state(b: RecordBuilder) -> tuple[object, ...]:
    return (b.now, b.open_contacts, dict(b._agents), sorted(b._contacts), list(b._intervals))


@pytest.mark.parametrize("bad", [math.inf, True, "12"])
def test_non_finite_or_non_numeric_times_are_refused_and_change_nothing(bad: object) -> None:
    b = RecordBuilder()
    b.feed(
        AgentStateChanged(
            at=0.0, agent_id="a", old=RoutingAgentState.LOGGED_OUT,
            new=RoutingAgentState.AVAILABLE, since=0.0,
        )
    )  # fmt: skip
    before = _state(b)
    queued = ContactQueued(
        at=5.0,
        contact_id="c",
        queue="q",
        channel=Channel.VOICE,
        priority=0,
        arrived_at=5.0,
        queued_at=5.0,
    )
    with pytest.raises((InvalidArgumentError, TimeWentBackwardsError)):
        b.feed(attrs.evolve(queued, at=bad))  # type: ignore[arg-type]
    assert _state(b) == before
    if isinstance(bad, float):
        with pytest.raises(InvalidArgumentError):
            b.feed(attrs.evolve(queued, arrived_at=-bad))
        assert _state(b) == before
        with pytest.raises(InvalidArgumentError):
            b.close(bad)
        assert _state(b) == before
    changed = AgentStateChanged(
        at=6.0,
        agent_id="a",
        old=RoutingAgentState.AVAILABLE,
        new=RoutingAgentState.NOT_READY,
        since=-math.inf,
    )
    with pytest.raises(InvalidArgumentError):
        b.feed(changed)
    assert _state(b) == before
    b.feed(attrs.evolve(changed, since=0.0))
    assert b.take_intervals() == [
        AgentStateInterval(agent_id="a", state=AgentState.AVAILABLE, start=0.0, end=6.0)
    ]


_VALID_RECORD: dict[str, object] = {
    "contact_id": "c",
    "outcome": Outcome.ANSWERED,
    "arrived_at": 0.0,
    "ivr_exited_at": 1.0,
    "queued_at": 2.0,
    "first_offered_at": 3.0,
    "answered_at": 4.0,
    "ended_at": 5.0,
    "wrap_up_ended_at": 6.0,
    "ring_seconds": 1.0,
    "talk_seconds": 1.0,
    "after_contact_seconds": 1.0,
}

# One defect each, and the field the error must name.
_DEFECTS: list[tuple[str, object, str]] = [
    ("arrived_at", None, "arrived_at"),
    ("ended_at", math.nan, "ended_at"),
    ("queued_at", math.inf, "queued_at"),
    ("answered_at", True, "answered_at"),
    ("first_offered_at", "3", "first_offered_at"),
    ("ring_seconds", -1.0, "ring_seconds"),
    ("talk_seconds", math.inf, "talk_seconds"),
    ("after_contact_seconds", False, "after_contact_seconds"),
    ("outcome", "answered", "outcome"),
    ("queued_at", 0.5, "queued_at"),  # before ivr_exited_at
    ("wrap_up_ended_at", 4.5, "wrap_up_ended_at"),
    ("wrap_up_ended_at", math.inf, "wrap_up_ended_at"),  # the last time, infinite
    ("first_offered_at", math.nan, "first_offered_at"),  # between finite ones
    ("answered_at", None, "answered_at"),
    ("transfers", -1, "transfers"),
    ("transfers", 1.0, "transfers"),
    ("queues", "q1", "queues"),
    ("agents", 7, "agents"),
]


@pytest.mark.parametrize(("field", "value", "named"), _DEFECTS)
def test_the_builders_constructor_checks_the_record_in_full(
    field: str, value: object, named: str
) -> None:
    """A record the builder would get wrong is refused, not stored."""
    args = {**_VALID_RECORD, field: value}
    with pytest.raises(InvalidArgumentError) as validated:
        ContactRecord(**args)  # type: ignore[arg-type]
    assert validated.value.name == named
    positional = {name: args.get(name) for name in _BUILDER_ORDER}
    positional.update(
        {k: args.get(k, d) for k, d in (("channel", "voice"), ("queues", ()), ("agents", ()))}
    )
    positional.update({"ivr_path": (), "transfers": args.get("transfers", 0)})
    with pytest.raises(InvalidArgumentError) as trusted:
        trusted_record(**positional)  # type: ignore[arg-type]
    assert str(trusted.value) == str(validated.value)


_BUILDER_ORDER = (
    "contact_id", "outcome", "arrived_at", "ended_at", "channel", "dialled_number",
    "caller", "queues", "agents", "ivr_exited_at", "queued_at", "first_offered_at",
    "answered_at", "wrap_up_ended_at", "ring_seconds", "talk_seconds",
    "after_contact_seconds", "transfers", "ivr_path",
)  # fmt: skip


_EDGE_DURATIONS = st.floats(0.0, 1e6) | st.sampled_from([1e308, math.inf, math.nan, -1.0, 1])


@st.composite
def _nearly_valid_records(draw: st.DrawFn) -> dict[str, object]:
    """Records right but for an edge: infinite or NaN times, huge or NaN durations."""
    outcome = draw(st.sampled_from(list(Outcome)))
    times: list[float] = sorted(draw(st.lists(st.floats(-1e10, 1e10), min_size=7, max_size=7)))
    if draw(st.booleans()):
        times[draw(st.integers(0, 6))] = draw(st.sampled_from([math.inf, -math.inf, math.nan]))
    names = (
        "arrived_at", "ivr_exited_at", "queued_at", "first_offered_at", "answered_at",
        "ended_at", "wrap_up_ended_at",
    )  # fmt: skip
    args: dict[str, object] = dict(zip(names, times, strict=True))
    for name in ("ivr_exited_at", "first_offered_at", "wrap_up_ended_at"):
        if draw(st.booleans()):
            args[name] = None
    if outcome is not Outcome.ANSWERED:
        args["answered_at"] = None
    durations = ("ring_seconds", "talk_seconds", "hold_seconds", "after_contact_seconds")
    for name in durations:
        args[name] = draw(_EDGE_DURATIONS)
    return {"contact_id": "c", "outcome": outcome, **args}


@given(args=_nearly_valid_records())
def test_a_record_is_built_only_when_its_full_check_passes(args: dict[str, object]) -> None:
    """The one-pass check of the usual case never accepts what the full check refuses."""
    try:
        record = ContactRecord(**args)  # type: ignore[arg-type]
    except InvalidArgumentError:
        return
    record._check()  # raises if the record is not valid


def test_huge_durations_whose_sum_overflows_are_still_valid() -> None:
    args = {**_VALID_RECORD, "ring_seconds": 1e308, "talk_seconds": 1e308}
    record = ContactRecord(**args)  # type: ignore[arg-type]
    assert (record.ring_seconds, record.talk_seconds) == (1e308, 1e308)


def test_an_unanswered_contact_in_queue_needs_queued_at() -> None:
    with pytest.raises(InvalidArgumentError, match="queued_at"):
        trusted_record(
            "c", Outcome.ABANDONED_IN_QUEUE, 0.0, 1.0, "voice", None, None, ("q",), (), None,
            None, None, None, None, 0.0, 0.0, 0.0, 0, (),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "state", "named"),
    [
        (2.0, 1.0, AgentState.BUSY, "end"),
        (math.nan, 1.0, AgentState.BUSY, "start"),
        (0.0, math.inf, AgentState.BUSY, "end"),
        (None, 1.0, AgentState.BUSY, "start"),
        (0.0, 1.0, "busy", "state"),
    ],
)
def test_the_builders_interval_constructor_checks_the_interval(
    start: object, end: object, state: object, named: str
) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        trusted_interval("a", state, start, end, None, ())  # type: ignore[arg-type]
    assert raised.value.name == named


def test_sequences_are_stored_as_tuples_and_non_sequences_are_typed_errors() -> None:
    record = ContactRecord(
        contact_id="c", outcome=Outcome.BLOCKED, arrived_at=0, ended_at=1,
        queues=["q"], agents=iter(["a"]), ivr_path=("n",),  # type: ignore[arg-type]
    )  # fmt: skip
    assert (record.queues, record.agents, record.ivr_path) == (("q",), ("a",), ("n",))
    interval = AgentStateInterval(
        agent_id="a",
        state=AgentState.BUSY,
        start=0,
        end=1,
        queues=["q"],  # type: ignore[arg-type]
    )
    assert interval.queues == ("q",)
    for bad in (3, "q", None):
        with pytest.raises(InvalidArgumentError, match="sequence of strings"):
            ContactRecord(
                contact_id="c", outcome=Outcome.BLOCKED, arrived_at=0, ended_at=1,
                ivr_path=bad,  # type: ignore[arg-type]
            )  # fmt: skip
        with pytest.raises(InvalidArgumentError, match="sequence of strings"):
            AgentStateInterval(
                agent_id="a",
                state=AgentState.BUSY,
                start=0,
                end=1,
                queues=bad,  # type: ignore[arg-type]
            )
