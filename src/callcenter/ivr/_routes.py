"""The flow as a graph of costed ways, and the best and worst ways to an agent.

Every way out of a node is an :class:`Edge` with what it costs the caller in key
presses and seconds, in the worst case (every allowed no-input and no-match before
the way out) and in the best. The validator, the drawings and the session's
snapshot rule all read the graph from :func:`edges`.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import NamedTuple

from ._flow import Flow
from ._model import (
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
)

__all__ = ["Edge", "Worst", "edges", "shortest"]


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


def shortest(
    flow: Flow, graph: dict[str, list[Edge]], agents: set[str], weight: str
) -> tuple[float, tuple[str, ...]] | None:
    """Dijkstra from the start to the nearest agent by ``weight``: the cost and the way."""
    dist: dict[str, float] = {flow.start: 0.0}
    before: dict[str, str] = {}
    heap = [(0.0, flow.start)]
    while heap:
        d, node = heapq.heappop(heap)
        if node in agents:
            way = [node]
            while way[-1] in before:
                way.append(before[way[-1]])
            return d, tuple(reversed(way))
        if d > dist.get(node, math.inf):
            continue
        for edge in graph[node]:
            nd = d + float(getattr(edge, weight))
            if nd < dist.get(edge.target, math.inf):
                dist[edge.target] = nd
                before[edge.target] = node
                heapq.heappush(heap, (nd, edge.target))
    return None


class Worst:
    """The longest ways to an agent (by keys and by seconds), searched without recursion."""

    def __init__(self, flow: Flow, agents: set[str], limit: int) -> None:
        self.flow = flow
        self.agents = agents
        self.budget = limit
        self.exact = True
        self.keys: int | None = None
        self.seconds: float | None = None
        self.keys_path: tuple[str, ...] = ()
        self.seconds_path: tuple[str, ...] = ()

    def _steps(
        self, node_id: str, stack: tuple[str, ...]
    ) -> Iterator[tuple[str, tuple[str, ...], int, float]]:
        flow = self.flow
        node = flow.nodes[node_id]
        if isinstance(node, ReturnNode):
            if stack:
                yield stack[-1], stack[:-1], 0, 0.0
            elif flow.on_error is not None:
                yield flow.on_error, stack, 0, 0.0
            return
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
            yield edge.target, next_stack, edge.keys, edge.seconds

    def run(self) -> None:
        if self.flow.start in self.agents:
            self.keys, self.seconds = 0, 0.0
            self.keys_path = self.seconds_path = (self.flow.start,)
            return
        start: tuple[str, tuple[str, ...]] = (self.flow.start, ())
        on_path: set[tuple[str, tuple[str, ...]]] = {start}
        way = [self.flow.start]
        work = [(start, 0, 0.0, self._steps(*start))]
        self.budget -= 1
        while work:
            state, keys, seconds, steps = work[-1]
            step = next(steps, None)
            if step is None:
                work.pop()
                on_path.discard(state)
                way.pop()
                continue
            target, stack, more_keys, more_seconds = step
            if (target, stack) in on_path:
                continue
            self.budget -= 1
            if self.budget < 0:
                self.exact = False
                return
            total_keys, total_seconds = keys + more_keys, seconds + more_seconds
            if target in self.agents:
                if self.keys is None or total_keys > self.keys:
                    self.keys, self.keys_path = total_keys, (*way, target)
                if self.seconds is None or total_seconds > self.seconds:
                    self.seconds, self.seconds_path = total_seconds, (*way, target)
                continue
            child = (target, stack)
            on_path.add(child)
            way.append(target)
            work.append((child, total_keys, total_seconds, self._steps(*child)))
