"""The scenario driver: simulated callers and agents around the library's real engines.

:func:`simulate` runs one day of a :class:`~callcenter.simulation.Scenario` on the
event kernel:

* each line's arrivals start an :class:`~callcenter.ivr.Session` of the line's flow
  (or go straight to a queue); a simulated caller listens to the prompts, thinks,
  presses keys drawn from the scenario's choices, stays silent or hangs up; host
  lookups are answered; the session's own timeouts run through ``advance``;
* an ``Enqueue`` command routes the contact in the real
  :class:`~callcenter.routing.RoutingEngine`, which runs as a timer source of the
  kernel (ring timeouts, wrap-up ends, overflows, escalations);
* an offer is answered after the staff group's delay, or rings out with the group's
  ring-no-answer probability; a waiting caller hangs up when their patience, drawn
  from the queue's model, runs out; an answered call ends after a handle time;
* agents log in, take breaks and log out on their shifts (an agent whose shift ends
  during a call finishes it first); an agent of the routing definition who is in no
  staff group stays off duty;
* a share of answered calls opens a ticket on a real
  :class:`~callcenter.tickets.TicketDesk`, whose SLA clocks run on the virtual clock;
* every event of the ACD and every report of the IVR goes to a
  :class:`~callcenter.metrics.RecordBuilder`, which gives the contact records.

Each purpose draws from its own stream of :class:`RandomStreams`, so the same
scenario and seed give the same records, bit for bit.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from ..ivr import (
    AskHost,
    CallerHungUp,
    CallerStatus,
    Command,
    DigitsPressed,
    Enqueue,
    HostAnswered,
    HostNotFound,
    Listen,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    Session,
    SessionResult,
)
from ..metrics import AgentStateInterval, ContactRecord, RecordBuilder
from ..routing import AgentState as RoutingAgentState
from ..routing import (
    AgentStateChanged,
    Contact,
    ContactAbandoned,
    ContactAnswered,
    ContactCompleted,
    ContactLeft,
    ContactOfferDeclined,
    ContactOffered,
    ContactOverflowed,
    ContactQueued,
    ContactRefused,
    OverflowKind,
    RoutingEngine,
    RoutingEvent,
    SkillRequirement,
)
from ..tickets import BUILTIN_WORKFLOWS, SlaBreached, TicketClosed, TicketDesk, TicketOpened
from ._distributions import NoPatience
from ._kernel import ScheduledEvent, Simulator
from ._results import SimulationResult, TicketSummary
from ._scenario import LineModel, Scenario, StaffGroup, TicketModel
from ._shifts import ShiftChange
from ._streams import RandomStreams

__all__ = ["scenario_figures", "simulate"]

_NEVER = math.inf

# Callers' numbers: "1" and ten digits, uniform in [3000000000, 9999999999).
_CALLER_BASE = 3_000_000_000
_CALLER_SPAN = 9_999_999_999 - _CALLER_BASE


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


class _Call:
    """A simulated caller's state."""

    __slots__ = (
        "abandon",
        "accept",
        "caller",
        "deadline",
        "deadline_at",
        "id",
        "line",
        "pending",
        "session",
        "vip",
    )

    def __init__(self, cid: str, line: LineModel, caller: str, vip: bool) -> None:
        self.id = cid
        self.line = line
        self.caller = caller
        self.vip = vip
        self.session: Session | None = None
        self.deadline: ScheduledEvent | None = None  # the session's timeout, in the calendar
        self.deadline_at: float | None = None
        self.pending: ScheduledEvent | None = None  # the caller's next action in the IVR
        self.abandon: ScheduledEvent | None = None  # patience running out in the queue
        self.accept: ScheduledEvent | None = None  # the agent picking up


