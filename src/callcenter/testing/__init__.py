"""Tools for testing code built on callcenter: Hypothesis strategies and checkers.

Importing this package needs Hypothesis (``pip install callcenter[dev]``).
"""

from ._calendars import business_calendars as business_calendars
from ._calendars import time_ranges as time_ranges
from ._ivr import ScriptedCaller as ScriptedCaller
from ._ivr import caller_scripts as caller_scripts
from ._ivr import check_events as check_events
from ._ivr import find_agent_path as find_agent_path
from ._ivr import random_flows as random_flows
from ._ivr import run_script as run_script
from ._metrics import agent_state_intervals as agent_state_intervals
from ._metrics import contact_records as contact_records
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
from ._tickets import check_ticket_trail as check_ticket_trail
from ._tickets import field_values as field_values
from ._tickets import ticket_histories as ticket_histories
from ._tickets import ticket_workflow_documents as ticket_workflow_documents
from ._tickets import ticket_workflows as ticket_workflows

__all__ = [
    "RoutingEventChecker",
    "ScriptedCaller",
    "agent_definitions",
    "agent_state_intervals",
    "arrival_profiles",
    "business_calendars",
    "caller_scripts",
    "check_events",
    "check_ticket_trail",
    "choices",
    "contact_records",
    "contacts",
    "duration_models",
    "field_values",
    "find_agent_path",
    "patience_models",
    "queue_definitions",
    "random_flows",
    "routing_definitions",
    "rule_sets",
    "run_script",
    "skill_requirements",
    "ticket_histories",
    "ticket_workflow_documents",
    "ticket_workflows",
    "time_ranges",
]
