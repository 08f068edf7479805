"""Asterisk: the hotline's IVR over FastAGI, and reports from ``queue_log``.

* :class:`FastAgiServer` runs the hotline's IVR flow per call for Asterisk's
  ``AGI(agi://...)``; at the flow's ``Enqueue`` it sets channel variables and hands
  the call back to the dialplan, whose ``Queue()`` does the rest.
* :func:`read_queue_log` and :func:`load_queue_log` turn ``app_queue``'s
  ``queue_log`` (the file or its database table) into contact records for the KPI
  reports.
"""

from ._agi import FastAgiServer as FastAgiServer
from ._agi import HostLookup as HostLookup
from ._queue_log import QUEUE_LOG_EVENTS as QUEUE_LOG_EVENTS
from ._queue_log import QueueLogImport as QueueLogImport
from ._queue_log import QueueLogProblem as QueueLogProblem
from ._queue_log import load_queue_log as load_queue_log
from ._queue_log import read_queue_log as read_queue_log

__all__ = [
    "QUEUE_LOG_EVENTS",
    "FastAgiServer",
    "HostLookup",
    "QueueLogImport",
    "QueueLogProblem",
    "load_queue_log",
    "read_queue_log",
]
