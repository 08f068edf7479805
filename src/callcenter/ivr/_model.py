"""The flow model: prompts, node kinds and the :class:`Flow` that ties them together.

A flow is a graph of named nodes. Every node is a frozen attrs class; its fields that
name another node (``next``, ``options``, ``on_no_input``...) are the graph's edges.
A :class:`Flow` checks its references when it is built, so an engine never starts on
a flow that names a node, prompt, calendar or queue that does not exist; the deeper
checks (dead ends, unbounded loops, missing translations) are in
:func:`callcenter.ivr.check_flow`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import ClassVar, TypeAlias

import attrs

from ..calendars import BusinessCalendar
from ..errors import DefinitionError, Problem, did_you_mean

__all__ = [
    "REPEAT",
    "BranchNode",
    "CallNode",
    "CallbackNode",
    "CollectNode",
    "Condition",
    "EnqueueNode",
    "Flow",
    "HangupNode",
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
    seconds: float | None = attrs.field(default=None)

    @seconds.validator
    def _check_seconds(self, _: attrs.Attribute[float | None], value: float | None) -> None:
        if value is not None and not value >= 0:
            raise ValueError(f"seconds must be a duration >= 0, got {value!r}")

    def __attrs_post_init__(self) -> None:
        if self.text is None and self.audio is None:
            raise ValueError("a prompt variant needs a text, an audio file, or both")

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
    """Play a prompt, then go to ``next``. Keys pressed meanwhile are ignored."""

    KIND: ClassVar[str] = "say"
    id: str
    prompt: str
    next: str


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


@attrs.frozen(kw_only=True)
class CollectNode:
    """Collect a number of digits (a waybill number, a phone number) into an attribute.

    Collection ends at the ``terminator`` key, at ``max_digits`` digits, or when
    ``inter_digit_timeout`` passes after a digit. A value shorter than ``min_digits``
    or not matching ``pattern`` is a no-match.

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
            is the value); key ``1`` accepts, any other key collects again.
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
    keys: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    use_global_keys: bool = True
    no_input_limit: int = 3
    no_match_limit: int = 3
    on_no_input: str | None = None
    on_no_match: str | None = None
    no_input_prompt: str | None = None
    no_match_prompt: str | None = None


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


@attrs.frozen(kw_only=True)
class EnqueueNode:
    """Hand the call to the ACD: queue, priority, skills and attributes. Ends the IVR."""

    KIND: ClassVar[str] = "enqueue"
    id: str
    queue: str
    priority: int = 0
    skills: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    attributes: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)


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
class HangupNode:
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
    | HangupNode
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
        HangupNode,
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


# --------------------------------------------------------------------------- the flow


