"""The scenario driver: simulated telephony and simulated people around a real hotline.

:func:`simulate` runs one day of a :class:`~callcenter.simulation.Scenario` on the
event kernel. The scenario becomes a :class:`~callcenter.hotline.HotlineDefinition`
(its lines, flows, routing definition, the VIP callers it draws, one ticket rule per
ticket model), run by a real :class:`~callcenter.hotline.Hotline`, a timer source of
the kernel. The driver speaks only the hotline's inputs and outputs, the loop every
telephony adapter runs:

* each line's arrivals are :class:`~callcenter.hotline.CallArrived` inputs; a
  simulated caller listens to the prompts the hotline plays, thinks, presses keys
  drawn from the scenario's choices, stays silent or hangs up; host lookups are
  answered (:class:`~callcenter.hotline.CallInput`);
* a queued caller (:class:`~callcenter.hotline.HoldCaller`) hangs up when their
  patience, drawn from the queue's model, runs out;
* a ringing agent (:class:`~callcenter.hotline.RingAgent`) answers after the staff
  group's delay, or lets it ring out with the group's ring-no-answer probability;
  a connected call (:class:`~callcenter.hotline.ConnectAgent`) ends when the agent
  hangs up after a handle time; a share of the agents' calls ends with an outcome
  that opens a ticket, which the agent then works on the hotline's ticket desk;
* agents log in, take breaks and log out on their shifts (an agent whose shift ends
  during a call finishes it first); an agent of the routing definition who is in no
  staff group stays off duty;
* the records are the hotline's :class:`~callcenter.hotline.ContactFinished`
  outputs, and the agent intervals its record builder's.

Since the hotline routes every call, the routing definition's rules apply and the
caller's language travels with the call, as for any host. Each purpose draws from its
own stream of :class:`RandomStreams`, so the same scenario and seed give the same
records, bit for bit.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import math
import random
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from .._slots import trusted
from ..errors import DefinitionError, InvalidArgumentError
from ..hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentNotReady,
    AgentReady,
    CallArrived,
    CallCommand,
    CallInput,
    ConnectAgent,
    ContactFinished,
    EndCall,
    HoldCaller,
    HoldTreatment,
    Hotline,
    HotlineDefinition,
    HotlineOutput,
    KnownCaller,
    Line,
    RejectCall,
    RingAgent,
    StopRinging,
    TicketRule,
    TicketUpdate,
)
from ..ivr import (
    AskHost,
    CallerHungUp,
    CallerStatus,
    DigitsPressed,
    HostAnswered,
    HostNotFound,
    Listen,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
)
from ..metrics import AgentStateInterval, ContactRecord, KpiOptions, compute_kpis
from ..routing import AgentState as RoutingAgentState
from ..tickets import SlaBreached, TicketClosed, TicketEvent, TicketOpened
from ._distributions import NoPatience
from ._kernel import Simulator, _Entry
from ._results import SimulationResult, TicketSummary
from ._scenario import LineModel, Scenario, StaffGroup, TicketModel
from ._shifts import ShiftChange
from ._streams import RandomStreams
from ._validate import scenario_problems

__all__ = ["scenario_figures", "simulate"]

_NEVER = math.inf

# Callers' numbers: "1" and ten digits, uniform in [3000000000, 9999999999).
_CALLER_BASE = 3_000_000_000
_CALLER_SPAN = 9_999_999_999 - _CALLER_BASE

# What a simulated caller hears while queued: nothing it acts on, so no announcements
# (each would be a timer and an output per waiting caller and minute).
_QUIET_HOLD = HoldTreatment(announce_every=0.0, announce_position=False, announce_wait=False)

# The IVR phases in which a prompt that ends moves the session on.
_PROMPT_PHASES = frozenset({"play", "input", "record"})


# The driver's inputs, built from values it made itself: without the per-field
# ``object.__setattr__`` of attrs' frozen constructor (the classes under ``-X dev``).
_new_arrived = trusted(CallArrived)
_new_answered = trusted(AgentLegAnswered)
_new_ended = trusted(AgentLegEnded)
_new_input = trusted(CallInput)


def _below(getrandbits: Callable[[int], int], n: int) -> int:
    """A uniform integer in ``[0, n)``, drawn as CPython's ``random.randrange(n)`` does.

    Rejection sampling over ``n.bit_length()`` random bits: the same draws, hence the
    same callers' numbers for a seed, without ``randrange``'s argument handling (two
    Python calls and three conversions, for every customer).
    """
    k = n.bit_length()
    r = getrandbits(k)
    while r >= n:
        r = getrandbits(k)
    return r


def _ticket_outcome(index: int) -> str:
    """The agent outcome that opens the ticket of the scenario's ticket model ``index``."""
    return f"ticket-model-{index}"


