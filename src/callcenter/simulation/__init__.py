"""A discrete-event driver that runs the library's engines on a virtual clock.

Write a day of a hotline as a scenario (:func:`load_scenario`) and run it with
:func:`simulate`: simulated callers and agents around the real IVR sessions, ACD,
ticket desk and record builder. The building blocks:

* random models, each drawing from an explicit seeded :class:`random.Random` (one
  per purpose, from :class:`RandomStreams`):
  arrivals (:class:`PoissonArrivals`, :class:`ReplayedArrivals`), durations such as
  handle times (:class:`Exponential`, :class:`LogNormal`, :class:`Empirical`,
  :class:`Deterministic`), caller patience (any duration, or :class:`NoPatience`)
  categorical choices (:class:`Choice`) and agents' shifts (:class:`Shift`), loadable
  from TOML documents;
* the discrete-event kernel (:class:`Simulator`): a virtual clock, an event calendar
  and timer sources (engines with ``next_deadline()`` / ``advance(now)``);
* output statistics (:func:`confidence_interval`, :func:`batch_means`,
  :func:`t_quantile`) and what-if studies over any
  :class:`concurrent.futures.Executor` (:func:`run_study`).
"""

from typing import TYPE_CHECKING

from .. import _deprecation
from ._arrivals import ArrivalProcess as ArrivalProcess
from ._arrivals import PoissonArrivals as PoissonArrivals
from ._arrivals import ReplayedArrivals as ReplayedArrivals
from ._definitions import arrivals_from_dict as arrivals_from_dict
from ._definitions import choice_from_dict as choice_from_dict
from ._definitions import duration_from_dict as duration_from_dict
from ._definitions import model_to_dict as model_to_dict
from ._definitions import patience_from_dict as patience_from_dict
from ._definitions import register_model_hooks as register_model_hooks
from ._definitions import shift_from_dict as shift_from_dict
from ._distributions import Choice as Choice
from ._distributions import Deterministic as Deterministic
from ._distributions import Duration as Duration
from ._distributions import Empirical as Empirical
from ._distributions import Exponential as Exponential
from ._distributions import LogNormal as LogNormal
from ._distributions import NoPatience as NoPatience
from ._distributions import Patience as Patience
from ._driver import scenario_figures as scenario_figures
from ._driver import simulate as simulate
from ._kernel import ScheduledEvent as ScheduledEvent
from ._kernel import SimulationStalledError as SimulationStalledError
from ._kernel import Simulator as Simulator
from ._kernel import TimerSource as TimerSource
from ._limits import MAX_AGENT_DAYS as MAX_AGENT_DAYS
from ._limits import MAX_CALLS as MAX_CALLS
from ._results import SimulationResult as SimulationResult
from ._results import TicketSummary as TicketSummary
from ._scenario import CallerModel as CallerModel
from ._scenario import LineModel as LineModel
from ._scenario import QueueModel as QueueModel
from ._scenario import Scenario as Scenario
from ._scenario import StaffGroup as StaffGroup
from ._scenario import TicketModel as TicketModel
from ._scenario import TicketStep as TicketStep
from ._scenario import load_scenario as load_scenario
from ._scenario import scenario_from_dict as scenario_from_dict
from ._shifts import Shift as Shift
from ._shifts import ShiftChange as ShiftChange
from ._stats import ConfidenceInterval as ConfidenceInterval
from ._stats import batch_means as batch_means
from ._stats import confidence_interval as confidence_interval
from ._stats import mean as mean
from ._stats import sample_variance as sample_variance
from ._stats import t_cdf as t_cdf
from ._stats import t_quantile as t_quantile
from ._streams import RandomStreams as RandomStreams
from ._study import StudyResult as StudyResult
from ._study import VariantResult as VariantResult
from ._study import derive_seed as derive_seed
from ._study import run_study as run_study

__all__ = [
    "MAX_AGENT_DAYS",
    "MAX_CALLS",
    "ArrivalProcess",
    "CallerModel",
    "Choice",
    "ConfidenceInterval",
    "Deterministic",
    "Duration",
    "Empirical",
    "Exponential",
    "LineModel",
    "LogNormal",
    "NoPatience",
    "Patience",
    "PoissonArrivals",
    "QueueModel",
    "RandomStreams",
    "ReplayedArrivals",
    "Scenario",
    "ScheduledEvent",
    "Shift",
    "ShiftChange",
    "SimulationResult",
    "SimulationStalledError",
    "Simulator",
    "StaffGroup",
    "StudyResult",
    "TicketModel",
    "TicketStep",
    "TicketSummary",
    "TimerSource",
    "VariantResult",
    "arrivals_from_dict",
    "batch_means",
    "choice_from_dict",
    "confidence_interval",
    "derive_seed",
    "duration_from_dict",
    "load_scenario",
    "mean",
    "model_to_dict",
    "patience_from_dict",
    "register_model_hooks",
    "run_study",
    "sample_variance",
    "scenario_figures",
    "scenario_from_dict",
    "shift_from_dict",
    "simulate",
    "t_cdf",
    "t_quantile",
]

if TYPE_CHECKING:  # the deprecated names, typed for type checkers (they warn at run time)
    Event = ScheduledEvent

_RENAMED = {"Event": _deprecation.Renamed("callcenter.simulation.ScheduledEvent", ScheduledEvent)}


def __getattr__(name: str) -> object:
    """Deprecated names: ``Event`` is now :class:`ScheduledEvent`."""
    return _deprecation.resolve(__name__, name, _RENAMED)
