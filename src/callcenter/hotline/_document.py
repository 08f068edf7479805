"""Hotline documents: one TOML, JSON or YAML file in, a checked definition out.

A hotline document holds what a :class:`~callcenter.hotline.HotlineDefinition` holds.
The other packages' definitions in it -- ``flows``, ``routing``, ``workflows`` and
``calendars`` -- are each either written inline (a table) or the name of their own
document, relative to the hotline document (``routing = "../routing/hotline.toml"``).
Lines are keyed by their id (``[lines.hotline]``) and endpoints by their agent's id
(``[endpoints.enquiry-1]``)::

    name = "tianjin"
    timezone = "Asia/Shanghai"
    routing = "routing.toml"

    [flows]
    tianjin-400 = "../ivr/tianjin-400.toml"

    [lines.hotline]
    number = "4008001234"
    flow = "tianjin-400"

    [endpoints.enquiry-1]
    extension = "8001"

    [[callers]]
    number = "13900000001"
    status = "vip"
    agent = "enquiry-1"

    [[ticket_rules]]
    workflow = "callback"
    ivr_result = "voicemail"
    fields = { reason = "voicemail" }

Loading reports every problem at once, each at its full path in the hotline document:
a key that is unknown (with a did-you-mean), a value of the wrong type or out of
range, the nested definitions' own problems (``flows.tianjin-400.nodes.main.next``,
``routing.agents.0.queues.0.queue``, followed by the file they are in when the
definition is a file of its own), and what refers to something that does not exist
(:func:`check_hotline`).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from os import PathLike, fspath
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError

from .. import _loading
from .._calendar_parts import zone_problem
from .._checks import number_problem, short_repr
from ..calendars import BusinessCalendar
from ..errors import DefinitionError, DocumentError, Hints, InvalidArgumentError, Problem, Severity
from ..errors import did_you_mean as _did_you_mean
from ..ivr import (
    CallerStatus,
    Flow,
    SessionResult,
    check_flow,
    flow_from_dict,
    flow_to_dict,
    normalize_number,
)
from ..routing import RoutingDefinition, check_definition, load_definition
from ..tickets import BUILTIN_WORKFLOWS, Workflow, workflow_from_dict, workflow_to_dict
from ._definition import (
    Endpoint,
    HoldTreatment,
    HotlineDefinition,
    KnownCaller,
    Line,
    TicketRule,
)

__all__ = ["check_hotline", "hotline_from_dict", "hotline_to_dict", "load_hotline"]

T = TypeVar("T")

_KEYS = (
    "name",
    "timezone",
    "answer_time",
    "lines",
    "flows",
    "routing",
    "workflows",
    "ticket_rules",
    "calendars",
    "callers",
    "endpoints",
    "hold",
)

_WARNING = Severity.WARNING


def _text_map(value: object, _: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of text values, got {_loading.short_text(value)}")
    result: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise ValueError(
                f"expected text for {short_repr(key)}, got {_loading.short_text(item)}"
            )
        result[str(key)] = item
    return result


_STATUSES = tuple(status.value for status in CallerStatus)


def _status(value: object, _: object) -> CallerStatus:
    if isinstance(value, str) and value in _STATUSES:
        return CallerStatus(value)
    if not isinstance(value, str):
        raise ValueError(
            f"expected one of: {', '.join(_STATUSES)}; got {_loading.short_text(value)}"
        )
    raise ValueError(
        f"unknown caller status {short_repr(value)}{_did(value, list(_STATUSES))}; "
        f"expected one of: {', '.join(_STATUSES)}"
    )


def _make_converter() -> cattrs.Converter:
    converter = _loading.make_converter()
    converter.register_structure_hook_func(lambda t: t == Mapping[str, str], _text_map)
    converter.register_structure_hook(CallerStatus, _status)
    return converter


_CONVERTER = _make_converter()


def _did(word: object, known: list[str]) -> str:
    return _did_you_mean(word, known) if isinstance(word, str) and len(word) < 100 else ""


def _unknown(
    parts: _Parts,
    path: str,
    kind: str,
    name: str,
    known: Sequence[str],
    *,
    leave_out: str | None = None,
) -> Problem:
    """An unknown name, with the names it could be (each once, but for ``leave_out``).

    Linear in the names shown, and in ``known`` only while the hint budget lasts.
    """
    shown: list[str] = []
    for candidate in known:
        if candidate != leave_out and candidate not in shown:  # (a name given twice once)
            shown.append(candidate)
            if len(shown) > 20:
                break
    listed = ", ".join(shown[:20]) + (", ..." if len(shown) > 20 else "")
    hints = parts.hints
    hint = ""
    if len(known) <= hints.budget:  # (the list below is built only within the budget)
        hint = hints(name, [candidate for candidate in known if candidate != leave_out])
    return Problem(
        path=path,
        message=f"unknown {kind} {short_repr(name)}{hint}; "
        f"expected one of: {listed or f'(no {kind}s defined)'}",
    )


@attrs.define
class _Parts:
    """What a hotline holds, as far as it loaded: what the cross-checks look at.

    The ``*_names`` lists hold every name the document gives, also of the parts that
    did not load, so that a reference to a broken part is not reported as unknown.
    """

    timezone: object = None
    lines: list[tuple[str, Line]] = attrs.field(factory=list)
    lines_complete: bool = True
    flows: dict[str, Flow] = attrs.field(factory=dict)
    flow_names: list[str] = attrs.field(factory=list)
    routing: RoutingDefinition | None = None
    workflows: dict[str, Workflow] = attrs.field(factory=dict)
    workflow_names: list[str] = attrs.field(factory=list)
    calendars: dict[str, BusinessCalendar] = attrs.field(factory=dict)
    calendar_names: list[str] = attrs.field(factory=list)
    callers: list[tuple[int, KnownCaller]] = attrs.field(factory=list)
    endpoints: list[tuple[str, Endpoint]] = attrs.field(factory=list)
    endpoints_complete: bool = True
    ticket_rules: list[tuple[int, TicketRule]] = attrs.field(factory=list)
    stand_ins: set[int] = attrs.field(factory=set)  # ids of items that did not load
    queue_ids: list[str] | None = None  # a routing definition's that did not load
    agent_ids: list[str] | None = None
    hints: Hints = attrs.field(factory=Hints)  # did-you-mean, within a budget


def _stand_in(cl: type[T], raw: object) -> T:
    """An instance of ``cl`` from the usable values of a raw table, without its checks.

    For an item whose own problems are reported already: its references (a flow, a
    queue, an agent...) are still checked with everything else, in the same report.
    Text fields take the raw text (unless blank); tables take the raw table; every
    other field keeps its default.
    """
    table = raw if isinstance(raw, Mapping) else {}
    instance = object.__new__(cl)
    for field in attrs.fields(cast(Any, cl)):
        value = table.get(field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if default is attrs.NOTHING:
            default = ""
        if (
            isinstance(value, str)
            and value.strip()  # (a blank text is refused; nothing to refer to)
            and (default is None or isinstance(default, str))
        ):
            default = value
        elif isinstance(value, Mapping) and isinstance(default, Mapping):
            default = {str(key): item for key, item in value.items()}
        elif isinstance(default, CallerStatus) and value in _STATUSES:
            default = CallerStatus(value)
        object.__setattr__(instance, field.name, default)
    return instance


def _named(
    document: Mapping[str, Any], calendars: Mapping[str, BusinessCalendar]
) -> dict[str, BusinessCalendar]:
    """The hotline's calendars that a raw flow document's nodes name.

    Only those go into the flow (where its own calendars of the same name win), so
    that a flow holds no calendar it does not use.
    """
    nodes = document.get("nodes")
    if not isinstance(nodes, Mapping):
        return {}
    named = {body.get("calendar") for body in nodes.values() if isinstance(body, Mapping)}
    return {name: calendar for name, calendar in calendars.items() if name in named}


def _raw_ids(document: object, key: str) -> list[str] | None:
    """The ids of a raw routing document's queues or agents (those written as text)."""
    if not isinstance(document, Mapping) or not isinstance(document.get(key, []), list):
        return None
    return [
        item["id"]
        for item in document.get(key, [])
        if isinstance(item, Mapping) and isinstance(item.get("id"), str)
    ]


