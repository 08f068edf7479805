"""The parts of a flow: prompt variants, conditions and the node kinds.

A flow is a graph of named nodes. Every node is a frozen attrs class; its fields that
name another node (``next``, ``options``, ``on_no_input``...) are the graph's edges.
The :class:`~callcenter.ivr.Flow` that ties them together is in ``_flow``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar, TypeAlias

import attrs

from .._checks import LARGEST, Problems

__all__ = [
    "REPEAT",
    "BranchNode",
    "CallNode",
    "CallbackNode",
    "CollectNode",
    "Condition",
    "EnqueueNode",
    "HangUpNode",
    "HoursNode",
    "LanguageNode",
    "LookupNode",
    "MenuNode",
    "Node",
    "RecordNode",
    "ReturnNode",
    "Rule",
    "SayNode",
    "SetAttributesNode",
    "SurveyNode",
    "TransferNode",
    "Variant",
]

REPEAT = "@repeat"
"""A global-key target that replays the current node's prompt (``"*" = "@repeat"``)."""

KEYS = frozenset("0123456789*#")
DIGITS = frozenset("0123456789")

MAX_SECONDS = 3600.0
"""The longest timeout, prompt or recording a flow may declare (an hour)."""
MAX_LIMIT = 100
"""The most retries (no-input or no-match limit) a node may allow."""
MAX_DIGITS = 64
"""The most keys a collect node may take."""
HANGUP_RESULTS = ("completed", "abandoned")
"""What a node's ``hangup_result`` may say a hang-up there means."""


def _seconds_field(problems: Problems, name: str, value: object) -> None:
    problems.number(name, value, minimum=0, exclusive_minimum=True, maximum=MAX_SECONDS)


def _check_retries(problems: Problems, node: object) -> None:
    for name in ("timeout", "inter_digit_timeout"):
        if hasattr(node, name):
            _seconds_field(problems, name, getattr(node, name))
    for name in ("no_input_limit", "no_match_limit"):
        problems.number(name, getattr(node, name), minimum=1, maximum=MAX_LIMIT, integer=True)
    _check_hangup_result(problems, node)


def _check_hangup_result(problems: Problems, node: object) -> None:
    value = getattr(node, "hangup_result", None)
    if value is not None and value not in HANGUP_RESULTS:
        problems.add(
            "hangup_result",
            f"expected one of {', '.join(map(repr, HANGUP_RESULTS))}, got {value!r}",
        )


_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _estimate_seconds(text: str) -> float:
    # Speech rates: about 4 Chinese characters per second and 15 Latin characters per
    # second (roughly 170 words a minute), with half a second of lead-in.
    cjk = len(_CJK.findall(text))
    return round(0.5 + cjk / 4.0 + (len(text) - cjk) / 15.0, 2)


