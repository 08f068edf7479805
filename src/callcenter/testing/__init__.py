"""Tools for testing code built on callcenter: Hypothesis strategies and checkers.

Importing this package needs Hypothesis (``pip install callcenter[dev]``).
"""

from ._calendars import business_calendars as business_calendars
from ._calendars import time_ranges as time_ranges
from ._routing import RoutingEventChecker as RoutingEventChecker
from ._routing import agent_definitions as agent_definitions
from ._routing import contacts as contacts
from ._routing import queue_definitions as queue_definitions
from ._routing import routing_definitions as routing_definitions
from ._routing import rule_sets as rule_sets
from ._routing import skill_requirements as skill_requirements

__all__ = [
    "RoutingEventChecker",
    "agent_definitions",
    "business_calendars",
    "contacts",
    "queue_definitions",
    "routing_definitions",
    "rule_sets",
    "skill_requirements",
    "time_ranges",
]