# --------------------------------------------------------------------------- cross-checks


def check_hotline(definition: HotlineDefinition) -> list[Problem]:
    """Return every problem of a hotline definition as a whole (empty when sound).

    The classes of a definition refuse what is wrong in a value alone when they are
    built; this looks at how the parts fit together, and at each nested definition:

    * ``timezone`` is an IANA time zone;
    * lines: ids and numbers unique (and no line's id another line's number); the
      flow, queue, calendar and ``closed_line`` each line names exist; the language
      is one its flow speaks; something answers each line (a flow, a queue, or the
      routing rules' default queue); a ``closed_line`` has a calendar, is another
      line, and the hand-overs end somewhere (no cycle);
    * flows: the problems :func:`~callcenter.ivr.check_flow` finds, with the
      routing definition's queues as the queues that exist; the routing
      definition's problems (:func:`~callcenter.routing.check_definition`); the
      calendars' warnings;
    * endpoints: each agent exists in the routing definition, under its own key;
    * known callers: numbers unique (as :func:`~callcenter.ivr.normalize_number`
      writes them), their dedicated agents exist;
    * ticket rules: the workflow and queue exist; each rule says when it applies
      (an ``ivr_result``, an ``agent_outcome``, or both).

    Warnings (:attr:`~callcenter.errors.Severity.WARNING`) for what works but is
    likely wrong: agents without an endpoint or a mobile number (their offers ring
    at the agent id), flows and calendars no line uses, a line's number written with
    spaces or dashes (calls name it as the telephony does), a line that names both a
    flow and a queue, a blocked caller with a dedicated agent, a dedicated agent in
    no queue, a ``sticky_for`` without an agent, a ticket rule that can never apply
    or that opens tickets lacking the fields their workflow needs, two agents
    ringing at one place.

    Paths are those of the hotline document: lines by id (``lines.hotline.flow``),
    flows, workflows, calendars and endpoints by key, callers and ticket rules by
    index.

    Returns:
        Errors and warnings, in the order of the document's parts.
    """
    parts = _Parts(
        timezone=definition.timezone,
        lines=[(line.id, line) for line in definition.lines],
        flows=dict(definition.flows),
        flow_names=list(definition.flows),
        routing=definition.routing,
        workflows=dict(definition.workflows),
        workflow_names=list(definition.workflows),
        calendars=dict(definition.calendars),
        calendar_names=list(definition.calendars),
        callers=list(enumerate(definition.callers)),
        endpoints=list(definition.endpoints.items()),
        ticket_rules=list(enumerate(definition.ticket_rules)),
    )
    return _ordered(list(_cross_problems(parts, routing_errors=True)))


