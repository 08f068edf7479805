"""Flows from documents and from the builder: the same flows, and every problem at once."""

from __future__ import annotations

import copy
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.calendars import BusinessCalendar
from callcenter.errors import DefinitionError, DocumentError
from callcenter.ivr import (
    REPEAT,
    CollectNode,
    Condition,
    Flow,
    FlowBuilder,
    MenuNode,
    Variant,
    flow_from_dict,
    flow_to_dict,
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


def messages(exc: DefinitionError) -> dict[str, str]:
    return {p.path: p.message for p in exc.problems}


@pytest.mark.parametrize("name", ["tianjin-400", "guangzhou-3lang", "branch-office"])
def test_examples_round_trip_through_documents(name: str, tmp_path: Path) -> None:
    flow = load_flow(EXAMPLES / f"{name}.toml")
    document = flow_to_dict(flow)
    again = flow_from_dict(json.loads(json.dumps(document)))
    assert flow_to_dict(again) == document
    assert again.nodes == flow.nodes
    assert again.prompts == flow.prompts
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert load_flow(path).nodes == flow.nodes


def test_builder_and_document_mean_the_same_flow(tianjin: Flow) -> None:
    builder = FlowBuilder(
        "tianjin-400",
        start="hours",
        queues=["tracking", "orders", "complaints", "general"],
        attributes={"line": "tianjin-400"},
        max_steps=60,
    ).defaults(on_no_input="agent", on_no_match="agent", on_error="agent")
    builder.calendar("tianjin", tianjin.calendars["tianjin"])
    for prompt_id, variants in tianjin.prompts.items():
        builder.prompt(prompt_id, **variants)
    builder.hours("hours", calendar="tianjin", open="main", closed="voicemail")
    builder.menu(
        "main",
        prompt="welcome",
        short_prompt="main_short",
        options={"1": "track", "2": "orders", "3": "complaints", "0": REPEAT},
        no_input_prompt="sorry_no_input",
        no_match_prompt="sorry_no_match",
    )
    builder.collect(
        "track",
        prompt="enter_waybill",
        short_prompt="enter_waybill_short",
        store="waybill",
        min_digits=12,
        max_digits=12,
        pattern="[1-9][0-9]{11}",
        keys={"0": "agent_tracking"},
        next="lookup",
        no_input_prompt="sorry_no_input",
        no_match_prompt="sorry_no_match",
        on_no_input="agent_tracking",
        on_no_match="agent_tracking",
    )
    builder.lookup(
        "lookup",
        query="waybill_status",
        arguments={"waybill": "{waybill}"},
        into="waybill.",
        timeout=4.0,
        next="status",
        not_found="unknown",
        on_failure="agent_tracking",
    )
    builder.say("status", prompt="waybill_status", next="after")
    builder.say("unknown", prompt="waybill_unknown", next="track")
    builder.menu(
        "after",
        prompt="after_status",
        options={"1": "main", "0": "agent_tracking", "9": "goodbye"},
        no_input_limit=2,
        on_no_input="goodbye",
    )
    builder.enqueue("orders", queue="orders", skills=["order-taking"])
    builder.enqueue("complaints", queue="complaints", priority=1, skills=["complaints"])
    builder.enqueue("agent_tracking", queue="tracking", skills=["tracking"])
    builder.enqueue("agent", queue="general")
    builder.record(
        "voicemail", prompt="closed", mailbox="voicemail-tianjin", max_seconds=90, next="goodbye"
    )
    builder.say("goodbye", prompt="thanks", next="end")
    builder.hangup("end")
    built = builder.build()
    assert flow_to_dict(built) == flow_to_dict(tianjin)


def test_every_problem_is_reported_at_once_with_paths() -> None:
    document = {
        "name": "broken",
        "start": "mian",
        "languages": ["zh"],
        "prompts": {"hello": {"zh": "您好"}},
        "nodes": {
            "main": {
                "kind": "menu",
                "prompt": "helo",
                "options": {"1": "trak", "x": "main"},
                "on_no_input": "main",
                "on_no_match": "main",
            },
            "track": {"kind": "colect", "prompt": "hello"},
            "bye": {"kind": "hangup", "nxt": "main"},
            "ask": {"kind": "collect", "prompt": "hello", "store": "v"},
        },
    }
    with pytest.raises(DefinitionError) as info:
        flow_from_dict(document)
    found = messages(info.value)
    assert "did you mean 'collect'" in found["nodes.track.kind"]
    assert "unknown key 'nxt'" in found["nodes.bye.nxt"]
    assert found["nodes.ask.next"] == "required field missing"
    # References are checked in the same pass, on the raw document.
    assert "did you mean 'main'" in found["start"]
    assert "did you mean 'hello'" in found["nodes.main.prompt"]
    assert "did you mean 'track'" in found["nodes.main.options.1"]
    # Fix the structure and the flow's own checks report the rest.
    nodes: Any = document["nodes"]
    nodes["track"] = {"kind": "hangup"}
    del nodes["bye"]["nxt"]
    nodes["ask"]["next"] = "bye"
    with pytest.raises(DefinitionError) as info:
        flow_from_dict(document)
    found = messages(info.value)
    assert "did you mean 'main'" in found["start"]
    assert "did you mean 'hello'" in found["nodes.main.prompt"]
    assert "did you mean 'track'" in found["nodes.main.options.1"]
    assert "telephone keys" in found["nodes.main.options.x"]
    assert "no route for no-input" in found["nodes.ask.on_no_input"]
    assert len(info.value.problems) == 6


def test_missing_routes_languages_calendars_and_queues_are_load_errors() -> None:
    document = {
        "name": "f",
        "start": "m",
        "languages": ["zh", "en"],
        "fallback": {"yue": "zh"},
        "queues": ["general"],
        "prompts": {"p": {"zh": "x", "fr": "y"}},
        "nodes": {
            "m": {"kind": "menu", "prompt": "p", "options": {"1": "q"}},
            "h": {"kind": "hours", "calendar": "hq", "open": "q", "closed": "q"},
            "q": {"kind": "enqueue", "queue": "generl"},
            "l": {"kind": "lookup", "query": "x", "next": "q", "not_found": "q"},
        },
    }
    with pytest.raises(DefinitionError) as info:
        flow_from_dict(document)
    found = messages(info.value)
    assert "no route for no-input" in found["nodes.m.on_no_input"]
    assert "no route for no-match" in found["nodes.m.on_no_match"]
    assert "'yue' is not declared" in found["fallback.yue"]
    assert "'fr' is not declared" in found["prompts.p.fr"]
    assert "unknown calendar 'hq'" in found["nodes.h.calendar"]
    assert "did you mean 'general'" in found["nodes.q.queue"]
    assert "failed lookup" in found["nodes.l.on_failure"]


def test_calendars_embedded_or_given_to_the_loader() -> None:
    document = {
        "name": "f",
        "start": "h",
        "nodes": {
            "h": {"kind": "hours", "calendar": "hq", "open": "a", "closed": "b"},
            "a": {"kind": "hangup"},
            "b": {"kind": "hangup"},
        },
    }
    given = BusinessCalendar.always_open("Asia/Shanghai")
    flow = flow_from_dict(document, calendars={"hq": given})
    assert flow.calendars["hq"] is given
    embedded = {**document, "calendars": {"hq": {"timezone": "UTC", "weekly": {"mon": []}}}}
    flow = flow_from_dict(embedded, calendars={"hq": given})
    assert flow.calendars["hq"] is not given
    bad = {**document, "calendars": {"hq": {"timezone": "Mars/Base", "weekly": {}}}}
    with pytest.raises(DefinitionError) as info:
        flow_from_dict(bad)
    assert any(p.path.startswith("calendars.hq") for p in info.value.problems)


def test_prompt_variants_text_audio_and_durations() -> None:
    flow = flow_from_dict(
        {
            "name": "f",
            "start": "s",
            "languages": ["zh", "en"],
            "fallback": {"en": "zh"},
            "prompts": {
                "p": {"zh": "您好", "en": {"audio": "hello.wav", "seconds": 2.5}},
                "q": {"zh": {"text": "请稍候"}},
            },
            "nodes": {"s": {"kind": "say", "prompt": "p", "next": "t"}, "t": {"kind": "hangup"}},
        }
    )
    assert flow.variant("p", "en") == ("en", Variant(audio="hello.wav", seconds=2.5))
    assert flow.variant("q", "en")[0] == "zh"
    # Chinese is read at about four characters a second.
    assert flow.variant("q", "zh")[1].duration == pytest.approx(0.5 + 3 / 4)
    with pytest.raises(ValueError, match="needs a text"):
        Variant()
    with pytest.raises(DefinitionError) as info:
        flow_from_dict(
            {
                "name": "f",
                "start": "t",
                "prompts": {"p": {"zh": {"seconds": -1, "txt": "x"}}},
                "nodes": {"t": {"kind": "hangup"}},
            }
        )
    assert any("txt" in p.path for p in info.value.problems)


def test_unreadable_documents_are_document_errors(tmp_path: Path) -> None:
    broken = tmp_path / "flow.toml"
    broken.write_text("name = [", encoding="utf-8")
    with pytest.raises(DocumentError):
        load_flow(broken)
    with pytest.raises(DocumentError):
        load_flow(tmp_path / "missing.toml")


def test_builder_reports_duplicates_with_reference_problems() -> None:
    builder = (
        FlowBuilder("dup", start="a")
        .prompt("p", zh="x")
        .prompt("p", zh="y")
        .say("a", prompt="p", next="b")
        .say("a", prompt="p", next="zz")
    )
    with pytest.raises(DefinitionError) as info:
        builder.build()
    paths = {p.path for p in info.value.problems}
    assert {"prompts.p", "nodes.a", "nodes.a.next"} <= paths


def test_conditions_need_exactly_one_test() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Condition(attribute="x")
    with pytest.raises(ValueError, match="exactly one"):
        Condition(attribute="x", equals="1", prefix="1")
    assert Condition(attribute="caller", prefix="022").test({"caller": "02212345678"})
    assert not Condition(attribute="caller", present=True).test({})
    assert Condition(attribute="tier", one_of=("gold", "vip")).test({"tier": "vip"})
    assert Condition(attribute="w", matches=r"\d{12}").test({"w": "123456789012"})


def test_node_classes_are_frozen_values() -> None:
    menu = MenuNode(id="m", prompt="p", options={"1": "a"})
    assert menu == MenuNode(id="m", prompt="p", options={"1": "a"})
    collect = CollectNode(id="c", prompt="p", store="v", next="n")
    assert collect.terminator == "#"
    assert collect.max_digits == 20


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


TIANJIN_DOCUMENT = flow_to_dict(load_flow(EXAMPLES / "tianjin-400.toml"))
GUANGZHOU_DOCUMENT = flow_to_dict(load_flow(EXAMPLES / "guangzhou-3lang.toml"))
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=30),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=3),
)


