"""The picture of a simulated day shows the hours that matter."""

from __future__ import annotations

import datetime
import zoneinfo
from pathlib import Path

from callcenter.cli import main
from callcenter.simulation import load_scenario, simulate
from callcenter.simulation._plot import day_span

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def test_the_plot_spans_the_hours_with_calls_or_agents() -> None:
    result = simulate(load_scenario(EXAMPLES / "tianjin.toml"))
    span = day_span(result)
    assert span is not None
    zone = zoneinfo.ZoneInfo(result.timezone)
    start, end = (datetime.datetime.fromtimestamp(t, zone) for t in span)
    # Calls from 07:00 (voicemail while closed) to the last one near 21:00, not 24 hours.
    assert (start.hour, start.minute) == (7, 0)
    assert end - start < datetime.timedelta(hours=15)
    assert all(span[0] <= r.arrived_at and r.ended_at <= span[1] for r in result.records)


def test_the_tianjin_plot_is_drawn_with_open_hours(tmp_path: Path) -> None:
    picture = tmp_path / "day.png"
    assert main(["simulate", str(EXAMPLES / "tianjin.toml"), "--plot", str(picture)]) == 0
    assert picture.read_bytes().startswith(b"\x89PNG")
