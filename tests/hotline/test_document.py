"""Hotline documents: loading, every problem at its path, relative files, hostile input."""

from __future__ import annotations

import copy
import importlib
import json
import math
import re
import time
import tomllib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter._loading import read_document
from callcenter.calendars import BusinessCalendar
from callcenter.errors import CallCenterError, DefinitionError, DocumentError, Problem, Severity
from callcenter.hotline import (
    IVR_RESULTS,
    Endpoint,
    HoldTreatment,
    HotlineDefinition,
    KnownCaller,
    Line,
    TicketRule,
    check_hotline,
    hotline_from_dict,
    hotline_to_dict,
    load_hotline,
)
from callcenter.ivr import CallerStatus, SessionResult, flow_to_dict, load_flow
from callcenter.routing import AgentDefinition, Membership, QueueDefinition, RoutingDefinition
from callcenter.simulation import scenario_from_dict
from callcenter.testing import routing_definitions
from callcenter.tickets import workflow_to_dict

from ..foundation.campaign import campaign_examples
from ..foundation.test_loader_campaign import ACTIONS, NASTY, _mutate, _paths, _write

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
TIANJIN = EX / "hotline" / "tianjin.toml"
PAGE = ROOT / "docs" / "reference" / "hotline-file.md"


def _problems(data: dict[str, Any], base: Path | None = None) -> list[Problem]:
    with pytest.raises(DefinitionError) as caught:
        hotline_from_dict(data, base=base)
    return list(caught.value.problems)


def _at(problems: list[Problem]) -> dict[str, Problem]:
    return {p.path: p for p in problems}


def _small() -> dict[str, Any]:
    """A sound hotline: one line through an inline flow, two agents, one queue."""
    return {
        "name": "small",
        "timezone": "Asia/Shanghai",
        "lines": {"main": {"number": "4008005678", "flow": "main"}},
        "flows": {
            "main": {
                "name": "main",
                "start": "agent",
                "nodes": {"agent": {"kind": "enqueue", "queue": "enquiry"}},
            }
        },
        "routing": {
            "queues": [{"id": "enquiry"}],
            "agents": [
                {"id": "wang", "queues": [{"queue": "enquiry"}]},
                {"id": "li", "queues": [{"queue": "enquiry"}]},
            ],
        },
        "endpoints": {"wang": {"extension": "8001"}, "li": {"extension": "8002"}},
    }


# --------------------------------------------------------------------------- the example


def test_the_tianjin_hotline_loads_and_checks_clean() -> None:
    hotline = load_hotline(TIANJIN)
    assert check_hotline(hotline) == []
    assert [line.number for line in hotline.lines] == ["4008001234"]
    assert hotline.flows["tianjin-400"].name == load_flow(EX / "ivr" / "tianjin-400.toml").name
    agents = {a.id for a in hotline.routing.agents}
    assert set(hotline.endpoints) == agents
    assert len(agents) == 7
    assert hotline.endpoints["sales-mobile-1"].mobile is not None
    vips = [c for c in hotline.callers if c.status is CallerStatus.VIP]
    assert vips
    assert all(c.agent == "enquiry-1" for c in vips)
    assert any(c.status is CallerStatus.BLOCKED for c in hotline.callers)
    rules = {(r.workflow, r.agent_outcome, r.ivr_result) for r in hotline.ticket_rules}
    assert ("complaint", "complaint", None) in rules
    assert ("callback", None, "voicemail") in rules


def test_a_sound_small_hotline_loads() -> None:
    hotline = hotline_from_dict(_small())
    assert hotline.lines == (Line(id="main", number="4008005678", flow="main"),)
    assert hotline.endpoints["wang"] == Endpoint(agent="wang", extension="8001")
    assert check_hotline(hotline) == []


