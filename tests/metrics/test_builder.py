"""The record builder, fed by real RoutingEngine runs and real IVR sessions."""

from __future__ import annotations

import enum
from collections import Counter

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter import ivr
from callcenter.errors import (
    CallCenterError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
)
from callcenter.ivr import (
    CallerHungUp,
    CallerStatus,
    Command,
    DigitsPressed,
    Flow,
    FlowBuilder,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    Session,
)
from callcenter.metrics import (
    AgentState,
    Category,
    ContactRecord,
    Outcome,
    RecordBuilder,
    answer_rate,
    compute_kpis,
)
from callcenter.routing import (
    AgentDefinition,
    AgentStateChanged,
    Channel,
    Contact,
    ContactAbandoned,
    ContactAnswered,
    ContactCompleted,
    ContactRefused,
    Membership,
    Overflow,
    OverflowKind,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
    RoutingEvent,
)


def _engine(**queue: object) -> RoutingEngine:
    q = QueueDefinition(id="q", **queue)  # type: ignore[arg-type]
    other = QueueDefinition(id="other")
    agents = (
        AgentDefinition(id="a1", queues=(Membership(queue="q"), Membership(queue="other"))),
        AgentDefinition(id="a2", queues=(Membership(queue="other"), Membership(queue="q"))),
    )
    return RoutingEngine(RoutingDefinition(queues=(q, other), agents=agents))


def _feed(builder: RecordBuilder, events: list[RoutingEvent]) -> list[ContactRecord]:
    return builder.feed_all(events)


def test_answered_with_wrap_up_is_finished_when_wrap_up_ends() -> None:
    engine = _engine(wrap_up=15.0)
    b = RecordBuilder(agent_queues={"a1": ("q", "other")})
    out = _feed(b, engine.login("a1", 0.0))
    out += _feed(b, engine.enqueue(Contact(id="c"), "q", 10.0))
    out += _feed(b, engine.accept("c", 14.0))
    out += _feed(b, engine.complete("c", 74.0))
    assert out == []
    assert b.open_contacts == 1
    deadline = engine.next_deadline()
    assert deadline == 89.0
    (record,) = _feed(b, engine.advance(deadline))
    assert record.outcome is Outcome.ANSWERED
    assert (record.arrived_at, record.queued_at, record.first_offered_at) == (10.0, 10.0, 10.0)
    assert (record.answered_at, record.ended_at, record.wrap_up_ended_at) == (14.0, 74.0, 89.0)
    assert (record.ring_seconds, record.talk_seconds, record.after_contact_seconds) == (
        4.0,
        60.0,
        15.0,
    )
    assert record.agents == ("a1",)
    assert record.queues == ("q",)
    assert b.open_contacts == 0
    states = [(i.state, i.start, i.end) for i in b.take_intervals()]
    assert states == [
        (AgentState.AVAILABLE, 0.0, 10.0),
        (AgentState.RESERVED, 10.0, 14.0),
        (AgentState.BUSY, 14.0, 74.0),
        (AgentState.WRAP_UP, 74.0, 89.0),
    ]


def test_answered_without_wrap_up_is_finished_at_once() -> None:
    engine = _engine()
    b = RecordBuilder()
    _feed(b, engine.login("a1", 0.0))
    _feed(b, engine.enqueue(Contact(id="c"), "q", 1.0))
    _feed(b, engine.accept("c", 2.0))
    (record,) = _feed(b, engine.complete("c", 30.0))
    assert record.outcome is Outcome.ANSWERED
    assert record.wrap_up_ended_at is None
    assert record.after_contact_seconds == 0.0


def test_abandoned_in_queue_and_while_ringing() -> None:
    engine = _engine()
    b = RecordBuilder()
    _feed(b, engine.enqueue(Contact(id="waits"), "q", 0.0))
    (r1,) = _feed(b, engine.abandon("waits", 40.0))
    assert r1.outcome is Outcome.ABANDONED_IN_QUEUE
    assert r1.wait_seconds == 40.0
    _feed(b, engine.login("a1", 50.0))
    _feed(b, engine.enqueue(Contact(id="rings"), "q", 60.0))
    (r2,) = _feed(b, engine.abandon("rings", 65.0))
    assert r2.outcome is Outcome.ABANDONED_RINGING
    assert r2.first_offered_at == 60.0
    assert r2.ring_seconds == 5.0


