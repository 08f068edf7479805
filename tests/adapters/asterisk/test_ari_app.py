"""The Stasis application against an ARI peer: HTTP requests, the WebSocket, a drop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from hypothesis import given
from hypothesis import strategies as st

from callcenter.adapters.asterisk import AriApp, AriConfig, AriCore, AriError, decode_event
from callcenter.errors import CallCenterError, WireError
from callcenter.hotline import (
    AgentLegEnded,
    AgentLoggedIn,
    CallCommand,
    ContactFinished,
    Hotline,
    HotlineOutput,
)
from callcenter.ivr import AskHost
from callcenter.testing import TIANJIN_LINE, tianjin_hotline, tianjin_time

from .ari_peer import AriPeer

T = TypeVar("T")


def run(make: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(make(), timeout)

    return asyncio.run(bounded())


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


class World:
    """A peer, a hotline at 11:00 in Tianjin and the application between them."""

    def __init__(self) -> None:
        self.peer = AriPeer()
        self.outputs: list[HotlineOutput] = []
        self.errors: list[CallCenterError] = []
        start = time.monotonic()
        self.base = tianjin_time(11)
        self.app = AriApp(
            Hotline(tianjin_hotline()),
            url="",
            username="callcenter",
            password="s3cret",
            on_output=self.outputs.append,
            on_error=self.errors.append,
            # The hotline's time runs at a tenth of the real pace, so that no menu
            # times out while a slow machine runs the test.
            clock=lambda: self.base + (time.monotonic() - start) / 10,
            reconnect_delay=0.05,
        )
        self.runner: asyncio.Task[None] | None = None

    async def __aenter__(self) -> World:
        await self.peer.start()
        self.app.url = self.peer.url
        self.runner = asyncio.create_task(self.app.run())
        await asyncio.wait_for(self.app.connected.wait(), 10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.close()
        if self.runner is not None:
            await asyncio.wait_for(self.runner, 10)
        await self.peer.stop()

    def sent(self, prefix: str) -> list[str]:
        return [r for r in self.peer.requests if r.startswith(prefix)]

    async def settle(self) -> None:
        await asyncio.sleep(0.05)
        await self.app.idle()


def test_a_call_to_an_agent_over_http_and_the_websocket() -> None:
    async def scenario() -> None:
        async with World() as w:
            await w.app.host_input(AgentLoggedIn(agent_id="business-1"))
            w.peer.call("c1", "13700000002", TIANJIN_LINE)
            await until(lambda: "c1" in {p["target_uri"][8:] for p in w.peer.playbacks.values()})
            assert w.sent("POST /ari/channels/c1/answer") == ["POST /ari/channels/c1/answer"]
            w.peer.dtmf("c1", "3")
            await until(lambda: bool(w.peer.agent_channels()))
            (agent,) = w.peer.agent_channels()
            (originate,) = w.sent(f"POST /ari/channels/{agent}?")
            assert "endpoint=PJSIP%2F8101" in originate
            variables = json.loads(originate.split(" ", 2)[2])["variables"]
            assert variables["CALLCENTER_AGENT"] == "business-1"
            assert variables["CALLCENTER_CALL"] == "c1"
            assert w.peer.bridges["hold-complaints"]["channels"] == ["c1"]
            w.peer.ring(agent)
            w.peer.answer(agent)
            await until(
                lambda: (
                    "call-c1" in w.peer.bridges and len(w.peer.bridges["call-c1"]["channels"]) == 2
                )
            )
            assert w.peer.bridges["hold-complaints"]["channels"] == []
            # The agent ends the call from the desktop with an outcome: a ticket opens.
            await w.app.host_input(
                AgentLegEnded(
                    call_id="c1",
                    agent_id="business-1",
                    outcome="complaint",
                    fields={"description": "late"},
                )
            )
            await w.settle()
            assert "c1" not in w.peer.channels
            assert agent not in w.peer.channels
            assert "call-c1" not in w.peer.bridges
            assert any(type(o).__name__ == "TicketUpdate" for o in w.outputs)
            assert w.errors == []

    run(scenario)


def test_lookups_go_to_the_host_and_its_answer_comes_back() -> None:
    async def scenario() -> None:
        async with World() as w:
            w.peer.call("c2", "13800138000", TIANJIN_LINE)
            await until(lambda: bool(w.peer.playbacks))
            w.peer.dtmf("c2", "1")
            await until(lambda: len(w.sent("POST /ari/channels/c2/play/")) == 2)
            w.peer.dtmf("c2", "123456789012#")
            await until(
                lambda: any(
                    type(o) is CallCommand and type(o.command) is AskHost for o in w.outputs
                )
            )
            ask = next(
                o.command
                for o in w.outputs
                if type(o) is CallCommand and type(o.command) is AskHost
            )
            from callcenter.hotline import CallInput
            from callcenter.ivr import HostAnswered

            await w.app.host_input(
                CallInput(
                    call_id="c2",
                    event=HostAnswered(
                        request=ask.request, values={"status": "在途", "location": "天津"}
                    ),
                )
            )
            await until(lambda: len(w.sent("POST /ari/channels/c2/play/")) == 3)
            assert "media=sound%3Awaybill_status" in w.sent("POST /ari/channels/c2/play/")[-1]

    run(scenario)


def test_bad_events_are_reported_and_the_connection_goes_on() -> None:
    async def scenario() -> None:
        async with World() as w:
            w.peer.emit_raw("this is not json")
            w.peer.emit_raw('{"type": "StasisStart", "channel": {"name": "no id"}}')
            w.peer.emit_raw('["not", "an", "object"]')
            w.peer.call("c3", "13800138000", TIANJIN_LINE)
            await until(lambda: bool(w.sent("POST /ari/channels/c3/answer")))
            assert [type(e) for e in w.errors] == [WireError, WireError, WireError]
            assert w.peer.connects == 1

    run(scenario)


def test_a_refused_request_is_reported_and_the_application_goes_on() -> None:
    async def scenario() -> None:
        async with World() as w:
            w.peer.call("c4", "13800138000", TIANJIN_LINE)
            await until(lambda: bool(w.peer.playbacks))
            w.peer.hangup("c4", silently=True)  # gone without a word: the next request fails
            w.peer.dtmf  # noqa: B018
            w.peer.channels["c4"] = w.peer._channel("c4", state="Up")
            w.peer.dtmf("c4", "1")
            del w.peer.channels["c4"]
            await w.settle()
            w.peer.call("c5", "13800138000", TIANJIN_LINE)
            await until(lambda: bool(w.sent("POST /ari/channels/c5/answer")))
            assert any(isinstance(e, AriError) and e.status == 404 for e in w.errors)

    run(scenario)


def test_after_a_websocket_drop_calls_are_resynchronised_once() -> None:
    async def scenario() -> None:
        async with World() as w:
            await w.app.host_input(AgentLoggedIn(agent_id="business-1"))
            # d: ringing at business-1; b: in the IVR; a: hearing the welcome.
            w.peer.call("d", "13700000009", TIANJIN_LINE)
            await until(lambda: bool(w.sent("POST /ari/channels/d/play/")))
            w.peer.dtmf("d", "3")
            await until(lambda: bool(w.peer.agent_channels()))
            (agent,) = w.peer.agent_channels()
            w.peer.call("b", "13900000008", TIANJIN_LINE)
            w.peer.call("a", "13900000007", TIANJIN_LINE)
            await until(
                lambda: (
                    bool(w.sent("POST /ari/channels/a/play/"))
                    and bool(w.sent("POST /ari/channels/b/play/"))
                )
            )
            await w.settle()

            w.peer.accept_sockets = False
            w.peer.drop()
            await until(lambda: not w.app.connected.is_set())
            # While the WebSocket is down: b hangs up, a's welcome ends, the agent
            # answers d, and a new caller e enters the application.
            w.peer.hangup("b", silently=True)
            assert w.peer.finish_playbacks("a", silently=True) == 1
            w.peer.answer(agent, silently=True)
            w.peer.call("e", "13900000006", TIANJIN_LINE, silently=True)
            w.peer.accept_sockets = True
            await asyncio.wait_for(w.app.connected.wait(), 10)
            assert w.peer.connects == 2
            # The StasisStart of e that Asterisk might still deliver changes nothing.
            w.peer.emit("StasisStart", args=[TIANJIN_LINE], channel=w.peer.channels["e"])
            await until(
                lambda: (
                    "call-d" in w.peer.bridges and len(w.peer.bridges["call-d"]["channels"]) == 2
                )
            )
            await until(lambda: bool(w.sent("POST /ari/channels/e/play/")))
            await w.settle()

            assert w.sent("GET /ari/channels") == ["GET /ari/channels"]
            assert w.sent("GET /ari/bridges") == ["GET /ari/bridges"]
            assert len(w.sent("POST /ari/channels/e/answer")) == 1
            finished = [o.call_id for o in w.outputs if type(o) is ContactFinished]
            assert finished == ["b"]
            # a's welcome is over: its menu listens (no prompt replayed, nothing doubled).
            assert len(w.sent("POST /ari/channels/a/play/")) == 1
            assert w.app.core.hotline.call_phase("a").value == "ivr"  # type: ignore[attr-defined]
            assert w.errors == []

    run(scenario)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "type",
                        "channel",
                        "id",
                        "args",
                        "digit",
                        "playback",
                        "recording",
                        "target_uri",
                        "name",
                        "state",
                        "cause",
                        "dialplan",
                        "exten",
                        "caller",
                        "number",
                        "duration",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    ),
    st.sampled_from(
        [
            "StasisStart",
            "StasisEnd",
            "ChannelDtmfReceived",
            "PlaybackFinished",
            "RecordingFinished",
            "RecordingFailed",
            "ChannelStateChange",
            "ChannelDestroyed",
            "Dial",
        ]
    ),
)
def test_fuzz_any_json_event_gives_actions_or_a_wire_error(value: Any, kind: str) -> None:
    core = AriCore(Hotline(tianjin_hotline()), AriConfig())
    now = tianjin_time(11)
    for candidate in (value, {**value, "type": kind} if isinstance(value, dict) else value):
        try:
            text = json.dumps(candidate, allow_nan=True)
        except (ValueError, TypeError):
            continue
        with contextlib.suppress(WireError):
            core.event(decode_event(text), now)


def test_a_refused_websocket_is_reported_and_retried() -> None:
    async def scenario() -> None:
        w = World()
        await w.peer.start()
        w.peer.accept_sockets = False
        w.app.url = w.peer.url
        runner = asyncio.create_task(w.app.run())
        try:
            await until(lambda: len(w.errors) >= 2)
            assert all(isinstance(e, AriError) and e.path == "/events" for e in w.errors)
            w.peer.accept_sockets = True
            await asyncio.wait_for(w.app.connected.wait(), 10)
        finally:
            await w.app.close()
            await asyncio.wait_for(runner, 10)
            await w.peer.stop()

    run(scenario)
