"""The validator: each finding on a flow built to show it, and the seed flows clean."""

from __future__ import annotations

import itertools
from pathlib import Path

import attrs
import pytest

from callcenter.calendars import BusinessCalendar, Weekday
from callcenter.errors import DocumentError, Severity
from callcenter.ivr import (
    REPEAT,
    Flow,
    FlowBuilder,
    Session,
    SessionResult,
    Variant,
    check_flow,
    check_flow_file,
    load_flow,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ivr"


@pytest.fixture(scope="module")
def tianjin() -> Flow:
    return load_flow(EXAMPLES / "tianjin-400.toml")


@pytest.fixture(scope="module")
def guangzhou() -> Flow:
    return load_flow(EXAMPLES / "guangzhou-3lang.toml")


@pytest.fixture(scope="module")
def branch_office() -> Flow:
    return load_flow(EXAMPLES / "branch-office.toml")


def paths(flow: Flow, severity: Severity) -> dict[str, str]:
    return {p.path: p.message for p in check_flow(flow).problems if p.severity is severity}


def base() -> FlowBuilder:
    return (
        FlowBuilder("v", start="menu", on_error="agent")
        .prompt("p", zh=Variant(text="请选择", seconds=4.0))
        .enqueue("agent", queue="general")
        .hangup("bye")
    )


@pytest.mark.parametrize("name", ["tianjin", "guangzhou", "branch_office"])
def test_seed_flows_are_clean(name: str, request: pytest.FixtureRequest) -> None:
    report = check_flow(request.getfixturevalue(name))
    assert report.problems == ()
    assert report.ok
    assert report.exact
    assert report.best_keys is not None
    assert report.worst_keys is not None
    assert report.best_keys <= report.worst_keys
    assert report.best_seconds is not None
    assert report.worst_seconds is not None
    assert report.best_seconds <= report.worst_seconds


def test_dead_ends_and_silent_loops_are_errors() -> None:
    flow = (
        base()
        .menu("menu", prompt="p", options={"1": "agent", "2": "a"})
        .say("a", prompt="p", next="b")
        .say("b", prompt="p", next="a")
        .build()
    )
    errors = [(p.path, p.message) for p in check_flow(flow).errors]
    dead = sorted(path for path, message in errors if message.startswith("dead end"))
    assert dead == ["nodes.a", "nodes.b"]
    assert any("a -> b" in message for _, message in errors)
    assert len(errors) == 3


def test_a_menu_whose_no_input_loops_back_is_unbounded() -> None:
    flow = (
        base()
        .menu("menu", prompt="p", options={"1": "agent"}, on_no_input="sorry")
        .say("sorry", prompt="p", next="menu")
        .build()
    )
    errors = paths(flow, Severity.ERROR)
    assert "loops forever through menu -> sorry" in errors["nodes.menu"]
    bounded = (
        base()
        .menu("menu", prompt="p", options={"1": "agent"}, on_no_input="sorry")
        .say("sorry", prompt="p", next="bye")
        .build()
    )
    assert check_flow(bounded).ok


def test_loops_driven_by_keys_are_not_errors() -> None:
    flow = (
        base()
        .menu("menu", prompt="p", options={"1": "agent", "2": "info"})
        .say("info", prompt="p", next="menu")
        .build()
    )
    assert check_flow(flow).ok


def test_unreachable_nodes_and_ambiguous_keys_are_warnings() -> None:
    flow = (
        base()
        .global_key("0", "agent")
        .menu("menu", prompt="p", options={"1": "agent", "10": "bye", "0": REPEAT})
        .say("lost", prompt="p", next="bye")
        .build()
    )
    warnings = paths(flow, Severity.WARNING)
    assert "unreachable" in warnings["nodes.lost"]
    assert "ambiguous key '1'" in warnings["nodes.menu.options.1"]
    assert "hides the global key" in warnings["nodes.menu.options.0"]
    assert check_flow(flow).ok


def test_prompts_missing_in_a_language_without_fallback() -> None:
    flow = (
        FlowBuilder("l", start="s", languages=["zh", "yue", "en"], fallback={"yue": "zh"})
        .prompt("p", zh="您好")
        .prompt("unused", zh="未用")
        .say("s", prompt="p", next="bye")
        .hangup("bye")
        .build()
    )
    report = check_flow(flow)
    errors = {p.path: p.message for p in report.errors}
    assert "no 'en' variant" in errors["nodes.s.prompt"]
    assert not any("'yue'" in m for m in errors.values())
    assert "never played" in {p.path: p.message for p in report.warnings}["prompts.unused"]


def test_calendars_with_undefined_weekdays_and_unknown_queues() -> None:
    calendar = BusinessCalendar(timezone="Asia/Shanghai", weekly={Weekday.MONDAY: ["08:00-18:00"]})
    flow = (
        base()
        .calendar("office", calendar)
        .hours("menu", calendar="office", open="agent", closed="bye")
        .build()
    )
    report = check_flow(flow, queues=["tracking"])
    warnings = {p.path: p.message for p in report.warnings}
    assert "tuesday" in warnings["calendars.office.weekly"]
    errors = {p.path: p.message for p in report.errors}
    assert "no queue 'general'" in errors["nodes.agent.queue"]


def test_worst_case_counts_retries_and_timeouts() -> None:
    flow = (
        FlowBuilder("w", start="menu", on_error="bye")
        .prompt("p", zh=Variant(text="请选择", seconds=4.0))
        .menu(
            "menu",
            prompt="p",
            options={"1": "agent"},
            timeout=5.0,
            no_input_limit=3,
            no_match_limit=2,
            on_no_input="agent",
            on_no_match="bye",
        )
        .enqueue("agent", queue="general")
        .hangup("bye")
        .build()
    )
    report = check_flow(flow)
    # Best: listen to the prompt and press 1.
    assert report.best_keys == 0  # three silences also reach the agent
    assert report.best_seconds == 4.0
    # Worst way to the agent: two no-inputs and one no-match, then the right key:
    # 4 + 2 * (5 + 4) + 1 * 4 seconds and 1 + 1 keys; or three no-inputs and one
    # no-match: 4 + 2 * 4 + 3 * 5 + 4 seconds.
    assert report.worst_keys == 2
    assert report.worst_seconds == 4 + 2 * 4 + 3 * 5 + 4
    no_agent = FlowBuilder("n", start="bye").hangup("bye").build()
    report = check_flow(no_agent)
    assert report.best_keys is None
    assert report.worst_seconds is None
    assert "no agent" in report.warnings[0].message


def test_hang_up_routes_may_only_use_nodes_without_the_caller() -> None:
    flow = (
        base()
        .defaults(on_hangup="mark")
        .menu("menu", prompt="p", options={"1": "agent"})
        .set("mark", values={"x": "1"}, next="agent")
        .build()
    )
    errors = {p.path: p.message for p in check_flow(flow).errors}
    assert "reached from on_hangup" in errors["nodes.agent"]
    fine = (
        base()
        .defaults(on_hangup="mark")
        .menu("menu", prompt="p", options={"1": "agent"})
        .set("mark", values={"x": "1"}, next="bye")
        .build()
    )
    assert check_flow(fine).problems == ()


def test_check_flow_file_reports_load_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "start": "mian", "nodes": {"main": {"kind": "hangup"}}}')
    report = check_flow_file(broken)
    assert not report.ok
    assert [p.path for p in report.errors] == ["start"]
    assert report.best_keys is None
    good = check_flow_file(EXAMPLES / "tianjin-400.toml", queues=["tracking"])
    assert {p.path for p in good.errors} == {
        "nodes.orders.queue",
        "nodes.complaints.queue",
        "nodes.agent.queue",
    }
    with pytest.raises(DocumentError):
        check_flow_file(tmp_path / "missing.toml")


