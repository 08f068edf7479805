"""A typed builder: the Python way of writing a flow, equal to the document way.

Every method adds one part and returns the builder, so a flow reads top to bottom;
:meth:`FlowBuilder.build` checks the whole flow and reports every problem at once.
Each node method takes the node kind's required fields by name and any optional
field as a keyword (see the node classes for the fields and their defaults);
:meth:`FlowBuilder.add` takes a node object directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self, TypedDict, Unpack

from ..calendars import BusinessCalendar
from ..errors import DefinitionError, Problem
from ._flow import Flow
from ._model import (
    BranchNode,
    CallbackNode,
    CallNode,
    CollectNode,
    Condition,
    EnqueueNode,
    HangUpNode,
    HoursNode,
    LanguageNode,
    LookupNode,
    MenuNode,
    Node,
    RecordNode,
    ReturnNode,
    Rule,
    SayNode,
    SetAttributesNode,
    SurveyNode,
    TransferNode,
    Variant,
)

__all__ = ["FlowBuilder"]


class _Retries(TypedDict, total=False):
    short_prompt: str | None
    timeout: float
    no_input_limit: int
    no_match_limit: int
    on_no_input: str | None
    on_no_match: str | None
    no_input_prompt: str | None
    no_match_prompt: str | None
    hangup_result: str | None


class MenuOptions(_Retries, total=False):
    """Optional fields of :meth:`FlowBuilder.menu` (see :class:`MenuNode`)."""

    words: Mapping[str, str]
    inter_digit_timeout: float


class CollectOptions(_Retries, total=False):
    """Optional fields of :meth:`FlowBuilder.collect` (see :class:`CollectNode`)."""

    min_digits: int
    max_digits: int
    terminator: str | None
    inter_digit_timeout: float
    pattern: str | None
    confirm_prompt: str | None
    confirm_key: str
    reenter_key: str | None
    clear_key: str | None
    keys: Mapping[str, str]
    use_global_keys: bool


class LookupOptions(TypedDict, total=False):
    """Optional fields of :meth:`FlowBuilder.lookup` (see :class:`LookupNode`)."""

    arguments: Mapping[str, str]
    on_failure: str | None
    into: str
    timeout: float
    hangup_result: str | None


class RecordOptions(TypedDict, total=False):
    """Optional fields of :meth:`FlowBuilder.record` (see :class:`RecordNode`)."""

    max_seconds: float
    terminator: str | None
    on_no_input: str | None
    hangup_result: str | None


class CallbackOptions(_Retries, total=False):
    """Optional fields of :meth:`FlowBuilder.callback` (see :class:`CallbackNode`)."""

    accept_key: str
    decline_key: str
    number_attribute: str


class SurveyOptions(_Retries, total=False):
    """Optional fields of :meth:`FlowBuilder.survey` (see :class:`SurveyNode`)."""

    lowest: int
    highest: int


class FlowBuilder:
    """Build a :class:`Flow` step by step.

    Args:
        name: The flow's name.
        start: The first node's id.
        languages: The languages callers can hear; the first is the default.
        **settings: Any other :class:`Flow` field (``fallback``, ``queues``,
            ``global_keys``, ``on_error``, ``max_steps``...).

    >>> flow = (FlowBuilder("hello", start="greet", languages=["zh", "en"])
    ...     .prompt("welcome", zh="您好", en="Hello")
    ...     .say("greet", prompt="welcome", next="bye")
    ...     .hangup("bye")
    ...     .build())
    >>> sorted(flow.nodes)
    ['bye', 'greet']
    """

    def __init__(
        self, name: str, *, start: str, languages: Sequence[str] = ("zh",), **settings: Any
    ) -> None:
        self._name = name
        self._start = start
        self._languages = tuple(languages)
        self._settings: dict[str, Any] = dict(settings)
        self._nodes: dict[str, Node] = {}
        self._prompts: dict[str, dict[str, Variant]] = {}
        self._calendars: dict[str, BusinessCalendar] = dict(self._settings.pop("calendars", {}))
        self._global_keys: dict[str, str] = dict(self._settings.pop("global_keys", {}))
        self._problems: list[Problem] = []

    # ------------------------------------------------------------------ parts

    def prompt(self, prompt_id: str, **variants: str | Variant) -> Self:
        """Add a prompt with one variant per language: a TTS text or a :class:`Variant`."""
        if prompt_id in self._prompts:
            self._problems.append(
                Problem(path=f"prompts.{prompt_id}", message="prompt defined twice")
            )
        self._prompts[prompt_id] = {
            lang: Variant(text=v) if isinstance(v, str) else v for lang, v in variants.items()
        }
        return self

    def calendar(self, name: str, calendar: BusinessCalendar) -> Self:
        """Make ``calendar`` available to :meth:`hours` nodes under ``name``."""
        self._calendars[name] = calendar
        return self

    def global_key(self, key: str, target: str) -> Self:
        """Make ``key`` go to ``target`` from every listening node (``REPEAT`` replays)."""
        self._global_keys[key] = target
        return self

    def defaults(
        self,
        *,
        on_no_input: str | None = None,
        on_no_match: str | None = None,
        on_error: str | None = None,
        on_blocked: str | None = None,
        on_hangup: str | None = None,
    ) -> Self:
        """Set the flow-wide routes used when a node does not give its own."""
        for key, value in (
            ("on_no_input", on_no_input),
            ("on_no_match", on_no_match),
            ("on_error", on_error),
            ("on_blocked", on_blocked),
            ("on_hangup", on_hangup),
        ):
            if value is not None:
                self._settings[key] = value
        return self

    def add(self, node: Node) -> Self:
        """Add a node object."""
        if node.id in self._nodes:
            self._problems.append(Problem(path=f"nodes.{node.id}", message="node id used twice"))
        self._nodes[node.id] = node
        return self

    # ------------------------------------------------------------------ node kinds

    def say(
        self, node_id: str, *, prompt: str, next: str, hangup_result: str | None = None
    ) -> Self:
        """Add a :class:`SayNode`."""
        return self.add(SayNode(id=node_id, prompt=prompt, next=next, hangup_result=hangup_result))

    def menu(
        self,
        node_id: str,
        *,
        prompt: str,
        options: Mapping[str, str],
        **optional: Unpack[MenuOptions],
    ) -> Self:
        """Add a :class:`MenuNode` (optional fields as keywords)."""
        return self.add(MenuNode(id=node_id, prompt=prompt, options=dict(options), **optional))

    def collect(
        self,
        node_id: str,
        *,
        prompt: str,
        store: str,
        next: str,
        **optional: Unpack[CollectOptions],
    ) -> Self:
        """Add a :class:`CollectNode` (optional fields as keywords)."""
        return self.add(CollectNode(id=node_id, prompt=prompt, store=store, next=next, **optional))

    def branch(
        self,
        node_id: str,
        *,
        rules: Sequence[tuple[Condition | Sequence[Condition], str]],
        otherwise: str,
    ) -> Self:
        """Add a :class:`BranchNode` from ``(condition or conditions, target)`` pairs."""
        built: list[Rule] = []
        for when, goto in rules:
            conditions: tuple[Condition, ...] = (
                (when,) if isinstance(when, Condition) else tuple(when)
            )
            built.append(Rule(when=conditions, goto=goto))
        return self.add(BranchNode(id=node_id, rules=built, otherwise=otherwise))

    def hours(
        self, node_id: str, *, calendar: str, open: str, closed: str, holiday: str | None = None
    ) -> Self:
        """Add an :class:`HoursNode`."""
        return self.add(
            HoursNode(id=node_id, calendar=calendar, open=open, closed=closed, holiday=holiday)
        )

    def set(self, node_id: str, *, values: Mapping[str, str], next: str) -> Self:
        """Add a :class:`SetAttributesNode`."""
        return self.add(SetAttributesNode(id=node_id, values=dict(values), next=next))

    def lookup(
        self,
        node_id: str,
        *,
        query: str,
        next: str,
        not_found: str,
        **optional: Unpack[LookupOptions],
    ) -> Self:
        """Add a :class:`LookupNode` (optional fields as keywords)."""
        return self.add(
            LookupNode(id=node_id, query=query, next=next, not_found=not_found, **optional)
        )

    def language(
        self,
        node_id: str,
        *,
        prompt: str,
        choices: Mapping[str, str],
        next: str,
        **optional: Unpack[_Retries],
    ) -> Self:
        """Add a :class:`LanguageNode` (optional fields as keywords)."""
        return self.add(
            LanguageNode(id=node_id, prompt=prompt, choices=dict(choices), next=next, **optional)
        )

    def enqueue(
        self,
        node_id: str,
        *,
        queue: str,
        priority: int = 0,
        skills: Sequence[str] = (),
        attributes: Mapping[str, str] | None = None,
    ) -> Self:
        """Add an :class:`EnqueueNode`."""
        return self.add(
            EnqueueNode(
                id=node_id,
                queue=queue,
                priority=priority,
                skills=tuple(skills),
                attributes=dict(attributes or {}),
            )
        )

    def transfer(self, node_id: str, *, to: str) -> Self:
        """Add a :class:`TransferNode`."""
        return self.add(TransferNode(id=node_id, to=to))

    def record(
        self,
        node_id: str,
        *,
        prompt: str,
        mailbox: str,
        next: str,
        **optional: Unpack[RecordOptions],
    ) -> Self:
        """Add a :class:`RecordNode` (voicemail; optional fields as keywords)."""
        return self.add(
            RecordNode(id=node_id, prompt=prompt, mailbox=mailbox, next=next, **optional)
        )

    def callback(
        self,
        node_id: str,
        *,
        prompt: str,
        queue: str,
        next: str,
        declined: str,
        **optional: Unpack[CallbackOptions],
    ) -> Self:
        """Add a :class:`CallbackNode` (optional fields as keywords)."""
        return self.add(
            CallbackNode(
                id=node_id, prompt=prompt, queue=queue, next=next, declined=declined, **optional
            )
        )

    def survey(
        self,
        node_id: str,
        *,
        prompt: str,
        store: str,
        next: str,
        **optional: Unpack[SurveyOptions],
    ) -> Self:
        """Add a :class:`SurveyNode` (optional fields as keywords)."""
        return self.add(SurveyNode(id=node_id, prompt=prompt, store=store, next=next, **optional))

    def call(self, node_id: str, *, target: str, next: str) -> Self:
        """Add a :class:`CallNode` (enter a subflow)."""
        return self.add(CallNode(id=node_id, target=target, next=next))

    def return_(self, node_id: str) -> Self:
        """Add a :class:`ReturnNode` (leave a subflow)."""
        return self.add(ReturnNode(id=node_id))

    def hangup(self, node_id: str) -> Self:
        """Add a :class:`HangUpNode`."""
        return self.add(HangUpNode(id=node_id))

    # ------------------------------------------------------------------ result

    def build(self) -> Flow:
        """Check everything and return the flow.

        Raises:
            DefinitionError: Every problem found (ids used twice, unknown nodes,
                prompts, calendars, queues, languages...), each with its path.
        """
        problems = list(self._problems)
        try:
            flow = Flow(
                name=self._name,
                start=self._start,
                nodes=dict(self._nodes),
                prompts={k: dict(v) for k, v in self._prompts.items()},
                languages=self._languages,
                calendars=dict(self._calendars),
                global_keys=dict(self._global_keys),
                **self._settings,
            )
        except DefinitionError as exc:
            problems.extend(exc.problems)
            raise DefinitionError(problems, what=f"flow {self._name!r}") from None
        if problems:
            raise DefinitionError(problems, what=f"flow {self._name!r}")
        return flow
