"""The ``callcenter hotline check`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callcenter.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hotline" / "tianjin.toml"

SOUND = """\
name = "small"
[lines.main]
number = "4008005678"
queue = "enquiry"
[routing]
[[routing.queues]]
id = "enquiry"
[[routing.agents]]
id = "wang"
queues = [{ queue = "enquiry" }]
"""


def test_check_summarises_the_tianjin_hotline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotline", "check", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "ok, 0 error(s), 0 warning(s)" in out
    assert "line hotline: 4008001234 -> flow tianjin-400" in out
    assert "queue complaints: 3 members" in out
    assert "7 agents, 7 endpoints (5 extension, 2 mobile)" in out
    assert "ticket rule: callback ticket on IVR result 'voicemail'" in out


def test_check_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotline", "check", "--json", str(EXAMPLE)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["problems"] == []
    assert report["summary"]["queues"] == {
        "tracking": 3,
        "general": 3,
        "orders": 4,
        "complaints": 3,
    }
    assert report["summary"]["known_callers"] == {"normal": 0, "vip": 3, "blocked": 1}


def test_check_lists_every_problem_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        SOUND.replace(
            'queue = "enquiry"\n[routing]', 'queue = "enqiury"\nanswer_time = -2\n[routing]'
        )
        + '[endpoints.ghost]\nextension = "1"\n',
        encoding="utf-8",
    )
    assert main(["hotline", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: lines.main.queue: unknown queue 'enqiury' (did you mean 'enquiry'?)" in out
    assert f"{bad}: lines.main.answer_time: unknown key 'answer_time'" in out
    assert f"{bad}: endpoints.ghost: unknown agent 'ghost'" in out
    assert "invalid, 3 error(s)" in out


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sound = tmp_path / "sound.toml"
    sound.write_text(SOUND, encoding="utf-8")  # wang has no endpoint: a warning
    assert main(["hotline", "check", str(sound)]) == 0
    out = capsys.readouterr().out
    assert "endpoints: warning: no endpoint for 1 agent(s)" in out
    assert main(["hotline", "check", "--strict", str(sound)]) == 1


def test_check_unreadable_file(tmp_path: Path) -> None:
    assert main(["hotline", "check", str(tmp_path / "missing.toml")]) == 2


def test_hotline_without_an_action_shows_its_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotline"]) == 2
    assert "check" in capsys.readouterr().err