def _tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _frozen_map(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen(kw_only=True)
class Variant:
    """One language's version of a prompt: an audio file, a text to speak, or both.

    Args:
        text: Text for text-to-speech; may contain ``{attribute}`` placeholders that
            are filled from the session's attributes when played.
        audio: An audio file or URL the telephony side plays instead of the text.
        seconds: How long it plays. Default: estimated from the text (about 4 Chinese
            characters or 15 Latin characters per second), or 3 s for audio only.
    """

    text: str | None = None
    audio: str | None = None
    seconds: float | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        if self.seconds is not None:
            problems.number("seconds", self.seconds, minimum=0, maximum=MAX_SECONDS)
        if self.text is None and self.audio is None:
            problems.add("", "a prompt variant needs a text, an audio file, or both")
        problems.raise_if_any(what="prompt variant")

    @property
    def duration(self) -> float:
        """The playing time in seconds: ``seconds`` if given, else an estimate."""
        if self.seconds is not None:
            return float(self.seconds)
        if self.text is not None:
            return _estimate_seconds(self.text)
        return 3.0


# --------------------------------------------------------------------------- nodes


@attrs.frozen(kw_only=True)
class SayNode:
    """Play a prompt, then go to ``next``. Keys pressed meanwhile are ignored.

    ``hangup_result = "completed"`` says that a caller who hangs up while this prompt
    plays (a goodbye, a status read out) got what they came for: the session's
    result is then ``completed``, not ``abandoned``. Every node that holds the
    caller takes ``hangup_result``.
    """

    KIND: ClassVar[str] = "say"
    id: str
    prompt: str
    next: str
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _check_hangup_result(problems, self)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class MenuNode:
    """Offer single- or multi-key choices.

    Args:
        prompt: The prompt played on the first visit.
        short_prompt: A shorter prompt played on repeats (tapered prompting);
            default: ``prompt`` again.
        options: Key (``"1"``, ``"0"``, ``"*"``, or several keys like ``"10"``) to
            the node it leads to, or :data:`REPEAT` to play the full prompt again.
        words: Spoken words that choose an option, word to key (for speech input).
        timeout: Seconds of silence after the prompt before a no-input.
        inter_digit_timeout: Seconds to wait for a further key when the keys so far
            could still become a longer option.
        no_input_limit: The no-input that leaves the node (``3``: on the third).
        no_match_limit: The no-match that leaves the node.
        on_no_input: Where to go when no-inputs reach the limit (default: the
            flow's ``on_no_input``, then ``on_error``).
        on_no_match: Where to go when no-matches reach the limit (default: the
            flow's ``on_no_match``, then ``on_error``).
        no_input_prompt: Played before the re-prompt after a no-input.
        no_match_prompt: Played before the re-prompt after a no-match.
        hangup_result: What a hang-up at this node means: ``"completed"`` (the caller
            got what they came for) or ``"abandoned"`` (the default).
    """

    KIND: ClassVar[str] = "menu"
    id: str
    prompt: str
    options: dict[str, str] = attrs.field(converter=_frozen_map)
    short_prompt: str | None = None
    words: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    timeout: float = 5.0
    inter_digit_timeout: float = 2.0
    no_input_limit: int = 3
    no_match_limit: int = 3
    on_no_input: str | None = None
    on_no_match: str | None = None
    no_input_prompt: str | None = None
    no_match_prompt: str | None = None
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _check_retries(problems, self)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class CollectNode:
    """Collect a number of digits (a waybill number, a phone number) into an attribute.

    Collection ends at the ``terminator`` key, at ``max_digits`` digits, or when
    ``inter_digit_timeout`` passes after a digit. A value shorter than ``min_digits``
    or not matching ``pattern`` is a no-match. Only digits are stored: a ``*`` or
    ``#`` that is neither the terminator nor the ``clear_key`` is a no-match.

    The terminator only ends collection (VoiceXML's ``termchar``): pressed after a
    value that already has ``max_digits`` digits, or while the value is being
    confirmed, it is ignored, so ``123456789012#`` never answers the confirmation.

    Args:
        prompt: Played on the first attempt; ``short_prompt`` on later ones.
        store: The attribute that receives the digits.
        next: Where to go with a valid value.
        min_digits: Fewest digits accepted.
        max_digits: Most digits; collection ends when this many have come.
        terminator: The key that ends the input (not stored); ``None`` for none.
        timeout: Seconds of silence after the prompt before a no-input.
        inter_digit_timeout: Seconds after a digit before the input counts as ended.
        pattern: A regular expression the whole value must match.
        confirm_prompt: If set, played after a valid value (``{value}`` in its text
            is the value); ``confirm_key`` accepts it, ``reenter_key`` collects it
            again (not counted as a mistake), any other key is a no-match.
        confirm_key: The key that accepts the value being confirmed.
        reenter_key: The key that asks to enter the value again; ``None`` for none.
        clear_key: A non-digit key that clears the digits typed so far (the caller
            starts again without a no-match); ``None`` (the default): such a key is
            a no-match.
        keys: Keys that, pressed as the first key, leave to another node instead of
            starting the value (``{"0": "agent"}``).
        use_global_keys: Whether the flow's global keys work as the first key.

    ``no_input_limit``, ``no_match_limit``, ``on_no_input``, ``on_no_match``,
    ``no_input_prompt`` and ``no_match_prompt`` work as for :class:`MenuNode`.
    """

    KIND: ClassVar[str] = "collect"
    id: str
    prompt: str
    store: str
    next: str
    short_prompt: str | None = None
    min_digits: int = 1
    max_digits: int = 20
    terminator: str | None = "#"
    timeout: float = 5.0
    inter_digit_timeout: float = 3.0
    pattern: str | None = None
    confirm_prompt: str | None = None
    confirm_key: str = "1"
    reenter_key: str | None = "2"
    clear_key: str | None = None
    keys: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    use_global_keys: bool = True
    no_input_limit: int = 3
    no_match_limit: int = 3
    on_no_input: str | None = None
    on_no_match: str | None = None
    no_input_prompt: str | None = None
    no_match_prompt: str | None = None
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _check_retries(problems, self)
        for name in ("min_digits", "max_digits"):
            problems.number(name, getattr(self, name), minimum=1, maximum=MAX_DIGITS, integer=True)
        for name in ("confirm_key", "reenter_key", "clear_key", "terminator"):
            key = getattr(self, name)
            if key is not None and (not isinstance(key, str) or key not in KEYS):
                problems.add(name, f"expected one key (0-9, * or #), got {key!r}")
        if self.confirm_key == self.reenter_key:
            problems.add("reenter_key", "must differ from confirm_key")
        if self.clear_key is not None:
            if self.clear_key in DIGITS:
                problems.add("clear_key", "a digit cannot clear the entry: it is part of it")
            if self.clear_key == self.terminator:
                problems.add("clear_key", "must differ from the terminator")
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class Condition:
    """A test on one attribute; exactly one of the tests is given.

    Args:
        attribute: The attribute tested (``caller``, ``dialled``, a collected value...).
        equals: The attribute equals this text.
        one_of: The attribute is one of these texts.
        prefix: The attribute starts with this text (e.g. an area code).
        matches: The whole attribute matches this regular expression.
        present: The attribute is set (``true``) or not set (``false``).
    """

    attribute: str
    equals: str | None = None
    one_of: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_tuple)
    )
    prefix: str | None = None
    matches: str | None = None
    present: bool | None = None

    def __attrs_post_init__(self) -> None:
        given = [
            name
            for name in ("equals", "one_of", "prefix", "matches", "present")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a condition needs exactly one of equals, one_of, prefix, matches, present; "
                f"got {', '.join(given) or 'none'}"
            )
        if self.matches is not None:
            try:
                re.compile(self.matches)
            except re.error as exc:
                raise ValueError(f"matches: not a regular expression ({exc})") from None

    def test(self, attributes: Mapping[str, str]) -> bool:
        """Whether the attributes pass this condition."""
        value = attributes.get(self.attribute)
        if self.present is not None:
            return (value is not None) == self.present
        if value is None:
            return False
        if self.equals is not None:
            return value == self.equals
        if self.one_of is not None:
            return value in self.one_of
        if self.prefix is not None:
            return value.startswith(self.prefix)
        assert self.matches is not None
        return re.fullmatch(self.matches, value) is not None


