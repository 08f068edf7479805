from __future__ import annotations

import itertools
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import DefinitionError, InvalidArgumentError
from callcenter.wfm import BreakRule, ShiftTemplate, greedy_roster, solve_roster

HOUR = 3600
SLOTS = 24  # one-hour intervals


def clock(hour: int) -> str:
    return f"{hour:02d}:00"


def day(values: dict[int, int]) -> list[int]:
    """A day of hourly requirements, zero outside ``values``."""
    return [values.get(h, 0) for h in range(SLOTS)]


# Small cases: two groups' worth of templates on an 8:00-14:00 day, hour intervals.
templates_strategy = st.lists(
    st.tuples(
        st.sets(st.integers(8, 12), min_size=1, max_size=2),  # starts
        st.integers(1, 4),  # hours
        st.integers(1, 9),  # cost
        st.integers(0, 3),  # max heads
    ),
    min_size=1,
    max_size=3,
)


def build(raw: list[tuple[set[int], int, int, int]]) -> list[ShiftTemplate]:
    return [
        ShiftTemplate(
            name=f"t{i}",
            group="g",
            starts=[clock(h) for h in sorted(starts)],
            hours=hours,
            cost=cost,
            max_heads=heads,
        )
        for i, (starts, hours, cost, heads) in enumerate(raw)
    ]


def brute_force(templates: list[ShiftTemplate], required: list[int], under_cost: float) -> float:
    """The least objective over every choice of heads, enumerated."""
    columns = [(t, start) for t in templates for start in (int(s[:2]) for s in t.starts)]
    limits = [range((t.max_heads or 0) + 1) for t, _ in columns]
    best = math.inf
    for heads in itertools.product(*limits):
        used: dict[str, int] = {}
        for (t, _), n in zip(columns, heads, strict=True):
            used[t.name] = used.get(t.name, 0) + n
        if any(used.get(t.name, 0) > (t.max_heads or 0) for t in templates):
            continue
        staffed = [0] * SLOTS
        for (t, start), n in zip(columns, heads, strict=True):
            for h in range(start, start + int(t.hours)):
                staffed[h] += n
        cost = sum(t.unit_cost * n for (t, _), n in zip(columns, heads, strict=True))
        short = sum(max(0, r - s) for r, s in zip(required, staffed, strict=True))
        best = min(best, cost + under_cost * short)
    return best


@settings(max_examples=30)
@given(
    raw=templates_strategy,
    need=st.lists(st.integers(0, 3), min_size=6, max_size=6),
    under_cost=st.sampled_from([2.0, 5.0, 50.0]),
)
def test_the_solver_cost_equals_a_brute_force_search(
    raw: list[tuple[set[int], int, int, int]], need: list[int], under_cost: float
) -> None:
    templates = build(raw)
    required = day({8 + i: n for i, n in enumerate(need)})
    roster = solve_roster({"g": required}, templates, interval_seconds=HOUR, under_cost=under_cost)
    assert roster.status == "optimal"
    objective = roster.cost + under_cost * roster.shortfall
    assert objective == pytest.approx(brute_force(templates, required, under_cost), abs=1e-6)


@settings(max_examples=30)
@given(raw=templates_strategy, need=st.lists(st.integers(0, 4), min_size=6, max_size=6))
def test_coverage_reaches_the_requirement_wherever_the_heads_allow(
    raw: list[tuple[set[int], int, int, int]], need: list[int]
) -> None:
    templates = build(raw)
    required = day({8 + i: n for i, n in enumerate(need)})
    roster = solve_roster({"g": required}, templates, interval_seconds=HOUR)
    coverage = roster.coverage["g"]
    used = {t.name: 0 for t in templates}
    for p in roster.placements:
        used[p.template] += p.heads
    for hour in range(SLOTS):
        assert coverage.staffed[hour] + coverage.under[hour] >= required[hour]
        assert coverage.under[hour] == max(0.0, required[hour] - coverage.staffed[hour])
        if coverage.under[hour] > 0:
            # Every shift that would cover this hour has no head left.
            for t in templates:
                if any(int(s[:2]) <= hour < int(s[:2]) + t.hours for s in t.starts):
                    assert used[t.name] == t.max_heads
    # With heads enough, nothing is missing.
    generous = [ShiftTemplate(name="all", group="g", starts=[clock(h) for h in range(24)], hours=1)]
    full = solve_roster({"g": required}, templates + generous, interval_seconds=HOUR)
    assert full.shortfall == 0
    assert all(s >= r for s, r in zip(full.coverage["g"].staffed, required, strict=True))