def test_a_return_without_a_call_goes_to_on_error() -> None:
    flow = (
        FlowBuilder("r", start="back", on_error="agent")
        .return_("back")
        .enqueue("agent", queue="general")
        .build()
    )
    report = check_flow(flow)
    assert report.problems == ()
    assert report.best_keys == 0
    session = Session(flow, session_id="r")
    session.begin(0.0)
    assert session.result is SessionResult.ENQUEUED


def _route_cost(flow: Flow, way: tuple[str, ...], weight: str) -> float:
    """The cost of a way by following, edge by edge, the cheapest edge between two nodes."""
    from callcenter.ivr._routes import edges

    total = 0.0
    for source, target in itertools.pairwise(way):
        costs = [getattr(e, weight) for e in edges(flow, flow.nodes[source]) if e.target == target]
        assert costs, f"no edge {source} -> {target}"
        total += min(costs) if weight.startswith("least") else max(costs)
    return total


def test_each_best_and_worst_figure_comes_with_its_way(tianjin: Flow) -> None:
    report = check_flow(tianjin)
    for way in (
        report.best_keys_path,
        report.best_seconds_path,
        report.worst_keys_path,
        report.worst_seconds_path,
    ):
        assert way[0] == tianjin.start
        assert way[-1] in report.agents
    assert _route_cost(tianjin, report.best_seconds_path, "least_seconds") == pytest.approx(
        report.best_seconds
    )
    assert _route_cost(tianjin, report.best_keys_path, "least_keys") == report.best_keys
    assert _route_cost(tianjin, report.worst_seconds_path, "seconds") == pytest.approx(
        report.worst_seconds
    )


