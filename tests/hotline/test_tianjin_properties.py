"""Properties of the Tianjin hotline of ``examples/``: hostile hosts, and the wallboard.

* Hostile inputs (every field of every input, garbage times, far jumps, a wallboard
  asked ahead) raise only library errors, leave the hotline exactly as it was, never
  put the next deadline at or before the latest ``now``, and cost bounded work.
* The wallboard's figures for a day are the ones the day's records and the live
  calls give, worked out here from them alone.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import CallCenterError
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLegFailed,
    AgentLegRinging,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentNotReady,
    AgentReady,
    CallArrived,
    CallCommand,
    CallInput,
    CallOnHold,
    CallPhase,
    ContactFinished,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    HotlineOutput,
    TransferRequested,
    WrapUpDone,
    load_hotline,
)
from callcenter.ivr import (
    AskHost,
    CallerHungUp,
    DigitsPressed,
    HostAnswered,
    HostFailed,
    HostNotFound,
    PromptFinished,
    RecordingFinished,
    SpeechHeard,
)
from callcenter.metrics import ContactRecord, Outcome
from callcenter.routing import AgentState

ROOT = Path(__file__).resolve().parents[2]
TIANJIN = load_hotline(ROOT / "examples" / "hotline" / "tianjin.toml")
# The same, announcing the queue position every second (the shortest interval a
# definition allows): late wake-ups catch up.
CHATTY = attrs.evolve(TIANJIN, hold=attrs.evolve(TIANJIN.hold, announce_every=1.0))
AGENTS = tuple(agent.id for agent in TIANJIN.routing.agents)
QUEUES = tuple(queue.id for queue in TIANJIN.routing.queues)

# 2026-12-01, a Tuesday: 12:00 and 09:00 in Asia/Shanghai; 22:00 (the IVR's closed way).
NOON = 1_796_097_600.0
MORNING = NOON - 3 * 3600.0
NIGHT = NOON + 10 * 3600.0

CALLERS = ["13800000101", "17000000666", "13800138000", "", "anonymous", "022 2345 6789"]

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.just("x" * 300),
    st.just("\ud800"),
    st.just("天津" * 200),
    st.lists(st.integers(), max_size=2),
    st.binary(max_size=2),
    st.builds(object),
)


def _maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the valid value, sometimes garbage of any type."""
    return st.one_of(valid, valid, valid, junk)


def _ivr_events(request: int) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(["1", "2", "3", "0", "9", "#", "*", "123456789012#", "12"])
    return st.one_of(
        st.builds(DigitsPressed, digits=_maybe(keys)),
        st.builds(SpeechHeard, text=_maybe(st.text(max_size=5))),
        st.just(PromptFinished()),
        st.builds(
            HostAnswered,
            request=_maybe(st.just(request)),
            values=_maybe(st.sampled_from([{}, {"status": "signed", "location": "TJ"}])),
        ),
        st.builds(HostNotFound, request=_maybe(st.just(request))),
        st.builds(HostFailed, request=_maybe(st.just(request)), reason=_maybe(st.just("down"))),
        st.builds(RecordingFinished, reference=_maybe(st.just("vm")), seconds=_maybe(st.floats())),
        st.just(CallerHungUp()),
        junk,
    )


