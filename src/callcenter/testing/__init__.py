"""Tools for testing code built on callcenter: Hypothesis strategies and checkers.

Importing this package needs Hypothesis (``pip install callcenter[dev]``).
"""

from ._calendars import business_calendars as business_calendars
from ._calendars import time_ranges as time_ranges
from ._tickets import check_ticket_trail as check_ticket_trail
from ._tickets import field_values as field_values
from ._tickets import ticket_histories as ticket_histories
from ._tickets import ticket_workflow_documents as ticket_workflow_documents
from ._tickets import ticket_workflows as ticket_workflows

__all__ = [
    "business_calendars",
    "check_ticket_trail",
    "field_values",
    "ticket_histories",
    "ticket_workflow_documents",
    "ticket_workflows",
    "time_ranges",
]
