"""What every loader refuses: documents that are not tables, duplicate keys, wrong
types, YAML aliases, deep nesting, huge and endless files."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from callcenter._loading import (
    MAX_DEPTH,
    make_converter,
    read_document,
    read_text,
    structure_definition,
)
from callcenter.calendars import BusinessCalendar
from callcenter.errors import DefinitionError, DocumentError
from callcenter.ivr import flow_from_dict
from callcenter.routing import load_definition
from callcenter.simulation import scenario_from_dict
from callcenter.tickets import workflow_from_dict

LOADERS: dict[str, Callable[[Any], object]] = {
    "flow_from_dict": flow_from_dict,
    "load_definition": load_definition,
    "workflow_from_dict": workflow_from_dict,
    "scenario_from_dict": scenario_from_dict,
    "calendar": BusinessCalendar.from_dict,
}


@pytest.mark.parametrize("loader", list(LOADERS))
@pytest.mark.parametrize("document", [["a", "b"], "text", None, 5, 2.5, True])
def test_a_document_that_is_not_a_table_is_refused_at_its_root(
    loader: str, document: object
) -> None:
    with pytest.raises(DefinitionError) as error:
        LOADERS[loader](document)
    assert [p.path for p in error.value.problems] == [""]
    assert "expected a table of keys" in error.value.problems[0].message


def deep(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("loader", list(LOADERS))
def test_deep_nesting_is_a_clean_error(loader: str) -> None:
    with pytest.raises(DefinitionError, match=f"nested deeper than {MAX_DEPTH} levels"):
        LOADERS[loader]({"name": deep(400)})


@attrs.frozen(kw_only=True)
class Queue:
    skill: str
    max_wait: float = 0.0
    slots: int = 1
    paused: bool = False


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("skill", ["vip", "enquiry"], "expected text, got a list ['vip', 'enquiry']"),
        ("skill", None, "expected text, got null"),
        ("skill", {"a": 1}, "expected text, got a table"),
        ("skill", 5, "expected text, got int 5"),
        ("max_wait", "60", "expected a number, got text '60'"),
        ("max_wait", True, "expected a number, got a boolean True"),
        ("max_wait", 10**400, "expected a number of a sensible size, got an int of 1329 bits"),
        ("slots", 2.5, "expected a whole number, got float 2.5"),
        ("slots", "2", "expected a whole number, got text '2'"),
        ("slots", False, "expected a whole number, got a boolean False"),
        ("paused", "no", "expected true or false, got text 'no'"),
        ("paused", 0, "expected true or false, got int 0"),
    ],
)
def test_wrong_types_are_never_turned_into_values(field: str, value: object, says: str) -> None:
    data = {"skill": "vip", field: value}
    with pytest.raises(DefinitionError) as error:
        structure_definition(make_converter(), data, Queue, what="queue")
    assert [p.path for p in error.value.problems] == [field]
    assert error.value.problems[0].message.startswith(says)


def test_nan_and_infinity_are_left_to_the_meaning_checks() -> None:
    converter = make_converter()
    loaded = structure_definition(converter, {"skill": "a", "max_wait": math.inf}, Queue, what="q")
    assert loaded.max_wait == math.inf
    nan = structure_definition(converter, {"skill": "a", "max_wait": math.nan}, Queue, what="q")
    assert math.isnan(nan.max_wait)


def test_whole_floats_are_counts() -> None:
    loaded = structure_definition(make_converter(), {"skill": "a", "slots": 3.0}, Queue, what="q")
    assert loaded.slots == 3
    assert type(loaded.slots) is int


def test_a_list_as_a_routing_skill_is_refused_with_its_path() -> None:
    with pytest.raises(DefinitionError) as error:
        load_definition({"queues": [{"id": "vip", "skill": ["vip", "enquiry"]}]})
    assert any(p.path == "queues.0.skill" for p in error.value.problems)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("d.json", '{"a": 1, "a": 2}', "'a' in the top-level table"),
        ("d.json", '{"q": [{"id": 1, "id": 2}]}', "'id' in q.0"),
        ("d.yaml", "q:\n  x: 1\n  x: 2\n", "'x' in q"),
    ],
)
def test_a_key_given_twice_is_refused_with_its_path(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    with pytest.raises(DocumentError, match="a key is given twice") as error:
        read_document(write(tmp_path, name, text))
    assert where in str(error.value)


def test_toml_refuses_a_key_given_twice_too(tmp_path: Path) -> None:
    with pytest.raises(DocumentError):
        read_document(write(tmp_path, "d.toml", "a = 1\na = 2\n"))


ALIAS_BOMB = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    "text",
    [ALIAS_BOMB, "a: &x [1, 2]\nb: *x\n", "a: &x\n  b: *x\n", "base: &b {k: 1}\nc:\n  <<: *b\n"],
)
def test_yaml_aliases_are_refused_fast(tmp_path: Path, text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="aliases are not allowed"):
        read_document(write(tmp_path, "bomb.yaml", text))
    assert time.perf_counter() - started < 1.0


def test_yaml_number_keys_are_text_as_in_toml_and_json(tmp_path: Path) -> None:
    loaded = read_document(write(tmp_path, "k.yaml", "options:\n  1: track\n  2: order\n"))
    assert loaded == {"options": {"1": "track", "2": "order"}}


def test_yaml_anchors_without_aliases_load(tmp_path: Path) -> None:
    assert read_document(write(tmp_path, "a.yaml", "a: &x [1, 2]\n")) == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("n.json", '{"a": ' + "1" * 5000 + "}", "a value cannot be read"),
        ("n.toml", "a = " + "1" * 5000 + "\n", "a value cannot be read"),
        ("n.yaml", "a: " + "1" * 5000 + "\n", "a value cannot be read"),
        ("d.json", '{"a": ' + "[" * 5000 + "]" * 5000 + "}", "nested deeper"),
        ("d.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper"),
        ("d.json", '{"a": ' + "[" * 400 + "]" * 400 + "}", "nested deeper"),
        ("d.toml", "a = " + "[" * 400 + "]" * 400 + "\n", "nested deeper"),
        ("l.json", "[1, 2]", "expected a table at the top, got a list"),
        ("s.yaml", "just text\n", "expected a table at the top, got text"),
        ("b.json", b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_unreadable_documents_are_document_errors(
    tmp_path: Path, name: str, text: str | bytes, says: str
) -> None:
    with pytest.raises(DocumentError, match=says):
        read_document(write(tmp_path, name, text))


def test_an_endless_file_behind_a_link_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("needs /dev/zero")  # pragma: no cover
    link = tmp_path / "zero.toml"
    os.symlink("/dev/zero", link)
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="larger than"):
        read_document(link)
    with pytest.raises(DocumentError, match="larger than"):
        read_text(link, limit=1000)
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize("target", ["missing.toml", "."])
def test_missing_files_and_directories_are_document_errors(tmp_path: Path, target: str) -> None:
    path = tmp_path / target if target != "." else tmp_path / "dir.json"
    if target == ".":
        path.mkdir()
    with pytest.raises(DocumentError, match=str(path.name)):
        read_document(path)


def test_json_documents_still_load(tmp_path: Path) -> None:
    data = {"a": [1, {"b": 2.5}], "c": "x"}
    assert read_document(write(tmp_path, "ok.json", json.dumps(data))) == data