def _draw_input(data: st.DataObject, hotline: Hotline, requests: dict[str, int]) -> Any:
    """An input about a live call or agent most of the time, with garbage mixed in."""
    live = hotline.live_calls()
    call = data.draw(st.sampled_from([*live, *live, "c0", f"n{data.draw(st.integers(0, 40))}"]))
    agent = data.draw(st.sampled_from(AGENTS))
    talking_to = hotline.call(call).agent if call in live else None
    if talking_to is not None:
        agent = data.draw(st.sampled_from([talking_to, agent]))
    c, a = _maybe(st.just(call)), _maybe(st.just(agent))
    # One kind drawn first, then its strategy built: building them all each step
    # would cost most of the test's time.
    kinds: list[Callable[[], st.SearchStrategy[Any]]] = [
        lambda: st.none(),  # advance
        lambda: st.builds(
            CallArrived,
            call_id=c,
            line=_maybe(st.sampled_from(["hotline", "4008001234"])),
            caller=_maybe(st.sampled_from(CALLERS)),
            caller_name=_maybe(st.text(max_size=3)),
        ),
        lambda: st.builds(CallInput, call_id=c, event=_ivr_events(requests.get(call, 1))),
        lambda: st.builds(CallInput, call_id=c, event=_ivr_events(requests.get(call, 1))),
        lambda: st.builds(AgentLoggedIn, agent_id=a, ready=_maybe(st.booleans())),
        lambda: st.builds(AgentReady, agent_id=a),
        lambda: st.builds(AgentNotReady, agent_id=a, reason=_maybe(st.sampled_from(["break", ""]))),
        lambda: st.builds(AgentLoggedOut, agent_id=a),
        lambda: st.builds(WrapUpDone, agent_id=a),
        lambda: st.builds(AgentLegRinging, call_id=c, agent_id=a),
        lambda: st.builds(AgentLegAnswered, call_id=c, agent_id=a),
        lambda: st.builds(AgentLegAnswered, call_id=c, agent_id=a),
        lambda: st.builds(AgentLegDeclined, call_id=c, agent_id=a, reason=_maybe(st.just("busy"))),
        lambda: st.builds(AgentLegFailed, call_id=c, agent_id=a, reason=_maybe(st.just("404"))),
        lambda: st.builds(
            AgentLegEnded,
            call_id=c,
            agent_id=a,
            outcome=_maybe(st.sampled_from([None, "complaint", "other"])),
            fields=_maybe(st.sampled_from([{}, {"description": "crushed"}, {"x": "y"}])),
        ),
        lambda: st.builds(
            TransferRequested,
            call_id=c,
            agent_id=a,
            queue=_maybe(st.sampled_from([None, *QUEUES, "nowhere"])),
            agent=_maybe(st.sampled_from([None, *AGENTS])),
            number=_maybe(st.sampled_from([None, "+862200000000"])),
        ),
        lambda: st.builds(CallOnHold, call_id=c, agent_id=a, on=_maybe(st.booleans())),
        lambda: junk,
    ]
    return data.draw(kinds[data.draw(st.integers(0, len(kinds) - 1))]())


# Seconds to the next step: mostly a few, sometimes past timeouts, sometimes far
# ahead (years, the last day a time may name), sometimes not a time at all.
steps = st.one_of(
    st.floats(min_value=0.0, max_value=5.0),
    st.floats(min_value=0.0, max_value=5.0),
    st.floats(min_value=0.0, max_value=90.0),
    st.floats(min_value=-3.0, max_value=0.0),
    st.floats(min_value=0.0, max_value=1e9),
    st.just(250_000_000_000.0 - NIGHT),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1.8e12, "now", None, True]),
)


