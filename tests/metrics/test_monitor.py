"""The live monitor, fed by a real routing engine and real IVR sessions.

Random days are driven through the ACD and the IVR; every event goes both to a
:class:`LiveMonitor` and to a :class:`RecordBuilder`. While the day runs, the
wallboard's waiting, ringing and agent figures must be the engine's own; at the
end of the day, its counters must be what the daily report computes from the
builder's records.
"""

from __future__ import annotations

import copy
import datetime
import warnings
import zoneinfo
from collections.abc import Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter import ivr, routing
from callcenter.errors import (
    CallCenterError,
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
    UnknownIdError,
)
from callcenter.metrics import (
    AgentState,
    ContactRecord,
    KpiOptions,
    LiveMonitor,
    MonitorEvent,
    RecordBuilder,
    build_report,
    format_wallboard,
)
from callcenter.routing import (
    AgentDefinition,
    Contact,
    Membership,
    Overflow,
    OverflowKind,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
)

ZONE = "Asia/Shanghai"
TZ = zoneinfo.ZoneInfo(ZONE)
T = 20.0
SHORT = 5.0
QUEUES = ("business", "enquiry")
AGENTS = ("a1", "a2", "a3")
MORNING = datetime.datetime(2026, 10, 8, 8, 0, tzinfo=TZ).timestamp()

DEFINITION = RoutingDefinition(
    queues=(
        QueueDefinition(
            id="enquiry",
            capacity=3,
            ring_timeout=15.0,
            wrap_up=10.0,
            max_wait=240.0,
            overflow=Overflow(kind=OverflowKind.VOICEMAIL),
            auto_pause_after=0,
        ),
        QueueDefinition(id="business", ring_timeout=15.0, auto_pause_after=0),
    ),
    agents=(
        AgentDefinition(id="a1", queues=(Membership(queue="enquiry"),)),
        AgentDefinition(
            id="a2", queues=(Membership(queue="enquiry"), Membership(queue="business"))
        ),
        AgentDefinition(id="a3", queues=(Membership(queue="business"),)),
    ),
)

FLOW = (
    ivr.FlowBuilder("hotline", start="menu")
    .prompt("hello", zh="查询请按1，下单请按2，自助服务请按3")
    .menu(
        "menu",
        prompt="hello",
        options={"1": "enquiry", "2": "business", "3": "bye"},
        on_no_input="bye",
        on_no_match="bye",
    )
    .enqueue("enquiry", queue="enquiry")
    .enqueue("business", queue="business")
    .hangup("bye")
    .build()
)


