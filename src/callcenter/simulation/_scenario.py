"""Scenarios: a simulated day of a hotline, written in TOML and loaded through cattrs.

A scenario names the routing definition (inline, or a file next to the scenario) or
a hotline document that gives it with the lines' flows, the lines that callers dial
(an arrival profile each, through an IVR flow file or straight to a queue, or as the
hotline's line of that name answers them), how callers behave in the IVR, the handle
time and patience of each queue, the staff on shifts, and the share of calls that open
a ticket. Every problem in the document is reported at once, with its path::

    name = "demo"
    date = 2026-10-08
    timezone = "Asia/Shanghai"
    routing = "hotline.toml"

    [lines.main]
    queue = "enquiry"
    arrivals = { kind = "poisson", start = 28800, per_interval = [20, 30] }

    [queues.enquiry]
    handle_time = { kind = "exponential", mean = 180 }
    patience = { kind = "exponential", mean = 120 }

    [[staff]]
    agents = ["a1", "a2"]
    shift = { hours = "08:00-17:00", breaks = ["12:00-12:30"] }
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from .. import _loading
from .._checks import Problems
from ..errors import DefinitionError, DocumentError, InvalidArgumentError, Problem, did_you_mean
from ..hotline import HotlineDefinition, hotline_from_dict
from ..ivr import Flow, load_flow
from ..routing import RoutingDefinition, check_definition, load_definition
from ..tickets import BUILTIN_WORKFLOWS
from ._arrivals import ArrivalProcess
from ._definitions import register_model_hooks
from ._distributions import Choice, Deterministic, Duration, NoPatience, Patience
from ._limits import arrival_problems, staff_problems, window_problems
from ._shifts import Shift

__all__ = [
    "CallerModel",
    "LineModel",
    "QueueModel",
    "Scenario",
    "StaffGroup",
    "TicketModel",
    "TicketStep",
    "load_scenario",
    "scenario_from_dict",
]


MAX_DAYS = 366
"""The longest run a scenario may ask for, in days (a year: runs grow with their length)."""

MAX_DRAIN_HOURS = 168
"""The most hours after the end that calls in progress may run on (a week)."""

_SECONDS: dict[str, float] = {"minimum": 0}  # a duration: finite, >= 0, at most LARGEST
_SHARE: dict[str, float] = {"minimum": 0, "maximum": 1}  # a probability


_DOCUMENT_NUMBERS: dict[str, dict[str, Any]] = {
    "seed": {"minimum": 0, "integer": True},
    "answer_time": {"minimum": 0},
    "drain_hours": {"minimum": 0, "maximum": MAX_DRAIN_HOURS},
    "days": {"minimum": 0, "exclusive_minimum": True, "maximum": MAX_DAYS},
}


def _raw_number_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """The top-level numbers' problems, read from the raw document.

    Reported with the problems of the nested tables, which keep the document from
    being built (so that its own checks would not run): every problem at once.
    """
    problems = Problems()
    for name, bounds in _DOCUMENT_NUMBERS.items():
        if name in raw:
            problems.number(name, raw[name], **bounds)
    return problems.items


# The shape of the document's nested values: "table" (a table whose keys are
# checked by the converter), ("table", {key: shape}), ("map", shape) (a table from
# any name to a value of that shape), ("list", shape), and "text".
_Shape = Any
_SHAPES: dict[str, _Shape] = {
    "lines": ("map", ("table", {"arrivals": ("table", {"per_interval": "list", "at": "list"})})),
    "queues": ("map", "table"),
    "staff": (
        "list",
        ("table", {"agents": ("list", "text"), "shift": ("table", {"breaks": "list"})}),
    ),
    "callers": ("table", {"menus": ("map", "table"), "inputs": "table", "lookup_values": "table"}),
    "tickets": (
        "list",
        ("table", {"fields": "table", "steps": ("list", ("table", {"fields": "table"}))}),
    ),
    "routing": "table",
}
_SHAPE_WORDS = {"table": "a table", "list": "a list", "map": "a table", "text": "text"}


def _kind(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _shape_problems(path: str, value: object, shape: _Shape) -> Iterator[Problem]:
    kind, inner = (shape, None) if isinstance(shape, str) else shape
    if kind == "text":
        ok = isinstance(value, str)
    elif kind == "list":
        ok = isinstance(value, list | tuple)
    else:
        ok = isinstance(value, Mapping)
    if not ok:
        yield Problem(path=path, message=f"expected {_SHAPE_WORDS[kind]}, got {_kind(value)}")
        return
    if inner is None:
        return
    if kind == "list":
        assert isinstance(value, list | tuple)
        for index, item in enumerate(value):
            yield from _shape_problems(f"{path}.{index}", item, inner)
    elif kind == "map":
        assert isinstance(value, Mapping)
        for key, item in value.items():
            yield from _shape_problems(f"{path}.{key}", item, inner)
    else:
        assert isinstance(value, Mapping)
        for key, item_shape in inner.items():
            if key in value:
                yield from _shape_problems(f"{path}.{key}", value[key], item_shape)


def _raw_shape_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """Nested values of the wrong shape, read from the raw document.

    Said plainly (``lines: expected a table, got int 5``) instead of the converter's
    account of how it failed on them; text where a list is expected (``agents =
    "a1"``) is refused rather than read as a list of its letters.
    """
    problems: list[Problem] = []
    for name, shape in _SHAPES.items():
        if name in raw and raw[name] is not None:
            problems.extend(_shape_problems(name, raw[name], shape))
    return problems


def _check_numbers(instance: object, what: str, fields: dict[str, dict[str, float]]) -> None:
    """Check each named float field of ``instance``; raise every problem at once."""
    problems = Problems()
    for name, bounds in fields.items():
        problems.number(name, getattr(instance, name), **bounds)
    problems.raise_if_any(what=what)


@attrs.frozen(kw_only=True)
class QueueModel:
    """How the callers and agents of one queue behave.

    Attributes:
        handle_time: Talk time of an answered call.
        patience: How long a caller waits before hanging up (``none``: never).
    """

    handle_time: Duration
    patience: Patience = attrs.field(factory=NoPatience)


@attrs.frozen(kw_only=True)
class StaffGroup:
    """Agents who share a shift and a way of answering.

    Only agents listed in a staff group work; the others of the routing definition
    stay logged out.

    Attributes:
        agents: Agent ids of the routing definition.
        shift: Their working hours and breaks (``None``: logged in all day).
        ring_no_answer: Probability that an offer rings out unanswered.
        answer_after: Seconds from the first ring to the answer.
    """

    agents: tuple[str, ...]
    shift: Shift | None = None
    ring_no_answer: float = 0.0
    answer_after: float = 3.0

    def __attrs_post_init__(self) -> None:
        _check_numbers(self, "staff group", {"ring_no_answer": _SHARE, "answer_after": _SECONDS})


@attrs.frozen(kw_only=True)
class LineModel:
    """A number callers dial: an arrival profile, then an IVR flow or a queue.

    With a ``hotline``, a line is the hotline's line of the same name: its flow (or
    queue) answers the calls and its number is the number dialled; the line then
    gives neither ``ivr`` nor ``queue``.

    Attributes:
        arrivals: Arrival times in seconds after local midnight of the scenario's date
            (a ``poisson`` profile's ``start = 28800`` is 08:00).
        ivr: The IVR flow file (relative to the scenario file), or ``None``. Give
            exactly one of ``ivr`` and ``queue`` (neither with a ``hotline``). In a
            loaded scenario whose line is a hotline's, the name of the hotline's flow.
        queue: The queue calls go to when there is no IVR.
        dialled: The number dialled (written in the records; with a ``hotline``, its
            line's number).
    """

    arrivals: ArrivalProcess
    ivr: str | None = None
    queue: str | None = None
    dialled: str = ""


@attrs.frozen(kw_only=True)
class CallerModel:
    """How simulated callers behave in the IVR.

    Attributes:
        menus: For an input node id, a choice among keys to press and the outcomes
            ``no_input`` (stay silent), ``hang_up`` and ``enter`` (type the node's
            ``inputs`` entry). Nodes without a model get silence.
        inputs: For a collect node id, the keys typed on ``enter``.
        think_time: Seconds between the end of a prompt and the caller's keys.
        lookup_found: Probability that a host lookup finds what it looks for.
        lookup_values: The values a successful lookup returns.
        recording_seconds: Length of a voicemail message.
        vip_share: Share of callers on the VIP list (a probability). A VIP
            caller's IVR session has the caller status ``vip`` (a flow may branch on
            the attribute ``caller_status``), and the caller's contact gets one
            priority point more in its queue.
        vip_agent: The agent VIP callers go to first, if any.
        vip_sticky: Seconds during which only ``vip_agent`` may take a VIP call.
    """

    menus: Mapping[str, Choice] = attrs.field(factory=dict)
    inputs: Mapping[str, str] = attrs.field(factory=dict)
    think_time: float = 2.0
    lookup_found: float = 0.9
    lookup_values: Mapping[str, str] = attrs.field(factory=dict)
    recording_seconds: float = 30.0
    vip_share: float = 0.0
    vip_agent: str | None = None
    vip_sticky: float = 30.0

    def __attrs_post_init__(self) -> None:
        _check_numbers(
            self,
            "caller model",
            {
                "think_time": _SECONDS,
                "lookup_found": _SHARE,
                "recording_seconds": _SECONDS,
                "vip_share": _SHARE,
                "vip_sticky": _SECONDS,
            },
        )


@attrs.frozen(kw_only=True)
class TicketStep:
    """A trigger fired on a ticket when it is worked on, with the fields it needs.

    Attributes:
        trigger: The workflow's trigger.
        fields: Fields the transition needs.
        after: Seconds after the previous step (the first step comes
            ``resolve_after`` after the call).
    """

    trigger: str
    fields: Mapping[str, str] = attrs.field(factory=dict)
    after: float = 0.0

    def __attrs_post_init__(self) -> None:
        _check_numbers(self, "ticket step", {"after": _SECONDS})


@attrs.frozen(kw_only=True)
class TicketModel:
    """A share of the answered calls of a queue that open a ticket.

    Attributes:
        queue: The queue whose answered calls may open a ticket.
        share: The probability that one does.
        workflow: A built-in workflow name (``complaint``, ``enquiry``, ``order``...).
        fields: Fields given when the ticket is opened.
        steps: Triggers fired in order, each ``after`` seconds after the previous.
        resolve_after: Time from the end of the call to the first step.
    """

    queue: str
    share: float
    workflow: str
    fields: Mapping[str, str] = attrs.field(factory=dict)
    steps: tuple[TicketStep, ...] = ()
    resolve_after: Duration = attrs.field(factory=lambda: Deterministic(value=3600.0))

    def __attrs_post_init__(self) -> None:
        _check_numbers(self, "ticket model", {"share": _SHARE})


@attrs.frozen(kw_only=True)
class _Document:
    name: str
    date: datetime.date
    lines: dict[str, LineModel]
    routing: dict[str, Any] | None = None
    hotline: str | None = None
    queues: dict[str, QueueModel]
    staff: tuple[StaffGroup, ...] = ()
    seed: int = 0
    timezone: str = "UTC"
    answer_time: float = 20.0
    drain_hours: float = 4.0
    days: float = 1.0
    callers: CallerModel = attrs.field(factory=CallerModel)
    tickets: tuple[TicketModel, ...] = ()
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        for name, bounds in _DOCUMENT_NUMBERS.items():
            problems.number(name, getattr(self, name), **bounds)
        problems.raise_if_any(what="scenario")


@attrs.frozen(kw_only=True)
class Scenario:
    """A loaded, checked scenario.

    Scenarios are written in TOML or JSON and loaded with :func:`load_scenario` or
    :func:`scenario_from_dict`; the manual's reference page "The scenario file
    format" lists every key of the document with its type and default. A document
    has the keys below, except ``flows``, which is filled from the ``ivr`` files its
    lines name.

    Attributes:
        name: The scenario's name.
        date: The simulated day (local date in ``timezone``).
        timezone: IANA zone of the day's wall clock (shifts, arrivals, report).
        seed: The default seed (a run may give another).
        routing: The routing definition the ACD runs. In a document: the routing
            definition itself (a table), or the name of a routing definition file,
            relative to the scenario file; left out when a ``hotline`` gives it. A
            simulated call is routed as in a hotline: the definition's ``rules``
            apply, and the queue its IVR flow or its line names is used when no rule
            chooses one.
        hotline: The hotline the scenario simulates, if any. In a document: the name
            of a hotline document (relative to the scenario file), which gives the
            routing definition and, for each of the scenario's lines, the flow or
            queue of the hotline's line of that name and its number; a call starts
            in its line's language, and a closed line hands its calls on to its
            ``closed_line``, as in the hotline. What else the hotline says (known
            callers, endpoints, ticket rules) is not simulated: the scenario's
            ``callers`` and ``tickets`` say how simulated callers behave and which
            calls open tickets.
        lines: Lines by name.
        flows: IVR flows by the path written in the lines (by the hotline's flow
            name for a hotline's line).
        queues: Queue behaviour by queue id; every queue of the routing definition
            needs one, and no other queue may have one.
        staff: Staff groups; agents of the routing definition who are in no group
            stay logged out.
        callers: Caller behaviour in the IVR.
        tickets: Ticket models.
        answer_time: Service-level threshold, seconds (>= 0).
        drain_hours: Hours after the end that calls in progress may still run
            (0 to :data:`MAX_DRAIN_HOURS`).
        days: Length of the run in days from local midnight of :attr:`date`
            (arrivals after it are dropped; shifts repeat each day): more than 0 and
            at most :data:`MAX_DAYS`; a longer run is refused when the scenario loads.
        description: Free text.
    """

    name: str
    date: datetime.date
    timezone: str
    seed: int
    routing: RoutingDefinition
    lines: Mapping[str, LineModel]
    flows: Mapping[str, Flow]
    queues: Mapping[str, QueueModel]
    staff: tuple[StaffGroup, ...]
    callers: CallerModel
    tickets: tuple[TicketModel, ...]
    answer_time: float = 20.0
    drain_hours: float = 4.0
    days: float = 1.0
    description: str = ""
    hotline: HotlineDefinition | None = None

    @property
    def day_start(self) -> float:
        """Local midnight of :attr:`date`, in POSIX seconds."""
        zone = zoneinfo.ZoneInfo(self.timezone)
        return datetime.datetime.combine(self.date, datetime.time(), zone).timestamp()

    def with_routing(self, routing: RoutingDefinition) -> Scenario:
        """A copy that runs ``routing`` instead (a what-if variant: strategies, queues).

        Raises:
            DefinitionError: ``routing`` has problems.
        """
        problems = check_definition(routing)
        if problems:
            raise DefinitionError(problems, what="routing definition")
        return attrs.evolve(self, routing=routing)

    def with_staff(self, staff: tuple[StaffGroup, ...]) -> Scenario:
        """A copy with other staff groups (a what-if variant: shifts, answering)."""
        return attrs.evolve(self, staff=tuple(staff))


_CONVERTER = register_model_hooks(_loading.make_converter())


def _hotline_lines(
    doc: _Document, hotline: HotlineDefinition, flows: dict[str, Flow], lines: dict[str, LineModel]
) -> Iterator[Problem]:
    """Each scenario line as the hotline's line of its name answers it (into ``lines``)."""
    known = {line.id: line for line in hotline.lines}
    for name, model in doc.lines.items():
        path = f"lines.{name}"
        line = known.get(name)
        if line is None:
            listed = ", ".join(known) or "(none)"
            yield Problem(
                path=path,
                message=f"the hotline has no line {name!r}{did_you_mean(name, list(known))}; "
                f"expected one of: {listed}",
            )
            continue
        for key in ("ivr", "queue"):
            if getattr(model, key) is not None:
                yield Problem(
                    path=f"{path}.{key}",
                    message=f"the hotline's line {name!r} says what answers its calls; "
                    f"leave {key} out",
                )
        if model.dialled and model.dialled != line.number:
            yield Problem(
                path=f"{path}.dialled",
                message=f"the hotline's line {name!r} has the number {line.number!r}; "
                "leave dialled out",
            )
        if line.flow is not None:
            flows[line.flow] = hotline.flows[line.flow]
        lines[name] = attrs.evolve(
            model,
            ivr=line.flow,
            queue=line.queue if line.flow is None else None,
            dialled=line.number,
        )


def _check(
    doc: _Document,
    base: Path | None,
    flows: dict[str, Flow],
    hotline: HotlineDefinition | None,
    lines: dict[str, LineModel],
) -> Iterator[Problem]:
    try:
        zoneinfo.ZoneInfo(doc.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        yield Problem(path="timezone", message=f"unknown time zone {doc.timezone!r}")
    else:
        yield from window_problems(doc.date, doc.timezone, doc.days, doc.drain_hours)
    routing: RoutingDefinition | None = None
    if hotline is not None:
        routing = hotline.routing
        if doc.routing is not None:
            yield Problem(
                path="routing",
                message="the hotline gives the routing definition; leave routing out",
            )
        yield from _hotline_lines(doc, hotline, flows, lines)
    elif doc.routing is None:
        if doc.hotline is None:
            yield Problem(
                path="routing",
                message="required field missing: give the routing definition, or a hotline",
            )
    else:
        try:
            routing = load_definition(doc.routing)
        except DefinitionError as exc:
            for p in exc.problems:
                yield Problem(path=_loading.join_path("routing", p.path), message=p.message)
    queues = {q.id for q in routing.queues} if routing else set()
    agents = {a.id for a in routing.agents} if routing else set()
    for name, line in doc.lines.items():
        if doc.hotline is not None:
            continue  # the hotline's line answers it: checked above
        path = f"lines.{name}"
        if (line.ivr is None) == (line.queue is None):
            yield Problem(path=path, message="give exactly one of 'ivr' (a flow file) or 'queue'")
        if line.queue is not None and routing and line.queue not in queues:
            yield Problem(path=f"{path}.queue", message=f"unknown queue {line.queue!r}")
        if line.ivr is not None and line.ivr not in flows:
            file = Path(line.ivr) if base is None else base / line.ivr
            try:
                flows[line.ivr] = load_flow(file)
            except (DefinitionError, DocumentError) as exc:
                yield Problem(path=f"{path}.ivr", message=str(exc))
    yield from arrival_problems(doc.lines, doc.days)
    yield from staff_problems(sum(len(group.agents) for group in doc.staff), doc.days)
    for flow_name, flow in flows.items():
        for node in flow.nodes.values():
            queue = getattr(node, "queue", None)
            if routing and isinstance(queue, str) and queue not in queues:
                yield Problem(
                    path="lines",
                    message=f"flow {flow_name!r} node {node.id!r} sends calls to queue "
                    f"{queue!r}, which the routing definition lacks",
                )
    if routing:
        for queue in sorted(queues - set(doc.queues)):
            yield Problem(path=f"queues.{queue}", message="no handle_time model for this queue")
        for queue in sorted(set(doc.queues) - queues):
            yield Problem(path=f"queues.{queue}", message="not a queue of the routing definition")
        seen: set[str] = set()
        for index, group in enumerate(doc.staff):
            for agent in group.agents:
                if agent not in agents:
                    yield Problem(path=f"staff.{index}.agents", message=f"unknown agent {agent!r}")
                if agent in seen:
                    yield Problem(path=f"staff.{index}.agents", message=f"{agent!r} listed twice")
                seen.add(agent)
        if doc.callers.vip_agent is not None and doc.callers.vip_agent not in agents:
            yield Problem(
                path="callers.vip_agent", message=f"unknown agent {doc.callers.vip_agent!r}"
            )
        for index, ticket in enumerate(doc.tickets):
            if ticket.queue not in queues:
                yield Problem(path=f"tickets.{index}.queue", message=f"unknown {ticket.queue!r}")
    names = set(BUILTIN_WORKFLOWS)
    for index, ticket in enumerate(doc.tickets):
        if ticket.workflow not in names:
            yield Problem(
                path=f"tickets.{index}.workflow",
                message=f"expected one of {sorted(names)}, got {ticket.workflow!r}",
            )


def scenario_from_dict(data: Mapping[str, Any], *, base: str | Path | None = None) -> Scenario:
    """Build a :class:`Scenario` from a parsed document.

    Args:
        data: The document (from TOML or JSON).
        base: The directory that file names in the document are relative to; a
            ``routing`` given as a string is read from there.

    Raises:
        DefinitionError: Every problem at once, each with its path.
    """
    _loading.require_table(data, what="scenario")
    if base is not None and not isinstance(base, str | Path):
        raise InvalidArgumentError(name="base", expected="a directory name or Path", got=base)
    base_path = None if base is None else Path(base)
    raw = dict(data)
    routing = raw.get("routing")
    if isinstance(routing, str):
        file = Path(routing) if base_path is None else base_path / routing
        try:
            raw["routing"] = _loading.read_document(file)
        except DocumentError as exc:
            raise DefinitionError(
                [Problem(path="routing", message=str(exc))], what="scenario"
            ) from None
    what = f"scenario {raw.get('name', '?')!r}"
    hotline, hotline_problems = _load_hotline(raw.get("hotline"), base_path)
    flows: dict[str, Flow] = {}
    lines: dict[str, LineModel] = {}

    def check(doc: _Document) -> list[Problem]:
        return list(_check(doc, base_path, flows, hotline, lines))

    shapes = _raw_shape_problems(raw)
    try:
        doc = _loading.structure_definition(_CONVERTER, raw, _Document, what=what, check=check)
        if shapes:
            raise DefinitionError(shapes, what=what)
    except DefinitionError as error:
        shaped = [p.path for p in shapes]
        found = [
            p
            for p in error.problems
            if not any(p.path == s or p.path.startswith(f"{s}.") for s in shaped)
        ]
        known = {p.path for p in found}
        extra = [p for p in _raw_number_problems(raw) if p.path not in known]
        if not extra and not hotline_problems and not shapes:
            raise
        problems = [*hotline_problems, *shapes, *found, *extra]
        raise DefinitionError(problems, what=what) from None
    if hotline_problems:
        raise DefinitionError(hotline_problems, what=what)
    if hotline is not None:
        routing_definition = hotline.routing
    else:
        assert doc.routing is not None  # refused by the check otherwise
        routing_definition = load_definition(doc.routing)
    return Scenario(
        name=doc.name,
        date=doc.date,
        timezone=doc.timezone,
        seed=doc.seed,
        routing=routing_definition,
        hotline=hotline,
        lines=lines if hotline is not None else doc.lines,
        flows=flows,
        queues=doc.queues,
        staff=doc.staff,
        callers=doc.callers,
        tickets=doc.tickets,
        answer_time=doc.answer_time,
        drain_hours=doc.drain_hours,
        days=doc.days,
        description=doc.description,
    )


def _load_hotline(
    value: object, base: Path | None
) -> tuple[HotlineDefinition | None, list[Problem]]:
    """The hotline a scenario names (a file relative to the scenario), and its problems.

    The problems -- the file cannot be read, or the hotline has errors -- are each at
    their path under ``hotline``, naming the file; they are reported with the rest of
    the scenario's. A value that is not text is left to the scenario's own loading.
    """
    if not isinstance(value, str):
        return None, []
    file = Path(value) if base is None else base / value
    try:
        return hotline_from_dict(_loading.read_document(file), base=file.parent), []
    except DocumentError as exc:
        return None, [Problem(path="hotline", message=str(exc))]
    except DefinitionError as exc:
        return None, [
            attrs.evolve(
                p, path=_loading.join_path("hotline", p.path), message=f"{p.message} (in {value})"
            )
            for p in exc.problems
        ]


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``.toml`` or ``.json``); file names in it are relative to it.

    Raises:
        DocumentError: The file cannot be read or parsed.
        DefinitionError: Every problem of the scenario, each with its path.
    """
    path = Path(path)
    return scenario_from_dict(_loading.read_document(path), base=path.parent)
