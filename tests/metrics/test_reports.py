"""Reports against a slow, obvious grouping; periods in time zones; exports; the command."""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import zoneinfo
from collections import defaultdict
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.cli import main
from callcenter.errors import DefinitionError, InvalidArgumentError
from callcenter.metrics import (
    AgentState,
    AgentStateInterval,
    ContactRecord,
    KpiOptions,
    Outcome,
    build_report,
    compute_kpis,
    daily_report,
    records_from_csv,
    records_from_json,
    records_to_csv,
    records_to_json,
    repeat_contact_ids,
)
from callcenter.testing import agent_state_intervals, contact_records

records_lists = st.lists(contact_records(span=40 * 86_400.0), max_size=40).map(
    lambda rs: [attrs.evolve(r, contact_id=f"c{i}") for i, r in enumerate(rs)]
)
ZONES = ["UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Kathmandu"]


def naive_start(ts: float, granularity: str, tz: zoneinfo.ZoneInfo) -> float:
    local = datetime.datetime.fromtimestamp(ts, tz)
    if granularity.endswith("min"):
        step = int(granularity[:-3])
        minute = (local.hour * 60 + local.minute) // step * step
        local = local.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)
        return local.timestamp()
    date = local.date()
    if granularity == "week":
        date -= datetime.timedelta(days=date.weekday())
    elif granularity == "month":
        date = date.replace(day=1)
    return datetime.datetime.combine(date, datetime.time(), tz).timestamp()


def group_value(r: ContactRecord, dim: str) -> str:
    value = {"queue": r.queue, "agent": r.agent, "skill_group": r.skill_group}.get(dim, r.channel)
    return value or ""


@settings(max_examples=60)
@given(
    rs=records_lists,
    granularity=st.sampled_from(["15min", "30min", "60min", "day", "week", "month"]),
    zone=st.sampled_from(ZONES),
    dims=st.lists(
        st.sampled_from(["queue", "agent", "skill_group", "channel"]), unique=True, max_size=2
    ),
)
def test_report_rows_equal_kpis_of_their_records(
    rs: list[ContactRecord], granularity: str, zone: str, dims: list[str]
) -> None:
    tz = zoneinfo.ZoneInfo(zone)
    options = KpiOptions()
    report = build_report(rs, granularity=granularity, group_by=dims, timezone=zone, totals=True)
    repeats = repeat_contact_ids(rs, options.fcr_window_seconds)
    groups: dict[tuple[float, tuple[str, ...]], list[ContactRecord]] = defaultdict(list)
    for r in rs:
        start = naive_start(r.arrived_at, granularity, tz)
        groups[(start, tuple(group_value(r, d) for d in dims))].append(r)
        if dims:  # without groups the one row per period is already the total
            groups[(start, ("(all)",) * len(dims))].append(r)
    seen = {}
    for row in report.rows:
        key = (row.period_start.timestamp(), tuple(v for _, v in row.group))
        assert key not in seen
        seen[key] = row
        assert row.period_start.tzinfo is not None
        assert row.period_end > row.period_start
    assert set(seen) == set(groups)
    for key, members in groups.items():
        want = compute_kpis(members, options=options, repeats=repeats)
        got = seen[key].kpis
        for field in attrs.fields(type(want)):
            a, b = getattr(got, field.name), getattr(want, field.name)
            assert (a is None and b is None) or math.isclose(a, b, rel_tol=1e-12), field.name
    starts = [row.period_start for row in report.rows]
    assert starts == sorted(starts)


@settings(max_examples=60)
@given(
    ivs=st.lists(agent_state_intervals(span=86_400.0), max_size=20),
    zone=st.sampled_from(["UTC", "Asia/Shanghai"]),
)
def test_agent_time_is_cut_at_period_boundaries(ivs: list[AgentStateInterval], zone: str) -> None:
    report = build_report([], ivs, granularity="30min", group_by=("agent",), timezone=zone)
    working: dict[tuple[float, str], float] = defaultdict(float)
    total: dict[tuple[float, str], float] = defaultdict(float)
    for i in ivs:
        first = math.floor(i.start / 1800) * 1800
        for p in range(int(first), int(i.end) + 1, 1800):
            overlap = min(i.end, p + 1800) - max(i.start, p)
            if overlap > 0:
                total[(p, i.agent_id)] += overlap
                if i.state in (AgentState.BUSY, AgentState.WRAP_UP, AgentState.RESERVED):
                    working[(p, i.agent_id)] += overlap
    rows = {(r.period_start.timestamp(), r.group[0][1]): r for r in report.rows}
    assert set(rows) == set(total)
    for key, row in rows.items():
        assert row.kpis.utilization == pytest.approx(working[key] / total[key])
        assert row.kpis.offered == 0


