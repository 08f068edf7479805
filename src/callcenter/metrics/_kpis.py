"""KPI definitions over contact records and agent state intervals.

Every KPI here is one documented formula (the docs page "KPI definitions" lists them
all) with the variants vendors use as explicit :class:`KpiOptions`. A ratio over an
empty population is ``None`` ("no data"), never a division by zero and never a
made-up 0 or 100 %.

Populations (see :class:`~callcenter.metrics.Category` and the docs page "KPI
definitions", which draws the tree):

* *total*: every contact;
* *IVR only*: contacts that never reached a queue -- self-service, hung up in the
  IVR, out of hours, blocked, other;
* *offered*: contacts that reached a queue -- answered, abandoned, short
  abandoned (a wait of at most ``short_abandon_seconds``), flowed out (voicemail,
  callback, another destination), other (refused);
* a wait is *within* ``X`` seconds when it is ``<= X``, for the service level and
  for short abandons alike.

Each single-KPI function makes one pass over its input in O(n) time and O(1)
memory; first-contact resolution and :func:`compute_kpis` (which includes it) keep
the records and sort each caller's contacts, O(n log n).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import attrs

from .._checks import check_seconds
from ..errors import InvalidArgumentError
from ..routing import AgentState
from ._records import (
    AgentStateInterval,
    ContactRecord,
    Outcome,
)

__all__ = [
    "AgentStats",
    "KpiOptions",
    "KpiValues",
    "abandonment_rate",
    "agent_stats",
    "answer_rate",
    "average_after_contact_time",
    "average_handle_time",
    "average_ring_time",
    "average_speed_of_answer",
    "average_talk_time",
    "callback_rate",
    "compute_kpis",
    "first_contact_resolution",
    "ivr_containment",
    "longest_wait",
    "missed_contacts",
    "occupancy",
    "repeat_contact_ids",
    "service_level",
    "transfer_rate",
    "utilization",
]

AbandonPolicy = Literal["ignored", "against", "for"]


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    check_seconds(attribute.name, value)


def _one_of(*choices: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in choices:
            expected = "one of " + ", ".join(repr(c) for c in choices)
            raise InvalidArgumentError(name=attribute.name, expected=expected, got=value)

    return check


def _non_negative_or_none(
    instance: object, attribute: attrs.Attribute[float | None], value: object
) -> None:
    if value is not None:
        _non_negative(instance, attribute, value)  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class KpiOptions:
    """The variants of the KPI definitions, chosen explicitly.

    One boundary rule holds everywhere: a wait of ``w`` seconds is *within* ``X``
    seconds when ``w <= X`` (an answer after exactly 20 s is within 20 s; an
    abandon after exactly 5 s is a short abandon with a 5 s threshold).

    Attributes:
        answer_time: Service-level threshold ``T`` in seconds (default 20).
        abandons: How abandoned contacts enter the service level:
            ``"ignored"``: ``answered within T / (answered [+ flowed out])``;
            ``"against"`` (default): ``answered within T / (answered + abandoned
            [+ flowed out])``;
            ``"for"``: ``(answered within T + abandoned within T) / (answered +
            abandoned [+ flowed out])``.
        short_abandon_seconds: Abandons after a wait of at most this many seconds
            are *short abandons*: counted in their own column and left out of the
            answer rate, the abandonment rate and the service level (default
            ``None``: no short abandons). With ``abandons="against"`` and
            ``short_abandon_seconds = T`` this is Cisco's "ignore abandoned calls"
            service level.
        flowouts_in_service_level: Whether contacts that left the queue unanswered
            for voicemail, a callback or another destination count in the
            service level's denominator (default True: they were not answered
            within ``T``).
        asa_from: ``"queued"`` (default): ASA and waits start when the contact
            entered the queue; ``"arrival"``: when it reached the center (IVR time
            included).
        fcr_window_seconds: A contact is resolved at first contact when the same
            caller does not contact again within this many seconds after it ended
            (default 86,400: one day).
        ivr_hangups_contained: Whether callers who hang up in the IVR count as
            contained by self-service (default False: only ``finished_in_ivr``).
        reserved_as_busy: Whether ringing/reserved time counts as working time in
            occupancy and utilization (default True).
        talk_time: ``"answer_to_hangup"`` (default): talk time runs from the
            answer to the hang-up, hold included (what a Chinese hotline report
            means by 通话时长, the duration the carrier bills); ``"talk_only"``:
            talk time without hold.
        transfer_credit: Who is credited with a transferred contact in the
            per-agent figures: ``"every_agent"`` (default: each agent who took it
            counts one contact in their call volume) or ``"first_agent"``.
        answer_rate_counts_out_of_hours: Count callers who called while the
            center was closed in the answer rate's denominator (as not answered).
            Default False.
        answer_rate_counts_blocked: Count blocked callers in the answer rate's
            denominator (as not answered). Default False.
    """

    answer_time: float = attrs.field(default=20.0, validator=_non_negative)
    abandons: AbandonPolicy = attrs.field(
        default="against", validator=_one_of("ignored", "against", "for")
    )
    short_abandon_seconds: float | None = attrs.field(default=None, validator=_non_negative_or_none)
    flowouts_in_service_level: bool = True
    asa_from: Literal["queued", "arrival"] = attrs.field(
        default="queued", validator=_one_of("queued", "arrival")
    )
    fcr_window_seconds: float = attrs.field(default=86_400.0, validator=_non_negative)
    ivr_hangups_contained: bool = False
    reserved_as_busy: bool = True
    talk_time: Literal["answer_to_hangup", "talk_only"] = attrs.field(
        default="answer_to_hangup", validator=_one_of("answer_to_hangup", "talk_only")
    )
    transfer_credit: Literal["every_agent", "first_agent"] = attrs.field(
        default="every_agent", validator=_one_of("every_agent", "first_agent")
    )
    answer_rate_counts_out_of_hours: bool = False
    answer_rate_counts_blocked: bool = False


_DEFAULT = KpiOptions()
_ANSWERED = Outcome.ANSWERED
_ABANDONED_IN_QUEUE = Outcome.ABANDONED_IN_QUEUE
_ABANDONED_RINGING = Outcome.ABANDONED_RINGING
_FINISHED_IN_IVR = Outcome.FINISHED_IN_IVR
_ABANDONED_IN_IVR = Outcome.ABANDONED_IN_IVR
_OUT_OF_HOURS = Outcome.OUT_OF_HOURS
_BLOCKED = Outcome.BLOCKED
_CALLBACK = Outcome.CALLBACK
_VOICEMAIL = Outcome.VOICEMAIL
_OVERFLOWED = Outcome.OVERFLOWED


@attrs.frozen(kw_only=True)
class KpiValues:
    """Every KPI of one population; ``None`` means no data.

    The counts form one tree (see :class:`~callcenter.metrics.Category`)::

        total    = ivr_only + offered
        ivr_only = self_service + ivr_hangup + out_of_hours + blocked + ivr_other
        offered  = answered + abandoned + short_abandoned + flowed_out + other

    Attributes:
        total: Every contact that reached the hotline (总来电数).
        ivr_only: Contacts that never reached a queue.
        self_service: Finished by self-service in the IVR.
        ivr_hangup: Hung up in the IVR.
        out_of_hours: Called while the center was closed.
        blocked: Refused before any queue (blocked caller, IVR failure).
        ivr_other: Ended in the IVR any other way (voicemail or callback left in
            the IVR, transferred out of the IVR).
        offered: Contacts that reached a queue.
        answered: Contacts answered.
        abandoned: Contacts abandoned in a queue or ringing (short abandons apart).
        short_abandoned: Abandons within ``short_abandon_seconds``.
        flowed_out: Left the queue unanswered for voicemail, a callback or another
            destination.
        other: Reached a queue and ended any other way (refused: queue full, no
            agent).
        missed: Contacts in the answer rate's denominator not answered.
        answered_within: Answered contacts that waited at most ``answer_time``.
        abandoned_within: Abandoned contacts (short ones apart) that waited at most
            ``answer_time``.
        through_ivr: Contacts that went through the IVR while the center was open
            and were not blocked (the IVR containment's denominator).
        answer_rate: ``answered / (offered - short_abandoned [+ out_of_hours]
            [+ blocked])`` (see :class:`KpiOptions`).
        abandonment_rate: ``abandoned / (offered - short_abandoned)``.
        service_level: See :attr:`KpiOptions.abandons`.
        asa_seconds: Mean wait of answered contacts.
        aht_seconds: Mean ``talk + hold + after-contact`` of answered contacts.
        average_talk_seconds: Mean talk time of answered contacts
            (:attr:`KpiOptions.talk_time`: hold included by default).
        average_hold_seconds: Mean hold time of answered contacts.
        average_acw_seconds: Mean after-contact work of answered contacts.
        average_ring_seconds: Mean ring time of contacts that rang at an agent
            (a ``first_offered_at`` or a ring time above zero).
        longest_wait_seconds: Longest wait of an offered contact that queued
            (short abandons apart).
        transfer_rate: Answered contacts transferred at least once / answered.
        callback_rate: Contacts that chose a callback (in the IVR or from a
            queue) / total.
        ivr_containment: Self-service / contacts that went through the IVR while
            open and not blocked.
        fcr_rate: Answered contacts with a caller and no repeat within the window /
            answered contacts with a caller (needs :func:`repeat_contact_ids`).
        occupancy: Working time / (working + available) time of agents.
        utilization: Working time / logged-in time of agents.
        breaks: Not-ready periods (breaks) that started.
        average_break_seconds: Not-ready time / breaks (平均休息时间).
    """

    total: int
    ivr_only: int
    self_service: int
    ivr_hangup: int
    out_of_hours: int
    blocked: int
    ivr_other: int
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    flowed_out: int
    other: int
    missed: int
    answered_within: int
    abandoned_within: int
    through_ivr: int
    answer_rate: float | None
    abandonment_rate: float | None
    service_level: float | None
    asa_seconds: float | None
    aht_seconds: float | None
    average_talk_seconds: float | None
    average_hold_seconds: float | None
    average_acw_seconds: float | None
    average_ring_seconds: float | None
    longest_wait_seconds: float | None
    transfer_rate: float | None
    callback_rate: float | None
    ivr_containment: float | None
    fcr_rate: float | None
    occupancy: float | None
    utilization: float | None
    breaks: int = 0
    average_break_seconds: float | None = None


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


class Tally:
    """Counters for one population, filled one record or interval at a time.

    O(1) per record; :meth:`values` turns them into :class:`KpiValues`.
    """

    __slots__ = (
        "abandoned",
        "abandoned_within",
        "answered",
        "answered_within",
        "available",
        "blocked",
        "breaks",
        "callbacks",
        "contained",
        "entered_ivr",
        "fcr_eligible",
        "fcr_resolved",
        "flowed_out",
        "ivr_hangup",
        "ivr_other",
        "logged_in",
        "longest",
        "not_ready",
        "offered",
        "options",
        "other",
        "out_of_hours",
        "rung",
        "self_service",
        "short_abandoned",
        "sum_acw",
        "sum_handle",
        "sum_hold",
        "sum_ring",
        "sum_talk",
        "sum_wait",
        "total",
        "transferred",
        "working",
    )

    def __init__(self, options: KpiOptions = _DEFAULT) -> None:
        self.options = options
        self.total = 0
        self.self_service = 0
        self.ivr_hangup = 0
        self.out_of_hours = 0
        self.blocked = 0
        self.ivr_other = 0
        self.offered = 0
        self.answered = 0
        self.abandoned = 0
        self.short_abandoned = 0
        self.flowed_out = 0
        self.other = 0
        self.answered_within = 0
        self.abandoned_within = 0
        self.sum_wait = 0.0
        self.sum_handle = 0.0
        self.sum_talk = 0.0
        self.sum_hold = 0.0
        self.sum_acw = 0.0
        self.sum_ring = 0.0
        self.rung = 0
        self.longest: float | None = None
        self.transferred = 0
        self.callbacks = 0
        self.entered_ivr = 0
        self.contained = 0
        self.fcr_eligible = 0
        self.fcr_resolved = 0
        self.working = 0.0
        self.available = 0.0
        self.logged_in = 0.0
        self.not_ready = 0.0
        self.breaks = 0

    def add(self, record: ContactRecord, repeated: bool | None = None) -> None:
        """Count one record; ``repeated`` says whether its caller came back (FCR)."""
        # Identity tests on the outcome: hashing enum members is slow, and this is the
        # inner loop of every report.
        options = self.options
        outcome = record.outcome
        self.total += 1
        queued = record.queued_at
        if queued is None and not record.queues:
            # Never reached a queue: one of the IVR-only leaves.
            if outcome is _FINISHED_IN_IVR:
                self.self_service += 1
                self.entered_ivr += 1
                self.contained += 1
            elif outcome is _ABANDONED_IN_IVR:
                self.ivr_hangup += 1
                self.entered_ivr += 1
                if options.ivr_hangups_contained:
                    self.contained += 1
            elif outcome is _OUT_OF_HOURS:
                self.out_of_hours += 1
            elif outcome is _BLOCKED:
                self.blocked += 1
            else:
                self.ivr_other += 1
                if outcome is _CALLBACK:
                    self.callbacks += 1
                if record.ivr_path or record.ivr_exited_at is not None:
                    self.entered_ivr += 1
            return
        if record.ivr_path or record.ivr_exited_at is not None:
            self.entered_ivr += 1
        self.offered += 1
        answered = outcome is _ANSWERED
        wait: float | None = None
        if queued is not None:
            begin = queued if options.asa_from == "queued" else record.arrived_at
            stop = record.answered_at if answered else record.ended_at
            assert stop is not None
            wait = stop - begin
        if outcome is _ABANDONED_IN_QUEUE or outcome is _ABANDONED_RINGING:
            assert wait is not None  # records guarantee queued_at for abandons
            short = options.short_abandon_seconds
            if short is not None and wait <= short:
                self.short_abandoned += 1
                return
            self.abandoned += 1
            if wait <= options.answer_time:
                self.abandoned_within += 1
        elif outcome is _VOICEMAIL or outcome is _CALLBACK or outcome is _OVERFLOWED:
            self.flowed_out += 1
            if outcome is _CALLBACK:
                self.callbacks += 1
        elif not answered:
            self.other += 1
        if wait is not None and (self.longest is None or wait > self.longest):
            self.longest = wait
        if record.first_offered_at is not None or record.ring_seconds > 0:
            self.rung += 1
            self.sum_ring += record.ring_seconds
        if not answered:
            return
        assert wait is not None
        self.answered += 1
        if wait <= options.answer_time:
            self.answered_within += 1
        self.sum_wait += wait
        talk = record.talk_seconds
        hold = record.hold_seconds
        acw = record.after_contact_seconds
        self.sum_talk += talk
        self.sum_hold += hold
        self.sum_acw += acw
        self.sum_handle += talk + hold + acw
        if record.transfers > 0:
            self.transferred += 1
        if repeated is not None and record.caller is not None:
            self.fcr_eligible += 1
            if not repeated:
                self.fcr_resolved += 1

    def add_state(self, state: AgentState, seconds: float, *, starts: bool = True) -> None:
        """Count ``seconds`` of logged-in agent time in ``state``.

        ``starts``: whether the interval starts here (a break is counted once, in
        the period where it starts, when a report cuts it at period boundaries).
        """
        self.logged_in += seconds
        if state is AgentState.AVAILABLE:
            self.available += seconds
        elif state is AgentState.RESERVED:
            if self.options.reserved_as_busy:
                self.working += seconds
            else:
                self.available += seconds
        elif state is AgentState.NOT_READY:
            self.not_ready += seconds
            if starts:
                self.breaks += 1
        else:
            self.working += seconds

    def values(self) -> KpiValues:
        """The KPIs of everything counted so far."""
        o = self.options
        flowed = self.flowed_out if o.flowouts_in_service_level else 0
        waited = self.answered + self.abandoned + flowed
        if o.abandons == "ignored":
            sl = _ratio(self.answered_within, self.answered + flowed)
        elif o.abandons == "against":
            sl = _ratio(self.answered_within, waited)
        else:
            sl = _ratio(self.answered_within + self.abandoned_within, waited)
        counted = self.offered - self.short_abandoned
        answerable = counted
        if o.answer_rate_counts_out_of_hours:
            answerable += self.out_of_hours
        if o.answer_rate_counts_blocked:
            answerable += self.blocked
        talk = self.sum_talk + self.sum_hold if o.talk_time == "answer_to_hangup" else self.sum_talk
        ivr_only = (
            self.self_service + self.ivr_hangup + self.out_of_hours + self.blocked + self.ivr_other
        )
        return KpiValues(
            total=self.total,
            ivr_only=ivr_only,
            self_service=self.self_service,
            ivr_hangup=self.ivr_hangup,
            out_of_hours=self.out_of_hours,
            blocked=self.blocked,
            ivr_other=self.ivr_other,
            offered=self.offered,
            answered=self.answered,
            abandoned=self.abandoned,
            short_abandoned=self.short_abandoned,
            flowed_out=self.flowed_out,
            other=self.other,
            missed=answerable - self.answered,
            answered_within=self.answered_within,
            abandoned_within=self.abandoned_within,
            through_ivr=self.entered_ivr,
            answer_rate=_ratio(self.answered, answerable),
            abandonment_rate=_ratio(self.abandoned, counted),
            service_level=sl,
            asa_seconds=_ratio(self.sum_wait, self.answered),
            aht_seconds=_ratio(self.sum_handle, self.answered),
            average_talk_seconds=_ratio(talk, self.answered),
            average_hold_seconds=_ratio(self.sum_hold, self.answered),
            average_acw_seconds=_ratio(self.sum_acw, self.answered),
            average_ring_seconds=_ratio(self.sum_ring, self.rung),
            longest_wait_seconds=self.longest,
            transfer_rate=_ratio(self.transferred, self.answered),
            callback_rate=_ratio(self.callbacks, self.total),
            ivr_containment=_ratio(self.contained, self.entered_ivr),
            fcr_rate=_ratio(self.fcr_resolved, self.fcr_eligible),
            occupancy=_ratio(self.working, self.working + self.available),
            utilization=_ratio(self.working, self.logged_in),
            breaks=self.breaks,
            average_break_seconds=_ratio(self.not_ready, self.breaks),
        )


def repeat_contact_ids(records: Iterable[ContactRecord], window_seconds: float) -> set[str]:
    """Ids of contacts whose caller contacted the center again within a window.

    A contact ``c`` is *repeated* when another contact from the same caller arrived
    after ``c`` arrived and no later than ``c.ended_at + window_seconds``.
    Contacts without a caller are never repeated.

    Args:
        records: Every record that may hold a repeat (include the days after the
            report period, or the last contacts look resolved).
        window_seconds: The window.

    Returns:
        The set of repeated contact ids.

    Complexity: O(n log n).
    """
    by_caller: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for record in records:
        if record.caller is not None:
            by_caller[record.caller].append((record.arrived_at, record.ended_at, record.contact_id))
    repeated: set[str] = set()
    for contacts in by_caller.values():
        contacts.sort()
        for index in range(len(contacts) - 1):
            _, ended, contact_id = contacts[index]
            if contacts[index + 1][0] <= ended + window_seconds:
                repeated.add(contact_id)
    return repeated


def compute_kpis(
    records: Iterable[ContactRecord],
    intervals: Iterable[AgentStateInterval] = (),
    options: KpiOptions = _DEFAULT,
    *,
    repeats: set[str] | None = None,
) -> KpiValues:
    """Every KPI of a set of records and agent state intervals at once.

    Args:
        records: The contacts.
        intervals: Agent state intervals (for occupancy and utilization).
        options: The KPI variants.
        repeats: Repeated contact ids from :func:`repeat_contact_ids`; when
            ``None`` they are computed from ``records`` themselves.

    Returns:
        A :class:`KpiValues`.

    Complexity: O(n) plus the repeat search.
    """
    records = list(records)
    if repeats is None:
        repeats = repeat_contact_ids(records, options.fcr_window_seconds)
    tally = Tally(options)
    for record in records:
        tally.add(record, record.contact_id in repeats)
    for interval in intervals:
        tally.add_state(interval.state, interval.seconds)
    return tally.values()


def _tally(records: Iterable[ContactRecord], options: KpiOptions) -> KpiValues:
    tally = Tally(options)
    for record in records:
        tally.add(record)
    return tally.values()


def service_level(records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT) -> float | None:
    """Share of contacts answered within ``T`` seconds, by ``options.abandons``.

    * ``"ignored"``: ``A_T / (A + F)``;
    * ``"against"``: ``A_T / (A + X + F)``;
    * ``"for"``: ``(A_T + X_T) / (A + X + F)``;

    where ``A`` counts answered contacts, ``A_T`` those answered with a wait
    ``<= T``, ``X`` abandoned contacts (short abandons removed) and ``X_T`` those
    abandoned with a wait ``<= T``, ``F`` contacts that flowed out of the queue
    (0 unless ``options.flowouts_in_service_level``). ``None`` when the
    denominator is 0.

    >>> from callcenter.metrics import ContactRecord, Outcome
    >>> fast = ContactRecord(contact_id="1", outcome=Outcome.ANSWERED, arrived_at=0,
    ...     queued_at=0, answered_at=10, ended_at=100)
    >>> gone = ContactRecord(contact_id="2", outcome=Outcome.ABANDONED_IN_QUEUE,
    ...     arrived_at=0, queued_at=0, ended_at=5)
    >>> service_level([fast, gone]), service_level([fast, gone], KpiOptions(abandons="for"))
    (0.5, 1.0)
    >>> service_level([], KpiOptions()) is None
    True
    """
    return _tally(records, options).service_level


def answer_rate(records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT) -> float | None:
    """``answered / (offered - short abandons)``.

    Out-of-hours and blocked callers join the denominator when the options ask.
    """
    return _tally(records, options).answer_rate


def abandonment_rate(
    records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT
) -> float | None:
    """``abandoned / (offered - short abandons)``."""
    return _tally(records, options).abandonment_rate


def average_speed_of_answer(
    records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT
) -> float | None:
    """Mean wait of answered contacts: ``sum(answered_at - start) / answered``.

    ``start`` is ``queued_at`` or ``arrived_at`` (``options.asa_from``).
    """
    return _tally(records, options).asa_seconds


def average_handle_time(
    records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT
) -> float | None:
    """Mean of ``talk + hold + after-contact`` over answered contacts."""
    return _tally(records, options).aht_seconds


def average_talk_time(
    records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT
) -> float | None:
    """Mean talk time over answered contacts.

    Hold is included unless ``options.talk_time == "talk_only"``.
    """
    return _tally(records, options).average_talk_seconds


def average_after_contact_time(
    records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT
) -> float | None:
    """Mean after-contact work over answered contacts."""
    return _tally(records, options).average_acw_seconds


def average_ring_time(
    records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT
) -> float | None:
    """Mean ``ring_seconds`` over offered contacts that rang at an agent.

    A contact rang when it has a ``first_offered_at`` or a ``ring_seconds`` above
    zero (a CDR export may carry a ring duration without the offer's time).
    """
    return _tally(records, options).average_ring_seconds


def longest_wait(records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT) -> float | None:
    """Longest wait of an offered contact that queued (short abandons excluded)."""
    return _tally(records, options).longest_wait_seconds


def transfer_rate(records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT) -> float | None:
    """Answered contacts with at least one transfer / answered contacts."""
    return _tally(records, options).transfer_rate


def callback_rate(records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT) -> float | None:
    """Contacts whose outcome is ``callback`` (booked in the IVR or from a queue) / total."""
    return _tally(records, options).callback_rate


def ivr_containment(
    records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT
) -> float | None:
    """Contacts finished in self-service / contacts that went through the IVR.

    Out-of-hours and blocked callers are left out of both (the IVR could not serve
    them).

    With ``options.ivr_hangups_contained`` callers who hung up in the IVR count as
    contained too (a generous variant some vendors report).
    """
    return _tally(records, options).ivr_containment


def missed_contacts(records: Iterable[ContactRecord], options: KpiOptions = _DEFAULT) -> int:
    """Contacts in the answer rate's denominator that were not answered."""
    return _tally(records, options).missed


def first_contact_resolution(
    records: Iterable[ContactRecord],
    options: KpiOptions = _DEFAULT,
    *,
    later_records: Iterable[ContactRecord] = (),
) -> float | None:
    """Share of answered contacts whose caller did not come back within the window.

    ``resolved / eligible`` where *eligible* are answered contacts with a known
    caller and *resolved* those not repeated (:func:`repeat_contact_ids` with
    ``options.fcr_window_seconds``).

    Args:
        records: The contacts measured.
        options: The KPI variants.
        later_records: Contacts after the measured ones, searched for repeats only.

    Complexity: O(n log n).
    """
    records = list(records)
    repeats = repeat_contact_ids([*records, *later_records], options.fcr_window_seconds)
    tally = Tally(options)
    for record in records:
        tally.add(record, record.contact_id in repeats)
    return tally.values().fcr_rate


def _state_tally(intervals: Iterable[AgentStateInterval], options: KpiOptions) -> KpiValues:
    tally = Tally(options)
    for interval in intervals:
        tally.add_state(interval.state, interval.seconds)
    return tally.values()


def occupancy(
    intervals: Iterable[AgentStateInterval], options: KpiOptions = _DEFAULT
) -> float | None:
    """``working / (working + available)`` agent time.

    *Working* is busy + wrap-up (+ reserved, by ``options.reserved_as_busy``);
    not-ready time is left out of both.
    """
    return _state_tally(intervals, options).occupancy


def utilization(
    intervals: Iterable[AgentStateInterval], options: KpiOptions = _DEFAULT
) -> float | None:
    """``working / logged-in`` agent time (not-ready time included in logged-in)."""
    return _state_tally(intervals, options).utilization


@attrs.frozen(kw_only=True)
class AgentStats:
    """Per-agent figures.

    Attributes:
        agent_id: The agent.
        handled: Contacts the agent took (call volume): with
            ``transfer_credit="every_agent"`` every agent a contact was answered
            or transferred to; with ``"first_agent"`` only the one who answered.
        average_talk_seconds: Mean talk time of the contacts the agent answered
            first (a record holds one talk time for all its agents).
        average_acw_seconds: Mean after-contact work of those contacts.
        not_ready_seconds: Not-ready time by reason (``""`` for no reason).
        breaks: Not-ready periods (breaks).
        average_break_seconds: Not-ready time / breaks; ``None`` without a break.
        logged_in_seconds: Time in any state.
        occupancy: As :func:`occupancy`, for this agent.
        utilization: As :func:`utilization`, for this agent.
    """

    agent_id: str
    handled: int
    average_talk_seconds: float | None
    average_acw_seconds: float | None
    not_ready_seconds: Mapping[str, float]
    logged_in_seconds: float
    occupancy: float | None
    utilization: float | None
    breaks: int = 0
    average_break_seconds: float | None = None


def agent_stats(
    records: Iterable[ContactRecord],
    intervals: Iterable[AgentStateInterval] = (),
    options: KpiOptions = _DEFAULT,
) -> dict[str, AgentStats]:
    """Per-agent call volume, averages, breaks and occupancy.

    Returns:
        Stats per agent id, for every agent that took a contact or has an
        interval, sorted by id.

    Complexity: O(n).
    """
    tallies: dict[str, Tally] = {}
    breaks: dict[str, dict[str, float]] = {}
    volume: dict[str, int] = {}

    def tally_of(agent: str) -> Tally:
        if agent not in tallies:
            tallies[agent] = Tally(options)
            breaks[agent] = {}
            volume[agent] = 0
        return tallies[agent]

    every = options.transfer_credit == "every_agent"
    for record in records:
        if record.outcome is Outcome.ANSWERED and record.agent is not None:
            tally_of(record.agent).add(record)
            credited = dict.fromkeys(record.agents) if every else (record.agent,)
            for agent in credited:
                tally_of(agent)
                volume[agent] += 1
    for interval in intervals:
        tally_of(interval.agent_id).add_state(interval.state, interval.seconds)
        if interval.state is AgentState.NOT_READY:
            reasons = breaks[interval.agent_id]
            key = interval.reason or ""
            reasons[key] = reasons.get(key, 0.0) + interval.seconds
    result: dict[str, AgentStats] = {}
    for agent in sorted(tallies):
        values = tallies[agent].values()
        result[agent] = AgentStats(
            agent_id=agent,
            handled=volume[agent],
            average_talk_seconds=values.average_talk_seconds,
            average_acw_seconds=values.average_acw_seconds,
            not_ready_seconds=dict(sorted(breaks[agent].items())),
            logged_in_seconds=tallies[agent].logged_in,
            occupancy=values.occupancy,
            utilization=values.utilization,
            breaks=values.breaks,
            average_break_seconds=values.average_break_seconds,
        )
    return result