@settings(max_examples=60)
@given(
    data=st.data(),
    size=st.integers(min_value=0, max_value=50),
    start=st.sampled_from([NOON, NIGHT]),
    definition=st.sampled_from([TIANJIN, CHATTY]),
)
def test_a_hostile_host_meets_only_library_errors_and_leaves_no_trace(
    data: st.DataObject, size: int, start: float, definition: HotlineDefinition
) -> None:
    """A twin fed the same inputs, and never asked for its wallboard, agrees on all."""
    hotline = Hotline(definition, seed=5)
    twin = Hotline(definition, seed=5)
    requests: dict[str, int] = {}  # each call's latest host request
    now = start
    for _ in range(size):
        item = _draw_input(data, hotline, requests)
        step: Any = data.draw(steps)
        at: Any = now + step if type(step) is float else step
        saved = json.dumps(hotline.to_dict())
        deadline = hotline.next_deadline()
        try:
            out: list[HotlineOutput] = (
                hotline.advance(at) if item is None else hotline.handle(item, at)
            )
        except CallCenterError as error:
            assert json.dumps(hotline.to_dict()) == saved
            assert hotline.next_deadline() == deadline
            # The twin, in the same state, refuses it too: a refusal depends on the
            # state and the input only (not on a wallboard asked before).
            with pytest.raises(type(error)):
                twin.advance(at) if item is None else twin.handle(item, at)
            continue
        now = at
        assert out == (twin.advance(at) if item is None else twin.handle(item, at))
        deadline = hotline.next_deadline()
        assert deadline is None or deadline > now
        for output in out:
            call_id = output.call_id
            assert isinstance(call_id, str)  # every ticket here was opened by a call
            assert call_id
            if isinstance(output, CallCommand) and isinstance(output.command, AskHost):
                requests[call_id] = output.command.request
        if data.draw(st.integers(0, 4)) == 0:
            ahead = data.draw(st.sampled_from([0.0, 30.0, 90_000.0]))
            board = hotline.wallboard(now + ahead)
            assert board.at == now + ahead
    assert hotline.to_dict() == twin.to_dict()
    copy = Hotline.from_dict(definition, json.loads(json.dumps(hotline.to_dict())))
    assert copy.live_calls() == hotline.live_calls()
    assert copy.next_deadline() == hotline.next_deadline()


# --------------------------------------------------------------------------- a day


def _live_day(rnd: random.Random, steps: int) -> tuple[Hotline, list[ContactRecord], float]:
    """A random morning of callers and agents, then every talk ended and the day closed.

    No transfers: each record's last queue is the one queue a call was offered to.
    Before the talks end, each logged-in agent's wallboard line is checked against
    the agent's state intervals and logins.
    """
    hotline = Hotline(TIANJIN, seed=rnd.randrange(1000))
    records: list[ContactRecord] = []
    logins: dict[str, float] = {}
    now = MORNING
    serial = 0

    def feed(item: HotlineInput | None) -> None:
        try:
            out = hotline.advance(now) if item is None else hotline.handle(item, now)
        except CallCenterError:
            return  # an input that no longer fits (an agent gone busy...): skipped
        records.extend(o.record for o in out if isinstance(o, ContactFinished))
        if isinstance(item, AgentLoggedIn):
            logins[item.agent_id] = now

    for agent in AGENTS:
        feed(AgentLoggedIn(agent_id=agent, ready=rnd.random() < 0.8))
    for _ in range(steps):
        now += min(rnd.expovariate(1 / 6.0), 120.0)
        roll = rnd.random()
        live = hotline.live_calls()
        if roll < 0.2 or not live:
            serial += 1
            caller = rnd.choice(CALLERS)
            feed(CallArrived(call_id=f"c{serial}", line="hotline", caller=caller))
        elif roll < 0.75:
            call = rnd.choice(live)
            view = hotline.call(call)
            hang_up = CallInput(call_id=call, event=CallerHungUp())
            if view.phase is CallPhase.IVR:
                keys = rnd.choice(["1", "2", "3", "0", "123456789012#"])
                feed(CallInput(call_id=call, event=DigitsPressed(digits=keys)))
            elif view.phase is CallPhase.RINGING:
                assert view.agent is not None
                answer = AgentLegAnswered(call_id=call, agent_id=view.agent)
                decline = AgentLegDeclined(call_id=call, agent_id=view.agent)
                ringing: list[HotlineInput] = [answer, answer, answer, decline, hang_up]
                feed(rnd.choice(ringing))
            elif view.phase is CallPhase.CONNECTED:
                assert view.agent is not None
                end = AgentLegEnded(call_id=call, agent_id=view.agent)
                hold = CallOnHold(call_id=call, agent_id=view.agent, on=rnd.random() < 0.5)
                talking: list[HotlineInput] = [end, end, hang_up, hold]
                feed(rnd.choice(talking))
            elif rnd.random() < 0.15:
                feed(hang_up)
        elif roll < 0.85:
            agent = rnd.choice(AGENTS)
            presence: list[HotlineInput] = [
                AgentReady(agent_id=agent),
                AgentNotReady(agent_id=agent, reason=rnd.choice(["break", "lunch"])),
                WrapUpDone(agent_id=agent),
                AgentLoggedIn(agent_id=agent),
                AgentLoggedOut(agent_id=agent),
            ]
            feed(rnd.choice(presence))
        else:
            feed(None)
    _check_agents(hotline, logins, now)
    for call in hotline.live_calls():
        view = hotline.call(call)
        if view.phase is CallPhase.CONNECTED:
            assert view.agent is not None
            feed(AgentLegEnded(call_id=call, agent_id=view.agent))
    out = hotline.close(now)
    records.extend(o.record for o in out if isinstance(o, ContactFinished))
    return hotline, records, now


