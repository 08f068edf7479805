"""The flow validator: finds what would trap or lose a caller before a caller does.

:func:`check_flow` looks at a :class:`~callcenter.ivr.Flow` as a graph and reports
:class:`~callcenter.errors.Problem` s with node paths:

* errors: dead ends (no way from a node ends in a hang-up, an agent, a transfer or a
  voicemail), loops a silent caller never leaves (a cycle not bounded by a retry
  counter), prompts missing in a declared language with no fallback, queues the
  ACD does not have;
* warnings: unreachable nodes, ambiguous keys (``1`` and ``10`` on one menu), options
  that hide a global key, digit escape keys that make values impossible, placeholders
  for attributes nobody sets, calendars leaving weekdays undefined, unused prompts and
  calendars, a flow where no agent can be reached (unless it says it expects none).

It also measures, per flow, the best and worst case of key presses and seconds
(prompt durations plus timeouts) from the first node to an agent, each with the way
that gives it (the graph and the searches are in ``_routes``).

The worst case is the longest way over paths that visit no node twice, where at
every listening node every allowed no-input and no-match happens before the way
out; prompts count in their longest language. Finding a longest path is
exponential in the worst case, so the search stops after ``path_limit`` steps and
the report says whether the figures are exact.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

import attrs

from ..calendars import BusinessCalendar
from ..errors import DefinitionError, Hints, Problem, Severity
from ._flow import Flow
from ._model import (
    CALLER_KINDS,
    CallbackNode,
    CollectNode,
    EnqueueNode,
    HangUpNode,
    LookupNode,
    MenuNode,
    Node,
    RecordNode,
    SetAttributesNode,
    SurveyNode,
    TransferNode,
    prompt_fields,
)
from ._prompts import PLACEHOLDER
from ._routes import Edge, Worst, edges, shortest

__all__ = ["FlowReport", "check_flow", "check_flow_file"]

_WARNING = Severity.WARNING


@attrs.frozen(kw_only=True)
class FlowReport:
    """What :func:`check_flow` found.

    Attributes:
        flow: The flow's name.
        problems: Errors and warnings, errors first.
        agents: The nodes that hand a call to an agent (enqueue, transfer).
        best_keys: Fewest key presses from the start to an agent (``None``: no
            agent reachable).
        best_seconds: Shortest time from the start to an agent.
        worst_keys: Most key presses on a way to an agent.
        worst_seconds: Longest time on a way to an agent.
        exact: Whether the worst-case search finished (else the worst figures are
            lower bounds).
        best_keys_path: The nodes, start to agent, of a way with ``best_keys``.
        best_seconds_path: The nodes of a way with ``best_seconds``.
        worst_keys_path: The nodes of a way with ``worst_keys``.
        worst_seconds_path: The nodes of a way with ``worst_seconds``.
    """

    flow: str
    problems: tuple[Problem, ...]
    agents: tuple[str, ...]
    best_keys: int | None
    best_seconds: float | None
    worst_keys: int | None
    worst_seconds: float | None
    exact: bool
    best_keys_path: tuple[str, ...] = ()
    best_seconds_path: tuple[str, ...] = ()
    worst_keys_path: tuple[str, ...] = ()
    worst_seconds_path: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity error."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems of severity warning."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """Whether there is no error (warnings allowed)."""
        return not self.errors


def _terminal(node: Node) -> bool:
    return isinstance(node, EnqueueNode | TransferNode | HangUpNode | RecordNode)


def _reachable(flow: Flow, graph: dict[str, list[Edge]]) -> set[str]:
    roots = [flow.start]
    roots += [r for r in (flow.on_blocked, flow.on_hangup) if r is not None]
    seen: set[str] = set(roots)
    stack = list(roots)
    while stack:
        for edge in graph[stack.pop()]:
            if edge.target not in seen:
                seen.add(edge.target)
                stack.append(edge.target)
    return seen


def _silent_cycles(graph: dict[str, list[Edge]], nodes: Collection[str]) -> list[list[str]]:
    """Strongly connected components of the silent-edge graph that contain a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, iter([e.target for e in graph[root] if e.silent])))
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in nodes:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter([e.target for e in graph[child] if e.silent])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                looping = len(component) > 1 or any(
                    e.silent and e.target == node for e in graph[node]
                )
                if looping:
                    found.append(sorted(component))
    return found


