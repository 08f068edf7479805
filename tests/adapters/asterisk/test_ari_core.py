"""The Stasis application's core on its own: transfers, declines, stray events."""

from __future__ import annotations

from typing import Any

from callcenter.adapters.asterisk import AriConfig, AriCore, AriRequest
from callcenter.hotline import (
    AgentLegDeclined,
    AgentLegFailed,
    AgentLoggedIn,
    CallInput,
    Hotline,
    TransferRequested,
)
from callcenter.ivr import CallerHungUp
from callcenter.testing import TIANJIN_LINE, tianjin_hotline, tianjin_time

T = tianjin_time(11)


def wire(actions: list[Any]) -> list[str]:
    return [
        f"{a.method} {a.path}" + "".join(f" {k}={v}" for k, v in a.params)
        for a in actions
        if isinstance(a, AriRequest)
    ]


def started(core: AriCore, call: str = "c") -> None:
    core.host(AgentLoggedIn(agent_id="business-1"), T)
    core.host(AgentLoggedIn(agent_id="enquiry-1"), T)
    core.event(
        {
            "type": "StasisStart",
            "args": [TIANJIN_LINE],
            "channel": {"id": call, "caller": {"number": "13700000002"}},
        },
        T + 1,
    )


def test_a_transfer_to_a_queue_moves_the_caller_from_the_talk_to_the_hold() -> None:
    core = AriCore(Hotline(tianjin_hotline()))
    started(core)
    core.event({"type": "ChannelDtmfReceived", "digit": "3", "channel": {"id": "c"}}, T + 3)
    core.event({"type": "StasisStart", "args": ["agent"], "channel": {"id": "agent-c-2"}}, T + 5)
    sent = wire(
        core.host(TransferRequested(call_id="c", agent_id="business-1", queue="tracking"), T + 30)
    )
    assert sent[:4] == [
        "DELETE /bridges/call-c",
        "DELETE /channels/agent-c-2 reason=normal",
        "POST /bridges/hold-tracking type=holding",
        "POST /bridges/hold-tracking/addChannel channel=c role=participant",
    ]
    assert any(s.startswith("POST /channels/agent-c-") and "PJSIP/8001" in s for s in sent)
    # The first agent's channel going away now is not news: no input for it.
    assert (
        core.event(
            {"type": "ChannelDestroyed", "cause": 16, "channel": {"id": "agent-c-2"}}, T + 31
        )
        == []
    )


def test_an_outside_transfer_continues_in_the_dialplan() -> None:
    core = AriCore(Hotline(tianjin_hotline()), AriConfig(transfer_context="out"))
    started(core)
    core.event({"type": "ChannelDtmfReceived", "digit": "3", "channel": {"id": "c"}}, T + 3)
    core.event({"type": "StasisStart", "args": ["agent"], "channel": {"id": "agent-c-2"}}, T + 5)
    sent = wire(
        core.host(
            TransferRequested(call_id="c", agent_id="business-1", number="13900000000"), T + 30
        )
    )
    assert sent == [
        "POST /channels/c/continue context=out extension=13900000000 priority=1",
        "DELETE /channels/agent-c-2 reason=normal",
        "DELETE /bridges/call-c",
    ]
    # Leaving the application after the transfer is no hang-up of the caller.
    assert core.event({"type": "StasisEnd", "channel": {"id": "c"}}, T + 31) == []


def test_hang_up_causes_of_the_agent_leg_are_declines_or_failures() -> None:
    seen: list[object] = []

    class Recorder(Hotline):
        def handle(self, item: Any, now: float) -> Any:
            seen.append(item)
            return super().handle(item, now)

    for cause, expected in (
        (17, AgentLegDeclined(call_id="c", agent_id="business-1", reason="busy")),
        (19, AgentLegDeclined(call_id="c", agent_id="business-1", reason="no-answer")),
        (21, AgentLegDeclined(call_id="c", agent_id="business-1", reason="rejected")),
        (20, AgentLegFailed(call_id="c", agent_id="business-1", reason="Subscriber absent")),
    ):
        seen.clear()
        core = AriCore(Recorder(tianjin_hotline()))
        started(core)
        actions = core.event(
            {"type": "ChannelDtmfReceived", "digit": "3", "channel": {"id": "c"}}, T + 3
        )
        (ring,) = [
            a
            for a in actions
            if isinstance(a, AriRequest) and a.path.startswith("/channels/agent-")
        ]
        assert ring.body is not None
        channel = ring.path.rsplit("/", 1)[1]
        core.event(
            {
                "type": "ChannelDestroyed",
                "cause": cause,
                "cause_txt": "Subscriber absent",
                "channel": {"id": channel},
            },
            T + 6,
        )
        assert seen[-1] == expected


def test_dial_strings_for_extensions_sip_addresses_and_mobile_seats() -> None:
    config = AriConfig()
    assert config.dial_string("8001") == "PJSIP/8001"
    assert config.dial_string("sip:8001@pbx") == "PJSIP/callcenter-agents/sip:8001@pbx"
    assert config.dial_string("13900000001") == "Local/13900000001@callcenter-mobile"
    assert config.dial_string("+8613900000001") == "Local/+8613900000001@callcenter-mobile"
    assert AriConfig(dial=lambda e: f"IAX2/{e}").dial_string("8001") == "IAX2/8001"


def test_an_agent_answering_an_offer_that_is_over_is_hung_up() -> None:
    core = AriCore(Hotline(tianjin_hotline()))
    started(core)
    actions = core.event(
        {"type": "ChannelDtmfReceived", "digit": "3", "channel": {"id": "c"}}, T + 3
    )
    (ring,) = [a for a in actions if isinstance(a, AriRequest) and a.body is not None]
    agent = ring.path.rsplit("/", 1)[1]
    # The caller hangs up while the agent's phone rings; the StopRinging's request
    # crosses the agent's answer on the wire.
    core.hotline.handle(CallInput(call_id="c", event=CallerHungUp()), T + 5)
    sent = wire(
        core.event({"type": "StasisStart", "args": ["agent"], "channel": {"id": agent}}, T + 6)
    )
    assert sent == [f"DELETE /channels/{agent} reason=normal"]
    assert len(core.refused) == 1
    # Its end afterwards is no news either.
    assert (
        core.event({"type": "ChannelDestroyed", "cause": 16, "channel": {"id": agent}}, T + 7) == []
    )
