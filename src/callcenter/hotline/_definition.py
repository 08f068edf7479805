"""What a hotline is: lines, flows, the ACD, tickets, known callers and agents' phones.

A :class:`HotlineDefinition` is the one document an operator writes to run a whole
contact center with :class:`~callcenter.hotline.Hotline`. It holds the other
packages' definitions (IVR flows, the routing definition, ticket workflows, business
calendars) and what only a running hotline needs: which dialled number starts which
flow (:class:`Line`), where each agent's phone rings (:class:`Endpoint`), which
callers are known (:class:`KnownCaller`), which IVR results and agent outcomes open
tickets (:class:`TicketRule`) and what a waiting caller hears (:class:`HoldTreatment`).

Every class here is a frozen value; a definition is checked as a whole by
:func:`~callcenter.hotline.check_hotline`, which reports every problem at once with
its path (``lines.hotline.flow: unknown flow 'tianjn' (did you mean 'tianjin'?)``).
What a value alone says is wrong (a negative number, an endpoint with nothing to
dial, a caller's number that is no phone number) is refused when the object is
built, with every problem of the object at its field's path.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from .._calendar_parts import zone_problem
from .._checks import Problems, short_repr
from ..calendars import BusinessCalendar
from ..errors import InvalidArgumentError, did_you_mean
from ..ivr import CallerStatus, Flow, SessionResult, normalize_number
from ..routing import RoutingDefinition
from ..tickets import BUILTIN_WORKFLOWS, Workflow

__all__ = [
    "IVR_RESULTS",
    "Endpoint",
    "HoldTreatment",
    "HotlineDefinition",
    "KnownCaller",
    "Line",
    "TicketRule",
]

IVR_RESULTS: tuple[str, ...] = tuple(result.value for result in SessionResult)
"""The values a :attr:`TicketRule.ivr_result` may take: how an IVR session can end."""


def _text(problems: Problems, path: str, value: object, *, optional: bool = False) -> None:
    """Record a problem unless ``value`` is non-empty text (or ``None`` when optional)."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        problems.add(path, f"expected text, got {type(value).__name__} {short_repr(value)}")
    elif not value.strip():
        problems.add(path, "expected a non-empty text, got an empty one")


def _flag(problems: Problems, path: str, value: object) -> None:
    """Record a problem unless ``value`` is ``True`` or ``False``."""
    if not isinstance(value, bool):
        problems.add(
            path, f"expected true or false, got {type(value).__name__} {short_repr(value)}"
        )


def _phone(problems: Problems, path: str, value: object) -> None:
    """Record a problem unless ``value`` is a phone number :func:`normalize_number` reads."""
    if not isinstance(value, str):
        _text(problems, path, value)
        return
    try:
        normalize_number(value)
    except InvalidArgumentError:
        problems.add(
            path,
            f"expected a phone number (digits, an optional leading +, spaces or dashes), "
            f"got {short_repr(value)}",
        )


@attrs.frozen(kw_only=True)
class Line:
    """A dialled number and what answers it.

    Attributes:
        id: The line's name, unique in the hotline (``"hotline"``, ``"guangzhou"``).
        number: The dialled number as the telephony reports it (``"4008001234"``);
            unique in the hotline. A call that arrives names its line by id or number.
        flow: The IVR flow (a key of :attr:`HotlineDefinition.flows`) that answers
            the line; ``None`` sends calls straight to :attr:`queue`.
        queue: The routing queue for a line without a flow (ignored with a flow).
        language: The language a call starts in (default: the flow's default).
        calendar: A key of :attr:`HotlineDefinition.calendars`: the line's business
            hours. Only used with :attr:`closed_line`.
        closed_line: The id of the line that takes this line's calls while
            :attr:`calendar` says closed (seed 002: every branch office's line goes to
            the central center from 18:00 to 08:00). The call keeps its dialled
            number; it is answered by the other line's flow or queue, or handed on
            while that line is closed too.
    """

    id: str
    number: str
    flow: str | None = None
    queue: str | None = None
    language: str | None = None
    calendar: str | None = None
    closed_line: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _text(problems, "id", self.id)
        _text(problems, "number", self.number)
        for name in ("flow", "queue", "language", "calendar", "closed_line"):
            _text(problems, name, getattr(self, name), optional=True)
        problems.raise_if_any(what=f"line {short_repr(self.id)}")


