"""The ticket desk: many tickets, their workflows and their SLA clocks, sans I/O.

:class:`TicketDesk` is the one object a host drives. It opens tickets, fires
triggers, transfers ownership, and -- through ``next_deadline()`` / ``advance(now)``
-- gives SLA warnings and breaches in deadline order, each exactly once, recording
them in the ticket's trail and firing the workflow's escalation trigger on a breach.
It never reads the clock and never touches a database: persist the tickets it
returns with a :class:`~callcenter.tickets.TicketStore` if they must survive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from .._clock import Clock
from .._timers import TimerQueue
from ..errors import (
    CallCenterError,
    DefinitionError,
    DuplicateIdError,
    InvalidArgumentError,
    Problem,
    UnknownIdError,
)
from ._events import (
    OwnershipTransferred,
    SlaBreached,
    SlaWarning,
    TicketClosed,
    TicketEvent,
    TicketOpened,
    TicketTransitioned,
)
from ._records import Actor, FieldValue, Priority, Ticket, instant, text_problem
from ._staging import CLOCKS, Batch, TimerKey
from ._transition import SLA_ACTOR, Transition, TriggerRefusedError
from ._workflow import Workflow

__all__ = ["TicketDesk"]

_R = TypeVar("_R")

_FOLLOW_UP_COPIED = ("customer_phone", "customer_name", "waybill", "region", "category")


class TicketDesk:
    """Open, fire, transfer and time tickets of several workflows.

    Args:
        workflows: The workflows tickets may use (names must be unique, and every
            workflow a transition ``opens`` must be among them); one workflow alone
            is a list of one.
        id_prefix: Prefix of generated ticket ids (``T1``, ``T2``...).

    Raises:
        DefinitionError: Duplicate workflow names, or a follow-up workflow missing.

    >>> from callcenter.tickets import ENQUIRY
    >>> desk = TicketDesk([ENQUIRY])
    >>> t = desk.open("enquiry", actor="a1", now=0.0,
    ...               fields={"customer_phone": "13800000000", "question": "rates?"})
    >>> desk.fire(t.id, "answer", actor="a1", now=60.0, fields={"answer": "see site"}).state
    'answered'
    >>> [type(e).__name__ for e in desk.take_events()]
    ['TicketOpened', 'TicketTransitioned', 'TicketClosed']
    """

    def __init__(self, workflows: Workflow | Iterable[Workflow], *, id_prefix: str = "T") -> None:
        table: dict[str, Workflow] = {}
        problems: list[Problem] = []
        given: object = workflows
        if isinstance(given, Workflow):
            given = [given]  # one workflow alone is a list of one
        if not isinstance(given, Iterable) or isinstance(given, str | Mapping):
            given = [given]
        listed = list(given)
        problems.extend(
            Problem(path=f"workflows.{index}", message=f"expected a Workflow, got {wf!r:.60}")
            for index, wf in enumerate(listed)
            if not isinstance(wf, Workflow)
        )
        if problems:
            raise DefinitionError(problems, what="ticket desk")
        for index, wf in enumerate(listed):
            if wf.name in table:
                problems.append(
                    Problem(
                        path=f"workflows.{index}", message=f"workflow {wf.name!r} is listed twice"
                    )
                )
            table[wf.name] = wf
        problems.extend(
            Problem(
                path=f"workflows.{wf.name}.{t.trigger}",
                message=f"opens a follow-up in workflow {t.opens!r}, "
                "which the desk was not given; add it",
            )
            for wf in listed
            for t in wf.transitions
            if t.opens is not None and t.opens not in table
        )
        if problems:
            raise DefinitionError(problems, what="ticket desk")
        self._workflows = table
        # whether the SLA work due before a call may open tickets (follow-ups of an
        # escalation): if not, a call about an unknown ticket is refused at once
        self._sla_opens_tickets = any(
            t.opens is not None and t.trigger == wf.escalation_trigger
            for wf in listed
            for t in wf.transitions
        )
        self._tickets: dict[str, Ticket] = {}
        self._timers: TimerQueue[TimerKey] = TimerQueue()
        self._clock = Clock()
        self._next_number = 1
        self._prefix = id_prefix
        self._outbox: list[TicketEvent] = []

    # ------------------------------------------------------------------ questions

    @property
    def workflows(self) -> Mapping[str, Workflow]:
        """The workflows by name."""
        return self._workflows

    @property
    def now(self) -> float | None:
        """The latest time the desk has accepted."""
        return self._clock.now

    def __len__(self) -> int:
        return len(self._tickets)

    def __contains__(self, ticket_id: object) -> bool:
        return isinstance(ticket_id, str) and ticket_id in self._tickets

    def get(self, ticket_id: str) -> Ticket:
        """The ticket with this id. ``O(1)``, refusals included.

        Raises:
            UnknownIdError: No such ticket on the desk.
            InvalidArgumentError: ``ticket_id`` is not text.
        """
        ticket = self._tickets.get(_checked_id(ticket_id))
        if ticket is None:
            raise UnknownIdError(kind="ticket", id=ticket_id, known=self._tickets)
        return ticket

    def tickets(self) -> Iterator[Ticket]:
        """Every ticket on the desk, in the order they were added."""
        return iter(list(self._tickets.values()))

    def allowed_triggers(self, ticket_id: str) -> tuple[str, ...]:
        """The triggers defined in the ticket's current state."""
        ticket = self.get(ticket_id)
        return self._workflows[ticket.workflow].allowed_triggers(ticket.state)

    def take_events(self) -> list[TicketEvent]:
        """Every event since the last call, oldest first (and forget them)."""
        events, self._outbox = self._outbox, []
        return events

    # ------------------------------------------------------------------ changes

    def _workflow(self, name: str) -> Workflow:
        if not isinstance(name, str):
            raise InvalidArgumentError(name="workflow", expected="a workflow name", got=name)
        wf = self._workflows.get(name)
        if wf is None:
            raise UnknownIdError(kind="workflow", id=name, known=self._workflows)
        return wf

    def _batch(self) -> Batch:
        return Batch(
            self._tickets, self._timers, next_number=self._next_number, prefix=self._prefix
        )

    def _run(self, now: float, call: Callable[[Batch, float], _R]) -> _R:
        """Give the SLA events due by ``now``, then do ``call``: all of it, or nothing."""
        at = self._clock.check(instant(now))
        batch = self._batch()
        try:
            batch.take_due(at)
            self._run_timers(batch)
            batch.stop_advancing()
            result = call(batch, at)
        except BaseException:
            batch.rollback()
            raise
        self._finish(batch)
        self._clock.commit(at)
        return result

    def _finish(self, batch: Batch) -> None:
        batch.commit(self._tickets)
        self._next_number = batch.next_number
        self._outbox.extend(batch.events)

    def _refuse_unknown(self, ticket_id: str) -> None:
        """Refuse an unknown ticket in ``O(1)``, before any SLA work due is done.

        Only when the due SLA work cannot open the ticket; else :meth:`_ticket`
        refuses it after that work (and rolls it back).
        """
        if _checked_id(ticket_id) not in self._tickets and not self._sla_opens_tickets:
            raise UnknownIdError(kind="ticket", id=ticket_id, known=self._tickets)

    def _ticket(self, batch: Batch, ticket_id: str) -> Ticket:
        ticket = batch.get(_checked_id(ticket_id))
        if ticket is None:
            raise UnknownIdError(kind="ticket", id=ticket_id, known=self._tickets)
        return ticket

    def open(
        self,
        workflow: str,
        *,
        actor: Actor | str,
        now: float,
        fields: Mapping[str, FieldValue] | None = None,
        priority: Priority | str = Priority.NORMAL,
        comment: str = "",
        ticket_id: str | None = None,
    ) -> Ticket:
        """Open a ticket; ``actor`` owns it until it is closed or transferred.

        Like every call that takes ``now``, it first gives the SLA events due by
        ``now`` (as :meth:`advance` would), and does nothing at all when refused.

        Returns:
            The new ticket. Emits the SLA events due by ``now``, then
            :class:`~callcenter.tickets.TicketOpened`.

        Raises:
            UnknownIdError: No such workflow.
            DuplicateIdError: ``ticket_id`` is in use.
            InvalidArgumentError: Bad fields or priority (see :meth:`Workflow.open`).
            TimeWentBackwardsError: ``now`` is before the desk's latest time.
        """
        wf = self._workflow(workflow)

        if ticket_id is not None:
            _checked_id(ticket_id)

        def call(batch: Batch, at: float) -> Ticket:
            if ticket_id is not None and ticket_id in batch:
                raise DuplicateIdError(kind="ticket", id=ticket_id)
            new_id = ticket_id if ticket_id is not None else batch.new_id()
            ticket = wf.open(
                new_id, actor=actor, now=at, fields=fields, priority=priority, comment=comment
            )
            batch.store(ticket, None)
            batch.events.append(_opened_event(ticket, None))
            return ticket

        return self._run(now, call)

    def add(self, ticket: Ticket) -> None:
        """Put an existing ticket (e.g. loaded from a store) on the desk, with its clocks.

        Its SLA events already due are given by the next call that takes ``now``.
        The ticket must be what its trail says: it is replayed to check, in
        ``O(trail length)`` (about 0.1 ms for a short trail), so that a ticket edited
        in storage cannot put, say, a NaN deadline among the desk's timers.

        Raises:
            UnknownIdError: The ticket's workflow is not on the desk.
            DuplicateIdError: A ticket with its id is already on the desk.
            InvalidArgumentError: Not a ticket, or its trail does not rebuild it.
        """
        if not isinstance(ticket, Ticket):
            raise InvalidArgumentError(name="ticket", expected="a Ticket", got=ticket)
        wf = self._workflow(ticket.workflow)
        if _checked_id(ticket.id) in self._tickets:
            raise DuplicateIdError(kind="ticket", id=ticket.id)
        _check_replays(wf, ticket)
        batch = self._batch()
        batch.store(ticket, None)
        self._finish(batch)

    def remove(self, ticket_id: str) -> Ticket:
        """Take a ticket off the desk (e.g. once closed and archived); returns it.

        Raises:
            UnknownIdError: No such ticket.
        """
        ticket = self.get(ticket_id)
        del self._tickets[ticket_id]
        for clock in CLOCKS:
            self._timers.cancel((ticket_id, clock, False))
            self._timers.cancel((ticket_id, clock, True))
        return ticket

    def fire(
        self,
        ticket_id: str,
        trigger: str,
        *,
        actor: Actor | str,
        now: float,
        fields: Mapping[str, FieldValue] | None = None,
        comment: str = "",
    ) -> Ticket:
        """Fire ``trigger`` on a ticket (see :meth:`Workflow.fire`).

        First the SLA events due by ``now`` are given, as :meth:`advance` would give
        them -- an escalation among them may move this very ticket -- and then the
        trigger is fired on the ticket as they left it. When the transition
        ``opens`` a follow-up workflow, the follow-up ticket is opened in the same
        step with the ``parent_id`` field and the customer's details copied; it is
        owned by the transition's ``follow_up_owner`` if it names one, else by the
        ticket's owner -- never by ``actor``, who may be a gateway relaying an
        answer. When anything is refused nothing changes at all: the SLA
        events stay due, for the next call. An unknown ``ticket_id`` is refused
        before the SLA work (in ``O(1)``, however many tickets and deadlines are
        due), unless an escalation of the desk's workflows opens follow-ups.

        Returns:
            The ticket after the transition. Emits the SLA events due by ``now``
            (see :meth:`advance`), then
            :class:`~callcenter.tickets.TicketTransitioned`,
            :class:`~callcenter.tickets.TicketClosed` when it reaches a final state
            and :class:`~callcenter.tickets.TicketOpened` for a follow-up.

        Raises:
            UnknownIdError: No such ticket.
            TriggerRefusedError: The workflow refuses the trigger.
            InvalidArgumentError: The follow-up ticket cannot be opened (a field its
                workflow requires is missing from this ticket).
            TimeWentBackwardsError: ``now`` is before the desk's latest time.
        """
        self._refuse_unknown(ticket_id)

        def call(batch: Batch, at: float) -> Ticket:
            before = self._ticket(batch, ticket_id)
            wf = self._workflows[before.workflow]
            after = wf.fire(before, trigger, actor=actor, now=at, fields=fields, comment=comment)
            follow_up: Ticket | None = None
            t = wf.transition_for(before.state, trigger)
            if t is not None and t.opens is not None:
                follow_up = self._follow_up(batch, after, t, at)
            batch.store(after, before)
            batch.events.extend(_transition_events(before, after))
            if follow_up is not None:
                batch.store(follow_up, None)
                batch.events.append(_opened_event(follow_up, after.id))
            return after

        return self._run(now, call)

    def _follow_up(self, batch: Batch, parent: Ticket, t: Transition, at: float) -> Ticket:
        assert t.opens is not None
        wf = self._workflows[t.opens]
        fields: dict[str, FieldValue] = {"parent_id": parent.id}
        for name in (*_FOLLOW_UP_COPIED, *wf.required_on_open):
            if name in parent.fields and name not in fields:
                fields[name] = parent.fields[name]
        fields.setdefault("reason", f"{parent.workflow} {parent.state}")
        return wf.open(
            batch.new_id(),
            actor=t.follow_up_owner if t.follow_up_owner is not None else parent.owner,
            now=at,
            fields=fields,
            priority=parent.priority,
            comment=f"follow-up of {parent.id}",
        )

    def transfer(
        self, ticket_id: str, *, to: str, actor: Actor | str, now: float, comment: str = ""
    ) -> Ticket:
        """Hand ownership to agent ``to`` (see :meth:`Workflow.transfer`).

        First gives the SLA events due by ``now``; does nothing at all when refused
        (an unknown ticket is refused first, as by :meth:`fire`).

        Returns:
            The ticket. Emits the SLA events due by ``now``, then
            :class:`~callcenter.tickets.OwnershipTransferred`.

        Raises:
            UnknownIdError: No such ticket.
            IllegalTransitionError: The ticket is closed.
            InvalidArgumentError: ``to`` is empty or already the owner.
            TimeWentBackwardsError: ``now`` is before the desk's latest time.
        """
        self._refuse_unknown(ticket_id)

        def call(batch: Batch, at: float) -> Ticket:
            before = self._ticket(batch, ticket_id)
            wf = self._workflows[before.workflow]
            after = wf.transfer(before, to=to, actor=actor, now=at, comment=comment)
            batch.store(after, before)
            batch.events.append(
                OwnershipTransferred(
                    at=at,
                    ticket_id=ticket_id,
                    from_owner=before.owner,
                    to_owner=after.owner,
                    actor=after.trail[-1].actor,
                )
            )
            return after

        return self._run(now, call)

    # ------------------------------------------------------------------ SLA clocks

    def next_deadline(self) -> float | None:
        """When the next SLA warning or breach is due, or ``None``. ``O(1)``."""
        return self._timers.next_deadline()

    def advance(self, now: float) -> list[TicketEvent]:
        """Give every SLA warning and breach due by ``now``, in deadline order.

        Each is recorded in its ticket's trail (actor ``"sla"``) exactly once. A
        resolution breach fires the workflow's escalation trigger when it is allowed
        in the ticket's state and the workflow escalates from it (see
        :attr:`Workflow.escalate_from`); a follow-up it opens is owned as
        :meth:`fire` says.
        The level an escalation leads to gets a fresh resolution clock (see
        :class:`Workflow`), so an unresolved ticket keeps climbing; a deadline of the
        fresh clock that is already due by ``now`` is given in this same call.

        :meth:`open`, :meth:`fire` and :meth:`transfer` do the same first, so a host
        that calls them after a deadline without calling ``advance`` loses nothing.

        Returns:
            The events this call produced (they are also in :meth:`take_events`).

        Raises:
            TimeWentBackwardsError: ``now`` is before the desk's latest time.
        """

        def call(batch: Batch, at: float) -> list[TicketEvent]:
            return list(batch.events)

        return self._run(now, call)

    def _run_timers(self, batch: Batch) -> None:
        """Run the batch's due timers, one at a time, in deadline order."""
        produced = batch.events
        while (due := batch.pop_due()) is not None:
            deadline, (ticket_id, clock, breach) = due
            before = batch.get(ticket_id)
            assert before is not None  # a ticket's timers go with it
            wf = self._workflows[before.workflow]
            when = max(deadline, before.updated_at)
            after = wf.note_sla(before, clock, breach=breach, at=when)
            batch.store(after, before)
            if not breach:
                chosen = after.response if clock == "first_response" else after.resolution
                produced.append(
                    SlaWarning(
                        at=when,
                        ticket_id=ticket_id,
                        workflow=wf.name,
                        clock=clock,
                        deadline=None if chosen is None else chosen.deadline,
                    )
                )
                continue
            escalation = self._escalate(batch, wf, after, clock, when)
            produced.append(
                SlaBreached(
                    at=when,
                    ticket_id=ticket_id,
                    workflow=wf.name,
                    clock=clock,
                    escalated_to=None if escalation is None else escalation[0].state,
                )
            )
            if escalation is not None:
                escalated, follow_up = escalation
                produced.extend(_transition_events(after, escalated))
                if follow_up is not None:
                    produced.append(_opened_event(follow_up, escalated.id))

    def _escalate(
        self, batch: Batch, wf: Workflow, ticket: Ticket, clock: str, at: float
    ) -> tuple[Ticket, Ticket | None] | None:
        trigger = wf.escalation_trigger
        if clock != "resolution" or trigger is None or not wf.escalates_from(ticket.state):
            return None
        t = wf.transition_for(ticket.state, trigger)
        assert t is not None  # escalates_from says the trigger is defined here
        try:
            escalated = wf.fire(
                ticket,
                trigger,
                actor=SLA_ACTOR,
                now=at,
                comment="resolution SLA breached: escalated automatically",
            )
            follow_up = None
            if t.opens is not None:
                follow_up = self._follow_up(batch, escalated, t, at)
        except (TriggerRefusedError, InvalidArgumentError):
            return None  # a guard or a missing field keeps it where it is
        batch.store(escalated, ticket)
        if follow_up is not None:
            batch.store(follow_up, None)
        return escalated, follow_up