class Day:
    """A hotline's engines with a monitor and a record builder fed the same events."""

    def __init__(self) -> None:
        self.engine = RoutingEngine(DEFINITION)
        self.monitor = LiveMonitor(
            timezone=ZONE, answer_time=T, short_abandon_seconds=SHORT, queues=QUEUES
        )
        self.builder = RecordBuilder()
        self.records: list[ContactRecord] = []
        self.sessions: dict[str, ivr.Session] = {}
        self.calls = 0
        self.transfers = 0
        self.now = MORNING
        self.last: MonitorEvent | None = None

    def feed(self, events: Sequence[MonitorEvent]) -> None:
        self.monitor.feed_all(events)
        self.records += self.builder.feed_all(events)
        if events:
            self.last = events[-1]

    def tick(self, dt: float) -> None:
        self.now += dt
        due = self.engine.next_deadline()
        while due is not None and due <= self.now:
            self.feed(self.engine.advance(due))
            due = self.engine.next_deadline()

    def live(self) -> list[str]:
        found = []
        for i in range(self.calls):
            try:
                self.engine.contact_phase(f"c{i}")
            except CallCenterError:
                continue
            found.append(f"c{i}")
        return found

    def ivr_step(self, session: ivr.Session, event: ivr.InputEvent | None) -> None:
        commands = session.begin(self.now) if event is None else session.handle(event, self.now)
        self.feed(session.take_events())
        for command in commands:
            if isinstance(command, ivr.Enqueue):
                contact = Contact(id=session.session_id)
                self.feed(self.engine.enqueue(contact, command.queue, self.now))
        if session.ended:
            del self.sessions[session.session_id]

    def call(self, key: str | None) -> None:
        cid = f"c{self.calls}"
        self.calls += 1
        session = ivr.Session(FLOW, session_id=cid, caller=f"1380000{self.calls:04}")
        self.sessions[cid] = session
        self.ivr_step(session, None)
        if key == "hangup":
            self.ivr_step(session, ivr.CallerHungUp())
        elif key is not None:
            self.ivr_step(session, ivr.DigitsPressed(digits=key))

    def agent(self, agent: str, action: str) -> None:
        try:
            if action == "login":
                events = self.engine.login(agent, self.now)
            elif action == "logout":
                events = self.engine.logout(agent, self.now)
            elif action == "ready":
                events = self.engine.set_ready(agent, self.now)
            else:
                events = self.engine.set_not_ready(agent, action, self.now)
        except CallCenterError:
            return  # refused by the engine: nothing happened
        self.feed(events)

    def contact(self, action: str, pick: int) -> None:
        live = self.live()
        if not live:
            return
        cid = live[pick % len(live)]
        try:
            if action == "transfer":
                queue = "business" if self.engine.contact_queue(cid) == "enquiry" else "enquiry"
                events = self.engine.transfer(cid, queue, self.now)
                self.transfers += 1
            else:
                events = getattr(self.engine, action)(cid, self.now)
        except CallCenterError:
            return
        self.feed(events)

    def close(self) -> None:
        """End the day: every call in the IVR or waiting hangs up, every talk ends."""
        for session in list(self.sessions.values()):
            self.ivr_step(session, ivr.CallerHungUp())
        for cid in self.live():
            phase = self.engine.contact_phase(cid)
            action = self.engine.complete if phase == "active" else self.engine.abandon
            self.feed(action(cid, self.now))
        self.tick(3600.0)  # every wrap-up ends


ACTIONS = st.one_of(
    st.tuples(st.just("call"), st.sampled_from(["1", "2", "3", "hangup", None])),
    st.tuples(
        st.just("agent"),
        st.sampled_from(AGENTS),
        st.sampled_from(["login", "logout", "ready", "lunch", "break"]),
    ),
    st.tuples(
        st.just("contact"),
        st.sampled_from(["accept", "accept", "reject", "complete", "abandon", "remove"]),
        st.integers(0, 20),
    ),
    st.tuples(st.just("wait"), st.sampled_from([0.0, 1.0, 5.0, 15.0, 20.0, 250.0])),
)


def run(day: Day, actions: Sequence[tuple[object, ...]]) -> None:
    for action in actions:
        kind = action[0]
        if kind == "call":
            day.call(action[1])  # type: ignore[arg-type]
        elif kind == "agent":
            day.agent(action[1], action[2])  # type: ignore[arg-type]
        elif kind == "contact":
            day.contact(action[1], action[2])  # type: ignore[arg-type]
        else:
            day.tick(action[1])  # type: ignore[arg-type]
        check_against_the_engine(day)
        check_a_refused_event_leaves_no_trace(day)


def check_a_refused_event_leaves_no_trace(day: Day) -> None:
    """Events the monitor must refuse change nothing, seen from its wallboard."""
    if day.last is None:
        return
    hostile: list[MonitorEvent] = [
        attrs.evolve(day.last, at=day.now - 1000.0),  # earlier than what was seen
        routing.ContactAnswered(
            contact_id="nobody",
            queue="enquiry",
            agent_id="a1",
            channel=routing.Channel.VOICE,
            arrived_at=day.now,
            queued_at=day.now,
            offered_at=day.now,
            at=day.now,
        ),
    ]
    if not isinstance(day.last, routing.AgentStateChanged | routing.ContactEscalated):
        hostile.append(attrs.evolve(day.last, at=day.now))  # the same move twice
    for event in hostile:
        twin = copy.deepcopy(day.monitor)
        try:
            twin.feed(event)
        except CallCenterError:
            assert twin.snapshot(day.now) == day.monitor.snapshot(day.now)
        else:
            # Replaying is legal for a few events (a contact queued again after
            # it left); the twin then simply moved on.
            assert event.at == day.now


