"""Asterisk adapters: the hotline on Asterisk's REST interface, app_queue seen over AMI.

* ARI (:class:`AriApp`): a Stasis application; the library runs the calls.
* AMI (:class:`AmiClient`, :class:`AmiWallboard`): Asterisk keeps its dialplan and
  queues; the library shows them on its wallboard and writes contact records.

The ARI application needs the ``asterisk`` extra (``pip install
'callcenter[asterisk]'``: httpx and websockets); AMI needs only the standard library.
"""

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

__all__ = [
    "MAX_FRAME",
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
    "decode_event",
    "encode_action",
]
