"""The live monitor against a naive model that replays the whole event log."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from callcenter import routing
from callcenter.errors import (
    DuplicateIdError,
    EngineError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
    UnknownIdError,
)
from callcenter.metrics import (
    AgentState,
    AgentStateChanged,
    ContactAbandoned,
    ContactAnswered,
    ContactEnded,
    ContactLeftQueue,
    ContactQueued,
    ContactRinging,
    ContactRingingStopped,
    LiveMonitor,
    MonitorEvent,
    MonitorSnapshot,
    Outcome,
)

ZONE = "Asia/Shanghai"
TZ = zoneinfo.ZoneInfo(ZONE)
T = 20.0
SHORT = 5.0
QUEUES = ("enquiry", "business")
START = datetime.datetime(2026, 10, 8, 22, 0, tzinfo=TZ).timestamp()


def naive_snapshot(log: list[MonitorEvent], now: float) -> dict[str, object]:
    """Replay the log from the start and count what the wallboard should show."""
    today = datetime.datetime.fromtimestamp(now, TZ).date()
    day_start = datetime.datetime.combine(today, datetime.time(), TZ).timestamp()
    queue_of: dict[str, str] = {}
    queued_at: dict[str, float] = {}
    phase: dict[str, str] = {}
    concluded_at: dict[str, float] = {}
    short: set[str] = set()
    answered: dict[str, int] = dict.fromkeys(QUEUES, 0)
    within: dict[str, int] = dict.fromkeys(QUEUES, 0)
    abandoned: dict[str, int] = dict.fromkeys(QUEUES, 0)
    left: dict[str, int] = dict.fromkeys(QUEUES, 0)
    agents: dict[str, AgentState] = {}
    for e in log:
        if isinstance(e, AgentStateChanged):
            if e.state is None:
                agents.pop(e.agent_id, None)
            else:
                agents[e.agent_id] = e.state
            continue
        if isinstance(e, ContactQueued):
            queue_of[e.contact_id] = e.queue
            queued_at[e.contact_id] = e.at
            phase[e.contact_id] = "waiting"
            continue
        cid = e.contact_id
        q = queue_of[cid]
        on_day = e.at >= day_start
        if isinstance(e, ContactRinging):
            phase[cid] = "ringing"
        elif isinstance(e, ContactRingingStopped):
            phase[cid] = "waiting"
        elif isinstance(e, ContactAnswered):
            phase[cid] = "answered"
            concluded_at[cid] = e.at
            if on_day:
                answered[q] += 1
                within[q] += e.at - queued_at[cid] <= T
        elif isinstance(e, ContactAbandoned | ContactLeftQueue):
            phase[cid] = "gone"
            concluded_at[cid] = e.at
            if isinstance(e, ContactAbandoned) and e.at - queued_at[cid] <= SHORT:
                short.add(cid)
            elif on_day:
                if isinstance(e, ContactAbandoned):
                    abandoned[q] += 1
                else:
                    left[q] += 1
        else:
            phase[cid] = "gone"
    result: dict[str, object] = {}
    for q in QUEUES:
        mine = [c for c in queue_of if queue_of[c] == q]
        offered = [
            c
            for c in mine
            if c not in short
            and (queued_at[c] >= day_start or concluded_at.get(c, now + 1) >= day_start)
        ]
        present = [c for c in mine if phase[c] in ("waiting", "ringing")]
        concluded = answered[q] + abandoned[q] + left[q]
        waited = answered[q] + abandoned[q]
        result[q] = {
            "offered": len(offered),
            "waiting": len([c for c in present if phase[c] == "waiting"]),
            "ringing": len([c for c in present if phase[c] == "ringing"]),
            "answered": answered[q],
            "abandoned": abandoned[q],
            "left": left[q],
            "answer_rate": answered[q] / concluded if concluded else None,
            "service_level": within[q] / waited if waited else None,
            "longest_wait_seconds": (now - min(queued_at[c] for c in present) if present else None),
        }
    result["agents"] = dict(sorted(agents.items()))
    return result


def as_dict(snap: MonitorSnapshot) -> dict[str, object]:
    out: dict[str, object] = {}
    for q in QUEUES:
        s = snap.queues[q]
        out[q] = {
            "offered": s.offered,
            "waiting": s.waiting,
            "ringing": s.ringing,
            "answered": s.answered,
            "abandoned": s.abandoned,
            "left": s.left,
            "answer_rate": s.answer_rate,
            "service_level": s.service_level,
            "longest_wait_seconds": s.longest_wait_seconds,
        }
    out["agents"] = dict(snap.agents)
    return out


class MonitorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.monitor = LiveMonitor(
            timezone=ZONE, answer_time=T, short_abandon_seconds=SHORT, queues=QUEUES
        )
        self.log: list[MonitorEvent] = []
        self.now = START
        self.count = 0
        self.phase: dict[str, str] = {}

    def ids(self, *phases: str) -> list[str]:
        return sorted(c for c, p in self.phase.items() if p in phases)

    def send(self, event: MonitorEvent) -> None:
        self.monitor.handle(event)
        self.log.append(event)

    @rule(dt=st.sampled_from([0.0, 1.0, 3.0, 15.0, 21.0, 600.0, 3 * 3600.0]))
    def advance(self, dt: float) -> None:
        self.now += dt

    @rule(queue=st.sampled_from(QUEUES))
    def queue(self, queue: str) -> None:
        self.count += 1
        cid = f"c{self.count}"
        self.send(ContactQueued(contact_id=cid, queue=queue, at=self.now))
        self.phase[cid] = "waiting"

    @precondition(lambda self: self.ids("waiting", "ringing"))
    @rule(data=st.data(), action=st.sampled_from(["ring", "answer", "abandon", "leave"]))
    def progress(self, data: st.DataObject, action: str) -> None:
        cid = data.draw(st.sampled_from(self.ids("waiting", "ringing")))
        if action == "ring":
            self.send(ContactRinging(contact_id=cid, agent_id="a1", at=self.now))
            self.phase[cid] = "ringing"
        elif action == "answer":
            self.send(ContactAnswered(contact_id=cid, agent_id="a1", at=self.now))
            self.phase[cid] = "answered"
        elif action == "abandon":
            self.send(ContactAbandoned(contact_id=cid, at=self.now))
            del self.phase[cid]
        else:
            outcome = data.draw(
                st.sampled_from([Outcome.VOICEMAIL, Outcome.CALLBACK, Outcome.OVERFLOWED])
            )
            self.send(ContactLeftQueue(contact_id=cid, outcome=outcome, at=self.now))
            del self.phase[cid]

    @precondition(lambda self: self.ids("ringing"))
    @rule(data=st.data())
    def stop_ringing(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(self.ids("ringing")))
        self.send(ContactRingingStopped(contact_id=cid, at=self.now))
        self.phase[cid] = "waiting"

    @precondition(lambda self: self.ids("answered"))
    @rule(data=st.data())
    def end(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(self.ids("answered")))
        self.send(ContactEnded(contact_id=cid, at=self.now))
        del self.phase[cid]

    @rule(
        agent=st.sampled_from(["a1", "a2", "a3"]),
        state=st.none() | st.sampled_from(list(AgentState)),
    )
    def agent_state(self, agent: str, state: AgentState | None) -> None:
        reason = "lunch" if state is AgentState.NOT_READY else None
        self.send(AgentStateChanged(agent_id=agent, state=state, at=self.now, reason=reason))

    @rule(data=st.data())
    def illegal_event_changes_nothing(self, data: st.DataObject) -> None:
        before = as_dict(self.monitor.snapshot(self.now))
        candidates: list[MonitorEvent] = [
            ContactAnswered(contact_id="nobody", agent_id="a1", at=self.now),
            ContactQueued(contact_id="c1", queue="enquiry", at=self.now - 1),
        ]
        candidates += [
            ContactEnded(contact_id=c, at=self.now) for c in self.ids("waiting", "ringing")
        ]
        candidates += [
            ContactAnswered(contact_id=c, agent_id="a1", at=self.now) for c in self.ids("answered")
        ]
        candidates += [
            ContactQueued(contact_id=c, queue="enquiry", at=self.now) for c in self.phase
        ]
        event = data.draw(st.sampled_from(candidates))
        with pytest.raises(EngineError):
            self.monitor.handle(event)
        assert as_dict(self.monitor.snapshot(self.now)) == before

    @invariant()
    def matches_the_naive_replay(self) -> None:
        got = as_dict(self.monitor.snapshot(self.now))
        assert got == naive_snapshot(self.log, self.now)


MonitorMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40)
TestMonitor = MonitorMachine.TestCase


def test_agents_by_state_and_reasons() -> None:
    monitor = LiveMonitor()
    monitor.handle(AgentStateChanged(agent_id="a1", state=AgentState.AVAILABLE, at=0))
    monitor.handle(
        AgentStateChanged(agent_id="a2", state=AgentState.NOT_READY, at=1, reason="lunch")
    )
    monitor.handle(AgentStateChanged(agent_id="a3", state=AgentState.NOT_READY, at=2))
    monitor.handle(AgentStateChanged(agent_id="a1", state=None, at=3))
    snap = monitor.snapshot(4)
    assert snap.agents_by_state[AgentState.NOT_READY] == 2
    assert snap.agents_by_state[AgentState.AVAILABLE] == 0
    assert dict(snap.not_ready_by_reason) == {"": 1, "lunch": 1}
    assert "a1" not in snap.agents


def test_errors_name_what_to_do() -> None:
    monitor = LiveMonitor()
    monitor.handle(ContactQueued(contact_id="c1", queue="q", at=10))
    with pytest.raises(TimeWentBackwardsError):
        monitor.snapshot(5)
    with pytest.raises(DuplicateIdError):
        monitor.handle(ContactQueued(contact_id="c1", queue="q", at=11))
    with pytest.raises(UnknownIdError, match="did you mean 'c1'"):
        monitor.handle(ContactAbandoned(contact_id="c11", at=11))
    with pytest.raises(IllegalTransitionError, match="allowed now: 'answered'"):
        monitor.handle(ContactEnded(contact_id="c1", at=11))
    with pytest.raises(InvalidArgumentError, match="outcome"):
        monitor.handle(ContactLeftQueue(contact_id="c1", outcome=Outcome.ANSWERED, at=11))
    with pytest.raises(InvalidArgumentError, match="timezone"):
        LiveMonitor(timezone="Nowhere/Atlantis")
    assert monitor.snapshot(12).queues["q"].waiting == 1


@pytest.mark.parametrize(
    "event",
    [
        routing.ContactAnswered(
            contact_id="c1",
            queue="q",
            agent_id="a1",
            channel=routing.Channel.VOICE,
            arrived_at=10.0,
            queued_at=10.0,
            offered_at=15.0,
            at=20.0,
        ),
        routing.ContactQueued(
            contact_id="c2",
            queue="q",
            channel=routing.Channel.VOICE,
            priority=0,
            arrived_at=20.0,
            queued_at=20.0,
            at=20.0,
        ),
        routing.ContactAbandoned(
            contact_id="c1",
            queue="q",
            agent_id=None,
            channel=routing.Channel.VOICE,
            arrived_at=10.0,
            queued_at=10.0,
            offered_at=None,
            at=20.0,
        ),
    ],
)
def test_events_of_another_package_are_refused_by_name(event: object) -> None:
    monitor = LiveMonitor()
    monitor.handle(ContactQueued(contact_id="c1", queue="q", at=10))
    with pytest.raises(InvalidArgumentError, match=r"from callcenter\.routing"):
        monitor.handle(event)  # type: ignore[arg-type]
    # Refused without a trace: the contact still waits, the clock did not move.
    board = monitor.snapshot(10).queues["q"]
    assert (board.waiting, board.answered, board.abandoned) == (1, 0, 0)


def test_an_unhashable_queue_is_refused_before_the_clock_moves() -> None:
    monitor = LiveMonitor()
    monitor.handle(ContactQueued(contact_id="c1", queue="q", at=10))
    with pytest.raises(InvalidArgumentError, match="queue"):
        monitor.handle(ContactQueued(contact_id="c2", queue=["q"], at=50))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="contact_id"):
        monitor.handle(ContactAbandoned(contact_id=["c1"], at=50))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="reason"):
        monitor.handle(
            AgentStateChanged(
                agent_id="a1",
                state=AgentState.NOT_READY,
                reason=["lunch"],  # type: ignore[arg-type]
                at=50,
            )
        )
    # All or nothing: the refused events left the clock at 10.
    monitor.handle(ContactAbandoned(contact_id="c1", at=20))
    snap = monitor.snapshot(20)
    assert snap.queues["q"].abandoned == 1
    assert snap.agents == {}


def test_a_time_the_calendar_cannot_show_is_refused_cleanly() -> None:
    monitor = LiveMonitor(timezone=ZONE)
    monitor.handle(ContactQueued(contact_id="c1", queue="q", at=10))
    with pytest.raises(InvalidArgumentError):
        monitor.handle(ContactAbandoned(contact_id="c1", at=1e300))
    monitor.handle(ContactAbandoned(contact_id="c1", at=20))
    assert monitor.snapshot(30).queues["q"].abandoned == 1


def test_refusing_an_unknown_contact_does_not_read_every_known_one() -> None:
    monitor = LiveMonitor()
    for i in range(1_000):
        monitor.handle(ContactQueued(contact_id=f"c{i}", queue="q", at=float(i)))
    with pytest.raises(UnknownIdError, match="1,000 contacts are known"):
        monitor.handle(ContactAbandoned(contact_id="stale", at=2_000.0))


def test_a_short_abandon_is_one_within_the_threshold() -> None:
    monitor = LiveMonitor(short_abandon_seconds=5)
    monitor.handle(ContactQueued(contact_id="c1", queue="q", at=0))
    monitor.handle(ContactAbandoned(contact_id="c1", at=5))  # exactly 5 s: short
    monitor.handle(ContactQueued(contact_id="c2", queue="q", at=10))
    monitor.handle(ContactAbandoned(contact_id="c2", at=15.5))
    board = monitor.snapshot(20).queues["q"]
    assert (board.offered, board.abandoned) == (1, 1)
