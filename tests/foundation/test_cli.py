"""The command line: help, version, the calendar command and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from callcenter import __version__
from callcenter.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calendars" / "tianjin-2026.toml"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"callcenter {__version__}"


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "calendar" in out
    assert "exit status" in out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: callcenter" in capsys.readouterr().err


def test_calendar_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", str(EXAMPLE), "--from", "2026-09-19", "--days", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Tianjin 400 hotline (Asia/Shanghai)"
    assert lines[2].split()[:4] == ["2026-09-19", "Sat", "8.00", "09:00-17:00"]
    assert "make-up workday" in lines[3]
    assert lines[3].split()[2] == "12.00"


def test_calendar_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", str(EXAMPLE), "--from", "2026-10-01", "--days", "3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["timezone"] == "Asia/Shanghai"
    assert [d["open_hours"] for d in doc["days"]] == [0.0, 0.0, 6.0]
    assert doc["days"][2]["hours"] == ["10:00-16:00"]


def test_exit_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", str(tmp_path / "missing.toml")]) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text('timezone = "Asia/Shangai"\n[weekly]\nmon = ["9-5"]\n', encoding="utf-8")
    assert main(["calendar", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "timezone: unknown time zone" in err
    assert "weekly.mon.0: expected a time" in err


def test_console_script_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "callcenter.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"callcenter {__version__}"


def test_the_cli_reference_shows_every_command() -> None:
    import argparse
    import re

    from callcenter.cli import build_parser

    page = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "cli.md").read_text(
        encoding="utf-8"
    )
    shown = set(re.findall(r"^```\{cli-help\} ?(.*)$", page, re.MULTILINE))

    def leaves(parser: argparse.ArgumentParser, path: list[str]) -> list[str]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return [" ".join(path)]
        return [
            leaf for name, child in subs[0].choices.items() for leaf in leaves(child, [*path, name])
        ]

    commands = leaves(build_parser(), [])
    assert commands, "no commands registered"
    missing = [c for c in commands if c not in shown]
    assert not missing, f"docs/reference/cli.md does not show: {missing}"
