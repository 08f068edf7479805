"""Rosters: the shifts that cover interval requirements at least cost.

A :class:`ShiftTemplate` says what shifts a skill group may work: the allowed start
times, the length, the breaks (each with a window relative to the start), the cost
of one head, and how many heads may work it. Every way to work a template -- a start
time and a placement of each break -- is a *placement*; the roster chooses how many
heads work each placement.

:func:`solve_roster` writes this as a mixed-integer program and solves it with HiGHS
through :func:`scipy.optimize.milp` (the ``wfm`` extra)::

    minimise   sum_p cost_p x_p + under_cost * sum_(g,i) u_(g,i)
    subject to sum_p cover_(p,i) x_p + u_(g,i) >= required_(g,i)  for p of group g
               min_heads_t <= sum_(p of t) x_p <= max_heads_t
               sum_(part-time p of g) x_p <= share * sum_(p of g) x_p
               x_p integer >= 0, u >= 0

``cover_(p,i)`` is the share of interval ``i`` that a head on placement ``p`` works
(0.5 for an interval half spent on a break). Missing coverage ``u`` is allowed but
costs ``under_cost`` per agent-interval, far above any shift, so the roster covers
every interval it can and reports the rest as under-coverage instead of failing.
:func:`greedy_roster` is a simple baseline: add the head that covers the most missing
requirement per unit of cost, while that pays.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .._checks import Problems, check_argument, number_problem
from ..errors import InvalidArgumentError
from ..simulation import Shift
from ._plan import Requirements

__all__ = [
    "BreakRule",
    "GroupCoverage",
    "Placement",
    "Roster",
    "ShiftTemplate",
    "greedy_roster",
    "solve_roster",
]

_DAY = 86_400
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"


def _parse_start(text: object) -> int | None:
    if not isinstance(text, str):
        return None
    match = _CLOCK.match(text.strip())
    if match is None or int(match[2]) > 59 or int(match[1]) > 23:
        return None
    return int(match[1]) * 3600 + int(match[2]) * 60


def _strings(value: Iterable[Any] | str) -> tuple[Any, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen(kw_only=True)
class BreakRule:
    """A break (or lunch) of a shift, with the window in which it may start.

    Args:
        minutes: The break's length.
        earliest: The earliest start, in minutes after the shift starts.
        latest: The latest start, in minutes after the shift starts.
        step: Minutes between the start times tried within the window.

    Raises:
        DefinitionError: A length or window out of range.

    >>> lunch = BreakRule(minutes=60, earliest=180, latest=300)
    >>> lunch.offsets()
    (10800, 12600, 14400, 16200, 18000)
    """

    minutes: int
    earliest: int
    latest: int
    step: int = 30

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        problems.number("minutes", self.minutes, minimum=1, maximum=_DAY // 60, integer=True)
        problems.number("earliest", self.earliest, minimum=0, maximum=_DAY // 60, integer=True)
        problems.number("latest", self.latest, minimum=0, maximum=_DAY // 60, integer=True)
        problems.number("step", self.step, minimum=1, maximum=_DAY // 60, integer=True)
        if not problems.items and self.latest < self.earliest:
            problems.add(
                "latest", f"expected a start >= earliest ({self.earliest}), got {self.latest}"
            )
        problems.raise_if_any(what="break rule")

    def offsets(self) -> tuple[int, ...]:
        """The start offsets tried, in seconds after the shift starts."""
        return tuple(m * 60 for m in range(self.earliest, self.latest + 1, self.step))


@attrs.frozen(kw_only=True)
class ShiftTemplate:
    """The shifts a skill group may work, and what one head of them costs.

    Args:
        name: The template's name (``"early"``, ``"part-time"``).
        group: The skill group whose requirement it covers.
        starts: Allowed start times, local clock ``"HH:MM"``.
        hours: The shift's length, breaks included; a shift ends by midnight.
        breaks: Breaks and lunches, each placed within its window.
        cost: Cost of one head (default: ``hours``, i.e. paid hours).
        min_heads: Heads that must work the template.
        max_heads: Heads that may work it at most (``None``: no limit).
        part_time: Whether it is a part-time shift (see ``max_part_time_share`` of
            :func:`solve_roster`).

    Raises:
        DefinitionError: Every problem at once, each at its field.

    >>> early = ShiftTemplate(name="early", group="enquiry", starts=["08:00"], hours=9,
    ...     breaks=[BreakRule(minutes=60, earliest=240, latest=240)])
    >>> early.unit_cost, early.start_seconds
    (9.0, (28800,))
    """

    name: str
    group: str
    starts: tuple[str, ...] = attrs.field(converter=_strings)
    hours: float
    breaks: tuple[BreakRule, ...] = attrs.field(default=(), converter=_strings)
    cost: float | None = None
    min_heads: int = 0
    max_heads: int | None = None
    part_time: bool = False

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        for field in ("name", "group"):
            value: object = getattr(self, field)
            if not isinstance(value, str) or not value:
                problems.add(field, f"expected a non-empty string, got {value!r}")
        problems.number("hours", self.hours, minimum=0, exclusive_minimum=True, maximum=24)
        if self.cost is not None:
            problems.number("cost", self.cost, minimum=0, maximum=1e12)
        problems.number("min_heads", self.min_heads, minimum=0, maximum=1e6, integer=True)
        if self.max_heads is not None:
            problems.number("max_heads", self.max_heads, minimum=0, maximum=1e6, integer=True)
            if not problems.items and self.max_heads < self.min_heads:
                problems.add("max_heads", f"expected >= min_heads ({self.min_heads})")
        if not self.starts:
            problems.add("starts", "expected at least one start time")
        length = None if problems.items else round(float(self.hours) * 3600)
        for index, text in enumerate(self.starts):
            start = _parse_start(text)
            if start is None:
                problems.add(f"starts.{index}", f"expected a clock time like 08:30, got {text!r}")
            elif length is not None and start + length > _DAY:
                problems.add(
                    f"starts.{index}",
                    f"a {self.hours}-hour shift from {text} runs past midnight",
                )
        rules: tuple[object, ...] = self.breaks
        for index, rule in enumerate(rules):
            if not isinstance(rule, BreakRule):
                problems.add(f"breaks.{index}", f"expected a BreakRule, got {rule!r}")
            elif length is not None and rule.latest * 60 + rule.minutes * 60 > length:
                problems.add(f"breaks.{index}", "the break's window runs past the shift's end")
        problems.raise_if_any(what=f"shift template {self.name!r}")

    @property
    def unit_cost(self) -> float:
        """The cost of one head."""
        return float(self.hours if self.cost is None else self.cost)

    @property
    def start_seconds(self) -> tuple[int, ...]:
        """The allowed starts in seconds after local midnight."""
        return tuple(s for s in (_parse_start(t) for t in self.starts) if s is not None)

    @property
    def length_seconds(self) -> int:
        """The shift's length in seconds."""
        return round(float(self.hours) * 3600)

    def placements(self) -> tuple[tuple[int, tuple[tuple[int, int], ...]], ...]:
        """Every ``(start, breaks)`` way to work the template, breaks not overlapping."""
        result: list[tuple[int, tuple[tuple[int, int], ...]]] = []
        for start in self.start_seconds:
            choices = [
                [(start + off, start + off + rule.minutes * 60) for off in rule.offsets()]
                for rule in self.breaks
            ]
            for combo in itertools.product(*choices):
                ordered = tuple(sorted(combo))
                if all(a[1] <= b[0] for a, b in itertools.pairwise(ordered)):
                    result.append((start, ordered))
        return tuple(result)


