"""Workforce management: forecast, requirements, roster, and the day simulated.

From contact history to a roster checked on the hotline:

* :class:`History` counts offered contacts and handle time per queue, local date and
  interval; :func:`fit_forecast` fits a day-of-week x intraday profile with a linear
  trend (holidays and make-up working days from a
  :class:`~callcenter.calendars.BusinessCalendar`) and :func:`backtest` scores it on
  held-out weeks against naive benchmarks;
* :func:`plan_requirements` sizes each skill group per interval with the library's
  Erlang staffing;
* :func:`solve_roster` chooses the shifts of least cost as a mixed-integer program
  (HiGHS through scipy: the ``wfm`` extra); :func:`greedy_roster` is a baseline;
* :func:`staff_scenario` makes the roster a simulation scenario's staff and
  :func:`check_day` simulates the day and sets its service level per interval
  against the plan; :func:`simulate_history` makes weeks of history from a scenario.

Only :func:`solve_roster` needs scipy; the rest runs on the core dependencies.
"""

from ._forecast import Accuracy as Accuracy
from ._forecast import Backtest as Backtest
from ._forecast import DayForecast as DayForecast
from ._forecast import ForecastModel as ForecastModel
from ._forecast import QueueFit as QueueFit
from ._forecast import backtest as backtest
from ._forecast import fit_forecast as fit_forecast
from ._history import DAY_KINDS as DAY_KINDS
from ._history import History as History
from ._history import day_kind as day_kind
from ._loop import DayCheck as DayCheck
from ._loop import IntervalCheck as IntervalCheck
from ._loop import check_day as check_day
from ._loop import scenario_groups as scenario_groups
from ._loop import simulate_history as simulate_history
from ._loop import staff_scenario as staff_scenario
from ._plan import Requirements as Requirements
from ._plan import plan_requirements as plan_requirements
from ._roster import BreakRule as BreakRule
from ._roster import GroupCoverage as GroupCoverage
from ._roster import Placement as Placement
from ._roster import Roster as Roster
from ._roster import ShiftTemplate as ShiftTemplate
from ._roster import greedy_roster as greedy_roster
from ._roster import solve_roster as solve_roster

__all__ = [
    "DAY_KINDS",
    "Accuracy",
    "Backtest",
    "BreakRule",
    "DayCheck",
    "DayForecast",
    "ForecastModel",
    "GroupCoverage",
    "History",
    "IntervalCheck",
    "Placement",
    "QueueFit",
    "Requirements",
    "Roster",
    "ShiftTemplate",
    "backtest",
    "check_day",
    "day_kind",
    "fit_forecast",
    "greedy_roster",
    "plan_requirements",
    "scenario_groups",
    "simulate_history",
    "solve_roster",
    "staff_scenario",
]