def _ordered(problems: list[Problem], order: Iterable[object] = ()) -> list[Problem]:
    """Problems by the order of the top-level keys, then as found (a stable sort).

    ``order`` is the document's own order of keys; keys it lacks come after, in the
    order of the format.
    """
    rank: dict[str, int] = {}
    for key in [*order, *_KEYS]:
        rank.setdefault(str(key), len(rank))
    return sorted(problems, key=lambda p: rank.get(p.path.split(".", 1)[0], len(rank)))


def _prefixed(prefix: str, problems: Iterable[Problem]) -> Iterator[Problem]:
    for p in problems:
        yield Problem(
            path=_loading.join_path(prefix, p.path), message=p.message, severity=p.severity
        )


def _cross_problems(parts: _Parts, *, routing_errors: bool) -> Iterator[Problem]:
    # A loaded routing definition's errors were reported by its loader already.
    if parts.timezone is not None:
        message = zone_problem(parts.timezone)
        if message is not None:
            yield Problem(path="timezone", message=message)
    queues = parts.queue_ids if parts.routing is None else [q.id for q in parts.routing.queues]
    agents = parts.agent_ids if parts.routing is None else [a.id for a in parts.routing.agents]
    yield from _line_problems(parts, queues)
    for name, flow in parts.flows.items():
        yield from _prefixed(f"flows.{name}", check_flow(flow, queues=queues).problems)
    if parts.lines_complete:
        used = {line.flow for _, line in parts.lines}
        for name in parts.flows:
            if name not in used:
                yield Problem(
                    path=f"flows.{name}",
                    message="no line uses this flow",
                    severity=_WARNING,
                )
    if parts.routing is not None:
        found = check_definition(parts.routing)
        if not routing_errors:
            found = [p for p in found if p.severity is _WARNING]
        yield from _prefixed("routing", found)
    for name, calendar in parts.calendars.items():
        yield from _prefixed(f"calendars.{name}", calendar.problems())
    if parts.lines_complete and len(parts.flows) == len(parts.flow_names):
        used = {line.calendar for _, line in parts.lines}
        in_flows = {id(c) for flow in parts.flows.values() for c in flow.calendars.values()}
        for name, calendar in parts.calendars.items():
            if name not in used and id(calendar) not in in_flows:
                yield Problem(
                    path=f"calendars.{name}",
                    message="no line and no flow uses this calendar (a flow's hours node "
                    "takes a calendar of the flow's own document before the hotline's)",
                    severity=_WARNING,
                )
    yield from _caller_problems(parts, agents)
    yield from _endpoint_problems(parts, agents)
    yield from _rule_problems(parts, queues)


def _line_problems(parts: _Parts, queues: list[str] | None) -> Iterator[Problem]:
    queue_set, flow_set = set(queues or ()), set(parts.flow_names)
    calendar_set = set(parts.calendar_names)
    ids: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for key, line in parts.lines:
        base = f"lines.{key}"
        if line.id in ids:
            yield Problem(path=f"{base}.id", message=f"duplicate line id {line.id!r}")
        ids.setdefault(line.id, key)
        if line.number and line.number in numbers:
            yield Problem(
                path=f"{base}.number",
                message=f"line {numbers[line.number]!r} has the number {line.number!r} too; "
                "a call could not tell the lines apart",
            )
        numbers.setdefault(line.number, key)
    for key, line in parts.lines:
        base = f"lines.{key}"
        if line.id in numbers and numbers[line.id] != key:
            yield Problem(
                path=f"{base}.id",
                message=f"the id {line.id!r} is the number of line {numbers[line.id]!r}; a "
                "call that names its line could not tell them apart",
            )
        if id(line) not in parts.stand_ins:  # (a stand-in's own problems are reported)
            yield from _line_shape(base, line, parts.routing)
        if line.flow is not None:
            if line.flow not in flow_set:
                yield _unknown(parts, f"{base}.flow", "flow", line.flow, parts.flow_names)
            elif line.flow in parts.flows and line.language is not None:
                spoken = list(parts.flows[line.flow].languages)
                if line.language not in spoken:
                    yield Problem(
                        path=f"{base}.language",
                        message=f"flow {line.flow!r} does not speak {line.language!r}"
                        f"{_did(line.language, spoken)}; expected one of: {', '.join(spoken)}",
                    )
            if line.queue is not None:
                yield Problem(
                    path=f"{base}.queue",
                    message="the line's flow answers its calls; the queue is never used",
                    severity=_WARNING,
                )
        if line.queue is not None and queues is not None and line.queue not in queue_set:
            yield _unknown(parts, f"{base}.queue", "queue", line.queue, queues)
        if line.calendar is not None:
            if line.calendar not in calendar_set:
                yield _unknown(
                    parts, f"{base}.calendar", "calendar", line.calendar, parts.calendar_names
                )
            elif line.closed_line is None:
                yield Problem(
                    path=f"{base}.calendar",
                    message="the calendar is only used with closed_line (the line that takes "
                    "the calls while this one is closed); set closed_line or leave it out",
                    severity=_WARNING,
                )
        if (
            line.closed_line is not None
            and line.closed_line != line.id
            and line.closed_line not in ids
        ):
            if len(ids) > 1:
                yield _unknown(
                    parts,
                    f"{base}.closed_line",
                    "line",
                    line.closed_line,
                    list(ids),
                    leave_out=line.id,
                )
            else:
                yield Problem(
                    path=f"{base}.closed_line",
                    message=f"unknown line {short_repr(line.closed_line)}: the hotline has no "
                    "other line to take this line's calls",
                )
    yield from _closed_cycles(parts.lines)


