"""The ``callcenter tickets`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callcenter.cli import main
from callcenter.tickets import COMPLAINT, workflow_to_dict


def test_list_names_every_builtin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tickets", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("complaint", "enquiry", "order", "appointment", "callback", "claim", "survey"):
        assert name in out


def test_diagram_of_a_builtin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tickets", "diagram", "complaint"]) == 0
    assert capsys.readouterr().out == COMPLAINT.to_mermaid()
    assert main(["tickets", "diagram", "complaint", "--format", "dot"]) == 0
    assert capsys.readouterr().out == COMPLAINT.to_dot()


def test_check_a_good_and_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    document = workflow_to_dict(COMPLAINT)
    good.write_text(json.dumps(document), encoding="utf-8")
    assert main(["tickets", "check", str(good)]) == 0
    assert "valid" in capsys.readouterr().out
    document["transitions"][0]["target"] = "nowhere"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert main(["tickets", "check", str(bad)]) == 1
    assert "transitions.0.target: unknown state 'nowhere'" in capsys.readouterr().err
    assert main(["tickets", "check", str(tmp_path / "missing.toml")]) == 2


def test_unknown_workflow_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tickets", "diagram", "complant"]) == 1
    assert "did you mean 'complaint'" in capsys.readouterr().err


def test_the_example_workflow_checks(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "tickets" / "address_change.toml"
    assert main(["tickets", "check", str(example)]) == 0
    assert "'address_change' is valid (5 states, 5 transitions)" in capsys.readouterr().out
    assert main(["tickets", "diagram", str(example)]) == 0
    assert "checked --> applied: apply" in capsys.readouterr().out


def test_check_reports_a_bad_share_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = workflow_to_dict(COMPLAINT)
    document["sla"]["warn_fraction"] = 1.5
    document["required_on_open"] = "customer_phone"  # one name: fine
    path = tmp_path / "complaint.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["tickets", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "sla.warn_fraction: expected a share > 0 and < 1, got 1.5" in err
    assert "Traceback" not in err
