"""Interval requirements: the agents each skill group needs, from a day's forecast.

A skill group answers one or more queues. Its traffic in an interval is the sum of
its queues' forecast contacts, with the contact-weighted mean handle time; the agents
it needs come from :func:`callcenter.metrics.plan_intervals` (Erlang C, or Erlang A
with a patience), which treats each interval as if it were in steady state.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence

import attrs

from ..errors import InvalidArgumentError
from ..metrics import IntervalForecast, IntervalPlan, StaffingTargets, plan_intervals
from ._forecast import DayForecast

__all__ = ["Requirements", "plan_requirements"]


@attrs.frozen(kw_only=True)
class Requirements:
    """The staffing a day needs, per skill group and interval.

    Attributes:
        date: The local date.
        timezone: IANA zone of the intervals.
        interval_seconds: Length of an interval.
        targets: The targets each interval is sized for.
        groups: For each skill group, its queues.
        plans: For each skill group, one :class:`~callcenter.metrics.IntervalPlan`
            per interval of the day from local midnight.
    """

    date: datetime.date
    timezone: str
    interval_seconds: int
    targets: StaffingTargets
    groups: Mapping[str, tuple[str, ...]]
    plans: Mapping[str, tuple[IntervalPlan, ...]]

    def agents(self, group: str) -> tuple[int, ...]:
        """Agents to schedule for ``group`` in each interval (after shrinkage).

        Raises:
            InvalidArgumentError: An unknown group.
        """
        if group not in self.plans:
            raise InvalidArgumentError(
                name="group", expected=f"one of {sorted(self.plans)}", got=group
            )
        return tuple(p.scheduled_agents for p in self.plans[group])


def plan_requirements(
    forecast: DayForecast,
    *,
    targets: StaffingTargets,
    groups: Mapping[str, Sequence[str]] | None = None,
    shrinkage: float = 0.0,
    patience: float | None = None,
) -> Requirements:
    """Size each skill group for each interval of a forecast day.

    Args:
        forecast: The day's forecast.
        targets: The targets every interval must meet (for instance
            ``StaffingTargets(service_level=0.8, answer_time=20)``).
        groups: Skill group name to the queues it answers; every queue belongs to
            one group at most. Default: one group per queue, named after it. A
            queue the history never saw adds no contacts, but a group needs at
            least one queue of the forecast.
        shrinkage: Share of rostered time lost to what the roster does not show
            (absence, meetings); breaks placed by the roster are not shrinkage.
        patience: Mean patience in seconds to size with Erlang A; ``None`` for
            Erlang C.

    Returns:
        The :class:`Requirements`.

    Raises:
        InvalidArgumentError: A queue in two groups, a group without a queue of
            the forecast, or a bad target (see
            :func:`~callcenter.metrics.plan_intervals`).
    """
    chosen = {q: (q,) for q in forecast.queues} if groups is None else groups
    owner: dict[str, str] = {}
    members: dict[str, tuple[str, ...]] = {}
    for name, queues in chosen.items():
        listed = (queues,) if isinstance(queues, str) else tuple(queues)
        if not listed:
            raise InvalidArgumentError(
                name=f"groups.{name}", expected="at least one queue", got=listed
            )
        for queue in listed:
            if queue in owner:
                raise InvalidArgumentError(
                    name=f"groups.{name}",
                    expected=f"a queue in one group only ({queue!r} is in {owner[queue]!r})",
                    got=queue,
                )
            owner[queue] = name
        members[name] = listed
    plans: dict[str, tuple[IntervalPlan, ...]] = {}
    for name, queues in members.items():
        pooled: list[IntervalForecast] = []
        known = [forecast.queues[q] for q in queues if q in forecast.queues]
        if not known:
            raise InvalidArgumentError(
                name=f"groups.{name}",
                expected=f"a queue of the forecast ({', '.join(sorted(forecast.queues))})",
                got=queues,
            )
        for items in zip(*known, strict=True):
            calls = math.fsum(i.calls for i in items)
            aht = (
                math.fsum(i.calls * i.aht_seconds for i in items) / calls
                if calls > 0
                else math.fsum(i.aht_seconds for i in items) / len(items)
            )
            pooled.append(IntervalForecast(start=items[0].start, calls=calls, aht_seconds=aht))
        plans[name] = tuple(
            plan_intervals(
                pooled,
                interval_seconds=forecast.interval_seconds,
                targets=targets,
                shrinkage=shrinkage,
                patience=patience,
            )
        )
    return Requirements(
        date=forecast.date,
        timezone=forecast.timezone,
        interval_seconds=forecast.interval_seconds,
        targets=targets,
        groups=members,
        plans=plans,
    )
