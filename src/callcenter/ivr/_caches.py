"""Per-flow caches the engine fills as sessions run.

A :class:`~callcenter.ivr.Flow` is immutable, so what can be worked out from it once
(the key table of a menu, the holidays of a calendar, the open or closed stretch of
a calendar around the current time) is kept in its ``_cache`` and shared by all its
sessions.
"""

from __future__ import annotations

import datetime
import math

from ._flow import Flow
from ._model import CallbackNode, CollectNode, HoursNode, LanguageNode, MenuNode, SurveyNode

__all__ = ["ChoiceNode", "InputNode", "calendar_reach", "choices", "holidays", "open_at"]

ChoiceNode = MenuNode | LanguageNode | CallbackNode | SurveyNode
InputNode = ChoiceNode | CollectNode


def choices(flow: Flow, node: ChoiceNode) -> tuple[dict[str, str], frozenset[str]]:
    """Key to choice value for a choice node, and the proper prefixes of its keys (cached)."""
    cache_key = ("choices", node.id)
    cached = flow._cache.get(cache_key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    if isinstance(node, MenuNode):
        table = dict(node.options)
    elif isinstance(node, LanguageNode):
        table = dict(node.choices)
    elif isinstance(node, CallbackNode):
        table = {node.accept_key: "accept", node.decline_key: "decline"}
    else:
        table = {str(d): str(d) for d in range(node.lowest, node.highest + 1)}
    prefixes = frozenset(key[:i] for key in table for i in range(1, len(key)))
    result = (table, prefixes)
    flow._cache[cache_key] = result
    return result


def calendar_reach(flow: Flow) -> frozenset[str]:
    """The nodes from which a call may reach an ``hours`` node (cached).

    Asking a calendar is the one step of a call that depends on something outside
    the engine, so only a call made at one of these nodes can fail half-way; the
    session keeps a snapshot of its state for those calls only.
    """
    cached = flow._cache.get("calendar_reach")
    if cached is not None:
        return cached  # type: ignore[return-value]
    from ._routes import edges

    sources: dict[str, set[str]] = {node_id: set() for node_id in flow.nodes}
    for node_id, node in flow.nodes.items():
        for edge in edges(flow, node):
            sources[edge.target].add(node_id)
        if flow.on_hangup is not None:
            sources[flow.on_hangup].add(node_id)
    found = {i for i, n in flow.nodes.items() if isinstance(n, HoursNode)}
    pending = list(found)
    while pending:
        for source in sources[pending.pop()]:
            if source not in found:
                found.add(source)
                pending.append(source)
    result = frozenset(found)
    flow._cache["calendar_reach"] = result
    return result


def holidays(flow: Flow, name: str) -> frozenset[datetime.date]:
    cache_key = ("holidays", name)
    cached = flow._cache.get(cache_key)
    if cached is None:
        cached = frozenset(h.date for h in flow.calendars[name].holidays)
        flow._cache[cache_key] = cached
    return cached  # type: ignore[return-value]


def open_at(flow: Flow, name: str, instant: float) -> bool:
    """``flow.calendars[name].is_open(instant)``, remembering the stretch around it.

    The answer holds until the next opening or closing, so a busy line asks the
    calendar once per stretch instead of once per call.
    """
    cache_key = ("open", name)
    cached = flow._cache.get(cache_key)
    if cached is not None:
        stretch: tuple[float, float, bool] = cached  # type: ignore[assignment]
        if stretch[0] <= instant < stretch[1]:
            return stretch[2]
    calendar = flow.calendars[name]
    answer = False
    high = math.inf
    for start, end in calendar.intervals_from(instant):
        if start <= instant < end:
            answer, high = True, end
        elif instant < start:
            high = start
        else:
            continue
        break
    flow._cache[cache_key] = (instant, high, answer)
    return answer
