"""Flow definitions: numbers checked at load, equality, and the scripted caller's clock."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest

from callcenter.calendars import BusinessCalendar
from callcenter.errors import DefinitionError
from callcenter.ivr import (
    FlowBuilder,
    Variant,
    check_flow_file,
    flow_from_dict,
    flow_to_dict,
    load_flow,
)
from callcenter.testing import ScriptedCaller

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ivr"


def tianjin_document() -> dict[str, Any]:
    import tomllib

    with open(EXAMPLES / "tianjin-400.toml", "rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("name", ["tianjin-400", "guangzhou-3lang", "branch-office"])
def test_a_flow_read_back_from_its_document_is_equal(name: str) -> None:
    flow = load_flow(EXAMPLES / f"{name}.toml")
    again = flow_from_dict(flow_to_dict(flow))
    assert again == flow
    assert hash(again) == hash(flow)
    changed = copy.deepcopy(flow_to_dict(flow))
    changed["max_steps"] = flow.max_steps + 1
    assert flow_from_dict(changed) != flow


def test_two_calendars_from_one_document_are_equal() -> None:
    document = tianjin_document()["calendars"]["tianjin"]
    first = BusinessCalendar.from_dict(document)
    second = BusinessCalendar.from_dict(copy.deepcopy(document))
    assert first == second
    assert hash(first) == hash(second)
    assert first != BusinessCalendar.from_dict({**document, "name": "other"})


BAD_NUMBERS = [
    ("nodes.track.timeout", math.nan),
    ("nodes.track.inter_digit_timeout", math.inf),
    ("nodes.track.no_input_limit", 10**9),
    ("nodes.track.no_match_limit", 0),
    ("nodes.track.min_digits", -1),
    ("nodes.track.max_digits", 10**400),
    ("nodes.main.timeout", -5.0),
    ("nodes.lookup.timeout", 0.0),
    ("nodes.voicemail.max_seconds", math.inf),
    ("nodes.complaints.priority", 10**400),
    ("max_steps", 1e30),
]


def _put(document: dict[str, Any], path: str, value: object) -> None:
    *parents, last = path.split(".")
    for part in parents:
        document = document[part]
    document[last] = value


def test_every_bad_number_of_a_flow_is_reported_at_once_with_its_full_path(
    tmp_path: Path,
) -> None:
    document = tianjin_document()
    for path, value in BAD_NUMBERS:
        _put(document, path, value)
    document["prompts"]["thanks"] = {"zh": {"text": "再见", "seconds": -1.0}}
    with pytest.raises(DefinitionError) as caught:
        flow_from_dict(document)
    found = {p.path for p in caught.value.problems}
    assert {path for path, _ in BAD_NUMBERS} | {"prompts.thanks.zh.seconds"} <= found
    # ivr check reports the same problems, so it passes exactly the flows that load.
    import json

    (tmp_path / "bad.json").write_text(
        json.dumps(document, default=str).replace('"NaN"', "NaN"), encoding="utf-8"
    )
    report = check_flow_file(tmp_path / "bad.json")
    assert not report.ok


@pytest.mark.parametrize(("path", "value"), BAD_NUMBERS, ids=[path for path, _ in BAD_NUMBERS])
def test_each_bad_number_alone_stops_the_load(path: str, value: object) -> None:
    document = tianjin_document()
    _put(document, path, value)
    with pytest.raises(DefinitionError) as caught:
        flow_from_dict(document)
    assert path in {p.path for p in caught.value.problems}


def test_prompt_waits_are_kept_across_waits_and_the_clock_stops_at_the_end() -> None:
    flow = (
        FlowBuilder("w", start="menu", on_error="agent")
        .prompt("p", zh=Variant(text="请按键", seconds=6.0))
        .menu("menu", prompt="p", options={"1": "agent"}, timeout=5.0, no_input_limit=3)
        .enqueue("agent", queue="general")
        .build()
    )
    pieces = ScriptedCaller(flow).wait(1).wait(1).wait(5)
    whole = ScriptedCaller(flow).wait(7)
    assert pieces.prompts == whole.prompts == ["p"]
    assert pieces.now == whole.now == 7.0
    silent = ScriptedCaller(flow).wait_until_end()
    end = silent.events[-1].at
    assert silent.now == end
    assert ScriptedCaller(flow).session.session_id != ScriptedCaller(flow).session.session_id
    assert ScriptedCaller(flow, session_id="call-7").session.session_id == "call-7"


def test_values_of_the_wrong_type_are_refused_not_converted() -> None:
    document = tianjin_document()
    document["nodes"]["orders"]["queue"] = ["orders", "general"]
    document["nodes"]["track"]["use_global_keys"] = "no"
    document["nodes"]["complaints"]["priority"] = 1.5
    document["nodes"]["track"]["max_digits"] = "12"
    with pytest.raises(DefinitionError) as caught:
        flow_from_dict(document)
    assert {p.path for p in caught.value.problems} >= {
        "nodes.orders.queue",
        "nodes.track.use_global_keys",
        "nodes.complaints.priority",
        "nodes.track.max_digits",
    }