def test_ring_timeout_returns_the_contact_and_counts_ring_time() -> None:
    engine = _engine(ring_timeout=10.0, auto_pause_after=0)
    b = RecordBuilder()
    _feed(b, engine.login("a1", 0.0))
    _feed(b, engine.enqueue(Contact(id="c"), "q", 0.0))
    _feed(b, engine.advance(10.0))  # rings out; never offered to a1 again
    _feed(b, engine.login("a2", 11.0))
    _feed(b, engine.accept("c", 12.0))
    (record,) = _feed(b, engine.complete("c", 20.0))
    assert record.first_offered_at == 0.0
    assert record.agents == ("a2",)
    assert record.ring_seconds == 11.0


def test_refused_queue_full_and_no_agents() -> None:
    engine = _engine(capacity=1, join_when_empty=True)
    b = RecordBuilder()
    _feed(b, engine.enqueue(Contact(id="first"), "q", 0.0))
    (full,) = _feed(b, engine.enqueue(Contact(id="second"), "q", 1.0))
    assert full.outcome is Outcome.REJECTED_QUEUE_FULL
    assert full.queues == ("q",)
    closed = _engine(join_when_empty=False)
    b2 = RecordBuilder()
    (blocked,) = _feed(b2, closed.enqueue(Contact(id="x"), "q", 0.0))
    assert blocked.outcome is Outcome.BLOCKED


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [(OverflowKind.VOICEMAIL, Outcome.VOICEMAIL), (OverflowKind.CALLBACK, Outcome.CALLBACK)],
)
def test_overflow_to_voicemail_or_callback(kind: OverflowKind, outcome: Outcome) -> None:
    engine = _engine(max_wait=30.0, overflow=Overflow(kind=kind))
    b = RecordBuilder()
    _feed(b, engine.enqueue(Contact(id="c"), "q", 0.0))
    (record,) = _feed(b, engine.advance(30.0))
    assert record.outcome is outcome
    assert record.ended_at == 30.0


def test_overflow_to_another_queue_then_answered_there() -> None:
    engine = _engine(max_wait=30.0, overflow=Overflow(kind=OverflowKind.QUEUE, queue="other"))
    b = RecordBuilder()
    _feed(b, engine.enqueue(Contact(id="c"), "q", 0.0))
    assert _feed(b, engine.advance(30.0)) == []
    _feed(b, engine.login("a2", 40.0))
    _feed(b, engine.accept("c", 41.0))
    (record,) = _feed(b, engine.complete("c", 100.0))
    assert record.outcome is Outcome.ANSWERED
    assert record.queues == ("q", "other")
    assert record.queue == "other"
    assert record.agents == ("a2",)
    assert record.queued_at == 0.0


def test_transfer_of_an_answered_contact_adds_the_second_agent() -> None:
    engine = _engine()
    b = RecordBuilder()
    _feed(b, engine.login("a1", 0.0))
    _feed(b, engine.enqueue(Contact(id="c"), "q", 0.0))
    _feed(b, engine.accept("c", 1.0))
    _feed(b, engine.login("a2", 2.0))
    _feed(b, engine.transfer("c", "other", 21.0))
    _feed(b, engine.accept("c", 23.0))
    (record,) = _feed(b, engine.complete("c", 63.0))
    assert record.agents == ("a1", "a2")
    assert record.transfers == 1
    assert record.talk_seconds == 60.0
    assert record.answered_at == 1.0


def test_removed_from_queue_is_overflowed() -> None:
    engine = _engine()
    b = RecordBuilder()
    _feed(b, engine.enqueue(Contact(id="c"), "q", 0.0))
    (record,) = _feed(b, engine.remove("c", 5.0))
    assert record.outcome is Outcome.OVERFLOWED


# ---------------------------------------------------------------------- IVR


def _flow() -> Flow:
    return (
        FlowBuilder("t", start="menu")
        .prompt("menu", zh="1 agent, 2 info, 3 voicemail, 4 callback")
        .prompt("info", zh="info")
        .prompt("leave", zh="leave a message")
        .prompt("cb", zh="1 to be called back")
        .menu(
            "menu",
            prompt="menu",
            options={"1": "agent", "2": "info", "3": "vm", "4": "cb"},
            on_no_input="agent",
            on_no_match="agent",
        )
        .say("info", prompt="info", next="bye")
        .record("vm", prompt="leave", mailbox="box", next="bye")
        .callback(
            "cb",
            prompt="cb",
            queue="q",
            next="bye",
            declined="bye",
            on_no_input="bye",
            on_no_match="bye",
        )
        .enqueue("agent", queue="q")
        .hangup("bye")
        .build()
    )


