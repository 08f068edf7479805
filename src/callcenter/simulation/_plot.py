"""A picture of a simulated day (needs matplotlib: the ``plot`` extra)."""

from __future__ import annotations

import datetime
import importlib.util
import zoneinfo
from collections.abc import Sequence
from typing import Any

from ..errors import InvalidArgumentError
from ..metrics import KpiOptions, build_report
from ._results import SimulationResult

__all__ = ["check_plotting", "day_span", "plot_day"]


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


def day_span(result: SimulationResult) -> tuple[float, float] | None:
    """The part of the day worth drawing, in POSIX seconds.

    From the first to the last half hour with a call or an agent logged in;
    ``None`` for an empty day.
    """
    starts = [r.arrived_at for r in result.records]
    starts += [i.start for i in result.intervals]
    ends = [r.ended_at for r in result.records] + [i.end for i in result.intervals]
    if not starts:
        return None
    first = min(starts)
    last = max(ends)
    return first - first % 1800, last - last % 1800 + 1800


def plot_day(
    result: SimulationResult, path: str, *, open_hours: Sequence[tuple[float, float]] = ()
) -> None:
    """Draw the day as a manager reads it, to a PNG file.

    Above: the calls per half hour, split into answered, offered but not answered,
    and ended in the IVR, with the agents logged in on an axis of their own and the
    open hours shaded. Below: the service level per half hour against the usual
    80 % target. Only the part of the day with calls or agents is drawn.

    Args:
        result: The simulated day.
        path: The PNG file to write.
        open_hours: The hotline's open intervals (POSIX seconds), shaded.

    Raises:
        InvalidArgumentError: matplotlib is not installed.
    """
    check_plotting()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    zone = zoneinfo.ZoneInfo(result.timezone)
    options = KpiOptions(answer_time=result.answer_time)
    report = build_report(
        result.records,
        result.intervals,
        granularity="30min",
        group_by=(),
        timezone=result.timezone,
        options=options,
    )
    rows = report.rows
    times = [row.period_start for row in rows]
    answered = [row.kpis.answered for row in rows]
    missed = [row.kpis.offered - row.kpis.answered for row in rows]
    in_ivr = [row.kpis.ivr_only for row in rows]
    levels = [
        float("nan") if row.kpis.service_level is None else 100 * row.kpis.service_level
        for row in rows
    ]

    def local(instant: float) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(instant, zone)

    staffed_t = [local(t) for t, _ in result.staffed]
    staffed = [n for _, n in result.staffed]
    figure: Any
    figure, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(11, 6.5), gridspec_kw={"height_ratios": [3, 2]}
    )
    for start, end in open_hours:
        for axis in (top, bottom):
            axis.axvspan(local(start), local(end), color="gold", alpha=0.12, linewidth=0)
    width = datetime.timedelta(minutes=26)
    top.bar(times, answered, width=width, align="edge", color="tab:green", label="answered")
    top.bar(
        times,
        missed,
        width=width,
        align="edge",
        bottom=answered,
        color="tab:red",
        label="offered, not answered",
    )
    top.bar(
        times,
        in_ivr,
        width=width,
        align="edge",
        bottom=[a + m for a, m in zip(answered, missed, strict=True)],
        color="lightgrey",
        label="ended in the IVR",
    )
    top.set_ylabel("calls per half hour")
    agents = top.twinx()
    agents.step(staffed_t, staffed, where="post", color="tab:blue", label="agents logged in")
    agents.set_ylabel("agents logged in", color="tab:blue")
    agents.set_ylim(0, max([*staffed, 1]) * 1.3)
    agents.yaxis.get_major_locator().set_params(integer=True)
    handles, labels = top.get_legend_handles_labels()
    more, more_labels = agents.get_legend_handles_labels()
    if open_hours:
        from matplotlib.patches import Patch

        more.append(Patch(color="gold", alpha=0.25))
        more_labels.append("open hours")
    top.legend(handles + more, labels + more_labels, loc="upper right", fontsize="small")
    day = times[0].date().isoformat() if times else ""
    top.set_title(f"{result.scenario}, {day} (seed {result.seed})")
    bottom.plot(
        [t + datetime.timedelta(minutes=13) for t in times], levels, marker="o", color="tab:green"
    )
    bottom.axhline(80, color="grey", linestyle="--", linewidth=1)
    bottom.set_ylabel(f"service level, % in {result.answer_time:g} s")
    bottom.set_ylim(0, 105)
    bottom.set_xlabel(f"time ({result.timezone})")
    span = day_span(result)
    if span is not None:
        bottom.set_xlim(local(span[0]), local(span[1]))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=zone))  # type: ignore[no-untyped-call]
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