def test_the_reference_page_example_loads_clean(tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```toml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    example = next(b for b in blocks if b.startswith("# file: hotline.toml"))
    hotline = hotline_from_dict(tomllib.loads(example))
    assert check_hotline(hotline) == []
    documented = set(re.findall(r"^```\{attrs-fields\} (\S+)", text, re.MULTILINE))
    classes = {HotlineDefinition, Line, Endpoint, KnownCaller, TicketRule, HoldTreatment}
    assert documented == {f"callcenter.hotline.{cls.__name__}" for cls in classes}


# --------------------------------------------------------------------------- problems at paths


def test_every_problem_at_its_path_at_once() -> None:
    data = _small()
    data["colour"] = "red"
    data["timezone"] = "Asia/Shanghia"
    data["answer_time"] = -1
    data["lines"] = {
        "main": {"number": "4008005678", "flow": "mian", "language": "en"},
        "branch": {"number": "4008005678", "queue": "enqiury"},
        "night": {"number": "123", "queue": "enquiry", "calendar": "tj", "closed_line": "brnach"},
    }
    data["endpoints"] = {"wang": {}, "ghost": {"extension": "9"}, "li": {"sip_uri": "8002@pbx"}}
    data["callers"] = [
        {"number": "139 0000 0001", "agent": "zhao"},
        {"number": "13900000001", "sticky_for": -3},
        {"number": "not a number"},
    ]
    data["ticket_rules"] = [
        {"workflow": "complaints", "ivr_result": "voicemial"},
        {"workflow": "callback", "queue": "nowhere", "ivr_result": "voicemail"},
    ]
    data["hold"] = {"announce_every": "soon"}
    found = _at(_problems(data))
    expected = {
        "colour": "unknown key 'colour'",
        "timezone": "unknown time zone 'Asia/Shanghia' (did you mean 'Asia/Shanghai'?)",
        "answer_time": "expected a number >= 0, got -1",
        "lines.main.flow": "unknown flow 'mian' (did you mean 'main'?)",
        "lines.branch.number": "has the number '4008005678' too",
        "lines.branch.queue": "unknown queue 'enqiury' (did you mean 'enquiry'?)",
        "lines.night.calendar": "unknown calendar 'tj'",
        "lines.night.closed_line": "unknown line 'brnach' (did you mean 'branch'?)",
        "endpoints.wang": "give at least one of extension, sip_uri or mobile",
        "endpoints.ghost": "unknown agent 'ghost'",
        "endpoints.li.sip_uri": "expected a SIP address",
        "callers.0.agent": "unknown agent 'zhao'",
        "callers.1.number": "is known already, at callers.0",
        "callers.1.sticky_for": "expected a number >= 0, got -3",
        "callers.2.number": "expected a phone number",
        "ticket_rules.0.workflow": "unknown workflow 'complaints' (did you mean 'complaint'?)",
        "ticket_rules.0.ivr_result": "unknown IVR result 'voicemial' (did you mean 'voicemail'?)",
        "ticket_rules.1.queue": "unknown queue 'nowhere'",
        "hold.announce_every": "expected a number, got text 'soon'",
    }
    for path, words in expected.items():
        assert path in found, f"no problem at {path}: {sorted(found)}"
        assert words in found[path].message, (path, found[path].message)
        assert found[path].severity is Severity.ERROR
    # a line whose own flow is unknown is not also told its language is wrong
    assert "lines.main.language" not in found


def test_a_language_the_flow_does_not_speak() -> None:
    data = _small()
    data["lines"]["main"]["language"] = "yue"
    problem = _at(_problems(data))["lines.main.language"]
    assert "flow 'main' does not speak 'yue'" in problem.message


def test_nested_definitions_problems_are_at_their_path_in_the_hotline() -> None:
    data = _small()
    data["flows"]["main"]["nodes"]["agent"]["queue"] = "orders"  # not a queue of the ACD
    data["flows"]["broken"] = {"name": "b", "start": "x", "nodes": {"y": {"kind": "hangup"}}}
    data["routing"]["agents"][1]["queues"] = [{"queue": "enquriy"}]
    data["workflows"] = {"lost": {"name": "lost", "states": ["a"], "initial": "b"}}
    data["calendars"] = {"day": {"timezone": "Mars/Base", "weekly": {}}}
    found = _at(_problems(data))
    assert "the ACD has no queue 'orders'" in found["flows.main.nodes.agent.queue"].message
    assert "unknown node 'x'" in found["flows.broken.start"].message
    assert "did you mean 'enquiry'" in found["routing.agents.1.queues.0.queue"].message
    assert any(path.startswith("workflows.lost.") for path in found)
    assert any(path.startswith("calendars.day") for path in found)


def test_the_routing_queues_are_checked_even_when_the_routing_does_not_load() -> None:
    data = _small()
    data["routing"]["agents"][0]["queues"] = [{"queue": "enquriy"}]
    data["lines"]["main"] = {"number": "1", "queue": "enqiury"}
    data["callers"] = [{"number": "13900000001", "agent": "zhoa"}]
    found = _at(_problems(data))
    assert "routing.agents.0.queues.0.queue" in found
    assert "did you mean 'enquiry'" in found["lines.main.queue"].message
    assert "unknown agent 'zhoa'" in found["callers.0.agent"].message


def test_the_id_or_agent_inside_a_keyed_table_is_refused() -> None:
    data = _small()
    data["lines"]["main"]["id"] = "other"
    data["lines"]["main"]["flow"] = "mian"
    data["endpoints"]["wang"]["agent"] = "li"
    found = _at(_problems(data))
    assert "did you mean 'main'" in found["lines.main.flow"].message  # still checked
    assert "the id is the table's key" in found["lines.main.id"].message
    assert "the agent is the table's key" in found["endpoints.wang.agent"].message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("lines", ["main"]),
        ("flows", "main.toml"),
        ("callers", {"number": "1"}),
        ("ticket_rules", "callback"),
        ("endpoints", 3),
        ("hold", []),
        ("routing", 7),
    ],
)
def test_a_part_of_the_wrong_shape(key: str, value: object) -> None:
    data = _small()
    data[key] = value
    assert key in _at(_problems(data))


