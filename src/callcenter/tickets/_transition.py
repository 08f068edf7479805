"""The rows of a workflow's table, what a guard sees, and the error of a refused trigger.

A :class:`Transition` is plain data; a :class:`~callcenter.tickets.Workflow` checks
its table when it is built. The field checks here are shared by opening and firing.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .._checks import LARGEST, Problems, short_repr
from ..errors import IllegalTransitionError
from ._records import (
    RESERVED_FIELDS,
    Actor,
    FieldValue,
    Ticket,
    name_set,
    name_tuple,
    names_problems,
    text_problem,
)

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
    return name_tuple(value)  # type: ignore[return-value]  # the workflow checks the members


def _values(value: object) -> tuple[FieldValue, ...]:
    # a single value (text included) is a list of one value, never of letters
    if isinstance(value, str) or not isinstance(value, Iterable):
        return (value,)  # type: ignore[return-value]  # checked by field_value_problem
    return tuple(value)


def _when(value: Mapping[str, Iterable[FieldValue]]) -> dict[str, tuple[FieldValue, ...]]:
    given: object = value
    if not isinstance(given, Mapping):
        kept: Any = given  # reported by the transition's check
        return kept  # type: ignore[no-any-return]
    return {key: _values(values) for key, values in value.items()}


def transition_problems(
    problems: Problems,
    *,
    trigger: object,
    requires: object,
    roles: object,
    when: object,
    increments: object,
    opens: object,
    follow_up_owner: object,
) -> None:
    """Record the problems of one transition's own fields, each at its field's path.

    Shared by :class:`Transition` and the document loader, so both say the same thing.
    """
    problem = text_problem(trigger)
    if problem is not None:
        problems.add("trigger", problem)
    for key, value in (("requires", requires), ("roles", roles), ("increments", increments)):
        for path, message in names_problems(key, value):
            problems.add(path, message)
    if not isinstance(when, Mapping):
        problems.add("when", f"expected a table of field -> values, got {short_repr(when)}")
    else:
        for name, values in when.items():
            problem = text_problem(name)
            if problem is not None:
                problems.add(f"when.{short_repr(name)}", problem)
                continue
            for index, value in enumerate(values):
                problem = field_value_problem(value)
                if problem is not None:
                    problems.add(f"when.{name}.{index}", problem)
    for key, value in (("opens", opens), ("follow_up_owner", follow_up_owner)):
        if value is not None and text_problem(value) is not None:
            problems.add(key, f"{text_problem(value)} or nothing")
    if follow_up_owner is not None and opens is None:
        problems.add("follow_up_owner", "names the owner of a follow-up, but nothing is opened")


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
        follow_up_owner: Who owns that follow-up: an agent, team or role id. By
            default the ticket's own owner does (first-contact ownership), never
            whoever happened to fire the trigger (an SMS gateway answering a survey).
        description: A sentence for the docs.

    Wherever a list of names is expected (``requires``, ``roles``, ``increments``,
    the values of ``when``), a single text is a list of one, never of letters:
    ``roles="dispatcher"`` is ``roles={"dispatcher"}``.

    Raises:
        DefinitionError: Every problem of the row's own fields, at their paths.
    """

    source: tuple[enum.Enum, ...] = attrs.field(converter=_sources)
    trigger: str
    target: enum.Enum
    requires: tuple[str, ...] = attrs.field(default=(), converter=name_tuple)
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=name_set)
    when: Mapping[str, tuple[FieldValue, ...]] = attrs.field(factory=dict, converter=_when)
    guard: Guard | None = None
    increments: tuple[str, ...] = attrs.field(default=(), converter=name_tuple)
    responds: bool = False
    opens: str | None = None
    follow_up_owner: str | None = None
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        transition_problems(
            problems,
            trigger=self.trigger,
            requires=self.requires,
            roles=self.roles,
            when=self.when,
            increments=self.increments,
            opens=self.opens,
            follow_up_owner=self.follow_up_owner,
        )
        problems.raise_if_any(what=f"transition {short_repr(self.trigger)}")


def as_actor(actor: Actor | str) -> Actor:
    """``actor`` as an :class:`~callcenter.tickets.Actor` (an id alone holds no roles).

    Raises:
        InvalidArgumentError: ``actor`` is neither an actor nor an id (text).
    """
    return actor if isinstance(actor, Actor) else Actor(id=actor)


def comment_problem(comment: object) -> str | None:
    """Why ``comment`` cannot go in a trail, or ``None`` (it may be empty)."""
    if comment == "":
        return None
    problem = text_problem(comment)
    return None if problem is None else f"a comment ({problem})"


def field_value_problem(value: object) -> str | None:
    """Why ``value`` cannot be held by a ticket field, or ``None`` when it can.

    A field holds text (valid Unicode), a boolean, ``None``, or a finite number of at
    most :data:`~callcenter._checks.LARGEST` in size (keep longer codes as text).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return None if value == "" else text_problem(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return f"expected a finite number, got {value!r}"
        if abs(value) > LARGEST:
            return (
                f"expected a number of at most {LARGEST:g} in size (keep longer codes as "
                f"text), got {short_repr(value)}"
            )
        return None
    return f"expected text, a number, a boolean or None, got {type(value).__name__}"


def field_problem(key: object, value: object) -> str | None:
    """Why ``key = value`` cannot be a ticket field, or ``None`` when it can."""
    if text_problem(key) is not None:
        return f"field names must be non-empty text, got {short_repr(key)}"
    if key in RESERVED_FIELDS:
        return f"field name {key!r} is reserved for the trail; use transfer() to change the owner"
    problem = field_value_problem(value)
    return None if problem is None else f"field {key!r}: {problem}"