def test_ivr_check_prints_each_route_on_its_own_line(capsys: pytest.CaptureFixture[str]) -> None:
    from callcenter.cli import main

    assert main(["ivr", "check", str(EXAMPLES / "tianjin-400.toml")]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("to an agent")]
    assert [ln.split(":")[0] for ln in lines] == [
        "to an agent, fewest keys",
        "to an agent, shortest time",
        "to an agent, most keys",
        "to an agent, longest time",
    ]
    assert all(" via hours -> " in ln for ln in lines)


def test_a_digit_escape_key_that_makes_values_impossible_is_warned() -> None:
    def flow(pattern: str | None) -> Flow:
        return (
            base()
            .collect(
                "menu",
                prompt="p",
                store="waybill",
                next="agent",
                min_digits=12,
                max_digits=12,
                pattern=pattern,
                keys={"0": "agent"},
            )
            .build()
        )

    assert "nodes.menu.keys.0" in paths(flow(None), Severity.WARNING)
    assert "nodes.menu.keys.0" in paths(flow("[0-9]{12}"), Severity.WARNING)
    assert "nodes.menu.keys.0" not in paths(flow("[1-9][0-9]{11}"), Severity.WARNING)


def test_a_placeholder_for_an_attribute_nobody_sets_is_warned() -> None:
    flow = (
        base()
        .prompt("status", zh="运单{waybill}的状态:{waybill.status},{customer_name}您好")
        .prompt("confirm", zh="您输入的是{value}")
        .collect("menu", prompt="p", store="waybill", next="look", confirm_prompt="confirm")
        .lookup("look", query="q", next="say", not_found="agent", into="waybill.")
        .say("say", prompt="status", next="transfer")
        .transfer("transfer", to="{branch_phone}")
        .build()
    )
    warned = paths(flow, Severity.WARNING)
    assert "customer_name" in warned["prompts.status.zh"]
    assert "branch_phone" in warned["nodes.transfer.to"]
    assert "prompts.confirm.zh" not in warned
    declared = attrs.evolve(flow, attributes={"customer_name": "", "branch_phone": "110"})
    assert not any("placeholder" in m for m in paths(declared, Severity.WARNING).values())


def test_a_survey_flow_can_say_it_needs_no_agent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from callcenter.cli import main

    survey = tmp_path / "survey.toml"
    survey.write_text(
        """
name = "survey"
start = "ask"
expects_agent = false
[prompts]
q.zh = "请为本次服务打分,1到5分"
[nodes.ask]
kind = "survey"
prompt = "q"
store = "score"
next = "bye"
on_no_match = "bye"
[nodes.bye]
kind = "hangup"
""",
        encoding="utf-8",
    )
    assert main(["ivr", "check", "--strict", str(survey)]) == 0
    assert "0 warning(s)" in capsys.readouterr().out
    survey.write_text(survey.read_text(encoding="utf-8").replace("expects_agent = false", ""))
    assert main(["ivr", "check", "--strict", str(survey)]) == 1


def test_a_path_of_thousands_of_nodes_is_checked_without_recursion() -> None:
    builder = FlowBuilder("long", start="s0", on_error="agent").prompt("p", zh="请稍候")
    count = 3000
    for index in range(count):
        builder.say(f"s{index}", prompt="p", next=f"s{index + 1}" if index + 1 < count else "agent")
    builder.enqueue("agent", queue="general")
    flow = builder.build()
    report = check_flow(flow)
    assert report.ok
    assert len(report.worst_seconds_path) == count + 1
    assert report.worst_seconds == pytest.approx(report.best_seconds)
