"""Synthetic histories with a known seasonality, for the forecast and roster tests."""

from __future__ import annotations

import datetime
import math
import random
import zoneinfo
from collections.abc import Mapping

from callcenter.metrics import ContactRecord, Outcome
from callcenter.wfm import History

MONDAY = datetime.date(2026, 8, 3)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")

# Busyness of Monday..Sunday; they average 1.
FACTORS = (1.2, 1.1, 1.0, 1.0, 1.1, 0.9, 0.7)


def _profile() -> tuple[float, ...]:
    """Open 08:00-20:00 (intervals 16 to 39) with a morning and an afternoon peak."""
    weights = [0.0] * 48
    for i in range(16, 40):
        hour = i / 2
        weights[i] = (
            1.0
            + 2.0 * math.exp(-((hour - 10.0) ** 2) / 2)
            + 1.5 * math.exp(-((hour - 15.0) ** 2) / 2)
        )
    total = math.fsum(weights)
    return tuple(w / total for w in weights)


PROFILE = _profile()


def history_from_days(
    volumes: Mapping[str, Mapping[datetime.date, tuple[float, ...]]], *, aht: float
) -> History:
    """A history with exactly these volumes, every contact answered in ``aht`` seconds."""
    dates = tuple(sorted({d for by_date in volumes.values() for d in by_date}))
    return History(
        timezone="Asia/Shanghai",
        interval_seconds=1800,
        dates=dates,
        queues=tuple(sorted(volumes)),
        volumes={q: dict(v) for q, v in volumes.items()},
        handle_seconds={
            q: {d: tuple(x * aht for x in v[d]) for d in v} for q, v in volumes.items()
        },
        handled={q: dict(v) for q, v in volumes.items()},
    )


def _poisson(rng: random.Random, mean: float) -> int:
    count, clock = 0, rng.expovariate(1.0)
    while clock < mean:
        count += 1
        clock += rng.expovariate(1.0)
    return count


def records_for_day(
    rng: random.Random,
    date: datetime.date,
    queue: str,
    mean: float,
    *,
    aht: float,
    long_after: int | None = None,
    long: float = 0.0,
) -> list[ContactRecord]:
    """Poisson contacts over :data:`PROFILE`, all answered after 5 s.

    Handle time is ``aht``, or ``long`` from ``long_after`` o'clock on.
    """
    midnight = datetime.datetime.combine(date, datetime.time(), ZONE).timestamp()
    records: list[ContactRecord] = []
    for slot, share in enumerate(PROFILE):
        for _ in range(_poisson(rng, mean * share)):
            at = midnight + slot * 1800 + rng.uniform(0, 1799)
            talk = long if long_after is not None and slot >= 2 * long_after else aht
            records.append(
                ContactRecord(
                    contact_id=f"{date}-{slot}-{len(records)}",
                    outcome=Outcome.ANSWERED,
                    arrived_at=at,
                    queued_at=at,
                    answered_at=at + 5,
                    ended_at=at + 5 + talk,
                    talk_seconds=talk,
                    queues=(queue,),
                )
            )
    return records
