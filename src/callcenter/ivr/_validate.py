"""The flow validator: finds what would trap or lose a caller before a caller does.

:func:`check_flow` looks at a :class:`~callcenter.ivr.Flow` as a graph and reports
:class:`~callcenter.errors.Problem` s with node paths:

* errors: dead ends (no way from a node ends in a hang-up, an agent, a transfer or a
  voicemail), loops a silent caller never leaves (a cycle not bounded by a retry
  counter), prompts missing in a declared language with no fallback, queues the
  ACD does not have;
* warnings: unreachable nodes, ambiguous keys (``1`` and ``10`` on one menu), options
  that hide a global key, calendars leaving weekdays undefined, unused prompts and
  calendars, a flow where no agent can be reached.

It also measures, per flow, the best and worst case of key presses and seconds
(prompt durations plus timeouts) from the first node to an agent.

The worst case is the longest way over paths that visit no node twice, where at
every listening node every allowed no-input and no-match happens before the way
out; prompts count in their longest language. Finding a longest path is
exponential in the worst case, so the search stops after ``path_limit`` steps and
the report says whether the figures are exact.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import attrs

from ..calendars import BusinessCalendar
from ..errors import DefinitionError, Problem, Severity, did_you_mean
from ._flow import Flow
from ._model import (
    CALLER_KINDS,
    INPUT_KINDS,
    REPEAT,
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
    prompt_fields,
)

__all__ = ["FlowReport", "check_flow", "check_flow_file"]

_WARNING = Severity.WARNING


class Edge(NamedTuple):
    """One way out of a node, with its worst-case cost."""

    label: str
    target: str
    silent: bool
    """Taken without the caller pressing anything (a silent caller can loop on it)."""
    keys: int
    seconds: float
    least_keys: int = 0
    """Key presses when the caller does the right thing at once."""
    least_seconds: float = 0.0
    """Seconds when the caller does the right thing at once."""


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
    """

    flow: str
    problems: tuple[Problem, ...]
    agents: tuple[str, ...]
    best_keys: int | None
    best_seconds: float | None
    worst_keys: int | None
    worst_seconds: float | None
    exact: bool

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


def _seconds(flow: Flow, prompt: str | None) -> float:
    if prompt is None:
        return 0.0
    return max((v.duration for v in flow.prompts[prompt].values()), default=0.0)


def _input_edges(flow: Flow, node: Node) -> Iterator[Edge]:
    assert isinstance(node, INPUT_KINDS)
    first = _seconds(flow, node.prompt)
    again = _seconds(flow, node.short_prompt or node.prompt)
    sorry_i = _seconds(flow, node.no_input_prompt) + again
    sorry_m = _seconds(flow, node.no_match_prompt) + again
    ni, nm, timeout = node.no_input_limit, node.no_match_limit, node.timeout
    if isinstance(node, CollectNode):
        width = node.max_digits + (1 if node.terminator else 0)
        entry = node.inter_digit_timeout if node.terminator is None else 0.0
    elif isinstance(node, MenuNode):
        width = max(len(k) for k in node.options)
        entry = 0.0
    else:
        width, entry = 1, 0.0
    failed = (ni - 1) * (timeout + sorry_i) + (nm - 1) * (sorry_m + entry)
    fail_keys = (nm - 1) * width

    def match(label: str, target: str, keys: int) -> Edge:
        extra = 0.0
        if isinstance(node, CollectNode) and node.confirm_prompt is not None:
            extra, keys = _seconds(flow, node.confirm_prompt), keys + 1
        return Edge(
            label,
            target,
            False,
            fail_keys + keys,
            first + failed + entry + extra,
            keys,
            first + entry + extra,
        )

    if isinstance(node, MenuNode):
        for key, target in node.options.items():
            yield match(f"options.{key}", node.id if target == REPEAT else target, len(key))
    elif isinstance(node, CollectNode):
        for key, target in node.keys.items():
            yield match(f"keys.{key}", target, 1)
        yield match("next", node.next, width)
    elif isinstance(node, CallbackNode):
        yield match("next", node.next, 1)
        yield match("declined", node.declined, 1)
    else:
        assert isinstance(node, LanguageNode | SurveyNode)
        yield match("next", node.next, 1)
    use_global = not isinstance(node, CollectNode) or node.use_global_keys
    for key, target in flow.global_keys.items() if use_global else ():
        if target != REPEAT:
            yield match(f"global_keys.{key}", target, 1)
    no_input = node.on_no_input or flow.on_no_input or flow.on_error
    if isinstance(node, LanguageNode | SurveyNode) and node.on_no_input is None:
        no_input = node.next
    if no_input is not None:
        seconds = first + (ni - 1) * sorry_i + ni * timeout + (nm - 1) * (sorry_m + entry)
        least = first + (ni - 1) * sorry_i + ni * timeout
        yield Edge("on_no_input", no_input, True, fail_keys, seconds, 0, least)
    no_match = node.on_no_match or flow.on_no_match or flow.on_error
    if no_match is not None:
        seconds = first + (ni - 1) * (timeout + sorry_i) + (nm - 1) * sorry_m + nm * entry
        least = first + (nm - 1) * sorry_m + nm * entry
        yield Edge("on_no_match", no_match, False, nm * width, seconds, nm, least)


