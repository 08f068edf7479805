"""Collecting values (terminator, non-digit keys, confirmation) and how hang-ups end."""

from __future__ import annotations

import io
from pathlib import Path

import attrs
import pytest

from callcenter.cli import main
from callcenter.errors import CallCenterError
from callcenter.ivr import (
    CallerHungUp,
    DigitsPressed,
    Flow,
    FlowBuilder,
    HostAnswered,
    Listen,
    NodeOutcome,
    Play,
    PromptFinished,
    RecordingFinished,
    Session,
    SessionResult,
    SpeechHeard,
    load_flow,
)
from callcenter.ivr import NodeExited as Exited
from callcenter.testing import ScriptedCaller, run_script

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ivr"


def waybill_flow(**collect: object) -> Flow:
    options: dict[str, object] = {
        "min_digits": 12,
        "max_digits": 12,
        "terminator": "#",
        "confirm_prompt": "confirm",
        "no_match_prompt": "sorry",
    }
    options.update(collect)
    return (
        FlowBuilder("waybill", start="ask", on_error="agent")
        .prompt("ask", zh="请输入12位运单号,以#号键结束")
        .prompt("again", zh="请重新输入")
        .prompt("sorry", zh="输入有误")
        .prompt("confirm", zh="您输入的是{value},确认请按1,重新输入请按2")
        .collect("ask", prompt="ask", short_prompt="again", store="waybill", next="done", **options)  # type: ignore[arg-type]
        .enqueue("done", queue="tracking")
        .enqueue("agent", queue="general")
        .build()
    )


def started(flow: Flow) -> Session:
    session = Session(flow, session_id="s")
    session.begin(0.0)
    return session


def test_the_terminator_after_a_full_value_never_answers_the_confirmation() -> None:
    flow = waybill_flow()
    # In one batch.
    batch = started(flow)
    commands = batch.handle(DigitsPressed(digits="123456789012#"), 1.0)
    assert [c.prompt for c in commands if isinstance(c, Play)] == ["confirm"]
    assert batch.node == "ask"
    assert batch.to_dict()["c"] == "123456789012"
    batch.handle(DigitsPressed(digits="1"), 2.0)
    assert batch.result is SessionResult.ENQUEUED
    assert batch.attributes["waybill"] == "123456789012"
    # Key by key.
    single = started(flow)
    for index, key in enumerate("123456789012#"):
        single.handle(DigitsPressed(digits=key), 1.0 + index)
    assert single.to_dict()["c"] == "123456789012"
    assert single.to_dict().get("m", 0) == 0
    single.handle(DigitsPressed(digits="1"), 20.0)
    assert single.result is SessionResult.ENQUEUED


def test_a_refused_event_after_a_full_value_keeps_the_terminator_pending() -> None:
    # An input that fails its checks changes nothing, not even the terminator that
    # the full value has left pending.
    session = started(waybill_flow())
    session.handle(DigitsPressed(digits="123456789012"), 1.0)
    before = session.to_dict()
    assert before["tm"] == "#"
    for bad in (SpeechHeard(text=None), HostAnswered(request=1)):  # type: ignore[arg-type]
        with pytest.raises(CallCenterError):
            session.handle(bad, 2.0)
        assert session.to_dict() == before
    session.handle(DigitsPressed(digits="#1"), 3.0)  # the terminator is passed over
    assert session.result is SessionResult.ENQUEUED


def test_the_terminator_after_a_full_value_is_not_a_key_of_the_next_menu() -> None:
    flow = (
        FlowBuilder("w", start="ask", on_error="agent")
        .prompt("p", zh="请输入")
        .collect("ask", prompt="p", store="v", next="menu", min_digits=3, max_digits=3)
        .menu("menu", prompt="p", options={"1": "done"})
        .enqueue("done", queue="q")
        .enqueue("agent", queue="general")
        .build()
    )
    session = started(flow)
    session.handle(DigitsPressed(digits="123#"), 1.0)
    assert session.node == "menu"
    assert session.to_dict().get("m", 0) == 0


