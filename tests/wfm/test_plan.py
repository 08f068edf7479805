from __future__ import annotations

import datetime

import pytest

from callcenter.errors import InvalidArgumentError
from callcenter.metrics import IntervalForecast, StaffingTargets, plan_intervals
from callcenter.wfm import DayForecast, fit_forecast, plan_requirements

from .synthetic import MONDAY, PROFILE, history_from_days

TARGETS = StaffingTargets(service_level=0.8, answer_time=20)


def two_queue_forecast() -> tuple[dict[str, list[float]], DayForecast]:
    volumes = {
        "tracking": {
            MONDAY + datetime.timedelta(days=n): tuple(600 * s for s in PROFILE) for n in range(7)
        },
        "orders": {
            MONDAY + datetime.timedelta(days=n): tuple(300 * s for s in PROFILE) for n in range(7)
        },
    }
    history = history_from_days(volumes, aht=180.0)
    forecast = fit_forecast(history, trend=False).forecast(MONDAY + datetime.timedelta(days=7))
    return {q: list(forecast.calls(q)) for q in forecast.queues}, forecast


def test_a_group_is_sized_on_the_pooled_traffic_of_its_queues() -> None:
    calls, forecast = two_queue_forecast()
    req = plan_requirements(
        forecast,
        targets=TARGETS,
        groups={"all": ["tracking", "orders"]},
        shrinkage=0.2,
    )
    pooled = [
        IntervalForecast(start=str(i), calls=a + b, aht_seconds=180.0)
        for i, (a, b) in enumerate(zip(calls["tracking"], calls["orders"], strict=True))
    ]
    expected = plan_intervals(pooled, interval_seconds=1800, targets=TARGETS, shrinkage=0.2)
    assert req.agents("all") == tuple(p.scheduled_agents for p in expected)
    assert req.groups == {"all": ("tracking", "orders")}
    assert max(req.agents("all")) > 0
    assert req.agents("all")[0] == 0  # nobody at night


def test_pooling_needs_fewer_agents_than_separate_groups() -> None:
    _, forecast = two_queue_forecast()
    pooled = plan_requirements(forecast, targets=TARGETS, groups={"all": ["tracking", "orders"]})
    apart = plan_requirements(forecast, targets=TARGETS)
    assert set(apart.plans) == {"tracking", "orders"}
    for slot in range(48):
        together = pooled.agents("all")[slot]
        assert together <= apart.agents("tracking")[slot] + apart.agents("orders")[slot]


def test_bad_groups_raise_library_errors() -> None:
    _, forecast = two_queue_forecast()
    with pytest.raises(InvalidArgumentError, match="one group only"):
        plan_requirements(forecast, targets=TARGETS, groups={"a": ["orders"], "b": ["orders"]})
    with pytest.raises(InvalidArgumentError, match="at least one queue"):
        plan_requirements(forecast, targets=TARGETS, groups={"a": []})
    with pytest.raises(InvalidArgumentError, match="a queue of the forecast"):
        plan_requirements(forecast, targets=TARGETS, groups={"a": ["nope"]})
    req = plan_requirements(forecast, targets=TARGETS, groups={"a": ["orders", "unseen"]})
    with pytest.raises(InvalidArgumentError, match="group"):
        req.agents("b")
