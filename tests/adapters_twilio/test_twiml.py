"""Every TwiML document the adapter writes equals what Twilio's VoiceResponse builds."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st
from twilio.twiml.voice_response import VoiceResponse

from callcenter.adapters.twilio import TwilioAdapter, Verb, render
from callcenter.hotline import Hotline
from callcenter.testing import Drivable, run_conformance

from .support import SETTINGS, InProcess, TwilioSide, carried

_WITH_TEXT = {"Say": "message", "Play": "url", "Redirect": "url", "Enqueue": "name"}
_NOUNS = {"Queue": "name", "Number": "phone_number", "Sip": "sip_url", "Client": "identity"}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _twilio_builds(element: ElementTree.Element, parent: Any) -> None:
    kwargs = {_snake(k): v for k, v in element.attrib.items()}
    text_name = _WITH_TEXT.get(element.tag) or _NOUNS.get(element.tag)
    args = [element.text] if text_name else []
    built = getattr(parent, _snake(element.tag))(*args, **kwargs)
    for child in element:
        _twilio_builds(child, built)


def _same_as_voice_response(document: bytes) -> None:
    root = ElementTree.fromstring(document)
    assert root.tag == "Response"
    response = VoiceResponse()
    for verb in root:
        _twilio_builds(verb, response)
    assert document.decode() == response.to_xml()


def _documents() -> list[bytes]:
    sides: list[InProcess] = []

    def side(hotline: Drivable) -> TwilioSide:
        assert isinstance(hotline, Hotline)
        transport = InProcess(TwilioAdapter(hotline, SETTINGS))
        sides.append(transport)
        return TwilioSide(transport)

    assert run_conformance(side, compare=carried).ok
    bodies = [r.body for t in sides for r in t.responses if r.body.startswith(b"<?xml")]
    bodies += [
        dict(action.form)["Twiml"].encode()
        for t in sides
        for action in t.log
        if hasattr(action, "form") and "Twiml" in dict(action.form)
    ]
    return bodies


def test_every_document_of_the_scripted_calls_is_twilios() -> None:
    documents = _documents()
    tags = {e.tag for d in documents for e in ElementTree.fromstring(d).iter()}
    assert {
        "Gather",
        "Say",
        "Play",
        "Pause",
        "Redirect",
        "Enqueue",
        "Record",
        "Hangup",
        "Reject",
        "Dial",
    } <= tags
    for document in documents:
        _same_as_voice_response(document)


_hostile = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), max_size=30)


@given(text=_hostile, url=_hostile, number=_hostile)
def test_any_text_is_escaped_like_twilio_escapes_it(text: str, url: str, number: str) -> None:
    document = render(
        [
            Verb(name="Say", attributes={"language": "zh-CN"}, text=text),
            Verb(name="Redirect", attributes={"method": "POST"}, text=url),
            Verb(
                name="Dial",
                attributes={"timeout": "20"},
                children=(Verb(name="Number", text=number),),
            ),
        ]
    )
    parsed = ElementTree.fromstring(document)
    assert [e.text or "" for e in parsed.iter() if e.tag != "Response" and e.tag != "Dial"] == [
        text,
        url,
        number,
    ]
    _same_as_voice_response(document)
