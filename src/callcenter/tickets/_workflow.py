"""Workflows: a state enum, a table of transitions, and the pure functions that fire them.

A :class:`Workflow` is data. Its transitions say from which states a trigger may be
fired, to which state it leads, which fields must be set, which roles may fire it,
and an optional guard. Firing (:meth:`Workflow.fire`) validates everything first and
then builds one :class:`~callcenter.tickets.AuditEntry`; the new ticket is computed
from the old one and that entry alone (:meth:`Workflow.apply`), which is why
:meth:`Workflow.replay` can rebuild any ticket from its trail.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, assert_never

import attrs

from .._clock import as_instant
from ..errors import (
    DefinitionError,
    IllegalTransitionError,
    InvalidArgumentError,
    Problem,
    TimeWentBackwardsError,
    did_you_mean,
)
from ._check import TableRow, check_tables
from ._records import (
    RESERVED_FIELDS,
    Actor,
    AuditEntry,
    EntryKind,
    FieldChange,
    FieldValue,
    Priority,
    SlaClock,
    Ticket,
)
from ._sla import (
    SlaPolicy,
    mark_clock,
    pause_clock,
    reopen_clock,
    resume_clock,
    start_clock,
    stop_clock,
)

__all__ = [
    "SLA_ACTOR",
    "Guard",
    "GuardContext",
    "Transition",
    "TriggerRefusedError",
    "Workflow",
]

SLA_ACTOR = "sla"
"""The actor named in the trail for what the SLA clock does (warnings, breaches, escalations)."""


class TriggerRefusedError(IllegalTransitionError):
    """A trigger cannot be fired on a ticket now; the ticket is unchanged.

    Attributes:
        ticket_id: The ticket.
        state: Its state.
        trigger: The trigger that was refused.
        allowed: The triggers defined from this state.
        reason: Why this one was refused.
    """

    def __init__(
        self, *, ticket_id: str, state: str, trigger: str, allowed: Iterable[str], reason: str
    ) -> None:
        super().__init__(
            entity=f"ticket {ticket_id!r}", state=state, action=f"fire {trigger!r}", allowed=allowed
        )
        self.ticket_id = ticket_id
        self.trigger = trigger
        self.reason = reason
        self.args = (f"{self.args[0]} ({reason})",)


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


def _members(value: Iterable[enum.Enum]) -> frozenset[enum.Enum]:
    return frozenset(value)


def _transitions(value: Iterable[Transition]) -> tuple[Transition, ...]:
    return tuple(value)


def _check_value(name: str, value: object) -> str | None:
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"field {name!r} must be a finite number"
    return f"field {name!r} must be text, a number, a boolean or None, got {type(value).__name__}"


_NO_ROLES: frozenset[str] = frozenset()


def _as_actor(actor: Actor | str) -> Actor:
    return actor if isinstance(actor, Actor) else Actor(id=actor)


@attrs.frozen(kw_only=True, eq=False)
class Workflow:
    """A ticket workflow: states, transitions, SLA policy, escalation.

    The definition is checked when it is built: every state must be reachable from
    the initial state, every state that is not final needs a way out, every
    transition must name states of ``states``, and a state and trigger pair may
    appear only once. Every problem is reported at once.

    Args:
        name: The workflow's name (tickets refer to it).
        states: The state enum; its values (text) are what tickets and trails hold.
        initial: The state a new ticket starts in.
        final: States in which a ticket counts as closed (a final state may still
            have transitions out, e.g. reopen).
        transitions: The table.
        waiting: States in which the ticket waits on the customer: SLA clocks pause.
        resolved: States in which the resolution SLA clock stops (final states
            always stop it).
        required_on_open: Fields that must be given when a ticket is opened.
        sla: SLA targets; ``None`` for no SLA clocks.
        escalation_trigger: A trigger the desk fires (as actor ``"sla"``) when the
            resolution SLA is breached and the trigger is allowed in the state.
        description: A sentence for the docs.

    Raises:
        DefinitionError: Every problem of the tables, each with its path.
    """

    name: str
    states: type[enum.Enum]
    initial: enum.Enum
    final: frozenset[enum.Enum] = attrs.field(converter=_members)
    transitions: tuple[Transition, ...] = attrs.field(converter=_transitions)
    waiting: frozenset[enum.Enum] = attrs.field(default=frozenset(), converter=_members)
    resolved: frozenset[enum.Enum] = attrs.field(default=frozenset(), converter=_members)
    required_on_open: tuple[str, ...] = attrs.field(default=(), converter=_names)
    sla: SlaPolicy | None = None
    escalation_trigger: str | None = None
    description: str = ""

    _table: dict[tuple[str, str], Transition] = attrs.field(init=False, repr=False)
    _targets: dict[tuple[str, str], str] = attrs.field(init=False, repr=False)
    _allowed: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False)
    _final: frozenset[str] = attrs.field(init=False, repr=False)
    _waiting: frozenset[str] = attrs.field(init=False, repr=False)
    _stops: frozenset[str] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        names: list[str] = []
        for member in self.states:
            if not isinstance(member.value, str):
                problems.append(
                    Problem(
                        path=f"states.{member.name}",
                        message=f"state values must be text, got {member.value!r}",
                    )
                )
            names.append(str(member.value))

        def name_of(member: object, path: str) -> str:
            if isinstance(member, self.states):
                return str(member.value)
            problems.append(
                Problem(path=path, message=f"{member!r} is not a member of {self.states.__name__}")
            )
            return f"<{member!r}>"

        rows = []
        for index, t in enumerate(self.transitions):
            sources = tuple(
                name_of(s, f"transitions.{index}.source.{i}") for i, s in enumerate(t.source)
            )
            target = name_of(t.target, f"transitions.{index}.target")
            fields = (*t.requires, *t.when, *t.increments)
            rows.append(TableRow(sources=sources, trigger=t.trigger, target=target, fields=fields))
        problems += check_tables(
            states=names,
            initial=name_of(self.initial, "initial"),
            final=[name_of(s, "final") for s in self.final],
            waiting=[name_of(s, "waiting") for s in self.waiting],
            resolved=[name_of(s, "resolved") for s in self.resolved],
            rows=rows,
            escalation_trigger=self.escalation_trigger,
            required_on_open=self.required_on_open,
        )
        if problems:
            raise DefinitionError(problems, what=f"workflow {self.name!r}")
        table: dict[tuple[str, str], Transition] = {}
        allowed: dict[str, list[str]] = {name: [] for name in names}
        for t in self.transitions:
            for source in t.source:
                table[(source.value, t.trigger)] = t
                allowed[source.value].append(t.trigger)
        put = object.__setattr__  # frozen: derived tables are set once, here
        put(self, "_table", table)
        put(self, "_targets", {key: str(t.target.value) for key, t in table.items()})
        put(self, "_allowed", {k: tuple(sorted(v)) for k, v in allowed.items()})
        put(self, "_final", frozenset(s.value for s in self.final))
        put(self, "_waiting", frozenset(s.value for s in self.waiting))
        put(self, "_stops", frozenset(s.value for s in self.final | self.resolved))

    # ------------------------------------------------------------------ questions

    def state_of(self, ticket: Ticket) -> enum.Enum:
        """The ticket's state as a member of :attr:`states`."""
        return self.states(ticket.state)

    def allowed_triggers(self, state: enum.Enum | str) -> tuple[str, ...]:
        """The triggers defined from ``state`` (before guards), sorted."""
        key = state.value if isinstance(state, enum.Enum) else state
        return self._allowed.get(key, ())

    def transition_for(self, state: enum.Enum | str, trigger: str) -> Transition | None:
        """The transition fired by ``trigger`` in ``state``, or ``None``."""
        key = state.value if isinstance(state, enum.Enum) else state
        return self._table.get((key, trigger))

    def is_final(self, state: enum.Enum | str) -> bool:
        """Whether ``state`` is a final (closed) state."""
        key = state.value if isinstance(state, enum.Enum) else state
        return key in self._final

    def triggers(self) -> tuple[str, ...]:
        """Every trigger of the workflow, sorted."""
        return tuple(sorted({t.trigger for t in self.transitions}))

    # ------------------------------------------------------------------ opening

    def open(
        self,
        ticket_id: str,
        *,
        actor: Actor | str,
        now: float,
        fields: Mapping[str, FieldValue] | None = None,
        priority: Priority | str = Priority.NORMAL,
        comment: str = "",
    ) -> Ticket:
        """Open a ticket owned by ``actor`` (first-contact ownership).

        Args:
            ticket_id: The new ticket's id.
            actor: Who opens it; becomes the owner.
            now: When (POSIX seconds).
            fields: Its first data; :attr:`required_on_open` must be among them.
            priority: Sets the SLA targets.
            comment: For the trail.

        Returns:
            The new ticket, whose trail holds one ``OPEN`` entry.

        Raises:
            InvalidArgumentError: A bad ``now``, priority, field value or a missing
                required field.
        """
        at = as_instant(now)
        who = _as_actor(actor)
        try:
            level = priority if isinstance(priority, Priority) else Priority(priority)
        except ValueError:
            raise InvalidArgumentError(
                name="priority",
                expected=f"one of {', '.join(p.value for p in Priority)}",
                got=priority,
            ) from None
        given = dict(fields or {})
        for key in sorted(given):
            problem = _field_problem(key, given[key])
            if problem:
                raise InvalidArgumentError(name=f"fields.{key}", expected=problem, got=given[key])
        missing = [k for k in self.required_on_open if given.get(k) in (None, "")]
        if missing:
            raise InvalidArgumentError(
                name="fields",
                expected=f"the fields a {self.name} ticket needs: {', '.join(missing)}",
                got=sorted(given),
            )
        changes = [
            FieldChange(name="owner", old=None, new=who.id),
            FieldChange(name="priority", old=None, new=level.value),
            *(FieldChange(name=k, old=None, new=given[k]) for k in sorted(given)),
        ]
        entry = AuditEntry(
            seq=0,
            at=at,
            actor=who.id,
            kind=EntryKind.OPEN,
            trigger=self.name,
            from_state="",
            to_state=self.initial.value,
            changes=tuple(changes),
            comment=comment,
        )
        return self._opened(ticket_id, entry)

    def _opened(self, ticket_id: str, entry: AuditEntry) -> Ticket:
        values = {c.name: c.new for c in entry.changes}
        level = Priority(values.pop("priority"))
        owner = str(values.pop("owner"))
        response = resolution = None
        state = entry.to_state
        if self.sla is not None:
            target = self.sla.target_for(level)
            if target.first_response is not None:
                response = start_clock(self.sla, "first_response", target.first_response, entry.at)
            if target.resolution is not None:
                resolution = start_clock(self.sla, "resolution", target.resolution, entry.at)
            if state in self._waiting:
                response = response and pause_clock(self.sla, response, entry.at)
                resolution = resolution and pause_clock(self.sla, resolution, entry.at)
        return Ticket(
            id=ticket_id,
            workflow=self.name,
            state=state,
            priority=level,
            owner=owner,
            created_at=entry.at,
            updated_at=entry.at,
            fields=MappingProxyType(values),
            closed=state in self._final,
            response=response,
            resolution=resolution,
            trail=(entry,),
        )

    # ------------------------------------------------------------------ firing

    def _refuse(self, ticket: Ticket, trigger: str, reason: str) -> TriggerRefusedError:
        return TriggerRefusedError(
            ticket_id=ticket.id,
            state=ticket.state,
            trigger=trigger,
            allowed=self.allowed_triggers(ticket.state),
            reason=reason,
        )

    def _check_time(self, ticket: Ticket, now: float) -> float:
        at = as_instant(now)
        if at < ticket.updated_at:
            raise TimeWentBackwardsError(now=at, last=ticket.updated_at)
        if ticket.workflow != self.name:
            raise InvalidArgumentError(
                name="ticket", expected=f"a {self.name!r} ticket", got=ticket.workflow
            )
        return at

    def fire(
        self,
        ticket: Ticket,
        trigger: str,
        *,
        actor: Actor | str,
        now: float,
        fields: Mapping[str, FieldValue] | None = None,
        comment: str = "",
    ) -> Ticket:
        """Fire ``trigger`` on ``ticket``; return the new ticket (the old one is untouched).

        Args:
            ticket: The ticket.
            trigger: The trigger's name.
            actor: Who fires it (an :class:`~callcenter.tickets.Actor`, or an id
                with no roles).
            now: When; not before the ticket's last entry.
            fields: Field values set by this step.
            comment: For the trail.

        Returns:
            The ticket after the transition, with one more audit entry.

        Raises:
            TriggerRefusedError: The trigger is not defined in this state, the actor
                lacks the role, a required field is missing, a condition or the
                guard refuses. The message names the ticket, state, trigger and the
                triggers allowed now.
            TimeWentBackwardsError: ``now`` is before the ticket's last entry.
            InvalidArgumentError: A bad ``now`` or a ticket of another workflow.
        """
        at = self._check_time(ticket, now)
        if isinstance(actor, Actor):
            who_id, roles = actor.id, actor.roles
        else:
            who_id, roles = actor, _NO_ROLES
        row_key = (ticket.state, trigger)
        t = self._table.get(row_key)
        if t is None:
            known = self.triggers()
            if trigger in known:
                reason = "the trigger is not defined in this state"
            else:
                reason = f"no such trigger in workflow {self.name!r}{did_you_mean(trigger, known)}"
            raise self._refuse(ticket, trigger, reason)
        if t.roles and roles.isdisjoint(t.roles):
            raise self._refuse(
                ticket, trigger, f"actor {who_id!r} needs one of the roles {sorted(t.roles)}"
            )
        given = dict(fields) if fields else {}
        merged = dict(ticket.fields)
        for key, value in given.items():
            problem = _field_problem(key, value)
            if problem:
                raise self._refuse(ticket, trigger, problem)
            merged[key] = value
        for name in t.increments:
            current = merged.get(name)
            if current is None:
                current = 0
            if not isinstance(current, int) or isinstance(current, bool):
                raise self._refuse(ticket, trigger, f"field {name!r} must be a whole number")
            merged[name] = current + 1
        missing = [name for name in t.requires if merged.get(name) in (None, "")]
        if missing:
            raise self._refuse(ticket, trigger, f"missing required field(s): {', '.join(missing)}")
        for name, values in t.when.items():
            if merged.get(name) not in values:
                raise self._refuse(
                    ticket,
                    trigger,
                    f"field {name!r} must be one of {list(values)!r}, got {merged.get(name)!r}",
                )
        if t.guard is not None:
            who = Actor(id=who_id, roles=roles)
            context = GuardContext(ticket=ticket, fields=merged, given=given, now=at, actor=who)
            refusal = t.guard(context)
            if refusal is not None:
                raise self._refuse(ticket, trigger, refusal)
        old = ticket.fields
        touched = sorted({*given, *t.increments}) if t.increments else sorted(given)
        changes = tuple(
            FieldChange(name=key, old=old.get(key), new=merged[key])
            for key in touched
            if key not in old or old[key] != merged[key] or type(old[key]) is not type(merged[key])
        )
        entry = AuditEntry(
            seq=len(ticket.trail),
            at=at,
            actor=who_id,
            kind=EntryKind.TRANSITION,
            trigger=trigger,
            from_state=ticket.state,
            to_state=self._targets[row_key],
            changes=changes,
            comment=comment,
        )
        return self.apply(ticket, entry)

    def transfer(
        self, ticket: Ticket, *, to: str, actor: Actor | str, now: float, comment: str = ""
    ) -> Ticket:
        """Hand ownership of an open ticket to agent ``to``, recorded in the trail.

        Raises:
            IllegalTransitionError: The ticket is closed (ownership ends at closure).
            InvalidArgumentError: ``to`` is empty or already the owner; a bad ``now``.
            TimeWentBackwardsError: ``now`` is before the ticket's last entry.
        """
        at = self._check_time(ticket, now)
        who = _as_actor(actor)
        if ticket.closed:
            raise IllegalTransitionError(
                entity=f"ticket {ticket.id!r}",
                state=ticket.state,
                action="transfer ownership of a closed ticket",
                allowed=self.allowed_triggers(ticket.state),
            )
        if not to or to == ticket.owner:
            raise InvalidArgumentError(
                name="to", expected=f"an agent id other than the owner {ticket.owner!r}", got=to
            )
        entry = AuditEntry(
            seq=len(ticket.trail),
            at=at,
            actor=who.id,
            kind=EntryKind.TRANSFER,
            trigger="transfer",
            from_state=ticket.state,
            to_state=ticket.state,
            changes=(FieldChange(name="owner", old=ticket.owner, new=to),),
            comment=comment,
        )
        return self.apply(ticket, entry)

    def note_sla(self, ticket: Ticket, clock: str, *, breach: bool, at: float) -> Ticket:
        """Record that an SLA clock's warning or breach was given (actor ``"sla"``).

        Raises:
            InvalidArgumentError: The ticket has no such clock.
            TimeWentBackwardsError: ``at`` is before the ticket's last entry.
        """
        when = self._check_time(ticket, at)
        if clock not in ("first_response", "resolution") or _clock(ticket, clock) is None:
            raise InvalidArgumentError(name="clock", expected="a clock of the ticket", got=clock)
        entry = AuditEntry(
            seq=len(ticket.trail),
            at=when,
            actor=SLA_ACTOR,
            kind=EntryKind.SLA_BREACH if breach else EntryKind.SLA_WARNING,
            trigger=clock,
            from_state=ticket.state,
            to_state=ticket.state,
        )
        return self.apply(ticket, entry)

    # ------------------------------------------------------------------ the trail

    def apply(self, ticket: Ticket, entry: AuditEntry) -> Ticket:
        """The ticket after ``entry``: the one function both firing and replay use.

        Raises:
            InvalidArgumentError: The entry does not follow the ticket (wrong
                sequence number or state, unknown transition).
        """
        if (
            entry.seq != len(ticket.trail)
            or entry.from_state != ticket.state
            or entry.at < ticket.updated_at
        ):
            raise InvalidArgumentError(
                name="entry",
                expected=f"entry {len(ticket.trail)} from state {ticket.state!r}, "
                f"not before {ticket.updated_at!r}",
                got=f"entry {entry.seq} from state {entry.from_state!r} at {entry.at!r}",
            )
        trail = (*ticket.trail, entry)
        kind = entry.kind
        if kind is EntryKind.TRANSITION:
            row_key = (entry.from_state, entry.trigger)
            t = self._table.get(row_key)
            if t is None or self._targets[row_key] != entry.to_state:
                raise InvalidArgumentError(
                    name="entry",
                    expected=f"a transition of workflow {self.name!r}",
                    got=f"{entry.from_state!r} --{entry.trigger}--> {entry.to_state!r}",
                )
            fields = dict(ticket.fields)
            for change in entry.changes:
                fields[change.name] = change.new
            response, resolution = self._move_clocks(ticket, t, entry.to_state, entry.at)
            return Ticket(
                id=ticket.id,
                workflow=ticket.workflow,
                state=entry.to_state,
                priority=ticket.priority,
                owner=ticket.owner,
                created_at=ticket.created_at,
                updated_at=entry.at,
                fields=MappingProxyType(fields),
                closed=entry.to_state in self._final,
                response=response,
                resolution=resolution,
                trail=trail,
            )
        if kind is EntryKind.TRANSFER:
            owner = next(str(c.new) for c in entry.changes if c.name == "owner")
            return attrs.evolve(ticket, owner=owner, updated_at=entry.at, trail=trail)
        if kind is EntryKind.SLA_WARNING or kind is EntryKind.SLA_BREACH:
            clock = _clock(ticket, entry.trigger)
            if clock is None or self.sla is None:
                raise InvalidArgumentError(
                    name="entry", expected="a clock of the ticket", got=entry.trigger
                )
            marked = mark_clock(self.sla, clock, breach=kind is EntryKind.SLA_BREACH)
            key = "response" if entry.trigger == "first_response" else "resolution"
            changes: dict[str, Any] = {key: marked, "updated_at": entry.at, "trail": trail}
            return attrs.evolve(ticket, **changes)
        if kind is EntryKind.OPEN:
            raise InvalidArgumentError(name="entry", expected="an entry after OPEN", got=kind)
        assert_never(kind)

    def _move_clocks(
        self, ticket: Ticket, t: Transition, to: str, at: float
    ) -> tuple[SlaClock | None, SlaClock | None]:
        policy = self.sla
        response, resolution = ticket.response, ticket.resolution
        if policy is None:
            return response, resolution
        running = to not in self._waiting
        stops = to in self._stops
        if response is not None and response.stopped_at is None:
            if t.responds or stops:
                response = stop_clock(policy, response, at)
            elif running:
                response = resume_clock(policy, response, at)
            else:
                response = pause_clock(policy, response, at)
        if resolution is not None:
            if stops:
                resolution = stop_clock(policy, resolution, at)
            elif resolution.stopped_at is not None:
                resolution = reopen_clock(policy, resolution, at, running=running)
            elif running:
                resolution = resume_clock(policy, resolution, at)
            else:
                resolution = pause_clock(policy, resolution, at)
        return response, resolution

    def replay(self, ticket_id: str, trail: Sequence[AuditEntry]) -> Ticket:
        """Rebuild a ticket from its audit trail alone.

        Raises:
            InvalidArgumentError: The trail is empty, does not start with this
                workflow's ``OPEN`` entry, or an entry does not follow.
        """
        if not trail or trail[0].kind is not EntryKind.OPEN or trail[0].trigger != self.name:
            raise InvalidArgumentError(
                name="trail", expected=f"a trail opened by workflow {self.name!r}", got=trail[:1]
            )
        ticket = self._opened(ticket_id, trail[0])
        for entry in trail[1:]:
            ticket = self.apply(ticket, entry)
        return ticket

    # ------------------------------------------------------------------ diagrams

    def to_mermaid(self) -> str:
        """The state diagram as Mermaid ``stateDiagram-v2`` text, from the table."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial.value}"]
        lines += [
            f"    {source.value} --> {t.target.value}: {t.trigger}"
            for t in self.transitions
            for source in t.source
        ]
        lines += [f"    {m.value} --> [*]" for m in self.states if m in self.final]
        return "\n".join(lines) + "\n"

    def to_dot(self) -> str:
        """The state diagram as Graphviz DOT text, from the table."""
        lines = [f'digraph "{self.name}" {{', "    rankdir=LR;", '    "__start" [shape=point];']
        for member in self.states:
            shape = "doublecircle" if member in self.final else "box"
            style = ", style=dashed" if member in self.waiting else ""
            lines.append(f'    "{member.value}" [shape={shape}{style}];')
        lines.append(f'    "__start" -> "{self.initial.value}";')
        lines += [
            f'    "{source.value}" -> "{t.target.value}" [label="{t.trigger}"];'
            for t in self.transitions
            for source in t.source
        ]
        lines.append("}")
        return "\n".join(lines) + "\n"


def _clock(ticket: Ticket, name: str) -> SlaClock | None:
    if name == "first_response":
        return ticket.response
    if name == "resolution":
        return ticket.resolution
    return None


def _field_problem(key: object, value: object) -> str | None:
    if not isinstance(key, str) or not key:
        return f"field names must be non-empty text, got {key!r}"
    if key in RESERVED_FIELDS:
        return f"field name {key!r} is reserved for the trail; use transfer() to change the owner"
    return _check_value(key, value)
