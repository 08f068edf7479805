"""The IVR-to-ACD seam: what a call that asks for an agent becomes in the ACD.

One function, :func:`contact_from_enqueue`, turns the IVR's
:class:`~callcenter.ivr.Enqueue` command (or, for a line without a flow, nothing) and
what the hotline knows about the caller into a routing
:class:`~callcenter.routing.Contact`. The :class:`~callcenter.hotline.Hotline` then
always routes it with :meth:`~callcenter.routing.RoutingEngine.route`, so that the
routing definition's rules apply to every call, whatever the host: the IVR's queue
is only the queue used when no rule chooses one.

The decisions, in one place:

* **Attributes** (what routing rules test): the IVR's attributes (caller, dialled,
  collected values, lookup answers, the node's own), then ``caller``, ``dialled``,
  ``language``, ``line`` (when given), ``tier`` (the known caller's tier, when set)
  and ``caller_status`` (``"vip"`` for a VIP caller).
* **Priority**: the IVR's priority, plus one for a VIP caller (a VIP caller goes
  ahead without any rule); a routing rule that sets a priority replaces it.
* **Preferred agent**: a known caller's dedicated agent is offered the contact
  first, exclusively for the caller's ``sticky_for`` seconds.
* **Skills**: the IVR's skills, each at any level.
* **Screen pop** (the contact's ``context``, shown with every offer): caller, name,
  dialled number, line, language, tier and the IVR's attributes.
"""

from __future__ import annotations

from ..errors import InvalidArgumentError
from ..ivr import CallerStatus, Enqueue
from ..routing import Contact, SkillRequirement
from ._definition import KnownCaller

__all__ = ["contact_from_enqueue"]

# Skill requirements by skill name: the same few skills come with every call.
_SKILLS: dict[str, SkillRequirement] = {}


def _skill(name: str) -> SkillRequirement:
    requirement = _SKILLS.get(name)
    if requirement is None:
        requirement = SkillRequirement(skill=name)
        if len(_SKILLS) < 1024:
            _SKILLS[name] = requirement
    return requirement


_VIP = CallerStatus.VIP