@settings(max_examples=300)
@given(
    document=st.sampled_from([TIANJIN_DOCUMENT, GUANGZHOU_DOCUMENT]),
    data=st.data(),
    action=st.sampled_from(["replace", "delete", "add"]),
    value=ANY_VALUE,
)
def test_a_damaged_document_is_a_definition_error_never_a_crash(
    document: dict[str, Any], data: st.DataObject, action: str, value: object
) -> None:
    damaged = copy.deepcopy(document)
    path = data.draw(st.sampled_from(_paths(damaged)[1:]))
    parent: Any = damaged
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent["extra_" + str(last)] = value
    problems: tuple[object, ...] | None = None
    try:
        flow_from_dict(damaged)
    except DefinitionError as error:
        problems = error.problems
    # Either a flow, or at least one problem with its path: never another exception.
    assert problems is None or len(problems) > 0


def test_the_json_example_is_the_toml_example() -> None:
    from_toml = load_flow(EXAMPLES / "branch-office.toml")
    from_json = load_flow(EXAMPLES / "branch-office.json")
    assert flow_to_dict(from_json) == flow_to_dict(from_toml)


def test_yaml_documents_mean_the_same_flow(tmp_path: Path) -> None:
    yaml: Any = importlib.import_module("yaml")  # a dev dependency; optional for users

    flow = load_flow(EXAMPLES / "guangzhou-3lang.toml")
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(flow_to_dict(flow), allow_unicode=True), encoding="utf-8")
    assert flow_to_dict(load_flow(path)) == flow_to_dict(flow)
    broken = tmp_path / "broken.yml"
    broken.write_text("name: [", encoding="utf-8")
    with pytest.raises(DocumentError):
        load_flow(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="expected a table at the top"):
        load_flow(listed)
