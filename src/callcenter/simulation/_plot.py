"""A picture of a simulated day (needs matplotlib: the ``plot`` extra)."""

from __future__ import annotations

import datetime
import importlib.util
import zoneinfo
from typing import Any

from ..errors import InvalidArgumentError
from ._results import SimulationResult

__all__ = ["check_plotting", "plot_day"]


def check_plotting() -> None:
    """Raise if matplotlib is missing.

    Raises:
        InvalidArgumentError: matplotlib is not installed (install ``callcenter[plot]``).
    """
    if importlib.util.find_spec("matplotlib") is None:
        raise InvalidArgumentError(
            name="--plot",
            expected="matplotlib installed (pip install 'callcenter[plot]')",
            got="no matplotlib",
        )


def plot_day(result: SimulationResult, path: str) -> None:
    """Draw offered calls and staffed agents per half hour, and the service level.

    Raises:
        InvalidArgumentError: matplotlib is not installed.
    """
    check_plotting()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    zone = zoneinfo.ZoneInfo(result.timezone)
    rows = [row for row in result.report().rows if row.group == (("queue", "(all)"),)]
    times = [row.period_start for row in rows]
    offered = [row.kpis.offered for row in rows]
    levels = [
        float("nan") if row.kpis.service_level is None else 100 * row.kpis.service_level
        for row in rows
    ]
    staffed_t = [datetime.datetime.fromtimestamp(t, zone) for t, _ in result.staffed]
    staffed = [n for _, n in result.staffed]
    figure: Any
    figure, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6))
    width = datetime.timedelta(minutes=25)
    top.bar(times, offered, width=width, align="edge", label="offered calls")
    top.step(staffed_t, staffed, where="post", color="tab:red", label="agents logged in")
    top.set_ylabel("per half hour")
    top.legend(loc="upper left")
    top.set_title(f"{result.scenario} (seed {result.seed})")
    bottom.plot(times, levels, marker="o", color="tab:green")
    bottom.axhline(80, color="grey", linestyle="--", linewidth=1)
    bottom.set_ylabel(f"service level, % in {result.answer_time:g} s")
    bottom.set_ylim(0, 105)
    bottom.set_xlabel(f"time ({result.timezone})")
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
