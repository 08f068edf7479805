"""The hotline driven by random callers and agents, against a naive model of the telephony.

Two lines (one straight to a queue, one through a menu), two queues every agent
serves, three agents who sign in and out, take breaks, answer, decline, miss the
ring, hold, move calls to the other queue, hang up and wrap up; callers who press
keys and hang up at any moment; time that passes in steps.

The model knows only what an adapter knows: the inputs it fed and the outputs that
came back. From them it keeps each call's phase (in the IVR, queued, ringing,
connected, finished) and each agent's presence and phone, and checks after every
step that

* every call that arrived is in exactly one phase, the one the hotline reports, and
  has no contact record until it ends and exactly one after; a call that ended while
  an agent talked to it gets its record when the agent's wrap-up ends (the hotline
  reports it finished from the hang-up on);
* no agent's phone rings or talks for two calls at once;
* no caller waits while an agent who may take the call is ready and idle (the ACD
  offers at once; an agent who declined or missed a call is not offered it again; an
  agent in wrap-up is not idle);
* a call an agent moves to another queue waits there again, and the agent wraps up;
* a copy rebuilt with ``from_dict(to_dict())`` at any moment gives the same outputs
  as the original for every later input;
* an input the hotline refuses changes nothing.
"""

from __future__ import annotations

from collections import Counter

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from callcenter.errors import CallCenterError
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentNotReady,
    AgentReady,
    CallArrived,
    CallCommand,
    CallInput,
    CallOnHold,
    CallPhase,
    ConnectAgent,
    ContactFinished,
    EndCall,
    HoldCaller,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    HotlineOutput,
    Line,
    RejectCall,
    RingAgent,
    StopRinging,
    TransferCall,
    TransferRequested,
    WrapUpDone,
)
from callcenter.ivr import CallerHungUp, DigitsPressed, Enqueue, FlowBuilder, HangUp
from callcenter.routing import AgentDefinition, Membership, QueueDefinition, RoutingDefinition

AGENTS = ("a1", "a2", "a3")
WRAP_UP = 10.0
QUEUES = ("q", "r")  # every agent serves both; calls come to q and may be moved to r
START = 1_791_424_800.0  # 2026-10-08 10:00 in Tianjin


def definition() -> HotlineDefinition:
    """Two lines into one queue: one straight to it, one through a two-key menu."""
    flow = (
        FlowBuilder("menu", start="main", languages=["zh"], queues=["q"])
        .prompt("welcome", zh="您好,人工服务请按1,结束请按9。")
        .prompt("bye", zh="再见。")
        .menu(
            "main",
            prompt="welcome",
            options={"1": "agent", "9": "bye"},
            on_no_input="agent",
            on_no_match="agent",
        )
        .enqueue("agent", queue="q")
        .say("bye", prompt="bye", next="end")
        .hangup("end")
        .build()
    )
    return HotlineDefinition(
        name="stateful",
        timezone="Asia/Shanghai",
        lines=(
            Line(id="direct", number="4001", queue="q"),
            Line(id="menu", number="4002", flow="menu"),
        ),
        flows={"menu": flow},
        routing=RoutingDefinition(
            queues=(
                *(
                    QueueDefinition(
                        id=queue,
                        ring_timeout=15.0,
                        wrap_up=WRAP_UP,
                        auto_pause_after=0,
                        retry_after=1e6,
                    )
                    for queue in QUEUES
                ),
            ),
            agents=tuple(
                AgentDefinition(id=agent, queues=tuple(Membership(queue=q) for q in QUEUES))
                for agent in AGENTS
            ),
        ),
    )


DEFINITION = definition()

ACTIVE = {"ivr", "queued", "ringing", "connected"}