def check_flow(
    flow: Flow, *, queues: Collection[str] | None = None, path_limit: int = 200_000
) -> FlowReport:
    """Check a flow as a graph and measure the way to an agent.

    Args:
        flow: The flow.
        queues: The queues the ACD has; when given, enqueue and callback nodes must
            name one of them (errors otherwise).
        path_limit: How many steps the worst-case search may take.

    Returns:
        The report: problems (errors first) and the figures.

    >>> from callcenter.ivr import FlowBuilder
    >>> flow = (FlowBuilder("loop", start="a")
    ...     .prompt("p", zh="请稍候")
    ...     .say("a", prompt="p", next="b").say("b", prompt="p", next="a")
    ...     .build())
    >>> for problem in check_flow(flow).problems:
    ...     headline = problem.message.split(";")[0].split(":")[0].split(" (")[0]
    ...     print(problem.path, problem.severity.value, headline)
    nodes.a error dead end
    nodes.b error dead end
    nodes.a error a caller who presses nothing loops forever through a -> b
    nodes.a warning no agent can be reached from the start node
    """
    problems: list[Problem] = []
    graph = {node_id: edges(flow, node) for node_id, node in flow.nodes.items()}
    reachable = _reachable(flow, graph)
    agents = {i for i, n in flow.nodes.items() if isinstance(n, EnqueueNode | TransferNode)}

    # Dead ends: reachable nodes with no way to a terminal node.
    can_end = {i for i, n in flow.nodes.items() if _terminal(n)}
    reverse: dict[str, list[str]] = {i: [] for i in flow.nodes}
    for source, outs in graph.items():
        for edge in outs:
            reverse[edge.target].append(source)
    pending = list(can_end)
    while pending:
        for source in reverse[pending.pop()]:
            if source not in can_end:
                can_end.add(source)
                pending.append(source)
    problems.extend(
        Problem(
            path=f"nodes.{node_id}",
            message="dead end: no way from here ends in a hang-up or reaches an agent, "
            "a transfer or a voicemail; add an exit",
        )
        for node_id in flow.nodes
        if node_id in reachable and node_id not in can_end
    )
    problems.extend(
        Problem(
            path=f"nodes.{component[0]}",
            message="a caller who presses nothing loops forever through "
            f"{' -> '.join(component)} (no retry counter bounds this loop); route a "
            "no-input or a branch out of it",
        )
        for component in _silent_cycles(graph, reachable)
    )
    problems.extend(_prompt_problems(flow))
    problems.extend(_after_hangup_problems(flow, graph))
    if queues is not None:
        known = sorted(queues)
        hint = Hints()  # linear in the flow, however many queues are unknown
        for node_id, node in flow.nodes.items():
            if isinstance(node, EnqueueNode | CallbackNode) and node.queue not in queues:
                problems.append(
                    Problem(
                        path=f"nodes.{node_id}.queue",
                        message=f"the ACD has no queue {node.queue!r}{hint(node.queue, known)}",
                    )
                )
    problems.extend(
        Problem(
            path=f"nodes.{node_id}",
            message="unreachable: no way from the start node leads here",
            severity=_WARNING,
        )
        for node_id in flow.nodes
        if node_id not in reachable
    )
    problems.extend(_key_warnings(flow))
    problems.extend(_placeholder_warnings(flow))
    problems.extend(_calendar_warnings(flow))
    fewest = shortest(flow, graph, agents, "least_keys")
    quickest = shortest(flow, graph, agents, "least_seconds")
    worst = Worst(flow, agents, path_limit)
    if fewest is None or quickest is None:
        if flow.expects_agent:
            problems.append(
                Problem(
                    path=f"nodes.{flow.start}",
                    message="no agent can be reached from the start node (set "
                    "expects_agent = false if the flow never hands a call to an agent "
                    "on purpose)",
                    severity=_WARNING,
                )
            )
    else:
        worst.run()
    problems.sort(key=lambda p: p.severity is _WARNING)
    return FlowReport(
        flow=flow.name,
        problems=tuple(problems),
        agents=tuple(sorted(agents)),
        best_keys=None if fewest is None else int(fewest[0]),
        best_seconds=None if quickest is None else round(quickest[0], 2),
        worst_keys=worst.keys,
        worst_seconds=None if worst.seconds is None else round(worst.seconds, 2),
        exact=worst.exact,
        best_keys_path=() if fewest is None else fewest[1],
        best_seconds_path=() if quickest is None else quickest[1],
        worst_keys_path=worst.keys_path,
        worst_seconds_path=worst.seconds_path,
    )


