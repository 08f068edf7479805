"""The record builder's rules: which events are legal in which phase of a contact, and what they do.

The builder keeps a :class:`Phase` for every live contact. :data:`RULES` is one row
per kind of event it takes: the moves the event makes (from a phase, or from
nothing for a new contact, to a phase, or to nothing when it finishes the contact's
record), hence the phases in which it is legal, and the outcomes of the records it
may finish. The builder dispatches on this table (each row names the builder's
handler), its handlers check the phases the row allows, and a refused event's error
lists the actions the table allows in the contact's phase. The reference page
``docs/reference/metrics-builder.md`` is generated from the same table by
``callcenter.metrics._builder_page``; the builder's tests check that every move it
makes is one its table lists.
"""

from __future__ import annotations

import enum
from typing import TypeAlias

import attrs

from .. import ivr as _ivr
from .. import routing as _rt
from ._records import Outcome

__all__ = ["MEANINGS", "RULES", "Move", "Phase", "Rule", "allowed_in", "rule_of"]


class Phase(enum.Enum):
    """Where a live contact is, as the record builder sees it (meanings: ``MEANINGS``)."""

    IVR = "ivr"
    HANDOFF = "handoff"
    WAITING = "waiting"
    RINGING = "ringing"
    ACTIVE = "active"
    WRAP = "wrap"


MEANINGS = {
    Phase.IVR: "in an IVR session",
    Phase.HANDOFF: "the IVR enqueued it; its ACD events are still to come",
    Phase.WAITING: "in a queue",
    Phase.RINGING: "offered to an agent",
    Phase.ACTIVE: "answered, being handled",
    Phase.WRAP: "handling ended; waiting for the end of the agent's wrap-up",
}
"""What each phase means."""


Move: TypeAlias = tuple[Phase | None, Phase | None]
"""A move of a contact: from a phase (``None``: a new contact) to a phase (``None``: its
record is finished)."""


def _legal(rule: Rule) -> tuple[Phase, ...]:
    if rule.agent:
        return ()
    return tuple(dict.fromkeys(source for source, _ in rule.moves if source is not None))


@attrs.frozen
class Rule:
    """One kind of event the builder takes: the moves it makes and what it does.

    Args:
        event: The event class.
        handler: The name of the :class:`~callcenter.metrics.RecordBuilder` method
            that applies it.
        action: What the event does to its contact, in the words of the refusal
            (``"contact 'c1' is waiting: cannot be answered"``).
        moves: The moves it makes of its contact (of the agent's contacts, for an
            agent's event).
        finishes: The outcomes of the records it may finish.
        duplicate: A live contact in a phase the event is not legal in means the
            event starts a second contact with a live one's id (a
            :class:`~callcenter.errors.DuplicateIdError`) rather than an illegal step.
        agent: The event is about an agent, not a contact: legal in any phase.
        effect: What the event does, in a few words, for the reference page.

    Derived: ``legal``, the phases of a live contact in which the event is legal (the
    phases its moves start from), and ``starts``, whether it may start a contact.
    """

    event: type
    handler: str
    action: str
    moves: tuple[Move, ...]
    finishes: tuple[Outcome, ...] = ()
    duplicate: bool = False
    agent: bool = False
    effect: str = ""
    legal: tuple[Phase, ...] = attrs.field(
        init=False, default=attrs.Factory(_legal, takes_self=True)
    )
    starts: bool = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda rule: any(source is None for source, _ in rule.moves), takes_self=True
        ),
    )


_IVR, _HANDOFF, _WAITING, _RINGING, _ACTIVE, _WRAP = Phase

