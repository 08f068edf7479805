"""The AMI frame parser, the action encoder and the client against an AMI peer."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.adapters.asterisk import (
    MAX_FRAME,
    AmiClient,
    AmiError,
    AmiMessage,
    AmiParser,
    encode_action,
)
from callcenter.errors import InvalidArgumentError, WireError

from .ami_peer import BANNER, AmiPeer

DATA = Path(__file__).parent / "data"
T = TypeVar("T")


def run(make: Callable[[], Awaitable[T]], timeout: float = 20.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(make(), timeout)

    return asyncio.run(bounded())


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``condition()`` holds (polling), at most ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def messages(items: list[AmiMessage | WireError]) -> list[dict[str, str]]:
    return [dict(m.headers) for m in items if isinstance(m, AmiMessage)]


# --------------------------------------------------------------------------- parser


def test_parser_reads_the_banner_and_frames() -> None:
    parser = AmiParser()
    got = parser.feed(
        BANNER + b"Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n"
    )
    assert parser.banner == "Asterisk Call Manager/9.0.0"
    assert messages(got) == [
        {"Response": "Success", "ActionID": "1", "Message": "Authentication accepted"}
    ]
    first = got[0]
    assert isinstance(first, AmiMessage)
    assert first.response == "Success"
    assert first.action_id == "1"


def test_parser_keeps_every_value_of_a_repeated_key_and_empty_values() -> None:
    parser = AmiParser(banner=False)
    got = parser.feed(b"Response: Success\r\nOutput: line 1\r\nOutput: line 2\r\nEmpty:\r\n\r\n")
    assert messages(got) == [{"Response": "Success", "Output": "line 1\nline 2", "Empty": ""}]


def test_a_wrong_banner_breaks_the_connection() -> None:
    parser = AmiParser()
    got = parser.feed(b"SSH-2.0-OpenSSH_9.2\r\nEvent: X\r\n\r\n")
    assert len(got) == 1
    assert isinstance(got[0], WireError)
    assert parser.broken
    assert parser.feed(b"Event: Y\r\n\r\n") == []


def test_a_bad_frame_is_an_error_in_its_place_and_the_next_frame_is_read() -> None:
    parser = AmiParser(banner=False)
    got = parser.feed(b"Event: A\r\n\r\nno colon here\r\n\r\n\xff\xfe: x\r\n\r\nEvent: B\r\n\r\n")
    assert [type(g).__name__ for g in got] == ["AmiMessage", "WireError", "WireError", "AmiMessage"]
    assert not parser.broken
    assert [m["Event"] for m in messages(got)] == ["A", "B"]


def test_a_frame_longer_than_the_limit_breaks_the_connection() -> None:
    parser = AmiParser(banner=False)
    got = parser.feed(b"Event: Flood\r\nData: " + b"x" * MAX_FRAME)
    assert len(got) == 1
    assert isinstance(got[0], WireError)
    assert parser.broken


def test_the_transcript_parses_in_any_chunking() -> None:
    data = (DATA / "ami_queue_events.txt").read_bytes()
    whole = messages(AmiParser(banner=False).feed(data))
    assert len(whole) == data.count(b"\r\n\r\n") == 20
    for size in (1, 2, 3, 7, 64, 1000):
        parser = AmiParser(banner=False)
        got: list[AmiMessage | WireError] = []
        for i in range(0, len(data), size):
            got += parser.feed(data[i : i + size])
        assert messages(got) == whole


@given(st.binary(max_size=400), st.lists(st.integers(0, 400), max_size=6))
def test_fuzz_any_bytes_give_frames_or_wire_errors(data: bytes, cuts: list[int]) -> None:
    parser = AmiParser()
    parser.feed(BANNER)
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    for a, b in itertools.pairwise(points):
        for item in parser.feed(data[a:b]):
            assert isinstance(item, AmiMessage | WireError)
    if not parser.broken:
        # The connection goes on: a good frame after the garbage is read.
        tail = parser.feed(b"\r\n\r\nEvent: Good\r\n\r\n")
        assert any(isinstance(m, AmiMessage) and m.event == "Good" for m in tail)


_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\0"))


@given(
    st.dictionaries(
        st.text(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1
        ).filter(lambda k: k not in ("Action", "ActionID")),
        _text,
        max_size=5,
    )
)
def test_an_encoded_action_parses_back_to_its_fields(fields: dict[str, str]) -> None:
    raw = encode_action("Originate", fields, action_id="42")
    (got,) = AmiParser(banner=False).feed(raw)
    assert isinstance(got, AmiMessage)
    # A value's leading space is eaten by the "Key: Value" separator only once.
    assert dict(got.headers) == {"Action": "Originate", "ActionID": "42", **fields}


@given(_text, st.sampled_from(["\r", "\n", "\r\n", "\0"]), _text)
def test_cr_or_lf_in_any_value_is_refused(head: str, bad: str, tail: str) -> None:
    value = head + bad + tail
    with pytest.raises(InvalidArgumentError):
        encode_action("Originate", {"CallerID": value}, action_id="1")
    with pytest.raises(InvalidArgumentError):
        encode_action("Originate", [("Variable", "a=1"), ("Variable", value)], action_id="1")
    with pytest.raises(InvalidArgumentError):
        encode_action(value, action_id="1")
    with pytest.raises(InvalidArgumentError):
        encode_action("Ping", action_id=value)


def test_a_hostile_caller_id_cannot_inject_an_action() -> None:
    with pytest.raises(InvalidArgumentError, match="CallerID"):
        encode_action(
            "Originate",
            {"CallerID": '"x" <1>\r\n\r\nAction: Command\r\nCommand: core stop now'},
            action_id="1",
        )


# --------------------------------------------------------------------------- client


def test_client_session_is_byte_exact_and_lists_are_collected() -> None:
    async def scenario() -> tuple[bytes, list[AmiMessage], AmiMessage]:
        peer = AmiPeer()
        peer.queue_members = [
            {"Queue": "enquiry", "Name": "enquiry-1", "Location": "PJSIP/8001", "Paused": "0"},
            {"Queue": "enquiry", "Name": "enquiry-2", "Location": "PJSIP/8002", "Paused": "1"},
        ]
        await peer.start()
        events: list[AmiMessage] = []
        client = AmiClient(
            "127.0.0.1",
            peer.port,
            username="callcenter",
            secret="s3cret",
            on_event=events.append,
            timeout=5,
        )
        try:
            await client.connect()
            members = await client.action_list("QueueStatus", {"Queue": "enquiry"})
            pong = await client.action("Ping")
            await client.close()
        finally:
            await peer.stop()
        assert events == []  # list events never reach on_event
        return bytes(peer.received), members, pong

    sent, members, pong = run(scenario)
    assert sent == (DATA / "ami_client_session.txt").read_bytes()
    assert [m.get("Name") for m in members] == ["enquiry-1", "enquiry-2"]
    assert pong.get("Ping") == "Pong"


def test_responses_are_matched_by_action_id_not_by_order() -> None:
    async def scenario() -> list[str]:
        peer = AmiPeer()
        await peer.start()
        client = AmiClient(
            "127.0.0.1",
            peer.port,
            username="callcenter",
            secret="s3cret",
            on_event=lambda m: None,
            timeout=5,
        )
        try:
            await client.connect()
            peer.hold_pings = True
            tasks = [asyncio.create_task(client.action("Ping")) for _ in range(3)]
            while len(peer.held) < 3:
                await asyncio.sleep(0.01)
            peer.release_pings(reverse=True)
            answers = await asyncio.gather(*tasks)
            await client.close()
        finally:
            await peer.stop()
        return [a.get("ActionID") for a in answers]

    assert run(scenario) == ["cc-2", "cc-3", "cc-4"]


def test_an_error_response_and_a_refused_login_raise_ami_error() -> None:
    async def scenario() -> None:
        peer = AmiPeer()
        await peer.start()
        try:
            client = AmiClient(
                "127.0.0.1",
                peer.port,
                username="callcenter",
                secret="s3cret",
                on_event=lambda m: None,
                timeout=5,
            )
            await client.connect()
            with pytest.raises(AmiError, match="Invalid/unknown command"):
                await client.action("NoSuchAction")
            assert client.connected  # an error reply keeps the connection
            assert (await client.action("Ping")).get("Ping") == "Pong"
            await client.close()
            wrong = AmiClient(
                "127.0.0.1",
                peer.port,
                username="callcenter",
                secret="nope",
                on_event=lambda m: None,
                timeout=5,
            )
            with pytest.raises(AmiError, match="Authentication failed"):
                await wrong.connect()
            assert not wrong.connected
            with pytest.raises(AmiError, match="Authentication failed"):
                await wrong.run()  # a refused first login is not retried
        finally:
            await peer.stop()

    run(scenario)


def test_events_reach_the_callback_and_the_client_reconnects_after_a_drop() -> None:
    async def scenario() -> tuple[list[str], int, list[int]]:
        peer = AmiPeer()
        await peer.start()
        events: list[str] = []
        connects: list[int] = []

        async def resync(client: AmiClient) -> None:
            connects.append(client.connections)
            await client.action("Ping")

        client = AmiClient(
            "127.0.0.1",
            peer.port,
            username="callcenter",
            secret="s3cret",
            on_event=lambda m: events.append(m.get("Event")),
            on_connect=resync,
            timeout=5,
            reconnect_delay=0.05,
        )
        runner = asyncio.create_task(client.run())
        try:
            while peer.logins < 1 or not client.connected:
                await asyncio.sleep(0.01)
            await peer.push({"Event": "FullyBooted", "Status": "Fully Booted"})
            await peer.push_raw(b"garbage without colon\r\n\r\n")
            await peer.push({"Event": "QueueCallerJoin", "Queue": "q", "Uniqueid": "1.1"})
            while len(events) < 2:
                await asyncio.sleep(0.01)
            peer.drop()
            await until(lambda: peer.logins >= 2 and client.connected and len(connects) >= 2)
            await peer.push({"Event": "QueueCallerLeave", "Queue": "q", "Uniqueid": "1.1"})
            while len(events) < 3:
                await asyncio.sleep(0.01)
        finally:
            await client.close()
            await asyncio.wait_for(runner, 5)
            await peer.stop()
        return events, peer.logins, connects

    events, logins, connects = run(scenario)
    assert events == ["FullyBooted", "QueueCallerJoin", "QueueCallerLeave"]
    assert logins == 2
    assert connects == [1, 2]


def test_a_pending_action_fails_when_the_connection_drops() -> None:
    async def scenario() -> None:
        peer = AmiPeer()
        await peer.start()
        client = AmiClient(
            "127.0.0.1",
            peer.port,
            username="callcenter",
            secret="s3cret",
            on_event=lambda m: None,
            timeout=5,
        )
        try:
            await client.connect()
            peer.hold_pings = True
            task = asyncio.create_task(client.action("Ping"))
            while not peer.held:
                await asyncio.sleep(0.01)
            peer.drop()
            with pytest.raises(AmiError, match="lost"):
                await task
            with pytest.raises(AmiError, match="not connected"):
                await client.action("Ping")
        finally:
            await client.close()
            await peer.stop()

    run(scenario)


def test_empty_lines_between_frames_are_tolerated() -> None:
    parser = AmiParser(banner=False)
    got = parser.feed(b"\r\n\r\n\r\nEvent: A\r\n\r\n\r\nEvent: B\r\n\r\n")
    assert [m["Event"] for m in messages(got)] == ["A", "B"]
    assert all(isinstance(g, AmiMessage) for g in got)


@given(
    st.lists(
        st.tuples(st.text("AB:C -", min_size=0, max_size=4), st.text("x: ", max_size=4)),
        min_size=1,
        max_size=4,
    )
)
def test_a_frame_reads_the_same_whatever_its_shape(pairs: list[tuple[str, str]]) -> None:
    # The parser has a fast path for the usual frame; any frame reads as the
    # line-by-line rule says: the key up to the first colon, one space dropped.
    raw = "\r\n".join(f"{k}:{v}" for k, v in pairs).encode()
    (got,) = AmiParser(banner=False).feed(raw + b"\r\n\r\n")
    expected: dict[str, str] | None = {}
    for key, value in pairs:
        line = f"{key}:{value}"
        k, _, v = line.partition(":")
        if not k or "\r" in line or "\n" in line:
            expected = None
            break
        v = v[1:] if v.startswith(" ") else v
        assert expected is not None
        expected[k] = expected[k] + "\n" + v if k in expected else v
    if expected is None:
        assert isinstance(got, WireError)
    else:
        assert isinstance(got, AmiMessage)
        assert dict(got.headers) == expected


def test_a_flood_without_frame_ends_closes_the_connection() -> None:
    async def scenario() -> list[WireError]:
        peer = AmiPeer()
        await peer.start()
        errors: list[WireError] = []
        client = AmiClient(
            "127.0.0.1",
            peer.port,
            username="callcenter",
            secret="s3cret",
            on_event=lambda m: None,
            on_wire_error=errors.append,
            timeout=5,
        )
        try:
            await client.connect()
            await peer.push_raw(b"Event: Flood\r\nData: " + b"x" * (MAX_FRAME + 10))
            await until(lambda: not client.connected)
        finally:
            await client.close()
            await peer.stop()
        return errors

    (error,) = run(scenario)
    assert "frame of at most" in str(error)
