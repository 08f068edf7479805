"""The :class:`Flow`: nodes, prompts, languages and calendars, reference-checked.

A :class:`Flow` checks its references when it is built, so an engine never starts on
a flow that names a node, prompt, calendar or queue that does not exist; the deeper
checks (dead ends, unbounded loops, missing translations) are in
:func:`callcenter.ivr.check_flow`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeAlias

import attrs

from .._checks import number_problem
from ..calendars import BusinessCalendar
from ..errors import DefinitionError, Hints, Problem
from ._model import (
    INPUT_KINDS,
    KEYS,
    REPEAT,
    BranchNode,
    CallbackNode,
    CollectNode,
    EnqueueNode,
    HoursNode,
    LanguageNode,
    LookupNode,
    MenuNode,
    Node,
    SurveyNode,
    Variant,
    _frozen_map,
    _tuple,
    node_targets,
    prompt_fields,
)

__all__ = ["Flow"]

MAX_STEPS = 100_000
"""The largest step guard a flow may set."""


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
        expects_agent: ``False`` for a flow that never hands a call to an agent on
            purpose (a survey, an announcement): the validator then does not warn
            that no agent can be reached.

    A flow is immutable once built. It keeps small caches (built prompts, key tables,
    the calendar's current open or closed stretch) that its sessions fill as they
    run; one flow can serve any number of sessions.

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
    expects_agent: bool = True

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

    def __eq__(self, other: object) -> bool:
        """Flows are equal when every field given to the constructor is equal."""
        if not isinstance(other, Flow):
            return NotImplemented
        return self is other or all(
            getattr(self, field.name) == getattr(other, field.name)
            for field in attrs.fields(Flow)
            if field.init
        )

    def __hash__(self) -> int:
        return hash((self.name, self.start, len(self.nodes)))

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

        >>> from callcenter.ivr import HangUpNode
        >>> flow = Flow(name="f", start="bye", nodes={"bye": HangUpNode(id="bye")},
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
        hint = Hints()  # linear in the flow, however many names are unknown

        def target(path: str, value: str) -> Iterator[Problem]:
            if value not in self.nodes:
                yield Problem(path=path, message=f"unknown node {value!r}{hint(value, ids)}")

        if not self.languages:
            yield Problem(path="languages", message="a flow needs at least one language")
        for key, value in self.fallback.items():
            for where, lang in ((f"fallback.{key}", key), (f"fallback.{key}", value)):
                if lang not in self.languages:
                    yield Problem(
                        path=where,
                        message=f"language {lang!r} is not declared in languages "
                        f"{list(self.languages)}{hint(lang, self.languages)}",
                    )
        message = number_problem(self.max_steps, minimum=1, maximum=MAX_STEPS, integer=True)
        if message is not None:
            yield Problem(path="max_steps", message=message)
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
                        f"{list(self.languages)}{hint(lang, self.languages)}",
                    )
        for node_id, node in self.nodes.items():
            yield from self._node_problems(node_id, node, target, hint)

    def _node_problems(
        self, node_id: str, node: Node, target: _TargetCheck, hint: Hints
    ) -> Iterator[Problem]:
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
                    message=f"unknown prompt {prompt!r}{hint(prompt, self.prompts)}",
                )
        yield from _kind_problems(self, base, node, hint)
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


_TargetCheck: TypeAlias = Callable[[str, str], Iterator[Problem]]


def _key_problems(path: str, key: str) -> Iterator[Problem]:
    if not key or any(ch not in KEYS for ch in key):
        yield Problem(path=path, message=f"expected telephone keys (0-9, * and #), got {key!r}")


def _kind_problems(flow: Flow, base: str, node: Node, hint: Hints) -> Iterator[Problem]:
    if isinstance(node, MenuNode):
        if not node.options:
            yield Problem(path=f"{base}.options", message="a menu needs at least one option")
        for key in node.options:
            yield from _key_problems(f"{base}.options.{key}", key)
        for word, key in node.words.items():
            if key not in node.options:
                yield Problem(
                    path=f"{base}.words.{word}",
                    message=f"key {key!r} is not an option of this menu{hint(key, node.options)}",
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
                    f"{list(flow.languages)}{hint(lang, flow.languages)}",
                )
    elif isinstance(node, HoursNode):
        if node.calendar not in flow.calendars:
            yield Problem(
                path=f"{base}.calendar",
                message=f"unknown calendar {node.calendar!r}"
                f"{hint(node.calendar, flow.calendars)}; embed it under "
                "[calendars] or pass it to the loader",
            )
    elif isinstance(node, EnqueueNode | CallbackNode):
        if flow.queues and node.queue not in flow.queues:
            yield Problem(
                path=f"{base}.queue",
                message=f"unknown queue {node.queue!r}{hint(node.queue, flow.queues)}; "
                f"declared queues: {', '.join(flow.queues)}",
            )
        if isinstance(node, CallbackNode):
            for name in ("accept_key", "decline_key"):
                yield from _key_problems(f"{base}.{name}", getattr(node, name))
            if node.accept_key == node.decline_key:
                yield Problem(path=f"{base}.decline_key", message="must differ from accept_key")
    elif isinstance(node, SurveyNode):
        if not node.lowest <= node.highest:
            yield Problem(
                path=f"{base}.lowest",
                message=f"expected 0 <= lowest <= highest <= 9, got {node.lowest}..{node.highest}",
            )
    elif isinstance(node, BranchNode):
        for index, rule in enumerate(node.rules):
            if not rule.when:
                yield Problem(
                    path=f"{base}.rules.{index}.when",
                    message="a rule needs at least one condition (use otherwise for the default)",
                )
