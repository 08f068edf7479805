"""The adapter conformance kit's scripted calls, replayed through Twilio's wire in process."""

from __future__ import annotations

from callcenter.adapters.twilio import TwilioAdapter
from callcenter.hotline import Hotline
from callcenter.testing import Drivable, run_conformance

from .support import SETTINGS, InProcess, TwilioSide, carried


def _side(hotline: Drivable) -> TwilioSide:
    assert isinstance(hotline, Hotline)
    return TwilioSide(InProcess(TwilioAdapter(hotline, SETTINGS)))


def test_every_scripted_call_passes_through_twilio_webhooks() -> None:
    report = run_conformance(_side, compare=carried)
    assert report.ok, str(report)