def test_closed_lines_that_go_round_in_a_cycle() -> None:
    data = _small()
    data["calendars"] = {
        "day": {"timezone": "Asia/Shanghai", "weekly": {"mon-fri": ["08:00-18:00"]}}
    }
    data["lines"] = {
        "a": {"number": "1", "flow": "main", "calendar": "day", "closed_line": "b"},
        "b": {"number": "2", "flow": "main", "calendar": "day", "closed_line": "a"},
        "c": {"number": "3", "flow": "main", "calendar": "day", "closed_line": "a"},
    }
    problems = _problems(data)
    cycles = [p for p in problems if "cycle" in p.message]
    assert len(cycles) == 1
    assert cycles[0].path == "lines.a.closed_line"
    assert "a cycle of 2 (a -> b -> a)" in cycles[0].message


def test_a_long_cycle_of_closed_lines_is_reported_once_at_its_first_line() -> None:
    count = 3000
    lines = tuple(
        Line(id=f"l{i}", number=str(i), queue="q", calendar="c", closed_line=f"l{(i + 1) % count}")
        for i in range(count)
    )
    # l0 is reached from the lines before it in the cycle's walk, never listed first
    lines = lines[1:] + lines[:1]
    routing = RoutingDefinition(queues=(QueueDefinition(id="q"),))
    calendars = {"c": BusinessCalendar.always_open()}
    hotline = HotlineDefinition(name="x", lines=lines, routing=routing, calendars=calendars)
    cycles = [p for p in check_hotline(hotline) if "cycle" in p.message]
    assert [p.path for p in cycles] == ["lines.l1.closed_line"]
    assert "a cycle of 3000 (l1 -> l2 -> " in cycles[0].message
    assert "(2994 more) -> l1)" in cycles[0].message


def test_a_chain_of_closed_lines_that_ends_is_fine() -> None:
    data = _small()
    data["calendars"] = {
        "day": {"timezone": "Asia/Shanghai", "weekly": {"mon-fri": ["08:00-18:00"]}}
    }
    data["lines"] = {
        "branch": {"number": "1", "flow": "main", "calendar": "day", "closed_line": "central"},
        "central": {"number": "2", "flow": "main"},
    }
    assert check_hotline(hotline_from_dict(data)) == []


# --------------------------------------------------------------------------- warnings


