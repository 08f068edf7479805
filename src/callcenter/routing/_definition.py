"""A whole routing set-up (queues, agents, rules) and its loader.

A definition is usually written in TOML::

    cross_queue = "oldest_wait"

    [[queues]]
    id = "vip"
    skill = "vip"
    start_tier = 1
    escalation = [{after = 30, any_tier = true}, {after = 120, move_to = "general"}]

    [[queues]]
    id = "general"
    skill = "enquiry"

    [[agents]]
    id = "a1"
    skills = {vip = 5, enquiry = 3}
    queues = [{queue = "vip"}, {queue = "general", tier = 2}]

    [rules]
    default_queue = "general"
    [[rules.rules]]
    when = {tier = "VIP"}
    queue = "vip"
    priority = 1

:func:`load_definition` structures it through cattrs and checks every cross-reference
(unknown queues, duplicate ids, an overflow without a target...), reporting all
problems at once, each with its path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from .. import _loading
from .._checks import Problems
from ..errors import DefinitionError, Hints, Problem, Severity, did_you_mean
from ._model import (
    AgentDefinition,
    Channel,
    CrossQueuePolicy,
    OverflowKind,
    QueueDefinition,
    check_items,
    check_type,
)
from ._rules import RuleSet

__all__ = ["RoutingDefinition", "check_definition", "load_definition", "load_definition_file"]


@attrs.frozen(kw_only=True)
class RoutingDefinition:
    """Everything the engine needs to know before the first contact.

    Attributes:
        queues: The queues, each with a unique id.
        agents: The agents, each with a unique id; their order is the tie-break order.
        rules: Routing rules used by :meth:`RoutingEngine.route`.
        cross_queue: How a freed agent chooses between queues.
    """

    queues: tuple[QueueDefinition, ...] = ()
    agents: tuple[AgentDefinition, ...] = ()
    rules: RuleSet = attrs.field(factory=RuleSet)
    cross_queue: CrossQueuePolicy = CrossQueuePolicy.OLDEST_WAIT

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_items(problems, "queues", self.queues, QueueDefinition, "QueueDefinition")
        check_items(problems, "agents", self.agents, AgentDefinition, "AgentDefinition")
        check_type(problems, "rules", self.rules, RuleSet, "a RuleSet")
        check_type(problems, "cross_queue", self.cross_queue, CrossQueuePolicy, "a policy")
        problems.raise_if_any(what="routing definition")


class _Queues:
    """The queue ids one check compares references with.

    Looked up in a set, listed up to 20 in a message, and compared with for a
    did-you-mean hint only while a budget of comparisons lasts: each costs up to some
    tens of microseconds, and thousands of unknown references among thousands of
    queues would otherwise take minutes to report.
    """

    __slots__ = ("hints", "ids", "listed", "lookup")

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.lookup = set(ids)
        shown = list(dict.fromkeys(ids[:40]))[:20]
        self.listed = ", ".join(shown) + (", ..." if len(self.lookup) > len(shown) else "")
        self.hints = Hints()

    def hint(self, name: str) -> str:
        return self.hints(name, self.ids)


def _queue_ref(path: str, name: str | None, known: _Queues) -> Iterator[Problem]:
    if name is not None and name not in known.lookup:
        yield Problem(
            path=path,
            message=f"unknown queue {name!r}{known.hint(name)}; "
            f"expected one of: {known.listed or '(no queues defined)'}",
        )


def check_definition(definition: RoutingDefinition) -> list[Problem]:
    """Return every cross-reference problem in ``definition`` (empty when sound).

    Checks duplicate queue and agent ids, references to unknown queues (in
    memberships, overflows, escalation steps and rules), overflows to a queue
    without a queue, a ``max_wait`` without an overflow, escalation steps out of
    order, and agents whose capacity is not positive. (The numbers of each queue,
    agent and rule are checked when it is built.)

    Warnings (:attr:`Severity.WARNING`, which do not stop a load or an engine) go
    with them: overflows and escalation moves that lead a contact round in a cycle
    of queues (``A -> B -> A``).
    """
    problems: list[Problem] = []
    known = _Queues([q.id for q in definition.queues])
    seen: set[str] = set()
    for index, queue in enumerate(definition.queues):
        base = f"queues.{index}"
        if queue.id in seen:
            problems.append(Problem(path=f"{base}.id", message=f"duplicate queue id {queue.id!r}"))
        seen.add(queue.id)
        if queue.max_wait is not None and queue.overflow is None:
            problems.append(
                Problem(
                    path=f"{base}.overflow",
                    message="max_wait is set but overflow is missing; add "
                    'overflow = {kind = "voicemail"} (or "callback", or a queue)',
                )
            )
        if queue.overflow is not None:
            if queue.overflow.kind is OverflowKind.QUEUE and queue.overflow.queue is None:
                problems.append(
                    Problem(
                        path=f"{base}.overflow.queue",
                        message='overflow kind "queue" needs the queue to overflow to',
                    )
                )
            if queue.overflow.queue == queue.id:
                problems.append(
                    Problem(
                        path=f"{base}.overflow.queue", message="a queue cannot overflow to itself"
                    )
                )
            problems.extend(_queue_ref(f"{base}.overflow.queue", queue.overflow.queue, known))
        previous = -1.0
        for step_index, step in enumerate(queue.escalation):
            step_path = f"{base}.escalation.{step_index}"
            if step.after < previous:
                problems.append(
                    Problem(
                        path=f"{step_path}.after",
                        message=f"steps must be in increasing 'after'; {step.after} comes "
                        f"after {previous}",
                    )
                )
            previous = step.after
            if step.move_to == queue.id:
                problems.append(
                    Problem(
                        path=f"{step_path}.move_to", message="a step cannot move to its own queue"
                    )
                )
            problems.extend(_queue_ref(f"{step_path}.move_to", step.move_to, known))
    seen_agents: set[str] = set()
    for index, agent in enumerate(definition.agents):
        base = f"agents.{index}"
        if agent.id in seen_agents:
            problems.append(Problem(path=f"{base}.id", message=f"duplicate agent id {agent.id!r}"))
        seen_agents.add(agent.id)
        member_of: set[str] = set()
        for m_index, membership in enumerate(agent.queues):
            path = f"{base}.queues.{m_index}.queue"
            problems.extend(_queue_ref(path, membership.queue, known))
            if membership.queue in member_of:
                problems.append(
                    Problem(path=path, message=f"agent is already a member of {membership.queue!r}")
                )
            member_of.add(membership.queue)
        for channel, count in agent.capacity.items():
            if count < 0:
                problems.append(
                    Problem(
                        path=f"{base}.capacity.{channel.value}",
                        message=f"capacity must be >= 0, got {count}",
                    )
                )
    for index, rule in enumerate(definition.rules.rules):
        problems.extend(_queue_ref(f"rules.rules.{index}.queue", rule.queue, known))
    problems.extend(_queue_ref("rules.default_queue", definition.rules.default_queue, known))
    problems.extend(_cycle_warnings(definition))
    return problems


def _cycle_warnings(definition: RoutingDefinition) -> list[Problem]:
    """Warn about each overflow or escalation move that closes a cycle of queues."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for index, queue in enumerate(definition.queues):
        out = edges.setdefault(queue.id, [])
        if queue.overflow is not None and queue.overflow.queue is not None:
            out.append((queue.overflow.queue, f"queues.{index}.overflow.queue"))
        for step_index, step in enumerate(queue.escalation):
            if step.move_to is not None:
                out.append((step.move_to, f"queues.{index}.escalation.{step_index}.move_to"))
    problems: list[Problem] = []
    for start, out in edges.items():
        for target, path in out:
            route = _path_between(edges, target, start)
            if route is not None and target != start:
                cycle = " -> ".join([start, *route])
                problems.append(
                    Problem(
                        path=path,
                        message=f"contacts can go round in a cycle of queues ({cycle}); "
                        "they keep moving until they are answered or abandon",
                        severity=Severity.WARNING,
                    )
                )
    return problems