@attrs.define
class Model:
    """What an adapter knows, from the inputs it fed and the outputs it got."""

    phase: dict[str, str] = attrs.field(factory=dict)
    agent_of: dict[str, str] = attrs.field(factory=dict)  # call -> ringing/connected agent
    records: Counter[str] = attrs.field(factory=Counter)
    presence: dict[str, str] = attrs.field(factory=lambda: dict.fromkeys(AGENTS, "out"))
    phone: dict[str, str] = attrs.field(factory=dict)  # agent -> call
    queue_of: dict[str, str] = attrs.field(factory=dict)  # call -> queue it waits in
    # agent -> (the call they wrap up, when the wrap-up ends)
    wrapping: dict[str, tuple[str, float]] = attrs.field(factory=dict)
    last_agent: dict[str, str] = attrs.field(factory=dict)  # ended call -> who wraps it up
    now: float = START
    refused: set[tuple[str, str]] = attrs.field(factory=set)  # (agent, call) not to offer

    def see(self, output: HotlineOutput) -> None:
        """Update the model with one output, checking what an adapter can check."""
        match output:
            case RejectCall(call_id=call):
                self.phase[call] = "finished"
            case HoldCaller(call_id=call, queue=queue):
                assert self.phase[call] in ACTIVE, output
                self.queue_of[call] = queue
                if self.phase[call] == "ivr":
                    self.phase[call] = "queued"
            case CallCommand(call_id=call, command=Enqueue()):
                self.phase[call] = "queued"
            case CallCommand(call_id=call, command=HangUp()):
                assert self.phase[call] == "ivr", output
            case RingAgent(call_id=call, agent_id=agent):
                assert agent not in self.phone, f"{agent} rings for {call} while on {self.phone}"
                if agent in self.wrapping:  # the wrap-up timer ended it
                    assert self.now >= self.wrapping[agent][1], f"{agent} rings during wrap-up"
                    del self.wrapping[agent]
                assert self.phase[call] in ("ivr", "queued"), (output, self.phase[call])
                assert self.presence[agent] == "ready", (output, self.presence[agent])
                self.phase[call] = "ringing"
                self.agent_of[call] = agent
                self.phone[agent] = call
            case StopRinging(call_id=call, agent_id=agent):
                assert self.phone.get(agent) == call, output
                del self.phone[agent]
                del self.agent_of[call]
                self.refused.add((agent, call))
                self.phase[call] = "queued"
            case ConnectAgent(call_id=call, agent_id=agent):
                assert self.phone.get(agent) == call, output
                assert self.phase[call] == "ringing", output
                self.phase[call] = "connected"
            case EndCall(call_id=call) | TransferCall(call_id=call):
                # Both legs hang up: the agent's phone is free at once; an agent who
                # talked to the caller wraps the call up before the record is complete.
                assert self.phase[call] in ACTIVE, output
                talker = self.agent_of.get(call)
                if self.phase[call] == "connected" and talker is not None:
                    self.wrap_up(talker, call)
                    self.last_agent[call] = talker
                self.phase[call] = "wrapping"
                self.free(call)
            case ContactFinished(call_id=call):
                self.records[call] += 1
                assert self.records[call] == 1, f"two records for {call}"
                self.finish(call)
            case _:
                pass

    def wrap_up(self, agent: str, call: str) -> None:
        self.wrapping[agent] = (call, self.now + WRAP_UP)

    def wrap_ups_over(self) -> None:
        """Wrap-ups whose timer has run out: their calls' records have come."""
        for agent, (call, end) in list(self.wrapping.items()):
            if end <= self.now:
                if self.last_agent.get(call) == agent:
                    assert self.phase[call] != "wrapping", f"no record for {call} after wrap-up"
                del self.wrapping[agent]

    def finish(self, call: str) -> None:
        self.phase[call] = "finished"
        self.free(call)

    def free(self, call: str) -> None:
        agent = self.agent_of.pop(call, None)
        if agent is not None:
            self.phone.pop(agent, None)

    def calls(self, *phases: str) -> list[str]:
        return sorted(call for call, phase in self.phase.items() if phase in phases)

    def idle(self) -> list[str]:
        return [
            a
            for a in AGENTS
            if self.presence[a] == "ready" and a not in self.phone and a not in self.wrapping
        ]