class _Call:
    """A simulated caller's state (what the caller will do next)."""

    __slots__ = (
        "abandon",
        "accept",
        "answering",
        "id",
        "patience",
        "pending",
        "place",
        "queue",
        "ticket",
    )

    def __init__(self, cid: str) -> None:
        self.id = cid
        self.queue: str | None = None  # the queue it waits or was answered in
        self.pending: _Entry | None = None  # the caller's next action in the IVR
        self.abandon: _Entry | None = None  # patience running out in the queue
        # When patience runs out, drawn at the hold but not in the calendar yet: most
        # callers are answered before the hotline's outputs are all carried out, and
        # only a caller still waiting then needs the event (at ``place``, its place in
        # the calendar's order taken at the hold).
        self.patience: float | None = None
        self.place = 0
        self.accept: _Entry | None = None  # the agent picking up
        self.answering: str | None = None  # the agent picking up at once
        self.ticket: TicketModel | None = None  # the ticket its agent's outcome opens


class _Driver:
    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.sc = scenario
        self.streams = RandomStreams(seed)
        s = self.streams
        self.rng_ivr = s["ivr"]
        self.rng_patience = s["patience"]
        self.rng_handle = s["handle"]
        self.rng_ring = s["ring"]
        self.rng_tickets = s["tickets"]
        self.rng_callers = s["callers"]
        self.start = scenario.day_start
        self.end = self.start + scenario.days * 86400.0
        self.sim = Simulator(self.start)
        # Drawn ahead when the run has VIP callers (see _vip_numbers): each line's
        # arrival instants, and the callers' numbers in order of arrival.
        self._ahead: dict[str, list[float]] = {}
        self._numbers: Iterator[str] | None = None
        self.hotline = Hotline(
            self._definition(),
            seed=s.seed_of("routing") % (2**32),
            keep_log=False,
            wallboard=False,
        )
        self.records: list[ContactRecord] = []
        self._handle_time = {q: m.handle_time.sample for q, m in scenario.queues.items()}
        # None for callers who never hang up (NoPatience draws nothing: an infinite wait).
        self._patience = {
            q: None if isinstance(m.patience, NoPatience) else m.patience.sample
            for q, m in scenario.queues.items()
        }
        self.calls: dict[str, _Call] = {}
        self.group: dict[str, StaffGroup] = {a: g for g in scenario.staff for a in g.agents}
        self.default_group = StaffGroup(agents=())
        self.leaving: set[str] = set()
        self.logged_in: set[str] = set()
        self.tickets_by_queue: dict[str, list[tuple[int, TicketModel]]] = {}
        for index, model in enumerate(scenario.tickets):
            self.tickets_by_queue.setdefault(model.queue, []).append((index, model))
        self.ticket_counts = {"opened": 0, "closed": 0, "within": 0, "breaches": 0}
        self.sim.add_source(self.hotline, self._outputs, name="hotline")

    # ------------------------------------------------------------------ set-up

    def _arrival_times(self, line: LineModel, rng: random.Random) -> Iterator[float]:
        """The line's arrival instants on the simulation clock, up to the end of the day.

        ``start + offset`` while it is before ``end``, with no Python frame per arrival.
        """
        return itertools.takewhile(
            self.end.__gt__, map(self.start.__add__, line.arrivals.times(rng))
        )

    def _vip_numbers(self) -> list[str]:
        """The numbers of the run's VIP callers, in the order they will call.

        The hotline knows its VIP callers (with their dedicated agent) from its
        definition, so they are drawn ahead, on fresh copies of the run's streams:
        each line's instants from its own stream, then, in time order across lines,
        each caller's number and VIP draw from the callers' stream -- the draws the
        run would make at each arrival, in the same order. The run then takes the
        instants and the numbers drawn here (the k-th caller to arrive gets the k-th
        number, as if it were drawn at the arrival) instead of drawing them again.
        """
        share = self.sc.callers.vip_share
        if not share > 0:
            return []
        streams = RandomStreams(self.streams.seed)
        self._ahead = {
            name: list(self._arrival_times(line, streams[f"arrivals.{name}"]))
            for name, line in self.sc.lines.items()
        }
        rng = streams["callers"]
        getrandbits = rng.getrandbits
        draw = rng.random
        numbers: list[str] = []
        out: list[str] = []
        for _ in heapq.merge(*self._ahead.values()):
            caller = f"1{_CALLER_BASE + _below(getrandbits, _CALLER_SPAN)}"
            numbers.append(caller)
            if draw() < share:
                out.append(caller)
        self._numbers = iter(numbers)
        return out

    def _definition(self) -> HotlineDefinition:
        """The scenario as a hotline: its lines, flows, ACD, VIP callers, ticket rules."""
        sc = self.sc
        callers = sc.callers
        vips: dict[str, KnownCaller] = {}
        for caller in self._vip_numbers():
            if caller not in vips:
                vips[caller] = KnownCaller(
                    number=caller,
                    status=CallerStatus.VIP,
                    agent=callers.vip_agent,
                    sticky_for=callers.vip_sticky if callers.vip_agent is not None else 0.0,
                )
        lines: list[Line] = []
        flows = sc.flows
        calendars: dict[str, Any] = {}
        if sc.hotline is not None:
            # The hotline's lines as it defines them: each line's language, and its
            # calendar and the line that takes its calls while it is closed (a line
            # no scenario line names gets no calls of its own).
            lines.extend(sc.hotline.lines)
            flows = {**sc.hotline.flows, **sc.flows}
            calendars.update(sc.hotline.calendars)
        else:
            numbers: set[str] = set()
            for name, line in sc.lines.items():
                number = line.dialled if line.dialled and line.dialled not in numbers else name
                numbers.add(number)
                lines.append(Line(id=name, number=number, flow=line.ivr, queue=line.queue))
        rules = tuple(
            TicketRule(
                workflow=model.workflow,
                agent_outcome=_ticket_outcome(index),
                queue=model.queue,
                fields=model.fields,
            )
            for index, model in enumerate(sc.tickets)
        )
        return HotlineDefinition(
            name=sc.name,
            timezone=sc.timezone,
            lines=tuple(lines),
            flows=flows,
            calendars=calendars,
            routing=sc.routing,
            ticket_rules=rules,
            callers=tuple(vips.values()),
            hold=_QUIET_HOLD,
            answer_time=sc.answer_time,
        )

    def setup(self) -> None:
        for name, line in self.sc.lines.items():
            ahead = self._ahead.get(name)
            times = (
                self._arrival_times(line, self.streams[f"arrivals.{name}"])
                if ahead is None
                else ahead
            )
            counter = iter(range(1, 10**9))
            self.sim.schedule_each(times, self._arrive, name, counter)
        for agent in self.sc.routing.agents:
            group = self.group.get(agent.id)
            if group is None:
                continue  # in no staff group: off duty
            if group.shift is None:
                self.sim.schedule(self.start, self._shift, agent.id, "start")
                continue
            self._plan_shift(agent.id, group)

    def _plan_shift(self, agent: str, group: StaffGroup) -> None:
        assert group.shift is not None
        changes: list[ShiftChange] = []
        for offset in range(-1, math.ceil(self.sc.days)):
            day = self.sc.date + datetime.timedelta(days=offset)
            changes.extend(group.shift.changes(day, self.sc.timezone))
        changes.sort(key=lambda c: c.at)
        state = "end"
        for change in changes:
            if change.at <= self.start:
                state = change.kind
                continue
            if change.at >= self.end:
                break
            self.sim.schedule(change.at, self._shift, agent, change.kind)
        if state in ("start", "resume"):
            self.sim.schedule(self.start, self._shift, agent, "start")
        elif state == "break":
            self.sim.schedule(self.start, self._shift, agent, "start")
            self.sim.schedule(self.start, self._shift, agent, "break")

    # ------------------------------------------------------------------ the hotline

    def _handle(self, item: Any) -> None:
        self._outputs(self.hotline.handle(item, self.sim._now))

    def _outputs(self, outputs: list[HotlineOutput]) -> None:
        """Carry out what the hotline asks, as the telephony and the people would."""
        sim = self.sim
        now = sim._now
        calls = self.calls
        ivr: dict[str, list[Any]] | None = None
        answering: list[_Call] | None = None
        waiting: list[_Call] | None = None
        for o in outputs:
            kind = o.__class__
            if kind is CallCommand:
                command: CallCommand = o  # type: ignore[assignment]
                if ivr is None:
                    ivr = {}
                ivr.setdefault(command.call_id, []).append(command.command)
            elif kind is HoldCaller:
                held: HoldCaller = o  # type: ignore[assignment]
                call = calls[held.call_id]
                call.queue = held.queue
                if call.abandon is None and call.patience is None:
                    draw = self._patience[held.queue]
                    patience = _NEVER if draw is None else draw(self.rng_patience)
                    if patience < _NEVER:
                        call.patience = now + patience
                        call.place = sim._reserve()
                        if waiting is None:
                            waiting = []
                        waiting.append(call)
            elif kind is RingAgent:
                ring: RingAgent = o  # type: ignore[assignment]
                call = calls[ring.call_id]
                group = self.group.get(ring.agent_id, self.default_group)
                if group.ring_no_answer and self.rng_ring.random() < group.ring_no_answer:
                    continue  # rings out: the hotline's ring timeout returns the call
                delay = group.answer_after
                if delay < ring.timeout:
                    if delay:
                        call.accept = sim._post(now + delay, self._accept, (call, ring.agent_id))
                    else:  # picks up at once, once the hotline's outputs are carried out
                        call.answering = ring.agent_id
                        if answering is None:
                            answering = []
                        answering.append(call)
            elif kind is ConnectAgent:
                connected: ConnectAgent = o  # type: ignore[assignment]
                call = calls[connected.call_id]
                call.accept = None
                call.patience = None
                if call.abandon is not None:
                    sim._drop(call.abandon)
                    call.abandon = None
                assert call.queue is not None
                talk = self._handle_time[call.queue](self.rng_handle)
                sim._post(now + talk, self._agent_hangs_up, (call, connected.agent_id))
            elif kind is ContactFinished:
                finished: ContactFinished = o  # type: ignore[assignment]
                self.records.append(finished.record)
                calls.pop(finished.call_id, None)
            elif kind is StopRinging:
                stop: StopRinging = o  # type: ignore[assignment]
                call = calls[stop.call_id]
                call.answering = None
                if call.accept is not None:
                    sim._drop(call.accept)
                    call.accept = None
            elif kind is EndCall or kind is RejectCall:
                ended: EndCall = o  # type: ignore[assignment]
                gone = calls.get(ended.call_id)
                if gone is not None:
                    self._gone(gone)
            elif kind is TicketUpdate:
                update: TicketUpdate = o  # type: ignore[assignment]
                self._ticket_event(update.event, update.call_id)
        if ivr is not None:
            for cid, commands in ivr.items():
                self._commands(cid, commands)
        if self.leaving:
            self._try_logouts()
        if answering is not None:
            for call in answering:
                agent = call.answering
                if agent is not None:
                    call.answering = None
                    self._handle(_new_answered(call_id=call.id, agent_id=agent))
        if waiting is not None:
            for call in waiting:
                if call.patience is not None:
                    call.abandon = sim._post_reserved(
                        call.place, call.patience, self._abandon, (call,)
                    )
                    call.patience = None

    def _gone(self, call: _Call) -> None:
        call.patience = call.answering = None
        if call.abandon is None and call.accept is None and call.pending is None:
            return  # most calls: answered, talked, ended
        for event in (call.abandon, call.accept, call.pending):
            if event is not None:
                self.sim._drop(event)
        call.abandon = call.accept = call.pending = None

    # ------------------------------------------------------------------ shifts

    def _shift(self, agent: str, kind: str) -> None:
        if kind == "start":
            self.leaving.discard(agent)
            if agent in self.logged_in:
                self._handle(AgentReady(agent_id=agent))
            else:
                self.logged_in.add(agent)
                self._handle(AgentLoggedIn(agent_id=agent))
        elif agent not in self.logged_in:
            return
        elif kind == "break":
            self._handle(AgentNotReady(agent_id=agent, reason="break"))
        elif kind == "resume":
            self._handle(AgentReady(agent_id=agent))
        else:
            self.leaving.add(agent)
            self._handle(AgentNotReady(agent_id=agent, reason="end of shift"))

    def _try_logouts(self) -> None:
        for agent in sorted(self.leaving):
            if agent not in self.leaving:
                continue  # logged out by a nested call
            if self.hotline.agent_state(agent) is RoutingAgentState.NOT_READY:
                self.leaving.discard(agent)
                self.logged_in.discard(agent)
                self._handle(AgentLoggedOut(agent_id=agent))

    # ------------------------------------------------------------------ callers

    # The callbacks run for every customer read the kernel's clock as ``sim._now``:
    # the public ``Simulator.now`` is a property, a function call each time.

    def _arrive(self, line: str, counter: Iterator[int]) -> None:
        cid = f"{line}-{next(counter)}"
        numbers = self._numbers
        if numbers is None:
            caller = f"1{_CALLER_BASE + _below(self.rng_callers.getrandbits, _CALLER_SPAN)}"
        else:
            caller = next(numbers)  # drawn ahead, with the VIP draw
        self.calls[cid] = _Call(cid)
        self._handle(_new_arrived(call_id=cid, line=line, caller=caller, caller_name=""))

    def _commands(self, cid: str, commands: list[Any]) -> None:
        """Carry out what a call's IVR asked; schedule the caller's next move."""
        call = self.calls.get(cid)
        session = self.hotline.session(cid)
        if call is None or session is None or session.ended:
            if call is not None and call.pending is not None:
                self.sim._drop(call.pending)
                call.pending = None
            return
        now = self.sim._now
        plays = 0
        seconds = 0.0
        listen = False
        for command in commands:
            kind = command.__class__
            if kind is Play:
                plays += 1
                seconds += command.seconds
            elif kind is Listen:
                listen = True
            elif kind is AskHost:
                self._later(call, now + 0.5, self._host, command)
            elif kind is Record:
                self._later(call, now + self.sc.callers.recording_seconds, self._recorded)
        if plays:
            self._later(call, now + seconds, self._prompts_done, plays, listen)
        elif listen:
            self._respond(call)

    def _later(self, call: _Call, at: float, action: Callable[..., None], *args: Any) -> None:
        if call.pending is not None:
            self.sim._drop(call.pending)
        call.pending = self.sim._post(at, self._caller_step, (call, action, args))

    def _caller_step(self, call: _Call, action: Callable[..., None], args: tuple[Any, ...]) -> None:
        call.pending = None
        session = self.hotline.session(call.id)
        if session is not None and not session.ended:
            action(call, *args)

    def _prompts_done(self, call: _Call, plays: int, listen: bool) -> None:
        hotline = self.hotline
        now = self.sim._now
        out: list[HotlineOutput] = []
        for _ in range(plays):
            session = hotline.session(call.id)
            if session is None or session.ended or session.phase not in _PROMPT_PHASES:
                break
            out.extend(hotline.handle(CallInput(call_id=call.id, event=PromptFinished()), now))
        prompted = any(isinstance(o, CallCommand) and o.call_id == call.id for o in out)
        self._outputs(out)
        if not prompted and listen:
            session = hotline.session(call.id)
            if session is not None and session.phase == "input":
                self._respond(call)

    def _respond(self, call: _Call) -> None:
        session = self.hotline.session(call.id)
        assert session is not None
        callers = self.sc.callers
        choice = callers.menus.get(session.node)
        outcome = "no_input" if choice is None else choice.sample(self.rng_ivr)
        if outcome == "no_input":
            return  # the session's own timeout fires
        at = self.sim._now + callers.think_time
        if outcome == "hang_up":
            self._later(call, at, self._hang_up)
        elif outcome == "enter":
            self._later(call, at, self._press, callers.inputs.get(session.node, ""))
        else:
            self._later(call, at, self._press, outcome)

    def _press(self, call: _Call, keys: str) -> None:
        session = self.hotline.session(call.id)
        if keys and session is not None and session.phase == "input":
            self._handle(CallInput(call_id=call.id, event=DigitsPressed(digits=keys)))

    def _hang_up(self, call: _Call) -> None:
        self._handle(CallInput(call_id=call.id, event=CallerHungUp()))

    def _host(self, call: _Call, command: AskHost) -> None:
        session = self.hotline.session(call.id)
        if session is None or session.phase != "host":
            return
        callers = self.sc.callers
        event: HostAnswered | HostNotFound
        if self.rng_ivr.random() < callers.lookup_found:
            event = HostAnswered(request=command.request, values=dict(callers.lookup_values))
        else:
            event = HostNotFound(request=command.request)
        self._handle(CallInput(call_id=call.id, event=event))

    def _recorded(self, call: _Call) -> None:
        session = self.hotline.session(call.id)
        if session is None or session.phase != "record":
            return
        seconds = self.sc.callers.recording_seconds
        event = RecordingFinished(reference=call.id, seconds=seconds)
        self._handle(CallInput(call_id=call.id, event=event))

    def _abandon(self, call: _Call) -> None:
        call.abandon = None
        call.answering = None
        if call.accept is not None:
            self.sim._drop(call.accept)
            call.accept = None
        self._handle(_new_input(call_id=call.id, event=CallerHungUp()))

    # ------------------------------------------------------------------ agents

    def _accept(self, call: _Call, agent: str) -> None:
        call.accept = None
        self._handle(_new_answered(call_id=call.id, agent_id=agent))

    def _agent_hangs_up(self, call: _Call, agent: str) -> None:
        """The agent ends the call; with a ticket model's share, with its outcome."""
        outcome = None
        queue = call.queue
        models = self.tickets_by_queue.get(queue) if queue is not None else None
        if models:
            rng = self.rng_tickets
            for index, model in models:
                if rng.random() < model.share:
                    outcome = _ticket_outcome(index)
                    call.ticket = model
                    break
        self._handle(_new_ended(call_id=call.id, agent_id=agent, outcome=outcome, fields={}))

    # ------------------------------------------------------------------ tickets

    def _ticket_event(self, event: TicketEvent, call_id: str | None) -> None:
        counts = self.ticket_counts
        if isinstance(event, TicketOpened):
            counts["opened"] += 1
            call = self.calls.get(call_id) if call_id is not None else None
            model = None if call is None else call.ticket
            if model is not None:
                delay = model.resolve_after.sample(self.rng_tickets)
                if model.steps:
                    now = self.sim._now
                    self.sim.schedule(
                        now + delay, self._work_ticket, event.ticket_id, model, event.owner, 0
                    )
        elif isinstance(event, TicketClosed):
            counts["closed"] += 1
            if event.within_sla is not False:
                counts["within"] += 1
        elif isinstance(event, SlaBreached):
            counts["breaches"] += 1

    def _work_ticket(self, ticket_id: str, model: TicketModel, agent: str, index: int) -> None:
        """The agent's work on a ticket, in the back office (the host's ticket screens).

        The hotline's desk is the host's ticket system: the work after the call is not
        telephony, so it goes to the desk itself, whose events are counted at once.
        """
        now = self.sim._now
        desk = self.hotline.desk
        step = model.steps[index]
        desk.fire(ticket_id, step.trigger, actor=agent, now=now, fields=step.fields)
        for event in desk.take_events():
            self._ticket_event(event, None)
        if index + 1 < len(model.steps):
            after = model.steps[index + 1].after
            self.sim.schedule(now + after, self._work_ticket, ticket_id, model, agent, index + 1)

    # ------------------------------------------------------------------ running

    def _clip(self, intervals: list[AgentStateInterval]) -> list[AgentStateInterval]:
        """Agent time within the simulated day (the drain after midnight is not staffing)."""
        end = self.end
        out = []
        for interval in intervals:
            if interval.start >= end:
                continue
            out.append(interval if interval.end <= end else attrs.evolve(interval, end=end))
        return out

    def run(self, progress: Callable[[float], None] | None) -> SimulationResult:
        self.setup()
        staffed: list[tuple[float, int]] = []
        steps = max(1, round(48 * self.sc.days))
        step = (self.end - self.start) / steps
        for k in range(steps):
            staffed.append((self.sim.now, len(self.logged_in)))
            self.sim.run(until=self.start + (k + 1) * step)
            if progress is not None:
                progress((k + 1) / (steps + 1))
        self.sim.run(until=self.end + self.sc.drain_hours * 3600.0)
        hotline = self.hotline
        for o in hotline.close(self.sim.now):
            if isinstance(o, ContactFinished):
                self.records.append(o.record)
        if progress is not None:
            progress(1.0)
        c = self.ticket_counts
        return SimulationResult(
            scenario=self.sc.name,
            seed=self.streams.seed,
            timezone=self.sc.timezone,
            answer_time=self.sc.answer_time,
            records=tuple(self.records),
            intervals=tuple(self._clip(hotline.take_intervals())),
            tickets=TicketSummary(
                opened=c["opened"],
                closed=c["closed"],
                closed_within_sla=c["within"],
                breaches=c["breaches"],
            ),
            unfinished=hotline.open_contacts,
            staffed=tuple(staffed),
            events=self.sim.events_run,
        )


