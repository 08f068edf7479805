"""The records of the ticket engine: tickets, audit entries, SLA clocks, actors.

Every record is a frozen attrs class. A :class:`Ticket` is never changed in place:
firing a trigger returns a new ticket whose :attr:`Ticket.trail` has one more
:class:`AuditEntry`. The trail is the truth -- :meth:`Workflow.replay
<callcenter.tickets.Workflow.replay>` rebuilds the very same ticket from it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .._checks import number_problem, short_repr
from .._clock import as_instant
from ..errors import InvalidArgumentError

__all__ = [
    "RESERVED_FIELDS",
    "Actor",
    "AuditEntry",
    "EntryKind",
    "FieldChange",
    "FieldValue",
    "Priority",
    "SlaClock",
    "Ticket",
]

FieldValue = str | int | float | bool | None
"""What a ticket field may hold: plain values that every store can keep as JSON."""

RESERVED_FIELDS = frozenset({"owner", "priority"})
"""Names a ticket field may not take: the trail uses them for ownership and priority."""


class Priority(enum.Enum):
    """How urgent a ticket is; SLA targets are set per priority."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class EntryKind(enum.Enum):
    """What an :class:`AuditEntry` records."""

    OPEN = "open"
    """The ticket was created (``trigger`` is the workflow's name)."""

    TRANSITION = "transition"
    """A trigger was fired (the state may stay the same for a self-loop)."""

    TRANSFER = "transfer"
    """Ownership passed from one agent to another."""

    SLA_WARNING = "sla_warning"
    """An SLA clock used up its warning share (``trigger`` names the clock)."""

    SLA_BREACH = "sla_breach"
    """An SLA clock ran out (``trigger`` names the clock)."""


def instant(value: object, name: str = "now") -> float:
    """``value`` as a float of POSIX seconds, or :class:`InvalidArgumentError`.

    Refuses NaN, infinities, booleans, non-numbers and numbers beyond
    :data:`~callcenter._checks.LARGEST` (an int of 400 digits included) before the
    shared time guard sees them.
    """
    if number_problem(value) is not None:
        raise InvalidArgumentError(
            name=name, expected="a finite number of POSIX seconds", got=value
        )
    return as_instant(value, name)


def text_problem(value: object) -> str | None:
    """Why ``value`` cannot be a name, an id or a text of a ticket, or ``None`` when it can.

    Text must be a non-empty ``str`` that UTF-8 can encode (no lone surrogates), so
    that every store can keep it.
    """
    if not isinstance(value, str):
        return f"expected text, got {type(value).__name__} {short_repr(value)}"
    if not value:
        return "expected non-empty text, got ''"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"expected text without lone surrogates, got {short_repr(value)}"
    return None


def _listed(value: object) -> Any:
    # One rule wherever a list of names is expected: a single text is a list of one
    # name, never a sequence of letters. Anything else that is not a collection is
    # kept as it came, for the owner's check to report with its path.
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes | bytearray):
        return tuple(value)
    return value


def name_tuple(value: object) -> tuple[str, ...]:
    """``value`` as a tuple of names; a single text is one name (see :func:`names_problems`)."""
    listed: tuple[str, ...] = _listed(value)
    return listed


def name_set(value: object) -> frozenset[str]:
    """``value`` as a set of names; a single text is one name (see :func:`names_problems`)."""
    listed = _listed(value)
    if isinstance(listed, tuple):
        try:
            return frozenset(listed)
        except TypeError:  # an unhashable item: kept as a tuple, for the check to report
            pass
    result: frozenset[str] = listed
    return result


def names_problems(path: str, value: object) -> list[tuple[str, str]]:
    """The problems of a list of names converted by :func:`name_tuple` or :func:`name_set`.

    Returns:
        ``(path, message)`` pairs: the list itself when it is not a collection, else
        each item that is not :func:`text <text_problem>`, at ``path.<index>``.
    """
    if not isinstance(value, tuple | frozenset):
        return [(path, f"expected a list of names, got {type(value).__name__} {short_repr(value)}")]
    items = value if isinstance(value, tuple) else sorted(value, key=repr)
    found = []
    for index, item in enumerate(items):
        problem = text_problem(item)
        if problem is not None:
            found.append((f"{path}.{index}", problem))
    return found


@attrs.frozen(kw_only=True)
class Actor:
    """Who fires a trigger: an id for the audit trail and the roles it holds.

    A transition that lists roles may only be fired by an actor holding one of them.
    ``roles`` is a collection of role names; a single text is one role (never split
    into letters).

    >>> Actor(id="a7", roles={"supervisor"}).roles
    frozenset({'supervisor'})
    >>> Actor(id="a7", roles="claims_approver").roles
    frozenset({'claims_approver'})

    Raises:
        InvalidArgumentError: ``id`` is not text, or a role is not.
    """

    id: str
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=name_set)

    def __attrs_post_init__(self) -> None:
        problem = text_problem(self.id)
        if problem is not None:
            raise InvalidArgumentError(name="actor.id", expected="an actor id (text)", got=self.id)
        if not isinstance(self.roles, frozenset | tuple):
            raise InvalidArgumentError(
                name="actor.roles", expected="a collection of role names", got=self.roles
            )
        for role in self.roles:
            if text_problem(role) is not None:
                raise InvalidArgumentError(
                    name="actor.roles", expected="role names (text)", got=role
                )


