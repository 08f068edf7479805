"""The ``callcenter route check`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callcenter.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "routing" / "hotline.toml"


def test_check_reports_a_sound_definition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "check", str(EXAMPLE), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [q["id"] for q in summary["queues"]] == ["vip", "enquiry"]
    assert summary["queues"][0]["members"] == 3


def test_check_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[queues]]\nid = "q"\nstrategy = "longest_idel"\n[[queues]]\nid = "r"\nweight = "x"\n',
        encoding="utf-8",
    )
    assert main(["route", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert (
        "queues.0.strategy: unknown strategy 'longest_idel' (did you mean 'longest_idle'?)" in err
    )
    assert "queues.1.weight" in err


def test_check_unreadable_file(tmp_path: Path) -> None:
    assert main(["route", "check", str(tmp_path / "missing.toml")]) == 2
