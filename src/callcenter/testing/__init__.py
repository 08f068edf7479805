"""Tools for testing code built on callcenter: Hypothesis strategies and checkers.

Importing this package needs Hypothesis (``pip install callcenter[dev]``).
"""

from ._calendars import business_calendars as business_calendars
from ._calendars import time_ranges as time_ranges
from ._metrics import agent_state_intervals as agent_state_intervals
from ._metrics import contact_records as contact_records

__all__ = [
    "agent_state_intervals",
    "business_calendars",
    "contact_records",
    "time_ranges",
]