def _warnings(data: dict[str, Any]) -> dict[str, Problem]:
    hotline = hotline_from_dict(data)
    problems = check_hotline(hotline)
    assert all(p.severity is Severity.WARNING for p in problems), problems
    return _at(problems)


def test_warnings_for_what_works_but_is_likely_wrong() -> None:
    data = _small()
    del data["endpoints"]["li"]
    data["flows"]["spare"] = copy.deepcopy(data["flows"]["main"])
    data["calendars"] = {"day": {"timezone": "UTC", "weekly": {"mon-sun": ["08:00-18:00"]}}}
    data["lines"]["main"]["queue"] = "enquiry"
    data["callers"] = [
        {"number": "13900000001", "status": "blocked", "agent": "wang"},
        {"number": "13900000002", "sticky_for": 30},
    ]
    data["ticket_rules"] = [
        {"workflow": "complaint", "ivr_result": "voicemail", "agent_outcome": "complaint"},
        {"workflow": "callback", "ivr_result": "voicemail"},
    ]
    found = _warnings(data)
    assert "li" in found["endpoints"].message
    assert "no line uses this flow" in found["flows.spare"].message
    assert "no line and no flow uses this calendar" in found["calendars.day"].message
    assert "never used" in found["lines.main.queue"].message
    assert "blocked caller" in found["callers.0"].message
    assert "without an agent" in found["callers.1.sticky_for"].message
    assert "never applies" in found["ticket_rules.0.agent_outcome"].message
    assert "needs reason" in found["ticket_rules.1.fields"].message


def test_a_dedicated_agent_in_no_queue() -> None:
    data = _small()
    data["routing"]["agents"].append({"id": "zhao"})
    data["endpoints"]["zhao"] = {"extension": "8003"}
    data["callers"] = [{"number": "13900000001", "agent": "zhao"}]
    assert "member of no queue" in _warnings(data)["callers.0.agent"].message


def test_two_agents_ringing_at_one_place() -> None:
    data = _small()
    data["endpoints"]["li"] = {"extension": "8001"}
    assert "also where 'wang' rings" in _warnings(data)["endpoints.li.extension"].message


def test_a_mobile_that_differs_from_the_routing_definitions() -> None:
    data = _small()
    data["routing"]["agents"][0]["mobile_number"] = "+86 139 0000 0001"
    data["endpoints"]["wang"] = {"mobile": "13900000009"}
    assert "which one rings" in _warnings(data)["endpoints.wang.mobile"].message
    data["endpoints"]["wang"] = {"mobile": "139-0000-0001"}  # the same number, written apart
    assert _warnings(data) == {}


# --------------------------------------------------------------------------- relative files


def _files(folder: Path) -> None:
    (folder / "ivr").mkdir()
    (folder / "routing").mkdir()
    (folder / "hotline").mkdir()
    small = _small()
    (folder / "ivr" / "main.toml").write_text(
        'name = "main"\nstart = "agent"\n[nodes.agent]\nkind = "enqueue"\nqueue = "enquiry"\n',
        encoding="utf-8",
    )
    (folder / "routing" / "acd.json").write_text(json.dumps(small["routing"]), encoding="utf-8")
    (folder / "hotline" / "calendar.toml").write_text(
        'timezone = "Asia/Shanghai"\n[weekly]\nmon-fri = ["08:00-18:00"]\n', encoding="utf-8"
    )
    (folder / "hotline" / "lost.toml").write_text(
        'name = "lost"\nstates = ["open", "done"]\ninitial = "open"\nfinal = ["done"]\n'
        '[[transitions]]\ntrigger = "finish"\nsource = "open"\ntarget = "done"\n',
        encoding="utf-8",
    )
    (folder / "hotline" / "hotline.toml").write_text(
        'name = "files"\nrouting = "../routing/acd.json"\n'
        '[flows]\nmain = "../ivr/main.toml"\n'
        '[workflows]\nlost = "lost.toml"\n'
        '[calendars]\nday = "calendar.toml"\n'
        '[lines.main]\nnumber = "1"\nflow = "main"\ncalendar = "day"\nclosed_line = "night"\n'
        '[lines.night]\nnumber = "2"\nqueue = "enquiry"\n'
        '[endpoints.wang]\nextension = "8001"\n[endpoints.li]\nextension = "8002"\n'
        '[[ticket_rules]]\nworkflow = "lost"\nagent_outcome = "lost"\n',
        encoding="utf-8",
    )