def answered_at(ts: float, queue: str = "q") -> ContactRecord:
    return ContactRecord(
        contact_id=str(ts),
        outcome=Outcome.ANSWERED,
        queues=(queue,),
        agents=("a1",),
        arrived_at=ts,
        queued_at=ts,
        answered_at=ts + 5,
        ended_at=ts + 100,
    )


def test_daylight_saving_days_and_repeated_hours() -> None:
    ny = zoneinfo.ZoneInfo("America/New_York")
    # 2026-11-01: clocks go back from 02:00 EDT to 01:00 EST.
    first = datetime.datetime(2026, 11, 1, 1, 10, tzinfo=ny, fold=0).timestamp()
    second = datetime.datetime(2026, 11, 1, 1, 10, tzinfo=ny, fold=1).timestamp()
    assert second - first == 3600
    records = [answered_at(first), answered_at(second)]
    day = build_report(records, granularity="day", timezone="America/New_York")
    (row,) = day.rows
    # Aware datetimes in one zone subtract as wall clocks; instants show the 25 hours.
    assert row.period_end.timestamp() - row.period_start.timestamp() == 25 * 3600
    assert row.kpis.answered == 2
    halves = build_report(records, granularity="30min", timezone="America/New_York")
    assert [r.period_start.strftime("%H:%M") for r in halves.rows] == ["01:00", "01:00"]
    assert halves.rows[0].period_start.utcoffset() != halves.rows[1].period_start.utcoffset()


def test_weeks_and_months() -> None:
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    sunday_night = datetime.datetime(2026, 10, 4, 23, 30, tzinfo=shanghai).timestamp()
    monday = datetime.datetime(2026, 10, 5, 0, 30, tzinfo=shanghai).timestamp()
    report = build_report(
        [answered_at(sunday_night), answered_at(monday)],
        granularity="week",
        timezone="Asia/Shanghai",
    )
    assert [r.period_start.date().isoformat() for r in report.rows] == [
        "2026-09-28",
        "2026-10-05",
    ]
    assert all(r.period_start.weekday() == 0 for r in report.rows)
    months = build_report(
        [answered_at(sunday_night)], granularity="month", timezone="Asia/Shanghai"
    )
    (row,) = months.rows
    assert row.period_start.date() == datetime.date(2026, 10, 1)
    assert row.period_end.date() == datetime.date(2026, 11, 1)


