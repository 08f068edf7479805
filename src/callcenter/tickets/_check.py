"""Checks of a workflow's tables, shared by Python definitions and loaded documents.

The checks work on state *names* (the values of the state enum) so that a document
with a misspelt state is reported with the same paths and words as a Python
definition. Every problem is collected; none stops the others from being found.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

import attrs

from .._checks import number_problem
from ..errors import Problem, did_you_mean
from ._records import RESERVED_FIELDS

__all__ = ["TableRow", "check_tables"]


@attrs.frozen(kw_only=True)
class TableRow:
    """A transition as plain names, for checking."""

    sources: tuple[str, ...]
    trigger: str
    target: str
    fields: tuple[str, ...] = ()


def _unknown(name: str, states: Sequence[str]) -> str:
    return (
        f"unknown state {name!r}{did_you_mean(name, states)}; expected one of: {', '.join(states)}"
    )


def check_tables(
    *,
    states: Sequence[str],
    initial: str,
    final: Iterable[str],
    waiting: Iterable[str],
    resolved: Iterable[str],
    rows: Sequence[TableRow],
    escalation_trigger: str | None,
    required_on_open: Iterable[str] = (),
    escalation_sla: Mapping[str, object] | None = None,
    has_sla: bool = True,
) -> list[Problem]:
    """Every problem of a workflow's tables, each with its path.

    Finds unknown or duplicate states, triggers naming missing states, two
    transitions for the same state and trigger, reserved field names, states that
    cannot be reached from the initial state, and states that are not final but
    have no transition out; and per-level escalation targets (``escalation_sla``)
    that are not positive seconds, or name a state no escalation leads to.
    """
    problems: list[Problem] = []
    known = set(states)
    seen: set[str] = set()
    for index, name in enumerate(states):
        if name in seen:
            problems.append(
                Problem(path=f"states.{index}", message=f"state {name!r} is listed twice")
            )
        seen.add(name)
    if not states:
        problems.append(Problem(path="states", message="a workflow needs at least one state"))
    if initial not in known:
        problems.append(Problem(path="initial", message=_unknown(initial, states)))
    final_set: set[str] = set()
    for key, group in (("final", final), ("waiting", waiting), ("resolved", resolved)):
        for index, name in enumerate(group):
            if name not in known:
                problems.append(Problem(path=f"{key}.{index}", message=_unknown(name, states)))
            elif key == "final":
                final_set.add(name)
    if not final_set and not any(p.path.startswith("final") for p in problems):
        problems.append(
            Problem(path="final", message="a workflow needs at least one final state; name one")
        )
    for index, name in enumerate(required_on_open):
        if name in RESERVED_FIELDS:
            problems.append(
                Problem(
                    path=f"required_on_open.{index}",
                    message=f"field name {name!r} is reserved for the trail; pick another",
                )
            )
    outgoing: dict[str, set[str]] = {name: set() for name in states}
    defined: dict[tuple[str, str], int] = {}
    triggers: set[str] = set()
    for index, row in enumerate(rows):
        where = f"transitions.{index}"
        if not row.trigger:
            problems.append(Problem(path=f"{where}.trigger", message="a trigger needs a name"))
        triggers.add(row.trigger)
        if not row.sources:
            problems.append(
                Problem(path=f"{where}.source", message="a transition needs at least one source")
            )
        target_ok = row.target in known
        if not target_ok:
            problems.append(Problem(path=f"{where}.target", message=_unknown(row.target, states)))
        for position, source in enumerate(row.sources):
            if source not in known:
                problems.append(
                    Problem(path=f"{where}.source.{position}", message=_unknown(source, states))
                )
                continue
            earlier = defined.get((source, row.trigger))
            if earlier is not None:
                problems.append(
                    Problem(
                        path=f"{where}.trigger",
                        message=f"trigger {row.trigger!r} from state {source!r} is already "
                        f"defined by transitions.{earlier}; give one of them another trigger",
                    )
                )
            else:
                defined[(source, row.trigger)] = index
            if target_ok and row.target != source:  # a self-loop is no way out
                outgoing[source].add(row.target)
        problems.extend(
            Problem(
                path=where, message=f"field name {name!r} is reserved for the trail; pick another"
            )
            for name in row.fields
            if name in RESERVED_FIELDS
        )
    if escalation_trigger is not None and escalation_trigger not in triggers:
        problems.append(
            Problem(
                path="escalation_trigger",
                message=f"no transition has trigger {escalation_trigger!r}"
                f"{did_you_mean(escalation_trigger, sorted(triggers))}",
            )
        )
    problems += _check_levels(
        escalation_sla or {}, rows, escalation_trigger, states, has_sla=has_sla
    )
    if initial in known:
        reached = {initial}
        frontier = deque([initial])
        while frontier:
            for nxt in outgoing[frontier.popleft()]:
                if nxt not in reached:
                    reached.add(nxt)
                    frontier.append(nxt)
        problems.extend(
            Problem(
                path=f"states.{name}",
                message=f"state {name!r} cannot be reached from the initial state "
                f"{initial!r}; add a transition into it or remove it",
            )
            for name in states
            if name not in reached
        )
    problems.extend(
        Problem(
            path=f"states.{name}",
            message=f"state {name!r} is not final and has no transition out; "
            "add one or list it under final",
        )
        for name in states
        if name not in final_set and not outgoing[name]
    )
    return problems


def _check_levels(
    levels: Mapping[str, object],
    rows: Sequence[TableRow],
    escalation_trigger: str | None,
    states: Sequence[str],
    *,
    has_sla: bool,
) -> list[Problem]:
    """The problems of the per-level resolution seconds of an escalating workflow."""
    if not levels:
        return []
    if escalation_trigger is None or not has_sla:
        return [
            Problem(
                path="escalation_sla",
                message="per-level resolution targets need an escalation_trigger and an sla "
                "policy; add both, or remove escalation_sla",
            )
        ]
    reached = sorted({row.target for row in rows if row.trigger == escalation_trigger})
    problems = []
    for name, seconds in levels.items():
        path = f"escalation_sla.{name}"
        if name not in states:
            problems.append(Problem(path=path, message=_unknown(name, states)))
        elif name not in reached:
            problems.append(
                Problem(
                    path=path,
                    message=f"no {escalation_trigger!r} transition leads to {name!r}; "
                    f"the levels an escalation reaches are: {', '.join(reached)}",
                )
            )
        message = number_problem(seconds, minimum=0, exclusive_minimum=True)
        if message is not None:
            problems.append(Problem(path=path, message=f"{message} (seconds)"))
    return problems
