"""Firing and replay: the pure functions behind :class:`~callcenter.tickets.Workflow`.

Each takes the workflow's compiled :class:`~callcenter.tickets.WorkflowTable`, never
the workflow itself. Opening, firing, transferring and noting an SLA event each validate everything
first and then build one :class:`~callcenter.tickets.AuditEntry`; :func:`apply`
computes the new ticket from the old one and that entry alone, so :func:`replay`
rebuilds any ticket from its trail through the very same function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, assert_never

import attrs

from ..errors import (
    CallCenterError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
    did_you_mean,
)
from ._records import (
    Actor,
    AuditEntry,
    EntryKind,
    FieldChange,
    FieldValue,
    Priority,
    SlaClock,
    Ticket,
    instant,
    text_problem,
)
from ._sla import (
    mark_clock,
    pause_clock,
    reopen_clock,
    restart_clock,
    resume_clock,
    start_clock,
    stop_clock,
)
from ._table import WorkflowTable
from ._transition import (
    SLA_ACTOR,
    GuardContext,
    Transition,
    TriggerRefusedError,
    as_actor,
    comment_problem,
    field_problem,
)

__all__ = ["apply", "fire", "note_sla", "open_ticket", "replay", "transfer"]

_NO_ROLES: frozenset[str] = frozenset()


# ----------------------------------------------------------------------- opening


def open_ticket(
    wf: WorkflowTable,
    ticket_id: str,
    *,
    actor: Actor | str,
    now: float,
    fields: Mapping[str, FieldValue] | None,
    priority: Priority | str,
    comment: str,
) -> Ticket:
    """See :meth:`Workflow.open <callcenter.tickets.Workflow.open>`."""
    at = instant(now)
    if text_problem(ticket_id) is not None:
        raise InvalidArgumentError(name="ticket_id", expected="a ticket id (text)", got=ticket_id)
    who = as_actor(actor)
    _check_comment(comment)
    try:
        level = priority if isinstance(priority, Priority) else Priority(priority)
    except ValueError:
        raise InvalidArgumentError(
            name="priority",
            expected=f"one of {', '.join(p.value for p in Priority)}",
            got=priority,
        ) from None
    given = _given(fields)
    for key in sorted(given):
        problem = field_problem(key, given[key]) or wf.number_problem(key, given[key])
        if problem:
            raise InvalidArgumentError(
                name=f"fields.{key}", expected=f"a valid value ({problem})", got=given[key]
            )
    missing = [k for k in wf.required_on_open if given.get(k) in (None, "")]
    if missing:
        raise InvalidArgumentError(
            name="fields",
            expected=f"the fields a {wf.name} ticket needs: {', '.join(missing)}",
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
        trigger=wf.name,
        from_state="",
        to_state=wf.initial,
        changes=tuple(changes),
        comment=comment,
    )
    return opened(wf, ticket_id, entry)


def opened(wf: WorkflowTable, ticket_id: str, entry: AuditEntry) -> Ticket:
    """The ticket its ``OPEN`` entry describes."""
    values = {c.name: c.new for c in entry.changes}
    level = Priority(values.pop("priority"))
    owner = str(values.pop("owner"))
    response = resolution = None
    state = entry.to_state
    if wf.sla is not None:
        target = wf.sla.target_for(level)
        if target.first_response is not None:
            response = start_clock(wf.sla, "first_response", target.first_response, entry.at)
        if target.resolution is not None:
            resolution = start_clock(wf.sla, "resolution", target.resolution, entry.at)
        if state in wf.waiting:
            response = response and pause_clock(wf.sla, response, entry.at)
            resolution = resolution and pause_clock(wf.sla, resolution, entry.at)
    return Ticket(
        id=ticket_id,
        workflow=wf.name,
        state=state,
        priority=level,
        owner=owner,
        created_at=entry.at,
        updated_at=entry.at,
        fields=MappingProxyType(values),
        closed=state in wf.final,
        response=response,
        resolution=resolution,
        trail=(entry,),
    )


def _check_comment(comment: object) -> None:
    problem = comment_problem(comment)
    if problem is not None:
        raise InvalidArgumentError(name="comment", expected=problem, got=comment)


def _given(fields: object) -> dict[str, FieldValue]:
    if fields is None:
        return {}
    if not isinstance(fields, Mapping):
        raise InvalidArgumentError(
            name="fields", expected="a mapping of field names to values", got=fields
        )
    given = dict(fields)
    for key in given:  # sortable and checkable: names are text
        if not isinstance(key, str):
            raise InvalidArgumentError(
                name="fields", expected="field names as non-empty text", got=key
            )
    return given


# ----------------------------------------------------------------------- firing


def _refuse(wf: WorkflowTable, ticket: Ticket, trigger: str, reason: str) -> TriggerRefusedError:
    return TriggerRefusedError(
        ticket_id=ticket.id,
        state=ticket.state,
        trigger=trigger,
        allowed=wf.allowed_in(ticket.state),
        reason=reason,
    )


def _check_time(wf: WorkflowTable, ticket: Ticket, now: float) -> float:
    at = instant(now)
    if at < ticket.updated_at:
        raise TimeWentBackwardsError(now=at, last=ticket.updated_at)
    if ticket.workflow != wf.name:
        raise InvalidArgumentError(
            name="ticket", expected=f"a {wf.name!r} ticket", got=ticket.workflow
        )
    return at


def fire(
    wf: WorkflowTable,
    ticket: Ticket,
    trigger: str,
    *,
    actor: Actor | str,
    now: float,
    fields: Mapping[str, FieldValue] | None,
    comment: str,
) -> Ticket:
    """See :meth:`Workflow.fire <callcenter.tickets.Workflow.fire>`."""
    at = _check_time(wf, ticket, now)
    given_actor: object = actor
    if isinstance(given_actor, Actor):
        who_id, roles = given_actor.id, given_actor.roles
    elif isinstance(given_actor, str) and text_problem(given_actor) is None:
        who_id, roles = given_actor, _NO_ROLES
    else:
        who_id, roles = as_actor(actor).id, _NO_ROLES  # raises the error that says why
    if text_problem(trigger) is not None:
        raise InvalidArgumentError(name="trigger", expected="a trigger name (text)", got=trigger)
    _check_comment(comment)
    row_key = (ticket.state, trigger)
    t = wf.rows.get(row_key)
    if t is None:
        known = wf.triggers
        if trigger in known:
            reason = "the trigger is not defined in this state"
        else:
            reason = f"no such trigger in workflow {wf.name!r}{did_you_mean(trigger, known)}"
        raise _refuse(wf, ticket, trigger, reason)
    if t.roles and roles.isdisjoint(t.roles):
        raise _refuse(
            wf, ticket, trigger, f"actor {who_id!r} needs one of the roles {sorted(t.roles)}"
        )
    given = _given(fields)
    merged = dict(ticket.fields)
    for key, value in given.items():
        problem = field_problem(key, value) or wf.number_problem(key, value)
        if problem:
            raise _refuse(wf, ticket, trigger, problem)
        merged[key] = value
    for name in t.increments:
        current = merged.get(name)
        if current is None:
            current = 0
        if not isinstance(current, int) or isinstance(current, bool):
            raise _refuse(wf, ticket, trigger, f"field {name!r} must be a whole number")
        merged[name] = current + 1
    missing = [name for name in t.requires if merged.get(name) in (None, "")]
    if missing:
        raise _refuse(wf, ticket, trigger, f"missing required field(s): {', '.join(missing)}")
    for name, values in t.when.items():
        if merged.get(name) not in values:
            raise _refuse(
                wf,
                ticket,
                trigger,
                f"field {name!r} must be one of {list(values)!r}, got {merged.get(name)!r}",
            )
    if t.guard is not None:
        who = Actor(id=who_id, roles=roles)
        context = GuardContext(ticket=ticket, fields=merged, given=given, now=at, actor=who)
        refusal = t.guard(context)
        if refusal is not None:
            raise _refuse(wf, ticket, trigger, refusal)
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
        to_state=wf.targets[row_key],
        changes=changes,
        comment=comment,
    )
    return apply(wf, ticket, entry)


def transfer(
    wf: WorkflowTable, ticket: Ticket, *, to: str, actor: Actor | str, now: float, comment: str
) -> Ticket:
    """See :meth:`Workflow.transfer <callcenter.tickets.Workflow.transfer>`."""
    at = _check_time(wf, ticket, now)
    who = as_actor(actor)
    _check_comment(comment)
    if ticket.closed:
        raise IllegalTransitionError(
            entity=f"ticket {ticket.id!r}",
            state=ticket.state,
            action="transfer ownership of a closed ticket",
            allowed=wf.allowed_in(ticket.state),
        )
    if text_problem(to) is not None or to == ticket.owner:
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
    return apply(wf, ticket, entry)


def note_sla(wf: WorkflowTable, ticket: Ticket, clock: str, *, breach: bool, at: float) -> Ticket:
    """See :meth:`Workflow.note_sla <callcenter.tickets.Workflow.note_sla>`."""
    when = _check_time(wf, ticket, at)
    if clock not in ("first_response", "resolution") or clock_of(ticket, clock) is None:
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
    return apply(wf, ticket, entry)


# ----------------------------------------------------------------------- the trail


def apply(wf: WorkflowTable, ticket: Ticket, entry: AuditEntry) -> Ticket:
    """See :meth:`Workflow.apply <callcenter.tickets.Workflow.apply>`."""
    given: object = entry
    if not isinstance(given, AuditEntry) or not isinstance(entry.kind, EntryKind):
        raise InvalidArgumentError(name="entry", expected="an AuditEntry", got=given)
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
        t = wf.rows.get(row_key)
        if t is None or wf.targets[row_key] != entry.to_state:
            raise InvalidArgumentError(
                name="entry",
                expected=f"a transition of workflow {wf.name!r}",
                got=f"{entry.from_state!r} --{entry.trigger}--> {entry.to_state!r}",
            )
        fields = dict(ticket.fields)
        for change in entry.changes:
            fields[change.name] = change.new
        response, resolution = _move_clocks(wf, ticket, t, entry.to_state, entry.at)
        return Ticket(
            id=ticket.id,
            workflow=ticket.workflow,
            state=entry.to_state,
            priority=ticket.priority,
            owner=ticket.owner,
            created_at=ticket.created_at,
            updated_at=entry.at,
            fields=MappingProxyType(fields),
            closed=entry.to_state in wf.final,
            response=response,
            resolution=resolution,
            trail=trail,
        )
    if kind is EntryKind.TRANSFER:
        owner = next(str(c.new) for c in entry.changes if c.name == "owner")
        return attrs.evolve(ticket, owner=owner, updated_at=entry.at, trail=trail)
    if kind is EntryKind.SLA_WARNING or kind is EntryKind.SLA_BREACH:
        clock = clock_of(ticket, entry.trigger)
        if clock is None or wf.sla is None:
            raise InvalidArgumentError(
                name="entry", expected="a clock of the ticket", got=entry.trigger
            )
        marked = mark_clock(wf.sla, clock, breach=kind is EntryKind.SLA_BREACH)
        key = "response" if entry.trigger == "first_response" else "resolution"
        changes: dict[str, Any] = {key: marked, "updated_at": entry.at, "trail": trail}
        return attrs.evolve(ticket, **changes)
    if kind is EntryKind.OPEN:
        raise InvalidArgumentError(name="entry", expected="an entry after OPEN", got=kind)
    assert_never(kind)


def _move_clocks(
    wf: WorkflowTable, ticket: Ticket, t: Transition, to: str, at: float
) -> tuple[SlaClock | None, SlaClock | None]:
    policy = wf.sla
    response, resolution = ticket.response, ticket.resolution
    if policy is None:
        return response, resolution
    running = to not in wf.waiting
    stops = to in wf.stops
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
        elif resolution.breached and t.trigger == wf.escalation_trigger:
            # the level it climbs to gets its own time (the default: the same again)
            seconds = wf.escalation_sla.get(to)
            if seconds is None:
                seconds = policy.target_for(ticket.priority).resolution or resolution.target
            resolution = restart_clock(policy, resolution, seconds, at, running=running)
        elif resolution.stopped_at is not None:
            resolution = reopen_clock(policy, resolution, at, running=running)
        elif running:
            resolution = resume_clock(policy, resolution, at)
        else:
            resolution = pause_clock(policy, resolution, at)
    return response, resolution


def replay(wf: WorkflowTable, ticket_id: str, trail: Sequence[AuditEntry]) -> Ticket:
    """See :meth:`Workflow.replay <callcenter.tickets.Workflow.replay>`."""
    given: object = trail
    if isinstance(given, str) or not isinstance(given, Sequence):
        raise InvalidArgumentError(name="trail", expected="a sequence of AuditEntry", got=given)
    if any(not isinstance(e, AuditEntry) for e in trail):
        raise InvalidArgumentError(name="trail", expected="only AuditEntry items", got=trail[:3])
    if not trail or trail[0].kind is not EntryKind.OPEN or trail[0].trigger != wf.name:
        raise InvalidArgumentError(
            name="trail", expected=f"a trail opened by workflow {wf.name!r}", got=trail[:1]
        )
    try:
        ticket = opened(wf, ticket_id, trail[0])
        for entry in trail[1:]:
            ticket = apply(wf, ticket, entry)
    except CallCenterError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        # entries built by hand with values the workflow never writes
        raise InvalidArgumentError(
            name="trail", expected=f"a trail written by workflow {wf.name!r}", got=exc
        ) from None
    return ticket


def clock_of(ticket: Ticket, name: str) -> SlaClock | None:
    """The ticket's clock called ``name``, or ``None``."""
    if name == "first_response":
        return ticket.response
    if name == "resolution":
        return ticket.resolution
    return None
