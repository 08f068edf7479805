"""The engine's real-time snapshot, from the queues, contacts and agents it hands over."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ._events import AgentSnapshot, QueueSnapshot, Snapshot
from ._model import AgentState
from ._runtime import LOGGED_OUT, AState, CState, QState

__all__ = ["take_snapshot"]


def take_snapshot(
    queues_in_motion: Iterable[QState],
    contacts: Mapping[str, CState],
    agents_in_motion: Iterable[AState],
    t: float,
) -> Snapshot:
    """What ``RoutingEngine.snapshot`` returns at ``t`` (already checked). ``O(n + m)``.

    ``contacts`` are the engine's known contacts by id (the lanes hold their ids).
    """
    queues = []
    for q in queues_in_motion:
        oldest = min(
            (contacts[item[3]].queued_at for lane in q.all_lanes() for item in lane.items),
            default=None,
        )
        by_state = dict.fromkeys(AgentState, 0)
        for m in q.members:
            by_state[m.agent.state] += 1
        queues.append(
            QueueSnapshot(
                queue=q.id,
                waiting=q.waiting,
                ringing=q.ringing,
                longest_wait=0.0 if oldest is None else t - oldest,
                agents_by_state=by_state,
            )
        )
    agents = tuple(
        AgentSnapshot(
            agent_id=a.id,
            state=a.state,
            reason=a.state_reason,
            time_in_state=t - a.since if a.state is not LOGGED_OUT else 0.0,
            contacts=(*a.offers, *a.active),
        )
        for a in agents_in_motion
    )
    return Snapshot(at=t, queues=tuple(queues), agents=agents)