def _after_hangup_problems(flow: Flow, graph: dict[str, list[Edge]]) -> Iterator[Problem]:
    if flow.on_hangup is None:
        return
    seen = {flow.on_hangup}
    stack = [flow.on_hangup]
    while stack:
        node_id = stack.pop()
        node = flow.nodes[node_id]
        if isinstance(node, CALLER_KINDS):
            yield Problem(
                path=f"nodes.{node_id}",
                message=f"reached from on_hangup, after the caller hung up, but a {node.KIND} "
                "node needs the caller; the session will end here. Wrap up with set, "
                "branch, hours, lookup, call, return and hangup nodes only",
            )
            continue
        for edge in graph[node_id]:
            if edge.target not in seen:
                seen.add(edge.target)
                stack.append(edge.target)


def _prompt_problems(flow: Flow) -> Iterator[Problem]:
    used: set[str] = set()
    for node_id, node in flow.nodes.items():
        for field, prompt in prompt_fields(node):
            used.add(prompt)
            variants = flow.prompts[prompt]
            for lang in flow.languages:
                chain = flow.language_chain(lang)
                if not any(candidate in variants for candidate in chain):
                    yield Problem(
                        path=f"nodes.{node_id}.{field}",
                        message=f"prompt {prompt!r} has no {lang!r} variant and no fallback "
                        f"for {lang!r} has one; add prompts.{prompt}.{lang} or a fallback "
                        f"language for {lang!r}",
                    )
    for prompt in flow.prompts:
        if prompt not in used:
            yield Problem(
                path=f"prompts.{prompt}", message="prompt never played", severity=_WARNING
            )


def _key_warnings(flow: Flow) -> Iterator[Problem]:
    for node_id, node in flow.nodes.items():
        base = f"nodes.{node_id}"
        if isinstance(node, MenuNode):
            keys = sorted(node.options)
            for key in keys:
                longer = [k for k in keys if k != key and k.startswith(key)]
                if longer:
                    yield Problem(
                        path=f"{base}.options.{key}",
                        message=f"ambiguous key {key!r}: it starts {', '.join(map(repr, longer))}, "
                        f"so after {key!r} the menu waits {node.inter_digit_timeout} s for "
                        "another key",
                        severity=_WARNING,
                    )
                if key in flow.global_keys:
                    yield Problem(
                        path=f"{base}.options.{key}",
                        message=f"option {key!r} hides the global key {key!r} in this menu",
                        severity=_WARNING,
                    )
        if isinstance(node, CollectNode):
            for key in sorted(node.keys):
                if key.isdigit() and _value_may_start_with(node, key):
                    yield Problem(
                        path=f"{base}.keys.{key}",
                        message=f"escape key {key!r} is taken as a way out when pressed "
                        f"first, so a value starting with {key!r} can never be entered; "
                        "use a non-digit escape key, or a pattern that says values never "
                        f"start with {key!r}",
                        severity=_WARNING,
                    )
        if isinstance(node, CollectNode) and node.use_global_keys:
            digits = sorted(k for k in flow.global_keys if k.isdigit() and k not in node.keys)
            if digits:
                yield Problem(
                    path=f"{base}.use_global_keys",
                    message=f"global key {digits[0]!r} is taken as a way out when pressed "
                    f"first, so a value cannot start with {digits[0]!r}; set "
                    "use_global_keys = false if values may",
                    severity=_WARNING,
                )


