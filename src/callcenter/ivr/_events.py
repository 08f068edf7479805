"""Session inputs (caller and host events), outputs (commands) and reports (for metrics).

All are frozen, keyword-only attrs classes. Inputs are fed to
:meth:`callcenter.ivr.Session.handle`; commands are its return value; reports pile up
until :meth:`callcenter.ivr.Session.take_events` collects them.
"""

from __future__ import annotations

import enum
from typing import TypeAlias

import attrs

__all__ = [
    "AskHost",
    "CallerHungUp",
    "CallerStatus",
    "Command",
    "DigitsPressed",
    "Enqueue",
    "HangUp",
    "HostAnswered",
    "HostFailed",
    "HostNotFound",
    "InputEvent",
    "Listen",
    "NodeEntered",
    "NodeExited",
    "NodeOutcome",
    "Play",
    "PromptFinished",
    "Record",
    "RecordingFinished",
    "RequestCallback",
    "SessionEnded",
    "SessionEvent",
    "SessionPhase",
    "SessionResult",
    "SpeechHeard",
    "SurveyAnswered",
    "Transfer",
]


# --------------------------------------------------------------------------- inputs


@attrs.frozen(kw_only=True)
class DigitsPressed:
    """The caller pressed one or more keys (DTMF), in order: ``"1"``, ``"123456789012#"``."""

    digits: str


@attrs.frozen(kw_only=True)
class SpeechHeard:
    """Speech recognised from the caller, as text (menus match it against their words)."""

    text: str


@attrs.frozen(kw_only=True)
class PromptFinished:
    """The prompt of the last :class:`Play` command has finished playing."""


@attrs.frozen(kw_only=True)
class HostAnswered:
    """The host answered an :class:`AskHost` request with values (text to text)."""

    request: int
    values: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class HostNotFound:
    """The host found nothing for an :class:`AskHost` request."""

    request: int


@attrs.frozen(kw_only=True)
class HostFailed:
    """The host could not answer an :class:`AskHost` request."""

    request: int
    reason: str = ""


@attrs.frozen(kw_only=True)
class RecordingFinished:
    """A :class:`Record` command finished; ``reference`` names the recording."""

    reference: str
    seconds: float


@attrs.frozen(kw_only=True)
class CallerHungUp:
    """The caller hung up."""


InputEvent: TypeAlias = (
    DigitsPressed
    | SpeechHeard
    | PromptFinished
    | HostAnswered
    | HostNotFound
    | HostFailed
    | RecordingFinished
    | CallerHungUp
)
"""Anything a telephony adapter or the host feeds to a session."""


# --------------------------------------------------------------------------- commands


@attrs.frozen(kw_only=True)
class Play:
    """Play a prompt; answer with :class:`PromptFinished` when it has played.

    Attributes:
        node: The node that plays it.
        prompt: The prompt's id.
        language: The language of the variant chosen (after fallback).
        text: Text to speak, placeholders filled in, or ``None``.
        audio: Audio file to play instead of the text, or ``None``.
        seconds: How long it plays (given or estimated).
        barge_in: Whether keys stop it (stop playback on a key when ``True``).
    """

    node: str
    prompt: str
    language: str
    text: str | None
    audio: str | None
    seconds: float
    barge_in: bool


@attrs.frozen(kw_only=True)
class Listen:
    """Collect keys after (or during) the prompt; feed them as :class:`DigitsPressed`.

    The session runs its own timeouts; these figures let an adapter that gathers
    keys itself (a Twilio ``<Gather>``) set the same limits.
    """

    node: str
    max_digits: int
    terminator: str | None
    timeout: float
    inter_digit_timeout: float


@attrs.frozen(kw_only=True)
class AskHost:
    """Ask the host ``query`` with ``arguments``; answer quoting ``request``."""

    node: str
    request: int
    query: str
    arguments: dict[str, str]
    timeout: float


@attrs.frozen(kw_only=True)
class Enqueue:
    """Put the call in an ACD queue. The IVR session has ended.

    ``attributes`` holds the session's attributes (caller, collected values, lookup
    answers) merged with the node's own, for routing rules and screen pops.
    """

    node: str
    queue: str
    priority: int
    skills: tuple[str, ...]
    attributes: dict[str, str]
    language: str


@attrs.frozen(kw_only=True)
class Transfer:
    """Transfer the call to a number or SIP URI. The IVR session has ended."""

    node: str
    to: str
    attributes: dict[str, str]