def _play_through(session: Session, commands: list[Command], now: float) -> list[Command]:
    """Finish every prompt at ``now``; answer a recording with 10 s."""
    out: list[Command] = []
    for command in commands:
        if isinstance(command, Play) and not session.ended:
            out += _play_through(session, session.handle(PromptFinished(), now), now)
        elif isinstance(command, Record) and not session.ended:
            out += _play_through(
                session,
                session.handle(RecordingFinished(reference="r", seconds=10.0), now + 10),
                now + 10,
            )
        else:
            out.append(command)
    return out


def _ivr_call(b: RecordBuilder, cid: str, keys: str | None, at: float) -> list[ContactRecord]:
    session = Session(_flow(), session_id=cid, caller="138", dialled="400")
    cmds = _play_through(session, session.begin(at), at)
    if keys is None:
        cmds = session.handle(CallerHungUp(), at + 3)
    else:
        cmds = _play_through(session, session.handle(DigitsPressed(digits=keys), at + 3), at + 3)
    del cmds
    return b.feed_all(session.take_events())


@pytest.mark.parametrize(
    ("keys", "outcome"),
    [
        ("2", Outcome.FINISHED_IN_IVR),
        ("3", Outcome.VOICEMAIL),
        (None, Outcome.ABANDONED_IN_IVR),
    ],
)
def test_ivr_outcomes(keys: str | None, outcome: Outcome) -> None:
    b = RecordBuilder()
    (record,) = _ivr_call(b, "c", keys, 100.0)
    assert record.outcome is outcome
    assert record.arrived_at == 100.0
    assert record.ivr_path[0] == "menu"
    assert record.caller == "138"
    assert record.dialled_number == "400"
    assert record.entered_ivr
    # None of them reached a queue: a voicemail left in the IVR is IVR-only work.
    assert not record.offered
    expected = {
        Outcome.FINISHED_IN_IVR: Category.SELF_SERVICE,
        Outcome.VOICEMAIL: Category.IVR_OTHER,
        Outcome.ABANDONED_IN_IVR: Category.IVR_HANGUP,
    }
    assert record.category is expected[outcome]


def test_ivr_callback_accepted() -> None:
    b = RecordBuilder()
    session = Session(_flow(), session_id="c", caller="138")
    _play_through(session, session.begin(0.0), 0.0)
    _play_through(session, session.handle(DigitsPressed(digits="4"), 1.0), 1.0)
    _play_through(session, session.handle(DigitsPressed(digits="1"), 2.0), 2.0)
    (record,) = b.feed_all(session.take_events())
    assert record.outcome is Outcome.CALLBACK


def test_ivr_blocked_caller_and_transfer_out() -> None:
    b = RecordBuilder()
    blocked = Session(_flow(), session_id="spam", caller="400", status=CallerStatus.BLOCKED)
    blocked.begin(5.0)
    (record,) = b.feed_all(blocked.take_events())
    assert record.outcome is Outcome.BLOCKED
    flow = (
        FlowBuilder("out", start="menu")
        .prompt("menu", zh="1 branch office")
        .menu(
            "menu",
            prompt="menu",
            options={"1": "office"},
            on_no_input="office",
            on_no_match="office",
        )
        .transfer("office", to="+86 22 0000 0000")
        .build()
    )
    session = Session(flow, session_id="t", caller="138")
    _play_through(session, session.begin(10.0), 10.0)
    session.handle(DigitsPressed(digits="1"), 12.0)
    (moved,) = b.feed_all(session.take_events())
    assert moved.outcome is Outcome.OVERFLOWED
    assert moved.ivr_exited_at == 12.0


def test_ivr_then_acd_is_one_record_with_ivr_exit() -> None:
    engine = _engine()
    b = RecordBuilder()
    b.feed_all(engine.login("a1", 0.0))
    assert _ivr_call(b, "c", "1", 10.0) == []
    b.feed_all(engine.enqueue(Contact(id="c"), "q", 13.0))
    b.feed_all(engine.accept("c", 15.0))
    (record,) = b.feed_all(engine.complete("c", 75.0))
    assert record.outcome is Outcome.ANSWERED
    assert record.arrived_at == 10.0
    assert record.ivr_exited_at == 13.0
    assert record.queued_at == 13.0
    assert record.ivr_path == ("menu", "agent")


# ---------------------------------------------------------------------- errors


def _snapshot(b: RecordBuilder) -> tuple[object, ...]:
    return (
        b.now,
        b.open_contacts,
        sorted(b._contacts),
        dict(b._agents),
        [(c.id, c.phase, c.queues, c.agents) for c in b._contacts.values()],
    )


