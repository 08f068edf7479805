"""One hotline across processes and servers, replicated through Redis.

Adapters append inputs to the hotline's log with :class:`AdapterLink` and read the
outputs meant for them; every process that may lead runs a
:class:`ReplicatedHotline` (``callcenter serve leader HOTLINE --redis URL``). Needs
the ``redis`` extra (``pip install 'callcenter[redis]'``). The design is explained on
the page "The replicated hotline".
"""

from ._keys import RECORDS as RECORDS
from ._replica import AdapterLink as AdapterLink
from ._replica import Published as Published
from ._replica import ReplicatedHotline as ReplicatedHotline
from ._wire import output_to_dict as output_to_dict

__all__ = ["RECORDS", "AdapterLink", "Published", "ReplicatedHotline", "output_to_dict"]
