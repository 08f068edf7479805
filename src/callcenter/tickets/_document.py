"""Workflows written as documents (TOML or JSON), loaded through cattrs.

A document names its states as text; the loader builds the state enum. Every problem
-- an unknown key, a trigger naming a missing state, an unreachable state, a state
with no way out -- is reported at once with its path, e.g.
``transitions.2.target: unknown state 'closd' (did you mean 'closed'?)``.

>>> wf = workflow_from_dict({
...     "name": "lost_card",
...     "states": ["reported", "blocked", "done"],
...     "initial": "reported",
...     "final": ["done"],
...     "transitions": [
...         {"trigger": "block", "source": "reported", "target": "blocked"},
...         {"trigger": "reissue", "source": "blocked", "target": "done"},
...     ],
... })
>>> wf.allowed_triggers("reported")
('block',)
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NewType

import attrs
import cattrs

from .._checks import Problems, number_problem
from .._loading import make_converter, read_document, require_table, structure_definition
from ..calendars import BusinessCalendar
from ..errors import DefinitionError, Problem, did_you_mean
from ._check import TableRow, check_tables
from ._records import FieldValue, Priority
from ._sla import SlaPolicy, SlaTarget, warn_fraction_problems
from ._transition import field_value_problem, transition_problems
from ._workflow import Guard, NumberField, Transition, Workflow, escalate_from_problems

__all__ = ["load_workflow", "workflow_from_dict", "workflow_to_dict"]


@attrs.frozen(kw_only=True)
class _TransitionDoc:
    trigger: str
    source: list[str]
    target: str
    requires: list[str] = attrs.field(factory=list)
    roles: list[str] = attrs.field(factory=list)
    when: dict[str, list[FieldValue]] = attrs.field(factory=dict)
    increments: list[str] = attrs.field(factory=list)
    guard: str | None = None
    responds: bool = False
    opens: str | None = None
    follow_up_owner: str | None = None
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        transition_problems(
            problems,
            trigger=self.trigger,
            requires=tuple(self.requires),
            roles=tuple(self.roles),
            when=self.when,
            increments=tuple(self.increments),
            opens=self.opens,
            follow_up_owner=self.follow_up_owner,
        )
        problems.raise_if_any(what="transition")


# Numbers checked by their own hooks, so that their problems are reported with the
# rest of the document's, whatever else is wrong around them.
_Share = NewType("_Share", float)
_Seconds = NewType("_Seconds", float)


@attrs.frozen(kw_only=True)
class _SlaDoc:
    targets: dict[Priority, SlaTarget]
    calendar: BusinessCalendar | None = None
    warn_fraction: _Share = _Share(0.8)


@attrs.frozen(kw_only=True)
class _WorkflowDoc:
    name: str
    states: list[str]
    initial: str
    final: list[str]
    transitions: list[_TransitionDoc]
    waiting: list[str] = attrs.field(factory=list)
    resolved: list[str] = attrs.field(factory=list)
    required_on_open: list[str] = attrs.field(factory=list)
    escalation_trigger: str | None = None
    escalation_sla: dict[str, _Seconds] = attrs.field(factory=dict)
    escalate_from: list[str] | None = None
    number_fields: dict[str, NumberField] = attrs.field(factory=dict)
    sla: _SlaDoc | None = None
    description: str = ""


def _field_value(value: object, _: object) -> FieldValue:
    problem = field_value_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value  # type: ignore[return-value]  # checked just above


def _share(value: object, _: object) -> float:
    problems = Problems()
    warn_fraction_problems(problems, value)
    if problems.items:
        raise ValueError(problems.items[0].message)
    return float(value)  # type: ignore[arg-type]  # checked just above


def _seconds(value: object, _: object) -> float:
    problem = number_problem(value, minimum=0, exclusive_minimum=True)
    if problem is not None:
        raise ValueError(f"{problem} (seconds)")
    return float(value)  # type: ignore[arg-type]  # checked just above


def _calendar(value: object, _: object) -> BusinessCalendar:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a calendar table, got {type(value).__name__}")
    return BusinessCalendar.from_dict(value)


def _one_or_many(value: object) -> list[object]:
    # One rule for every list of the document: a single value is a list of one
    # (``roles = "dispatcher"``), never split into letters.
    if isinstance(value, str | int | float | bool):
        return [value]
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list, got {type(value).__name__}")
    return list(value)


def _number(value: object, _: object) -> float:
    # a number stays as it came (an int of 400 digits is reported by the checks, not
    # overflowed here); text such as "12" is not a number
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r:.60}")
    return value


def _flag(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type(value).__name__} {value!r:.60}")
    return value


def _text(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__} {value!r:.60}")
    return value


def _build_converter() -> cattrs.Converter:
    converter = make_converter()
    converter.register_structure_hook_func(lambda t: t == FieldValue, _field_value)
    converter.register_structure_hook(str, _text)
    converter.register_structure_hook(bool, _flag)
    converter.register_structure_hook(float, _number)
    converter.register_structure_hook(_Share, _share)
    converter.register_structure_hook(_Seconds, _seconds)
    for kind in (list[str], list[FieldValue]):
        inner = converter.get_structure_hook(kind)

        def listed(value: object, cl: object, inner: Any = inner) -> list[object]:
            return inner(_one_or_many(value), cl)  # type: ignore[no-any-return]

        def matches(t: object, kind: object = kind) -> bool:
            return t == kind

        converter.register_structure_hook_func(matches, listed)
    converter.register_structure_hook(BusinessCalendar, _calendar)
    converter.register_unstructure_hook(BusinessCalendar, lambda cal: cal.to_dict())
    return converter


CONVERTER = _build_converter()

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


def _check_doc(doc: _WorkflowDoc, guards: Mapping[str, Guard]) -> Iterator[Problem]:
    for index, name in enumerate(doc.states):
        if not _NAME.match(name):
            yield Problem(
                path=f"states.{index}",
                message=f"state names are a letter then letters, digits, '_' or '-', got {name!r}",
            )
    rows = [
        TableRow(
            sources=tuple(t.source),
            trigger=t.trigger,
            target=t.target,
            fields=(*t.requires, *t.when, *t.increments),
        )
        for t in doc.transitions
    ]
    if doc.escalate_from is not None:
        yield from escalate_from_problems(
            doc.escalate_from,
            doc.escalation_trigger,
            [(tuple(t.source), t.trigger) for t in doc.transitions],
        )
        yield from (
            Problem(path=f"escalate_from.{index}", message=f"unknown state {name!r}")
            for index, name in enumerate(doc.escalate_from)
            if name not in doc.states
        )
    yield from check_tables(
        states=doc.states,
        initial=doc.initial,
        final=doc.final,
        waiting=doc.waiting,
        resolved=doc.resolved,
        rows=rows,
        escalation_trigger=doc.escalation_trigger,
        required_on_open=doc.required_on_open,
        escalation_sla=doc.escalation_sla,
        has_sla=doc.sla is not None,
    )
    for index, t in enumerate(doc.transitions):
        if t.guard is not None and t.guard not in guards:
            yield Problem(
                path=f"transitions.{index}.guard",
                message=f"unknown guard {t.guard!r}{did_you_mean(t.guard, sorted(guards))}; "
                f"pass it to the loader in guards= (known: {', '.join(sorted(guards)) or 'none'})",
            )


def _member_name(value: str, taken: set[str]) -> str:
    base = re.sub(r"\W", "_", value).upper() or "STATE"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _build(doc: _WorkflowDoc, guards: Mapping[str, Guard]) -> Workflow:
    taken: set[str] = set()
    class_name = re.sub(r"\W", "_", doc.name.title()).replace("_", "") + "State"
    states = enum.Enum(  # type: ignore[misc]
        class_name or "State", [(_member_name(s, taken), s) for s in doc.states]
    )

    def member(name: str) -> enum.Enum:
        return states(name)

    sla = None
    if doc.sla is not None:
        sla = SlaPolicy(
            targets=doc.sla.targets, calendar=doc.sla.calendar, warn_fraction=doc.sla.warn_fraction
        )
    return Workflow(
        name=doc.name,
        description=doc.description,
        states=states,
        initial=member(doc.initial),
        final={member(s) for s in doc.final},
        waiting={member(s) for s in doc.waiting},
        resolved={member(s) for s in doc.resolved},
        required_on_open=tuple(doc.required_on_open),
        escalation_trigger=doc.escalation_trigger,
        escalation_sla={member(s): seconds for s, seconds in doc.escalation_sla.items()},
        escalate_from=None
        if doc.escalate_from is None
        else frozenset(member(s) for s in doc.escalate_from),
        number_fields=doc.number_fields,
        sla=sla,
        transitions=tuple(
            Transition(
                source=tuple(member(s) for s in t.source),
                trigger=t.trigger,
                target=member(t.target),
                requires=tuple(t.requires),
                roles=frozenset(t.roles),
                when={k: tuple(v) for k, v in t.when.items()},
                guard=None if t.guard is None else guards[t.guard],
                increments=tuple(t.increments),
                responds=t.responds,
                opens=t.opens,
                follow_up_owner=t.follow_up_owner,
                description=t.description,
            )
            for t in doc.transitions
        ),
    )


def workflow_from_dict(
    data: Mapping[str, Any], *, guards: Mapping[str, Guard] | None = None, what: str = ""
) -> Workflow:
    """Build a workflow from a document (a dict, e.g. parsed TOML or JSON).

    The document has ``name``, ``states`` (a list of names), ``initial``, ``final``,
    ``transitions`` (tables with ``trigger``, ``source`` -- a name or a list --,
    ``target`` and optionally ``requires``, ``roles``, ``when``, ``increments``,
    ``guard`` (a name from ``guards``), ``responds``, ``opens``, ``description``),
    and optionally ``waiting``, ``resolved``, ``required_on_open``,
    ``escalation_trigger``, ``escalation_sla`` (resolution seconds per level an
    escalation leads to, by state name), ``escalate_from`` (the states the desk
    escalates from on a breach), ``number_fields`` (per field: ``minimum``,
    ``maximum``, ``exclusive_minimum``, ``integer``), ``description`` and ``sla``
    (``targets`` per priority with ``first_response`` and ``resolution`` in
    seconds, an optional ``calendar`` table for business time, ``warn_fraction``).
    A transition may also name a ``follow_up_owner``.

    Wherever a list is expected, a single value is a list of one
    (``roles = "dispatcher"``); it is never split into letters. Every number is
    checked for what it means (finite, sign, size) and reported at its full path
    (``sla.warn_fraction``, ``sla.targets.normal.resolution``).

    Args:
        data: The document.
        guards: Guard functions the document may name.
        what: How to name the document in the error (default: the workflow's name).

    Raises:
        DefinitionError: Every problem of the document, each with its path.
    """
    require_table(data, what=what or "workflow")
    known = dict(guards or {})
    if not isinstance(data, Mapping):
        raise DefinitionError(
            [Problem(path="", message=f"expected a table of keys, got {type(data).__name__}")],
            what=what or "workflow",
        )
    name = data.get("name")
    label = what or (f"workflow {name!r}" if isinstance(name, str) else "workflow")

    def check(doc: _WorkflowDoc) -> Iterator[Problem]:
        return _check_doc(doc, known)

    try:
        doc = structure_definition(CONVERTER, data, _WorkflowDoc, what=label, check=check)
    except DefinitionError as error:
        # A document that does not even structure may still have graph problems:
        # find them in the raw tables too, so that one pass reports everything.
        extra = [p for p in _raw_table_problems(data) if p not in error.problems]
        if not extra:
            raise
        raise DefinitionError([*error.problems, *extra], what=label) from None
    return _build(doc, known)


def _strings(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _raw_table_problems(data: Mapping[str, Any]) -> list[Problem]:
    """The graph problems of a raw document, as far as its tables can be read."""
    states = _strings(data.get("states"))
    initial = data.get("initial")
    rows_data = data.get("transitions")
    if states is None or not isinstance(initial, str) or not isinstance(rows_data, list):
        return []
    rows = []
    for row in rows_data:
        if not isinstance(row, Mapping):
            return []
        sources = _strings(row.get("source"))
        trigger, target = row.get("trigger"), row.get("target")
        if sources is None or not isinstance(trigger, str) or not isinstance(target, str):
            return []
        rows.append(TableRow(sources=tuple(sources), trigger=trigger, target=target))
    escalation = data.get("escalation_trigger")
    levels = data.get("escalation_sla")
    return check_tables(
        states=states,
        initial=initial,
        final=_strings(data.get("final")) or [],
        waiting=_strings(data.get("waiting")) or [],
        resolved=_strings(data.get("resolved")) or [],
        rows=rows,
        escalation_trigger=escalation if isinstance(escalation, str) else None,
        escalation_sla=levels if isinstance(levels, Mapping) else None,
        has_sla=data.get("sla") is not None,
    )


def load_workflow(path: str | Path, *, guards: Mapping[str, Guard] | None = None) -> Workflow:
    """Read a workflow from a ``.toml`` or ``.json`` file.

    Raises:
        DocumentError: The file cannot be read or parsed.
        DefinitionError: What it says is wrong (every problem, with paths).
    """
    return workflow_from_dict(read_document(path), guards=guards, what=f"workflow {str(path)!r}")


def workflow_to_dict(workflow: Workflow) -> dict[str, Any]:
    """The workflow as a document that :func:`workflow_from_dict` reads back.

    A guard is written as its function's ``__name__``; pass the same functions in
    ``guards=`` when loading it again.
    """

    def names(members: object) -> list[str]:
        assert isinstance(members, frozenset | tuple)
        return sorted(str(m.value) for m in members)

    transitions = []
    for t in workflow.transitions:
        row: dict[str, Any] = {
            "trigger": t.trigger,
            "source": [str(s.value) for s in t.source],
            "target": str(t.target.value),
        }
        if t.requires:
            row["requires"] = list(t.requires)
        if t.roles:
            row["roles"] = sorted(t.roles)
        if t.when:
            row["when"] = {k: list(v) for k, v in t.when.items()}
        if t.increments:
            row["increments"] = list(t.increments)
        if t.guard is not None:
            row["guard"] = getattr(t.guard, "__name__", repr(t.guard))
        if t.responds:
            row["responds"] = True
        if t.opens is not None:
            row["opens"] = t.opens
        if t.follow_up_owner is not None:
            row["follow_up_owner"] = t.follow_up_owner
        if t.description:
            row["description"] = t.description
        transitions.append(row)
    result: dict[str, Any] = {
        "name": workflow.name,
        "states": [str(m.value) for m in workflow.states],
        "initial": str(workflow.initial.value),
        "final": names(workflow.final),
        "transitions": transitions,
    }
    if workflow.waiting:
        result["waiting"] = names(workflow.waiting)
    if workflow.resolved:
        result["resolved"] = names(workflow.resolved)
    if workflow.required_on_open:
        result["required_on_open"] = list(workflow.required_on_open)
    if workflow.escalation_trigger is not None:
        result["escalation_trigger"] = workflow.escalation_trigger
    if workflow.escalation_sla:
        result["escalation_sla"] = {
            str(state.value): seconds for state, seconds in workflow.escalation_sla.items()
        }
    if workflow.escalate_from is not None:
        result["escalate_from"] = names(workflow.escalate_from)
    if workflow.number_fields:
        result["number_fields"] = {
            name: {k: v for k, v in attrs.asdict(rule).items() if v is not None and v is not False}
            for name, rule in workflow.number_fields.items()
        }
    if workflow.description:
        result["description"] = workflow.description
    if workflow.sla is not None:
        sla: dict[str, Any] = {
            "targets": {
                level.value: {
                    k: v
                    for k, v in (
                        ("first_response", target.first_response),
                        ("resolution", target.resolution),
                    )
                    if v is not None
                }
                for level, target in workflow.sla.targets.items()
            },
            "warn_fraction": workflow.sla.warn_fraction,
        }
        if workflow.sla.calendar is not None:
            sla["calendar"] = workflow.sla.calendar.to_dict()
        result["sla"] = sla
    return result