def test_breaks_are_placed_in_their_windows_and_count_as_partial_coverage() -> None:
    template = ShiftTemplate(
        name="day",
        group="g",
        starts=["08:00"],
        hours=9,
        breaks=[
            BreakRule(minutes=60, earliest=180, latest=300, step=60),
            BreakRule(minutes=15, earliest=120, latest=420, step=15),
        ],
    )
    # Half-hour intervals; the lunch must avoid 12:00-13:00, where the need is.
    required = [0] * 48
    for slot in range(16, 34):
        required[slot] = 1
    required[24] = required[25] = 2
    roster = solve_roster({"g": required}, [template], interval_seconds=1800)
    assert roster.heads() == 2
    for p in roster.placements:
        lunch = next(b for b in p.breaks if b[1] - b[0] == 3600)
        assert 11 * HOUR <= lunch[0] <= 13 * HOUR
        short = next(b for b in p.breaks if b[1] - b[0] == 900)
        assert 10 * HOUR <= short[0] <= 15 * HOUR
        assert p.shift().working_seconds == 9 * HOUR - 75 * 60
    staffed = roster.coverage["g"].staffed
    # A 15-minute break inside a half hour leaves half of it worked.
    assert all(abs(s * 2 - round(s * 2)) < 1e-9 for s in staffed)
    assert staffed[24] == staffed[25] == 2
    assert roster.shortfall == 0


def test_minimum_heads_and_the_part_time_share_are_kept() -> None:
    required = day(dict.fromkeys(range(8, 16), 4))
    full = ShiftTemplate(name="ft", group="g", starts=["08:00"], hours=8, cost=10, min_heads=1)
    part = ShiftTemplate(
        name="pt", group="g", starts=["08:00", "12:00"], hours=4, cost=3, part_time=True
    )
    cheap = solve_roster({"g": required}, [full, part], interval_seconds=HOUR)
    assert sum(p.heads for p in cheap.placements if p.template == "ft") == 1
    shared = solve_roster(
        {"g": required}, [full, part], interval_seconds=HOUR, max_part_time_share=0.5
    )
    part_heads = sum(p.heads for p in shared.placements if p.part_time)
    assert part_heads <= 0.5 * shared.heads()
    assert shared.shortfall == 0
    assert shared.cost >= cheap.cost


def test_groups_are_covered_by_their_own_templates() -> None:
    a = ShiftTemplate(name="a", group="A", starts=["08:00"], hours=4)
    b = ShiftTemplate(name="b", group="B", starts=["10:00"], hours=4)
    roster = solve_roster(
        {"A": day({8: 2, 9: 2}), "B": day({12: 3})}, [a, b], interval_seconds=HOUR
    )
    heads = {p.template: p.heads for p in roster.placements}
    assert heads == {"a": 2, "b": 3}
    assert roster.coverage["A"].staffed[12] == 0
    assert roster.coverage["B"].over[10] == 3
    assert "heads" in roster.format_table()


def test_the_greedy_baseline_covers_and_costs_no_less_than_the_solver() -> None:
    required = day({8: 2, 9: 3, 10: 5, 11: 5, 12: 3, 13: 4, 14: 4, 15: 2, 16: 1})
    templates = [
        ShiftTemplate(name="long", group="g", starts=[clock(h) for h in range(8, 10)], hours=8),
        ShiftTemplate(
            name="short", group="g", starts=[clock(h) for h in range(8, 14)], hours=4, cost=4.5
        ),
    ]
    greedy = greedy_roster({"g": required}, templates, interval_seconds=HOUR)
    exact = solve_roster({"g": required}, templates, interval_seconds=HOUR)
    assert greedy.shortfall == exact.shortfall == 0
    assert greedy.cost >= exact.cost - 1e-9
    assert greedy.method == "greedy"
    assert exact.method == "milp"