def check_against_the_engine(day: Day) -> None:
    """Waiting, ringing, the longest wait and every agent's state are the engine's."""
    board = day.monitor.snapshot(day.now)
    engine = day.engine.snapshot(day.now)
    for q in engine.queues:
        mine = board.queues[q.queue]
        assert (mine.waiting, mine.ringing) == (q.waiting, q.ringing), q.queue
        # The engine's longest wait is over contacts not ringing; the wallboard's
        # counts ringing callers too (they still wait).
        assert (mine.longest_wait_seconds or 0.0) >= q.longest_wait
        if mine.ringing == 0:
            assert (mine.longest_wait_seconds or 0.0) == q.longest_wait
    agents = {a.agent_id: a for a in engine.agents if a.state is not AgentState.LOGGED_OUT}
    assert set(board.agents) == set(agents)
    for agent_id, mine_agent in board.agents.items():
        theirs = agents[agent_id]
        assert mine_agent.state is theirs.state
        assert mine_agent.reason == theirs.reason
        assert mine_agent.seconds_in_state == theirs.time_in_state
    assert board.in_ivr == len(day.sessions)


@settings(max_examples=60, deadline=None)
@given(actions=st.lists(ACTIONS, max_size=60))
def test_live_counters_at_the_end_of_the_day_are_the_daily_reports(
    actions: list[tuple[object, ...]],
) -> None:
    day = Day()
    for agent in AGENTS[:2]:
        day.agent(agent, "login")
    run(day, actions)
    day.close()
    board = day.monitor.snapshot(day.now)
    assert board.date == datetime.date(2026, 10, 8)  # the whole run is one day
    options = KpiOptions(answer_time=T, short_abandon_seconds=SHORT)
    report = build_report(day.records, granularity="day", timezone=ZONE, options=options)
    rows = {dict(r.group)["queue"]: r.kpis for r in report.rows}
    for queue in QUEUES:
        live = board.queues[queue]
        kpis = rows.get(queue)
        if kpis is None:
            assert (live.offered, live.answered, live.abandoned) == (0, 0, 0)
            continue
        assert live.offered == kpis.offered - kpis.short_abandoned
        assert live.answered == kpis.answered
        assert live.abandoned == kpis.abandoned
        assert live.left == kpis.flowed_out
        assert live.refused == kpis.other
        assert live.answer_rate == kpis.answer_rate
        assert live.service_level == kpis.service_level
        assert (live.waiting, live.ringing, live.talking) == (0, 0, 0)
    outside = rows.get("")
    ended = board.ivr_ended
    assert ended[ivr.SessionResult.COMPLETED] == (0 if outside is None else outside.self_service)
    assert ended[ivr.SessionResult.ABANDONED] == (0 if outside is None else outside.ivr_hangup)
    assert board.in_ivr == 0


TRANSFERS = st.one_of(
    ACTIONS, st.tuples(st.just("contact"), st.just("transfer"), st.integers(0, 20))
)


@settings(max_examples=40, deadline=None)
@given(actions=st.lists(TRANSFERS, max_size=60))
def test_with_transfers_the_wallboard_follows_the_engine(actions: list[tuple[object, ...]]) -> None:
    day = Day()
    for agent in AGENTS:
        day.agent(agent, "login")
    run(day, actions)
    day.close()
    board = day.monitor.snapshot(day.now)
    for queue in QUEUES:
        live = board.queues[queue]
        assert (live.waiting, live.ringing, live.talking) == (0, 0, 0)
    # Every contact offered to a queue had one outcome there.
    offered = sum(q.offered for q in board.queues.values())
    concluded = sum(
        q.answered + q.abandoned + q.left + q.refused + q.transferred for q in board.queues.values()
    )
    short = sum(1 for r in day.records if r.outcome.value.startswith("abandoned_in_q"))
    assert offered <= concluded <= offered + short + day.transfers


# --------------------------------------------------------------------------- units


def agent_change(
    agent: str, old: AgentState, new: AgentState, at: float, reason: str | None = None
) -> routing.AgentStateChanged:
    return routing.AgentStateChanged(
        agent_id=agent, old=old, new=new, since=at, at=at, reason=reason
    )


