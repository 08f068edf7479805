"""``callcenter ivr check | try | graph``, run through the real entry point."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from callcenter.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ivr"

LOOPING = """
name = "looping"
start = "a"
[prompts]
p.zh = "请稍候"
unused.zh = "未用"
[nodes.a]
kind = "say"
prompt = "p"
next = "b"
[nodes.b]
kind = "say"
prompt = "p"
next = "a"
"""

WARNING_ONLY = """
name = "warned"
start = "bye"
[prompts]
unused.zh = "未用"
[nodes.bye]
kind = "hangup"
"""


@pytest.mark.parametrize("name", ["tianjin-400", "guangzhou-3lang", "branch-office"])
def test_check_passes_the_examples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ivr", "check", str(EXAMPLES / f"{name}.toml")]) == 0
    out = capsys.readouterr().out
    assert "0 error(s), 0 warning(s)" in out
    assert "to an agent, fewest keys:" in out
    assert "to an agent, longest time:" in out


def test_check_exit_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    looping = tmp_path / "looping.toml"
    looping.write_text(LOOPING, encoding="utf-8")
    assert main(["ivr", "check", str(looping)]) == 1
    out = capsys.readouterr().out
    assert "nodes.a: dead end" in out
    assert "loops forever" in out
    assert "prompts.unused: warning: prompt never played" in out

    warned = tmp_path / "warned.toml"
    warned.write_text(WARNING_ONLY, encoding="utf-8")
    assert main(["ivr", "check", str(warned)]) == 0
    assert main(["ivr", "check", "--strict", str(warned)]) == 1

    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\nstart = "nowhere"\n[nodes.a]\nkind = "hangup"\n', "utf-8")
    assert main(["ivr", "check", str(broken)]) == 1
    assert "start: unknown node 'nowhere'" in capsys.readouterr().out

    unreadable = tmp_path / "bad.toml"
    unreadable.write_text("name = [", encoding="utf-8")
    assert main(["ivr", "check", str(unreadable)]) == 2
    assert main(["ivr", "check", str(tmp_path / "missing.json")]) == 2


def test_check_json_and_queues(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLES / "tianjin-400.toml")
    assert main(["ivr", "check", "--json", "--queues", "tracking,orders", path]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    paths = {p["path"] for p in report["problems"]}
    assert paths == {"nodes.complaints.queue", "nodes.agent.queue"}
    assert report["worst_keys"] >= report["best_keys"]


def test_graph_writes_dot_and_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "flow.dot"
    path = str(EXAMPLES / "tianjin-400.toml")
    assert main(["ivr", "graph", path, "-o", str(out)]) == 0
    dot = out.read_text(encoding="utf-8")
    assert dot.startswith('digraph "tianjin-400" {')
    assert '"main" -> "track" [label="key 1"];' in dot
    assert '"track" -> "agent_tracking" [label="key 0"];' in dot
    assert main(["ivr", "graph", "--format", "mermaid", path]) == 0
    mermaid = capsys.readouterr().out
    assert "n_main -->|key 2| n_orders" in mermaid


def test_try_runs_a_call_from_typed_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = "1\n123456789012#\nstatus=在途 location=天津\n0\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    path = str(EXAMPLES / "tianjin-400.toml")
    assert main(["ivr", "try", path, "--at", "2026-11-23T10:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "运单123456789012的状态是:在途,当前位置:天津。" in out
    assert "=> enqueue to 'tracking'" in out
    assert "session enqueued at node 'agent_tracking'" in out


def test_try_hang_up_and_voicemail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(EXAMPLES / "tianjin-400.toml")
    monkeypatch.setattr("sys.stdin", io.StringIO("h\n"))
    assert main(["ivr", "try", path, "--at", "2026-11-23T10:00+08:00"]) == 0
    assert "session abandoned" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("hello\n"))
    assert main(["ivr", "try", path, "--at", "2026-11-23T23:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "=> recording into 'voicemail-tianjin'" in out
    assert "session voicemail" in out
    assert main(["ivr", "try", path, "--at", "2026-11-23T23:00"]) == 2


EXTERNAL = """
name = "external"
start = "h"
[nodes.h]
kind = "hours"
calendar = "tianjin"
open = "a"
closed = "b"
[nodes.a]
kind = "enqueue"
queue = "q"
[nodes.b]
kind = "hangup"
"""


def test_named_calendars_come_from_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = tmp_path / "external.toml"
    flow.write_text(EXTERNAL, encoding="utf-8")
    calendar = EXAMPLES.parent / "calendars" / "tianjin-2026.toml"
    assert main(["ivr", "check", str(flow)]) == 1
    assert "unknown calendar 'tianjin'" in capsys.readouterr().out
    assert main(["ivr", "check", str(flow), "--calendar", f"tianjin={calendar}"]) == 0
    assert main(["ivr", "check", str(flow), "--calendar", "tianjin"]) == 2
    assert main(["ivr", "graph", str(flow), "--calendar", f"tianjin={calendar}"]) == 0
