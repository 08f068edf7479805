"""The record builder's constructors of records and intervals, and its time check.

A record and an interval have invariants (times in order, durations >= 0, an
answered contact has ``answered_at``...), so they are not built around their checks:
:class:`ContactRecord` and :class:`AgentStateInterval` check everything in one pass
whose common case costs a few comparisons, and these positional shorthands call
them. Events, which have no invariants, get their fast constructors from
:func:`callcenter._slots.trusted`.
"""

from __future__ import annotations

import math

from .._slots import checked_in_order
from ..routing import AgentState
from ._records import AgentStateInterval, ContactRecord, Outcome, check_time

__all__ = ["check_time", "trusted_interval", "trusted_record"]

# Every field, in the classes' order (tests/metrics/test_builder_trusted.py checks
# the shorthands against the classes over random inputs).
_new_record = checked_in_order(ContactRecord)
_new_interval = checked_in_order(AgentStateInterval)

_isfinite = math.isfinite


def trusted_record(
    contact_id: str,
    outcome: Outcome,
    arrived_at: float,
    ended_at: float,
    channel: str,
    dialled_number: str | None,
    caller: str | None,
    queues: tuple[str, ...],
    agents: tuple[str, ...],
    ivr_exited_at: float | None,
    queued_at: float | None,
    first_offered_at: float | None,
    answered_at: float | None,
    wrap_up_ended_at: float | None,
    ring_seconds: float,
    talk_seconds: float,
    after_contact_seconds: float,
    transfers: int,
    ivr_path: tuple[str, ...],
) -> ContactRecord:
    """A :class:`ContactRecord` of the builder's (no skill group, hold or disposition)."""
    return _new_record(
        contact_id,
        outcome,
        arrived_at,
        ended_at,
        channel,
        dialled_number,
        caller,
        queues,
        agents,
        None,  # skill_group
        ivr_exited_at,
        queued_at,
        first_offered_at,
        answered_at,
        wrap_up_ended_at,
        ring_seconds,
        talk_seconds,
        0.0,  # hold_seconds
        after_contact_seconds,
        transfers,
        None,  # disposition
        ivr_path,
    )


def trusted_interval(
    agent_id: str,
    state: AgentState,
    start: float,
    end: float,
    reason: str | None,
    queues: tuple[str, ...],
) -> AgentStateInterval:
    """An :class:`AgentStateInterval` of the builder's (no skill group)."""
    return _new_interval(agent_id, state, start, end, reason, queues, None)
