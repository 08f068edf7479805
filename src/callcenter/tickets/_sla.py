"""SLA policies and the arithmetic of SLA clocks.

A policy gives, per :class:`~callcenter.tickets.Priority`, the seconds allowed to the
first response and to resolution, counted in calendar time or in the business time
of a :class:`~callcenter.calendars.BusinessCalendar`. The functions here move one
:class:`~callcenter.tickets.SlaClock` through its life -- start, pause, resume, stop,
reopen -- and are pure: they return a new clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .._checks import Problems, number_problem, short_repr
from ..calendars import BusinessCalendar
from ._records import Priority, SlaClock

__all__ = ["SlaPolicy", "SlaTarget"]


@attrs.frozen(kw_only=True)
class SlaTarget:
    """The seconds allowed for one priority (``None``: no clock of that kind).

    >>> SlaTarget(first_response=3600, resolution=24 * 3600).resolution
    86400
    """

    first_response: float | None = None
    resolution: float | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        for name in ("first_response", "resolution"):
            value = getattr(self, name)
            if value is not None:
                problems.number(name, value, minimum=0, exclusive_minimum=True)
        problems.raise_if_any(what="SLA target")


def warn_fraction_problems(problems: Problems, value: object) -> None:
    """Record what is wrong with a warning share (a number strictly between 0 and 1)."""
    problem = number_problem(value, minimum=0, exclusive_minimum=True, maximum=1)
    if problem is not None or value == 1:
        problems.add("warn_fraction", f"expected a share > 0 and < 1, got {short_repr(value)}")


def _targets(value: Mapping[Priority, SlaTarget]) -> dict[Priority, SlaTarget]:
    return dict(value)


@attrs.frozen(kw_only=True)
class SlaPolicy:
    """SLA targets per priority, the time they count in, and when to warn.

    Args:
        targets: Targets per priority; a priority left out has no SLA clocks.
        calendar: Count business time of this calendar; ``None`` counts calendar
            (wall-clock) time.
        warn_fraction: Share of a target after which a warning is given, strictly
            between 0 and 1.

    Raises:
        DefinitionError: A ``warn_fraction`` out of range (at ``warn_fraction``).

    >>> policy = SlaPolicy(targets={Priority.NORMAL: SlaTarget(resolution=86400)})
    >>> policy.target_for(Priority.NORMAL).resolution
    86400
    >>> policy.target_for(Priority.LOW)
    SlaTarget(first_response=None, resolution=None)
    """

    targets: Mapping[Priority, SlaTarget] = attrs.field(converter=_targets)
    calendar: BusinessCalendar | None = None
    warn_fraction: float = 0.8

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        warn_fraction_problems(problems, self.warn_fraction)
        targets: Mapping[Any, object] = self.targets
        for level, target in targets.items():
            if not isinstance(level, Priority):
                problems.add(f"targets.{level!r}", "expected a Priority")
            if not isinstance(target, SlaTarget):
                problems.add(f"targets.{level!r}", "expected an SlaTarget")
        problems.raise_if_any(what="SLA policy")

    def target_for(self, priority: Priority) -> SlaTarget:
        """The target of ``priority`` (an empty one when the policy has none)."""
        return self.targets.get(priority, _NO_TARGET)

    def measure(self, start: float, end: float) -> float:
        """Seconds that count between ``start`` and ``end``."""
        if self.calendar is None:
            return max(0.0, end - start)
        return self.calendar.business_seconds(start, end)

    def add(self, start: float, seconds: float) -> float | None:
        """The instant at which ``seconds`` that count have passed since ``start``."""
        if self.calendar is None:
            return start + seconds
        return self.calendar.add_business_seconds(start, seconds)


_NO_TARGET = SlaTarget()


# ----------------------------------------------------------------------- clock moves


def start_clock(policy: SlaPolicy, name: str, target: float, now: float) -> SlaClock:
    """A new clock of ``target`` seconds, running from ``now``."""
    return _schedule(policy, SlaClock(name=name, target=target), now)


def _schedule(policy: SlaPolicy, clock: SlaClock, since: float | None) -> SlaClock:
    """``clock`` running from ``since`` (or paused when ``None``), deadlines recomputed."""
    deadline = warn_at = None
    if since is not None:
        deadline = policy.add(since, max(0.0, clock.target - clock.consumed))
        if not clock.warned:
            share = clock.target * policy.warn_fraction
            warn_at = policy.add(since, max(0.0, share - clock.consumed))
    return SlaClock(
        name=clock.name,
        target=clock.target,
        consumed=clock.consumed,
        running_since=since,
        deadline=deadline,
        warn_at=warn_at,
        stopped_at=clock.stopped_at,
        met=clock.met,
        warned=clock.warned,
        breached=clock.breached,
        earlier_breaches=clock.earlier_breaches,
    )


def pause_clock(policy: SlaPolicy, clock: SlaClock, now: float) -> SlaClock:
    """Stop counting at ``now`` (keeps what was consumed)."""
    since = clock.running_since
    if since is None:
        return clock
    return SlaClock(
        name=clock.name,
        target=clock.target,
        consumed=clock.consumed + policy.measure(since, now),
        stopped_at=clock.stopped_at,
        met=clock.met,
        warned=clock.warned,
        breached=clock.breached,
        earlier_breaches=clock.earlier_breaches,
    )


def resume_clock(policy: SlaPolicy, clock: SlaClock, now: float) -> SlaClock:
    """Count again from ``now``."""
    if clock.running_since is not None or clock.stopped_at is not None:
        return clock
    return _schedule(policy, clock, now)


def stop_clock(policy: SlaPolicy, clock: SlaClock, now: float) -> SlaClock:
    """The goal is reached at ``now``: stop for good and record whether it was met."""
    if clock.stopped_at is not None:
        return clock
    since = clock.running_since
    consumed = clock.consumed if since is None else clock.consumed + policy.measure(since, now)
    return SlaClock(
        name=clock.name,
        target=clock.target,
        consumed=consumed,
        stopped_at=now,
        met=consumed <= clock.target and not clock.breached and not clock.earlier_breaches,
        warned=clock.warned,
        breached=clock.breached,
        earlier_breaches=clock.earlier_breaches,
    )


def reopen_clock(policy: SlaPolicy, clock: SlaClock, now: float, *, running: bool) -> SlaClock:
    """A stopped clock counts again (a reopened ticket), keeping what it consumed."""
    if clock.stopped_at is None:
        return clock
    reopened = SlaClock(
        name=clock.name,
        target=clock.target,
        consumed=clock.consumed,
        warned=clock.warned,
        breached=clock.breached,
        earlier_breaches=clock.earlier_breaches,
    )
    return _schedule(policy, reopened, now) if running else reopened


def restart_clock(
    policy: SlaPolicy, clock: SlaClock, target: float, now: float, *, running: bool
) -> SlaClock:
    """A fresh clock of ``target`` seconds for the next level after ``clock`` breached.

    It counts from zero and gives its own warning and breach; the breach it
    replaces is kept in :attr:`~callcenter.tickets.SlaClock.earlier_breaches`.
    """
    fresh = SlaClock(
        name=clock.name,
        target=target,
        earlier_breaches=clock.earlier_breaches + int(clock.breached),
    )
    return _schedule(policy, fresh, now) if running else fresh


def mark_clock(policy: SlaPolicy, clock: SlaClock, *, breach: bool) -> SlaClock:
    """Record that the warning (or the breach) of ``clock`` was given."""
    if breach:
        return attrs.evolve(clock, breached=True)
    return attrs.evolve(clock, warned=True, warn_at=None)
