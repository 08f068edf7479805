"""Bad and hostile webhooks: a 4xx answer and no change, retries without a second effect."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.adapters.twilio import (
    TwilioAdapter,
    TwilioDouble,
    TwilioSettings,
    body_sha256,
    sign,
)
from callcenter.hotline import Hotline
from callcenter.testing import tianjin_hotline, tianjin_time

from .support import PUBLIC, SETTINGS, TOKEN, signed

T = tianjin_time(10)
LINE = "4008001234"


def _started() -> tuple[Hotline, TwilioAdapter, bytes]:
    hotline = Hotline(tianjin_hotline())
    adapter = TwilioAdapter(hotline, SETTINGS)
    params = {"CallSid": "CAlive", "From": "13800138000", "To": LINE, "CallStatus": "ringing"}
    response = adapter.handle("POST", PUBLIC + "/voice", *signed(PUBLIC + "/voice", params), T)
    assert response.status == 200
    return hotline, adapter, response.body


def _refused(
    adapter: TwilioAdapter,
    hotline: Hotline,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    status: int,
    method: str = "POST",
) -> None:
    before = hotline.to_dict()
    deadline = adapter.next_deadline()
    response = adapter.handle(method, url, headers, body, T + 1)
    assert response.status == status, response.body
    assert response.actions == ()
    assert hotline.to_dict() == before
    assert adapter.next_deadline() == deadline
    assert hotline.live_calls() == ["CAlive"]


def test_a_missing_call_sid() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice/status"
    _refused(adapter, hotline, url, *signed(url, {"CallStatus": "completed"}), 400)


def test_an_unknown_call_sid() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice/status"
    params = {"CallSid": "CAnobody", "CallStatus": "completed"}
    _refused(adapter, hotline, url, *signed(url, params), 404)
    url = PUBLIC + "/voice/gather?s=1"
    _refused(adapter, hotline, url, *signed(url, {"CallSid": "CAnobody", "Digits": "1"}), 404)


def test_an_unknown_call_state() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice/status"
    params = {"CallSid": "CAlive", "CallStatus": "exploded"}
    _refused(adapter, hotline, url, *signed(url, params), 400)


def test_the_wrong_content_type() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice/status"
    headers, body = signed(url, {"CallSid": "CAlive", "CallStatus": "completed"})
    headers[0] = ("content-type", "text/plain")
    _refused(adapter, hotline, url, headers, body, 415)


def test_an_oversized_body() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice/status"
    params = {"CallSid": "CAlive", "CallStatus": "completed", "Junk": "x" * SETTINGS.max_body}
    _refused(adapter, hotline, url, *signed(url, params), 413)


def test_a_signature_for_another_url_or_token_or_none() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice/status"
    params = {"CallSid": "CAlive", "CallStatus": "completed"}
    headers, body = signed(PUBLIC + "/voice/gather", params)
    _refused(adapter, hotline, url, headers, body, 403)
    _refused(adapter, hotline, url, *signed(url, params, token="not-the-token"), 403)
    headers, body = signed(url, params)
    _refused(adapter, hotline, url, headers[:1], body, 403)


def test_a_json_body_without_or_with_a_wrong_hash() -> None:
    hotline, adapter, _ = _started()
    body = json.dumps({"CallSid": "CAlive", "CallStatus": "completed"}).encode()
    url = PUBLIC + "/voice/status"
    headers = [("content-type", "application/json"), ("x-twilio-signature", sign(TOKEN, url))]
    _refused(adapter, hotline, url, headers, body, 403)
    url = PUBLIC + "/voice/status?bodySHA256=" + body_sha256(b"{}")
    headers = [("content-type", "application/json"), ("x-twilio-signature", sign(TOKEN, url))]
    _refused(adapter, hotline, url, headers, body, 403)


def test_a_signed_json_body_is_taken() -> None:
    hotline, adapter, _ = _started()
    body = json.dumps({"CallSid": "CAlive", "CallStatus": "completed"}).encode()
    url = PUBLIC + "/voice/status?bodySHA256=" + body_sha256(body)
    headers = [("content-type", "application/json"), ("x-twilio-signature", sign(TOKEN, url))]
    response = adapter.handle("POST", url, headers, body, T + 1)
    assert response.status == 204
    assert hotline.live_calls() == []


def test_another_method_or_route() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice/status"
    headers, body = signed(url, {"CallSid": "CAlive", "CallStatus": "completed"})
    _refused(adapter, hotline, url, headers, body, 405, method="GET")
    other = PUBLIC + "/admin"
    _refused(adapter, hotline, other, *signed(other, {"CallSid": "CAlive"}), 404)


def test_a_second_arrival_of_a_live_call() -> None:
    hotline, adapter, _ = _started()
    url = PUBLIC + "/voice"
    params = {"CallSid": "CAlive", "From": "13800138000", "To": LINE, "CallStatus": "ringing"}
    headers, body = signed(url, params)
    headers.append(("i-twilio-idempotency-token", "a-new-delivery"))
    _refused(adapter, hotline, url, headers, body, 409)


def test_a_retried_webhook_has_no_effect_the_second_time() -> None:
    hotline, adapter, first = _started()
    url = PUBLIC + "/voice"
    params = {"CallSid": "CAlive", "From": "13800138000", "To": LINE, "CallStatus": "ringing"}
    before = hotline.to_dict()
    again = adapter.handle("POST", url, *signed(url, params), T + 2)
    assert (again.status, again.body, again.actions) == (200, first, ())
    assert hotline.to_dict() == before
    gather = PUBLIC + "/voice/gather?" + urlencode({"s": "1", "p": "welcome"})
    pressed = {"CallSid": "CAlive", "Digits": "1"}
    once = adapter.handle("POST", gather, *signed(gather, pressed), T + 3)
    after_once = hotline.to_dict()
    twice = adapter.handle("POST", gather, *signed(gather, pressed), T + 4)
    assert twice.body == once.body
    assert hotline.to_dict() == after_once


@settings(max_examples=60)
@given(
    params=st.dictionaries(
        st.sampled_from(["CallSid", "CallStatus", "Digits", "From", "To", "RecordingDuration"]),
        st.text(max_size=70),
    ),
    route=st.sampled_from(
        [
            "/voice",
            "/voice/status",
            "/voice/gather",
            "/voice/played",
            "/voice/recorded",
            "/voice/next",
            "/voice/hold",
            "/agent/answer",
            "/agent/status",
        ]
    ),
)
def test_any_signed_webhook_is_answered_without_a_crash(params: dict[str, str], route: str) -> None:
    hotline = Hotline(tianjin_hotline())
    adapter = TwilioAdapter(hotline, SETTINGS)
    url = PUBLIC + route
    response = adapter.handle("POST", url, *signed(url, params), T)
    assert 200 <= response.status < 500
    if response.status >= 400:
        assert hotline.live_calls() == []


def test_the_settings_refuse_what_cannot_work() -> None:
    with pytest.raises(ValueError, match="public_url") as caught:
        TwilioSettings(public_url="ftp://x/", auth_tokens=())
    assert "auth_tokens" in str(caught.value)


def test_a_url_that_is_no_url() -> None:
    hotline, adapter, _ = _started()
    url = "http://[::1/twilio/voice"
    _refused(adapter, hotline, url, *signed(PUBLIC + "/voice", {"CallSid": "CAlive"}), 400)


def test_a_lookup_that_answers_nonsense_leaves_the_call_waiting() -> None:
    hotline = Hotline(tianjin_hotline())
    adapter = TwilioAdapter(hotline, SETTINGS, lookup=lambda query, args: {"status": 42})  # type: ignore[dict-item]
    double = TwilioDouble(adapter, now=T)
    heard = double.call("13800138000", LINE, ["1", "123456789012#"], hang_up=False)
    # The lookup's own timeout decided: the flow's failure path queues the caller.
    assert heard[4].startswith("waits in queue")
    assert len(hotline.live_calls()) == 1