_SEPARATORS = str.maketrans("", "", " \t-.()")


def _line_shape(base: str, line: Line, routing: RoutingDefinition | None) -> Iterator[Problem]:
    """What answers a line, and its closed-line hand-over, as far as the line says."""
    fallback = None if routing is None else routing.rules.default_queue
    spaced = line.number.translate(_SEPARATORS)
    if spaced != line.number and spaced.lstrip("+").isdigit():
        yield Problem(
            path=f"{base}.number",
            message=f"a call finds its line by the number exactly as the telephony reports "
            f"it, and telephony writes no spaces, dashes or brackets: write {spaced!r}",
            severity=_WARNING,
        )
    if line.flow is None and line.queue is None and routing is not None and fallback is None:
        yield Problem(
            path=f"{base}.flow",
            message="give the flow that answers the line, or the queue its calls go to (or a "
            "default_queue in the routing definition's rules)",
        )
    if line.closed_line is not None:
        if line.closed_line == line.id:
            yield Problem(
                path=f"{base}.closed_line", message="a line cannot hand its calls to itself"
            )
        if line.calendar is None:
            yield Problem(
                path=f"{base}.calendar",
                message=f"closed_line {line.closed_line!r} takes the calls while the line's "
                "calendar says closed; give the calendar",
            )


def _closed_cycles(lines: list[tuple[str, Line]]) -> Iterator[Problem]:
    """An error for each cycle of closed-line hand-overs, at the first of its lines.

    Each line hands over to at most one other, so every walk either ends or runs into
    a cycle; each line is walked once (linear in the number of lines).
    """
    target = {line.id: line.closed_line for _, line in lines}
    key_of = {line.id: key for key, line in reversed(lines)}
    order = {line_id: index for index, line_id in enumerate(target)}
    done: set[str] = set()
    for start in target:
        walk: dict[str, int] = {}  # line -> its place on this walk
        current: str | None = start
        while current is not None and current in target and current not in done:
            if current in walk:
                cycle = list(walk)[walk[current] :]
                if len(cycle) == 1:
                    break  # a line that names itself: said by _line_shape
                first = min(cycle, key=order.__getitem__)
                at = cycle.index(first)
                ring = [*cycle[at:], *cycle[:at]]
                if len(ring) > 8:
                    ring = [*ring[:6], f"... ({len(ring) - 6} more)"]
                shown = " -> ".join([*ring, first])
                yield Problem(
                    path=f"lines.{key_of[first]}.closed_line",
                    message=f"closed lines hand calls round in a cycle of {len(cycle)} "
                    f"({shown}); when they "
                    "are all closed a call has no line to go to: end the chain at a line "
                    "without closed_line",
                )
                break
            walk[current] = len(walk)
            current = target[current]
        done.update(walk)


def _caller_problems(parts: _Parts, agents: list[str] | None) -> Iterator[Problem]:
    agent_set = set(agents or ())
    idle = set()  # agents of the routing definition who are members of no queue
    if parts.routing is not None:
        idle = {agent.id for agent in parts.routing.agents if not agent.queues}
    seen: dict[str, int] = {}
    for index, caller in parts.callers:
        base = f"callers.{index}"
        try:
            number = normalize_number(caller.number)
        except InvalidArgumentError:  # no number: said where the caller was built
            number = ""
        if number and number in seen:
            yield Problem(
                path=f"{base}.number",
                message=f"the number {caller.number!r} is known already, at callers.{seen[number]}",
            )
        seen.setdefault(number, index)
        if caller.agent is not None and agents is not None and caller.agent not in agent_set:
            yield _unknown(parts, f"{base}.agent", "agent", caller.agent, agents)
        if caller.agent in idle:
            yield Problem(
                path=f"{base}.agent",
                message=f"agent {caller.agent!r} is a member of no queue: the caller's "
                "contacts are never offered to them",
                severity=_WARNING,
            )
        if caller.status is CallerStatus.BLOCKED and (caller.agent is not None or caller.tier):
            yield Problem(
                path=base,
                message="a blocked caller is rejected before any agent or tier counts; "
                "leave out agent and tier, or change the status",
                severity=_WARNING,
            )
        if caller.sticky_for > 0 and caller.agent is None:
            yield Problem(
                path=f"{base}.sticky_for",
                message="sticky_for keeps a contact for the dedicated agent; without an "
                "agent it does nothing",
                severity=_WARNING,
            )


