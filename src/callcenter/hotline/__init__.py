"""The hotline runtime: one sans-I/O object that runs a whole contact center.

* Describe the center with a :class:`HotlineDefinition` (lines, flows, the ACD,
  tickets, known callers, agents' endpoints).
* Run it with :class:`Hotline`: feed it inputs (:data:`HotlineInput`) with ``now``
  and carry out its outputs (:data:`HotlineOutput`); call :meth:`Hotline.advance`
  at :meth:`Hotline.next_deadline`.
* The IVR-to-ACD seam is :func:`contact_from_enqueue`; inputs travel as data with
  :func:`input_to_dict` and :func:`input_from_dict`.
"""

from ._contract import AgentLegAnswered as AgentLegAnswered
from ._contract import AgentLegDeclined as AgentLegDeclined
from ._contract import AgentLegEnded as AgentLegEnded
from ._contract import AgentLegFailed as AgentLegFailed
from ._contract import AgentLegRinging as AgentLegRinging
from ._contract import AgentLoggedIn as AgentLoggedIn
from ._contract import AgentLoggedOut as AgentLoggedOut
from ._contract import AgentNotReady as AgentNotReady
from ._contract import AgentReady as AgentReady
from ._contract import AnswerCall as AnswerCall
from ._contract import CallArrived as CallArrived
from ._contract import CallCommand as CallCommand
from ._contract import CallInput as CallInput
from ._contract import CallOnHold as CallOnHold
from ._contract import ConnectAgent as ConnectAgent
from ._contract import ContactFinished as ContactFinished
from ._contract import EndCall as EndCall
from ._contract import HoldCaller as HoldCaller
from ._contract import HotlineInput as HotlineInput
from ._contract import HotlineOutput as HotlineOutput
from ._contract import RejectCall as RejectCall
from ._contract import RingAgent as RingAgent
from ._contract import StopRinging as StopRinging
from ._contract import TicketUpdate as TicketUpdate
from ._contract import TransferCall as TransferCall
from ._contract import TransferRequested as TransferRequested
from ._contract import WrapUpDone as WrapUpDone
from ._definition import IVR_RESULTS as IVR_RESULTS
from ._definition import Endpoint as Endpoint
from ._definition import HoldTreatment as HoldTreatment
from ._definition import HotlineDefinition as HotlineDefinition
from ._definition import KnownCaller as KnownCaller
from ._definition import Line as Line
from ._definition import TicketRule as TicketRule
from ._document import check_hotline as check_hotline
from ._document import hotline_from_dict as hotline_from_dict
from ._document import hotline_to_dict as hotline_to_dict
from ._document import load_hotline as load_hotline
from ._rules import CallPhase as CallPhase
from ._runtime import CallView as CallView
from ._runtime import Hotline as Hotline
from ._seam import contact_from_enqueue as contact_from_enqueue
from ._serial import input_from_dict as input_from_dict
from ._serial import input_to_dict as input_to_dict

__all__ = [
    "IVR_RESULTS",
    "AgentLegAnswered",
    "AgentLegDeclined",
    "AgentLegEnded",
    "AgentLegFailed",
    "AgentLegRinging",
    "AgentLoggedIn",
    "AgentLoggedOut",
    "AgentNotReady",
    "AgentReady",
    "AnswerCall",
    "CallArrived",
    "CallCommand",
    "CallInput",
    "CallOnHold",
    "CallPhase",
    "CallView",
    "ConnectAgent",
    "ContactFinished",
    "EndCall",
    "Endpoint",
    "HoldCaller",
    "HoldTreatment",
    "Hotline",
    "HotlineDefinition",
    "HotlineInput",
    "HotlineOutput",
    "KnownCaller",
    "Line",
    "RejectCall",
    "RingAgent",
    "StopRinging",
    "TicketRule",
    "TicketUpdate",
    "TransferCall",
    "TransferRequested",
    "WrapUpDone",
    "check_hotline",
    "contact_from_enqueue",
    "hotline_from_dict",
    "hotline_to_dict",
    "input_from_dict",
    "input_to_dict",
    "load_hotline",
]