def _value_may_start_with(node: CollectNode, digit: str) -> bool:
    """Whether a value the collect accepts may start with ``digit`` (sampled, not proven)."""
    if node.pattern is None:
        return True
    pattern = re.compile(node.pattern)
    for length in sorted({node.min_digits, node.max_digits}):
        for fill in "0123456789":
            if pattern.fullmatch(digit + fill * (length - 1)) is not None:
                return True
    return False


_BUILT_IN = frozenset(("caller", "dialled", "caller_status", "language", "recording"))


def _placeholder_warnings(flow: Flow) -> Iterator[Problem]:
    """Placeholders naming an attribute that no node sets and the flow does not declare."""
    known = set(_BUILT_IN) | set(flow.attributes) | {"callback_queue"}
    prefixes: list[str] = []
    for node in flow.nodes.values():
        if isinstance(node, CollectNode | SurveyNode):
            known.add(node.store)
        elif isinstance(node, SetAttributesNode):
            known.update(node.values)
        elif isinstance(node, LookupNode):
            if not node.into:
                return  # a lookup may set any attribute: nothing can be said
            prefixes.append(node.into)

    def unknown(text: str | None, extra: Collection[str] = ()) -> Iterator[str]:
        for name in PLACEHOLDER.findall(text or ""):
            if name not in known and name not in extra and not name.startswith(tuple(prefixes)):
                yield name

    confirms = {n.confirm_prompt for n in flow.nodes.values() if isinstance(n, CollectNode)}
    for prompt_id, variants in flow.prompts.items():
        extra = ("value",) if prompt_id in confirms else ()
        for lang, variant in variants.items():
            for name in unknown(variant.text, extra):
                yield _placeholder_problem(f"prompts.{prompt_id}.{lang}", name)
    for node_id, node in flow.nodes.items():
        texts: list[tuple[str, str]] = []
        if isinstance(node, SetAttributesNode):
            texts = [(f"values.{k}", v) for k, v in node.values.items()]
        elif isinstance(node, LookupNode):
            texts = [(f"arguments.{k}", v) for k, v in node.arguments.items()]
        elif isinstance(node, EnqueueNode):
            texts = [(f"attributes.{k}", v) for k, v in node.attributes.items()]
        elif isinstance(node, TransferNode):
            texts = [("to", node.to)]
        for field, text in texts:
            for name in unknown(text):
                yield _placeholder_problem(f"nodes.{node_id}.{field}", name)


def _placeholder_problem(path: str, name: str) -> Problem:
    return Problem(
        path=path,
        message=f"placeholder {{{name}}} names an attribute that no node sets and the "
        "flow's attributes do not declare, so it is replaced by an empty text; declare "
        "it under attributes (with a default) if the host sets it",
        severity=_WARNING,
    )


def _calendar_warnings(flow: Flow) -> Iterator[Problem]:
    for name, calendar in flow.calendars.items():
        undefined = calendar.undefined_weekdays()
        if undefined:
            days = ", ".join(d.name.lower() for d in undefined)
            yield Problem(
                path=f"calendars.{name}.weekly",
                message=f"the weekly hours leave {days} undefined (treated as closed); "
                "list every day, with [] for closed days",
                severity=_WARNING,
            )
        # Closures "for ever" and rules outside the dates a calendar computes.
        for problem in calendar.problems():
            yield Problem(
                path=f"calendars.{name}.{problem.path}",
                message=problem.message,
                severity=problem.severity,
            )


def check_flow_file(
    path: str | Path,
    *,
    queues: Collection[str] | None = None,
    calendars: Mapping[str, BusinessCalendar] | None = None,
) -> FlowReport:
    """Load a flow file and check it; load problems come back in the report.

    This is what ``callcenter ivr check`` runs. A file that loads is checked with
    :func:`check_flow`; a file whose content is not a valid flow gives a report
    holding the load problems (and no figures).

    Raises:
        DocumentError: The file cannot be read or parsed at all.
    """
    from ._document import load_flow

    try:
        flow = load_flow(path, calendars=calendars)
    except DefinitionError as error:
        return FlowReport(
            flow=str(path),
            problems=error.problems,
            agents=(),
            best_keys=None,
            best_seconds=None,
            worst_keys=None,
            worst_seconds=None,
            exact=True,
        )
    return check_flow(flow, queues=queues)
