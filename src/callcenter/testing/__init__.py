"""Tools for testing code built on callcenter: Hypothesis strategies, checkers, a kit.

The adapter conformance kit (:func:`run_conformance`) replays scripted calls of the
Tianjin hotline through an adapter's wire and reports each step it got wrong.

Importing this package needs Hypothesis (``pip install callcenter[dev]``).
"""

from ._calendars import business_calendars as business_calendars
from ._calendars import time_ranges as time_ranges
from ._conformance import ConformanceReport as ConformanceReport
from ._conformance import DirectTelephony as DirectTelephony
from ._conformance import Drivable as Drivable
from ._conformance import Expect as Expect
from ._conformance import HostReply as HostReply
from ._conformance import Script as Script
from ._conformance import ScriptResult as ScriptResult
from ._conformance import Step as Step
from ._conformance import StepDifference as StepDifference
from ._conformance import Telephony as Telephony
from ._conformance import check_script as check_script
from ._conformance import expect as expect
from ._conformance import run_conformance as run_conformance
from ._conformance import tianjin_scripts as tianjin_scripts
from ._ivr import ScriptedCaller as ScriptedCaller
from ._ivr import caller_scripts as caller_scripts
from ._ivr import check_events as check_events
from ._ivr import find_agent_path as find_agent_path
from ._ivr import random_flows as random_flows
from ._ivr import run_script as run_script
from ._metrics import agent_state_intervals as agent_state_intervals
from ._metrics import contact_records as contact_records
from ._redis_server import RedisServer as RedisServer
from ._redis_server import RedisServerError as RedisServerError
from ._routing import RoutingEventChecker as RoutingEventChecker
from ._routing import agent_definitions as agent_definitions
from ._routing import contacts as contacts
from ._routing import queue_definitions as queue_definitions
from ._routing import routing_definitions as routing_definitions
from ._routing import rule_sets as rule_sets
from ._routing import skill_requirements as skill_requirements
from ._simulation import arrival_profiles as arrival_profiles
from ._simulation import choices as choices
from ._simulation import duration_models as duration_models
from ._simulation import patience_models as patience_models
from ._tianjin import TIANJIN_BLOCKED as TIANJIN_BLOCKED
from ._tianjin import TIANJIN_LINE as TIANJIN_LINE
from ._tianjin import TIANJIN_VIP as TIANJIN_VIP
from ._tianjin import tianjin_hotline as tianjin_hotline
from ._tianjin import tianjin_time as tianjin_time
from ._tickets import check_ticket_trail as check_ticket_trail
from ._tickets import field_values as field_values
from ._tickets import ticket_histories as ticket_histories
from ._tickets import ticket_workflow_documents as ticket_workflow_documents
from ._tickets import ticket_workflows as ticket_workflows

__all__ = [
    "TIANJIN_BLOCKED",
    "TIANJIN_LINE",
    "TIANJIN_VIP",
    "ConformanceReport",
    "DirectTelephony",
    "Drivable",
    "Expect",
    "HostReply",
    "RedisServer",
    "RedisServerError",
    "RoutingEventChecker",
    "Script",
    "ScriptResult",
    "ScriptedCaller",
    "Step",
    "StepDifference",
    "Telephony",
    "agent_definitions",
    "agent_state_intervals",
    "arrival_profiles",
    "business_calendars",
    "caller_scripts",
    "check_events",
    "check_script",
    "check_ticket_trail",
    "choices",
    "contact_records",
    "contacts",
    "duration_models",
    "expect",
    "field_values",
    "find_agent_path",
    "patience_models",
    "queue_definitions",
    "random_flows",
    "routing_definitions",
    "rule_sets",
    "run_conformance",
    "run_script",
    "skill_requirements",
    "tianjin_hotline",
    "tianjin_scripts",
    "tianjin_time",
    "ticket_histories",
    "ticket_workflow_documents",
    "ticket_workflows",
    "time_ranges",
]