def queued(cid: str, queue: str, at: float) -> routing.ContactQueued:
    return routing.ContactQueued(
        contact_id=cid,
        queue=queue,
        channel=routing.Channel.VOICE,
        priority=0,
        arrived_at=at,
        queued_at=at,
        at=at,
    )


def abandoned(cid: str, queue: str, queued_at: float, at: float) -> routing.ContactAbandoned:
    return routing.ContactAbandoned(
        contact_id=cid,
        queue=queue,
        agent_id=None,
        channel=routing.Channel.VOICE,
        arrived_at=queued_at,
        queued_at=queued_at,
        offered_at=None,
        at=at,
    )


def test_agents_by_state_reasons_and_time_in_state() -> None:
    avail, nr, lo = AgentState.AVAILABLE, AgentState.NOT_READY, AgentState.LOGGED_OUT
    monitor = LiveMonitor()
    monitor.feed_all(
        [
            agent_change("a1", lo, avail, 0),
            agent_change("a2", lo, nr, 1, "lunch"),
            agent_change("a3", lo, nr, 2),
            agent_change("a2", nr, nr, 5, "training"),
            agent_change("a1", avail, lo, 6),
        ]
    )
    snap = monitor.snapshot(10)
    assert snap.agents_by_state[nr] == 2
    assert snap.agents_by_state[avail] == 0
    assert AgentState.LOGGED_OUT not in snap.agents_by_state
    assert dict(snap.not_ready_by_reason) == {"": 1, "training": 1}
    assert list(snap.agents) == ["a2", "a3"]
    assert (snap.agents["a2"].reason, snap.agents["a2"].seconds_in_state) == ("training", 5.0)
    assert snap.agents["a3"].since == 2


def test_an_agent_change_from_another_state_is_refused() -> None:
    monitor = LiveMonitor()
    monitor.feed(agent_change("a1", AgentState.LOGGED_OUT, AgentState.AVAILABLE, 0))
    with pytest.raises(IllegalTransitionError, match="allowed now: 'available'"):
        monitor.feed(agent_change("a1", AgentState.BUSY, AgentState.WRAP_UP, 1))
    assert monitor.snapshot(2).agents["a1"].state is AgentState.AVAILABLE


def test_errors_name_what_to_do_and_change_nothing() -> None:
    monitor = LiveMonitor()
    monitor.feed(queued("c1", "q", 10))
    before = monitor.snapshot(10)
    with pytest.raises(TimeWentBackwardsError):
        monitor.snapshot(5)
    with pytest.raises(DuplicateIdError):
        monitor.feed(queued("c1", "q", 11))
    with pytest.raises(UnknownIdError, match="did you mean 'c1'"):
        monitor.feed(abandoned("c11", "q", 10, 11))
    with pytest.raises(IllegalTransitionError, match="cannot complete; allowed now: 'talking'"):
        monitor.feed(
            routing.ContactCompleted(
                contact_id="c1",
                queue="q",
                agent_id="a1",
                channel=routing.Channel.VOICE,
                arrived_at=10,
                queued_at=10,
                offered_at=10,
                answered_at=10,
                at=11,
            )
        )
    with pytest.raises(InvalidArgumentError, match="timezone"):
        LiveMonitor(timezone="Nowhere/Atlantis")
    assert monitor.snapshot(10) == before


def test_what_is_not_an_acd_or_ivr_event_is_refused_by_name() -> None:
    monitor = LiveMonitor()
    monitor.feed(queued("c1", "q", 10))
    with pytest.raises(InvalidArgumentError, match=r"callcenter\.routing event"):
        monitor.feed(ivr.DigitsPressed(digits="1"))  # type: ignore[arg-type]
    assert monitor.snapshot(10).queues["q"].waiting == 1


