"""Ordered routing rules: decide a contact's queue, priority and skills from its attributes.

A rule matches when every key of its ``when`` table matches the contact's attribute
of that name: a scalar must be equal, a list must contain the attribute's value.
Rules are read top-down; for each field (queue, priority, skills, age bonus) the
first matching rule that sets it wins, and a rule with ``stop = true`` ends the
reading. A contact that no rule sends anywhere goes to ``default_queue``.

>>> rules = RuleSet(
...     rules=(
...         RoutingRule(when={"tier": "VIP"}, queue="vip", priority=1),
...         RoutingRule(when={"region": ["north", "northeast"]}, queue="north"),
...     ),
...     default_queue="general",
... )
>>> rules.decide({"tier": "VIP", "region": "north"})
RoutingDecision(queue='vip', priority=1, skills=(), age_bonus=0.0, matched=(0, 1))
>>> rules.decide({"region": "northeast"}).queue
'north'
>>> rules.decide({}).queue
'general'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .._checks import Problems
from ..errors import NoRouteError
from ._model import Contact, SkillRequirement, check_id, check_items, check_type, frozen_key

__all__ = ["RoutingDecision", "RoutingRule", "RuleSet"]


@attrs.frozen(kw_only=True)
class RoutingRule:
    """One rule: a condition over attributes and what it decides.

    Attributes:
        when: Attribute name to required value (or list of accepted values). Empty:
            matches every contact.
        queue: The queue to send the contact to.
        priority: The priority to give it.
        skills: Extra skills the agent must have.
        age_bonus: Seconds the contact moves ahead in its queue.
        stop: Stop reading further rules when this one matches.
        name: A label for explanations and error messages.
    """

    when: Mapping[str, Any] = attrs.field(factory=dict, eq=frozen_key)
    queue: str | None = None
    priority: int | None = None
    skills: tuple[SkillRequirement, ...] = ()
    age_bonus: float | None = None
    stop: bool = False
    name: str = ""

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_type(problems, "when", self.when, Mapping, "a mapping of attribute = value")
        if self.queue is not None:
            check_id(problems, "queue", self.queue)
        if self.priority is not None:
            problems.number("priority", self.priority, integer=True)
        check_items(problems, "skills", self.skills, SkillRequirement, "SkillRequirement")
        if self.age_bonus is not None:
            problems.number("age_bonus", self.age_bonus, minimum=0)
        problems.raise_if_any(what="routing rule")

    def matches(self, attributes: Mapping[str, Any]) -> bool:
        """Whether every condition of ``when`` holds for ``attributes``. ``O(len(when))``.

        A value that cannot be compared with a condition (an unhashable value against
        a set of accepted values) does not match it.
        """
        for key, expected in self.when.items():
            if key not in attributes:
                return False
            value = attributes[key]
            if isinstance(expected, list | tuple | frozenset | set):
                try:
                    if value not in expected:
                        return False
                except TypeError:
                    return False
            elif value != expected:
                return False
        return True


@attrs.frozen(kw_only=True)
class RoutingDecision:
    """What the rules decided for one contact.

    Attributes:
        queue: The queue.
        priority: The priority (the contact's own if no rule set one).
        skills: Extra skill requirements from the rules.
        age_bonus: The age bonus (the contact's own if no rule set one).
        matched: Indexes of the rules that matched, in order (for explanations).
    """

    queue: str
    priority: int
    skills: tuple[SkillRequirement, ...]
    age_bonus: float
    matched: tuple[int, ...]

    def apply(self, contact: Contact) -> Contact:
        """Return ``contact`` with this decision's priority, bonus and extra skills.

        The contact itself when the decision changes none of them (no rule, or rules
        that only choose the queue): routing every call through the rules then costs
        no second contact.
        """
        priority, bonus = self.priority, self.age_bonus
        if (
            not self.skills
            and type(priority) is type(contact.priority)
            and priority == contact.priority
            and type(bonus) is type(contact.age_bonus)
            and bonus == contact.age_bonus
        ):
            return contact
        return attrs.evolve(
            contact,
            priority=self.priority,
            age_bonus=self.age_bonus,
            skills=(*contact.skills, *self.skills),
        )


@attrs.frozen(kw_only=True)
class RuleSet:
    """An ordered list of rules and the queue for contacts that no rule places.

    Attributes:
        rules: The rules, read top-down.
        default_queue: The queue of a contact that no rule sends anywhere (``None``:
            such a contact is refused with a :class:`LookupError`).
    """

    rules: tuple[RoutingRule, ...] = ()
    default_queue: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_items(problems, "rules", self.rules, RoutingRule, "RoutingRule")
        if self.default_queue is not None:
            check_id(problems, "default_queue", self.default_queue)
        problems.raise_if_any(what="rule set")

    def decide(
        self,
        attributes: Mapping[str, Any],
        *,
        priority: int = 0,
        age_bonus: float = 0.0,
        queue: str | None = None,
    ) -> RoutingDecision:
        """Read the rules for a contact with these attributes.

        Args:
            attributes: The contact's attributes.
            priority: The priority to keep if no rule sets one.
            age_bonus: The age bonus to keep if no rule sets one.
            queue: The queue to use if no rule sets one (the queue an IVR chose),
                before ``default_queue``.

        Returns:
            The decision.

        Raises:
            NoRouteError: No rule sets a queue and there is no ``default_queue`` (a
                :class:`LookupError` and an :class:`~callcenter.errors.EngineError`).

        Complexity: ``O(total size of the conditions)``.
        """
        fallback = queue
        queue = None
        chosen_priority: int | None = None
        chosen_bonus: float | None = None
        skills: tuple[SkillRequirement, ...] | None = None
        matched: list[int] = []
        for index, rule in enumerate(self.rules):
            if not rule.matches(attributes):
                continue
            matched.append(index)
            if queue is None and rule.queue is not None:
                queue = rule.queue
            if chosen_priority is None and rule.priority is not None:
                chosen_priority = rule.priority
            if chosen_bonus is None and rule.age_bonus is not None:
                chosen_bonus = rule.age_bonus
            if skills is None and rule.skills:
                skills = rule.skills
            if rule.stop:
                break
        if queue is None:
            queue = fallback if fallback is not None else self.default_queue
        if queue is None:
            raise NoRouteError(attributes=dict(attributes))
        return RoutingDecision(
            queue=queue,
            priority=priority if chosen_priority is None else chosen_priority,
            skills=skills or (),
            age_bonus=age_bonus if chosen_bonus is None else chosen_bonus,
            matched=tuple(matched),
        )