def test_nested_definitions_by_relative_file(tmp_path: Path) -> None:
    _files(tmp_path)
    hotline = load_hotline(tmp_path / "hotline" / "hotline.toml")
    assert hotline.flows["main"].start == "agent"
    assert [q.id for q in hotline.routing.queues] == ["enquiry"]
    assert hotline.workflows["lost"].name == "lost"
    assert "complaint" in hotline.workflows  # the built-in ones stay
    assert hotline.calendars["day"].undefined_weekdays()
    assert check_hotline(hotline) == []


def test_relative_files_without_a_base_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _files(tmp_path)
    data = read_document(tmp_path / "hotline" / "hotline.toml")
    monkeypatch.chdir(tmp_path / "hotline")
    assert hotline_from_dict(data).flows["main"].start == "agent"


def test_a_nested_files_problems_name_the_file(tmp_path: Path) -> None:
    _files(tmp_path)
    (tmp_path / "ivr" / "main.toml").write_text(
        'name = "main"\nstart = "agnet"\n[nodes.agent]\nkind = "enqueue"\nqueue = "enquiry"\n',
        encoding="utf-8",
    )
    data = read_document(tmp_path / "hotline" / "hotline.toml")
    data["workflows"] = {"lost": "missing.toml"}
    found = _at(_problems(data, base=tmp_path / "hotline"))
    assert found["flows.main.start"].message.endswith("(in ../ivr/main.toml)")
    assert "did you mean 'agent'" in found["flows.main.start"].message
    assert "cannot read" in found["workflows.lost"].message


def test_a_workflow_listed_under_another_name(tmp_path: Path) -> None:
    _files(tmp_path)
    data = read_document(tmp_path / "hotline" / "hotline.toml")
    data["workflows"] = {"other": "lost.toml"}
    data["ticket_rules"] = []
    found = _at(_problems(data, base=tmp_path / "hotline"))
    assert "named 'lost' but listed as 'other'" in found["workflows.other.name"].message


# --------------------------------------------------------------------------- the classes


def test_an_endpoint_needs_somewhere_to_ring() -> None:
    with pytest.raises(DefinitionError) as caught:
        Endpoint(agent="wang")
    assert [p.path for p in caught.value.problems] == [""]
    assert Endpoint(agent="wang", sip_uri="sips:8001@pbx").sip_uri == "sips:8001@pbx"


def test_a_line_needs_a_flow_or_a_queue_and_a_calendar_for_closed_line() -> None:
    data = _small()
    data["lines"] = {"a": {"number": "1", "closed_line": "a"}}
    data["ticket_rules"] = [{"workflow": "callback", "fields": {"reason": "x"}}]
    found = _at(_problems(data))
    assert "give the flow that answers the line" in found["lines.a.flow"].message
    assert "give the calendar" in found["lines.a.calendar"].message
    assert "cannot hand its calls to itself" in found["lines.a.closed_line"].message
    assert "give ivr_result" in found["ticket_rules.0"].message


def test_a_line_without_flow_or_queue_goes_to_the_default_queue() -> None:
    data = _small()
    data["lines"]["main"] = {"number": "1"}
    data["routing"]["rules"] = {"default_queue": "enquiry"}
    del data["flows"]
    hotline = hotline_from_dict(data)
    assert hotline.lines[0].queue is None
    assert check_hotline(hotline) == []


def test_a_line_of_the_wrong_types_is_not_also_told_it_lacks_a_flow() -> None:
    data = _small()
    data["lines"]["main"] = {"number": "1", "flow": 5}
    found = [p for p in _problems(data) if p.path.startswith("lines.")]
    assert [p.path for p in found] == ["lines.main.flow"]
    assert "expected text" in found[0].message


def test_a_ticket_rule_takes_only_ivr_results() -> None:
    for result in SessionResult:
        assert TicketRule(workflow="callback", ivr_result=result.value).ivr_result in IVR_RESULTS
    with pytest.raises(DefinitionError):
        TicketRule(workflow="callback", ivr_result="hung-up")