def test_the_terminator_in_ivr_try_leads_to_the_confirmation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from callcenter.ivr import flow_to_dict

    path = tmp_path / "waybill.json"
    import json

    path.write_text(json.dumps(flow_to_dict(waybill_flow())), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("123456789012#\n1\n"))
    assert main(["ivr", "try", str(path), "--at", "2026-11-23T10:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "输入有误" not in out
    assert "session enqueued at node 'done'" in out


def test_a_star_is_never_stored_as_a_digit() -> None:
    session = started(waybill_flow())
    session.handle(DigitsPressed(digits="12345*"), 1.0)
    assert session.to_dict()["m"] == 1  # a no-match: the entry starts again
    session.handle(DigitsPressed(digits="789012#"), 2.0)  # six digits are too few
    assert session.to_dict()["m"] == 2
    assert "waybill" not in session.attributes
    assert session.to_dict().get("c") is None


def test_a_clear_key_starts_the_entry_again_without_a_no_match() -> None:
    session = started(waybill_flow(clear_key="*", confirm_prompt=None))
    session.handle(DigitsPressed(digits="999*123456789012"), 1.0)
    assert session.result is SessionResult.ENQUEUED
    assert session.attributes["waybill"] == "123456789012"
    assert all(e.no_matches == 0 for e in session.take_events() if isinstance(e, Exited))


def test_re_entering_is_not_a_mistake_and_the_keys_are_configurable() -> None:
    session = started(waybill_flow(no_match_limit=3))
    for attempt in range(5):  # more re-entries than the no-match limit
        session.handle(DigitsPressed(digits="123456789012"), 1.0 + 2 * attempt)
        commands = session.handle(DigitsPressed(digits="2"), 2.0 + 2 * attempt)
        assert [c.prompt for c in commands if isinstance(c, Play)] == ["again"]
        assert session.node == "ask"
        assert session.to_dict().get("m", 0) == 0
    custom = started(waybill_flow(confirm_key="5", reenter_key="6"))
    custom.handle(DigitsPressed(digits="123456789012"), 1.0)
    custom.handle(DigitsPressed(digits="1"), 2.0)  # not the confirm key now: a no-match
    assert custom.to_dict()["m"] == 1
    assert custom.result is None
    custom.handle(DigitsPressed(digits="1234567890125"), 3.0)
    assert custom.result is SessionResult.ENQUEUED


def test_a_batch_that_passes_a_re_prompt_returns_only_commands_in_force() -> None:
    flow = (
        FlowBuilder("m", start="menu", on_error="agent")
        .prompt("p", zh="请按键")
        .prompt("v", zh="请留言")
        .menu("menu", prompt="p", options={"1": "agent"}, no_match_limit=2, on_no_match="vm")
        .record("vm", prompt="v", mailbox="box", next="bye")
        .enqueue("agent", queue="general")
        .hangup("bye")
        .build()
    )
    session = started(flow)
    commands = session.handle(DigitsPressed(digits="99"), 1.0)
    assert commands == [c for c in commands if isinstance(c, Play) and c.prompt == "v"]
    session.handle(PromptFinished(), 5.0)  # the voicemail prompt: the recording starts
    session.handle(RecordingFinished(reference="m1", seconds=5.0), 10.0)
    assert session.result is SessionResult.VOICEMAIL


def test_a_batch_keeps_only_the_listen_still_in_force() -> None:
    session = started(waybill_flow(confirm_prompt=None, clear_key="*"))
    commands = session.handle(DigitsPressed(digits="1*#"), 1.0)  # clear, then nothing typed
    assert [type(c) for c in commands] == [Play, Listen]  # the re-prompt after a no-input


def test_barge_ins_on_the_guangzhou_flow_never_break_the_scripted_caller() -> None:
    flow = load_flow(EXAMPLES / "guangzhou-3lang.toml")
    for script in (
        [("barge", "92#"), ("barge", "92#")],
        [("barge", "99"), ("barge", "92#"), ("barge", "*")],
    ):
        caller = run_script(flow, script, now=1_795_000_000.0)
        assert caller.session.ended


def hangup_flow() -> Flow:
    return (
        FlowBuilder("h", start="menu", on_error="bye")
        .prompt("p", zh="语音信箱请按1,回拨请按2,查询请按3")
        .prompt("v", zh="请留言")
        .prompt("c", zh="预约回拨请按1")
        .prompt("status", zh="您的运单已签收")
        .prompt("thanks", zh="谢谢,再见")
        .menu("menu", prompt="p", options={"1": "vm", "2": "cb", "3": "status"})
        .record("vm", prompt="v", mailbox="box", next="goodbye")
        .callback("cb", prompt="c", queue="callbacks", next="goodbye", declined="goodbye")
        .say("status", prompt="status", next="goodbye", hangup_result="completed")
        .say("goodbye", prompt="thanks", next="bye")
        .hangup("bye")
        .build()
    )


def test_a_hang_up_after_what_the_caller_came_for_is_not_abandoned() -> None:
    flow = hangup_flow()
    voicemail = ScriptedCaller(flow).press("1").leave_message().hang_up()
    assert voicemail.session.result is SessionResult.VOICEMAIL
    callback = ScriptedCaller(flow).press("2").press("1").hang_up()
    assert callback.session.result is SessionResult.CALLBACK
    status = ScriptedCaller(flow).press("3").hang_up()
    assert status.session.node == "status"
    assert status.session.result is SessionResult.COMPLETED
    during_menu = ScriptedCaller(flow).hang_up()
    assert during_menu.session.result is SessionResult.ABANDONED
    events = during_menu.events
    assert any(isinstance(e, Exited) and e.outcome is NodeOutcome.HANGUP for e in events)


def test_a_completed_hang_up_survives_the_hang_up_route() -> None:
    flow = hangup_flow()
    wrapped = attrs.evolve(flow, on_hangup="bye")
    session = Session(wrapped, session_id="w")
    session.begin(0.0)
    session.handle(DigitsPressed(digits="3"), 1.0)
    session.handle(CallerHungUp(), 2.0)
    assert session.result is SessionResult.COMPLETED
    restored = Session.from_dict(wrapped, session.to_dict())
    assert restored.result is SessionResult.COMPLETED


def test_hangup_result_takes_only_a_known_meaning() -> None:
    from callcenter.errors import DefinitionError
    from callcenter.ivr import flow_from_dict

    with pytest.raises(DefinitionError) as caught:
        flow_from_dict(
            {
                "name": "x",
                "start": "s",
                "prompts": {"p": {"zh": "再见"}},
                "nodes": {
                    "s": {"kind": "say", "prompt": "p", "next": "b", "hangup_result": "done"},
                    "b": {"kind": "hangup"},
                },
            }
        )
    assert [p.path for p in caught.value.problems] == ["nodes.s.hangup_result"]
