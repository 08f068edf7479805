"""Trusted constructors of records and intervals, for the record builder's own use."""

from __future__ import annotations

import math

from .._slots import new_instance, slot_setters
from ..errors import InvalidArgumentError
from ._records import AgentState, AgentStateInterval, ContactRecord, Outcome

__all__ = ["check_time", "trusted_interval", "trusted_record"]

# Trusted constructors. The builder makes its records and intervals only from state
# it has already checked: every time is the finite ``at`` of an event fed in order
# (so the timestamps are ordered and every duration is >= 0), answered contacts have
# ``queued_at`` and ``answered_at``, every sequence is a tuple of strings. Running the
# attrs validators again on each of them cost about a third of the builder's time, so
# these fill the slots directly. tests/metrics/test_builder_trusted.py checks over random
# valid inputs that they give objects equal (fields, hash) to the validated
# constructors, and that they set every field of the class.
_new = new_instance
_isfinite = math.isfinite


def check_time(name: str, value: object) -> None:
    """Refuse anything but a finite int or float (as the records' validators would)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not _isfinite(value):
        raise InvalidArgumentError(name=name, expected="finite POSIX seconds", got=value)


(
    _CR_contact_id,
    _CR_outcome,
    _CR_arrived_at,
    _CR_ended_at,
    _CR_channel,
    _CR_dialled_number,
    _CR_caller,
    _CR_queues,
    _CR_agents,
    _CR_skill_group,
    _CR_ivr_exited_at,
    _CR_queued_at,
    _CR_first_offered_at,
    _CR_answered_at,
    _CR_wrap_up_ended_at,
    _CR_ring_seconds,
    _CR_talk_seconds,
    _CR_hold_seconds,
    _CR_after_contact_seconds,
    _CR_transfers,
    _CR_disposition,
    _CR_ivr_path,
) = slot_setters(
    ContactRecord,
    "contact_id",
    "outcome",
    "arrived_at",
    "ended_at",
    "channel",
    "dialled_number",
    "caller",
    "queues",
    "agents",
    "skill_group",
    "ivr_exited_at",
    "queued_at",
    "first_offered_at",
    "answered_at",
    "wrap_up_ended_at",
    "ring_seconds",
    "talk_seconds",
    "hold_seconds",
    "after_contact_seconds",
    "transfers",
    "disposition",
    "ivr_path",
)

(
    _AI_agent_id,
    _AI_state,
    _AI_start,
    _AI_end,
    _AI_reason,
    _AI_queues,
    _AI_skill_group,
) = slot_setters(
    AgentStateInterval,
    "agent_id",
    "state",
    "start",
    "end",
    "reason",
    "queues",
    "skill_group",
)


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
    """A :class:`ContactRecord` from values known valid, without running the validators."""
    r: ContactRecord = _new(ContactRecord)
    _CR_contact_id(r, contact_id)
    _CR_outcome(r, outcome)
    _CR_arrived_at(r, arrived_at)
    _CR_ended_at(r, ended_at)
    _CR_channel(r, channel)
    _CR_dialled_number(r, dialled_number)
    _CR_caller(r, caller)
    _CR_queues(r, queues)
    _CR_agents(r, agents)
    _CR_skill_group(r, None)
    _CR_ivr_exited_at(r, ivr_exited_at)
    _CR_queued_at(r, queued_at)
    _CR_first_offered_at(r, first_offered_at)
    _CR_answered_at(r, answered_at)
    _CR_wrap_up_ended_at(r, wrap_up_ended_at)
    _CR_ring_seconds(r, ring_seconds)
    _CR_talk_seconds(r, talk_seconds)
    _CR_hold_seconds(r, 0.0)
    _CR_after_contact_seconds(r, after_contact_seconds)
    _CR_transfers(r, transfers)
    _CR_disposition(r, None)
    _CR_ivr_path(r, ivr_path)
    return r


def trusted_interval(
    agent_id: str,
    state: AgentState,
    start: float,
    end: float,
    reason: str | None,
    queues: tuple[str, ...],
) -> AgentStateInterval:
    """An :class:`AgentStateInterval` from values known valid (``start <= end``, finite)."""
    i: AgentStateInterval = _new(AgentStateInterval)
    _AI_agent_id(i, agent_id)
    _AI_state(i, state)
    _AI_start(i, start)
    _AI_end(i, end)
    _AI_reason(i, reason)
    _AI_queues(i, queues)
    _AI_skill_group(i, None)
    return i