def _check_agents(hotline: Hotline, logins: dict[str, float], now: float) -> None:
    """Each agent's line: its state, a reason when not ready, and since its last change."""
    board = hotline.wallboard(now)
    intervals = hotline.take_intervals()
    for agent in AGENTS:
        state = hotline.agent_state(agent)
        if state is AgentState.LOGGED_OUT:
            assert agent not in board.agents
            continue
        status = board.agents[agent]
        assert status.state is state
        assert (status.reason is not None) == (state is AgentState.NOT_READY)
        # The state began at the agent's latest change: a closed interval's end, or
        # the login (a logged-out stretch is no interval).
        since = max([logins[agent], *(i.end for i in intervals if i.agent_id == agent)])
        assert status.since == since
        assert status.seconds_in_state == now - since


_ABANDONED = (Outcome.ABANDONED_IN_QUEUE, Outcome.ABANDONED_RINGING)
_LEFT = (Outcome.CALLBACK, Outcome.VOICEMAIL, Outcome.OVERFLOWED)
_REFUSED = (Outcome.REJECTED_QUEUE_FULL, Outcome.BLOCKED)


@settings(max_examples=15)
@given(rnd=st.randoms(use_true_random=False), steps=st.integers(min_value=0, max_value=400))
def test_the_wallboard_of_a_day_agrees_with_its_records_and_live_calls(
    rnd: random.Random, steps: int
) -> None:
    hotline, records, now = _live_day(rnd, steps)
    board = hotline.wallboard(now)
    answer_time = TIANJIN.answer_time
    for queue in QUEUES:
        mine = [r for r in records if r.queues and r.queues[-1] == queue]
        answered = [r for r in mine if r.outcome is Outcome.ANSWERED]
        within = [
            r
            for r in answered
            if r.answered_at is not None
            and r.queued_at is not None
            and r.answered_at - r.queued_at <= answer_time
        ]
        abandoned = sum(r.outcome in _ABANDONED for r in mine)
        left = sum(r.outcome in _LEFT for r in mine)
        refused = sum(r.outcome in _REFUSED for r in mine)
        views = [hotline.call(c) for c in hotline.live_calls()]
        here = [v.phase for v in views if v.queue == queue]
        status = board.queues[queue]
        assert status.answered == len(answered)
        assert (status.abandoned, status.left, status.refused) == (abandoned, left, refused)
        assert status.waiting == here.count(CallPhase.QUEUED)
        assert status.ringing == here.count(CallPhase.RINGING)
        assert status.talking == 0  # every talk was ended
        concluded = len(answered) + abandoned + left + refused
        if concluded:
            assert status.answer_rate == len(answered) / concluded
        else:
            assert status.answer_rate is None
        waited = len(answered) + abandoned + left
        if waited:
            assert status.service_level == len(within) / waited
        else:
            assert status.service_level is None
        if status.waiting + status.ringing:
            assert status.longest_wait_seconds is not None
            assert 0.0 <= status.longest_wait_seconds <= now - MORNING
        else:
            assert status.longest_wait_seconds is None
    assert board.in_ivr == sum(hotline.call(c).phase is CallPhase.IVR for c in hotline.live_calls())
