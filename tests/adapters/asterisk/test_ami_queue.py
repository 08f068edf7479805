"""app_queue's AMI events into the wallboard and contact records."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.adapters.asterisk import (
    AmiClient,
    AmiMessage,
    AmiParser,
    AmiQueueFeed,
    AmiWallboard,
)
from callcenter.errors import WireError
from callcenter.metrics import Outcome
from callcenter.routing import AgentState, AgentStateChanged

from .ami_peer import AmiPeer
from .test_ami import run, until

DATA = Path(__file__).parent / "data"
T = 1_790_000_000.0


def transcript() -> list[AmiMessage]:
    items = AmiParser(banner=False).feed((DATA / "ami_queue_events.txt").read_bytes())
    return [m for m in items if isinstance(m, AmiMessage)]


def check_board(board: AmiWallboard) -> None:
    snapshot = board.snapshot(T + 320)
    q = snapshot.queues["enquiry"]
    assert (q.offered, q.answered, q.abandoned, q.waiting, q.talking) == (3, 2, 1, 0, 0)
    assert set(snapshot.agents) == {"enquiry-1"}  # enquiry-2 left the queue
    assert snapshot.agents["enquiry-1"].state is AgentState.AVAILABLE
    records = {r.contact_id: r for r in board.records}
    assert set(records) == {"1790000010.11", "1790000020.13", "1790000200.14"}
    first = records["1790000010.11"]
    assert first.outcome is Outcome.ANSWERED
    assert first.agents == ("enquiry-1",)
    assert first.answered_at == T + 18
    assert first.talk_seconds == 120
    assert records["1790000020.13"].outcome is Outcome.ABANDONED_IN_QUEUE
    third = records["1790000200.14"]
    assert third.outcome is Outcome.ANSWERED
    assert third.first_offered_at == T + 201
    assert third.ring_seconds == pytest.approx(15 + 3)
    assert board.errors == []


def test_the_transcript_fills_the_wallboard_and_the_records() -> None:
    board = AmiWallboard()
    for message in transcript():
        board.handle(message, T)
    check_board(board)


def test_states_follow_ringing_talking_and_pauses() -> None:
    feed = AmiQueueFeed()
    states: list[tuple[str, str, str | None]] = []
    for message in transcript():
        for event in feed.translate(message, T):
            if isinstance(event, AgentStateChanged):
                states.append((event.agent_id, event.new.value, event.reason))
    assert states[:3] == [
        ("enquiry-1", "available", None),
        ("enquiry-2", "available", None),
        ("enquiry-2", "not_ready", "break"),
    ]
    assert ("enquiry-1", "reserved", None) in states
    assert ("enquiry-1", "busy", None) in states
    assert states[-1] == ("enquiry-2", "logged_out", None)


def test_events_without_their_keys_are_wire_errors_and_change_nothing() -> None:
    board = AmiWallboard()
    board.handle(AmiMessage({"Event": "QueueCallerJoin", "Queue": "q"}), T)
    board.handle(AmiMessage({"Event": "AgentCalled", "Uniqueid": "1"}), T)
    board.handle(
        AmiMessage({"Event": "QueueCallerJoin", "Queue": "q", "Uniqueid": "1", "Timestamp": "nan"}),
        T,
    )
    assert len(board.errors) == 3
    assert all(isinstance(e, WireError) for e in board.errors)
    assert board.snapshot(T).queues == {}
    board.handle(AmiMessage({"Event": "QueueCallerJoin", "Queue": "q", "Uniqueid": "1"}), T)
    assert board.snapshot(T + 1).queues["q"].waiting == 1


def test_an_event_about_a_caller_never_seen_is_skipped_and_counted() -> None:
    feed = AmiQueueFeed()
    assert (
        feed.translate(AmiMessage({"Event": "AgentConnect", "Uniqueid": "9", "MemberName": "a"}), T)
        == []
    )
    assert feed.skipped == 1


_EVENTS = [
    "QueueCallerJoin",
    "AgentCalled",
    "AgentRingNoAnswer",
    "QueueCallerLeave",
    "QueueCallerAbandon",
    "AgentConnect",
    "AgentComplete",
    "QueueMemberAdded",
    "QueueMemberRemoved",
    "QueueMemberPause",
    "QueueMemberStatus",
    "Newchannel",
]


@given(
    st.lists(
        st.fixed_dictionaries(
            {"Event": st.sampled_from(_EVENTS)},
            optional={
                "Uniqueid": st.sampled_from(["1", "2", "3"]),
                "Queue": st.sampled_from(["q", "r"]),
                "MemberName": st.sampled_from(["a", "b"]),
                "Paused": st.sampled_from(["0", "1"]),
                "Timestamp": st.sampled_from([str(T), str(T + 5), "x", "inf"]),
            },
        ),
        max_size=40,
    )
)
def test_fuzz_any_event_sequence_keeps_the_board_consistent(events: list[dict[str, str]]) -> None:
    # Whatever app_queue sends, in whatever order, the board takes every routing
    # event the feed makes (the monitor and the builder refuse inconsistent ones).
    board = AmiWallboard()
    now = T
    for headers in events:
        now += 1
        board.handle(AmiMessage(headers), now)
    board.snapshot(now + 1)


def test_the_client_feeds_the_wallboard_from_a_peer() -> None:
    async def scenario() -> AmiWallboard:
        peer = AmiPeer()
        await peer.start()
        board = AmiWallboard()
        seen: list[int] = []

        def on_event(message: AmiMessage) -> None:
            board.handle(message, T)
            seen.append(1)

        client = AmiClient(
            "127.0.0.1",
            peer.port,
            username="callcenter",
            secret="s3cret",
            on_event=on_event,
            timeout=5,
        )
        try:
            await client.connect()
            await peer.push_raw((DATA / "ami_queue_events.txt").read_bytes())
            while len(seen) < 20:
                await asyncio.sleep(0.01)
        finally:
            await client.close()
            await peer.stop()
        return board

    check_board(run(scenario))


def test_a_resync_from_queue_status_catches_up_once() -> None:
    board = AmiWallboard()
    events = transcript()
    # Up to call 2 waiting, with call 1 talking to enquiry-1; then the link drops.
    for message in events[:8]:
        board.handle(message, T)
    assert board.snapshot(T + 30).queues["enquiry"].waiting == 1
    status = [
        AmiMessage({"Event": "QueueParams", "Queue": "enquiry", "Calls": "1"}),
        AmiMessage(
            {
                "Event": "QueueMember",
                "Queue": "enquiry",
                "Name": "enquiry-1",
                "Location": "PJSIP/8001",
                "InCall": "0",
                "Paused": "0",
            }
        ),
        AmiMessage(
            {
                "Event": "QueueEntry",
                "Queue": "enquiry",
                "Position": "1",
                "Uniqueid": "1790000100.20",
                "Wait": "7",
            }
        ),
    ]
    records = board.resync(status, T + 100)
    outcomes = {r.contact_id: r.outcome for r in records}
    assert outcomes["1790000010.11"] is Outcome.ANSWERED  # the talk ended meanwhile
    assert "1790000020.13" in outcomes  # left the queue meanwhile (how, unknown)
    snapshot = board.snapshot(T + 101)
    q = snapshot.queues["enquiry"]
    assert (q.waiting, q.talking) == (1, 0)
    # On the board the new caller waits from the resync; its record keeps Wait.
    assert q.longest_wait_seconds == 1.0
    assert set(snapshot.agents) == {"enquiry-1"}
    assert snapshot.agents["enquiry-1"].state is AgentState.AVAILABLE
    # The same status again changes nothing.
    assert board.feed.resync(status, T + 102) == []


def test_a_resync_with_a_bad_entry_changes_nothing() -> None:
    board = AmiWallboard()
    for message in transcript()[:8]:
        board.handle(message, T)
    with pytest.raises(WireError):
        board.feed.resync(
            [
                AmiMessage(
                    {"Event": "QueueMember", "Queue": "enquiry", "Name": "x", "Paused": "0"}
                ),
                AmiMessage({"Event": "QueueEntry", "Queue": "enquiry"}),
            ],
            T + 50,
        )
    assert board.snapshot(T + 50).queues["enquiry"].waiting == 1
    assert "x" not in board.snapshot(T + 50).agents


def test_after_a_drop_the_client_resyncs_the_board_from_queue_status() -> None:
    async def scenario() -> AmiWallboard:
        peer = AmiPeer()
        peer.queue_members = [
            {
                "Queue": "enquiry",
                "Name": "enquiry-1",
                "Location": "PJSIP/8001",
                "InCall": "0",
                "Paused": "0",
            }
        ]
        await peer.start()
        board = AmiWallboard()

        async def on_connect(client: AmiClient) -> None:
            board.resync(await client.action_list("QueueStatus"), T + 100 * client.connections)

        client = AmiClient(
            "127.0.0.1",
            peer.port,
            username="callcenter",
            secret="s3cret",
            on_event=lambda m: board.handle(m, T),
            on_connect=on_connect,
            timeout=5,
            reconnect_delay=0.05,
        )
        runner = asyncio.create_task(client.run())
        try:
            await until(lambda: client.connections == 1 and client.connected)
            await peer.push({"Event": "QueueCallerJoin", "Queue": "enquiry", "Uniqueid": "9.1"})
            await until(lambda: board.feed.now >= T)
            peer.queue_members = []  # enquiry-1 leaves the queue while the link is down
            peer.drop()
            await until(lambda: client.connections == 2 and client.connected)
            await until(lambda: bool(board.records))
        finally:
            await client.close()
            await asyncio.wait_for(runner, 5)
            await peer.stop()
        return board

    board = run(scenario)
    assert [r.contact_id for r in board.records] == ["9.1"]  # left while the link was down
    assert board.snapshot(T + 300).agents == {}
