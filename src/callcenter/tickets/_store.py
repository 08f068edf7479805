"""The ticket store protocol and the in-memory store.

A store keeps tickets with their audit trails. Updates are optimistic: a save names
the version (trail length) it started from, and loses with
:class:`~callcenter.errors.UpdateConflictError` when someone saved first -- reload,
fire again, save again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from .._checks import short_repr
from ..errors import DuplicateIdError, InvalidArgumentError, UnknownIdError, UpdateConflictError
from ._records import Ticket, instant, text_problem
from ._transition import field_problem

__all__ = ["MemoryTicketStore", "TicketStore", "due_within", "sla_breached"]


def sla_breached(ticket: Ticket, now: float) -> bool:
    """Whether any SLA clock of ``ticket`` is missed as seen at ``now``."""
    return ticket.sla_failed(now)


def due_within(ticket: Ticket, now: float, seconds: float) -> bool:
    """Whether a running SLA clock of ``ticket`` runs out in ``(now, now + seconds]``."""
    end = now + seconds
    return any(
        c.deadline is not None and now < c.deadline <= end and c.stopped_at is None
        for c in ticket.clocks()
    )


def check_id(ticket_id: object) -> None:
    """Refuse a ticket id that is not text (valid Unicode)."""
    if text_problem(ticket_id) is not None:
        raise InvalidArgumentError(name="ticket_id", expected="a ticket id (text)", got=ticket_id)


def checked_ticket(ticket: object) -> Ticket:
    """``ticket`` if it is a :class:`~callcenter.tickets.Ticket` that a store may keep.

    Its id must be text and its fields what a ticket may hold (what the desk accepts).
    """
    if not isinstance(ticket, Ticket):
        raise InvalidArgumentError(name="ticket", expected="a Ticket", got=ticket)
    check_id(ticket.id)
    for name, value in ticket.fields.items():
        problem = field_problem(name, value)
        if problem is not None:
            raise InvalidArgumentError(
                name=f"ticket.fields.{short_repr(name)}", expected=problem, got=value
            )
    return ticket


def check_criterion(name: str, value: object) -> None:
    """Refuse a query criterion that is neither ``None`` nor text."""
    if value is not None and text_problem(value) is not None:
        raise InvalidArgumentError(name=name, expected="text or None", got=value)


def check_query_limit(limit: int | None) -> None:
    """Refuse a negative or non-integer ``limit``."""
    if limit is not None and (type(limit) is not int or limit < 0):
        raise InvalidArgumentError(name="limit", expected="a whole number >= 0 or None", got=limit)


def check_window(seconds: float) -> float:
    """Refuse a negative or non-finite window."""
    value = instant(seconds, "seconds")
    if value < 0:
        raise InvalidArgumentError(name="seconds", expected="a number of seconds >= 0", got=seconds)
    return value


@runtime_checkable
class TicketStore(Protocol):
    """What every ticket store offers.

    Query results are ordered by ticket id, and carry their full trails.
    """

    def add(self, ticket: Ticket) -> None:
        """Store a new ticket. Raises DuplicateIdError if the id is taken."""
        ...

    def get(self, ticket_id: str) -> Ticket:
        """The stored ticket. Raises UnknownIdError."""
        ...

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        """Store a newer version of a ticket whose stored version is ``expected_version``.

        Raises UpdateConflictError when the stored version differs, UnknownIdError
        for an unknown ticket, InvalidArgumentError when the ticket's trail does not
        extend the stored one.
        """
        ...

    def query(
        self,
        *,
        workflow: str | None = None,
        state: str | None = None,
        owner: str | None = None,
        department: str | None = None,
        customer_phone: str | None = None,
        open_only: bool = False,
        limit: int | None = None,
    ) -> list[Ticket]:
        """Tickets matching every criterion given."""
        ...

    def sla_breached(self, now: float, *, limit: int | None = None) -> list[Ticket]:
        """Tickets with an SLA clock missed as seen at ``now``."""
        ...

    def sla_due_within(
        self, now: float, seconds: float, *, limit: int | None = None
    ) -> list[Ticket]:
        """Tickets with a running SLA clock running out in ``(now, now + seconds]``."""
        ...

    def __len__(self) -> int: ...


def check_save(stored_version: int, stored_id: str, ticket: Ticket, expected_version: int) -> None:
    """The checks every store makes before a save (shared so they say the same thing)."""
    if stored_version != expected_version:
        raise UpdateConflictError(
            kind="ticket",
            id=stored_id,
            expected_version=expected_version,
            actual_version=stored_version,
        )
    if ticket.version <= expected_version:
        raise InvalidArgumentError(
            name="ticket",
            expected=f"a ticket with more than {expected_version} trail entries",
            got=f"{ticket.version} entries",
        )


class MemoryTicketStore:
    """A :class:`TicketStore` in a dict: for tests, simulations and small hosts.

    Queries scan every ticket (``O(n)``); use :class:`SQLiteTicketStore
    <callcenter.tickets.SQLiteTicketStore>` for large volumes.

    >>> from callcenter.tickets import ENQUIRY
    >>> store = MemoryTicketStore()
    >>> t = ENQUIRY.open("E1", actor="a1", now=0.0,
    ...                  fields={"customer_phone": "139", "question": "hours?"})
    >>> store.add(t)
    >>> [x.id for x in store.query(customer_phone="139")]
    ['E1']
    """

    def __init__(self, tickets: Iterable[Ticket] = ()) -> None:
        self._tickets: dict[str, Ticket] = {}
        for ticket in tickets:
            self.add(ticket)

    def __len__(self) -> int:
        return len(self._tickets)

    def __iter__(self) -> Iterator[Ticket]:
        return iter(list(self._tickets.values()))

    def add(self, ticket: Ticket) -> None:
        """Store a new ticket.

        Raises:
            DuplicateIdError: A ticket with this id is stored.
        """
        if checked_ticket(ticket).id in self._tickets:
            raise DuplicateIdError(kind="ticket", id=ticket.id)
        self._tickets[ticket.id] = ticket

    def get(self, ticket_id: str) -> Ticket:
        """The stored ticket.

        Raises:
            UnknownIdError: No such ticket.
        """
        check_id(ticket_id)
        ticket = self._tickets.get(ticket_id)
        if ticket is None:
            raise UnknownIdError(kind="ticket", id=ticket_id)
        return ticket

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        """Store a newer version (see :meth:`TicketStore.save`).

        Raises:
            UnknownIdError: No such ticket.
            UpdateConflictError: The stored version is not ``expected_version``.
            InvalidArgumentError: The trail does not extend the stored one.
        """
        stored = self.get(checked_ticket(ticket).id)
        if type(expected_version) is not int:
            raise InvalidArgumentError(
                name="expected_version", expected="a whole number >= 0", got=expected_version
            )
        check_save(stored.version, ticket.id, ticket, expected_version)
        if ticket.trail[:expected_version] != stored.trail:
            raise InvalidArgumentError(
                name="ticket", expected="a trail that extends the stored one", got=ticket.id
            )
        self._tickets[ticket.id] = ticket

    def query(
        self,
        *,
        workflow: str | None = None,
        state: str | None = None,
        owner: str | None = None,
        department: str | None = None,
        customer_phone: str | None = None,
        open_only: bool = False,
        limit: int | None = None,
    ) -> list[Ticket]:
        """Tickets matching every criterion given, by id. ``O(n)``."""
        check_query_limit(limit)
        for name, value in (
            ("workflow", workflow),
            ("state", state),
            ("owner", owner),
            ("department", department),
            ("customer_phone", customer_phone),
        ):
            check_criterion(name, value)
        found = [
            t
            for t in self._tickets.values()
            if (workflow is None or t.workflow == workflow)
            and (state is None or t.state == state)
            and (owner is None or t.owner == owner)
            and (department is None or t.department == department)
            and (customer_phone is None or t.customer_phone == customer_phone)
            and not (open_only and t.closed)
        ]
        found.sort(key=lambda t: t.id)
        return found if limit is None else found[:limit]

    def sla_breached(self, now: float, *, limit: int | None = None) -> list[Ticket]:
        """Tickets with an SLA clock missed as seen at ``now``, by id. ``O(n)``."""
        check_query_limit(limit)
        at = instant(now)
        found = sorted((t for t in self._tickets.values() if t.sla_failed(at)), key=lambda t: t.id)
        return found if limit is None else found[:limit]

    def sla_due_within(
        self, now: float, seconds: float, *, limit: int | None = None
    ) -> list[Ticket]:
        """Tickets with a running clock running out in ``(now, now + seconds]``. ``O(n)``."""
        check_query_limit(limit)
        at = instant(now)
        window = check_window(seconds)
        found = sorted(
            (t for t in self._tickets.values() if due_within(t, at, window)), key=lambda t: t.id
        )
        return found if limit is None else found[:limit]