def _path_between(
    edges: dict[str, list[tuple[str, str]]], source: str, goal: str
) -> list[str] | None:
    """The queues from ``source`` to ``goal`` along ``edges`` (breadth first), or None."""
    previous: dict[str, str | None] = {source: None}
    frontier = [source]
    while frontier:
        following: list[str] = []
        for node in frontier:
            if node == goal:
                route = [node]
                while (back := previous[route[-1]]) is not None:
                    route.append(back)
                return route[::-1]
            for target, _ in edges.get(node, ()):
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return None


def _same_type(wanted: object) -> Callable[[Any], bool]:
    def predicate(cl: Any) -> bool:
        return bool(cl == wanted)

    return predicate


def _make_converter() -> cattrs.Converter:
    converter = _loading.make_converter()

    def structure_capacity(value: object, _: type) -> dict[Channel, int]:
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a table of channel = count, got {value!r}")
        result: dict[Channel, int] = {}
        names = [c.value for c in Channel]
        for key, count in value.items():
            try:
                channel = Channel(key)
            except ValueError:
                raise ValueError(
                    f"unknown channel {key!r}{did_you_mean(str(key), names)}; "
                    f"expected one of: {', '.join(names)}"
                ) from None
            if not isinstance(count, int) or isinstance(count, bool):
                raise ValueError(f"capacity of {key!r} must be an integer, got {count!r}")
            result[channel] = count
        return result

    def structure_mapping(value: object, _: type) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a table, got {value!r}")
        return dict(value)

    def structure_skills(value: object, _: type) -> dict[str, int]:
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a table of skill = level, got {value!r}")
        for key, level in value.items():
            if not isinstance(level, int) or isinstance(level, bool):
                raise ValueError(f"level of skill {key!r} must be an integer, got {level!r}")
        return dict(value)

    hooks: list[tuple[object, Any]] = [
        (Mapping[Channel, int], structure_capacity),
        (Mapping[str, Any], structure_mapping),
        (Mapping[str, int], structure_skills),
    ]
    for wanted, hook in hooks:
        converter.register_structure_hook_func(_same_type(wanted), hook)
    return converter