def contact_from_enqueue(
    enqueue: Enqueue | None,
    *,
    call_id: str,
    caller: str = "",
    caller_name: str = "",
    dialled: str = "",
    line: str = "",
    language: str = "",
    known_caller: KnownCaller | None = None,
    status: CallerStatus = CallerStatus.NORMAL,
) -> Contact:
    """The routing contact of a call that the IVR (or a flowless line) queues.

    Args:
        enqueue: The IVR's command, or ``None`` for a line without a flow (no IVR
            attributes, priority 0, no skills).
        call_id: The call's id; the contact's id.
        caller: The caller's number as presented.
        caller_name: The presented name (or the known caller's name).
        dialled: The dialled number.
        line: The id of the line that answered the call (empty: not set).
        language: The caller's language (default: the IVR's).
        known_caller: What the hotline knows about the caller (tier, dedicated
            agent, name), or ``None``.
        status: ``VIP`` gives the contact one more priority and the attribute
            ``caller_status = "vip"``.

    Returns:
        The contact, ready for :meth:`~callcenter.routing.RoutingEngine.route`.

    Raises:
        InvalidArgumentError: An argument of the wrong type (``enqueue`` no
            :class:`~callcenter.ivr.Enqueue`, a number or name that is no text,
            ``known_caller`` no :class:`~callcenter.hotline.KnownCaller`,
            ``status`` no :class:`~callcenter.ivr.CallerStatus`).
        DefinitionError: A value the contact refuses (an id longer than 256
            characters, a sticky period that is not a number of seconds).

    >>> from callcenter.ivr import Enqueue
    >>> from callcenter.hotline import KnownCaller
    >>> from callcenter.ivr import CallerStatus
    >>> contact = contact_from_enqueue(
    ...     Enqueue(node="agent", queue="enquiry", priority=0, skills=(),
    ...             attributes={"waybill": "123456789012"}, language="zh"),
    ...     call_id="c1", caller="13800138000", dialled="4008001234",
    ...     known_caller=KnownCaller(number="13800138000", status=CallerStatus.VIP,
    ...                              tier="gold", agent="li", sticky_for=20),
    ...     status=CallerStatus.VIP)
    >>> contact.priority, contact.preferred_agents, contact.attributes["tier"]
    (1, ('li',), 'gold')
    """
    given: tuple[object, ...] = (enqueue, known_caller, status)
    if given[0] is not None and given[0].__class__ is not Enqueue:
        raise InvalidArgumentError(name="enqueue", expected="an ivr Enqueue or None", got=enqueue)
    if enqueue is not None:
        values: object = enqueue.attributes
        if not isinstance(values, dict) or not all(
            type(k) is str and type(v) is str for k, v in values.items()
        ):
            raise InvalidArgumentError(
                name="enqueue.attributes", expected="a dict of text to text", got=values
            )
        skills: object = enqueue.skills
        if not isinstance(skills, tuple) or not all(type(x) is str for x in skills):
            raise InvalidArgumentError(
                name="enqueue.skills", expected="a tuple of skill names", got=skills
            )
        priority: object = enqueue.priority
        if type(priority) is not int:
            raise InvalidArgumentError(
                name="enqueue.priority", expected="a whole number", got=priority
            )
    texts = (caller, caller_name, dialled, line, language)
    for name, value in zip(_TEXTS, texts, strict=True):
        if value.__class__ is not str:
            raise InvalidArgumentError(name=name, expected="text", got=value)
    if given[1] is not None and not isinstance(given[1], KnownCaller):
        raise InvalidArgumentError(
            name="known_caller", expected="a KnownCaller or None", got=known_caller
        )
    if given[2].__class__ is not CallerStatus:
        raise InvalidArgumentError(name="status", expected="a CallerStatus", got=status)
    return _contact(
        enqueue,
        call_id=call_id,
        caller=caller,
        caller_name=caller_name,
        dialled=dialled,
        line=line,
        language=language,
        known_caller=known_caller,
        status=status,
    )


_TEXTS = ("caller", "caller_name", "dialled", "line", "language")


def _contact(
    enqueue: Enqueue | None,
    *,
    call_id: str,
    caller: str,
    caller_name: str,
    dialled: str,
    line: str,
    language: str,
    known_caller: KnownCaller | None,
    status: CallerStatus,
) -> Contact:
    """:func:`contact_from_enqueue` of values the hotline has checked already."""
    attributes: dict[str, str]
    if enqueue is None:
        attributes = {}
        priority = 0
        skills: tuple[SkillRequirement, ...] = ()
    else:
        attributes = dict(enqueue.attributes)
        priority = enqueue.priority
        skills = tuple(_skill(s) for s in enqueue.skills) if enqueue.skills else ()
        if not language:
            language = enqueue.language
    attributes["caller"] = caller
    attributes["dialled"] = dialled
    if language:
        attributes["language"] = language
    if line:
        attributes["line"] = line
    vip = status is _VIP
    if vip:
        attributes["caller_status"] = "vip"
        priority += 1
    preferred: tuple[str, ...] = ()
    sticky = 0.0
    if known_caller is not None:
        if known_caller.tier:
            attributes["tier"] = known_caller.tier
        if known_caller.agent is not None:
            preferred = (known_caller.agent,)
            sticky = known_caller.sticky_for
        if known_caller.name and not caller_name:
            caller_name = known_caller.name
    context: dict[str, str] = dict(attributes)
    if caller_name:
        context["caller_name"] = caller_name
    return Contact(
        id=call_id,
        priority=priority,
        skills=skills,
        attributes=attributes,
        context=context,
        preferred_agents=preferred,
        sticky_for=sticky,
    )