def test_a_definition_refuses_parts_of_the_wrong_type() -> None:
    with pytest.raises(DefinitionError) as caught:
        HotlineDefinition(
            name="x",
            lines=[Line(id="a", number="1", queue="q")],  # type: ignore[arg-type]
            endpoints={"a": "8001"},  # type: ignore[dict-item]
        )
    assert {p.path for p in caught.value.problems} == {"lines", "endpoints.a"}


BAD_SECONDS = st.one_of(
    st.floats(max_value=-1e-9, allow_infinity=False),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e16]),
)


@given(BAD_SECONDS)
def test_bad_seconds_are_refused_everywhere(value: float) -> None:
    with pytest.raises(DefinitionError, match="sticky_for"):
        KnownCaller(number="13900000001", agent="wang", sticky_for=value)
    with pytest.raises(DefinitionError, match="announce_every"):
        HoldTreatment(announce_every=value)
    with pytest.raises(DefinitionError, match="answer_time"):
        HotlineDefinition(name="x", answer_time=value)


@given(st.floats(min_value=0, max_value=1e15))
def test_good_seconds_are_taken(value: float) -> None:
    assert KnownCaller(number="13900000001", sticky_for=value).sticky_for == value
    if value == 0 or value >= 1:  # (announcements: none, or at least a second apart)
        assert HoldTreatment(announce_every=value).announce_every == value


def test_check_hotline_of_a_definition_built_in_code() -> None:
    routing = RoutingDefinition(
        queues=(QueueDefinition(id="q"),),
        agents=(AgentDefinition(id="a1", queues=(Membership(queue="q"),)),),
    )
    hotline = HotlineDefinition(
        name="code",
        routing=routing,
        lines=(
            Line(id="x", number="1", queue="q"),
            Line(id="x", number="2", queue="r"),
            Line(id="y", number="z", queue="q"),
            Line(id="z", number="3", queue="q"),
        ),
        endpoints={"a2": Endpoint(agent="a1", extension="1")},
        callers=(KnownCaller(number="13900000001", agent="a9"),),
    )
    found = {(p.path, p.severity) for p in check_hotline(hotline)}
    error = Severity.ERROR
    assert ("lines.x.id", error) in found  # duplicate id
    assert ("lines.x.queue", error) in found  # unknown queue 'r'
    assert ("lines.z.id", error) in found  # the id of one line is another's number
    assert ("endpoints.a2.agent", error) in found
    assert ("callers.0.agent", error) in found


def test_check_hotline_reports_the_routing_definitions_own_errors() -> None:
    routing = RoutingDefinition(queues=(QueueDefinition(id="q"), QueueDefinition(id="q")))
    hotline = HotlineDefinition(
        name="code", routing=routing, lines=(Line(id="a", number="1", queue="q"),)
    )
    assert "routing.queues.1.id" in _at(check_hotline(hotline))


# --------------------------------------------------------------------------- hostile documents

DOCUMENT = read_document(TIANJIN)
TIME_LIMIT = 20.0


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Any, str]:
    doc = copy.deepcopy(DOCUMENT)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(ACTIONS))
        doc = _mutate(doc, path, action, copy.deepcopy(draw(st.sampled_from(NASTY))))
        if isinstance(doc, dict) and type(doc) is not dict:
            break  # a table with a key given twice: only its JSON text can say so
    return doc, draw(st.sampled_from(["json", "yaml"]))


@settings(
    max_examples=campaign_examples(100, 3000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutated())
def test_hostile_hotline_documents_load_or_are_refused_by_the_library(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Any, str]
) -> None:
    doc, form = case
    folder = tmp_path_factory.mktemp("hotline")
    path = _write(doc, form, folder)
    started = time.perf_counter()
    try:
        data = read_document(path)
        hotline = hotline_from_dict(data, base=TIANJIN.parent)
    except CallCenterError:
        pass
    else:
        assert not [p for p in check_hotline(hotline) if p.severity is Severity.ERROR]
        assert attrs.evolve(hotline) == hotline
    assert time.perf_counter() - started < TIME_LIMIT


