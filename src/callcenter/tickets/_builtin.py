"""The built-in workflows: the tickets of a logistics hotline.

Each workflow is a state enum and a table; the docs' state diagrams are generated
from these tables (:meth:`Workflow.to_mermaid <callcenter.tickets.Workflow.to_mermaid>`).
SLA targets are defaults a host replaces with ``attrs.evolve(COMPLAINT, sla=...)``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from ._records import FieldValue, Priority
from ._sla import SlaPolicy, SlaTarget
from ._workflow import GuardContext, NumberField, Transition, Workflow

__all__ = [
    "APPOINTMENT",
    "BUILTIN_WORKFLOWS",
    "CALLBACK",
    "CLAIM",
    "COMPLAINT",
    "ENQUIRY",
    "ORDER",
    "SURVEY",
    "AppointmentState",
    "CallbackState",
    "ClaimState",
    "ComplaintState",
    "EnquiryState",
    "OrderState",
    "ServiceAreas",
    "SurveyState",
]

HOUR = 3600.0
MINUTE = 60.0
DAY = 24 * HOUR

FEEDBACK_CHANNELS = ("phone", "sms", "email")


def _per_priority(response: Mapping[Priority, float | None], resolution: float | None) -> SlaPolicy:
    return SlaPolicy(
        targets={
            level: SlaTarget(first_response=response.get(level), resolution=resolution)
            for level in Priority
        }
    )


_RESPONSE_TIMES = {
    Priority.URGENT: 15 * MINUTE,
    Priority.HIGH: 30 * MINUTE,
    Priority.NORMAL: HOUR,
    Priority.LOW: 2 * HOUR,
}


# ----------------------------------------------------------------------- complaint


class ComplaintState(enum.Enum):
    """States of a complaint (投诉)."""

    RECORDED = "recorded"
    IN_QA = "in_qa"
    AWAITING_CUSTOMER = "awaiting_customer"
    AT_OFFICE = "at_office"
    AT_BRANCH = "at_branch"
    AT_HEAD_OFFICE = "at_head_office"
    RESOLVED = "resolved"
    FED_BACK = "fed_back"
    CLOSED = "closed"


_C = ComplaintState
_DEPARTMENT_LEVELS = (_C.AT_OFFICE, _C.AT_BRANCH, _C.AT_HEAD_OFFICE)

COMPLAINT = Workflow(
    name="complaint",
    description="A complaint recorded during a call, dispatched, escalated, resolved, "
    "fed back to the customer and closed; reopened on dispute; never left overnight.",
    states=ComplaintState,
    initial=_C.RECORDED,
    final={_C.CLOSED},
    waiting={_C.AWAITING_CUSTOMER},
    resolved={_C.RESOLVED, _C.FED_BACK},
    required_on_open=("customer_phone", "category", "description"),
    escalation_trigger="escalate",
    # A breach in QA is reported, not escalated, unless a host adds IN_QA here:
    # attrs.evolve(COMPLAINT, escalate_from=COMPLAINT.escalate_from | {IN_QA}).
    escalate_from={_C.AT_OFFICE, _C.AT_BRANCH},
    # "处理投诉问题不过夜" (complaints never left overnight): handled within 24 hours.
    sla=_per_priority(_RESPONSE_TIMES, DAY),
    transitions=(
        Transition(
            source=_C.RECORDED,
            trigger="answer_on_spot",
            target=_C.CLOSED,
            requires=("resolution",),
            responds=True,
            description="The agent answers the complaint during the call.",
        ),
        Transition(
            source=_C.RECORDED,
            trigger="send_to_qa",
            target=_C.IN_QA,
            responds=True,
            description="Back-office quality assurance investigates.",
        ),
        Transition(
            source=_C.IN_QA,
            trigger="ask_customer",
            target=_C.AWAITING_CUSTOMER,
            requires=("question",),
            description="QA needs something from the customer; SLA clocks pause.",
        ),
        Transition(source=_C.AWAITING_CUSTOMER, trigger="customer_replied", target=_C.IN_QA),
        Transition(
            source=(_C.RECORDED, _C.IN_QA),
            trigger="dispatch",
            target=_C.AT_OFFICE,
            requires=("department",),
            responds=True,
            description="Sent to the service office responsible.",
        ),
        Transition(
            source=_C.AT_OFFICE,
            trigger="escalate",
            target=_C.AT_BRANCH,
            description="The office cannot resolve it: up to the branch.",
        ),
        Transition(
            source=_C.IN_QA,
            trigger="escalate",
            target=_C.AT_BRANCH,
            description="QA cannot settle it: up to the branch (automatic on a breach "
            "only when the workflow escalates from QA).",
        ),
        Transition(
            source=_C.AT_BRANCH,
            trigger="escalate",
            target=_C.AT_HEAD_OFFICE,
            description="The branch cannot resolve it: up to head office.",
        ),
        Transition(
            source=(_C.IN_QA, *_DEPARTMENT_LEVELS),
            trigger="resolve",
            target=_C.RESOLVED,
            requires=("resolution",),
        ),
        Transition(
            source=_C.RESOLVED,
            trigger="feed_back",
            target=_C.FED_BACK,
            requires=("feedback_channel",),
            when={"feedback_channel": FEEDBACK_CHANNELS},
            description="The result is told to the customer by phone, SMS or e-mail.",
        ),
        Transition(source=_C.FED_BACK, trigger="close", target=_C.CLOSED),
        Transition(
            source=(_C.FED_BACK, _C.CLOSED),
            trigger="dispute",
            target=_C.IN_QA,
            requires=("dispute_reason",),
            description="The customer disputes the result: the complaint is reopened.",
        ),
    ),
)


# ----------------------------------------------------------------------- enquiry


class EnquiryState(enum.Enum):
    """States of a business enquiry (业务咨询)."""

    RECEIVED = "received"
    REFERRED = "referred"
    ANSWERED = "answered"


ENQUIRY = Workflow(
    name="enquiry",
    description="A question answered during the call or referred to a department.",
    states=EnquiryState,
    initial=EnquiryState.RECEIVED,
    final={EnquiryState.ANSWERED},
    required_on_open=("customer_phone", "question"),
    sla=_per_priority(_RESPONSE_TIMES, 8 * HOUR),
    transitions=(
        Transition(
            source=(EnquiryState.RECEIVED, EnquiryState.REFERRED),
            trigger="answer",
            target=EnquiryState.ANSWERED,
            requires=("answer",),
            responds=True,
        ),
        Transition(
            source=EnquiryState.RECEIVED,
            trigger="refer",
            target=EnquiryState.REFERRED,
            requires=("department",),
            responds=True,
        ),
    ),
)


# ----------------------------------------------------------------------- order


class OrderState(enum.Enum):
    """States of a pickup or delivery order (发货受理 / 取派件)."""

    CREATED = "created"
    ROUTED = "routed"
    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


_O = OrderState

ORDER = Workflow(
    name="order",
    description="A pickup or delivery order routed to the service point of the "
    "customer's area, which confirms, schedules and completes it.",
    states=OrderState,
    initial=_O.CREATED,
    final={_O.COMPLETED, _O.CANCELLED},
    required_on_open=("customer_phone", "kind", "area", "address"),
    sla=_per_priority(_RESPONSE_TIMES, 2 * DAY),
    transitions=(
        Transition(
            source=_O.CREATED,
            trigger="route",
            target=_O.ROUTED,
            requires=("service_point",),
            when={"kind": ("pickup", "delivery")},
            description="Routed to the service point responsible for the area (see ServiceAreas).",
        ),
        Transition(
            source=_O.ROUTED, trigger="reroute", target=_O.ROUTED, requires=("service_point",)
        ),
        Transition(source=_O.ROUTED, trigger="confirm", target=_O.CONFIRMED, responds=True),
        Transition(
            source=_O.CONFIRMED, trigger="schedule", target=_O.SCHEDULED, requires=("scheduled_at",)
        ),
        Transition(source=_O.SCHEDULED, trigger="complete", target=_O.COMPLETED),
        Transition(
            source=_O.SCHEDULED,
            trigger="fail",
            target=_O.CONFIRMED,
            requires=("failure_reason",),
            increments=("failed_attempts",),
            description="The courier could not pick up or deliver; schedule again.",
        ),
        Transition(
            source=(_O.CREATED, _O.ROUTED, _O.CONFIRMED, _O.SCHEDULED),
            trigger="cancel",
            target=_O.CANCELLED,
            requires=("cancel_reason",),
        ),
    ),
)


@attrs.frozen
class ServiceAreas:
    """Which service point is responsible for an area, by longest matching prefix.

    Areas are codes whose prefixes nest (administrative division codes such as
    ``120103`` in ``1201`` in ``12``), so one entry can cover a whole city.

    >>> areas = ServiceAreas({"12": "TJ-central", "120103": "TJ-Hexi"})
    >>> areas.service_point_for("120103")
    'TJ-Hexi'
    >>> areas.service_point_for("120104")
    'TJ-central'
    >>> areas.service_point_for("31") is None
    True
    """

    points: Mapping[str, str]

    def service_point_for(self, area: str) -> str | None:
        """The service point of the longest prefix of ``area`` that is listed."""
        for end in range(len(area), 0, -1):
            point = self.points.get(area[:end])
            if point is not None:
                return point
        return None

    def route_fields(self, area: str) -> dict[str, FieldValue]:
        """The fields for an order's ``route`` trigger (empty when no point covers it)."""
        point = self.service_point_for(area)
        return {} if point is None else {"service_point": point}


