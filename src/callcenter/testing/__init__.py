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

__all__ = [
    "ScriptedCaller",
    "business_calendars",
    "caller_scripts",
    "check_events",
    "find_agent_path",
    "random_flows",
    "run_script",
    "time_ranges",
]