def test_bad_events_are_typed_errors_and_change_nothing() -> None:
    engine = _engine()
    b = RecordBuilder()
    b.feed_all(engine.login("a1", 0.0))
    queued = engine.enqueue(Contact(id="c"), "q", 10.0)
    b.feed_all(queued)
    answered = engine.accept("c", 12.0)
    before = _snapshot(b)
    with pytest.raises(InvalidArgumentError):
        b.feed("not an event")  # type: ignore[arg-type]
    stale = ContactAbandoned(
        at=5.0,
        contact_id="c",
        queue="q",
        agent_id=None,
        channel=Channel.VOICE,
        arrived_at=5.0,
        queued_at=5.0,
        offered_at=None,
    )
    with pytest.raises(TimeWentBackwardsError):
        b.feed(stale)
    answer = answered[0]
    assert isinstance(answer, ContactAnswered)
    with pytest.raises(IllegalTransitionError):
        b.feed(attrs.evolve(answer, contact_id="ghost"))
    assert _snapshot(b) == before
    b.feed_all(answered)
    with pytest.raises(IllegalTransitionError):
        b.feed(answer)  # answered twice
    assert b.open_contacts == 1


def test_feed_all_keeps_the_events_before_a_refused_one() -> None:
    engine = _engine()
    good = engine.login("a1", 0.0) + engine.enqueue(Contact(id="c"), "q", 10.0)
    answered = engine.accept("c", 12.0)
    completed = engine.complete("c", 50.0)
    answer = answered[0]
    assert isinstance(answer, ContactAnswered)
    for bad in (
        attrs.evolve(answer, contact_id="ghost"),  # refused by its handler
        attrs.evolve(answer, at=1.0),  # refused before its handler: time went back
    ):
        b, reference = RecordBuilder(), RecordBuilder()
        reference.feed_all(good)
        with pytest.raises(CallCenterError):
            b.feed_all([*good, bad, *answered])
        assert _snapshot(b) == _snapshot(reference)
        assert b.now == 10.0
        # Nothing of the refused event is left behind: the builder goes on as normal.
        (record,) = b.feed_all(answered + completed)
        assert (record.contact_id, record.outcome) == ("c", Outcome.ANSWERED)
        assert b.open_contacts == 0


# ---------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["arrive", "accept", "reject", "complete", "abandon", "tick"]),
            st.floats(min_value=0.0, max_value=30.0),
            st.integers(min_value=0, max_value=50),
        ),
        max_size=60,
    )
)
def test_every_contact_gets_exactly_one_record_and_kpis_agree(
    ops: list[tuple[str, float, int]],
) -> None:
    engine = _engine(wrap_up=5.0, capacity=3, ring_timeout=8.0)
    b = RecordBuilder()
    events: list[RoutingEvent] = []

    def run(new: list[RoutingEvent]) -> None:
        events.extend(new)
        records.extend(b.feed_all(new))
        # A bad event at any point is refused and changes nothing.
        if new:
            before = _snapshot(b)
            ghost = ContactAnswered(
                at=b.now,
                contact_id="ghost",
                queue="q",
                agent_id="a1",
                channel=Channel.VOICE,
                arrived_at=b.now,
                queued_at=b.now,
                offered_at=b.now,
            )
            with pytest.raises(IllegalTransitionError):
                b.feed(ghost)
            with pytest.raises(TimeWentBackwardsError):
                b.feed(attrs.evolve(ghost, at=b.now - 1.0))
            assert _snapshot(b) == before

    records: list[ContactRecord] = []
    t = 0.0
    run(engine.login("a1", t))
    run(engine.login("a2", t))
    arrived = 0
    for op, dt, pick in ops:
        t += dt
        due = engine.next_deadline()
        while due is not None and due <= t:
            run(engine.advance(due))
            due = engine.next_deadline()
        live = _known(engine, arrived)
        try:
            if op == "arrive":
                run(engine.enqueue(Contact(id=f"c{arrived}"), "q", t))
                arrived += 1
            elif op == "tick" or not live:
                run(engine.advance(t))
            else:
                cid = live[pick % len(live)]
                run(getattr(engine, op)(cid, t))
        except CallCenterError:
            pass
    # End the day: answer or drop what is left, then let wrap-ups end.
    for cid in _known(engine, arrived):
        phase = engine.contact_phase(cid)
        if phase == "active":
            run(engine.complete(cid, t))
        else:
            run(engine.abandon(cid, t))
    t += 100.0
    run(engine.advance(t))
    records.extend(b.close(t))
    ids = Counter(r.contact_id for r in records)
    assert set(ids) == {f"c{i}" for i in range(arrived)}
    assert all(n == 1 for n in ids.values())
    for r in records:
        stamps = [
            s
            for s in (r.arrived_at, r.queued_at, r.first_offered_at, r.answered_at, r.ended_at)
            if s is not None
        ]
        assert stamps == sorted(stamps)
    # A naive model: the outcome follows from the contact's last ACD event.
    last: dict[str, RoutingEvent] = {}
    for e in events:
        if not isinstance(e, AgentStateChanged):
            last[e.contact_id] = e
    naive = {
        ContactCompleted: Outcome.ANSWERED,
        ContactRefused: Outcome.REJECTED_QUEUE_FULL,
    }
    for r in records:
        e = last[r.contact_id]
        if isinstance(e, ContactAbandoned):
            expected = (
                Outcome.ABANDONED_IN_QUEUE if e.agent_id is None else Outcome.ABANDONED_RINGING
            )
        else:
            expected = naive[type(e)]
        assert r.outcome is expected
    answered = {e.contact_id for e in events if isinstance(e, ContactAnswered)}
    abandoned = {e.contact_id for e in events if isinstance(e, ContactAbandoned)}
    kpis = compute_kpis(records)
    assert kpis.answered == len(answered)
    assert kpis.abandoned == len(abandoned)
    assert sum(r.abandoned for r in records) == len(abandoned)
    if arrived:
        assert answer_rate(records) == pytest.approx(len(answered) / arrived)