@attrs.frozen(kw_only=True)
class Placement:
    """Heads working one template from one start with one placement of the breaks.

    Attributes:
        template: The template's name.
        group: Its skill group.
        start: Start, seconds after local midnight.
        end: End, seconds after local midnight.
        breaks: Breaks as ``(start, end)`` seconds after local midnight.
        heads: How many agents work it.
        unit_cost: Cost of one head.
        part_time: Whether the template is part-time.
    """

    template: str
    group: str
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...]
    heads: int
    unit_cost: float
    part_time: bool = False

    @property
    def hours(self) -> str:
        """The shift as ``"08:00-17:00"``."""
        return f"{_clock(self.start)}-{_clock(self.end)}"

    def shift(self) -> Shift:
        """The placement as a simulation :class:`~callcenter.simulation.Shift`."""
        return Shift(hours=self.hours, breaks=[f"{_clock(s)}-{_clock(e)}" for s, e in self.breaks])

    def working(self, start: int, end: int) -> int:
        """Seconds of ``[start, end)`` one head works (in the shift, not on a break)."""
        worked = max(0, min(end, self.end) - max(start, self.start))
        for b_start, b_end in self.breaks:
            worked -= max(0, min(end, b_end) - max(start, b_start))
        return worked


@attrs.frozen(kw_only=True)
class GroupCoverage:
    """A skill group's requirement against the agents the roster puts on it.

    Attributes:
        group: The skill group.
        required: Agents required per interval.
        staffed: Agents working per interval (a head on a break half the interval
            counts one half).
        under: ``max(0, required - staffed)`` per interval.
        over: ``max(0, staffed - required)`` per interval.
    """

    group: str
    required: tuple[float, ...]
    staffed: tuple[float, ...]
    under: tuple[float, ...]
    over: tuple[float, ...]


