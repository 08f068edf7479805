"""The record builder: routing and IVR events in, contact records and agent intervals out.

A host (or the simulator) feeds :class:`RecordBuilder` every event of the ACD
(:mod:`callcenter.routing`) and every report of the IVR sessions
(:mod:`callcenter.ivr`), in the order they happened. The builder keeps one small
state per live contact and per agent, and hands back a :class:`ContactRecord` as
soon as a contact is finished -- it has left (hung up, left the IVR, was refused or
sent elsewhere) and any wrap-up of the agent who handled it has ended -- and an
:class:`AgentStateInterval` as soon as an agent leaves a state.

The IVR session id and the ACD contact id of one call must be the same string; a
contact that never went through an IVR starts with its first ACD event. Which events
are legal in which phase of a contact, and where they take it, is the table of
:mod:`callcenter.metrics._builder_rules`: the builder dispatches on it and its
handlers check the phases it lists.

How events map to outcomes:

* IVR session ended ``completed`` -> ``finished_in_ivr``; ``voicemail`` (the caller
  left a message) -> ``voicemail``; ``callback`` (the caller booked a callback) ->
  ``callback``; ``abandoned`` -> ``abandoned_in_ivr``; ``blocked`` or ``error``
  -> ``blocked``; ``transferred`` (to an outside number) -> ``overflowed``;
  ``enqueued`` -> the contact continues with its ACD events. A session that left
  an hours node by its closed or holiday way and ended in the IVR (not transferred
  out) -> ``out_of_hours``, whatever its result. A result this builder does not
  know counts as ``finished_in_ivr`` (the flow ended the call).
* ACD: refused as full -> ``rejected_queue_full``, refused for want of agents ->
  ``blocked``; abandoned while waiting -> ``abandoned_in_queue``, while an offer
  rang -> ``abandoned_ringing``; overflowed to voicemail or callback -> ``voicemail``
  or ``callback``; overflowed to another queue or transferred -> it goes on in that
  queue; left the queue (no agents, removed by the host) -> ``overflowed``;
  completed -> ``answered``, finished when the agent's wrap-up ends.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn

from .. import ivr as _ivr
from .. import routing as _rt
from .._clock import Clock, as_instant
from ..errors import DuplicateIdError, IllegalTransitionError, InvalidArgumentError
from . import _notes as _n
from ._builder_rules import RULES, Phase, Rule, allowed_in, rule_of
from ._notes import ContactNotes as _Contact
from ._notes import record_of
from ._records import AgentStateInterval, ContactRecord, Outcome
from ._trusted import trusted_interval

__all__ = ["BuilderEvent", "RecordBuilder"]

BuilderEvent = _rt.RoutingEvent | _ivr.SessionEvent
"""Anything :meth:`RecordBuilder.feed` takes: an ACD event or an IVR session report."""

# Enum members as module constants: on CPython 3.11 reading one through its class
# (``Outcome.ANSWERED``) goes through the enum metaclass, several times slower.
_LOGGED_OUT = _rt.AgentState.LOGGED_OUT
_NOT_READY = _rt.AgentState.NOT_READY
_WRAP_UP = _rt.AgentState.WRAP_UP
_ANSWERED = Outcome.ANSWERED
_IVR = Phase.IVR
_HANDOFF = Phase.HANDOFF
_WAITING = Phase.WAITING
_RINGING = Phase.RINGING
_WRAP = Phase.WRAP
_TO_QUEUE = _rt.OverflowKind.QUEUE


class RecordBuilder:
    """Turns routing and IVR events into contact records and agent state intervals.

    Args:
        agent_queues: For each agent, the queues it serves (copied into its
            intervals, so reports by queue count its time); e.g. from
            ``{a.id: tuple(m.queue for m in a.queues) for a in definition.agents}``.
        dialled_number: The hotline number written into every record.

    Feed events with :meth:`feed` (or :meth:`feed_all`); each call returns the
    records finished by that event. :meth:`take_intervals` collects the agent
    intervals closed so far; :meth:`close` ends what is still open at the end of a
    run. Every call either succeeds completely or raises and leaves the builder
    exactly as it was.

    Complexity: ``O(1)`` per event (plus the contacts whose wrap-up is pending).

    >>> from callcenter.routing import RoutingDefinition, RoutingEngine, Contact
    >>> from callcenter.routing import AgentDefinition, Membership, QueueDefinition
    >>> engine = RoutingEngine(RoutingDefinition(
    ...     queues=(QueueDefinition(id="q"),),
    ...     agents=(AgentDefinition(id="a", queues=(Membership(queue="q"),)),)))
    >>> builder = RecordBuilder()
    >>> _ = builder.feed_all(engine.login("a", 0.0))
    >>> _ = builder.feed_all(engine.enqueue(Contact(id="c1"), "q", 10.0))
    >>> _ = builder.feed_all(engine.accept("c1", 12.0))
    >>> [r.outcome.value for r in builder.feed_all(engine.complete("c1", 70.0))]
    ['answered']
    """

    __slots__ = (
        "_agent_queues",
        "_agents",
        "_changes",
        "_clock",
        "_contacts",
        "_dialled",
        "_intervals",
        "_wrapping",
    )

    def __init__(
        self,
        *,
        agent_queues: Mapping[str, Iterable[str]] | None = None,
        dialled_number: str | None = None,
    ) -> None:
        self._agent_queues = {k: tuple(v) for k, v in (agent_queues or {}).items()}
        self._dialled = dialled_number
        self._contacts: dict[str, _Contact] = {}
        self._changes: dict[str, _Contact | None] = {}
        self._wrapping: dict[str, _Contact] = {}  # contacts in phase _WRAP
        # agent -> (routing state, since, reason)
        self._agents: dict[str, tuple[_rt.AgentState, float, str | None]] = {}
        self._intervals: list[AgentStateInterval] = []
        self._clock = Clock()  # the time of the latest event fed

    # ------------------------------------------------------------------ inspection

    @property
    def open_contacts(self) -> int:
        """Contacts seen and not finished yet."""
        return len(self._contacts)

    @property
    def now(self) -> float:
        """The time of the latest event fed (``-inf`` before the first)."""
        now = self._clock.now
        return -float("inf") if now is None else now

    def take_intervals(self) -> list[AgentStateInterval]:
        """Return and forget the agent state intervals closed so far."""
        out = self._intervals
        self._intervals = []
        return out

    # ------------------------------------------------------------------ feeding

    def feed_all(self, events: Iterable[BuilderEvent]) -> list[ContactRecord]:
        """Feed several events in order; returns the records they finished.

        Each event is fed on its own: if one raises, the ones before it stay fed.

        Raises:
            CallCenterError: What :meth:`feed` raises, for the first event refused.
        """
        out: list[ContactRecord] = []
        handlers = _HANDLERS
        # The three dicts are never replaced, only changed: bound once per call.
        changes, contacts, wrapping = self._changes, self._contacts, self._wrapping
        clock = self._clock
        check, commit = clock.check, clock.commit
        last = clock.now
        if last is None:
            last = -math.inf
        # The refusals go through the (free unless raised) ``try``. The clock checks
        # every time; it needs committing only when time moves on (several events of
        # a call usually share their time).
        try:
            for event in events:
                try:
                    handler = handlers[event.__class__]
                except KeyError:
                    raise InvalidArgumentError(
                        name="event",
                        expected="a callcenter.routing or callcenter.ivr event",
                        got=event,
                    ) from None
                at = event.at
                if at is last:
                    # The very float checked for the event before (the events of one
                    # engine call share their time): checked, and not moving on.
                    moved = False
                else:
                    at = check(at, "event.at")
                    moved = at > last
                    if not moved:
                        last = at  # the same instant: compare the next ones with this float
                if moved and wrapping:
                    self._finish_stale_wraps(out, changes)
                # The handler checks everything before it changes anything; it puts
                # new, finished and wrapping contacts in ``changes`` (one scratch dict
                # for every event, fewer allocations), committed here.
                finished = handler(self, event, changes)
                if finished:
                    out.extend(finished)
                if changes:
                    for cid, item in changes.items():
                        if item is None:
                            contacts.pop(cid, None)
                            wrapping.pop(cid, None)
                        else:
                            contacts[cid] = item
                            if item.phase is _WRAP:
                                wrapping[cid] = item
                            elif wrapping:
                                wrapping.pop(cid, None)
                    changes.clear()
                if moved:
                    commit(at)
                    last = at
        except BaseException:
            changes.clear()  # what the refused event staged
            raise
        return out

    def _finish_stale_wraps(
        self, out: list[ContactRecord], changes: dict[str, _Contact | None]
    ) -> None:
        """Finish the contacts waiting for a wrap-up that did not come, once time moves on."""
        agents = self._agents
        for c in self._wrapping.values():
            if c.wrap_agent is not None:
                state = agents.get(c.wrap_agent)
                if state is None or state[0] is not _WRAP_UP:
                    out.append(self._record(c, Outcome.ANSWERED, None))
                    changes[c.id] = None

    def feed(self, event: BuilderEvent) -> list[ContactRecord]:
        """Feed one event; returns the contact records it finished (usually none).

        Raises:
            InvalidArgumentError: ``event`` is not a routing event nor an IVR report,
                or one of its times (``at``, a contact's ``arrived_at``, an agent
                state's ``since``) is not a finite number of seconds.
            TimeWentBackwardsError: ``event.at`` is earlier than an event fed before.
            UnknownIdError: An event about a contact the builder never saw start.
            IllegalTransitionError: An event that cannot follow the contact's
                previous ones (answered twice, queued after it hung up...); its
                ``allowed`` lists the actions legal in the contact's phase (for an
                unknown contact, those that start one).
            DuplicateIdError: A new contact with the id of a live one.
        """
        return self.feed_all((event,))

    def close(self, now: float) -> list[ContactRecord]:
        """End the run at ``now``: close agent intervals and finish wrap-ups in progress.

        Contacts still in the IVR or in a queue are left open (they have not
        finished); :attr:`open_contacts` tells how many.

        Raises:
            TimeWentBackwardsError: ``now`` is earlier than the latest event.
            InvalidArgumentError: ``now`` is not a finite number of seconds.
        """
        now = self._clock.check(now)
        out: list[ContactRecord] = []
        for c in list(self._wrapping.values()):
            wrap_end = now if self._in_wrap(c) else None
            out.append(self._record(c, Outcome.ANSWERED, wrap_end))
            del self._contacts[c.id]
        self._wrapping.clear()
        for agent, (state, since, reason) in self._agents.items():
            if state is not _rt.AgentState.LOGGED_OUT and now > since:
                self._intervals.append(self._interval(agent, state, since, now, reason))
            self._agents[agent] = (state, now, reason)
        self._clock.commit(now)
        return out

    # ------------------------------------------------------------------ helpers

    def _in_wrap(self, c: _Contact) -> bool:
        state = self._agents.get(c.wrap_agent or "")
        return state is not None and state[0] is _rt.AgentState.WRAP_UP

    def _interval(
        self, agent: str, state: _rt.AgentState, start: float, end: float, reason: str | None
    ) -> AgentStateInterval:
        # Callers guarantee finite ``start <= end`` (see ``feed`` and ``_on_agent``).
        return trusted_interval(
            agent,
            state,
            start,
            end,
            reason if state is _rt.AgentState.NOT_READY else None,
            self._agent_queues.get(agent, ()),
        )

    def _record(self, c: _Contact, outcome: Outcome, wrap_end: float | None) -> ContactRecord:
        # Every time in ``c`` is the finite time of an event fed in order (``feed``
        # refuses the others), so the record is valid by construction.
        return record_of(c, outcome, wrap_end, self._dialled)

    def _live(self, cid: str, changes: Mapping[str, _Contact | None], rule: Rule) -> _Contact:
        """The contact ``cid`` as this batch sees it, in a phase where ``rule`` is legal."""
        found = changes[cid] if cid in changes else self._contacts.get(cid)
        if found is None or found.phase not in rule.legal:
            self._refuse(cid, found, rule)
        # Handlers check everything before they change the contact in place; those
        # that finish a record work on a clone (building the record may refuse).
        return found

    @staticmethod
    def _refuse(cid: str, c: _Contact | None, rule: Rule) -> NoReturn:
        """Raise for an event about an unknown contact, or one in a phase ``rule`` refuses."""
        if c is not None and rule.duplicate:
            raise DuplicateIdError(kind="contact", id=cid)
        phase = None if c is None else c.phase
        raise IllegalTransitionError(
            entity=f"contact {cid!r}",
            state="unknown" if phase is None else phase.value,
            action=rule.action,
            allowed=allowed_in(phase),
        )

    @classmethod
    def _expect(cls, c: _Contact, rule: Rule) -> None:
        if c.phase not in rule.legal:
            cls._refuse(c.id, c, rule)

    # ------------------------------------------------------------------ IVR
    # Each handler finds the contact and checks the event's phase (what
    # ``_builder_rules`` allows), works on a clone where the event may finish the
    # record, and lets the notes' own function (``_notes``) apply the event.

    def _on_node_entered(
        self, e: _ivr.NodeEntered, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        known = changes.get(e.session, self._contacts.get(e.session))
        if known is None:
            c = _Contact(e.session, e.at, _IVR)
        else:
            c = known.clone()
            if c.phase is not _IVR:
                self._expect(c, _NODE_ENTERED)
        _n.node_entered(c, e)
        changes[c.id] = c
        return ()

    def _on_node_exited(
        self, e: _ivr.NodeExited, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        c = self._live(e.session, changes, _NODE_EXITED)
        if e.outcome in _n.CLOSED_WAYS and not c.closed:
            c = c.clone()
            _n.node_exited(c, e)
            changes[c.id] = c
        return ()

    def _on_survey(
        self, e: _ivr.SurveyAnswered, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        self._live(e.session, changes, _SURVEY)
        return ()

    def _on_session_ended(
        self, e: _ivr.SessionEnded, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        c = self._live(e.session, changes, _SESSION_ENDED).clone()
        outcome = _n.session_ended(c, e)
        if outcome is None:
            changes[c.id] = c
            return ()
        changes[c.id] = None
        return [self._record(c, outcome, None)]

    # ------------------------------------------------------------------ ACD contacts

    @classmethod
    def _start(
        cls, e: _rt.ContactQueued | _rt.ContactRefused, known: _Contact | None, rule: Rule
    ) -> _Contact:
        """The state of a contact starting in the ACD (``known``: what the builder has)."""
        if known is None:
            arrived = min(e.arrived_at, e.at)
            if arrived.__class__ is not float or arrived - arrived != 0.0:
                as_instant(arrived, "event.arrived_at")
            return _Contact(e.contact_id, arrived, _HANDOFF)
        if known.phase not in rule.legal:
            cls._refuse(e.contact_id, known, rule)
        return known.clone()

    def _on_queued(
        self, e: _rt.ContactQueued, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        cid = e.contact_id
        known = changes[cid] if cid in changes else self._contacts.get(cid)
        if known is not None and (known.phase is _WAITING or known.phase is _RINGING):
            # Re-queued after an overflow, a transfer or an escalation's move.
            _n.queued(known, e)
            return ()
        c = self._start(e, known, _QUEUED)
        _n.queued(c, e)
        changes[c.id] = c
        return ()

    def _on_refused(
        self, e: _rt.ContactRefused, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        cid = e.contact_id
        c = self._start(e, changes[cid] if cid in changes else self._contacts.get(cid), _REFUSED)
        outcome = _n.refused(c, e)
        changes[c.id] = None
        return [self._record(c, outcome, None)]

    def _on_offered(
        self, e: _rt.ContactOffered, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        _n.offered(self._live(e.contact_id, changes, _OFFERED), e)
        return ()

    def _on_declined(
        self, e: _rt.ContactOfferDeclined, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        _n.declined(self._live(e.contact_id, changes, _DECLINED), e)
        return ()

    def _on_answered(
        self, e: _rt.ContactAnswered, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        _n.answered(self._live(e.contact_id, changes, _ANSWERED_RULE), e)
        return ()

    def _on_completed(
        self, e: _rt.ContactCompleted, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        c = self._live(e.contact_id, changes, _COMPLETED)
        _n.completed(c, e)
        changes[c.id] = c
        return ()

    def _on_abandoned(
        self, e: _rt.ContactAbandoned, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        c = self._live(e.contact_id, changes, _ABANDONED).clone()
        outcome = _n.abandoned(c, e)
        changes[c.id] = None
        return [self._record(c, outcome, None)]

    def _on_overflowed(
        self, e: _rt.ContactOverflowed, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        c = self._live(e.contact_id, changes, _OVERFLOWED)
        if e.kind is not _TO_QUEUE:
            c = c.clone()
        outcome = _n.overflowed(c, e)
        if outcome is None:
            return ()
        changes[c.id] = None
        return [self._record(c, outcome, None)]

    def _on_transferred(
        self, e: _rt.ContactTransferred, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        _n.transferred(self._live(e.contact_id, changes, _TRANSFERRED), e)
        return ()

    def _on_escalated(
        self, e: _rt.ContactEscalated, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        self._live(e.contact_id, changes, _ESCALATED)
        return ()

    def _on_left(
        self, e: _rt.ContactLeft, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        c = self._live(e.contact_id, changes, _LEFT).clone()
        outcome = _n.left(c, e)
        changes[c.id] = None
        return [self._record(c, outcome, None)]

    # ------------------------------------------------------------------ agents

    def _on_agent(
        self, e: _rt.AgentStateChanged, changes: dict[str, _Contact | None]
    ) -> Sequence[ContactRecord]:
        agent_id, old, at = e.agent_id, e.old, e.at
        agents = self._agents
        known = agents.get(agent_id)
        if known is not None and known[0] is not old:
            raise IllegalTransitionError(
                entity=f"agent {agent_id!r}",
                state=known[0].value,
                action=f"change from {old.value} to {e.new.value}",
                allowed=(known[0].value,),
            )
        since = e.since
        if (
            old is not _LOGGED_OUT
            and at > since
            and (since.__class__ is not float or since - since != 0.0)
        ):
            as_instant(since, "event.since")  # raises: not a finite time
        interval = _n.interval_of(
            e,
            known[2] if known is not None else None,
            self._agent_queues.get(agent_id, ()),
        )
        new = e.new
        finished: Sequence[ContactRecord] = ()
        wrapping = self._wrapping
        if (wrapping or changes) and _n.ends_wrap_up(e):
            # The agent's wrap-up (if any) is over: finish the contacts it was for.
            found = []
            wrap_end = _n.wrap_end(e)
            for c in wrapping.values():
                if c.wrap_agent == agent_id and c.id not in changes:
                    found.append(self._record(c, _ANSWERED, wrap_end))
                    changes[c.id] = None
            if changes:
                for cid, pending in list(changes.items()):
                    if (
                        pending is not None
                        and pending.phase is _WRAP
                        and pending.wrap_agent == agent_id
                    ):
                        found.append(self._record(pending, _ANSWERED, wrap_end))
                        changes[cid] = None
            finished = found
        # Everything built: commit the agent's side.
        agents[agent_id] = (new, at, e.reason)
        if interval is not None:
            self._intervals.append(interval)
        return finished


# The rules the handlers check (see ``_builder_rules``), and the phase tuples of the
# three that every answered call goes through.
_NODE_ENTERED = rule_of(_ivr.NodeEntered)
_NODE_EXITED = rule_of(_ivr.NodeExited)
_SURVEY = rule_of(_ivr.SurveyAnswered)
_SESSION_ENDED = rule_of(_ivr.SessionEnded)
_QUEUED = rule_of(_rt.ContactQueued)
_REFUSED = rule_of(_rt.ContactRefused)
_OFFERED = rule_of(_rt.ContactOffered)
_DECLINED = rule_of(_rt.ContactOfferDeclined)
_ANSWERED_RULE = rule_of(_rt.ContactAnswered)
_COMPLETED = rule_of(_rt.ContactCompleted)
_ABANDONED = rule_of(_rt.ContactAbandoned)
_OVERFLOWED = rule_of(_rt.ContactOverflowed)
_TRANSFERRED = rule_of(_rt.ContactTransferred)
_ESCALATED = rule_of(_rt.ContactEscalated)
_LEFT = rule_of(_rt.ContactLeft)

# Dispatch: each event class to the handler its rule names.
_HANDLERS: dict[type, Callable[..., Any]] = {
    rule.event: getattr(RecordBuilder, rule.handler) for rule in RULES
}
