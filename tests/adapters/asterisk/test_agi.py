"""The FastAGI server against an AGI peer that plays Asterisk's side over TCP."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.adapters.asterisk import FastAgiServer
from callcenter.adapters.asterisk._agi_wire import (
    AgiWireError,
    format_command,
    parse_environment_line,
    parse_reply,
    quote_argument,
)
from callcenter.errors import InvalidArgumentError
from callcenter.hotline import (
    AnswerCall,
    CallArrived,
    CallCommand,
    CallInput,
    ContactFinished,
    HoldCaller,
    Hotline,
    HotlineInput,
    HotlineOutput,
    RejectCall,
    RingAgent,
)
from callcenter.ivr import (
    AskHost,
    DigitsPressed,
    HangUp,
    HostAnswered,
    Listen,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
)
from callcenter.metrics import Outcome
from callcenter.testing import (
    TIANJIN_BLOCKED,
    TIANJIN_LINE,
    Expect,
    HostReply,
    Script,
    tianjin_hotline,
    tianjin_scripts,
    tianjin_time,
)

from .agi_peer import (
    Action,
    FakeClock,
    Finish,
    Hangs,
    Keys,
    Peer,
    Recorded,
    environment,
    parse_args,
)

TRANSCRIPTS = Path(__file__).parent / "transcripts"
STATUS = {"status": "在途", "location": "天津分拨中心"}


def _run(coroutine: Coroutine[Any, Any, Any], timeout: float = 20.0) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coroutine, timeout)

    return asyncio.run(bounded())


class Harness:
    """A hotline, a FastAGI server on a free port, and what the server passed on."""

    def __init__(self, start: float, **options: Any) -> None:
        self.clock = FakeClock(start)
        self.hotline = Hotline(tianjin_hotline())
        self.passed: list[HotlineOutput] = []
        self.asked: list[AskHost] = []
        options.setdefault("lookup", self.lookup)
        self.server = FastAgiServer(
            self.hotline, on_output=self.passed.append, clock=self.clock, **options
        )
        # The sound files' lengths, as Asterisk knows them: the prompts' own.
        self.lengths: dict[str, float] = {}
        handle = self.hotline.handle

        def noting(item: HotlineInput, now: float) -> list[HotlineOutput]:
            outputs = handle(item, now)
            for o in outputs:
                if isinstance(o, CallCommand) and isinstance(o.command, Play):
                    self.lengths[o.command.audio or o.command.prompt] = o.command.seconds
            return outputs

        setattr(self.hotline, "handle", noting)  # noqa: B010 - a spy on one instance

    async def lookup(self, call_id: str, ask: AskHost) -> Mapping[str, str] | None:
        self.asked.append(ask)
        return STATUS

    async def call(self, peers: list[Peer]) -> list[Peer]:
        port = await self.server.start("127.0.0.1", 0)
        try:
            return list(await asyncio.gather(*(p.run(port) for p in peers)))
        finally:
            await self.server.stop()

    def peer(self, uniqueid: str, caller: str, actions: list[Action], **kw: Any) -> Peer:
        name = kw.pop("name", "unknown")
        env = environment(uniqueid, caller, name=name)
        return Peer(env, actions, self.clock, lengths=self.lengths, **kw)


def _played(peer: Peer) -> list[tuple[str, ...]]:
    """What the caller heard and did, from the AGI commands."""
    out: list[tuple[str, ...]] = []
    for argv in peer.commands:
        if argv[:2] == ["STREAM", "FILE"]:
            out.append(("play", argv[2]))
        elif argv[:2] == ["RECORD", "FILE"]:
            out.append(("record", argv[2].split("/")[0]))
        elif argv == ["HANGUP"]:
            out.append(("hangup",))
    return out


def _expected(outputs: list[HotlineOutput], call_id: str) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for o in outputs:
        if isinstance(o, CallCommand) and o.call_id == call_id:
            c = o.command
            if isinstance(c, Play):
                out.append(("play", c.audio or c.prompt))
            elif isinstance(c, Record):
                out.append(("record", c.mailbox))
            elif isinstance(c, HangUp):
                out.append(("hangup",))
    return out


def _transcript(peer: Peer) -> str:
    lines = []
    for side, data in peer.transcript:
        for line in data.decode().splitlines():
            lines.append(f"{'A' if side == 'asterisk' else 'S'}: {line}")
    return "\n".join(lines) + "\n"


def _check_transcript(name: str, peer: Peer) -> None:
    """The whole conversation, byte for byte, as checked in (reviewed against the docs).

    ``CALLCENTER_WRITE_TRANSCRIPTS=1`` writes them anew after a deliberate change.
    """
    path = TRANSCRIPTS / f"{name}.txt"
    if os.environ.get("CALLCENTER_WRITE_TRANSCRIPTS") == "1":
        path.write_text(_transcript(peer), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == _transcript(peer)


# --------------------------------------------------------------------------- the wire


@given(st.text(max_size=60).filter(lambda t: not any(c in t for c in "\r\n\x00")))
def test_any_argument_reaches_asterisk_as_one_word_unchanged(value: str) -> None:
    line = format_command("SET VARIABLE", "CALLCENTER_ATTR_x", value)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert parse_args(line[:-1].decode()) == ["SET", "VARIABLE", "CALLCENTER_ATTR_x", value]


@given(st.text(max_size=20), st.sampled_from("\r\n\x00"), st.text(max_size=20))
def test_cr_lf_and_nul_are_refused(head: str, bad: str, tail: str) -> None:
    with pytest.raises(InvalidArgumentError, match="CR, LF or NUL"):
        quote_argument(head + bad + tail)


@given(st.text(max_size=80))
def test_fuzz_reply_lines_parse_or_give_a_wire_error(line: str) -> None:
    try:
        reply = parse_reply(line)
    except AgiWireError:
        return
    assert reply.code in (200, 510, 511, 520)


def test_reply_lines() -> None:
    reply = parse_reply("200 result=0 (timeout) endpos=16000")
    assert (reply.value, reply.data, reply.endpos) == (0, "timeout", 16000)
    assert parse_reply("200 result=-1").value == -1
    assert (
        parse_reply("511 Command Not Permitted on a dead channel or intercept routine").code == 511
    )
    with pytest.raises(AgiWireError):
        parse_reply("200 result=x")
    with pytest.raises(AgiWireError):
        parse_reply("200 result=1 (unclosed")
    assert parse_environment_line("agi_callerid: 13800138000") == ("callerid", "13800138000")
    assert parse_environment_line("") is None
    with pytest.raises(AgiWireError):
        parse_environment_line("callerid 1")


# --------------------------------------------------------------------------- the kit's calls


def test_waybill_self_service_matches_the_plain_hotline() -> None:
    # The kit's waybill script (press 1, enter the number, hear the status, press 9)
    # played by the AGI peer; the same inputs given to a plain hotline.
    t = tianjin_time(10)
    h = Harness(t)
    actions: list[Action] = [
        Keys(t + 3, "1"),
        Keys(t + 12, "123456789012#"),
        Finish(t + 20),
        Keys(t + 23, "9"),
        Finish(t + 25),
    ]
    (peer,) = _run(h.call([h.peer("1791600000.1", "13800138000", actions)]))

    plain = Hotline(tianjin_hotline())
    c = "1791600000.1"
    out = plain.handle(CallArrived(call_id=c, line=TIANJIN_LINE, caller="13800138000"), t)
    out += plain.handle(CallInput(call_id=c, event=DigitsPressed(digits="1")), t + 3)
    out += plain.handle(CallInput(call_id=c, event=DigitsPressed(digits="123456789012#")), t + 12)
    ask = next(
        o.command for o in out if isinstance(o, CallCommand) and isinstance(o.command, AskHost)
    )
    out += plain.handle(
        CallInput(call_id=c, event=HostAnswered(request=ask.request, values=STATUS)), t + 12
    )
    out += plain.handle(CallInput(call_id=c, event=PromptFinished()), t + 20)
    out += plain.handle(CallInput(call_id=c, event=DigitsPressed(digits="9")), t + 23)
    out += plain.handle(CallInput(call_id=c, event=PromptFinished()), t + 25)

    assert _played(peer) == _expected(out, c)
    assert [a.query for a in h.asked] == ["waybill_status"]
    assert h.asked[0].arguments == {"waybill": "123456789012"}
    (record,) = [o.record for o in h.passed if isinstance(o, ContactFinished)]
    (want,) = [o.record for o in out if isinstance(o, ContactFinished)]
    assert record.outcome is want.outcome is Outcome.FINISHED_IN_IVR
    assert record.ivr_path == want.ivr_path
    assert peer.variables["CALLCENTER_RESULT"] == "hangup"
    assert h.hotline.live_calls() == []
    _check_transcript("waybill-self-service", peer)


def test_night_voicemail_records_and_opens_a_ticket() -> None:
    t = tianjin_time(22)
    h = Harness(t)
    actions: list[Action] = [Finish(t + 8), Recorded(t + 40, 28.0), Finish(t + 43)]
    (peer,) = _run(h.call([h.peer("1791650000.7", "13400000005", actions)]))
    assert _played(peer) == [
        ("play", "closed"),
        ("record", "voicemail-tianjin"),
        ("play", "thanks"),
        ("hangup",),
    ]
    kinds = [type(o).__name__ for o in h.passed]
    assert "TicketUpdate" in kinds
    (record,) = [o.record for o in h.passed if isinstance(o, ContactFinished)]
    assert record.outcome is Outcome.OUT_OF_HOURS
    _check_transcript("night-voicemail", peer)


def test_blocked_caller_is_rejected_without_an_answer() -> None:
    t = tianjin_time(15)
    h = Harness(t)
    (peer,) = _run(h.call([h.peer("1791630000.2", TIANJIN_BLOCKED, [])]))
    assert ["ANSWER"] not in peer.commands
    assert peer.variables["CALLCENTER_REJECTED"] == "blocked"
    assert peer.commands[-1] == ["HANGUP"]
    (record,) = [o.record for o in h.passed if isinstance(o, ContactFinished)]
    assert record.outcome is Outcome.BLOCKED
    _check_transcript("blocked-caller", peer)


def test_enqueue_hands_the_call_to_the_dialplan() -> None:
    t = tianjin_time(10)
    h = Harness(t)
    (peer,) = _run(h.call([h.peer("1791600000.3", "13800138000", [Keys(t + 3, "2")])]))
    assert peer.variables["CALLCENTER_QUEUE"] == "orders"
    assert peer.variables["CALLCENTER_SKILLS"] == "order-taking"
    assert peer.variables["CALLCENTER_RESULT"] == "queue"
    assert peer.closed_by_server
    assert ["HANGUP"] not in peer.commands  # the dialplan goes on to Queue()
    assert not [o for o in h.passed if isinstance(o, ContactFinished)]
    assert h.hotline.live_calls() == []
    _check_transcript("enqueue-to-dialplan", peer)


# --------------------------------------------------------------------------- hostile callers


_HOSTILE = st.text(
    alphabet=st.sampled_from(
        ['"', "\\", " ", "\t", "|", ";", "a", "0", "$", "{", "}", "é", "\x7f"]
    ),
    min_size=1,
    max_size=24,
)


@settings(max_examples=25)
@given(name=_HOSTILE, number=_HOSTILE)
def test_hostile_caller_data_is_one_argument_and_injects_nothing(name: str, number: str) -> None:
    t = tianjin_time(10)
    h = Harness(t)
    peer = h.peer("1791600000.9", number, [Keys(t + 3, "2")], name=name)
    peer.env["calleridname"] = name
    (peer,) = _run(h.call([peer]))
    commands = {" ".join(argv[:2]) for argv in peer.commands}
    assert commands <= {"ANSWER", "STREAM FILE", "SET VARIABLE", "WAIT FOR"}
    if name.strip() and name != "unknown":
        assert peer.variables.get("CALLCENTER_ATTR_caller_name") == name


@settings(max_examples=25)
@given(st.text(alphabet=st.sampled_from("0123456789*#ABCD\x00é"), max_size=6))
def test_hostile_key_codes_are_survived(keys: str) -> None:
    t = tianjin_time(10)
    h = Harness(t)
    actions: list[Action] = [Keys(t + 1 + i, k) for i, k in enumerate(keys)]
    actions.append(Hangs(t + 30))
    (peer,) = _run(h.call([h.peer("1791600000.4", "13800138000", actions)]))
    assert peer.commands
    assert h.hotline.live_calls() == []


# --------------------------------------------------------------------------- hang-ups and errors


@pytest.mark.parametrize("after", range(6))
def test_a_hangup_at_any_point_ends_the_call(after: int) -> None:
    t = tianjin_time(10)
    h = Harness(t)
    script: list[Action] = [
        Keys(t + 3, "1"),
        Keys(t + 12, "123456789012#"),
        Finish(t + 20),
        Keys(t + 23, "9"),
        Finish(t + 25),
    ]
    last = script[after - 1].at if after else t
    actions = [*script[:after], Hangs(last + 1)]  # during the next prompt
    (peer,) = _run(h.call([h.peer("1791600000.5", "13800138000", actions)]))
    hangup_at = (
        next(i for i, (side, data) in enumerate(peer.transcript) if b"HANGUP\n200" in data)
        if after < 5
        else None
    )
    if hangup_at is not None:
        assert all(side == "asterisk" for side, _ in peer.transcript[hangup_at + 1 :])
        (record,) = [o.record for o in h.passed if isinstance(o, ContactFinished)]
        assert record.outcome is Outcome.ABANDONED_IN_IVR
    assert h.hotline.live_calls() == []


@pytest.mark.parametrize("code", ["510", "520"])
def test_a_refused_command_ends_the_session_with_an_error(code: str) -> None:
    t = tianjin_time(10)
    h = Harness(t)
    peer = h.peer("1791600000.6", "13800138000", [Keys(t + 3, "1")], refuse={"STREAM FILE": code})
    (peer,) = _run(h.call([peer]))
    assert peer.variables["CALLCENTER_RESULT"] == "error"
    assert h.server.wire_errors == 1
    assert h.hotline.live_calls() == []
    (record,) = [o.record for o in h.passed if isinstance(o, ContactFinished)]
    assert record.outcome is Outcome.ABANDONED_IN_IVR


def test_a_silent_asterisk_times_out() -> None:
    t = tianjin_time(10)
    h = Harness(t, reply_timeout=0.2)
    peer = h.peer("1791600000.8", "13800138000", [], silent=True)
    (peer,) = _run(h.call([peer]))
    assert peer.closed_by_server
    assert h.server.wire_errors == 1
    assert h.hotline.live_calls() == []


def test_connections_over_the_limit_are_closed_at_once() -> None:
    t = tianjin_time(10)
    h = Harness(t, max_connections=2, reply_timeout=0.3)
    peers = [h.peer(f"1791600001.{i}", "13800138000", [], silent=True) for i in range(3)]
    done = _run(h.call(peers))
    assert h.server.refused_connections == 1
    assert sum(not p.commands for p in done) == 1
    assert h.server.active == 0


def test_limits_are_checked() -> None:
    with pytest.raises(InvalidArgumentError):
        FastAgiServer(Hotline(tianjin_hotline()), max_connections=0)
    with pytest.raises(InvalidArgumentError):
        FastAgiServer(Hotline(tianjin_hotline()), reply_timeout=float("nan"))


# --------------------------------------------------------------------------- the kit's scripts


def _ivr_only(script: Script) -> bool:
    """Scripts that stay in the IVR (the queue part is Asterisk's in this mode)."""
    for step in script.steps:
        item = step.input
        if isinstance(item, CallInput):
            if not isinstance(item.event, DigitsPressed | PromptFinished | RecordingFinished):
                return False
        elif not (item is None or isinstance(item, CallArrived | HostReply)):
            return False
        if any(e.kind in (HoldCaller, RingAgent) for e in step.expect):
            return False
    return True


def _actions(script: Script) -> tuple[CallArrived, list[Action], dict[str, str]]:
    arrived: CallArrived | None = None
    actions: list[Action] = []
    values: dict[str, str] = {}
    for step in script.steps:
        item = step.input
        if isinstance(item, CallArrived):
            arrived = item
        elif isinstance(item, HostReply):
            values = dict(item.values)
        elif isinstance(item, CallInput):
            event = item.event
            if isinstance(event, DigitsPressed):
                actions.append(Keys(step.at, event.digits))
            elif isinstance(event, PromptFinished):
                actions.append(Finish(step.at))
            elif isinstance(event, RecordingFinished):
                actions.append(Recorded(step.at, event.seconds))
            else:
                raise AssertionError(event)
    assert arrived is not None
    return arrived, actions, values


@pytest.mark.parametrize(
    "script", [s for s in tianjin_scripts() if _ivr_only(s)], ids=lambda s: s.name
)
def test_the_kits_ivr_scripts_over_agi(script: Script) -> None:
    # Each step's expected prompts, recordings and records come over the AGI wire
    # in the script's order; the forbidden ones never come.
    arrived, actions, values = _actions(script)
    h = Harness(script.steps[0].at)

    peer = h.peer(arrived.call_id, arrived.caller, actions)

    async def lookup(call_id: str, ask: AskHost) -> Mapping[str, str] | None:
        peer.commands.append(["(lookup)", ask.query])  # in order with the AGI commands
        return values or None

    h.server.lookup = lookup
    (peer,) = _run(h.call([peer]))
    got = _wire_outputs(peer, arrived.call_id) + list(h.passed)
    position = 0
    for step in script.steps:
        for wanted in step.expect:
            if not _carried(wanted):
                continue
            while position < len(got) and not wanted.matches(got[position]):
                position += 1
            assert position < len(got), f"{script.name}: {step.note}: {wanted} did not come"
            position += 1
        for banned in step.forbid:
            assert not any(banned.matches(o) for o in got), f"{script.name}: {banned}"


def _carried(wanted: Expect) -> bool:
    """Whether AGI carries the expected output (a Listen is no command of its own)."""
    inner = wanted.fields.get("command")
    return not (isinstance(inner, Expect) and inner.kind is Listen) and wanted.kind is not (
        RingAgent
    )


def _wire_outputs(peer: Peer, call_id: str) -> list[object]:
    """The AGI commands the peer got, back as the hotline outputs they carry."""
    out: list[object] = []
    rejected = False  # the HANGUP after CALLCENTER_REJECTED is the refusal itself
    for argv in peer.commands:
        if argv == ["ANSWER"]:
            out.append(AnswerCall(call_id=call_id))
        elif argv[:2] == ["STREAM", "FILE"]:
            out.append(CallCommand(call_id=call_id, command=_play(argv[2])))
        elif argv[:2] == ["RECORD", "FILE"]:
            out.append(CallCommand(call_id=call_id, command=_record(argv[2].split("/")[0])))
        elif argv[:3] == ["SET", "VARIABLE", "CALLCENTER_REJECTED"]:
            out.append(RejectCall(call_id=call_id, reason=argv[3]))
            rejected = True
        elif argv == ["HANGUP"] and not rejected:
            out.append(CallCommand(call_id=call_id, command=HangUp(node="", reason="")))
        elif argv[0] == "(lookup)":
            ask = AskHost(node="", request=0, query=argv[1], arguments={}, timeout=0.0)
            out.append(CallCommand(call_id=call_id, command=ask))
    return out


def _play(prompt: str) -> Play:
    return Play(
        node="", prompt=prompt, language="", text=None, audio=None, seconds=0.0, barge_in=False
    )


def _record(mailbox: str) -> Record:
    return Record(node="", mailbox=mailbox, max_seconds=0.0, terminator=None, attributes={})


def test_host_data_with_cr_or_lf_never_reaches_the_wire() -> None:
    t = tianjin_time(10)
    h = Harness(t)

    async def hostile(call_id: str, ask: AskHost) -> Mapping[str, str] | None:
        return {"status": "在途\r\nEXEC System rm", "location": 'a" "b\\'}

    h.server.lookup = hostile
    actions: list[Action] = [
        Keys(t + 3, "1"),
        Keys(t + 12, "123456789012#"),
        Finish(t + 20),
        Keys(t + 23, "0"),  # to an agent: the flow queues the call with its data
    ]
    (peer,) = _run(h.call([h.peer("1791600000.10", "13800138000", actions)]))
    assert peer.variables["CALLCENTER_QUEUE"] == "tracking"
    assert "CALLCENTER_ATTR_waybill_status" not in peer.variables
    assert peer.variables["CALLCENTER_ATTR_waybill_location"] == 'a" "b\\'
    assert h.server.refused_values == 1
    assert all(argv[0] != "EXEC" for argv in peer.commands)
    assert all(data.count(b"\n") == 1 for side, data in peer.transcript if side == "server")


def test_a_silent_caller_hears_the_no_input_prompt_from_the_hotlines_timer() -> None:
    # Nothing pressed: WAIT FOR DIGIT runs out again and again while the channel's
    # time passes, until the menu's own no-input timer fires in the hotline.
    t = tianjin_time(10)
    h = Harness(t)
    (peer,) = _run(h.call([h.peer("1791600000.11", "13800138000", [Hangs(t + 40)])]))
    played = [p[1] for p in _played(peer) if p[0] == "play"]
    assert played[:2] == ["welcome", "sorry_no_input"]
    waits = [argv for argv in peer.commands if argv[:3] == ["WAIT", "FOR", "DIGIT"]]
    assert all(0 < int(argv[3]) <= 1000 for argv in waits)
    assert h.hotline.live_calls() == []


def test_a_queue_the_hotline_would_refuse_is_still_handed_to_the_dialplan() -> None:
    # Nobody is logged in to the hotline's own ACD in this mode: a queue that does
    # not take calls without agents refuses the call there, in the same step as the
    # Enqueue. That refusal is Queue()'s business, not the wire's nor the records'.
    t = tianjin_time(10)
    h = Harness(t)
    definition = tianjin_hotline()
    queues = tuple(attrs.evolve(q, join_when_empty=False) for q in definition.routing.queues)
    routing = attrs.evolve(definition.routing, queues=queues)
    h.hotline = Hotline(attrs.evolve(definition, routing=routing))
    h.server.hotline = h.hotline
    (peer,) = _run(h.call([h.peer("1791600000.12", "13800138000", [Keys(t + 3, "2")])]))
    assert peer.variables["CALLCENTER_RESULT"] == "queue"
    assert ["HANGUP"] not in peer.commands
    assert not [o for o in h.passed if isinstance(o, ContactFinished)]
    assert h.hotline.live_calls() == []


@given(st.text(max_size=60))
def test_fuzz_environment_lines_parse_or_give_a_wire_error(line: str) -> None:
    try:
        item = parse_environment_line(line)
    except AgiWireError:
        return
    assert item is None or line.startswith("agi_" + item[0] + ":")


@pytest.mark.parametrize(
    "raw",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"agi_uniqueid: 1\nagi_callerid 13800138000\n\n",
        b"agi_uniqueid: 1\n" + b"x" * 10_000 + b"\n\n",
        b"\x00\xff\xfe\n\n",
        b"agi_uniqueid: 1\nagi_network_script: 4008001234\n",  # cut before the end
    ],
)
def test_a_connection_that_is_not_asterisk_is_closed_and_served_no_call(raw: bytes) -> None:
    t = tianjin_time(10)
    h = Harness(t, reply_timeout=0.3)
    peer = h.peer("x", "x", [])
    peer.raw_environment = raw
    (peer,) = _run(h.call([peer]))
    assert peer.closed_by_server
    assert all(argv[:2] == ["SET", "VARIABLE"] for argv in peer.commands)
    assert h.hotline.live_calls() == []
    assert h.server.active == 0