def test_bad_templates_report_every_problem_at_its_field() -> None:
    with pytest.raises(DefinitionError) as caught:
        ShiftTemplate(
            name="bad",
            group="g",
            starts=["25:00", "20:00"],
            hours=6,
            breaks=[BreakRule(minutes=60, earliest=240, latest=330)],
            max_heads=-1,
        )
    paths = {p.path for p in caught.value.problems}
    assert paths == {"starts.0", "max_heads"}
    with pytest.raises(DefinitionError) as caught:
        ShiftTemplate(
            name="late",
            group="g",
            starts=["20:00"],
            hours=6,
            breaks=[BreakRule(minutes=60, earliest=240, latest=330)],
        )
    assert {p.path for p in caught.value.problems} == {"starts.0", "breaks.0"}
    with pytest.raises(DefinitionError, match="latest"):
        BreakRule(minutes=30, earliest=120, latest=60)
    with pytest.raises(DefinitionError, match="minutes"):
        BreakRule(minutes=float("nan"), earliest=0, latest=0)  # type: ignore[arg-type]


def test_bad_arguments_raise_library_errors() -> None:
    t = ShiftTemplate(name="t", group="g", starts=["08:00"], hours=4)
    with pytest.raises(InvalidArgumentError, match="interval_seconds"):
        solve_roster({"g": day({})}, [t])
    with pytest.raises(InvalidArgumentError, match=r"requirements\.g"):
        solve_roster({"g": [1, 2]}, [t], interval_seconds=HOUR)
    with pytest.raises(InvalidArgumentError, match=r"requirements\.g"):
        solve_roster({"g": [float("nan")] * 24}, [t], interval_seconds=HOUR)
    with pytest.raises(InvalidArgumentError, match="group"):
        solve_roster({"other": day({})}, [t], interval_seconds=HOUR)
    with pytest.raises(InvalidArgumentError, match="templates"):
        solve_roster({"g": day({})}, [], interval_seconds=HOUR)
    with pytest.raises(InvalidArgumentError, match="distinct"):
        solve_roster({"g": day({})}, [t, t], interval_seconds=HOUR)
    with pytest.raises(InvalidArgumentError, match="max_part_time_share"):
        solve_roster({"g": day({})}, [t], interval_seconds=HOUR, max_part_time_share=2)
    with pytest.raises(InvalidArgumentError, match="under_cost"):
        greedy_roster({"g": day({})}, [t], interval_seconds=HOUR, under_cost=0)
    with pytest.raises(InvalidArgumentError, match="time_limit"):
        solve_roster({"g": day({})}, [t], interval_seconds=HOUR, time_limit=-1)
    impossible = ShiftTemplate(
        name="pt", group="g", starts=["08:00"], hours=4, part_time=True, min_heads=1
    )
    with pytest.raises(InvalidArgumentError, match="minimum heads"):
        solve_roster({"g": day({})}, [impossible], interval_seconds=HOUR, max_part_time_share=0)


def test_without_scipy_the_core_imports_and_the_solver_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['scipy'] = None\n"
        "import callcenter, callcenter.wfm, callcenter.cli\n"
        "from callcenter.errors import InvalidArgumentError\n"
        "t = callcenter.wfm.ShiftTemplate(name='t', group='g', starts=['08:00'], hours=4)\n"
        "req = {'g': [1] * 24}\n"
        "assert callcenter.wfm.greedy_roster(req, [t], interval_seconds=3600).heads() > 0\n"
        "try:\n"
        "    callcenter.wfm.solve_roster(req, [t], interval_seconds=3600)\n"
        "except InvalidArgumentError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "callcenter[wfm]" in done.stdout


def test_templates_need_a_name_and_a_group_and_the_solver_needs_templates() -> None:
    with pytest.raises(DefinitionError) as caught:
        ShiftTemplate(name="", group=3, starts=["08:00"], hours=4)  # type: ignore[arg-type]
    assert {p.path for p in caught.value.problems} == {"name", "group"}
    with pytest.raises(InvalidArgumentError, match="ShiftTemplate"):
        solve_roster({"g": day({})}, ["early"], interval_seconds=HOUR)  # type: ignore[list-item]
