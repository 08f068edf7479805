"""The loader campaign: the project's own example documents, mutated with hostile
values, loaded through every loader and every format.

Whatever happens, only the library's own errors come out, each load ends within a time
limit, and whatever loads passes the matching check; a scenario that loads is run for
a simulated hour. Short under the ``dev`` and ``ci`` profiles, long under ``thorough``.
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter._loading import read_document
from callcenter.calendars import BusinessCalendar
from callcenter.errors import CallCenterError, Severity
from callcenter.ivr import check_flow, flow_from_dict
from callcenter.routing import check_definition, load_definition
from callcenter.simulation import scenario_from_dict, simulate
from callcenter.tickets import workflow_from_dict

from .campaign import campaign_examples

yaml: Any = importlib.import_module("yaml")  # the 'yaml' extra, in the dev dependencies
EX = Path(__file__).resolve().parents[2] / "examples"
TIME_LIMIT = 20.0  # seconds for one load (and its check); generous for a shared machine


def _check_flow(data: dict[str, Any]) -> None:
    report = check_flow(flow_from_dict(data))  # what `ivr check` runs on a loaded flow
    assert report.ok == (not report.errors)


def _check_routing(data: dict[str, Any]) -> None:
    definition = load_definition(data)
    assert not [p for p in check_definition(definition) if p.severity is Severity.ERROR]


def _run_scenario(data: dict[str, Any]) -> None:
    scenario = scenario_from_dict(data, base=EX / "scenarios")
    hour = attrs.evolve(scenario, days=1 / 24, drain_hours=0.0)
    simulate(hour)


LOADERS: dict[str, tuple[Path, Callable[[dict[str, Any]], object]]] = {
    "routing": (EX / "routing" / "hotline.toml", _check_routing),
    "ivr-tianjin": (EX / "ivr" / "tianjin-400.toml", _check_flow),
    "ivr-guangzhou": (EX / "ivr" / "guangzhou-3lang.toml", _check_flow),
    "ivr-branch-json": (EX / "ivr" / "branch-office.json", _check_flow),
    "tickets": (EX / "tickets" / "address_change.toml", workflow_from_dict),
    "calendar": (EX / "calendars" / "tianjin-2026.toml", BusinessCalendar.from_dict),
    "scenario-tianjin": (EX / "scenarios" / "tianjin.toml", _run_scenario),
    "scenario-railway": (EX / "scenarios" / "railway.toml", _run_scenario),
}
DOCUMENTS = {name: read_document(path) for name, (path, _) in LOADERS.items()}


def _deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


NASTY: list[object] = [
    math.nan,
    math.inf,
    -math.inf,
    10**400,
    -(10**400),
    -1,
    -1e9,
    0,
    1.79e12,
    1e15 + 1,
    "x" * 5000,
    "\ud800",
    "",
    None,
    True,
    [],
    {},
    ["vip", "enquiry"],
    {"a": {"b": 1}},
    _deep(200),
    "9999-12-31",
    "Asia",
]


def _paths(doc: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if len(prefix) >= 8:
        return found
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found.extend(_paths(value, (*prefix, index)))
    return found


PATHS = {name: _paths(doc) for name, doc in DOCUMENTS.items()}


class Twice(dict[str, Any]):
    """A table written with one key given twice (only JSON text can say it)."""

    twice: str = ""


def _mutate(doc: Any, path: tuple[Any, ...], action: str, value: object) -> Any:
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "list-for-table" and isinstance(parent[last], dict):
        parent[last] = list(parent[last].values())
    elif action == "table-in-list":
        parent[last] = [parent[last], {"unknown": value}]
    elif action == "duplicate" and isinstance(parent, dict):
        twice = Twice(parent)
        twice.twice = str(last)
        if len(path) == 1:
            return twice
        grand = doc
        for step in path[:-2]:
            grand = grand[step]
        grand[path[-2]] = twice
    return doc


def _to_json(value: object) -> str:
    if isinstance(value, Twice):
        items = [f"{json.dumps(k)}: {_to_json(v)}" for k, v in value.items()]
        if value.twice in value:
            items.append(f"{json.dumps(value.twice)}: {_to_json(value[value.twice])}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(str(k))}: {_to_json(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(_to_json(v) for v in value) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4000:
        return str(value)  # beyond the digits Python reads back: a read error is expected
    return json.dumps(value, default=str)


def _write(doc: Any, form: str, folder: Path) -> Path:
    if form == "yaml":
        try:
            text = yaml.safe_dump(json.loads(_to_json(doc)), allow_unicode=False)
        except (yaml.YAMLError, ValueError):
            form = "json"  # PyYAML cannot write every value (a lone surrogate)
        else:
            path = folder / "doc.yaml"
            path.write_text(text, encoding="utf-8")
            return path
    path = folder / "doc.json"
    path.write_text(_to_json(doc), encoding="utf-8")
    return path


ACTIONS = [
    "replace",
    "replace",
    "replace",
    "delete",
    "list-for-table",
    "table-in-list",
    "duplicate",
]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, Any, str]:
    name = draw(st.sampled_from(sorted(LOADERS)))
    doc = copy.deepcopy(DOCUMENTS[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(ACTIONS))
        doc = _mutate(doc, path, action, copy.deepcopy(draw(st.sampled_from(NASTY))))
        if isinstance(doc, Twice):
            break
    return name, doc, draw(st.sampled_from(["json", "yaml"]))


@settings(
    max_examples=campaign_examples(150, 3000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations())
def test_campaign_mutated_examples_load_or_are_refused_by_the_library(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, Any, str]
) -> None:
    name, doc, form = case
    path = _write(doc, form, tmp_path_factory.mktemp("doc"))
    started = time.perf_counter()
    try:
        loaded = read_document(path)
        LOADERS[name][1](loaded)
    except CallCenterError:
        pass
    assert time.perf_counter() - started < TIME_LIMIT, (name, form)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_the_examples_themselves_load_and_pass(name: str) -> None:
    LOADERS[name][1](copy.deepcopy(DOCUMENTS[name]))
