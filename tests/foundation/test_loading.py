"""The shared loading machinery: paths, did-you-mean, document reading."""

from __future__ import annotations

import datetime
import enum
from pathlib import Path

import attrs
import pytest

from callcenter._loading import make_converter, read_document, structure_definition
from callcenter.errors import DefinitionError, DocumentError, Problem, Severity


class Kind(enum.Enum):
    PLAY = "play"
    MENU = "menu"


@attrs.frozen(kw_only=True)
class Option:
    key: str
    target: str
    kind: Kind = Kind.PLAY


@attrs.frozen(kw_only=True)
class Menu:
    prompt: str
    options: list[Option]
    opens: datetime.date | None = None


@attrs.frozen(kw_only=True)
class Flow:
    start: str
    nodes: dict[str, Menu]


def test_every_problem_has_a_dotted_path() -> None:
    data = {
        "start": "menu",
        "nodes": {
            "menu": {
                "prompt": "welcome",
                "options": [
                    {"key": "1", "target": "track", "kind": "meny"},
                    {"key": "2", "targte": "x"},
                ],
                "opens": "tomorrow",
            },
            "other": {"options": []},
        },
        "strat": 1,
    }
    with pytest.raises(DefinitionError) as info:
        structure_definition(make_converter(), data, Flow, what="flow")
    found = {p.path: p.message for p in info.value.problems}
    assert "did you mean 'target'" in found["nodes.menu.options.1.targte"]
    assert found["nodes.menu.options.1.target"] == "required field missing"
    assert "expected a date" in found["nodes.menu.opens"]
    assert found["nodes.other.prompt"] == "required field missing"
    assert "did you mean 'start'" in found["strat"]
    assert found["nodes.menu.options.0.kind"] == (
        "unknown kind 'meny' (did you mean 'menu'?); expected one of: play, menu"
    )


def test_check_hook_adds_semantic_problems_and_only_errors_fail() -> None:
    data = {"start": "nowhere", "nodes": {}}

    def check(flow: Flow) -> list[Problem]:
        problems = [Problem(path="", message="no nodes", severity=Severity.WARNING)]
        if flow.start not in flow.nodes:
            problems.append(Problem(path="start", message=f"unknown node {flow.start!r}"))
        return problems

    with pytest.raises(DefinitionError) as info:
        structure_definition(make_converter(), data, Flow, what="flow", check=check)
    assert [p.path for p in info.value.problems] == ["", "start"]
    ok = structure_definition(
        make_converter(),
        {"start": "m", "nodes": {"m": {"prompt": "p", "options": []}}},
        Flow,
        what="flow",
        check=lambda flow: [Problem(path="", message="hmm", severity=Severity.WARNING)],
    )
    assert ok.start == "m"


def test_a_document_that_is_not_a_table() -> None:
    with pytest.raises(DefinitionError, match="expected a table of keys, got a list"):
        structure_definition(make_converter(), [1, 2], Flow, what="flow")


def test_read_document(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('x = 1\n[y]\nz = "q"\n', encoding="utf-8")
    (tmp_path / "b.json").write_text('{"x": [1, 2]}', encoding="utf-8")
    assert read_document(tmp_path / "a.toml") == {"x": 1, "y": {"z": "q"}}
    assert read_document(tmp_path / "b.json") == {"x": [1, 2]}
    (tmp_path / "c.yaml").write_text("x: 1\ny: {z: q}\n", encoding="utf-8")
    assert read_document(tmp_path / "c.yaml") == {"x": 1, "y": {"z": "q"}}


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("missing.toml", None, "No such file"),
        ("bad.toml", b"x = = 1", "Invalid"),
        ("bad.json", b"{", "Expecting"),
        ("list.json", b"[1]", "expected a table at the top"),
        ("latin.toml", b"x = '\xe9'", "not UTF-8"),
        ("flow.ini", b"x=1", "unknown file type '.ini'"),
        ("bad.yaml", b"x: [1", "expected"),
        ("list.yml", b"- 1", "expected a table at the top"),
    ],
)
def test_unreadable_documents(
    tmp_path: Path, name: str, content: bytes | None, fragment: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DocumentError, match=fragment) as info:
        read_document(path)
    assert str(path) in str(info.value)
