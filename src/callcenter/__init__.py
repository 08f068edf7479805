"""callcenter: typed, sans-I/O contact-center domain logic.

The packages:

* :mod:`callcenter.routing` -- the skills-based ACD;
* :mod:`callcenter.ivr` -- IVR flows, their validator and the session engine;
* :mod:`callcenter.tickets` -- ticket workflows with SLA clocks and an audit trail;
* :mod:`callcenter.metrics` -- contact records, KPIs, reports and Erlang staffing;
* :mod:`callcenter.simulation` -- a discrete-event driver for the real engines;
* :mod:`callcenter.adapters` -- telephony at the edge;
* :mod:`callcenter.calendars` -- business hours, holidays and make-up working days;
* :mod:`callcenter.errors` -- the exception tree.
"""

from ._version import __version__ as __version__
from .calendars import BusinessCalendar as BusinessCalendar
from .errors import CallCenterError as CallCenterError

__all__ = ["BusinessCalendar", "CallCenterError", "__version__"]