def _endpoint_problems(parts: _Parts, agents: list[str] | None) -> Iterator[Problem]:
    agent_set = set(agents or ())
    mobiles: dict[str, str] = {}
    if parts.routing is not None:
        for agent in parts.routing.agents:
            if agent.mobile_number is not None:
                mobiles[agent.id] = agent.mobile_number
    places: dict[str, str] = {}
    for key, endpoint in parts.endpoints:
        base = f"endpoints.{key}"
        if endpoint.agent != key:
            yield Problem(
                path=f"{base}.agent",
                message=f"the endpoint is listed under {key!r} but names agent "
                f"{endpoint.agent!r}; list it under the agent's id",
            )
        if agents is not None and endpoint.agent and endpoint.agent not in agent_set:
            yield _unknown(
                parts,
                f"{base}.agent" if endpoint.agent != key else base,
                "agent",
                endpoint.agent,
                agents,
            )
        for name in ("extension", "sip_uri", "mobile"):
            value = getattr(endpoint, name)
            if value is None:
                continue
            if value in places and places[value] != key:
                yield Problem(
                    path=f"{base}.{name}",
                    message=f"{value!r} is also where {places[value]!r} rings; an offer to "
                    "one would ring the other's phone",
                    severity=_WARNING,
                )
            places.setdefault(value, key)
        mobile = mobiles.get(endpoint.agent)
        if (
            mobile is not None
            and endpoint.mobile is not None
            and _same_number(mobile, endpoint.mobile) is False
        ):
            yield Problem(
                path=f"{base}.mobile",
                message=f"the routing definition gives agent {endpoint.agent!r} the mobile "
                f"number {mobile!r}; which one rings?",
                severity=_WARNING,
            )
    if agents is not None and parts.endpoints_complete:
        # An agent with a mobile number in the routing definition rings there.
        listed = {endpoint.agent for _, endpoint in parts.endpoints} | set(mobiles)
        missing = [agent for agent in agents if agent not in listed]
        if missing:
            shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
            yield Problem(
                path="endpoints",
                message=f"no endpoint for {len(missing)} agent(s) of the routing definition "
                f"({shown}): offers to them ring at the agent's id, which a telephony "
                "adapter may not be able to dial",
                severity=_WARNING,
            )


def _same_number(a: str, b: str) -> bool | None:
    try:
        return normalize_number(a) == normalize_number(b)
    except InvalidArgumentError:
        return None


_AGENT_RESULTS = (SessionResult.ENQUEUED.value,)


def _rule_problems(parts: _Parts, queues: list[str] | None) -> Iterator[Problem]:
    queue_set, workflow_set = set(queues or ()), set(parts.workflow_names)
    for index, rule in parts.ticket_rules:
        base = f"ticket_rules.{index}"
        workflow = parts.workflows.get(rule.workflow)
        if rule.workflow and rule.workflow not in workflow_set:
            yield _unknown(
                parts, f"{base}.workflow", "workflow", rule.workflow, parts.workflow_names
            )
        if rule.queue is not None and queues is not None and rule.queue not in queue_set:
            yield _unknown(parts, f"{base}.queue", "queue", rule.queue, queues)
        if (
            rule.ivr_result is None
            and rule.agent_outcome is None
            and id(rule) not in parts.stand_ins
        ):
            yield Problem(
                path=base,
                message="a ticket rule says when it applies: give ivr_result (how the IVR "
                "session ended) or agent_outcome (what the agent reports), or both",
            )
        if (
            rule.ivr_result is not None
            and rule.ivr_result not in _AGENT_RESULTS
            and rule.agent_outcome is not None
        ):
            yield Problem(
                path=f"{base}.agent_outcome",
                message=f"a call whose IVR session ends {rule.ivr_result!r} never reaches an "
                "agent, so this rule never applies; leave out one of the two",
                severity=_WARNING,
            )
        if workflow is not None and rule.agent_outcome is None:
            given = {"customer_phone", *rule.fields}
            lacking = [name for name in workflow.required_on_open if name not in given]
            if lacking:
                yield Problem(
                    path=f"{base}.fields",
                    message=f"workflow {rule.workflow!r} needs {', '.join(lacking)} to open a "
                    "ticket, and no agent's input gives fields to this rule; add them to "
                    "fields",
                    severity=_WARNING,
                )


# --------------------------------------------------------------------------- loading