@attrs.frozen(kw_only=True)
class Endpoint:
    """Where an agent's phone rings: what a telephony adapter dials for an offer.

    At least one of the three is set; an adapter uses the first its telephony can
    reach (a desk phone's extension or SIP URI, else the mobile number of a mobile
    seat).

    Attributes:
        agent: The agent's id in the routing definition.
        extension: A desk phone's extension (``"8001"``).
        sip_uri: A SIP address (``"sip:8001@pbx.example.com"``).
        mobile: A mobile seat's phone number (``"+8613900000001"``).
    """

    agent: str
    extension: str | None = None
    sip_uri: str | None = None
    mobile: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _text(problems, "agent", self.agent)
        _text(problems, "extension", self.extension, optional=True)
        _text(problems, "sip_uri", self.sip_uri, optional=True)
        if self.mobile is not None:
            _phone(problems, "mobile", self.mobile)
        if isinstance(self.sip_uri, str) and not self.sip_uri.startswith(("sip:", "sips:")):
            problems.add(
                "sip_uri",
                f"expected a SIP address such as 'sip:8001@pbx', got {short_repr(self.sip_uri)}",
            )
        if self.extension is None and self.sip_uri is None and self.mobile is None:
            problems.add("", "give at least one of extension, sip_uri or mobile: where to ring")
        problems.raise_if_any(what="endpoint")


@attrs.frozen(kw_only=True)
class KnownCaller:
    """A caller the hotline recognises by number: VIP, blocked, a customer tier.

    Attributes:
        number: The caller's number (normalised like
            :func:`~callcenter.ivr.normalize_number` does).
        status: ``VIP`` (queued ahead), ``BLOCKED`` (rejected) or ``NORMAL``.
        tier: The customer tier routing rules see as the contact's ``tier``
            attribute (``"VIP"``, ``"gold"``); empty for none.
        agent: A dedicated agent, offered the caller's contacts first.
        sticky_for: Seconds during which only the dedicated agent may take the
            contact (0: first choice only, never a wait for that agent).
        name: The customer's name, for the screen pop.
    """

    number: str
    status: CallerStatus = CallerStatus.NORMAL
    tier: str = ""
    agent: str | None = None
    sticky_for: float = 0.0
    name: str = ""

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _phone(problems, "number", self.number)
        status: object = self.status
        if not isinstance(status, CallerStatus):
            problems.add(
                "status",
                f"expected a CallerStatus, got {type(status).__name__} {short_repr(status)}",
            )
        tier: object = self.tier  # (may be empty, unlike the other texts)
        if not isinstance(tier, str):
            _text(problems, "tier", tier)
        _text(problems, "agent", self.agent, optional=True)
        problems.number("sticky_for", self.sticky_for, minimum=0)
        name: object = self.name
        if not isinstance(name, str):
            _text(problems, "name", name)
        problems.raise_if_any(what="known caller")


