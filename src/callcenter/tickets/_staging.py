"""Staged changes of a ticket desk: a call is all or nothing, SLA timers included.

Every :class:`~callcenter.tickets.TicketDesk` call that takes ``now`` first gives the
SLA warnings and breaches due by ``now`` and then does its own work. Both go into a
:class:`Batch`: changed tickets and timer operations are held aside and applied to
the desk only when the whole call has succeeded. If the call is refused, the batch
is dropped and the desk is exactly as it was -- the due timers it had taken out of
the queue go back in their order, to be given by the next call.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from .._timers import TimerQueue
from ._events import TicketEvent
from ._records import SlaClock, Ticket

__all__ = ["CLOCKS", "Batch", "TimerKey"]

TimerKey = tuple[str, str, bool]
"""A timer's key: (ticket id, clock name, whether it is the breach)."""

CLOCKS = ("first_response", "resolution")


def _clock(ticket: Ticket | None, name: str) -> SlaClock | None:
    if ticket is None:
        return None
    return ticket.response if name == "first_response" else ticket.resolution


class Batch:
    """The changes of one desk call, applied together by :meth:`commit`.

    Args:
        tickets: The desk's tickets (read, never written until :meth:`commit`).
        timers: The desk's SLA timers (only due ones are taken out, by
            :meth:`take_due`; :meth:`rollback` puts them back).
        next_number: The desk's next generated ticket number.
        prefix: The prefix of generated ticket ids.
    """

    __slots__ = (
        "_base",
        "_due",
        "_ops",
        "_popped",
        "_prefix",
        "_timers",
        "_until",
        "changed",
        "events",
        "next_number",
    )

    def __init__(
        self,
        tickets: Mapping[str, Ticket],
        timers: TimerQueue[TimerKey],
        *,
        next_number: int,
        prefix: str,
    ) -> None:
        self._base = tickets
        self._timers = timers
        self._prefix = prefix
        self._due: TimerQueue[TimerKey] | None = None  # made when something is due
        self._popped: list[tuple[float, TimerKey]] = []
        self._ops: list[tuple[TimerKey, float | None]] = []
        self._until: float | None = None
        self.changed: dict[str, Ticket] = {}
        self.events: list[TicketEvent] = []
        self.next_number = next_number

    # ------------------------------------------------------------------ tickets

    def get(self, ticket_id: str) -> Ticket | None:
        """The ticket as this batch sees it, or ``None``."""
        ticket = self.changed.get(ticket_id)
        return ticket if ticket is not None else self._base.get(ticket_id)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self.changed or ticket_id in self._base

    def new_id(self) -> str:
        """The next free generated id (not taken until a ticket is stored under it)."""
        number = self.next_number
        while True:
            candidate = f"{self._prefix}{number}"
            if candidate not in self:
                return candidate
            number += 1

    def store(self, ticket: Ticket, before: Ticket | None) -> None:
        """Put ``ticket`` in the batch and (re)schedule the timers of its changed clocks.

        ``before`` is the ticket it replaces, or ``None`` for a ticket new to the desk.
        """
        if before is None and ticket.id == f"{self._prefix}{self.next_number}":
            self.next_number += 1
        self.changed[ticket.id] = ticket
        for name in CLOCKS:
            clock = _clock(ticket, name)
            if before is not None and clock is _clock(before, name):
                continue  # unchanged clock: its timers stand
            warn_key = (ticket.id, name, False)
            breach_key = (ticket.id, name, True)
            if clock is None or clock.warn_at is None or clock.warned:
                self._cancel(warn_key)
            else:
                self._schedule(warn_key, clock.warn_at)
            if clock is None or clock.deadline is None or clock.breached:
                self._cancel(breach_key)
            else:
                self._schedule(breach_key, clock.deadline)

    # ------------------------------------------------------------------ timers

    def _schedule(self, key: TimerKey, deadline: float) -> None:
        if self._until is not None and deadline <= self._until:
            # due within the advance being run: given by this very batch
            self._ops.append((key, None))
            if self._due is None:
                self._due = TimerQueue()
            self._due.schedule(key, deadline)
        else:
            if self._due is not None:
                self._due.cancel(key)
            self._ops.append((key, deadline))

    def _cancel(self, key: TimerKey) -> None:
        if self._due is not None:
            self._due.cancel(key)
        self._ops.append((key, None))

    def take_due(self, until: float) -> None:
        """Take the timers due by ``until`` out of the desk's queue, to be run here.

        Until :meth:`stop_advancing`, a timer scheduled for ``until`` or earlier is
        run by this batch too, in deadline order with the others.
        """
        self._until = until
        timers = self._timers
        first = timers.next_deadline()
        if first is None or first > until:
            return
        due_here: TimerQueue[TimerKey] = TimerQueue()
        self._due = due_here
        while (due := timers.pop_due(until)) is not None:
            self._popped.append(due)
            due_here.schedule(due[1], due[0])

    def pop_due(self) -> tuple[float, TimerKey] | None:
        """The next timer to run, in deadline order (ties in scheduling order)."""
        if self._until is None or self._due is None:
            return None
        return self._due.pop_due(self._until)

    def stop_advancing(self) -> None:
        """The SLA timers are run: what the call schedules now waits for a later one."""
        self._until = None

    # ------------------------------------------------------------------ the end

    def commit(self, tickets: MutableMapping[str, Ticket]) -> None:
        """Apply the batch to the desk's tickets and timers."""
        tickets.update(self.changed)
        timers = self._timers
        for key, deadline in self._ops:
            if deadline is None:
                timers.cancel(key)
            else:
                timers.schedule(key, deadline)

    def rollback(self) -> None:
        """Put the due timers back, in the order they were taken: the desk is unchanged.

        Every timer still in the queue is due after the ones taken out, so scheduling
        them again in their order restores the queue's order exactly.
        """
        for deadline, key in self._popped:
            self._timers.schedule(key, deadline)
        self._popped.clear()
