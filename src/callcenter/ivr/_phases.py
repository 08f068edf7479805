"""The phases of an IVR session: what it is waiting for, and what it accepts then.

Phases are small ints in the session's state (fast to compare, short when
serialized); :data:`PHASE_NAMES` gives each its public :class:`SessionPhase`.
"""

from __future__ import annotations

from ._events import SessionPhase

_NEW, _PLAY, _INPUT, _HOST, _RECORD, _ENDED = range(6)

PHASE_NAMES = (
    SessionPhase.NEW,
    SessionPhase.PLAY,
    SessionPhase.INPUT,
    SessionPhase.HOST,
    SessionPhase.RECORD,
    SessionPhase.ENDED,
)

# Per phase: the calls and input events a session takes then (for error messages).
ACCEPTS: tuple[tuple[str, ...], ...] = (
    ("begin()",),
    ("PromptFinished", "DigitsPressed", "SpeechHeard", "CallerHungUp"),
    ("DigitsPressed", "SpeechHeard", "PromptFinished", "CallerHungUp"),
    ("HostAnswered", "HostNotFound", "HostFailed", "CallerHungUp"),
    ("PromptFinished", "RecordingFinished", "DigitsPressed", "CallerHungUp"),
    (),
)