def simulate(
    scenario: Scenario,
    *,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Run one day of ``scenario`` on a real :class:`~callcenter.hotline.Hotline`.

    Simulated callers and agents drive the hotline through its inputs and outputs,
    as a telephony adapter does; its IVR, ACD, ticket desk and record builder do the
    rest, and the routing definition's rules apply to every call.

    Args:
        scenario: The scenario (see :func:`load_scenario`).
        seed: The seed (default: the scenario's).
        progress: Called with the share of the run done, from 0 to 1.

    Returns:
        The records, agent intervals and ticket figures of the day.

    Raises:
        InvalidArgumentError: ``scenario`` is not a :class:`Scenario`, ``seed`` is
            not an integer, or ``progress`` is not callable.
        DefinitionError: Every problem of a scenario built or changed in Python, each
            at its path (as :func:`load_scenario` reports them), among them a run
            that expects more than :data:`~callcenter.simulation.MAX_CALLS` calls;
            nothing has run.

    The same scenario and seed give the same result, bit for bit.
    """
    if not isinstance(scenario, Scenario):
        raise InvalidArgumentError(name="scenario", expected="a Scenario", got=scenario)
    if progress is not None and not callable(progress):
        raise InvalidArgumentError(
            name="progress", expected="a function of the share done, or None", got=progress
        )
    problems = scenario_problems(scenario)
    if problems:
        raise DefinitionError(problems, what=f"scenario {scenario.name!r}")
    driver = _Driver(scenario, scenario.seed if seed is None else seed)
    return driver.run(progress)


def scenario_figures(scenario: Scenario, seed: int) -> dict[str, float]:
    """Simulate a run and return its figures: a run function for :func:`run_study`.

    The figures are those of the whole run (every day of a run of several days).

    Returns:
        ``offered``, ``answered``, ``answer_rate``, ``abandonment_rate``,
        ``service_level``, ``asa_seconds``, ``occupancy`` (a figure with no data,
        such as the ASA of a day with no answered call, is 0), ``tickets_opened``.
    """
    result = simulate(scenario, seed=seed)
    # The whole run: every day of a run of several days.
    kpis = compute_kpis(
        result.records, result.intervals, KpiOptions(answer_time=result.answer_time)
    )
    values: dict[str, float] = {"tickets_opened": float(result.tickets.opened)}
    names = (
        "offered",
        "answered",
        "answer_rate",
        "abandonment_rate",
        "service_level",
        "asa_seconds",
        "occupancy",
    )
    for name in names:
        value = getattr(kpis, name)
        values[name] = 0.0 if value is None else float(value)
    return values
