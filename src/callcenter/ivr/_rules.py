"""Which inputs a session takes in which phase, and what they do: the session's rules.

:data:`RULES` is the one table of the session engine: for each situation a session
can wait in (a :class:`~callcenter.ivr.SessionPhase`, two of them in two steps), the
input events it *handles* (they move the session) and those it *ignores* (they are
checked and move the clock, nothing else); every other input is refused with an
:class:`~callcenter.errors.IllegalTransitionError` whose "allowed" list is read from
the same row. :class:`~callcenter.ivr.Session` dispatches each input with one lookup
in it, and the reference page's table and phase diagram are generated from it:
``python -m callcenter.ivr._rules > docs/reference/ivr-session.md`` rewrites the
page, and a test checks that the checked-in page is up to date.

Phases are small ints in the session's state (fast to compare, short when
serialized); :data:`PHASE_NAMES` gives each its public :class:`SessionPhase`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ._events import (
    CallerHungUp,
    DigitsPressed,
    HostAnswered,
    HostFailed,
    HostNotFound,
    InputEvent,
    PromptFinished,
    RecordingFinished,
    SessionPhase,
    SpeechHeard,
)
from ._model import (
    BranchNode,
    CallbackNode,
    CallNode,
    CollectNode,
    EnqueueNode,
    HangUpNode,
    HoursNode,
    LanguageNode,
    LookupNode,
    MenuNode,
    Node,
    RecordNode,
    ReturnNode,
    SayNode,
    SetAttributesNode,
    SurveyNode,
    TransferNode,
)

__all__ = ["INPUTS", "PHASE_NAMES", "RULES", "Act", "Row", "allowed", "session_page"]

# The phases, as stored in a session's state.
_NEW, _PLAY, _INPUT, _HOST, _RECORD, _ENDED = range(6)
# Two phases wait in two steps; these rows of the table are theirs.
_RECORDING = 6
"""The record phase once its prompt has finished: the recording runs."""
_HOST_GONE = 7
"""The host phase after the caller hung up (an ``on_hangup`` route's lookup)."""

PHASE_NAMES = (
    SessionPhase.NEW,
    SessionPhase.PLAY,
    SessionPhase.INPUT,
    SessionPhase.HOST,
    SessionPhase.RECORD,
    SessionPhase.ENDED,
)

INPUTS: tuple[type[InputEvent], ...] = (
    DigitsPressed,
    SpeechHeard,
    PromptFinished,
    RecordingFinished,
    HostAnswered,
    HostNotFound,
    HostFailed,
    CallerHungUp,
)
"""Every input event a session takes, in the order the rules list them."""


class Act(enum.Enum):
    """What a session does with a legal input."""

    HANDLE = "handle"
    """The input moves the session (see the row's ``leads_to``)."""
    IGNORE = "ignore"
    """The input is checked and moves the clock; nothing else changes."""


NEXT = "next node"
"""Where an input leads when it leaves the node: the next node's phase."""


class Row(NamedTuple):
    """One situation a session waits in, and the inputs it takes there."""

    name: str
    """The row's name in the docs (the phase, and the step for two-step phases)."""
    phase: SessionPhase
    """The public phase the session reports."""
    waits_for: str
    """What the session waits for, in a few words."""
    calls: tuple[str, ...]
    """Calls other than ``handle`` and ``advance`` that are legal (for the error)."""
    inputs: Mapping[type[InputEvent], Act]
    """The legal inputs; any other is refused."""
    leads_to: Mapping[type[InputEvent], tuple[str, ...]]
    """For each handled input, the rows (or :data:`NEXT`) it may lead to."""


def _row(
    name: str,
    phase: SessionPhase,
    waits_for: str,
    inputs: dict[type[InputEvent], Act | tuple[str, ...]],
    calls: tuple[str, ...] = (),
) -> Row:
    acts = {k: Act.HANDLE if isinstance(v, tuple) else v for k, v in inputs.items()}
    leads = {k: v for k, v in inputs.items() if isinstance(v, tuple)}
    return Row(name, phase, waits_for, calls, MappingProxyType(acts), MappingProxyType(leads))


_IGNORE = Act.IGNORE
_HANG_UP = ("ended", NEXT)  # the session ends, or the flow's on_hangup route runs
_HOST_ANSWER = (NEXT,)  # found, not found or failed: the lookup's routes

RULES: tuple[Row, ...] = (
    _row("new", SessionPhase.NEW, "`begin()`", {}, calls=("begin()",)),
    _row(
        "play",
        SessionPhase.PLAY,
        "a prompt without barge-in to finish",
        {
            # Keys and speech do not stop such a prompt; they count for no node.
            DigitsPressed: _IGNORE,
            SpeechHeard: _IGNORE,
            PromptFinished: (NEXT,),  # the prompt finished: next node
            CallerHungUp: _HANG_UP,
        },
    ),
    _row(
        "input",
        SessionPhase.INPUT,
        "the caller's keys or words (a prompt may still play)",
        {
            DigitsPressed: ("input", NEXT),  # more keys, a retry, or a choice made
            SpeechHeard: ("input", NEXT),
            PromptFinished: ("input",),  # the timeout starts
            CallerHungUp: _HANG_UP,
        },
    ),
    _row(
        "host",
        SessionPhase.HOST,
        "the host's answer to a lookup",
        {
            DigitsPressed: _IGNORE,  # the lookup goes on
            SpeechHeard: _IGNORE,
            HostAnswered: _HOST_ANSWER,
            HostNotFound: _HOST_ANSWER,
            HostFailed: _HOST_ANSWER,
            CallerHungUp: ("host (caller gone)", *_HANG_UP),
        },
    ),
    _row(
        "record (prompt)",
        SessionPhase.RECORD,
        "the voicemail prompt to finish",
        {
            DigitsPressed: _IGNORE,  # the prompt has no barge-in
            SpeechHeard: _IGNORE,
            PromptFinished: ("record (recording)",),  # the Record command is sent
            CallerHungUp: _HANG_UP,
        },
    ),
    _row("ended", SessionPhase.ENDED, "nothing: the session is over", {}),
    _row(
        "record (recording)",
        SessionPhase.RECORD,
        "the telephony side's report of the recording",
        {
            # The caller's keys and voice are the message's, not answers to a node:
            # the recording is ended by the report, whatever ends it on the line.
            DigitsPressed: _IGNORE,
            SpeechHeard: _IGNORE,
            RecordingFinished: (NEXT,),
            CallerHungUp: _HANG_UP,
        },
    ),
    _row(
        "host (caller gone)",
        SessionPhase.HOST,
        "the host's answer, on the on_hangup route (the caller hung up)",
        {
            DigitsPressed: _IGNORE,  # late reports of the line are not errors
            SpeechHeard: _IGNORE,
            HostAnswered: _HOST_ANSWER,
            HostNotFound: _HOST_ANSWER,
            HostFailed: _HOST_ANSWER,
        },
    ),
)
"""The session's rules, one row per situation; rows 0-5 are the phases' own numbers."""

ENTERS: Mapping[type[Node], str] = MappingProxyType(
    {
        MenuNode: "input",
        CollectNode: "input",
        LanguageNode: "input",
        CallbackNode: "input",
        SurveyNode: "input",
        SayNode: "play",
        LookupNode: "host",
        RecordNode: "record (prompt)",
        EnqueueNode: "ended",
        TransferNode: "ended",
        HangUpNode: "ended",
        BranchNode: NEXT,
        HoursNode: NEXT,
        SetAttributesNode: NEXT,
        CallNode: NEXT,
        ReturnNode: NEXT,
    }
)
"""Where entering a node of each kind leaves the session (:data:`NEXT`: it runs on).

Any node may also end the session: the step guard, a failed call or return without
an error route, or a caller node after the caller hung up.
"""

_ALLOWED = tuple(row.calls + tuple(t.__name__ for t in row.inputs) for row in RULES)


def allowed(row: int) -> tuple[str, ...]:
    """The calls and inputs legal in the table's ``row`` (what a refusal lists)."""
    return _ALLOWED[row]


# ---------------------------------------------------------------------------- docs


def _mermaid_id(name: str) -> str:
    return name.replace(" (", "_").replace(")", "").replace(" ", "_")


def session_mermaid() -> str:
    """The session's phase diagram (Mermaid ``stateDiagram-v2``), from :data:`RULES`."""
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{row.name}" as {_mermaid_id(row.name)}' for row in RULES]
    lines.append('    state "next node" as next_node')
    lines.append("    [*] --> new")
    lines.append("    new --> next_node: begin()")
    for row in RULES:
        source = _mermaid_id(row.name)
        lines += [
            f"    {source} --> {_mermaid_id(target)}: {event.__name__}"
            for event, targets in row.leads_to.items()
            for target in targets
        ]
    kinds: dict[str, list[str]] = {}
    for node, target in ENTERS.items():
        kinds.setdefault(target, []).append(node.KIND)
    for target, names in kinds.items():
        lines.append(f"    next_node --> {_mermaid_id(target)}: {', '.join(names)}")
    lines.append("    next_node --> ended: step guard, error without a route")
    lines.append("    ended --> [*]")
    return "\n".join(lines) + "\n"


def session_page() -> str:
    """The reference page of the session's rules: the table and the phase diagram."""
    order = [*INPUTS]
    lines = [
        "# IVR session rules",
        "",
        "<!-- Generated by `python -m callcenter.ivr._rules`; do not edit. -->",
        "",
        "Which inputs a `Session` takes in which phase, and what it does with them.",
        "The table and the diagram are generated from the table the session runs, so",
        "they cannot drift from the code. *handle*: the input moves the session;",
        "*ignore*: the input is checked (a bad one is an `InvalidArgumentError`) and",
        "moves the clock, nothing else; *refused*: an `IllegalTransitionError` that",
        "lists the row's legal calls and inputs, and the session is unchanged.",
        "Two phases wait in two steps, so they have two rows: `record` (its prompt",
        "plays, then the recording runs) and `host` (after the caller hung up, on the",
        "flow's `on_hangup` route, a second hang-up is refused).",
        "`advance(now)` is legal in every phase.",
        "",
        "| phase | waits for | " + " | ".join(f"`{t.__name__}`" for t in order) + " |",
        "|---|---|" + "---|" * len(order),
    ]
    for row in RULES:
        cells = []
        for event in order:
            act = row.inputs.get(event)
            if act is None:
                cells.append("refused")
            elif act is Act.IGNORE:
                cells.append("ignore")
            else:
                cells.append("handle → " + ", ".join(row.leads_to[event]))
        lines.append(f"| `{row.name}` | {row.waits_for} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Phase diagram",
        "",
        "Each handled input leads to the rows named in the table; *next node* is",
        "entering a node, whose kind decides where the session waits next (nodes that",
        "need no caller run on at once). Paste the text into any Mermaid viewer.",
        "",
        "```text",
        session_mermaid().rstrip("\n"),
        "```",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(session_page(), end="")
