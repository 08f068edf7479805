"""Ticket workflows: state machines with SLA clocks, ownership and an audit trail.

* :class:`Workflow` -- states (an enum) and a table of :class:`Transition` rows,
  checked when built; :meth:`Workflow.fire` is atomic and appends one
  :class:`AuditEntry`; :meth:`Workflow.replay` rebuilds a ticket from its trail.
  Both run the workflow's compiled :class:`WorkflowTable`, which the diagrams draw.
* Built-in workflows of a logistics hotline: :data:`COMPLAINT`, :data:`ENQUIRY`,
  :data:`ORDER`, :data:`APPOINTMENT`, :data:`CALLBACK`, :data:`CLAIM`, :data:`SURVEY`.
* :class:`TicketDesk` -- the sans-I/O engine: opens and fires tickets, keeps
  first-contact ownership, and runs SLA clocks (``next_deadline()`` / ``advance(now)``).
* Stores: :class:`MemoryTicketStore` and :class:`SQLiteTicketStore`, with optimistic
  concurrency, behind the :class:`TicketStore` protocol; the SQLite one names its file
  in every error, survives damaged rows and opens read-only on request.
* :func:`complaint_report` -- the complaint problem base's figures.
"""

from ._analytics import CategoryTrend as CategoryTrend
from ._analytics import Period as Period
from ._analytics import ProblemBaseReport as ProblemBaseReport
from ._analytics import complaint_report as complaint_report
from ._analytics import period_label as period_label
from ._builtin import APPOINTMENT as APPOINTMENT
from ._builtin import BUILTIN_WORKFLOWS as BUILTIN_WORKFLOWS
from ._builtin import CALLBACK as CALLBACK
from ._builtin import CLAIM as CLAIM
from ._builtin import COMPLAINT as COMPLAINT
from ._builtin import ENQUIRY as ENQUIRY
from ._builtin import ORDER as ORDER
from ._builtin import SURVEY as SURVEY
from ._builtin import AppointmentState as AppointmentState
from ._builtin import CallbackState as CallbackState
from ._builtin import ClaimState as ClaimState
from ._builtin import ComplaintState as ComplaintState
from ._builtin import EnquiryState as EnquiryState
from ._builtin import OrderState as OrderState
from ._builtin import ServiceAreas as ServiceAreas
from ._builtin import SurveyState as SurveyState
from ._desk import TicketDesk as TicketDesk
from ._document import load_workflow as load_workflow
from ._document import workflow_from_dict as workflow_from_dict
from ._document import workflow_to_dict as workflow_to_dict
from ._events import OwnershipTransferred as OwnershipTransferred
from ._events import SlaBreached as SlaBreached
from ._events import SlaWarning as SlaWarning
from ._events import TicketClosed as TicketClosed
from ._events import TicketEvent as TicketEvent
from ._events import TicketOpened as TicketOpened
from ._events import TicketTransitioned as TicketTransitioned
from ._records import RESERVED_FIELDS as RESERVED_FIELDS
from ._records import Actor as Actor
from ._records import AuditEntry as AuditEntry
from ._records import EntryKind as EntryKind
from ._records import FieldChange as FieldChange
from ._records import FieldValue as FieldValue
from ._records import Priority as Priority
from ._records import SlaClock as SlaClock
from ._records import Ticket as Ticket
from ._sla import SlaPolicy as SlaPolicy
from ._sla import SlaTarget as SlaTarget
from ._sqlite import SCHEMA_VERSION as SCHEMA_VERSION
from ._sqlite import SQLiteTicketStore as SQLiteTicketStore
from ._store import MemoryTicketStore as MemoryTicketStore
from ._store import TicketStore as TicketStore
from ._workflow import SLA_ACTOR as SLA_ACTOR
from ._workflow import Guard as Guard
from ._workflow import GuardContext as GuardContext
from ._workflow import NumberField as NumberField
from ._workflow import Transition as Transition
from ._workflow import TriggerRefusedError as TriggerRefusedError
from ._workflow import Workflow as Workflow
from ._workflow import WorkflowTable as WorkflowTable

__all__ = [
    "APPOINTMENT",
    "BUILTIN_WORKFLOWS",
    "CALLBACK",
    "CLAIM",
    "COMPLAINT",
    "ENQUIRY",
    "ORDER",
    "RESERVED_FIELDS",
    "SCHEMA_VERSION",
    "SLA_ACTOR",
    "SURVEY",
    "Actor",
    "AppointmentState",
    "AuditEntry",
    "CallbackState",
    "CategoryTrend",
    "ClaimState",
    "ComplaintState",
    "EnquiryState",
    "EntryKind",
    "FieldChange",
    "FieldValue",
    "Guard",
    "GuardContext",
    "MemoryTicketStore",
    "NumberField",
    "OrderState",
    "OwnershipTransferred",
    "Period",
    "Priority",
    "ProblemBaseReport",
    "SQLiteTicketStore",
    "ServiceAreas",
    "SlaBreached",
    "SlaClock",
    "SlaPolicy",
    "SlaTarget",
    "SlaWarning",
    "SurveyState",
    "Ticket",
    "TicketClosed",
    "TicketDesk",
    "TicketEvent",
    "TicketOpened",
    "TicketStore",
    "TicketTransitioned",
    "Transition",
    "TriggerRefusedError",
    "Workflow",
    "WorkflowTable",
    "complaint_report",
    "load_workflow",
    "period_label",
    "workflow_from_dict",
    "workflow_to_dict",
]
