"""The rows of a workflow's table, what a guard sees, and the error of a refused trigger.

A :class:`Transition` is plain data; a :class:`~callcenter.tickets.Workflow` checks
its table when it is built. The field checks here are shared by opening and firing.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping

import attrs

from ..errors import IllegalTransitionError
from ._records import RESERVED_FIELDS, Actor, FieldValue, Ticket

__all__ = [
    "SLA_ACTOR",
    "Guard",
    "GuardContext",
    "Transition",
    "TriggerRefusedError",
]

SLA_ACTOR = "sla"
"""The actor named in the trail for what the SLA clock does (warnings, breaches, escalations)."""


class TriggerRefusedError(IllegalTransitionError):
    """A trigger cannot be fired on a ticket now; the ticket is unchanged.

    The message names the ticket, its state, the trigger, why it was refused and
    the triggers defined in the state, e.g. ``ticket 'T1' is recorded: cannot fire
    'close' because the trigger is not defined in this state; allowed now:
    'dispatch', 'send_to_qa'``.

    Args:
        ticket_id: The ticket.
        state: Its state.
        trigger: The trigger that was refused.
        allowed: The triggers defined from this state.
        reason: Why this one was refused.

    Attributes:
        ticket_id: The ticket.
        state: Its state.
        trigger: The trigger that was refused.
        allowed: The triggers defined from this state.
        reason: Why this one was refused.

    >>> error = TriggerRefusedError(ticket_id="T1", state="recorded", trigger="close",
    ...                             allowed=["dispatch"], reason="not yet")
    >>> print(error)
    ticket 'T1' is recorded: cannot fire 'close' because not yet; allowed now: 'dispatch'
    """

    def __init__(
        self, *, ticket_id: str, state: str, trigger: str, allowed: Iterable[str], reason: str
    ) -> None:
        self.ticket_id = ticket_id
        self.trigger = trigger
        super().__init__(
            entity=f"ticket {ticket_id!r}",
            state=state,
            action=f"fire {trigger!r}",
            allowed=allowed,
            reason=reason,
        )


@attrs.frozen(kw_only=True)
class GuardContext:
    """What a guard sees when a trigger is fired.

    Attributes:
        ticket: The ticket before the transition.
        fields: Its fields as they would be after the transition.
        given: The fields passed with the trigger.
        now: The time of firing.
        actor: Who fires.
    """

    ticket: Ticket
    fields: Mapping[str, FieldValue]
    given: Mapping[str, FieldValue]
    now: float
    actor: Actor


Guard = Callable[[GuardContext], str | None]
"""A guard returns ``None`` to allow a transition, or the reason it refuses."""


def _sources(value: enum.Enum | Iterable[enum.Enum]) -> tuple[enum.Enum, ...]:
    if isinstance(value, enum.Enum):
        return (value,)
    return tuple(value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _roles(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _when(value: Mapping[str, Iterable[FieldValue]]) -> dict[str, tuple[FieldValue, ...]]:
    return {key: tuple(values) for key, values in value.items()}


@attrs.frozen(kw_only=True)
class Transition:
    """One row of a workflow's table.

    Args:
        source: The state, or states, the trigger may be fired from.
        trigger: The trigger's name.
        target: The state it leads to (the same as a source for a self-loop).
        requires: Fields that must hold a value after the transition (given with
            the trigger, or set earlier).
        roles: Roles allowed to fire it; empty means anyone.
        when: Conditions on fields after the transition: each named field must
            hold one of the listed values.
        guard: A function that may refuse the transition with a reason.
        increments: Integer fields increased by one (attempt counters).
        responds: Firing it is the first response to the customer (stops the
            first-response SLA clock). Reaching a resolved state always does.
        opens: A workflow in which a follow-up ticket is opened automatically by
            :class:`~callcenter.tickets.TicketDesk` when this transition fires.
        description: A sentence for the docs.
    """

    source: tuple[enum.Enum, ...] = attrs.field(converter=_sources)
    trigger: str
    target: enum.Enum
    requires: tuple[str, ...] = attrs.field(default=(), converter=_names)
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=_roles)
    when: Mapping[str, tuple[FieldValue, ...]] = attrs.field(factory=dict, converter=_when)
    guard: Guard | None = None
    increments: tuple[str, ...] = attrs.field(default=(), converter=_names)
    responds: bool = False
    opens: str | None = None
    description: str = ""


def as_actor(actor: Actor | str) -> Actor:
    """``actor`` as an :class:`~callcenter.tickets.Actor` (an id alone holds no roles)."""
    return actor if isinstance(actor, Actor) else Actor(id=actor)


def _check_value(name: str, value: object) -> str | None:
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"field {name!r} must be a finite number"
    return f"field {name!r} must be text, a number, a boolean or None, got {type(value).__name__}"


def field_problem(key: object, value: object) -> str | None:
    """Why ``key = value`` cannot be a ticket field, or ``None`` when it can."""
    if not isinstance(key, str) or not key:
        return f"field names must be non-empty text, got {key!r}"
    if key in RESERVED_FIELDS:
        return f"field name {key!r} is reserved for the trail; use transfer() to change the owner"
    return _check_value(key, value)
