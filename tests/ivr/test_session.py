"""The session engine, rule by rule, on small flows and on the seed flows."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from pathlib import Path
from typing import Any

import pytest

from callcenter.errors import (
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
)
from callcenter.ivr import (
    REPEAT,
    AskHost,
    CallerHungUp,
    CallerStatus,
    Condition,
    DigitsPressed,
    Enqueue,
    Flow,
    FlowBuilder,
    HangUp,
    HostAnswered,
    HostNotFound,
    Listen,
    NodeEntered,
    NodeExited,
    NodeOutcome,
    Play,
    PromptFinished,
    RecordingFinished,
    RequestCallback,
    Session,
    SessionEnded,
    SessionResult,
    SpeechHeard,
    SurveyAnswered,
    Transfer,
    load_flow,
)
from callcenter.testing import ScriptedCaller

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ivr"


@pytest.fixture(scope="module")
def tianjin() -> Flow:
    return load_flow(EXAMPLES / "tianjin-400.toml")


@pytest.fixture(scope="module")
def guangzhou() -> Flow:
    return load_flow(EXAMPLES / "guangzhou-3lang.toml")


@pytest.fixture(scope="module")
def branch_office() -> Flow:
    return load_flow(EXAMPLES / "branch-office.toml")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> float:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).timestamp()


MONDAY_10 = at(2026, 11, 23, 10)


def menu_flow(**menu: Any) -> Flow:
    options = menu.pop("options", {"1": "one", "2": "two"})
    return (
        FlowBuilder("m", start="menu", global_keys={"0": "agent", "*": REPEAT})
        .prompt("long", zh="欢迎致电,查询请按1,下单请按2")
        .prompt("short", zh="查询1,下单2")
        .prompt("sorry", zh="对不起")
        .menu(
            "menu",
            prompt="long",
            short_prompt="short",
            options=options,
            no_input_prompt="sorry",
            on_no_input="agent",
            on_no_match="agent",
            **menu,
        )
        .enqueue("one", queue="q1")
        .enqueue("two", queue="q2")
        .enqueue("agent", queue="general")
        .build()
    )


def started(flow: Flow, now: float = 0.0, **kwargs: Any) -> tuple[Session, list[Any]]:
    session = Session(flow, session_id="s1", caller="13800138000", dialled="400", **kwargs)
    return session, list(session.begin(now))


def test_menu_plays_long_prompt_first_then_short_on_retries() -> None:
    session, commands = started(menu_flow())
    assert [type(c) for c in commands] == [Play, Listen]
    assert commands[0].prompt == "long"
    assert session.next_deadline() is None  # the timer starts when the prompt ends
    session.handle(PromptFinished(), 5.0)
    assert session.next_deadline() == 10.0
    commands = list(session.advance(10.0))
    assert [c.prompt for c in commands if isinstance(c, Play)] == ["sorry", "short"]
    session.handle(PromptFinished(), 11.0)
    assert session.next_deadline() is None  # two prompts queued: one more to finish
    session.handle(PromptFinished(), 12.0)
    assert session.next_deadline() == 17.0


def test_the_third_no_input_goes_to_the_route() -> None:
    session, _ = started(menu_flow())
    now = 0.0
    for _attempt in range(3):
        while session.phase == "input" and session.next_deadline() is None:
            session.handle(PromptFinished(), now)
        deadline = session.next_deadline()
        assert deadline is not None
        now = deadline
        commands = session.advance(now)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "general"
    exits = [e for e in session.take_events() if isinstance(e, NodeExited)]
    assert exits[0].outcome is NodeOutcome.NO_INPUT
    assert exits[0].no_inputs == 3


def test_unexpected_keys_are_no_matches_never_errors() -> None:
    session, _ = started(menu_flow(no_match_limit=2))
    commands = session.handle(DigitsPressed(digits="7"), 1.0)
    assert [c.prompt for c in commands if isinstance(c, Play)] == ["short"]
    assert not session.ended
    commands = session.handle(DigitsPressed(digits="#"), 2.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "general"
    exits = [e for e in session.take_events() if isinstance(e, NodeExited)]
    assert exits[0].outcome is NodeOutcome.NO_MATCH
    assert exits[0].no_matches == 2


def test_barge_in_choice_and_global_keys() -> None:
    session, _ = started(menu_flow())
    commands = session.handle(DigitsPressed(digits="2"), 1.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "q2"
    session, _ = started(menu_flow())
    commands = session.handle(DigitsPressed(digits="0"), 1.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "general"
    session, _ = started(menu_flow())
    session.handle(DigitsPressed(digits="9"), 1.0)  # no-match: short prompt next
    commands = session.handle(DigitsPressed(digits="*"), 2.0)  # repeat: the full prompt
    assert [c.prompt for c in commands if isinstance(c, Play)] == ["long"]


def test_multi_key_options_wait_for_the_inter_digit_timeout() -> None:
    flow = menu_flow(options={"1": "one", "10": "two"})
    session, _ = started(flow)
    assert session.handle(DigitsPressed(digits="1"), 1.0) == []
    assert session.next_deadline() == 3.0
    commands = session.advance(3.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "q1"
    session, _ = started(flow)
    commands = session.handle(DigitsPressed(digits="10"), 1.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "q2"


def test_speech_words_choose_options() -> None:
    flow = menu_flow(words={"查询": "1", "order": "2"})
    session, _ = started(flow)
    commands = session.handle(SpeechHeard(text="I want to ORDER something"), 1.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "q2"
    session, _ = started(flow)
    commands = session.handle(SpeechHeard(text="blah"), 1.0)
    assert not session.ended


def collect_flow(**collect: Any) -> Flow:
    return (
        FlowBuilder("c", start="ask", on_error="agent")
        .prompt("enter", zh="请输入运单号")
        .prompt("confirm", zh="您输入的是{value},确认请按1")
        .collect("ask", prompt="enter", store="waybill", next="done", **collect)
        .enqueue("done", queue="tracking", attributes={"source": "ivr"})
        .enqueue("agent", queue="general")
        .build()
    )


def test_collect_terminator_max_digits_and_timeout() -> None:
    flow = collect_flow(min_digits=4, max_digits=6)
    session, _ = started(flow)
    commands = session.handle(DigitsPressed(digits="1234#"), 1.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].attributes["waybill"] == "1234"
    assert commands[-1].attributes["source"] == "ivr"
    session, _ = started(flow)
    commands = session.handle(DigitsPressed(digits="123456"), 1.0)
    assert commands[-1].attributes["waybill"] == "123456"  # type: ignore[union-attr]
    session, _ = started(flow)
    session.handle(DigitsPressed(digits="12345"), 1.0)
    assert session.next_deadline() == 4.0  # inter-digit timeout ends the value
    commands = session.advance(4.0)
    assert commands[-1].attributes["waybill"] == "12345"  # type: ignore[union-attr]


def test_collect_too_short_or_off_pattern_is_a_no_match() -> None:
    flow = collect_flow(min_digits=4, max_digits=6, pattern="9[0-9]*", no_match_limit=2)
    session, _ = started(flow)
    session.handle(DigitsPressed(digits="12#"), 1.0)
    assert session.phase == "input"
    assert not session.ended
    commands = session.handle(DigitsPressed(digits="1234#"), 2.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "general"
    assert "waybill" not in commands[-1].attributes


def test_collect_escape_keys_and_confirmation() -> None:
    flow = collect_flow(keys={"0": "agent"}, confirm_prompt="confirm")
    session, _ = started(flow)
    commands = session.handle(DigitsPressed(digits="0"), 1.0)
    assert isinstance(commands[-1], Enqueue)
    assert commands[-1].queue == "general"
    session, _ = started(flow)
    commands = session.handle(DigitsPressed(digits="5678#"), 1.0)
    assert isinstance(commands[0], Play)
    assert commands[0].text == "您输入的是5678,确认请按1"
    commands = session.handle(DigitsPressed(digits="2"), 2.0)  # re-enter
    assert [c.prompt for c in commands if isinstance(c, Play)] == ["enter"]
    session.handle(DigitsPressed(digits="4321#"), 3.0)
    commands = session.handle(DigitsPressed(digits="1"), 4.0)
    assert commands[-1].attributes["waybill"] == "4321"  # type: ignore[union-attr]


def lookup_flow() -> Flow:
    return (
        FlowBuilder("l", start="ask", on_error="failed")
        .prompt("status", zh="状态:{w.status}")
        .lookup(
            "ask",
            query="waybill_status",
            arguments={"waybill": "{caller}"},
            into="w.",
            timeout=4.0,
            next="say",
            not_found="missing",
        )
        .say("say", prompt="status", next="bye")
        .hangup("bye")
        .hangup("missing")
        .enqueue("failed", queue="general")
        .build()
    )


def test_host_lookup_answers_not_found_failure_and_timeout() -> None:
    session, commands = started(lookup_flow())
    ask = commands[0]
    assert isinstance(ask, AskHost)
    assert ask.arguments == {"waybill": "13800138000"}
    commands = session.handle(HostAnswered(request=ask.request, values={"status": "在途"}), 1.0)
    assert isinstance(commands[0], Play)
    assert commands[0].text == "状态:在途"
    assert session.attributes["w.status"] == "在途"
    session, commands = started(lookup_flow())
    session.handle(HostNotFound(request=1), 1.0)
    assert session.node == "missing"
    session, commands = started(lookup_flow())
    assert session.next_deadline() == 4.0
    commands = session.advance(4.0)
    assert isinstance(commands[-1], Enqueue)
    exits = [e for e in session.take_events() if isinstance(e, NodeExited)]
    assert exits[0].outcome is NodeOutcome.ERROR
    assert exits[0].at == 4.0


def test_illegal_events_are_typed_errors_and_change_nothing() -> None:
    session, _commands = started(lookup_flow())
    before = session.to_dict()
    with pytest.raises(IllegalTransitionError, match="request 1"):
        session.handle(HostAnswered(request=7), 1.0)
    with pytest.raises(IllegalTransitionError, match="host"):
        session.handle(PromptFinished(), 1.0)
    with pytest.raises(IllegalTransitionError):
        session.handle(RecordingFinished(reference="x", seconds=1.0), 1.0)
    with pytest.raises(InvalidArgumentError):
        session.handle(DigitsPressed(digits="1a"), 1.0)
    with pytest.raises(InvalidArgumentError):
        session.handle(HostAnswered(request=1, values={"a": 1}), 1.0)  # type: ignore[dict-item]
    with pytest.raises(InvalidArgumentError):
        session.handle(HostAnswered(request=1, values=[("a", "b")]), 1.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        session.handle(DigitsPressed(digits=5), 1.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        session.handle(SpeechHeard(text=None), 1.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        session.handle("1", 1.0)  # type: ignore[arg-type]
    session.handle(DigitsPressed(digits="5"), 2.0)  # keys while waiting: ignored
    with pytest.raises(TimeWentBackwardsError):
        session.advance(1.0)
    with pytest.raises(InvalidArgumentError):
        session.advance(float("nan"))
    after = session.to_dict()
    assert after.pop("t") == 2.0
    before.pop("t")
    assert after == before
    session.handle(CallerHungUp(), 3.0)
    with pytest.raises(IllegalTransitionError):
        session.handle(CallerHungUp(), 4.0)
    with pytest.raises(IllegalTransitionError):
        session.begin(5.0)
    fresh = Session(lookup_flow(), session_id="x")
    with pytest.raises(IllegalTransitionError):
        fresh.handle(PromptFinished(), 0.0)
    fresh.advance(10.0)
    with pytest.raises(TimeWentBackwardsError):
        fresh.begin(5.0)
    assert fresh.phase == "new"
    fresh.begin(10.0)
    assert fresh.phase == "host"


def test_hang_up_ends_the_session_as_abandoned_in_the_current_node() -> None:
    session, _ = started(menu_flow())
    assert session.handle(CallerHungUp(), 3.0) == []
    events = session.take_events()
    assert isinstance(events[-2], NodeExited)
    assert events[-2].outcome is NodeOutcome.HANGUP
    assert isinstance(events[-1], SessionEnded)
    assert events[-1].result is SessionResult.ABANDONED
    assert events[-1].node == "menu"
    assert session.next_deadline() is None


def test_business_hours_open_closed_holiday(branch_office: Flow) -> None:
    cases = [
        (at(2026, 11, 23, 10), "branch_menu"),
        (at(2026, 11, 23, 18, 30), "night"),
        (at(2026, 11, 24, 7, 59), "night"),
        (at(2026, 10, 2, 10), "holiday"),
        (at(2026, 10, 2, 22), "holiday"),
    ]
    for now, node in cases:
        session, _ = started(branch_office, now)
        assert session.node == node, datetime.datetime.fromtimestamp(now, SHANGHAI)


def test_blocked_callers_and_vips() -> None:
    flow = menu_flow()
    session, commands = started(flow, status=CallerStatus.BLOCKED)
    assert commands == [HangUp(node="menu", reason="blocked")]
    assert session.result is SessionResult.BLOCKED
    session, _ = started(flow, status=CallerStatus.VIP)
    assert session.attributes["caller_status"] == "vip"
    polite = (
        FlowBuilder("b", start="s", on_blocked="sorry")
        .prompt("p", zh="您的号码无法接入")
        .say("s", prompt="p", next="bye")
        .say("sorry", prompt="p", next="bye")
        .hangup("bye")
        .build()
    )
    session, _ = started(polite, status=CallerStatus.BLOCKED)
    assert session.node == "sorry"
    commands = session.handle(PromptFinished(), 3.0)
    assert commands == [HangUp(node="bye", reason="flow")]
    assert session.result is SessionResult.BLOCKED


def test_step_guard_ends_a_looping_flow_with_an_error() -> None:
    flow = (
        FlowBuilder("loop", start="a", max_steps=25)
        .set("a", values={"x": "1"}, next="b")
        .branch("b", rules=[(Condition(attribute="x", equals="1"), "a")], otherwise="a")
        .build()
    )
    session, commands = started(flow)
    assert commands == [HangUp(node=session.node, reason="error")]
    assert session.result is SessionResult.ERROR
    assert session.steps == 25
    events = session.take_events()
    entered = [e for e in events if isinstance(e, NodeEntered)]
    assert len(entered) == 25
    assert isinstance(events[-2], NodeExited)
    assert isinstance(events[-1], SessionEnded)
    assert events[-1].result is SessionResult.ERROR


def test_subflow_call_and_return(guangzhou: Flow) -> None:
    caller = ScriptedCaller(guangzhou, now=MONDAY_10)
    caller.press("2")  # Cantonese
    caller.press("1")  # self-service
    caller.press("2")  # prices, through the info subflow
    caller.listen()
    assert caller.path[-4:] == ["play_prices", "info_prices", "info_done", "self_service"]
    assert caller.prompts[-2:] == ["prices", "self_service"]
    assert caller.commands[-2].language == "yue"  # type: ignore[union-attr]
    caller.press("9").wait_until_end()
    caller.expect_enqueue("service", skills=["cantonese"], language="yue")


def test_language_fallback_chain(guangzhou: Flow) -> None:
    caller = ScriptedCaller(guangzhou, now=MONDAY_10)
    caller.press("3").press("1").press("3")  # English, self-service, policy
    caller.listen()
    plays = [c for c in caller.commands if isinstance(c, Play) and c.prompt == "policy"]
    assert plays[0].language == "zh"  # no English recording: Mandarin instead


def test_voicemail_and_survey_and_callback() -> None:
    flow = (
        FlowBuilder("v", start="offer", languages=["zh"], on_error="bye")
        .prompt("offer", zh="需要回电请按1,继续等待请按2")
        .prompt("rate", zh="请为本次服务打分,1到5分")
        .prompt("leave", zh="请留言")
        .callback("offer", prompt="offer", queue="callbacks", next="rate", declined="leave")
        .survey("rate", prompt="rate", store="score", next="bye")
        .record("leave", prompt="leave", mailbox="vm", next="bye")
        .hangup("bye")
        .build()
    )
    session, _ = started(flow)
    commands = session.handle(DigitsPressed(digits="1"), 1.0)
    assert isinstance(commands[0], RequestCallback)
    assert commands[0].number == "13800138000"
    commands = session.handle(DigitsPressed(digits="4"), 2.0)
    assert commands == [HangUp(node="bye", reason="flow")]
    events = session.take_events()
    answers = [e for e in events if isinstance(e, SurveyAnswered)]
    assert answers[0].value == 4
    assert session.attributes["score"] == "4"
    assert session.attributes["callback_queue"] == "callbacks"
    assert session.result is SessionResult.CALLBACK  # not contained: an agent calls back
    session, _ = started(flow)
    session.handle(DigitsPressed(digits="2"), 1.0)
    assert session.phase == "record"
    commands = session.handle(PromptFinished(), 2.0)
    assert commands[0].mailbox == "vm"  # type: ignore[union-attr]
    with pytest.raises(InvalidArgumentError):
        session.handle(RecordingFinished(reference="rec-9", seconds=-1.0), 20.0)
    with pytest.raises(InvalidArgumentError):
        session.handle(RecordingFinished(reference=9, seconds=1.0), 20.0)  # type: ignore[arg-type]
    session.handle(RecordingFinished(reference="rec-9", seconds=12.0), 20.0)
    assert session.attributes["recording"] == "rec-9"
    assert session.result is SessionResult.VOICEMAIL


def test_transfer_renders_attributes() -> None:
    flow = FlowBuilder("t", start="x").transfer("x", to="sip:{dialled}@hq.example").build()
    session, commands = started(flow)
    assert commands[0] == Transfer(node="x", to="sip:400@hq.example", attributes=session.attributes)
    assert session.result is SessionResult.TRANSFERRED


def test_state_round_trips_and_stays_small(tianjin: Flow) -> None:
    caller = ScriptedCaller(tianjin, now=MONDAY_10)
    caller.press("1").press("123456789012#")
    data = caller.session.to_dict()
    encoded = json.dumps(data, ensure_ascii=False).encode()
    assert len(encoded) < 512
    restored = Session.from_dict(tianjin, json.loads(encoded))
    assert restored.to_dict() == data
    commands = restored.handle(HostAnswered(request=1, values={"status": "ok"}), MONDAY_10 + 60)
    original = caller.session.handle(
        HostAnswered(request=1, values={"status": "ok"}), MONDAY_10 + 60
    )
    assert commands == original
    with pytest.raises(InvalidArgumentError, match=r"state\.n"):
        Session.from_dict(tianjin, {**data, "n": "nowhere"})
    with pytest.raises(InvalidArgumentError, match=r"state\.f"):
        Session.from_dict(tianjin, {**data, "f": "other"})
    with pytest.raises(InvalidArgumentError, match=r"state\.p"):
        Session.from_dict(
            tianjin, {**data, "n": "status"}
        )  # a say node is never waiting for the host
    with pytest.raises(InvalidArgumentError, match=r"state\.b"):
        Session.from_dict(tianjin, {**data, "b": "12x"})


def test_unknown_start_language_is_refused(guangzhou: Flow) -> None:
    with pytest.raises(InvalidArgumentError):
        Session(guangzhou, session_id="x", language="fr")
    session = Session(guangzhou, session_id="x", language="en")
    assert session.language == "en"


def test_seed_tianjin_waybill_enquiry_end_to_end(tianjin: Flow) -> None:
    caller = ScriptedCaller(tianjin, now=MONDAY_10)
    caller.press("1")
    caller.press("123456789012#")
    caller.host_answers(status="在途", location="天津")
    caller.listen()
    texts = [c.text for c in caller.commands if isinstance(c, Play)]
    assert texts[-2] == "运单123456789012的状态是:在途,当前位置:天津。"
    caller.press("9")
    caller.expect_hangup()
    assert caller.session.result is SessionResult.COMPLETED  # contained in the IVR
    caller = ScriptedCaller(tianjin, now=MONDAY_10)
    caller.press("1")
    caller.press("123456789012#").host_not_found()
    caller.listen()
    assert caller.session.node == "track"
    caller.press("0")
    caller.expect_enqueue("tracking")


def test_seed_tianjin_out_of_hours_voicemail(tianjin: Flow) -> None:
    caller = ScriptedCaller(tianjin, now=at(2026, 10, 1, 10))  # National Day
    caller.leave_message(seconds=30.0, reference="vm-1")
    caller.expect_hangup()
    assert caller.path == ["hours", "voicemail", "goodbye", "end"]
    assert caller.session.result is SessionResult.VOICEMAIL
    assert caller.session.attributes["recording"] == "vm-1"


def test_hang_up_route_wraps_up_without_the_caller() -> None:
    flow = (
        FlowBuilder("w", start="menu", on_error="agent", on_hangup="mark")
        .prompt("p", zh="请选择")
        .menu("menu", prompt="p", options={"1": "agent"})
        .set("mark", values={"abandoned_in": "menu"}, next="tell_host")
        .lookup(
            "tell_host",
            query="log_abandon",
            arguments={"caller": "{caller}"},
            next="done",
            not_found="done",
            on_failure="done",
        )
        .hangup("done")
        .enqueue("agent", queue="general")
        .build()
    )
    session, _ = started(flow)
    commands = session.handle(CallerHungUp(), 3.0)
    assert len(commands) == 1
    ask = commands[0]
    assert isinstance(ask, AskHost)
    assert ask.query == "log_abandon"
    with pytest.raises(IllegalTransitionError):
        session.handle(CallerHungUp(), 3.5)  # already gone
    restored = Session.from_dict(flow, session.to_dict())
    assert restored.handle(HostNotFound(request=ask.request), 4.0) == []  # no HangUp: line down
    assert restored.result is SessionResult.ABANDONED
    assert restored.attributes["abandoned_in"] == "menu"
    events = session.take_events()
    exits = [e for e in events if isinstance(e, NodeExited)]
    assert exits[0].outcome is NodeOutcome.HANGUP
    assert exits[0].node == "menu"


def test_a_caller_node_after_a_hang_up_ends_the_session() -> None:
    flow = (
        FlowBuilder("w", start="menu", on_error="agent", on_hangup="agent")
        .prompt("p", zh="请选择")
        .menu("menu", prompt="p", options={"1": "agent"})
        .enqueue("agent", queue="general")
        .build()
    )
    session, _ = started(flow)
    assert session.handle(CallerHungUp(), 3.0) == []  # no Enqueue for a caller who left
    assert session.result is SessionResult.ABANDONED
    assert session.node == "agent"


@pytest.mark.parametrize("now", [10**400, -(10**400), float("nan"), float("inf"), True, "1"])
def test_a_time_that_is_no_finite_number_is_refused_by_every_call(now: Any) -> None:
    # The session checks times with the library's one time check: an int too large
    # for a float is a library error too, never an OverflowError.
    fresh = Session(menu_flow(), session_id="t")
    with pytest.raises(InvalidArgumentError):
        fresh.begin(now)
    assert fresh.phase == "new"
    session, _ = started(menu_flow())
    before = session.to_dict()
    with pytest.raises(InvalidArgumentError):
        session.handle(PromptFinished(), now)
    with pytest.raises(InvalidArgumentError):
        session.advance(now)
    assert session.to_dict() == before


def test_a_snapshot_holds_every_field_a_call_may_change() -> None:
    from callcenter.ivr import _session

    # Fixed for the session's life: the flow, its id, the blocked flag, the nodes
    # that may reach a calendar; the event list is kept by its length.
    fixed = {"_flow", "_id", "_blocked", "_reach", "_events"}
    assert set(_session.Session.__slots__) - fixed == set(_session._SAVED_STATE)