_CONVERTER = _make_converter()


def load_definition(
    data: Mapping[str, Any], *, what: str = "routing definition"
) -> RoutingDefinition:
    """Build a :class:`RoutingDefinition` from a dict (as read from TOML or JSON).

    Args:
        data: The document.
        what: A name for the error message.

    Returns:
        The checked definition.

    Raises:
        DefinitionError: With every problem found (types, unknown keys, unknown
            queues, duplicates), each with its path.

    Shape problems (types, unknown keys, bad values) and unknown-queue references
    are reported together; the checks that need the whole definition built
    (duplicates, overflow targets, step order) join them once the shape is right:

    >>> definition = load_definition({"queues": [{"id": "vip", "max_wait": "soon"}],
    ...     "agents": [{"id": "a1", "queues": [{"queue": "vipp"}]}]})
    Traceback (most recent call last):
    ...
    callcenter.errors.DefinitionError: invalid routing definition: 2 problems
      queues.0.max_wait: ...
      agents.0.queues.0.queue: unknown queue 'vipp' (did you mean 'vip'?); ...
    """
    _loading.require_table(data, what=what)
    try:
        return _loading.structure_definition(
            _CONVERTER, data, RoutingDefinition, what=what, check=check_definition
        )
    except DefinitionError as exc:
        seen = {problem.path for problem in exc.problems}
        extra = [p for p in _raw_reference_problems(data) if p.path not in seen]
        if not extra:
            raise
        raise DefinitionError([*exc.problems, *extra], what=what) from None


def _table_list(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item if isinstance(item, Mapping) else {} for item in value]


def _raw_reference_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Unknown-queue references found in the raw document, whatever its other faults.

    Lets a document whose shape is wrong still have its queue names checked in the
    same report. Entries that are not where they should be are skipped (their shape
    problems are reported by the structuring step).
    """
    queues = _table_list(data.get("queues"))
    known = _Queues([q["id"] for q in queues if isinstance(q.get("id"), str)])
    problems: list[Problem] = []

    def ref(path: str, value: object) -> None:
        if isinstance(value, str):
            problems.extend(_queue_ref(path, value, known))

    for index, queue in enumerate(queues):
        overflow = queue.get("overflow")
        if isinstance(overflow, Mapping):
            ref(f"queues.{index}.overflow.queue", overflow.get("queue"))
        for step_index, step in enumerate(_table_list(queue.get("escalation"))):
            ref(f"queues.{index}.escalation.{step_index}.move_to", step.get("move_to"))
    for index, agent in enumerate(_table_list(data.get("agents"))):
        for m_index, membership in enumerate(_table_list(agent.get("queues"))):
            ref(f"agents.{index}.queues.{m_index}.queue", membership.get("queue"))
    rules = data.get("rules")
    if isinstance(rules, Mapping):
        for index, rule in enumerate(_table_list(rules.get("rules"))):
            ref(f"rules.rules.{index}.queue", rule.get("queue"))
        ref("rules.default_queue", rules.get("default_queue"))
    return problems


def load_definition_file(path: str | Path) -> RoutingDefinition:
    """Read and load a TOML or JSON routing definition file.

    Raises:
        DocumentError: The file cannot be read or parsed.
        DefinitionError: The definition has problems (all of them are listed).
    """
    return load_definition(_loading.read_document(path), what=f"routing definition {path}")


def ensure_valid(definition: RoutingDefinition) -> None:
    """Raise :class:`DefinitionError` if ``definition`` has any error (warnings pass)."""
    problems = [p for p in check_definition(definition) if p.severity is Severity.ERROR]
    if problems:
        raise DefinitionError(problems, what="routing definition")
