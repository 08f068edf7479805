"""The automatic contact distributor (ACD): skills-based, priority-queue routing.

The one object a host drives is :class:`RoutingEngine`. It is built from a
:class:`RoutingDefinition` (queues, agents, rules; loadable from TOML with
:func:`load_definition_file`), takes calls with ``now`` (contacts arriving, agents
logging in, offers accepted...) and answers with frozen events. It does no I/O and
never reads the clock.
"""

from typing import TYPE_CHECKING

from .. import _deprecation
from ._definition import RoutingDefinition as RoutingDefinition
from ._definition import check_definition as check_definition
from ._definition import load_definition as load_definition
from ._definition import load_definition_file as load_definition_file
from ._engine import RoutingEngine as RoutingEngine
from ._events import AgentSnapshot as AgentSnapshot
from ._events import AgentStateChanged as AgentStateChanged
from ._events import Candidate as Candidate
from ._events import ContactAbandoned as ContactAbandoned
from ._events import ContactAnswered as ContactAnswered
from ._events import ContactCompleted as ContactCompleted
from ._events import ContactEscalated as ContactEscalated
from ._events import ContactLeft as ContactLeft
from ._events import ContactOfferDeclined as ContactOfferDeclined
from ._events import ContactOffered as ContactOffered
from ._events import ContactOverflowed as ContactOverflowed
from ._events import ContactQueued as ContactQueued
from ._events import ContactRefused as ContactRefused
from ._events import ContactTransferred as ContactTransferred
from ._events import DeclineReason as DeclineReason
from ._events import Exclusion as Exclusion
from ._events import Explanation as Explanation
from ._events import LeaveReason as LeaveReason
from ._events import QueueSnapshot as QueueSnapshot
from ._events import RefusalReason as RefusalReason
from ._events import RoutingEvent as RoutingEvent
from ._events import Snapshot as Snapshot
from ._model import AgentDefinition as AgentDefinition
from ._model import AgentState as AgentState
from ._model import Channel as Channel
from ._model import Contact as Contact
from ._model import CrossQueuePolicy as CrossQueuePolicy
from ._model import EscalationStep as EscalationStep
from ._model import Membership as Membership
from ._model import Overflow as Overflow
from ._model import OverflowKind as OverflowKind
from ._model import QueueDefinition as QueueDefinition
from ._model import SkillRequirement as SkillRequirement
from ._model import Strategy as Strategy
from ._rules import RoutingDecision as RoutingDecision
from ._rules import RoutingRule as RoutingRule
from ._rules import RuleSet as RuleSet

__all__ = [
    "AgentDefinition",
    "AgentSnapshot",
    "AgentState",
    "AgentStateChanged",
    "Candidate",
    "Channel",
    "Contact",
    "ContactAbandoned",
    "ContactAnswered",
    "ContactCompleted",
    "ContactEscalated",
    "ContactLeft",
    "ContactOfferDeclined",
    "ContactOffered",
    "ContactOverflowed",
    "ContactQueued",
    "ContactRefused",
    "ContactTransferred",
    "CrossQueuePolicy",
    "DeclineReason",
    "EscalationStep",
    "Exclusion",
    "Explanation",
    "LeaveReason",
    "Membership",
    "Overflow",
    "OverflowKind",
    "QueueDefinition",
    "QueueSnapshot",
    "RefusalReason",
    "RoutingDecision",
    "RoutingDefinition",
    "RoutingEngine",
    "RoutingEvent",
    "RoutingRule",
    "RuleSet",
    "SkillRequirement",
    "Snapshot",
    "Strategy",
    "check_definition",
    "load_definition",
    "load_definition_file",
]

if TYPE_CHECKING:  # the deprecated names, typed for type checkers (they warn at run time)
    Event = RoutingEvent

_RENAMED = {"Event": _deprecation.Renamed("callcenter.routing.RoutingEvent", RoutingEvent)}


def __getattr__(name: str) -> object:
    """Deprecated names: ``Event`` is now :data:`RoutingEvent`."""
    return _deprecation.resolve(__name__, name, _RENAMED)
