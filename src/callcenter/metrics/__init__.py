"""Contact records, KPI definitions, reports, live monitoring and Erlang staffing."""

from typing import TYPE_CHECKING

from .. import _deprecation
from .. import routing as _routing
from ..routing import AgentState as AgentState
from ._builder import BuilderEvent as BuilderEvent
from ._builder import RecordBuilder as RecordBuilder
from ._erlang import erlang_b as erlang_b
from ._erlang import erlang_c as erlang_c
from ._erlang import erlang_c_asa as erlang_c_asa
from ._erlang import erlang_c_occupancy as erlang_c_occupancy
from ._erlang import erlang_c_service_level as erlang_c_service_level
from ._erlang import log_erlang_b as log_erlang_b
from ._io import RecordSet as RecordSet
from ._io import load_records as load_records
from ._io import records_from_csv as records_from_csv
from ._io import records_from_json as records_from_json
from ._io import records_to_csv as records_to_csv
from ._io import records_to_json as records_to_json
from ._ivr_report import IvrNodeStats as IvrNodeStats
from ._ivr_report import format_ivr_nodes as format_ivr_nodes
from ._ivr_report import ivr_node_report as ivr_node_report
from ._kpis import AgentStats as AgentStats
from ._kpis import KpiOptions as KpiOptions
from ._kpis import KpiValues as KpiValues
from ._kpis import abandonment_rate as abandonment_rate
from ._kpis import agent_stats as agent_stats
from ._kpis import answer_rate as answer_rate
from ._kpis import average_after_contact_time as average_after_contact_time
from ._kpis import average_handle_time as average_handle_time
from ._kpis import average_ring_time as average_ring_time
from ._kpis import average_speed_of_answer as average_speed_of_answer
from ._kpis import average_talk_time as average_talk_time
from ._kpis import callback_rate as callback_rate
from ._kpis import compute_kpis as compute_kpis
from ._kpis import first_contact_resolution as first_contact_resolution
from ._kpis import ivr_containment as ivr_containment
from ._kpis import longest_wait as longest_wait
from ._kpis import missed_contacts as missed_contacts
from ._kpis import occupancy as occupancy
from ._kpis import repeat_contact_ids as repeat_contact_ids
from ._kpis import service_level as service_level
from ._kpis import transfer_rate as transfer_rate
from ._kpis import utilization as utilization
from ._monitor import AgentStatus as AgentStatus
from ._monitor import LiveMonitor as LiveMonitor
from ._monitor import MonitorEvent as MonitorEvent
from ._monitor import MonitorSnapshot as MonitorSnapshot
from ._monitor import QueueStatus as QueueStatus
from ._records import AgentStateInterval as AgentStateInterval
from ._records import Category as Category
from ._records import ContactRecord as ContactRecord
from ._records import Outcome as Outcome
from ._reports import DEFAULT_COLUMNS as DEFAULT_COLUMNS
from ._reports import GRANULARITIES as GRANULARITIES
from ._reports import GROUP_DIMENSIONS as GROUP_DIMENSIONS
from ._reports import Report as Report
from ._reports import ReportRow as ReportRow
from ._reports import build_report as build_report
from ._reports import daily_report as daily_report
from ._staffing import IntervalForecast as IntervalForecast
from ._staffing import IntervalPlan as IntervalPlan
from ._staffing import QueuePerformance as QueuePerformance
from ._staffing import StaffingTargets as StaffingTargets
from ._staffing import evaluate as evaluate
from ._staffing import plan_intervals as plan_intervals
from ._staffing import required_agents as required_agents
from ._staffing import scheduled_agents as scheduled_agents
from ._staffing import traffic_erlangs as traffic_erlangs
from ._summary import format_agent_table as format_agent_table
from ._summary import format_summary as format_summary
from ._wallboard import format_wallboard as format_wallboard

__all__ = [
    "DEFAULT_COLUMNS",
    "GRANULARITIES",
    "GROUP_DIMENSIONS",
    "AgentState",
    "AgentStateInterval",
    "AgentStats",
    "AgentStatus",
    "BuilderEvent",
    "Category",
    "ContactRecord",
    "IntervalForecast",
    "IntervalPlan",
    "IvrNodeStats",
    "KpiOptions",
    "KpiValues",
    "LiveMonitor",
    "MonitorEvent",
    "MonitorSnapshot",
    "Outcome",
    "QueuePerformance",
    "QueueStatus",
    "RecordBuilder",
    "RecordSet",
    "Report",
    "ReportRow",
    "StaffingTargets",
    "abandonment_rate",
    "agent_stats",
    "answer_rate",
    "average_after_contact_time",
    "average_handle_time",
    "average_ring_time",
    "average_speed_of_answer",
    "average_talk_time",
    "build_report",
    "callback_rate",
    "compute_kpis",
    "daily_report",
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "evaluate",
    "first_contact_resolution",
    "format_agent_table",
    "format_ivr_nodes",
    "format_summary",
    "format_wallboard",
    "ivr_containment",
    "ivr_node_report",
    "load_records",
    "log_erlang_b",
    "longest_wait",
    "missed_contacts",
    "occupancy",
    "plan_intervals",
    "records_from_csv",
    "records_from_json",
    "records_to_csv",
    "records_to_json",
    "repeat_contact_ids",
    "required_agents",
    "scheduled_agents",
    "service_level",
    "traffic_erlangs",
    "transfer_rate",
    "utilization",
]

_FEED = "LiveMonitor.feed takes the routing engine's events directly"
if TYPE_CHECKING:  # the deprecated names, typed for type checkers (they warn at run time)
    AgentStateChanged = _routing.AgentStateChanged
    ContactAbandoned = _routing.ContactAbandoned
    ContactAnswered = _routing.ContactAnswered
    ContactEnded = _routing.ContactCompleted
    ContactLeftQueue = _routing.ContactLeft
    ContactQueued = _routing.ContactQueued
    ContactRinging = _routing.ContactOffered
    ContactRingingStopped = _routing.ContactOfferDeclined

_RENAMED = {
    "AgentStateChanged": _deprecation.Renamed(
        "callcenter.routing.AgentStateChanged", _routing.AgentStateChanged, _FEED
    ),
    "ContactAbandoned": _deprecation.Renamed(
        "callcenter.routing.ContactAbandoned", _routing.ContactAbandoned, _FEED
    ),
    "ContactAnswered": _deprecation.Renamed(
        "callcenter.routing.ContactAnswered", _routing.ContactAnswered, _FEED
    ),
    "ContactEnded": _deprecation.Renamed(
        "callcenter.routing.ContactCompleted", _routing.ContactCompleted, _FEED
    ),
    "ContactLeftQueue": _deprecation.Renamed(
        "callcenter.routing.ContactLeft or callcenter.routing.ContactOverflowed",
        _routing.ContactLeft,
        _FEED,
    ),
    "ContactQueued": _deprecation.Renamed(
        "callcenter.routing.ContactQueued", _routing.ContactQueued, _FEED
    ),
    "ContactRinging": _deprecation.Renamed(
        "callcenter.routing.ContactOffered", _routing.ContactOffered, _FEED
    ),
    "ContactRingingStopped": _deprecation.Renamed(
        "callcenter.routing.ContactOfferDeclined", _routing.ContactOfferDeclined, _FEED
    ),
}


def __getattr__(name: str) -> object:
    """Deprecated names: the monitor's own event classes gave way to the routing engine's."""
    return _deprecation.resolve(__name__, name, _RENAMED)
