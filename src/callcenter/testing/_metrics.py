"""Hypothesis strategies for contact records and agent state intervals."""

from __future__ import annotations

from hypothesis import strategies as st

from ..metrics import AgentState, AgentStateInterval, ContactRecord, Outcome

__all__ = ["agent_state_intervals", "contact_records"]

_QUEUED = {
    Outcome.ANSWERED,
    Outcome.ABANDONED_IN_QUEUE,
    Outcome.ABANDONED_RINGING,
    Outcome.VOICEMAIL,
    Outcome.CALLBACK,
    Outcome.OVERFLOWED,
}
_IVR_ONLY = {Outcome.FINISHED_IN_IVR, Outcome.ABANDONED_IN_IVR, Outcome.OUT_OF_HOURS}
_SECONDS = st.integers(min_value=0, max_value=600).map(float)


@st.composite
def contact_records(
    draw: st.DrawFn,
    *,
    start: float = 1_790_000_000.0,
    span: float = 2 * 86_400.0,
    queues: tuple[str, ...] = ("enquiry", "business"),
    agents: tuple[str, ...] = ("a1", "a2", "a3"),
    callers: tuple[str, ...] = ("c1", "c2", "c3", "c4"),
    channels: tuple[str, ...] = ("voice", "callback", "email"),
    contact_id: str | None = None,
) -> ContactRecord:
    """Valid contact records: every outcome, consistent timestamps and durations.

    Times are whole seconds (so that sums are exact and differential tests can
    compare with ``==``), spread over ``span`` seconds from ``start``. Small pools of
    queues, agents and callers make groups and repeat callers common.
    """
    outcome = draw(st.sampled_from(list(Outcome)))
    arrived = start + draw(st.integers(min_value=0, max_value=int(span)))
    uses_ivr = outcome in _IVR_ONLY or draw(st.booleans())
    ivr_path: tuple[str, ...] = ()
    t = arrived
    ivr_exit = None
    if uses_ivr:
        ivr_path = tuple(draw(st.lists(st.sampled_from(["main", "track", "order"]), max_size=3)))
        t += draw(_SECONDS)
        if outcome in _IVR_ONLY:
            return ContactRecord(
                contact_id=contact_id or draw(st.uuids()).hex,
                outcome=outcome,
                arrived_at=arrived,
                ended_at=t,
                channel="voice",
                caller=draw(st.none() | st.sampled_from(callers)),
                ivr_path=ivr_path,
            )
        ivr_exit = t
    queue = draw(st.sampled_from(queues))
    queued = None
    offered_at = None
    answered_at = None
    ring = 0.0
    talk = hold = acw = 0.0
    wrap_end = None
    transfers = 0
    agent_ids: tuple[str, ...] = ()
    disposition = None
    if outcome in _QUEUED:
        queued = t
        t += draw(_SECONDS)
        rings = outcome in (Outcome.ANSWERED, Outcome.ABANDONED_RINGING) or draw(st.booleans())
        if rings:
            offered_at = t
            ring = float(draw(st.integers(min_value=0, max_value=60)))
            t += ring
        if outcome is Outcome.ANSWERED:
            answered_at = t
            agent_ids = tuple(draw(st.lists(st.sampled_from(agents), min_size=1, max_size=3)))
            transfers = len(agent_ids) - 1
            talk = draw(_SECONDS)
            hold = draw(st.sampled_from([0.0, 0.0, 15.0, 60.0]))
            t += talk + hold
            acw = draw(_SECONDS.map(lambda s: s / 4))
            wrap_end = t + acw
            disposition = draw(st.none() | st.sampled_from(["resolved", "ticket", "info"]))
    ended = t
    # A refused contact may have been refused at a queue or before any (blocked).
    reached = queued is not None or draw(st.booleans())
    return ContactRecord(
        contact_id=contact_id or draw(st.uuids()).hex,
        outcome=outcome,
        arrived_at=arrived,
        ended_at=ended,
        channel=draw(st.sampled_from(channels)),
        dialled_number="4008001234",
        caller=draw(st.none() | st.sampled_from(callers)),
        queues=(queue,) if reached else (),
        agents=agent_ids,
        skill_group=queue if reached else None,
        ivr_exited_at=ivr_exit,
        queued_at=queued,
        first_offered_at=offered_at,
        answered_at=answered_at,
        wrap_up_ended_at=wrap_end,
        ring_seconds=ring,
        talk_seconds=talk,
        hold_seconds=hold,
        after_contact_seconds=acw,
        transfers=transfers,
        disposition=disposition,
        ivr_path=ivr_path,
    )


@st.composite
def agent_state_intervals(
    draw: st.DrawFn,
    *,
    start: float = 1_790_000_000.0,
    span: float = 2 * 86_400.0,
    agents: tuple[str, ...] = ("a1", "a2", "a3"),
    queues: tuple[str, ...] = ("enquiry", "business"),
) -> AgentStateInterval:
    """Valid agent state intervals, in whole seconds, with reasons for not-ready."""
    state = draw(st.sampled_from([s for s in AgentState if s is not AgentState.LOGGED_OUT]))
    begin = start + draw(st.integers(min_value=0, max_value=int(span)))
    length = draw(st.integers(min_value=0, max_value=7_200))
    reason = None
    if state is AgentState.NOT_READY:
        reason = draw(st.none() | st.sampled_from(["lunch", "break", "training"]))
    served = tuple(draw(st.lists(st.sampled_from(queues), max_size=2, unique=True)))
    return AgentStateInterval(
        agent_id=draw(st.sampled_from(agents)),
        state=state,
        start=begin,
        end=begin + length,
        reason=reason,
        queues=served,
        skill_group=served[0] if served else None,
    )