def test_an_unhashable_id_is_refused_before_the_clock_moves() -> None:
    monitor = LiveMonitor()
    monitor.feed(queued("c1", "q", 10))
    with pytest.raises(InvalidArgumentError, match="queue"):
        monitor.feed(queued("c2", ["q"], 50))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="contact_id"):
        monitor.feed(abandoned(["c1"], "q", 10, 50))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="reason"):
        monitor.feed(
            agent_change(
                "a1",
                AgentState.LOGGED_OUT,
                AgentState.NOT_READY,
                50,
                ["lunch"],  # type: ignore[arg-type]
            )
        )
    # All or nothing: the refused events left the clock at 10.
    monitor.feed(abandoned("c1", "q", 10, 20))
    snap = monitor.snapshot(20)
    assert snap.queues["q"].abandoned == 1
    assert snap.agents == {}


def test_a_time_the_calendar_cannot_show_is_refused_cleanly() -> None:
    monitor = LiveMonitor(timezone=ZONE)
    monitor.feed(queued("c1", "q", 10))
    with pytest.raises(InvalidArgumentError):
        monitor.feed(abandoned("c1", "q", 10, 1e300))
    monitor.feed(abandoned("c1", "q", 10, 20))
    assert monitor.snapshot(30).queues["q"].abandoned == 1


def test_refusing_an_unknown_contact_does_not_read_every_known_one() -> None:
    monitor = LiveMonitor()
    monitor.feed_all(queued(f"c{i}", "q", float(i)) for i in range(1_000))
    with pytest.raises(UnknownIdError, match="1,000 contacts are known"):
        monitor.feed(abandoned("stale", "q", 0, 2_000.0))


def test_a_short_abandon_is_one_within_the_threshold() -> None:
    monitor = LiveMonitor(short_abandon_seconds=5)
    monitor.feed(queued("c1", "q", 0))
    monitor.feed(abandoned("c1", "q", 0, 5))  # exactly 5 s: short
    monitor.feed(queued("c2", "q", 10))
    monitor.feed(abandoned("c2", "q", 10, 15.5))
    board = monitor.snapshot(20).queues["q"]
    assert (board.offered, board.abandoned) == (1, 1)


def test_the_day_restarts_at_local_midnight_and_waiting_contacts_stay() -> None:
    monitor = LiveMonitor(timezone=ZONE)
    evening = datetime.datetime(2026, 10, 8, 23, 59, tzinfo=TZ).timestamp()
    monitor.feed_all([queued("c1", "q", evening), queued("c2", "q", evening)])
    monitor.feed(abandoned("c1", "q", evening, evening + 30))
    assert monitor.snapshot(evening + 59).queues["q"].abandoned == 1
    after = monitor.snapshot(evening + 61)
    assert after.date == datetime.date(2026, 10, 9)
    board = after.queues["q"]
    assert (board.offered, board.waiting, board.abandoned) == (1, 1, 0)
    assert board.longest_wait_seconds == 61


def test_a_transfer_offers_the_contact_to_its_new_queue() -> None:
    engine = RoutingEngine(DEFINITION)
    monitor = LiveMonitor(queues=QUEUES)
    monitor.feed_all(engine.login("a1", 0))
    monitor.feed_all(engine.enqueue(Contact(id="c1"), "enquiry", 10))
    monitor.feed_all(engine.accept("c1", 12))
    monitor.feed_all(engine.transfer("c1", "business", 70))
    board = monitor.snapshot(80)
    enquiry, business = board.queues["enquiry"], board.queues["business"]
    assert (enquiry.answered, enquiry.talking, enquiry.transferred) == (1, 0, 1)
    assert (business.offered, business.waiting, business.longest_wait_seconds) == (1, 1, 10)


def test_refused_and_overflowed_contacts_count_in_their_queue() -> None:
    engine = RoutingEngine(DEFINITION)
    monitor = LiveMonitor(queues=QUEUES)
    monitor.feed_all(engine.login("a1", 0))
    monitor.feed_all(engine.set_not_ready("a1", "lunch", 0))
    for i in range(4):  # capacity 3: the fourth is refused
        monitor.feed_all(engine.enqueue(Contact(id=f"c{i}"), "enquiry", 1))
    monitor.feed_all(engine.advance(241))  # max wait 240 s: off to voicemail
    board = monitor.snapshot(241).queues["enquiry"]
    assert (board.offered, board.refused, board.left, board.waiting) == (4, 1, 3, 0)
    assert board.answer_rate == 0.0
    assert board.service_level == 0.0