@attrs.frozen(kw_only=True)
class TicketRule:
    """When a call opens a ticket, and with which fields.

    A rule applies when every condition it sets holds: the IVR session ended with
    :attr:`ivr_result` (``"voicemail"``, ``"callback"``...), or the agent ended the
    call with :attr:`agent_outcome` (an outcome the agent's application reports);
    :attr:`queue` restricts either to calls of that queue. The ticket is opened on
    behalf of the agent who took the call (the IVR for IVR results), with the
    caller's number as ``customer_phone``, the rule's :attr:`fields` and the fields
    the input carried; a ticket for a voicemail left in the IVR also gets
    ``recording``, the reference of the call's ``RecordingFinished``.

    Attributes:
        workflow: A key of :attr:`HotlineDefinition.workflows`.
        ivr_result: An IVR session result's value, or ``None``.
        agent_outcome: An agent outcome, or ``None``.
        queue: Only calls of this queue, or ``None`` for any.
        fields: Fields every ticket of this rule starts with.
    """

    workflow: str
    ivr_result: str | None = None
    agent_outcome: str | None = None
    queue: str | None = None
    fields: Mapping[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _text(problems, "workflow", self.workflow)
        _text(problems, "agent_outcome", self.agent_outcome, optional=True)
        _text(problems, "queue", self.queue, optional=True)
        _values(problems, "fields", self.fields, str)
        result: object = self.ivr_result
        if result is not None and result not in IVR_RESULTS:
            hint = did_you_mean(result, IVR_RESULTS) if isinstance(result, str) else ""
            problems.add(
                "ivr_result",
                f"unknown IVR result {short_repr(result)}{hint}; "
                f"expected one of: {', '.join(IVR_RESULTS)}",
            )
        problems.raise_if_any(what="ticket rule")


@attrs.frozen(kw_only=True)
class HoldTreatment:
    """What a caller hears while queued.

    Attributes:
        music: A reference to the music on hold (an audio name the adapter resolves).
        announce_every: Seconds between announcements of the caller's position and
            expected wait: 0 for none, else at least 1 second.
        announce_position: Announce the position in the queue.
        announce_wait: Announce the expected wait.
    """

    music: str = "default"
    announce_every: float = 60.0
    announce_position: bool = True
    announce_wait: bool = True

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _text(problems, "music", self.music)
        every: object = self.announce_every
        problems.number("announce_every", every, minimum=0)
        if isinstance(every, int | float) and 0 < every < MIN_ANNOUNCE_EVERY:
            problems.add(
                "announce_every",
                f"expected 0 (no announcements) or at least {MIN_ANNOUNCE_EVERY:g} second "
                f"between announcements, got {every!r}",
            )
        _flag(problems, "announce_position", self.announce_position)
        _flag(problems, "announce_wait", self.announce_wait)
        problems.raise_if_any(what="hold treatment")


MIN_ANNOUNCE_EVERY = 1.0
"""The shortest time between two hold announcements, in seconds.

An announcement takes seconds to play; a shorter period would only flood the
telephony with announcements (and one too small to move the clock would never end)."""


def _builtin() -> Mapping[str, Workflow]:
    return dict(BUILTIN_WORKFLOWS)


@attrs.frozen(kw_only=True)
class HotlineDefinition:
    """A whole contact center, as :class:`~callcenter.hotline.Hotline` runs it.

    Attributes:
        name: The hotline's name.
        timezone: The IANA time zone of its reports and wallboard ("today").
        lines: The dialled numbers and what answers each.
        flows: IVR flows by name.
        routing: The ACD: queues, agents, routing rules.
        workflows: Ticket workflows by name (default: the built-in ones).
        ticket_rules: Which calls open which tickets.
        calendars: Business calendars by name, for lines' hours.
        callers: Known callers (VIP, blocked, tiers, dedicated agents).
        endpoints: Where each agent's phone rings, by agent id.
        hold: What queued callers hear.
        answer_time: The service-level threshold ``T`` of the wallboard, in seconds.
    """

    name: str
    timezone: str = "UTC"
    lines: tuple[Line, ...] = ()
    flows: Mapping[str, Flow] = attrs.field(factory=dict)
    routing: RoutingDefinition = attrs.field(factory=RoutingDefinition)
    workflows: Mapping[str, Workflow] = attrs.field(factory=_builtin)
    ticket_rules: tuple[TicketRule, ...] = ()
    calendars: Mapping[str, BusinessCalendar] = attrs.field(factory=dict)
    callers: tuple[KnownCaller, ...] = ()
    endpoints: Mapping[str, Endpoint] = attrs.field(factory=dict)
    hold: HoldTreatment = attrs.field(factory=HoldTreatment)
    answer_time: float = 20.0

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        _text(problems, "name", self.name)
        zone = zone_problem(self.timezone)
        if zone is not None:
            problems.add("timezone", zone)
        _items(problems, "lines", self.lines, Line)
        _items(problems, "ticket_rules", self.ticket_rules, TicketRule)
        _items(problems, "callers", self.callers, KnownCaller)
        _values(problems, "flows", self.flows, Flow)
        _values(problems, "workflows", self.workflows, Workflow)
        _values(problems, "calendars", self.calendars, BusinessCalendar)
        _values(problems, "endpoints", self.endpoints, Endpoint)
        for name, kind in (("routing", RoutingDefinition), ("hold", HoldTreatment)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                problems.add(
                    name,
                    f"expected a {kind.__name__}, got {type(value).__name__} {short_repr(value)}",
                )
        problems.number("answer_time", self.answer_time, minimum=0)
        problems.raise_if_any(what="hotline definition")


def _items(problems: Problems, path: str, value: object, kind: type) -> None:
    if not isinstance(value, tuple):
        problems.add(
            path,
            f"expected a tuple of {kind.__name__}, got {type(value).__name__} {short_repr(value)}",
        )
        return
    for index, item in enumerate(value):
        if not isinstance(item, kind):
            problems.add(
                f"{path}.{index}",
                f"expected a {kind.__name__}, got {type(item).__name__} {short_repr(item)}",
            )


def _values(problems: Problems, path: str, value: object, kind: type) -> None:
    """Record a problem unless ``value`` maps text to ``kind`` (each at its key's path)."""
    what = "text" if kind is str else f"a {kind.__name__}"
    if not isinstance(value, Mapping):
        problems.add(
            path,
            f"expected a mapping of name to {'text' if kind is str else kind.__name__}, "
            f"got {type(value).__name__} {short_repr(value)}",
        )
        return
    for key, item in value.items():
        if not isinstance(key, str):
            problems.add(path, f"expected text keys, got {type(key).__name__} {short_repr(key)}")
        elif not isinstance(item, kind):
            problems.add(
                f"{path}.{key}", f"expected {what}, got {type(item).__name__} {short_repr(item)}"
            )
