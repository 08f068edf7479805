"""A broken hotline document is told every problem, once, at its path, and nothing else.

A value of the wrong type must not hide what is wrong with the other values of the
same table, and a part that did not load must not bring problems of its own making
(an agent ``''``, a workflow ``''``, fields it lacks because they did not load).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.errors import DefinitionError, InvalidArgumentError, Problem, Severity
from callcenter.hotline import (
    CallArrived,
    HoldCaller,
    HoldTreatment,
    Hotline,
    HotlineDefinition,
    KnownCaller,
    Line,
    TicketRule,
    check_hotline,
    hotline_from_dict,
    load_hotline,
)
from callcenter.routing import QueueDefinition, RoutingDefinition


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
        "callers": [{"number": "13900000001", "agent": "wang"}],
        "ticket_rules": [
            {"workflow": "callback", "ivr_result": "voicemail", "fields": {"reason": "voicemail"}}
        ],
        "hold": {"music": "hold"},
    }


def _problems(data: dict[str, Any]) -> list[Problem]:
    with pytest.raises(DefinitionError) as caught:
        hotline_from_dict(data)
    return [p for p in caught.value.problems if p.severity is Severity.ERROR]


def _setter(*path: str | int, value: object) -> Callable[[dict[str, Any]], None]:
    def set_it(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return set_it


# Independent mistakes, each with the one path it must be reported at. Several of them
# fall in the same table: a value of the wrong type next to a value out of range.
MISTAKES: dict[str, Callable[[dict[str, Any]], None]] = {
    "callers.0.number": _setter("callers", 0, "number", value="not a number"),
    "callers.0.tier": _setter("callers", 0, "tier", value=3),
    "callers.0.sticky_for": _setter("callers", 0, "sticky_for", value=-1),
    "callers.0.name": _setter("callers", 0, "name", value=["x"]),
    "callers.0.status": _setter("callers", 0, "status", value="gold"),
    "endpoints.wang.extension": _setter("endpoints", "wang", "extension", value=8001),
    "endpoints.wang.sip_uri": _setter("endpoints", "wang", "sip_uri", value="http://pbx"),
    "endpoints.wang.mobile": _setter("endpoints", "wang", "mobile", value="call me"),
    "hold.music": _setter("hold", "music", value=""),
    "hold.announce_every": _setter("hold", "announce_every", value=-5),
    "hold.announce_position": _setter("hold", "announce_position", value="yes"),
    "ticket_rules.0.queue": _setter("ticket_rules", 0, "queue", value=7),
    "ticket_rules.0.ivr_result": _setter("ticket_rules", 0, "ivr_result", value="voicemial"),
    "lines.main.language": _setter("lines", "main", "language", value=5),
    "lines.main.calendar": _setter("lines", "main", "calendar", value="   "),
    "answer_time": _setter("answer_time", value=-1),
}


@given(st.sets(st.sampled_from(sorted(MISTAKES)), min_size=1))
def test_every_mistake_is_reported_at_its_path_whatever_else_is_wrong(chosen: set[str]) -> None:
    data = copy.deepcopy(_small())
    for path in chosen:
        MISTAKES[path](data)
    found = _problems(data)
    assert {p.path for p in found} == chosen, [str(p) for p in found]
    assert len(found) == len(chosen), [str(p) for p in found]


def test_a_wrong_type_does_not_hide_a_value_out_of_range_in_the_same_table() -> None:
    data = _small()
    data["callers"] = [{"number": "abc", "tier": 3, "sticky_for": -1}]
    data["hold"] = {"music": "", "announce_position": "yes"}
    data["endpoints"]["wang"] = {"extension": 5, "sip_uri": "8001@pbx", "mobile": "abc"}
    found = {p.path: p.message for p in _problems(data)}
    assert "expected a phone number" in found["callers.0.number"]
    assert "expected text, got int 3" in found["callers.0.tier"]
    assert "expected a number >= 0" in found["callers.0.sticky_for"]
    assert "non-empty" in found["hold.music"]
    assert "expected true or false" in found["hold.announce_position"]
    assert "expected text" in found["endpoints.wang.extension"]
    assert "expected a SIP address" in found["endpoints.wang.sip_uri"]
    assert "expected a phone number" in found["endpoints.wang.mobile"]


def test_the_problems_of_one_table_come_in_the_order_of_its_keys() -> None:
    data = _small()
    data["callers"] = [{"name": 7, "sticky_for": -1, "tier": 3, "number": "abc"}]
    paths = [p.path for p in _problems(data)]
    assert paths == [
        "callers.0.number",
        "callers.0.tier",
        "callers.0.sticky_for",
        "callers.0.name",
    ]


def test_a_part_that_did_not_load_brings_no_problems_of_its_own_making() -> None:
    data = _small()
    data["endpoints"]["wang"] = 8001
    data["ticket_rules"] = [
        {"ivr_result": "voicemail"},  # the workflow is missing
        {"workflow": 5, "ivr_result": "voicemail"},
        {"workflow": "callback", "ivr_result": "voicemail", "fields": {"reason": 5}},
    ]
    found = _problems(data)
    assert [p.path for p in found] == [
        "endpoints.wang",
        "ticket_rules.0.workflow",
        "ticket_rules.1.workflow",
        "ticket_rules.2.fields",
    ], [str(p) for p in found]
    with pytest.raises(DefinitionError) as caught:
        hotline_from_dict(data)
    warnings = [p for p in caught.value.problems if p.severity is Severity.WARNING]
    # the rule's fields did not load; it is not also told it lacks the reason it gave
    assert not [p for p in warnings if p.path.startswith("ticket_rules")], warnings


def test_an_unknown_name_lists_each_known_name_once() -> None:
    data = _small()
    data["routing"]["agents"].append({"id": "wang", "queues": [{"queue": "enquiry"}]})
    data["endpoints"]["zhao"] = {"extension": "8003"}
    found = {p.path: p.message for p in _problems(data)}
    assert found["endpoints.zhao"].endswith("expected one of: wang, li")


def test_a_closed_line_on_a_hotline_of_one_line() -> None:
    data = _small()
    data["calendars"] = {"office": {"timezone": "Asia/Shanghai", "weekly": {"mon-fri": []}}}
    data["lines"]["main"].update(calendar="office", closed_line="central")
    found = {p.path: p.message for p in _problems(data)}
    message = found["lines.main.closed_line"]
    assert "unknown line 'central'" in message
    assert "no other line" in message
    assert "no lines defined" not in message


def test_a_known_caller_built_in_code_takes_only_text_for_tier_and_name() -> None:
    with pytest.raises(DefinitionError) as caught:
        KnownCaller(number="13900000001", tier=5, name=6)  # type: ignore[arg-type]
    assert [p.path for p in caught.value.problems] == ["tier", "name"]


def test_a_ticket_rule_built_in_code_takes_only_text_fields() -> None:
    with pytest.raises(DefinitionError, match="fields: expected a mapping"):
        TicketRule(workflow="callback", ivr_result="voicemail", fields=["x"])  # type: ignore[arg-type]
    with pytest.raises(DefinitionError) as caught:
        TicketRule(workflow="callback", ivr_result="voicemail", fields={"reason": 5})  # type: ignore[dict-item]
    assert [p.path for p in caught.value.problems] == ["fields.reason"]


def test_a_hold_treatment_built_in_code_takes_only_true_or_false() -> None:
    with pytest.raises(DefinitionError) as caught:
        HoldTreatment(announce_position="yes", announce_wait=1)  # type: ignore[arg-type]
    assert [p.path for p in caught.value.problems] == ["announce_position", "announce_wait"]


def test_an_unknown_caller_status_is_named_in_words() -> None:
    data = _small()
    data["callers"][0]["status"] = "VIP!"
    found = {p.path: p.message for p in _problems(data)}
    assert found["callers.0.status"].startswith("unknown caller status 'VIP!'")
    assert "expected one of: normal, vip, blocked" in found["callers.0.status"]


def test_a_flow_or_workflow_listed_under_a_name_needs_not_repeat_it() -> None:
    data = _small()
    del data["flows"]["main"]["name"]
    data["workflows"] = {
        "address_change": {
            "states": ["open", "done"],
            "initial": "open",
            "final": ["done"],
            "transitions": [{"source": "open", "target": "done", "trigger": "finish"}],
        }
    }
    data["ticket_rules"].append({"workflow": "address_change", "agent_outcome": "address"})
    definition = hotline_from_dict(data)
    assert definition.flows["main"].name == "main"
    assert definition.workflows["address_change"].name == "address_change"


@pytest.mark.parametrize("key", ["flows", "workflows", "calendars"])
def test_an_empty_file_name_is_not_read_as_the_current_directory(key: str) -> None:
    data = _small()
    data[key] = {"x": "  "}
    found = {p.path: p.message for p in _problems(data)}
    assert "expected a" in found[f"{key}.x"]
    assert "got text '  '" in found[f"{key}.x"]
    assert "cannot read" not in found[f"{key}.x"]
    data = _small()
    data["routing"] = ""
    found = {p.path: p.message for p in _problems(data)}
    assert "got text ''" in found["routing"]


def test_an_agent_with_a_mobile_number_in_the_routing_definition_has_somewhere_to_ring() -> None:
    data = _small()
    data["routing"]["agents"].append(
        {"id": "sales", "mobile_number": "+86 139 0000 0009", "queues": [{"queue": "enquiry"}]}
    )
    definition = hotline_from_dict(data)
    assert [p for p in check_hotline(definition) if p.path == "endpoints"] == []
    data["routing"]["agents"].append({"id": "zhao", "queues": [{"queue": "enquiry"}]})
    warned = [p for p in check_hotline(hotline_from_dict(data)) if p.path == "endpoints"]
    assert len(warned) == 1
    assert "(zhao)" in warned[0].message


def test_a_line_number_written_with_spaces_is_warned_about() -> None:
    data = _small()
    data["lines"]["main"]["number"] = "400-800 (5678)"
    warned = {p.path: p for p in check_hotline(hotline_from_dict(data))}
    problem = warned["lines.main.number"]
    assert problem.severity is Severity.WARNING
    assert "'4008005678'" in problem.message
    data["lines"]["main"]["number"] = "+4008005678"
    assert "lines.main.number" not in {p.path for p in check_hotline(hotline_from_dict(data))}


@given(st.floats(min_value=5e-324, max_value=1.0, exclude_max=True))
def test_hold_announcements_less_than_a_second_apart_are_refused(every: float) -> None:
    # One too small to move the clock made the hotline announce forever.
    with pytest.raises(DefinitionError, match=r"announce_every: expected 0 .* at least 1 second"):
        HoldTreatment(announce_every=every)


def test_a_caller_held_for_an_hour_hears_one_announcement_a_minute() -> None:
    hotline = Hotline(
        HotlineDefinition(
            name="held",
            lines=(Line(id="main", number="1", queue="q"),),
            routing=RoutingDefinition(queues=(QueueDefinition(id="q"),)),
            hold=HoldTreatment(
                announce_every=HoldTreatment(announce_every=1.0).announce_every * 60
            ),
        )
    )
    hotline.handle(CallArrived(call_id="c", line="main", caller="13900000001"), 1000.0)
    # The host wakes the hotline at each deadline, as it asks.
    heard = 0
    while (deadline := hotline.next_deadline()) is not None and deadline <= 1000.0 + 3600:
        heard += sum(type(o) is HoldCaller for o in hotline.advance(deadline))
    assert heard == 60


@pytest.mark.parametrize("path", [123, None, b"hotline.toml", ["hotline.toml"]])
def test_load_hotline_refuses_what_is_no_file_name_with_a_library_error(path: object) -> None:
    with pytest.raises(InvalidArgumentError, match="path: expected a file name"):
        load_hotline(path)  # type: ignore[arg-type]


def test_callers_whose_numbers_are_no_numbers_are_not_also_told_they_repeat() -> None:
    data = _small()
    data["callers"] = [{"number": "call me", "tier": 1}, {"number": "call me", "tier": 2}]
    found = [str(p) for p in _problems(data) if p.path.endswith(".number")]
    assert len(found) == 2, found
    assert all("expected a phone number" in p for p in found)


def test_an_endpoint_under_an_empty_key_is_told_so_once() -> None:
    data = _small()
    data["endpoints"][""] = {"extension": "8009"}
    found = [p for p in _problems(data) if p.path.startswith("endpoints")]
    assert [p.path for p in found] == ["endpoints..agent"], [str(p) for p in found]
    assert "non-empty" in found[0].message