def test_calls_in_the_ivr_and_sessions_ended_by_result() -> None:
    monitor = LiveMonitor()
    sessions = [ivr.Session(FLOW, session_id=f"s{i}") for i in range(3)]
    for session in sessions:
        session.begin(0.0)
        monitor.feed_all(session.take_events())
    assert monitor.snapshot(0).in_ivr == 3
    sessions[0].handle(ivr.DigitsPressed(digits="3"), 5.0)
    sessions[1].handle(ivr.CallerHungUp(), 6.0)
    for session in sessions:
        monitor.feed_all(session.take_events())
    board = monitor.snapshot(7)
    assert board.in_ivr == 1
    assert board.ivr_ended[ivr.SessionResult.COMPLETED] == 1
    assert board.ivr_ended[ivr.SessionResult.ABANDONED] == 1
    assert sum(board.ivr_ended.values()) == 2


def test_handle_is_a_deprecated_name_of_feed() -> None:
    monitor = LiveMonitor()
    with pytest.warns(DeprecationWarning, match=r"LiveMonitor\.feed"):
        monitor.handle(queued("c1", "q", 0))
    assert monitor.snapshot(0).queues["q"].waiting == 1


def test_the_text_wallboard_shows_every_queue_and_agent() -> None:
    engine = RoutingEngine(DEFINITION)
    monitor = LiveMonitor(queues=QUEUES)
    monitor.feed_all(engine.login("a1", 0))
    monitor.feed_all(engine.login("a3", 0))
    monitor.feed_all(engine.set_not_ready("a3", "lunch", 0))
    monitor.feed_all(engine.enqueue(Contact(id="c1"), "enquiry", 10))
    monitor.feed_all(engine.accept("c1", 12))
    monitor.feed_all(engine.enqueue(Contact(id="c2"), "business", 20))
    text = format_wallboard(monitor.snapshot(95), title="Tianjin 400")
    lines = text.splitlines()
    assert lines[0] == "Tianjin 400"
    assert lines[1].endswith("in the IVR: 0  agents: busy 1, not_ready 1")
    rows = {line.split()[0]: line.split() for line in lines if line.startswith(("enq", "bus"))}
    assert rows["enquiry"][1:7] == ["0", "0", "1", "1", "1", "0"]
    assert rows["enquiry"][7:] == ["100.0%", "100.0%", "-"]
    assert rows["business"][1:7] == ["1", "0", "0", "1", "0", "0"]
    assert rows["business"][-1] == "0:01:15"
    agent_rows = {line.split()[0]: line.split() for line in lines if line.startswith("a")}
    assert agent_rows["a1"] == ["a1", "busy", "0:01:23"]
    assert agent_rows["a3"] == ["a3", "not_ready", "lunch", "0:01:35"]
    widths = {len(line) for line in lines[3:5]}
    assert len(widths) == 1  # header and rule line up


def test_an_empty_wallboard_says_so() -> None:
    text = format_wallboard(LiveMonitor().snapshot(0))
    assert text.splitlines()[2:] == ["(no queues)", "", "(no agents logged in)"]


def test_no_warning_is_raised_by_feeding() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        day = Day()
        day.agent("a1", "login")
        day.call("1")
        day.contact("accept", 0)
        assert day.monitor.snapshot(day.now).queues["enquiry"].talking == 1


@settings(max_examples=50, deadline=None)
@given(
    zone=st.sampled_from(["America/Santiago", "America/Havana", "Australia/Lord_Howe", ZONE]),
    start=st.integers(1_700_000_000, 1_800_000_000),
    steps=st.lists(st.integers(0, 8 * 3600), min_size=1, max_size=30),
)
def test_the_date_shown_is_the_local_date_even_across_clock_changes(
    zone: str, start: int, steps: list[int]
) -> None:
    monitor = LiveMonitor(timezone=zone)
    now = float(start)
    for step in steps:
        now += step
        assert (
            monitor.snapshot(now).date
            == datetime.datetime.fromtimestamp(now, zoneinfo.ZoneInfo(zone)).date()
        )