@attrs.frozen(kw_only=True)
class FieldChange:
    """One field changed by an audit entry: its name, old value and new value."""

    name: str
    old: FieldValue
    new: FieldValue


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One line of a ticket's audit trail.

    Attributes:
        seq: Position in the trail, from 0 (the :attr:`EntryKind.OPEN` entry).
        at: When it happened (POSIX seconds).
        actor: Who did it (an agent id, or ``"sla"`` for the SLA clock).
        kind: What sort of change this is.
        trigger: The trigger fired; the workflow name for ``OPEN``; the clock name
            (``first_response`` or ``resolution``) for SLA entries; ``"transfer"``.
        from_state: The state before (``""`` for ``OPEN``).
        to_state: The state after.
        changes: The fields changed, with old and new values. ``owner`` and
            ``priority`` appear here when they are set or change.
        comment: Free text from the actor.
    """

    seq: int
    at: float
    actor: str
    kind: EntryKind
    trigger: str
    from_state: str
    to_state: str
    changes: tuple[FieldChange, ...] = ()
    comment: str = ""


@attrs.frozen(kw_only=True)
class SlaClock:
    """One SLA clock of a ticket (time to first response, or time to resolution).

    The clock counts *consumed* time -- calendar seconds, or business seconds of the
    workflow's calendar -- while it runs; it stops counting while the ticket waits
    on the customer, and for good when its goal is reached.

    Attributes:
        name: ``"first_response"`` or ``"resolution"``.
        target: The seconds allowed.
        consumed: Seconds counted before :attr:`running_since`.
        running_since: When the clock last started running, or ``None`` when paused
            or stopped.
        deadline: The instant the target is used up if the clock keeps running
            (``None`` when paused, stopped, or never reached by the calendar).
        warn_at: The instant the warning share is used up (``None`` likewise, or
            once the warning has been given).
        stopped_at: When the goal was reached, or ``None``.
        met: ``True``/``False`` once stopped (consumed within target or not),
            ``None`` while open.
        warned: Whether the warning was given (an ``SLA_WARNING`` entry exists).
        breached: Whether the breach was reported (an ``SLA_BREACH`` entry exists).
        earlier_breaches: How many earlier levels this clock breached at. A breach
            that escalates the ticket gives the next level a fresh clock (see
            :class:`~callcenter.tickets.Workflow`); the promise to the customer was
            missed all the same, so such a clock is never :attr:`met`.
    """

    name: str
    target: float
    consumed: float = 0.0
    running_since: float | None = None
    deadline: float | None = None
    warn_at: float | None = None
    stopped_at: float | None = None
    met: bool | None = None
    warned: bool = False
    breached: bool = False
    earlier_breaches: int = 0

    @property
    def running(self) -> bool:
        """Whether the clock is counting now."""
        return self.running_since is not None

    def failed(self, now: float) -> bool:
        """Whether the target is missed as seen at ``now`` (stopped late, or overdue)."""
        if self.met is not None:
            return not self.met
        if self.breached or self.earlier_breaches:
            return True
        return self.deadline is not None and self.deadline <= now


def _frozen_fields(value: Mapping[str, FieldValue]) -> Mapping[str, FieldValue]:
    # A read-only view over a private copy: a ticket never changes after it is built.
    if type(value) is MappingProxyType:
        return value
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Ticket:
    """A ticket: its workflow, state, owner, fields, SLA clocks and audit trail.

    Attributes:
        id: The ticket's id.
        workflow: The name of its workflow.
        state: The current state (the value of the workflow's state enum).
        priority: Sets the SLA targets.
        owner: The agent responsible (first-contact ownership: the creator, until
            an explicit transfer).
        created_at: When it was opened.
        updated_at: When the trail last grew.
        fields: The ticket's data (caller, category, waybill, department...), read-only.
        closed: Whether the state is one of the workflow's final states.
        response: The first-response SLA clock, if the workflow sets one.
        resolution: The resolution SLA clock, if the workflow sets one.
        trail: Every change, oldest first.
    """

    id: str
    workflow: str
    state: str
    priority: Priority
    owner: str
    created_at: float
    updated_at: float
    fields: Mapping[str, FieldValue] = attrs.field(converter=_frozen_fields)
    closed: bool = False
    response: SlaClock | None = None
    resolution: SlaClock | None = None
    trail: tuple[AuditEntry, ...] = ()

    @property
    def version(self) -> int:
        """The number of audit entries; stores use it for optimistic concurrency."""
        return len(self.trail)

    @property
    def department(self) -> str | None:
        """The ``department`` field, if it holds text."""
        value = self.fields.get("department")
        return value if isinstance(value, str) else None

    @property
    def customer_phone(self) -> str | None:
        """The ``customer_phone`` field, if it holds text."""
        value = self.fields.get("customer_phone")
        return value if isinstance(value, str) else None

    def clocks(self) -> tuple[SlaClock, ...]:
        """The ticket's SLA clocks (zero, one or two)."""
        return tuple(c for c in (self.response, self.resolution) if c is not None)

    def next_sla_deadline(self) -> float | None:
        """The earliest deadline among the running clocks, or ``None``."""
        deadlines = [c.deadline for c in self.clocks() if c.deadline is not None]
        return min(deadlines) if deadlines else None

    def sla_failed(self, now: float) -> bool:
        """Whether any SLA clock is missed as seen at ``now``."""
        return any(c.failed(now) for c in self.clocks())
