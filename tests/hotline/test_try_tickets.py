"""``callcenter hotline try``: an agent's outcome opens a ticket with the fields typed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from callcenter.cli import main

ROOT = Path(__file__).resolve().parents[2]
TIANJIN = str(ROOT / "examples" / "hotline" / "tianjin.toml")
MORNING = "2026-10-08T10:00+08:00"


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typed: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["hotline", "try", TIANJIN, "--at", MORNING]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


COMPLAINT = "login business-1\ncall\nplayed\npress 3\nanswer business-1\n"


def test_an_agent_who_records_a_complaint_opens_a_ticket_with_its_description(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        monkeypatch, capsys, COMPLAINT + 'end business-1 complaint description="parcel late"\n'
    )
    assert "call c1: ring agent business-1 at 8101" in out
    assert "call c1: ticket T1: TicketOpened" in out
    assert "call c1: hang up (agent hung up)" in out


def test_a_complaint_without_its_description_is_refused_and_the_call_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        monkeypatch,
        capsys,
        COMPLAINT + "end business-1 complaint\nend business-1 complaint description=late c1\n",
    )
    refused, after = out.split("! the hotline refused it:", 1)
    assert "description" in after.splitlines()[0]
    assert "TicketOpened" not in refused
    assert "call c1: ticket T1: TicketOpened" in after


def test_the_wallboard_is_a_command_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(monkeypatch, capsys, "login enquiry-1\nwallboard\n")
    assert "unknown command" not in out
    assert "calls:" in out
    assert "enquiry-1  available" in out


def test_the_session_starts_with_the_hotlines_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = Path(TIANJIN).read_text(encoding="utf-8")
    document = document.replace('[endpoints.enquiry-3]\nextension = "8003"\n', "")
    assert "enquiry-3]" not in document
    (tmp_path / "hotline.toml").write_text(
        document.replace('"../ivr/', f'"{ROOT / "examples" / "ivr"}/'), encoding="utf-8"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
    assert main(["hotline", "try", str(tmp_path / "hotline.toml"), "--at", MORNING]) == 0
    out = capsys.readouterr().out
    warning, banner = out.split("\n", 1)
    assert "endpoints: warning: no endpoint for 1 agent(s)" in warning
    assert "(enquiry-3)" in warning
    assert banner.startswith("hotline tianjin: type 'help'")
