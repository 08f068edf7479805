"""Workflows: a state enum and a table of transitions, checked when built.

A :class:`Workflow` is data. Its transitions say from which states a trigger may be
fired, to which state it leads, which fields must be set, which roles may fire it,
and an optional guard. Firing (:meth:`Workflow.fire`) validates everything first and
then builds one :class:`~callcenter.tickets.AuditEntry`; the new ticket is computed
from the old one and that entry alone (:meth:`Workflow.apply`), which is why
:meth:`Workflow.replay` can rebuild any ticket from its trail. This module holds the
definition and its checks, and compiles a checked definition into its
:class:`~callcenter.tickets.WorkflowTable` (``_table``); the functions that fire and
replay (``_firing``) and the diagrams read that table alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .._checks import Problems
from ..errors import DefinitionError, Problem
from . import _firing
from ._check import TableRow, check_tables
from ._records import (
    RESERVED_FIELDS,
    Actor,
    AuditEntry,
    FieldValue,
    Priority,
    Ticket,
    name_tuple,
    names_problems,
    text_problem,
)
from ._sla import SlaPolicy
from ._table import NumberField, WorkflowTable
from ._transition import SLA_ACTOR, Guard, GuardContext, Transition, TriggerRefusedError

__all__ = [
    "SLA_ACTOR",
    "Guard",
    "GuardContext",
    "NumberField",
    "Transition",
    "TriggerRefusedError",
    "Workflow",
    "WorkflowTable",
]


def _members(value: enum.Enum | Iterable[enum.Enum]) -> frozenset[enum.Enum]:
    # one member alone is a set of one, like a transition's source
    if isinstance(value, enum.Enum | str):
        return frozenset((value,))  # a text is reported by the checks
    try:
        return frozenset(value)
    except TypeError:  # not a collection, or unhashable items: reported by the checks
        return frozenset()


def _levels(value: Mapping[enum.Enum, float]) -> dict[enum.Enum, float]:
    return dict(value)


def _transitions(value: Transition | Iterable[Transition]) -> tuple[Transition, ...]:
    given: object = value
    if isinstance(given, Iterable) and not isinstance(given, str | bytes | Mapping):
        return tuple(given)
    kept: Any = (given,)  # one transition alone; anything else is reported by the checks
    return kept  # type: ignore[no-any-return]


def _numbers(value: Mapping[str, NumberField]) -> dict[str, NumberField]:
    return dict(value)


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
            Whenever this trigger moves a ticket whose resolution clock has
            breached (fired by the desk or by a person), the level it leads to gets
            a fresh resolution clock, with its own warning and breach -- so an
            unresolved ticket keeps climbing while the trigger is allowed. The
            clock keeps count in
            :attr:`~callcenter.tickets.SlaClock.earlier_breaches` and is never
            met again.
        escalation_sla: Resolution seconds for the fresh clock of each level an
            escalation leads to, by state; a level not listed gets the ticket's own
            resolution target again.
        escalate_from: The states from which the desk fires the escalation trigger
            on a resolution breach; ``None`` (the default) means every state in which
            the trigger is defined. In the other states a breach is only reported
            (people may still fire the trigger).
        number_fields: Fields that must hold a number within bounds whenever they
            are set (see :class:`NumberField`), e.g. a claimed amount ``> 0``.
        description: A sentence for the docs.

    A checked workflow is compiled into :attr:`table`, a frozen
    :class:`WorkflowTable` keyed by state values: firing, replay and the diagrams
    all read it.

    Wherever a list of names is expected (``required_on_open``), a single text is a
    list of one, never of letters; a single state stands for a set of one
    (``final``, ``waiting``, ``resolved``, ``escalate_from``).

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
    required_on_open: tuple[str, ...] = attrs.field(default=(), converter=name_tuple)
    sla: SlaPolicy | None = None
    escalation_trigger: str | None = None
    escalation_sla: Mapping[enum.Enum, float] = attrs.field(factory=dict, converter=_levels)
    escalate_from: frozenset[enum.Enum] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_members)
    )
    number_fields: Mapping[str, NumberField] = attrs.field(factory=dict, converter=_numbers)
    description: str = ""

    table: WorkflowTable = attrs.field(init=False, repr=False)
    """The compiled table (see :class:`WorkflowTable`) that firing, replay and the
    diagrams read."""

    def __attrs_post_init__(self) -> None:
        shape = Problems()  # what must hold before the tables can be read at all
        name_problem = text_problem(self.name)
        if name_problem is not None:
            shape.add("name", name_problem)
        states: object = self.states
        if not (isinstance(states, type) and issubclass(states, enum.Enum)):
            shape.add("states", f"expected an enum class of states, got {states!r:.60}")
        given_rows: tuple[object, ...] = self.transitions
        for index, t in enumerate(given_rows):
            if not isinstance(t, Transition):
                shape.add(f"transitions.{index}", f"expected a Transition, got {t!r:.60}")
        shape.raise_if_any(what=f"workflow {self.name!r:.60}")
        problems: list[Problem] = [
            Problem(path=path, message=message)
            for path, message in names_problems("required_on_open", self.required_on_open)
        ]
        rules: Mapping[Any, object] = self.number_fields
        for field, rule in rules.items():
            if text_problem(field) is not None or field in RESERVED_FIELDS:
                problems.append(
                    Problem(
                        path=f"number_fields.{field}",
                        message=f"expected a field name that is not reserved, got {field!r}",
                    )
                )
            if not isinstance(rule, NumberField):
                problems.append(
                    Problem(path=f"number_fields.{field}", message="expected a NumberField")
                )
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
            escalation_sla={
                name_of(s, "escalation_sla"): seconds for s, seconds in self.escalation_sla.items()
            },
            has_sla=self.sla is not None,
        )
        escalates = None
        if self.escalate_from is not None:
            escalates = frozenset(
                name_of(s, f"escalate_from.{i}") for i, s in enumerate(self.escalate_from)
            )
            problems += escalate_from_problems(
                escalates,
                self.escalation_trigger,
                [(tuple(str(s.value) for s in t.source), t.trigger) for t in self.transitions],
            )
        if problems:
            raise DefinitionError(problems, what=f"workflow {self.name!r}")
        by_pair: dict[tuple[str, str], Transition] = {}
        allowed: dict[str, list[str]] = {name: [] for name in names}
        for t in self.transitions:
            for source in t.source:
                by_pair[(source.value, t.trigger)] = t
                allowed[source.value].append(t.trigger)
        table = WorkflowTable(
            name=self.name,
            states=tuple(names),
            initial=str(self.initial.value),
            final=frozenset(s.value for s in self.final),
            waiting=frozenset(s.value for s in self.waiting),
            stops=frozenset(s.value for s in self.final | self.resolved),
            transitions=self.transitions,
            rows=by_pair,
            targets={key: str(t.target.value) for key, t in by_pair.items()},
            allowed={k: tuple(sorted(v)) for k, v in allowed.items()},
            triggers=tuple(sorted({t.trigger for t in self.transitions})),
            required_on_open=self.required_on_open,
            number_fields=self.number_fields,
            sla=self.sla,
            escalation_trigger=self.escalation_trigger,
            escalation_sla={s.value: float(v) for s, v in self.escalation_sla.items()},
            escalate_from=escalates,
        )
        object.__setattr__(self, "table", table)  # frozen: compiled once, here

    # ------------------------------------------------------------------ questions

    def state_of(self, ticket: Ticket) -> enum.Enum:
        """The ticket's state as a member of :attr:`states`."""
        return self.states(ticket.state)

    def allowed_triggers(self, state: enum.Enum | str) -> tuple[str, ...]:
        """The triggers defined from ``state`` (before guards), sorted."""
        key = state.value if isinstance(state, enum.Enum) else state
        return self.table.allowed_in(key)

    def transition_for(self, state: enum.Enum | str, trigger: str) -> Transition | None:
        """The transition fired by ``trigger`` in ``state``, or ``None``."""
        key = state.value if isinstance(state, enum.Enum) else state
        return self.table.rows.get((key, trigger))

    def is_final(self, state: enum.Enum | str) -> bool:
        """Whether ``state`` is a final (closed) state."""
        key = state.value if isinstance(state, enum.Enum) else state
        return key in self.table.final

    def escalates_from(self, state: enum.Enum | str) -> bool:
        """Whether the desk fires the escalation trigger on a breach in ``state``."""
        key = state.value if isinstance(state, enum.Enum) else state
        return self.table.escalates_from(key)

    def number_problem(self, field: str, value: object) -> str | None:
        """Why ``value`` cannot be set in ``field`` (see :attr:`number_fields`), or ``None``."""
        return self.table.number_problem(field, value)

    def triggers(self) -> tuple[str, ...]:
        """Every trigger of the workflow, sorted."""
        return self.table.triggers

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
        return _firing.open_ticket(
            self.table,
            ticket_id,
            actor=actor,
            now=now,
            fields=fields,
            priority=priority,
            comment=comment,
        )

    # ------------------------------------------------------------------ firing

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
                guard refuses. The message names the ticket, state, trigger, the
                reason and the triggers allowed now.
            TimeWentBackwardsError: ``now`` is before the ticket's last entry.
            InvalidArgumentError: A bad ``now`` or a ticket of another workflow.
        """
        return _firing.fire(
            self.table, ticket, trigger, actor=actor, now=now, fields=fields, comment=comment
        )

    def transfer(
        self, ticket: Ticket, *, to: str, actor: Actor | str, now: float, comment: str = ""
    ) -> Ticket:
        """Hand ownership of an open ticket to agent ``to``, recorded in the trail.

        Raises:
            IllegalTransitionError: The ticket is closed (ownership ends at closure).
            InvalidArgumentError: ``to`` is empty or already the owner; a bad ``now``.
            TimeWentBackwardsError: ``now`` is before the ticket's last entry.
        """
        return _firing.transfer(self.table, ticket, to=to, actor=actor, now=now, comment=comment)

    def note_sla(self, ticket: Ticket, clock: str, *, breach: bool, at: float) -> Ticket:
        """Record that an SLA clock's warning or breach was given (actor ``"sla"``).

        Raises:
            InvalidArgumentError: The ticket has no such clock.
            TimeWentBackwardsError: ``at`` is before the ticket's last entry.
        """
        return _firing.note_sla(self.table, ticket, clock, breach=breach, at=at)

    # ------------------------------------------------------------------ the trail

    def apply(self, ticket: Ticket, entry: AuditEntry) -> Ticket:
        """The ticket after ``entry``: the one function both firing and replay use.

        Raises:
            InvalidArgumentError: The entry does not follow the ticket (wrong
                sequence number or state, unknown transition).
        """
        return _firing.apply(self.table, ticket, entry)

    def replay(self, ticket_id: str, trail: Sequence[AuditEntry]) -> Ticket:
        """Rebuild a ticket from its audit trail alone.

        Raises:
            InvalidArgumentError: The trail is empty, does not start with this
                workflow's ``OPEN`` entry, or an entry does not follow.
        """
        return _firing.replay(self.table, ticket_id, trail)

    # ------------------------------------------------------------------ diagrams

    def to_mermaid(self) -> str:
        """The state diagram as Mermaid ``stateDiagram-v2`` text, from the table."""
        return self.table.to_mermaid()

    def to_dot(self) -> str:
        """The state diagram as Graphviz DOT text, from the table."""
        return self.table.to_dot()


def escalate_from_problems(
    states: Iterable[str], trigger: str | None, rows: Iterable[tuple[tuple[str, ...], str]]
) -> list[Problem]:
    """The problems of ``escalate_from``: every state must allow the escalation trigger."""
    if trigger is None:
        return [
            Problem(
                path="escalate_from",
                message="names states to escalate from, but there is no escalation_trigger",
            )
        ]
    allowing = sorted({s for sources, t in rows if t == trigger for s in sources})
    return [
        Problem(
            path=f"escalate_from.{state}",
            message=f"the escalation trigger {trigger!r} is not defined in state {state!r}; "
            f"it is in: {', '.join(allowing) or 'none'}",
        )
        for state in sorted(states)
        if not state.startswith("<") and state not in allowing
    ]