def edges(flow: Flow, node: Node) -> list[Edge]:
    """Every way out of ``node``, with worst-case costs (returns: see :func:`_returns`)."""
    if isinstance(node, INPUT_KINDS):
        return list(_input_edges(flow, node))
    if isinstance(node, SayNode):
        seconds = _seconds(flow, node.prompt)
        return [Edge("next", node.next, True, 0, seconds, 0, seconds)]
    if isinstance(node, BranchNode):
        result = [Edge(f"rules.{i}.goto", r.goto, True, 0, 0.0) for i, r in enumerate(node.rules)]
        return [*result, Edge("otherwise", node.otherwise, True, 0, 0.0)]
    if isinstance(node, HoursNode):
        result = [Edge("open", node.open, True, 0, 0.0), Edge("closed", node.closed, True, 0, 0.0)]
        if node.holiday is not None:
            result.append(Edge("holiday", node.holiday, True, 0, 0.0))
        return result
    if isinstance(node, SetAttributesNode):
        return [Edge("next", node.next, True, 0, 0.0)]
    if isinstance(node, LookupNode):
        result = [
            Edge("next", node.next, True, 0, node.timeout),
            Edge("not_found", node.not_found, True, 0, node.timeout),
        ]
        failure = node.on_failure or flow.on_error
        if failure is not None:
            result.append(Edge("on_failure", failure, True, 0, node.timeout, 0, node.timeout))
        return result
    if isinstance(node, RecordNode):
        seconds = _seconds(flow, node.prompt) + node.max_seconds
        prompt = _seconds(flow, node.prompt)
        result = [Edge("next", node.next, True, 0, seconds, 0, prompt)]
        if node.on_no_input is not None:
            result.append(Edge("on_no_input", node.on_no_input, True, 0, seconds, 0, prompt))
        return result
    if isinstance(node, CallNode):
        # Calls nested too deep go to on_error instead.
        result = [Edge("target", node.target, True, 0, 0.0)]
        if flow.on_error is not None:
            result.append(Edge("on_error", flow.on_error, True, 0, 0.0))
        return result
    if isinstance(node, ReturnNode):
        # Back to the next of any call (the graph does not know which), or to
        # on_error when no call is open.
        result = [
            Edge("return", call.next, True, 0, 0.0)
            for call in flow.nodes.values()
            if isinstance(call, CallNode)
        ]
        if flow.on_error is not None:
            result.append(Edge("on_error", flow.on_error, True, 0, 0.0))
        return result
    assert isinstance(node, EnqueueNode | TransferNode | HangUpNode)
    return []


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


def _best(
    flow: Flow, graph: dict[str, list[Edge]], agents: set[str]
) -> tuple[int | None, float | None]:
    import heapq

    def shortest(weight: str) -> float | None:
        dist: dict[str, float] = {flow.start: 0.0}
        heap = [(0.0, flow.start)]
        while heap:
            d, node = heapq.heappop(heap)
            if node in agents:
                return d
            if d > dist.get(node, float("inf")):
                continue
            for edge in graph[node]:
                nd = d + float(getattr(edge, weight))
                if nd < dist.get(edge.target, float("inf")):
                    dist[edge.target] = nd
                    heapq.heappush(heap, (nd, edge.target))
        return None

    keys = shortest("least_keys")
    seconds = shortest("least_seconds")
    return (None if keys is None else int(keys)), seconds


def _worst(flow: Flow, agents: set[str], limit: int) -> tuple[int | None, float | None, bool]:
    best_keys: int | None = None
    best_seconds: float | None = None
    budget = limit
    on_path: set[tuple[str, tuple[str, ...]]] = set()
    exact = True

    def visit(node_id: str, stack: tuple[str, ...], keys: int, seconds: float) -> None:
        nonlocal best_keys, best_seconds, budget, exact
        budget -= 1
        if budget < 0:
            exact = False
            return
        if node_id in agents:
            best_keys = keys if best_keys is None else max(best_keys, keys)
            best_seconds = seconds if best_seconds is None else max(best_seconds, seconds)
            return
        state = (node_id, stack)
        on_path.add(state)
        node = flow.nodes[node_id]
        if isinstance(node, ReturnNode):
            step: tuple[str, tuple[str, ...]] | None = None
            if stack:
                step = (stack[-1], stack[:-1])
            elif flow.on_error is not None:
                step = (flow.on_error, stack)
            if step is not None and step not in on_path:
                visit(step[0], step[1], keys, seconds)
        else:
            for edge in edges(flow, node):
                next_stack = stack
                if isinstance(node, CallNode):
                    if edge.label == "on_error":
                        if len(stack) < 8:
                            continue  # only a call nested too deep goes there
                    elif len(stack) >= 8:
                        continue
                    else:
                        next_stack = (*stack, node.next)
                if (edge.target, next_stack) not in on_path:
                    visit(edge.target, next_stack, keys + edge.keys, seconds + edge.seconds)
        on_path.discard(state)

    visit(flow.start, (), 0, 0.0)
    return best_keys, best_seconds, exact


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
        for node_id, node in flow.nodes.items():
            if isinstance(node, EnqueueNode | CallbackNode) and node.queue not in queues:
                problems.append(
                    Problem(
                        path=f"nodes.{node_id}.queue",
                        message=f"the ACD has no queue {node.queue!r}"
                        f"{did_you_mean(node.queue, known)}",
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
    problems.extend(_calendar_warnings(flow))
    best_keys, best_seconds = _best(flow, graph, agents)
    if best_keys is None:
        problems.append(
            Problem(
                path=f"nodes.{flow.start}",
                message="no agent can be reached from the start node",
                severity=_WARNING,
            )
        )
        worst_keys, worst_seconds, exact = None, None, True
    else:
        worst_keys, worst_seconds, exact = _worst(flow, agents, path_limit)
    problems.sort(key=lambda p: p.severity is _WARNING)
    return FlowReport(
        flow=flow.name,
        problems=tuple(problems),
        agents=tuple(sorted(agents)),
        best_keys=best_keys,
        best_seconds=None if best_seconds is None else round(best_seconds, 2),
        worst_keys=worst_keys,
        worst_seconds=None if worst_seconds is None else round(worst_seconds, 2),
        exact=exact,
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
