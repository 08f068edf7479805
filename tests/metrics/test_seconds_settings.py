"""The "seconds >= 0" settings of the KPI options and the live monitor: one check."""

from __future__ import annotations

import math

import pytest

from callcenter._checks import LARGEST
from callcenter.errors import InvalidArgumentError
from callcenter.metrics import KpiOptions, LiveMonitor

# A duration beyond LARGEST is refused like any number the package takes.
REFUSED: list[object] = [-1, -0.5, math.nan, -math.inf, True, "20", LARGEST * 10]


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize("name", ["answer_time", "short_abandon_seconds", "fcr_window_seconds"])
def test_kpi_options_refuse_what_is_not_seconds(name: str, value: object) -> None:
    with pytest.raises(InvalidArgumentError, match=name) as info:
        KpiOptions(**{name: value})  # type: ignore[arg-type]
    assert info.value.expected == "seconds >= 0"


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize("name", ["answer_time", "short_abandon_seconds"])
def test_the_monitor_refuses_what_is_not_seconds(name: str, value: object) -> None:
    with pytest.raises(InvalidArgumentError, match=name) as info:
        LiveMonitor(**{name: value})  # type: ignore[arg-type]
    assert info.value.expected == "seconds >= 0"


def test_the_settings_accept_durations() -> None:
    options = KpiOptions(answer_time=0, short_abandon_seconds=5, fcr_window_seconds=LARGEST)
    assert options.answer_time == 0
    # the monitor also takes infinity ("never counts as answered in time")
    LiveMonitor(answer_time=math.inf, short_abandon_seconds=0)
    with pytest.raises(InvalidArgumentError, match="answer_time"):
        KpiOptions(answer_time=math.inf)
