"""The hotline runtime: one sans-I/O object that runs a whole contact center.

(Being built: the definition and the adapter contract come first.)
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
from ._document import load_hotline as load_hotline

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
    "ConnectAgent",
    "ContactFinished",
    "EndCall",
    "Endpoint",
    "HoldCaller",
    "HoldTreatment",
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
    "hotline_from_dict",
    "load_hotline",
]