def _named_after(key: object, document: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A flow's or workflow's document, named after its key when it gives no name."""
    if document is None or "name" in document:
        return document
    return {"name": str(key), **document}


def _field_of(path: str, problem: Problem) -> str | None:
    """The field of the table at ``path`` that ``problem`` is about (``None``: the table)."""
    if not problem.path.startswith(path + "."):
        return None
    return problem.path[len(path) + 1 :].split(".", 1)[0]


def _value_problems(
    cl: type[Any], table: Mapping[str, Any], path: str, found: list[Problem]
) -> list[Problem]:
    """What the class's own checks say of the values that did load, beside ``found``.

    A table with a value of the wrong type is never built, so the checks the class
    makes when it is built (a number's range, a phone number, a SIP address) would
    not run on its other values: build it from those values alone, the fields that
    failed (or are missing) standing in with their default or a harmless text, and
    keep what is said about the values that loaded. What is said of the table as a
    whole depends on the fields that failed, so it is left out.
    """
    failed = {_field_of(path, problem) for problem in found}
    if None in failed:  # the table as a whole failed: nothing to add
        return []
    hints = typing.get_type_hints(cl)
    given: dict[str, Any] = {}
    checked: set[str] = set()
    for field in attrs.fields(cl):
        name = field.name
        if name in table and name not in failed:
            try:
                given[name] = _CONVERTER.structure(table[name], hints[name])
            except (ClassValidationError, IterableValidationError, TypeError, ValueError):
                continue  # said in ``found`` already
            checked.add(name)
        elif field.default is attrs.NOTHING:
            given[name] = "0"  # every required field of these classes is text
    try:
        cl(**given)
    except DefinitionError as exc:
        return [
            problem
            for problem in _loading.problems_from_exception(exc, path)
            if _field_of(path, problem) in checked
        ]
    except (TypeError, ValueError):
        return []
    return []


def _by_field(cl: type[Any], path: str, problems: list[Problem]) -> list[Problem]:
    """The problems of one table in the order of its class's fields (unknown keys last)."""
    order = {field.name: index for index, field in enumerate(attrs.fields(cl))}

    def rank(problem: Problem) -> int:
        field = _field_of(path, problem)
        return -1 if field is None else order.get(field, len(order))

    return sorted(problems, key=rank)


class _Loader:
    """Loads one hotline document, collecting every problem."""

    def __init__(self, base: Path | None) -> None:
        self.base = base
        self.problems: list[Problem] = []
        self.files: dict[str, str] = {}  # the path of a part -> the file it came from
        self.stand_ins: set[int] = set()  # ids of the stand-ins of items that did not load

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message))

    def absorb(self, exc: BaseException, path: str) -> None:
        found = _loading.problems_from_exception(exc, path)
        self.problems.extend(found or [Problem(path=path, message="invalid value")])

    def nested(self, path: str, value: object, what: str) -> Mapping[str, Any] | None:
        """A nested definition's document: the table itself, or the file a text names."""
        if isinstance(value, Mapping):
            return value
        if not isinstance(value, str) or not value.strip():
            self.add(
                path,
                f"expected a {what} table, or the name of a {what} file relative to the "
                f"hotline document; got {_loading.short_text(value)}",
            )
            return None
        file = Path(value) if self.base is None else self.base / value
        try:
            data = _loading.read_document(file)
        except DocumentError as exc:
            self.add(path, str(exc))
            return None
        self.files[path] = value
        return data

    def table(self, data: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
        """The table at ``key`` (empty when absent); a problem when it is not a table."""
        value = data.get(key, {})
        if isinstance(value, Mapping):
            return value
        self.add(key, f"expected a table of {what}, got {_loading.short_text(value)}")
        return {}

    def items(self, data: Mapping[str, Any], key: str, what: str) -> list[object]:
        value = data.get(key, [])
        if isinstance(value, list):
            return value
        self.add(key, f"expected a list of {what} ([[{key}]]), got {_loading.short_text(value)}")
        return []

    def structure(self, value: object, cl: type[T], path: str) -> T | None:
        if not isinstance(value, Mapping):
            self.add(path, f"expected a table, got {_loading.short_text(value)}")
            return None
        try:
            return _CONVERTER.structure(value, cl)
        except (
            ClassValidationError,
            IterableValidationError,
            DefinitionError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            found = _loading.problems_from_exception(exc, path)
            found = found or [Problem(path=path, message="invalid value")]
            self.problems.extend(
                _by_field(cl, path, [*found, *_value_problems(cl, value, path, found)])
            )
            return None

    def keyed(
        self, data: Mapping[str, Any], key: str, field: str, cl: type[T], what: str
    ) -> tuple[list[tuple[str, T]], bool]:
        """A table of tables keyed by ``field`` (lines by id, endpoints by agent)."""
        built: list[tuple[str, T]] = []
        complete = isinstance(data.get(key, {}), Mapping)
        for name, body in self.table(data, key, what).items():
            path = f"{key}.{name}"
            if isinstance(body, Mapping) and field in body:
                self.add(
                    f"{path}.{field}",
                    f"unknown key {field!r}: the {field} is the table's key ({name!r}); "
                    "leave it out",
                )
                complete = False
                body = {k: v for k, v in body.items() if k != field}
            table = {**body, field: str(name)} if isinstance(body, Mapping) else body
            item = self.structure(table, cl, path)
            if item is None:
                complete = False
                item = _stand_in(cl, table if isinstance(table, Mapping) else {field: str(name)})
                self.stand_ins.add(id(item))
            built.append((str(name), item))
        return built, complete

    def scalar(self, data: Mapping[str, Any], key: str, cl: type[T], default: T) -> T:
        if key not in data:
            return default
        try:
            return _CONVERTER.structure(data[key], cl)
        except (TypeError, ValueError) as exc:
            self.absorb(exc, key)
            return default

    def top_level(self, data: Mapping[str, Any], parts: _Parts) -> tuple[str, str, float]:
        """The name, time zone and service-level threshold."""
        if "name" not in data:
            self.add("name", "required field missing")
        name = self.scalar(data, "name", str, "")
        if "name" in data and isinstance(data["name"], str) and not name.strip():
            self.add("name", "expected a non-empty text, got an empty one")
        timezone = self.scalar(data, "timezone", str, "UTC")
        if "timezone" in data and isinstance(data["timezone"], str):
            parts.timezone = timezone  # checked with the cross-references
        answer_time = self.scalar(data, "answer_time", float, 20.0)
        message = number_problem(answer_time, minimum=0)
        if message is not None:
            self.add("answer_time", message)
        return name, timezone, answer_time

    def calendars(self, data: Mapping[str, Any], parts: _Parts) -> None:
        for key, value in self.table(data, "calendars", "calendars").items():
            path = f"calendars.{key}"
            parts.calendar_names.append(str(key))
            document = self.nested(path, value, "calendar")
            if document is not None:
                try:
                    parts.calendars[str(key)] = BusinessCalendar.from_dict(
                        document, what=f"calendar {key!r}"
                    )
                except DefinitionError as exc:
                    self.absorb(exc, path)

    def flows(self, data: Mapping[str, Any], parts: _Parts) -> None:
        for key, value in self.table(data, "flows", "flows").items():
            path = f"flows.{key}"
            parts.flow_names.append(str(key))
            document = _named_after(key, self.nested(path, value, "flow"))
            if document is not None:
                calendars = _named(document, parts.calendars)
                try:
                    parts.flows[str(key)] = flow_from_dict(
                        document, calendars=calendars, what=f"flow {key!r}"
                    )
                except DefinitionError as exc:
                    self.absorb(exc, path)

    def routing(self, data: Mapping[str, Any], parts: _Parts) -> None:
        """The routing definition (an empty one when the document has none)."""
        if "routing" not in data:
            parts.routing = RoutingDefinition()
            return
        document = self.nested("routing", data["routing"], "routing definition")
        if document is None:
            return
        try:
            parts.routing = load_definition(document)
        except DefinitionError as exc:
            self.absorb(exc, "routing")
            parts.queue_ids = _raw_ids(document, "queues")
            parts.agent_ids = _raw_ids(document, "agents")

    def workflows(self, data: Mapping[str, Any], parts: _Parts) -> None:
        """The built-in workflows, and the document's (which replace one of a name)."""
        parts.workflows = dict(BUILTIN_WORKFLOWS)
        parts.workflow_names = list(BUILTIN_WORKFLOWS)
        for key, value in self.table(data, "workflows", "workflows").items():
            path = f"workflows.{key}"
            if str(key) not in parts.workflow_names:
                parts.workflow_names.append(str(key))
            parts.workflows.pop(str(key), None)
            document = _named_after(key, self.nested(path, value, "workflow"))
            if document is None:
                continue
            try:
                workflow = workflow_from_dict(document, what=f"workflow {key!r}")
            except DefinitionError as exc:
                self.absorb(exc, path)
                continue
            if workflow.name != key:
                self.add(
                    f"{path}.name",
                    f"the workflow is named {workflow.name!r} but listed as {key!r}; "
                    "a ticket desk knows a workflow by its name: use the same",
                )
                continue
            parts.workflows[str(key)] = workflow

    def listed(
        self, data: Mapping[str, Any], key: str, cl: type[T], what: str
    ) -> list[tuple[int, T]]:
        """A list of tables (``[[callers]]``), each by its index; stand-ins for the broken."""
        built: list[tuple[int, T]] = []
        for index, item in enumerate(self.items(data, key, what)):
            instance = self.structure(item, cl, f"{key}.{index}")
            if instance is None:
                instance = _stand_in(cl, item)
                self.stand_ins.add(id(instance))
            built.append((index, instance))
        return built

    def load(self, data: Mapping[str, Any]) -> tuple[HotlineDefinition | None, _Parts]:
        """Load every part of the document; the definition is ``None`` on any error."""
        for key in data:
            if key not in _KEYS:
                self.add(
                    str(key),
                    f"unknown key {short_repr(key)}{_did(key, list(_KEYS))}; expected one of: "
                    f"{', '.join(sorted(_KEYS))}",
                )
        parts = _Parts()
        name, timezone, answer_time = self.top_level(data, parts)
        self.calendars(data, parts)
        self.flows(data, parts)
        self.routing(data, parts)
        self.workflows(data, parts)
        parts.lines, parts.lines_complete = self.keyed(data, "lines", "id", Line, "lines")
        parts.endpoints, parts.endpoints_complete = self.keyed(
            data, "endpoints", "agent", Endpoint, "endpoints by agent id"
        )
        parts.callers = self.listed(data, "callers", KnownCaller, "known callers")
        parts.ticket_rules = self.listed(data, "ticket_rules", TicketRule, "ticket rules")
        hold = HoldTreatment()
        if "hold" in data:
            hold = self.structure(data["hold"], HoldTreatment, "hold") or hold

        parts.stand_ins = self.stand_ins
        self.problems.extend(_cross_problems(parts, routing_errors=False))
        routing = parts.routing
        if any(p.severity is Severity.ERROR for p in self.problems) or routing is None:
            return None, parts
        definition = HotlineDefinition(
            name=name,
            timezone=timezone,
            answer_time=answer_time,
            lines=tuple(line for _, line in parts.lines),
            flows=parts.flows,
            routing=routing,
            workflows=parts.workflows,
            ticket_rules=tuple(rule for _, rule in parts.ticket_rules),
            calendars=parts.calendars,
            callers=tuple(caller for _, caller in parts.callers),
            endpoints=dict(parts.endpoints),
            hold=hold,
        )
        return definition, parts

    def located(self, order: Iterable[object]) -> list[Problem]:
        """The problems in the document's order, each naming the file it is in."""
        result = []
        for problem in _ordered(self.problems, order):
            for prefix, file in self.files.items():
                if problem.path == prefix or problem.path.startswith(prefix + "."):
                    problem = attrs.evolve(problem, message=f"{problem.message} (in {file})")
                    break
            result.append(problem)
        return result


def load_hotline_document(
    data: Mapping[str, Any], *, base: str | Path | None = None, what: str = "hotline"
) -> tuple[HotlineDefinition | None, list[Problem]]:
    """Load a hotline document; return the definition (``None`` on errors) and every problem.

    What ``callcenter hotline check`` runs: the warnings of a sound document come
    back with it.
    """
    _loading.require_table(data, what=what)
    loader = _Loader(None if base is None else Path(base))
    definition, _ = loader.load(data)
    return definition, loader.located(data)


def hotline_from_dict(
    data: Mapping[str, Any], *, base: str | Path | None = None, what: str = "hotline"
) -> HotlineDefinition:
    """Build a :class:`~callcenter.hotline.HotlineDefinition` from a parsed document.

    Args:
        data: The document (from TOML, JSON or YAML).
        base: The directory that file names in the document are relative to (a
            flow, routing definition, workflow or calendar given as a file name);
            without it, relative to the working directory.
        what: How to name the document in the error.

    Returns:
        The definition, checked as a whole by :func:`check_hotline` (warnings do not
        stop it: ``check_hotline`` lists them).

    Raises:
        DefinitionError: Every problem at once (warnings included), each with its
            path in the hotline document.

    >>> hotline_from_dict({
    ...     "name": "tiny",
    ...     "routing": {"queues": [{"id": "enquiry"}]},
    ...     "lines": {"main": {"number": "4008001234", "queue": "enquiry"}},
    ... }).lines[0].queue
    'enquiry'
    >>> hotline_from_dict({
    ...     "name": "tiny",
    ...     "routing": {"queues": [{"id": "enquiry"}]},
    ...     "lines": {"main": {"number": "4008001234", "queue": "enqiury"}},
    ...     "callers": [{"number": "139 0000 0001", "sticky_for": -5}],
    ... })
    Traceback (most recent call last):
    ...
    callcenter.errors.DefinitionError: invalid hotline: 2 problems
      lines.main.queue: unknown queue 'enqiury' (did you mean 'enquiry'?); expected one of: enquiry
      callers.0.sticky_for: expected a number >= 0, got -5.0
    """
    definition, problems = load_hotline_document(data, base=base, what=what)
    if definition is None:
        raise DefinitionError(problems, what=what)
    return definition


def load_hotline(path: str | Path) -> HotlineDefinition:
    """Read a hotline document (TOML, JSON or YAML); file names in it are relative to it.

    Raises:
        InvalidArgumentError: ``path`` is not a file name (a text or a path).
        DocumentError: The file cannot be read or parsed.
        DefinitionError: Every problem of the hotline, each with its path.
    """
    given: object = path
    named = isinstance(given, PathLike) and isinstance(fspath(given), str)
    if not (isinstance(given, str) or named):
        raise InvalidArgumentError(name="path", expected="a file name or a Path", got=given)
    path = Path(path)
    return hotline_from_dict(_loading.read_document(path), base=path.parent, what=f"hotline {path}")


# --------------------------------------------------------------------------- writing


def _plain(value: object) -> Any:
    """A value as a document holds it: tables, lists, text, numbers, booleans, no null."""
    if isinstance(value, Mapping):
        return {str(_plain(k)): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, CallerStatus | SessionResult):
        return value.value
    return value


def _compact(instance: object, leave_out: str = "") -> dict[str, Any]:
    """An attrs instance's fields that differ from their defaults, as a document table."""
    table: dict[str, Any] = {}
    for field in attrs.fields(cast(Any, type(instance))):
        if not field.init or field.name == leave_out:
            continue
        value = getattr(instance, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if value is None or (default is not attrs.NOTHING and value == default):
            continue
        table[field.name] = _plain(_CONVERTER.unstructure(value))
    return table


def hotline_to_dict(definition: HotlineDefinition) -> dict[str, Any]:
    """The hotline as a document that :func:`hotline_from_dict` reads back.

    Everything is written inline (flows, the routing definition, workflows and
    calendars in their own formats); values at their defaults are left out, and so
    are the built-in workflows, which every hotline document has. The document holds
    only tables, lists, text, numbers and booleans: ``json.dumps`` writes it.

    A workflow built in code with guard functions is written with the guards' names,
    as :func:`~callcenter.tickets.workflow_to_dict` does; a document cannot name
    functions, so such a hotline does not load back.

    >>> from callcenter.hotline import HotlineDefinition, Line
    >>> hotline_to_dict(HotlineDefinition(name="tiny",
    ...     lines=(Line(id="main", number="4008001234", queue="enquiry"),)))
    {'name': 'tiny', 'lines': {'main': {'number': '4008001234', 'queue': 'enquiry'}}}
    """
    document: dict[str, Any] = {"name": definition.name}
    if definition.timezone != "UTC":
        document["timezone"] = definition.timezone
    if definition.answer_time != 20.0:
        document["answer_time"] = definition.answer_time
    if definition.lines:
        document["lines"] = {line.id: _compact(line, "id") for line in definition.lines}
    if definition.flows:
        document["flows"] = {
            name: _plain(flow_to_dict(flow)) for name, flow in definition.flows.items()
        }
    routing = _plain(_CONVERTER.unstructure(definition.routing))
    if definition.routing != RoutingDefinition():
        document["routing"] = routing
    workflows = {
        name: _plain(workflow_to_dict(workflow))
        for name, workflow in definition.workflows.items()
        if BUILTIN_WORKFLOWS.get(name) is not workflow
    }
    if workflows:
        document["workflows"] = workflows
    if definition.ticket_rules:
        document["ticket_rules"] = [_compact(rule) for rule in definition.ticket_rules]
    if definition.calendars:
        document["calendars"] = {
            name: _plain(calendar.to_dict()) for name, calendar in definition.calendars.items()
        }
    if definition.callers:
        document["callers"] = [_compact(caller) for caller in definition.callers]
    if definition.endpoints:
        document["endpoints"] = {
            agent: _compact(endpoint, "agent") for agent, endpoint in definition.endpoints.items()
        }
    hold = _compact(definition.hold)
    if hold:
        document["hold"] = hold
    return document