@attrs.frozen(kw_only=True)
class Roster:
    """The chosen shifts and how well they cover the requirement.

    Attributes:
        interval_seconds: Length of an interval of the requirement.
        placements: The shifts worked (heads > 0), by group and start.
        coverage: Coverage per skill group.
        cost: Cost of the shifts.
        shortfall: Missing agent-intervals, summed over groups and intervals.
        method: ``"milp"`` (HiGHS) or ``"greedy"``.
        status: The solver's word on the result (``"optimal"``, ``"time limit"``...).
        seconds: Wall-clock time the method took.
    """

    interval_seconds: int
    placements: tuple[Placement, ...]
    coverage: Mapping[str, GroupCoverage]
    cost: float
    shortfall: float
    method: str
    status: str
    seconds: float

    def heads(self, group: str | None = None) -> int:
        """Agents rostered, in ``group`` or in all."""
        return sum(p.heads for p in self.placements if group is None or p.group == group)

    def format_table(self) -> str:
        """The shifts as a text table, one placement per line."""
        g = max([len("group"), *(len(p.group) for p in self.placements)]) + 2
        t = max([len("template"), *(len(p.template) for p in self.placements)]) + 2
        lines = [f"{'group':<{g}}{'template':<{t}}{'shift':<13}{'breaks':<26}{'heads':>6}"]
        for p in self.placements:
            breaks = ", ".join(f"{_clock(s)}-{_clock(e)}" for s, e in p.breaks) or "-"
            lines.append(f"{p.group:<{g}}{p.template:<{t}}{p.hours:<13}{breaks:<26}{p.heads:>6}")
        lines.append(
            f"{self.heads()} heads, cost {self.cost:g}, shortfall {self.shortfall:g} "
            f"agent-intervals ({self.method}: {self.status}, {self.seconds:.2f} s)"
        )
        return "\n".join(lines)


@attrs.frozen
class _Problem:
    """The placements and coverage matrix shared by the solver and the baseline."""

    interval: int
    groups: tuple[str, ...]
    required: Mapping[str, tuple[float, ...]]
    templates: tuple[ShiftTemplate, ...]
    columns: tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]  # template, start, breaks
    cover: tuple[dict[int, float], ...]  # per column: interval -> share worked
    under_cost: float


