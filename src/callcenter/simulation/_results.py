"""What a simulated day produced: records, intervals, ticket figures, and its reports."""

from __future__ import annotations

import attrs

from ..metrics import (
    AgentStateInterval,
    ContactRecord,
    KpiOptions,
    Report,
    build_report,
    daily_report,
)

__all__ = ["SimulationResult", "TicketSummary"]


@attrs.frozen(kw_only=True)
class TicketSummary:
    """Tickets of a simulated day.

    Attributes:
        opened: Tickets opened.
        closed: Tickets that reached a final state before the run ended.
        closed_within_sla: Closed tickets whose SLA clocks were all met.
        breaches: SLA clocks that ran out.
    """

    opened: int = 0
    closed: int = 0
    closed_within_sla: int = 0
    breaches: int = 0


@attrs.frozen(kw_only=True)
class SimulationResult:
    """What one simulated day produced.

    Attributes:
        scenario: The scenario's name.
        seed: The seed used.
        timezone: The scenario's time zone.
        answer_time: The service-level threshold.
        records: One record per finished contact, in the order they finished.
        intervals: Agent state intervals.
        tickets: The ticket figures.
        unfinished: Contacts still in progress when the run stopped.
        staffed: For each 30-minute interval start (POSIX seconds), agents logged in.
        events: Steps the kernel ran.
    """

    scenario: str
    seed: int
    timezone: str
    answer_time: float
    records: tuple[ContactRecord, ...]
    intervals: tuple[AgentStateInterval, ...]
    tickets: TicketSummary
    unfinished: int
    staffed: tuple[tuple[float, int], ...] = ()
    events: int = 0

    def report(self, *, interval_minutes: int = 30, totals: bool = True) -> Report:
        """The daily report per queue and 30-minute interval, with totals.

        See :func:`~callcenter.metrics.daily_report`.
        """
        return daily_report(
            self.records,
            self.intervals,
            timezone=self.timezone,
            interval_minutes=interval_minutes,
            options=KpiOptions(answer_time=self.answer_time),
            totals=totals,
        )

    def day_report(self) -> Report:
        """One row per queue for the whole day, plus the ``(all)`` row."""
        return build_report(
            self.records,
            self.intervals,
            granularity="day",
            timezone=self.timezone,
            options=KpiOptions(answer_time=self.answer_time),
            totals=True,
        )