# ----------------------------------------------------------------------- appointment


class AppointmentState(enum.Enum):
    """States of an appointment for a pickup, a delivery or a cash collection (预约)."""

    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    ON_SITE = "on_site"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


def _seconds(value: FieldValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _window_ok(context: GuardContext) -> str | None:
    start = context.fields.get("window_start")
    end = context.fields.get("window_end")
    if not _seconds(start) or not _seconds(end):
        return "window_start and window_end must be POSIX seconds"
    assert isinstance(start, int | float)
    assert isinstance(end, int | float)
    if end <= start:
        return f"the time window must end after it starts, got {start!r}..{end!r}"
    if end <= context.now:
        return f"the time window already ended at {end!r} (now is {context.now!r}); give one ahead"
    return None


def _window_passed(context: GuardContext) -> str | None:
    end = context.fields.get("window_end")
    if isinstance(end, int | float) and context.now <= end:
        return f"the time window is still open until {end!r}"
    return None


def _collected(context: GuardContext) -> str | None:
    if (
        context.fields.get("kind") == "cash_collection"
        and context.fields.get("amount_collected") is None
    ):
        return "a cash collection needs amount_collected (a number >= 0)"
    return None


_AMOUNT = NumberField(minimum=0)
"""An amount of money: a finite number >= 0 of at most LARGEST in size."""


_A = AppointmentState

APPOINTMENT = Workflow(
    name="appointment",
    description="A pickup, delivery or cash collection booked for a time window.",
    states=AppointmentState,
    initial=_A.REQUESTED,
    final={_A.DONE, _A.CANCELLED},
    required_on_open=("customer_phone", "kind", "address"),
    number_fields={"amount_collected": _AMOUNT},
    sla=_per_priority(_RESPONSE_TIMES, None),
    transitions=(
        Transition(
            source=_A.REQUESTED,
            trigger="confirm",
            target=_A.CONFIRMED,
            requires=("window_start", "window_end"),
            when={"kind": ("pickup", "delivery", "cash_collection")},
            guard=_window_ok,
            responds=True,
        ),
        Transition(source=_A.CONFIRMED, trigger="arrive", target=_A.ON_SITE),
        Transition(source=_A.ON_SITE, trigger="complete", target=_A.DONE, guard=_collected),
        Transition(
            source=_A.CONFIRMED,
            trigger="miss",
            target=_A.MISSED,
            guard=_window_passed,
            description="Nobody came within the window.",
        ),
        Transition(
            source=_A.MISSED,
            trigger="reschedule",
            target=_A.CONFIRMED,
            requires=("window_start", "window_end"),
            guard=_window_ok,
        ),
        Transition(
            source=(_A.REQUESTED, _A.CONFIRMED, _A.MISSED),
            trigger="cancel",
            target=_A.CANCELLED,
            requires=("cancel_reason",),
        ),
    ),
)


# ----------------------------------------------------------------------- callback


class CallbackState(enum.Enum):
    """States of a scheduled outbound callback or revisit (回访)."""

    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


DEFAULT_MAX_ATTEMPTS = 3


def _max_attempts(context: GuardContext) -> int:
    limit = context.fields.get("max_attempts")
    return limit if isinstance(limit, int) and not isinstance(limit, bool) else DEFAULT_MAX_ATTEMPTS


def _attempt_left(context: GuardContext) -> str | None:
    attempts = context.fields.get("attempts")
    limit = _max_attempts(context)
    if isinstance(attempts, int) and attempts > limit:
        return f"all {limit} attempts are used; give up or complete"
    return None


def _out_of_attempts(context: GuardContext) -> str | None:
    attempts = context.fields.get("attempts")
    used = attempts if isinstance(attempts, int) else 0
    if context.fields.get("outcome") == "wrong_number" or used >= _max_attempts(context):
        return None
    return f"only {used} of {_max_attempts(context)} attempts made; keep trying"


CALLBACK = Workflow(
    name="callback",
    description="A scheduled outbound call (callback or revisit), tried a few times.",
    states=CallbackState,
    initial=CallbackState.SCHEDULED,
    final={CallbackState.COMPLETED, CallbackState.ABANDONED},
    required_on_open=("customer_phone", "reason"),
    sla=_per_priority({}, DAY),
    transitions=(
        Transition(
            source=CallbackState.SCHEDULED,
            trigger="attempt_failed",
            target=CallbackState.SCHEDULED,
            requires=("outcome",),
            when={"outcome": ("no_answer", "busy", "wrong_number")},
            increments=("attempts",),
            guard=_attempt_left,
        ),
        Transition(
            source=CallbackState.SCHEDULED,
            trigger="reached",
            target=CallbackState.COMPLETED,
            requires=("result",),
            responds=True,
        ),
        Transition(
            source=CallbackState.SCHEDULED,
            trigger="give_up",
            target=CallbackState.ABANDONED,
            guard=_out_of_attempts,
        ),
    ),
)


# ----------------------------------------------------------------------- claim


class ClaimState(enum.Enum):
    """States of a cargo damage, loss or theft claim (货损货差理赔)."""

    FILED = "filed"
    INVESTIGATING = "investigating"
    AWAITING_DOCUMENTS = "awaiting_documents"
    ASSESSED = "assessed"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"


def _amount_ok(context: GuardContext) -> str | None:
    # both are number fields: when set, they hold numbers within their bounds
    amount = context.fields.get("compensation_amount")
    claimed = context.fields.get("claimed_amount")
    if not _seconds(amount):
        return f"compensation_amount must be a number >= 0, got {amount!r}"
    assert isinstance(amount, int | float)
    if isinstance(claimed, int | float) and amount > claimed:
        return f"compensation {amount!r} exceeds the amount claimed {claimed!r}"
    return None


_L = ClaimState
APPROVER = "claims_approver"

CLAIM = Workflow(
    name="claim",
    description="A claim for damaged, lost or stolen cargo: investigated, assessed, "
    "approved by a claims approver, paid.",
    states=ClaimState,
    initial=_L.FILED,
    final={_L.PAID, _L.REJECTED},
    waiting={_L.AWAITING_DOCUMENTS},
    resolved={_L.APPROVED},
    required_on_open=("customer_phone", "waybill", "loss_kind", "claimed_amount"),
    number_fields={
        "claimed_amount": NumberField(minimum=0, exclusive_minimum=True),
        "compensation_amount": _AMOUNT,
    },
    sla=_per_priority(dict.fromkeys(Priority, DAY), 7 * DAY),
    transitions=(
        Transition(source=_L.FILED, trigger="investigate", target=_L.INVESTIGATING, responds=True),
        Transition(
            source=_L.INVESTIGATING,
            trigger="request_documents",
            target=_L.AWAITING_DOCUMENTS,
            requires=("documents_requested",),
        ),
        Transition(
            source=_L.AWAITING_DOCUMENTS, trigger="documents_received", target=_L.INVESTIGATING
        ),
        Transition(
            source=_L.INVESTIGATING,
            trigger="assess",
            target=_L.ASSESSED,
            requires=("compensation_amount",),
            guard=_amount_ok,
        ),
        Transition(source=_L.ASSESSED, trigger="reassess", target=_L.INVESTIGATING),
        Transition(source=_L.ASSESSED, trigger="approve", target=_L.APPROVED, roles={APPROVER}),
        Transition(
            source=_L.APPROVED, trigger="pay", target=_L.PAID, requires=("payment_reference",)
        ),
        Transition(
            source=(_L.INVESTIGATING, _L.ASSESSED),
            trigger="reject",
            target=_L.REJECTED,
            requires=("rejection_reason",),
            roles={APPROVER},
        ),
    ),
)


# ----------------------------------------------------------------------- survey


class SurveyState(enum.Enum):
    """States of a satisfaction survey (满意度回访)."""

    SENT = "sent"
    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"
    UNANSWERED = "unanswered"


SURVEY = Workflow(
    name="survey",
    description="A satisfaction survey by phone or SMS; every 'unsatisfied' answer "
    "opens a follow-up callback automatically (二次回访).",
    states=SurveyState,
    initial=SurveyState.SENT,
    final={SurveyState.SATISFIED, SurveyState.UNSATISFIED, SurveyState.UNANSWERED},
    required_on_open=("customer_phone",),
    transitions=(
        Transition(
            source=SurveyState.SENT, trigger="answer_satisfied", target=SurveyState.SATISFIED
        ),
        Transition(
            source=SurveyState.SENT,
            trigger="answer_unsatisfied",
            target=SurveyState.UNSATISFIED,
            opens="callback",
        ),
        Transition(source=SurveyState.SENT, trigger="expire", target=SurveyState.UNANSWERED),
    ),
)


BUILTIN_WORKFLOWS: Mapping[str, Workflow] = {
    wf.name: wf for wf in (COMPLAINT, ENQUIRY, ORDER, APPOINTMENT, CALLBACK, CLAIM, SURVEY)
}
"""Every built-in workflow by name (give ``BUILTIN_WORKFLOWS.values()`` to a desk)."""
