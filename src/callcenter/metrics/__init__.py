"""Contact records, KPI definitions, reports, live monitoring and Erlang staffing."""

from ._erlang import erlang_b as erlang_b
from ._erlang import erlang_c as erlang_c
from ._erlang import erlang_c_asa as erlang_c_asa
from ._erlang import erlang_c_occupancy as erlang_c_occupancy
from ._erlang import erlang_c_service_level as erlang_c_service_level
from ._erlang import log_erlang_b as log_erlang_b
from ._staffing import IntervalForecast as IntervalForecast
from ._staffing import IntervalPlan as IntervalPlan
from ._staffing import QueuePerformance as QueuePerformance
from ._staffing import StaffingTargets as StaffingTargets
from ._staffing import evaluate as evaluate
from ._staffing import plan_intervals as plan_intervals
from ._staffing import required_agents as required_agents
from ._staffing import scheduled_agents as scheduled_agents
from ._staffing import traffic_erlangs as traffic_erlangs

__all__ = [
    "IntervalForecast",
    "IntervalPlan",
    "QueuePerformance",
    "StaffingTargets",
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "evaluate",
    "log_erlang_b",
    "plan_intervals",
    "required_agents",
    "scheduled_agents",
    "traffic_erlangs",
]