# --------------------------------------------------------------------------- writing


def _round_trip(hotline: HotlineDefinition) -> HotlineDefinition:
    return hotline_from_dict(json.loads(json.dumps(hotline_to_dict(hotline))))


def test_the_tianjin_hotline_written_and_read_back_is_the_same() -> None:
    hotline = load_hotline(TIANJIN)
    again = _round_trip(hotline)
    for name in ("name", "timezone", "answer_time", "lines", "routing", "ticket_rules"):
        assert getattr(again, name) == getattr(hotline, name), name
    for name in ("callers", "endpoints", "hold", "calendars"):
        assert getattr(again, name) == getattr(hotline, name), name
    assert again.workflows == hotline.workflows  # the built-in ones, the same objects
    assert {k: flow_to_dict(f) for k, f in again.flows.items()} == {
        k: flow_to_dict(f) for k, f in hotline.flows.items()
    }
    assert hotline_to_dict(again) == hotline_to_dict(hotline)


def test_nested_files_are_written_inline(tmp_path: Path) -> None:
    _files(tmp_path)
    hotline = load_hotline(tmp_path / "hotline" / "hotline.toml")
    document = hotline_to_dict(hotline)
    assert isinstance(document["routing"], dict)
    assert document["flows"]["main"]["start"] == "agent"
    assert set(document["workflows"]) == {"lost"}  # the built-in ones are left out
    assert document["calendars"]["day"]["timezone"] == "Asia/Shanghai"
    again = _round_trip(hotline)
    assert again.calendars == hotline.calendars
    assert workflow_to_dict(again.workflows["lost"]) == workflow_to_dict(hotline.workflows["lost"])
    assert hotline_to_dict(again) == document


@settings(max_examples=30, deadline=None)
@given(routing_definitions())
def test_any_routing_definition_is_written_and_read_back(routing: RoutingDefinition) -> None:
    hotline = HotlineDefinition(name="any", routing=routing)
    assert _round_trip(hotline).routing == routing


def test_a_flows_hours_node_may_use_a_calendar_of_the_hotline() -> None:
    data = _small()
    data["calendars"] = {"day": {"timezone": "UTC", "weekly": {"mon-sun": ["08:00-18:00"]}}}
    data["flows"]["main"]["start"] = "hours"
    data["flows"]["main"]["nodes"]["hours"] = {
        "kind": "hours",
        "calendar": "day",
        "open": "agent",
        "closed": "bye",
    }
    data["flows"]["main"]["nodes"]["bye"] = {"kind": "hangup"}
    hotline = hotline_from_dict(data)
    assert hotline.flows["main"].calendars["day"] is hotline.calendars["day"]
    assert check_hotline(hotline) == []  # the calendar is used: no warning
    del data["calendars"]
    assert "flows.main.nodes.hours.calendar" in _at(_problems(data))


@pytest.mark.parametrize("name", ["\x00.toml", "\ud800.toml", "a\x00b.json"])
def test_a_file_name_no_file_can_have_is_a_library_error(name: str) -> None:
    with pytest.raises(DocumentError, match="not a name a file can have"):
        read_document(name)
    data = _small()
    data["flows"]["main"] = name
    assert "not a name a file can have" in _at(_problems(data))["flows.main"].message
    scenario = read_document(EX / "scenarios" / "tianjin.toml")
    scenario["hotline"] = name
    with pytest.raises(DefinitionError, match="not a name a file can have"):
        scenario_from_dict(scenario, base=EX / "scenarios")


def test_json_and_yaml_hotlines_load_and_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    data = _small()
    (tmp_path / "h.json").write_text(json.dumps(data), encoding="utf-8")
    yaml: Any = importlib.import_module("yaml")  # the 'yaml' extra, a dev dependency
    (tmp_path / "h.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_hotline(tmp_path / "h.json").lines == load_hotline(tmp_path / "h.yaml").lines
    text = json.dumps(data).replace('"name": "small"', '"name": "small", "name": "big"', 1)
    (tmp_path / "twice.json").write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match="a key is given twice"):
        load_hotline(tmp_path / "twice.json")