def test_exports_agree_with_rows() -> None:
    base = 1_790_000_000.0
    records = [answered_at(base), answered_at(base + 60, "other"), answered_at(base + 4000)]
    lost = ContactRecord(
        contact_id="lost",
        outcome=Outcome.ABANDONED_IN_QUEUE,
        queues=("q",),
        arrived_at=base,
        queued_at=base,
        ended_at=base + 90,
    )
    report = daily_report([*records, lost], timezone="Asia/Shanghai")
    dicts = report.to_dicts()
    assert dicts[-1]["queue"] == "(all)"
    parsed = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert len(parsed) == len(dicts)
    for text_row, row in zip(parsed, dicts, strict=True):
        for key, value in row.items():
            assert text_row[key] == ("" if value is None else str(value))
    document = json.loads(report.to_json())
    assert document["rows"] == dicts
    assert document["timezone"] == "Asia/Shanghai"
    assert document["options"]["answer_time"] == 20.0
    table = report.format_table()
    assert "service_level" in table
    assert "50.0%" in table  # one of two in queue q answered within 20 s
    with pytest.raises(InvalidArgumentError, match="column"):
        report.to_dicts(["nonsense"])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"granularity": "2h"}, "granularity"),
        ({"group_by": ("team",)}, "group_by"),
        ({"group_by": ("queue", "queue")}, "group_by"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_report_arguments(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        build_report([], **kwargs)  # type: ignore[arg-type]
    assert info.value.name == name


@settings(max_examples=50)
@given(rs=records_lists, ivs=st.lists(agent_state_intervals(), max_size=5))
def test_records_round_trip_through_json_and_csv(
    rs: list[ContactRecord], ivs: list[AgentStateInterval]
) -> None:
    loaded = records_from_json(records_to_json(rs, ivs))
    assert list(loaded.records) == rs
    assert list(loaded.agent_states) == ivs
    assert list(records_from_csv(records_to_csv(rs)).records) == rs


def test_bad_records_are_reported_with_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = records_to_json([answered_at(1_790_000_000.0)])
    data = json.loads(good)
    data["records"].append(dict(data["records"][0], contact_id="b", outcome="answred"))
    data["records"].append(dict(data["records"][0], contact_id="c", ended_at=0))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["report", str(path)]) == 1
    err = capsys.readouterr().err
    assert "records.1.outcome" in err
    assert "records.2" in err
    assert main(["report", str(tmp_path / "missing.csv")]) == 2


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = 1_790_000_000.0
    records = [answered_at(base), answered_at(base + 60, "other"), answered_at(base + 4000)]
    (tmp_path / "day.csv").write_text(records_to_csv(records), encoding="utf-8")
    day = str(tmp_path / "day.csv")
    assert main(["report", day, "--period", "60min", "--totals", "--timezone", "UTC"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"All 3 contacts of {day} (UTC)")
    assert "(all)" in out
    assert "other" in out
    assert main(["report", day, "--format", "json", "--by", "none", "--timezone", "UTC"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["rows"][0]["offered"] == 3
    assert (
        main(["report", day, "--format", "csv", "--columns", "answered", "--timezone", "UTC"]) == 0
    )
    assert capsys.readouterr().out.splitlines()[0] == "period_start,queue,answered"


def test_a_bare_string_is_not_a_list_of_queues() -> None:
    data = json.loads(records_to_json([answered_at(1_790_000_000.0)]))
    data["records"][0]["queues"] = "enquiry"
    with pytest.raises(DefinitionError, match=r"records\.0\.queues: expected a list of names"):
        records_from_json(json.dumps(data))


def test_report_command_agent_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = 1_790_000_000.0
    records = [answered_at(base), answered_at(base + 60), answered_at(base + 4000)]
    records[1] = attrs.evolve(records[1], agents=("a2",), talk_seconds=30.0)
    states = [
        AgentStateInterval(agent_id="a1", state=AgentState.BUSY, start=base, end=base + 300),
        AgentStateInterval(
            agent_id="a1", state=AgentState.AVAILABLE, start=base + 300, end=base + 400
        ),
        AgentStateInterval(
            agent_id="a2", state=AgentState.NOT_READY, start=base, end=base + 900, reason="lunch"
        ),
    ]
    path = tmp_path / "day.json"
    path.write_text(records_to_json(records, states), encoding="utf-8")
    assert main(["report", str(path), "--agent-stats", "--format", "json"]) == 0
    rows = {row["agent"]: row for row in json.loads(capsys.readouterr().out)["agents"]}
    assert rows["a1"]["handled"] == 2
    assert rows["a1"]["occupancy"] == 0.75
    assert rows["a2"]["average_talk_seconds"] == 30.0
    assert rows["a2"]["not_ready_seconds"] == {"lunch": 900.0}
    assert rows["a2"]["utilization"] == 0.0
    assert main(["report", str(path), "--agent-stats"]) == 0
    table = capsys.readouterr().out
    assert "not_ready_lunch_seconds" in table
    assert "75.0%" in table


def test_report_takes_the_zone_from_the_file_or_requires_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 23:30 in Beijing on 8 October is 15:30 UTC: one Beijing day, not two UTC dates.
    late = datetime.datetime(2026, 10, 8, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    early = late - datetime.timedelta(hours=15)  # 08:30 the same Beijing day
    records = [answered_at(early.timestamp()), answered_at(late.timestamp())]
    (tmp_path / "day.csv").write_text(records_to_csv(records), encoding="utf-8")
    assert (
        main(["report", str(tmp_path / "day.csv")]) == 2
    )  # a refused option value: exit status 2, as --help says
    assert "--timezone" in capsys.readouterr().err
    path = tmp_path / "day.json"
    path.write_text(records_to_json(records, timezone="Asia/Shanghai"), encoding="utf-8")
    assert main(["report", str(path), "--format", "json", "--by", "none"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["timezone"] == "Asia/Shanghai"
    assert [row["period_start"][:10] for row in document["rows"]] == ["2026-10-08"]


def test_records_accept_iso_8601_times_with_an_offset() -> None:
    text = (
        "contact_id,outcome,queues,arrived_at,queued_at,answered_at,ended_at\n"
        "1,answered,enquiry,2026-10-08T09:30:00+08:00,2026-10-08T09:30:20+08:00,"
        "2026-10-08T01:30:31Z,1791423200\n"
    )
    (record,) = records_from_csv(text).records
    assert (
        record.arrived_at == datetime.datetime(2026, 10, 8, 1, 30, tzinfo=datetime.UTC).timestamp()
    )
    assert record.wait_seconds == 11
    naive = text.replace("+08:00,2026-10-08T09:30:20", ",2026-10-08T09:30:20")
    with pytest.raises(DefinitionError, match=r"records\.0\.arrived_at: an ISO 8601 time needs"):
        records_from_csv(naive)