RULES: tuple[Rule, ...] = (
    Rule(
        _ivr.NodeEntered,
        "_on_node_entered",
        "enter an IVR node",
        ((None, _IVR), (_IVR, _IVR)),
        effect="adds the node to the contact's IVR path",
    ),
    Rule(
        _ivr.NodeExited,
        "_on_node_exited",
        "leave an IVR node",
        ((_IVR, _IVR),),
        effect="notes an hours node left by its closed or holiday way",
    ),
    Rule(
        _ivr.SurveyAnswered,
        "_on_survey",
        "answer a survey",
        ((_IVR, _IVR),),
        effect="nothing (the answers are in the IVR's own report)",
    ),
    Rule(
        _ivr.SessionEnded,
        "_on_session_ended",
        "end an IVR session",
        ((_IVR, _HANDOFF), (_IVR, None)),
        finishes=(
            Outcome.FINISHED_IN_IVR,
            Outcome.VOICEMAIL,
            Outcome.CALLBACK,
            Outcome.ABANDONED_IN_IVR,
            Outcome.BLOCKED,
            Outcome.OVERFLOWED,
            Outcome.OUT_OF_HOURS,
        ),
        effect="`enqueued`: hands the contact to the ACD; any other result finishes it",
    ),
    Rule(
        _rt.ContactQueued,
        "_on_queued",
        "be queued",
        ((None, _WAITING), (_HANDOFF, _WAITING), (_WAITING, _WAITING), (_RINGING, _RINGING)),
        duplicate=True,
        effect="starts waiting; again while waiting or ringing: adds the queue",
    ),
    Rule(
        _rt.ContactRefused,
        "_on_refused",
        "be refused",
        ((None, None), (_HANDOFF, None)),
        finishes=(Outcome.REJECTED_QUEUE_FULL, Outcome.BLOCKED),
        duplicate=True,
        effect="finishes it: queue full, or no agents",
    ),
    Rule(
        _rt.ContactOffered,
        "_on_offered",
        "be offered",
        ((_WAITING, _RINGING),),
        effect="an agent's phone rings",
    ),
    Rule(
        _rt.ContactOfferDeclined,
        "_on_declined",
        "have its offer declined",
        ((_RINGING, _WAITING),),
        effect="back to waiting; the ring time counts",
    ),
    Rule(
        _rt.ContactAnswered,
        "_on_answered",
        "be answered",
        ((_RINGING, _ACTIVE),),
        effect="talk starts; the ring time counts",
    ),
    Rule(
        _rt.ContactCompleted,
        "_on_completed",
        "complete",
        ((_ACTIVE, _WRAP),),
        effect="talk ends; the record waits for the end of the agent's wrap-up",
    ),
    Rule(
        _rt.ContactAbandoned,
        "_on_abandoned",
        "abandon",
        ((_WAITING, None), (_RINGING, None)),
        finishes=(Outcome.ABANDONED_IN_QUEUE, Outcome.ABANDONED_RINGING),
        effect="finishes it: hung up waiting, or while an offer rang",
    ),
    Rule(
        _rt.ContactOverflowed,
        "_on_overflowed",
        "overflow",
        ((_WAITING, _WAITING), (_WAITING, None)),
        finishes=(Outcome.VOICEMAIL, Outcome.CALLBACK),
        effect="to a queue: adds the queue; to voicemail or callback: finishes it",
    ),
    Rule(
        _rt.ContactTransferred,
        "_on_transferred",
        "be transferred",
        ((_WAITING, _WAITING), (_ACTIVE, _WAITING)),
        effect="waits in the target queue; counts a transfer",
    ),
    Rule(
        _rt.ContactEscalated,
        "_on_escalated",
        "be escalated",
        ((_WAITING, _WAITING),),
        effect="nothing (a move to another queue comes as its own event)",
    ),
    Rule(
        _rt.ContactLeft,
        "_on_left",
        "leave its queue",
        ((_WAITING, None),),
        finishes=(Outcome.OVERFLOWED,),
        effect="finishes it: no agents, or removed by the host",
    ),
    Rule(
        _rt.AgentStateChanged,
        "_on_agent",
        "change an agent's state",
        ((_WRAP, None),),
        finishes=(Outcome.ANSWERED,),
        agent=True,
        effect=(
            "closes the agent's state interval; unless its new state is `wrap_up`, "
            "finishes the agent's contacts in `wrap`"
        ),
    ),
)
"""Every kind of event the record builder takes, in the order of a contact's life."""

_BY_EVENT = {rule.event: rule for rule in RULES}


def rule_of(event: type) -> Rule:
    """The rule of an event class (``KeyError`` for a class the builder does not take)."""
    return _BY_EVENT[event]


def allowed_in(phase: Phase | None) -> tuple[str, ...]:
    """The actions legal for a contact in ``phase`` (``None``: an unknown contact)."""
    if phase is None:
        return tuple(rule.action for rule in RULES if rule.starts)
    return tuple(rule.action for rule in RULES if phase in rule.legal)