@attrs.frozen(kw_only=True)
class Record:
    """Record a message into ``mailbox``; answer with :class:`RecordingFinished`."""

    node: str
    mailbox: str
    max_seconds: float
    terminator: str | None
    attributes: dict[str, str]


@attrs.frozen(kw_only=True)
class RequestCallback:
    """Book a callback to ``number`` in ``queue`` (the call itself goes on)."""

    node: str
    queue: str
    number: str
    attributes: dict[str, str]


@attrs.frozen(kw_only=True)
class HangUp:
    """Hang up the call. ``reason``: ``"flow"``, ``"blocked"`` or ``"error"``."""

    node: str
    reason: str


Command: TypeAlias = (
    Play | Listen | AskHost | Enqueue | Transfer | Record | RequestCallback | HangUp
)
"""Anything a session asks its adapter or host to do."""


# --------------------------------------------------------------------------- reports


class NodeOutcome(enum.Enum):
    """How a node was left."""

    NEXT = "next"
    """A node without choices finished (say, set, call, return)."""
    MATCH = "match"
    """The caller chose or entered something valid."""
    NO_MATCH = "no-match"
    """The no-match limit was reached."""
    NO_INPUT = "no-input"
    """The no-input limit was reached."""
    OPEN = "open"
    CLOSED = "closed"
    HOLIDAY = "holiday"
    FOUND = "found"
    NOT_FOUND = "not-found"
    ERROR = "error"
    """A failure: host lookup failed, step guard hit, nothing to return to."""
    DECLINED = "declined"
    HANDOFF = "handoff"
    """The call left the IVR: enqueued, transferred or hung up by the flow."""
    HANGUP = "hangup"
    """The caller hung up in this node."""


class SessionPhase(enum.StrEnum):
    """What a session is waiting for (:attr:`callcenter.ivr.Session.phase`).

    A text enum: ``session.phase == "input"`` works as well.
    """

    NEW = "new"
    """Not begun: call ``begin``."""
    PLAY = "play"
    """A prompt without barge-in is playing."""
    INPUT = "input"
    """A node listens for keys (its prompt may still be playing)."""
    HOST = "host"
    """A lookup waits for the host's answer."""
    RECORD = "record"
    """A voicemail prompt plays, then a recording runs."""
    ENDED = "ended"
    """The session is over."""


class SessionResult(enum.Enum):
    """How a session ended."""

    ENQUEUED = "enqueued"
    TRANSFERRED = "transferred"
    COMPLETED = "completed"
    """The flow hung up: the caller was served by self-service (contained)."""
    VOICEMAIL = "voicemail"
    """The flow hung up after the caller left a message (work for an agent later)."""
    CALLBACK = "callback"
    """The flow hung up after the caller booked a callback (work for an agent later)."""
    ABANDONED = "abandoned"
    """The caller hung up in the IVR."""
    BLOCKED = "blocked"
    """The caller is on the block list."""
    ERROR = "error"
    """The step guard stopped the session, or a failure had no route."""


class CallerStatus(enum.Enum):
    """What the caller lists say about a caller at the start of a session."""

    NORMAL = "normal"
    VIP = "vip"
    BLOCKED = "blocked"


@attrs.frozen(kw_only=True)
class NodeEntered:
    """A session entered a node."""

    session: str
    node: str
    kind: str
    at: float


@attrs.frozen(kw_only=True)
class NodeExited:
    """A session left a node.

    Attributes:
        outcome: How it left.
        key: The keys that chose the way out, when keys did.
        no_inputs: No-inputs counted in the node before leaving.
        no_matches: No-matches counted in the node before leaving.
    """

    session: str
    node: str
    outcome: NodeOutcome
    at: float
    key: str | None = None
    no_inputs: int = 0
    no_matches: int = 0


@attrs.frozen(kw_only=True)
class SurveyAnswered:
    """A caller answered a survey question."""

    session: str
    node: str
    attribute: str
    value: int
    at: float


@attrs.frozen(kw_only=True)
class SessionEnded:
    """A session ended (the last event of a session).

    Attributes:
        result: How it ended.
        node: The node it ended in.
        steps: Nodes entered.
        attributes: The session's attributes at the end.
    """

    session: str
    result: SessionResult
    node: str
    at: float
    steps: int
    attributes: dict[str, str]


SessionEvent: TypeAlias = NodeEntered | NodeExited | SurveyAnswered | SessionEnded
"""A report for metrics."""