class HotlineMachine(RuleBasedStateMachine):
    """Random calls and agents through a hotline, against :class:`Model`."""

    def __init__(self) -> None:
        super().__init__()
        self.hotline = Hotline(DEFINITION)
        self.copy: Hotline | None = None
        self.model = Model()
        self.numbered = 0

    @property
    def now(self) -> float:
        return self.model.now

    @now.setter
    def now(self, value: float) -> None:
        self.model.now = value

    def feed(self, item: HotlineInput) -> list[HotlineOutput]:
        outputs = self.hotline.handle(item, self.now)
        if self.copy is not None:
            assert self.copy.handle(item, self.now) == outputs, "the restored copy differs"
        for output in outputs:
            self.model.see(output)
        self.model.wrap_ups_over()
        return outputs

    @initialize(agents=st.sets(st.sampled_from(AGENTS)))
    def log_in(self, agents: set[str]) -> None:
        for agent in sorted(agents):
            self.model.presence[agent] = "ready"
            self.feed(AgentLoggedIn(agent_id=agent))

    # ------------------------------------------------------------------ callers

    @rule(line=st.sampled_from(["4001", "4002"]))
    def call_arrives(self, line: str) -> None:
        self.numbered += 1
        call = f"c{self.numbered}"
        self.model.phase[call] = "ivr"
        self.feed(CallArrived(call_id=call, line=line, caller=f"1380000{self.numbered:04d}"))

    @precondition(lambda self: bool(self.ivr_calls()))
    @rule(data=st.data(), keys=st.sampled_from(["1", "9", "5"]))
    def caller_presses(self, data: st.DataObject, keys: str) -> None:
        call = data.draw(st.sampled_from(self.ivr_calls()))
        self.feed(CallInput(call_id=call, event=DigitsPressed(digits=keys)))

    @precondition(lambda self: bool(self.model.calls(*ACTIVE)))
    @rule(data=st.data())
    def caller_hangs_up(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.model.calls(*ACTIVE)))
        talking = self.model.phase[call] == "connected"
        self.feed(CallInput(call_id=call, event=CallerHungUp()))
        # The record comes at once, or after the agent's wrap-up when they talked.
        wanted = "wrapping" if talking else "finished"
        assert self.model.phase[call] == wanted, "the caller hung up but the call goes on"

    # ------------------------------------------------------------------ agents

    @precondition(lambda self: bool(self.model.calls("ringing")))
    @rule(data=st.data(), answer=st.booleans())
    def agent_answers_or_declines(self, data: st.DataObject, answer: bool) -> None:
        call = data.draw(st.sampled_from(self.model.calls("ringing")))
        agent = self.model.agent_of[call]
        if answer:
            self.feed(AgentLegAnswered(call_id=call, agent_id=agent))
            assert self.model.phase[call] == "connected"
        else:
            # The adapter reported the leg gone: the agent's phone is free, the call
            # waits again unless the outputs offer it to someone else.
            self.model.phase[call] = "queued"
            del self.model.phone[agent], self.model.agent_of[call]
            self.model.refused.add((agent, call))
            self.feed(AgentLegDeclined(call_id=call, agent_id=agent))

    @precondition(lambda self: bool(self.model.calls("connected")))
    @rule(data=st.data())
    def agent_hangs_up(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.model.calls("connected")))
        agent = self.model.agent_of[call]
        self.model.free(call)  # the agent hung up: their phone is free, wrap-up begins
        self.model.wrap_up(agent, call)
        self.model.last_agent[call] = agent
        self.feed(AgentLegEnded(call_id=call, agent_id=agent))
        assert self.model.phase[call] == "wrapping"

    @precondition(lambda self: bool(self.model.wrapping))
    @rule(data=st.data())
    def agent_ends_wrap_up(self, data: st.DataObject) -> None:
        agent = data.draw(st.sampled_from(sorted(self.model.wrapping)))
        call, _ = self.model.wrapping.pop(agent)  # the agent is free again
        last = self.model.phase[call] == "wrapping" and self.model.last_agent.get(call) == agent
        self.feed(WrapUpDone(agent_id=agent))
        if last:  # the wrap-up of the call's end (not of a transfer): the record comes
            assert self.model.phase[call] == "finished"

    @precondition(lambda self: bool(self.model.calls("connected")))
    @rule(data=st.data())
    def agent_moves_the_call_to_the_other_queue(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.model.calls("connected")))
        agent = self.model.agent_of[call]
        other = "r" if self.model.queue_of[call] == "q" else "q"
        # The agent's leg is released, they wrap up; the call waits again.
        self.model.free(call)
        self.model.wrap_up(agent, call)
        self.model.phase[call] = "queued"
        self.feed(TransferRequested(call_id=call, agent_id=agent, queue=other))
        assert self.model.queue_of[call] == other
        assert self.model.phase[call] in ("queued", "ringing")

    @precondition(lambda self: bool(self.model.calls("connected")))
    @rule(data=st.data(), on=st.booleans())
    def agent_holds_the_caller(self, data: st.DataObject, on: bool) -> None:
        call = data.draw(st.sampled_from(self.model.calls("connected")))
        agent = self.model.agent_of[call]
        if self.hotline.call(call).on_hold == on:
            return  # already so
        assert self.feed(CallOnHold(call_id=call, agent_id=agent, on=on)) == []
        assert self.hotline.call(call).on_hold == on
        assert self.model.phase[call] == "connected"

    @rule(agent=st.sampled_from(AGENTS), change=st.sampled_from(["in", "ready", "break", "out"]))
    def agent_presence(self, agent: str, change: str) -> None:
        presence = self.model.presence[agent]
        busy = agent in self.model.phone or agent in self.model.wrapping
        if change == "in" and presence == "out":
            self.model.presence[agent] = "ready"
            self.feed(AgentLoggedIn(agent_id=agent))
        elif change == "ready" and presence == "not ready":
            self.model.presence[agent] = "ready"
            self.feed(AgentReady(agent_id=agent))
        elif change == "break" and presence == "ready" and not busy:
            self.model.presence[agent] = "not ready"
            self.feed(AgentNotReady(agent_id=agent, reason="break"))
        elif change == "out" and presence != "out" and not busy:
            self.model.presence[agent] = "out"
            self.feed(AgentLoggedOut(agent_id=agent))

    # ------------------------------------------------------------------ time, saving, errors

    @rule(seconds=st.sampled_from([0.5, 3.0, 10.0, 16.0, 61.0]))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds
        outputs = self.hotline.advance(self.now)
        if self.copy is not None:
            assert self.copy.advance(self.now) == outputs, "the restored copy differs"
        for output in outputs:
            self.model.see(output)
        self.model.wrap_ups_over()

    @rule()
    def save_and_restore(self) -> None:
        self.copy = Hotline.from_dict(DEFINITION, self.hotline.to_dict())
        assert self.copy.next_deadline() == self.hotline.next_deadline()

    @rule(call=st.sampled_from(["nobody", "c1"]), agent=st.sampled_from(["a1", "zz"]))
    def refused_input_changes_nothing(self, call: str, agent: str) -> None:
        if self.model.agent_of.get(call) == agent:
            return  # a valid answer, not what this rule is about
        before = (self.hotline.to_dict(), self.phases(), self.hotline.next_deadline())
        with pytest.raises(CallCenterError):
            self.hotline.handle(AgentLegAnswered(call_id=call, agent_id=agent), self.now)
        assert (self.hotline.to_dict(), self.phases(), self.hotline.next_deadline()) == before

    # ------------------------------------------------------------------ invariants

    def ivr_calls(self) -> list[str]:
        return self.model.calls("ivr")

    def phases(self) -> dict[str, CallPhase]:
        return {call: self.hotline.call_phase(call) for call in self.model.phase}

    @invariant()
    def every_call_in_one_phase_with_one_record_when_finished(self) -> None:
        for call, phase in self.model.phase.items():
            reported = "finished" if phase == "wrapping" else phase
            assert self.hotline.call_phase(call).value == reported, (call, phase)
            wanted = 1 if phase == "finished" else 0
            assert self.model.records[call] == wanted, (call, phase, self.model.records[call])

    @invariant()
    def no_agent_on_two_calls(self) -> None:
        assert len(set(self.model.phone.values())) == len(self.model.phone)
        assert all(self.model.agent_of[call] == agent for agent, call in self.model.phone.items())

    @invariant()
    def nobody_waits_while_an_agent_may_take_the_call(self) -> None:
        for call in self.model.calls("queued"):
            takers = [a for a in self.model.idle() if (a, call) not in self.model.refused]
            assert not takers, f"{call} waits while {takers} are ready and idle"

    @invariant()
    def next_deadline_is_the_earliest_timer_inside(self) -> None:
        hotline = self.hotline
        inside = (
            hotline.routing.next_deadline(),
            hotline.desk.next_deadline(),
            hotline._call_timers.next_deadline(),
        )
        assert hotline.next_deadline() == min((d for d in inside if d is not None), default=None)


HotlineMachine.TestCase.settings = settings(stateful_step_count=30, deadline=None)
TestHotlineMachine = HotlineMachine.TestCase
