"""The events a :class:`~callcenter.tickets.TicketDesk` emits.

Every change the desk makes produces one or more events, in the order it made them;
a host (or the simulator, or the metrics package) reads them with
:meth:`TicketDesk.take_events() <callcenter.tickets.TicketDesk.take_events>`.
"""

from __future__ import annotations

import attrs

from ._records import Priority

__all__ = [
    "OwnershipTransferred",
    "SlaBreached",
    "SlaWarning",
    "TicketClosed",
    "TicketEvent",
    "TicketOpened",
    "TicketTransitioned",
]


@attrs.frozen(kw_only=True)
class TicketOpened:
    """A ticket was opened (by an agent, or as a follow-up of another ticket)."""

    at: float
    ticket_id: str
    workflow: str
    state: str
    owner: str
    priority: Priority
    parent_id: str | None = None
    """The ticket whose transition opened this one as a follow-up."""


@attrs.frozen(kw_only=True)
class TicketTransitioned:
    """A trigger was fired."""

    at: float
    ticket_id: str
    workflow: str
    trigger: str
    from_state: str
    to_state: str
    actor: str
    reopened: bool = False
    """The ticket left a final state."""


@attrs.frozen(kw_only=True)
class TicketClosed:
    """A ticket reached a final state (emitted after its :class:`TicketTransitioned`).

    A reopened ticket that closes again emits a second one; count closures by
    ``ticket_id`` if each ticket should count once.
    """

    at: float
    ticket_id: str
    workflow: str
    state: str
    opened_at: float
    within_sla: bool | None
    """Whether every SLA clock of the ticket was met; ``None`` when it has none."""
    first_response_met: bool | None = None
    """Whether the first response came in time; ``None`` without that clock."""
    resolution_met: bool | None = None
    """Whether it was resolved in time; ``None`` without that clock."""


@attrs.frozen(kw_only=True)
class OwnershipTransferred:
    """An explicit, audited change of owner."""

    at: float
    ticket_id: str
    from_owner: str
    to_owner: str
    actor: str


@attrs.frozen(kw_only=True)
class SlaWarning:
    """An SLA clock used up its warning share of the target."""

    at: float
    ticket_id: str
    workflow: str
    clock: str
    deadline: float | None
    """When the clock breaches if it keeps running."""


@attrs.frozen(kw_only=True)
class SlaBreached:
    """An SLA clock ran out."""

    at: float
    ticket_id: str
    workflow: str
    clock: str
    escalated_to: str | None = None
    """The state the escalation moved the ticket to, if one was fired."""


TicketEvent = (
    TicketOpened
    | TicketTransitioned
    | TicketClosed
    | OwnershipTransferred
    | SlaWarning
    | SlaBreached
)
"""Any event of the ticket desk."""
