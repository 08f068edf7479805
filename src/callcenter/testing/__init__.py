"""Tools for testing code built on callcenter: Hypothesis strategies and checkers.

Importing this package needs Hypothesis (``pip install callcenter[dev]``).
"""

from ._calendars import business_calendars as business_calendars
from ._calendars import time_ranges as time_ranges

__all__ = ["business_calendars", "time_ranges"]
