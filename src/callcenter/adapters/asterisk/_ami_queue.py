"""app_queue's AMI events as routing events: the wallboard and contact records of a site.

A site that keeps Asterisk's own queues (``Queue()`` in the dialplan, ``queues.conf``)
still gets the library's wallboard and reports: :class:`AmiQueueFeed` reads the queue
and member events app_queue sends over AMI and says the same thing in the routing
engine's words (:data:`~callcenter.routing.RoutingEvent`), which a
:class:`~callcenter.metrics.LiveMonitor` and a
:class:`~callcenter.metrics.RecordBuilder` take as they are. :class:`AmiWallboard`
wires the three together.

How app_queue's events map (the caller is named by its ``Uniqueid``, the agent by
its ``MemberName``, or its ``Interface`` when the member has no name):

=======================  ===================================================
AMI event                routing event
=======================  ===================================================
QueueCallerJoin          ``ContactQueued``
AgentCalled              ``ContactOffered`` (an earlier ring still open is
                         declined first: a ``ringall`` queue shows its last ring)
AgentRingNoAnswer        ``ContactOfferDeclined`` (ring timeout)
QueueCallerLeave         nothing while an agent rings (app_queue sends it just
                         before ``AgentConnect``); else ``ContactLeft``
                         (the queue's timeout, an exit key, no members)
AgentConnect             ``ContactAnswered``
AgentComplete            ``ContactCompleted``
QueueCallerAbandon       ``ContactAbandoned``
QueueMemberAdded         the agent logs in (its first queue)
QueueMemberRemoved       the agent logs out (its last queue)
QueueMemberPause         not ready with ``PausedReason``, or ready again
QueueMemberStatus        the same, when ``Paused`` changed
=======================  ===================================================

An agent's state follows the routing engine's rule: busy while talking, reserved
while a call rings, not ready while paused, otherwise available. app_queue's
``wrapuptime`` sends no event when it ends, so an agent is available again as soon
as ``AgentComplete`` comes. Events about a caller the feed never saw join (it
connected mid-call) are skipped and counted in :attr:`AmiQueueFeed.skipped`.

Times come from each event's ``Timestamp`` (``timestampevents = yes`` in
``manager.conf``) or, without one, from the ``now`` given; never earlier than a
time already seen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import attrs

from ... import routing as rt
from ..._checks import check_seconds
from ...errors import WireError
from ...metrics import ContactRecord, LiveMonitor, MonitorSnapshot, RecordBuilder
from ._ami import PROTOCOL, AmiMessage

__all__ = ["AmiQueueFeed", "AmiWallboard"]

_VOICE = rt.Channel.VOICE


@attrs.define(slots=True)
class _Caller:
    queue: str
    arrived_at: float
    offered_to: str | None = None
    offered_at: float | None = None
    answered_at: float | None = None
    leaving: bool = False


@attrs.define(slots=True)
class _Agent:
    queues: set[str]
    state: rt.AgentState
    reason: str | None
    since: float
    paused: str | None = None
    ringing: int = 0
    talking: int = 0


class AmiQueueFeed:
    """Turns app_queue's AMI events into routing events (sans-I/O).

    Args:
        ring_timeout: The queues' ring timeout in seconds (``timeout`` in
            ``queues.conf``), for the offers' ring deadlines.

    Complexity: O(1) per event.
    """

    def __init__(self, *, ring_timeout: float = 15.0) -> None:
        self.ring_timeout = check_seconds("ring_timeout", ring_timeout)
        self._callers: dict[str, _Caller] = {}
        self._agents: dict[str, _Agent] = {}
        self._last = -math.inf
        self.skipped = 0
        """How many events named a caller the feed never saw join."""

    @property
    def now(self) -> float:
        """The time of the last event taken (``-inf`` before the first)."""
        return self._last

    def _time(self, message: AmiMessage, now: float) -> float:
        stamp = message.headers.get("Timestamp")
        at = now
        if stamp is not None:
            try:
                at = float(stamp)
            except ValueError:
                raise WireError(
                    protocol=PROTOCOL, detail="a Timestamp in seconds", data=stamp
                ) from None
            if not math.isfinite(at):
                raise WireError(protocol=PROTOCOL, detail="a finite Timestamp", data=stamp)
        return max(at, self._last)

    def translate(self, message: AmiMessage, now: float) -> list[rt.RoutingEvent]:
        """The routing events ``message`` stands for (none for events of no interest).

        Args:
            message: An AMI event.
            now: The time it came (used when the event has no ``Timestamp``).

        Raises:
            WireError: A queue event without the keys it must have (``Uniqueid``,
                ``Queue``, ``MemberName`` or ``Interface``), or a bad ``Timestamp``;
                the feed is as it was.
        """
        handler = _HANDLERS.get(message.headers.get("Event", ""))
        if handler is None:
            return []
        at = self._time(message, now)
        events = handler(self, message, at)
        self._last = at
        return events

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _need(message: AmiMessage, *keys: str) -> list[str]:
        values = []
        for key in keys:
            value = message.headers.get(key)
            if not value:
                raise WireError(
                    protocol=PROTOCOL,
                    detail=f"a {message.event} event with {key!r}",
                    data=repr(dict(message.headers)),
                )
            values.append(value)
        return values

    @staticmethod
    def _agent_id(message: AmiMessage) -> str:
        agent = message.headers.get("MemberName") or message.headers.get("Interface")
        if not agent:
            raise WireError(
                protocol=PROTOCOL,
                detail=f"a {message.event} event with 'MemberName' or 'Interface'",
                data=repr(dict(message.headers)),
            )
        return agent

    def _restate(self, agent_id: str, agent: _Agent, at: float) -> list[rt.RoutingEvent]:
        if not agent.queues:
            state, reason = rt.AgentState.LOGGED_OUT, None
        elif agent.talking:
            state, reason = rt.AgentState.BUSY, None
        elif agent.ringing:
            state, reason = rt.AgentState.RESERVED, None
        elif agent.paused is not None:
            state, reason = rt.AgentState.NOT_READY, agent.paused
        else:
            state, reason = rt.AgentState.AVAILABLE, None
        if (state, reason) == (agent.state, agent.reason):
            return []
        event = rt.AgentStateChanged(
            at=at, agent_id=agent_id, old=agent.state, new=state, since=agent.since, reason=reason
        )
        agent.state, agent.reason, agent.since = state, reason, at
        if state is rt.AgentState.LOGGED_OUT:
            del self._agents[agent_id]
        return [event]

    def _caller(self, message: AmiMessage) -> tuple[str, _Caller | None]:
        (uid,) = self._need(message, "Uniqueid")
        caller = self._callers.get(uid)
        if caller is None:
            self.skipped += 1
        return uid, caller

    def _decline(self, uid: str, caller: _Caller, at: float) -> list[rt.RoutingEvent]:
        agent_id, offered_at = caller.offered_to, caller.offered_at
        if agent_id is None or offered_at is None:
            return []
        caller.offered_to = caller.offered_at = None
        events: list[rt.RoutingEvent] = [
            rt.ContactOfferDeclined(
                at=at,
                contact_id=uid,
                queue=caller.queue,
                agent_id=agent_id,
                channel=_VOICE,
                arrived_at=caller.arrived_at,
                queued_at=caller.arrived_at,
                offered_at=offered_at,
                reason=rt.DeclineReason.RING_TIMEOUT,
            )
        ]
        agent = self._agents.get(agent_id)
        if agent is not None and agent.ringing:
            agent.ringing -= 1
            events += self._restate(agent_id, agent, at)
        return events

    # ------------------------------------------------------------------ callers

    def _join(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        uid, queue = self._need(message, "Uniqueid", "Queue")
        if uid in self._callers:
            self.skipped += 1
            return []
        self._callers[uid] = _Caller(queue, at)
        return [
            rt.ContactQueued(
                at=at,
                contact_id=uid,
                queue=queue,
                channel=_VOICE,
                priority=0,
                arrived_at=at,
                queued_at=at,
            )
        ]

    def _called(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        agent_id = self._agent_id(message)
        uid, caller = self._caller(message)
        if caller is None or caller.answered_at is not None:
            return []
        events = self._decline(uid, caller, at)
        caller.offered_to, caller.offered_at = agent_id, at
        events += self._offer(uid, caller, agent_id, at)
        agent = self._agents.get(agent_id)
        if agent is not None:
            agent.ringing += 1
            events += self._restate(agent_id, agent, at)
        return events

    def _no_answer(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        agent_id = self._agent_id(message)
        uid, caller = self._caller(message)
        if caller is None or caller.offered_to != agent_id:
            return []
        return self._decline(uid, caller, at)

    def _leave(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        uid, caller = self._caller(message)
        if caller is None:
            return []
        if caller.offered_to is not None:
            caller.leaving = True
            return []
        del self._callers[uid]
        return [
            rt.ContactLeft(
                at=at,
                contact_id=uid,
                queue=caller.queue,
                channel=_VOICE,
                arrived_at=caller.arrived_at,
                queued_at=caller.arrived_at,
                reason=rt.LeaveReason.NO_AGENTS,
            )
        ]

    def _abandon(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        uid, caller = self._caller(message)
        if caller is None:
            return []
        agent_id = caller.offered_to
        del self._callers[uid]
        events: list[rt.RoutingEvent] = [
            rt.ContactAbandoned(
                at=at,
                contact_id=uid,
                queue=caller.queue,
                agent_id=agent_id,
                channel=_VOICE,
                arrived_at=caller.arrived_at,
                queued_at=caller.arrived_at,
                offered_at=caller.offered_at,
            )
        ]
        agent = self._agents.get(agent_id) if agent_id is not None else None
        if agent_id is not None and agent is not None and agent.ringing:
            agent.ringing -= 1
            events += self._restate(agent_id, agent, at)
        return events

    def _connect(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        agent_id = self._agent_id(message)
        uid, caller = self._caller(message)
        if caller is None or caller.answered_at is not None:
            return []
        events: list[rt.RoutingEvent] = []
        if caller.offered_to != agent_id:
            events += self._decline(uid, caller, at)
            caller.offered_to, caller.offered_at = agent_id, at
            events += self._offer(uid, caller, agent_id, at)
        offered_at = caller.offered_at if caller.offered_at is not None else at
        caller.answered_at = at
        caller.leaving = False
        events.append(
            rt.ContactAnswered(
                at=at,
                contact_id=uid,
                queue=caller.queue,
                agent_id=agent_id,
                channel=_VOICE,
                arrived_at=caller.arrived_at,
                queued_at=caller.arrived_at,
                offered_at=offered_at,
            )
        )
        agent = self._agents.get(agent_id)
        if agent is not None:
            agent.ringing = max(0, agent.ringing - 1)
            agent.talking += 1
            events += self._restate(agent_id, agent, at)
        return events

    def _offer(self, uid: str, caller: _Caller, agent_id: str, at: float) -> list[rt.RoutingEvent]:
        """The offer of ``caller`` to ``agent_id``.

        Made at an AgentCalled, or just before an AgentConnect that had none (the feed
        started mid-ring), so that the monitor sees the same steps as ever.
        """
        return [
            rt.ContactOffered(
                at=at,
                contact_id=uid,
                queue=caller.queue,
                agent_id=agent_id,
                channel=_VOICE,
                arrived_at=caller.arrived_at,
                queued_at=caller.arrived_at,
                ring_deadline=at + self.ring_timeout,
                mobile_number=None,
                context={},
            )
        ]

    def _complete(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        agent_id = self._agent_id(message)
        uid, caller = self._caller(message)
        if caller is None or caller.answered_at is None or caller.offered_to != agent_id:
            return []
        del self._callers[uid]
        assert caller.offered_at is not None
        events: list[rt.RoutingEvent] = [
            rt.ContactCompleted(
                at=at,
                contact_id=uid,
                queue=caller.queue,
                agent_id=agent_id,
                channel=_VOICE,
                arrived_at=caller.arrived_at,
                queued_at=caller.arrived_at,
                offered_at=caller.offered_at,
                answered_at=caller.answered_at,
            )
        ]
        agent = self._agents.get(agent_id)
        if agent is not None and agent.talking:
            agent.talking -= 1
            events += self._restate(agent_id, agent, at)
        return events

    # ------------------------------------------------------------------ resync

    def resync(self, status: Iterable[AmiMessage], now: float) -> list[rt.RoutingEvent]:
        """Catch up after a reconnect, from the events of a ``QueueStatus`` action.

        The events missed while disconnected are gone; what Asterisk has now is
        compared with what the feed knows. A caller who waited and is no longer in
        a queue left it (``ContactLeft``: whether they were answered or gave up is
        not known); a talk whose agent is no longer in a call is completed; a caller
        in a queue the feed never saw join is queued (its record's arrival is
        ``Wait`` seconds back; the board counts its wait from now); members are
        added, removed, paused and unpaused to match.

        Args:
            status: The events of ``QueueStatus`` (``QueueMember``, ``QueueEntry``;
                others are ignored).
            now: The time.

        Raises:
            WireError: An entry or a member without its keys; nothing changed.
        """
        at = max(now, self._last)
        entries: dict[str, tuple[str, float]] = {}
        members: dict[str, dict[str, AmiMessage]] = {}
        for message in status:
            kind = message.headers.get("Event")
            if kind == "QueueEntry":
                uid, queue = self._need(message, "Uniqueid", "Queue")
                try:
                    wait = max(0.0, float(message.headers.get("Wait", "0")))
                except ValueError:
                    wait = 0.0
                entries[uid] = (queue, wait if math.isfinite(wait) else 0.0)
            elif kind == "QueueMember":
                (queue,) = self._need(message, "Queue")
                name = message.headers.get("Name") or message.headers.get("Location")
                if not name:
                    raise WireError(
                        protocol=PROTOCOL,
                        detail="a QueueMember event with 'Name' or 'Location'",
                        data=repr(dict(message.headers)),
                    )
                members.setdefault(name, {})[queue] = message
        events: list[rt.RoutingEvent] = []
        for uid, caller in list(self._callers.items()):
            if caller.answered_at is None and uid not in entries:
                if caller.offered_to is not None:
                    events += self._decline(uid, caller, at)
                del self._callers[uid]
                events.append(
                    rt.ContactLeft(
                        at=at,
                        contact_id=uid,
                        queue=caller.queue,
                        channel=_VOICE,
                        arrived_at=caller.arrived_at,
                        queued_at=caller.arrived_at,
                        reason=rt.LeaveReason.REMOVED,
                    )
                )
            elif caller.answered_at is not None and caller.offered_to is not None:
                talking = members.get(caller.offered_to, {})
                if talking and all(m.headers.get("InCall") == "0" for m in talking.values()):
                    events += self._complete(
                        AmiMessage({"Uniqueid": uid, "MemberName": caller.offered_to}), at
                    )
        for uid, (queue, wait) in entries.items():
            if uid not in self._callers:
                self._callers[uid] = _Caller(queue, at - wait)
                events.append(
                    rt.ContactQueued(
                        at=at,
                        contact_id=uid,
                        queue=queue,
                        channel=_VOICE,
                        priority=0,
                        arrived_at=at - wait,
                        queued_at=at - wait,
                    )
                )
        for agent_id in list(self._agents):
            agent = self._agents[agent_id]
            for queue in list(agent.queues):
                if queue not in members.get(agent_id, {}):
                    agent.queues.discard(queue)
            events += self._restate(agent_id, agent, at)
        for agent_id, queues in members.items():
            member = self._agents.get(agent_id)
            if member is None:
                member = self._agents[agent_id] = _Agent(set(), rt.AgentState.LOGGED_OUT, None, at)
            member.queues.update(queues)
            member.paused = _paused(next(iter(queues.values())))
            events += self._restate(agent_id, member, at)
        self._last = at
        return events

    # ------------------------------------------------------------------ members

    def _added(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        agent_id = self._agent_id(message)
        (queue,) = self._need(message, "Queue")
        paused = _paused(message)
        agent = self._agents.get(agent_id)
        if agent is None:
            agent = self._agents[agent_id] = _Agent(set(), rt.AgentState.LOGGED_OUT, None, at)
            agent.paused = paused
        agent.queues.add(queue)
        return self._restate(agent_id, agent, at)

    def _removed(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        agent_id = self._agent_id(message)
        (queue,) = self._need(message, "Queue")
        agent = self._agents.get(agent_id)
        if agent is None:
            return []
        agent.queues.discard(queue)
        return self._restate(agent_id, agent, at)

    def _pause(self, message: AmiMessage, at: float) -> list[rt.RoutingEvent]:
        agent_id = self._agent_id(message)
        agent = self._agents.get(agent_id)
        if agent is None or "Paused" not in message.headers:
            return []
        agent.paused = _paused(message)
        return self._restate(agent_id, agent, at)


def _paused(message: AmiMessage) -> str | None:
    if message.headers.get("Paused", "0") != "1":
        return None
    return message.headers.get("PausedReason") or message.headers.get("Reason") or "paused"


_HANDLERS = {
    "QueueCallerJoin": AmiQueueFeed._join,
    "AgentCalled": AmiQueueFeed._called,
    "AgentRingNoAnswer": AmiQueueFeed._no_answer,
    "QueueCallerLeave": AmiQueueFeed._leave,
    "QueueCallerAbandon": AmiQueueFeed._abandon,
    "AgentConnect": AmiQueueFeed._connect,
    "AgentComplete": AmiQueueFeed._complete,
    "QueueMemberAdded": AmiQueueFeed._added,
    "QueueMemberRemoved": AmiQueueFeed._removed,
    "QueueMemberPause": AmiQueueFeed._pause,
    "QueueMemberStatus": AmiQueueFeed._pause,
}


class AmiWallboard:
    """A site's wallboard and contact records, fed with app_queue's AMI events.

    Give :meth:`handle` to :class:`~callcenter.adapters.asterisk.AmiClient` as its
    ``on_event`` (with the time), read :meth:`snapshot` for the board and
    :attr:`records` for the finished contacts.

    Args:
        monitor: The wallboard (default: a :class:`~callcenter.metrics.LiveMonitor`
            in UTC with a 20-second service level).
        builder: The contact records' builder (default: a new one).
        ring_timeout: The queues' ring timeout (see :class:`AmiQueueFeed`).
    """

    def __init__(
        self,
        *,
        monitor: LiveMonitor | None = None,
        builder: RecordBuilder | None = None,
        ring_timeout: float = 15.0,
    ) -> None:
        self.feed = AmiQueueFeed(ring_timeout=ring_timeout)
        self.monitor = LiveMonitor() if monitor is None else monitor
        self.builder = RecordBuilder() if builder is None else builder
        self.records: list[ContactRecord] = []
        """Every contact record finished so far."""
        self.errors: list[WireError] = []
        """Every event that could not be read (the feed went on)."""

    def handle(self, message: AmiMessage, now: float) -> list[ContactRecord]:
        """Feed one AMI event at ``now``; return the contact records it finished.

        An event the feed cannot read is kept in :attr:`errors` and changes nothing.
        """
        try:
            events = self.feed.translate(message, now)
        except WireError as error:
            self.errors.append(error)
            return []
        self.monitor.feed_all(events)
        finished = self.builder.feed_all(events)
        self.records += finished
        return finished

    def resync(self, status: Iterable[AmiMessage], now: float) -> list[ContactRecord]:
        """Catch up after a reconnect from ``QueueStatus`` (see :meth:`AmiQueueFeed.resync`).

        Returns:
            The contact records it finished.
        """
        events = self.feed.resync(status, now)
        self.monitor.feed_all(events)
        finished = self.builder.feed_all(events)
        self.records += finished
        return finished

    def snapshot(self, now: float) -> MonitorSnapshot:
        """The wallboard at ``now``, or at the last event's time if that is later.

        Events carry Asterisk's own ``Timestamp``: a host clock a little behind
        Asterisk's must not make the board refuse to show itself.
        """
        return self.monitor.snapshot(max(now, self.feed.now))