def _requirement_vectors(
    requirements: Requirements | Mapping[str, Sequence[float]], interval_seconds: int | None
) -> tuple[int, dict[str, tuple[float, ...]]]:
    if isinstance(requirements, Requirements):
        step = requirements.interval_seconds
        return step, {
            g: tuple(float(n) for n in requirements.agents(g)) for g in requirements.plans
        }
    if (
        interval_seconds is None
        or number_problem(interval_seconds, minimum=1, maximum=_DAY, integer=True) is not None
        or _DAY % interval_seconds
    ):
        raise InvalidArgumentError(
            name="interval_seconds",
            expected="the requirement's interval in seconds, dividing a day",
            got=interval_seconds,
        )
    slots = _DAY // interval_seconds
    vectors: dict[str, tuple[float, ...]] = {}
    for group, values in requirements.items():
        vector = tuple(values)
        if len(vector) != slots or any(
            number_problem(v, minimum=0, maximum=1e6) is not None for v in vector
        ):
            raise InvalidArgumentError(
                name=f"requirements.{group}",
                expected=f"{slots} agent counts >= 0 (one per interval of the day)",
                got=vector,
            )
        vectors[group] = tuple(float(v) for v in vector)
    return int(interval_seconds), vectors


def _build(
    requirements: Requirements | Mapping[str, Sequence[float]],
    templates: Sequence[ShiftTemplate],
    interval_seconds: int | None,
    under_cost: float | None,
) -> _Problem:
    step, required = _requirement_vectors(requirements, interval_seconds)
    chosen = tuple(templates)
    if not chosen:
        raise InvalidArgumentError(name="templates", expected="at least one shift template", got=())
    for t in chosen:
        if not isinstance(t, ShiftTemplate):
            raise InvalidArgumentError(name="templates", expected="ShiftTemplate objects", got=t)
    names = [t.name for t in chosen]
    for t in chosen:
        if t.group not in required:
            raise InvalidArgumentError(
                name=f"templates.{t.name}.group",
                expected=f"a group of the requirement ({', '.join(sorted(required))})",
                got=t.group,
            )
        if names.count(t.name) > 1:
            raise InvalidArgumentError(
                name="templates", expected="templates with distinct names", got=t.name
            )
    columns: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    cover: list[dict[int, float]] = []
    for index, template in enumerate(chosen):
        for start, breaks in template.placements():
            probe = Placement(
                template=template.name,
                group=template.group,
                start=start,
                end=start + template.length_seconds,
                breaks=breaks,
                heads=1,
                unit_cost=template.unit_cost,
            )
            shares: dict[int, float] = {}
            for slot in range(start // step, min(_DAY // step, -(-probe.end // step))):
                worked = probe.working(slot * step, (slot + 1) * step)
                if worked > 0:
                    shares[slot] = worked / step
            columns.append((index, start, breaks))
            cover.append(shares)
    if under_cost is None:
        cost = 100.0 * max(1.0, max(t.unit_cost for t in chosen))
    else:
        cost = check_argument("under_cost", under_cost, minimum=0, exclusive_minimum=True)
    return _Problem(
        interval=step,
        groups=tuple(required),
        required=required,
        templates=chosen,
        columns=tuple(columns),
        cover=tuple(cover),
        under_cost=cost,
    )


def _result(
    problem: _Problem, heads: Sequence[int], method: str, status: str, seconds: float
) -> Roster:
    placements: list[Placement] = []
    staffed = {g: [0.0] * len(problem.required[g]) for g in problem.groups}
    for (index, start, breaks), shares, n in zip(
        problem.columns, problem.cover, heads, strict=True
    ):
        if n <= 0:
            continue
        template = problem.templates[index]
        placements.append(
            Placement(
                template=template.name,
                group=template.group,
                start=start,
                end=start + template.length_seconds,
                breaks=breaks,
                heads=n,
                unit_cost=template.unit_cost,
                part_time=template.part_time,
            )
        )
        for slot, share in shares.items():
            staffed[template.group][slot] += n * share
    coverage: dict[str, GroupCoverage] = {}
    for g in problem.groups:
        req = problem.required[g]
        got = [round(x, 9) for x in staffed[g]]
        coverage[g] = GroupCoverage(
            group=g,
            required=req,
            staffed=tuple(got),
            under=tuple(max(0.0, r - s) for r, s in zip(req, got, strict=True)),
            over=tuple(max(0.0, s - r) for r, s in zip(req, got, strict=True)),
        )
    placements.sort(key=lambda p: (p.group, p.start, p.template, p.breaks))
    return Roster(
        interval_seconds=problem.interval,
        placements=tuple(placements),
        coverage=coverage,
        cost=math.fsum(p.heads * p.unit_cost for p in placements),
        shortfall=math.fsum(u for c in coverage.values() for u in c.under),
        method=method,
        status=status,
        seconds=seconds,
    )


def _check_share(share: float | None) -> float | None:
    if share is None:
        return None
    return check_argument("max_part_time_share", share, minimum=0, maximum=1)


def solve_roster(
    requirements: Requirements | Mapping[str, Sequence[float]],
    templates: Sequence[ShiftTemplate],
    *,
    interval_seconds: int | None = None,
    under_cost: float | None = None,
    max_part_time_share: float | None = None,
    time_limit: float = 60.0,
) -> Roster:
    """The roster of least cost, as a mixed-integer program solved by HiGHS.

    Args:
        requirements: :class:`Requirements`, or for each group the agents needed in
            each interval of the day from local midnight.
        templates: The shifts that may be worked.
        interval_seconds: The interval length, when ``requirements`` is a mapping.
        under_cost: Cost of one missing agent for one interval (default: 100 times
            the dearest shift, so that any coverage a shift can add is added).
        max_part_time_share: Largest share of a group's heads on part-time
            templates (``None``: no limit).
        time_limit: Seconds the solver may run; it then returns the best roster
            found (``status`` says so).

    Returns:
        The :class:`Roster`.

    Raises:
        InvalidArgumentError: A bad argument, a template for an unknown group, a
            minimum of heads that cannot be met with the part-time share, or scipy
            is missing (install ``callcenter[wfm]``).
    """
    try:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp
    except ImportError:
        raise InvalidArgumentError(
            name="solver",
            expected="scipy installed for the roster solver (pip install 'callcenter[wfm]')",
            got="no scipy",
        ) from None
    share = _check_share(max_part_time_share)
    limit = check_argument("time_limit", time_limit, minimum=0, exclusive_minimum=True)
    began = time.perf_counter()
    problem = _build(requirements, templates, interval_seconds, under_cost)
    n_x = len(problem.columns)
    rows = [
        (g, slot) for g in problem.groups for slot, r in enumerate(problem.required[g]) if r > 0
    ]
    n_u = len(rows)
    n = n_x + n_u
    c = np.zeros(n)
    for j, (index, _, _) in enumerate(problem.columns):
        c[j] = problem.templates[index].unit_cost
    c[n_x:] = problem.under_cost
    constraints = []
    if rows:
        a = np.zeros((n_u, n))
        lower = np.zeros(n_u)
        where = {row: k for k, row in enumerate(rows)}
        for j, ((index, _, _), shares) in enumerate(
            zip(problem.columns, problem.cover, strict=True)
        ):
            group = problem.templates[index].group
            for slot, value in shares.items():
                k = where.get((group, slot))
                if k is not None:
                    a[k, j] = value
        for k, (g, slot) in enumerate(rows):
            a[k, n_x + k] = 1.0
            lower[k] = problem.required[g][slot]
        constraints.append(LinearConstraint(a, lower, np.inf))
    heads_rows: list[Any] = []
    heads_low: list[float] = []
    heads_high: list[float] = []
    for index, template in enumerate(problem.templates):
        row = np.zeros(n)
        for j, (t, _, _) in enumerate(problem.columns):
            if t == index:
                row[j] = 1.0
        heads_rows.append(row)
        heads_low.append(float(template.min_heads))
        heads_high.append(np.inf if template.max_heads is None else float(template.max_heads))
    if share is not None:
        for g in problem.groups:
            row = np.zeros(n)
            for j, (t, _, _) in enumerate(problem.columns):
                template = problem.templates[t]
                if template.group == g:
                    row[j] = (1.0 - share) if template.part_time else -share
            heads_rows.append(row)
            heads_low.append(-np.inf)
            heads_high.append(0.0)
    constraints.append(LinearConstraint(np.array(heads_rows), heads_low, heads_high))
    integrality = np.concatenate([np.ones(n_x), np.zeros(n_u)])
    outcome = milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(np.zeros(n), np.full(n, np.inf)),
        options={"time_limit": limit, "mip_rel_gap": 0.0},
    )
    if outcome.x is None:
        raise InvalidArgumentError(
            name="templates",
            expected="minimum heads that the part-time share and maximum heads allow",
            got=outcome.message,
        )
    heads = [round(float(v)) for v in outcome.x[:n_x]]
    status = {0: "optimal", 1: "time limit"}.get(int(outcome.status), str(outcome.message))
    return _result(problem, heads, "milp", status, time.perf_counter() - began)


