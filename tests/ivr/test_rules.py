"""The session's rules: the table, what a session does, and the docs agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from callcenter.errors import IllegalTransitionError
from callcenter.ivr import (
    CallerHungUp,
    DigitsPressed,
    Flow,
    FlowBuilder,
    HostAnswered,
    HostFailed,
    HostNotFound,
    InputEvent,
    PromptFinished,
    RecordingFinished,
    Session,
    SpeechHeard,
)
from callcenter.ivr._rules import ENTERS, INPUTS, NEXT, RULES, Act, session_mermaid, session_page

DOCS = Path(__file__).resolve().parents[2] / "docs"


def rules_flow() -> Flow:
    """A flow that reaches every situation of the rules."""
    return (
        FlowBuilder("rules", start="welcome")
        .defaults(on_hangup="tell", on_error="bye")
        .prompt("hello", zh="您好")
        .prompt("menu", zh="查询请按1,留言请按2")
        .prompt("beep", zh="请在提示音后留言")
        .say("welcome", prompt="hello", next="menu")
        .menu("menu", prompt="menu", options={"1": "ask", "2": "vm"}, on_no_input="bye")
        .lookup("ask", query="waybill", next="bye", not_found="bye")
        .record("vm", prompt="beep", mailbox="general", next="bye")
        .hangup("bye")
        .lookup("tell", query="hung_up", next="end", not_found="end")
        .hangup("end")
        .build()
    )


def _new() -> Session:
    return Session(rules_flow(), session_id="r1", caller="13800138000", dialled="400")


def _play() -> Session:
    session = _new()
    session.begin(0.0)
    return session


def _input() -> Session:
    session = _play()
    session.handle(PromptFinished(), 1.0)
    return session


def _host() -> Session:
    session = _input()
    session.handle(DigitsPressed(digits="1"), 2.0)
    return session


def _record_prompt() -> Session:
    session = _input()
    session.handle(DigitsPressed(digits="2"), 2.0)
    return session


def _recording() -> Session:
    session = _record_prompt()
    session.handle(PromptFinished(), 3.0)
    return session


def _host_gone() -> Session:
    session = _input()
    session.handle(CallerHungUp(), 2.0)
    return session


def _ended() -> Session:
    session = _host()
    session.handle(HostNotFound(request=1), 3.0)
    return session


SITUATIONS: dict[str, Callable[[], Session]] = {
    "new": _new,
    "play": _play,
    "input": _input,
    "host": _host,
    "record (prompt)": _record_prompt,
    "ended": _ended,
    "record (recording)": _recording,
    "host (caller gone)": _host_gone,
}


def _inputs(session: Session) -> list[InputEvent]:
    request = session.to_dict().get("r", 0)  # the lookup's request, if one is pending
    return [
        DigitsPressed(digits="5"),
        SpeechHeard(text="hello"),
        PromptFinished(),
        RecordingFinished(reference="msg-1", seconds=4.0),
        HostAnswered(request=request, values={"status": "delivered"}),
        HostNotFound(request=request),
        HostFailed(request=request),
        CallerHungUp(),
    ]


def _without_time(state: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in state.items() if k != "t"}


def test_the_situations_reach_every_row_of_the_rules() -> None:
    assert list(SITUATIONS) == [row.name for row in RULES]
    for row in RULES:
        assert SITUATIONS[row.name]().phase is row.phase


@pytest.mark.parametrize("name", list(SITUATIONS))
def test_a_session_handles_ignores_and_refuses_as_its_rules_say(name: str) -> None:
    row = next(r for r in RULES if r.name == name)
    for event in _inputs(SITUATIONS[name]()):
        session = SITUATIONS[name]()
        before = session.to_dict()
        act = row.inputs.get(type(event))
        if act is None:
            with pytest.raises(IllegalTransitionError) as info:
                session.handle(event, 50.0)
            # The refusal lists exactly the calls and inputs legal in this situation.
            assert info.value.allowed == (*row.calls, *(t.__name__ for t in row.inputs))
            assert session.to_dict() == before
            continue
        session.handle(event, 50.0)
        after = session.to_dict()
        assert after.get("t") == 50.0
        if act is Act.IGNORE:
            assert _without_time(after) == _without_time(before), type(event).__name__
        else:
            assert _without_time(after) != _without_time(before), type(event).__name__


@pytest.mark.parametrize("name", list(SITUATIONS))
def test_what_a_refusal_allows_is_accepted_and_nothing_else(name: str) -> None:
    """The error's list and the session's behaviour agree (the list is not a guess)."""
    refusals = []
    accepted = set()
    for event in _inputs(SITUATIONS[name]()):
        session = SITUATIONS[name]()
        try:
            session.handle(event, 50.0)
        except IllegalTransitionError as error:
            refusals.append(error)
        else:
            accepted.add(type(event).__name__)
    assert refusals, "every situation refuses some input"
    for refusal in refusals:
        assert {a for a in refusal.allowed if not a.endswith("()")} == accepted


def test_speech_while_recording_is_ignored_and_the_refusal_lists_it() -> None:
    # The caller's voice during a recording is the message: a recogniser's result is
    # ignored like a key, and the refusal of a second PromptFinished says so.
    session = _recording()
    before = session.to_dict()
    assert session.handle(SpeechHeard(text="one two three"), 4.0) == []
    assert _without_time(session.to_dict()) == _without_time(before)
    with pytest.raises(IllegalTransitionError) as info:
        session.handle(PromptFinished(), 5.0)
    assert set(info.value.allowed) == {
        "DigitsPressed",
        "SpeechHeard",
        "RecordingFinished",
        "CallerHungUp",
    }
    assert "PromptFinished" not in str(info.value).split("allowed now:")[1]


def test_a_recording_report_before_the_prompt_ends_is_refused_without_listing_itself() -> None:
    session = _record_prompt()
    with pytest.raises(IllegalTransitionError) as info:
        session.handle(RecordingFinished(reference="m", seconds=2.0), 4.0)
    assert "RecordingFinished" not in info.value.allowed
    assert "PromptFinished" in info.value.allowed


def test_a_second_hang_up_is_refused_on_the_on_hangup_route() -> None:
    session = _host_gone()
    with pytest.raises(IllegalTransitionError) as info:
        session.handle(CallerHungUp(), 4.0)
    assert set(info.value.allowed) == {
        "DigitsPressed",
        "SpeechHeard",
        "HostAnswered",
        "HostNotFound",
        "HostFailed",
    }


@pytest.mark.parametrize(
    ("builder", "start"),
    [
        (lambda b: b.say("n", prompt="p", next="end"), "n"),
        (lambda b: b.menu("n", prompt="p", options={"1": "end"}), "n"),
        (lambda b: b.lookup("n", query="q", next="end", not_found="end"), "n"),
        (lambda b: b.record("n", prompt="p", mailbox="m", next="end"), "n"),
        (lambda b: b.enqueue("n", queue="general"), "n"),
        (lambda b: b.transfer("n", to="8000"), "n"),
        (lambda b: b.set("n", values={"a": "b"}, next="end"), "n"),
    ],
)
def test_entering_a_node_leaves_the_session_where_the_rules_say(
    builder: Callable[[FlowBuilder], FlowBuilder], start: str
) -> None:
    flow = (
        builder(FlowBuilder("e", start=start).defaults(on_error="end").prompt("p", zh="请按1"))
        .hangup("end")
        .build()
    )
    session = Session(flow, session_id="e1")
    session.begin(0.0)
    target = ENTERS[type(flow.nodes[start])]
    if target == NEXT:  # runs on at once: here to the hang-up
        target = ENTERS[type(flow.nodes["end"])]
    row = next(r for r in RULES if r.name == target)
    assert session.phase is row.phase


def test_every_node_kind_has_its_place_in_the_rules() -> None:
    from callcenter.ivr._session import _RUNNERS

    assert set(ENTERS) == set(_RUNNERS)


def test_the_phase_diagram_shows_every_handled_input_and_no_other() -> None:
    def node(name: str) -> str:
        return name.replace(" (", "_").replace(")", "").replace(" ", "_")

    edges = {line.strip() for line in session_mermaid().splitlines() if "-->" in line}
    names = {t.__name__ for t in INPUTS}
    shown = {e for e in edges if e.rsplit(": ", 1)[-1] in names}
    expected = {
        f"{node(row.name)} --> {node(target)}: {event.__name__}"
        for row in RULES
        for event, act in row.inputs.items()
        if act is Act.HANDLE
        for target in row.leads_to[event]
    }
    assert shown == expected
    # Every node kind's place is drawn as well.
    for kind, target in ENTERS.items():
        assert any(e.startswith(f"next_node --> {node(target)}:") and kind.KIND in e for e in edges)


def test_checked_in_rules_page_is_up_to_date() -> None:
    page = DOCS / "reference" / "ivr-session.md"
    assert page.read_text(encoding="utf-8") == session_page(), (
        "regenerate with: python -m callcenter.ivr._rules > docs/reference/ivr-session.md"
    )
