"""The routing and scenario format pages: every class and key documented, every example loads.

The tables of those pages are generated at build time by ``docs/_ext/attrsfields.py``
from the classes the loaders fill. These tests check, without building the manual,
that every class a document can contain has a table on its page, that every key of
those classes has a description in a docstring (a missing one would be an empty cell
and a build warning), and that every example on the pages loads with the real loader.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from callcenter.routing import RoutingDefinition, load_definition
from callcenter.simulation import load_scenario, simulate
from callcenter.simulation._scenario import _Document

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
ROUTING_PAGE = REFERENCE / "routing-format.md"
SCENARIO_PAGE = REFERENCE / "scenario-format.md"
DIRECTIVE = re.compile(r"^```\{attrs-fields\}\s+(\S+)\n((?::\w+:.*\n)*)", re.MULTILINE)
TOML = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)


def extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("attrsfields", ROOT / "docs/_ext/attrsfields.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tables(page: Path) -> dict[str, dict[str, str]]:
    """Class path to the directive's options, for each field table on the page."""
    found: dict[str, dict[str, str]] = {}
    for match in DIRECTIVE.finditer(page.read_text(encoding="utf-8")):
        options = dict(re.findall(r"^:(\w+):\s*(.*)$", match[2], flags=re.MULTILINE))
        found[match[1]] = options
    return found


def reachable(root: type, special: set[Any]) -> set[type]:
    """The attrs classes a document of ``root`` can contain, ``root`` included."""
    seen: set[type] = set()
    todo: list[Any] = [root]
    while todo:
        tp = todo.pop()
        if tp in special:
            continue
        if isinstance(tp, type) and attrs.has(tp):
            if tp in seen:
                continue
            seen.add(tp)
            todo.extend(typing.get_type_hints(tp)[f.name] for f in attrs.fields(tp) if f.init)
        else:
            todo.extend(typing.get_args(tp))
    return seen


def documented(page: Path) -> set[type]:
    ext = extension()
    return {ext.import_object(path) for path in tables(page)}


@pytest.mark.parametrize(
    ("page", "root"),
    [(ROUTING_PAGE, RoutingDefinition), (SCENARIO_PAGE, _Document)],
    ids=["routing", "scenario"],
)
def test_every_class_of_the_document_has_a_table(page: Path, root: type) -> None:
    ext = extension()
    on_pages = documented(ROUTING_PAGE) | documented(SCENARIO_PAGE)
    missing = reachable(root, set(ext.SPECIAL)) - on_pages
    assert not missing, f"no field table for {sorted(c.__name__ for c in missing)}"


@pytest.mark.parametrize("page", [ROUTING_PAGE, SCENARIO_PAGE], ids=["routing", "scenario"])
def test_every_key_has_a_description(page: Path) -> None:
    ext = extension()
    for path, options in tables(page).items():
        cls = ext.import_object(path)
        docs_from = ext.import_object(options["docs"]) if "docs" in options else None
        rows = ext.field_rows(cls, docs_from)
        assert [key for key, *_ in rows] == [f.alias or f.name for f in attrs.fields(cls)]
        for key, kind, default, meaning in rows:
            assert meaning, f"{path}.{key} has no description in its class's docstring"
            assert kind, f"{path}.{key} has no type"
            assert default, f"{path}.{key} has no default"


def test_a_field_without_a_description_is_found() -> None:
    ext = extension()

    @attrs.frozen(kw_only=True)
    class Sample:
        """A sample.

        Attributes:
            first: The first, on
                two lines.
        """

        first: int = 1
        second: tuple[str, ...] = ()

    rows = ext.field_rows(Sample)
    assert rows == [
        ("first", "whole number", "``1``", "The first, on two lines."),
        ("second", "list of text", "``[]``", ""),
    ]


def test_defaults_are_the_loaders_defaults() -> None:
    ext = extension()
    rows = {key: default for key, _, default, _ in ext.field_rows(_Document)}
    assert rows["timezone"] == '``"UTC"``'
    assert rows["name"] == "required"
    queue_rows = {row[0]: row for row in ext.field_rows(RoutingDefinition)}
    assert queue_rows["cross_queue"][2] == '``"oldest_wait"``'


def test_every_routing_example_loads() -> None:
    examples = TOML.findall(ROUTING_PAGE.read_text(encoding="utf-8"))
    assert len(examples) >= 3
    for text in examples:
        definition = load_definition(tomllib.loads(text))
        assert definition.queues


def test_the_scenario_example_loads_and_runs(tmp_path: Path) -> None:
    examples = TOML.findall(SCENARIO_PAGE.read_text(encoding="utf-8"))
    names = []
    for text in examples:
        mark = re.match(r"# file: (\S+)\n", text)
        assert mark, "every example on the scenario page names its file"
        (tmp_path / mark[1]).write_text(text, encoding="utf-8")
        names.append(mark[1])
    assert "scenario.toml" in names
    scenario = load_scenario(tmp_path / "scenario.toml")
    assert set(scenario.lines) == {"main", "complaints"}
    assert scenario.flows, "the line through the IVR loaded its flow"
    result = simulate(scenario)
    assert result.records
    assert result.tickets.opened > 0