@attrs.frozen(kw_only=True, eq=False)
class Flow:
    """A complete, reference-checked IVR flow.

    Args:
        name: The flow's name.
        start: The first node.
        nodes: Node id to node (each node's ``id`` must equal its key).
        prompts: Prompt id to language code to :class:`Variant`.
        languages: The languages callers can hear; the first is the default.
        fallback: LanguageNode to the language used when a prompt lacks it
            (``{"yue": "zh", "en": "zh"}``); chains are followed.
        calendars: Calendar name to calendar, for :class:`HoursNode` nodes.
        queues: The ACD queues that exist; when given, :class:`EnqueueNode` and
            :class:`CallbackNode` nodes must name one of them.
        global_keys: Keys that work in every node that listens, key to node id (or
            :data:`REPEAT` to replay the current prompt).
        on_no_input: Default target when a node's no-inputs reach the limit.
        on_no_match: Default target when a node's no-matches reach the limit.
        on_error: Default target for failures (host lookup failure, bad return).
        on_blocked: Where a caller on the block list goes (default: hang up at once).
        on_hangup: Where the session goes after the caller hangs up, to wrap up
            without the caller (``set``, ``branch``, ``hours``, ``lookup``, ``call``,
            ``return`` and ``hangup`` nodes; a node that needs the caller ends the
            session). Default: the session ends at once.
        attributes: Attributes every session starts with.
        max_steps: The step guard: a session entering more nodes than this ends with
            an error outcome.

    Raises:
        DefinitionError: A reference names a node, prompt, calendar, language or
            queue that does not exist, or a key is not a telephone key; every such
            problem at once, with its path.
    """

    name: str
    start: str
    nodes: dict[str, Node]
    prompts: dict[str, dict[str, Variant]] = attrs.field(factory=dict)
    languages: tuple[str, ...] = attrs.field(default=("zh",), converter=_tuple)
    fallback: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    calendars: dict[str, BusinessCalendar] = attrs.field(factory=dict)
    queues: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    global_keys: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    on_no_input: str | None = None
    on_no_match: str | None = None
    on_error: str | None = None
    on_blocked: str | None = None
    on_hangup: str | None = None
    attributes: dict[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    max_steps: int = 200

    _chains: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False)
    _resolved: dict[tuple[str, str], tuple[str, Variant]] = attrs.field(init=False, repr=False)
    _cache: dict[object, object] = attrs.field(init=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        problems = list(self._reference_problems())
        if problems:
            raise DefinitionError(problems, what=f"flow {self.name!r}")
        chains = {lang: self._chain(lang) for lang in self.languages}
        object.__setattr__(self, "_chains", chains)
        resolved: dict[tuple[str, str], tuple[str, Variant]] = {}
        for prompt_id, variants in self.prompts.items():
            for lang, chain in chains.items():
                for candidate in (*chain, *variants):
                    if candidate in variants:
                        resolved[prompt_id, lang] = (candidate, variants[candidate])
                        break
        object.__setattr__(self, "_resolved", resolved)

    @property
    def default_language(self) -> str:
        """The first declared language."""
        return self.languages[0]

    def _chain(self, lang: str) -> tuple[str, ...]:
        chain = [lang]
        while (nxt := self.fallback.get(chain[-1])) is not None and nxt not in chain:
            chain.append(nxt)
        return tuple(chain)

    def language_chain(self, language: str) -> tuple[str, ...]:
        """The languages tried, in order, for a prompt in ``language`` (without the last resort).

        >>> flow = Flow(name="f", start="bye", nodes={"bye": HangupNode(id="bye")},
        ...             languages=["yue", "zh", "en"], fallback={"yue": "zh", "en": "zh"})
        >>> flow.language_chain("yue")
        ('yue', 'zh')
        """
        return self._chains.get(language) or self._chain(language)

    def variant(self, prompt: str, language: str) -> tuple[str, Variant]:
        """The ``(language, variant)`` played for a prompt in a language.

        Follows the fallback chain; when no language on the chain has the prompt, the
        prompt's first variant is played rather than nothing (the validator reports
        it as an error).

        Raises:
            KeyError: ``prompt`` is not a prompt of this flow, or ``language`` is
                not one of its languages.
        """
        return self._resolved[prompt, language]

    def _reference_problems(self) -> Iterator[Problem]:
        ids = list(self.nodes)

        def target(path: str, value: str) -> Iterator[Problem]:
            if value not in self.nodes:
                yield Problem(
                    path=path, message=f"unknown node {value!r}{did_you_mean(value, ids)}"
                )

        if not self.languages:
            yield Problem(path="languages", message="a flow needs at least one language")
        for key, value in self.fallback.items():
            for where, lang in ((f"fallback.{key}", key), (f"fallback.{key}", value)):
                if lang not in self.languages:
                    yield Problem(
                        path=where,
                        message=f"language {lang!r} is not declared in languages "
                        f"{list(self.languages)}{did_you_mean(lang, self.languages)}",
                    )
        if self.max_steps < 1:
            yield Problem(path="max_steps", message=f"expected at least 1, got {self.max_steps}")
        yield from target("start", self.start)
        for name in ("on_no_input", "on_no_match", "on_error", "on_blocked", "on_hangup"):
            value = getattr(self, name)
            if value is not None:
                yield from target(name, value)
        for key, value in self.global_keys.items():
            yield from _key_problems(f"global_keys.{key}", key)
            if value != REPEAT:
                yield from target(f"global_keys.{key}", value)
        for prompt_id, variants in self.prompts.items():
            if not variants:
                yield Problem(path=f"prompts.{prompt_id}", message="a prompt needs a variant")
            for lang in variants:
                if lang not in self.languages:
                    yield Problem(
                        path=f"prompts.{prompt_id}.{lang}",
                        message=f"language {lang!r} is not declared in languages "
                        f"{list(self.languages)}{did_you_mean(lang, self.languages)}",
                    )
        for node_id, node in self.nodes.items():
            yield from self._node_problems(node_id, node, target)

    def _node_problems(self, node_id: str, node: Node, target: _TargetCheck) -> Iterator[Problem]:
        base = f"nodes.{node_id}"
        if node.id != node_id:
            yield Problem(path=f"{base}.id", message=f"node id {node.id!r} differs from its key")
        for field, value in node_targets(node):
            if not (value == REPEAT and field.startswith("options.")):
                yield from target(f"{base}.{field}", value)
        for field, prompt in prompt_fields(node):
            if prompt not in self.prompts:
                yield Problem(
                    path=f"{base}.{field}",
                    message=f"unknown prompt {prompt!r}{did_you_mean(prompt, self.prompts)}",
                )
        yield from _kind_problems(self, base, node)
        if isinstance(node, LookupNode) and node.on_failure is None and self.on_error is None:
            yield Problem(
                path=f"{base}.on_failure",
                message="no route for a failed lookup: set on_failure here, or on_error "
                "for the whole flow",
            )
        if isinstance(node, INPUT_KINDS):
            for outcome in ("no_input", "no_match"):
                if (
                    getattr(node, f"on_{outcome}") is None
                    and getattr(self, f"on_{outcome}") is None
                    and self.on_error is None
                    and not (isinstance(node, LanguageNode | SurveyNode) and outcome == "no_input")
                ):
                    yield Problem(
                        path=f"{base}.on_{outcome}",
                        message=f"no route for {outcome.replace('_', '-')}: set on_{outcome} "
                        f"here, or on_{outcome} or on_error for the whole flow",
                    )
            for limit in ("no_input_limit", "no_match_limit"):
                if getattr(node, limit) < 1:
                    yield Problem(path=f"{base}.{limit}", message="expected at least 1")
            for name in ("timeout", "inter_digit_timeout"):
                seconds: float = getattr(node, name, 1.0)
                if not seconds > 0:
                    yield Problem(
                        path=f"{base}.{name}", message=f"expected seconds > 0, got {seconds}"
                    )


_TargetCheck: TypeAlias = Callable[[str, str], Iterator[Problem]]


def _key_problems(path: str, key: str) -> Iterator[Problem]:
    if not key or any(ch not in KEYS for ch in key):
        yield Problem(path=path, message=f"expected telephone keys (0-9, * and #), got {key!r}")


def _kind_problems(flow: Flow, base: str, node: Node) -> Iterator[Problem]:
    if isinstance(node, MenuNode):
        if not node.options:
            yield Problem(path=f"{base}.options", message="a menu needs at least one option")
        for key in node.options:
            yield from _key_problems(f"{base}.options.{key}", key)
        for word, key in node.words.items():
            if key not in node.options:
                yield Problem(
                    path=f"{base}.words.{word}",
                    message=f"key {key!r} is not an option of this menu"
                    f"{did_you_mean(key, node.options)}",
                )
    elif isinstance(node, CollectNode):
        if not 1 <= node.min_digits <= node.max_digits:
            yield Problem(
                path=f"{base}.min_digits",
                message=f"expected 1 <= min_digits <= max_digits, got {node.min_digits} "
                f"and {node.max_digits}",
            )
        if node.terminator is not None:
            if node.terminator not in KEYS or len(node.terminator) != 1:
                yield Problem(
                    path=f"{base}.terminator", message=f"expected one key, got {node.terminator!r}"
                )
            if node.terminator in node.keys:
                yield Problem(
                    path=f"{base}.keys.{node.terminator}",
                    message="the terminator key cannot also be an escape key",
                )
        for key in node.keys:
            yield from _key_problems(f"{base}.keys.{key}", key)
            if len(key) != 1:
                yield Problem(path=f"{base}.keys.{key}", message="escape keys are single keys")
        if node.pattern is not None:
            try:
                re.compile(node.pattern)
            except re.error as exc:
                yield Problem(path=f"{base}.pattern", message=f"not a regular expression ({exc})")
    elif isinstance(node, LanguageNode):
        for key, lang in node.choices.items():
            yield from _key_problems(f"{base}.choices.{key}", key)
            if lang not in flow.languages:
                yield Problem(
                    path=f"{base}.choices.{key}",
                    message=f"language {lang!r} is not declared in languages "
                    f"{list(flow.languages)}{did_you_mean(lang, flow.languages)}",
                )
    elif isinstance(node, HoursNode):
        if node.calendar not in flow.calendars:
            yield Problem(
                path=f"{base}.calendar",
                message=f"unknown calendar {node.calendar!r}"
                f"{did_you_mean(node.calendar, flow.calendars)}; embed it under "
                "[calendars] or pass it to the loader",
            )
    elif isinstance(node, EnqueueNode | CallbackNode):
        if flow.queues and node.queue not in flow.queues:
            yield Problem(
                path=f"{base}.queue",
                message=f"unknown queue {node.queue!r}{did_you_mean(node.queue, flow.queues)}; "
                f"declared queues: {', '.join(flow.queues)}",
            )
        if isinstance(node, CallbackNode):
            for name in ("accept_key", "decline_key"):
                yield from _key_problems(f"{base}.{name}", getattr(node, name))
            if node.accept_key == node.decline_key:
                yield Problem(path=f"{base}.decline_key", message="must differ from accept_key")
    elif isinstance(node, SurveyNode):
        if not 0 <= node.lowest <= node.highest <= 9:
            yield Problem(
                path=f"{base}.lowest",
                message=f"expected 0 <= lowest <= highest <= 9, got {node.lowest}..{node.highest}",
            )
    elif isinstance(node, LookupNode):
        if not node.timeout > 0:
            yield Problem(path=f"{base}.timeout", message="expected seconds > 0")
    elif isinstance(node, RecordNode):
        if not node.max_seconds > 0:
            yield Problem(path=f"{base}.max_seconds", message="expected seconds > 0")
    elif isinstance(node, BranchNode):
        for index, rule in enumerate(node.rules):
            if not rule.when:
                yield Problem(
                    path=f"{base}.rules.{index}.when",
                    message="a rule needs at least one condition (use otherwise for the default)",
                )
