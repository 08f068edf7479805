"""``callcenter hotline try``: the user plays the callers and the agents, line by line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.cli import main
from callcenter.hotline import Hotline, load_hotline
from callcenter.hotline._try import TrySession

ROOT = Path(__file__).resolve().parents[2]
TIANJIN = str(ROOT / "examples" / "hotline" / "tianjin.toml")
MORNING = "2026-10-08T10:00+08:00"


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typed: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["hotline", "try", TIANJIN, "--at", MORNING]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_a_call_from_the_menu_to_an_agent_and_back(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        monkeypatch,
        capsys,
        "login enquiry-1\ncall\npress 1\npress 0\nboard\nanswer enquiry-1\n"
        "wait 60\nend enquiry-1\nwait 15\nboard\n",
    )
    assert "call c1: answer" in out
    assert "call c1: play 'welcome' [zh] 欢迎致电" in out
    assert "call c1: queued in 'tracking'" in out
    assert "call c1: ring agent enquiry-1 at 8001 (for 20 s)" in out
    assert "c1: from 13800138000, ringing in tracking with enquiry-1" in out
    first_board = out.split("calls:")[1]
    # waiting, ringing, talking, offered, answered, abandoned
    assert re.search(r"\ntracking +0 +1 +0 +1 +0 +0 ", first_board)  # one call ringing
    assert re.search(r"\nenquiry-1 +reserved ", first_board)
    assert "call c1: connect with agent enquiry-1" in out
    assert "call c1: finished, record outcome answered" in out
    assert out.rstrip().endswith("[10:01:19] >")  # 1 + 1 + 1 + 60 + 1 + 15 seconds later
    final_board = out.rsplit("calls:", 1)[1]
    assert "(none)" in final_board
    assert re.search(r"\ntracking +0 +0 +0 +1 +1 +0 +100\.0% ", final_board)  # answered
    assert re.search(r"\nenquiry-1 +available ", final_board)


def test_the_ring_times_out_when_nobody_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(monkeypatch, capsys, "login enquiry-1\ncall\npress 1\npress 0\nnext\nwait 5\n")
    assert "ring agent enquiry-1" in out
    assert "call c1: stop ringing agent enquiry-1" in out


def test_a_night_call_leaves_a_voicemail_that_opens_a_ticket(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("call 13500000001\nplayed\nrecorded 20\nplayed\n"))
    assert main(["hotline", "try", TIANJIN, "--at", "2026-10-08T22:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "record a message into 'voicemail-tianjin'" in out
    assert "TicketOpened" in out
    assert "call c1: finished, record outcome" in out


def test_a_blocked_caller_is_rejected(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(monkeypatch, capsys, "call 17000000666\n")
    assert "call c1: reject" in out
    assert "call c1: answer" not in out


def test_help_lists_every_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(monkeypatch, capsys, "help\n")
    for command in ("call", "press", "hangup", "login", "answer", "decline", "end", "wait"):
        assert f"\n  {command} " in out


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("frobnicate\n", "unknown command 'frobnicate'"),
        ("press 1\n", "no call yet"),
        ("call\npress x\n", "keys are 0-9"),
        ("wait soon\n", "expected a number of seconds, got 'soon'"),
        ("wait -5\n", "expected seconds between 0 and a year"),
        ("wait nan\n", "expected seconds between 0 and a year"),
        ("answer enquiry-1\n", "nothing rings for enquiry-1"),
        ("end enquiry-1\n", "enquiry-1 is not talking to anyone"),
        ("login\n", "which agent?"),
        ("login nobody\n", "the hotline refused it"),
        ("call\nhost status=ok\n", "has asked the host nothing"),
        ("call\npress 1 c9\n", "the hotline refused it"),
        ('say "unclosed\n', "cannot read that line"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typed: str, message: str
) -> None:
    out = run(monkeypatch, capsys, typed)
    assert message in out
    assert "Traceback" not in out
    assert out.rstrip().endswith(("[10:00:00] >", "[10:00:01] >"))  # the clock did not move


def test_files_and_times_that_cannot_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["hotline", "try", str(tmp_path / "missing.toml")]) == 2
    assert main(["hotline", "try", TIANJIN, "--at", "2026-10-08T10:00"]) == 2
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n[lines.a]\nnumber = "1"\nflow = "nope"\n', encoding="utf-8")
    assert main(["hotline", "try", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "--at needs a UTC offset" in err
    assert "lines.a.flow" in err


WORDS = st.sampled_from(
    [
        "call",
        "press",
        "played",
        "host",
        "hangup",
        "login",
        "ready",
        "break",
        "logout",
        "answer",
        "decline",
        "end",
        "wait",
        "next",
        "board",
        "recorded",
        "speak",
        "wrapped",
    ]
)
ARGS = st.sampled_from(
    [
        "1",
        "0",
        "#",
        "c1",
        "c2",
        "enquiry-1",
        "business-1",
        "nobody",
        "10",
        "-1",
        "1e308",
        "status=ok",
        "nf",
        "fail",
        "complaint",
        "'",
        "\x00",
        "४",
        "",
    ]
)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.tuples(WORDS, st.lists(ARGS, max_size=3)), max_size=25))
def test_no_typed_line_ends_in_a_traceback(lines: list[tuple[str, list[str]]]) -> None:
    typed = "".join(" ".join([word, *args]) + "\n" for word, args in lines)
    out = io.StringIO()
    hotline = Hotline(load_hotline(TIANJIN))
    session = TrySession(hotline, now=1_791_424_800.0, stdin=io.StringIO(typed), stdout=out)
    assert session.run() == 0
    assert session.now >= 1_791_424_800.0


def test_the_board_counts_abandons_and_shows_why_an_agent_is_away(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        monkeypatch,
        capsys,
        "login business-1\nbreak business-1 lunch\ncall\npress 2\nwait 40\nboard\nhangup\nboard\n",
    )
    waiting, after = out.split("calls:")[1:]
    assert re.search(r"\norders +1 +0 +0 +1 +0 +0 .* 0:00:40\n", waiting)  # 40 s queued
    assert re.search(r"\nbusiness-1 +not_ready +lunch ", waiting)
    assert re.search(r"\norders +0 +0 +0 +1 +0 +1 +0\.0% ", after)  # the caller gave up


def test_prompts_play_to_their_end_as_the_clock_moves(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        monkeypatch,
        capsys,
        "call\nwait 16\npress 1\npress 123456789012#\nhost status=在途 location=天津\n"
        "wait 8\npress 9\nnext\nnext\n",
    )
    # The welcome plays 9 s, then the menu waits 5 s for a key: the caller is
    # prompted again at 10:00:14, before the clock reaches 10:00:16.
    assert out.index("play 'sorry_no_input'") < out.index("[10:00:16] >")
    # After the lookup the status is read out, then the next menu follows by itself.
    assert out.index("play 'waybill_status'") < out.index("play 'after_status'")
    assert "call c1: finished, record outcome finished_in_ivr" in out
    assert "nothing is due" in out
