"""Tools for testing code built on callcenter: Hypothesis strategies and checkers.

Importing this package needs Hypothesis (``pip install callcenter[dev]``).
"""

from ._calendars import business_calendars as business_calendars
from ._calendars import time_ranges as time_ranges
from ._simulation import arrival_profiles as arrival_profiles
from ._simulation import choices as choices
from ._simulation import duration_models as duration_models
from ._simulation import patience_models as patience_models

__all__ = ["business_calendars", "time_ranges"]
__all__ += ["arrival_profiles", "choices", "duration_models", "patience_models"]