# Events after which the caller is gone (an overflow only when not to another queue).
_GONE = frozenset({ContactAbandoned, ContactRefused, ContactLeft, ContactOverflowed})


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
        self.engine = RoutingEngine(scenario.routing, seed=s.seed_of("routing") % (2**32))
        self.builder = RecordBuilder(
            agent_queues={a.id: tuple(m.queue for m in a.queues) for a in scenario.routing.agents}
        )
        self.records: list[ContactRecord] = []
        # Bound once: ``_routing`` runs for every call into the engine.
        self._feed = self.builder.feed_all
        self._keep = self.records.extend
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
        self.tickets_by_queue: dict[str, list[TicketModel]] = {}
        for model in scenario.tickets:
            self.tickets_by_queue.setdefault(model.queue, []).append(model)
        self.desk: TicketDesk | None = None
        self.ticket_counts = {"opened": 0, "closed": 0, "within": 0, "breaches": 0}
        if scenario.tickets:
            self.desk = TicketDesk(BUILTIN_WORKFLOWS.values())
            self.sim.add_source(self.desk, self._on_tickets, name="ticket desk")
        self.sim.add_source(self.engine, self._on_routing, name="routing engine")

    # ------------------------------------------------------------------ set-up

    def setup(self) -> None:
        for name, line in self.sc.lines.items():
            rng = self.streams[f"arrivals.{name}"]
            counter = iter(range(1, 10**9))
            self.sim.schedule_each(
                self._arrival_times(line, rng), self._arrive, name, line, counter
            )
        for agent in self.sc.routing.agents:
            group = self.group.get(agent.id)
            if group is None:
                continue  # in no staff group: off duty
            if group.shift is None:
                self.sim.schedule(self.start, self._shift, agent.id, "start")
                continue
            self._plan_shift(agent.id, group)

    def _arrival_times(self, line: LineModel, rng: random.Random) -> Iterator[float]:
        """The line's arrival instants on the simulation clock, up to the end of the day."""
        start, end = self.start, self.end
        for offset in line.arrivals.times(rng):
            at = start + offset
            if not at < end:
                return
            yield at

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

    # ------------------------------------------------------------------ shifts

    def _shift(self, agent: str, kind: str) -> None:
        now = self.sim.now
        engine = self.engine
        if kind == "start":
            self.leaving.discard(agent)
            if agent in self.logged_in:
                self._routing(engine.set_ready(agent, now))
            else:
                self.logged_in.add(agent)
                self._routing(engine.login(agent, now))
        elif agent not in self.logged_in:
            return
        elif kind == "break":
            self._routing(engine.set_not_ready(agent, "break", now))
        elif kind == "resume":
            self._routing(engine.set_ready(agent, now))
        else:
            self._routing(engine.set_not_ready(agent, "end of shift", now))
            self.leaving.add(agent)
            self._try_logouts()

    def _try_logouts(self) -> None:
        if not self.leaving:
            return
        for agent in sorted(self.leaving):
            state = self.engine.agent_state(agent)
            if state is RoutingAgentState.NOT_READY:
                self.leaving.discard(agent)
                self.logged_in.discard(agent)
                self._routing(self.engine.logout(agent, self.sim.now))

    # ------------------------------------------------------------------ arrivals and IVR

    # The callbacks run for every customer (arrive, accept, complete, and ``_routing``
    # after each engine call) read the kernel's clock as ``sim._now``: the public
    # ``Simulator.now`` is a property, a function call each time.

    def _arrive(self, name: str, line: LineModel, counter: Any) -> None:
        now = self.sim._now
        cid = f"{name}-{next(counter)}"
        rng = self.rng_callers
        callers = self.sc.callers
        caller = f"1{_CALLER_BASE + _below(rng.getrandbits, _CALLER_SPAN)}"
        vip = callers.vip_share > 0 and rng.random() < callers.vip_share
        call = _Call(cid, line, caller, vip)
        self.calls[cid] = call
        if line.ivr is None:
            assert line.queue is not None
            self._enqueue(call, line.queue, 0, (), {}, now)
            return
        session = Session(
            self.sc.flows[line.ivr],
            session_id=cid,
            caller=caller,
            dialled=line.dialled,
            status=CallerStatus.VIP if vip else CallerStatus.NORMAL,
        )
        call.session = session
        self._commands(call, session.begin(now))

    def _commands(self, call: _Call, commands: list[Command]) -> None:
        """Carry out what the session asked; schedule the caller's next move."""
        session = call.session
        assert session is not None
        now = self.sim.now
        self.records.extend(self.builder.feed_all(session.take_events()))
        plays = 0
        seconds = 0.0
        listen = False
        for command in commands:
            kind = type(command)
            if kind is Play:
                plays += 1
                seconds += command.seconds  # type: ignore[union-attr]
            elif kind is Listen:
                listen = True
            elif kind is AskHost:
                self._later(call, now + 0.5, self._host, command)
            elif kind is Record:
                self._later(call, now + self.sc.callers.recording_seconds, self._recorded)
            elif kind is Enqueue:
                cmd: Enqueue = command  # type: ignore[assignment]
                self._enqueue(call, cmd.queue, cmd.priority, cmd.skills, cmd.attributes, now)
        if session.ended:
            if call.pending is not None:
                self.sim.cancel(call.pending)
                call.pending = None
            if session.result is not SessionResult.ENQUEUED:
                self.calls.pop(call.id, None)  # finished in the IVR
        elif plays:
            self._later(call, now + seconds, self._prompts_done, plays, listen)
        elif listen:
            self._respond(call)
        self._sync_deadline(call)

    def _later(self, call: _Call, at: float, action: Callable[..., None], *args: Any) -> None:
        if call.pending is not None:
            self.sim.cancel(call.pending)
        call.pending = self.sim.schedule(at, self._caller_step, call, action, args)

    def _caller_step(self, call: _Call, action: Callable[..., None], args: tuple[Any, ...]) -> None:
        call.pending = None
        if call.session is not None and not call.session.ended:
            action(call, *args)

    def _sync_deadline(self, call: _Call) -> None:
        session = call.session
        assert session is not None
        due = None if session.ended else session.next_deadline()
        if due == call.deadline_at:
            return
        if call.deadline is not None:
            self.sim.cancel(call.deadline)
            call.deadline = None
        call.deadline_at = due
        if due is not None:
            call.deadline = self.sim.schedule(max(due, self.sim.now), self._timeout, call)

    def _timeout(self, call: _Call) -> None:
        call.deadline = None
        call.deadline_at = None
        session = call.session
        assert session is not None
        if session.ended:
            return
        if call.pending is not None:
            self.sim.cancel(call.pending)
            call.pending = None
        self._commands(call, session.advance(self.sim.now))

    def _prompts_done(self, call: _Call, plays: int, listen: bool) -> None:
        session = call.session
        assert session is not None
        now = self.sim.now
        out: list[Command] = []
        for _ in range(plays):
            if session.ended or session.phase not in ("play", "input", "record"):
                break
            out.extend(session.handle(PromptFinished(), now))
        if out:
            self._commands(call, out)
        else:
            self.records.extend(self.builder.feed_all(session.take_events()))
            if listen and session.phase == "input":
                self._respond(call)
            self._sync_deadline(call)

    def _respond(self, call: _Call) -> None:
        session = call.session
        assert session is not None
        callers = self.sc.callers
        choice = callers.menus.get(session.node)
        outcome = "no_input" if choice is None else choice.sample(self.rng_ivr)
        if outcome == "no_input":
            return  # the session's own timeout fires
        at = self.sim.now + callers.think_time
        if outcome == "hang_up":
            self._later(call, at, self._hang_up)
        elif outcome == "enter":
            self._later(call, at, self._press, callers.inputs.get(session.node, ""))
        else:
            self._later(call, at, self._press, outcome)

    def _press(self, call: _Call, keys: str) -> None:
        session = call.session
        assert session is not None
        if keys and session.phase == "input":
            self._commands(call, session.handle(DigitsPressed(digits=keys), self.sim.now))

    def _hang_up(self, call: _Call) -> None:
        session = call.session
        assert session is not None
        self._commands(call, session.handle(CallerHungUp(), self.sim.now))

    def _host(self, call: _Call, command: AskHost) -> None:
        session = call.session
        assert session is not None
        if session.phase != "host":
            return
        callers = self.sc.callers
        event: HostAnswered | HostNotFound
        if self.rng_ivr.random() < callers.lookup_found:
            event = HostAnswered(request=command.request, values=dict(callers.lookup_values))
        else:
            event = HostNotFound(request=command.request)
        self._commands(call, session.handle(event, self.sim.now))

    def _recorded(self, call: _Call) -> None:
        session = call.session
        assert session is not None
        if session.phase != "record":
            return
        seconds = self.sc.callers.recording_seconds
        self._commands(
            call,
            session.handle(RecordingFinished(reference=call.id, seconds=seconds), self.sim.now),
        )

    # ------------------------------------------------------------------ the ACD

    def _enqueue(
        self,
        call: _Call,
        queue: str,
        priority: int,
        skills: tuple[str, ...],
        attributes: dict[str, str],
        now: float,
    ) -> None:
        callers = self.sc.callers
        vip_agent = callers.vip_agent if call.vip else None
        contact = Contact(
            id=call.id,
            priority=priority + (1 if call.vip else 0),
            skills=tuple(SkillRequirement(skill=s) for s in skills) if skills else (),
            attributes=attributes,
            preferred_agents=() if vip_agent is None else (vip_agent,),
            sticky_for=0.0 if vip_agent is None else callers.vip_sticky,
        )
        self._routing(self.engine.enqueue(contact, queue, now))

    def _routing(self, events: list[RoutingEvent]) -> None:
        self._keep(self._feed(events))
        sim = self.sim
        now = sim._now
        calls = self.calls
        for e in events:
            kind = type(e)
            if kind is AgentStateChanged:  # the most frequent event
                if self.leaving:
                    self._try_logouts()
            elif kind is ContactOffered:
                offered: ContactOffered = e  # type: ignore[assignment]
                call = calls[offered.contact_id]
                group = self.group.get(offered.agent_id, self.default_group)
                if group.ring_no_answer and self.rng_ring.random() < group.ring_no_answer:
                    continue  # rings out: the engine's ring timeout returns the contact
                at = now + group.answer_after
                if at < offered.ring_deadline:
                    call.accept = sim.schedule(at, self._accept, call)
            elif kind is ContactQueued:
                call = calls[e.contact_id]  # type: ignore[union-attr]
                if call.abandon is None:
                    draw = self._patience[e.queue]  # type: ignore[union-attr]
                    patience = _NEVER if draw is None else draw(self.rng_patience)
                    if patience < _NEVER:
                        call.abandon = sim.schedule(now + patience, self._abandon, call)
            elif kind is ContactAnswered:
                call = calls[e.contact_id]  # type: ignore[union-attr]
                call.accept = None
                if call.abandon is not None:
                    sim.cancel(call.abandon)
                    call.abandon = None
                talk = self._handle_time[e.queue](self.rng_handle)  # type: ignore[union-attr]
                sim.schedule(now + talk, self._complete, call)
            elif kind is ContactCompleted:
                completed: ContactCompleted = e  # type: ignore[assignment]
                call = calls.pop(completed.contact_id)
                if self.tickets_by_queue:
                    self._maybe_ticket(call, completed)
            elif kind is ContactOfferDeclined:
                call = calls[e.contact_id]  # type: ignore[union-attr]
                if call.accept is not None:
                    sim.cancel(call.accept)
                    call.accept = None
            elif kind in _GONE and (
                kind is not ContactOverflowed or e.kind is not OverflowKind.QUEUE  # type: ignore[union-attr]
            ):
                self._gone(calls.pop(e.contact_id))  # type: ignore[union-attr]

    def _gone(self, call: _Call) -> None:
        for event in (call.abandon, call.accept):
            if event is not None:
                self.sim.cancel(event)
        call.abandon = call.accept = None

    def _on_routing(self, events: list[RoutingEvent]) -> None:
        self._routing(events)

    def _accept(self, call: _Call) -> None:
        call.accept = None
        self._routing(self.engine.accept(call.id, self.sim._now))

    def _abandon(self, call: _Call) -> None:
        call.abandon = None
        if call.accept is not None:
            self.sim.cancel(call.accept)
            call.accept = None
        self._routing(self.engine.abandon(call.id, self.sim.now))

    def _complete(self, call: _Call) -> None:
        self._routing(self.engine.complete(call.id, self.sim._now))

    # ------------------------------------------------------------------ tickets

    def _maybe_ticket(self, call: _Call, completed: ContactCompleted) -> None:
        models = self.tickets_by_queue.get(completed.queue)
        if not models or self.desk is None:
            return
        rng = self.rng_tickets
        for model in models:
            if rng.random() < model.share:
                fields = {"customer_phone": call.caller, **model.fields}
                ticket = self.desk.open(
                    model.workflow, actor=completed.agent_id, now=self.sim.now, fields=fields
                )
                delay = model.resolve_after.sample(rng)
                if model.steps:
                    self.sim.schedule(
                        self.sim.now + delay,
                        self._work_ticket,
                        ticket.id,
                        model,
                        completed.agent_id,
                        0,
                    )
                self._on_tickets()
                return

    def _work_ticket(self, ticket_id: str, model: TicketModel, agent: str, index: int) -> None:
        assert self.desk is not None
        now = self.sim.now
        step = model.steps[index]
        self.desk.fire(ticket_id, step.trigger, actor=agent, now=now, fields=step.fields)
        self._on_tickets()
        if index + 1 < len(model.steps):
            after = model.steps[index + 1].after
            self.sim.schedule(now + after, self._work_ticket, ticket_id, model, agent, index + 1)

    def _on_tickets(self, _: object = None) -> None:
        """Count what the desk did (what ``advance`` returns is also in its outbox)."""
        assert self.desk is not None
        counts = self.ticket_counts
        for e in self.desk.take_events():
            if isinstance(e, TicketOpened):
                counts["opened"] += 1
            elif isinstance(e, TicketClosed):
                counts["closed"] += 1
                if e.within_sla is not False:
                    counts["within"] += 1
            elif isinstance(e, SlaBreached):
                counts["breaches"] += 1

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
        records = self.records
        records.extend(self.builder.close(self.sim.now))
        if progress is not None:
            progress(1.0)
        c = self.ticket_counts
        return SimulationResult(
            scenario=self.sc.name,
            seed=self.streams.seed,
            timezone=self.sc.timezone,
            answer_time=self.sc.answer_time,
            records=tuple(records),
            intervals=tuple(self._clip(self.builder.take_intervals())),
            tickets=TicketSummary(
                opened=c["opened"],
                closed=c["closed"],
                closed_within_sla=c["within"],
                breaches=c["breaches"],
            ),
            unfinished=self.builder.open_contacts,
            staffed=tuple(staffed),
            events=self.sim.events_run,
        )


def simulate(
    scenario: Scenario,
    *,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Run one day of ``scenario`` through the real IVR, ACD, ticket and metrics engines.

    Args:
        scenario: The scenario (see :func:`load_scenario`).
        seed: The seed (default: the scenario's).
        progress: Called with the share of the run done, from 0 to 1.

    Returns:
        The records, agent intervals and ticket figures of the day.

    The same scenario and seed give the same result, bit for bit.
    """
    driver = _Driver(scenario, scenario.seed if seed is None else seed)
    return driver.run(progress)


def scenario_figures(scenario: Scenario, seed: int) -> dict[str, float]:
    """Simulate a day and return its figures: a run function for :func:`run_study`.

    Returns:
        ``offered``, ``answered``, ``answer_rate``, ``abandonment_rate``,
        ``service_level``, ``asa_seconds``, ``occupancy`` (a figure with no data,
        such as the ASA of a day with no answered call, is 0), ``tickets_opened``.
    """
    result = simulate(scenario, seed=seed)
    rows = [r for r in result.day_report().rows if r.group == (("queue", "(all)"),)]
    row = rows[0] if rows else None
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
        value = None if row is None else getattr(row.kpis, name)
        values[name] = 0.0 if value is None else float(value)
    return values
