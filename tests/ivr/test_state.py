"""Serialized sessions (checked and signed), and calls that fail: all or nothing.

The hostile-input campaign at the end drives sessions with random calls, many of
them wrong (wrong types, NaN, infinite, backward and millisecond times, events
illegal in the phase, objects that are not events at all): each call either works
or is refused with a library error, and a refused call leaves the serialized state
exactly as it was. Its number of examples follows the active Hypothesis profile.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.calendars import BusinessCalendar
from callcenter.errors import CallCenterError, InvalidArgumentError
from callcenter.ivr import (
    CallerHungUp,
    DigitsPressed,
    Flow,
    FlowBuilder,
    HostAnswered,
    HostFailed,
    HostNotFound,
    PromptFinished,
    RecordingFinished,
    Session,
    SpeechHeard,
    load_flow,
    sign_state,
    verify_state,
)
from callcenter.testing import run_script

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ivr"
FLOWS = {
    name: load_flow(EXAMPLES / f"{name}.toml")
    for name in ("tianjin-400", "guangzhou-3lang", "branch-office")
}
MONDAY_10 = datetime.datetime(2026, 11, 23, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
START = MONDAY_10.timestamp()
KEY = b"0123456789abcdef0123456789abcdef"


def at_confirmation() -> tuple[Flow, Session]:
    flow = (
        FlowBuilder("w", start="ask", on_error="agent")
        .prompt("p", zh="请输入运单号")
        .prompt("c", zh="您输入的是{value},确认请按1")
        .collect(
            "ask",
            prompt="p",
            store="waybill",
            next="look",
            min_digits=12,
            max_digits=12,
            pattern="[0-9]{12}",
            confirm_prompt="c",
        )
        .lookup(
            "look", query="waybill", arguments={"id": "{waybill}"}, next="agent", not_found="agent"
        )
        .enqueue("agent", queue="general")
        .build()
    )
    session = Session(flow, session_id="c1")
    session.begin(0.0)
    session.handle(DigitsPressed(digits="1234"), 1.0)
    return flow, session


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("b", "1234567890123"),  # more keys than max_digits
        ("b", "12*"),  # not digits
        ("c", "'; DROP TABLE--"),  # a value the collect would never accept
        ("c", "12345"),  # too short to have passed
        ("x", "no"),  # a text where a flag belongs
        ("g", 1),
        ("n", "nowhere"),
        ("p", 3),  # the host phase at a collect node
        ("p", True),
        ("i", 7),  # beyond the node's no-input limit
        ("m", -1),
        ("s", 10**9),
        ("k", ["ask"]),  # not the return point of any call
        ("sn", ["agent"]),  # a node that plays no prompt
        ("t", math.nan),
        ("d", "soon"),
        ("id", 5),
        ("v", True),
        ("res", "enqueued"),  # a result while the session runs
        ("zz", 1),  # not a field of a state
    ],
)
def test_an_edited_state_is_refused_field_by_field(field: str, value: object) -> None:
    flow, session = at_confirmation()
    state = session.to_dict()
    state[field] = value
    with pytest.raises(InvalidArgumentError) as caught:
        Session.from_dict(flow, state)
    assert caught.value.name == f"state.{field}"


def test_a_pending_value_is_checked_like_a_typed_one() -> None:
    flow, session = at_confirmation()
    session.handle(DigitsPressed(digits="56789012"), 2.0)
    state = session.to_dict()
    assert state["c"] == "123456789012"
    restored = Session.from_dict(flow, state)
    restored.handle(DigitsPressed(digits="1"), 3.0)
    assert restored.attributes["waybill"] == "123456789012"


def test_signed_states_round_trip_and_refuse_tampering() -> None:
    flow, session = at_confirmation()
    token = session.to_token(key=KEY, key_id="k1")
    assert Session.from_token(flow, token, keys={"k1": KEY}).to_dict() == session.to_dict()
    prefix, key_id, payload, signature = token.split(".")
    forged = sign_state({**session.to_dict(), "b": "9999"}, key=b"x" * 32, key_id="k1")
    tampered = [
        f"{prefix}.{key_id}.{forged.split('.')[2]}.{signature}",  # other state, old signature
        forged,  # signed with another key
        f"{prefix}.k2.{payload}.{signature}",  # unknown key id
        f"{prefix}.{key_id}.{payload}.{signature[:-2]}",
        "not a token",
        "",
    ]
    for bad in tampered:
        with pytest.raises(InvalidArgumentError):
            Session.from_token(flow, bad, keys={"k1": KEY})
    # Rotation: a token signed with the old key is read while both are accepted.
    new = b"N" * 32
    assert verify_state(token, keys={"k1": KEY, "k2": new}) == session.to_dict()
    with pytest.raises(InvalidArgumentError):
        session.to_token(key=b"short", key_id="k1")
    with pytest.raises(InvalidArgumentError):
        session.to_token(key=KEY, key_id="a.b")


class FailingCalendar(BusinessCalendar):
    """A calendar that cannot answer (as one with a date out of range could not)."""

    def intervals_from(self, instant: float) -> Any:
        raise OverflowError("date value out of range")


def test_a_call_that_fails_half_way_leaves_the_session_as_it_was() -> None:
    calendar = FailingCalendar.always_open("Asia/Shanghai")
    flow = (
        FlowBuilder("h", start="menu", on_error="agent")
        .prompt("p", zh="请按1")
        .calendar("cal", calendar)
        .menu("menu", prompt="p", options={"1": "set"})
        .set("set", values={"chosen": "yes"}, next="hours")
        .hours("hours", calendar="cal", open="agent", closed="agent")
        .enqueue("agent", queue="general")
        .build()
    )
    session = Session(flow, session_id="h1")
    session.begin(0.0)
    before = session.to_dict()
    session.take_events()
    with pytest.raises(InvalidArgumentError):
        session.handle(DigitsPressed(digits="1"), 1.0)
    assert session.to_dict() == before
    assert session.take_events() == []
    # A millisecond timestamp at an hours node is refused the same way.
    tianjin = Session(FLOWS["tianjin-400"], session_id="ms")
    with pytest.raises(CallCenterError):
        tianjin.begin(1.79e12)
    assert tianjin.to_dict() == Session(FLOWS["tianjin-400"], session_id="ms").to_dict()


# --------------------------------------------------------------------------- campaign

TIMES = st.one_of(
    st.floats(min_value=-5, max_value=40),  # forward, and sometimes backward
    st.sampled_from([math.nan, math.inf, -math.inf, 1.79e12, -1e9]),
    st.just(10**400),
    st.sampled_from(["1", None, True, [1.0]]),
)
TEXT = st.text(alphabet="0123456789*#abc 是", max_size=6)
ODD = st.sampled_from([None, 3, 1.5, b"1", ["1"], {"1": 1}, math.nan])
EVENTS = st.one_of(
    st.builds(DigitsPressed, digits=st.one_of(TEXT, ODD)),
    st.builds(SpeechHeard, text=st.one_of(TEXT, ODD)),
    st.builds(PromptFinished),
    st.builds(CallerHungUp),
    st.builds(
        HostAnswered,
        request=st.one_of(st.integers(-1, 3), ODD),
        values=st.one_of(st.dictionaries(TEXT, TEXT, max_size=2), ODD),
    ),
    st.builds(HostNotFound, request=st.one_of(st.integers(-1, 3), ODD)),
    st.builds(HostFailed, request=st.one_of(st.integers(-1, 3), ODD)),
    st.builds(
        RecordingFinished,
        reference=st.one_of(TEXT, ODD),
        seconds=st.one_of(st.floats(allow_nan=True, allow_infinity=True), ODD),
    ),
    ODD,  # not an event at all
)
CALLS = st.one_of(
    st.tuples(st.just("handle"), EVENTS, TIMES),
    st.tuples(st.just("advance"), st.none(), TIMES),
    st.tuples(st.just("begin"), st.none(), TIMES),
)


@given(
    name=st.sampled_from(sorted(FLOWS)),
    start=st.sampled_from([START, START + 11 * 3600, 0.0]),
    begun=st.booleans(),
    calls=st.lists(CALLS, max_size=25),
)
def test_hostile_calls_are_refused_with_library_errors_and_change_nothing(
    name: str, start: float, begun: bool, calls: list[tuple[str, object, object]]
) -> None:
    flow = FLOWS[name]
    session = Session(flow, session_id="hostile", caller="13800138000", dialled="400")
    if begun:
        session.begin(start)
    now = start
    for kind, event, delta in calls:
        when: object = now + delta if isinstance(delta, float) and math.isfinite(delta) else delta
        before = session.to_dict()
        session.take_events()
        try:
            if kind == "handle":
                session.handle(event, when)  # type: ignore[arg-type]
            elif kind == "advance":
                session.advance(when)  # type: ignore[arg-type]
            else:
                session.begin(when)  # type: ignore[arg-type]
        except CallCenterError:
            assert session.to_dict() == before
            assert session.take_events() == []
        else:
            assert isinstance(when, float)
            now = max(now, when)
        Session.from_dict(flow, session.to_dict())  # every state reached reads back


STATE_FIELDS = sorted(
    "v f id n p a t pl b c i m s k d r sn x g dn tm res l".split(" "),  # noqa: SIM905
)


@given(
    name=st.sampled_from(sorted(FLOWS)),
    keys=st.lists(st.text(alphabet="0123456789*#", min_size=1, max_size=4), max_size=4),
    field=st.sampled_from(STATE_FIELDS),
    value=st.one_of(ODD, TEXT, st.integers(-2, 70), st.lists(TEXT, max_size=2), st.booleans()),
)
def test_an_edited_state_is_refused_or_runs_with_library_errors_only(
    name: str, keys: list[str], field: str, value: object
) -> None:
    flow = FLOWS[name]
    caller = run_script(flow, [("barge", k) for k in keys])
    state = caller.session.to_dict()
    state[field] = value
    try:
        session = Session.from_dict(flow, state)
    except CallCenterError:
        return
    now = state.get("t", START)
    for event in (DigitsPressed(digits="1"), PromptFinished(), HostFailed(request=1)):
        try:
            session.advance(now + 60)
            session.handle(event, now + 60)
        except CallCenterError:
            pass
        now += 60


@pytest.mark.parametrize(
    "arguments",
    [
        {"session_id": 7},
        {"session_id": "x" * 300},
        {"caller": None},
        {"attributes": {"vip": True}},
        {"attributes": ["vip"]},
        {"language": ["zh"]},
        {"status": "vip"},
    ],
)
def test_a_session_is_refused_what_it_could_not_store(arguments: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError):
        Session(FLOWS["tianjin-400"], **{"session_id": "s", **arguments})