def greedy_roster(
    requirements: Requirements | Mapping[str, Sequence[float]],
    templates: Sequence[ShiftTemplate],
    *,
    interval_seconds: int | None = None,
    under_cost: float | None = None,
) -> Roster:
    """A baseline roster: add, one head at a time, the best value for money.

    Each step adds the placement whose head covers the most missing requirement per
    unit of cost (minimum heads first), and stops when no head is worth its cost at
    ``under_cost`` per missing agent-interval. Needs no solver.

    Args:
        requirements: As for :func:`solve_roster`.
        templates: As for :func:`solve_roster`.
        interval_seconds: As for :func:`solve_roster`.
        under_cost: As for :func:`solve_roster`.

    Returns:
        The :class:`Roster`.

    Raises:
        InvalidArgumentError: A bad argument.
    """
    began = time.perf_counter()
    problem = _build(requirements, templates, interval_seconds, under_cost)
    missing = {g: list(problem.required[g]) for g in problem.groups}
    heads = [0] * len(problem.columns)
    used = [0] * len(problem.templates)

    def gain(j: int) -> float:
        index = problem.columns[j][0]
        group = problem.templates[index].group
        return math.fsum(
            min(share, max(0.0, missing[group][slot])) for slot, share in problem.cover[j].items()
        )

    def add(j: int) -> None:
        index = problem.columns[j][0]
        group = problem.templates[index].group
        heads[j] += 1
        used[index] += 1
        for slot, share in problem.cover[j].items():
            missing[group][slot] -= share

    for index, template in enumerate(problem.templates):
        own = [j for j, col in enumerate(problem.columns) if col[0] == index]
        while used[index] < template.min_heads and own:
            add(max(own, key=gain))
    while True:
        best, best_value = -1, 0.0
        for j, (index, _, _) in enumerate(problem.columns):
            template = problem.templates[index]
            if template.max_heads is not None and used[index] >= template.max_heads:
                continue
            g = gain(j)
            cost = template.unit_cost
            if g * problem.under_cost <= cost:
                continue
            value = g / cost if cost > 0 else math.inf
            if value > best_value:
                best, best_value = j, value
        if best < 0:
            break
        add(best)
    return _result(problem, heads, "greedy", "heuristic", time.perf_counter() - began)
