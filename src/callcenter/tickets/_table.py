"""A workflow's compiled table: what firing, replay and the diagrams all read.

:class:`~callcenter.tickets.Workflow` checks a definition and compiles it into one
frozen :class:`WorkflowTable`, keyed by state *values* (the text tickets hold). The
answer to "which triggers are legal in which state, and what do they do" is this
object: the firing functions take it, and the state diagrams and the reference page
are drawn from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .._checks import Problems, expected_number, number_problem
from ._sla import SlaPolicy
from ._transition import Transition

__all__ = ["NumberField", "WorkflowTable"]


@attrs.frozen(kw_only=True)
class NumberField:
    """What a numeric ticket field must hold whenever it is set (opened or fired).

    An amount of money, a count, a weight: a field listed in
    :attr:`Workflow.number_fields <callcenter.tickets.Workflow.number_fields>` must
    hold a finite number within these bounds (and of at most
    :data:`~callcenter._checks.LARGEST` in size); anything else -- text, ``None``,
    NaN, a negative claim -- is refused with the field's name.

    Args:
        minimum: The smallest value allowed (inclusive unless ``exclusive_minimum``).
        maximum: The largest value allowed (inclusive).
        exclusive_minimum: Whether ``minimum`` itself is refused (``> 0``).
        integer: Whether only whole numbers are accepted.

    >>> NumberField(minimum=0, exclusive_minimum=True).problem(-5.0)
    'expected a number > 0, got -5.0'

    Raises:
        DefinitionError: A bound that is not a finite number, or ``minimum > maximum``.
    """

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    integer: bool = False

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        for name in ("minimum", "maximum"):
            value = getattr(self, name)
            if value is not None:
                problems.number(name, value)
        for name in ("exclusive_minimum", "integer"):
            if not isinstance(getattr(self, name), bool):
                problems.add(name, f"expected true or false, got {getattr(self, name)!r}")
        if (
            not problems.items
            and self.minimum is not None
            and self.maximum is not None
            and self.minimum > self.maximum
        ):
            problems.add("maximum", f"expected a maximum >= the minimum {self.minimum!r}")
        problems.raise_if_any(what="number field")

    def _bounds(self) -> dict[str, Any]:
        return {
            "minimum": self.minimum,
            "maximum": self.maximum,
            "exclusive_minimum": self.exclusive_minimum,
            "integer": self.integer,
        }

    def problem(self, value: object) -> str | None:
        """What is wrong with ``value`` for this field, or ``None``."""
        return number_problem(value, **self._bounds())

    def expected(self) -> str:
        """The number accepted, in words."""
        return expected_number(**self._bounds())


@attrs.frozen(kw_only=True, eq=False)
class WorkflowTable:
    """A checked workflow compiled into lookups by state value and trigger.

    Built by :class:`~callcenter.tickets.Workflow` (read it as
    :attr:`Workflow.table <callcenter.tickets.Workflow.table>`), never changed
    afterwards. Every state is named by its value (text), as tickets hold it.

    Attributes:
        name: The workflow's name.
        states: Every state, in the order of the state enum.
        initial: The state a new ticket starts in.
        final: The states in which a ticket counts as closed.
        waiting: The states in which SLA clocks pause.
        stops: The states that stop the resolution clock (final and resolved).
        transitions: The rows as defined, in their order (what the diagrams draw).
        rows: The transition fired by each (state, trigger) pair.
        targets: The state each (state, trigger) pair leads to.
        allowed: The triggers defined in each state, sorted.
        triggers: Every trigger of the workflow, sorted.
        required_on_open: The fields a ticket must be opened with.
        number_fields: The bounds of numeric fields, by field name.
        sla: The SLA targets, or ``None`` for no clocks.
        escalation_trigger: The trigger fired on a resolution breach, or ``None``.
        escalation_sla: Resolution seconds of the fresh clock of each level, by state.
        escalate_from: The states the desk escalates from; ``None`` is every state
            in which the escalation trigger is defined.
    """

    name: str
    states: tuple[str, ...]
    initial: str
    final: frozenset[str]
    waiting: frozenset[str]
    stops: frozenset[str]
    transitions: tuple[Transition, ...]
    rows: Mapping[tuple[str, str], Transition]
    targets: Mapping[tuple[str, str], str]
    allowed: Mapping[str, tuple[str, ...]]
    triggers: tuple[str, ...]
    required_on_open: tuple[str, ...]
    number_fields: Mapping[str, NumberField]
    sla: SlaPolicy | None
    escalation_trigger: str | None
    escalation_sla: Mapping[str, float]
    escalate_from: frozenset[str] | None

    def allowed_in(self, state: str) -> tuple[str, ...]:
        """The triggers defined in ``state`` (before guards), sorted."""
        return self.allowed.get(state, ())

    def escalates_from(self, state: str) -> bool:
        """Whether the desk fires the escalation trigger on a breach in ``state``."""
        trigger = self.escalation_trigger
        if trigger is None or (state, trigger) not in self.rows:
            return False
        return self.escalate_from is None or state in self.escalate_from

    def number_problem(self, field: str, value: object) -> str | None:
        """Why ``value`` cannot be set in ``field``, or ``None``."""
        rule = self.number_fields.get(field)
        if rule is None:
            return None
        problem = rule.problem(value)
        return None if problem is None else f"field {field!r}: {problem}"

    def to_mermaid(self) -> str:
        """The state diagram as Mermaid ``stateDiagram-v2`` text."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        lines += [
            f"    {source.value} --> {t.target.value}: {t.trigger}"
            for t in self.transitions
            for source in t.source
        ]
        lines += [f"    {state} --> [*]" for state in self.states if state in self.final]
        return "\n".join(lines) + "\n"

    def to_dot(self) -> str:
        """The state diagram as Graphviz DOT text."""
        lines = [f'digraph "{self.name}" {{', "    rankdir=LR;", '    "__start" [shape=point];']
        for state in self.states:
            shape = "doublecircle" if state in self.final else "box"
            style = ", style=dashed" if state in self.waiting else ""
            lines.append(f'    "{state}" [shape={shape}{style}];')
        lines.append(f'    "__start" -> "{self.initial}";')
        lines += [
            f'    "{source.value}" -> "{t.target.value}" [label="{t.trigger}"];'
            for t in self.transitions
            for source in t.source
        ]
        lines.append("}")
        return "\n".join(lines) + "\n"
