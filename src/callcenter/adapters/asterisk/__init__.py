"""Asterisk: the hotline over ARI or FastAGI, app_queue over AMI, reports from ``queue_log``.

Sites use an external brain in four ways, one module each:

* ARI (:class:`AriApp`): a Stasis application; the library runs the calls (IVR,
  queueing in holding bridges, its own ACD ringing agents, mixing bridges). Needs the
  ``asterisk`` extra (``pip install 'callcenter[asterisk]'``: httpx and websockets).
* FastAGI (:class:`FastAgiServer`): the library runs the hotline's IVR flow per call
  for Asterisk's ``AGI(agi://...)``; at the flow's ``Enqueue`` it sets channel
  variables and hands the call back to the dialplan, whose ``Queue()`` does the rest.
* AMI (:class:`AmiClient`, :class:`AmiWallboard`): Asterisk keeps its dialplan and
  queues; the library shows them on its wallboard and writes contact records.
* ``queue_log`` (:func:`read_queue_log`, :func:`load_queue_log`): ``app_queue``'s
  log (the file or its database table) into contact records for the KPI reports.

FastAGI, AMI and ``queue_log`` need only the standard library.
"""

from ._agi import FastAgiServer as FastAgiServer
from ._agi import HostLookup as HostLookup
from ._ami import MAX_FRAME as MAX_FRAME
from ._ami import AmiClient as AmiClient
from ._ami import AmiError as AmiError
from ._ami import AmiMessage as AmiMessage
from ._ami import AmiParser as AmiParser
from ._ami import encode_action as encode_action
from ._ami_queue import AmiQueueFeed as AmiQueueFeed
from ._ami_queue import AmiWallboard as AmiWallboard
from ._ari import AriAction as AriAction
from ._ari import AriConfig as AriConfig
from ._ari import AriCore as AriCore
from ._ari import AriError as AriError
from ._ari import AriRequest as AriRequest
from ._ari import decode_event as decode_event
from ._ari_app import AriApp as AriApp
from ._queue_log import QUEUE_LOG_EVENTS as QUEUE_LOG_EVENTS
from ._queue_log import QueueLogImport as QueueLogImport
from ._queue_log import QueueLogProblem as QueueLogProblem
from ._queue_log import load_queue_log as load_queue_log
from ._queue_log import read_queue_log as read_queue_log

__all__ = [
    "MAX_FRAME",
    "QUEUE_LOG_EVENTS",
    "AmiClient",
    "AmiError",
    "AmiMessage",
    "AmiParser",
    "AmiQueueFeed",
    "AmiWallboard",
    "AriAction",
    "AriApp",
    "AriConfig",
    "AriCore",
    "AriError",
    "AriRequest",
    "FastAgiServer",
    "HostLookup",
    "QueueLogImport",
    "QueueLogProblem",
    "decode_event",
    "encode_action",
    "load_queue_log",
    "read_queue_log",
]