def _known(engine: RoutingEngine, arrived: int) -> list[str]:
    out = []
    for i in range(arrived):
        try:
            engine.contact_phase(f"c{i}")
        except CallCenterError:
            continue
        out.append(f"c{i}")
    return out


@pytest.mark.parametrize(
    "result",
    [ivr.SessionResult.VOICEMAIL, ivr.SessionResult.ABANDONED, ivr.SessionResult.COMPLETED],
)
def test_a_call_while_closed_is_out_of_hours_whatever_it_did(result: ivr.SessionResult) -> None:
    b = RecordBuilder()
    events: list[ivr.SessionEvent] = [
        ivr.NodeEntered(session="c", node="hours", kind="hours", at=0.0),
        ivr.NodeExited(session="c", node="hours", outcome=ivr.NodeOutcome.CLOSED, at=0.0),
        ivr.NodeEntered(session="c", node="vm", kind="record", at=0.0),
        ivr.SessionEnded(session="c", result=result, node="vm", at=40.0, steps=2, attributes={}),
    ]
    (record,) = b.feed_all(events)
    assert record.outcome is Outcome.OUT_OF_HOURS
    assert record.category is Category.OUT_OF_HOURS
    values = compute_kpis([record])
    assert (values.total, values.out_of_hours, values.offered) == (1, 1, 0)
    assert values.answer_rate is None
    assert values.ivr_containment is None


def test_an_open_hours_node_changes_nothing() -> None:
    b = RecordBuilder()
    events: list[ivr.SessionEvent] = [
        ivr.NodeEntered(session="c", node="hours", kind="hours", at=0.0),
        ivr.NodeExited(session="c", node="hours", outcome=ivr.NodeOutcome.OPEN, at=0.0),
        ivr.SessionEnded(
            session="c",
            result=ivr.SessionResult.COMPLETED,
            node="bye",
            at=9.0,
            steps=2,
            attributes={},
        ),
    ]
    (record,) = b.feed_all(events)
    assert record.outcome is Outcome.FINISHED_IN_IVR


class FutureResult(enum.Enum):
    """A result a later IVR version might report."""

    SERVED = "served"


def test_an_ivr_result_the_builder_does_not_know_ends_in_the_ivr() -> None:
    # A later IVR version may report how a call ended in new words (say, a hang-up
    # after the caller was served); the contact still ends, in the IVR.
    b = RecordBuilder()
    events: list[ivr.SessionEvent] = [
        ivr.NodeEntered(session="c", node="menu", kind="menu", at=0.0),
        ivr.SessionEnded(
            session="c",
            result=FutureResult.SERVED,  # type: ignore[arg-type]
            node="menu",
            at=9.0,
            steps=1,
            attributes={},
        ),
    ]
    (record,) = b.feed_all(events)
    assert record.outcome is Outcome.FINISHED_IN_IVR
    assert b.open_contacts == 0