def _checked_id(ticket_id: object) -> str:
    if not isinstance(ticket_id, str) or text_problem(ticket_id) is not None:
        raise InvalidArgumentError(name="ticket_id", expected="a ticket id (text)", got=ticket_id)
    return ticket_id


def _check_replays(wf: Workflow, ticket: Ticket) -> None:
    try:
        rebuilt = wf.replay(ticket.id, ticket.trail)
    except CallCenterError:
        raise
    except Exception:  # a trail of anything at all: say so, in the library's terms
        rebuilt = None
    if rebuilt != ticket:
        raise InvalidArgumentError(
            name="ticket", expected="a ticket that its audit trail rebuilds", got=ticket.id
        )


def _opened_event(ticket: Ticket, parent: str | None) -> TicketOpened:
    return TicketOpened(
        at=ticket.created_at,
        ticket_id=ticket.id,
        workflow=ticket.workflow,
        state=ticket.state,
        owner=ticket.owner,
        priority=ticket.priority,
        parent_id=parent,
    )


def _transition_events(before: Ticket, after: Ticket) -> list[TicketEvent]:
    entry = after.trail[-1]
    events: list[TicketEvent] = [
        TicketTransitioned(
            at=entry.at,
            ticket_id=after.id,
            workflow=after.workflow,
            trigger=entry.trigger,
            from_state=entry.from_state,
            to_state=entry.to_state,
            actor=entry.actor,
            reopened=before.closed and not after.closed,
        )
    ]
    if after.closed and not before.closed:
        clocks = after.clocks()
        events.append(
            TicketClosed(
                at=entry.at,
                ticket_id=after.id,
                workflow=after.workflow,
                state=after.state,
                opened_at=after.created_at,
                within_sla=None if not clocks else not after.sla_failed(entry.at),
                first_response_met=None if after.response is None else after.response.met,
                resolution_met=None if after.resolution is None else after.resolution.met,
            )
        )
    return events
