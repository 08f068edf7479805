"""IVR flows: the flow model and builder, loading, validation, and the session engine.

* Write a flow with :class:`FlowBuilder` or as a TOML/JSON document
  (:func:`load_flow`, :func:`flow_from_dict`); both give the same :class:`Flow`.
* Check it with :func:`check_flow` (or ``callcenter ivr check FLOW``).
* Run calls through it with :class:`Session`: feed caller and host events, carry out
  the commands it returns.
* Keep block and VIP lists with :class:`MemoryCallerLists` or
  :class:`SQLiteCallerLists`.
"""

from typing import TYPE_CHECKING

from .. import _deprecation
from ._builder import CallbackOptions as CallbackOptions
from ._builder import CollectOptions as CollectOptions
from ._builder import FlowBuilder as FlowBuilder
from ._builder import LookupOptions as LookupOptions
from ._builder import MenuOptions as MenuOptions
from ._builder import RecordOptions as RecordOptions
from ._builder import SurveyOptions as SurveyOptions
from ._document import flow_from_dict as flow_from_dict
from ._document import flow_to_dict as flow_to_dict
from ._document import load_flow as load_flow
from ._events import AskHost as AskHost
from ._events import CallerHungUp as CallerHungUp
from ._events import CallerStatus as CallerStatus
from ._events import Command as Command
from ._events import DigitsPressed as DigitsPressed
from ._events import Enqueue as Enqueue
from ._events import HangUp as HangUp
from ._events import HostAnswered as HostAnswered
from ._events import HostFailed as HostFailed
from ._events import HostNotFound as HostNotFound
from ._events import InputEvent as InputEvent
from ._events import Listen as Listen
from ._events import NodeEntered as NodeEntered
from ._events import NodeExited as NodeExited
from ._events import NodeOutcome as NodeOutcome
from ._events import Play as Play
from ._events import PromptFinished as PromptFinished
from ._events import Record as Record
from ._events import RecordingFinished as RecordingFinished
from ._events import RequestCallback as RequestCallback
from ._events import SessionEnded as SessionEnded
from ._events import SessionEvent as SessionEvent
from ._events import SessionPhase as SessionPhase
from ._events import SessionResult as SessionResult
from ._events import SpeechHeard as SpeechHeard
from ._events import SurveyAnswered as SurveyAnswered
from ._events import Transfer as Transfer
from ._flow import Flow as Flow
from ._graph import flow_to_dot as flow_to_dot
from ._graph import flow_to_mermaid as flow_to_mermaid
from ._lists import CallerListEntry as CallerListEntry
from ._lists import CallerLists as CallerLists
from ._lists import ListKind as ListKind
from ._lists import MemoryCallerLists as MemoryCallerLists
from ._lists import SQLiteCallerLists as SQLiteCallerLists
from ._lists import normalize_number as normalize_number
from ._model import REPEAT as REPEAT
from ._model import BranchNode as BranchNode
from ._model import CallbackNode as CallbackNode
from ._model import CallNode as CallNode
from ._model import CollectNode as CollectNode
from ._model import Condition as Condition
from ._model import EnqueueNode as EnqueueNode
from ._model import HangUpNode as HangUpNode
from ._model import HoursNode as HoursNode
from ._model import LanguageNode as LanguageNode
from ._model import LookupNode as LookupNode
from ._model import MenuNode as MenuNode
from ._model import Node as Node
from ._model import RecordNode as RecordNode
from ._model import ReturnNode as ReturnNode
from ._model import Rule as Rule
from ._model import SayNode as SayNode
from ._model import SetAttributesNode as SetAttributesNode
from ._model import SurveyNode as SurveyNode
from ._model import TransferNode as TransferNode
from ._model import Variant as Variant
from ._session import Session as Session
from ._state import sign_state as sign_state
from ._state import verify_state as verify_state
from ._validate import FlowReport as FlowReport
from ._validate import check_flow as check_flow
from ._validate import check_flow_file as check_flow_file

__all__ = [
    "REPEAT",
    "AskHost",
    "BranchNode",
    "CallNode",
    "CallbackNode",
    "CallbackOptions",
    "CallerHungUp",
    "CallerListEntry",
    "CallerLists",
    "CallerStatus",
    "CollectNode",
    "CollectOptions",
    "Command",
    "Condition",
    "DigitsPressed",
    "Enqueue",
    "EnqueueNode",
    "Flow",
    "FlowBuilder",
    "FlowReport",
    "HangUp",
    "HangUpNode",
    "HostAnswered",
    "HostFailed",
    "HostNotFound",
    "HoursNode",
    "InputEvent",
    "LanguageNode",
    "ListKind",
    "Listen",
    "LookupNode",
    "LookupOptions",
    "MemoryCallerLists",
    "MenuNode",
    "MenuOptions",
    "Node",
    "NodeEntered",
    "NodeExited",
    "NodeOutcome",
    "Play",
    "PromptFinished",
    "Record",
    "RecordNode",
    "RecordOptions",
    "RecordingFinished",
    "RequestCallback",
    "ReturnNode",
    "Rule",
    "SQLiteCallerLists",
    "SayNode",
    "Session",
    "SessionEnded",
    "SessionEvent",
    "SessionPhase",
    "SessionResult",
    "SetAttributesNode",
    "SpeechHeard",
    "SurveyAnswered",
    "SurveyNode",
    "SurveyOptions",
    "Transfer",
    "TransferNode",
    "Variant",
    "check_flow",
    "check_flow_file",
    "flow_from_dict",
    "flow_to_dict",
    "flow_to_dot",
    "flow_to_mermaid",
    "load_flow",
    "normalize_number",
    "sign_state",
    "verify_state",
]

if TYPE_CHECKING:  # the deprecated names, typed for type checkers (they warn at run time)
    Outcome = NodeOutcome

_RENAMED = {"Outcome": _deprecation.Renamed("callcenter.ivr.NodeOutcome", NodeOutcome)}


def __getattr__(name: str) -> object:
    """Deprecated names: ``Outcome`` is now :class:`NodeOutcome`."""
    return _deprecation.resolve(__name__, name, _RENAMED)
