"""What the record builder keeps about each live contact: its notes and their phases."""

from __future__ import annotations

# Phases of a contact in the builder.
_IVR = "ivr"  # in an IVR session
_HANDOFF = "handoff"  # the IVR enqueued it; its ACD events are still to come
_WAITING = "waiting"  # in a queue
_RINGING = "ringing"  # offered to an agent
_ACTIVE = "active"  # answered, being handled
_WRAP = "wrap"  # handling ended; waiting for the agent's wrap-up to end


class _Contact:
    """The builder's notes on one live contact (copied before every change)."""

    __slots__ = (
        "agents",
        "answered_at",
        "arrived_at",
        "caller",
        "channel",
        "closed",
        "dialled",
        "ended_at",
        "first_offered_at",
        "id",
        "ivr_exited_at",
        "ivr_path",
        "offered_at",
        "phase",
        "queued_at",
        "queues",
        "ring_seconds",
        "segment_start",
        "talk_seconds",
        "transfers",
        "wrap_agent",
    )

    def __init__(self, contact_id: str, arrived_at: float, phase: str) -> None:
        self.id = contact_id
        self.arrived_at = arrived_at
        self.phase = phase
        self.channel = "voice"
        self.caller: str | None = None
        self.closed = False  # the IVR found the center closed (an hours node)
        self.dialled: str | None = None
        self.queues: tuple[str, ...] = ()
        self.agents: tuple[str, ...] = ()
        self.ivr_path: tuple[str, ...] = ()
        self.ivr_exited_at: float | None = None
        self.queued_at: float | None = None
        self.first_offered_at: float | None = None
        self.offered_at: float | None = None
        self.answered_at: float | None = None
        self.segment_start: float | None = None
        self.ended_at: float | None = None
        self.ring_seconds = 0.0
        self.talk_seconds = 0.0
        self.transfers = 0
        self.wrap_agent: str | None = None

    def clone(self) -> _Contact:
        """A shallow copy (every field is immutable), cheaper than :func:`copy.copy`."""
        new = _Contact.__new__(_Contact)
        new.agents = self.agents
        new.answered_at = self.answered_at
        new.arrived_at = self.arrived_at
        new.caller = self.caller
        new.channel = self.channel
        new.closed = self.closed
        new.dialled = self.dialled
        new.ended_at = self.ended_at
        new.first_offered_at = self.first_offered_at
        new.id = self.id
        new.ivr_exited_at = self.ivr_exited_at
        new.ivr_path = self.ivr_path
        new.offered_at = self.offered_at
        new.phase = self.phase
        new.queued_at = self.queued_at
        new.queues = self.queues
        new.ring_seconds = self.ring_seconds
        new.segment_start = self.segment_start
        new.talk_seconds = self.talk_seconds
        new.transfers = self.transfers
        new.wrap_agent = self.wrap_agent
        return new