def _conditions(value: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Rule:
    """A branch rule: when every condition in ``when`` holds, go to ``goto``."""

    when: tuple[Condition, ...] = attrs.field(converter=_conditions)
    goto: str


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class BranchNode:
    """Go to the target of the first rule that holds, else to ``otherwise``."""

    KIND: ClassVar[str] = "branch"
    id: str
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    otherwise: str


@attrs.frozen(kw_only=True)
class HoursNode:
    """Check business hours against a calendar: ``open``, ``closed`` or ``holiday``.

    Args:
        calendar: The name of a calendar embedded in the flow (``[calendars.NAME]``)
            or given to the loader.
        open: Where to go while the calendar is open.
        closed: Where to go while it is closed.
        holiday: Where to go when closed on a holiday (default: ``closed``).
    """

    KIND: ClassVar[str] = "hours"
    id: str
    calendar: str
    open: str
    closed: str
    holiday: str | None = None


@attrs.frozen(kw_only=True)
class SetAttributesNode:
    """Set attributes (values may use ``{attribute}`` placeholders), then go on."""

    KIND: ClassVar[str] = "set"
    id: str
    values: dict[str, str] = attrs.field(converter=_frozen_map)
    next: str


@attrs.frozen(kw_only=True)
class LookupNode:
    """Ask the host a question and continue on its answer.

    The session returns an :class:`~callcenter.ivr.AskHost` command; the host answers
    with :class:`~callcenter.ivr.HostAnswered` (values merged into the attributes,
    each key prefixed by ``into``), :class:`~callcenter.ivr.HostNotFound` or
    :class:`~callcenter.ivr.HostFailed`. No answer within ``timeout`` is a failure.

    Args:
        query: The name of the host operation, e.g. ``"waybill_status"``.
        arguments: Its arguments; values may use ``{attribute}`` placeholders.
        next: Where to go with an answer.
        not_found: Where to go when the host found nothing.
        on_failure: Where to go on failure or timeout (default: the flow's
            ``on_error``).
        into: Prefix for the answer's keys, e.g. ``"waybill."``.
        timeout: Seconds to wait for the host.
    """

    KIND: ClassVar[str] = "lookup"
    id: str
    query: str
    next: str
    not_found: str
    arguments: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    on_failure: str | None = None
    into: str = ""
    timeout: float = 5.0
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _seconds_field(problems, "timeout", self.timeout)
        _check_hangup_result(problems, self)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class LanguageNode:
    """Let the caller choose a language: a menu from keys to language codes."""

    KIND: ClassVar[str] = "language"
    id: str
    prompt: str
    choices: dict[str, str] = attrs.field(converter=_frozen_map)
    next: str
    short_prompt: str | None = None
    timeout: float = 5.0
    no_input_limit: int = 1
    no_match_limit: int = 3
    on_no_input: str | None = None
    on_no_match: str | None = None
    no_input_prompt: str | None = None
    no_match_prompt: str | None = None
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _check_retries(problems, self)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class EnqueueNode:
    """Hand the call to the ACD: queue, priority, skills and attributes. Ends the IVR."""

    KIND: ClassVar[str] = "enqueue"
    id: str
    queue: str
    priority: int = 0
    skills: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    attributes: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        problems.number("priority", self.priority, minimum=-LARGEST, integer=True)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class TransferNode:
    """Transfer the call to a phone number or SIP URI (``{attribute}`` allowed). Ends the IVR."""

    KIND: ClassVar[str] = "transfer"
    id: str
    to: str


@attrs.frozen(kw_only=True)
class RecordNode:
    """Voicemail: play a prompt, record a message into ``mailbox``, then go to ``next``.

    Args:
        prompt: Played before the recording starts.
        mailbox: Where the telephony side files the message (a voicemail queue).
        next: Where to go after a message.
        max_seconds: Longest message.
        terminator: Key that ends the recording.
        on_no_input: Where to go when nothing was recorded (default: ``next``).
    """

    KIND: ClassVar[str] = "record"
    id: str
    prompt: str
    mailbox: str
    next: str
    max_seconds: float = 120.0
    terminator: str | None = "#"
    on_no_input: str | None = None
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _seconds_field(problems, "max_seconds", self.max_seconds)
        _check_hangup_result(problems, self)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class CallbackNode:
    """Offer a callback: ``accept_key`` books one in ``queue`` and goes to ``next``.

    ``decline_key`` goes to ``declined``; other keys are no-matches.
    """

    KIND: ClassVar[str] = "callback"
    id: str
    prompt: str
    queue: str
    next: str
    declined: str
    accept_key: str = "1"
    decline_key: str = "2"
    number_attribute: str = "caller"
    short_prompt: str | None = None
    timeout: float = 5.0
    no_input_limit: int = 2
    no_match_limit: int = 2
    on_no_input: str | None = None
    on_no_match: str | None = None
    no_input_prompt: str | None = None
    no_match_prompt: str | None = None
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _check_retries(problems, self)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class SurveyNode:
    """Ask a survey question answered with one key from ``lowest`` to ``highest``.

    The answer is stored in the attribute ``store`` and reported as a
    :class:`~callcenter.ivr.SurveyAnswered` event.
    """

    KIND: ClassVar[str] = "survey"
    id: str
    prompt: str
    store: str
    next: str
    lowest: int = 1
    highest: int = 5
    short_prompt: str | None = None
    timeout: float = 5.0
    no_input_limit: int = 1
    no_match_limit: int = 2
    on_no_input: str | None = None
    on_no_match: str | None = None
    no_input_prompt: str | None = None
    no_match_prompt: str | None = None
    hangup_result: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _check_retries(problems, self)
        for name in ("lowest", "highest"):
            problems.number(name, getattr(self, name), minimum=0, maximum=9, integer=True)
        problems.raise_if_any(what=f"{self.KIND} node {self.id!r}")


@attrs.frozen(kw_only=True)
class CallNode:
    """Call a subflow starting at ``target``; its ``return`` node comes back to ``next``."""

    KIND: ClassVar[str] = "call"
    id: str
    target: str
    next: str


@attrs.frozen(kw_only=True)
class ReturnNode:
    """Return from a subflow to the ``next`` of the :class:`CallNode` that entered it."""

    KIND: ClassVar[str] = "return"
    id: str


@attrs.frozen(kw_only=True)
class HangUpNode:
    """End the call from the IVR (after self-service: the call was contained)."""

    KIND: ClassVar[str] = "hangup"
    id: str


Node: TypeAlias = (
    SayNode
    | MenuNode
    | CollectNode
    | BranchNode
    | HoursNode
    | SetAttributesNode
    | LookupNode
    | LanguageNode
    | EnqueueNode
    | TransferNode
    | RecordNode
    | CallbackNode
    | SurveyNode
    | CallNode
    | ReturnNode
    | HangUpNode
)
"""Any node kind."""

NODE_KINDS: dict[str, type[Node]] = {
    cls.KIND: cls
    for cls in (
        SayNode,
        MenuNode,
        CollectNode,
        BranchNode,
        HoursNode,
        SetAttributesNode,
        LookupNode,
        LanguageNode,
        EnqueueNode,
        TransferNode,
        RecordNode,
        CallbackNode,
        SurveyNode,
        CallNode,
        ReturnNode,
        HangUpNode,
    )
}

INPUT_KINDS = (MenuNode, CollectNode, LanguageNode, CallbackNode, SurveyNode)
"""Node kinds that listen for keys (and have no-input / no-match retries)."""

CALLER_KINDS = (*INPUT_KINDS, SayNode, RecordNode, EnqueueNode, TransferNode)
"""Node kinds that need the caller on the line (not usable after a hang-up)."""


def prompt_fields(node: Node) -> Iterator[tuple[str, str]]:
    """``(field, prompt id)`` for every prompt a node plays."""
    for name in (
        "prompt",
        "short_prompt",
        "no_input_prompt",
        "no_match_prompt",
        "confirm_prompt",
    ):
        value = getattr(node, name, None)
        if value is not None:
            yield name, value


def node_targets(node: Node) -> Iterator[tuple[str, str]]:
    """``(field path, target id)`` for every node a node names directly."""
    for name in ("next", "otherwise", "open", "closed", "holiday", "not_found", "declined"):
        value = getattr(node, name, None)
        if isinstance(value, str):
            yield name, value
    for name in ("on_no_input", "on_no_match", "on_failure", "target"):
        value = getattr(node, name, None)
        if value is not None:
            yield name, value
    if isinstance(node, MenuNode):
        for key, target in node.options.items():
            yield f"options.{key}", target
    if isinstance(node, CollectNode):
        for key, target in node.keys.items():
            yield f"keys.{key}", target
    if isinstance(node, BranchNode):
        for index, rule in enumerate(node.rules):
            yield f"rules.{index}.goto", rule.goto
