"""The record builder's constructors of records and intervals, and its time check.

A record and an interval have invariants (times in order, durations >= 0, an
answered contact has ``answered_at``...), so they are not built around their checks:
:class:`ContactRecord` and :class:`AgentStateInterval` check everything in one pass
whose common case costs a few comparisons, and these positional shorthands (generated
by :func:`callcenter._slots.checked_in_order`: the slot stores, then that check, in
one call) build them. Events, which have no invariants, get their fast constructors
from :func:`callcenter._slots.trusted`.
"""

from __future__ import annotations

from typing import Protocol

from .._slots import checked_in_order
from ..routing import AgentState
from ._records import AgentStateInterval, ContactRecord, Outcome, check_time

__all__ = ["check_time", "trusted_interval", "trusted_record"]

# Every field the builder sets, in the classes' order (tests/metrics/
# test_builder_trusted.py checks the shorthands against the classes over random inputs);
# the protocols give the generated constructors their types.


class _NewRecord(Protocol):
    def __call__(
        self,
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
    ) -> ContactRecord: ...


class _NewInterval(Protocol):
    def __call__(
        self,
        agent_id: str,
        state: AgentState,
        start: float,
        end: float,
        reason: str | None,
        queues: tuple[str, ...],
    ) -> AgentStateInterval: ...


trusted_record: _NewRecord = checked_in_order(
    ContactRecord, omit=("skill_group", "hold_seconds", "disposition")
)
"""A :class:`ContactRecord` of the builder's (no skill group, hold or disposition).

Positional: ``contact_id, outcome, arrived_at, ended_at, channel, dialled_number,
caller, queues, agents, ivr_exited_at, queued_at, first_offered_at, answered_at,
wrap_up_ended_at, ring_seconds, talk_seconds, after_contact_seconds, transfers,
ivr_path``.
"""

trusted_interval: _NewInterval = checked_in_order(AgentStateInterval, omit=("skill_group",))
"""An :class:`AgentStateInterval` of the builder's (no skill group).

Positional: ``agent_id, state, start, end, reason, queues``.
"""
