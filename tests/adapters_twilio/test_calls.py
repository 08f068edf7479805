"""Single rules of the adapter: a call's end, a late cancel, the app's timer, a failed leg."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from callcenter.adapters.twilio import (
    RestRequest,
    TwilioAdapter,
    TwilioApp,
    TwilioDouble,
    TwilioSettings,
)
from callcenter.hotline import AgentLoggedIn, CallPhase, Hotline
from callcenter.testing import tianjin_hotline, tianjin_time

from .support import SETTINGS

T = tianjin_time(11)


def _waiting_complaint() -> tuple[TwilioAdapter, TwilioDouble, RestRequest]:
    adapter = TwilioAdapter(Hotline(tianjin_hotline()), SETTINGS)
    adapter.host_input(AgentLoggedIn(agent_id="business-1"), T)
    twilio = TwilioDouble(adapter, now=T)
    twilio.call("13700000002", "4008001234", ["3"], sid="CAc", hang_up=False)
    ring = twilio.actions[-1]
    assert isinstance(ring, RestRequest)
    assert ring.purpose == "ring"
    return adapter, twilio, ring


def test_the_callers_status_callback_after_the_agent_hung_up_is_quiet() -> None:
    _, twilio, ring = _waiting_complaint()
    form = dict(ring.form)
    leg = {"CallSid": "CAleg"}
    assert twilio.post(form["Url"], leg | {"CallStatus": "in-progress"})[0] == 200
    assert twilio.post(form["StatusCallback"], leg | {"CallStatus": "completed"})[0] == 204
    # Twilio reports the caller's leg completed after the adapter hung it up.
    callback = {"CallSid": "CAc", "CallStatus": "completed"}
    assert twilio.post(SETTINGS.url("/voice/status"), callback)[0] == 204
    status, body = twilio.post(SETTINGS.url("/voice/next?s=99"), {"CallSid": "CAc"})
    assert status == 200
    assert b"<Hangup" in body


def test_a_ring_taken_back_before_the_legs_sid_is_known_is_cancelled_once_it_is() -> None:
    adapter, _, _ = _waiting_complaint()
    deadline = adapter.next_deadline()
    assert deadline is not None
    actions = adapter.advance(deadline)
    assert adapter.hotline.call("CAc").phase is CallPhase.QUEUED
    assert not any(isinstance(a, RestRequest) and a.purpose == "cancel" for a in actions)
    late = adapter.leg_created("CAc", "business-1", "CAlegsid")
    assert len(late) == 1
    assert isinstance(late[0], RestRequest)
    assert (late[0].purpose, late[0].path.rsplit("/", 1)[-1]) == ("cancel", "CAlegsid.json")
    assert late[0].form == (("Status", "canceled"),)
    assert adapter.leg_created("CAc", "business-1", "CAlegsid") == ()


def test_the_apps_timer_wakes_the_hotline_on_its_own() -> None:
    sent: list[RestRequest] = []

    async def rest(request: RestRequest) -> Mapping[str, Any]:
        sent.append(request)
        return {"sid": f"CAleg{len(sent)}"}

    async def scenario() -> None:
        hotline = Hotline(tianjin_hotline())
        adapter = TwilioAdapter(hotline, SETTINGS)
        twilio = TwilioDouble(adapter, now=T)
        app = TwilioApp(adapter, executor=rest, clock=lambda: twilio.now)
        twilio.call("13700000002", "4008001234", ["3"], sid="CAc", hang_up=False)
        await app.host_input(AgentLoggedIn(agent_id="business-1"))
        assert [r.purpose for r in sent] == ["ring"]
        deadline = hotline.next_deadline()
        assert deadline is not None
        twilio.now = deadline  # the ring times out now: the timer task must notice
        await app.host_input(AgentLoggedIn(agent_id="business-2"))
        for _ in range(500):
            if "cancel" in [r.purpose for r in sent]:
                break
            await asyncio.sleep(0.01)
        await app.stop()
        assert [r.purpose for r in sent][:2] == ["ring", "cancel"]

    asyncio.run(asyncio.wait_for(scenario(), 10))


def test_a_ring_request_that_fails_is_an_agent_leg_failure() -> None:
    async def broken(request: RestRequest) -> Mapping[str, Any]:
        raise OSError("network unreachable")

    hotline = Hotline(tianjin_hotline())
    adapter = TwilioAdapter(hotline, SETTINGS)
    twilio = TwilioDouble(adapter, now=T)
    app = TwilioApp(adapter, executor=broken, clock=lambda: twilio.now, timer=False)
    twilio.call("13700000002", "4008001234", ["3"], sid="CAc", hang_up=False)
    assert hotline.call("CAc").phase is CallPhase.QUEUED
    asyncio.run(asyncio.wait_for(app.host_input(AgentLoggedIn(agent_id="business-1")), 10))
    assert hotline.call("CAc").phase is CallPhase.QUEUED
    assert hotline.agent_state("business-1").value != "ringing"


def test_hold_music_and_recorded_prompts_are_urls_under_the_audio_url() -> None:
    settings = TwilioSettings(
        public_url=SETTINGS.public_url,
        auth_tokens=SETTINGS.auth_tokens,
        audio_url="https://cdn.example.com/audio/",
    )
    assert settings.audio("welcome.mp3") == "https://cdn.example.com/audio/welcome.mp3"
    assert settings.audio("https://elsewhere.example.com/a.wav") == (
        "https://elsewhere.example.com/a.wav"
    )
    adapter = TwilioAdapter(Hotline(tianjin_hotline()), settings)
    twilio = TwilioDouble(adapter, now=T)
    twilio.call("13700000002", "4008001234", ["2"], sid="CAhold", hang_up=False)
    status, body = twilio.post(settings.url("/voice/hold?call=CAhold"), {"CallSid": "CAhold"})
    assert status == 200
    music = tianjin_hotline().hold.music
    assert f"<Play>https://cdn.example.com/audio/{music}</Play>".encode() in body
